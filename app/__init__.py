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
