"""What reaches the terminal and other programs: post text never drives a terminal or a
spreadsheet, JSON stays exact, a closed pipe is not an error, and an error nobody foresaw is
one line and a log file."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import duckdb
import pytest

from .conftest import (
    EXIT_INTERNAL,
    HOSTILE_TEXTS,
    assert_ok,
    assert_worded,
    write_statuses,
)

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "core"))
from v1_statuses import status

EVIL = '\x1b]0;pwned\x07\x1b[2J\x9b1m =HYPERLINK("http://evil.example","x") \u202eevil'
RAW_CONTROLS = ["\x1b", "\x07", "\x9b", "\u202e"]


@pytest.fixture
def amplified_evil(env, tmp_path):
    """A workspace where a hostile post is retweeted 300 times: the turning points quote it."""
    t0 = 1384358400.0
    orig = status("1000", t0, "brand_critic", EVIL, followers=500000)
    rows = [orig]
    rows += [
        status(str(2000 + i), t0 + 18000 + i * 5, f"user{i}", "", 100 + i, retweet_of=orig)
        for i in range(300)
    ]
    rows += [status(str(5000 + i), t0 + i * 400, f"calm{i}", "just a normal day", 50) for i in range(40)]
    ws = tmp_path / "evil.duckdb"
    assert_ok(env.run("import", str(ws), str(write_statuses(tmp_path / "evil.jsonl", rows))))
    return ws


def test_post_text_cannot_drive_the_terminal(env, amplified_evil):
    run = env.run("turning-points", str(amplified_evil))
    assert_ok(run)
    assert "\\x1b]0;pwned\\x07" in run.stdout, "the post was expected in the output, escaped"
    for c in RAW_CONTROLS:
        assert c not in run.stdout and c not in run.stderr, repr(c)


def test_json_output_stays_exact_and_safe(env, amplified_evil):
    run = env.run("turning-points", str(amplified_evil), "--json")
    assert_ok(run)
    for c in RAW_CONTROLS:
        assert c not in run.stdout, repr(c)
    found = json.loads(run.stdout)
    assert any(EVIL in text for text in _strings(found)), "the exact text is in the JSON"


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_a_file_name_with_control_characters(env, tmp_path):
    name = "\x1b[2Jreport\x07.duckdb"
    run = env.run("info", str(tmp_path / name))
    message = assert_worded(run)
    assert "\x1b" not in run.stderr and "\\x1b[2Jreport\\x07" in message


def test_spreadsheet_cells_are_defused_and_json_exact(env, workspace):
    out_csv, out_json = workspace.with_name("posts.csv"), workspace.with_name("posts.json")
    assert_ok(env.run("export", str(workspace), "--what", "posts", "-o", str(out_csv)))
    assert_ok(env.run("export", str(workspace), "--what", "posts", "-o", str(out_json)))
    with open(out_csv, newline="", encoding="utf-8") as f:
        cells = {r["post_id"]: r for r in csv.DictReader(f)}
    with duckdb.connect(str(workspace), read_only=True) as con:
        stored = dict(
            con.execute(
                "SELECT post_id, text FROM posts WHERE post_id IN ?", [list(HOSTILE_TEXTS)]
            ).fetchall()
        )
    assert len(stored) == len(HOSTILE_TEXTS)
    for pid, text in stored.items():
        cell = cells[pid]["text"]
        if text[0] in "=+-@":
            assert cell == "'" + text
        else:
            assert cell == text
    for row in cells.values():
        for value in row.values():
            assert not value or value[0] not in "=+-@\t\r" or _number(value), value
    posts = {p["post_id"]: p for p in json.loads(out_json.read_text(encoding="utf-8"))}
    for pid, text in stored.items():
        assert posts[pid]["text"] == text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_a_closed_pipe_is_not_an_error(env, workspace, reader):
    """``| head -1`` reads a line and goes; ``| true`` reads nothing: either way the command
    ends quietly (``true`` has surely gone before the output is written)."""
    command = " ".join(f"'{a}'" for a in env.command("info", str(workspace)))
    p = subprocess.run(
        ["bash", "-c", f"{command} | {reader}"],
        env=env.environ(),
        cwd=env.base,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if reader == "head -1":
        assert p.stdout.startswith("Incident:")
    assert "Traceback" not in p.stderr and "BrokenPipe" not in p.stderr, p.stderr
    assert p.stderr == ""


def test_an_unforeseen_error_is_one_line_and_a_log(env, workspace):
    with duckdb.connect(str(workspace)) as con:
        con.execute("UPDATE meta SET value = '[not json' WHERE key = 'brand_handles'")
    run = env.run("info", str(workspace))
    message = assert_worded(run, EXIT_INTERNAL, mentions=("details are in",))
    assert "JSONDecodeError" not in message  # for the log, not for the user
    logs = env.logs()
    assert len(logs) == 1 and str(logs[0]) in message
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "JSONDecodeError" in text and "info" in text


@pytest.mark.parametrize(
    "args",
    [
        ("export",),
        ("export", "ws.duckdb", "--what", "everything", "-o", "x.csv"),
        ("report", "ws.duckdb", "-o", "x.pdf", "--paper", "a3"),
        ("no-such-command",),
        ("import", "ws.duckdb"),
    ],
)
def test_usage_mistakes(env, args):
    run = env.run(*args)
    assert "Traceback" not in run.output
    assert run.returncode in (1, 2), run.output
    assert run.stderr.strip()


def test_unknown_report_section(env, workspace):
    out = workspace.with_name("r.pdf")
    run = env.run("report", str(workspace), "-o", str(out), "--sections", "summary", "gossip")
    assert_worded(run, mentions=("gossip",))
    assert not out.exists()
