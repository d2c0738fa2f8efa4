"""Peaks: the busiest period of the archive, the peak of every other wave, and the most
negative period.

Kind ``peak``, subject its ``role``:

* ``volume``: the busiest bin at the analysis bin, extended over the neighbouring bins that
  stay within ``peak_period_share`` of it (the period). Always found when there are posts.
* ``wave``: the busiest bin of every other volume level that stands above both its
  neighbours and at least ``volume_min_ratio`` above the quietest level (levels from
  :func:`app.core.analysis.volume.levels`), holding at least ``volume_min_posts`` posts.
* ``negative``: the bin with the most negative posts (VADER class), looked for at the
  analysis bin and then at the coarser ``peak_scales`` (six hours, a day): the finest scale
  whose worst bin holds ``peak_min_posts`` scored posts is used, so that an archive of a
  dozen posts an hour still has a most negative day. None when nothing is scored.

Figures (all roles): ``posts`` (posts in the peak bin; for ``volume`` its Source is
``bin_max``, the most posts in any bin), ``rate`` (``posts`` an hour), ``peak_time`` (the
peak bin's start, or the first post's time when that bin is the archive's first; its Source
is ``bin_start`` for ``volume``, a ``cut`` otherwise), ``period_posts`` and ``period_duration``
(the period's posts and seconds). ``wave`` adds ``share_of_busiest`` (its peak bin against
the busiest bin's posts, a ratio). ``negative`` adds ``negative`` (negative posts in the
bin), ``scored`` and ``negative_share`` (negative / scored).

Detail: ``role``, ``bin_seconds`` (the scale the peak was measured at), ``period_bins``.
Flags: ``collection_start``/``collection_end``/``collection_gap`` when the peak sits at an
edge of the collection (an archive opening mid-storm shows its busiest hour first, and the
real peak may be earlier).

``time`` is the peak bin's start (the first post's time when that bin is the archive's first)
and ``end`` its end: the moment the label ("3,707 posts in one hour") describes, so the list,
the chart's marker and the sentence name the same hour. The period around it is in
``detail`` (``period_start``, ``period_end``) and its figures. Scores: 0.8 for the busiest period,
0.8 x the square root of its share of the busiest for a wave, 0.5 + 0.4 x min(1, negative
share / 50%) for the most negative period.
"""

from __future__ import annotations

import math

import numpy as np

from app.core import metrics
from app.core.analysis import measure, volume
from app.core.analysis.context import Context
from app.core.analysis.coverage import measure_coverage
from app.core.model import Figure, Finding, PostRef, Source
from app.core.store import series_sql


def find(ctx: Context) -> list[Finding]:
    s, cfg = ctx.series, ctx.settings
    counts = s.total.astype(np.float64)
    if not len(counts) or counts.sum() == 0:
        return []
    top = int(np.argmax(counts))
    busiest = _peak(ctx, s, counts, top, "volume", 0.8, None)
    out = [busiest]
    lv = volume.levels(ctx)
    base = min(lv.means)
    n_levels = len(lv.means)
    for j, (a, b) in enumerate(zip(lv.bounds, lv.bounds[1:], strict=False)):
        left = j == 0 or lv.means[j] > lv.means[j - 1]
        right = j == n_levels - 1 or lv.means[j] > lv.means[j + 1]
        if n_levels == 1 or not (left and right) or a <= top < b:
            continue
        if lv.means[j] - base < math.log(cfg.volume_min_ratio):
            continue
        i = a + int(np.argmax(counts[a:b]))
        if counts[i] < cfg.volume_min_posts:
            continue
        out.append(_peak(ctx, s, counts, i, "wave", 0.8 * math.sqrt(counts[i] / counts[top]), busiest))
    worst = _most_negative(ctx)
    if worst is not None:
        out.append(worst)
    return out


def _most_negative(ctx: Context) -> Finding | None:
    cfg = ctx.settings
    widths = [ctx.bin] + [w for w in cfg.peak_scales if w > ctx.bin]
    for width in widths:
        s = ctx.series if width == ctx.bin else ctx.series_at(width)
        neg = np.rint(np.nan_to_num(s.neg_share) * s.scored)
        enough = s.scored >= cfg.peak_min_posts
        if not enough.any() or neg[enough].max() <= 0:
            continue
        i = int(np.flatnonzero(enough)[np.argmax(neg[enough])])
        share = float(s.neg_share[i])
        return _peak(ctx, s, neg, i, "negative", 0.5 + 0.4 * min(1.0, share / 0.5), None)
    return None


def _peak(
    ctx: Context,
    s: metrics.Series,
    values: np.ndarray,
    i: int,
    role: str,
    score: float,
    busiest: Finding | None,
) -> Finding:
    cfg = ctx.settings
    span = measure.Span(ctx.start, ctx.last)
    lo = hi = i
    floor = cfg.peak_period_share * values[i]
    while lo > 0 and values[lo - 1] >= floor:
        lo -= 1
    while hi < len(values) - 1 and values[hi + 1] >= floor:
        hi += 1
    width = int(s.bin_seconds)
    t, ends = s.t, s.bin_ends
    a, b = float(t[i]), float(ends[i])
    posts = measure.posts(float(s.total[i]), a, b)
    # the bin as the archive covers it: a first bin starts at the first post (as documented)
    peak_time = measure.moment(max(a, span.first), f"{role} peak bin")
    if role == "volume":
        whole = {"bin_seconds": width, "tz": ctx.tz, "start": span.first, "end": span.end}
        posts = Figure(posts.value, "count", "post", source=Source.of("bin_max", **whole))
        peak_time = Figure(max(a, span.first), "time", source=Source.of("bin_start", **whole))
    p0, p1 = span.clip(float(t[lo]), float(ends[hi]))
    period = measure.posts(measure.sum_bins(s.total, lo, hi + 1), p0, p1)
    figures: dict[str, Figure] = {
        "posts": posts,
        "rate": measure.rate(measure.posts(float(s.total[i]), a, b)),
        "peak_time": peak_time,
        "period_posts": period,
        "period_duration": measure.duration(p0, p1),
    }
    if role == "wave" and busiest is not None:
        figures["share_of_busiest"] = measure.ratio(posts, busiest.figures["posts"])
    refs: tuple[PostRef, ...]
    if role == "negative":
        neg = measure.of_class(float(values[i]), a, b)
        scored = measure.scored(float(s.scored[i]), a, b)
        figures.update(negative=neg, scored=scored, negative_share=measure.share(neg, scored))
        worst = series_sql.most_negative(ctx.con, a, b, rollups=ctx.rolled)
        refs = tuple(PostRef(p.platform, p.post_id) for p in worst)
        accounts = tuple(dict.fromkeys(p.author for p in worst if p.author))
    else:
        refs, accounts = volume.carriers(ctx, a, b)
    flags = measure_coverage(ctx).flags(p0, max(width, ctx.bin), p1)
    # the finding is the peak bin the label counts, not the stretch around it (#5: "3,707
    # posts in one hour" was dated at the start of the 2-hour stretch, an hour too early)
    b0, b1 = span.clip(a, b)
    return Finding(
        kind="peak",
        time=b0,
        end=b1,
        score=float(min(1.0, max(0.0, score))),
        subject=role,
        figures=figures,
        posts=refs,
        accounts=accounts,
        detail={
            "role": role,
            "bin_seconds": width,
            "period_bins": hi - lo + 1,
            "period_start": p0,
            "period_end": p1,
        },
        flags=flags,
    )
