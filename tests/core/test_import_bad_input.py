"""Broken and awkward input: a clear message, and the workspace exactly as it was.

The broken files are made here, at run time, from the real fixtures."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zipfile

import duckdb
import pytest

from app.core.errors import WorkspaceError
from app.core.ingest import ImportCancelled, import_paths
from app.core.progress import Cancelled, CancelToken
from app.core.store import Workspace

STREAM = "python-twitter/streaming_lines.json"
SEARCH = "python-twitter/get_search_raw.json"


@pytest.fixture
def seeded(workspace, fixtures_dir, helpers):
    """A workspace that already holds an import, so "unchanged" means something."""
    report = helpers.import_one(workspace, fixtures_dir / "twarc-csv/flat.jsonl")
    assert report.added == 100
    return workspace


def assert_refused(ws, helpers, path, *words, **kwargs):
    before = helpers.dump(ws)
    report = helpers.import_one(ws, path, **kwargs)
    assert report.error, f"{path} was not refused"
    for w in words:
        assert w.lower() in report.error.lower(), report.error
    assert (report.added, report.already_in_workspace) == (0, 0)
    assert "not imported" in report.summary()
    after = helpers.dump(ws)
    assert after == before
    assert after["counts"]["posts"] == 100 and after["counts"]["imports"] == 1
    return report


# ---- broken files ---------------------------------------------------------------------------


def test_truncated_last_line_imports_the_rest_and_names_the_line(seeded, fixtures_dir, helpers, tmp_path):
    lines = (fixtures_dir / STREAM).read_bytes().splitlines(keepends=True)
    path = tmp_path / "cut.jsonl"
    path.write_bytes(b"".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])
    report = helpers.import_one(seeded, path)
    assert report.error is None
    assert (report.read, report.added, report.duplicates_in_file, report.rejected) == (72, 70, 1, 1)
    (rej,) = report.rejections
    assert rej.lines == (72,) and rej.count == 1
    assert "cut off" in rej.reason
    assert "line 72" in report.summary()
    last_id = json.loads(lines[-1])["id_str"]
    assert seeded.con.execute("SELECT count(*) FROM posts WHERE post_id = ?", [last_id]).fetchone()[0] == 0


def test_damaged_line_in_the_middle(seeded, fixtures_dir, helpers, tmp_path):
    lines = (fixtures_dir / STREAM).read_text(encoding="utf-8").splitlines()
    lines[9] = lines[9][:100]
    lines[19] = '{"created_at": "Sat Mar 10 14:03:29 +0000 2018", "text": "a status with no user or id"}'
    path = tmp_path / "damaged.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = helpers.import_one(seeded, path)
    assert report.error is None
    assert report.rejected == 2
    by_reason = {r.reason: r.lines for r in report.rejections}
    assert by_reason["not valid JSON (the line is cut off or damaged)"] == (10,)
    assert (20,) in by_reason.values()
    assert (report.added, report.duplicates_in_file) == (69, 1)


def test_not_utf8(seeded, fixtures_dir, helpers, tmp_path):
    lines = (fixtures_dir / STREAM).read_text(encoding="utf-8").splitlines()[:5]
    rec = json.loads(lines[2])
    rec["extended_tweet"]["full_text"] = "Café crème à la carte"
    lines[2] = json.dumps(rec, ensure_ascii=False)
    path = tmp_path / "latin1.jsonl"
    path.write_bytes("\n".join(lines).encode("latin-1", errors="replace"))
    report = assert_refused(seeded, helpers, path, "UTF-8")
    assert "line 3" in report.error


def test_not_utf8_csv(seeded, helpers, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("id,timestamp_utc,user_screen_name,text\n1,1610005273,acme,Désolé\n".encode("cp1252"))
    assert_refused(seeded, helpers, path, "UTF-8")


def test_utf16_json_is_read(workspace, fixtures_dir, helpers, tmp_path):
    """UTF-16 (with its byte-order mark) is told by content and read like UTF-8."""
    path = tmp_path / "utf16.json"
    path.write_bytes(
        (fixtures_dir / "twarc-csv/two_tweets.jsonl").read_text(encoding="utf-8").encode("utf-16")
    )
    report = helpers.import_one(workspace, path)
    assert report.error is None and report.added == 1 and report.counts_add_up()


def test_truncated_gzip_small(seeded, fixtures_dir, helpers, tmp_path):
    gz = gzip.compress((fixtures_dir / STREAM).read_bytes())
    path = tmp_path / "cut.json.gz"
    path.write_bytes(gz[: len(gz) // 2])
    assert_refused(seeded, helpers, path, "damaged or cut short")


def test_truncated_gzip_larger_than_the_detection_head(seeded, helpers, tmp_path):
    """Cut near the end: the first megabytes decompress fine, the reader fails later."""
    big = helpers.write_v1_stream(tmp_path / "big.jsonl", 2500)
    assert big.stat().st_size > 8 << 20
    gz = gzip.compress(big.read_bytes(), compresslevel=1)
    path = tmp_path / "big.jsonl.gz"
    path.write_bytes(gz[: int(len(gz) * 0.9)])
    assert_refused(seeded, helpers, path, "damaged or cut short")


@pytest.mark.parametrize("content", [b"", b"   \n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(seeded, helpers, tmp_path, content):
    path = tmp_path / "tweets.jsonl"
    path.write_bytes(content)
    assert_refused(seeded, helpers, path, "empty")


def test_empty_json_list(seeded, helpers, tmp_path):
    path = tmp_path / "tweets.json"
    path.write_text("[]\n")
    assert_refused(seeded, helpers, path, "empty list")


@pytest.mark.parametrize("name", ["photo.png", "tweets.json"])
def test_png_image(seeded, helpers, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06" + bytes(range(256)) * 8
    )
    assert_refused(seeded, helpers, path, "not a format this app reads", "PNG image")


def test_zip_without_tweets_js(seeded, x_archive, helpers, tmp_path):
    path = tmp_path / "twitter-archive.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(x_archive.data / "account.js", "data/account.js")
        zf.write(x_archive.like, "data/like.js")
        zf.writestr("Your archive.html", "<html></html>")
    assert_refused(seeded, helpers, path, "tweets.js")


def test_damaged_zip(seeded, x_archive, helpers, tmp_path):
    data = x_archive.zip.read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(data[: len(data) // 2])
    assert_refused(seeded, helpers, path, "zip", "damaged")


def test_json_that_is_not_tweets(seeded, helpers, tmp_path):
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"name": "x", "version": "1.0.0"}))
    assert_refused(seeded, helpers, path, "Twitter")


def test_missing_file(seeded, helpers, tmp_path):
    assert_refused(seeded, helpers, tmp_path / "nowhere.jsonl", "does not exist")


def test_folder_with_readme_and_image_takes_only_the_archive(workspace, fixtures_dir, helpers, tmp_path):
    folder = tmp_path / "collected"
    folder.mkdir()
    (folder / "tweets.jsonl").write_bytes((fixtures_dir / "twarc-csv/flat.jsonl").read_bytes())
    (folder / "README.md").write_text("# Collected with twarc2 on 2021-04-08\n")
    (folder / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(256))
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(256))
    (folder / ".DS_Store").write_bytes(os.urandom(64))
    reports = import_paths(workspace, [folder])
    assert [os.path.basename(r.path) for r in reports] == ["tweets.jsonl"]
    assert reports[0].error is None and reports[0].added == 100
    info = workspace.info()
    assert [os.path.basename(i["path"]) for i in info["imports"]] == ["tweets.jsonl"]
    assert info["posts"] == 100


def test_a_failed_file_does_not_stop_the_others(workspace, fixtures_dir, helpers, tmp_path):
    bad = tmp_path / "a_empty.json"
    bad.write_bytes(b"")
    reports = import_paths(workspace, [bad, fixtures_dir / "twarc-csv/two_tweets.jsonl"])
    assert [bool(r.error) for r in reports] == [True, False]
    assert workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 1


# ---- the same file twice --------------------------------------------------------------------


@pytest.mark.parametrize("name", [SEARCH, STREAM, "twarc-csv/noflat.jsonl", "twitwi/tweet-export.csv"])
def test_importing_the_same_file_twice_adds_nothing(workspace, fixtures_dir, helpers, name):
    first = helpers.import_one(workspace, fixtures_dir / name)
    assert first.error is None and first.added > 0
    posts_before = helpers.dump(workspace)["posts"]
    second = helpers.import_one(workspace, fixtures_dir / name)
    assert second.error is None
    assert second.added == 0
    assert second.already_in_workspace == second.read - second.rejected - second.duplicates_in_file
    assert second.already_in_workspace == first.added
    assert second.counts_add_up() and first.counts_add_up()
    assert second.seen_before == first.import_id
    assert second.sha256 == first.sha256
    assert "already imported" in second.summary()
    assert helpers.dump(workspace)["posts"] == posts_before


def test_twice_duplicates_equal_read(workspace, fixtures_dir, helpers):
    path = fixtures_dir / "twarc-csv/flat.jsonl"
    helpers.import_one(workspace, path)
    again = helpers.import_one(workspace, path)
    assert (again.read, again.added, again.already_in_workspace) == (100, 0, 100)


def test_same_posts_in_another_format_are_duplicates(workspace, fixtures_dir, helpers):
    helpers.import_one(workspace, fixtures_dir / "twarc-csv/flat.jsonl")
    report = helpers.import_one(workspace, fixtures_dir / "twarc-csv/noflat.jsonl")
    assert (report.added, report.already_in_workspace) == (0, 100)
    assert report.seen_before is None


# ---- cancelling -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_stream(tmp_path_factory, helpers):
    """~50,000 lines of the real v1.1 stream, each with a new id (about 250 MB)."""
    path = helpers.write_v1_stream(tmp_path_factory.mktemp("big") / "stream-50k.jsonl", 50_000)
    yield path
    path.unlink()  # pytest keeps recent temp folders: do not leave 250 MB behind


class CancelAfterFirstReport(CancelToken):
    def __init__(self) -> None:
        super().__init__()
        self.reports: list[tuple] = []

    def report(self, done, total, message=""):
        super().report(done, total, message)
        self.reports.append((done, total, message))
        if len(self.reports) == 1:
            self.cancel()


def test_cancel_from_the_first_report_leaves_the_workspace_as_it_was(seeded, helpers, big_stream):
    before = helpers.dump(seeded)
    token = CancelAfterFirstReport()
    with pytest.raises(ImportCancelled) as caught:
        import_paths(seeded, [big_stream], progress=token)
    assert isinstance(caught.value, Cancelled)
    assert caught.value.reports == []
    assert token.reports, "the import reported no progress"
    assert helpers.dump(seeded) == before
    # the connection is still usable and no staging table is left over
    assert seeded.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 100
    assert helpers.table_counts(seeded.con) == before["counts"]


class CancelWhileReading(CancelToken):
    """Asks to stop at the first check made while the reading query runs."""

    def __init__(self) -> None:
        super().__init__()
        self.checks = 0

    def cancelled(self) -> bool:
        self.checks += 1
        if self.checks == 2:
            self.cancel()
        return super().cancelled()


def test_cancel_while_reading_leaves_the_workspace_as_it_was(seeded, fixtures_dir, helpers, big_stream):
    before = helpers.dump(seeded)
    with pytest.raises(ImportCancelled):
        import_paths(seeded, [big_stream], progress=CancelWhileReading())
    assert helpers.dump(seeded) == before
    # and the workspace still imports afterwards
    report = helpers.import_one(seeded, fixtures_dir / "twarc-csv/two_tweets.jsonl")
    assert (report.error, report.added) == (None, 1)


def test_cancel_keeps_the_files_finished_before(workspace, fixtures_dir, helpers, big_stream):
    token = CancelToken()
    seen = []

    def on_file(report):
        seen.append(report)
        token.cancel()

    with pytest.raises(ImportCancelled) as caught:
        import_paths(
            workspace, [fixtures_dir / "twarc-csv/flat.jsonl", big_stream], progress=token, on_file=on_file
        )
    assert [r.added for r in caught.value.reports] == [100]
    assert workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 100
    assert workspace.con.execute("SELECT count(*) FROM imports").fetchone()[0] == 1


# ---- opening workspaces ---------------------------------------------------------------------


def test_workspace_open_in_another_process(tmp_path, helpers):
    path = tmp_path / "incident.duckdb"
    ws = Workspace.open(path, create=True)
    try:
        code = (
            "import sys\n"
            "from app.core.store import Workspace\n"
            "from app.core.errors import WorkspaceError\n"
            "try:\n"
            "    Workspace.open(sys.argv[1])\n"
            "except WorkspaceError as exc:\n"
            "    print('WorkspaceError:', exc)\n"
            "    sys.exit(3)\n"
            "print('opened')\n"
        )
        env = {**os.environ, "PYTHONPATH": str(helpers.ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", code, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=helpers.ROOT,
            env=env,
        )
    finally:
        ws.close()
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "open in another window" in done.stdout
    assert "incident.duckdb" in done.stdout
    # once closed here, it opens
    Workspace.open(path).close()


def test_opening_a_file_that_is_not_duckdb(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("These are my notes about the incident.\n" * 200)
    before = path.read_bytes()
    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(path)
    assert "not" in str(caught.value) and "workspace" in str(caught.value)
    assert path.read_bytes() == before


def test_opening_a_duckdb_file_without_our_schema(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (region VARCHAR, amount DOUBLE)")
    con.execute("INSERT INTO sales VALUES ('north', 12.5)")
    con.close()
    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(path)
    assert "not an Incident Timeline workspace" in str(caught.value)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT * FROM sales").fetchall() == [("north", 12.5)]
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    con.close()
    assert tables == {"sales"}


def test_opening_an_empty_file_or_a_folder(tmp_path):
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    with pytest.raises(WorkspaceError, match="empty"):
        Workspace.open(empty)
    with pytest.raises(WorkspaceError, match="folder"):
        Workspace.open(tmp_path)
    with pytest.raises(WorkspaceError, match="no workspace"):
        Workspace.open(tmp_path / "absent.duckdb")
