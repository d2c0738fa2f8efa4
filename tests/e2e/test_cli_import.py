"""`incident-timeline import` as a user runs it: the questions it asks in words, no traceback,
no workspace left behind by a first import that kept nothing, and the report as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


def test_a_first_import_that_fails_leaves_no_workspace(tmp_path):
    ws = tmp_path / "new.duckdb"
    bad = tmp_path / "notes.txt"
    bad.write_text("nothing to see\n")
    result = cli("import", str(ws), str(bad))
    no_traceback(result)
    assert result.returncode == 1
    assert "not a format this app reads" in result.stdout
    assert not ws.exists() and not Path(str(ws) + ".wal").exists()


def test_a_fifo_is_refused_before_the_workspace_is_opened(tmp_path):
    ws = tmp_path / "incident.duckdb"
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    result = cli("import", str(ws), str(fifo), timeout=30)
    no_traceback(result)
    assert result.returncode == 1 and "named pipe" in result.stdout
    assert not ws.exists()


def test_wrong_formats_and_questions_are_words(tmp_path):
    ws = tmp_path / "incident.duckdb"
    for args, words in (
        ((str(FIXTURES / "twarc-csv/flat.jsonl"), "--format", "csv"), "it holds JSON"),
        ((str(FIXTURES / "twitwi/tweet-export.csv"), "--format", "v1"), "it is a table"),
        ((str(FIXTURES / "listening/meltwater-mentions.csv"),), "--timezone"),
        ((str(FIXTURES / "airline/Tweets.csv"),), '--map "tweet_id=post_id"'),
    ):
        result = cli("import", str(ws), *args, "--no-sentiment")
        no_traceback(result)
        assert result.returncode == 1 and words in result.stdout, result.stdout
    result = cli("import", str(ws), str(FIXTURES / "twarc-csv/flat.jsonl"), "--timezone", "Mars/Olympus")
    no_traceback(result)
    assert result.returncode == 1 and "not a time zone" in result.stderr
    assert not ws.exists()


def test_answers_on_the_command_line_and_the_json_report(tmp_path):
    ws = tmp_path / "incident.duckdb"
    result = cli(
        "import", str(ws), str(FIXTURES / "listening/meltwater-mentions.csv"),
        str(FIXTURES / "airline/Tweets.csv"),
        "--timezone", "America/New_York",
        "--map", "tweet_id=post_id", "--map", "tweet_created=created_at", "--map", "text=text",
        "--map", "airline_sentiment=human_label", "--no-sentiment", "--json",
    )  # fmt: skip
    no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr
    files = json.loads(result.stdout)["files"]
    melt, airline = files
    assert melt["format"] == "listening-meltwater" and melt["timezone"] == "America/New_York"
    assert airline["format"] == "csv-mapped" and airline["timezone"] is None and airline["labels"] == 16
    for f in files:
        assert f["read"] == sum(
            f[k] for k in ("added", "already_in_workspace", "duplicates_in_file", "conflicts", "rejected")
        )
    assert airline["duplicates_in_file"] == 3 and airline["already_in_workspace"] == 0
    info = json.loads(cli("info", str(ws), "--json").stdout)
    assert [i["rows_duplicate"] for i in info["imports"]] == [0, 0]


def test_sheet_and_day_order_options(tmp_path):
    from openpyxl import Workbook

    book = tmp_path / "export.xlsx"
    wb = Workbook()
    ws1 = wb.active
    ws1.title = "Notes"
    ws1.append(["a", "b"])
    ws1.append(["1", "2"])
    ws2 = wb.create_sheet("Posts")
    ws2.append(["id", "when", "text"])
    ws2.append(["1764987654321098753", "03/04/2023 10:00", "first"])
    ws2.append(["1764987654321098754", "05/04/2023 10:00", "second"])
    wb.save(book)
    ws = tmp_path / "incident.duckdb"
    base = ("import", str(ws), str(book), "--map", "id=post_id", "--map", "when=created_at", "--map", "text=text",
            "--no-sentiment", "--timezone", "UTC")  # fmt: skip
    asked = cli(*base)
    assert asked.returncode == 1 and "--sheet" in asked.stdout
    asked = cli(*base, "--sheet", "Posts")
    assert asked.returncode == 1 and "--dayfirst" in asked.stdout
    done = cli(*base, "--sheet", "Posts", "--dayfirst", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    import duckdb

    con = duckdb.connect(str(ws), read_only=True)
    got = [str(r[0]) for r in con.execute("SELECT created_at FROM posts ORDER BY post_id").fetchall()]
    con.close()
    assert got == ["2023-04-03 10:00:00", "2023-04-05 10:00:00"]


def test_the_workspace_is_not_locked_while_a_fifo_waits(tmp_path):
    """Whatever the inputs, a FIFO never holds the workspace: another import runs meanwhile."""
    ws = tmp_path / "incident.duckdb"
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    results = {}
    t = threading.Thread(
        target=lambda: results.setdefault("fifo", cli("import", str(ws), str(fifo), timeout=30))
    )
    t.start()
    other = cli("import", str(ws), str(FIXTURES / "twarc-csv/two_tweets.jsonl"), "--no-sentiment")
    t.join(40)
    assert other.returncode == 0, other.stdout + other.stderr
    assert results["fifo"].returncode == 1
