"""The executive summary: a synthesis of the incident's main wave, written from its facts.

In this order, each part only when the facts support it and otherwise saying what the
archive cannot tell:

1. what the archive holds and what it may miss (where its collection may have begun or
   stopped, gaps);
2. when the conversation turned and how it peaked (or that no storm stands out, or that the
   archive begins inside the wave), with the first sign of trouble before it;
3. who carried it: the most shared posts and the accounts whose posts were shared most, on
   the evidence the archive holds (its retweets, or the counts collected with the posts);
4. when the press took it up;
5. what the brand did and how fast, or that the archive does not show the brand's side;
6. the sentiment, with its coverage, its correction by the team's labels and its limits;
7. whether a simple early warning would have fired, or why it could not;
8. the reach, or that it is unknown;
9. the list of turning points its caption announces (the team's accepted ones, or the
   strongest the app suggests).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from typing import Any

from app.core.facts import Facts, TurningPoint
from app.core.model import Claim, Figure, Finding, Source
from app.core.narrative import words
from app.core.narrative.chronicle import _and, hour_edge, noted, partial_exposure
from app.core.narrative.claims import Bare, Const, Name, Quote, Time, Writer, join, plain, punctuate
from app.core.narrative.findings import replay_sentence, turning_point_label_claim


@dataclass(frozen=True)
class Summary:
    paragraphs: list[Claim]
    #: the caption of the turning-point list, then one line per turning point
    turning_points_caption: Claim
    turning_points: list[Claim]


def summary(f: Facts) -> Summary:
    # a clock per paragraph: each names its day at its first time
    parts = (_what, _coverage, _who, _press, brand_paragraph, sentiment_paragraph, _warning, _reach)
    paras = [part(f, Writer(f.zone, year=part is _what)) for part in parts]
    caption, lines = turning_point_list(f)
    return Summary([punctuate(p) for p in paras if p is not None and p.text], caption, lines)


# ---- what happened, and when it turned ------------------------------------------------------


def _what(f: Facts, w: Writer) -> Claim:
    a = f.archive
    if not a.posts.value:
        return plain("The workspace holds no posts yet.")
    out = [
        w.say(
            "The archive holds {posts} by {accounts}, from {first} to {last}.",
            posts=a.posts,
            accounts=a.accounts,
            first=Time(a.first),
            last=Time(a.last),
        )
    ]
    wave = f.wave
    if wave is None:
        busiest = max(f.phases, key=lambda p: p.busiest_hour_posts.value or 0, default=None)
        if busiest is not None:
            out.append(
                w.say(
                    "No storm stands out in it: its busiest hour, from {t}{e}, held {n}.",
                    t=Time(busiest.busiest_hour),
                    e=_edge(busiest.busiest_hour, f, "its phase"),
                    n=busiest.busiest_hour_posts,
                )
            )
        return join(out)
    r = wave.range
    trouble = _first_trouble(f, w)
    if trouble is not None:
        out.append(trouble)
    if wave.began_before_archive:
        first = f.phases[0].range if f.phases else None
        out.append(
            w.say(
                "It begins inside the incident's main wave, so it does not show how the incident began: "
                "posts were already coming at {rate} in its first phase.",
                rate=first.rate if first is not None else Figure.missing("no posts", "rate", "post"),
            )
        )
    else:
        out.append(w.say("The conversation turned {t}.", t=Time(r.start, "on")))
        if wave.baseline is not None:
            b = wave.baseline
            if b.hours >= 23.99:
                out.append(
                    w.say(
                        "Over the {day} before it, the archive holds {n} (a mean of {rate}).",
                        day=Const("24 hours"),
                        n=b.posts,
                        rate=b.rate,
                    )
                )
            else:
                out.append(
                    w.say(
                        "The archive holds only {h} before it, with {n} ({rate}).",
                        h=Figure(b.b - b.a, "seconds", source=Source.of("difference", a=b.b, b=b.a)),
                        n=b.posts,
                        rate=b.rate,
                    )
                )
    out.append(
        w.say(
            "The main wave's busiest hour came {t}{e}, with {n}; the wave held {posts} until {end}{tail}.",
            t=Time(wave.busiest_hour, "on"),
            e=_edge(wave.busiest_hour, f, "the wave"),
            n=wave.busiest_hour_posts,
            posts=r.posts,
            end=Time(f.end_of(r)),
            tail=", when the archive ends" if wave.ended_after_archive else "",
        )
    )
    return join(out)


def _edge(t: Figure, f: Facts, edge: str) -> str:
    """`` (the archive's first post)`` after a busiest hour clipped to the start of its range."""
    why = hour_edge(t, f, edge)
    return f" ({why})" if why else ""


_EDGES = frozenset({"collection_start", "collection_end", "collection_gap"})


def _first_trouble(f: Facts, w: Writer) -> Claim | None:
    """The first sign of trouble before the main wave: the earliest rise of the negative share,
    or early warning, that is not at an edge of the collection.

    A warning the rule gives on very few posts counts too (its weakness said): the early-warning
    paragraph states it on the same page, so a later sign is never called the first. A warning
    is dated when it would have fired (its window's end), as that paragraph dates it."""
    if f.wave is None or f.wave.began_before_archive:
        return None
    start = f.wave.range.a
    fired = f.replay.finding if f.replay is not None and f.replay.outcome == "fired" else None
    signs = [
        x
        for x in [*f.findings, *([fired] if fired is not None else [])]
        if x.time < start
        and not (x.flags & _EDGES)
        and (
            (x.kind == "sentiment_shift" and x.detail.get("direction") == "rise") or x.kind == "early_warning"
        )
    ]
    if not signs:
        return None
    x = min(signs, key=lambda s: s.time)
    t = x.time
    ahead = Figure(start - t, "seconds", source=Source.of("difference", a=start, b=t))
    if x.kind == "sentiment_shift":
        g = x.figures
        # the levels are the detector's segments, which may run for days either side: their
        # spans are said, and that retweets are left out (a cascade repeats one voice)
        among = "" if x.detail.get("retweets_counted") else " among original posts (retweets left out)"
        after_end = t + float(g["duration_after"].value or 0)
        return w.say(
            "The first sign of trouble came {t}, {d} before the conversation turned: the share of negative posts"
            "{among} rose from {a} over the {db} before then to {b} over the {da} after{tail}.",
            t=Time(t, "on"),
            d=ahead,
            among=among,
            a=g["share_before"],
            db=g["duration_before"],
            b=g["share_after"],
            da=g["duration_after"],
            tail=", a span that takes in the main wave" if after_end > start else "",
        )
    weak = "thin_evidence" in x.flags
    return w.say(
        "The first sign of trouble{weak} came {t}, {d} before the conversation turned: {n} of {s} scored posts were "
        "negative, enough for a simple alert to fire{few}.",
        weak=", a weak one," if weak else "",
        t=Time(t, "on"),
        d=ahead,
        n=Bare(x.figures["negative"]),
        s=Bare(x.figures["scored"]),
        few=", though on very few posts" if weak else "",
    )


def _coverage(f: Facts, w: Writer) -> Claim | None:
    """What the archive may miss: where its collection may have begun or stopped, its gaps."""
    c = f.coverage
    if c is None:
        return None
    out = []
    if c.start is not None:
        out.append(edge_sentence(c.start, w))
    for g in c.gaps[:3]:
        out.append(gap_sentence(g, w))
    if len(c.gaps) > 3:
        out.append(
            w.say(
                "It has {n} such gaps in all (the method section lists them).",
                n=Figure(len(c.gaps), "count", source=Source.of("constant")),
            )
        )
    if c.end is not None:
        out.append(edge_sentence(c.end, w))
    return join(out) if out else None


def edge_sentence(e: Any, w: Writer) -> Claim:
    g = e.figures
    if e.reason == "thin_lead":
        return w.say(
            "Before {t} the archive holds only {n} over {d}, against {rate} right after: its collection may "
            "have begun around then, so what came before is not known.",
            t=Time(e.time, "on"),
            n=g["thin_posts"],
            d=g["thin_duration"],
            rate=g["busy_rate"],
        )
    if e.reason == "thin_tail":
        return w.say(
            "After {t} the archive holds only {n} over {d}, against {rate} just before: its collection may have "
            "stopped around then.",
            t=Time(e.time, "on"),
            n=g["thin_posts"],
            d=g["thin_duration"],
            rate=g["busy_rate"],
        )
    edge = g["edge_posts"]
    hour = edge.source.get("start") if edge.source is not None else None
    busiest = g["busiest_hour"].value == edge.value
    top = (
        plain(", the most of any hour")
        if busiest
        else w.say(" (the busiest hour holds {top})", top=Bare(g["busiest_hour"]))
    )
    if e.reason == "opens_busy":
        return w.say(
            "Its first whole hour, from {t}, already holds {n}{top}: the collection seems to have started with the "
            "conversation under way.",
            t=Time(float(hour) if hour is not None else e.time),
            n=edge,
            top=top,
        )
    return w.say(
        "Its last whole hour, from {t}, still holds {n}{top}: the collection seems to have stopped with the "
        "conversation under way.",
        t=Time(float(hour) if hour is not None else e.time),
        n=edge,
        top=top,
    )


def gap_sentence(gap: Any, w: Writer) -> Claim:
    g = gap.figures
    return w.say(
        "It holds no post from {a} to {b} ({d}), where the rate around would have brought about {e}: the collection "
        "may have paused.",
        a=Time(gap.start, "on"),
        b=Time(gap.end),
        d=g["duration"],
        e=g["expected"],
    )


# ---- who carried it -------------------------------------------------------------------------


def _who(f: Facts, w: Writer) -> Claim | None:
    wave = f.wave
    if wave is None:
        return None
    shared = wave.shared_posts
    accounts = wave.shared_accounts
    if shared is None or not shared.posts:
        reason = getattr(shared, "unknown", "") or "no post was shared in it"
        return w.say("Who carried the main wave cannot be told from shares: {r}.", r=reason)
    top = shared.posts[0]
    out = [
        w.say(
            "The most shared post of the main wave was {who}'s {q}: {n}.",
            who=Name(words.handle(top.author)),
            q=Quote(top.text, 140),
            n=noted(top.figures["shares"], w, "in the main wave"),
        )
    ]
    if accounts is not None and accounts.accounts:
        names = [
            w.say("{h} ({n})", h=Name(words.handle(a.handle)), n=a.figures["shares"])
            for a in accounts.accounts[:3]
        ]
        out.append(
            join(
                [
                    plain(
                        "The accounts whose posts were shared most in it were "
                        if len(names) > 1
                        else "The account whose posts were shared most in it was "
                    ),
                    join(_and(names), sep=""),
                    plain("."),
                ],
                sep="",
            )
        )
    if f.automated:
        out.append(
            w.say(
                "{n} recognised as automated or utility accounts are left out of these counts.",
                n=Figure(len(f.automated), "count", "account", source=Source.of("constant")),
            )
        )
    return join(out)


# ---- the press ------------------------------------------------------------------------------


def _press(f: Facts, w: Writer) -> Claim | None:
    first = next((x for x in f.findings if x.kind == "press_pickup" and "first_overall" in x.flags), None)
    if first is None:
        first = min((x for x in f.findings if x.kind == "press_pickup"), key=lambda x: x.time, default=None)
    outlets = sorted(
        {str(x.detail.get("outlet") or x.subject) for x in f.all_findings if x.kind == "press_pickup"}
    )
    if first is None:
        return None
    outlet = Name(str(first.detail.get("outlet") or first.subject))
    parts = [w.say("The press took it up {t}: {o}", t=Time(first.time, "on"), o=outlet)]
    if f.wave is not None and not f.wave.began_before_archive and first.time >= f.wave.range.a:
        parts.append(
            w.say(
                ", {d} after the conversation turned",
                d=Figure(
                    first.time - f.wave.range.a,
                    "seconds",
                    source=Source.of("difference", a=first.time, b=f.wave.range.a),
                ),
            )
        )
    parts.append(plain("."))
    out = [join(parts, sep="")]
    if len(outlets) > 1:
        out.append(
            w.say(
                "In all, {n} news organisations posted about it or were linked to in the archive.",
                n=Figure(len(outlets), "count", source=Source.of("constant")),
            )
        )
    return join(out)


# ---- the brand ------------------------------------------------------------------------------


def brand_paragraph(f: Facts, w: Writer) -> Claim | None:
    """What the brand did and how fast, or what the archive cannot tell of it."""
    if not f.archive.posts.value:
        return None
    v = f.brand_visibility
    if not f.brand_handles:
        return plain(
            "No brand accounts are set for this workspace, so the report cannot say what the brand posted "
            "or how fast it responded (set them in the workspace's settings)."
        )
    handles = Name(words.and_list(["@" + h for h in f.brand_handles]))
    if not f.brand_posts:
        out = [
            w.say(
                "The archive holds no post by {h}: it does not show the brand's side, so it cannot tell whether or "
                "when the brand responded.",
                h=handles,
            )
        ]
        g = v.figures if v is not None else {}
        replies = g.get("replies_to_brand")
        shares = g.get("shares_of_brand")
        if replies is not None and (replies.value or (shares is not None and shares.value)):
            out.append(
                w.say(
                    "It does hold {r} to the brand's posts and {s} of them, so the brand did post; the posts "
                    "themselves were not collected.",
                    r=replies,
                    s=shares,
                )
            )
        if v is not None and "responded_outside_archive" in v.flags and "missing_after_escalation" in g:
            out.append(
                w.say(
                    "One of those posts came {t}, after the conversation turned.",
                    t=Time(g["missing_after_escalation"], "on"),
                )
            )
        return join(out)
    wave = f.wave
    if wave is None or wave.began_before_archive:
        first = f.brand_posts[0]
        if len(f.brand_posts) == 1:
            return w.say(
                "{h} posted once in the archive, {t}" + words.act(first.kind) + ": {q}.",
                h=handles,
                ref=Name(words.handle(first.ref_author_handle)),
                t=Time(_unix(first.created_at), "on"),
                q=Quote(first.text),
            )
        return w.say(
            "{h} posted {n} in the archive, first {t}" + words.act(first.kind) + ": {q}.",
            h=handles,
            ref=Name(words.handle(first.ref_author_handle)),
            n=Figure(len(f.brand_posts), "count", "time", source=Source.of("posts", brand="only")),
            t=Time(_unix(first.created_at), "on"),
            q=Quote(first.text),
        )
    start = wave.range.a
    after = [b for b in f.brand_posts if _unix(b.created_at) >= start]
    if not after:
        last = f.brand_posts[-1]
        return w.say(
            "{h} did not post after the conversation turned; its last post in the archive came {t}"
            + words.act(last.kind)
            + ": {q}.",
            h=handles,
            ref=Name(words.handle(last.ref_author_handle)),
            t=Time(_unix(last.created_at), "on"),
            q=Quote(last.text),
        )
    first = after[0]
    t = _unix(first.created_at)
    latency = Figure(
        t - start,
        "seconds",
        source=Source.of(
            "difference", a=Source.of("post_time", platform=first.platform, post_id=first.post_id), b=start
        ),
    )
    out = [
        w.say(
            # the time is the post's, not the turn's: "first posted after the conversation
            # turned on Wednesday, 11:26 pm" read as a turn at 11:26 pm (review 3)
            "{h} first posted {t}, {d} after the conversation turned" + words.act(first.kind) + ": {q}.",
            h=Name("@" + first.handle),
            ref=Name(words.handle(first.ref_author_handle)),
            t=Time(t, "on"),
            d=latency,
            q=Quote(first.text),
        )
    ]
    before = [b for b in f.brand_posts if _unix(b.created_at) < start]
    if before:
        out.append(w.say("Its last post before that came {t}.", t=Time(_unix(before[-1].created_at), "on")))
    return join(out)


# ---- sentiment ------------------------------------------------------------------------------


def sentiment_paragraph(f: Facts, w: Writer) -> Claim | None:
    """The negative share by VADER (of the main wave, or of the whole archive when no storm
    stands out), corrected by the team's labels when there are enough, with what the sentiment
    covers and its limits."""
    wave = f.wave
    if wave is not None and wave.range.negative_share.known:
        r = wave.range
        out = [
            w.say(
                "By VADER's lexicon, {share} of the {scored} scored posts of the main wave were negative",
                share=r.negative_share,
                scored=Bare(r.scored),
            )
        ]
        if wave.before is not None and wave.before.negative_share.known:
            # its span named: a turning point's "before" share is over another span
            before = wave.before
            out.append(
                w.say(
                    ", against {s} over the {d} from the archive's start to the turn",
                    s=before.negative_share,
                    d=Figure(
                        before.b - before.a,
                        "seconds",
                        source=Source.of("difference", a=before.b, b=before.a),
                    ),
                )
            )
        figures = f.wave_sentiment
    else:
        s = f.sentiment
        if s is not None and s.raw is None:
            return unscored_claim(s, w)
        if s is None or s.raw is None:
            return None
        scored_src = Source.of("scored")
        neg_src = Source.of("sentiment_class", label="negative")
        out = [
            w.say(
                "By VADER's lexicon, {share} of the archive's {scored} scored posts were negative",
                share=Figure(s.raw.negative, "share", source=Source.of("share", num=neg_src, den=scored_src)),
                scored=Bare(Figure(s.coverage.scored, "count", source=scored_src)),
            )
        ]
        figures = s
    out.append(plain("."))
    claims = [join(out, sep="")]
    cal = calibrated_claim(f, figures, w)
    if cal is not None:
        claims.append(cal)
    coverage = coverage_claim(figures, w)
    if coverage is not None:
        claims.append(coverage)
    claims.append(limits_claim(f, w))
    return join(claims)


def calibrated_claim(f: Facts, s: Any, w: Writer) -> Claim | None:
    """The corrected negative share with its interval and the labels behind it, or why there is
    none (only when the team has labelled posts)."""
    if s is None:
        return None
    if s.calibrated is None:
        agreement = getattr(f.label_check, "agreement", None)
        if agreement is not None and agreement.n:
            return w.say("It is not corrected by the team's labels: {why}.", why=Name(s.not_calibrated))
        return None
    c = s.calibrated
    src = Source.of("calibrated", label="negative", start=s.start, end=s.end)
    return w.say(
        "Corrected with the {n} posts the team labelled, the negative share is {share} ({level} interval {lo} to {hi}).",
        level=Const(f"{round(100 * c.level)}%"),
        n=Bare(Figure(c.labels, "count", "post", source=Source.of("labels"))),
        share=Figure(c.shares.negative, "share", source=src),
        lo=Figure(
            c.low.negative,
            "share",
            source=Source.of("calibrated_low", label="negative", start=s.start, end=s.end),
        ),
        hi=Figure(
            c.high.negative,
            "share",
            source=Source.of("calibrated_high", label="negative", start=s.start, end=s.end),
        ),
    )


def coverage_claim(s: Any, w: Writer) -> Claim | None:
    """What the shares speak for, when not every post is scored."""
    if s is None or not s.coverage.posts or s.coverage.scored == s.coverage.posts:
        return None
    cov = s.coverage
    rng = {"start": s.start, "end": s.end}
    parts = [
        w.say(
            "The shares speak for {scored} of its {posts} (English only",
            scored=Bare(Figure(cov.scored, "count", source=Source.of("scored", **rng))),
            posts=Figure(cov.posts, "count", "post", source=Source.of("posts", **rng)),
        )
    ]
    other = cov.not_scored.get("language", 0)
    if other:
        parts.append(
            w.say(
                "; {n} in other languages are not scored",
                n=Bare(Figure(other, "count", source=Source.of("not_scored", reason="language", **rng))),
            )
        )
    parts.append(plain(")."))
    return join(parts, sep="")


def unscored_claim(s: Any, w: Writer) -> Claim | None:
    """When no post is scored: say so, and why, rather than leave sentiment out unsaid."""
    cov = s.coverage
    if not cov.posts:
        return None
    rng = {"start": s.start, "end": s.end}
    other = cov.not_scored.get("language", 0)
    if other:
        return w.say(
            "No post of the archive is scored for sentiment: VADER reads English only, and {n} of its {posts} "
            "are in other languages.",
            n=Bare(Figure(other, "count", source=Source.of("not_scored", reason="language", **rng))),
            posts=Figure(cov.posts, "count", "post", source=Source.of("posts", **rng)),
        )
    return w.say(
        "None of the archive's {posts} is scored for sentiment yet.",
        posts=Figure(cov.posts, "count", "post", source=Source.of("posts", **rng)),
    )


def limits_claim(f: Facts, w: Writer) -> Claim:
    agreement = getattr(f.label_check, "agreement", None)
    if agreement is not None and agreement.n and agreement.accuracy is not None:
        return w.say(
            "A lexicon misreads sarcasm and irony: on this incident VADER agrees with the team's labels on {a} of "
            "{n} labelled posts.",
            a=Figure(agreement.accuracy, "share", source=Source.of("agreement")),
            n=Bare(Figure(agreement.n, "count", source=Source.of("labels"))),
        )
    return plain(
        "A lexicon misreads sarcasm and irony, and no post has been labelled by the team to measure how far it "
        "can be trusted here."
    )


# ---- early warning, reach -------------------------------------------------------------------


def _warning(f: Facts, w: Writer) -> Claim | None:
    replay = f.replay
    if replay is None:
        return None
    if replay.outcome == "fired" and replay.finding is not None:
        x: Finding = replay.finding
        # the finding is dated when it fired, and its lead counted from then (one fact)
        lead_figure = x.figures["lead"]
        lead = float(lead_figure.value or 0)
        when = Time(x.time, "on")
        evidence = w.say(
            "{n} of {s} scored posts", n=Bare(x.figures["negative"]), s=Bare(x.figures["scored"])
        )
        # fired after the turn: its lead on the peak is no warning of the turn (acme's rule
        # fired "15 minutes before the peak", an hour after the conversation had turned)
        turn = f.wave.range.a if f.wave is not None and not f.wave.began_before_archive else None
        if lead > 0 and turn is not None and x.time > turn:
            late = Figure(x.time - turn, "seconds", source=Source.of("difference", a=x.time, b=turn))
            out = [
                w.say(
                    "A simple early-warning rule on the negative share and the volume would first have fired {t}, "
                    "{late} after the conversation turned and {d} before the peak, when {e} in its window were "
                    "negative: too late to warn of the turn.",
                    t=when,
                    late=late,
                    d=lead_figure,
                    e=evidence,
                )
            ]
        elif lead > 0:
            out = [
                w.say(
                    "A simple early-warning rule on the negative share and the volume would first have fired {t}, "
                    "{d} before the peak, when {e} in its window were negative.",
                    t=when,
                    d=lead_figure,
                    e=evidence,
                )
            ]
        else:
            out = [
                w.say(
                    "A simple early-warning rule on the negative share and the volume would only have fired {t}, at "
                    "or after the peak, when {e} in its window were negative.",
                    t=when,
                    e=evidence,
                )
            ]
        if "thin_evidence" in x.flags:
            out.append(plain("That rests on very few posts: a weak signal, easy to miss or to dismiss."))
        return join(out)
    return replay_sentence(replay, w)


def _reach(f: Facts, w: Writer) -> Claim | None:
    wave = f.wave
    if wave is None:
        return None
    r = wave.range
    if not r.exposure.known:
        return plain(f"Reach is unknown: {r.exposure.unknown}.")
    parts = [
        w.say(
            "The main wave's posts had an exposure of {e} (followers summed over the posts, an account counted "
            "once per post), from an audience of {u} (the followers of the accounts that posted in it for the "
            "first time, each counted once)",
            e=r.exposure,
            u=r.unique_audience,
        )
    ]
    if partial_exposure(r):
        parts.append(w.say("; only {s} of its posts carry a follower count", s=r.counted_share))
    parts.append(plain("."))
    return join(parts, sep="")


# ---- the turning points ---------------------------------------------------------------------


def turning_point_list(f: Facts) -> tuple[Claim, list[Claim]]:
    """The caption and one line per numbered turning point."""
    tps = f.turning_points
    if not tps:
        return plain("No turning point is marked or suggested."), []
    if f.accepted:
        caption = plain("The turning points the team accepted:")
    else:
        caption = plain(
            "No turning point has been accepted yet; the strongest the app suggests are listed, "
            "for the team to confirm or dismiss in the timeline window:"
        )
    return caption, [line(tp, f) for tp in tps]


def line(tp: TurningPoint, f: Facts) -> Claim:
    w = Writer(f.zone)
    return w.say(
        "{n}. {t}: {label}",
        n=Name(str(tp.number)),
        t=Time(tp.time, "when"),
        label=turning_point_label_claim(tp, f.zone),
    )


def _unix(dt: Any) -> float:
    return dt.replace(tzinfo=timezone.utc).timestamp()
