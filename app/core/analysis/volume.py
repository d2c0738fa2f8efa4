"""Changes in the volume of posts: where the level steps (or climbs) up or down, and whole
days far busier (or far more negative) than the archive's usual day.

Kind ``volume_change`` (subject ``rise`` or ``fall``), one per change of level:

* **How.** The series at the analysis bin is taken as log(posts + 1), so that a change is a
  ratio whatever the volume. The archive's partly covered first and last bins take their
  neighbour's value (a bin the collection only half saw is not a change). When the archive
  covers ``seasonal_min_days`` whole days its daily rhythm is removed first
  (:func:`app.core.analysis.rhythm.profile`). Levels are found by exact segmentation
  (:func:`app.core.analysis.changepoints.mean_shift`, a penalty of ``volume_penalty`` x the
  noise variance x log(bins), segments of at least ``volume_min_bins``); neighbouring levels
  whose geometric means differ by less than ``volume_min_ratio`` are merged, weakest first.
  Inner levels both short (two hours or ``volume_min_bins``) and thin (fewer than
  ``volume_thin_base_posts`` posts) are merged away: a lull of a post or none for an hour or
  two is noise at night, or a pause of the collection, which coverage reports as a gap.
  A change is kept when its busier side averages ``volume_min_posts`` posts a bin, its raw
  rates move the same way as its levels, and it is not explained by the daily rhythm: it
  must be ``rhythm_min_excess`` times the change at the same clock hours on another day the
  archive covers (:func:`app.core.analysis.rhythm.same_time`).
* **Figures.** ``posts_before``, ``posts_after`` (posts in each level's range, clipped to the
  archive's first and last post: a baseline is only ever what the archive holds);
  ``rate_before``, ``rate_after`` (posts an hour over those ranges); ``ratio`` (rate_after /
  rate_before; unknown when nothing came before); ``duration_before``, ``duration_after``
  (seconds); ``posts_first_bin`` (posts in the first bin of the new level). When the same
  hours of another day were compared: ``usual_before``, ``usual_after`` (that day's posts in
  the same windows, six hours at most each side; the windows before and after need not be as
  long), ``usual_rate_before``, ``usual_rate_after`` and ``usual_ratio`` (of the rates),
  ``usual_duration_before``, ``usual_duration_after`` (seconds: the same clock hours last an
  hour more or less across a change of clocks); and
  the change's own posts in those windows, ``same_hours_before``, ``same_hours_after``
  (clipped to the archive) with their rates ``same_hours_rate_before``,
  ``same_hours_rate_after`` and lengths ``same_hours_duration_before``,
  ``same_hours_duration_after`` (seconds).
* **Detail.** ``direction`` (``rise``/``fall``); ``shape``: ``step``, or ``gradual`` when the
  climb took at least four bins and two hours (then ``time`` is where it began and ``end``
  where it reached the new level; ``change_at``, a figure, is the change point itself);
  ``bin_seconds``; ``rhythm``: ``removed`` (a daily profile was subtracted), ``compared``
  (checked against ``reference_day``, -1 the day before, 1 the day after, ...),
  ``whole_days`` (bins of a day or more: each holds whole days, so the daily rhythm cannot
  make the change) or ``unchecked`` (no other day covers those hours); ``reference_day``.
* **Flags.** ``thin_base``: the quieter side holds fewer than ``volume_thin_base_posts``
  posts, so its ratio rests on a handful (say "from 4 posts in the 5 days before to ...");
  ``rhythm_unchecked``: the archive cannot tell it from the daily rhythm;
  ``collection_start`` / ``collection_end`` / ``collection_gap``: it sits where the
  collection may have begun, stopped or paused (:mod:`app.core.analysis.coverage`).
* **Posts and accounts.** The posts most retweeted or quoted in the new level's first hour
  and their authors (or, when nothing was shared, the accounts that posted most then).

Kind ``busy_day`` (subject the local date, ``2021-10-08``), one per whole local day unusually
busy or negative against the archive's other whole days (at least ``busy_day_min_days`` of
them): posts (or negative posts) at least ``busy_day_min_ratio`` times the other days' median
and ``busy_day_min_z`` robust standard deviations (of the log) above it. A day already
holding a rise of volume is that rise, not a busy day of its own.

* **Figures.** ``posts`` (that day), ``usual_posts`` (median of the other whole days),
  ``ratio`` (posts / usual_posts); ``negative``, ``usual_negative``, ``negative_ratio`` (the
  same for negative posts; only when the archive is scored); ``scored``, ``negative_share``.
  Days are local days the collection covers (95% of them at least; the near-empty stretch
  before or after a collection is not a usual day).
* **Detail.** ``day`` (ISO date), ``unusual``: a tuple of ``posts`` and/or ``negative``;
  ``days_compared``: how many other whole days.
* **Flags.** ``collection_gap`` (a day holding a gap); ``thin_base`` (a usual day holds
  fewer than ``volume_thin_base_posts`` posts).

Scores (0..1, as every detector's): a change grows with the log of its ratio (full at x100)
and with how near its busier side comes to the archive's busiest level (a fall counts 0.6 of
a rise; a thin base halves it at worst); a busy day 0.3 + 0.5 x log10 of its ratio.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from app.core.analysis import changepoints, measure, rhythm
from app.core.analysis.context import Context
from app.core.analysis.coverage import measure_coverage
from app.core.model import Figure, Finding, PostRef
from app.core.store import series_sql

HOUR = 3600
#: a day counts as whole when the collection covers this share of it (an archive opening at
#: 00:03 covers its first day)
WHOLE_DAY = 0.95


@dataclass(frozen=True)
class Levels:
    """The volume's levels: bin boundaries (0 and n included), each level's mean of the
    analysed log series and its mean posts per bin, and the series analysed."""

    bounds: list[int]
    z: np.ndarray
    means: list[float]
    per_bin: list[float]
    rhythm: rhythm.Rhythm | None


def levels(ctx: Context) -> Levels:
    """The volume's levels (computed once per context; peaks read them too)."""
    if "levels" not in ctx.memo:
        ctx.memo["levels"] = _levels(ctx)
    return ctx.memo["levels"]


def _levels(ctx: Context) -> Levels:
    s, cfg = ctx.series, ctx.settings
    counts = s.total.astype(np.float64)
    n = len(counts)
    y = np.log1p(counts)
    span = measure.Span(ctx.start, ctx.last)
    if n >= 2:
        # a bin the collection only partly saw takes its neighbour's value
        if float(s.t[0]) < span.first:
            y[0] = y[1]
        if float(s.bin_ends[-1]) > span.end:
            y[-1] = y[-2]
    prof = rhythm.profile(s, ctx.zone, cfg.seasonal_min_days)
    z = y - prof.deviation() if prof is not None else y
    bounds = [0, n]
    if n >= 2 * cfg.volume_min_bins:
        sigma = changepoints.noise_sigma(z)
        beta = cfg.volume_penalty * sigma**2 * math.log(max(n, 2))
        cps = changepoints.mean_shift(z, beta, max(1, cfg.volume_min_bins))
        bounds = merge_levels([0, *cps, n], z, math.log(cfg.volume_min_ratio))
        bounds = _drop_blips(
            bounds, z, counts, max(cfg.volume_min_bins, round(2 * HOUR / s.bin_seconds)), cfg
        )
    means = [float(z[a:b].mean()) for a, b in itertools.pairwise(bounds)] if n else []
    per_bin = [float(counts[a:b].mean()) for a, b in itertools.pairwise(bounds)] if n else []
    return Levels(bounds, z, means, per_bin, prof)


def merge_levels(bounds: list[int], z: np.ndarray, min_delta: float) -> list[int]:
    """Drop, weakest first, the change points whose neighbouring levels differ by less than
    ``min_delta``."""
    bounds = list(bounds)
    while len(bounds) > 2:
        means = [float(z[a:b].mean()) for a, b in itertools.pairwise(bounds)]
        deltas = [abs(means[j] - means[j - 1]) for j in range(1, len(means))]
        j = int(np.argmin(deltas))
        if deltas[j] >= min_delta:
            break
        del bounds[j + 1]
    return bounds


def _drop_blips(bounds: list[int], z: np.ndarray, counts: np.ndarray, short: int, cfg) -> list[int]:
    """Merge away inner levels that are both short (at most ``short`` bins) and thin (fewer
    than ``volume_thin_base_posts`` posts): a lull of an hour or two with a post or none is
    Poisson noise at night, or a pause of the collection (a gap, which coverage reports), not
    a change of level. The archive's first and last levels are kept (flagged at the edges)."""
    bounds = list(bounds)
    changed = True
    while changed and len(bounds) > 3:
        changed = False
        for j in range(1, len(bounds) - 2):
            a, b = bounds[j], bounds[j + 1]
            if b - a <= short and counts[a:b].sum() < cfg.volume_thin_base_posts:
                left = abs(float(z[a:b].mean()) - float(z[bounds[j - 1] : a].mean()))
                right = abs(float(z[a:b].mean()) - float(z[b : bounds[j + 2]].mean()))
                del bounds[j if left <= right else j + 1]
                changed = True
                break
    return merge_levels(bounds, z, math.log(cfg.volume_min_ratio))


def find(ctx: Context) -> list[Finding]:
    changes = find_changes(ctx)
    return changes + find_busy_days(ctx, changes)


# ---- changes of level -----------------------------------------------------------------------


def find_changes(ctx: Context) -> list[Finding]:
    s, cfg = ctx.series, ctx.settings
    if len(s) == 0 or float(s.total.sum()) == 0:
        return []
    lv = levels(ctx)
    top = max(lv.per_bin)
    out = []
    for j in range(1, len(lv.bounds) - 1):
        a, b, c = lv.bounds[j - 1], lv.bounds[j], lv.bounds[j + 1]
        if max(lv.per_bin[j - 1], lv.per_bin[j]) < cfg.volume_min_posts:
            continue
        found = _change(ctx, lv, a, b, c, lv.means[j] > lv.means[j - 1], top)
        if found is not None:
            out.append(found)
    return out


def _change(ctx: Context, lv: Levels, a: int, b: int, c: int, rise: bool, top: float) -> Finding | None:
    s, cfg = ctx.series, ctx.settings
    span = measure.Span(ctx.start, ctx.last)
    t, ends = s.t, s.bin_ends
    b0, b1 = span.clip(float(t[a]), float(t[b]))
    a0, a1 = span.clip(float(t[b]), float(ends[c - 1]))
    before = measure.posts(measure.sum_bins(s.total, a, b), b0, b1)
    after = measure.posts(measure.sum_bins(s.total, b, c), a0, a1)
    rate_before, rate_after = measure.rate(before), measure.rate(after)
    if not (rate_before.known and rate_after.known):
        return None
    rb, ra = float(rate_before.value), float(rate_after.value)  # type: ignore[arg-type]
    if (ra > rb) != rise or ra == rb:
        return None  # the rhythm-free levels and the raw rates disagree: no plain statement
    figures: dict[str, Figure] = {
        "posts_before": before,
        "posts_after": after,
        "rate_before": rate_before,
        "rate_after": rate_after,
        "ratio": measure.ratio(rate_after, rate_before),
        "duration_before": measure.duration(b0, b1),
        "duration_after": measure.duration(a0, a1),
        "posts_first_bin": measure.posts(float(s.total[b]), float(t[b]), float(ends[b])),
    }
    detail: dict = {"direction": "rise" if rise else "fall", "bin_seconds": ctx.bin}
    flags: set[str] = set()
    same = rhythm.same_time(s, ctx.zone, span, (a, b), (b, c))
    if same is not None:
        excess = same.excess if rise else -same.excess
        if excess < math.log(cfg.rhythm_min_excess):
            return None  # the same hours of another day moved as much: the daily rhythm
        figures.update(
            usual_before=same.before,
            usual_after=same.after,
            usual_ratio=same.ratio,
            usual_rate_before=measure.rate(same.before),
            usual_rate_after=measure.rate(same.after),
            same_hours_before=same.today_before,
            same_hours_after=same.today_after,
            same_hours_rate_before=measure.rate(same.today_before),
            same_hours_rate_after=measure.rate(same.today_after),
            # the same clock hours need not last as long on both days (a change of clocks)
            usual_duration_before=_length(same.before),
            usual_duration_after=_length(same.after),
            same_hours_duration_before=_length(same.today_before),
            same_hours_duration_after=_length(same.today_after),
        )
        detail.update(
            rhythm="removed" if lv.rhythm is not None else "compared", reference_day=same.offset_days
        )
    elif lv.rhythm is not None:
        detail["rhythm"] = "removed"
    elif ctx.bin >= rhythm.DAY:
        # whole days in every bin: no daily rhythm to tell it from (the caveat "no other day
        # covers these hours" was printed of an archive of 861 days binned by 3 days)
        detail["rhythm"] = "whole_days"
    else:
        detail["rhythm"] = "unchecked"
        flags.add("rhythm_unchecked")
    start, end = _transition(lv, a, b, c, rise)
    gradual = end - start >= 4 and float(t[min(end, len(t) - 1)] - t[start]) >= 2 * HOUR
    when = float(t[start]) if gradual else float(t[b])
    until = float(ends[end]) if gradual else None
    detail["shape"] = "gradual" if gradual else "step"
    if gradual:
        figures["change_at"] = measure.moment(float(t[b]), "volume change point")
    thin = min(float(before.value or 0), float(after.value or 0))
    if thin < cfg.volume_thin_base_posts:
        flags.add("thin_base")
    flags |= measure_coverage(ctx).flags(when, 2 * ctx.bin, until)
    # strength: the log of the ratio (half a post added to each side so that none before is
    # not infinite) and how near the busier side comes to the busiest level
    smooth = ((float(after.value or 0) + 0.5) / max(measure.hours(a0, a1), 1e-9)) / (
        (float(before.value or 0) + 0.5) / max(measure.hours(b0, b1), 1e-9)
    )
    effect = min(1.0, abs(math.log(smooth)) / math.log(100))
    prominence = (max(lv.per_bin[lv.bounds.index(b) - 1], lv.per_bin[lv.bounds.index(b)]) / top) ** 0.25
    score = math.sqrt(effect * prominence) * (1.0 if rise else 0.6)
    if "thin_base" in flags:
        score *= 0.5 + 0.5 * min(1.0, thin / cfg.volume_thin_base_posts)
    posts, accounts = carriers(ctx, float(t[b]), float(t[b]) + max(ctx.bin, HOUR))
    return Finding(
        kind="volume_change",
        time=when,
        end=until,
        score=_clip(score),
        subject=detail["direction"],
        figures=figures,
        posts=posts,
        accounts=accounts,
        detail=detail,
        flags=frozenset(flags),
    )


def _length(count: Figure) -> Figure:
    """The length of a posts Figure's range, in seconds."""
    src = count.source
    assert src is not None
    return measure.duration(src.get("start"), src.get("end"))


def _transition(lv: Levels, a: int, b: int, c: int, rise: bool) -> tuple[int, int]:
    """The bins where the series left its old level and reached its new one: from the last
    bin before the change still within a quarter of the way from the old level (going back no
    further than the old level's start) to the first bin after it within a quarter of the
    new one."""
    z = lv.z
    lo_level, hi_level = float(z[a:b].mean()), float(z[b:c].mean())
    step = hi_level - lo_level
    sign = 1.0 if step > 0 else -1.0
    start = b - 1
    while start > a and (z[start] - lo_level) * sign > 0.25 * abs(step):
        start -= 1
    end = b
    while end < c - 1 and (hi_level - z[end]) * sign > 0.25 * abs(step):
        end += 1
    return max(start, a), end


def carriers(ctx: Context, a: float, b: float, limit: int = 5) -> tuple[tuple[PostRef, ...], tuple[str, ...]]:
    """The posts most shared in [a, b) and their authors, or, when nothing was shared, the
    first posts of the accounts that posted most there."""
    shared = series_sql.most_shared(ctx.con, a, b, limit)
    if shared:
        return (
            tuple(PostRef(p.platform, p.post_id) for p in shared),
            tuple(_unique(p.author for p in shared if p.author)),
        )
    active = series_sql.most_active(ctx.con, a, b, limit)
    return tuple(PostRef(p.platform, p.post_id) for p in active), tuple(_unique(p.author for p in active))


# ---- busy days ------------------------------------------------------------------------------


def find_busy_days(ctx: Context, changes: list[Finding]) -> list[Finding]:
    cfg = ctx.settings
    days = ctx.series_at(86400)
    span = measure.Span(ctx.start, ctx.last)
    # only the days the collection covered: not the near-empty stretch before (after) it
    cov = measure_coverage(ctx)
    lo = cov.start.time if cov.start is not None and cov.start.reason == "thin_lead" else span.first
    hi = cov.end.time if cov.end is not None and cov.end.reason == "thin_tail" else span.end
    t = np.append(days.t, days.last_end)
    covered = (np.minimum(t[1:], hi) - np.maximum(t[:-1], lo)) / np.diff(t)
    whole = np.flatnonzero(covered >= WHOLE_DAY)
    if len(whole) < cfg.busy_day_min_days + 1:
        return []
    total = days.total.astype(np.float64)
    scored = days.scored.astype(np.float64)
    negative = np.rint(np.nan_to_num(days.neg_share) * scored)
    has_scores = bool(scored[whole].sum() > 0)
    rises = [f.time for f in changes if f.subject == "rise"]
    # each day is compared with every other whole day; the usual day without it first, for all
    # days at once, so that an archive spanning years stays quick (only days clearly above it
    # are looked at closer)
    usual_posts = medians_without_each(total[whole])
    usual_negative = medians_without_each(negative[whole]) if has_scores else usual_posts
    out = []
    for j, i in enumerate(whole):
        posts_above = _above(total[i], usual_posts[j], cfg, 1.0)
        negative_above = has_scores and _above(negative[i], usual_negative[j], cfg, cfg.busy_day_min_negative)
        if not (posts_above or negative_above):
            continue
        others = np.delete(whole, j)
        unusual = []
        if posts_above and _unusual(total[i], total[others], cfg, 1.0):
            unusual.append("posts")
        if negative_above and _unusual(negative[i], negative[others], cfg, cfg.busy_day_min_negative):
            unusual.append("negative")
        if not unusual:
            continue
        a, b = float(t[i]), float(t[i + 1])
        if any(a <= r < b for r in rises):
            continue  # the day's rise says it
        out.append(_busy_day(ctx, days, t, int(i), others, unusual, has_scores, total, negative, scored))
    return out


def medians_without_each(values: np.ndarray) -> np.ndarray:
    """For each position i, the median of all the other values (NaN where there are none):
    one sort for all of them, instead of a median per position."""
    n = len(values)
    if n < 2:
        return np.full(n, np.nan)
    order = np.argsort(values, kind="stable")
    s = np.asarray(values, dtype=np.float64)[order]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    m = n - 1  # how many values remain without the one left out

    def remaining(k: int) -> np.ndarray:
        # the k-th smallest of the values without the one at each rank
        return np.where(k < rank, s[k], s[min(k + 1, n - 1)])

    if m % 2:
        return remaining(m // 2)
    return (remaining(m // 2 - 1) + remaining(m // 2)) / 2


def _above(x: float, usual: float, cfg, minimum: float) -> bool:
    """The first tests of :func:`_unusual`, given the usual day's value."""
    return bool(x >= minimum and not math.isnan(usual) and x >= cfg.busy_day_min_ratio * max(usual, 1.0))


def _unusual(x: float, others: np.ndarray, cfg, minimum: float) -> bool:
    if not len(others) or not _above(x, float(np.median(others)), cfg, minimum):
        return False
    logs = np.log1p(others)
    spread = 1.4826 * float(np.median(np.abs(logs - np.median(logs))))
    z = (math.log1p(x) - float(np.median(logs))) / max(spread, 0.1)
    return z >= cfg.busy_day_min_z


def _busy_day(ctx, days, t, i, others, unusual, has_scores, total, negative, scored) -> Finding:
    a, b = float(t[i]), float(t[i + 1])
    posts = measure.posts(total[i], a, b)
    usual = measure.median(
        [measure.posts(total[k], float(t[k]), float(t[k + 1])) for k in others], noun="post"
    )
    figures: dict[str, Figure] = {"posts": posts, "usual_posts": usual, "ratio": measure.ratio(posts, usual)}
    ratios = [float(figures["ratio"].value or 1.0)]
    if has_scores:
        neg = measure.of_class(negative[i], a, b)
        usual_neg = measure.median(
            [measure.of_class(negative[k], float(t[k]), float(t[k + 1])) for k in others],
            noun="negative post",
        )
        sc = measure.scored(scored[i], a, b)
        figures.update(
            negative=neg,
            usual_negative=usual_neg,
            negative_ratio=measure.ratio(neg, usual_neg),
            scored=sc,
            negative_share=measure.share(neg, sc),
        )
        if "negative" in unusual and figures["negative_ratio"].known:
            ratios.append(float(figures["negative_ratio"].value))  # type: ignore[arg-type]
    day = datetime.fromtimestamp(a, ctx.zone).date().isoformat()
    score = 0.3 + 0.5 * min(1.0, math.log10(max(*ratios, 1.0)))
    flags = set(measure_coverage(ctx).flags(a, 0.0, b) - {"collection_start", "collection_end"})
    if float(usual.value or 0) < ctx.settings.volume_thin_base_posts:
        flags.add("thin_base")
    inside = np.flatnonzero((ctx.series.t >= a) & (ctx.series.t < b))
    busiest = float(ctx.series.t[inside[int(np.argmax(ctx.series.total[inside]))]]) if len(inside) else a
    # the day's busiest bin, within the day: a bin of several days (a sparse archive's) would
    # name accounts that posted on the days after it (review 3: bsky's 13 March)
    posts_refs, accounts = carriers(ctx, max(busiest, a), min(busiest + max(ctx.bin, HOUR), b))
    return Finding(
        kind="busy_day",
        time=a,
        end=b,
        score=_clip(score),
        subject=day,
        figures=figures,
        posts=posts_refs,
        accounts=accounts,
        detail={"day": day, "unusual": tuple(unusual), "days_compared": len(others)},
        flags=frozenset(flags),
    )


def _unique(items) -> list:
    seen, out = set(), []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def _clip(x: float) -> float:
    return float(min(1.0, max(0.0, x)))
