"""Texts read from the workspace in chunks, worked on in worker processes, and stored in
order as each chunk comes back: the engine under VADER scoring and language detection.

Every finished chunk is committed at once, so a cancelled or interrupted run keeps what it
did and the next run picks up only what is missing. Below a few thousand texts the start-up
of worker processes costs more than it saves, and the work runs in this process.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from app.core.progress import Progress, check

CHUNK = 2000
#: Below this many texts the start-up of worker processes costs more than it saves.
IN_PROCESS_BELOW = 3000

Key = tuple[int, int]  # text_key's high and low 64 bits


def split(rows: list[tuple[int, int, str]]) -> tuple[list[Key], list[str]]:
    """Rows of (key high half, key low half, text) -> (keys, texts)."""
    return [(hi, lo) for hi, lo, _ in rows], [text for _, _, text in rows]


def run(
    start_reading: Callable[[], Any],
    work: Callable[[list[Key], list[str]], tuple[list[Key], list]],
    initializer: Callable[[], None],
    store: Callable[[list[Key], list], None],
    total: int,
    progress: Progress,
    workers: int,
    before_retry: Callable[[], None] | None = None,
) -> None:
    """``start_reading()`` runs the query and returns a cursor of (hi, lo, text) rows;
    ``work(keys, texts)`` (a module-level function, so that it can travel to a worker
    process) returns (keys, results); ``store`` writes them. ``initializer`` prepares a
    worker process (and this process, when the work stays here). ``before_retry`` runs
    before the query is run again in this process when worker processes cannot start (a
    ``store`` that holds results back must write them then)."""
    reader = start_reading()
    if total >= IN_PROCESS_BELOW and workers > 1:
        try:
            _in_pool(reader, work, initializer, store, progress, workers)
            return
        except BrokenProcessPool:
            # worker processes could not start here (a frozen or embedded interpreter):
            # do what is still missing in this process instead
            if before_retry is not None:
                before_retry()
            reader = start_reading()
    initializer()
    while rows := reader.fetchmany(CHUNK):
        check(progress)
        store(*work(*split(rows)))


@contextmanager
def _ctrl_c_blocked_for_new_workers() -> Iterator[None]:
    """A worker process is started by ``submit``: it starts with Ctrl-C blocked, since a blocked
    signal stays blocked through fork and exec. Ctrl-C reaches the whole process group, and a
    worker still loading Python would otherwise print a KeyboardInterrupt traceback before it
    can ignore it. Blocked in this thread only: the process's other threads still take it."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:  # Windows: no process groups, no signal masks
        yield
        return
    previous = mask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)


def _start_worker(initializer: Callable[[], None]) -> None:
    """A worker process dies with the process that started it, and leaves Ctrl-C to it."""
    import os
    import signal
    import threading

    # Ctrl-C reaches the whole process group: the parent cancels and shuts the pool down
    # (app/__init__.py already ignores it from the worker's first import of the app)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:

        def watch() -> None:
            # the sentinel is ready once the parent is gone, however it ended (kill -9 too)
            multiprocessing.connection.wait([parent.sentinel])
            os._exit(1)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    initializer()


def _in_pool(reader, work, initializer, store, progress: Progress, workers: int) -> None:
    """Chunks go to worker processes, at most two each in flight, and come back in order."""
    # spawn: forking a process that runs Qt or DuckDB threads is unsafe
    ctx = multiprocessing.get_context("spawn")
    pending: deque[Future] = deque()
    with ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_start_worker, initargs=(initializer,)
    ) as pool:
        try:
            exhausted = False
            while pending or not exhausted:
                while not exhausted and len(pending) < workers * 2:
                    rows = reader.fetchmany(CHUNK)
                    if not rows:
                        exhausted = True
                        break
                    keys, texts = split(rows)
                    with _ctrl_c_blocked_for_new_workers():
                        pending.append(pool.submit(work, keys, texts))
                if pending:
                    fut = pending.popleft()
                    while True:
                        try:
                            result = fut.result(timeout=0.1)
                            break
                        except FutureTimeout:
                            check(progress)
                    store(*result)
                    check(progress)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
