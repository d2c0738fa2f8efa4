"""The post-mortem's content as plain data: what the report says, not how it looks.

:func:`build_report` gathers every section of the post-mortem from the core's own answers
(:mod:`app.core.metrics`, :mod:`app.core.chronicle`, :mod:`app.core.early_warning`,
:mod:`app.core.sentiment.labels`, the workspace's ``info()``), so that a figure in the report is the
figure the window shows: nothing here recounts posts on its own. The renderers
(``app.report_pdf``, ``app.report_html``) only lay these dataclasses out.

Every text in a :class:`Report` is plain text (post text included): the renderers must insert
it as text, never as markup.

No Qt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import numpy as np

from app import __version__
from app.core import chronicle as chron
from app.core import early_warning, metrics
from app.core.annotations import category_for, list_annotations
from app.core.sentiment import labels
from app.core.store import report_sql as q
from app.core.store.workspace import Workspace

#: Every section, in the order the report prints them.
SECTIONS = (
    "cover",
    "summary",
    "timeline",
    "chronicle",
    "turning_points",
    "brand",
    "method",
    "lessons",
    "appendix",
)
SECTION_TITLES = {
    "cover": "Cover",
    "summary": "Executive summary",
    "timeline": "The annotated timeline",
    "chronicle": "The chronicle, phase by phase",
    "turning_points": "Turning points",
    "brand": "The brand's own posts",
    "method": "Method and limits",
    "lessons": "Lessons learned",
    "appendix": "Appendix: provenance and settings",
}
PAPERS = ("a4", "letter")

#: Without accepted turning points the report shows this many of the strongest suggestions:
#: fifty numbered markers on one chart would hide the incident they are meant to explain.
SUGGESTIONS_SHOWN = 12
#: Most amplified posts quoted per phase.
POSTS_QUOTED = 3
#: Brand posts listed in the report (a brand answering hundreds of complaints would fill
#: dozens of pages: the export of the posts has them all).
BRAND_POSTS_SHOWN = 40
#: The timeline chart aims at no more bins than this.
CHART_MAX_BINS = 400


@dataclass(frozen=True)
class ReportOptions:
    title: str = "Post-mortem"
    author: str = ""
    sections: frozenset[str] = frozenset(SECTIONS)
    lessons: str = ""
    paper: str = "a4"

    def __post_init__(self) -> None:
        sections = frozenset(self.sections or SECTIONS)
        unknown = sections - set(SECTIONS)
        if unknown:
            raise ValueError(
                f"unknown section(s): {', '.join(sorted(unknown))}; the sections are {', '.join(SECTIONS)}"
            )
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be a4 or letter, not {self.paper!r}")
        object.__setattr__(self, "sections", sections)


@dataclass(frozen=True)
class Figure:
    """A headline figure: its label, how the report prints it, and the raw value (for tests
    and exports; ``None`` when there is nothing to measure)."""

    key: str
    label: str
    text: str
    value: Any = None


@dataclass(frozen=True)
class TurningPoint:
    number: int
    time: float
    end: float | None
    time_text: str
    kind: str
    category: str
    label: str
    note: str
    evidence: list[tuple[str, str]]
    origin: str  # "accepted" or "suggested"


@dataclass(frozen=True)
class QuotedPost:
    post_id: str
    author_handle: str
    author_name: str
    followers: int | None
    time: float
    time_text: str
    retweets: int | None
    kind: str
    text: str


@dataclass(frozen=True)
class PhaseSection:
    name: str
    title: str
    start: float
    end: float
    period_text: str
    paragraph: str
    edited: bool
    figures: list[Figure]
    quoted_posts: list[QuotedPost]
    amplifiers: list[metrics.Amplifier]
    turning_point_numbers: list[int]


@dataclass(frozen=True)
class BrandPost:
    time: float
    time_text: str
    post_id: str
    phase: str
    since_escalation: str
    text: str


@dataclass(frozen=True)
class ImportRow:
    path: str
    sha256: str
    format: str
    finished: str
    read: int
    added: int
    duplicate: int
    rejected: int
    skipped: int
    rejection_reasons: str


@dataclass
class Report:
    options: ReportOptions
    incident_name: str
    timezone: str
    timezone_abbr: str
    start: float | None
    end: float | None
    period_text: str
    exported_at: str
    app_version: str
    summary_paragraph: str
    figures: list[Figure]
    series: metrics.Series | None
    bin_seconds: int
    turning_points: list[TurningPoint]
    turning_points_note: str
    phases: list[PhaseSection]
    brand_handles: list[str]
    brand_posts: list[BrandPost]
    brand_latency_text: str
    method: list[tuple[str, str]]
    agreement_table: list[list[str]] | None
    imports: list[ImportRow]
    settings: list[tuple[str, str]]
    lessons: str = ""
    extra: dict = field(default_factory=dict)

    def includes(self, section: str) -> bool:
        if section == "lessons" and not self.lessons.strip():
            return False
        return section in self.options.sections

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    @property
    def sections(self) -> list[str]:
        return [s for s in SECTIONS if self.includes(s)]


# ---- building --------------------------------------------------------------------------------


def build_report(
    ws: Workspace,
    options: ReportOptions = ReportOptions(),
    con: duckdb.DuckDBPyConnection | None = None,
    progress=None,
) -> Report:
    """The whole post-mortem of ``ws`` as data (every section, whichever are chosen: they
    are cheap next to the phases, and the renderers skip what was not chosen)."""
    con = con or ws.cursor()
    step = _Steps(progress, 6)
    tz = ws.timezone
    zone = _zone(tz)
    info = ws.info()
    span = metrics.incident_span(ws, con)
    step("turning points")
    all_points = chron.default_turning_points(ws, con)
    step("phases")
    phase_list = chron.phases(ws, all_points, con=con)
    paragraphs = _paragraphs(ws, phase_list, con)
    step("series")
    series, bin_seconds = None, 3600
    if span is not None:
        bin_seconds = report_bin(span[1] - span[0])
        series = metrics.binned_series(ws, span[0], span[1] + 1, bin_seconds, con=con)
    step("early warning")
    alert = early_warning.first_alert(ws, early_warning.load_rule(ws), con=con) if span is not None else None

    accepted = bool(list_annotations(ws, con))
    tps, tp_note = _turning_points(all_points, accepted, zone)
    numbers_by_obj = {id(obj): n for n, obj in tps}
    tp_rows = [row for _, row in ((n, _tp_row(n, obj, accepted, zone)) for n, obj in tps)]

    step("phases' posts")
    phase_sections = []
    for p in phase_list:
        para = paragraphs.get(p.name)
        phase_sections.append(
            PhaseSection(
                name=p.name,
                title=p.title,
                start=p.start,
                end=p.end,
                period_text=f"{_when(p.start, zone)} to {_when(p.end, zone)}",
                paragraph=para.text if para else "",
                edited=bool(para and para.edited),
                figures=_phase_figures(p),
                quoted_posts=_quoted_posts(ws, p.start, p.end, zone, con),
                amplifiers=list(p.top_amplifiers),
                turning_point_numbers=[
                    numbers_by_obj[id(tp)] for tp in p.turning_points if id(tp) in numbers_by_obj
                ],
            )
        )

    escalation = next((p for p in phase_list if p.name in ("escalation", "peak")), None)
    latency = _brand_latency(phase_list, escalation)
    all_brand = [(p, a) for p in phase_list for a in p.brand_actions]
    brand_total = len(all_brand)
    brand_posts = [
        BrandPost(
            a.time,
            _when(a.time, zone),
            a.post_id,
            p.title,
            _duration(_floor_minute(a.time) - escalation.start)
            if escalation and a.time >= escalation.start
            else "before the escalation",
            a.text,
        )
        for p, a in all_brand[:BRAND_POSTS_SHOWN]
    ]
    if escalation is None:
        latency_text = "There was no escalation, so no response time is measured."
    elif latency is None:
        latency_text = (
            f"The escalation began {_when(escalation.start, zone)}; the brand's accounts "
            "did not post after it in this archive."
        )
    else:
        latency_text = (
            f"The escalation began {_when(escalation.start, zone)}; the brand's first post "
            f"after it came {_duration(latency)} later."
        )

    if brand_total > len(brand_posts):
        latency_text += (
            f" The brand posted {brand_total:,} times in all; the first {len(brand_posts)} "
            "are listed (export the posts for every one)."
        )
    figures = _headline(info, series, phase_list, latency, alert)
    summary = paragraphs[phase_list[0].name].text if phase_list and phase_list[0].name in paragraphs else ""
    step("method")
    agree = labels.agreement(ws, con)
    known = info.get("known_followers_share")
    unknown_share = (1 - known) if known is not None else None
    method = _method(agree, unknown_share, tz, zone, span)
    agreement_table = [[str(c) for c in row] for row in agree.table()] if agree.n else None

    imports = [
        ImportRow(
            path=str(i["path"]),
            sha256=str(i["sha256"] or ""),
            format=str(i["format"] or ""),
            finished=str(i["finished_utc"] or ""),
            read=int(i["rows_read"] or 0),
            added=int(i["rows_added"] or 0),
            duplicate=int(i["rows_duplicate"] or 0),
            rejected=int(i["rows_rejected"] or 0),
            skipped=int(i["rows_skipped"] or 0),
            rejection_reasons=_reasons(i.get("rejections"), i.get("skipped")),
        )
        for i in info["imports"]
    ]

    rule = early_warning.load_rule(ws)
    settings = [
        ("Timeline bin width", _duration(bin_seconds)),
        ("Filters in force", metrics.PostFilter().describe() or "none: every post in the workspace"),
        ("Top amplifiers", "brand accounts left out"),
        ("Negative post", "VADER compound score at or below -0.05"),
        ("Alert rule", rule.describe()),
        (
            "Alert thresholds",
            f"negative share +{rule.neg_points:.2f}, z >= {rule.min_z}, volume x"
            f"{rule.volume_factor:g}, at least {rule.min_posts} scored posts, window "
            f"{rule.window_hours:g} h, baseline {rule.baseline_hours:g} h",
        ),
        ("Brand accounts", ", ".join("@" + h for h in ws.brand_handles) or "none set"),
        ("Display time zone", tz),
    ]
    now = datetime.now(timezone.utc).astimezone(zone)
    return Report(
        options=options,
        incident_name=ws.incident_name,
        timezone=tz,
        timezone_abbr=(datetime.fromtimestamp(span[0], zone).tzname() or "") if span else "",
        start=span[0] if span else None,
        end=span[1] if span else None,
        period_text=(f"{_when(span[0], zone)} to {_when(span[1], zone)} ({tz})" if span else "no posts"),
        exported_at=f"{now:%d %B %Y, %H:%M} {now.tzname() or ''}".strip(),
        app_version=__version__,
        summary_paragraph=summary,
        figures=figures,
        series=series,
        bin_seconds=bin_seconds,
        turning_points=tp_rows,
        turning_points_note=tp_note,
        phases=phase_sections,
        brand_handles=list(ws.brand_handles),
        brand_posts=brand_posts,
        brand_latency_text=latency_text,
        method=method,
        agreement_table=agreement_table,
        imports=imports,
        settings=settings,
        lessons=options.lessons or "",
    )


def _paragraphs(ws: Workspace, phase_list, con) -> dict[str, chron.ChronicleParagraph]:
    """What :func:`chronicle.chronicle` gives, from the phases at hand: the draft of these
    phases with the team's edits winning (chronicle() would find the phases again, which is
    half the report's time on a million posts)."""
    edits = chron.edited(ws, con)
    out = {}
    for para in chron.draft(ws, phase_list, con=con):
        text = edits.get(para.phase_name)
        out[para.phase_name] = (
            para
            if text is None
            else chron.ChronicleParagraph(
                para.phase_name, para.title, text, True, para.text, para.start, para.end
            )
        )
    return out


def report_bin(span_seconds: float) -> int:
    """Hourly bins for an incident of days; finer for a short one, coarser for a long one, so
    the chart stays readable in print."""
    if span_seconds <= 2 * 86400:
        return metrics.choose_bin(span_seconds, CHART_MAX_BINS // 2, 1.0)
    return max(3600, metrics.choose_bin(span_seconds, CHART_MAX_BINS, 1.0))


# ---- pieces ------------------------------------------------------------------------------------


class _Steps:
    def __init__(self, progress, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, message: str) -> None:
        if self.progress is not None:
            self.progress.report(self.done, self.total, message)
            if getattr(self.progress, "cancelled", lambda: False)():
                from app.core.progress import Cancelled

                raise Cancelled("Report cancelled.")
        self.done += 1


def _headline(info: dict, s: metrics.Series | None, phase_list, latency, alert) -> list[Figure]:
    if s is None or not len(s):
        return [Figure("posts", "Posts", "0", 0)]
    total = int(s.total.sum())
    scored = int(s.scored.sum())
    # the same count of negatives the chronicle makes: share x scored per bin, rounded
    negative = int(np.rint(np.nan_to_num(s.neg_share) * s.scored).sum())
    k = int(np.argmax(s.total))
    per_hour = float(s.total[k]) * 3600.0 / s.bin_seconds
    peak_neg = None if s.scored[k] == 0 else float(s.neg_share[k])
    tz = _zone(info.get("timezone") or "UTC")
    exposure = int(s.exposure.sum())
    unique = int(s.unique_audience.sum())
    lead = alert.lead_seconds if alert is not None else None
    per = "hour" if s.bin_seconds == 3600 else f"hour (bins of {_duration(s.bin_seconds)})"
    return [
        Figure("posts", "Posts", chron.format_count(total), total),
        Figure("accounts", "Accounts", chron.format_count(info["authors"]), int(info["authors"])),
        Figure("peak_rate", f"Peak rate (posts per {per})", f"{per_hour:,.0f}", per_hour),
        Figure("peak_time", "Peak hour", _when(float(s.t[k]), tz), float(s.t[k])),
        Figure(
            "negative_share",
            "Negative share (overall)",
            chron.format_percent(negative / scored) if scored else "n/a",
            negative / scored if scored else None,
        ),
        Figure(
            "peak_negative_share",
            "Negative share at the peak",
            chron.format_percent(peak_neg) if peak_neg is not None else "n/a",
            peak_neg,
        ),
        Figure("exposure", "Total exposure", chron.format_big(exposure), exposure),
        Figure("unique_audience", "Unique audience", chron.format_big(unique), unique),
        Figure(
            "brand_latency",
            "Brand response latency",
            _duration(latency) if latency is not None else "no response",
            latency,
        ),
        Figure(
            "early_warning_lead",
            "Early-warning lead time",
            (
                "never fired"
                if lead is None
                else _duration(lead) + (" before the peak" if lead >= 0 else " after the peak")
                if lead
                else "at the peak"
            ),
            lead,
        ),
    ]


def _phase_figures(p) -> list[Figure]:
    out = [
        Figure("posts", "Posts", chron.format_count(p.posts), p.posts),
        Figure(
            "negative_share",
            "Negative",
            chron.format_percent(p.negative_share) if p.negative_share is not None else "n/a",
            p.negative_share,
        ),
        Figure("exposure", "Exposure", chron.format_big(p.exposure), p.exposure),
        Figure("unique_audience", "New audience", chron.format_big(p.unique_audience), p.unique_audience),
    ]
    if p.busiest_hour:
        out.append(Figure("busiest_hour", "Busiest hour", f"{p.busiest_hour[1]:,} posts", p.busiest_hour[1]))
    return out


def _quoted_posts(ws: Workspace, a: float, b: float, zone: ZoneInfo, con) -> list[QuotedPost]:
    """The phase's most amplified posts: those retweeted most within the phase (their
    retweets there counted, since collected retweet counts are often a snapshot at zero); a
    phase without retweets quotes the posts that reached the widest audience instead."""
    if b <= a:
        return []
    out = []
    rows = con.execute(
        q.MOST_RETWEETED, [metrics.to_timestamp(a), metrics.to_timestamp(b), POSTS_QUOTED]
    ).fetchall()
    for platform, post_id, handle, text, retweets, first in rows:
        post = metrics.get_post(ws, platform, post_id, con=con)
        if post is not None:
            t = metrics.to_unix(post.created_at)
            out.append(
                QuotedPost(
                    post.post_id,
                    post.author_handle or "",
                    post.author_name or "",
                    post.author_followers,
                    t,
                    _when(t, zone),
                    int(retweets),
                    post.kind,
                    post.text or "",
                )
            )
        else:  # the original is not in the archive: its retweets carry its author and text
            t = metrics.to_unix(first)
            out.append(
                QuotedPost(
                    str(post_id),
                    handle or "",
                    "",
                    None,
                    t,
                    "first retweeted " + _when(t, zone),
                    int(retweets),
                    "post",
                    text or "",
                )
            )
    if out:
        return out
    # posts_around includes both ends; the phase is [a, b)
    half = max((b - a) / 2 - 0.0005, 0.0)
    flt = metrics.PostFilter(kinds=frozenset({"post", "reply", "quote"}))
    rows, _ = metrics.posts_around(
        ws, a + half, half, flt, sort="exposure", descending=True, limit=POSTS_QUOTED, con=con
    )
    return [
        QuotedPost(
            r.post_id,
            r.author_handle or "",
            r.author_name or "",
            r.author_followers,
            metrics.to_unix(r.created_at),
            _when(metrics.to_unix(r.created_at), zone),
            r.retweet_count,
            r.kind,
            r.text or "",
        )
        for r in rows
    ]


def _turning_points(points: list, accepted: bool, zone: ZoneInfo) -> tuple[list[tuple[int, Any]], str]:
    if accepted:
        chosen = sorted(points, key=_time)
        note = f"The {len(chosen)} turning points the team accepted, numbered in time order."
    else:
        strongest = sorted(points, key=lambda p: -float(getattr(p, "score", 0.0)))[:SUGGESTIONS_SHOWN]
        chosen = sorted(strongest, key=_time)
        note = (
            f"No turning point has been accepted in this workspace yet: these are the "
            f"{len(chosen)} strongest of the {len(points)} the app suggests, numbered in time "
            "order. Accept or dismiss them in the timeline window to make them the team's own."
        )
    return list(enumerate(chosen, start=1)), note


def _time(p: Any) -> float:
    return float(p.starts_at if hasattr(p, "starts_at") else p.time)


def _tp_row(n: int, p: Any, accepted: bool, zone: ZoneInfo) -> TurningPoint:
    if hasattr(p, "starts_at"):  # an annotation
        t, end, label, note, ev = p.starts_at, p.ends_at, p.label, p.note, dict(p.evidence or {})
        kind, category = str(ev.get("kind") or "manual"), p.category
    else:  # a suggestion
        t, end, label, note, ev = p.time, p.end, p.label, p.explanation, dict(p.evidence or {})
        kind, category = p.kind, category_for(p.kind, p.evidence)
    text = _when(t, zone) + (f" to {_when(end, zone)}" if end else "")
    return TurningPoint(
        n,
        float(t),
        end,
        text,
        kind,
        category,
        label or "",
        note or "",
        _evidence(ev),
        "accepted" if accepted else "suggested",
    )


_EVIDENCE_SKIP = {"explanation", "kind", "suggestion_key", "subject", "post_ids", "score"}


def _evidence(ev: dict) -> list[tuple[str, str]]:
    """The evidence's figures (numbers and short words), in plain words."""
    out = []
    for k, v in ev.items():
        if k in _EVIDENCE_SKIP or v is None or isinstance(v, (dict, list, tuple)):
            if isinstance(v, list) and k == "accounts" and v:
                out.append(
                    ("accounts", ", ".join("@" + str(a) for a in v[:3]) + (" …" if len(v) > 3 else ""))
                )
            continue
        if isinstance(v, bool):
            text = "yes" if v else "no"
        elif isinstance(v, float):
            if not math.isfinite(v):
                continue
            text = f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"
        elif isinstance(v, int):
            text = f"{v:,}"
        else:
            text = str(v)
        if len(text) > 60 or _ISO.match(text):  # raw timestamps repeat the time column
            continue
        out.append((k.replace("_", " "), text))
    return out[:6]


_ISO = re.compile(r"^\d{4}-\d\d-\d\dT")


def _brand_latency(phase_list, escalation) -> float | None:
    """Seconds from the escalation's start to the brand's first post after it (counted between
    whole minutes, as the chronicle tells it)."""
    if escalation is None:
        return None
    for p in phase_list:
        for a in p.brand_actions:
            if a.time >= escalation.start:
                return _floor_minute(a.time) - escalation.start
    return None


def _method(agree, unknown_share, tz: str, zone: ZoneInfo, span) -> list[tuple[str, str]]:
    out = [
        (
            "Sentiment",
            "Each post's text is scored with VADER, a lexicon- and rule-based model for "
            "social media. A post is negative at a compound score of -0.05 or below. "
            "A lexicon misses sarcasm and irony, so negative shares are indicative, not "
            "exact; retweets share their original's score.",
        ),
    ]
    if agree.n:
        kappa = f", Cohen's kappa {agree.kappa:.2f}" if agree.kappa is not None else ""
        out.append(
            (
                "Human check",
                f"{agree.n:,} posts were labelled by hand; VADER agreed with "
                f"{chron.format_percent(agree.accuracy)} of them{kappa}. The "
                "sample has even shares per class, so this is VADER's accuracy "
                "on the sample, not on the incident as a whole.",
            )
        )
    else:
        out.append(
            (
                "Human check",
                "No posts have been labelled by hand, so VADER's accuracy on this "
                "incident has not been measured.",
            )
        )
    if unknown_share is not None:
        out.append(
            (
                "Unknown followers",
                f"{unknown_share:.1%} of posts have no follower count; they "
                "are left out of exposure rather than counted as zero.",
            )
        )
    out.append(
        (
            "Follower counts",
            "Follower counts are a snapshot taken when each post was "
            "collected, not when it was seen: exposure is the audience a post "
            "could reach, not the people who read it.",
        )
    )
    abbr = datetime.fromtimestamp(span[0], zone).tzname() if span else ""
    out.append(("Time zone", f"Times are shown in {tz} ({abbr}); the workspace stores them in UTC."))
    return out


def _reasons(rejections, skipped) -> str:
    parts = []
    for r in rejections or []:
        if isinstance(r, dict):
            parts.append(str(r.get("reason") or r))
        else:
            parts.append(str(r))
    parts = sorted(set(parts))[:5]
    for what, n in (skipped or {}).items():
        parts.append(f"{n:,} {what} skipped")
    return "; ".join(parts)


def _when(t: float, zone: ZoneInfo) -> str:
    d = datetime.fromtimestamp(t, timezone.utc).astimezone(zone)
    return f"{d:%a %d %b %Y %H:%M} {d.tzname() or ''}".strip()


def _duration(seconds: float) -> str:
    minutes = round(abs(seconds) / 60)
    days, rem = divmod(minutes, 1440)
    hours, mins = divmod(rem, 60)
    shown = [(v, u) for v, u in ((days, "day"), (hours, "hour"), (mins, "minute")) if v][:2]
    if not shown:
        return "less than a minute"
    return " ".join(f"{v} {u}{'' if v == 1 else 's'}" for v, u in shown)


def _floor_minute(t: float) -> float:
    return float(math.floor(t / 60) * 60)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):  # a damaged setting must not stop the report
        return ZoneInfo("UTC")
