"""The chronicle: a paragraph per phase of the incident, in plain English, written from the
incident's facts (:mod:`app.core.facts`), factual and in time order, in the manner of the
published #AskJPM chronicle; and the team's own versions of those paragraphs.

Every sentence is a :class:`~app.core.model.Claim` built from figures: the same workspace
gives the same words, and a sentence never states a threshold it did not test. A turning
point is cited by its number in the report's list, so every citation can be looked up.

The user's edits are kept in ``chronicle_edits`` and win over the draft (:func:`chronicle`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from app.core.analysis.amplification import ARCHIVE_NOTE
from app.core.errors import UserError
from app.core.facts import Facts, PhaseFacts, RangeFacts, TurningPoint
from app.core.model import Claim, Figure, Source
from app.core.narrative import words
from app.core.narrative.claims import Bare, Const, Name, Quote, Time, Writer, join, plain, punctuate
from app.core.narrative.findings import turning_point_label_claim
from app.core.store import chronicle_sql as q
from app.core.store.workspace import Workspace

PHASE_NAMES = ("launch", "simmer", "escalation", "peak", "response", "aftermath")
PHASE_TITLES = {name: name.capitalize() for name in PHASE_NAMES}

#: turning points cited per paragraph
TURNING_POINTS_CITED = 4


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
    #: the drafted paragraph with what it prints (None for a phase only the user wrote about)
    claim: Claim | None = None


def draft(f: Facts) -> list[ChronicleParagraph]:
    """A paragraph per phase of ``f``."""
    w = _Chronicle(f)
    out = []
    for p in f.phases:
        claim = w.paragraph(p)
        out.append(ChronicleParagraph(p.name, p.title, claim.text, False, "", p.a, p.b, claim))
    return out


def chronicle(ws: Workspace, f: Facts, con: Any = None) -> list[ChronicleParagraph]:
    """The draft with the user's edits applied, in phase order. A phase the user wrote about
    that is no longer in the draft (the turning points changed) is kept, with its text and no
    draft, so that nothing the user wrote disappears."""
    edits = edited(ws, con)
    out = []
    for para in draft(f):
        text = edits.pop(para.phase_name, None)
        out.append(
            para
            if text is None
            else ChronicleParagraph(
                para.phase_name, para.title, text, True, para.text, para.start, para.end, para.claim
            )
        )
    for name, text in edits.items():
        out.append(ChronicleParagraph(name, PHASE_TITLES.get(name, name.capitalize()), text, True, ""))
    order = {n: i for i, n in enumerate(PHASE_NAMES)}
    return sorted(out, key=lambda p: order.get(p.phase_name, len(order)))


def edited(ws: Workspace, con: Any = None) -> dict[str, str]:
    """The user's text by phase."""
    return dict((con or ws.cursor()).execute(q.EDITS).fetchall())


def save_edit(ws: Workspace, phase_name: str, text: str) -> None:
    """Keep the user's text for a phase (it wins over the draft from now on)."""
    if phase_name not in PHASE_NAMES:
        raise UserError(f"“{phase_name}” is not a phase; the phases are {', '.join(PHASE_NAMES)}.")
    ws.cursor().execute(q.SAVE_EDIT, [phase_name, str(text), datetime.now(timezone.utc).replace(tzinfo=None)])


def clear_edit(ws: Workspace, phase_name: str) -> None:
    """Go back to the draft for a phase."""
    ws.cursor().execute(q.CLEAR_EDIT, [phase_name])


# ---- the writer -----------------------------------------------------------------------------


class _Chronicle:
    def __init__(self, f: Facts) -> None:
        self.f = f
        self.by_name = {p.name: p for p in f.phases}
        wave = f.wave
        self.escalation_start = wave.range.a if wave is not None and not wave.began_before_archive else None

    def paragraph(self, p: PhaseFacts) -> Claim:
        w = Writer(self.f.zone, year=p is self.f.phases[0])
        sentences = getattr(self, "_" + p.name)(p, w)
        sentences += [self._shared(p, w), self._brand(p, w), self._turning_points(p, w)]
        return punctuate(join(sentences))

    # -- sentences several phases use --
    def _figures(self, r: RangeFacts, w: Writer, lead: Claim | str) -> Claim:
        """``{lead} 121 posts (2% of the 118 scored ones negative), with an exposure of 1.8
        million followers.`` — exposure left out when unknown (the summary says why)."""
        parts = [w.say("{lead} {posts}", lead=lead, posts=r.posts)]
        if r.negative_share.known:
            parts.append(
                w.say(
                    " ({share} of the {scored} scored ones negative)",
                    share=r.negative_share,
                    scored=_bare(r.scored),
                )
            )
        if r.exposure.known:
            parts.append(w.say(", with an exposure of {e}", e=r.exposure))
            caveat = exposure_caveat(r, w)
            if caveat is not None:
                parts.append(w.say(" ({c})", c=caveat))
        return join([*parts, plain(".")], sep="")

    def _shared(self, p: PhaseFacts, w: Writer) -> Claim | None:
        """The phase's most shared post, and the accounts whose posts were shared most in it
        (shares counted within the phase, on the evidence the archive holds)."""
        shared = p.shared_posts
        if shared is None or not shared.posts:
            return None
        top = shared.posts[0]
        out = [
            w.say(
                "Its most shared post was {who}'s {q} ({n}).",
                who=Name(words.handle(top.author)),
                q=Quote(top.text, 120),
                n=noted(top.figures["shares"], w, "in this phase"),
            )
        ]
        accounts = [
            a for a in (p.shared_accounts.accounts if p.shared_accounts is not None else ()) if a.handle
        ]
        if len(accounts) > 1:
            names = [
                w.say("{h} ({n})", h=Name("@" + a.handle), n=Bare(a.figures["shares"])) for a in accounts[:3]
            ]
            out.append(
                join(
                    [
                        plain("The accounts whose posts were shared most in this phase: "),
                        join(_and(names), sep=""),
                        plain("."),
                    ],
                    sep="",
                )
            )
        return join(out)

    def _brand(self, p: PhaseFacts, w: Writer) -> Claim | None:
        f = self.f
        if not f.brand_handles or not f.brand_posts:
            return None  # the summary says what the archive shows of the brand
        acts = p.brand_posts
        if not acts:
            return None
        first = acts[0]
        t = _unix(first.created_at)
        n = Figure(len(acts), "count", "time", source=_brand_source(f, p.range))
        latency: Claim | str = ""
        if self.escalation_start is not None and t >= self.escalation_start and self._first_after() is first:
            latency = w.say(
                ", {d} after the escalation began",
                d=Figure(t - self.escalation_start, "seconds", source=_since(first, self.escalation_start)),
            )
        if len(acts) == 1:
            return w.say(
                "{who} posted once in this phase, {t}{lat}" + words.act(first.kind) + ": {q}.",
                who=Name("@" + first.handle),
                ref=Name(words.handle(first.ref_author_handle)),
                t=Time(t, "on"),
                lat=latency,
                q=Quote(first.text),
            )
        return w.say(
            "{who} posted {n} in this phase, first {t}{lat}" + words.act(first.kind) + ": {q}.",
            who=Name("@" + first.handle),
            ref=Name(words.handle(first.ref_author_handle)),
            n=n,
            t=Time(t, "on"),
            lat=latency,
            q=Quote(first.text),
        )

    def _first_after(self) -> Any:
        if self.escalation_start is None:
            return None
        return next((b for b in self.f.brand_posts if _unix(b.created_at) >= self.escalation_start), None)

    def _turning_points(self, p: PhaseFacts, w: Writer) -> Claim | None:
        first = p is self.f.phases[0]
        last = p is self.f.phases[-1]
        cited = [
            tp
            for tp in self.f.turning_points
            if (p.a <= tp.time < p.b) or (first and tp.time < p.a) or (last and tp.time >= p.b)
        ]
        if not cited:
            return None
        shown = cited[:TURNING_POINTS_CITED]
        items = [_cite(tp, w) for tp in shown]
        more = len(cited) - len(shown)
        lead = "Turning point" if len(items) == 1 else "Turning points"
        tail = (
            w.say(" (and {n} in the list)", n=Figure(more, "count", "more", source=Source.of("constant")))
            if more
            else plain("")
        )
        return join([plain(lead + " "), join(items, sep="; "), tail, plain(".")], sep="")

    # -- the phases --
    def _launch(self, p: PhaseFacts, w: Writer) -> list[Claim | None]:
        f = self.f
        opens = w.say("The archive opens {t}.", t=Time(f.archive.first, "on"))
        if p is f.phases[-1]:
            lead = w.say("Until it closes {t} it holds", t=Time(f.archive.last, "on"))
        else:
            lead = w.say("Until {t} it holds", t=Time(f.end_of(p.range), "at"))
        return [opens, self._figures(p.range, w, lead), self._busiest(p, w)]

    def _simmer(self, p: PhaseFacts, w: Writer) -> list[Claim | None]:
        opener = next(
            (
                tp
                for tp in self.f.turning_points
                if tp.category in ("trigger", "escalation") and abs(tp.time - p.a) < 60
            ),
            None,
        )
        if opener is not None:
            # what opens the simmer, said as what it is: "the first sign of trouble" is the
            # summary's, which weighs every sign (an early warning too) and may name another
            first = w.say(
                "{t} came {tp}, the first turning point marked as a trigger or an escalation before the "
                "conversation turned.",
                t=Time(opener.time, "on"),
                tp=_cite(opener, w, time=False),
            )
            first = Claim(words.capital(first.text), first.spans)
        else:
            first = w.say(
                "A quieter stretch ran from {a} to {b}.",
                a=Time(p.range.start, "at"),
                b=Time(self.f.end_of(p.range), "at"),
            )
        lead = w.say("In it there were")
        out: list[Claim | None] = [first, self._figures(p.range, w, lead)]
        launch = self.by_name.get("launch")
        if launch is not None and launch.range.negative_share.known and p.range.negative_share.known:
            out.append(
                w.say(
                    "In the launch phase before it, {s} of the scored posts were negative.",
                    s=launch.range.negative_share,
                )
            )
        out.append(self._busiest(p, w))
        return out

    def _escalation(self, p: PhaseFacts, w: Writer) -> list[Claim | None]:
        f = self.f
        wave = f.wave
        out: list[Claim | None] = []
        if wave is not None and wave.began_before_archive:
            out.append(
                w.say(
                    "The archive opens {t} with the wave already under way, so it does not show how the incident began.",
                    t=Time(f.archive.first, "on"),
                )
            )
        else:
            out.append(w.say("{t} the pace changed.", t=Time(p.range.start, "on")))
            out[-1] = _capital(out[-1])
            if wave is not None and wave.baseline is not None:
                out.append(_baseline(wave.baseline, w))
        out.append(self._figures(p.range, w, w.say("Until {t} there were", t=Time(f.end_of(p.range), "at"))))
        return out

    def _peak(self, p: PhaseFacts, w: Writer) -> list[Claim | None]:
        r = p.range
        edge = hour_edge(p.busiest_hour, self.f)
        out: list[Claim | None] = [
            w.say(
                "The busiest stretch ran from {a} to {b}: {n}, {rate}; the busiest hour, from {h}{e}, held {c}.",
                a=Time(r.start),
                b=Time(self.f.end_of(r)),
                n=r.posts,
                rate=r.rate,
                h=Time(p.busiest_hour),
                e=f" ({edge})" if edge else "",
                c=p.busiest_hour_posts,
            )
        ]
        if r.negative_share.known:
            out.append(w.say("{s} of its scored posts were negative.", s=r.negative_share))
            out[-1] = _capital(out[-1])
        if r.exposure.known:
            out.append(
                w.say(
                    "Its posts had an exposure of {e}, and the accounts that posted for the first time brought "
                    "{u}{c}.",
                    e=r.exposure,
                    u=r.unique_audience,
                    c=w.say(" ({c})", c=exposure_caveat(r, w)) if partial_exposure(r) else "",
                )
            )
        return out

    def _response(self, p: PhaseFacts, w: Writer) -> list[Claim | None]:
        r = p.range
        out: list[Claim | None] = [
            w.say(
                "From {a} to {b} the volume eased to {rate}: {n} in all.",
                a=Time(r.start),
                b=Time(self.f.end_of(r)),
                rate=r.rate,
                n=r.posts,
            )
        ]
        if r.negative_share.known:
            out.append(w.say("{s} of its scored posts were negative.", s=r.negative_share))
            out[-1] = _capital(out[-1])
        return out

    def _aftermath(self, p: PhaseFacts, w: Writer) -> list[Claim | None]:
        f = self.f
        r = p.range
        out: list[Claim | None] = [
            self._figures(
                r,
                w,
                w.say(
                    "From {a} until the archive closes {b} there were",
                    a=Time(r.start),
                    b=Time(f.archive.last, "on"),
                ),
            )
        ]
        peak = self.by_name.get("peak")
        if peak is not None and peak.range.rate.value:
            out.append(
                w.say(
                    "That is {rate}, against {peak} at the peak.",
                    rate=r.rate,
                    peak=peak.range.rate,
                )
            )
        out.append(self._busiest(p, w))
        return out

    def _busiest(self, p: PhaseFacts, w: Writer) -> Claim | None:
        """The phase's busiest hour, when it stands out of the phase (at least three times
        its mean hour and ten posts)."""
        n = p.busiest_hour_posts.value or 0
        if n < 10 or n < 3 * float(p.range.rate.value or 0):
            return None
        # a phase of several days names the day of its busiest hour (a fresh clock: "from 8:00
        # pm" of a phase that runs Monday to Wednesday does not say which day)
        edge = hour_edge(p.busiest_hour, self.f)
        writer = Writer(self.f.zone) if _spans_days(p, self.f) else w
        return writer.say(
            "Its busiest hour, from {t}{e}, held {n}.",
            t=Time(p.busiest_hour),
            e=f" ({edge})" if edge else "",
            n=p.busiest_hour_posts,
        )


def hour_edge(at: Figure | float, f: Facts, edge: str = "the phase") -> str:
    """Why a busiest hour starts off the clock hour, or ``""`` when it starts on it: the hour
    counts only what lies inside its range, so the first hour of a range that begins mid-hour
    is clipped, and "from 7:31 pm" would read as a clock hour it is not."""
    value = at.value if isinstance(at, Figure) else at
    if value is None:
        return ""
    t = float(value)
    d = words.local(t, f.zone)
    if d.minute == 0 and d.second == 0:
        return ""
    first = f.archive.first.value
    if first is not None and t <= float(first) < t + 60:
        return "the archive's first post"
    return f"where {edge} begins"


def _spans_days(p: PhaseFacts, f: Facts) -> bool:
    """Whether the phase runs over more than one day of the display zone (its last moment
    counted, not its exclusive end)."""
    return words.local(p.range.a, f.zone).date() != words.local(max(p.range.a, p.range.b - 1), f.zone).date()


def _capital(c: Claim | None) -> Claim | None:
    """The sentence with its first letter a capital (a time that opens it: "On Monday …")."""
    return None if c is None else Claim(words.capital(c.text), c.spans)


def noted(fig: Figure, w: Writer, within: str = "") -> Claim:
    """A count of shares with the evidence it rests on (``609 retweets and quotes in the main
    wave``, ``643 retweets and quotes in this archive``, ``1,049 retweets as counted when
    collected``).

    A count of the archive's own shares over a time range names that range (``within``: "in
    the main wave", "in this phase"): "in this archive" would read as the post's total, which
    it is only when the count covers the whole archive."""
    if fig.value is None:
        return plain(f"unknown: {fig.unknown}")
    note = fig.note
    if note == ARCHIVE_NOTE and ranged(fig):
        note = within or "in the time shown"
    if note:
        sep = " " if note.startswith(("in ", "as ")) else ", "
        return w.say("{x}{sep}{note}", x=fig, sep=sep, note=note)
    return w.say("{x}", x=fig)


def partial_exposure(r: RangeFacts) -> bool:
    """Whether ``r``'s exposure is summed over only some of its posts (the others carry no
    follower count): the figure is then shown with the share it covers, wherever it is shown."""
    return r.exposure.known and (r.counted_share.value or 0) < 0.995


def exposure_caveat(r: RangeFacts, w: Writer) -> Claim | None:
    """``only 76% of its posts carry a follower count``, when ``r``'s exposure is partial."""
    if not partial_exposure(r):
        return None
    return w.say("only {s} of its posts carry a follower count", s=r.counted_share)


def ranged(fig: Figure) -> bool:
    """Whether ``fig`` counts over part of the archive (its source names a start or an end)."""
    src = fig.source
    return src is not None and (src.get("start") is not None or src.get("end") is not None)


def _and(parts: list[Claim]) -> list[Claim]:
    """Claims to be joined with commas and a final "and" (as claims, so their spans stay)."""
    out: list[Claim] = []
    for i, part in enumerate(parts):
        if i:
            out.append(plain(" and " if i == len(parts) - 1 else ", "))
        out.append(part)
    return out


def _baseline(b: RangeFacts, w: Writer) -> Claim:
    """The rate before the wave, over the window the archive really holds."""
    if b.hours >= 23.99:
        # the span of the mean said, so it does not read against a turning point's rates over
        # the hours either side of the turn
        return w.say(
            "Over the {day} before it, the archive holds {n}, a mean of {rate}.",
            day=Const("24 hours"),
            n=b.posts,
            rate=b.rate,
        )
    return w.say(
        "The archive holds only {h} before it, with {n} ({rate}).",
        h=Figure(b.b - b.a, "seconds", source=Source.of("difference", a=b.b, b=b.a)),
        n=b.posts,
        rate=b.rate,
    )


def _cite(tp: TurningPoint, w: Writer, time: bool = True) -> Claim:
    label = turning_point_label_claim(tp, w.zone)
    if time:
        return w.say("{n} ({t}, {label})", n=Name(str(tp.number)), t=Time(tp.time), label=label)
    return w.say("turning point {n}, {label}", n=Name(str(tp.number)), label=label)


def _bare(f: Figure) -> Any:
    from app.core.narrative.claims import Bare

    return Bare(f)


def _unix(dt: datetime) -> float:
    return dt.replace(tzinfo=timezone.utc).timestamp()


def _brand_source(f: Facts, r: RangeFacts) -> Source:
    return Source.of("posts", start=r.a, end=r.b, brand="only")


def _since(post: Any, t0: float) -> Source:
    return Source.of(
        "difference", a=Source.of("post_time", platform=post.platform, post_id=post.post_id), b=t0
    )
