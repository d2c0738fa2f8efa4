"""The progress protocol every long job takes: report how far it is, and ask whether to stop.

A job calls ``progress.report(done, total, message)`` as it goes and ``progress.check()`` at
safe points; ``check`` raises :class:`Cancelled` once the caller has asked to stop, so the job
unwinds through its transaction and leaves the workspace as it was.
"""

from __future__ import annotations

import threading
from typing import Protocol


class Cancelled(Exception):
    """The user asked to stop; nothing the job was doing has been kept."""

    def __init__(self, message: str = "Cancelled by the user.") -> None:
        super().__init__(message)


class Progress(Protocol):
    def report(self, done: float, total: float | None, message: str = "") -> None: ...

    def cancelled(self) -> bool: ...


class NullProgress:
    """Progress for callers that neither watch nor cancel."""

    def report(self, done: float, total: float | None, message: str = "") -> None:
        pass

    def cancelled(self) -> bool:
        return False


class CancelToken:
    """A thread-safe progress that records the last report and can be cancelled from anywhere.

    The UI and the CLI subclass or wrap it to show the reports; tests use it to cancel a job
    part-way through.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self.last: tuple[float, float | None, str] = (0, None, "")

    def cancel(self) -> None:
        self._event.set()

    def cancelled(self) -> bool:
        return self._event.is_set()

    def report(self, done: float, total: float | None, message: str = "") -> None:
        self.last = (done, total, message)


def check(progress: Progress) -> None:
    """Raise :class:`Cancelled` if the caller asked to stop."""
    if progress.cancelled():
        raise Cancelled()


class SubProgress:
    """Maps a sub-job's 0..1 onto a slice [start, end] of a parent's total.

    Lets one file of several, or one stage of an import, report into the overall bar.
    """

    def __init__(self, parent: Progress, start: float, end: float, total: float) -> None:
        self.parent, self.start, self.end, self.total = parent, start, end, total

    def report(self, done: float, total: float | None, message: str = "") -> None:
        frac = 0.0 if not total else max(0.0, min(1.0, done / total))
        self.parent.report(self.start + (self.end - self.start) * frac, self.total, message)

    def cancelled(self) -> bool:
        return self.parent.cancelled()
