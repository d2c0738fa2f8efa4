"""The human check of the sentiment: the user labels a sample of posts, VADER is measured
against them, and the series can show human labels overriding VADER.

A lexicon misses sarcasm ("Every time another person loses their home to an illegal
foreclosure, does a bell ring?" scores as positive), so a post-mortem that leans on the
negative share should say how far VADER can be trusted on this incident's posts.

Labels are stored per post in ``sentiment_labels`` and judge the post's text: the view
``posts_labelled`` gives every post with the same text (the retweets of a labelled post)
the label too, and its ``effective_class`` is the human label where there is one and VADER's
class elsewhere.

VADER's class: compound <= -0.05 negative, >= 0.05 positive, neutral in between.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

import numpy as np

from app.core import metrics
from app.core.errors import UserError
from app.core.metrics import PostRow
from app.core.store import labels_sql as q
from app.core.store.db import Connection, one_row
from app.core.store.metrics_sql import where
from app.core.store.workspace import Workspace

CLASSES = ("negative", "neutral", "positive")

#: Periods of time the sample is spread over (equal numbers of texts in each).
SAMPLE_PERIODS = 5


def vader_class(compound: float | None) -> str | None:
    if compound is None:
        return None
    if compound <= -0.05:
        return "negative"
    if compound >= 0.05:
        return "positive"
    return "neutral"


# ---- labels ---------------------------------------------------------------------------------


def set_label(ws: Workspace, platform: str, post_id: str, label: str) -> None:
    """Label one post (replacing its label if it had one); committed at once."""
    label = (label or "").strip().lower()
    if label not in CLASSES:
        raise UserError(f"“{label}” is not a label; use negative, neutral or positive.")
    con = ws.cursor()
    if not one_row(con.execute(q.POST_EXISTS, [platform, str(post_id)]))[0]:
        raise UserError(f"There is no post {post_id} on {platform} in this workspace.")
    con.execute(q.SET_LABEL, [platform, str(post_id), label, _now()])


def clear_label(ws: Workspace, platform: str, post_id: str) -> None:
    ws.cursor().execute(q.CLEAR_LABEL, [platform, str(post_id)])


def labels(ws: Workspace, con: Connection | None = None) -> dict[tuple[str, str], str]:
    """Every label, by (platform, post id)."""
    return {(p, i): lab for p, i, lab in (con or ws.cursor()).execute(q.LABELS).fetchall()}


# ---- the sample -------------------------------------------------------------------------------


def sample_for_labelling(
    ws: Workspace, n: int = 50, seed: int = 0, con: Connection | None = None
) -> list[PostRow]:
    """Up to ``n`` scored posts to label, in time order: one per distinct text, no text that
    is labelled already, spread evenly over periods of the incident (each holding the same
    number of texts) and over VADER's three classes, at random within each (the same sample
    for the same ``seed`` and workspace).

    Even shares per class, rather than shares as they come, give each class enough labels for
    its precision and recall to mean something; when a stratum runs short the others fill in.
    """
    n = int(n)
    if n <= 0:
        return []
    con = con or ws.cursor()
    periods = max(1, min(SAMPLE_PERIODS, n // len(CLASSES)))
    mask = int(hashlib.md5(f"labelling sample {seed}".encode()).hexdigest(), 16)
    rows = con.execute(q.SAMPLE_CANDIDATES, [periods, str(mask), n]).fetchall()
    strata: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for period, cls, picks in rows:
        strata[(period, cls)] = [(platform, post_id) for platform, post_id in picks]
    # round robin over the strata, so that a stratum that runs short leaves its share to the rest
    order = sorted(strata, key=lambda k: (k[0], CLASSES.index(k[1]) if k[1] in CLASSES else 9))
    chosen: list[tuple[str, str]] = []
    depth = 0
    while len(chosen) < n:
        took = False
        for k in order:
            items = strata[k]
            if depth < len(items):
                chosen.append(items[depth])
                took = True
                if len(chosen) == n:
                    break
        if not took:
            break
        depth += 1
    if not chosen:
        return []
    platforms, ids = map(list, zip(*chosen, strict=False))
    return [PostRow.from_row(r) for r in con.execute(q.POSTS_BY_KEY, [platforms, ids]).fetchall()]


# ---- agreement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """VADER against the human labels, over the labelled posts that are scored.

    ``confusion[(human, vader)]`` counts posts (all nine pairs, zeros included). Precision of
    a class: of the posts VADER put in it, the share the human put there too; recall: of the
    posts the human put in it, the share VADER found. ``None`` where nothing was counted.
    ``kappa`` is Cohen's kappa (agreement beyond chance). The labelled sample has even shares
    per class, so ``accuracy`` is VADER's on that sample, not on the incident as a whole."""

    n: int
    accuracy: float | None
    confusion: dict[tuple[str, str], int]
    precision: dict[str, float | None]
    recall: dict[str, float | None]
    kappa: float | None = None
    #: labelled posts left out because their text has no score yet
    unscored: int = 0
    f1: dict[str, float | None] = field(default_factory=dict)

    def table(self) -> list[list]:
        """The confusion table as rows: a header, then one row per human label."""
        return [["human \\ VADER", *CLASSES]] + [
            [h, *(self.confusion[(h, v)] for v in CLASSES)] for h in CLASSES
        ]


def agreement(ws: Workspace, con: Connection | None = None) -> Agreement:
    con = con or ws.cursor()
    confusion = {(h, v): 0 for h in CLASSES for v in CLASSES}
    unscored = 0
    for human, vader, count in con.execute(q.CONFUSION).fetchall():
        if vader is None:
            unscored += int(count)
        else:
            confusion[(human, vader)] += int(count)
    n = sum(confusion.values())
    agree = sum(confusion[(c, c)] for c in CLASSES)
    precision, recall, f1 = {}, {}, {}
    for c in CLASSES:
        said = sum(confusion[(h, c)] for h in CLASSES)
        truth = sum(confusion[(c, v)] for v in CLASSES)
        precision[c] = confusion[(c, c)] / said if said else None
        recall[c] = confusion[(c, c)] / truth if truth else None
        p, r = precision[c], recall[c]
        f1[c] = (2 * p * r / (p + r) if (p + r) else 0.0) if p is not None and r is not None else None
    kappa = None
    if n:
        observed = agree / n
        expected = sum(
            sum(confusion[(c, v)] for v in CLASSES) * sum(confusion[(h, c)] for h in CLASSES) for c in CLASSES
        ) / (n * n)
        kappa = (observed - expected) / (1 - expected) if expected < 1 else None
    return Agreement(
        n=n,
        accuracy=agree / n if n else None,
        confusion=confusion,
        precision=precision,
        recall=recall,
        kappa=kappa,
        unscored=unscored,
        f1=f1,
    )


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def with_human_labels(
    ws: Workspace,
    series: metrics.Series,
    flt: metrics.PostFilter = metrics.PostFilter(),
    con: Connection | None = None,
) -> metrics.Series:
    """The series with each labelled post counted in the class a person gave it rather than
    VADER's (shares of negative, neutral and positive posts; the mean score stays VADER's,
    as a label has no score). Unscored posts stay out, as in the plain series."""
    n = len(series.t)
    if n == 0:
        return series
    con = con or ws.cursor()
    names, params = flt.sql(ws.brand_handles)
    start, end = float(series.t[0]), float(series.bin_ends[-1])
    rows = con.execute(
        q.relabelled_posts(where(names)), [metrics.to_timestamp(start), metrics.to_timestamp(end), *params]
    ).fetchall()
    if not rows:
        return series
    scored = series.scored.astype(float)
    counts = {c: np.nan_to_num(getattr(series, f"{c[:3]}_share")) * scored for c in CLASSES}
    bins = np.searchsorted(series.t, np.array([r[0] for r in rows], dtype=float), side="right") - 1
    for b, (_, vader, human) in zip(bins, rows, strict=False):
        if 0 <= b < n:
            counts[vader][b] -= 1
            counts[human][b] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = {c: np.where(scored > 0, np.clip(counts[c], 0, None) / scored, np.nan) for c in CLASSES}
    return replace(
        series, neg_share=shares["negative"], neu_share=shares["neutral"], pos_share=shares["positive"]
    )
