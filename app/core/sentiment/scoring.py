"""VADER sentiment for every post in scope: each distinct text scored once, on all cores,
resumably.

Scores are exactly what ``SentimentIntensityAnalyzer().polarity_scores(text)`` returns. Texts
are keyed by ``posts.text_key`` (an md5 of the text), so the many retweets of one post cost one
score. Only texts that a post in the sentiment's scope carries are scored (English, or of a
language no one can tell: :mod:`app.core.sentiment.scope`); a scoring run first has the
language detector look at the texts that came without a platform language. Work goes to
worker processes in chunks (:mod:`app.core.sentiment.chunks`); every finished chunk is
committed at once, so a cancelled or interrupted run keeps what it did and the next run
scores only what is missing.

The entry points :func:`score_missing`, :func:`score_texts` and :func:`missing_count` keep
their signatures: other code and a faster implementation of VADER rely on them.
"""

from __future__ import annotations

import functools
import os

from app.core.progress import NullProgress, Progress
from app.core.sentiment import chunks, scope
from app.core.sentiment.chunks import Key
from app.core.store import sentiment_sql as q
from app.core.store.db import one_row
from app.core.store.workspace import Workspace


@functools.cache
def _analyzer():
    """VADER's analyzer, made once per process."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _init_worker() -> None:
    _analyzer()


def score_texts(texts: list[str]) -> list[tuple[float, float, float, float]]:
    """(compound, pos, neu, neg) for each text, in order."""
    analyzer = _analyzer()
    out = []
    for text in texts:
        s = analyzer.polarity_scores(text)
        out.append((s["compound"], s["pos"], s["neu"], s["neg"]))
    return out


def _score_chunk(
    keys: list[Key], texts: list[str]
) -> tuple[list[Key], list[tuple[float, float, float, float]]]:
    return keys, score_texts(texts)


def missing_count(ws: Workspace) -> int:
    """How many texts a scoring run still has to look at: texts in scope without a score,
    and texts whose language the detector has not checked yet."""
    con = ws.cursor()
    return one_row(con.execute(q.MISSING_COUNT))[0] + scope.unchecked_count(ws, con)


def score_missing(ws: Workspace, progress: Progress | None = None, workers: int | None = None) -> int:
    """Check the language of texts that came without one, then score every text in scope
    that has no scores yet; return how many texts were scored."""
    progress = progress or NullProgress()
    workers = workers or os.cpu_count() or 1
    reader, writer = ws.cursor(), ws.cursor()
    unchecked = scope.unchecked_count(ws, reader)
    if unchecked:
        scope.detect_missing(ws, progress, workers, total=unchecked)
    total = one_row(reader.execute(q.MISSING_COUNT))[0]
    if total == 0:
        progress.report(1, 1, "Sentiment is up to date")
        return 0
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
    chunks.run(
        lambda: reader.execute(q.MISSING_TEXTS), _score_chunk, _init_worker, store, total, progress, workers
    )
    return done
