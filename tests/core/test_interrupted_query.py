"""A Ctrl-C that stops a DuckDB statement is told apart from a fault: DuckDB often reports it as
its own error rather than as a KeyboardInterrupt, and the command line must still say
"cancelled"."""

from __future__ import annotations

import os
import select
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

#: a statement that runs for a second or more unless stopped
_LONG = "SELECT count(*) FROM range(200000000) a WHERE hash(a.range) % 7 = 1"

# A process of its own, as a command is. It runs the statement again and again until one ends in
# an error of DuckDB's own, and prints that error and what the app makes of it. Its Ctrl-C
# handler raises KeyboardInterrupt, as Python's own does, but only while a statement runs. A
# Ctrl-C that lands between two statements, is lost, lands after a statement's work (DuckDB may
# then not notice it) or comes out of DuckDB as the KeyboardInterrupt itself (all measured under
# load) just means another round: the command line treats a KeyboardInterrupt as a cancel too.
_CHILD = f"""
import signal
import duckdb
from app.core.store.db import is_interrupted
inside = False
def ctrl_c(signum, frame):
    if inside:
        raise KeyboardInterrupt
signal.signal(signal.SIGINT, ctrl_c)
con = duckdb.connect()
con.execute("SET enable_progress_bar_print = false")  # as the workspace sets it
print("running", flush=True)
while True:
    try:
        inside = True
        con.execute({_LONG!r}).fetchall()
    except KeyboardInterrupt:
        pass  # Python's own: DuckDB lets some through as they are (measured)
    except BaseException as exc:
        inside = False
        print(type(exc).__name__, is_interrupted(exc), flush=True)
        break
    inside = False
"""


def test_a_ctrl_c_during_a_statement_is_an_interrupt():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen(
        [sys.executable, "-c", _CHILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert p.stdout is not None and p.stdout.readline().strip() == "running"
        # Ctrl-C every half second until a statement ends in an error
        answer = ""
        deadline = time.monotonic() + 120
        while not answer and time.monotonic() < deadline and p.poll() is None:
            p.send_signal(signal.SIGINT)
            if select.select([p.stdout], [], [], 0.5)[0]:
                answer = p.stdout.readline()
    finally:
        p.kill()
        _, err = p.communicate()
    # not a KeyboardInterrupt: DuckDB's own error, which the app must recognise
    assert answer.split() == ["RuntimeError", "True"], answer + err


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
