"""VADER sentiment for every post: each distinct text scored once, on all cores, resumably.

Scores are exactly what ``SentimentIntensityAnalyzer().polarity_scores(text)`` returns. Texts
are keyed by ``posts.text_key`` (an md5 of the text), so the many retweets of one post cost one
score. Work goes to worker processes in chunks; every finished chunk is committed at once, so
a cancelled or interrupted run keeps what it did and the next run scores only what is missing.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from app.core.progress import NullProgress, Progress, check
from app.core.store import sentiment_sql as q
from app.core.store.workspace import Workspace

CHUNK = 2000
#: Below this many texts the start-up of worker processes costs more than it saves.
IN_PROCESS_BELOW = 3000

_analyzer = None


def _init_worker() -> None:
    global _analyzer
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    _analyzer = SentimentIntensityAnalyzer()


def _init_pool_worker() -> None:
    """A worker process dies with the process that started it, and leaves Ctrl-C to it."""
    _die_with_parent()
    _init_worker()


def _die_with_parent() -> None:
    import signal
    import threading

    # Ctrl-C reaches the whole process group: the parent cancels and shuts the pool down
    # (app/__init__.py already ignores it from the worker's first import of the app)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        # the sentinel becomes ready when the parent is gone, however it ended (kill -9 too)
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def score_texts(texts: list[str]) -> list[tuple[float, float, float, float]]:
    """(compound, pos, neu, neg) for each text, in order."""
    if _analyzer is None:
        _init_worker()
    out = []
    for text in texts:
        s = _analyzer.polarity_scores(text)
        out.append((s["compound"], s["pos"], s["neu"], s["neg"]))
    return out


Key = tuple[int, int]  # text_key's high and low 64 bits


def _score_chunk(
    keys: list[Key], texts: list[str]
) -> tuple[list[Key], list[tuple[float, float, float, float]]]:
    return keys, score_texts(texts)


def _split(rows: list[tuple[int, int, str]]) -> tuple[list[Key], list[str]]:
    return [(hi, lo) for hi, lo, _ in rows], [text for _, _, text in rows]


def missing_count(ws: Workspace) -> int:
    return ws.cursor().execute(q.MISSING_COUNT).fetchone()[0]


def score_missing(ws: Workspace, progress: Progress | None = None, workers: int | None = None) -> int:
    """Score every text that has no scores yet; return how many were scored."""
    progress = progress or NullProgress()
    reader, writer = ws.cursor(), ws.cursor()
    total = reader.execute(q.MISSING_COUNT).fetchone()[0]
    if total == 0:
        progress.report(1, 1, "Sentiment is up to date")
        return 0
    reader.execute(q.MISSING_TEXTS)
    workers = workers or os.cpu_count() or 1
    done = 0

    def store(keys: list[Key], scores: list[tuple[float, float, float, float]]) -> None:
        nonlocal done
        writer.execute(
            q.INSERT_SCORES,
            [[k[0] for k in keys], [k[1] for k in keys], *map(list, zip(*scores, strict=False))],
        )
        done += len(keys)
        progress.report(done, total, f"Scoring sentiment: {done:,} of {total:,} texts")

    progress.report(0, total, f"Scoring sentiment of {total:,} texts")
    if total >= IN_PROCESS_BELOW and workers > 1:
        try:
            _score_in_pool(reader, store, progress, workers)
            return done
        except BrokenProcessPool:
            # worker processes could not start here (a frozen or embedded interpreter):
            # score what is still missing in this process instead
            reader.execute(q.MISSING_TEXTS)
    while rows := reader.fetchmany(CHUNK):
        check(progress)
        store(*_score_chunk(*_split(rows)))
    return done


def _score_in_pool(reader, store, progress: Progress, workers: int) -> None:
    """Chunks go to worker processes, at most two each in flight, and come back in order."""
    # spawn: forking a process that runs Qt or DuckDB threads is unsafe
    ctx = multiprocessing.get_context("spawn")
    pending: deque[Future] = deque()
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_pool_worker) as pool:
        try:
            exhausted = False
            while pending or not exhausted:
                while not exhausted and len(pending) < workers * 2:
                    rows = reader.fetchmany(CHUNK)
                    if not rows:
                        exhausted = True
                        break
                    pending.append(pool.submit(_score_chunk, *_split(rows)))
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
