"""VADER sentiment for every post: each distinct text scored once, on all cores, resumably.

Scores are exactly what ``SentimentIntensityAnalyzer().polarity_scores(text)`` returns, computed
by :mod:`app.core.vader_exact` (the same algorithm, bit for bit, several times faster). Texts
are keyed by ``posts.text_key`` (an md5 of the text), so the many retweets of one post cost one
score. Work goes to worker processes in chunks; scores are committed in batches at least every
second, so a cancelled or interrupted run keeps what it did and the next run scores only what
is missing.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from app.core import vader_exact
from app.core.progress import NullProgress, Progress, check
from app.core.store import sentiment_sql as q
from app.core.store.workspace import Workspace

CHUNK = 2000
#: Below this many texts the start-up of worker processes costs more than it saves.
IN_PROCESS_BELOW = 3000


def score_texts(texts: list[str]) -> list[tuple[float, float, float, float]]:
    """(compound, pos, neu, neg) for each text, in order."""
    return vader_exact.score_batch(texts)


Key = tuple[int, int]  # text_key's high and low 64 bits
Scores = tuple[float, float, float, float]

#: Scores are written in batches of about this many texts, or after this many seconds: one
#: INSERT per 2,000-text chunk cost more than scoring them once scoring became fast.
WRITE_ROWS = 20_000
WRITE_SECONDS = 1.0


def _split(rows: list[tuple[int, int, str]]) -> tuple[list[Key], list[str]]:
    return [(hi, lo) for hi, lo, _ in rows], [text for _, _, text in rows]


def idle_cores() -> int:
    """Cores not already busy (the CPUs less the load average, at least 1): worker processes
    only help on free cores. On a machine whose cores were all taken by other programs, two
    workers scored ~1.4x slower than this process alone (bench/README.md, scoring)."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows has no load average
        return cores
    return max(1, min(cores, round(cores - load)))


def missing_count(ws: Workspace) -> int:
    return ws.cursor().execute(q.MISSING_COUNT).fetchone()[0]


class _Writer:
    """Scores kept until a batch is worth an INSERT (see WRITE_ROWS), each batch committed
    on its own, so an interrupted run loses at most a second of scoring."""

    def __init__(self, con, progress: Progress, total: int) -> None:
        self.con, self.progress, self.total = con, progress, total
        self.keys: list[Key] = []
        self.scores: list[Scores] = []
        self.done = 0
        self.since = time.monotonic()

    def add(self, keys: list[Key], scores: list[Scores]) -> None:
        self.keys += keys
        self.scores += scores
        self.done += len(keys)
        if len(self.keys) >= WRITE_ROWS or time.monotonic() - self.since >= WRITE_SECONDS:
            self.flush()
        self.progress.report(
            self.done, self.total, f"Scoring sentiment: {self.done:,} of {self.total:,} texts"
        )

    def flush(self) -> None:
        q.insert_scores(self.con, self.keys, self.scores)
        self.keys, self.scores = [], []
        self.since = time.monotonic()


def score_missing(ws: Workspace, progress: Progress | None = None, workers: int | None = None) -> int:
    """Score every text that has no scores yet; return how many were scored."""
    progress = progress or NullProgress()
    reader = ws.cursor()
    total = reader.execute(q.MISSING_COUNT).fetchone()[0]
    if total == 0:
        progress.report(1, 1, "Sentiment is up to date")
        return 0
    writer = _Writer(ws.cursor(), progress, total)
    reader.execute(q.MISSING_TEXTS)
    workers = workers or idle_cores()

    progress.report(0, total, f"Scoring sentiment of {total:,} texts")
    try:
        if total >= IN_PROCESS_BELOW and workers > 1:
            try:
                _score_in_pool(reader, writer, progress, workers)
                return writer.done
            except BrokenProcessPool:
                # worker processes could not start here (a frozen or embedded interpreter):
                # score what is still missing in this process instead
                writer.flush()
                reader.execute(q.MISSING_TEXTS)
        while rows := reader.fetchmany(CHUNK):
            check(progress)
            keys, texts = _split(rows)
            writer.add(keys, score_texts(texts))
        return writer.done
    finally:
        # what was scored is kept, also when the run is cancelled or fails
        writer.flush()


def _score_in_pool(reader, writer: _Writer, progress: Progress, workers: int) -> None:
    """Chunks go to worker processes, at most two each in flight, and come back in order.
    Only the texts travel; a worker imports nothing but the scorer."""
    # spawn: forking a process that runs Qt or DuckDB threads is unsafe
    ctx = multiprocessing.get_context("spawn")
    pending: deque[tuple[list[Key], Future]] = deque()
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=vader_exact.init_process) as pool:
        try:
            exhausted = False
            while pending or not exhausted:
                while not exhausted and len(pending) < workers * 2:
                    rows = reader.fetchmany(CHUNK)
                    if not rows:
                        exhausted = True
                        break
                    keys, texts = _split(rows)
                    pending.append((keys, pool.submit(vader_exact.score_batch, texts)))
                if pending:
                    keys, fut = pending.popleft()
                    while True:
                        try:
                            scores = fut.result(timeout=0.1)
                            break
                        except FutureTimeout:
                            check(progress)
                    writer.add(keys, scores)
                    check(progress)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
