"""The early-warning rule replayed: when would a simple alert first have fired, and if it
never did, whether it could have.

The rule and its evaluation bin by bin are :mod:`app.core.early_warning`'s
(:class:`~app.core.early_warning.AlertRule`, :func:`~app.core.early_warning.evaluate`: the
negative share and volume of the last ``window_hours`` against the trailing
``baseline_hours``, once ``min_history_hours`` of archive have passed). This module turns the
replay into facts: :func:`replay` returns a :class:`Replay` whatever happened, and
:func:`find` the finding when the rule fired.

Outcomes (``Replay.outcome``):

* ``fired``: ``Replay.finding`` is the ``early_warning`` finding below.
* ``could_not_fire``, ``reason``:
  ``unscored``: no post has a sentiment score;
  ``history``: the archive never held the history the rule needs before its peak (and it
  never fired after it either); figures ``history_needed`` (seconds, the rule's) and
  ``history_available`` (seconds from the first post to the peak bin), ``peak_time``,
  ``rule_baseline_hours`` (the rule's baseline, seconds: the history is shorter when the
  archive is shorter than four baselines);
  ``few_posts``: no window with enough history ever held the rule's ``min_posts`` scored
  posts; figures ``min_posts`` (the rule's), ``most_scored`` (the most one window held,
  with that window's range), ``window`` (the window's length, seconds) and ``bin`` (the
  series' bin, seconds: the windows checked start on its fixed bins).
* ``never_fired``: it could have, and did not; figures ``hours_checked`` (seconds, from the
  first bin with enough history to the archive's end), ``peak_time``.

Kind ``early_warning`` (subject ``alert``), when it fired:

* **Figures.** ``window`` (the window's length, seconds); ``negative``, ``scored``, ``share``
  (negative / scored in the alert's window);
  ``posts`` (all posts in the window) and ``window_rate`` (an hour); ``baseline_negative``,
  ``baseline_scored``, ``baseline_share``, ``baseline_posts``, ``baseline_rate`` over the
  baseline the archive really held before the window (its Source's range: clipped to the
  first post, so never a nominal day the archive does not cover); ``baseline_duration``
  (seconds); ``volume_ratio`` (window_rate / baseline_rate); ``peak_time`` and
  ``peak_posts`` (the busiest bin at the rule's bin); ``lead`` (seconds from the alert to
  the peak, negative when after it); the rule's thresholds ``rule_neg_points`` (share),
  ``rule_volume_factor`` (ratio), ``rule_min_posts``, ``rule_baseline_hours`` (seconds).
* **Detail.** ``bin_seconds``, ``window_seconds``, ``z`` (the two-proportion z, 2 decimals:
  not a figure to print), ``rule``: the rule's fields.
* **Flags.** ``thin_evidence``: fewer than ``alert_min_negative`` negative posts behind it
  ("2 negative posts of 10"); ``short_baseline``: the baseline the archive held is shorter
  than the rule's; ``after_peak`` / ``at_peak``; ``collection_start`` etc. (coverage).

``time`` is the moment it fired: the end of the bin whose posts first made the rule hold
(the end of its window, clipped to the last post), and ``lead`` is counted from that same
moment, so the time shown and the lead time agree; ``end`` is None. The window is
``window_start``/``window_end`` in ``detail`` and its length the figure ``window`` (what the
rule really looked at: one bin when bins are longer than the rule's window). Score: 0.9 when it came before the peak, 0.5 otherwise, times the square root of
min(1, negative posts / twice ``alert_min_negative``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from app.core import early_warning as rule_module
from app.core.analysis import measure
from app.core.analysis.context import Context
from app.core.analysis.coverage import measure_coverage
from app.core.model import Figure, Finding, PostRef, Source
from app.core.store import series_sql


@dataclass(frozen=True)
class Replay:
    """What replaying the rule found (see the module's notes)."""

    outcome: str
    reason: str = ""
    figures: Mapping[str, Figure] = field(default_factory=dict, compare=False)
    finding: Finding | None = None


def find(ctx: Context) -> list[Finding]:
    r = replay(ctx)
    return [r.finding] if r.finding is not None else []


def replay(ctx: Context) -> Replay:
    """The rule replayed over the context's archive (computed once per context)."""
    if "alert_replay" not in ctx.memo:
        ctx.memo["alert_replay"] = _replay(ctx)
    return ctx.memo["alert_replay"]


def _replay(ctx: Context) -> Replay:
    rule = ctx.settings.alert
    width = int(rule.bin_seconds or ctx.bin)
    s = ctx.series if width == ctx.bin else ctx.series_at(width)
    span = measure.Span(ctx.start, ctx.last)
    if not len(s) or float(s.scored.sum()) == 0:
        return Replay("could_not_fire", "unscored")
    q = rule_module.evaluate(s, rule)
    n = len(s)
    history = _history_bins(s, rule)
    peak = int(np.argmax(s.total))
    whole = {"bin_seconds": width, "tz": ctx.tz, "start": span.first, "end": span.end}
    # the busiest bin as the archive covers it (a first bin starts at the first post)
    peak_time = Figure(max(float(s.t[peak]), span.first), "time", source=Source.of("bin_start", **whole))
    peak_posts = Figure(int(s.total[peak]), "count", "post", source=Source.of("bin_max", **whole))
    hits = np.flatnonzero(q["fires"])
    if len(hits):
        return Replay("fired", figures={}, finding=_alert(ctx, s, q, int(hits[0]), peak_time, peak_posts))
    needed = measure.setting(history * width, "seconds")
    if peak < history:
        available = Figure(
            float(peak_time.value) - ctx.start,  # type: ignore[arg-type]
            "seconds",
            source=Source.of("difference", a=peak_time.source, b=Source.of("first_post")),
        )
        return Replay(
            "could_not_fire",
            "history",
            {
                "history_needed": needed,
                "history_available": available,
                "peak_time": peak_time,
                "rule_baseline_hours": measure.setting(rule.baseline_hours * 3600, "seconds"),
            },
        )
    j = history + int(np.argmax(q["scored"][history:]))
    if float(q["scored"][j]) < rule.min_posts:
        win = rule_module.window_bins(rule, width)
        lo, hi = span.clip(float(s.t[max(0, j - win + 1)]), float(s.bin_ends[j]))
        return Replay(
            "could_not_fire",
            "few_posts",
            {
                "min_posts": measure.setting(rule.min_posts, "count", "scored post"),
                "most_scored": measure.scored(float(q["scored"][j]), lo, hi),
                # the window the rule really used: one bin when bins are longer than its hours
                "window": measure.setting(win * width, "seconds"),
                # its windows start on the series' fixed bins: another stretch as long may
                # hold more (review N5: "no window of 3 days" while 30 Mar-1 Apr held 7)
                "bin": measure.setting(width, "seconds"),
            },
        )
    checked = measure.duration(float(s.t[min(history, n - 1)]), span.end)
    return Replay("never_fired", "", {"hours_checked": checked, "peak_time": peak_time})


def _history_bins(s, rule) -> int:
    if rule.min_history_hours is not None:
        hours = rule.min_history_hours
    else:
        span_hours = (s.last_end - s.t[0]) / 3600 if len(s) else 0.0
        hours = min(rule.baseline_hours, span_hours / 4)
    return math.ceil(hours * 3600 / int(s.bin_seconds))


def _alert(ctx: Context, s, q, i: int, peak_time: Figure, peak_posts: Figure) -> Finding:
    cfg, rule = ctx.settings, ctx.settings.alert
    width = int(s.bin_seconds)
    span = measure.Span(ctx.start, ctx.last)
    win = rule_module.window_bins(rule, width)
    back = max(1, round(rule.baseline_hours * 3600 / width))
    w_lo = max(0, i - win + 1)
    b_lo = max(0, w_lo - back)
    ends = s.bin_ends
    neg = np.rint(np.nan_to_num(s.neg_share) * s.scored)
    w0, w1 = span.clip(float(s.t[w_lo]), float(ends[i]))
    b0, b1 = span.clip(float(s.t[b_lo]), float(s.t[w_lo]))
    negative = measure.of_class(measure.sum_bins(neg, w_lo, i + 1), w0, w1)
    scored = measure.scored(measure.sum_bins(s.scored, w_lo, i + 1), w0, w1)
    posts = measure.posts(measure.sum_bins(s.total, w_lo, i + 1), w0, w1)
    b_neg = measure.of_class(measure.sum_bins(neg, b_lo, w_lo), b0, b1)
    b_scored = measure.scored(measure.sum_bins(s.scored, b_lo, w_lo), b0, b1)
    b_posts = measure.posts(measure.sum_bins(s.total, b_lo, w_lo), b0, b1)
    window_rate, baseline_rate = measure.rate(posts), measure.rate(b_posts)
    # it fires when the window's posts are in: the end of its window. The lead is counted
    # from that moment too, so the time shown and the lead agree (#4: "fired 2:00 am ... the
    # peak came 30 minutes later" counted from the window's start, 15 minutes earlier)
    t = w1
    lead = float(peak_time.value) - t  # type: ignore[arg-type]
    figures = {
        "window": measure.duration(w0, w1),
        "negative": negative,
        "scored": scored,
        "share": measure.share(negative, scored),
        "posts": posts,
        "window_rate": window_rate,
        "baseline_negative": b_neg,
        "baseline_scored": b_scored,
        "baseline_share": measure.share(b_neg, b_scored),
        "baseline_posts": b_posts,
        "baseline_rate": baseline_rate,
        "baseline_duration": measure.duration(b0, b1),
        "volume_ratio": measure.ratio(window_rate, baseline_rate),
        "peak_time": peak_time,
        "peak_posts": peak_posts,
        "lead": Figure(
            lead,
            "seconds",
            source=Source.of("difference", a=peak_time.source, b=Source.of("constant", value=t)),
        ),
        "rule_neg_points": measure.setting(rule.neg_points, "share"),
        "rule_volume_factor": measure.setting(rule.volume_factor, "ratio"),
        "rule_min_posts": measure.setting(rule.min_posts, "count", "scored post"),
        "rule_baseline_hours": measure.setting(rule.baseline_hours * 3600, "seconds"),
    }
    flags = set(measure_coverage(ctx).flags(t, 2 * width))
    k = int(negative.value)  # type: ignore[arg-type]
    if k < cfg.alert_min_negative:
        flags.add("thin_evidence")
    if b1 - b0 < rule.baseline_hours * 3600 - 1:
        flags.add("short_baseline")
    if lead < 0:
        flags.add("after_peak")
    elif lead == 0:
        flags.add("at_peak")
    score = (0.9 if lead > 0 else 0.5) * math.sqrt(min(1.0, k / (2 * max(cfg.alert_min_negative, 1))))
    worst = series_sql.most_negative(ctx.con, w0, w1, rollups=ctx.rolled)
    return Finding(
        kind="early_warning",
        time=t,
        end=None,
        score=float(min(1.0, max(0.0, score))),
        subject="alert",
        figures=figures,
        posts=tuple(PostRef(p.platform, p.post_id) for p in worst),
        accounts=tuple(dict.fromkeys(p.author for p in worst if p.author)),
        detail={
            "bin_seconds": width,
            "window_seconds": w1 - w0,
            "window_start": w0,
            "window_end": w1,
            "z": round(float(q["z"][i]), 2),
            "rule": {k: getattr(rule, k) for k in rule.__dataclass_fields__},
        },
        flags=frozenset(flags),
    )
