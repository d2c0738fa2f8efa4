"""Early warning, measured after the fact: when would a simple alert first have fired?

"This was a disaster foretold": a team that watched its channel could have seen the storm
coming. This module replays the incident bin by bin against one plain, documented rule and
reports the first bin where it fires, and how long that was before the peak.

The rule (:class:`AlertRule`) is checked at the end of every bin of the incident, on the
posts of the last ``window_hours`` (the window; one bin if bins are longer), against the
trailing baseline of the ``baseline_hours`` before the window:

1. the window holds at least ``min_posts`` posts with a sentiment score;
2. its share of negative posts (VADER compound <= -0.05, as everywhere in the app) is at
   least ``neg_points`` above the baseline's share;
3. that excess is not chance: a one-sided two-proportion z-test of the window against the
   baseline gives at least ``min_z``;
4. its volume is at least ``volume_factor`` times the baseline's, per window length;
5. there are at least ``min_history_hours`` of incident before the bin (by default the
   baseline's length, so that the baseline spans a whole daily rhythm; a quarter of the
   incident when that is shorter).

Looking at a fixed window (an hour by default) whatever the bin keeps the rule as steady on
fine bins as on coarse ones: a single busy quarter of an hour is not an alert. The alert's
time is the start of the bin whose posts first made the rule hold; it fired at that bin's end
(``Alert.end``).

The lead time is the start of the incident's busiest bin minus the moment the rule fired (the
end of its bin: the moment an alert would have gone out, and the one a reader is shown):
positive when the alert came before the peak, negative (the alert came too late) otherwise.

Plain numpy over one binned series (:func:`app.core.metrics.binned_series`, answered from the
rollups), so it costs milliseconds on millions of posts. No Qt.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from app.core import metrics
from app.core.store.db import Connection
from app.core.store.workspace import Workspace

#: Analysis bins are chosen so that the incident fits in at most this many.
DEFAULT_MAX_BINS = 400


def analysis_bin(span_seconds: float, max_bins: int = DEFAULT_MAX_BINS) -> int:
    """The bin the detectors work at: the smallest of :data:`metrics.NICE_BINS` that covers
    ``span_seconds`` in at most ``max_bins`` bins (the largest if none does). Fine enough to
    place a turn within the hour on a ten-day incident, coarse enough that each bin holds
    posts to count."""
    span_seconds = max(float(span_seconds), 1.0)
    for b in metrics.NICE_BINS:
        if span_seconds / b <= max_bins:
            return b
    return metrics.wide_bin(span_seconds, max_bins)


@dataclass(frozen=True)
class AlertRule:
    """The alert rule's thresholds (see the module's notes). The defaults are what a
    community team might set on a listening tool, not fitted to any incident."""

    #: bin length in seconds; ``None`` picks it from the incident's length (:func:`analysis_bin`)
    bin_seconds: int | None = None
    #: the rule looks at the posts of this many hours, checked at the end of every bin
    window_hours: float = 1.0
    #: the trailing baseline: this many hours before the window
    baseline_hours: float = 24.0
    #: no alert before this many hours of incident have passed; ``None``: the baseline's
    #: length (so that the baseline spans a whole daily rhythm), or a quarter of the
    #: incident if that is shorter
    min_history_hours: float | None = None
    #: the window's negative share must exceed the baseline's by this much (0.10 = 10 points)
    neg_points: float = 0.10
    #: ... with at least this z (one-sided two-proportion test; 1.64 is p < 0.05: the rule is
    #: a conjunction, the other conditions carry it too)
    min_z: float = 1.64
    #: the window's volume must be at least this many times the baseline's, per window length
    volume_factor: float = 3.0
    #: the window must hold at least this many scored posts
    min_posts: int = 10

    def describe(self, bin_seconds: int | None = None) -> str:
        """The rule in one plain sentence. With ``bin_seconds`` (the bin it was replayed at),
        the window and baseline it really used: whole bins, so an archive binned by three days
        reads "the last 3 days", never "the last hour" of a rule that looked at three days."""
        window = "hour" if self.window_hours == 1 else f"{_num(self.window_hours)} hours"
        text = (
            f"negative share at least {self.neg_points * 100:.0f} points above and volume at least "
            f"{_num(self.volume_factor)} times the trailing {_num(self.baseline_hours)}-hour baseline, "
            f"with at least {self.min_posts} scored posts in the last {window}"
        )
        if not bin_seconds:
            return text
        from app.core.narrative.words import duration

        width = int(bin_seconds)
        win = window_bins(self, width) * width
        base = max(1, round(self.baseline_hours * 3600 / width)) * width
        if win == round(self.window_hours * 3600) and base == round(self.baseline_hours * 3600):
            return text
        return (
            f"negative share at least {self.neg_points * 100:.0f} points above and volume at least "
            f"{_num(self.volume_factor)} times the trailing baseline of {duration(base)}, with at least "
            f"{self.min_posts} scored posts in the last {duration(win)} (the rule's {_num(self.baseline_hours)}-hour "
            f"baseline and {_num(self.window_hours)}-hour window, in this archive's whole bins of "
            f"{duration(width)})"
        )


#: where the workspace keeps the rule the user chose (meta key, JSON of the fields)
RULE_KEY = "alert_rule"
#: the fields a user may change, with what the settings dialog calls them and their bounds
EDITABLE = {
    "neg_points": ("Negative share above its baseline by (points)", 0.01, 0.9),
    "volume_factor": ("Volume above its baseline by (times)", 1.0, 100.0),
    "min_posts": ("Scored posts needed in the window", 1, 100000),
    "window_hours": ("Window (hours)", 0.25, 48.0),
    "baseline_hours": ("Trailing baseline (hours)", 1.0, 24.0 * 14),
}


def load_rule(ws: Workspace) -> AlertRule:
    """The workspace's rule: the defaults, with what the user changed (bad values ignored)."""
    raw = ws.meta().get(RULE_KEY)
    try:
        saved = json.loads(raw) if raw else {}
    except ValueError:
        saved = {}
    known = {f.name: f.type for f in fields(AlertRule)}
    kept: dict[str, Any] = {}  # checked against EDITABLE's bounds below
    for key, value in saved.items() if isinstance(saved, dict) else ():
        if key in EDITABLE and isinstance(value, (int, float)) and not isinstance(value, bool):
            _, lo, hi = EDITABLE[key]
            if lo <= value <= hi:
                kept[key] = int(value) if key == "min_posts" else float(value)
    return AlertRule(**{k: v for k, v in kept.items() if k in known})


def save_rule(ws: Workspace, rule: AlertRule | None) -> None:
    """Keep the user's rule in the workspace (None: back to the defaults)."""
    if rule is None or rule == AlertRule():
        ws.set_setting(RULE_KEY, None)
        return
    values = asdict(rule)
    ws.set_setting(RULE_KEY, json.dumps({k: values[k] for k in EDITABLE}))


@dataclass(frozen=True)
class Alert:
    """When the rule first fired and the figures behind it. Times are Unix seconds (UTC)."""

    time: float
    end: float
    bin_seconds: int
    window_seconds: float
    peak_time: float
    peak_posts: int
    lead_seconds: float
    posts: int
    scored: int
    negative: int
    neg_share: float
    baseline_neg_share: float
    #: the baseline's mean posts per window length
    baseline_rate: float
    volume_ratio: float
    z: float
    rule: AlertRule

    def figures(self) -> dict:
        """The numbers as plain JSON-ready values."""
        return {
            "bin_seconds": int(self.bin_seconds),
            "window_seconds": float(self.window_seconds),
            "posts": int(self.posts),
            "scored": int(self.scored),
            "negative": int(self.negative),
            "negative_share": round(float(self.neg_share), 4),
            "baseline_negative_share": round(float(self.baseline_neg_share), 4),
            "baseline_posts_per_window": round(float(self.baseline_rate), 3),
            "volume_ratio": round(float(self.volume_ratio), 2) if math.isfinite(self.volume_ratio) else None,
            "z": round(float(self.z), 2),
            "peak_time": float(self.peak_time),
            "peak_posts": int(self.peak_posts),
            "lead_seconds": float(self.lead_seconds),
        }


def evaluate(series: metrics.Series, rule: AlertRule) -> dict[str, np.ndarray]:
    """The rule's quantities at the end of every bin of ``series`` (for plots and tests): the
    window's posts, scored posts, negative posts and share, the baseline's negative share and
    mean posts per window, z, the volume ratio, and ``fires`` (whether every condition holds)."""
    n = len(series)
    total = series.total.astype(np.float64)
    scored = series.scored.astype(np.float64)
    neg = np.rint(np.nan_to_num(series.neg_share) * scored)
    width = int(series.bin_seconds)
    win = window_bins(rule, width)
    back = max(1, round(rule.baseline_hours * 3600 / width))
    if rule.min_history_hours is not None:
        history_hours = rule.min_history_hours
    else:
        span_hours = (series.last_end - series.t[0]) / 3600 if n else 0.0
        history_hours = min(rule.baseline_hours, span_hours / 4)
    history = math.ceil(history_hours * 3600 / width)
    idx = np.arange(n)

    def sums(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        c = np.concatenate(([0.0], np.cumsum(x)))
        return c[np.clip(hi, 0, n)] - c[np.clip(lo, 0, n)]

    # the window ends with bin i; the baseline ends where the window starts
    w_lo, w_hi = idx - win + 1, idx + 1
    b_lo, b_hi = w_lo - back, w_lo
    w_total, w_scored, w_neg = sums(total, w_lo, w_hi), sums(scored, w_lo, w_hi), sums(neg, w_lo, w_hi)
    b_total, b_scored, b_neg = sums(total, b_lo, b_hi), sums(scored, b_lo, b_hi), sums(neg, b_lo, b_hi)
    b_bins = (np.clip(b_hi, 0, n) - np.clip(b_lo, 0, n)).astype(np.float64)
    w_bins = (np.clip(w_hi, 0, n) - np.clip(w_lo, 0, n)).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(b_bins > 0, b_total / np.maximum(b_bins, 1) * w_bins, np.nan)
        base_share = np.where(b_scored > 0, b_neg / np.maximum(b_scored, 1), np.nan)
        share = np.where(w_scored > 0, w_neg / np.maximum(w_scored, 1), np.nan)
        pooled = (w_neg + b_neg) / np.maximum(w_scored + b_scored, 1)
        se = np.sqrt(pooled * (1 - pooled) * (1 / np.maximum(w_scored, 1) + 1 / np.maximum(b_scored, 1)))
        z = np.where(se > 0, (share - base_share) / np.where(se > 0, se, 1), 0.0)
        # a baseline without posts has no rate to compare with: one post per baseline stands in
        ratio = w_total / np.maximum(np.nan_to_num(rate), w_bins / np.maximum(b_bins, 1))
    fires = (
        (idx >= history)
        & (w_scored >= rule.min_posts)
        & (b_scored > 0)
        & (np.nan_to_num(share - base_share, nan=-1.0) >= rule.neg_points)
        & (np.nan_to_num(z) >= rule.min_z)
        & (ratio >= rule.volume_factor)
    )
    return {
        "posts": w_total,
        "scored": w_scored,
        "negative": w_neg,
        "share": share,
        "baseline_share": base_share,
        "baseline_rate": rate,
        "z": z,
        "volume_ratio": ratio,
        "fires": fires,
    }


def first_alert(
    ws: Workspace,
    rule: AlertRule = AlertRule(),
    con: Connection | None = None,
    series: metrics.Series | None = None,
) -> Alert | None:
    """When ``rule`` would first have fired on the workspace's posts, or ``None`` if never.

    ``series`` (a binned series over the whole incident at the rule's bin) may be passed by
    a caller that has it already."""
    con = con or ws.cursor()
    if series is None:
        span = metrics.incident_span(ws, con)
        if span is None:
            return None
        width = rule.bin_seconds or analysis_bin(span[1] - span[0])
        series = metrics.binned_series(ws, span[0], span[1] + 1, width, con=con)
    return alert_from_series(series, rule)


def alert_from_series(series: metrics.Series, rule: AlertRule) -> Alert | None:
    """:func:`first_alert` on a series at hand."""
    if len(series) == 0:
        return None
    q = evaluate(series, rule)
    hits = np.flatnonzero(q["fires"])
    if not len(hits):
        return None
    i = int(hits[0])
    peak = int(np.argmax(series.total))
    ends = series.bin_ends
    return Alert(
        time=float(series.t[i]),
        end=float(ends[i]),
        bin_seconds=int(series.bin_seconds),
        window_seconds=float(ends[i] - series.t[max(0, i - window_bins(rule, series.bin_seconds) + 1)]),
        peak_time=float(series.t[peak]),
        peak_posts=int(series.total[peak]),
        lead_seconds=float(series.t[peak] - ends[i]),
        posts=int(q["posts"][i]),
        scored=int(q["scored"][i]),
        negative=int(q["negative"][i]),
        neg_share=float(q["share"][i]),
        baseline_neg_share=float(q["baseline_share"][i]),
        baseline_rate=float(np.nan_to_num(q["baseline_rate"][i])),
        volume_ratio=float(q["volume_ratio"][i]),
        z=float(q["z"][i]),
        rule=rule,
    )


def window_bins(rule: AlertRule, bin_seconds: int) -> int:
    """How many bins the rule's window spans (at least one)."""
    return max(1, round(rule.window_hours * 3600 / int(bin_seconds)))


def _num(x: float) -> str:
    return f"{x:g}"
