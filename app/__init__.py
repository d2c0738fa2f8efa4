"""Incident Timeline Explorer: rebuild how a social-media crisis unfolded from a post archive."""

import sys as _sys

__version__ = "0.1.0"

# orig_argv: the worker's own command line (multiprocessing sets sys.argv to the parent's)
if "--multiprocessing-fork" in (*getattr(_sys, "orig_argv", ()), *_sys.argv):
    # A worker process (sentiment scoring) started by multiprocessing: the terminal's Ctrl-C
    # reaches the whole process group, and it is the parent's to handle (it cancels the job
    # and stops the workers). Ignored here, at the worker's first import of the app, so that a
    # Ctrl-C while the worker is still starting cannot print a traceback.
    import signal as _signal

    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)


#: the exit status of a command cancelled by Ctrl-C (as app.cli.common.EXIT_CANCELLED)
_EXIT_CANCELLED = 130


def _left_at_startup(signum, frame) -> None:
    # nothing has been written yet: leave at once, in words (a KeyboardInterrupt raised inside
    # an extension's start-up, PySide6's above all, ends in a traceback or a fatal error)
    import os

    try:
        _sys.stderr.write("incident-timeline: cancelled.\n")
        _sys.stderr.flush()
    finally:
        os._exit(_EXIT_CANCELLED)


#: whether this process was started as the command (its Ctrl-C held until it started)
_held = {"ctrl_c": False}


def hold_ctrl_c_until_started() -> None:
    """Until :func:`release_ctrl_c`, Ctrl-C ends the command quietly at once: the command line
    calls it before its imports, while nothing has been written."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() and (
        signal.getsignal(signal.SIGINT) is signal.default_int_handler
    ):
        signal.signal(signal.SIGINT, _left_at_startup)
        _held["ctrl_c"] = True


def done_with_ctrl_c() -> None:
    """Once a command has done its work and said so, a Ctrl-C has nothing left to cancel: it
    is ignored from then on, so that one arriving while the interpreter exits (Qt's and
    DuckDB's teardown) does not end a finished command by the signal, unexplained. Only in a
    process started as the command (see :func:`hold_ctrl_c_until_started`): a caller of the
    command line's ``main`` in its own process keeps its Ctrl-C."""
    import signal
    import threading

    if _held["ctrl_c"] and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def release_ctrl_c() -> None:
    """Ctrl-C raises KeyboardInterrupt again (which the commands turn into a clean cancel)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() and (
        signal.getsignal(signal.SIGINT) is _left_at_startup
    ):
        signal.signal(signal.SIGINT, signal.default_int_handler)


if _sys.argv and _sys.argv[0].rsplit("/", 1)[-1].rsplit("\\", 1)[-1].startswith("incident-timeline"):
    # the installed command or the bundle: held before anything heavy is imported
    hold_ctrl_c_until_started()
