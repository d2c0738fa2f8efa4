"""Watching processes from outside (Linux /proc and pgrep): shared by the fault corpus and
bench/kill9.py."""

from __future__ import annotations

import os
import subprocess


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(x) for x in out]


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        out += kids
        todo += kids
    return out


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for its parent)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def holds_lock(pid: int, path) -> bool:
    """Process ``pid`` holds a lock on the file ``path`` (as DuckDB does on an open workspace),
    read from /proc/locks: looking must not take the lock, or the process being watched could
    find its file in use by the watcher."""
    inode = os.stat(path).st_ino
    try:
        with open("/proc/locks") as f:
            lines = f.read().splitlines()
    except OSError:
        return False
    for line in lines:
        fields = line.split()
        if "->" in fields:  # a process waiting for a lock, not holding one
            continue
        # "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"
        if len(fields) >= 6 and fields[4] == str(pid) and fields[5].rsplit(":", 1)[-1] == str(inode):
            return True
    return False
