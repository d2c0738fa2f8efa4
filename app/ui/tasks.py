"""The only place that creates threads: runs core jobs on Qt's thread pool.

A job is a plain function ``fn(progress) -> result`` from the core. :class:`TaskRunner` runs it
on a worker thread and delivers progress, the result, a cancel or an error back on the UI
thread as signals. Submitting a new task of a kind cancels the running one of that kind, and
its late answer is dropped, so a slow query never overwrites a newer one (stale answers).
A job that takes its DuckDB cursor from ``progress.cursor(ws)`` is interrupted in DuckDB
itself when cancelled, so a dropped query stops using the processor at once instead of
holding a worker while newer queries wait behind it.

Writes (turning points, tags, chronicle edits, settings) go through :meth:`TaskRunner.write`:
one after the other, in the order asked, on a thread of their own, never cancelled.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from app.core.errors import UserError
from app.core.progress import Cancelled

log = logging.getLogger(__name__)


class _Signals(QObject):
    progress = Signal(float, float, str)
    result = Signal(object)
    error = Signal(str)
    cancelled = Signal()
    finished = Signal()


class _Progress:
    """The core's Progress protocol, relayed as a Qt signal (queued to the UI thread)."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()
        self._cursors: list = []
        self._lock = threading.Lock()

    def report(self, done: float, total: float | None, message: str = "") -> None:
        self._signals.progress.emit(float(done), float(total or 0), message)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cursor(self, ws):
        """A cursor of ``ws`` for this job, interrupted if the job is cancelled."""
        con = ws.cursor()
        with self._lock:
            self._cursors.append(con)
            cancelled = self._cancel.is_set()
        if cancelled:
            con.interrupt()
        return con

    def cancel(self) -> None:
        with self._lock:
            self._cancel.set()
            cursors = list(self._cursors)
        for con in cursors:
            with contextlib.suppress(Exception):  # a cursor already closed has nothing to stop
                con.interrupt()


class Task:
    """One job on the pool; its signals live on the UI thread."""

    def __init__(self, kind: str, fn: Callable[[Any], Any] | None, cancellable: bool = True) -> None:
        self.kind = kind
        self.fn = fn
        self.cancellable = cancellable
        self.signals = _Signals()
        self.progress = _Progress(self.signals)
        self.done = threading.Event()

    def cancel(self) -> None:
        if self.cancellable:
            self.progress.cancel()

    @property
    def is_cancelled(self) -> bool:
        return self.progress.cancelled()

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except UserError as exc:
            self.signals.error.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged for us
            if self.progress.cancelled():
                # the query was interrupted because its answer is no longer wanted
                self.signals.cancelled.emit()
            else:
                log.error("task %s failed:\n%s", self.kind, traceback.format_exc())
                self.signals.error.emit(f"Something went wrong: {exc}")
        else:
            if self.progress.cancelled():
                self.signals.cancelled.emit()
            else:
                self.signals.result.emit(result)
        finally:
            self.done.set()
            self.signals.finished.emit()


class TaskRunner(QObject):
    """Runs tasks by kind; at most one current task per kind."""

    busy_changed = Signal(str, bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        # the writes run one at a time, in the order they were asked for: the next one
        # starts when the one before it has finished
        self._write_queue: deque[Task] = deque()
        self._writing: Task | None = None
        self._current: dict[str, Task] = {}
        self._all: set[Task] = set()
        self._writes = 0

    def submit(
        self,
        kind: str,
        fn: Callable[[Any], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        on_progress: Callable[[float, float, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        *,
        _write: bool = False,
    ) -> Task:
        old = self._current.get(kind)
        if old is not None:
            old.cancel()
        task = Task(kind, fn, cancellable=not _write)
        self._current[kind] = task
        self._all.add(task)

        def current() -> bool:
            return self._current.get(kind) is task

        if on_result:
            task.signals.result.connect(lambda r: on_result(r) if current() else None)
        if on_error:
            task.signals.error.connect(lambda m: on_error(m) if current() else None)
        if on_progress:
            task.signals.progress.connect(lambda d, t, m: on_progress(d, t, m) if current() else None)
        if on_cancelled:
            task.signals.cancelled.connect(lambda: on_cancelled() if current() else None)

        def finished() -> None:
            # let go of the job (and the workspace it holds) once it is over
            task.fn = None
            task.signals.deleteLater()
            self._all.discard(task)
            if current():
                del self._current[kind]
                self.busy_changed.emit(kind, False)
            if _write:
                self._writing = None
                self._next_write()

        task.signals.finished.connect(finished)
        self.busy_changed.emit(kind, True)
        if _write:
            self._write_queue.append(task)
            self._next_write()
        else:
            # a plain callable: the pool keeps no QRunnable (and so no job) alive after the run
            self.pool.start(task.run)
        return task

    def _next_write(self) -> None:
        if self._writing is None and self._write_queue:
            self._writing = self._write_queue.popleft()
            self.pool.start(self._writing.run)

    def write(
        self,
        fn: Callable[[Any], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> Task:
        """Run a change to the workspace off the UI thread, after the writes asked before it
        (never cancelled, never dropped: each has a kind of its own)."""
        self._writes += 1
        return self.submit(f"write:{self._writes}", fn, on_result=on_result, on_error=on_error, _write=True)

    def writing(self) -> bool:
        return any(k.startswith("write:") for k in self._current)

    def is_busy(self, kind: str) -> bool:
        return kind in self._current

    def busy_kinds(self) -> list[str]:
        """The kinds of task running now (empty when the runner is idle)."""
        return sorted(self._current)

    def current(self, kind: str) -> Task | None:
        """The running task of ``kind``, if any."""
        return self._current.get(kind)

    def cancel(self, kind: str) -> None:
        task = self._current.get(kind)
        if task is not None:
            task.cancel()

    def cancel_all(self) -> None:
        for task in list(self._all):
            task.cancel()

    def wait_all(self, timeout_s: float = 30.0) -> bool:
        """Cancel everything and wait for the workers (closing a workspace or the window);
        the writes still queued are run first, here, in order."""
        self.cancel_all()
        deadline = time.monotonic() + timeout_s
        ok = True
        while self._writing is not None or self._write_queue:
            if self._writing is not None:
                ok = self._writing.done.wait(max(0.0, deadline - time.monotonic())) and ok
                self._writing = None
            if self._write_queue:
                # the answers are delivered later, on the UI thread, as always
                self._writing = self._write_queue.popleft()
                self.pool.start(self._writing.run)
        ok = all(task.done.wait(max(0.0, deadline - time.monotonic())) for task in list(self._all)) and ok
        return ok
