"""A series' daily rhythm, so that mornings are not taken for escalations.

Two tools, for archives of different lengths:

* :func:`profile`: when the archive covers at least ``seasonal_min_days`` whole local days,
  the typical deviation of log(posts + 1) at each time of day (per time of day, the median
  over the days of each day's deviation from its own median, smoothed over two hours). The
  volume detector subtracts it before looking for changes.
* :func:`same_time`: for any archive, a rise (or fall) compared with the same clock hours on
  another day the archive covers (the day before when it can, else the day after, else two
  days away). A night-to-morning rise in a two-day archive is then measured against the
  previous (or next) morning's own rise: if it is no bigger than that by ``min_ratio``, the
  rhythm explains it. When no other day covers those hours the archive cannot tell, and the
  caller says so (flag ``rhythm_unchecked``).

Times of day are in the workspace's display zone (a "day before" is the same wall-clock time,
23 or 25 hours back across a daylight-saving change). No Qt, no SQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from app.core import metrics
from app.core.analysis import measure
from app.core.model import Figure

DAY = 86400
#: the days tried as a reference, in order: before, after, two before, two after
REFERENCE_DAYS = (-1, 1, -2, 2)


@dataclass(frozen=True)
class Rhythm:
    """log(posts + 1)'s typical deviation at each time-of-day slot of ``per_day``, measured
    over ``days`` whole days; :meth:`deviation` gives it for each bin of the series."""

    profile: np.ndarray
    per_day: int
    days: int
    slots: np.ndarray

    def deviation(self) -> np.ndarray:
        return self.profile[self.slots]


def _local(series: metrics.Series, zone: ZoneInfo) -> tuple[np.ndarray, np.ndarray]:
    """Each bin's time-of-day slot and local day (ordinal)."""
    width = int(series.bin_seconds)
    local = [datetime.fromtimestamp(float(t), zone) for t in series.t]
    per_day = max(1, DAY // width)
    slots = np.array([(d.hour * 3600 + d.minute * 60 + d.second) // width for d in local], dtype=np.int64)
    days = np.array([d.toordinal() for d in local], dtype=np.int64)
    return slots % per_day, days


def profile(series: metrics.Series, zone: ZoneInfo, min_days: int) -> Rhythm | None:
    """The daily rhythm of ``series`` (see the module's notes), or None when the archive holds
    fewer than ``min_days`` whole local days or its bin is too coarse (over 3 hours, or not a
    divisor of a day) to show one."""
    width = int(series.bin_seconds)
    n = len(series)
    if n == 0 or width > 3 * 3600 or DAY % width:
        return None
    per_day = DAY // width
    slots, days = _local(series, zone)
    y = np.log1p(series.total.astype(np.float64))
    rows = []
    for day in np.unique(days):
        sel = days == day
        if sel.sum() != per_day or len(set(slots[sel].tolist())) != per_day:
            continue  # a partial day (the first, the last, or a daylight-saving change)
        row = np.empty(per_day)
        row[slots[sel]] = y[sel]
        rows.append(row - np.median(row))
    if len(rows) < max(int(min_days), 1):
        return None
    prof = np.median(np.vstack(rows), axis=0)
    half = max(1, round(3600 / width))
    kernel = np.ones(2 * half + 1) / (2 * half + 1)
    wrapped = np.concatenate([prof[-half:], prof, prof[:half]])
    prof = np.convolve(wrapped, kernel, mode="valid")
    return Rhythm(prof, per_day, len(rows), slots)


def shift_days(t: float, days: int, zone: ZoneInfo) -> float:
    """The same wall-clock time ``days`` days later (earlier when negative) in ``zone``."""
    local = datetime.fromtimestamp(float(t), zone)
    moved = (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=zone)
    return moved.timestamp()


@dataclass(frozen=True)
class SameTime:
    """A change compared with the same clock hours on another day.

    ``offset_days`` is that day (-1: the day before); ``before``/``after`` its posts in the
    shifted windows (each a posts Figure over its range); ``ratio`` the rate after / the rate
    before there (the two windows need not be as long: six hours at most each side).
    ``today_before``/``today_after`` are the posts of the change's own day in the same windows
    (clipped to the archive), so that like is compared with like. ``excess`` is log(today's
    ratio) minus log(that day's ratio), with half a post added to every count so that an
    empty window does not make it infinite."""

    offset_days: int
    before: Figure
    after: Figure
    ratio: Figure
    excess: float
    today_before: Figure
    today_after: Figure


def same_time(
    series: metrics.Series,
    zone: ZoneInfo,
    span: measure.Span,
    before: tuple[int, int],
    after: tuple[int, int],
    kinds: tuple[str, ...] | None = None,
) -> SameTime | None:
    """Compare the change between bins ``before`` = [a, b) and ``after`` = [b, c) with the
    same clock hours of another day the archive covers wholly (the windows are at most six
    hours each side of the change). None when no such day is in the archive."""
    a, b = before
    _, c = after
    width = int(series.bin_seconds)
    if width >= DAY or not len(series):
        return None
    reach = max(1, round(6 * 3600 / width))
    a, c = max(a, b - reach), min(c, b + reach)
    t, ends = series.t, series.bin_ends
    w0, w1, w2 = float(t[a]), float(t[b]), float(ends[c - 1])
    today_before = measure.sum_bins(series.total, a, b)
    today_after = measure.sum_bins(series.total, b, c)
    for offset in REFERENCE_DAYS:
        r0, r1, r2 = (shift_days(x, offset, zone) for x in (w0, w1, w2))
        if r0 < span.first or r2 > span.end:
            continue  # the archive does not cover those hours that day
        i0, i1, i2 = np.searchsorted(t, [r0, r1, r2])
        if i2 > len(t) or i0 >= len(t) or t[i0] != r0 or t[min(i1, len(t) - 1)] != r1:
            continue
        if i2 < len(t) and t[i2] != r2:
            continue
        if i2 == len(t) and float(series.last_end) != r2:
            continue
        ref_before = measure.sum_bins(series.total, int(i0), int(i1))
        ref_after = measure.sum_bins(series.total, int(i1), int(i2))
        fb = measure.posts(ref_before, r0, r1, kinds)
        fa = measure.posts(ref_after, r1, r2, kinds)
        excess = math.log((today_after + 0.5) / (today_before + 0.5)) - math.log(
            (ref_after + 0.5) / (ref_before + 0.5)
        )
        # the excess compares ratios of posts over windows of the same lengths on both days
        # (so they cancel out); the ratio stated is of rates, as the windows before and after
        # may differ in length (review N3: "from 21 posts to 5 posts" was 6 hours against 1 hour
        # 15 minutes, a slight rise in rates)
        tb = measure.posts(today_before, *span.clip(w0, w1), kinds)
        ta = measure.posts(today_after, *span.clip(w1, w2), kinds)
        return SameTime(offset, fb, fa, measure.ratio(measure.rate(fa), measure.rate(fb)), excess, tb, ta)
    return None
