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

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import duckdb
import numpy as np

from app.core import rollup
from app.core.store import metrics_sql as q
from app.core.store.workspace import Workspace

KINDS = ("post", "reply", "quote", "retweet")
NICE_BINS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400)
SORTS = ("time", "exposure", "engagement", "sentiment")
BRAND_CHOICES = ("all", "only", "exclude")

# VADER's usual cut-offs: compound <= -0.05 negative, >= 0.05 positive, neutral between.
NEGATIVE_AT = -0.05
POSITIVE_AT = 0.05

_KIND_PLURALS = {"post": "original posts", "reply": "replies", "quote": "quotes", "retweet": "retweets"}
_UNIX_EPOCH = datetime(1970, 1, 1)


# ---- filter ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PostFilter:
    """Which posts count. Every field set narrows the posts (they are ANDed); defaults
    narrow nothing. Handles and hashtags may be typed with their ``@`` / ``#``."""

    text: str = ""
    hashtag: str = ""
    author: str = ""
    kinds: frozenset[str] = frozenset()
    lang: str = ""
    min_followers: int | None = None
    brand: str = "all"

    def __post_init__(self) -> None:
        kinds = frozenset(self.kinds)
        unknown = kinds - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kind(s) of post: {', '.join(sorted(unknown))}")
        if self.brand not in BRAND_CHOICES:
            raise ValueError(f"brand must be one of {', '.join(BRAND_CHOICES)}, not {self.brand!r}")
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "hashtag", self.hashtag.strip().lstrip("#"))
        object.__setattr__(self, "author", self.author.strip().lstrip("@"))
        object.__setattr__(self, "lang", self.lang.strip())
        if self.min_followers is not None:
            object.__setattr__(self, "min_followers", int(self.min_followers))

    @property
    def kinds_restricted(self) -> bool:
        """Whether the kinds leave some out (all four ticked is no restriction)."""
        return bool(self.kinds) and self.kinds != frozenset(KINDS)

    def is_empty(self) -> bool:
        return not (self.text or self.hashtag or self.author or self.kinds_restricted or self.lang
                    or self.min_followers is not None or self.brand != "all")

    def uses_rollups(self) -> bool:
        """Whether the rollups can answer for this filter (they keep kinds and brand apart)."""
        return not (self.text or self.hashtag or self.author or self.lang
                    or self.min_followers is not None)

    def describe(self) -> str:
        """In plain English for the status bar; '' when the filter is empty."""
        parts = []
        if self.text:
            parts.append(f"text contains “{self.text}”")
        if self.hashtag:
            parts.append(f"hashtag #{self.hashtag}")
        if self.author:
            parts.append(f"by @{self.author}")
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
        return "; ".join(parts)

    def kinds_mask(self) -> int:
        """The kinds as a 4-bit mask over :data:`KINDS` (15 = all)."""
        if not self.kinds_restricted:
            return 15
        return sum(1 << i for i, k in enumerate(KINDS) if k in self.kinds)

    def sql(self, brand_handles: list[str]) -> tuple[list[str], list]:
        """The filter as names of fragments of :data:`metrics_sql.FILTERS` and their
        parameters, in order."""
        names: list[str] = []
        params: list = []
        if self.text:
            names.append("text")
            params.append("%" + _escape_like(self.text) + "%")
        if self.hashtag:
            names.append("hashtag")
            params.append(self.hashtag)
        if self.author:
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
        return names, params


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
    return NICE_BINS[-1]


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except Exception:  # noqa: BLE001 - a damaged setting must not break the timeline
        return ZoneInfo("UTC")


def _offset(zone: ZoneInfo, u: int) -> int:
    return int(datetime.fromtimestamp(u, zone).utcoffset().total_seconds())


# Sampling the offset this often finds every daylight-saving change (they are months apart).
_OFFSET_PROBE = 6 * 3600


def _offset_pieces(zone: ZoneInfo, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """(from, to, UTC offset) pieces covering [lo, hi), split where the offset changes."""
    pieces = []
    a, off_a = lo, _offset(zone, lo)
    u = lo
    while u < hi:
        v = min(u + _OFFSET_PROBE, hi)
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
    zone = _zone(tz)
    margin = bin_seconds + 2 * 86400
    lo, hi = math.floor(start) - margin, math.ceil(end) + margin
    grids = []
    for a, b, off in ([(lo, hi, 0)] if zone.key == "UTC" else _offset_pieces(zone, lo, hi)):
        k0 = -((-(a + off)) // bin_seconds)  # ceil
        k1 = -((-(b + off)) // bin_seconds)
        grids.append(np.arange(k0, k1, dtype=np.int64) * bin_seconds - off)
    edges = np.concatenate(grids)
    i0 = int(np.searchsorted(edges, start, side="right")) - 1
    i1 = int(np.searchsorted(edges, end, side="left"))
    return edges[max(i0, 0): i1 + 1]


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
    #: where the numbers came from ("rollup" or "posts"): for the status bar and the tests
    source: str = field(default="rollup", compare=False)

    def __len__(self) -> int:
        return len(self.t)

    @property
    def bin_ends(self) -> np.ndarray:
        """Each bin's end (the next bin's start; the last one's nominal end)."""
        if not len(self.t):
            return self.t.copy()
        return np.append(self.t[1:], self.t[-1] + self.bin_seconds)


def incident_span(ws: Workspace, con: duckdb.DuckDBPyConnection | None = None) -> tuple[float, float] | None:
    """(first, last) post time as Unix seconds (UTC); ``None`` if there are no posts."""
    con = con or ws.cursor()
    st = rollup.ensure(ws, con=con)
    if st is not None:
        return st.span
    first, last = con.execute(q.SPAN).fetchone()
    if first is None:
        return None
    return to_unix(first), to_unix(last)


def binned_series(
    ws: Workspace,
    start: float,
    end: float,
    bin_seconds: int,
    flt: PostFilter = PostFilter(),
    con: duckdb.DuckDBPyConnection | None = None,
) -> Series:
    """The series over bins covering [start, end) (Unix seconds, UTC); ``start`` is floored
    to a bin boundary of the workspace's time zone."""
    con = con or ws.cursor()
    edges = bin_edges(start, end, bin_seconds, ws_timezone(ws, con))
    n = max(len(edges) - 1, 0)
    acc = _Acc(n)
    if n:
        origin = int(edges[0])
        step = int(np.gcd.reduce(np.diff(edges)))
        st = None
        if flt.uses_rollups() and step % 60 == 0 and origin % 60 == 0:
            st = rollup.ensure(ws, con=con)
        if st is not None:
            _series_from_rollups(con, acc, edges, step, flt, st.stamp["brand"])
            acc.source = "rollup"
        else:
            _series_from_posts(con, acc, edges, step, flt, brand_handles(ws, con))
            acc.source = "posts"
    return acc.series(int(bin_seconds), edges)


class _Acc:
    """Per-bin sums, filled slot by slot and turned into a :class:`Series`."""

    def __init__(self, n: int) -> None:
        self.volume = {k: np.zeros(n, np.int64) for k in KINDS}
        self.total = np.zeros(n, np.int64)
        self.scored = np.zeros(n, np.int64)
        self.sum_compound = np.zeros(n, np.float64)
        self.neg = np.zeros(n, np.int64)
        self.neu = np.zeros(n, np.int64)
        self.pos = np.zeros(n, np.int64)
        self.exposure = np.zeros(n, np.int64)
        self.unknown = np.zeros(n, np.int64)
        self.audience = np.zeros(n, np.int64)
        self.exposure_before = 0
        self.audience_before = 0
        self.source = "rollup"

    def add_counts(self, bins: np.ndarray, kinds: np.ndarray, cols: dict[str, np.ndarray]) -> None:
        """``cols``: arrays aligned with ``bins`` (bin index per row, -1 = before the range)."""
        before = bins < 0
        self.exposure_before += int(cols["exposure"][before].sum())
        keep = ~before
        b = bins[keep]
        n = len(self.total)

        def add(target: np.ndarray, values: np.ndarray) -> None:
            target += np.bincount(b, weights=values[keep], minlength=n).astype(target.dtype)

        # integer sums via bincount's float weights are exact below 2**53
        for kind in KINDS:
            sel = kinds[keep] == kind
            self.volume[kind] += np.bincount(b[sel], weights=cols["posts"][keep][sel],
                                             minlength=n).astype(np.int64)
        add(self.total, cols["posts"])
        add(self.scored, cols["scored"])
        add(self.sum_compound, cols["sum_compound"])
        add(self.neg, cols["neg"])
        add(self.neu, cols["neu"])
        add(self.pos, cols["pos"])
        add(self.exposure, cols["exposure"])
        add(self.unknown, cols["unknown"])

    def add_audience(self, bins: np.ndarray, audience: np.ndarray) -> None:
        before = bins < 0
        self.audience_before += int(audience[before].sum())
        keep = ~before
        self.audience += np.bincount(bins[keep], weights=audience[keep],
                                     minlength=len(self.total)).astype(np.int64)

    def series(self, bin_seconds: int, edges: np.ndarray) -> Series:
        with np.errstate(invalid="ignore", divide="ignore"):
            scored = self.scored.astype(np.float64)
            none = self.scored == 0
            mean = np.where(none, np.nan, self.sum_compound / scored)
            neg = np.where(none, np.nan, self.neg / scored)
            neu = np.where(none, np.nan, self.neu / scored)
            pos = np.where(none, np.nan, self.pos / scored)
        return Series(
            bin_seconds=bin_seconds,
            t=edges[:-1].astype(np.float64) if len(edges) else np.empty(0, np.float64),
            volume=self.volume,
            total=self.total,
            scored=self.scored,
            mean_compound=mean,
            neg_share=neg,
            neu_share=neu,
            pos_share=pos,
            exposure=self.exposure,
            unknown_reach=self.unknown,
            cumulative_exposure=self.exposure_before + np.cumsum(self.exposure),
            unique_audience=self.audience,
            cumulative_unique=self.audience_before + np.cumsum(self.audience),
            source=self.source,
        )


def _slot_bins(slots: np.ndarray, edges: np.ndarray, step: int) -> np.ndarray:
    """Slots (steps of ``step`` seconds from the first edge; -1 before it) -> bin indices."""
    slots = slots.astype(np.int64)
    starts = edges[0] + slots * step
    bins = np.searchsorted(edges, starts, side="right") - 1
    bins[slots < 0] = -1
    return bins


_COUNT_COLS = ("posts", "scored", "sum_compound", "neg", "neu", "pos", "exposure", "unknown")


def _columns(rows: list[tuple], first: int) -> dict[str, np.ndarray]:
    cols = {}
    for i, name in enumerate(_COUNT_COLS):
        dtype = np.float64 if name == "sum_compound" else np.int64
        cols[name] = np.array([r[first + i] or 0 for r in rows], dtype=dtype)
    return cols


def _brand_flags(brand: str) -> list[bool]:
    return {"all": [True, False], "only": [True], "exclude": [False]}[brand]


def _series_from_rollups(con, acc: _Acc, edges: np.ndarray, step: int, flt: PostFilter,
                         brand: list[str]) -> None:
    start, end = to_timestamp(edges[0]), to_timestamp(edges[-1])
    origin_ms, step_ms = int(edges[0]) * 1000, step * 1000
    kinds = sorted(flt.kinds) if flt.kinds_restricted else list(KINDS)
    flags = _brand_flags(flt.brand)
    rows = con.execute(q.SERIES_ROLLUP, [start, origin_ms, step_ms, end, kinds, flags]).fetchall()
    if rows:
        slots = np.array([r[0] for r in rows], np.int64)
        acc.add_counts(_slot_bins(slots, edges, step), np.array([r[1] for r in rows], object),
                       _columns(rows, 2))
    rows = con.execute(q.UNIQUE_ROLLUP, [start, origin_ms, step_ms, end, flt.kinds_mask(), flags]).fetchall()
    if rows:
        slots = np.array([r[0] for r in rows], np.int64)
        acc.add_audience(_slot_bins(slots, edges, step), np.array([r[1] or 0 for r in rows], np.int64))


def _series_from_posts(con, acc: _Acc, edges: np.ndarray, step: int, flt: PostFilter,
                       brand: list[str]) -> None:
    start, end = to_timestamp(edges[0]), to_timestamp(edges[-1])
    origin_ms, step_ms = int(edges[0]) * 1000, step * 1000
    names, params = flt.sql(brand)
    rows = con.execute(q.series_posts(names), [origin_ms, step_ms, start, end, *params]).fetchall()
    if rows:
        slots = np.array([r[0] for r in rows], np.int64)
        acc.add_counts(_slot_bins(slots, edges, step), np.array([r[1] for r in rows], object),
                       _columns(rows, 2))
    rows = con.execute(q.before_and_firsts_posts(names),
                       [end, *params, start, start, origin_ms, step_ms]).fetchall()
    for what, slot, value in rows:
        if what == "exposure":
            acc.exposure_before += int(value or 0)
    firsts = [(slot, value) for what, slot, value in rows if what == "first"]
    if firsts:
        slots = np.array([s for s, _ in firsts], np.int64)
        acc.add_audience(_slot_bins(slots, edges, step), np.array([v or 0 for _, v in firsts], np.int64))


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
        values = list(row)
        for i in (21, 22, 23):
            values[i] = list(values[i] or [])
        return cls(*values)


def posts_around(
    ws: Workspace,
    t: float,
    half_window: float,
    flt: PostFilter = PostFilter(),
    sort: str = "time",
    descending: bool = False,
    limit: int = 500,
    con: duckdb.DuckDBPyConnection | None = None,
) -> tuple[list[PostRow], int]:
    """The posts in [t - half_window, t + half_window] (Unix seconds, both ends included),
    sorted; returns (at most ``limit`` rows, how many posts the window holds in all).
    Unknown followers and unscored posts sort last whichever the direction."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    con = con or ws.cursor()
    lo, hi = to_timestamp(t - abs(half_window)), to_timestamp(t + abs(half_window))
    names, params = flt.sql(brand_handles(ws, con) if flt.brand != "all" else [])
    total = con.execute(q.count_between(names), [lo, hi, *params]).fetchone()[0]
    if total == 0 or limit <= 0:
        return [], int(total)
    rows = con.execute(q.posts_between(names, sort, bool(descending)),
                       [lo, hi, *params, int(limit)]).fetchall()
    return [PostRow.from_row(r) for r in rows], int(total)


# Twitter ids are snowflakes: milliseconds since this moment, shifted left by 22 bits.
_TWITTER_EPOCH_MS = 1288834974657
_SNOWFLAKE_MIN = 1 << 40


def get_post(ws: Workspace, platform: str, post_id: str,
             con: duckdb.DuckDBPyConnection | None = None) -> PostRow | None:
    con = con or ws.cursor()
    near = _snowflake_time(platform, post_id)
    if near is not None:
        # a window of a few seconds around the id's own time skips almost every row group
        row = con.execute(q.GET_POST_NEAR, [to_timestamp(near - 2), to_timestamp(near + 2),
                                            platform, post_id]).fetchone()
        if row is not None:
            return PostRow.from_row(row)
    row = con.execute(q.GET_POST, [platform, post_id]).fetchone()
    return PostRow.from_row(row) if row else None


def original_of(ws: Workspace, row: PostRow, con: duckdb.DuckDBPyConnection | None = None) -> PostRow | None:
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
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[Amplifier]:
    """Accounts ranked by the exposure they contributed in [start, end). ``followers`` is
    the latest known count in the range."""
    con = con or ws.cursor()
    if end <= start or limit <= 0:
        return []
    st = rollup.ensure(ws, con=con)
    names, params = flt.sql(brand_handles(ws, con) if flt.brand != "all" else [])
    sql = q.amplifiers(names, "rollup" if st is not None else "posts")
    rows = con.execute(sql, [to_timestamp(start), to_timestamp(end), *params, int(limit)]).fetchall()
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


def ws_timezone(ws: Workspace, con: duckdb.DuckDBPyConnection | None = None) -> str:
    row = (con or ws.cursor()).execute(q.META_VALUE, ["timezone"]).fetchone()
    return row[0] if row and row[0] else "UTC"


def brand_handles(ws: Workspace, con: duckdb.DuckDBPyConnection | None = None) -> list[str]:
    row = (con or ws.cursor()).execute(q.META_VALUE, ["brand_handles"]).fetchone()
    return rollup.brand_list(row[0] if row else None)
