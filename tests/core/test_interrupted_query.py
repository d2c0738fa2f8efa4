"""A Ctrl-C that stops a DuckDB statement is told apart from a fault: DuckDB reports it as its
own error (not a KeyboardInterrupt), and the command line must still say "cancelled"."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from app.core.store.db import is_interrupted

ROOT = Path(__file__).resolve().parents[2]

#: a statement that runs for a few seconds unless stopped (DuckDB may notice a Ctrl-C only when
#: the statement's work ends, and then still reports the interrupt: measured here)
_LONG = "SELECT count(*) FROM range(400000000) a WHERE hash(a.range) % 7 = 1"

# A process of its own, as a command is: Python's Ctrl-C handler in place, the signal sent from
# outside while the statement runs. It prints what the statement raised and what the app makes
# of it.
_CHILD = f"""
import sys, duckdb
from app.core.store.db import is_interrupted
con = duckdb.connect()
con.execute("SET enable_progress_bar_print = false")  # as the workspace sets it
print("running", flush=True)
try:
    con.execute({_LONG!r}).fetchall()
    print("finished")
except BaseException as exc:
    print(type(exc).__name__, is_interrupted(exc))
"""


def test_a_ctrl_c_during_a_statement_is_an_interrupt():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen(
        [sys.executable, "-c", _CHILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert p.stdout is not None and p.stdout.readline().strip() == "running"
        # sent once the statement is under way: the child has spent CPU time inside it
        start = _cpu_seconds(p.pid)
        deadline = time.monotonic() + 60
        while _cpu_seconds(p.pid) - start < 0.3 and time.monotonic() < deadline:
            time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    # not a KeyboardInterrupt: DuckDB's own error, which the app must recognise
    assert out.split() == ["RuntimeError", "True"], out + err


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_an_interrupt_asked_of_the_connection_is_an_interrupt():
    con = duckdb.connect()
    done = threading.Event()

    def interrupt() -> None:
        # asked again until it lands: one asked before the statement starts is lost
        while not done.wait(0.2):
            con.interrupt()

    thread = threading.Thread(target=interrupt)
    thread.start()
    try:
        with pytest.raises(duckdb.Error) as caught:
            con.execute(_LONG).fetchall()
    finally:
        done.set()
        thread.join()
        con.close()
    assert is_interrupted(caught.value)


@pytest.mark.parametrize(
    "exc",
    [
        RuntimeError("something else"),
        duckdb.IOException("Query interrupted"),
        ValueError("Query interrupted"),
    ],
)
def test_other_errors_are_not(exc):
    assert not is_interrupted(exc)
