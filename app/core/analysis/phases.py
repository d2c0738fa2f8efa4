"""The incident's main wave and its phases: launch, simmer, escalation, peak, response, aftermath.

The phases never overlap and together cover the archive, from its first post to its last; a
phase without posts is given to its neighbour; boundaries fall on whole minutes. Every rule is
measured on the hours of the display time zone:

* **The main wave.** The hourly counts are smoothed (a centred mean over ``SMOOTH_HOURS``, so
  that one busy hour does not outweigh a busy day); a *wave* is a run of hours whose smoothed
  count stays at or above ``RISE_SHARE`` of the highest smoothed hour. Each wave is then placed
  on the hours (its start and peak as below, never starting inside the wave before it; it ends
  where its smoothed run ends), and the main
  wave is the wave that holds the most posts as placed; a tie goes to the wave whose busiest
  hour holds more posts, then to the earliest. There is a storm only if the busiest hour of the main wave
  holds ``STORM_FACTOR`` times the usual hour (the median hour outside the wave; when the
  wave fills the archive, the median of its quietest quarter of hours) and stands out of the
  noise (its excess at least five times the usual hour's square root), or if a turning point
  marks an escalation; without a storm there are only launch and simmer.
* **Peak**: the run of hours around the main wave's busiest smoothed hour whose smoothed
  count is at least ``PEAK_SHARE`` of it.
* **Escalation**: from the start of the main wave to the peak; an escalation turning point up
  to ``SNAP_SECONDS`` before that start (and before the peak) moves it earlier, which times it
  to the minute. If the archive's first hours are already part of the main wave, the archive
  began during the escalation (``Wave.began_before_archive``): there is no launch or simmer.
* **Launch**: from the first post to the first trigger or escalation turning point before
  the escalation (or to the escalation); **simmer**: from that trigger to the escalation.
* **Response**: when the brand acted after the escalation began (a post by one of its
  accounts, or a "brand response" turning point), from the end of the peak to the aftermath.
* **Aftermath**: from the end of the main wave (and, with a response, not before the
  brand's first action after the peak) to the last post.

Plain numpy over an hourly series and a few times. No Qt, no SQL.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

PHASE_NAMES = ("launch", "simmer", "escalation", "peak", "response", "aftermath")

#: the smoothed hour at or above this share of the wave's highest makes the peak
PEAK_SHARE = 0.5
#: the smoothed hour at or above this share of the highest makes a wave
RISE_SHARE = 0.1
#: the main wave's busiest hour must hold this many mean hours (or an escalation be marked)
STORM_FACTOR = 4.0
#: an escalation turning point this long before the wave's start starts it
SNAP_SECONDS = 3 * 3600
#: hours in the centred mean that smooths the hourly counts
SMOOTH_HOURS = 3
#: findings that describe the volume rather than mark a turn (every archive has a busiest
#: hour and a busiest day): they never open the simmer
NOT_TRIGGERS = frozenset({"peak", "busy_day"})

_MINUTE = 60


@dataclass(frozen=True)
class Point:
    """A turning point as the phases see it: when, its category (trigger, escalation,
    amplification, press, brand response, resolution, other) and its kind if it is a finding."""

    time: float
    category: str
    kind: str | None = None
    #: it sits where the collection may have begun, stopped or paused: not an event to cut at
    edge: bool = False


@dataclass(frozen=True)
class Wave:
    """The main wave: [start, end) with its peak [peak_start, peak_end); ``busiest_hour`` is
    the start of its hour with the most posts and ``busiest_posts`` their count.
    ``began_before_archive``: the archive's first hours already belong to it;
    ``ended_after_archive``: its last hours do."""

    start: float
    peak_start: float
    peak_end: float
    end: float
    busiest_hour: float
    busiest_posts: int
    began_before_archive: bool
    ended_after_archive: bool


@dataclass(frozen=True)
class PhaseSpan:
    name: str
    start: float
    end: float


@dataclass(frozen=True)
class Cut:
    """The phases and, when there is a storm, its main wave."""

    phases: list[PhaseSpan]
    wave: Wave | None


def cut(
    hour_t: np.ndarray,
    hour_counts: np.ndarray,
    first: float,
    last: float,
    points: Sequence[Point] = (),
    brand_times: Sequence[float] = (),
    posts_between=None,
) -> Cut:
    """The phases of an archive whose first and last post are at ``first`` and ``last``,
    from its counts per display-zone hour (``hour_t`` the hours' starts, covering the
    archive), its turning points and the times of the brand's posts. ``posts_between(a, b)``
    counts the posts in [a, b) (a phase without posts is merged into its neighbour); without
    it, phases are kept as cut."""
    S = _floor_minute(first)
    E = _floor_minute(last) + _MINUTE
    counts = np.asarray(hour_counts, dtype=np.float64)
    t = np.asarray(hour_t, dtype=np.float64)
    ends = np.append(t[1:], t[-1] + 3600) if len(t) else t
    points = sorted(points, key=lambda p: p.time)

    def clamp(x: float) -> float:
        return min(max(_floor_minute(x), S), E)

    def first_trigger(before: float) -> float:
        for p in points:
            if (
                p.category in ("trigger", "escalation")
                and p.kind not in NOT_TRIGGERS
                and not p.edge
                and S < p.time < before
            ):
                return clamp(p.time)
        return before

    wave = main_wave(t, counts, first, last, points)
    if wave is None:
        T = first_trigger(E)
        return Cut(_tidy([PhaseSpan("launch", S, T), PhaseSpan("simmer", T, E)], posts_between), None)

    X, P0, P1, W1 = clamp(wave.start), clamp(wave.peak_start), clamp(wave.peak_end), clamp(wave.end)
    if wave.began_before_archive:
        X = S
    T = first_trigger(X)
    acted = [b for b in brand_times if b >= X]
    acted += [p.time for p in points if p.category == "brand response" and p.time >= X]
    spans = [PhaseSpan("launch", S, T), PhaseSpan("simmer", T, X), PhaseSpan("escalation", X, P0)]
    spans.append(PhaseSpan("peak", P0, P1))
    if acted:
        R = min(acted)
        # the response holds the brand's first action: the aftermath starts after it
        A = max(W1, P1)
        if R >= A:
            later = [h for h, e in zip(t, ends, strict=True) if h > R and e <= E]
            A = clamp(later[0]) if later else E
        spans += [PhaseSpan("response", P1, A), PhaseSpan("aftermath", A, E)]
    else:
        # with no action of the brand's to tell, the wave's decline opens the aftermath
        spans.append(PhaseSpan("aftermath", P1, E))
    return Cut(_tidy(spans, posts_between), wave)


def main_wave(
    t: np.ndarray, counts: np.ndarray, first: float, last: float, points: Sequence[Point] = ()
) -> Wave | None:
    """The main wave of an hourly series (see the module's notes), or None without a storm."""
    n = len(counts)
    if n == 0 or counts.sum() == 0:
        return None
    s = smooth(counts, SMOOTH_HOURS)
    top = float(s.max())
    # each wave is placed on the hours first, and the main wave is chosen on what it then
    # holds: chosen on its smoothed run, a wave whose run held a stray post hours before its
    # busiest hour won and then, placed, held fewer posts than waves it had beaten (review N1)
    runs = _runs(s >= RISE_SHARE * top)
    # a wave placed on the hours may start before its run, never inside the wave before it
    placed = [_place(counts, a, b, runs[i - 1][1] if i else 0) for i, (a, b) in enumerate(runs)]
    # ties: the busier hour, then the earlier wave (as the Method states)
    a, i0, k, i1, b = max(placed, key=lambda w: (counts[w[0] : w[4]].sum(), counts[w[2]], -w[0]))
    M = float(counts[k])
    base = _baseline(counts, a, b)
    marked = any(p.category == "escalation" and p.kind not in NOT_TRIGGERS and not p.edge for p in points)
    if not marked and not (STORM_FACTOR * max(base, 1.0) <= M and M - base >= 5 * math.sqrt(max(base, 1.0))):
        return None
    ends = np.append(t[1:], t[-1] + 3600)
    start = float(t[a])
    early = [
        p.time
        for p in points
        if p.category == "escalation"
        and p.kind not in NOT_TRIGGERS
        and not p.edge
        and start - SNAP_SECONDS <= p.time < t[i0]
    ]
    if early:
        start = min(start, *early)
    return Wave(
        start=max(start, first),
        peak_start=max(float(t[i0]), first),
        peak_end=min(float(ends[i1]), last + _MINUTE),
        end=min(float(ends[b - 1]), last + _MINUTE),
        busiest_hour=float(t[k]),
        busiest_posts=int(counts[k]),
        began_before_archive=a == 0 and not early,
        ended_after_archive=b == n,
    )


def _place(counts: np.ndarray, a: int, b: int, floor: int) -> tuple[int, int, int, int, int]:
    """A wave chosen on the smoothed run [a, b), placed on the hours themselves (so that a rise
    is dated to the hour it happened, not half a smoothing window before): its start, its peak
    [i0, i1], its busiest hour k (the earliest of equals) and its end b, as (start, i0, k, i1, b).
    The peak is the run of hours around k holding at least ``PEAK_SHARE`` of k's posts; the
    wave starts where the hours before the peak fall below ``RISE_SHARE`` of them (at hour
    ``floor``, the end of the wave before, at the earliest)."""
    k = a + int(np.argmax(counts[a:b]))
    M = float(counts[k])
    i0 = k
    while i0 > a and counts[i0 - 1] >= PEAK_SHARE * M:
        i0 -= 1
    i1 = k
    while i1 + 1 < b and counts[i1 + 1] >= PEAK_SHARE * M:
        i1 += 1
    j = i0
    while j > floor and counts[j - 1] >= RISE_SHARE * M:
        j -= 1
    return j, i0, k, i1, b


def _baseline(counts: np.ndarray, a: int, b: int) -> float:
    """The usual hour outside the wave [a, b): the median hour before and after it, or, when
    the wave fills (almost) the whole archive, the median of its quietest quarter of hours."""
    outside = np.concatenate((counts[:a], counts[b:]))
    if len(outside) >= 3:
        return float(np.median(outside))
    quiet = np.sort(counts)[: max(1, len(counts) // 4)]
    return float(np.median(quiet))


def smooth(counts: np.ndarray, width: int) -> np.ndarray:
    """A centred moving mean over ``width`` bins (shorter at the ends, where fewer bins exist)."""
    x = np.asarray(counts, dtype=np.float64)
    if width <= 1 or len(x) < 2:
        return x.copy()
    half = width // 2
    c = np.concatenate(([0.0], np.cumsum(x)))
    idx = np.arange(len(x))
    lo = np.clip(idx - half, 0, len(x))
    hi = np.clip(idx + half + 1, 0, len(x))
    return (c[hi] - c[lo]) / (hi - lo)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    out = []
    i = 0
    n = len(mask)
    while i < n:
        if mask[i]:
            j = i
            while j < n and mask[j]:
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def _tidy(spans: list[PhaseSpan], posts_between) -> list[PhaseSpan]:
    """Drop empty spans and give a span without posts to its neighbour, so that the phases stay
    contiguous and each has posts."""
    kept: list[list[Any]] = [[p.name, p.start, p.end] for p in spans if p.end > p.start]
    if posts_between is not None:
        i = 0
        while i < len(kept) and len(kept) > 1:
            _name, a, b = kept[i]
            if posts_between(a, b) == 0:
                if i > 0:
                    kept[i - 1][2] = b
                else:
                    kept[i + 1][1] = a
                del kept[i]
                continue
            i += 1
    return [PhaseSpan(str(n), float(a), float(b)) for n, a, b in kept]


def _floor_minute(t: float) -> float:
    return math.floor(float(t) / _MINUTE) * _MINUTE
