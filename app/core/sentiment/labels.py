"""The human check of the sentiment: people label posts, VADER (and a vendor's sentiment,
where the archive has one) is measured against them, and the labels feed the calibration.

A lexicon misses sarcasm ("Every time another person loses their home to an illegal
foreclosure, does a bell ring?" scores as positive), so a post-mortem that leans on the
negative share should say how far VADER can be trusted on this incident's posts.

Labels are stored per post in ``sentiment_labels`` (with where they came from: the window,
a spreadsheet, a column at import) and judge the post's text: the view ``posts_labelled``
gives every post with the same text (the retweets of a labelled post) the label too, and its
``effective_class`` is the human label where there is one and VADER's class elsewhere. Every
figure here counts labelled *texts* (when posts of one text were labelled apart, the latest
label wins), the unit the labelling sample draws.

VADER's class: compound <= -0.05 negative, >= 0.05 positive, neutral in between.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

import numpy as np

from app.core import metrics
from app.core.errors import UserError
from app.core.label_values import CLASSES, parse_label
from app.core.metrics import PostRow
from app.core.store import labels_sql as q
from app.core.store.db import Connection, one_row
from app.core.store.metrics_sql import where
from app.core.store.workspace import Workspace

#: Periods of time the sample is spread over (equal numbers of texts in each).
SAMPLE_PERIODS = 5

#: Where a label came from, as ``sentiment_labels.source`` says it.
SOURCE_WINDOW = "window"


def vader_class(compound: float | None) -> str | None:
    if compound is None:
        return None
    if compound <= -0.05:
        return "negative"
    if compound >= 0.05:
        return "positive"
    return "neutral"


# ---- labels ---------------------------------------------------------------------------------


def set_label(ws: Workspace, platform: str, post_id: str, label: str, source: str = SOURCE_WINDOW) -> None:
    """Label one post (replacing its label if it had one); committed at once. ``label`` is
    read as :func:`~app.core.label_values.parse_label` reads it (``neg``, ``-1`` …)."""
    try:
        cls = parse_label(label)
    except ValueError as exc:
        raise UserError(f"{exc}.") from None
    if cls is None:
        raise UserError("An empty label is not a label; use negative, neutral or positive.")
    con = ws.cursor()
    if not con.execute(q.KNOWN_POSTS, [[platform], [str(post_id)]]).fetchall():
        raise UserError(f"There is no post {post_id} on {platform} in this workspace.")
    set_labels(ws, [(platform, str(post_id), cls)], source, con=con)


def set_labels(
    ws: Workspace,
    rows: Iterable[tuple[str, str, str]],
    source: str,
    con: Connection | None = None,
) -> int:
    """Keep many labels at once, in one transaction: (platform, post id, class) rows whose
    posts exist and whose classes are already read (one of :data:`CLASSES`). Returns how
    many were written."""
    rows = list(rows)
    if not rows:
        return 0
    bad = sorted({r[2] for r in rows} - set(CLASSES))
    if bad:
        raise ValueError(f"not classes: {bad}")
    platforms, ids, classes = (list(c) for c in zip(*rows, strict=True))
    con = con or ws.cursor()
    with ws.transaction(con):
        con.execute(q.SET_LABELS, [_now(), source, platforms, ids, classes])
    return len(rows)


def clear_label(ws: Workspace, platform: str, post_id: str) -> None:
    ws.cursor().execute(q.CLEAR_LABEL, [platform, str(post_id)])


def labels(ws: Workspace, con: Connection | None = None) -> dict[tuple[str, str], str]:
    """Every label, by (platform, post id)."""
    return {(p, i): lab for p, i, lab in (con or ws.cursor()).execute(q.LABELS).fetchall()}


# ---- the sample -------------------------------------------------------------------------------


def sample_for_labelling(
    ws: Workspace, n: int = 50, seed: int = 0, con: Connection | None = None
) -> list[PostRow]:
    """Up to ``n`` scored posts in the sentiment's scope to label, in time order: one per
    distinct text, no text that is labelled already, spread evenly over periods of the
    incident (each holding the same number of texts) and over VADER's three classes, at
    random within each (the same sample for the same ``seed`` and workspace).

    Even shares per class, rather than shares as they come, give each class enough labels for
    its precision and recall to mean something; when a stratum runs short the others fill in.
    The calibration weighs the labels back to the archive's own mix of VADER's classes.
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
    """A machine's classes against the human labels, over the labelled texts it classed.

    ``confusion[(human, machine)]`` counts texts (all nine pairs, zeros included). Precision
    of a class: of the texts the machine put in it, the share the human put there too;
    recall: of the texts the human put in it, the share the machine found. ``None`` where
    nothing was counted. ``kappa`` is Cohen's kappa (agreement beyond chance). The labelling
    sample has even shares per VADER class, so ``accuracy`` is the machine's on the labelled
    texts, not on the incident as a whole."""

    n: int
    accuracy: float | None
    confusion: dict[tuple[str, str], int]
    precision: dict[str, float | None]
    recall: dict[str, float | None]
    kappa: float | None = None
    #: labelled texts in scope left out because they have no score yet
    unscored: int = 0
    f1: dict[str, float | None] = field(default_factory=dict)
    #: labelled texts outside the sentiment's scope (another language, no text): VADER does
    #: not class them
    out_of_scope: int = 0
    #: who is measured: "VADER" or "the vendor"
    machine: str = "VADER"

    def table(self) -> list[list]:
        """The confusion table as rows: a header, then one row per human label."""
        return [[f"human \\ {self.machine}", *CLASSES]] + [
            [h, *(self.confusion[(h, v)] for v in CLASSES)] for h in CLASSES
        ]

    def matrix(self) -> np.ndarray:
        """The confusion as a 3x3 array: rows human, columns machine, in :data:`CLASSES` order."""
        return np.array([[self.confusion[(h, v)] for v in CLASSES] for h in CLASSES], dtype=np.int64)

    def as_dict(self) -> dict:
        return {
            "machine": self.machine,
            "labelled": self.n,
            "accuracy": self.accuracy,
            "kappa": self.kappa,
            "precision": dict(self.precision),
            "recall": dict(self.recall),
            "confusion": {h: {v: self.confusion[(h, v)] for v in CLASSES} for h in CLASSES},
            "unscored": self.unscored,
            "out_of_scope": self.out_of_scope,
        }


def agreement_from(
    confusion: dict[tuple[str, str], int], machine: str = "VADER", unscored: int = 0, out_of_scope: int = 0
) -> Agreement:
    """Accuracy, precision, recall, F1 and Cohen's kappa of a confusion table."""
    confusion = {(h, v): int(confusion.get((h, v), 0)) for h in CLASSES for v in CLASSES}
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
        out_of_scope=out_of_scope,
        machine=machine,
    )


@dataclass(frozen=True)
class LabelledTexts:
    """The labelled texts boiled down: counts per (label, VADER class, out-of-scope reason,
    vendor's class), and whether the workspace has a vendor's sentiment at all."""

    rows: tuple[tuple[str, str | None, str | None, str | None, int], ...]
    vendor_column: bool

    @property
    def total(self) -> int:
        return sum(r[4] for r in self.rows)

    def vader(self) -> Agreement:
        confusion: dict[tuple[str, str], int] = {}
        unscored = out = 0
        for label, vader, reason, _vendor, n in self.rows:
            if reason is not None:
                out += n
            elif vader is None:
                unscored += n
            else:
                confusion[(label, vader)] = confusion.get((label, vader), 0) + n
        return agreement_from(confusion, "VADER", unscored=unscored, out_of_scope=out)

    def vendor(self) -> Agreement | None:
        """The vendor's sentiment against the labels (every language: a vendor classes them
        all); None when the workspace has no vendor's sentiment."""
        if not self.vendor_column:
            return None
        confusion: dict[tuple[str, str], int] = {}
        missing = 0
        for label, _vader, _reason, vendor, n in self.rows:
            cls = _vendor_class(vendor)
            if cls is None:
                missing += n
            else:
                confusion[(label, cls)] = confusion.get((label, cls), 0) + n
        return agreement_from(confusion, "the vendor", unscored=missing)


def _vendor_class(value: str | None) -> str | None:
    try:
        return parse_label(value)
    except ValueError:
        return None  # a value the vendor's column should not hold: not counted


def labelled_texts(ws: Workspace, con: Connection | None = None) -> LabelledTexts:
    con = con or ws.cursor()
    vendor_column = bool(one_row(con.execute(q.HAS_VENDOR_COLUMN))[0])
    rows = con.execute(q.labelled_texts(vendor_column)).fetchall()
    return LabelledTexts(tuple((r[0], r[1], r[2], r[3], int(r[4])) for r in rows), vendor_column)


def agreement(ws: Workspace, con: Connection | None = None) -> Agreement:
    """VADER against the human labels, over the labelled texts it scored."""
    return labelled_texts(ws, con).vader()


def vendor_agreement(ws: Workspace, con: Connection | None = None) -> Agreement | None:
    """The vendor's sentiment (``posts.vendor_sentiment``) against the human labels; None
    when the workspace has no such column."""
    return labelled_texts(ws, con).vendor()


def texts_per_vader_class(ws: Workspace, con: Connection | None = None) -> dict[str, int]:
    """Distinct scored texts in scope per VADER class (all three keys)."""
    counts = dict.fromkeys(CLASSES, 0)
    for cls, n in (con or ws.cursor()).execute(q.TEXTS_PER_VADER_CLASS).fetchall():
        counts[cls] = int(n)
    return counts


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def with_human_labels(
    ws: Workspace,
    series: metrics.Series,
    flt: metrics.PostFilter | None = None,
    con: Connection | None = None,
) -> metrics.Series:
    """The series with each labelled post counted in the class a person gave it rather than
    VADER's (shares of negative, neutral and positive posts; the mean score stays VADER's,
    as a label has no score). Unscored posts stay out, as in the plain series."""
    n = len(series.t)
    if n == 0:
        return series
    con = con or ws.cursor()
    names, params = (flt or metrics.PostFilter()).sql(ws.brand_handles)
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
