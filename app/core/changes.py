"""Change counters of what changes in a workspace (evidence tags, the data), for caches.

A workspace is open in one program at a time (DuckDB locks the file), and every edit goes
through the core in that program, so a counter per workspace file, bumped by each edit, tells
a cache whether what it keeps is still true: no query, no timestamp to compare.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import defaultdict
from pathlib import Path

#: What the rollups' stamp counts changed: posts, imports, scores, languages, settings, the
#: rollups themselves (:mod:`app.core.rollup`). Bumped after the write commits.
DATA = "data"

_lock = threading.Lock()
_counters: dict[tuple[str, str], int] = defaultdict(int)


def _key(path: str | Path, what: str) -> tuple[str, str]:
    path = str(path)
    # a relative path depends on the working directory: resolved each time
    return (_resolved(path) if os.path.isabs(path) else str(Path(path).resolve()), what)


@functools.lru_cache(maxsize=64)
def _resolved(path: str) -> str:
    # resolving a path asks the file system (0.2 ms), and the counters are read before every
    # query of the timeline; a workspace's path does not move while it is open
    return str(Path(path).resolve())


def bump(path: str | Path, what: str) -> int:
    """Note that ``what`` (e.g. ``"tags"``) changed in the workspace at ``path``."""
    with _lock:
        _counters[_key(path, what)] += 1
        return _counters[_key(path, what)]


def generation(path: str | Path, what: str) -> int:
    """How many times ``what`` changed in the workspace at ``path`` in this program."""
    with _lock:
        return _counters.get(_key(path, what), 0)
