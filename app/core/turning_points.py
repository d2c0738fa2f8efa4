"""Suggested turning points: candidate moments of an incident, each with its evidence.

A post-mortem is made of "when did it turn, why, who carried it, what did we do and how
fast". :func:`suggest` reads a workspace and proposes :class:`Suggestion` objects of eight
kinds; the user accepts them (they become annotations) or dismisses them. Every suggestion
carries a one-sentence explanation with its numbers, a strength ``score`` (0..1, meant to be
comparable across kinds) and ``evidence``: the posts and accounts behind it and the figures.

How each kind is found (every threshold is a field of :class:`Settings`; nothing is fitted to
any one incident):

* ``volume_change``: change points in the binned posting rate. The bin is chosen from the
  incident's length (:func:`app.core.early_warning.analysis_bin`). The series is taken as
  log(posts + 1), so that a change is a ratio whatever the volume; when the incident covers
  several whole days its daily rhythm is removed first (per time of day, the median over the
  days of each day's deviation from its own median, smoothed over two hours), so that
  mornings and evenings are not taken for escalations. Change points are found by PELT
  (penalised exact search, Killick et al. 2012) with a squared-error cost and a BIC-like
  penalty scaled by the noise (estimated robustly from the median absolute difference of
  neighbouring bins). Neighbouring levels that differ by less than ``volume_min_ratio`` are
  then merged, weakest first. Rises and falls are both reported, with the rates before and
  after.
* ``sentiment_shift``: binary segmentation of the share of negative posts (VADER compound
  <= -0.05) with a binomial likelihood-ratio test at each split (significance ``sentiment_alpha``
  with a Bonferroni correction for the number of places tried), each side holding at least
  ``sentiment_min_posts`` scored posts; changes smaller than ``sentiment_min_delta`` (points)
  or ``sentiment_min_effect`` (Cohen's h, on which 1% -> 4% weighs as much as 40% -> 50%)
  are then merged away, weakest first. Retweets are left out by default: a cascade repeats
  one voice, and the test assumes independent posts.
* ``influencer_entry``: the first post of each account whose followers are at least
  ``influencer_median_ratio`` times the median account's and in the top
  ``influencer_top_share`` of accounts, with the exposure it brought in the following
  ``influencer_window_hours`` (its own posts' followers plus those of the accounts that
  retweeted or quoted them). Brand and press accounts are reported as their own kinds.
* ``amplification``: posts that collected at least ``amplification_min_shares`` retweets and
  quotes within ``amplification_window_minutes``; the time is that burst.
* ``press_pickup``: posts by the news organisations of ``resources/press.json`` or linking
  to their sites (subdomains included): the first per outlet, the very first marked as such.
  A link whose address carries a date long before the incident (``/2013/06/19/``) is older
  material brought in as ammunition, not coverage, and is passed over.
* ``brand_action``: every post by the workspace's brand accounts, with its response latency:
  the time since the escalation began (the last volume rise) and since the last turning
  point of another kind, both counting only suggestions of at least
  ``brand_latency_min_score``.
* ``peak``: the highest-volume period, the peak of every other wave, and the period with
  the most negative posts (negative share times volume).
* ``early_warning``: when the simple rule of :mod:`app.core.early_warning` (negative share and
  volume of the last hour against their trailing 24-hour baseline) would first have fired,
  and the lead time that gave before the peak.

Scores (0..1) grow with each kind's effect size and prominence: a volume change with the
log of its ratio and the volume it reached, a sentiment shift with its size and z, an
influencer with the exposure it brought over the median account, an amplification with its
shares and their share of all posts then, the press with the outlet's audience, a brand post
with the reactions it drew; the busiest period scores 0.8 and an alert with a lead 0.9.

Everything is computed from one binned series (answered by the rollups) and a handful of
targeted queries (:mod:`app.core.store.turning_points_sql`), never a Python loop over posts,
so it runs in about a second on a million posts. Pass ``con=ws.cursor()`` to run it on a
worker thread. No Qt.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from statistics import NormalDist
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import numpy as np

from app.core import early_warning, metrics, rollup
from app.core.early_warning import DEFAULT_MAX_BINS, Alert, AlertRule, alert_from_series, analysis_bin
from app.core.progress import NullProgress, Progress, check
from app.core.store import turning_points_sql as q
from app.core.store.workspace import Workspace

KINDS = (
    "volume_change",
    "sentiment_shift",
    "influencer_entry",
    "amplification",
    "press_pickup",
    "brand_action",
    "peak",
    "early_warning",
)

#: Kinds read off the binned series: two of the same kind and direction close in time are
#: one event seen twice. The others are about a post or an account, and two different ones
#: close in time are two events (two outlets picking the story up within minutes).
_SERIES_KINDS = frozenset({"volume_change", "sentiment_shift", "peak", "early_warning"})

_RETWEETLESS = frozenset({"post", "reply", "quote"})


# ---- what a suggestion is -------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """One candidate turning point. Times are Unix seconds (UTC)."""

    time: float
    end: float | None
    kind: str
    label: str
    explanation: str
    score: float
    evidence: dict = field(compare=False)

    def key(self) -> str:
        """A stable id (kind, time and the main post, account or direction) so that the UI can
        remember which suggestions the user dismissed."""
        subject = self.evidence.get("subject") or ""
        if not subject:
            posts, accounts = self.evidence.get("post_ids") or [], self.evidence.get("accounts") or []
            subject = posts[0] if posts else (accounts[0] if accounts else "")
        return f"{self.kind}:{round(self.time)}:{subject}"

    def as_json(self) -> dict:
        return {
            "time": iso_utc(self.time),
            "end": iso_utc(self.end) if self.end is not None else None,
            "kind": self.kind,
            "label": self.label,
            "explanation": self.explanation,
            "score": round(float(self.score), 3),
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Settings:
    """Every threshold of every detector. The defaults are general-purpose choices (see the
    module's notes), not fitted to any incident."""

    #: analysis bin in seconds; ``None`` chooses it so that the incident fits in ``max_bins``
    bin_seconds: int | None = None
    max_bins: int = DEFAULT_MAX_BINS

    # volume_change
    #: neighbouring levels must differ by at least this factor (geometric means, daily rhythm removed)
    volume_min_ratio: float = 3.0
    #: PELT penalty per change point, in units of noise variance x log(bins) (2 is BIC)
    volume_penalty: float = 3.0
    #: a level lasts at least this many bins (a single busy bin is a peak, not a new level)
    volume_min_bins: int = 2
    #: the busier side of a change averages at least this many posts per bin
    volume_min_posts: float = 5.0
    #: remove the daily rhythm when the incident covers at least this many whole days
    seasonal_min_days: int = 3

    # sentiment_shift
    #: each side of a shift holds at least this many scored posts
    sentiment_min_posts: int = 30
    #: the negative share changes by at least this much (0.05 = 5 points) ...
    sentiment_min_delta: float = 0.05
    #: ... and by at least this effect size (Cohen's h; 0.2 is "small"): 1% -> 4% is as much
    #: of a change as 40% -> 50%, which points alone would not say
    sentiment_min_effect: float = 0.2
    #: significance of each split, Bonferroni-corrected for the places tried
    sentiment_alpha: float = 0.01
    #: count retweets as posts in the test (off: a cascade repeats one voice)
    sentiment_include_retweets: bool = False

    # influencer_entry
    #: followers at least this many times the median account's ...
    influencer_median_ratio: float = 50.0
    #: ... and among the top this share of accounts (0.01 = top 1%)
    influencer_top_share: float = 0.01
    #: the exposure an entry brought is counted over this many hours after it
    influencer_window_hours: float = 6.0
    #: at most this many entries, those that brought the most exposure
    influencer_max: int = 12

    # amplification
    #: the burst window
    amplification_window_minutes: float = 60.0
    #: at least this many retweets and quotes within the window
    amplification_min_shares: int = 50
    #: at most this many posts, the largest bursts
    amplification_max: int = 10

    # press_pickup
    #: a linked article dated more than this many days before the incident's first post is old material
    press_link_max_age_days: float = 2.0
    #: at most this many outlets, the earliest
    press_max_outlets: int = 30
    #: the press list (None: resources/press.json)
    press_list: str | None = None

    # brand_action
    #: turning points counted for a brand post's response latency have at least this score
    brand_latency_min_score: float = 0.5

    # peak
    #: the most negative period holds at least this many scored posts per bin
    peak_min_posts: int = 30
    #: a peak period extends over neighbouring bins within this share of the peak bin
    peak_period_share: float = 0.9

    # early_warning
    alert: AlertRule = AlertRule()

    # deduplication
    #: series suggestions of one kind and direction within this many bins are one event
    dedupe_bins: int = 2


# ---- the press list -------------------------------------------------------------------------


@dataclass(frozen=True)
class PressList:
    """News organisations: press account handles and news domains, each mapped to its
    outlet's name (lower-case keys, handles without @)."""

    accounts: dict[str, str]
    domains: dict[str, str]


_press_cache: dict[tuple[str, float], PressList] = {}
_press_lock = threading.Lock()


def press_list_path() -> Path:
    from app.paths import bundled

    return bundled("resources") / "press.json"


def load_press_list(path: str | os.PathLike | None = None) -> PressList:
    """Read a press list: ``{"outlets": [{"name", "accounts": [...], "domains": [...]}]}``,
    and/or top-level ``"accounts"`` and ``"domains"`` (lists, or objects mapping each to its
    outlet's name). Handles lose their @ and case; domains lose a scheme, ``www.`` and case."""
    path = Path(path) if path is not None else press_list_path()
    key = (str(path), path.stat().st_mtime)
    with _press_lock:
        hit = _press_cache.get(key)
    if hit is not None:
        return hit
    data = json.loads(path.read_text(encoding="utf-8"))
    accounts: dict[str, str] = {}
    domains: dict[str, str] = {}

    def add(target: dict[str, str], items, outlet: str | None, clean) -> None:
        pairs = items.items() if isinstance(items, dict) else ((i, None) for i in items or [])
        for item, name in pairs:
            k = clean(str(item))
            if k:
                target.setdefault(k, str(name or outlet or item))

    for outlet in data.get("outlets", []):
        add(accounts, outlet.get("accounts"), outlet.get("name"), _clean_handle)
        add(domains, outlet.get("domains"), outlet.get("name"), _clean_domain)
    add(accounts, data.get("accounts"), None, _clean_handle)
    add(domains, data.get("domains"), None, _clean_domain)
    press = PressList(accounts, domains)
    with _press_lock:
        _press_cache[key] = press
    return press


def _clean_handle(h: str) -> str:
    return h.strip().lstrip("@").lower()


def _clean_domain(d: str) -> str:
    d = d.strip().lower()
    d = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", d).split("/", 1)[0]
    return d[4:] if d.startswith("www.") else d


# ---- the entry point ------------------------------------------------------------------------


def suggest(
    ws: Workspace,
    settings: Settings | None = None,
    progress: Progress | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[Suggestion]:
    """Every suggested turning point of the workspace, sorted by time (then kind). Without
    ``settings``, the defaults with the workspace's own early-warning rule."""
    if settings is None:
        settings = Settings(alert=early_warning.load_rule(ws))
    progress = progress or NullProgress()
    con = con or ws.cursor()
    span = metrics.incident_span(ws, con)
    if span is None:
        return []
    ctx = _Context(ws, con, settings, span)
    steps = [
        ("Looking for changes in volume", _volume_and_peaks),
        ("Looking for shifts in sentiment", _sentiment_shifts),
        ("Replaying the early-warning rule", _early_warning),
        ("Looking for influential accounts", _influencer_entries),
        ("Looking for amplified posts", _amplifications),
        ("Looking for the press", _press_pickups),
    ]
    found: list[Suggestion] = []
    for i, (message, detector) in enumerate(steps):
        check(progress)
        progress.report(i, len(steps) + 1, message)
        found += detector(ctx)
    check(progress)
    progress.report(len(steps), len(steps) + 1, "Listing the brand's actions")
    found = _dedupe(found, settings.dedupe_bins * ctx.bin)
    found += _brand_actions(ctx, found)
    progress.report(1, 1, "Turning points ready")
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(found, key=lambda s: (s.time, order.get(s.kind, 99), s.key()))


class _Context:
    """What every detector needs: the workspace, its settings, the incident's span and its
    series at the analysis bin (fetched once)."""

    def __init__(self, ws: Workspace, con, settings: Settings, span: tuple[float, float]) -> None:
        self.ws, self.con, self.settings = ws, con, settings
        self.start, self.last = span
        st = rollup.state(ws, con)
        self.brand: list[str] = list(st.stamp["brand"])
        self.zone = _zone(st.timezone)
        self.bin = int(settings.bin_seconds or analysis_bin(self.last - self.start, settings.max_bins))
        self.series = metrics.binned_series(ws, self.start, self.last + 1, self.bin, con=con)
        self._retweetless: metrics.Series | None = None
        self._press: PressList | None = None

    def rollups_usable(self) -> bool:
        """Whether the rollup tables describe the posts as they are (a read-only workspace's
        may be stale or missing)."""
        return rollup.ensure(self.ws, con=self.con, scores_lag_factor=metrics.SCORES_LAG_FACTOR) is not None

    @property
    def retweetless(self) -> metrics.Series:
        if self._retweetless is None:
            self._retweetless = metrics.binned_series(
                self.ws,
                self.start,
                self.last + 1,
                self.bin,
                metrics.PostFilter(kinds=_RETWEETLESS),
                con=self.con,
            )
        return self._retweetless

    @property
    def press(self) -> PressList:
        if self._press is None:
            self._press = load_press_list(self.settings.press_list)
        return self._press

    def when(self, t: float) -> str:
        return when(t, self.zone)

    def clock(self, t: float) -> str:
        return datetime.fromtimestamp(t, self.zone).strftime("%H:%M %Z")

    def top_accounts(self, a: float, b: float, limit: int = 5) -> tuple[list[str], list[str]]:
        """The accounts that brought the most exposure in [a, b) and their top posts."""
        amps = metrics.top_amplifiers(self.ws, a, b, limit=limit, con=self.con)
        accounts = [x.author_handle for x in amps]
        posts = [p for x in amps for p in x.top_post_ids[:1]]
        return accounts, posts

    def extreme_posts(self, a: float, b: float, negative: bool, limit: int = 5) -> list[metrics.PostRow]:
        """The most negative (or positive) posts in [a, b]."""
        rows, _ = metrics.posts_around(
            self.ws,
            (a + b) / 2,
            (b - a) / 2,
            sort="sentiment",
            descending=not negative,
            limit=limit,
            con=self.con,
        )
        return [r for r in rows if r.compound is not None]


# ---- volume changes and peaks ---------------------------------------------------------------


def _volume_and_peaks(ctx: _Context) -> list[Suggestion]:
    s, cfg = ctx.series, ctx.settings
    counts = s.total.astype(np.float64)
    n = len(counts)
    if n == 0 or counts.sum() == 0:
        return []
    z = np.log1p(counts) - _daily_rhythm(ctx, counts)
    bounds = [0, n]
    if n >= 2 * cfg.volume_min_bins:
        sigma = _noise(z)
        beta = cfg.volume_penalty * sigma**2 * math.log(max(n, 2))
        cps = _pelt(z, beta, max(1, cfg.volume_min_bins))
        bounds = _merge_levels([0, *cps, n], z, math.log(cfg.volume_min_ratio))
    levels = [float(z[a:b].mean()) for a, b in itertools.pairwise(bounds)]
    rates = [float(counts[a:b].mean()) for a, b in itertools.pairwise(bounds)]
    top_rate = max(rates)
    out: list[Suggestion] = []
    for j in range(1, len(bounds) - 1):
        a, b, c = bounds[j - 1], bounds[j], bounds[j + 1]
        before, after = rates[j - 1], rates[j]
        if max(before, after) < cfg.volume_min_posts:
            continue
        out.append(_volume_change(ctx, a, b, c, before, after, levels[j] - levels[j - 1], top_rate))
    out += _peaks(ctx, counts, bounds, levels, rates)
    return out


def _volume_change(
    ctx: _Context, a: int, b: int, c: int, before: float, after: float, delta: float, top_rate: float
) -> Suggestion:
    s = ctx.series
    t, ends = float(s.t[b]), s.bin_ends
    rise = delta > 0
    per = _per_unit(ctx.bin)
    unit = _unit_name(ctx.bin)
    first = float(s.total[b])
    ratio = (after / before) if before > 0 else math.inf
    before_hours = (s.t[b] - s.t[a]) / 3600
    after_hours = (ends[c - 1] - s.t[b]) / 3600
    effect = min(1.0, abs(delta) / math.log(100))
    prominence = (max(before, after) / top_rate) ** 0.25 if top_rate > 0 else 0.0
    score = math.sqrt(effect * prominence) * (1.0 if rise else 0.6)
    accounts, posts = ctx.top_accounts(t, float(ends[b]))
    if rise:
        verb = "jumps" if ratio >= 10 else "rises"
        label = f"Volume {verb} {_times_label(ratio)}"
        explanation = (
            f"Posts rose from {_rate(before * per)} to {_rate(after * per)} {unit} at {ctx.when(t)}"
            f" ({_n(first)} in the first {_bin_words(ctx.bin)}), {_times_words(ratio)} the average of the "
            f"previous {_hours_words(before_hours)}; the new level held for {_hours_words(after_hours)}."
        )
    else:
        label = f"Volume falls {_divide_label(ratio)}"
        explanation = (
            f"Posts fell from {_rate(before * per)} to {_rate(after * per)} {unit} at {ctx.when(t)}"
            f" ({_n(first)} in the first {_bin_words(ctx.bin)}), {_fraction_words(ratio)} the average of the "
            f"previous {_hours_words(before_hours)}; the lower level held for {_hours_words(after_hours)}."
        )
    evidence = {
        "subject": "rise" if rise else "fall",
        "post_ids": posts,
        "accounts": accounts,
        "direction": "rise" if rise else "fall",
        "bin_seconds": ctx.bin,
        "rate_before_per_hour": round(before * 3600 / ctx.bin, 2),
        "rate_after_per_hour": round(after * 3600 / ctx.bin, 2),
        "posts_first_bin": int(first),
        "ratio": _finite(ratio),
        "before_from": iso_utc(float(s.t[a])),
        "after_to": iso_utc(float(ends[c - 1])),
    }
    return Suggestion(t, None, "volume_change", label, explanation, _clip(score), evidence)


def _peaks(
    ctx: _Context, counts: np.ndarray, bounds: list[int], levels: list[float], rates: list[float]
) -> list[Suggestion]:
    s, cfg = ctx.series, ctx.settings
    out: list[Suggestion] = []
    top = int(np.argmax(counts))
    top_count = float(counts[top])
    out.append(_peak(ctx, counts, top, "volume", 0.8, top_count))
    # every other wave: a level above its neighbours that rose clear of the quietest level
    base = min(levels)
    for j, (a, b) in enumerate(itertools.pairwise(bounds)):
        higher_than_left = j == 0 or levels[j] > levels[j - 1]
        higher_than_right = j == len(levels) - 1 or levels[j] > levels[j + 1]
        if not (higher_than_left and higher_than_right) or len(levels) == 1:
            continue
        if levels[j] - base < math.log(cfg.volume_min_ratio) or a <= top < b:
            continue
        i = a + int(np.argmax(counts[a:b]))
        if counts[i] < cfg.volume_min_posts:
            continue
        out.append(_peak(ctx, counts, i, "wave", 0.8 * math.sqrt(counts[i] / top_count), top_count))
    # the most negative period: negative share times volume, where enough posts were scored
    neg = np.rint(np.nan_to_num(s.neg_share) * s.scored)
    enough = s.scored >= cfg.peak_min_posts
    if enough.any() and neg[enough].max() > 0:
        i = int(np.flatnonzero(enough)[np.argmax(neg[enough])])
        share = float(s.neg_share[i])
        out.append(_peak(ctx, neg, i, "negative", 0.5 + 0.4 * min(1.0, share / 0.5), top_count))
    return out


def _peak(ctx: _Context, values: np.ndarray, i: int, role: str, score: float, top_count: float) -> Suggestion:
    s, cfg = ctx.series, ctx.settings
    lo = hi = i
    floor = cfg.peak_period_share * values[i]
    while lo > 0 and values[lo - 1] >= floor:
        lo -= 1
    while hi < len(values) - 1 and values[hi + 1] >= floor:
        hi += 1
    t, end = float(s.t[lo]), float(s.bin_ends[hi])
    period = _bin_words(ctx.bin) if lo == hi else _hours_words((end - t) / 3600)
    busiest = float(s.t[i])
    accounts, posts = ctx.top_accounts(busiest, float(s.bin_ends[i]))
    posts_i = int(s.total[i])
    evidence = {
        "subject": role,
        "post_ids": posts,
        "accounts": accounts,
        "role": role,
        "bin_seconds": ctx.bin,
        "peak_bin": iso_utc(busiest),
        "posts_peak_bin": posts_i,
        "posts_in_period": int(s.total[lo : hi + 1].sum()),
        "bins_in_period": int(hi - lo + 1),
    }
    near = (
        ""
        if lo == hi
        else (f", and the {period} from {ctx.clock(t)} stayed within {_pct(1 - cfg.peak_period_share)} of it")
    )
    if role == "volume":
        label = f"Peak: {_n(posts_i)} posts {_per_bin_words(ctx.bin)}"
        explanation = (
            f"The busiest {_bin_words(ctx.bin)} of the incident: {_n(posts_i)} posts from "
            f"{ctx.when(busiest)}{near}."
        )
    elif role == "wave":
        label = f"Wave peak: {_n(posts_i)} posts {_per_bin_words(ctx.bin)}"
        explanation = (
            f"Another wave peaked at {_n(posts_i)} posts in the {_bin_words(ctx.bin)} from "
            f"{ctx.when(busiest)} "
            f"({_pct(posts_i / top_count)} of the incident's busiest){near}."
        )
    else:
        negative = int(values[i])
        share = float(s.neg_share[i])
        evidence.update(
            {"negative_posts": negative, "negative_share": round(share, 4), "scored": int(s.scored[i])}
        )
        rows = ctx.extreme_posts(busiest, float(s.bin_ends[i]), negative=True)
        evidence["post_ids"] = _unique([r.post_id for r in rows] + posts)
        evidence["accounts"] = _unique([r.author_handle for r in rows if r.author_handle] + accounts)
        label = f"Most negative: {_n(negative)} negative posts {_per_bin_words(ctx.bin)}"
        explanation = (
            f"The most negative {_bin_words(ctx.bin)}: {_n(negative)} of {_n(s.scored[i])} scored posts were "
            f"negative ({_pct(share)}) from {ctx.when(busiest)}{near}."
        )
    return Suggestion(t, end, "peak", label, explanation, _clip(score), evidence)


def _daily_rhythm(ctx: _Context, counts: np.ndarray) -> np.ndarray:
    """log(posts + 1)'s typical deviation at each bin's time of day (zeros when the incident
    is too short or the bin too coarse to tell)."""
    cfg = ctx.settings
    width = ctx.bin
    n = len(counts)
    none = np.zeros(n)
    if width > 3 * 3600 or 86400 % width:
        return none
    per_day = 86400 // width
    local = [datetime.fromtimestamp(float(t), ctx.zone) for t in ctx.series.t]
    slots = np.array([(d.hour * 3600 + d.minute * 60 + d.second) // width for d in local]) % per_day
    days = np.array([d.toordinal() for d in local])
    y = np.log1p(counts)
    rows = []
    for day in np.unique(days):
        sel = days == day
        if sel.sum() != per_day or len(set(slots[sel])) != per_day:
            continue  # a partial day (the first, the last, or a daylight-saving change)
        row = np.empty(per_day)
        row[slots[sel]] = y[sel]
        rows.append(row - np.median(row))
    if len(rows) < max(cfg.seasonal_min_days, 1):
        return none
    profile = np.median(np.vstack(rows), axis=0)
    half = max(1, round(3600 / width))
    kernel = np.ones(2 * half + 1) / (2 * half + 1)
    wrapped = np.concatenate([profile[-half:], profile, profile[:half]])
    profile = np.convolve(wrapped, kernel, mode="valid")
    return profile[slots]


def _noise(z: np.ndarray) -> float:
    """The noise's standard deviation, from the median absolute difference of neighbours
    (robust to the few large jumps that are the changes themselves)."""
    d = np.diff(z)
    if not len(d):
        return 1.0
    mad = float(np.median(np.abs(d - np.median(d))))
    sigma = mad / (0.6745 * math.sqrt(2))
    if sigma <= 0:
        sigma = float(np.std(d)) / math.sqrt(2)
    # a floor: a series of perfectly steady counts has no noise to scale the penalty by
    return max(sigma, 0.05)


def _pelt(y: np.ndarray, beta: float, min_size: int) -> list[int]:
    """Change points of the mean of ``y`` (segment starts, excluding 0) minimising the
    squared error plus ``beta`` per change, each segment at least ``min_size`` long: PELT
    (Killick, Fearnhead & Eckley 2012), with the candidates of each step evaluated at once."""
    n = len(y)
    s1 = np.concatenate(([0.0], np.cumsum(y)))
    s2 = np.concatenate(([0.0], np.cumsum(y * y)))

    def cost(starts: np.ndarray, t: int) -> np.ndarray:
        length = t - starts
        total = s1[t] - s1[starts]
        return (s2[t] - s2[starts]) - total * total / length

    best = np.full(n + 1, np.inf)
    best[0] = -beta
    last = np.zeros(n + 1, dtype=np.int64)
    alive = np.array([0], dtype=np.int64)
    for t in range(min_size, n + 1):
        new = t - min_size
        if new >= min_size and np.isfinite(best[new]):
            alive = np.append(alive, new)
        ready = alive[(t - alive >= min_size) & np.isfinite(best[alive])]
        if not len(ready):
            continue
        c = best[ready] + cost(ready, t)
        k = int(np.argmin(c))
        best[t] = c[k] + beta
        last[t] = ready[k]
        # pruning: a start that cannot beat the best now never will
        keep = np.ones(len(alive), dtype=bool)
        pos = np.searchsorted(alive, ready)
        keep[pos] = c <= best[t]
        alive = alive[keep]
    cps = []
    t = n
    while t > 0:
        t = int(last[t])
        if t > 0:
            cps.append(t)
    return sorted(cps)


def _merge_levels(bounds: list[int], z: np.ndarray, min_delta: float) -> list[int]:
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


# ---- sentiment shifts -----------------------------------------------------------------------


def _sentiment_shifts(ctx: _Context) -> list[Suggestion]:
    cfg = ctx.settings
    s = ctx.series if cfg.sentiment_include_retweets else ctx.retweetless
    n_scored = s.scored.astype(np.float64)
    neg = np.rint(np.nan_to_num(s.neg_share) * n_scored)
    if len(s) < 2 or n_scored.sum() < 2 * cfg.sentiment_min_posts:
        return []
    bounds = _binomial_segments(
        neg,
        n_scored,
        cfg.sentiment_min_posts,
        cfg.sentiment_alpha,
        cfg.sentiment_min_delta,
        cfg.sentiment_min_effect,
    )
    out = []
    ks = np.concatenate(([0.0], np.cumsum(neg)))
    ns = np.concatenate(([0.0], np.cumsum(n_scored)))
    for j in range(1, len(bounds) - 1):
        a, b, c = bounds[j - 1], bounds[j], bounds[j + 1]
        k1, n1 = ks[b] - ks[a], ns[b] - ns[a]
        k2, n2 = ks[c] - ks[b], ns[c] - ns[b]
        out.append(_sentiment_shift(ctx, s, a, b, c, k1, n1, k2, n2))
    return out


def _sentiment_shift(
    ctx: _Context, s: metrics.Series, a: int, b: int, c: int, k1: float, n1: float, k2: float, n2: float
) -> Suggestion:
    cfg = ctx.settings
    p1, p2 = k1 / n1, k2 / n2
    rise = p2 > p1
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2)) if 0 < pooled < 1 else 0.0
    zval = (p2 - p1) / se if se > 0 else 0.0
    t = float(s.t[b])
    ends = s.bin_ends
    look = float(ends[min(b + 1, len(s) - 1)])
    rows = ctx.extreme_posts(t, look, negative=rise)
    what = "posts" if cfg.sentiment_include_retweets else "posts (retweets not counted)"
    explanation = (
        f"The share of negative {what} {'rose' if rise else 'fell'} from {_pct(p1)} ({_n(k1)} of {_n(n1)} "
        f"since {ctx.when(float(s.t[a]))}) to {_pct(p2)} ({_n(k2)} of {_n(n2)} until "
        f"{ctx.when(float(ends[c - 1]))}) at {ctx.when(t)} (z = {abs(zval):.1f})."
    )
    label = f"Negative share {'up' if rise else 'down'}: {_pct(p1)} → {_pct(p2)}"
    effect = min(1.0, abs(p2 - p1) / 0.4)
    score = effect * (0.5 + 0.5 * min(1.0, abs(zval) / 10))
    evidence = {
        "subject": "rise" if rise else "fall",
        "post_ids": [r.post_id for r in rows],
        "accounts": _unique([r.author_handle for r in rows if r.author_handle]),
        "direction": "rise" if rise else "fall",
        "bin_seconds": ctx.bin,
        "negative_share_before": round(p1, 4),
        "negative_share_after": round(p2, 4),
        "negative_before": int(k1),
        "scored_before": int(n1),
        "negative_after": int(k2),
        "scored_after": int(n2),
        "z": round(zval, 2),
        "retweets_counted": bool(cfg.sentiment_include_retweets),
        "before_from": iso_utc(float(s.t[a])),
        "after_to": iso_utc(float(ends[c - 1])),
    }
    return Suggestion(t, None, "sentiment_shift", label, explanation, _clip(score), evidence)


def _binomial_segments(
    k: np.ndarray, n: np.ndarray, min_n: float, alpha: float, min_delta: float, min_effect: float
) -> list[int]:
    """Segment boundaries (including 0 and len) of a binomial share by binary segmentation
    with likelihood-ratio tests, then merging away changes that are too small."""
    m = len(k)
    ks = np.concatenate(([0.0], np.cumsum(k)))
    ns = np.concatenate(([0.0], np.cumsum(n)))

    def ll(kk, nn):
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(nn > 0, kk / np.where(nn > 0, nn, 1), 0.0)
            a = np.where(kk > 0, kk * np.log(np.where(p > 0, p, 1)), 0.0)
            b = np.where(nn - kk > 0, (nn - kk) * np.log(np.where(p < 1, 1 - p, 1)), 0.0)
        return a + b

    def split_stat(a: int, b: int) -> tuple[int, float, int]:
        cand = np.arange(a + 1, b)
        left_n, right_n = ns[cand] - ns[a], ns[b] - ns[cand]
        ok = (left_n >= min_n) & (right_n >= min_n)
        cand = cand[ok]
        if not len(cand):
            return -1, 0.0, 0
        g = 2 * (
            ll(ks[cand] - ks[a], ns[cand] - ns[a])
            + ll(ks[b] - ks[cand], ns[b] - ns[cand])
            - ll(np.array(ks[b] - ks[a]), np.array(ns[b] - ns[a]))
        )
        i = int(np.argmax(g))
        return int(cand[i]), float(g[i]), len(cand)

    cps: list[int] = []
    todo = [(0, m)]
    while todo:
        a, b = todo.pop()
        s, g, tried = split_stat(a, b)
        if s < 0 or g < _chi2_1_isf(alpha / tried):
            continue
        cps.append(s)
        todo += [(a, s), (s, b)]
    bounds = [0, *sorted(cps), m]
    # merge, weakest first, the changes that no longer hold once their neighbours are settled
    crit = _chi2_1_isf(alpha / max(m - 1, 1))
    while len(bounds) > 2:
        weakest, weakest_g = -1, math.inf
        for j in range(1, len(bounds) - 1):
            a, b, c = bounds[j - 1], bounds[j], bounds[j + 1]
            k1, n1, k2, n2 = ks[b] - ks[a], ns[b] - ns[a], ks[c] - ks[b], ns[c] - ns[b]
            g = float(
                2
                * (
                    ll(np.array(k1), np.array(n1))
                    + ll(np.array(k2), np.array(n2))
                    - ll(np.array(k1 + k2), np.array(n1 + n2))
                )
            )
            p1, p2 = k1 / max(n1, 1), k2 / max(n2, 1)
            small = (
                n1 < min_n
                or n2 < min_n
                or abs(p2 - p1) < min_delta
                or cohens_h(p1, p2) < min_effect
                or g < crit
            )
            if small and g < weakest_g:
                weakest, weakest_g = j, g
        if weakest < 0:
            break
        del bounds[weakest]
    return bounds


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's effect size for two proportions: the difference of their arcsine-root
    transforms (0.2 small, 0.5 medium, 0.8 large)."""

    def phi(p: float) -> float:
        return 2 * math.asin(math.sqrt(min(max(p, 0.0), 1.0)))

    return abs(phi(p2) - phi(p1))


def _chi2_1_isf(p: float) -> float:
    """The chi-square (1 degree of freedom) value exceeded with probability ``p``."""
    p = min(max(p, 1e-300), 1.0)
    return NormalDist().inv_cdf(1 - p / 2) ** 2 if p < 1 else 0.0


# ---- early warning --------------------------------------------------------------------------


def _early_warning(ctx: _Context) -> list[Suggestion]:
    rule = ctx.settings.alert
    if rule.bin_seconds and int(rule.bin_seconds) != ctx.bin:
        series = metrics.binned_series(ctx.ws, ctx.start, ctx.last + 1, int(rule.bin_seconds), con=ctx.con)
    else:
        series = ctx.series
    alert = alert_from_series(series, rule)
    return [] if alert is None else [alert_suggestion(ctx, alert)]


def alert_suggestion(ctx: _Context, alert: Alert) -> Suggestion:
    rows = ctx.extreme_posts(alert.end - alert.window_seconds, alert.end, negative=True)
    lead = alert.lead_seconds
    if lead > 0:
        label = f"Early warning: {_duration(lead)} before the peak"
        tail = (
            f"the peak ({_n(alert.peak_posts)} posts from {ctx.when(alert.peak_time)}) came "
            f"{_duration(lead)} later."
        )
    else:
        label = (
            "Early warning: only at the peak"
            if lead == 0
            else f"Early warning: {_duration(-lead)} after the peak"
        )
        tail = (
            f"that is {'at' if lead == 0 else _duration(-lead) + ' after'} the peak "
            f"({_n(alert.peak_posts)} posts from {ctx.when(alert.peak_time)})."
        )
    explanation = (
        f"A simple alert ({alert.rule.describe()}) would first have fired on the posts of the "
        f"{_bin_words(alert.bin_seconds)} from {ctx.when(alert.time)}: in the "
        f"{'hour' if alert.window_seconds == 3600 else _hours_words(alert.window_seconds / 3600)} to "
        f"{ctx.clock(alert.end)}, {_n(alert.negative)} of "
        f"{_n(alert.scored)} posts were negative ({_pct(alert.neg_share)}, against "
        f"{_pct(alert.baseline_neg_share)} before), at {_times_words(alert.volume_ratio)} the usual volume; "
        f"{tail}"
    )
    score = 0.9 if lead > 0 else 0.5
    evidence = {
        "subject": "alert",
        "post_ids": [r.post_id for r in rows],
        "accounts": _unique([r.author_handle for r in rows if r.author_handle]),
        **alert.figures(),
        "peak_time": iso_utc(alert.peak_time),
        "rule": {k: getattr(alert.rule, k) for k in alert.rule.__dataclass_fields__},
    }
    return Suggestion(alert.time, alert.end, "early_warning", label, explanation, score, evidence)


# ---- influencer entries ---------------------------------------------------------------------


def _influencer_entries(ctx: _Context) -> list[Suggestion]:
    cfg = ctx.settings
    accounts, median, top = ctx.con.execute(q.AUDIENCE, [1 - cfg.influencer_top_share]).fetchone()
    if not accounts or median is None:
        return []
    median = max(float(median), 1.0)
    threshold = max(cfg.influencer_median_ratio * median, float(top or 0))
    leave_out = sorted(set(ctx.brand) | set(ctx.press.accounts))
    window = cfg.influencer_window_hours * 3600
    rows = ctx.con.execute(
        q.INFLUENCERS, [threshold, leave_out, window, window, int(cfg.influencer_max)]
    ).fetchall()
    out = []
    for (
        _platform,
        handle,
        followers,
        first_at,
        first_post,
        first_kind,
        text,
        posts,
        posts_window,
        own_exposure,
        shares,
        share_exposure,
    ) in rows:
        t = metrics.to_unix(first_at)
        exposure = int(own_exposure) + int(share_exposure)
        times_median = followers / median
        action = {"retweet": "retweeted", "reply": "replied", "quote": "quoted"}.get(first_kind, "posted")
        explanation = (
            f"@{handle} ({_n(followers)} followers, {_n(times_median)} times the incident's median "
            f"account of "
            f"{_n(median)}) {action} for the first time at {ctx.when(t)}: “{_quote(text)}”; in the next "
            f"{_hours_words(cfg.influencer_window_hours)} its {_plural(posts_window, 'post')} and "
            f"{_plural(shares, 'retweet or quote', 'retweets and quotes')} of them reached "
            f"{_n(exposure)} followers."
        )
        score = min(1.0, math.log10(max(exposure, 1) / median) / 6)
        evidence = {
            "subject": f"@{handle.lower()}",
            "post_ids": [first_post],
            "accounts": [handle],
            "followers": int(followers),
            "median_followers": round(median, 1),
            "threshold_followers": round(threshold, 1),
            "posts_in_incident": int(posts),
            "posts_in_window": int(posts_window),
            "shares_in_window": int(shares),
            "exposure": exposure,
            "own_exposure": int(own_exposure),
            "share_exposure": int(share_exposure),
            "window_hours": cfg.influencer_window_hours,
        }
        out.append(
            Suggestion(
                t,
                None,
                "influencer_entry",
                f"@{handle} joins ({_short(followers)} followers)",
                explanation,
                _clip(score),
                evidence,
            )
        )
    return out


# ---- amplification --------------------------------------------------------------------------


def _amplifications(ctx: _Context) -> list[Suggestion]:
    cfg = ctx.settings
    window = max(60.0, cfg.amplification_window_minutes * 60)
    parts = 4  # the window slides in quarters: a burst is placed within a quarter of it
    slot = round(window / parts)
    minimum = int(cfg.amplification_min_shares)
    source = "rollup" if ctx.rollups_usable() else "posts"
    candidates = ctx.con.execute(q.BURST_CANDIDATES[source], [minimum]).fetchall()
    total_of = {(p, i): int(n) for p, i, n in candidates}
    keep = int(cfg.amplification_max)
    # A burst never exceeds its post's total: the most shared posts are counted slot by slot
    # first, and more only while a post left out could still make the list.
    take = max(100, 10 * keep)
    while True:
        top = candidates[:take]
        rows = []
        if top and keep > 0:
            rows = ctx.con.execute(
                q.BURSTS,
                [slot * 1000, [p for p, _, _ in top], [i for _, i, _ in top], parts - 1, minimum, keep],
            ).fetchall()
        if take >= len(candidates):
            break
        if len(rows) == keep and candidates[take][2] < min(r[2] for r in rows):
            break
        take *= 4
    windows = [((int(last) - parts + 1) * slot, (int(last) + 1) * slot) for _, _, _, last in rows]
    details, posted = {}, {}
    if rows:
        starts = [metrics.to_timestamp(a) for a, _ in windows]
        ends = [metrics.to_timestamp(b) for _, b in windows]
        platforms, ids = [r[0] for r in rows], [r[1] for r in rows]
        details = {
            (d[0], d[1]): d[2:]
            for d in ctx.con.execute(
                q.BURST_DETAILS, [platforms, ids, starts, ends, min(starts), max(ends)]
            ).fetchall()
        }
        posted = {(p, i): at for p, i, at in ctx.con.execute(q.POSTED_AT, [platforms, ids]).fetchall()}
    out = []
    for (platform, post_id, _burst, _last_slot), (a, b) in zip(rows, windows, strict=False):
        total = total_of[(platform, post_id)]
        lo, hi = metrics.to_timestamp(a), metrics.to_timestamp(b)
        if (platform, post_id) not in details:
            continue
        n, first, last, exposure, retweets, author, text, sharers, sharer_posts = details[(platform, post_id)]
        everything = ctx.con.execute(q.POSTS_BETWEEN, [lo, hi]).fetchone()[0]
        t0, t1 = metrics.to_unix(first), metrics.to_unix(last)
        original_at = posted.get((platform, post_id))
        who = f"@{author}" if author else "an unknown account"
        posted_words = f", posted at {ctx.clock(metrics.to_unix(original_at))}," if original_at else ""
        share = n / everything if everything else 0.0
        explanation = (
            f"{who}'s post “{_quote(text or '')}”{posted_words} was retweeted or quoted {_n(n)} times "
            f"within {_minutes_words(window)} from {ctx.when(t0)} ({_pct(share)} of all posts then; "
            f"{_n(total)} in all), reaching {_n(exposure)} followers."
        )
        score = 0.5 * min(1.0, math.log10(max(n, 1)) / 3) + 0.5 * min(1.0, 3 * share)
        evidence = {
            "subject": str(post_id),
            "post_ids": _unique([str(post_id), *(sharer_posts or [])]),
            "accounts": _unique([h for h in [author, *(sharers or [])] if h]),
            "author": author,
            "shares_in_window": int(n),
            "retweets_in_window": int(retweets),
            "shares_total": int(total),
            "share_of_posts": round(share, 4),
            "exposure": int(exposure),
            "window_minutes": window / 60,
        }
        out.append(
            Suggestion(
                t0,
                t1,
                "amplification",
                f"{who}'s post amplified: {_n(n)} shares in {_minutes_words(window)}",
                explanation,
                _clip(score),
                evidence,
            )
        )
    return out


# ---- press ----------------------------------------------------------------------------------


def _press_pickups(ctx: _Context) -> list[Suggestion]:
    cfg = ctx.settings
    press = ctx.press
    firsts: dict[str, dict] = {}

    def offer(outlet: str, item: dict) -> None:
        old = firsts.get(outlet)
        if old is None or (item["t"], item["post_id"]) < (old["t"], old["post_id"]):
            firsts[outlet] = item

    if press.accounts:
        for handle_lc, _platform, post_id, at, handle, followers, _kind, text, posts in ctx.con.execute(
            q.PRESS_ACCOUNTS, [sorted(press.accounts)]
        ).fetchall():
            offer(
                press.accounts[handle_lc],
                {
                    "t": metrics.to_unix(at),
                    "post_id": post_id,
                    "handle": handle,
                    "followers": followers,
                    "text": text,
                    "via": "account",
                    "posts": int(posts),
                    "url": None,
                    "domain": None,
                },
            )
    if press.domains:
        first_day = datetime.fromtimestamp(ctx.start, timezone.utc).date()
        oldest = first_day - timedelta(days=cfg.press_link_max_age_days)
        pattern = domains_pattern(press.domains)
        for domain, url, at, _platform, post_id, handle, followers, _kind, text, posts in ctx.con.execute(
            q.PRESS_LINKS, [pattern, pattern]
        ).fetchall():
            if domain not in press.domains:
                continue
            published = url_date(url)
            if published is not None and published < oldest:
                continue  # an older article brought in as ammunition, not coverage
            offer(
                press.domains[domain],
                {
                    "t": metrics.to_unix(at),
                    "post_id": post_id,
                    "handle": handle,
                    "followers": followers,
                    "text": text,
                    "via": "link",
                    "posts": int(posts),
                    "url": url,
                    "domain": domain,
                },
            )
    chosen = sorted(firsts.items(), key=lambda kv: (kv[1]["t"], kv[1]["post_id"]))[: cfg.press_max_outlets]
    out = []
    for rank, (outlet, it) in enumerate(chosen):
        who = f"@{it['handle']}" if it["handle"] else "an unknown account"
        first_words = (
            "the first post by or linking to a news organisation in the workspace"
            if rank == 0
            else f"the first from {outlet}"
        )
        if it["via"] == "account":
            explanation = (
                f"{who} ({outlet}, {_n(it['followers'] or 0)} followers) posted at {ctx.when(it['t'])}: "
                f"“{_quote(it['text'])}”; {first_words} ({_plural(it['posts'], 'post')} by it in all)."
            )
            score = 0.4 + 0.4 * min(1.0, math.log10(max(it["followers"] or 1, 1)) / 7)
        else:
            explanation = (
                f"{who} linked to {outlet} ({_short_url(it['url'])}) at {ctx.when(it['t'])}: "
                f"“{_quote(it['text'])}”; {first_words} "
                f"({_plural(it['posts'], 'post')} shared that link)."
            )
            score = 0.3 + 0.3 * min(1.0, math.log10(max(it["posts"], 1)) / 3)
        if rank == 0:
            score = max(score, 0.7)
        label = (f"First press pickup: {outlet}" if rank == 0 else f"Press: {outlet}") + (
            f" ({who})" if it["via"] == "account" else " (link)"
        )
        evidence = {
            "subject": outlet,
            "post_ids": [it["post_id"]],
            "accounts": [it["handle"]] if it["handle"] else [],
            "outlet": outlet,
            "via": it["via"],
            "first_overall": rank == 0,
            "followers": it["followers"],
            "url": it["url"],
            "domain": it["domain"],
            "posts": it["posts"],
        }
        out.append(Suggestion(it["t"], None, "press_pickup", label, explanation, _clip(score), evidence))
    return out


def domains_pattern(domains) -> str:
    """One regular expression matching a URL whose host is one of ``domains`` or a subdomain
    of one; group 1 is the domain (the longest listed one that fits)."""
    alternatives = "|".join(re.escape(d) for d in sorted(domains, key=lambda d: (-len(d), d)))
    return r"(?i)^[a-z][a-z0-9+.\-]*://(?:[^/@?#]*@)?(?:[^/:?#@]*?\.)??(" + alternatives + r")\.?(?:[:/?#]|$)"


_URL_DATES = (
    (re.compile(r"[/_.\-]((?:19|20)\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?!\d)"), "ymd"),
    (re.compile(r"(?<![\d.])((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d])"), "ymd"),
    (re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/"), "ym"),
)


def url_date(url: str) -> date | None:
    """The publication date a news URL carries in its path (``/2013/11/13/``,
    ``/2013-09-19/``, ``-2021-10-06/``, ``-20130619``, or a month ``/2013/11/``: its last
    day), if any."""
    path = re.sub(r"^[a-z][a-z0-9+.\-]*://[^/]*", "", url or "", flags=re.I)
    for pattern, how in _URL_DATES:
        m = pattern.search(path)
        if not m:
            continue
        try:
            if how == "ymd":
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            y, mo = int(m.group(1)), int(m.group(2))
            return date(y + (mo == 12), mo % 12 + 1, 1) - timedelta(days=1)
        except ValueError:
            continue
    return None


# ---- the brand's actions --------------------------------------------------------------------


def _brand_actions(ctx: _Context, others: list[Suggestion]) -> list[Suggestion]:
    if not ctx.brand:
        return []
    cfg = ctx.settings
    strong = sorted((s for s in others if s.score >= cfg.brand_latency_min_score), key=lambda s: s.time)
    rises = [s for s in strong if s.kind == "volume_change" and s.evidence.get("direction") == "rise"]
    out = []
    for (
        _platform,
        post_id,
        at,
        handle,
        _followers,
        kind,
        text,
        ref_author,
        retweets,
        quotes,
        replies,
    ) in ctx.con.execute(q.BRAND_POSTS, [ctx.brand, ctx.brand]).fetchall():
        t = metrics.to_unix(at)
        last = next((s for s in reversed(strong) if s.time < t), None)
        escalation = next((s for s in reversed(rises) if s.time < t), None)
        to = f" @{ref_author}" if ref_author else ""
        what = {
            "retweet": f"retweeted{to}",
            "reply": f"replied to{to}" if to else "replied",
            "quote": f"quoted{to}",
        }.get(kind, "posted")
        counts = (
            _plural(retweets, "retweet"),
            _plural(quotes, "quote"),
            _plural(replies, "reply", "replies"),
        )
        received = [x for x in counts if not x.startswith("0 ")]
        got = f" ({', '.join(received)} in the workspace)" if received else ""
        parts = []
        evidence = {
            "subject": str(post_id),
            "post_ids": [str(post_id)],
            "accounts": [handle],
            "post_kind": kind,
            "retweets": int(retweets),
            "quotes": int(quotes),
            "replies": int(replies),
            "latency_seconds": None,
            "latency_from": None,
            "since_escalation_seconds": None,
            "escalation_time": None,
        }
        if escalation is not None:
            parts.append(
                f"{_duration(t - escalation.time)} after the escalation began "
                f"({escalation.label.lower()} at {ctx.clock(escalation.time)})"
            )
            evidence["since_escalation_seconds"] = round(t - escalation.time)
            evidence["escalation_time"] = iso_utc(escalation.time)
        if last is not None:
            evidence["latency_seconds"] = round(t - last.time)
            evidence["latency_from"] = {
                "kind": last.kind,
                "time": iso_utc(last.time),
                "label": last.label,
                "key": last.key(),
            }
            if last is not escalation:
                parts.append(
                    f"{_duration(t - last.time)} after the last turning point "
                    f"({last.label} at {ctx.clock(last.time)})"
                )
        timing = (", " + " and ".join(parts)) if parts else ", before any turning point"
        explanation = f"@{handle} {what} at {ctx.when(t)}{got}: “{_quote(text)}”{timing}."
        reach = int(retweets) + int(quotes) + int(replies)
        score = 0.4 + 0.6 * min(1.0, math.log10(1 + reach) / 3)
        label = f"@{handle} {what.split(' ')[0]}: “{_quote(text, 40)}”"
        out.append(Suggestion(t, None, "brand_action", label, explanation, _clip(score), evidence))
    return out


# ---- deduplication --------------------------------------------------------------------------


def _dedupe(items: list[Suggestion], tolerance: float) -> list[Suggestion]:
    """One suggestion per event: series suggestions of the same kind and direction within
    ``tolerance`` seconds merge (the stronger is kept, with both's posts and accounts); any
    two of the same kind about the same post or account keep the earlier."""
    kept: list[Suggestion] = []
    for s in sorted(items, key=lambda x: (x.time, -x.score)):
        twin = None
        for i, k in enumerate(kept):
            if k.kind != s.kind or k.evidence.get("subject") != s.evidence.get("subject"):
                continue
            if s.kind not in _SERIES_KINDS or abs(k.time - s.time) <= tolerance:
                twin = i
                break
        if twin is None:
            kept.append(s)
            continue
        k = kept[twin]
        strong, weak = (k, s) if k.score >= s.score else (s, k)
        evidence = dict(strong.evidence)
        for name in ("post_ids", "accounts"):
            evidence[name] = _unique(list(strong.evidence.get(name, [])) + list(weak.evidence.get(name, [])))
        kept[twin] = Suggestion(
            strong.time, strong.end, strong.kind, strong.label, strong.explanation, strong.score, evidence
        )
    return kept


def _zone(name: str):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        # a damaged setting must not stop the analysis: times are then shown in UTC
        return ZoneInfo("UTC")


# ---- words and numbers ----------------------------------------------------------------------


def iso_utc(t: float) -> str:
    """Unix seconds -> ``2013-11-13T21:00:00Z``."""
    return datetime.fromtimestamp(round(float(t)), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def when(t: float, zone) -> str:
    """``16:00 EST on Wed 13 Nov`` in the display time zone."""
    d = datetime.fromtimestamp(float(t), zone)
    return f"{d:%H:%M} {d.tzname()} on {d:%a} {d.day} {d:%b}"


def _duration(seconds: float) -> str:
    # whole minutes elapsed, as a clock would show them
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        day_words = f"{days} day{'s' if days > 1 else ''}"
        return f"{day_words} {hours} h" if hours else day_words
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def _hours_words(hours: float) -> str:
    if hours < 1:
        return _minutes_words(hours * 3600)
    if hours >= 48 and abs(hours / 24 - round(hours / 24)) < 0.05:
        return f"{round(hours / 24)} days"
    h = round(hours, 1)
    return "1 hour" if h == 1 else f"{h:g} hours"


def _minutes_words(seconds: float) -> str:
    m = seconds / 60
    if m >= 60 and abs(m / 60 - round(m / 60)) < 1e-9:
        return "1 hour" if round(m / 60) == 1 else f"{round(m / 60)} hours"
    return f"{m:g} minutes"


def _bin_words(width: int) -> str:
    return {
        60: "minute",
        300: "5 minutes",
        900: "15 minutes",
        3600: "hour",
        10800: "3 hours",
        21600: "6 hours",
        43200: "12 hours",
        86400: "day",
    }.get(int(width), f"{int(width)} s")


def _per_bin_words(width: int) -> str:
    return {60: "a minute", 3600: "an hour", 86400: "a day"}.get(int(width), f"in {_bin_words(width)}")


def _per_unit(width: int) -> float:
    """Per-bin counts -> per-unit rates (an hour, or a day for coarse bins)."""
    return (3600 if width <= 3600 else 86400) / width


def _unit_name(width: int) -> str:
    return "an hour" if width <= 3600 else "a day"


def _n(x: float) -> str:
    return f"{round(float(x)):,}"


def _rate(x: float) -> str:
    return f"{x:.1f}" if 0 < x < 10 and abs(x - round(x)) >= 0.05 else _n(x)


def _short(x: float) -> str:
    x = float(x)
    if x >= 1e6:
        return f"{x / 1e6:.1f}M".replace(".0M", "M")
    if x >= 1e3:
        return f"{x / 1e3:.0f}k"
    return _n(x)


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%" if share * 100 >= 1 or share == 0 else f"{share * 100:.1f}%"


def _times_label(ratio: float) -> str:
    if not math.isfinite(ratio):
        return "from none"
    return f"×{ratio:.1f}" if ratio < 10 else f"×{ratio:,.0f}"


def _divide_label(ratio: float) -> str:
    return "to none" if ratio <= 0 else f"÷{1 / ratio:.1f}" if 1 / ratio < 10 else f"÷{1 / ratio:,.0f}"


def _times_words(ratio: float) -> str:
    if not math.isfinite(ratio):
        return "against none"
    return f"{ratio:.1f} times" if ratio < 10 else f"{ratio:,.0f} times"


def _fraction_words(ratio: float) -> str:
    if ratio <= 0:
        return "none of"
    inv = 1 / ratio
    return f"1/{inv:.1f} of" if inv < 10 else f"1/{inv:,.0f} of"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{_n(n)} {word if int(n) == 1 else (plural or word + 's')}"


def _quote(text: str | None, limit: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _short_url(url: str | None) -> str:
    u = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", url or "", flags=re.I)
    return u if len(u) <= 60 else u[:59] + "…"


def _unique(items: list) -> list:
    seen, out = set(), []
    for x in items:
        if x is not None and x not in seen:
            seen.add(x)
            out.append(x)
    return out


def _finite(x: float) -> float | None:
    return round(float(x), 2) if math.isfinite(x) else None


def _clip(x: float) -> float:
    return float(min(1.0, max(0.0, x)))
