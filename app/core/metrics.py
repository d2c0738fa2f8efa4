"""The numbers behind the timeline window: binned series, the posts around a time, amplifiers.

Plain Python and numpy over DuckDB, no Qt: the window calls these from worker threads, each
with its own cursor (``con=ws.cursor()``).

Binned series come from the rollups (:mod:`app.core.rollup`) when the filter is one they
keep apart (kinds of post, brand accounts or not); any other filter is answered from the
posts table, the same numbers, only slower. Bins are aligned in the workspace's display time
zone: a day bin starts at local midnight, an hour bin at a local hour, and the day of a
daylight-saving change is 23 or 25 hours long (``Series.t`` holds each bin's real start).

Reach words, as the app uses them:

* exposure: followers summed over posts (a retweet counts its retweeter's followers), the
  audience a post could reach. Posts whose author's followers are unknown are not counted as
  zero but counted apart (``unknown_reach``).
* unique audience: each account counted once, at its first post of the incident (within the
  filter), with its followers at that post.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from app.core import account_types, changes, rollup, text_query
from app.core.store import metrics_sql as q
from app.core.store.db import Connection, one_row
from app.core.store.text_query_sql import compile_query
from app.core.store.workspace import Workspace

KINDS = ("post", "reply", "quote", "retweet")
NICE_BINS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400)

#: A series asked for by the user (an export) has at most this many bins: a spreadsheet
#: holds about a million rows. Asking for more is refused in words (:func:`check_bin_count`).
MAX_BINS = 1_000_000
#: No series is ever cut into more bins than this: 22 years of minutes (every post since
#: 2006, minute by minute, ~1.5 GB of arrays). Beyond it the arrays would take the machine's
#: memory: a span like that means a post with a wrong date (1970, 9999) in the workspace.
HARD_MAX_BINS = 12_000_000
SORTS = ("time", "exposure", "engagement", "sentiment")
BRAND_CHOICES = ("all", "only", "exclude")

_KIND_PLURALS = {"post": "original posts", "reply": "replies", "quote": "quotes", "retweet": "retweets"}
# Rollups behind on scores only (a scoring run is committing chunk after chunk) are served
# for ten times as long as they took to build, rather than rebuilt after every chunk.
SCORES_LAG_FACTOR = 10.0

_UNIX_EPOCH = datetime(1970, 1, 1)
_EARLIEST, _LATEST = datetime(1, 1, 1), datetime(9999, 12, 31)


# ---- filter ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostFilter:
    """Which posts count. Every field set narrows the posts (they are ANDed); defaults
    narrow nothing. Handles and hashtags may be typed with their ``@`` / ``#``.

    ``text`` is a query of :mod:`app.core.text_query` (``refund AND (delay OR cancel) -bot``);
    a query that cannot be read raises :class:`~app.core.text_query.QueryError`.
    ``author_spread`` widens ``author`` to the retweets and quotes of the author's posts.
    ``tag`` keeps the posts tagged as evidence with that tag (:data:`ANY_TAG`: with any).
    ``domain`` keeps posts linking to that web domain or its subdomains. ``brand`` and
    ``press`` keep (``only``) or leave out (``exclude``) the brand's and the press's accounts."""

    text: str = ""
    hashtag: str = ""
    author: str = ""
    kinds: frozenset[str] = frozenset()
    lang: str = ""
    min_followers: int | None = None
    brand: str = "all"
    author_spread: bool = False
    tag: str = ""
    domain: str = ""
    press: str = "all"

    def __post_init__(self) -> None:
        kinds = frozenset(self.kinds)
        unknown = kinds - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kind(s) of post: {', '.join(sorted(unknown))}")
        for name in ("brand", "press"):
            if getattr(self, name) not in BRAND_CHOICES:
                raise ValueError(
                    f"{name} must be one of {', '.join(BRAND_CHOICES)}, not {getattr(self, name)!r}"
                )
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "text", self.text.strip())
        object.__setattr__(self, "hashtag", self.hashtag.strip().lstrip("#"))
        object.__setattr__(self, "author", self.author.strip().lstrip("@"))
        object.__setattr__(self, "lang", self.lang.strip())
        object.__setattr__(self, "tag", self.tag.strip())
        object.__setattr__(self, "domain", _domain(self.domain))
        object.__setattr__(self, "author_spread", bool(self.author_spread))
        if self.min_followers is not None:
            object.__setattr__(self, "min_followers", int(self.min_followers))
        text_query.parse(self.text)  # a query that cannot be read never reaches the SQL

    @property
    def kinds_restricted(self) -> bool:
        """Whether the kinds leave some out (all four ticked is no restriction)."""
        return bool(self.kinds) and self.kinds != frozenset(KINDS)

    def is_empty(self) -> bool:
        return not (
            self.text
            or self.hashtag
            or self.author
            or self.kinds_restricted
            or self.lang
            or self.min_followers is not None
            or self.brand != "all"
            or self.tag
            or self.domain
            or self.press != "all"
        )

    def uses_rollups(self) -> bool:
        """Whether the rollups can answer for this filter (they keep kinds and brand apart)."""
        return not (
            self.text
            or self.hashtag
            or self.author
            or self.lang
            or self.min_followers is not None
            or self.tag
            or self.domain
            or self.press != "all"
        )

    def uses_tags(self) -> bool:
        """Whether the filter depends on the evidence tags (which change as the user tags)."""
        return bool(self.tag)

    def describe(self) -> str:
        """In plain English for the status bar; '' when the filter is empty."""
        parts = []
        if self.text:
            if text_query.is_plain(text_query.parse(self.text)):
                parts.append(f"text contains “{text_query.terms(text_query.parse(self.text))[0].text}”")
            else:
                parts.append(f"text matches “{self.text}”")
        if self.hashtag:
            parts.append(f"hashtag #{self.hashtag}")
        if self.author:
            parts.append(f"by @{self.author} or sharing it" if self.author_spread else f"by @{self.author}")
        if self.kinds_restricted:
            chosen = [k for k in KINDS if k in self.kinds]
            left_out = [k for k in KINDS if k not in self.kinds]
            if len(left_out) == 1:
                parts.append(f"{_KIND_PLURALS[left_out[0]]} excluded")
            else:
                parts.append("only " + _and([_KIND_PLURALS[k] for k in chosen]))
        if self.lang:
            parts.append(f"language “{self.lang}”")
        if self.min_followers is not None:
            parts.append(f"authors with at least {self.min_followers:,} followers")
        if self.brand == "only":
            parts.append("brand accounts only")
        elif self.brand == "exclude":
            parts.append("brand accounts excluded")
        if self.press == "only":
            parts.append("press accounts only")
        elif self.press == "exclude":
            parts.append("press accounts excluded")
        if self.tag == ANY_TAG:
            parts.append("tagged posts")
        elif self.tag:
            parts.append(f"tagged “{self.tag}”")
        if self.domain:
            parts.append(f"linking to {self.domain}")
        return "; ".join(parts)

    def kinds_mask(self) -> int:
        """The kinds as a 4-bit mask over :data:`KINDS` (15 = all)."""
        if not self.kinds_restricted:
            return 15
        return sum(1 << i for i, k in enumerate(KINDS) if k in self.kinds)

    def sql(self, brand_handles: list[str]) -> tuple[list, list]:
        """The filter as names of fragments of :data:`metrics_sql.FILTERS` (or fragments the
        store built, for the text query) and their parameters, in order."""
        names: list = []
        params: list = []
        query = text_query.parse(self.text)
        if query is not None:
            fragment = compile_query(query)
            names.append(fragment)
            params.extend(fragment.params)
        if self.hashtag:
            names.append("hashtag")
            params.append(self.hashtag)
        if self.author:
            if self.author_spread:
                names.append("author_spread")
                params.extend([self.author, self.author])
            else:
                names.append("author")
                params.append(self.author)
        if self.kinds_restricted:
            names.append("kinds")
            params.append(sorted(self.kinds))
        if self.lang:
            names.append("lang")
            params.append(self.lang)
        if self.min_followers is not None:
            names.append("min_followers")
            params.append(self.min_followers)
        if self.brand != "all":
            names.append("brand_only" if self.brand == "only" else "brand_exclude")
            params.append([h.lower() for h in brand_handles])
        if self.press != "all":
            names.append("press_only" if self.press == "only" else "press_exclude")
            params.append(sorted(account_types.press_handles()))
        if self.tag == ANY_TAG:
            names.append("any_tag")
        elif self.tag:
            names.append("tag")
            params.append(self.tag)
        if self.domain:
            names.append("domain")
            params.extend([self.domain, self.domain])
        return names, params


#: :attr:`PostFilter.tag` for "tagged with anything"
ANY_TAG = "*"


def _domain(text: str) -> str:
    """``https://www.Example.com/x`` or ``example.com`` -> ``example.com``."""
    d = text.strip().lower()
    if "://" in d:
        d = d.split("://", 1)[1]
    d = d.split("/", 1)[0].split("?", 1)[0]
    return d[4:] if d.startswith("www.") else d


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# ---- bins -----------------------------------------------------------------------------------


def choose_bin(span_seconds: float, pixels: int, min_px_per_bin: float = 3.0) -> int:
    """The smallest of :data:`NICE_BINS` whose bins are at least ``min_px_per_bin`` pixels
    wide when ``span_seconds`` fills ``pixels``; the largest if none is wide enough."""
    if not span_seconds or span_seconds <= 0 or not math.isfinite(span_seconds):
        return NICE_BINS[0]
    need = span_seconds * max(min_px_per_bin, 0.0) / max(pixels, 1)
    for b in NICE_BINS:
        if b >= need:
            return b
    return wide_bin(span_seconds, max(1, int(max(pixels, 1) / max(min_px_per_bin, 1e-9))))


def wide_bin(span_seconds: float, max_bins: int) -> int:
    """Whole days, as few as cut ``span_seconds`` into at most ``max_bins`` bins (and never
    more than :data:`MAX_BINS`): the bin for a span longer than any of :data:`NICE_BINS`
    serves (a workspace with a wrong date years away must not make millions of bins)."""
    max_bins = max(1, min(int(max_bins), HARD_MAX_BINS))
    if not math.isfinite(span_seconds) or span_seconds <= 0:
        return NICE_BINS[-1]
    return max(1, math.ceil(span_seconds / max_bins / 86400)) * 86400


def check_bin_count(start: float, end: float, bin_seconds: int, limit: int = HARD_MAX_BINS) -> None:
    """Refuse in words a series of more than ``limit`` bins (or a bin of no width)."""
    from app.core.errors import UserError

    if int(bin_seconds) <= 0:
        raise UserError(f"The bin width must be a whole number of seconds above zero, not {bin_seconds}.")
    if not (math.isfinite(start) and math.isfinite(end)) or end <= start:
        return
    n = (end - start) / int(bin_seconds)
    if n > limit:
        least = math.ceil((end - start) / limit)
        span = _seconds_words(int(end - start))
        text = (
            f"Bins of {_seconds_words(int(bin_seconds))} from {_day(start)} to {_day(end)} ({span}) would make "
            f"{n:,.0f} of them; at most {limit:,} are made. Choose bins of at least {least:,} seconds, or a "
            "shorter time range."
        )
        if end - start > 20 * 365 * 86400:
            text += " (A span of decades usually means that some posts carry a wrong date.)"
        raise UserError(text)


def _day(t: float) -> str:
    try:
        return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d")
    except (ValueError, OverflowError, OSError):
        return "a date out of range"


def _seconds_words(seconds: int) -> str:
    for unit, size in (("year", 365 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size * (2 if unit == "year" else 1):
            n = seconds / size
            return f"{n:,.0f} {unit}s" if round(n) != 1 else f"1 {unit}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):  # a damaged setting must not break the timeline
        return ZoneInfo("UTC")


def _offset(zone: ZoneInfo, u: int) -> int:
    offset = datetime.fromtimestamp(u, zone).utcoffset()
    assert offset is not None  # an aware time always has one
    return int(offset.total_seconds())


# Sampling the offset this often finds every daylight-saving change (they are months apart).
_OFFSET_PROBE = 6 * 3600
# the seconds Python's datetime can place in any zone (years 1 to 9999, a day inside)
_FIRST_SECOND = -62135596800 + 86400
_LAST_SECOND = 253402300799 - 86400


def _offset_pieces(zone: ZoneInfo, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """(from, to, UTC offset) pieces covering [lo, hi), split where the offset changes."""
    lo, hi = max(lo, _FIRST_SECOND), min(hi, _LAST_SECOND)
    # a span of centuries (a wrong date) is probed more coarsely: at most ~200k probes
    probe = max(_OFFSET_PROBE, (hi - lo) // 200_000)
    pieces = []
    a, off_a = lo, _offset(zone, lo)
    u = lo
    while u < hi:
        v = min(u + probe, hi)
        off_v = _offset(zone, v)
        if off_v != off_a:
            # the change lies in (u, v]: find its exact second
            left, right = u, v
            while right - left > 1:
                mid = (left + right) // 2
                if _offset(zone, mid) == off_a:
                    left = mid
                else:
                    right = mid
            pieces.append((a, right, off_a))
            a, off_a = right, off_v
        u = v
    pieces.append((a, hi, off_a))
    return pieces


def bin_edges(start: float, end: float, bin_seconds: int, tz: str = "UTC") -> np.ndarray:
    """Bin boundaries (Unix seconds, int64) covering [start, end): the first at or before
    ``start``, the last at or after ``end``. Boundaries fall where the local wall clock of
    ``tz`` is a multiple of ``bin_seconds`` (counted from local 1970-01-01 00:00), so around a
    daylight-saving change a bin longer than the jump is an hour longer or shorter."""
    bin_seconds = int(bin_seconds)
    if bin_seconds <= 0:
        raise ValueError("bin_seconds must be positive")
    if not (math.isfinite(start) and math.isfinite(end)) or end <= start:
        return np.empty(0, dtype=np.int64)
    check_bin_count(start, end, bin_seconds)
    zone = _zone(tz)
    margin = bin_seconds + 2 * 86400
    lo, hi = math.floor(start) - margin, math.ceil(end) + margin
    grids = []
    for a, b, off in [(lo, hi, 0)] if zone.key == "UTC" else _offset_pieces(zone, lo, hi):
        k0 = -((-(a + off)) // bin_seconds)  # ceil
        k1 = -((-(b + off)) // bin_seconds)
        grids.append(np.arange(k0, k1, dtype=np.int64) * bin_seconds - off)
    edges = np.concatenate(grids)
    i0 = int(np.searchsorted(edges, start, side="right")) - 1
    i1 = int(np.searchsorted(edges, end, side="left"))
    return edges[max(i0, 0) : i1 + 1]


# ---- series ---------------------------------------------------------------------------------


@dataclass
class Series:
    """One entry per bin in every array (bins without posts included, as zeros)."""

    bin_seconds: int
    t: np.ndarray
    volume: dict[str, np.ndarray]
    total: np.ndarray
    scored: np.ndarray
    mean_compound: np.ndarray
    neg_share: np.ndarray
    neu_share: np.ndarray
    pos_share: np.ndarray
    exposure: np.ndarray
    unknown_reach: np.ndarray
    cumulative_exposure: np.ndarray
    unique_audience: np.ndarray
    cumulative_unique: np.ndarray
    #: where the numbers came from: "rollup", "posts" (a scan of the posts) or "none" (no bins)
    source: str = field(default="rollup", compare=False)
    #: the last bin's end (a bin spanning a daylight-saving change is not bin_seconds long)
    last_end: float = math.nan
    #: posts outside the sentiment's scope (app.core.sentiment.scope): in another language
    #: than English, and without text; ``total - scored`` less these is still to be scored
    other_language: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    no_text: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.t)

    @property
    def bin_ends(self) -> np.ndarray:
        """Each bin's end: the next bin's start, and ``last_end`` for the last."""
        return np.append(self.t[1:], self.last_end) if len(self.t) else self.t.copy()


def incident_span(ws: Workspace, con: Connection | None = None) -> tuple[float, float] | None:
    """(first, last) post time as Unix seconds (UTC); ``None`` if there are no posts."""
    con = con or ws.cursor()
    st = _usable_rollups(ws, con)
    if st is not None:
        return st.span
    first, last = one_row(con.execute(q.SPAN))
    if first is None:
        return None
    return to_unix(first), to_unix(last)


def binned_series(
    ws: Workspace,
    start: float,
    end: float,
    bin_seconds: int,
    flt: PostFilter = PostFilter(),
    con: Connection | None = None,
) -> Series:
    """The series over bins covering [start, end) (Unix seconds, UTC); ``start`` is floored
    to a bin boundary of the workspace's time zone.

    The first call for a filter gathers its per-minute numbers over the whole incident
    (from the rollups for kinds and brand filters: milliseconds; from the posts for any
    other filter: a scan of the posts); later calls for that filter only re-bin them."""
    con = con or ws.cursor()
    st = _usable_rollups(ws, con) if flt.uses_rollups() else None
    usable = st is not None
    if st is None:
        st = rollup.state(ws, con)
    brand = st.stamp["brand"]
    edges = bin_edges(start, end, bin_seconds, st.timezone)
    return _series_over(ws, con, edges, int(bin_seconds), flt, st, usable, brand)


def series_at_edges(
    ws: Workspace,
    edges: np.ndarray | list[float],
    flt: PostFilter = PostFilter(),
    con: Connection | None = None,
) -> Series:
    """The series over bins of any widths: bin i is [edges[i], edges[i + 1]) (Unix seconds,
    increasing). Edges on whole minutes are answered from the per-minute numbers, like
    :func:`binned_series`; the phases of an incident are summed this way in one call."""
    con = con or ws.cursor()
    edges = np.asarray(edges, dtype=np.int64 if np.all(np.mod(edges, 1) == 0) else np.float64)
    st = _usable_rollups(ws, con) if flt.uses_rollups() else None
    usable = st is not None
    if st is None:
        st = rollup.state(ws, con)
    width = int(np.median(np.diff(edges))) if len(edges) > 1 else 0
    return _series_over(ws, con, edges, width, flt, st, usable, st.stamp["brand"])


def _series_over(ws, con, edges, bin_seconds: int, flt: PostFilter, st, usable: bool, brand) -> Series:
    n = max(len(edges) - 1, 0)
    acc = _Acc(n)
    if n == 0:
        return acc.series(int(bin_seconds), edges, "none")
    if bool(np.all(edges % 60 == 0)):
        minutes = _minutes(ws, con, flt, st, usable)
        minutes.fill(acc, edges)
        return acc.series(int(bin_seconds), edges, minutes.source)
    _fill_from_posts(con, acc, edges, flt, brand)
    return acc.series(int(bin_seconds), edges, "posts")


class _Minutes:
    """One filter's numbers per minute over the whole incident, and its running totals."""

    def __init__(self, table: dict[str, np.ndarray], source: str) -> None:
        self.source = source
        self.t = np.asarray(table["m"]).astype(np.int64) * 60
        self.cols = {c: np.asarray(table[c]) for c in q.COUNT_COLUMNS}
        self.audience = np.asarray(table["audience"]).astype(np.int64)
        self.cum_exposure = np.cumsum(self.cols["exposure"].astype(np.int64))
        self.cum_audience = np.cumsum(self.audience)

    def fill(self, acc: _Acc, edges: np.ndarray) -> None:
        i0, i1 = np.searchsorted(self.t, [int(edges[0]), int(edges[-1])], side="left")
        if i0 > 0:
            acc.exposure_before = int(self.cum_exposure[i0 - 1])
            acc.audience_before = int(self.cum_audience[i0 - 1])
        bins = np.searchsorted(edges, self.t[i0:i1], side="right") - 1
        acc.add({c: v[i0:i1] for c, v in self.cols.items()}, bins)
        acc.add_audience(self.audience[i0:i1], bins)


# Per-minute numbers by (workspace file, what the rollups depend on, filter). A few filters
# are kept: the window goes back and forth between a handful while the user explores.
_MINUTES_KEPT = 12
_minutes_cache: OrderedDict[tuple, _Minutes] = OrderedDict()
_minutes_lock = threading.Lock()


def _usable_rollups(ws: Workspace, con) -> rollup.State | None:
    # cached: the check runs before every query of the timeline (the cursor's, several a
    # second while it is dragged); it is made again after any write (app.core.rollup)
    return rollup.ensure(ws, con=con, scores_lag_factor=SCORES_LAG_FACTOR, cached=True)


def clear_caches() -> None:
    """Forget every filter's per-minute numbers (they are also dropped by themselves when the
    workspace changes): for benchmarks and tests that time or check a first call."""
    with _minutes_lock:
        _minutes_cache.clear()


def _minutes_key(ws: Workspace, data: tuple | None, flt: PostFilter) -> tuple:
    """``data`` names what the numbers were taken from: the rollups' build stamp, or the
    workspace's stamp when they were taken from the posts."""
    what = ("rollup-able", flt.kinds_mask(), flt.brand) if flt.uses_rollups() else flt
    # the tags are the user's, edited at any time: their counter says which version was read
    tags = changes.generation(ws.path, "tags") if flt.uses_tags() else 0
    return (str(ws.path), data, what, tags)


def _cached_minutes(ws: Workspace, st: rollup.State, flt: PostFilter) -> _Minutes | None:
    """Per-minute numbers at hand for the posts as they are now (sentiment aside)."""
    keys = [st.key] + ([st.built_key] if st.behind_on_scores_only else [])
    with _minutes_lock:
        for key in keys:
            hit = _minutes_cache.get(_minutes_key(ws, key, flt))
            if hit is not None:
                return hit
    return None


def _minutes(ws: Workspace, con, flt: PostFilter, st: rollup.State, rollups_usable: bool) -> _Minutes:
    from_rollups = flt.uses_rollups() and rollups_usable
    key = _minutes_key(ws, st.built_key if from_rollups else st.key, flt)
    with _minutes_lock:
        hit = _minutes_cache.get(key)
        if hit is not None:
            _minutes_cache.move_to_end(key)
            return hit
    if from_rollups:
        kinds = sorted(flt.kinds) if flt.kinds_restricted else list(KINDS)
        flags = _brand_flags(flt.brand)
        table = con.execute(q.MINUTES_ROLLUP, [kinds, flags, flt.kinds_mask(), flags]).fetchnumpy()
        minutes = _Minutes(table, "rollup")
    else:
        names, params = flt.sql(st.stamp["brand"])
        minutes = _Minutes(con.execute(q.minutes_posts(names), params).fetchnumpy(), "posts")
    with _minutes_lock:
        _minutes_cache[key] = minutes
        _minutes_cache.move_to_end(key)
        while len(_minutes_cache) > _MINUTES_KEPT:
            _minutes_cache.popitem(last=False)
    return minutes


def _fill_from_posts(con, acc: _Acc, edges: np.ndarray, flt: PostFilter, brand: list[str]) -> None:
    """Bins that are not whole minutes: counted from the posts, slot by slot."""
    start, end = to_timestamp(edges[0]), to_timestamp(edges[-1])
    origin_ms = int(edges[0]) * 1000
    step = int(np.gcd.reduce(np.diff(edges)))
    step_ms = step * 1000
    names, params = flt.sql(brand)
    cols = con.execute(q.slots_posts(names), [origin_ms, step_ms, start, end, *params]).fetchnumpy()
    slots = np.asarray(cols["slot"]).astype(np.int64)
    acc.add({c: np.asarray(cols[c]) for c in q.COUNT_COLUMNS}, _slot_bins(slots, edges, step))
    acc.exposure_before = int(one_row(con.execute(q.exposure_before_posts(names), [start, *params]))[0])
    rows = con.execute(q.firsts_slots_posts(names), [start, origin_ms, step_ms, *params, end]).fetchall()
    if rows:
        slots = np.array([r[0] for r in rows], np.int64)
        audience = np.array([r[1] for r in rows], np.int64)
        before = slots < 0
        acc.audience_before = int(audience[before].sum())
        acc.add_audience(audience[~before], _slot_bins(slots[~before], edges, step))


def _slot_bins(slots: np.ndarray, edges: np.ndarray, step: int) -> np.ndarray:
    """Slots (steps of ``step`` seconds from the first edge) -> bin indices."""
    return np.searchsorted(edges, edges[0] + slots * step, side="right") - 1


def _brand_flags(brand: str) -> list[bool]:
    """The rollups' is_brand values a brand filter keeps."""
    return {"all": [True, False], "only": [True], "exclude": [False]}[brand]


class _Acc:
    """Per-bin sums, turned into a :class:`Series`."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.sums = {c: np.zeros(n, np.float64 if c == "sum_compound" else np.int64) for c in q.COUNT_COLUMNS}
        self.audience = np.zeros(n, np.int64)
        self.exposure_before = 0
        self.audience_before = 0

    def add(self, cols: dict[str, np.ndarray], bins: np.ndarray) -> None:
        if not len(bins):
            return
        for c, target in self.sums.items():
            values = cols[c]
            sums = np.bincount(bins, weights=values, minlength=self.n)
            if target.dtype == np.int64:
                # integer sums through bincount's float weights stay exact below 2**53
                sums = np.rint(sums).astype(np.int64)
            np.add(target, sums, out=target)

    def add_audience(self, audience: np.ndarray, bins: np.ndarray) -> None:
        if len(bins):
            self.audience += np.rint(np.bincount(bins, weights=audience, minlength=self.n)).astype(np.int64)

    def series(self, bin_seconds: int, edges: np.ndarray, source: str) -> Series:
        s = self.sums
        scored = s["scored"]
        none = scored == 0
        with np.errstate(invalid="ignore", divide="ignore"):

            def share(x: np.ndarray) -> np.ndarray:
                return np.where(none, np.nan, x / np.where(none, 1, scored))

            mean = share(s["sum_compound"])
            neg, neu, pos = share(s["neg"]), share(s["neu"]), share(s["pos"])
        return Series(
            bin_seconds=bin_seconds,
            t=edges[:-1].astype(np.float64) if len(edges) else np.empty(0, np.float64),
            volume={k: s[k] for k in KINDS},
            total=s["total"],
            scored=scored,
            mean_compound=mean,
            neg_share=neg,
            neu_share=neu,
            pos_share=pos,
            exposure=s["exposure"],
            unknown_reach=s["unknown_reach"],
            cumulative_exposure=self.exposure_before + np.cumsum(s["exposure"]),
            unique_audience=self.audience,
            cumulative_unique=self.audience_before + np.cumsum(self.audience),
            source=source,
            last_end=float(edges[-1]) if len(edges) else math.nan,
            other_language=s["other_language"],
            no_text=s["no_text"],
        )


# ---- posts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostRow:
    """One post as the posts table shows it, with its sentiment (``None`` until scored)."""

    platform: str
    post_id: str
    created_at: datetime
    author_id: str | None
    author_handle: str | None
    author_name: str | None
    author_followers: int | None
    kind: str
    text: str
    compound: float | None
    neg: float | None
    neu: float | None
    pos: float | None
    retweet_count: int | None
    like_count: int | None
    reply_count: int | None
    quote_count: int | None
    ref_post_id: str | None
    ref_author_handle: str | None
    ref_text: str | None
    lang: str | None
    hashtags: list[str]
    mentions: list[str]
    urls: list[str]

    @property
    def engagement(self) -> int:
        return sum(c or 0 for c in (self.retweet_count, self.like_count, self.reply_count, self.quote_count))

    @property
    def url(self) -> str:
        if self.platform == "twitter" and self.author_handle:
            return f"https://twitter.com/{self.author_handle}/status/{self.post_id}"
        return ""

    @classmethod
    def from_row(cls, row: tuple) -> PostRow:
        # filled in place: a frozen dataclass's __init__ sets each of the 24 fields through
        # object.__setattr__, a third of the time of turning the cursor's 500 rows into posts
        post = object.__new__(cls)
        fields = dict(zip(_POST_FIELDS, row, strict=True))
        for name in ("hashtags", "mentions", "urls"):
            fields[name] = list(fields[name] or [])
        post.__dict__.update(fields)
        return post


_POST_FIELDS = tuple(f.name for f in dataclasses.fields(PostRow))


def posts_around(
    ws: Workspace,
    t: float,
    half_window: float,
    flt: PostFilter = PostFilter(),
    sort: str = "time",
    descending: bool = False,
    limit: int = 500,
    con: Connection | None = None,
    offset: int = 0,
) -> tuple[list[PostRow], int]:
    """The posts in [t - half_window, t + half_window] (Unix seconds, both ends included),
    sorted; returns (at most ``limit`` rows after the first ``offset``, how many posts the
    window holds in all). Unknown followers and unscored posts sort last whichever the
    direction; ties go by time then id, so pages follow each other exactly."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    con = con or ws.cursor()
    st = _usable_rollups(ws, con)
    scores = "rollup" if st is not None else "posts"
    st = st or rollup.state(ws, con)
    a, b = t - abs(half_window), t + abs(half_window)
    names, params = flt.sql(st.stamp["brand"])
    whole = [to_timestamp(a), to_timestamp(b)]
    offset = max(0, int(offset))
    if limit > 0:
        if sort == "time":
            a, b = _narrow_for_time(ws, st, flt, a, b, int(limit) + offset, bool(descending))
        rows = con.execute(
            q.posts_between(names, sort, bool(descending), scores),
            q.posts_between_params(
                sort, to_timestamp(a), to_timestamp(b), params, int(limit), whole[0], whole[1], offset=offset
            ),
        ).fetchall()
        if rows:
            total = int(rows[0][-1])
            if sort == "sentiment":
                return [PostRow.from_row(r[:-1]) for r in rows], total
            # in time order and unfiltered, the rows are every post of their span
            whole_span = sort == "time" and not names
            return _with_scores(con, scores, [r[:-1] for r in rows], whole_span), total
    total = one_row(con.execute(q.count_between(names), [*whole, *params]))[0]
    return [], int(total)


def _narrow_for_time(
    ws: Workspace, st: rollup.State, flt: PostFilter, a: float, b: float, limit: int, descending: bool
) -> tuple[float, float]:
    """A sub-window of [a, b] that surely holds the first (or last) ``limit`` posts, from
    the filter's per-minute counts if they are at hand (a series was drawn for it): sorting
    a busy window to keep 500 posts costs far more than the 500 posts."""
    minutes = _cached_minutes(ws, st, flt)
    if minutes is None or not len(minutes.t):
        return a, b
    counts = minutes.cols["total"]
    # whole minutes only: the minute holding the window's edge is partly outside it
    if not descending:
        i = int(np.searchsorted(minutes.t, math.floor(a / 60) * 60 + 60, side="left"))
        reach = np.cumsum(counts[i:])
        j = int(np.searchsorted(reach, limit, side="left"))
        if j < len(reach):
            return a, min(b, float(minutes.t[i + j] + 60))
    else:
        i = int(np.searchsorted(minutes.t, math.floor(b / 60) * 60, side="left"))
        reach = np.cumsum(counts[:i][::-1])
        j = int(np.searchsorted(reach, limit, side="left"))
        if j < len(reach):
            return max(a, float(minutes.t[i - 1 - j])), b
    return a, b


# Twitter ids are snowflakes: milliseconds since this moment, shifted left by 22 bits.
_TWITTER_EPOCH_MS = 1288834974657
_SNOWFLAKE_MIN = 1 << 40


def get_post(ws: Workspace, platform: str, post_id: str, con: Connection | None = None) -> PostRow | None:
    con = con or ws.cursor()
    scores = "rollup" if _usable_rollups(ws, con) is not None else "posts"
    if rollup.has_post_id_index(ws, con):
        row = con.execute(q.GET_POST_BY_ID, [post_id, platform]).fetchone()
        return _with_scores(con, scores, [row])[0] if row is not None else None
    windows = [(_EARLIEST, _LATEST)]
    near = _snowflake_time(platform, post_id)
    if near is not None:
        # a window of a few seconds around the id's own time skips almost every row group;
        # the whole table is the fallback (an id that does not carry its time after all)
        windows.insert(0, (to_timestamp(near - 2), to_timestamp(near + 2)))
    for lo, hi in windows:
        row = con.execute(q.GET_POST, [lo, hi, platform, post_id]).fetchone()
        if row is not None:
            return _with_scores(con, scores, [row])[0]
    return None


def _with_scores(con: Connection, scores: str, rows: list[tuple], whole_span: bool = False) -> list[PostRow]:
    """PostRows from rows of ``UNSCORED_COLUMNS`` (the row number last), with their scores
    (``None`` for a post out of the sentiment's scope or not scored yet). ``whole_span``:
    the rows are all the posts between their first and last time (a few more, posts of the
    same instant, do no harm: each row takes its own row number's)."""
    times = [r[2] for r in rows]
    if len(rows) == 1:
        got = con.execute(q.scores_of_row(scores), [rows[0][2], rows[0][-1]]).fetchall()
    elif whole_span:
        got = con.execute(q.scores_in_span(scores), [min(times), max(times)]).fetchall()
    else:
        got = con.execute(
            q.scores_of_rows(scores), [min(times), max(times), [r[-1] for r in rows]]
        ).fetchall()
    found = {r[0]: r[1:] for r in got}
    none = (None, None, None, None)
    return [PostRow.from_row((*r[:9], *found.get(r[-1], none), *r[9:-1])) for r in rows]


def original_of(ws: Workspace, row: PostRow, con: Connection | None = None) -> PostRow | None:
    """The post that ``row`` retweets, quotes or replies to, if the workspace has it."""
    if not row.ref_post_id:
        return None
    return get_post(ws, row.platform, row.ref_post_id, con=con)


def _snowflake_time(platform: str, post_id: str) -> float | None:
    if platform != "twitter" or not post_id.isdigit() or len(post_id) > 20:
        return None
    n = int(post_id)
    if n < _SNOWFLAKE_MIN:
        return None
    return ((n >> 22) + _TWITTER_EPOCH_MS) / 1000.0


# ---- amplifiers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Amplifier:
    """An account and what it carried in a range: its posts there, the followers summed over
    them (exposure), the retweets those posts received (anywhere in the workspace), and up to
    three of them, most retweeted first."""

    author_handle: str
    author_name: str | None
    followers: int | None
    posts: int
    exposure: int
    retweets_received: int
    top_post_ids: tuple[str, ...]


def top_amplifiers(
    ws: Workspace,
    start: float,
    end: float,
    flt: PostFilter = PostFilter(),
    limit: int = 20,
    con: Connection | None = None,
) -> list[Amplifier]:
    """Accounts ranked by the exposure they contributed in [start, end). ``followers`` is
    the account's highest count seen in the archive (the one followers rule)."""
    con = con or ws.cursor()
    if end <= start or limit <= 0:
        return []
    st = _usable_rollups(ws, con)
    source = "rollup" if st is not None else "posts"
    st = st or rollup.state(ws, con)
    names, params = flt.sql(st.stamp["brand"])
    sql = q.amplifiers(names, source)
    rows = con.execute(
        sql, q.amplifiers_params(to_timestamp(start), to_timestamp(end), params, int(limit))
    ).fetchall()
    return [
        Amplifier(handle, name, followers, int(posts), int(exposure), int(rts or 0), tuple(top or ()))
        for handle, name, followers, posts, exposure, rts, top in rows
    ]


# ---- helpers --------------------------------------------------------------------------------


def to_timestamp(seconds: float) -> datetime:
    """Unix seconds -> naive UTC datetime (what DuckDB's TIMESTAMP columns hold)."""
    return _UNIX_EPOCH + timedelta(seconds=float(seconds))


def to_unix(ts: datetime) -> float:
    """Naive UTC datetime (or an aware one) -> Unix seconds."""
    if ts.tzinfo is not None:
        ts = ts.astimezone(timezone.utc).replace(tzinfo=None)
    return (ts - _UNIX_EPOCH).total_seconds()
