"""The JSON reader's first pass over v1.1 and v2 JSON-lines files (issue 14): kept only when
it stores exactly what the line-by-line stager stores, with the same counts and line numbers;
otherwise the file is staged line by line, as before."""

from __future__ import annotations

import gzip
import json

import pytest

from app.core.ingest import ImportCancelled, import_paths, importer
from app.core.ingest.detect import detect
from tests.core.test_import_bad_input import CancelWhileReading

JSON_LINES_FORMATS = ("twitter-v1", "twitter-v2")


@pytest.fixture
def watched(monkeypatch):
    """What each first pass returned (True: the file was staged by it)."""
    seen: list[bool] = []
    wrapped = {}
    for fmt, prestage in importer._PRESTAGERS.items():

        def watch(ctx, prestage=prestage):
            kept = prestage(ctx)
            seen.append(kept)
            return kept

        wrapped[fmt] = watch
    monkeypatch.setattr(importer, "_PRESTAGERS", wrapped)
    return seen


def _line_by_line(monkeypatch, ws, path, helpers):
    with monkeypatch.context() as m:
        m.setattr(importer, "_PRESTAGERS", {})
        return helpers.import_one(ws, path)


def _facts(report) -> tuple:
    return (
        report.error,
        report.read,
        report.added,
        report.already_in_workspace,
        report.rejected,
        report.duplicates_in_file,
        report.conflicts,
        [r.as_dict() for r in report.rejections],
        [c.as_dict() for c in report.conflict_ids],
        report.skipped,
        report.warnings,
    )


def _same_either_way(monkeypatch, new_workspace, path, helpers, watched) -> bool:
    """Import ``path`` with the first pass and without; assert the same posts and report;
    return whether the first pass staged it."""
    fast_ws, slow_ws = new_workspace(f"fast_{path.name}"), new_workspace(f"slow_{path.name}")
    fast = helpers.import_one(fast_ws, path)
    kept = watched[-1] if watched else False
    slow = _line_by_line(monkeypatch, slow_ws, path, helpers)
    assert _facts(fast) == _facts(slow)
    assert helpers.post_rows(fast_ws) == helpers.post_rows(slow_ws)
    return kept


def _json_lines_fixtures(fixtures_dir):
    out = []
    for path in sorted(p for p in fixtures_dir.rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl")):
        try:
            det = detect(path)
        except Exception:  # noqa: BLE001 - not an archive this test is about
            continue
        if det.format in JSON_LINES_FORMATS and det.layout == "lines":
            out.append(path)
    return out


def test_every_json_lines_fixture_stores_the_same_posts_either_way(
    monkeypatch, new_workspace, fixtures_dir, helpers, watched
):
    paths = _json_lines_fixtures(fixtures_dir)
    assert len(paths) >= 5, paths
    kept = {path.name: _same_either_way(monkeypatch, new_workspace, path, helpers, watched) for path in paths}
    # clean files take the first pass; a file with a cut-off line does not
    assert kept["noflat.jsonl"] and kept["flat.jsonl"] and kept["streaming_lines.json"]
    assert not kept["streaming_output_with_error.jsonl"]


def _v1_lines(fixtures_dir) -> list[str]:
    return (fixtures_dir / "python-twitter/streaming_lines.json").read_text(encoding="utf-8").splitlines()


def _status(line: str) -> dict:
    return json.loads(line)


def test_an_implausible_date_in_a_clean_file_names_its_line(
    monkeypatch, new_workspace, fixtures_dir, tmp_path, helpers, watched
):
    lines = _v1_lines(fixtures_dir)
    bad = _status(lines[6])
    bad["created_at"] = "Thu Jan 01 00:00:00 +0000 1970"
    lines[6] = json.dumps(bad)
    path = tmp_path / "dated.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _same_either_way(monkeypatch, new_workspace, path, helpers, watched)
    ws = new_workspace(f"again_{path.name}")
    report = helpers.import_one(ws, path)
    (rejection,) = report.rejections
    assert rejection.lines == (7,)


def test_a_conflict_after_blank_lines_names_its_line(
    monkeypatch, new_workspace, fixtures_dir, tmp_path, helpers, watched
):
    lines = _v1_lines(fixtures_dir)
    copy = _status(lines[2])
    copy["text"] = copy.get("text", "") + " (edited)"
    copy.pop("full_text", None)
    copy.pop("extended_tweet", None)
    copy.pop("retweeted_status", None)
    lines = [*lines[:4], "", "   ", *lines[4:8], json.dumps(copy), *lines[8:]]
    path = tmp_path / "conflict.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # blank lines would shift positions: the first pass gives way to the line-by-line stager
    assert not _same_either_way(monkeypatch, new_workspace, path, helpers, watched)
    ws = new_workspace(f"again_{path.name}")
    report = helpers.import_one(ws, path)
    assert report.conflicts == 1
    assert [c.as_dict()["lines"] for c in report.conflict_ids] == [[3]]


def test_a_conflict_in_a_clean_gzipped_file_names_its_line(
    monkeypatch, new_workspace, fixtures_dir, tmp_path, helpers, watched
):
    lines = _v1_lines(fixtures_dir)
    copy = _status(lines[1])
    copy["user"] = {**copy["user"], "screen_name": "someone_else"}
    lines.append(json.dumps(copy))
    path = tmp_path / "conflict.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    assert _same_either_way(monkeypatch, new_workspace, path, helpers, watched)
    ws = new_workspace(f"again_{path.name}")
    report = helpers.import_one(ws, path)
    assert report.conflicts == 1
    assert [c.as_dict()["lines"] for c in report.conflict_ids] == [[2]]


@pytest.mark.parametrize(
    "odd",
    [
        "null",  # the reader makes an empty record of it; the line reader a record that is not a post
        "\t",  # whitespace the reader passes over and trim() does not
        '{"id_str": "9", "user": {"followers_count": {}}}',  # a value that does not fit
        '{"id_str": "9", "id_str": "10"}',
        "[1, 2]",
        '{"delete": {"status": {"id_str": "1"}}}',
        # values that fit no shape in fields the importer does not read (round 6 stopped
        # reading them): the reader used to fail on them and stage the file line by line
        '{"id_str": "9", "text": "t", "created_at": "Wed Oct 10 20:19:24 +0000 2018",'
        ' "retweeted_status": {"id_str": "8", "text": "o", "user": {"followers_count": {}}, "lang": [1]}}',
        '{"id_str": "9", "text": "t", "created_at": "Wed Oct 10 20:19:24 +0000 2018",'
        ' "quoted_status": {"id_str": "7", "text": "q", "entities": "none", "retweet_count": {}}}',
        '{"id_str": "9", "text": "t", "created_at": "Wed Oct 10 20:19:24 +0000 2018",'
        ' "entities": {"urls": [{"expanded_url": "https://x.example/", "url": {"odd": true}}]}}',
    ],
)
def test_odd_lines_store_the_same_either_way(
    odd, monkeypatch, new_workspace, fixtures_dir, tmp_path, helpers, watched
):
    lines = _v1_lines(fixtures_dir)
    lines.insert(5, odd)
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _same_either_way(monkeypatch, new_workspace, path, helpers, watched)


def test_cancel_in_the_first_pass_leaves_nothing_behind(workspace, fixtures_dir, tmp_path, helpers):
    path = helpers.write_v1_stream(tmp_path / "stream.jsonl", 20_000)
    helpers.import_one(workspace, fixtures_dir / "twarc-csv/flat.jsonl")
    before = helpers.dump(workspace)
    with pytest.raises(ImportCancelled):
        import_paths(workspace, [path], progress=CancelWhileReading())  # in the first pass
    assert helpers.dump(workspace) == before
    assert workspace.con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0] == 0
    report = helpers.import_one(workspace, path)
    assert (report.error, report.added) == (None, 20_000)
    assert workspace.con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0] == 0


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{}",
        b"{}\n",
        b"{}\n{}",
        b"{}\n\n{}\n",
        b"{}\r\n{}\r\n",
        b"\n",
        b"\n\n",
        b"{}\n\n",
        b"{} \r{}\n",
        b"\r\n",
    ],
)
def test_lines_counted_on_the_way_are_the_line_readers(content, tmp_path):
    import duckdb

    from app.core.store import ingest_sql as q

    path = tmp_path / "f.jsonl"
    path.write_bytes(content)
    hasher = importer._Hasher(path)
    hasher.start()
    counted = hasher.lines()
    if b"\r" in content.replace(b"\r\n", b""):
        assert counted is None
    else:
        assert counted == duckdb.connect().execute(q.COUNT_LINES, [str(path), "none"]).fetchone()[0]


_CONTENTS = [b"", b"{}", b"{}\n", b"{}\n{}", b"{}\n\n{}\n", b"{}\r\n{}\r\n", b"\n\n", b"{}\n\n", b"\r\n"]


@pytest.mark.parametrize("content", _CONTENTS)
@pytest.mark.parametrize("members", [1, 2, 3])
def test_lines_of_a_gzip_file_counted_on_the_way_are_the_line_readers(content, members, tmp_path):
    """The gzip file's contents, whole or cut into members at any point, counted as DuckDB's
    line reader counts them."""
    import duckdb

    from app.core.store import ingest_sql as q

    cuts = sorted({len(content) * k // members for k in range(1, members)})
    parts = [content[a:b] for a, b in zip([0, *cuts], [*cuts, len(content)], strict=True)]
    path = tmp_path / "f.jsonl.gz"
    path.write_bytes(b"".join(gzip.compress(p) for p in parts))
    hasher = importer._Hasher(path, gzip=True)
    hasher.start()
    assert hasher.lines() == duckdb.connect().execute(q.COUNT_LINES, [str(path), "gzip"]).fetchone()[0]


def test_a_large_gzip_file_is_counted_piece_by_piece(tmp_path):
    # 48 MB of lines in a file of a few hundred kB: inflated 16 MB at a time
    line = b'{"text": "' + b"x" * 500 + b'"}\n'
    count = 48 * (1 << 20) // len(line)
    path = tmp_path / "big.jsonl.gz"
    path.write_bytes(gzip.compress(line * count, compresslevel=9))
    hasher = importer._Hasher(path, gzip=True)
    hasher.start()
    assert hasher.lines() == count


@pytest.mark.parametrize(
    "damage",
    [
        lambda z: z[:-5],  # cut short
        lambda z: z + b"\0" * 16,  # padding after the last member
        lambda z: z[:20] + bytes([z[20] ^ 0xFF]) + z[21:],  # a damaged byte
    ],
)
def test_a_damaged_gzip_file_is_counted_by_duckdb_instead(damage, tmp_path):
    path = tmp_path / "f.jsonl.gz"
    path.write_bytes(damage(gzip.compress(b"{}\n" * 1000)))
    hasher = importer._Hasher(path, gzip=True)
    hasher.start()
    assert hasher.lines() is None


def test_a_line_end_split_between_two_reads_is_one(tmp_path):
    import duckdb

    from app.core.store import ingest_sql as q

    first = b"{}\r\n" * 1000
    filler = b"x" * ((1 << 22) - len(first) - 1)  # the file is read 4 MiB at a time
    path = tmp_path / "f.jsonl"
    path.write_bytes(first + filler + b"\r\n{}\r\n")
    hasher = importer._Hasher(path)
    hasher.start()
    assert (
        hasher.lines() == duckdb.connect().execute(q.COUNT_LINES, [str(path), "none"]).fetchone()[0] == 1002
    )
