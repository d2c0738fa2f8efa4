"""Pausing Python's cycle collector while an analysis builds many small objects.

An analysis of a large archive makes hundreds of thousands of small objects that hold no
cycles (figures, their sources, findings, rows read back). CPython's cycle collector runs on
allocation counts, and each pass over its older generations walks every tracked object in the
process, about a million once a 10M-post workspace has been analysed: at 10M posts it was 60%
of turning the brand's posts into findings (1.2 s against 0.44 s) and about 1 s of the
suggestions' 5 s. Reference counting frees those objects without it, so :func:`paused` stops
the automatic passes for the length of a run and lets them resume after.

The collector's switch is the process's, and the window runs analyses on several worker
threads: pauses are counted, the collector resumes when the last one ends, and a collector
someone else had switched off stays off.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
#: the pauses under way, and whether the collector was on before the first
_state = {"depth": 0, "resume": False}


@contextmanager
def paused() -> Iterator[None]:
    """No automatic cycle collection inside the block (see the module's notes)."""
    with _lock:
        if _state["depth"] == 0:
            _state["resume"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["resume"]:
                gc.enable()
