"""The import's own faults (the ingest developer's side of issue 15), in the same corpus:
implausible dates, pipes and devices, deep nesting, damaged archives, --format mismatches,
a full temporary folder, huge lines, ragged CSV, a first import that fails.

They were written on the reliability branch before the ingest branch was merged, marked
``xfail(reason="ingest branch")`` while they failed there; with it merged they all pass."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import threading
import zipfile

import pytest
from v1_statuses import status

from .conftest import assert_ok, assert_worded, digest, post_count, write_statuses
from .test_full_disk import small_disk  # noqa: F401 - the fixture

T0 = 1384358400.0  # 2013-11-13 16:00 UTC


def _good(n: int = 5, start: int = 100) -> list[dict]:
    return [status(str(start + i), T0 + 60 * i, f"u{i}", f"good post {i}", 10) for i in range(n)]


def _with_date(created_at: str) -> dict:
    s = status("999", T0, "wrong_clock", "a post with a wrong date", 10)
    s["created_at"] = created_at
    return s


@pytest.mark.parametrize(
    "created_at",
    ["Mon Jan 01 00:00:00 +0000 0001", "Thu Jan 01 00:00:00 +0000 1970", "Fri Dec 31 00:00:00 +0000 9999"],
)
def test_implausible_dates_are_quarantined(env, workspace, tmp_path, created_at):
    count = post_count(workspace)
    f = write_statuses(tmp_path / "dates.jsonl", [*_good(), _with_date(created_at)])
    run = env.run("import", str(workspace), str(f), timeout=120)
    assert_ok(run)
    assert "date" in run.stdout.lower()  # the count of quarantined posts, and why
    assert post_count(workspace) == count + 5
    for args in (
        ("turning-points", str(workspace)),
        ("report", str(workspace), "-o", str(tmp_path / "r.pdf")),
    ):
        assert_ok(env.run(*args, timeout=120))


def test_an_absurd_utc_offset_is_rejected_not_moved(env, workspace, tmp_path):
    count = post_count(workspace)
    f = write_statuses(tmp_path / "offset.jsonl", [*_good(), _with_date("Wed Nov 13 16:00:00 +9999 2013")])
    run = env.run("import", str(workspace), str(f))
    assert_ok(run)
    assert "rejected 1" in run.stdout
    assert post_count(workspace) == count + 5


def test_a_fifo_is_refused_without_hanging(env, workspace, tmp_path):
    before = digest(workspace)
    fifo = tmp_path / "stream.jsonl"
    os.mkfifo(fifo)
    run = env.run("import", str(workspace), str(fifo), timeout=30)
    assert_worded(run)
    assert "stream.jsonl: not imported" in run.output
    assert digest(workspace) == before


def test_deep_json_nesting(env, workspace, tmp_path):
    before = digest(workspace)
    f = tmp_path / "deep.json"
    f.write_text("[" * 200_000 + "]" * 200_000)
    run = env.run("import", str(workspace), str(f), timeout=120)
    assert "RecursionError" not in run.output
    assert_worded(run)
    assert "deep.json: not imported" in run.output
    assert digest(workspace) == before


def test_a_truncated_gz_in_an_x_archive(env, workspace, x_archive, tmp_path):
    before = digest(workspace)
    data = gzip.compress(x_archive.tweets.read_bytes())
    z = x_archive.data / "tweets.js.gz"
    z.write_bytes(data[: len(data) // 2])
    x_archive.tweets.unlink()
    run = env.run("import", str(workspace), str(z))
    assert "EOFError" not in run.output
    assert_worded(run)
    assert "tweets.js.gz: not imported" in run.output and "damaged" in run.output
    assert digest(workspace) == before


def test_account_js_as_a_folder(env, workspace, x_archive):
    (x_archive.data / "account.js").unlink()
    (x_archive.data / "account.js").mkdir()
    run = env.run("import", str(workspace), str(x_archive.tweets))
    assert "Traceback" not in run.output
    assert run.returncode in (0, 1), run.output


@pytest.mark.parametrize(
    ("fmt", "fixture"),
    [
        ("csv-twitwi", "twarc-csv/noflat.jsonl"),
        ("twitter-v1", "twitwi/tweet-export.csv"),
        ("v1", "twitwi/tweet-export.csv"),
    ],
)
def test_a_format_that_does_not_fit(env, workspace, fmt, fixture):
    from .conftest import FIXTURES

    before = digest(workspace)
    run = env.run("import", str(workspace), str(FIXTURES / fixture), "--format", fmt)
    assert "AttributeError" not in run.output and "KeyError" not in run.output
    assert_worded(run)
    assert digest(workspace) == before


def test_a_full_temporary_folder_is_not_a_damaged_zip(
    env,
    workspace,
    x_archive,
    small_disk,  # noqa: F811 - the fixture imported above
    helpers,
    tmp_path,
):
    import copy

    X_PART0, x_js = helpers.X_PART0, helpers.x_js

    # an archive whose unpacked tweets (~3 MB) cannot fit in the temporary folder
    tweets = []
    for i in range(3000):
        t = copy.deepcopy(X_PART0[i % len(X_PART0)])
        t["id_str"] = t["id"] = str(1400000000000000000 + i)
        tweets.append({"tweet": t})
    z = tmp_path / "twitter-big.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(x_archive.data / "account.js", "data/account.js")
        zf.writestr("data/tweets.js", x_js("tweets", 0, tweets))
    before = digest(workspace)
    small_disk.fill(64 * 1024)
    run = env.run("import", str(workspace), str(z), TMPDIR=str(small_disk))
    assert_worded(run)
    assert "full" in run.output and "damaged" not in run.output
    assert digest(workspace) == before


def test_a_50mb_line_among_good_lines(env, workspace, tmp_path):
    f = tmp_path / "big-line.jsonl"
    with open(f, "w") as out:
        for s in _good(3):
            out.write(json.dumps(s) + "\n")
        big = status("555", T0, "verbose", "x" * (50 << 20), 10)
        out.write(json.dumps(big) + "\n")
        for s in _good(3, start=200):
            out.write(json.dumps(s) + "\n")
    run = env.run("import", str(workspace), str(f), timeout=300)
    assert "256 MB" not in run.output
    assert "Traceback" not in run.output


def test_ragged_csv_rows_are_counted_exactly(env, workspace, tmp_path):
    import csv

    from .conftest import FIXTURES

    with open(FIXTURES / "twitwi" / "tweet-export.csv", newline="", encoding="utf-8") as src:
        rows = list(csv.reader(src))
    f = tmp_path / "ragged.csv"
    with open(f, "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerows(rows)
        w.writerow(["1", "2", "3"])
        w.writerow(["just one cell"])
    run = env.run("import", str(workspace), str(f), "--json")
    report = json.loads(run.stdout)["files"][0]
    # the reader stores an error per missing cell (56 and 58 here): counted once a row
    assert report["rejected"] == 2, report
    assert report["read"] == 6 and report["added"] == 4, report
    [why] = report["rejections"]
    assert why["count"] == 2 and why["lines"] == [6, 7], why


def test_a_ragged_row_before_a_bad_date_keeps_the_line_numbers_true(env, workspace, tmp_path):
    import csv

    from .conftest import FIXTURES

    with open(FIXTURES / "twitwi" / "tweet-export.csv", newline="", encoding="utf-8") as src:
        header, *rows = list(csv.reader(src))
    bad = list(rows[3])
    for column in ("timestamp_utc", "local_time"):
        bad[header.index(column)] = "not a time"
    f = tmp_path / "middle.csv"
    with open(f, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([header, rows[0], ["one", "two"], rows[1], bad])
    report = json.loads(env.run("import", str(workspace), str(f), "--json").stdout)["files"][0]
    assert (report["read"], report["added"], report["rejected"]) == (4, 2, 2), report
    lines = {r["reason"]: r["lines"] for r in report["rejections"]}
    assert lines == {
        "a row that could not be read (missing columns)": [3],
        "a date in a form the app does not read": [5],
    }, report


def test_a_failed_first_import_leaves_no_workspace(env, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("these are my notes, not an archive\n")
    ws = tmp_path / "new.duckdb"
    run = env.run("import", str(ws), str(bad))
    assert_worded(run)
    assert not ws.exists() and not ws.with_name("new.duckdb.wal").exists()


def test_a_missing_input_file(env, workspace, tmp_path):
    before = digest(workspace)
    run = env.run("import", str(workspace), str(tmp_path / "nothing-here.jsonl"))
    assert_worded(run)
    assert "nothing-here.jsonl" in run.output
    assert digest(workspace) == before


def test_an_unreadable_input_file(env, workspace, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    f = write_statuses(tmp_path / "locked.jsonl", _good())
    f.chmod(0)
    assert_worded(env.run("import", str(workspace), str(f)))


def test_a_fifo_input_does_not_hold_the_workspace_for_ever(env, workspace, tmp_path):
    """Even where the import itself waits on a pipe, the wait is not for ever: writing to the
    pipe's other end, as a user would see it, ends it."""
    fifo = tmp_path / "later.jsonl"
    os.mkfifo(fifo)

    def feed() -> None:
        try:
            fd = os.open(fifo, os.O_WRONLY)
            os.close(fd)
        except OSError:
            pass

    feeder = threading.Timer(5, feed)
    feeder.daemon = True
    feeder.start()
    try:
        p = subprocess.run(
            env.command("import", str(workspace), str(fifo)),
            env=env.environ(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        # the importer refuses a pipe without opening it, so the feeder's open for writing has
        # no reader: be that reader, or the feeder waits for ever and the run cannot end
        feeder.cancel()
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        feeder.join(10)
        os.close(reader)
        assert not feeder.is_alive()
    assert "Traceback" not in p.stdout + p.stderr
