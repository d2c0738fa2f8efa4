"""Change counters of what the user edits in a workspace (evidence tags), for caches.

A workspace is open in one program at a time (DuckDB locks the file), and every edit goes
through the core in that program, so a counter per workspace file, bumped by each edit, tells
a cache whether what it keeps is still true: no query, no timestamp to compare.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from pathlib import Path

_lock = threading.Lock()
_counters: dict[tuple[str, str], int] = defaultdict(int)


def _key(path: str | Path, what: str) -> tuple[str, str]:
    return (str(Path(path).resolve()), what)


def bump(path: str | Path, what: str) -> int:
    """Note that ``what`` (e.g. ``"tags"``) changed in the workspace at ``path``."""
    with _lock:
        _counters[_key(path, what)] += 1
        return _counters[_key(path, what)]


def generation(path: str | Path, what: str) -> int:
    """How many times ``what`` changed in the workspace at ``path`` in this program."""
    with _lock:
        return _counters.get(_key(path, what), 0)
