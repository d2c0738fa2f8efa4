"""The import side of issue 15: inputs that are no files, JSON nested without end, damaged
archives, formats forced on the wrong content, huge lines and documents, a full temporary
folder, and the temporary folders an import leaves (none)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest

from app.core.ingest import import_paths
from app.core.ingest.importer import check_inputs
from app.core.ingest.sources import PREFIX, remove_stale_folders

STREAM = "python-twitter/streaming_lines.json"


def test_a_fifo_is_refused_at_once_and_never_opened(workspace, helpers, tmp_path):
    fifo = tmp_path / "tweets.jsonl"
    os.mkfifo(fifo)
    done = {}

    def run():
        done["report"] = helpers.import_one(workspace, fifo)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "the import blocked on the FIFO"
    assert "named pipe" in done["report"].error
    assert [e.problem for e in check_inputs([fifo])] == [done["report"].error]
    # in a folder, a FIFO is passed over
    (tmp_path / "good.jsonl").write_bytes(
        (helpers.ROOT / "tests/fixtures/twarc-csv/two_tweets.jsonl").read_bytes()
    )
    reports = import_paths(workspace, [tmp_path])
    assert [Path(r.path).name for r in reports] == ["good.jsonl"]


def test_a_device_is_refused(workspace, helpers):
    report = helpers.import_one(workspace, Path("/dev/zero"))
    assert report.error and "device" in report.error


def test_deep_json_nesting(workspace, helpers, tmp_path):
    for name, body in (
        ("deep.json", "[" * 100000 + "]" * 100000),
        ("deep-lines.jsonl", '{"a":' * 50000 + "1" + "}" * 50000 + "\n"),
    ):
        path = tmp_path / name
        path.write_text(body)
        report = helpers.import_one(workspace, path)
        assert report.error, name
        assert "Traceback" not in report.error
    assert workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 0


def test_damaged_member_of_an_x_archive_zip(workspace, x_archive, helpers, tmp_path):
    data = bytearray(x_archive.zip.read_bytes())
    with zipfile.ZipFile(x_archive.zip) as zf:
        info = zf.getinfo("data/tweets.js")
    # spoil the compressed bytes of tweets.js (its local header is 30 bytes + name + extra)
    start = info.header_offset + 30 + len(info.filename) + 20
    for i in range(start, start + 40):
        data[i] ^= 0x5A
    path = tmp_path / "spoiled.zip"
    path.write_bytes(bytes(data))
    report = helpers.import_one(workspace, path)
    assert report.error and "damaged" in report.error and "zip" in report.error


def test_truncated_gz_tweets_js(workspace, x_archive, helpers, tmp_path):
    import gzip

    folder = tmp_path / "arch" / "data"
    folder.mkdir(parents=True)
    packed = gzip.compress(x_archive.tweets.read_bytes())
    (folder / "tweets.js.gz").write_bytes(packed[: len(packed) - 20])
    (folder / "account.js").write_bytes((x_archive.data / "account.js").read_bytes())
    report = helpers.import_one(workspace, folder / "tweets.js.gz")
    assert report.error and "damaged or cut short" in report.error


def test_account_js_that_is_a_folder(workspace, x_archive, helpers, tmp_path):
    folder = tmp_path / "arch" / "data"
    folder.mkdir(parents=True)
    (folder / "tweets.js").write_bytes(x_archive.tweets.read_bytes())
    (folder / "account.js").mkdir()
    report = helpers.import_one(workspace, folder / "tweets.js")
    assert report.error is None and report.added == len(x_archive.part0)
    assert any("account.js" in w and "author is unknown" in w for w in report.warnings)
    assert workspace.con.execute("SELECT count(*) FROM posts WHERE author_handle IS NULL").fetchone()[0] == 4


@pytest.mark.parametrize(
    ("name", "fmt", "words"),
    [
        ("twarc-csv/flat.jsonl", "csv", "it holds JSON"),
        ("twitwi/tweet-export.csv", "v1", "it is a table"),
        ("twitwi/tweet-export.csv", "twitter-v2", "it is a table"),
        ("twarc-csv/flat.jsonl", "x-archive", "it holds JSON"),
        ("twitwi/tweet-export.csv", "brandwatch", "not those of Brandwatch"),
    ],
)
def test_a_forced_format_that_does_not_fit(workspace, fixtures_dir, helpers, name, fmt, words):
    before = helpers.dump(workspace)
    (report,) = import_paths(workspace, [fixtures_dir / name], fmt=fmt)
    assert report.error and words in report.error and "--format" in report.error
    assert helpers.dump(workspace) == before


def test_a_forced_format_within_the_kind_reads_as_told(workspace, fixtures_dir, helpers):
    (report,) = import_paths(workspace, [fixtures_dir / "twarc-csv/flat.jsonl"], fmt="v1")
    assert report.error and "could be read as Twitter API v1.1" in report.error


def test_a_50mb_line_among_good_lines(workspace, fixtures_dir, helpers, tmp_path):
    lines = (fixtures_dir / STREAM).read_text(encoding="utf-8").splitlines()
    big = json.loads(lines[5])
    big["text"] = big["extended_tweet"]["full_text"] = "x" * (50 << 20)
    path = tmp_path / "stream.jsonl"
    path.write_text("\n".join([*lines[:5], json.dumps(big), *lines[6:]]) + "\n", encoding="utf-8")
    report = helpers.import_one(workspace, path)
    assert report.error is None, report.error
    assert report.read == 72 and report.counts_add_up()


def test_a_line_longer_than_the_limit_is_told_with_its_size(workspace, fixtures_dir, helpers, tmp_path):
    lines = (fixtures_dir / STREAM).read_text(encoding="utf-8").splitlines()
    path = tmp_path / "stream.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines[:3]) + "\n")
        fh.write('{"text": "' + "y" * (130 << 20) + '"}\n')
    report = helpers.import_one(workspace, path)
    assert report.error and "line 4" in report.error and "130 MB" in report.error and "128 MB" in report.error


def test_a_50mb_single_document(workspace, fixtures_dir, helpers, tmp_path):
    search = json.loads((fixtures_dir / "python-twitter/get_search_raw.json").read_text(encoding="utf-8"))
    search["search_metadata"]["padding"] = "z" * (50 << 20)
    # the padding comes first, so the first statuses lie far beyond the detector's look
    doc = {"search_metadata": search["search_metadata"], "statuses": search["statuses"]}
    path = tmp_path / "search.json"
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    report = helpers.import_one(workspace, path)
    assert report.error is None, report.error
    assert (report.read, report.added) == (100, 100)


def test_broken_json_document_names_where(workspace, helpers, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"statuses": [{"id_str": "1", "text": "a"},\n  {"id_str": ]}')
    report = helpers.import_one(workspace, path)
    assert report.error and ("line 2" in report.error or "could not be read" in report.error)


def test_not_a_format_says_what_it_looks_like(workspace, helpers, tmp_path):
    cases = {
        "report.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 4,
        "notes.html": b"<!DOCTYPE html><html><body>notes</body></html>",
        "page.xml": b'<?xml version="1.0"?><rss></rss>',
        "plain.txt": b"Some notes about the incident\nwithout any columns\n",
        "slides.zip": None,
    }
    for name, data in cases.items():
        path = tmp_path / name
        if data is None:
            with zipfile.ZipFile(path, "w") as zf:
                zf.writestr("ppt/presentation.xml", "<p/>")
        else:
            path.write_bytes(data)
        report = helpers.import_one(workspace, path)
        assert report.error and report.error.startswith("not a format this app reads (it looks like"), (
            name,
            report.error,
        )
    assert "PDF" in helpers.import_one(workspace, tmp_path / "report.pdf").error
    assert "web page" in helpers.import_one(workspace, tmp_path / "notes.html").error
    assert "PowerPoint" in helpers.import_one(workspace, tmp_path / "slides.zip").error


def own_folders() -> list[Path]:
    root = Path(tempfile.gettempdir())
    return [p for p in root.iterdir() if p.name.startswith(f"{PREFIX}{os.getpid()}-")]


def test_no_temporary_folder_is_left_behind(workspace, fixtures_dir, x_archive, helpers, tmp_path):
    before = set(own_folders())
    import_paths(workspace, [x_archive.zip, fixtures_dir / "listening", tmp_path / "missing.json"])
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    import_paths(workspace, [bad])
    assert set(own_folders()) == before


def test_folders_of_a_killed_import_are_removed_at_the_next(workspace, fixtures_dir, helpers, tmp_path):
    # a process that is gone: its pid no longer exists
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(gone.stdout)
    stale = Path(tempfile.gettempdir()) / f"{PREFIX}{pid}-abc123"
    stale.mkdir()
    (stale / "part0.json").write_text("[]")
    alive = Path(tempfile.gettempdir()) / f"{PREFIX}1-keepme"  # pid 1 runs: not ours to remove
    alive.mkdir(exist_ok=True)
    try:
        helpers.import_one(workspace, fixtures_dir / "twarc-csv/two_tweets.jsonl")
        assert not stale.exists()
        assert alive.exists()
        assert remove_stale_folders() == []
    finally:
        alive.rmdir()


@pytest.fixture
def tiny_tmp(tmp_path, monkeypatch):
    """A temporary folder with 256 KB of room (a tmpfs; needs root, as CI runs)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root)")
    monkeypatch.setattr(tempfile, "tempdir", str(mount))
    try:
        yield mount
    finally:
        time.sleep(0.1)
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_temporary_folder_is_said_as_such(workspace, x_archive, helpers, tmp_path, tiny_tmp):
    big = tmp_path / "big.zip"
    tweets = json.loads(x_archive.tweets.read_text(encoding="utf-8").split("=", 1)[1])
    many = [
        {"tweet": {**t["tweet"], "id_str": str(10**17 + i), "id": str(10**17 + i)}}
        for i in range(2000)
        for t in tweets[:1]
    ]
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/tweets.js", helpers.x_js("tweets", 0, many))
        zf.writestr("data/account.js", helpers.account_js())
    before = helpers.dump(workspace)
    report = helpers.import_one(workspace, big)
    assert report.error and "temporary folder" in report.error and "is full" in report.error
    assert "damaged" not in report.error
    assert helpers.dump(workspace) == before
    assert not [p for p in tiny_tmp.iterdir() if p.name.startswith(PREFIX)]
