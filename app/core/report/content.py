"""The post-mortem's content as plain data: what the report says, not how it looks.

:func:`build_report` reads the incident's facts (:func:`app.core.facts.incident_facts`, the
same the window shows) and the narrative's words made from them, and lays them out as
sections of a few kinds of block (:class:`Heading`, :class:`Para`, :class:`Table`,
:class:`Quotes`, :class:`Chart`, :class:`Headline`). The renderers (:mod:`.html`, and
``app.report_pdf`` for PDF) only draw blocks: nothing here is styled, and nothing there is
counted.

Every sentence and every table cell that prints a number is a :class:`~app.core.model.Claim`
that knows which figures it prints (the claims audit test recomputes them); post text and
the team's own text are plain text, never markup.

No Qt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from app import __version__
from app.core import early_warning, metrics
from app.core.analysis import phases as phase_rules
from app.core.facts import Facts, PhaseFacts, incident_facts
from app.core.model import Claim, Figure, Source, Span
from app.core.narrative import chronicle as chron
from app.core.narrative import findings as said
from app.core.narrative import words
from app.core.narrative.chronicle import noted
from app.core.narrative.claims import Bare, Const, Name, Time, Writer, join, plain
from app.core.narrative.summary import summary as write_summary
from app.core.narrative.summary import turning_point_list
from app.core.palette import TURNING_POINT
from app.core.progress import NullProgress, Progress, check
from app.core.report import charts
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

#: Brand posts listed (a brand answering hundreds of complaints would fill dozens of pages:
#: the export of the posts has them all).
BRAND_POSTS_SHOWN = 40
#: The chart's zoomed panel aims at this many bins; the overview strip at this many.
CHART_BINS = 160
OVERVIEW_BINS = 300


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


# ---- blocks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    """A paragraph; ``style`` is ``body``, ``muted`` (a caption) or ``note`` (small print)."""

    claim: Claim
    style: str = "body"


@dataclass(frozen=True)
class Cell:
    """A table cell: its main text, and an optional second line in small print."""

    claim: Claim
    sub: Claim | None = None
    bold: bool = False
    mono: bool = False


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...] | None
    rows: list[list[Cell]]
    #: column widths in per cent
    widths: tuple[float, ...]
    size: float = 8.5
    #: the first column is a row heading (shaded)
    row_headings: bool = False


@dataclass(frozen=True)
class QuotedPost:
    text: str
    meta: Claim


@dataclass(frozen=True)
class Quotes:
    posts: list[QuotedPost]


@dataclass(frozen=True)
class Chart:
    svg: str
    caption: Claim
    #: the same chart with shorter plots, for a page with less room (the PDF)
    compact_svg: str = ""


@dataclass(frozen=True)
class HeadlineFigure:
    key: str
    label: Claim
    value: Claim
    figure: Figure | None = None


@dataclass(frozen=True)
class Headline:
    figures: list[HeadlineFigure]


Block = Heading | Para | Table | Quotes | Chart | Headline


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    blocks: list[Block]


@dataclass(frozen=True)
class Cover:
    title: str
    rows: list[tuple[str, str]]
    figures: list[HeadlineFigure]
    note: str


@dataclass
class Report:
    options: ReportOptions
    incident_name: str
    timezone: str
    period_text: str
    exported_at: str
    app_version: str
    cover: Cover
    sections: list[Section]
    figures: list[HeadlineFigure]
    facts: Facts | None = field(default=None, repr=False)

    def includes(self, section: str) -> bool:
        return any(s.name == section for s in self.sections) or (
            section == "cover" and "cover" in self.options.sections
        )

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def figure(self, key: str) -> HeadlineFigure:
        return next(f for f in self.figures if f.key == key)

    def claims(self) -> list[Claim]:
        """Every claim the report prints (the cover's figures included)."""
        out: list[Claim] = []
        for f in self.cover.figures:
            out += [f.label, f.value]
        for s in self.sections:
            for b in s.blocks:
                out += _block_claims(b)
        return out

    def text(self) -> str:
        """All the report's words, in order (for search and tests)."""
        parts = [self.options.title, self.incident_name]
        parts += [f"{k}: {v}" for k, v in self.cover.rows]
        for s in self.sections:
            parts.append(s.title)
            for b in s.blocks:
                if isinstance(b, Heading):
                    parts.append(b.text)
                elif isinstance(b, Quotes):
                    parts += [q.text for q in b.posts] + [q.meta.text for q in b.posts]
                else:
                    parts += [c.text for c in _block_claims(b)]
        return "\n".join(parts)


def _block_claims(b: Block) -> list[Claim]:
    if isinstance(b, Para):
        return [b.claim]
    if isinstance(b, Table):
        return [x for row in b.rows for c in row for x in (c.claim, c.sub) if x is not None]
    if isinstance(b, Quotes):
        return [q.meta for q in b.posts]
    if isinstance(b, Chart):
        return [b.caption]
    if isinstance(b, Headline):
        return [x for f in b.figures for x in (f.label, f.value)]
    return []


def user_text(text: str) -> Claim:
    """The team's own words (a lesson, an edited paragraph, a label): printed as written; their
    digits are theirs, not the app's figures."""
    return Claim(text, (Span(0, len(text), "name"),)) if text else Claim("")


# ---- building -------------------------------------------------------------------------------


def build_report(
    ws: Workspace, options: ReportOptions | None = None, con: Any = None, progress: Progress | None = None
) -> Report:
    """The whole post-mortem of ``ws`` as data."""
    options = options or ReportOptions()
    con = con or ws.cursor()
    progress = progress or NullProgress()
    f = incident_facts(ws, con, progress)
    check(progress)
    zone = f.zone
    now = datetime.now(timezone.utc).astimezone(zone)
    exported = f"{now.day} {now:%B %Y}, {words.clock_time(now)} {now.tzname() or ''}".strip()
    a = f.archive
    period = (
        f"{words.when(float(a.first.value or 0), zone)} to {words.when(float(a.last.value or 0), zone)}"
        + _zone_suffix(f)
        if a.first.known
        else "no posts"
    )
    figures = headline_figures(f)
    sections: list[Section] = []
    b = _Builder(ws, con, f, options)
    for name in SECTIONS:
        if name == "cover" or name not in options.sections:
            continue
        if name == "lessons" and not options.lessons.strip():
            continue
        check(progress)
        blocks = getattr(b, name)()
        if blocks:
            sections.append(Section(name, SECTION_TITLES[name], blocks))
    cover = Cover(
        title=options.title or "Post-mortem",
        rows=[
            ("Incident", f.name or ws.incident_name),
            ("Period", period),
            ("Author", options.author or "not given"),
            ("Exported", exported),
            ("Prepared with", f"Incident Timeline Explorer {__version__}"),
        ],
        figures=[x for x in figures if x.key in _COVER_KEYS],
        note="Figures are computed from the archive listed in the appendix; anyone holding the same files "
        f"can check them. Times are in {f.tz}.",
    )
    return Report(
        options, f.name or ws.incident_name, f.tz, period, exported, __version__, cover, sections, figures, f
    )


_COVER_KEYS = ("posts", "accounts", "busiest_hour", "negative_share", "exposure", "brand_response")


def headline_figures(f: Facts) -> list[HeadlineFigure]:
    w = Writer(f.zone, year=True)
    a = f.archive
    out = [
        HeadlineFigure("posts", plain("Posts"), w.say("{n}", n=_bare(a.posts)), a.posts),
        HeadlineFigure("accounts", plain("Accounts"), w.say("{n}", n=_bare(a.accounts)), a.accounts),
    ]
    wave = f.wave
    if wave is not None:
        out.append(
            HeadlineFigure(
                "busiest_hour",
                # the main wave's busiest hour, which need not be the archive's (a wave of many
                # middling hours holds more posts than one lone busy hour): said so
                Writer(f.zone).say(
                    "Posts in the main wave's busiest hour ({t})",
                    t=_hour_edge(wave.busiest_hour, f, "the wave"),
                ),
                w.say("{n}", n=_bare(wave.busiest_hour_posts)),
                wave.busiest_hour_posts,
            )
        )
        r = wave.range
        out.append(
            HeadlineFigure(
                "negative_share",
                plain("Negative share in the main wave (VADER)"),
                w.say("{s}", s=r.negative_share) if r.negative_share.known else plain("not scored"),
                r.negative_share,
            )
        )
        out.append(
            HeadlineFigure(
                "exposure",
                # a partial sum travels with its caveat, on the cover too
                w.say(
                    "Exposure in the main wave (followers summed over the {s} of its posts that carry a "
                    "follower count)",
                    s=r.counted_share,
                )
                if r.exposure.known and chron.partial_exposure(r)
                else plain("Exposure in the main wave (followers summed over posts)"),
                w.say("{e}", e=_bare(r.exposure)) if r.exposure.known else plain("unknown"),
                r.exposure,
            )
        )
    elif f.phases:
        busiest = max(f.phases, key=lambda p: p.busiest_hour_posts.value or 0)
        out.append(
            HeadlineFigure(
                "busiest_hour",
                Writer(f.zone).say(
                    "Posts in the busiest hour ({t})", t=_hour_edge(busiest.busiest_hour, f, "its phase")
                ),
                w.say("{n}", n=_bare(busiest.busiest_hour_posts)),
                busiest.busiest_hour_posts,
            )
        )
    s = f.wave_sentiment if f.wave is not None else f.sentiment
    if s is not None and s.calibrated is not None:
        c = s.calibrated
        rng = {"start": s.start, "end": s.end}
        out.append(
            HeadlineFigure(
                "negative_share_corrected",
                w.say(
                    "Negative share corrected by the team's {n} labels",
                    n=Bare(Figure(c.labels, "count", source=Source.of("labels"))),
                ),
                w.say(
                    "{x} ({lo} to {hi})",
                    x=Figure(
                        c.shares.negative, "share", source=Source.of("calibrated", label="negative", **rng)
                    ),
                    lo=Figure(
                        c.low.negative, "share", source=Source.of("calibrated_low", label="negative", **rng)
                    ),
                    hi=Figure(
                        c.high.negative, "share", source=Source.of("calibrated_high", label="negative", **rng)
                    ),
                ),
            )
        )
    out.append(_brand_figure(f))
    return out


def _brand_figure(f: Facts) -> HeadlineFigure:
    label = plain("The brand's first post after the turn")
    if not f.brand_handles:
        return HeadlineFigure("brand_response", label, plain("no brand accounts set"))
    if not f.brand_posts:
        return HeadlineFigure("brand_response", label, plain("not in the archive"))
    wave = f.wave
    if wave is None or wave.began_before_archive:
        return HeadlineFigure("brand_response", label, plain("no turn to measure from"))
    start = wave.range.a
    after = [b for b in f.brand_posts if _unix(b.created_at) >= start]
    if not after:
        return HeadlineFigure("brand_response", label, plain("none in the archive"))
    first = after[0]
    d = Figure(
        _unix(first.created_at) - start,
        "seconds",
        source=Source.of(
            "difference", a=Source.of("post_time", platform=first.platform, post_id=first.post_id), b=start
        ),
    )
    return HeadlineFigure("brand_response", label, Writer(f.zone).say("{d} later", d=d), d)


class _Builder:
    def __init__(self, ws: Workspace, con: Any, f: Facts, options: ReportOptions) -> None:
        self.ws, self.con, self.f, self.options = ws, con, f, options
        self.zone = f.zone

    # -- summary --
    def summary(self) -> list[Block]:
        f = self.f
        s = write_summary(f)
        blocks: list[Block] = [Para(p) for p in s.paragraphs]
        blocks.append(Para(s.turning_points_caption, "muted"))
        blocks += [Para(x) for x in s.turning_points]
        blocks.append(Heading("Headline figures", 2))
        blocks.append(Headline(headline_figures(f)))
        if f.phases:
            blocks.append(Heading("Phases at a glance", 2))
            blocks.append(self._phase_table())
        return blocks

    def _phase_table(self) -> Table:
        rows = []
        for p in self.f.phases:
            w = Writer(self.zone)
            r = p.range
            rows.append(
                [
                    Cell(plain(p.title), bold=True),
                    Cell(w.say("{a} to {b}", a=Time(r.start, "when"), b=Time(self.f.end_of(r), "when"))),
                    Cell(w.say("{n}", n=_bare(r.posts))),
                    Cell(w.say("{s}", s=r.negative_share) if r.negative_share.known else plain("not scored")),
                    _exposure_cell(r, w, ""),
                ]
            )
        return Table(("Phase", "From – to", "Posts", "Negative", "Exposure"), rows, (14, 46, 12, 12, 16))

    # -- timeline --
    def timeline(self) -> list[Block]:
        f = self.f
        chart = timeline_chart(self.ws, self.con, f)
        if chart is None:
            return []
        # the markers outside the zoomed time are not drawn: the caption says which are
        shown = charts.markers_shown(chart)
        others = [m.number for m in chart.markers if m.number not in shown]
        caption = Writer(self.zone).say(
            "Posts per {bin}, the sentiment shares and the reach of the main wave, in {tz}, under the whole archive "
            "(the box marks the part shown)." + _markers_said(shown, others),
            bin=Const(chart.bin_label),
            tz=Name(f.tz),
            shown=Name(", ".join(map(str, shown))),
            others=Name(", ".join(map(str, others))),
        )
        blocks: list[Block] = [
            Chart(charts.render_svg(chart), caption, charts.render_svg(chart, charts.COMPACT))
        ]
        _, lines = turning_point_list(f)
        if lines:
            # the chart's key: two to a row, so the chart and its key share a page
            cells = [Cell(x) for x in lines]
            rows = [
                cells[i : i + 2] + [Cell(plain(""))] * (2 - len(cells[i : i + 2]))
                for i in range(0, len(cells), 2)
            ]
            blocks.append(Table(None, rows, (50, 50), size=7.5))
        return blocks

    # -- chronicle --
    def chronicle(self) -> list[Block]:
        f = self.f
        paragraphs = {p.phase_name: p for p in chron.chronicle(self.ws, f, self.con)}
        blocks: list[Block] = []
        for p in f.phases:
            para = paragraphs.get(p.name)
            w = Writer(self.zone)
            blocks.append(Heading(p.title, 2))
            blocks.append(
                Para(
                    w.say("{a} to {b}", a=Time(p.range.start, "when"), b=Time(f.end_of(p.range), "when")),
                    "muted",
                )
            )
            if para is not None:
                blocks.append(Para(user_text(para.text) if para.edited else (para.claim or plain(para.text))))
                if para.edited:
                    blocks.append(Para(plain("This paragraph was written by the team."), "note"))
            blocks.append(self._phase_figures(p))
            blocks += self._shared(p)
            numbers = [tp.number for tp in f.turning_points if p.a <= tp.time < p.b]
            if numbers:
                blocks.append(
                    Para(
                        Writer(self.zone).say(
                            "Turning points in this phase: {n}.", n=Name(", ".join(map(str, numbers)))
                        ),
                        "muted",
                    )
                )
        return blocks

    def _shared(self, p: PhaseFacts) -> list[Block]:
        """The phase's most shared posts, quoted, and the accounts whose posts were shared most."""
        out: list[Block] = []
        shared = p.shared_posts
        if shared is not None and shared.posts:
            out.append(Heading("Most shared posts", 3))
            quotes = []
            for post in shared.posts:
                w = Writer(self.zone)
                parts = [w.say("{h}", h=Name(words.handle(post.author)))]
                parts.append(w.say(" · {n}", n=noted(post.figures["shares"], w, "in this phase")))
                posted = post.figures.get("posted")
                if posted is not None and posted.value is not None:
                    parts.append(w.say(" · posted {t}", t=Time(posted, "when")))
                if not post.in_archive:
                    parts.append(plain(" · the post itself is not in the archive, only its shares"))
                quotes.append(QuotedPost(post.text, join(parts, sep="")))
            out.append(Quotes(quotes))
        accounts = p.shared_accounts
        if accounts is not None and accounts.accounts:
            rows = []
            for a in accounts.accounts:
                w = Writer(self.zone)
                g = a.figures
                rows.append(
                    [
                        Cell(
                            Writer(self.zone).say(
                                "{h}", h=Name("@" + a.handle + (f" ({a.role})" if a.role else ""))
                            )
                        ),
                        Cell(
                            w.say("{n}", n=Bare(g["followers"])) if g["followers"].known else plain("unknown")
                        ),
                        Cell(w.say("{n}", n=Bare(g["shares"]))),
                        # the account's own posts of this phase (it may have posted in others):
                        # with none, there is no exposure of them to show, not a 0 to read
                        # beside "unknown" followers
                        Cell(w.say("{n}", n=Bare(g["posts"])) if g["posts"].value else plain("none")),
                        Cell(
                            plain("none")
                            if not g["posts"].value
                            else w.say("{n}", n=Bare(g["exposure"]))
                            if g["exposure"].known
                            else plain("unknown")
                        ),
                    ]
                )
            # counted within the phase on the archive's own shares; collected counts cover each
            # post's life up to its collection
            basis = "in this phase" if accounts.basis == "archive" else "as counted when collected"
            out.append(Heading("Accounts whose posts were shared most", 3))
            out.append(
                Table(
                    (
                        "Account",
                        "Followers",
                        f"Shares received ({basis})",
                        "Own posts in this phase",
                        "Exposure of those posts",
                    ),
                    rows,
                    (30, 14, 22, 14, 20),
                    size=8,
                )
            )
        return out

    def _phase_figures(self, p: PhaseFacts) -> Table:
        w = Writer(self.zone)
        r = p.range
        cells = [
            Cell(w.say("Posts: {n}", n=_bare(r.posts))),
            Cell(
                w.say("Negative: {s}", s=r.negative_share)
                if r.negative_share.known
                else plain("Negative: not scored")
            ),
            _exposure_cell(r, w, "Exposure: "),
            Cell(w.say("Busiest hour: {n}", n=p.busiest_hour_posts)),
        ]
        return Table(None, [cells], (25, 25, 25, 25), size=8)

    # -- turning points --
    def turning_points(self) -> list[Block]:
        f = self.f
        _caption, _lines = turning_point_list(f)
        blocks: list[Block] = [Para(_caption, "muted")]
        rows = []
        for tp in f.turning_points:
            w = Writer(self.zone)
            when = w.say("{t}", t=Time(tp.time, "when"))
            if tp.end is not None:
                when = w.say("{a} to {b}", a=Time(tp.time, "when"), b=Time(tp.end, "when"))
            if tp.finding is not None:
                title = said.label_claim(tp.finding, self.zone)
                text = said.explanation(tp.finding, self.zone)
                evidence = said.evidence(tp.finding, self.zone)
            else:
                title = user_text(tp.label)
                text = user_text(tp.note)
                evidence = plain("")
            rows.append(
                [
                    Cell(user_text(str(tp.number)), bold=True),
                    Cell(when),
                    Cell(plain(tp.category)),
                    Cell(join([Writer(self.zone).say("{t}", t=title)]), sub=text, bold=True),
                    Cell(evidence),
                ]
            )
        if rows:
            blocks.append(
                Table(
                    ("#", "Time", "Category", "Turning point", "Evidence"), rows, (5, 16, 12, 42, 25), size=8
                )
            )
        blocks += self._attached()
        return blocks

    def _attached(self) -> list[Block]:
        """The posts the team attached to each accepted turning point as its evidence, quoted
        with their tags and comments."""
        from app.core import evidence

        out: list[Block] = []
        for tp in self.f.turning_points:
            a = tp.annotation
            if a is None or a.id is None:
                continue
            posts = [e for e in evidence.attached_posts(self.ws, a.id, con=self.con) if e.post is not None]
            if not posts:
                continue
            out.append(Heading(f"Evidence the team attached to turning point {tp.number}: {tp.label}", 3))
            quotes = []
            for e in posts:
                w = Writer(self.zone)
                post = e.post
                assert post is not None
                parts = [
                    w.say(
                        "{h} · {t}",
                        h=Name(words.handle(post.author_handle)),
                        t=Time(post.created_at.replace(tzinfo=timezone.utc).timestamp(), "when"),
                    )
                ]
                how = words.act(post.kind) if post.kind == "retweet" else ""
                if how:
                    # a retweet's text is its original author's, not the handle's above it
                    parts.append(w.say(" ·" + how[1:], ref=Name(words.handle(post.ref_author_handle))))
                if e.tags:
                    parts.append(w.say(" · tags: {x}", x=Name(", ".join(e.tags))))
                if e.comment:
                    parts.append(w.say(" · the team's note: {x}", x=Name(e.comment)))
                quotes.append(QuotedPost(post.text, join(parts, sep="")))
            out.append(Quotes(quotes))
        return out

    # -- brand --
    def brand(self) -> list[Block]:
        from app.core.narrative.summary import brand_paragraph as brand_sentence

        f = self.f
        w = Writer(self.zone)
        handles = ", ".join("@" + h for h in f.brand_handles) or "none set"
        blocks: list[Block] = [Para(w.say("Brand accounts: {h}.", h=Name(handles)))]
        sentence = brand_sentence(f, Writer(self.zone, year=True))
        if sentence is not None:
            blocks.append(Para(sentence))
        if f.brand_posts:
            start = f.wave.range.a if f.wave is not None and not f.wave.began_before_archive else None
            rows = []
            for b in f.brand_posts[:BRAND_POSTS_SHOWN]:
                t = _unix(b.created_at)
                w = Writer(self.zone)
                since = (
                    w.say(
                        "{d}",
                        d=Figure(
                            t - start,
                            "seconds",
                            source=Source.of(
                                "difference",
                                a=Source.of("post_time", platform=b.platform, post_id=b.post_id),
                                b=start,
                            ),
                        ),
                    )
                    if start is not None and t >= start
                    else plain("before the turn" if start is not None else "")
                )
                phase = next((p.title for p in f.phases if p.a <= t < p.b), "")
                rows.append(
                    [
                        Cell(w.say("{t}", t=Time(t, "when"))),
                        Cell(since),
                        Cell(plain(phase)),
                        # a retweet's text is its original author's: said so before it
                        Cell(_posted_text(b.kind, b.ref_author_handle, b.text)),
                    ]
                )
            blocks.append(Table(("Time", "After the turn", "Phase", "Post"), rows, (20, 16, 12, 52), size=8))
            if len(f.brand_posts) > BRAND_POSTS_SHOWN:
                blocks.append(
                    Para(
                        Writer(self.zone).say(
                            "The brand posted {n} in all; the first {k} are listed (export the posts for every one).",
                            n=Figure(
                                len(f.brand_posts), "count", "time", source=Source.of("posts", brand="only")
                            ),
                            k=_bare(Figure(BRAND_POSTS_SHOWN, "count", source=Source.of("constant"))),
                        ),
                        "note",
                    )
                )
        return blocks

    # -- method --
    def method(self) -> list[Block]:
        from app.core.narrative.summary import calibrated_claim, edge_sentence, gap_sentence, limits_claim

        f = self.f
        w = lambda: Writer(self.zone)  # noqa: E731 - a fresh clock per row
        rows: list[tuple[str, Claim]] = [
            (
                "Sentiment",
                w().say(
                    "Each post's text is scored with VADER, a lexicon- and rule-based model for English social media. "
                    "A post is negative at a compound score of {cut} or below; retweets share their original's "
                    "score. Posts in other languages are not scored and never counted in a share.",
                    cut=Const("-0.05"),
                ),
            ),
        ]
        coverage = self._sentiment_coverage()
        if coverage is not None:
            rows.append(("What the sentiment covers", coverage))
        check = join(
            [x for x in (limits_claim(f, w()), calibrated_claim(f, f.sentiment, w())) if x is not None]
        )
        rows.append(("Sarcasm and the team's check", check))
        rows.append(("Reach", self._reach_method()))
        rows.append(
            (
                "Followers",
                plain(
                    "Exposure sums the follower count each post carried when it was collected, so an account that "
                    "posted four times counts four times, each at its count of the time. An account's own follower "
                    "count (in the accounts tables, and in the audience, which counts each account once) is the "
                    "highest seen on its own posts in the archive; an account with no post of its own has the highest "
                    "that the retweets and quotes of its posts carry of it. Counts are a snapshot taken when each post "
                    "was collected, not when it was seen: exposure is the audience a post could reach, not the people "
                    "who read it."
                ),
            )
        )
        shares = self._shares_method()
        if shares is not None:
            rows.append(("Shares", shares))
        if f.automated:
            names = ", ".join("@" + a.handle for a in f.automated[:12]) + (
                " …" if len(f.automated) > 12 else ""
            )
            rows.append(
                (
                    "Automated accounts",
                    w().say(
                        "{n} recognised as automated or utility accounts (a bundled list, and signals such as the "
                        "same text posted again and again or an inhuman rate) are left out of influence and shares: "
                        "{names}.",
                        n=Figure(len(f.automated), "count", "account", source=Source.of("constant")),
                        names=Name(names),
                    ),
                )
            )
        rows.append(("The press", self._press_method()))
        cov = f.coverage
        if cov is not None:
            parts = [
                w().say(
                    "The archive runs from {a} to {b}.",
                    a=Time(f.archive.first, "when"),
                    b=Time(f.archive.last, "when"),
                )
            ]
            ww = w()
            parts += [edge_sentence(e, ww) for e in (cov.start, cov.end) if e is not None]
            parts += [gap_sentence(g, ww) for g in cov.gaps]
            if not cov.gaps and cov.start is None and cov.end is None:
                parts.append(self._no_edges(cov))
            rows.append(("What the archive covers", join(parts)))
        from app.core.narrative.findings import replay_sentence

        replay = replay_sentence(f.replay, w()) if f.replay is not None else None
        rule = early_warning.load_rule(self.ws)
        rows.append(
            (
                "Early warning",
                join(
                    [
                        user_text("The rule: " + rule.describe(rule.bin_seconds or f.bin_seconds) + "."),
                        *([replay] if replay is not None else []),
                    ]
                ),
            )
        )
        rows += [
            (
                "Phases",
                # as app.core.analysis.phases chooses them: a wave is judged on the smoothed
                # hours, and the main wave is the one holding the most posts, which need not
                # hold the archive's busiest hour
                Writer(self.zone).say(
                    "The hourly counts are smoothed over {k} hours; a wave is a run of hours whose smoothed count "
                    "stays at or above {rise} of the highest. A wave's peak is the run of hours around its busiest "
                    "hour that hold at least {peak} of that hour's posts; the wave begins where the hours before "
                    "the peak fall below {rise} of them (or where the wave before it ends), and ends where its "
                    "smoothed run ends. The main wave is "
                    "the wave that holds the most posts from that beginning to that end (on a tie, the wave with "
                    "the busier hour, then the earliest), so it need not hold the archive's single busiest hour; "
                    "an escalation turning point up to {snap} before its beginning moves the beginning there. "
                    "Hours are counted in the display time zone.",
                    k=Const(str(phase_rules.SMOOTH_HOURS)),
                    snap=Const(words.duration(phase_rules.SNAP_SECONDS)),
                    rise=Const(f"{round(100 * phase_rules.RISE_SHARE)}%"),
                    peak=Const(f"{round(100 * phase_rules.PEAK_SHARE)}%"),
                ),
            ),
            ("Time zone", plain(f"Times are shown in {f.tz}; the workspace stores them in UTC.")),
        ]
        return [
            Table(
                None,
                [[Cell(plain(k), bold=True), Cell(v)] for k, v in rows],
                (22, 78),
                size=8.5,
                row_headings=True,
            )
        ]

    def _no_edges(self, cov: Any) -> Claim:
        """What the archive's volume says of its collection when it shows no edge and no gap:
        true of the turning points too, which flag what sits near the archive's first or last
        post as where the collection may have started or stopped (one source: the coverage's
        flags)."""
        near = [
            tp.number
            for tp in self.f.turning_points
            if tp.finding is not None and tp.finding.flags & {"collection_start", "collection_end"}
        ]
        if not near:
            return plain("Nothing in it suggests that its collection began late, stopped early or paused.")
        return Writer(self.zone).say(
            "Its volume shows no near-empty stretch or busy hour at either end and no gap that would mark where "
            "its collection began, stopped or paused; but what comes within {d} of its first or last post may be "
            "the collection starting or stopping rather than an event, and is marked so (turning "
            "{tp} {n}).",
            d=Const(words.duration(cov.edge_seconds)),
            tp="point" if len(near) == 1 else "points",
            n=Name(words.and_list([str(n) for n in near])),
        )

    def _sentiment_coverage(self) -> Claim | None:
        s = self.f.sentiment
        if s is None or not s.coverage.posts:
            return None
        cov = s.coverage
        w = Writer(self.zone)
        parts = [
            w.say(
                "Of the archive's {posts}, {scored} are scored",
                posts=Figure(cov.posts, "count", "post", source=Source.of("posts")),
                scored=Bare(Figure(cov.scored, "count", source=Source.of("scored"))),
            )
        ]
        other = cov.not_scored.get("language", 0)
        if other:
            langs = [(k, n) for k, n in cov.languages if k not in ("en", "unknown")][:6]
            parts.append(
                w.say(
                    "; {n} in other languages are not ({langs})",
                    n=Bare(Figure(other, "count", source=Source.of("not_scored", reason="language"))),
                    langs=Name(", ".join(f"{k} {n:,}" for k, n in langs)),
                )
            )
        if cov.undetermined:
            parts.append(
                w.say(
                    "; {n} whose language could not be told {verb} scored as English",
                    n=Bare(Figure(cov.undetermined, "count", source=Source.of("undetermined_language"))),
                    verb="is" if cov.undetermined == 1 else "are",
                )
            )
        parts.append(plain("."))
        return join(parts, sep="")

    def _reach_method(self) -> Claim:
        a = self.f.archive
        if not a.followers_known:
            return plain(
                "This archive has no follower counts, so exposure and audience are unknown; they are never counted as zero."
            )
        w = Writer(self.zone)
        lead = (
            "Exposure is followers summed over posts (an account posting four times counts four times); the "
            "audience counts each account once."
        )
        if a.with_followers.value == a.posts.value:
            # no "others are left out" when there are none
            return w.say(lead + " Every post of the archive carries a follower count.")
        base = w.say(lead + " {s} of the posts carry a follower count", s=a.with_followers_share)
        return join([base, plain("; the others are left out rather than counted as zero.")], sep="")

    def _shares_method(self) -> Claim | None:
        b = self.f.shares_basis
        if b is None:
            return None
        w = Writer(self.zone)
        if b.basis == "archive":
            return w.say(
                "Shares are the retweets and quotes the archive holds, each at its own time, counted within the "
                "time asked about; a self-share and a share by an automated account do not count."
            )
        if b.basis == "collected":
            return join(
                [
                    plain(
                        "The archive holds too few of the retweets themselves, so shares are the counts the platform "
                        "reported when each post was collected: they cover a post's life up to its collection, not "
                        "a time of the incident, and are marked as counted when collected."
                    ),
                ]
            )
        return plain(f"Shares cannot be counted: {b.unknown}.")

    def _press_method(self) -> Claim:
        terms = self.f.terms
        tags = ", ".join(
            "#" + t.written.lstrip("#") for t in (terms.hashtags if terms is not None else ())[:5]
        )
        w = Writer(self.zone)
        parts = [
            plain(
                "News organisations are recognised from an international list of outlets' accounts and web sites, "
                "which the team can change for this workspace (Turning points > Press list, or the press command). "
                "A post counts as press pickup only when it is about the incident"
            )
        ]
        if tags:
            # only what the detector matches here: the incident's handles, and the brand's
            # posts only when brand accounts are set
            handles = words.and_list(
                ["@" + t.written.lstrip("@") for t in (terms.handles if terms is not None else ())[:3]]
            )
            ways = [w.say("it carries {tags}", tags=Name(tags))]
            if handles:
                ways.append(w.say("mentions {h}", h=Name(handles)))
            if self.f.brand_handles:
                ways.append(plain("answers or shares a post by the brand or another post about it"))
            else:
                ways.append(plain("answers or shares a post about it"))
            ways.append(
                plain(
                    "or links to a page whose address names it or that the incident's accounts shared widely"
                )
            )
            parts.append(join([plain(" (here: "), join(ways, sep=", "), plain(")")], sep=""))
        parts.append(plain("."))
        return join(parts, sep="")

    # -- lessons --
    def lessons(self) -> list[Block]:
        return [
            Para(user_text(chunk.strip())) for chunk in self.options.lessons.split("\n\n") if chunk.strip()
        ]

    # -- appendix --
    def appendix(self) -> list[Block]:
        imports = self.ws.imports()
        blocks: list[Block] = [Heading("Imported files", 2)]
        if imports:
            rows = []
            for i in imports:
                w = Writer(self.zone)

                def n(key: str, what: str, imp=i, w=w) -> Cell:
                    return Cell(
                        w.say(
                            "{n}",
                            n=_bare(
                                Figure(
                                    int(imp[key] or 0),
                                    "count",
                                    source=Source.of("import", import_id=imp["import_id"], column=key),
                                )
                            ),
                        )
                    )

                rows.append(
                    [
                        Cell(Claim(str(i["path"]), (Span(0, len(str(i["path"])), "name"),))),
                        Cell(user_text(str(i["format"] or ""))),
                        n("rows_read", "read"),
                        n("rows_added", "added"),
                        n("rows_duplicate", "already there"),
                        n("rows_duplicate_in_file", "repeated in the file"),
                        n("rows_conflict", "conflicting copies"),
                        n("rows_rejected", "rejected"),
                    ]
                )
            blocks.append(
                Table(
                    (
                        "File",
                        "Format",
                        "Read",
                        "Added",
                        "Already there",
                        "Repeated in the file",
                        "Conflicting copies",
                        "Rejected",
                    ),
                    rows,
                    (27, 10, 8, 8, 11, 12, 14, 10),
                    size=7.5,
                )
            )
            blocks.append(
                Para(
                    plain(
                        "Every post read was added, already in the workspace, a repeat in the file of a post "
                        "kept once (the same text and author), a conflicting copy (another text or author "
                        "under the same id: the last copy in the file was kept), or rejected."
                    ),
                    "note",
                )
            )
            blocks.append(Heading("Checksums (SHA-256)", 3))
            blocks.append(
                Table(
                    ("File", "SHA-256"),
                    [
                        [
                            Cell(
                                Claim(
                                    os.path.basename(str(i["path"])),
                                    (Span(0, len(os.path.basename(str(i["path"]))), "name"),),
                                )
                            ),
                            Cell(
                                Claim(
                                    str(i["sha256"] or ""), (Span(0, len(str(i["sha256"] or "")), "name"),)
                                ),
                                mono=True,
                            ),
                        ]
                        for i in imports
                    ],
                    (25, 75),
                    size=7,
                )
            )
        else:
            blocks.append(Para(plain("No imports are recorded.")))
        rule = early_warning.load_rule(self.ws)
        settings = [
            ("App version", user_text(f"Incident Timeline Explorer {__version__}")),
            (
                "Negative post",
                Writer(self.zone).say("VADER compound score at or below {cut}", cut=Const("-0.05")),
            ),
            ("Early-warning rule", user_text(rule.describe(rule.bin_seconds or self.f.bin_seconds))),
            ("Brand accounts", user_text(", ".join("@" + h for h in self.f.brand_handles) or "none set")),
            ("Display time zone", plain(self.f.tz)),
        ]
        blocks.append(Heading("Analysis settings", 2))
        blocks.append(
            Table(
                None,
                [[Cell(plain(k), bold=True), Cell(v)] for k, v in settings],
                (25, 75),
                size=8,
                row_headings=True,
            )
        )
        return blocks


# ---- the chart ------------------------------------------------------------------------------


def timeline_chart(ws: Workspace, con: Any, f: Facts) -> charts.TimelineChart | None:
    """The chart of the main wave (with a margin either side) under the whole archive."""
    if f.empty or f.series is None:
        return None
    first, last = float(f.archive.first.value), float(f.archive.last.value)  # type: ignore[arg-type]
    if f.wave is not None:
        a, b = f.wave.range.a, f.wave.range.b
        pad = max(b - a, 6 * 3600)
        a, b = max(first, a - 0.35 * pad), min(last + 60, b + 0.6 * pad)
    else:
        a, b = first, last + 60
    width = metrics.choose_bin(b - a, CHART_BINS, 1.0)
    s = metrics.binned_series(ws, a, b, width, con=con)
    ov_width = metrics.choose_bin(last - first + 60, OVERVIEW_BINS, 1.0)
    ov = metrics.binned_series(ws, first, last + 60, ov_width, con=con)
    known = f.archive.followers_known
    panel = charts.Panel(
        t=s.t,
        ends=s.bin_ends,
        volume=s.volume,
        scored=s.scored,
        neg_share=s.neg_share,
        pos_share=s.pos_share,
        exposure=s.exposure if known else None,
        cumulative_unique=(s.cumulative_unique if known else None),
    )
    markers = [charts.Marker(tp.number, tp.time, tp.end, TURNING_POINT) for tp in f.turning_points]
    return charts.TimelineChart(
        zone=f.zone,
        bin_label=_bin_words(width),
        panel=panel,
        overview_t=ov.t,
        overview_ends=ov.bin_ends,
        overview_counts=ov.total,
        window=(float(s.t[0]) if len(s.t) else a, float(s.bin_ends[-1]) if len(s.t) else b),
        markers=markers,
        reach_unknown=f"Reach is unknown: {f.reach.exposure.unknown}." if not known else "",
    )


def _markers_said(shown: list[int], others: list[int]) -> str:
    """The caption's sentence on the turning points' markers ({shown} and {others} fields)."""
    if not shown and not others:
        return ""
    if not shown:
        return " None of the turning points listed below falls in the part shown, so none is marked."
    if not others:
        return " Numbered markers are the turning points listed below."
    rest = (
        "the other ({others}) falls outside it and is not marked."
        if len(others) == 1
        else "the others ({others}) fall outside it and are not marked."
    )
    return (
        " Numbered markers are the turning points listed below that fall in or run into the part shown ({shown}); "
        + rest
    )


def _bin_words(seconds: int) -> str:
    if seconds % 86400 == 0:
        return "day" if seconds == 86400 else f"{seconds // 86400} days"
    if seconds % 3600 == 0:
        return "hour" if seconds == 3600 else f"{seconds // 3600} hours"
    return "minute" if seconds == 60 else f"{seconds // 60} minutes"


def _zone_suffix(f: Facts) -> str:
    """`` (America/New_York)`` after times that print only their abbreviation (EST); nothing
    when the abbreviation is the zone's name already (``4:57 am UTC``, not ``UTC (UTC)``)."""
    shown = {
        words.local(float(t.value), f.zone).tzname()
        for t in (f.archive.first, f.archive.last)
        if t.value is not None
    }
    return "" if shown == {f.tz} else f" ({f.tz})"


def _exposure_cell(r: Any, w: Writer, lead: str) -> Cell:
    """A range's exposure, with the share of its posts it is summed over in small print when
    that is not all of them (a partial sum is never shown as the whole)."""
    if not r.exposure.known:
        return Cell(plain(lead + "unknown"))
    sub = (
        w.say("over the {s} of posts with a follower count", s=r.counted_share)
        if chron.partial_exposure(r)
        else None
    )
    return Cell(w.say(lead + "{e}", e=_bare(r.exposure)), sub)


def _hour_edge(t: Figure, f: Facts, edge: str) -> Claim:
    """A busiest hour's start in a label, with why it is off the clock hour when it is
    (``from Thu 8 Apr 2021, 7:31 pm UTC, the archive's first post``)."""
    why = chron.hour_edge(t, f, edge)
    w = Writer(f.zone)
    if not why:
        return w.say("{t}", t=Time(t, "when"))
    return w.say("from {t}, {why}", t=Time(t, "when"), why=why)


def _posted_text(kind: str | None, ref: str | None, text: str) -> Claim:
    """A post's text as the team reads it in a table, after whose post it retweets
    (``Retweeting @x's post: …``): a retweet's text is the original author's words (a reply's
    and a quote's are the brand's own)."""
    if kind != "retweet":
        return user_text(text)
    how = words.act(kind)
    lead = Writer(ZoneInfo("UTC")).say(words.capital(how[2:]) + ": ", ref=Name(words.handle(ref)))
    return join([lead, user_text(text)], sep="")


def _bare(fig: Figure):
    from app.core.narrative.claims import Bare

    return Bare(fig)


def _unix(dt: datetime) -> float:
    return dt.replace(tzinfo=timezone.utc).timestamp()
