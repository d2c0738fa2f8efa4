"""What the archive covers, as facts: its first and last post, its span, the gaps with no
posts in an otherwise busy series, and where the collection may have begun or stopped.

An archive is what someone collected, not everything that was said. Its edges are easily
taken for events: a jump out of a near-empty stretch ("×595" where the archive held 4 posts
in the five days before) or a rise in its first hour (a first bin only partly covered) may be
where the collection began, and a fall in its last hours where it stopped. :func:`measure`
returns a :class:`Coverage`; :meth:`Coverage.flags` tells a detector which of its findings
sit on such an edge, so that they carry ``collection_start``, ``collection_end`` or
``collection_gap`` and the summary never leads with them.

How each is found (thresholds are :class:`~app.core.analysis.settings.Settings` fields):

* **Gaps**: runs of at least ``coverage_gap_minutes`` empty minutes (five-minute slots on
  archives of more than two weeks) inside the archive, whose chance under the rate around
  them is at most ``coverage_gap_chance``. The rate around a gap is the lower of the rates
  in the three hours before and the three hours after it (a conservative choice: a night's
  lull next to an evening is measured at the night's rate; posts come in bursts, so the
  threshold is far below what independent posts would need); each side must hold
  ``coverage_gap_min_posts`` posts, or there is no busy series around to speak of; the chance of no post where ``e`` were expected
  is exp(-e) (Poisson). At most ``coverage_max_gaps``, the least likely.
* **Where the collection may have begun** (:class:`Edge`): ``thin_lead`` when a stretch of at
  least ``coverage_lead_hours`` from the first post has posts in fewer than
  ``coverage_thin_occupancy`` of its hours and the six hours after it post at least
  ``coverage_thin_ratio`` times its rate (a daily lull is shorter than a day, so it is never
  taken for one); ``opens_busy`` when the archive's first hour holds at least
  ``coverage_busy_share`` of its busiest hour's posts and ``coverage_busy_factor`` times its
  median hour's (an archive opening in the middle of a storm). The same, mirrored, for where
  it may have stopped (``thin_tail``, ``closes_busy``).

No Qt, no SQL: the per-hour and per-minute series come from :mod:`app.core.metrics`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from app.core.analysis import measure
from app.core.analysis.context import Context
from app.core.model import Figure, Source

HOUR = 3600


@dataclass(frozen=True)
class Gap:
    """No posts in [start, end) where the rate around made that unlikely.

    Figures: ``posts`` (0, the posts in the gap), ``duration`` (seconds), ``before`` and
    ``after`` (posts in the three hours before and after, each a posts Figure over its range),
    ``rate_around`` (the lower of those two rates, per hour), ``expected`` (posts that rate
    would have brought in the gap) and ``chance`` (the Poisson chance of none, a share)."""

    start: float
    end: float
    figures: Mapping[str, Figure] = field(compare=False)


@dataclass(frozen=True)
class Edge:
    """Where the collection may have begun (``side`` "start") or stopped ("end").

    ``reason``: ``thin_lead``/``thin_tail`` (a near-empty stretch before/after a busy one) or
    ``opens_busy``/``closes_busy`` (the archive's first/last hour is among its busiest).
    ``time`` is where the covered, busy part begins (or ends). Figures: for ``thin_*``,
    ``thin_posts`` (posts in the near-empty stretch), ``thin_duration`` (its seconds),
    ``busy_rate`` (the rate of the six hours beside it); for ``*_busy``, ``edge_posts``
    (posts in the archive's first/last hour), ``busiest_hour`` (the busiest hour's posts),
    ``median_hour`` (posts in the median hour)."""

    side: str
    reason: str
    time: float
    figures: Mapping[str, Figure] = field(compare=False)


@dataclass(frozen=True)
class Coverage:
    """The archive's coverage. ``first_post``/``last_post`` are time Figures, ``span`` their
    difference (seconds), ``posts`` every post; ``whole_days`` how many whole local days it
    covers; ``gaps`` in time order; ``start``/``end`` where the collection may have begun or
    stopped, when the data suggest it (None otherwise)."""

    first_post: Figure
    last_post: Figure
    span: Figure
    posts: Figure
    whole_days: int
    gaps: tuple[Gap, ...]
    start: Edge | None
    end: Edge | None
    #: a finding this close (seconds) to the first or last post is at the archive's edge
    edge_seconds: float = 3 * HOUR

    def flags(self, t: float, tolerance: float, end: float | None = None) -> frozenset[str]:
        """The coverage caveats of something found at ``t`` (until ``end``): at the archive's
        first or last hours, at a jump out of (or into) a near-empty stretch, or beside a gap
        (within ``tolerance`` seconds)."""
        first, last = float(self.first_post.value), float(self.last_post.value)  # type: ignore[arg-type]
        out = set()
        if t - first < max(self.edge_seconds, tolerance):
            out.add("collection_start")
        if last - (end if end is not None else t) < max(self.edge_seconds, tolerance):
            out.add("collection_end")
        if (
            self.start is not None
            and self.start.reason == "thin_lead"
            and abs(t - self.start.time) <= tolerance
        ):
            out.add("collection_start")
        if self.end is not None and self.end.reason == "thin_tail" and abs(t - self.end.time) <= tolerance:
            out.add("collection_end")
        for g in self.gaps:
            if g.start - tolerance <= t <= g.end + tolerance:
                out.add("collection_gap")
        return frozenset(out)


def measure_coverage(ctx: Context) -> Coverage:
    """The coverage of the context's archive (computed once per context)."""
    cached = ctx.memo.get("coverage")
    if cached is None:
        cached = ctx.memo["coverage"] = _measure(ctx)
    return cached


def _measure(ctx: Context) -> Coverage:
    cfg = ctx.settings
    first = Figure(ctx.start, "time", source=Source.of("first_post"))
    last = Figure(ctx.last, "time", source=Source.of("last_post"))
    span = Figure(
        ctx.last - ctx.start, "seconds", source=Source.of("difference", a=last.source, b=first.source)
    )
    whole = measure.Span(ctx.start, ctx.last)
    total = measure.posts(measure.sum_bins(ctx.series.total, 0, len(ctx.series)), whole.first, whole.end)
    hourly = ctx.series_at(HOUR)
    return Coverage(
        first_post=first,
        last_post=last,
        span=span,
        posts=total,
        whole_days=_whole_days(ctx),
        gaps=tuple(_gaps(ctx, whole)),
        start=_thin_edge(hourly, whole, cfg, "start") or _busy_edge(ctx, hourly, whole, "start"),
        end=_thin_edge(hourly, whole, cfg, "end") or _busy_edge(ctx, hourly, whole, "end"),
        edge_seconds=cfg.coverage_edge_hours * HOUR,
    )


def _whole_days(ctx: Context) -> int:
    a = datetime.fromtimestamp(ctx.start, ctx.zone)
    b = datetime.fromtimestamp(ctx.last, ctx.zone)
    return max(0, (b.date() - a.date()).days - 1)


def _gaps(ctx: Context, whole: measure.Span) -> list[Gap]:
    cfg = ctx.settings
    width = 60 if ctx.last - ctx.start <= 14 * 86400 else 300
    s = ctx.series_at(width)
    counts = s.total.astype(np.int64)
    n = len(counts)
    min_bins = max(1, math.ceil(cfg.coverage_gap_minutes * 60 / width))
    if n < min_bins + 2:
        return []
    empty = np.concatenate(([False], counts == 0, [False]))
    edges = np.flatnonzero(np.diff(empty.astype(np.int8)))
    starts, stops = edges[0::2], edges[1::2]  # runs [start, stop) of empty bins
    keep = (stops - starts >= min_bins) & (starts > 0) & (stops < n)
    cum = np.concatenate(([0], np.cumsum(counts)))
    t = np.append(s.t, s.last_end)
    side = max(1, round(3 * HOUR / width))
    found = []
    for i, j in zip(starts[keep], stops[keep], strict=False):
        a, b = float(t[i]), float(t[j])
        i0, j1 = max(0, i - side), min(n, j + side)
        b0, b1 = whole.clip(float(t[i0]), a)
        a0, a1 = whole.clip(b, float(t[j1]))
        before = measure.posts(float(cum[i] - cum[i0]), b0, b1)
        after = measure.posts(float(cum[j1] - cum[j]), a0, a1)
        if min(float(before.value or 0), float(after.value or 0)) < cfg.coverage_gap_min_posts:
            continue  # a sparse series: no rate around to speak of
        rates = [measure.rate(before), measure.rate(after)]
        rates = [r for r in rates if r.known]
        if not rates:
            continue
        around = min(rates, key=lambda r: float(r.value))  # type: ignore[arg-type]
        h = measure.hours(a, b)
        expected = float(around.value) * h  # type: ignore[arg-type]
        chance = math.exp(-expected)
        if chance > cfg.coverage_gap_chance:
            continue
        exp_fig = Figure(expected, "count", "post", source=Source.of("expected", rate=around.source, hours=h))
        found.append(
            Gap(
                a,
                b,
                {
                    "posts": measure.posts(0, a, b),
                    "duration": measure.duration(a, b),
                    "before": before,
                    "after": after,
                    "rate_around": around,
                    "expected": exp_fig,
                    "chance": Figure(
                        chance, "share", source=Source.of("chance_of_none", expected=exp_fig.source)
                    ),
                },
            )
        )
    found.sort(key=lambda g: float(g.figures["chance"].value))  # type: ignore[arg-type]
    return sorted(found[: cfg.coverage_max_gaps], key=lambda g: g.start)


def _thin_edge(hourly, whole: measure.Span, cfg, side: str) -> Edge | None:
    """A near-empty stretch of at least ``coverage_lead_hours`` at the archive's start (or
    end) followed (preceded) by six busy hours."""
    counts = hourly.total.astype(np.float64)
    n = len(counts)
    need = max(1, math.ceil(cfg.coverage_lead_hours))
    if n < need + 6:
        return None
    t = np.append(hourly.t, hourly.last_end)
    if side == "end":
        counts = counts[::-1]
    occupied = np.cumsum(counts > 0)
    cum = np.cumsum(counts)
    for d in range(need, n - 5):
        lead_posts, lead_hours = cum[d - 1], d
        if occupied[d - 1] >= cfg.coverage_thin_occupancy * lead_hours:
            break  # the stretch so far is not near-empty: nor will any longer one start there
        busy = cum[d + 5] - cum[d - 1]
        if occupied[d + 5] - occupied[d - 1] < 5:
            continue
        if busy / 6 < cfg.coverage_thin_ratio * max(lead_posts, 1) / lead_hours:
            continue
        if side == "start":
            a, b = whole.clip(float(t[0]), float(t[d]))
            busy_fig = measure.posts(busy, *whole.clip(float(t[d]), float(t[d + 6])))
            at = float(t[d])
        else:
            a, b = whole.clip(float(t[n - d]), float(t[n]))
            busy_fig = measure.posts(busy, *whole.clip(float(t[n - d - 6]), float(t[n - d])))
            at = float(t[n - d])
        return Edge(
            side,
            "thin_lead" if side == "start" else "thin_tail",
            at,
            {
                "thin_posts": measure.posts(lead_posts, a, b),
                "thin_duration": measure.duration(a, b),
                "busy_rate": measure.rate(busy_fig),
            },
        )
    return None


def _busy_edge(ctx: Context, hourly, whole: measure.Span, side: str) -> Edge | None:
    """The archive's first (last) whole hour among its busiest."""
    cfg = ctx.settings
    counts = hourly.total.astype(np.float64)
    t = np.append(hourly.t, hourly.last_end)
    inside = np.flatnonzero((t[:-1] >= whole.first) & (t[1:] <= whole.end))
    if len(inside) < 3:
        return None
    i = int(inside[0] if side == "start" else inside[-1])
    edge = float(counts[i])
    busiest = int(np.argmax(counts))
    median = float(np.median(counts[inside]))
    if edge < cfg.coverage_busy_share * counts[busiest] or edge < cfg.coverage_busy_factor * max(median, 1.0):
        return None
    a, b = float(t[i]), float(t[i + 1])
    return Edge(
        side,
        "opens_busy" if side == "start" else "closes_busy",
        whole.first if side == "start" else whole.end,
        {
            "edge_posts": measure.posts(edge, a, b),
            "busiest_hour": Figure(
                int(counts[busiest]),
                "count",
                "post",
                source=Source.of("bin_max", bin_seconds=HOUR, tz=ctx.tz, start=whole.first, end=whole.end),
            ),
            "median_hour": Figure(
                median,
                "count",
                "post",
                source=Source.of("bin_median", bin_seconds=HOUR, tz=ctx.tz, start=whole.first, end=whole.end),
            ),
        },
    )
