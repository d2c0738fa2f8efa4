"""VADER sentiment for every post in scope: each distinct text scored once, on all cores,
resumably.

Scores are exactly what ``SentimentIntensityAnalyzer().polarity_scores(text)`` returns,
computed by :mod:`app.core.sentiment.vader_exact` (the same algorithm, bit for bit, 4-5 times
faster on posts). Texts are keyed by ``posts.text_key`` (an md5 of the text), so the many
retweets of one post cost one score. Only texts that a post in the sentiment's scope carries
are scored (English, or of a language no one can tell: :mod:`app.core.sentiment.scope`); a
scoring run first has the language detector look at the texts that came without a platform
language. Work goes to worker processes in chunks (:mod:`app.core.sentiment.chunks`); scores are committed in batches every few seconds, so a cancelled or
interrupted run keeps what it did and the next run scores only what is missing.

The entry points :func:`score_missing`, :func:`score_texts` and :func:`missing_count` keep
their signatures: other code and a faster implementation of VADER rely on them.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.core import changes
from app.core.progress import NullProgress, Progress
from app.core.sentiment import chunks, scope, vader_exact
from app.core.sentiment.chunks import Key
from app.core.store import sentiment_sql as q
from app.core.store.db import one_row
from app.core.store.workspace import Workspace


def score_texts(texts: list[str]) -> list[tuple[float, float, float, float]]:
    """(compound, pos, neu, neg) for each text, in order."""
    return vader_exact.score_batch(texts)


Scores = tuple[float, float, float, float]

#: Scores are written in batches of about this many texts, or after this many seconds: one
#: INSERT per 2,000-text chunk cost more than scoring them once scoring became fast.
WRITE_ROWS = 50_000
WRITE_SECONDS = 5.0


class _Writer:
    """Scores kept until a batch is worth an INSERT (see WRITE_ROWS), each batch committed
    on its own, so an interrupted run loses at most a few seconds of scoring."""

    def __init__(self, con, progress: Progress, total: int, path: Path | None = None) -> None:
        self.con, self.progress, self.total, self.path = con, progress, total, path
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
        if self.path is not None:
            # the rollups' cached checks (app.core.rollup) see the new scores
            changes.bump(self.path, changes.DATA)
        self.keys, self.scores = [], []
        self.since = time.monotonic()


#: Below this many texts scoring stays in one process: the exact scorer does ~50,000 texts a
#: second, and two spawned workers (each importing the package, DuckDB and numpy) were no
#: faster at 92,000 texts while costing 1.6x the CPU (bench/README.md, round 2).
WORKERS_FROM = 100_000


def workers_from() -> int:
    """:data:`WORKERS_FROM`, or ``INCIDENT_TIMELINE_SCORING_WORKERS_FROM`` when set (the
    reliability tests use it to interrupt worker processes on a small archive)."""
    value = os.environ.get("INCIDENT_TIMELINE_SCORING_WORKERS_FROM", "")
    return int(value) if value.isdigit() else WORKERS_FROM


def missing_count(ws: Workspace) -> int:
    """How many texts a scoring run still has to look at: texts in scope without a score,
    and texts whose language the detector has not checked yet."""
    con = ws.cursor()
    return one_row(con.execute(q.MISSING_COUNT))[0] + scope.unchecked_count(ws, con)


def score_missing(ws: Workspace, progress: Progress | None = None, workers: int | None = None) -> int:
    """Check the language of texts that came without one, then score every text in scope
    that has no scores yet; return how many texts were scored."""
    progress = progress or NullProgress()
    cores = os.cpu_count() or 1
    reader = ws.cursor()
    unchecked = scope.unchecked_count(ws, reader)
    if unchecked:
        scope.detect_missing(ws, progress, workers or cores, total=unchecked)
    total = one_row(reader.execute(q.MISSING_COUNT))[0]
    if total == 0:
        progress.report(1, 1, "Sentiment is up to date")
        return 0
    if workers is None:
        workers = cores if total >= workers_from() else 1
    writer = _Writer(ws.cursor(), progress, total, ws.path)
    progress.report(0, total, f"Scoring sentiment of {total:,} texts")
    try:
        chunks.run(
            lambda: reader.execute(q.MISSING_TEXTS),
            vader_exact.score_chunk,
            vader_exact.init_process,
            writer.add,
            total,
            progress,
            workers,
            before_retry=writer.flush,
        )
    finally:
        # what was scored is kept, also when the run is cancelled or fails
        writer.flush()
    return writer.done
