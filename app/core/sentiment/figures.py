"""The sentiment figures a reader sees, as typed facts: how much of the archive VADER covers,
VADER's raw shares, and the calibrated shares with their interval (or why there are none).

For the whole archive, any time range and filter, and per time bin:

* :func:`figures` -> :class:`SentimentFigures` for the archive or a range [start, end) and a
  :class:`~app.core.metrics.PostFilter` (exact counts from ``posts_scored``);
* :func:`binned_figures` -> one :class:`SentimentFigures` per bin of the display time zone
  (from the same binned series as the timeline);
* :func:`calibrate` -> :class:`~app.core.sentiment.calibration.Calibration` or
  :class:`~app.core.sentiment.calibration.NotCalibrated` (with its reason), cached per
  state of the labels and scores;
* :func:`calibrated_series` -> :class:`CalibratedSeries`, numpy arrays beside a
  :class:`~app.core.metrics.Series` for plotting.

Shares are fractions (0..1) of the *scored* posts: posts in another language, without text
or still waiting for a score are counted in :class:`Coverage`, never in a share. A calibrated
share exists only with enough labels (see :mod:`app.core.sentiment.calibration`); where it
does not, nothing claims calibration and ``not_calibrated`` says why.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from app.core import metrics, rollup
from app.core.label_values import CLASSES
from app.core.metrics import PostFilter, Series
from app.core.sentiment import calibration as cal
from app.core.sentiment import labels as lb
from app.core.store import labels_sql
from app.core.store import sentiment_sql as q
from app.core.store.db import Connection, one_row
from app.core.store.metrics_sql import where
from app.core.store.workspace import Workspace

#: Why a post has no score: another language than English, no text, not scored yet.
NOT_SCORED_REASONS = ("language", "no_text", "pending")

#: Bootstrap replicates for the per-bin intervals of a plot (a quicker, slightly rougher
#: interval than the full bootstrap; the command line and the report use all of them).
PLOT_REPLICATES = 300


@dataclass(frozen=True)
class Coverage:
    """Which posts the sentiment speaks for."""

    posts: int
    #: posts with a VADER score: the base of every share
    scored: int
    #: posts without a score, by reason (every key of NOT_SCORED_REASONS, zeros included)
    not_scored: Mapping[str, int]
    #: scored posts whose language no one could tell (no platform language, and the
    #: detector unsure): scored as English; None where not counted (per bin)
    undetermined: int | None = None
    #: (language code, or "unknown", posts), most posts first; empty where not counted
    languages: tuple[tuple[str, int], ...] = ()

    @property
    def scored_share(self) -> float | None:
        return self.scored / self.posts if self.posts else None

    @classmethod
    def of_bins(cls, series: Series, bins: slice | int = slice(None)) -> Coverage:
        """The coverage of some bins of a binned series (all of them by default)."""

        def total(values: np.ndarray) -> int:
            return int(np.sum(values[bins]))

        posts, scored = total(series.total), total(series.scored)
        other, no_text = total(series.other_language), total(series.no_text)
        return cls(
            posts=posts,
            scored=scored,
            not_scored={
                "language": other,
                "no_text": no_text,
                "pending": max(posts - scored - other - no_text, 0),
            },
        )

    def describe(self) -> str:
        """One sentence: "Sentiment covers 91% of posts (8,123 of 9,000): English only; not
        scored: 850 in other languages, 27 without text." """
        if not self.posts:
            return "There are no posts, so there is no sentiment."
        words = {"language": "in another language", "no_text": "without text", "pending": "not scored yet"}
        parts = [f"{self.not_scored[k]:,} {w}" for k, w in words.items() if self.not_scored.get(k)]
        text = (
            f"Sentiment covers {percent(self.scored, self.posts)} of posts ({self.scored:,} of "
            f"{self.posts:,}): English only"
        )
        text += f"; not scored: {', '.join(parts)}." if parts else "."
        if self.undetermined:
            text += (
                f" {self.undetermined:,} of the scored posts are in a language that could not be "
                "told, and were scored as English."
            )
        return text

    def as_dict(self) -> dict:
        out = {"posts": self.posts, "scored": self.scored, "not_scored": dict(self.not_scored)}
        if self.undetermined is not None:
            out["undetermined_language"] = self.undetermined
        if self.languages:
            out["languages"] = dict(self.languages)
        return out


def percent(part: float, whole: float) -> str:
    """A share as a whole percentage that never rounds to a false 0% or 100%."""
    if not whole:
        return "–"
    share = part / whole
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{share:.0%}"


@dataclass(frozen=True)
class ClassShares:
    """Shares of negative, neutral and positive posts (fractions of the scored posts)."""

    negative: float
    neutral: float
    positive: float

    @classmethod
    def of(cls, values) -> ClassShares:
        neg, neu, pos = (float(v) for v in values)
        return cls(neg, neu, pos)

    def as_dict(self) -> dict[str, float]:
        return {"negative": self.negative, "neutral": self.neutral, "positive": self.positive}

    def __getitem__(self, name: str) -> float:
        return getattr(self, name)


@dataclass(frozen=True)
class CalibratedShares:
    """The shares corrected by the labels, with the bounds of their 95% interval and the
    number of labelled texts behind them."""

    shares: ClassShares
    low: ClassShares
    high: ClassShares
    labels: int
    level: float = cal.LEVEL

    def as_dict(self) -> dict:
        out: dict = dict(self.shares.as_dict())
        for c in CLASSES:
            out[f"{c}_ci"] = [self.low[c], self.high[c]]
        out["labels"] = self.labels
        return out


@dataclass(frozen=True)
class SentimentFigures:
    """The sentiment of a set of posts: the whole archive or a range (``start``/``end``, Unix
    seconds UTC, None for the whole archive), under a filter."""

    start: float | None
    end: float | None
    coverage: Coverage
    #: VADER's shares; None when no post is scored
    raw: ClassShares | None
    #: the calibrated shares; None when there are not enough labels (or no scored post)
    calibrated: CalibratedShares | None
    #: why ``calibrated`` is None ("" when it is not)
    not_calibrated: str = ""
    #: the filter in force, in words ("" for none)
    filter: str = field(default="")

    def as_dict(self) -> dict:
        out = self.coverage.as_dict()
        out["raw"] = self.raw.as_dict() if self.raw else None
        out["calibrated"] = self.calibrated.as_dict() if self.calibrated else None
        return out


# ---- the calibration, cached per state of the labels ------------------------------------------


@dataclass(frozen=True)
class LabelCheck:
    """What the labels say of VADER on this archive: its agreement with them and the
    calibration they allow (or why there is none)."""

    agreement: lb.Agreement
    calibration: cal.Calibration | cal.NotCalibrated


_CACHE_KEPT = 8
_cache: OrderedDict[tuple, LabelCheck] = OrderedDict()
_cache_lock = threading.Lock()


def label_check(ws: Workspace, con: Connection | None = None) -> LabelCheck:
    """VADER's agreement with the labels and its calibration, for the labels, scores and
    posts as they are now (kept until any of them changes)."""
    con = con or ws.cursor()
    key = (str(ws.path), one_row(con.execute(labels_sql.LABELS_STAMP)))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    agreement = lb.agreement(ws, con)
    population = lb.texts_per_vader_class(ws, con)
    check = LabelCheck(agreement, cal.fit(agreement.matrix(), np.array([population[c] for c in CLASSES])))
    with _cache_lock:
        _cache[key] = check
        while len(_cache) > _CACHE_KEPT:
            _cache.popitem(last=False)
    return check


def blind_spot(agreement: lb.Agreement) -> str:
    """What a reader must know of VADER's limits, with the agreement figure when there is one."""
    text = (
        "Sarcasm and irony are VADER's blind spot: it reads words, not intent, so "
        "“great job, another fee” counts as praise."
    )
    if agreement.n:
        kappa = f", Cohen's kappa {agreement.kappa:.2f}" if agreement.kappa is not None else ""
        text += (
            f" On this incident VADER agrees with the team's labels on {agreement.accuracy:.0%} "
            f"of {agreement.n:,} labelled posts{kappa}."
        )
    else:
        text += " No post is labelled yet, so how far it can be trusted here is not measured."
    return text


def calibrate(ws: Workspace, con: Connection | None = None) -> cal.Calibration | cal.NotCalibrated:
    """VADER's error rates on the labelled texts (or why there are none), as of now."""
    return label_check(ws, con).calibration


# ---- figures ---------------------------------------------------------------------------------


def figures(
    ws: Workspace,
    start: float | None = None,
    end: float | None = None,
    flt: PostFilter | None = None,
    con: Connection | None = None,
) -> SentimentFigures:
    """The sentiment of the posts in [start, end) (Unix seconds UTC; both None: the whole
    archive) that pass ``flt``."""
    return figures_of(ws, [(start, end)], flt, con)[0]


#: the bounds of every post, for a range left open
_EARLIEST, _LATEST = -62135596800, 253402300799


def figures_of(
    ws: Workspace,
    ranges: list[tuple[float | None, float | None]],
    flt: PostFilter | None = None,
    con: Connection | None = None,
) -> list[SentimentFigures]:
    """:func:`figures` of each range, from one pass over the posts (the report reads the
    whole archive's and the main wave's)."""
    if not ranges:
        return []
    con = con or ws.cursor()
    flt = flt or PostFilter()
    where_sql: str | None = None  # None: counted once per time and coverage by the rollups
    params: list = []
    if not (flt.is_empty() and rollup.is_fresh(ws, con, cached=True)):
        names, params = flt.sql(ws.brand_handles)
        where_sql = where(names)
    bounds = [
        (
            metrics.to_timestamp(_EARLIEST if a is None else a),
            metrics.to_timestamp(_LATEST if b is None else b),
        )
        for a, b in ranges
    ]
    unique = list(dict.fromkeys(bounds))
    scan = [min(lo for lo, _ in unique), max(hi for _, hi in unique)]
    rows = con.execute(
        q.totals(where_sql), [[lo for lo, _ in unique], [hi for _, hi in unique], *scan, *params]
    )
    by_range: dict[tuple, list[tuple]] = {k: [] for k in unique}
    for lo, hi, *row in rows.fetchall():
        by_range[(lo, hi)].append(tuple(row))
    calibration = calibrate(ws, con)
    out = []
    for (a, b), key in zip(ranges, bounds, strict=True):
        raw = np.zeros(3, dtype=np.int64)
        coverage = _coverage(by_range[key], raw)
        # one range at a time: the interval's bootstrap draws in the order of the rows it is
        # given, so a range's interval is the one it gets alone, wherever it is shown
        calibrated, why = _calibrated(calibration, raw[None, :], None)
        out.append(
            SentimentFigures(
                start=a,
                end=b,
                coverage=coverage,
                raw=ClassShares.of(raw / raw.sum()) if raw.sum() else None,
                calibrated=calibrated[0],
                not_calibrated=why[0],
                filter=flt.describe(),
            )
        )
    return out


def _coverage(rows: list[tuple], raw: np.ndarray) -> Coverage:
    """The coverage of one range's rows of :func:`app.core.store.sentiment_sql.totals`; its
    VADER classes counted into ``raw``."""
    posts = undetermined = 0
    not_scored = dict.fromkeys(NOT_SCORED_REASONS, 0)
    languages: dict[str, int] = {}
    for lang, reason, undecided, vader, n in rows:
        posts += n
        languages[lang] = languages.get(lang, 0) + n
        if reason is not None:
            not_scored[reason] = not_scored.get(reason, 0) + n
        elif vader is not None:
            raw[CLASSES.index(vader)] += n
            if undecided:
                undetermined += n
    return Coverage(
        posts=posts,
        scored=int(raw.sum()),
        not_scored=not_scored,
        undetermined=undetermined,
        languages=tuple(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def binned_figures(
    ws: Workspace,
    start: float,
    end: float,
    bin_seconds: int,
    flt: PostFilter | None = None,
    con: Connection | None = None,
) -> list[SentimentFigures]:
    """One :class:`SentimentFigures` per bin covering [start, end), bins aligned in the
    display time zone as the timeline's are (a day starts at local midnight)."""
    con = con or ws.cursor()
    flt = flt or PostFilter()
    series = metrics.binned_series(ws, start, end, bin_seconds, flt, con=con)
    raw = _raw_counts(series)
    calibrated, why = _calibrated(calibrate(ws, con), raw, None)
    ends = series.bin_ends
    out = []
    for i, t in enumerate(series.t):
        scored = int(series.scored[i])
        out.append(
            SentimentFigures(
                start=float(t),
                end=float(ends[i]),
                coverage=Coverage.of_bins(series, i),
                raw=ClassShares.of(raw[i] / scored) if scored else None,
                calibrated=calibrated[i],
                not_calibrated=why[i],
                filter=flt.describe(),
            )
        )
    return out


@dataclass(frozen=True)
class CalibratedSeries:
    """Calibrated shares beside a binned series, for plotting: arrays of the series' length
    (NaN where a bin has no scored post) in :data:`CLASSES` order of the first axis."""

    point: np.ndarray
    low: np.ndarray
    high: np.ndarray
    labels: int

    def share(self, cls: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        i = CLASSES.index(cls)
        return self.point[i], self.low[i], self.high[i]


def calibrated_series(
    series: Series,
    calibrated: cal.Calibration | cal.NotCalibrated,
    replicates: int | None = PLOT_REPLICATES,
) -> CalibratedSeries | None:
    """The calibrated shares of each bin of ``series``; None without a calibration."""
    if not isinstance(calibrated, cal.Calibration):
        return None
    est = calibrated.estimate(_raw_counts(series), replicates=replicates)
    return CalibratedSeries(est.point.T.copy(), est.low.T.copy(), est.high.T.copy(), calibrated.labels)


def _raw_counts(series: Series) -> np.ndarray:
    """Posts per VADER class per bin, shape (bins, 3), from the series' shares."""
    scored = series.scored.astype(np.float64)
    shares = np.stack([series.neg_share, series.neu_share, series.pos_share], axis=1)
    return np.rint(np.nan_to_num(shares) * scored[:, None]).astype(np.int64)


def _calibrated(
    calibrated: cal.Calibration | cal.NotCalibrated, raw: np.ndarray, replicates: int | None
) -> tuple[list[CalibratedShares | None], list[str]]:
    n = len(raw)
    if not isinstance(calibrated, cal.Calibration):
        return [None] * n, [calibrated.reason] * n
    est = calibrated.estimate(raw, replicates=replicates)
    shares: list[CalibratedShares | None] = []
    reasons: list[str] = []
    for i in range(n):
        if raw[i].sum() == 0:
            shares.append(None)
            reasons.append("no post here is scored")
            continue
        shares.append(
            CalibratedShares(
                shares=ClassShares.of(est.point[i]),
                low=ClassShares.of(est.low[i]),
                high=ClassShares.of(est.high[i]),
                labels=calibrated.labels,
            )
        )
        reasons.append("")
    return shares, reasons
