"""The phases of an incident and a drafted chronicle the user can edit.

Phases
------
An incident is cut into up to six phases, in this order: launch, simmer, escalation, peak,
response, aftermath. They never overlap and together cover the incident, from its first post
to its last; a phase without evidence is left out (and a phase that would hold no posts is
given to its neighbour). Boundaries fall on whole minutes, so each phase's figures are exact
sums of the per-minute series of :mod:`app.core.metrics`.

The turning points are the accepted annotations if there are any, otherwise the suggested
ones (:func:`app.core.turning_points.suggest`, less those the user dismissed). A turning
point counts by its category (a suggestion's category is its kind's, as in
:data:`app.core.annotations.KIND_CATEGORIES`). Volume is counted in hours of the workspace's
display time zone; "the busiest hour" is the hour with the most posts, and its count is M.

* **storm**: there is one if a turning point marks an escalation (category "escalation",
  except the "peak" kind, which every archive has), or if the busiest hour holds at least
  :data:`STORM_FACTOR` times the mean hour and stands out of the noise (M minus the mean is
  at least five times the square root of the mean). Without a storm there are only launch
  and simmer.
* **peak**: the run of consecutive hours around the busiest one that each hold at least
  :data:`PEAK_SHARE` of M: the highest-volume stretch.
* **escalation**: from the first sustained rise to the peak. The rise starts where the run
  of consecutive hours leading into the peak, each with at least :data:`RISE_SHARE` of M,
  starts; an escalation turning point up to :data:`SNAP_SECONDS` before that start (and
  before the peak) moves it earlier to that point, which times it to the minute.
* **launch**: from the first post to the first trigger or escalation turning point before
  the escalation (or to the escalation, if there is none).
* **simmer**: from that first trigger to the escalation.
* **response**: present when the brand acted after the escalation began (a post by one of the
  workspace's brand accounts, or a "brand response" turning point). It runs from the end of
  the peak until the aftermath, and its paragraph leads with that first action and how long
  after the escalation's start it came. An action during the escalation or the peak is told
  in that phase's paragraph.
* **aftermath**: from the first whole hour, after the peak and after the brand's first
  action, with fewer than :data:`AFTERMATH_SHARE` of M posts (with no brand action, from the
  end of the peak), to the last post.

The figures of a phase: posts; the negative share of its scored posts (VADER compound <=
-0.05); exposure (followers summed over the posts); unique audience (the followers of the
accounts whose first post of the incident falls in the phase: summed over the phases, the
incident's unique audience); the accounts that brought the most exposure, brand accounts left
out; the brand's posts; and the turning points that start in it.

The chronicle
-------------
:func:`draft` writes a short paragraph per phase in plain English with those figures and the
times in the workspace's display time zone, factual and in time order, in the manner of the
published #AskJPM chronicle. It is deterministic: the same workspace gives the same words.
The user's edits (:func:`save_edit`) are kept in ``chronicle_edits`` and win over the draft
(:func:`chronicle`).
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import numpy as np

from app.core import metrics, rollup
from app.core.annotations import Annotation, category_for, dismissed_keys, list_annotations
from app.core.errors import UserError
from app.core.store import chronicle_sql as q
from app.core.store.workspace import Workspace

PHASE_NAMES = ("launch", "simmer", "escalation", "peak", "response", "aftermath")
PHASE_TITLES = {name: name.capitalize() for name in PHASE_NAMES}

#: Hours at or above this share of the busiest hour, next to it, make the peak.
PEAK_SHARE = 0.5
#: Hours at or above this share of the busiest hour, leading into the peak, make the rise.
RISE_SHARE = 0.1
#: The aftermath starts at the first hour under this share of the busiest hour.
AFTERMATH_SHARE = 0.25
#: Without an escalation turning point, the busiest hour must hold this many mean hours.
STORM_FACTOR = 4.0
#: An escalation turning point this long before the rise seen in the hours starts it.
SNAP_SECONDS = 3 * 3600
#: Accounts named per phase.
AMPLIFIERS_SHOWN = 3
#: Turning points named per paragraph.
TURNING_POINTS_SHOWN = 4
#: Characters of a quoted post.
QUOTE_CHARS = 180

_MINUTE = 60
_HOUR = 3600


class BrandAction(NamedTuple):
    """A post by one of the brand's accounts."""

    time: float
    post_id: str
    text: str


@dataclass(frozen=True)
class Phase:
    name: str
    title: str
    start: float
    end: float
    posts: int
    negative_share: float | None
    exposure: int
    unique_audience: int
    top_amplifiers: list[metrics.Amplifier]
    brand_actions: list[BrandAction]
    turning_points: list[Any]
    #: posts with a sentiment score (the negative share's denominator)
    scored: int = 0
    #: the phase's busiest hour of the display time zone: (its start, posts in the phase in it)
    busiest_hour: tuple[float, int] | None = None


@dataclass(frozen=True)
class ChronicleParagraph:
    phase_name: str
    title: str
    text: str
    #: whether ``text`` is the user's (it is then kept when the draft changes)
    edited: bool = False
    #: the drafted text ("" when the phase is no longer in the draft)
    draft_text: str = ""
    start: float | None = None
    end: float | None = None


# ---- phases -------------------------------------------------------------------------------------


def phases(
    ws: Workspace, turning_points: Sequence[Any] | None = None, con: duckdb.DuckDBPyConnection | None = None
) -> list[Phase]:
    """The incident's phases, earliest first (see the module's notes for the rules)."""
    con = con or ws.cursor()
    span = metrics.incident_span(ws, con)
    if span is None:
        return []
    if turning_points is None:
        turning_points = default_turning_points(ws, con)
    points = sorted((_point(tp) for tp in turning_points), key=lambda p: p.time)
    brand = _brand_posts(ws, con)
    ctx = _Context.build(ws, span, con)
    cuts = _cuts(ctx, points, brand)
    return [_phase(ws, ctx, name, a, b, points, brand, con) for name, a, b in cuts]


def default_turning_points(ws: Workspace, con: duckdb.DuckDBPyConnection | None = None) -> list[Any]:
    """The accepted annotations, or if there are none the suggestions not dismissed."""
    con = con or ws.cursor()
    accepted = list_annotations(ws, con)
    if accepted:
        return accepted
    try:
        from app.core import turning_points as tp
    except ImportError:
        return []
    dismissed = dismissed_keys(ws, con)
    return [s for s in tp.suggest(ws, con=con) if s.key() not in dismissed]


@dataclass
class _Point:
    time: float
    end: float | None
    category: str
    kind: str | None
    label: str
    note: str
    obj: Any


def _point(tp: Any) -> _Point:
    if isinstance(tp, Annotation):
        kind = (tp.evidence or {}).get("kind") if isinstance(tp.evidence, dict) else None
        return _Point(tp.starts_at, tp.ends_at, tp.category, kind, tp.label, tp.note, tp)
    kind = getattr(tp, "kind", None)
    return _Point(
        float(tp.time),
        getattr(tp, "end", None),
        category_for(kind, getattr(tp, "evidence", None)),
        kind,
        getattr(tp, "label", ""),
        getattr(tp, "explanation", ""),
        tp,
    )


def _score(tp: Any) -> float:
    """How much a turning point matters for the chronicle: a suggestion's score; an
    annotation written by hand outranks every suggestion."""
    if isinstance(tp, Annotation):
        if tp.origin == "manual":
            return 2.0
        score = (tp.evidence or {}).get("score")
        return float(score) if isinstance(score, (int, float)) else 0.5
    return float(getattr(tp, "score", 0.5) or 0.0)


def _category(tp: Any) -> str:
    return _point(tp).category


@dataclass
class _BrandPost:
    time: float
    post_id: str
    text: str
    kind: str
    handle: str
    ref_handle: str | None


# The brand's posts by (workspace file, rollup stamp): the stamp changes with every import
# and with the brand handles, and finding the posts is a scan of every post (0.2 s a million),
# which phases() and draft() would otherwise each pay.
_brand_cache: OrderedDict[tuple, list[_BrandPost]] = OrderedDict()
_brand_lock = threading.Lock()


def _brand_posts(ws: Workspace, con) -> list[_BrandPost]:
    st = rollup.state(ws, con)
    handles = st.stamp["brand"]
    if not handles:
        return []
    key = (str(ws.path), st.key)
    with _brand_lock:
        hit = _brand_cache.get(key)
    if hit is not None:
        return hit
    posts = [
        _BrandPost(metrics.to_unix(t), pid, text, kind, handle, ref)
        for t, pid, text, kind, handle, ref in con.execute(q.BRAND_POSTS, [handles]).fetchall()
    ]
    with _brand_lock:
        _brand_cache[key] = posts
        while len(_brand_cache) > 4:
            _brand_cache.popitem(last=False)
    return posts


@dataclass
class _Context:
    """The incident's span and its hourly and per-minute series."""

    first: float
    last: float
    start: float
    end: float
    tz: str
    hours: metrics.Series
    minutes: metrics.Series

    @classmethod
    def build(cls, ws: Workspace, span: tuple[float, float], con) -> _Context:
        first, last = span
        start = _floor_minute(first)
        end = _floor_minute(last) + _MINUTE
        return cls(
            first,
            last,
            start,
            end,
            ws.timezone,
            metrics.binned_series(ws, start, end, _HOUR, con=con),
            metrics.binned_series(ws, start, end, _MINUTE, con=con),
        )

    def sums(self, a: float, b: float) -> dict[str, int]:
        m = self.minutes
        i, j = np.searchsorted(m.t, [a, b], side="left")
        scored = m.scored[i:j]
        neg = np.rint(np.nan_to_num(m.neg_share[i:j]) * scored)
        return {
            "posts": int(m.total[i:j].sum()),
            "scored": int(scored.sum()),
            "negative": int(neg.sum()),
            "exposure": int(m.exposure[i:j].sum()),
            "unique_audience": int(m.unique_audience[i:j].sum()),
        }

    def busiest_hour(self, a: float, b: float) -> tuple[float, int] | None:
        """The display-zone hour with the most posts within [a, b), counting only the posts
        of [a, b) in it."""
        t, counts = self.hourly_within(a, b)
        if not len(counts) or counts.max() == 0:
            return None
        k = int(np.argmax(counts))
        return float(t[k]), int(counts[k])

    def hourly_within(self, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
        """The display-zone hours overlapping [a, b) and the posts of [a, b) in each."""
        m, h = self.minutes, self.hours
        i, j = np.searchsorted(m.t, [a, b], side="left")
        if j <= i:
            return np.empty(0), np.empty(0, np.int64)
        which = np.searchsorted(h.t, m.t[i:j], side="right") - 1
        lo, hi = int(which[0]), int(which[-1]) + 1
        counts = np.bincount(which - lo, weights=m.total[i:j], minlength=hi - lo)
        return h.t[lo:hi], np.rint(counts).astype(np.int64)

    def rate_before(self, t: float, seconds: float = 86400) -> float:
        """Posts an hour over the ``seconds`` before ``t`` (within the incident)."""
        a = max(self.start, t - seconds)
        if t <= a:
            return 0.0
        return self.sums(a, t)["posts"] / ((t - a) / _HOUR)


def _cuts(ctx: _Context, points: list[_Point], brand: list[_BrandPost]) -> list[tuple[str, float, float]]:
    """(phase, start, end) in order, contiguous from the first post to the last."""
    S, E = ctx.start, ctx.end
    v = ctx.hours.total.astype(np.float64)
    ht, hend = ctx.hours.t, ctx.hours.bin_ends

    def clamp(t: float) -> float:
        return min(max(_floor_minute(t), S), E)

    k = int(np.argmax(v))
    M = float(v[k])
    mean = float(v.mean())
    storm = any(p.category == "escalation" and p.kind != "peak" for p in points) or (
        STORM_FACTOR * mean <= M and M - mean >= 5 * math.sqrt(max(mean, 1.0))
    )

    def first_trigger(before: float) -> float:
        for p in points:
            if p.category in ("trigger", "escalation") and S < p.time < before:
                return clamp(p.time)
        return before

    if not storm:
        T = first_trigger(E)
        return _tidy(ctx, [("launch", S, T), ("simmer", T, E)])

    i0 = k
    while i0 > 0 and v[i0 - 1] >= PEAK_SHARE * M:
        i0 -= 1
    i1 = k
    while i1 + 1 < len(v) and v[i1 + 1] >= PEAK_SHARE * M:
        i1 += 1
    P0, P1 = clamp(ht[i0]), clamp(hend[i1])
    j = i0
    while j > 0 and v[j - 1] >= RISE_SHARE * M:
        j -= 1
    X = clamp(ht[j])
    early = [
        p.time
        for p in points
        if p.category == "escalation" and p.kind != "peak" and X - SNAP_SECONDS <= p.time < P0
    ]
    X = clamp(min([X, *early]))
    T = first_trigger(X)

    acted = [b.time for b in brand if b.time >= X]
    acted += [p.time for p in points if p.category == "brand response" and p.time >= X]
    if acted:
        R = min(acted)
        A = E
        for t0, n in zip(ht, v, strict=False):
            # strictly after R: the response holds the brand's first action
            if t0 >= P1 and t0 > R and n < AFTERMATH_SHARE * M:
                A = clamp(t0)
                break
        A = max(A, P1)
        cuts = [
            ("launch", S, T),
            ("simmer", T, X),
            ("escalation", X, P0),
            ("peak", P0, P1),
            ("response", P1, A),
            ("aftermath", A, E),
        ]
    else:
        cuts = [
            ("launch", S, T),
            ("simmer", T, X),
            ("escalation", X, P0),
            ("peak", P0, P1),
            ("aftermath", P1, E),
        ]
    return _tidy(ctx, cuts)


def _tidy(ctx: _Context, cuts: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Drop empty spans and give a span without posts to its neighbour, so that the phases
    stay contiguous and each has posts."""
    spans: list[list[Any]] = [[n, a, b] for n, a, b in cuts if b > a]
    i = 0
    while i < len(spans) and len(spans) > 1:
        _, a, b = spans[i]
        if ctx.sums(a, b)["posts"] == 0:
            if i > 0:
                spans[i - 1][2] = b
            else:
                spans[i + 1][1] = a
            del spans[i]
            continue
        i += 1
    return [(n, a, b) for n, a, b in spans]


def _phase(
    ws: Workspace,
    ctx: _Context,
    name: str,
    a: float,
    b: float,
    points: list[_Point],
    brand: list[_BrandPost],
    con,
) -> Phase:
    s = ctx.sums(a, b)
    # turning points placed before the first post or after the last belong to the ends
    first, last = a <= ctx.start, b >= ctx.end
    amplifiers = metrics.top_amplifiers(
        ws, a, b, metrics.PostFilter(brand="exclude"), limit=AMPLIFIERS_SHOWN, con=con
    )
    return Phase(
        name=name,
        title=PHASE_TITLES[name],
        start=a,
        end=b,
        posts=s["posts"],
        negative_share=s["negative"] / s["scored"] if s["scored"] else None,
        exposure=s["exposure"],
        unique_audience=s["unique_audience"],
        top_amplifiers=amplifiers,
        brand_actions=[BrandAction(x.time, x.post_id, x.text) for x in brand if a <= x.time < b],
        turning_points=[
            p.obj for p in points if a <= p.time < b or (first and p.time < a) or (last and p.time >= b)
        ],
        scored=s["scored"],
        busiest_hour=ctx.busiest_hour(a, b),
    )


# ---- the draft ------------------------------------------------------------------------------------


def draft(
    ws: Workspace, phase_list: Sequence[Phase] | None = None, con: duckdb.DuckDBPyConnection | None = None
) -> list[ChronicleParagraph]:
    """A paragraph per phase, in plain English with its figures (see the module's notes)."""
    con = con or ws.cursor()
    if phase_list is None:
        phase_list = phases(ws, con=con)
    if not phase_list:
        return []
    span = metrics.incident_span(ws, con)
    if span is None:  # phases exist only where posts do
        return []
    ctx = _Context.build(ws, span, con)
    w = _Writer(ws, ctx, list(phase_list), _brand_posts(ws, con))
    return [
        ChronicleParagraph(p.name, p.title, w.paragraph(p), False, "", p.start, p.end) for p in phase_list
    ]


class _Writer:
    """Writes the paragraphs. Each sentence is built from figures of the phase at hand; the
    times of a paragraph go through one :class:`_Clock`, so that a day is named once."""

    def __init__(self, ws: Workspace, ctx: _Context, phase_list: list[Phase], brand: list[_BrandPost]):
        self.ctx = ctx
        self.zone = _zone(ctx.tz)
        self.phases = phase_list
        self.by_name = {p.name: p for p in phase_list}
        self.brand = brand
        self.brand_by_id = {b.post_id: b for b in brand}
        self.brand_handles = ws.brand_handles
        esc = self.by_name.get("escalation") or self.by_name.get("peak")
        self.escalation_start = esc.start if esc else None
        self.first_response = self._first_response()

    def _first_response(self) -> tuple[float, _BrandPost | None, Any] | None:
        """The brand's first action after the escalation began: (time, its post or None, the
        turning point that marks it or None)."""
        if self.escalation_start is None:
            return None
        x = self.escalation_start
        for b in self.brand:
            if b.time >= x:
                return (b.time, b, None)
        for p in self.phases:
            for tp in p.turning_points:
                pt = _point(tp)
                if pt.category == "brand response" and pt.time >= x:
                    return (pt.time, None, tp)
        return None

    def _latency(self, t: float) -> str:
        # between the minutes the reader sees: 4:00 pm to 11:26:41 pm is 7 hours 26 minutes
        assert self.escalation_start is not None, "a response is timed from the escalation"
        return _duration(_floor_minute(t) - self.escalation_start)

    def paragraph(self, p: Phase) -> str:
        clock = _Clock(self.zone, with_year=p is self.phases[0])
        sentences = [s for s in getattr(self, "_" + p.name)(p, clock) if s]
        return _punctuate(" ".join(sentences))

    # -- sentences used by several phases --
    def _figures(self, p: Phase, lead: str, explain: bool = False) -> str:
        what = " (followers summed over the posts)" if explain else ""
        return f"{lead} {_n(p.posts, 'post')}{_negative(p)}, with an exposure of {_big(p.exposure)}{what}."

    def _amplifiers(self, p: Phase) -> str:
        if not p.top_amplifiers:
            return ""
        parts = []
        for a in p.top_amplifiers:
            followers = "followers unknown" if a.followers is None else _n(a.followers, "follower")
            extra = f", retweeted {_n(a.retweets_received, 'time')}" if a.retweets_received else ""
            parts.append(f"@{a.author_handle} ({followers}{extra})")
        lead = (
            "The account that brought the most exposure was"
            if len(parts) == 1
            else "The accounts that brought the most exposure were"
        )
        return f"{lead} {_and(parts)}."

    def _brand(self, p: Phase, clock: _Clock, quiet_note: bool = True) -> str:
        if not self.brand_handles:
            return ""
        acts = [self.brand_by_id[b.post_id] for b in p.brand_actions if b.post_id in self.brand_by_id]
        if not acts:
            if not quiet_note:
                return ""
            if len(self.brand_handles) == 1:
                return f"@{self.brand_handles[0]} did not post in this phase."
            return f"None of the brand's accounts ({_handles(self.brand_handles)}) posted in this phase."
        first = acts[0]
        latency = ""
        fr = self.first_response
        if fr is not None and fr[1] is not None and fr[1].post_id == first.post_id:
            latency = f", {self._latency(first.time)} after the escalation began"
        if len(acts) == 1:
            return (
                f"@{first.handle} posted once in this phase{_kinds(acts)}, {clock.on(first.time)}"
                f"{latency}: {_quote(first.text)}."
            )
        return (
            f"@{first.handle} posted {_n(len(acts), 'time')}{_kinds(acts)} in this phase, first "
            f"{clock.on(first.time)}{latency}: {_quote(first.text)}."
        )

    def _turning_points(self, p: Phase, clock: _Clock, skip: Iterable[Any] = ()) -> str:
        """The phase's strongest turning points, in time order, less brand actions (told by
        :meth:`_brand` when the brand is known)."""
        skipped = {id(x) for x in skip}
        chosen = []
        for tp in p.turning_points:
            pt = _point(tp)
            if id(tp) in skipped or (pt.category == "brand response" and self.brand_handles):
                continue
            if pt.label.strip():
                chosen.append((pt, _score(tp)))
        if not chosen:
            return ""
        # the strongest of each kind first, so that one busy kind does not crowd out the rest
        ranked = sorted(chosen, key=lambda x: (-x[1], x[0].time))
        seen: set = set()
        first_of_kind = []
        for x in ranked:
            kind = x[0].kind or x[0].category
            if kind not in seen:
                seen.add(kind)
                first_of_kind.append(x)
        rest = [x for x in ranked if all(x is not y for y in first_of_kind)]
        shown = sorted((first_of_kind + rest)[:TURNING_POINTS_SHOWN], key=lambda x: x[0].time)
        items = [f"{clock.at(pt.time)}, {pt.label.strip().rstrip('.')}" for pt, _ in shown]
        more = len(chosen) - len(shown)
        tail = f" ({_n(more, 'more')} in the list of turning points)" if more > 0 else ""
        lead = "Turning point:" if len(items) == 1 else "Turning points:"
        return f"{lead} {'; '.join(items)}{tail}."

    # -- the phases --
    def _launch(self, p: Phase, clock: _Clock) -> list[str]:
        return [
            f"The archive opens on {clock.at(self.ctx.first)}.",
            self._brand(p, clock, quiet_note=False),
            self._figures(
                p,
                (
                    f"Until it closes on {clock.at(self.ctx.last)}"
                    if p is self.phases[-1]
                    else f"Until {clock.at(p.end)}"
                )
                + " the archive holds",
                explain=True,
            ),
            self._early_wave(p, clock),
            self._amplifiers(p),
            self._turning_points(p, clock),
        ]

    def _early_wave(self, p: Phase, clock: _Clock) -> str:
        """Before the escalation, an hour busy enough to have counted in the run-up to the
        peak (:data:`RISE_SHARE` of its busiest hour) is a wave of its own: named."""
        peak = self.by_name.get("peak")
        if peak is None or peak.busiest_hour is None or p.busiest_hour is None:
            return ""
        hour, posts = p.busiest_hour
        if posts < RISE_SHARE * peak.busiest_hour[1]:
            return ""
        return (
            f"An earlier wave peaked {clock.on(hour)}, with {_n(posts, 'post')} in the hour "
            f"({_pct(posts / peak.busiest_hour[1])} of the busiest hour's)."
        )

    def _simmer(self, p: Phase, clock: _Clock) -> list[str]:
        opener = next((tp for tp in p.turning_points if _category(tp) in ("trigger", "escalation")), None)
        out = []
        if opener is not None:
            pt = _point(opener)
            out.append(f"{_cap(clock.on(pt.time))} came the first sign of trouble: {_sentence(pt.label)}")
            if pt.note and pt.note.strip() != pt.label.strip():
                out.append(_sentence(_clip(pt.note, 300)))
        else:
            out.append(f"{_cap(clock.on(p.start))} the tone began to change.")
        until = (
            f"until the archive closes on {clock.at(self.ctx.last)}"
            if p is self.phases[-1]
            else f"until {clock.at(p.end)}"
        )
        figures = self._figures(p, f"From then {until} there were")
        launch = self.by_name.get("launch")
        if launch is not None and launch.negative_share is not None and p.negative_share is not None:
            figures = figures[:-1] + f"; the negative share was {_pct(launch.negative_share)} before."
        out += [
            figures,
            self._early_wave(p, clock),
            self._amplifiers(p),
            self._brand(p, clock),
            self._turning_points(p, clock, skip=[opener] if opener is not None else []),
        ]
        return out

    def _escalation(self, p: Phase, clock: _Clock) -> list[str]:
        first_hour = self.ctx.sums(p.start, p.start + _HOUR)["posts"]
        before = self.ctx.rate_before(p.start)
        return [
            f"{_cap(clock.on(p.start))} the pace changed: {_n(first_hour, 'post')} in the hour that "
            f"followed, against {_rate(before)} an hour over the day before.",
            self._figures(p, f"Until {clock.at(p.end)} there were"),
            self._amplifiers(p),
            self._brand(p, clock),
            self._turning_points(p, clock),
        ]

    def _peak(self, p: Phase, clock: _Clock) -> list[str]:
        hours = (p.end - p.start) / _HOUR
        first = (
            f"The busiest stretch ran from {clock.at(p.start)} to {clock.at(p.end)}: "
            f"{_n(p.posts, 'post')}, {_rate(p.posts / hours if hours else p.posts)} an hour"
        )
        if p.busiest_hour is not None:
            hour, posts = p.busiest_hour
            first += f", the most in the hour from {clock.at(hour)} ({_n(posts, 'post')})"
        out = [first + "."]
        if p.negative_share is not None:
            out.append(f"{_pct(p.negative_share)} of the scored posts were negative.")
        out.append(
            f"The exposure reached {_big(p.exposure)}, and the accounts that posted for the "
            f"first time brought a new audience of {_big(p.unique_audience)} followers."
        )
        out += [self._amplifiers(p), self._brand(p, clock), self._turning_points(p, clock)]
        return out

    def _response(self, p: Phase, clock: _Clock) -> list[str]:
        hours = (p.end - p.start) / _HOUR
        rate = _rate(p.posts / hours if hours else p.posts)
        skip: list[Any] = []
        out = [
            f"From {clock.at(p.start)} to {clock.at(p.end)} the volume eased to {rate} posts an "
            f"hour: {_n(p.posts, 'post')}{_negative(p)}, with an exposure of {_big(p.exposure)}."
        ]
        fr = self.first_response
        if fr is not None and self.escalation_start is not None:  # the one implies the other
            t, post, tp = fr
            latency = self._latency(t)
            if p.start <= t < p.end and post is not None:
                silent = [b for b in self.brand if b.time < self.escalation_start]
                since = f", silent since {clock.at(silent[-1].time)}," if silent else ""
                out.append(
                    f"@{post.handle}{since} posted {clock.on(t)}, {latency} after the escalation "
                    f"began: {_quote(post.text)}."
                )
                rest = [b for b in p.brand_actions if b.post_id != post.post_id]
                if rest:
                    out.append(f"It posted {_n(len(rest), 'more time')} before {clock.at(p.end)}.")
            elif p.start <= t < p.end:
                out.append(
                    f"The brand's response came {clock.on(t)}, {latency} after the escalation "
                    f"began: {_sentence(_point(tp).label)}"
                )
                skip = [tp]
            else:
                who = f"@{post.handle}" if post is not None else "The brand"
                out.append(f"{who} had first responded {clock.on(t)}, {latency} after the escalation began.")
                out.append(self._brand(p, clock))
        out += [self._amplifiers(p), self._turning_points(p, clock, skip=skip)]
        return out

    def _aftermath(self, p: Phase, clock: _Clock) -> list[str]:
        start = clock.at(p.start)
        if "peak" in self.by_name and p.start > self.by_name["peak"].start:
            out = [f"From {start} the volume fell below a quarter of the busiest hour's."]
        else:
            out = [f"From {start} the volume stayed lower."]
        out.append(self._figures(p, f"Until the archive closes on {clock.at(self.ctx.last)} there were"))
        out.append(self._second_wave(p, clock))
        out += [self._amplifiers(p), self._brand(p, clock), self._turning_points(p, clock)]
        return out

    def _second_wave(self, p: Phase, clock: _Clock) -> str:
        """A renewed rise within the phase: the hour that rose most above the quietest hour
        before it, if it at least doubled it (and holds ten posts or more)."""
        t, counts = self.ctx.hourly_within(p.start, p.end)
        best = None
        low_i = 0
        for i in range(1, len(counts)):
            if counts[i - 1] < counts[low_i]:
                low_i = i - 1
            low, high = counts[low_i], counts[i]
            if high >= 10 and high >= 2 * max(low, 1) and (best is None or high - low > best[2] - best[3]):
                best = (i, low_i, high, low)
        if best is None:
            return ""
        i, j, high, low = best
        return (
            f"Volume rose again {clock.on(t[i])}, to {_n(high, 'post')} in that hour, from "
            f"{_n(low, 'post')} in the hour from {clock.at(t[j])}."
        )


# ---- edits ----------------------------------------------------------------------------------------


def edited(ws: Workspace, con: duckdb.DuckDBPyConnection | None = None) -> dict[str, str]:
    """The user's text by phase."""
    return dict((con or ws.cursor()).execute(q.EDITS).fetchall())


def save_edit(ws: Workspace, phase_name: str, text: str) -> None:
    """Keep the user's text for a phase (it wins over the draft from now on)."""
    if phase_name not in PHASE_NAMES:
        raise UserError(f"“{phase_name}” is not a phase; the phases are {', '.join(PHASE_NAMES)}.")
    ws.cursor().execute(q.SAVE_EDIT, [phase_name, str(text), _now()])


def clear_edit(ws: Workspace, phase_name: str) -> None:
    """Go back to the draft for a phase."""
    ws.cursor().execute(q.CLEAR_EDIT, [phase_name])


def chronicle(ws: Workspace, con: duckdb.DuckDBPyConnection | None = None) -> list[ChronicleParagraph]:
    """The draft with the user's edits applied, in phase order. A phase the user wrote about
    that is no longer in the draft (the turning points changed) is kept, with its text and
    no draft, so that nothing the user wrote disappears."""
    con = con or ws.cursor()
    paragraphs = draft(ws, con=con)
    edits = edited(ws, con)
    out = []
    for para in paragraphs:
        text = edits.pop(para.phase_name, None)
        out.append(
            para
            if text is None
            else ChronicleParagraph(para.phase_name, para.title, text, True, para.text, para.start, para.end)
        )
    for name, text in edits.items():
        out.append(ChronicleParagraph(name, PHASE_TITLES.get(name, name.capitalize()), text, True, ""))
    order = {n: i for i, n in enumerate(PHASE_NAMES)}
    return sorted(out, key=lambda p: order.get(p.phase_name, len(order)))


# ---- words ----------------------------------------------------------------------------------------


class _Clock:
    """Times as a reader wants them: the full date at the first mention in a paragraph and
    whenever the day changes, the hour alone on the same day."""

    def __init__(self, zone: ZoneInfo, with_year: bool = False) -> None:
        self.zone = zone
        self.with_year = with_year
        self.day: date | None = None
        self.abbr: str | None = None

    def at(self, t: float) -> str:
        d = datetime.fromtimestamp(t, timezone.utc).astimezone(self.zone)
        abbr = d.tzname() or ""
        hour = d.hour % 12 or 12
        clock = f"{hour}:{d.minute:02d} {'am' if d.hour < 12 else 'pm'}"
        if d.date() == self.day and abbr == self.abbr:
            return clock
        year = f" {d.year}" if self.with_year else ""
        self.with_year = False
        self.day, self.abbr = d.date(), abbr
        return f"{d.strftime('%A')} {d.day} {d.strftime('%B')}{year}, {clock} {abbr}".rstrip()

    def on(self, t: float) -> str:
        """``at 4:00 pm`` on a day already named, ``on Wednesday 13 November, 4:00 pm EST``
        otherwise."""
        text = self.at(t)
        return ("on " if "," in text else "at ") + text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


_QUOTE_END = re.compile(r"([.!?…])”\.")


def _punctuate(text: str) -> str:
    """A quoted post that ends its own sentence ends the writer's too: no ``.”.``."""
    return _QUOTE_END.sub(r"\1”", text)


def format_time(t: float, tz: str = "UTC") -> str:
    """``Wednesday 13 November, 4:00 pm EST``."""
    return _Clock(_zone(tz)).at(t)


def format_count(n: int) -> str:
    return f"{int(n):,}"


def format_big(n: int) -> str:
    """Counts of a million and more in millions (``4.3 million``), smaller ones in full."""
    return _big(n)


def format_percent(share: float) -> str:
    return _pct(share)


def _big(n: int) -> str:
    n = int(n)
    if n >= 1_000_000_000:
        return f"{n / 1e9:.1f} billion"
    if n >= 1_000_000:
        return f"{n / 1e6:.1f} million"
    return f"{n:,}"


def _pct(share: float) -> str:
    return f"{round(100 * share)}%"


def _negative(p: Phase) -> str:
    if p.negative_share is None:
        return " (none of them scored for sentiment yet)"
    return f" ({_pct(p.negative_share)} of the scored ones negative)"


def _rate(x: float) -> str:
    if x >= 10 or x == 0:
        return f"{round(x):,}"
    return f"{x:.1f}"


def _n(count: int, word: str) -> str:
    count = int(count)
    if word == "more":
        return f"{count:,} more"
    if word == "time" and count in (1, 2):
        return "once" if count == 1 else "twice"
    if word.endswith("time") and count == 1:
        return f"1 {word}"
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _handles(handles: list[str]) -> str:
    return _and([f"@{h}" for h in handles])


_KIND_WORDS = {
    "post": ("post", "posts"),
    "reply": ("reply", "replies"),
    "quote": ("quote", "quotes"),
    "retweet": ("retweet", "retweets"),
}


def _kinds(acts: list[_BrandPost]) -> str:
    """`` (2 replies)``: what was not an ordinary post, when some were."""
    counts: dict[str, int] = {}
    for a in acts:
        counts[a.kind] = counts.get(a.kind, 0) + 1
    if set(counts) <= {"post"}:
        return ""
    order = list(_KIND_WORDS)
    parts = [
        f"{n:,} {_KIND_WORDS.get(k, (k, k + 's'))[0 if n == 1 else 1]}"
        for k, n in sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 9)
    ]
    return f" ({_and(parts)})"


def _duration(seconds: float) -> str:
    minutes = round(max(seconds, 0) / 60)
    days, rem = divmod(minutes, 1440)
    hours, mins = divmod(rem, 60)
    units = [(days, "day"), (hours, "hour"), (mins, "minute")]
    shown = [(v, u) for v, u in units if v][:2]
    if not shown:
        return "less than a minute"
    return " ".join(f"{v} {u}{'' if v == 1 else 's'}" for v, u in shown)


_SPACE = re.compile(r"\s+")


def _clip(text: str, limit: int) -> str:
    text = _SPACE.sub(" ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quote(text: str) -> str:
    return f"“{_clip(text, QUOTE_CHARS)}”"


def _sentence(text: str) -> str:
    text = _SPACE.sub(" ", text or "").strip()
    if not text:
        return ""
    # “Just Pay More” needs its full stop; “… a bell ring?” has one
    return text if text.rstrip("”’\"')")[-1:] in (".", "!", "?", "…") else text + "."


def _floor_minute(t: float) -> float:
    return float(math.floor(t / _MINUTE) * _MINUTE)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):  # a damaged setting must not stop the chronicle
        return ZoneInfo("UTC")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


__all__ = [
    "PHASE_NAMES",
    "PHASE_TITLES",
    "BrandAction",
    "ChronicleParagraph",
    "Phase",
    "chronicle",
    "clear_edit",
    "default_turning_points",
    "draft",
    "edited",
    "format_big",
    "format_count",
    "format_percent",
    "format_time",
    "phases",
    "save_edit",
]
