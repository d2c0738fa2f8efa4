"""Shifts in sentiment: where the share of negative posts changes and stays changed.

The detector reads **class counts** (:class:`ClassSeries`: per bin, the posts of one class
and the posts scored), not scores: today VADER's raw classes (compound <= -0.05 is
negative), tomorrow a calibrated series from the team's labels can be passed to
:func:`shifts` as it is.

How: the share is segmented exactly under the binomial likelihood
(:func:`app.core.analysis.changepoints.binomial`), each segment holding at least
``sentiment_min_posts`` scored posts, with a penalty per change of the chi-square value of
significance ``sentiment_alpha`` Bonferroni-corrected for the places a change could be
(``bins - 1``); then changes that are too small to matter are merged away, weakest first:
less than ``sentiment_min_delta`` (points), less than ``sentiment_min_effect`` (Cohen's h), or
no longer significant once their neighbours are settled. Retweets are left out unless
``sentiment_include_retweets``: a cascade repeats one voice, and the test assumes
independent posts.

Kind ``sentiment_shift`` (subject ``rise`` or ``fall`` of the negative share):

* **Figures.** ``negative_before``, ``scored_before``, ``share_before`` (negative / scored
  over the level before, clipped to the archive's first post), ``negative_after``,
  ``scored_after``, ``share_after`` (the level after, to its end or the archive's last
  post), ``duration_before``, ``duration_after`` (seconds).
* **Detail.** ``direction``, ``bin_seconds``, ``label`` (the class counted: ``negative``),
  ``method`` (``vader``: raw VADER classes), ``retweets_counted`` (bool), ``effect``
  (Cohen's h, rounded to 0.01: 0.2 small, 0.5 medium, 0.8 large).
* **Flags.** ``collection_start``/``collection_end``/``collection_gap`` (see coverage).
* **Posts.** For a rise, the most negative texts of the first hour after it; for a fall,
  the posts most shared then.

Score: min(1, |change in share| / 40 points) x (0.5 + 0.5 x min(1, |z| / 10)), z the
two-proportion z of the levels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.core import metrics
from app.core.analysis import changepoints, measure, volume
from app.core.analysis.context import RETWEETLESS, Context
from app.core.analysis.coverage import measure_coverage
from app.core.model import Finding, PostRef
from app.core.store import series_sql

HOUR = 3600


@dataclass(frozen=True)
class ClassSeries:
    """Per bin: posts of class ``label`` and posts scored. ``t`` are the bins' starts and
    ``ends`` their ends (Unix seconds); ``kinds`` the kinds of post counted (None: all);
    ``method`` how the classes were assigned (``vader``)."""

    t: np.ndarray
    ends: np.ndarray
    count: np.ndarray
    scored: np.ndarray
    bin_seconds: int
    kinds: tuple[str, ...] | None = None
    label: str = "negative"
    method: str = "vader"

    @classmethod
    def from_series(cls, s: metrics.Series, kinds: tuple[str, ...] | None) -> ClassSeries:
        """VADER's negative class of a binned series."""
        scored = s.scored.astype(np.float64)
        return cls(
            s.t.astype(np.float64),
            s.bin_ends.astype(np.float64),
            np.rint(np.nan_to_num(s.neg_share) * scored),
            scored,
            int(s.bin_seconds),
            kinds,
        )


@dataclass(frozen=True)
class Shift:
    """A change of share at bin ``b``, between the levels [a, b) and [b, c)."""

    a: int
    b: int
    c: int


def find(ctx: Context) -> list[Finding]:
    cfg = ctx.settings
    if cfg.sentiment_include_retweets:
        cs = ClassSeries.from_series(ctx.series, None)
    else:
        cs = ClassSeries.from_series(ctx.retweetless, tuple(sorted(RETWEETLESS)))
    return [_finding(ctx, cs, sh) for sh in shifts(cs, ctx.settings)]


def shifts(cs: ClassSeries, cfg) -> list[Shift]:
    """The shifts of ``cs``'s share (see the module's notes)."""
    k, n = cs.count.astype(np.float64), cs.scored.astype(np.float64)
    m = len(k)
    if m < 2 or n.sum() < 2 * cfg.sentiment_min_posts:
        return []
    crit = changepoints.chi2_1_isf(cfg.sentiment_alpha / max(m - 1, 1))
    cps = changepoints.binomial(k, n, crit, cfg.sentiment_min_posts)
    bounds = _merge([0, *cps, m], k, n, cfg, crit)
    return [Shift(a, b, c) for a, b, c in zip(bounds, bounds[1:], bounds[2:], strict=False)]


def _merge(bounds: list[int], k: np.ndarray, n: np.ndarray, cfg, crit: float) -> list[int]:
    """Merge, weakest first, the changes too small to matter or no longer significant."""
    ks = np.concatenate(([0.0], np.cumsum(k)))
    ns = np.concatenate(([0.0], np.cumsum(n)))
    bounds = list(bounds)
    while len(bounds) > 2:
        weakest, weakest_g = -1, math.inf
        for j in range(1, len(bounds) - 1):
            a, b, c = bounds[j - 1], bounds[j], bounds[j + 1]
            k1, n1, k2, n2 = ks[b] - ks[a], ns[b] - ns[a], ks[c] - ks[b], ns[c] - ns[b]
            g = float(
                2
                * (
                    changepoints.binomial_loglik(k1, n1)
                    + changepoints.binomial_loglik(k2, n2)
                    - changepoints.binomial_loglik(k1 + k2, n1 + n2)
                )
            )
            p1, p2 = k1 / max(n1, 1), k2 / max(n2, 1)
            small = (
                n1 < cfg.sentiment_min_posts
                or n2 < cfg.sentiment_min_posts
                or abs(p2 - p1) < cfg.sentiment_min_delta
                or changepoints.cohens_h(p1, p2) < cfg.sentiment_min_effect
                or g < crit
            )
            if small and g < weakest_g:
                weakest, weakest_g = j, g
        if weakest < 0:
            break
        del bounds[weakest]
    return bounds


def _finding(ctx: Context, cs: ClassSeries, sh: Shift) -> Finding:
    span = measure.Span(ctx.start, ctx.last)
    a, b, c = sh.a, sh.b, sh.c
    b0, b1 = span.clip(float(cs.t[a]), float(cs.t[b]))
    a0, a1 = span.clip(float(cs.t[b]), float(cs.ends[c - 1]))
    k1, n1 = measure.sum_bins(cs.count, a, b), measure.sum_bins(cs.scored, a, b)
    k2, n2 = measure.sum_bins(cs.count, b, c), measure.sum_bins(cs.scored, b, c)
    neg_b, sc_b = measure.of_class(k1, b0, b1, cs.label, cs.kinds), measure.scored(n1, b0, b1, cs.kinds)
    neg_a, sc_a = measure.of_class(k2, a0, a1, cs.label, cs.kinds), measure.scored(n2, a0, a1, cs.kinds)
    p1, p2 = k1 / n1, k2 / n2
    rise = p2 > p1
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2)) if 0 < pooled < 1 else 0.0
    z = (p2 - p1) / se if se > 0 else 0.0
    score = min(1.0, abs(p2 - p1) / 0.4) * (0.5 + 0.5 * min(1.0, abs(z) / 10))
    t = float(cs.t[b])
    look = t + max(cs.bin_seconds, HOUR)
    refs: tuple[PostRef, ...]
    if rise:
        worst = series_sql.most_negative(ctx.con, t, look, rollups=ctx.rolled)
        refs = tuple(PostRef(p.platform, p.post_id) for p in worst)
        accounts = tuple(dict.fromkeys(p.author for p in worst if p.author))
    else:
        refs, accounts = volume.carriers(ctx, t, look)
    return Finding(
        kind="sentiment_shift",
        time=t,
        end=None,
        score=float(min(1.0, max(0.0, score))),
        subject="rise" if rise else "fall",
        figures={
            "negative_before": neg_b,
            "scored_before": sc_b,
            "share_before": measure.share(neg_b, sc_b),
            "negative_after": neg_a,
            "scored_after": sc_a,
            "share_after": measure.share(neg_a, sc_a),
            "duration_before": measure.duration(b0, b1),
            "duration_after": measure.duration(a0, a1),
        },
        posts=refs,
        accounts=accounts,
        detail={
            "direction": "rise" if rise else "fall",
            "bin_seconds": cs.bin_seconds,
            "label": cs.label,
            "method": cs.method,
            "retweets_counted": cs.kinds is None,
            "effect": round(changepoints.cohens_h(p1, p2), 2),
        },
        flags=measure_coverage(ctx).flags(t, 2 * ctx.bin),
    )
