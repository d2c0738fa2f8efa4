"""The executive summary: a synthesis of the incident's main wave, written from its facts.

In this order, each part only when the facts support it and otherwise saying what the
archive cannot tell: what the archive holds; when the conversation turned and how it peaked
(or that no storm stands out, or that the archive begins inside the wave); who carried it
(the most shared posts and accounts); what the brand did and how fast (or that the archive
does not show the brand's side); the sentiment, with its limits; the reach, or that it is
unknown; and the list of turning points its caption announces (the team's accepted ones, or
the strongest the app suggests).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.facts import Facts, TurningPoint
from app.core.model import Claim, Figure, Source
from app.core.narrative import words
from app.core.narrative.claims import Name, Quote, Time, Writer, join, plain, punctuate
from app.core.narrative.findings import turning_point_label_claim


@dataclass(frozen=True)
class Summary:
    paragraphs: list[Claim]
    #: the caption of the turning-point list, then one line per turning point
    turning_points_caption: Claim
    turning_points: list[Claim]


def summary(f: Facts) -> Summary:
    w = Writer(f.zone, year=True)
    paras = [
        _what(f, w),
        _who(f, w),
        _brand(f, w),
        _sentiment(f, w),
        _reach(f, w),
    ]
    caption, lines = turning_point_list(f)
    return Summary([punctuate(p) for p in paras if p is not None and p.text], caption, lines)


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
                    "No storm stands out in it: its busiest hour, from {t}, held {n}.",
                    t=Time(busiest.busiest_hour),
                    n=busiest.busiest_hour_posts,
                )
            )
        return join(out)
    r = wave.range
    if wave.began_before_archive:
        out.append(
            w.say(
                "It begins inside the incident's main wave, so it does not show how the incident began: "
                "posts were already coming at {rate} in its first hours.",
                rate=_first_hours_rate(f),
            )
        )
    else:
        out.append(w.say("The conversation turned {t}.", t=Time(r.start, "on")))
        if wave.baseline is not None:
            b = wave.baseline
            if b.hours >= 23.99:
                out.append(
                    w.say("Over the day before, the archive holds {n} ({rate}).", n=b.posts, rate=b.rate)
                )
            else:
                out.append(
                    w.say(
                        "The archive holds only {h} before it, with {n} ({rate}).",
                        h=Figure(b.b - b.a, "seconds", source=Source.of("difference", a=b.end, b=b.start)),
                        n=b.posts,
                        rate=b.rate,
                    )
                )
    out.append(
        w.say(
            "The busiest hour came {t}, with {n}; the main wave held {posts} until {end}{tail}.",
            t=Time(wave.busiest_hour, "on"),
            n=wave.busiest_hour_posts,
            posts=r.posts,
            end=Time(r.end),
            tail=", when the archive ends" if wave.ended_after_archive else "",
        )
    )
    return join(out)


def _first_hours_rate(f: Facts) -> Figure:
    first = f.phases[0].range if f.phases else None
    if first is None:
        return Figure.missing("the archive holds no posts", "rate", "post")
    return first.rate


def _who(f: Facts, w: Writer) -> Claim | None:
    wave = f.wave
    if wave is None or not wave.shared_posts:
        return None
    return None


def _brand(f: Facts, w: Writer) -> Claim | None:
    if not f.archive.posts.value:
        return None
    if not f.brand_handles:
        return plain(
            "No brand accounts are set for this workspace, so the report cannot say what the brand posted "
            "or how fast it responded (set them in File > Workspace settings)."
        )
    handles = words.and_list(["@" + h for h in f.brand_handles])
    if not f.brand_posts:
        return w.say(
            "The archive holds no post by {h}: it does not show the brand's side, so it cannot tell whether or "
            "when the brand responded.",
            h=Name(handles),
        )
    wave = f.wave
    if wave is None or wave.began_before_archive:
        first = f.brand_posts[0]
        return w.say(
            "{h} posted {n} in the archive, first {t}: {q}.",
            h=Name(handles),
            n=Figure(len(f.brand_posts), "count", "time", source=Source.of("posts", brand="only")),
            t=Time(_unix(first.created_at), "on"),
            q=Quote(first.text),
        )
    start = wave.range.a
    after = [b for b in f.brand_posts if _unix(b.created_at) >= start]
    if not after:
        last = f.brand_posts[-1]
        return w.say(
            "{h} did not post after the conversation turned; its last post in the archive came {t}: {q}.",
            h=Name(handles),
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
    return w.say(
        "{h} first posted after the conversation turned {t}, {d} later: {q}.",
        h=Name("@" + first.handle),
        t=Time(t, "on"),
        d=latency,
        q=Quote(first.text),
    )


def _sentiment(f: Facts, w: Writer) -> Claim | None:
    wave = f.wave
    r = wave.range if wave is not None else None
    if r is None or not r.negative_share.known:
        return None
    out = [
        w.say(
            "By VADER's lexicon, {share} of the {scored} scored posts of the main wave were negative",
            share=r.negative_share,
            scored=_bare(r.scored),
        )
    ]
    if wave.before is not None and wave.before.negative_share.known:
        out.append(w.say(", against {s} before it", s=wave.before.negative_share))
    out.append(
        plain("; a lexicon misreads sarcasm and irony, so the method section says how far it can be trusted.")
    )
    return join(out, sep="")


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
    if (r.counted_share.value or 0) < 0.995:
        parts.append(w.say("; only {s} of its posts carry a follower count", s=r.counted_share))
    parts.append(plain("."))
    return join(parts, sep="")


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


def _bare(f: Figure):
    from app.core.narrative.claims import Bare

    return Bare(f)


def _unix(dt) -> float:
    from datetime import timezone

    return dt.replace(tzinfo=timezone.utc).timestamp()
