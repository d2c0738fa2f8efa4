"""One finding per event, ranked by how much it matters to a post-mortem.

:func:`dedupe`: findings read off a series (:data:`SERIES_KINDS`) of the same kind and
subject within ``tolerance`` seconds are one event seen twice (the stronger is kept, with
both's posts and accounts); findings about a post or an account (any other kind) of the same
kind and subject are one (the earlier is kept).

:func:`rank` sets each finding's ``importance`` (0..1) and sorts by it, most important
first (ties: earlier first). Importance is the finding's score (its own strength, 0..1 and
comparable across kinds) times:

* **where it happened**: 0.35 + 0.65 x the square root of the activity around it, the most
  posts in one analysis bin within ``rank_context_hours`` of the finding (its period, for
  one with an end) against the archive's busiest bin. A brand's marketing post in the quiet
  days before a storm weighs a third of the same post in the storm; a signal that came
  early keeps its weight through its own score (an alert's lead, a shift's size);
* **its caveats** (:data:`FLAG_WEIGHTS`): a finding at the edge of the collection
  (``collection_start``, ``collection_end``, ``collection_gap``) counts 0.3 of itself, so
  that the summary never leads with where the archive began; one whose ratio rests on a
  thin base or whose evidence is thin (``thin_base``, ``thin_evidence``) 0.6; one the
  archive cannot tell from the daily rhythm (``rhythm_unchecked``) 0.8. Caveats multiply.

Without a context (no series at hand) the first factor is 1.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable

import numpy as np

from app.core import metrics
from app.core.analysis.context import Context
from app.core.model import Finding

#: kinds read off a binned series: two of the same kind and subject close in time are one
#: event seen twice (two posts or accounts close in time are two events)
SERIES_KINDS = frozenset({"volume_change", "sentiment_shift", "peak", "early_warning", "busy_day"})

#: how much a caveat leaves of a finding's importance
FLAG_WEIGHTS = {
    "collection_start": 0.3,
    "collection_end": 0.3,
    "collection_gap": 0.3,
    "thin_base": 0.6,
    "thin_evidence": 0.6,
    "rhythm_unchecked": 0.8,
}

#: the activity around a finding is read this many hours either side of it
CONTEXT_HOURS = 2.0


def dedupe(items: list[Finding], tolerance: float) -> list[Finding]:
    """One finding per event (see the module's notes)."""
    kept: list[Finding] = []
    for f in sorted(items, key=lambda x: (x.time, -x.score, x.key())):
        twin = None
        for i, k in enumerate(kept):
            if k.kind != f.kind or k.subject != f.subject:
                continue
            if f.kind not in SERIES_KINDS or abs(k.time - f.time) <= tolerance:
                twin = i
                break
        if twin is None:
            kept.append(f)
            continue
        k = kept[twin]
        strong, weak = (k, f) if k.score >= f.score else (f, k)
        if f.kind not in SERIES_KINDS:
            strong, weak = k, f  # the earlier post or entry of an account is the event
        kept[twin] = dataclasses.replace(
            strong,
            posts=tuple(dict.fromkeys(strong.posts + weak.posts)),
            accounts=tuple(dict.fromkeys(strong.accounts + weak.accounts)),
        )
    return kept


def importance(f: Finding, activity: float = 1.0) -> float:
    """The importance of ``f`` given the activity around it (0..1, see the module's notes)."""
    weight = 0.35 + 0.65 * float(np.sqrt(min(max(activity, 0.0), 1.0)))
    for flag in f.flags:
        weight *= FLAG_WEIGHTS.get(flag, 1.0)
    return float(min(1.0, max(0.0, f.score * weight)))


def activity_of(s: metrics.Series) -> Callable[[float, float | None], float]:
    """The activity around [t, end] in the series ``s``: the most posts in one bin within
    ``CONTEXT_HOURS`` of it, against the busiest bin. What every call shares is computed once
    (a brand that posts thousands of times makes thousands of findings to rank)."""
    if not len(s):
        return lambda t, end: 0.0
    top = float(s.total.max())
    if top <= 0:
        return lambda t, end: 0.0
    reach = CONTEXT_HOURS * 3600
    # a series' bins follow each other in time: those near [t, end] are one run of them,
    # found by bisection (15k findings of a busy brand: a mask over every bin each took most
    # of the ranking)
    end_list, start_list, totals = s.bin_ends.tolist(), s.t.tolist(), s.total.tolist()

    def of(t: float, end: float | None) -> float:
        lo = bisect.bisect_right(end_list, t - reach)
        hi = bisect.bisect_right(start_list, (end if end is not None else t) + reach)
        return float(max(totals[lo:hi])) / top if lo < hi else 0.0

    return of


def rank(found: list[Finding], ctx: Context | None = None) -> list[Finding]:
    """``found`` with their importance set, most important first."""
    around = activity_of(ctx.series) if ctx else (lambda t, end: 1.0)
    out = [_with_importance(f, importance(f, around(f.time, f.end))) for f in found]
    return sorted(out, key=lambda f: (-f.importance, f.time, f.key()))


def _with_importance(f: Finding, value: float) -> Finding:
    """``f`` with its importance set: a copy of its fields (``dataclasses.replace`` runs
    ``__init__`` again: 15k findings, 47 ms against 7)."""
    g = object.__new__(Finding)
    for name in _FINDING_FIELDS:
        object.__setattr__(g, name, getattr(f, name))
    object.__setattr__(g, "importance", value)
    return g


_FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(Finding) if f.name != "importance")
