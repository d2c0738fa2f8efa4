"""What the incident IS: its facts, computed once per state of the workspace, for every
renderer (the window, the CLI, the chronicle, the report) to word.

:func:`incident_facts` gathers, from :mod:`app.core.analysis` and the store:

* :class:`ArchiveFacts`: what the archive holds (posts, accounts, first and last post, how
  many posts carry a follower count or collected retweet counts, the retweets it holds);
* the analysis series, the main wave and the phases (:mod:`app.core.analysis.phases`), each
  phase with its figures (:class:`PhaseFacts`);
* :class:`ReachFacts`: exposure and unique audience, or why they are unknown;
* the findings of the detectors, ranked, and the turning points the report numbers
  (the team's accepted annotations, or the strongest findings);
* :class:`BrandFacts`: what the brand did and how fast, or why the archive cannot tell.

Every number is a :class:`~app.core.model.Figure` with its :class:`~app.core.model.Source`,
and an unknown one says why. Facts are cached by the workspace's file, the rollups' stamp
(which changes with every import, score and brand setting), the annotations and dismissals,
and the settings: the window and the report of one state share one computation.

No Qt; no SQL (the store answers).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from app.core import annotations as notes
from app.core import gc_pause, metrics, rollup
from app.core.analysis import phases as phase_rules
from app.core.analysis.context import zone_of
from app.core.model import Figure, Finding, Source
from app.core.progress import NullProgress, Progress, check
from app.core.store import facts_sql
from app.core.store.workspace import Workspace

PHASE_TITLES = {name: name.capitalize() for name in phase_rules.PHASE_NAMES}

#: how many findings the report numbers when the team has accepted none
STRONGEST_SHOWN = 12

_HOUR = 3600


def _t(seconds: float, source: Source | None = None) -> Figure:
    return Figure(float(seconds), "time", source=source)


@dataclass(frozen=True)
class ArchiveFacts:
    posts: Figure
    accounts: Figure
    first: Figure
    last: Figure
    by_kind: dict[str, Figure]
    with_followers: Figure
    with_followers_share: Figure
    retweets: Figure
    with_collected_counts: Figure
    platforms: tuple[str, ...]

    @property
    def followers_known(self) -> bool:
        return bool(self.with_followers.value)


@dataclass(frozen=True)
class ReachFacts:
    """Exposure: followers summed over posts (an account that posts four times counts four
    times); unique audience: the followers of the accounts that posted, each counted once
    (its highest count seen). Both unknown without follower counts; with some, both are
    partial and ``counted_share`` says over which share of the posts."""

    exposure: Figure
    unique_audience: Figure
    counted_share: Figure


@dataclass(frozen=True)
class RangeFacts:
    """The figures of a stretch of time [start, end): its posts and their rate, the sentiment
    of its scored posts (VADER's classes), its exposure and new unique audience (unknown
    without follower counts; ``counted_share`` of its posts carry one)."""

    start: Figure
    end: Figure
    posts: Figure
    rate: Figure
    scored: Figure
    negative: Figure
    negative_share: Figure
    exposure: Figure
    unique_audience: Figure
    counted_share: Figure

    @property
    def a(self) -> float:
        return float(self.start.value)  # type: ignore[arg-type]

    @property
    def b(self) -> float:
        return float(self.end.value)  # type: ignore[arg-type]

    @property
    def hours(self) -> float:
        return (self.b - self.a) / _HOUR


@dataclass(frozen=True)
class PhaseFacts:
    name: str
    title: str
    range: RangeFacts
    busiest_hour: Figure
    busiest_hour_posts: Figure
    #: the brand's posts in the phase (store rows, oldest first)
    brand_posts: list[Any] = field(default_factory=list)
    #: the most shared posts and the accounts whose posts were shared most, in the phase
    #: (:class:`app.core.analysis.amplification.SharedPosts` / ``SharedAccounts``)
    shared_posts: Any = None
    shared_accounts: Any = None

    @property
    def a(self) -> float:
        return self.range.a

    @property
    def b(self) -> float:
        return self.range.b


@dataclass(frozen=True)
class WaveFacts:
    """The incident's main wave (see :mod:`app.core.analysis.phases`) with the figures the
    summary states: the wave itself, everything before it, and the baseline (the day before
    it, or as much of it as the archive holds: ``baseline.start`` says where it really starts)."""

    range: RangeFacts
    before: RangeFacts | None
    baseline: RangeFacts | None
    peak_start: Figure
    peak_end: Figure
    busiest_hour: Figure
    busiest_hour_posts: Figure
    began_before_archive: bool
    ended_after_archive: bool
    shared_posts: Any = None
    shared_accounts: Any = None


@dataclass(frozen=True)
class TurningPoint:
    """A numbered turning point of the report: an accepted annotation or a finding."""

    number: int
    time: float
    end: float | None
    category: str
    kind: str | None
    label: str
    note: str
    accepted: bool
    finding: Finding | None = None
    annotation: notes.Annotation | None = None


@dataclass(frozen=True)
class Facts:
    name: str
    tz: str
    zone: ZoneInfo
    archive: ArchiveFacts
    reach: ReachFacts
    bin_seconds: int
    series: metrics.Series | None
    wave: WaveFacts | None
    phases: list[PhaseFacts]
    findings: list[Finding]
    turning_points: list[TurningPoint]
    accepted: bool
    brand_handles: list[str]
    brand_posts: list[Any]
    #: every finding, those the team dismissed included (the window lists them apart)
    all_findings: list[Finding] = field(default_factory=list)
    #: what the archive covers: where its collection may have begun or stopped, its gaps
    coverage: Any = None
    #: the early-warning rule replayed (fired, never fired, or could not fire, and why)
    replay: Any = None
    #: what the archive shows of the brand's side
    brand_visibility: Any = None
    #: accounts recognised as automated or utilities (left out of influence and shares)
    automated: list[Any] = field(default_factory=list)
    #: which evidence counts shares: the archive's own retweets, or the counts collected
    shares_basis: Any = None
    #: how much of the archive carries follower counts
    follower_coverage: Any = None
    #: the sentiment of the whole archive and of the main wave (coverage, raw, calibrated)
    sentiment: Any = None
    wave_sentiment: Any = None
    #: VADER against the team's labels (agreement, calibration)
    label_check: Any = None
    #: the incident's characteristic hashtags and keywords
    terms: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.archive.posts.value

    def phase(self, name: str) -> PhaseFacts | None:
        return next((p for p in self.phases if p.name == name), None)

    def end_of(self, r: RangeFacts) -> Figure:
        """The end of ``r`` as the reader reads it. A range ends at a whole minute after its
        last post; the one that runs to the archive's end is shown ending at the archive's
        last post, so that one moment is never printed as two times (4:57 am and 4:58 am)."""
        last = self.archive.last
        if last.value is not None and r.b > float(last.value):
            return last
        return r.end


# ---- building -------------------------------------------------------------------------------

_cache: OrderedDict[tuple, Facts] = OrderedDict()
_cache_lock = threading.Lock()
_KEPT = 4


def incident_facts(ws: Workspace, con: Any = None, progress: Progress | None = None) -> Facts:
    """The facts of ``ws`` as it is now (computed once per state; see the module's notes)."""
    con = con or ws.cursor()
    progress = progress or NullProgress()
    key = _state_key(ws, con)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    with gc_pause.paused():
        facts = _build(ws, con, progress)
    with _cache_lock:
        _cache[key] = facts
        while len(_cache) > _KEPT:
            _cache.popitem(last=False)
    return facts


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _state_key(ws: Workspace, con: Any) -> tuple:
    st = rollup.state(ws, con)
    annotated = tuple((a.id, a.updated_at) for a in notes.list_annotations(ws, con))
    dismissed = tuple(sorted(notes.dismissed_keys(ws, con)))
    meta = ws.meta()
    settings = tuple(sorted((k, v) for k, v in meta.items() if k not in ("rollup_stamp",)))
    return (str(ws.path), st.key, annotated, dismissed, settings)


def _build(ws: Workspace, con: Any, progress: Progress) -> Facts:
    from app.core import early_warning as alert_rules
    from app.core import sentiment
    from app.core.analysis import accounts, amplification, brand, coverage, early_warning, suggest, terms
    from app.core.analysis.context import Context
    from app.core.analysis.settings import Settings

    meta = ws.meta()
    tz = meta.get("timezone") or "UTC"
    zone = zone_of(tz)
    handles = list(rollup.state(ws, con).stamp["brand"])
    row = facts_sql.archive(con)
    archive = _archive(row)
    reach = _reach(ws, con, archive)
    name = meta.get("incident_name") or ""
    ctx = Context.build(ws, con, Settings(alert=alert_rules.load_rule(ws))) if row.posts else None
    if ctx is None:
        return Facts(name, tz, zone, archive, reach, 3600, None, None, [], [], [], False, handles, [])
    first, last = ctx.start, ctx.last
    steps = 6
    check(progress)
    progress.report(0, steps, "Finding the turning points")
    all_findings = suggest.find_in(ctx)
    dismissed = notes.dismissed_keys(ws, con)
    findings = [f for f in all_findings if f.key() not in dismissed]
    accepted = notes.list_annotations(ws, con)
    check(progress)
    progress.report(1, steps, "Cutting the phases")
    points = [_point_of(a) for a in accepted] if accepted else [_point_of(f) for f in findings]
    hours = ctx.series_at(_HOUR)
    brand_rows = ctx.brand_posts()
    brand_times = [metrics.to_unix(b.created_at) for b in brand_rows]
    the_cut = phase_rules.cut(hours.t, hours.total, first, last, points, brand_times, None)
    spans = _tidy_by_posts(ws, con, the_cut.phases)
    check(progress)
    progress.report(2, steps, "Measuring the phases")
    known = archive.followers_known
    phase_facts = _phases(ws, con, spans, hours, brand_rows, zone, known)
    wave = _wave(ws, con, the_cut.wave, first, zone, known) if the_cut.wave else None
    check(progress)
    progress.report(3, steps, "Finding who carried it")
    # every phase's and the wave's, in one query each
    ranges = [(p.a, p.b) for p in phase_facts] + ([(wave.range.a, wave.range.b)] if wave is not None else [])
    posts = amplification.most_shared_posts_of(ctx, ranges, SHARED_SHOWN)
    people = amplification.accounts_by_shares_of(ctx, ranges, SHARED_SHOWN)
    phase_facts = [_with_shares(p, posts[i], people[i]) for i, p in enumerate(phase_facts)]
    if wave is not None:
        wave = _with_shares(wave, posts[-1], people[-1])
    check(progress)
    progress.report(4, steps, "Reading the sentiment")
    whole, *in_waves = sentiment.figures_of(
        ws, [(None, None)] + ([(wave.range.a, wave.range.b)] if wave is not None else []), con=con
    )
    in_wave = in_waves[0] if in_waves else None
    check(progress)
    progress.report(5, steps, "Numbering the turning points")
    tps = _turning_points(accepted, findings)
    progress.report(steps, steps, "Facts ready")
    return Facts(
        name=name,
        tz=tz,
        zone=zone,
        archive=archive,
        reach=reach,
        bin_seconds=ctx.bin,
        series=ctx.series,
        wave=wave,
        phases=phase_facts,
        findings=findings,
        turning_points=tps,
        accepted=bool(accepted),
        brand_handles=handles,
        brand_posts=brand_rows,
        all_findings=all_findings,
        coverage=coverage.measure_coverage(ctx),
        replay=early_warning.replay(ctx),
        brand_visibility=brand.visibility(ctx, all_findings),
        automated=accounts.automated(ctx),
        shares_basis=amplification.evidence(ctx),
        follower_coverage=accounts.follower_coverage(ctx),
        sentiment=whole,
        wave_sentiment=in_wave,
        label_check=sentiment.label_check(ws),
        terms=terms.of(ctx),
    )


#: the most shared posts and accounts named per phase and for the main wave
SHARED_SHOWN = 3


def _with_shares(x: Any, posts: Any, accounts: Any) -> Any:
    from dataclasses import replace

    return replace(x, shared_posts=posts, shared_accounts=accounts)


def _archive(row: facts_sql.ArchiveRow) -> ArchiveFacts:
    everything = Source.of("posts")
    first = metrics.to_unix(row.first) if row.first is not None else None
    last = metrics.to_unix(row.last) if row.last is not None else None
    none = "the archive holds no posts"
    return ArchiveFacts(
        posts=Figure(row.posts, "count", "post", source=everything),
        accounts=Figure(row.accounts, "count", "account", source=Source.of("accounts")),
        first=_t(first, Source.of("first_post")) if first is not None else Figure.missing(none, "time"),
        last=_t(last, Source.of("last_post")) if last is not None else Figure.missing(none, "time"),
        by_kind={
            k: Figure(n, "count", "post", source=Source.of("posts", kinds=(k,))) for k, n in row.kinds.items()
        },
        with_followers=Figure(row.with_followers, "count", "post", source=Source.of("followers_known")),
        with_followers_share=Figure(
            row.with_followers / row.posts,
            "share",
            source=Source.of("share", num=Source.of("followers_known"), den=everything),
        )
        if row.posts
        else Figure.missing(none, "share"),
        retweets=Figure(row.retweets, "count", "retweet", source=Source.of("posts", kinds=("retweet",))),
        with_collected_counts=Figure(row.with_collected_counts, "count", "post"),
        platforms=row.platforms,
    )


NO_FOLLOWERS = "this archive has no follower counts"
NO_POSTS = "the archive holds no posts"


def _reach(ws: Workspace, con: Any, archive: ArchiveFacts) -> ReachFacts:
    if not archive.posts.value or archive.first.value is None:
        return ReachFacts(
            Figure.missing(NO_POSTS), Figure.missing(NO_POSTS), Figure.missing(NO_POSTS, "share")
        )
    first, last = float(archive.first.value), float(archive.last.value)  # type: ignore[arg-type]
    r = _ranges(ws, con, [_floor_minute(first), _floor_minute(last) + 60], archive.followers_known)[0]
    return ReachFacts(r.exposure, r.unique_audience, r.counted_share)


def _ranges(
    ws: Workspace, con: Any, edges: list[float], followers_known: bool, rule: str = "phases"
) -> list[RangeFacts]:
    """The figures of each [edges[i], edges[i + 1]), from one pass over the per-minute numbers."""
    s = metrics.series_at_edges(ws, edges, con=con)
    out = []
    for i in range(len(edges) - 1):
        a, b = float(edges[i]), float(edges[i + 1])
        rng = {"start": a, "end": b}
        posts_src = Source.of("posts", **rng)
        n = int(s.total[i])
        scored = int(s.scored[i])
        neg = round(float(np.nan_to_num(s.neg_share[i])) * scored)
        hours = (b - a) / _HOUR
        scored_src = Source.of("scored", **rng)
        neg_src = Source.of("sentiment_class", label="negative", **rng)
        known = n - int(s.unknown_reach[i])
        counted = Figure(
            known / n if n else 0.0,
            "share",
            source=Source.of("share", num=Source.of("followers_known", **rng), den=posts_src),
        )
        if followers_known:
            exposure = Figure(int(s.exposure[i]), "count", "follower", source=Source.of("exposure", **rng))
            audience = Figure(
                int(s.unique_audience[i]), "count", "follower", source=Source.of("unique_audience", **rng)
            )
        else:
            exposure = Figure.missing(NO_FOLLOWERS, noun="follower", source=Source.of("exposure", **rng))
            audience = Figure.missing(
                NO_FOLLOWERS, noun="follower", source=Source.of("unique_audience", **rng)
            )
        out.append(
            RangeFacts(
                start=_t(a, Source.of("cut", rule=rule)),
                end=_t(b, Source.of("cut", rule=rule)),
                posts=Figure(n, "count", "post", source=posts_src),
                rate=Figure(
                    n / hours if hours else float(n),
                    "rate",
                    "post",
                    source=Source.of("rate", posts=posts_src, hours=hours),
                ),
                scored=Figure(scored, "count", "post", source=scored_src),
                negative=Figure(neg, "count", "post", source=neg_src),
                negative_share=Figure(
                    neg / scored, "share", source=Source.of("share", num=neg_src, den=scored_src)
                )
                if scored
                else Figure.missing("none of its posts has a sentiment score", "share"),
                exposure=exposure,
                unique_audience=audience,
                counted_share=counted,
            )
        )
    return out


def _tidy_by_posts(
    ws: Workspace, con: Any, spans: list[phase_rules.PhaseSpan]
) -> list[phase_rules.PhaseSpan]:
    if not spans:
        return spans
    edges = [spans[0].start] + [p.end for p in spans]
    s = metrics.series_at_edges(ws, edges, con=con)
    counts = {(p.start, p.end): int(n) for p, n in zip(spans, s.total, strict=True)}

    def posts_between(a: float, b: float) -> int:
        if (a, b) in counts:
            return counts[(a, b)]
        return int(metrics.series_at_edges(ws, [a, b], con=con).total[0])

    return phase_rules._tidy(spans, posts_between)


def _phases(
    ws: Workspace,
    con: Any,
    spans: list[phase_rules.PhaseSpan],
    hours: metrics.Series,
    brand_rows: list[Any],
    zone: ZoneInfo,
    followers_known: bool,
) -> list[PhaseFacts]:
    if not spans:
        return []
    ranges = _ranges(ws, con, [spans[0].start] + [p.end for p in spans], followers_known)
    out = []
    for p, r in zip(spans, ranges, strict=True):
        t, c = _busiest_hour(ws, con, hours, p.start, p.end)
        rng = {"start": p.start, "end": p.end, "bin_seconds": _HOUR, "tz": zone.key}
        out.append(
            PhaseFacts(
                name=p.name,
                title=PHASE_TITLES[p.name],
                range=r,
                busiest_hour=_t(t, Source.of("bin_start", **rng)),
                busiest_hour_posts=Figure(c, "count", "post", source=Source.of("bin_max", **rng)),
                brand_posts=[b for b in brand_rows if p.start <= metrics.to_unix(b.created_at) < p.end],
            )
        )
    return out


def _busiest_hour(ws: Workspace, con: Any, hours: metrics.Series, a: float, b: float) -> tuple[float, int]:
    """The display-zone hour overlapping [a, b) with the most posts of [a, b) (at the ends of
    the range only the part of the hour inside it counts): (its start, or ``a``, and the
    count). The earliest wins a tie."""
    inner = [float(x) for x in hours.t if a < x < b]
    edges = [a, *inner, b]
    s = metrics.series_at_edges(ws, edges, con=con)
    if not len(s.total):
        return a, 0
    k = int(np.argmax(s.total))
    return float(edges[k]), int(s.total[k])


def _wave(
    ws: Workspace, con: Any, w: phase_rules.Wave, first: float, zone: ZoneInfo, followers_known: bool
) -> WaveFacts:
    start0 = _floor_minute(first)
    base_a = max(start0, w.start - 24 * _HOUR)
    edges = sorted({start0, base_a, w.start, w.end})
    ranges = {(r.a, r.b): r for r in _ranges(ws, con, edges, followers_known)}
    whole = {"start": w.start, "end": w.end, "bin_seconds": _HOUR, "tz": zone.key}
    before = None
    if w.start > start0:
        before = ranges.get((start0, w.start)) or _ranges(ws, con, [start0, w.start], followers_known)[0]
    baseline = ranges.get((base_a, w.start)) if w.start > base_a else None
    return WaveFacts(
        range=ranges[(w.start, w.end)],
        before=before,
        baseline=baseline,
        peak_start=_t(w.peak_start, Source.of("cut", rule="main wave")),
        peak_end=_t(w.peak_end, Source.of("cut", rule="main wave")),
        busiest_hour=_t(w.busiest_hour, Source.of("bin_start", **whole)),
        busiest_hour_posts=Figure(w.busiest_posts, "count", "post", source=Source.of("bin_max", **whole)),
        began_before_archive=w.began_before_archive,
        ended_after_archive=w.ended_after_archive,
    )


def _point_of(x: Any) -> phase_rules.Point:
    if isinstance(x, notes.Annotation):
        kind = (x.evidence or {}).get("kind") if isinstance(x.evidence, dict) else None
        return phase_rules.Point(x.starts_at, x.category or "other", kind)
    edges = {"collection_start", "collection_end", "collection_gap"}
    return phase_rules.Point(
        x.time, notes.category_for(x.kind, dict(x.detail)), x.kind, bool(x.flags & edges)
    )


def _turning_points(accepted: list[notes.Annotation], findings: list[Finding]) -> list[TurningPoint]:
    if accepted:
        items = sorted(accepted, key=lambda a: (a.starts_at, a.id or 0))
        return [
            TurningPoint(
                n + 1,
                a.starts_at,
                a.ends_at,
                a.category or "other",
                (a.evidence or {}).get("kind") if isinstance(a.evidence, dict) else None,
                a.label,
                a.note or "",
                True,
                annotation=a,
            )
            for n, a in enumerate(items)
        ]
    strongest = sorted(findings[:STRONGEST_SHOWN], key=lambda f: (f.time, f.key()))
    return [
        TurningPoint(
            n + 1, f.time, f.end, notes.category_for(f.kind, dict(f.detail)), f.kind, "", "", False, finding=f
        )
        for n, f in enumerate(strongest)
    ]


def _floor_minute(t: float) -> float:
    return float(int(t // 60) * 60)
