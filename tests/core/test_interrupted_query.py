"""A Ctrl-C that stops a DuckDB statement is told apart from a fault: DuckDB reports it as its
own error (not a KeyboardInterrupt), and the command line must still say "cancelled"."""

from __future__ import annotations

import signal
import threading

import duckdb
import pytest

from app.core.store.db import is_interrupted

#: a statement that runs for many seconds unless stopped
_LONG = "SELECT count(*) FROM range(10000000000) a WHERE hash(a.range) % 7 = 1"


def _stopped_by(stop) -> BaseException:
    con = duckdb.connect()
    timer = threading.Timer(0.3, stop, args=(con,))
    timer.start()
    try:
        con.execute(_LONG).fetchall()
    except BaseException as exc:  # noqa: BLE001 - the error is what is under test
        return exc
    finally:
        timer.join()
        con.close()
    pytest.fail("the statement was not stopped")


def test_a_signal_during_a_statement_is_an_interrupt():
    main = threading.main_thread().ident
    assert main is not None
    exc = _stopped_by(lambda con: signal.pthread_kill(main, signal.SIGINT))
    assert not isinstance(exc, KeyboardInterrupt)
    assert is_interrupted(exc)


def test_an_interrupt_asked_of_the_connection_is_an_interrupt():
    exc = _stopped_by(lambda con: con.interrupt())
    assert is_interrupted(exc)


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
