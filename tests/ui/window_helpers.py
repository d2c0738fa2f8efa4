"""Helpers for the tests that drive the window on the sample incident (US Eastern times)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

EST = ZoneInfo("America/New_York")


def idle(qtbot, w, timeout: int = 30000) -> None:
    """Until nothing runs or waits to run: every view shows the session's state."""
    qtbot.waitUntil(w.is_idle, timeout=timeout)


def est(*args) -> float:
    return datetime(*args, tzinfo=EST).timestamp()


def sql(w, query: str, params=()):
    """A plain SQL answer over the window's workspace, to compare with what it shows."""
    return w.ws.cursor().execute(query, list(params)).fetchall()
