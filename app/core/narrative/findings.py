"""A finding in words: its label (a few words on a plot or in a list), its explanation (one or
two sentences with its figures) and its evidence (lines a reader can check), the same in the
window, the CLI and the report.

Each kind has a writer here that reads the figures, particulars and flags its detector
documents (the modules of :mod:`app.core.analysis`); the caveats a flag stands for are told
once, by :func:`caveats`, in the same words for every kind. A figure that is unknown is
never printed as a number: the sentence that needs it says what is not known instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from app.core.model import Claim, Figure, Finding
from app.core.narrative import words
from app.core.narrative.claims import Const, Name, Quote, Time, Writer, join, plain

#: what each kind is called where nothing more specific can be said
KIND_TITLES = {
    "volume_change": "Change in volume",
    "busy_day": "Unusual day",
    "sentiment_shift": "Shift in sentiment",
    "influencer_entry": "Influential account joins",
    "amplification": "Post amplified",
    "press_pickup": "Press pickup",
    "brand_action": "The brand posts",
    "peak": "Peak",
    "early_warning": "Early warning",
}

#: a finding's caveats, in the order they are told
CAVEATS = {
    "collection_start": "It comes where the archive begins (its first hours, or right after a near-empty "
    "stretch), so it may be where the collection started rather than a change in the conversation.",
    "collection_end": "It comes where the archive ends, so it may be where the collection stopped.",
    "collection_gap": "It sits beside a stretch with no posts in an otherwise busy archive, so the "
    "collection may have paused.",
    "rhythm_unchecked": "No other day of the archive covers these hours, so it cannot be told apart from "
    "the daily rhythm.",
    "collected_counts": "That count is the platform's, taken when the post was collected, so when those "
    "shares came is not known.",
    "original_not_in_archive": "The post itself is not in the archive: it is known from the retweets and "
    "quotes of it that are.",
    "exposure_partial": "Some of these posts carry no follower count; the exposure counts the others only.",
    "responded_outside_archive": "The brand posted after the escalation in posts the archive does not hold "
    "(replies to them are in it).",
}

_EDGE_SUFFIX = {
    "collection_start": " (where the archive begins)",
    "collection_end": " (where the archive ends)",
    "collection_gap": " (beside a gap in the archive)",
}


def label(f: Finding) -> str:
    """A few words for a plot or a list."""
    return label_claim(f, ZoneInfo("UTC")).text


def label_claim(f: Finding, zone: ZoneInfo) -> Claim:
    """The label as a claim (its figures known to the audit)."""
    writer = _WRITERS.get(f.kind)
    w = Writer(zone)
    c = writer[0](f, w) if writer else plain(KIND_TITLES.get(f.kind, f.kind.replace("_", " ").capitalize()))
    for flag, suffix in _EDGE_SUFFIX.items():
        if flag in f.flags:
            return join([c, plain(suffix)], sep="")
    return c


def explanation(f: Finding, zone: ZoneInfo) -> Claim:
    """One or two sentences with the finding's figures, then its caveats."""
    w = Writer(zone)
    writer = _WRITERS.get(f.kind)
    body = (
        writer[1](f, w)
        if writer
        else w.say("{title} {t}.", title=KIND_TITLES.get(f.kind, f.kind), t=Time(f.time, "on"))
    )
    return join([body, *caveats(f)])


def caveats(f: Finding) -> list[Claim]:
    return [plain(text) for flag, text in CAVEATS.items() if flag in f.flags]


def evidence(f: Finding, zone: ZoneInfo) -> Claim:
    """The accounts behind a finding, as a reader checks them."""
    if not f.accounts:
        return plain("")
    shown = ", ".join("@" + a.lstrip("@") for a in f.accounts[:4])
    more = len(f.accounts) - 4
    w = Writer(zone)
    if more > 0:
        return w.say(
            "Accounts: {a} and {n}.", a=Name(shown), n=Figure(more, "count", "more", source=_const())
        )
    return w.say("Accounts: {a}.", a=Name(shown))


def turning_point_label(tp: Any) -> str:
    """The label of a numbered turning point: the team's own for an annotation, the
    finding's otherwise."""
    if getattr(tp, "annotation", None) is not None or getattr(tp, "finding", None) is None:
        return tp.label
    return label(tp.finding)


def turning_point_label_claim(tp: Any, zone: ZoneInfo) -> Claim:
    if getattr(tp, "annotation", None) is not None or getattr(tp, "finding", None) is None:
        from app.core.model import Span

        return Claim(tp.label, (Span(0, len(tp.label), "name"),)) if tp.label else Claim("")
    return label_claim(tp.finding, zone)


# ---- helpers --------------------------------------------------------------------------------


def _const():
    from app.core.model import Source

    return Source.of("constant")


def _fig(f: Finding, name: str) -> Figure | None:
    x = f.figures.get(name)
    return x if isinstance(x, Figure) else None


def _known(f: Finding, name: str) -> bool:
    x = _fig(f, name)
    return x is not None and x.value is not None


def _v(f: Finding, name: str, default: float = 0.0) -> float:
    x = _fig(f, name)
    return float(x.value) if x is not None and x.value is not None else default


def _noted(fig: Figure, w: Writer) -> Claim:
    """A figure with its qualifier (``1,049 shares, as counted when collected``)."""
    if fig.note and fig.value is not None:
        return w.say("{x} ({note})", x=fig, note=fig.note)
    return w.say("{x}", x=fig)


def _handle(h: str | None) -> Name:
    return Name(words.handle(h))


def _bin(f: Finding) -> str:
    seconds = int(f.detail.get("bin_seconds") or 3600)
    return {
        60: "minute",
        300: "5 minutes",
        900: "15 minutes",
        3600: "hour",
        10800: "3 hours",
        21600: "6 hours",
        43200: "12 hours",
        86400: "day",
    }.get(seconds, words.duration(seconds))


# ---- volume ---------------------------------------------------------------------------------


def _volume_label(f: Finding, w: Writer) -> Claim:
    rise = f.detail.get("direction") == "rise"
    gradual = f.detail.get("shape") == "gradual"
    if "thin_base" in f.flags or not _known(f, "ratio"):
        # no ratio on a thin base: the verb claims no size either ("surges" to 0.1 posts an
        # hour from a quieter stretch was read as the first sign of trouble)
        return w.say(
            "Volume {verb} to {r} ({da} after)",
            verb="rises" if rise else "falls",
            r=f.figures["rate_after"],
            da=f.figures["duration_after"],
        )
    r = _v(f, "ratio")
    verb = ("climbs" if gradual else "jumps" if r >= 10 else "rises") if rise else "falls"
    # both rates in one unit (per day below one an hour: words.rate_words)
    fa, fb = f.figures["rate_before"], f.figures["rate_after"]
    unit = words.rate_unit(_v(f, "rate_before"), _v(f, "rate_after"))
    # each rate names its span: beside a paragraph's other rates (the day before the turn)
    # they read as what they are
    return w.say(
        "Volume {verb}: {a} to {b} {noun} {per} ({db} before, {da} after)",
        verb=verb,
        a=_bare_rate(fa, unit),
        b=_bare_rate(fb, unit),
        noun=words.plural(fb.noun or "post"),
        per="an hour" if unit == "hour" else "a day",
        db=f.figures["duration_before"],
        da=f.figures["duration_after"],
    )


def _volume_text(f: Finding, w: Writer) -> Claim:
    rise = f.detail.get("direction") == "rise"
    verb = "rose" if rise else "fell"
    rates = {
        "verb": verb,
        "before": f.figures["rate_before"],
        "pb": f.figures["posts_before"],
        "db": f.figures["duration_before"],
        "after": f.figures["rate_after"],
        "pa": f.figures["posts_after"],
        "da": f.figures["duration_after"],
    }
    if f.detail.get("shape") == "gradual" and f.end is not None and "change_at" in f.figures:
        # the two levels split at the change point, not where the change began: the sentence
        # names that split, then the stretch of the change (review N2: "... on Thursday 3
        # April" stood for windows split on 9 April)
        what = "a climb" if rise else "a decline"  # a gradual fall is no climb
        parts = [
            w.say(
                "Posts {verb} from {before} ({pb} over the {db} before {c}) to {after} ({pa} over the {da} "
                "from then on), in {what} that began {t} and went on until {e}",
                c=Time(f.figures["change_at"]),
                what=what,
                t=Time(f.time, "on"),
                e=Time(f.end),
                **rates,
            )
        ]
    else:
        parts = [
            w.say(
                "Posts {verb} from {before} ({pb} over the {db} before) to {after} ({pa} over the {da} that "
                "followed) {t}",
                t=Time(f.time, "on"),
                **rates,
            )
        ]
    parts.append(plain("."))
    out = [join(parts, sep="")]
    if "thin_base" in f.flags:
        out.append(
            w.say("The earlier level rests on only {n}, so no ratio is given.", n=f.figures["posts_before"])
        )
    elif _known(f, "ratio"):
        out.append(w.say("That is {r} the earlier rate.", r=f.figures["ratio"]))
    if f.detail.get("rhythm") == "compared" and _known(f, "usual_before") and _known(f, "usual_after"):
        day = int(f.detail.get("reference_day") or -1)
        which = "the day before" if day == -1 else "the day after" if day == 1 else "another day"
        if all(
            _known(f, k)
            for k in (
                "same_hours_rate_before",
                "same_hours_rate_after",
                "usual_rate_before",
                "usual_rate_after",
            )
        ):
            # like with like: the same two windows on both days, as rates (the windows before
            # and after are not as long: "from 21 posts to 5 posts" was 6 hours against 1 hour
            # 15 minutes, review N3)
            out.append(
                w.say(
                    "Over the {da} before it and the {db} after, posts went from {ta} ({na}) to {tb} ({nb}); at "
                    "the same clock hours {which}, {ea} and {eb}, from {ua} ({ma}) to {ub} ({mb}).",
                    da=f.figures["same_hours_duration_before"],
                    db=f.figures["same_hours_duration_after"],
                    ta=f.figures["same_hours_rate_before"],
                    na=f.figures["same_hours_before"],
                    tb=f.figures["same_hours_rate_after"],
                    nb=f.figures["same_hours_after"],
                    which=which,
                    ea=f.figures["usual_duration_before"],
                    eb=f.figures["usual_duration_after"],
                    ua=f.figures["usual_rate_before"],
                    ma=f.figures["usual_before"],
                    ub=f.figures["usual_rate_after"],
                    mb=f.figures["usual_after"],
                )
            )
    return join(out)


def _busy_day_label(f: Finding, w: Writer) -> Claim:
    unusual = set(f.detail.get("unusual") or ())
    if unusual == {"negative"}:
        return w.say("Unusually negative day: {n} negative posts", n=_bare(f.figures["negative"]))
    return w.say("Unusually busy day: {n}", n=f.figures["posts"])


def _busy_day_text(f: Finding, w: Writer) -> Claim:
    unusual = set(f.detail.get("unusual") or ())
    days = Figure(int(f.detail.get("days_compared") or 0), "count", "whole day", source=_const())
    out = []
    if "posts" in unusual or not unusual:
        if _known(f, "ratio"):
            out.append(
                w.say(
                    "{d} held {n}, {r} the median of the archive's {k} other whole days ({u}).",
                    d=Time(f.time, "date"),
                    n=f.figures["posts"],
                    r=f.figures["ratio"],
                    k=_bare(days),
                    u=f.figures["usual_posts"],
                )
            )
        else:
            # no ratio over a median of none: say what the median day held, plainly
            out.append(
                w.say(
                    "{d} held {n}, while the median day of the archive's {k} other whole days {u}.",
                    d=Time(f.time, "date"),
                    n=f.figures["posts"],
                    k=_bare(days),
                    u=_held(f.figures["usual_posts"], w),
                )
            )
    if "negative" in unusual and _known(f, "negative"):
        n = Figure(_v(f, "negative"), "count", source=f.figures["negative"].source)
        if _known(f, "negative_ratio"):
            out.append(
                w.say(
                    "It held {n} negative posts, {r} the usual day's {u}.",
                    n=n,
                    r=f.figures["negative_ratio"],
                    u=Figure(_v(f, "usual_negative"), "count", source=f.figures["usual_negative"].source),
                )
            )
        else:
            out.append(
                w.say(
                    "It held {n} negative posts, while the usual day {u}.",
                    n=n,
                    u=_held(f.figures["usual_negative"], w, "negative post"),
                )
            )
    return join(out)


def _held(fig: Figure, w: Writer, noun: str = "post") -> Claim:
    """``held no post`` for a zero, ``held 2 posts`` otherwise (``held unknown`` never)."""
    if fig.value is not None and float(fig.value) == 0:
        return w.say("held {n}", n=Name("no " + noun))
    return w.say(
        "held {n}", n=Figure(fig.value, "count", noun, source=fig.source) if fig.value is not None else fig
    )


# ---- peaks ----------------------------------------------------------------------------------


def _peak_label(f: Finding, w: Writer) -> Claim:
    role = f.detail.get("role")
    b = _bin(f)
    per = "in a day" if b == "day" else f"in one {b}" if b in ("minute", "hour") else f"in {b}"
    if role == "negative":
        # ranked by the count of negative posts, not their share: named for what it is
        return w.say("The {b} with the most negative posts: {n}", b=Const(b), n=_bare(f.figures["negative"]))
    if role == "wave":
        return w.say("Another wave: {n} {per}", n=f.figures["posts"], per=Const(per))
    return w.say("Peak: {n} {per}", n=f.figures["posts"], per=Const(per))


def _peak_text(f: Finding, w: Writer) -> Claim:
    role = f.detail.get("role")
    b = _bin(f)
    if role == "negative":
        first = w.say(
            "The {b} with the most negative posts, from {t}: {n} of its {s} scored posts were negative "
            "({share}).",
            b=Const(b),
            n=_bare(f.figures["negative"]),
            s=_bare(f.figures["scored"]),
            share=f.figures["negative_share"],
            t=Time(f.figures["peak_time"]),
        )
    elif role == "wave":
        first = w.say(
            "Another wave peaked at {n} in the {b} from {t} ({share} the busiest {b2} posts).",
            n=f.figures["posts"],
            b=Const(b),
            t=Time(f.figures["peak_time"]),
            share=f.figures["share_of_busiest"],
            b2=Const(_possessive(b)),
        )
    else:
        first = w.say(
            "The busiest {b} of the archive: {n} from {t}.",
            b=Const(b),
            n=f.figures["posts"],
            t=Time(f.figures["peak_time"]),
        )
    out = [first]
    if int(f.detail.get("period_bins") or 1) > 1 and _known(f, "period_posts"):
        out.append(
            w.say(
                "The stretch around it, {d} from {t}, held {n}.",
                d=f.figures["period_duration"],
                t=Time(float(f.detail.get("period_start", f.time))),
                n=f.figures["period_posts"],
            )
        )
    return join(out)


def _possessive(noun: str) -> str:
    """``hour's``, ``3 days'``."""
    return noun + ("'" if noun.endswith("s") else "'s")


# ---- sentiment ------------------------------------------------------------------------------


def _shift_label(f: Finding, w: Writer) -> Claim:
    up = f.detail.get("direction") == "rise"
    return w.say(
        "Negative share {d}: {a} → {b}",
        d="up" if up else "down",
        a=f.figures["share_before"],
        b=f.figures["share_after"],
    )


def _shift_text(f: Finding, w: Writer) -> Claim:
    up = f.detail.get("direction") == "rise"
    what = "posts" if f.detail.get("retweets_counted") else "posts (retweets not counted)"
    how = {"vader": "by VADER's lexicon", "calibrated": "corrected by the team's labels"}.get(
        str(f.detail.get("method") or "vader"), ""
    )
    return w.say(
        "The share of negative {what}, {how}, {verb} from {a} ({ka} of {na} over the {da} before) to {b} "
        "({kb} of {nb} over the {db} after) {t}.",
        what=what,
        how=how,
        verb="rose" if up else "fell",
        a=f.figures["share_before"],
        ka=_bare(f.figures["negative_before"]),
        na=_bare(f.figures["scored_before"]),
        da=f.figures["duration_before"],
        b=f.figures["share_after"],
        kb=_bare(f.figures["negative_after"]),
        nb=_bare(f.figures["scored_after"]),
        db=f.figures["duration_after"],
        t=Time(f.time, "on"),
    )


# ---- early warning --------------------------------------------------------------------------


def _alert_label(f: Finding, w: Writer) -> Claim:
    lead = _v(f, "lead")
    tail = (
        w.say(" (on {n} negative posts)", n=_bare(f.figures["negative"]))
        if "thin_evidence" in f.flags
        else plain("")
    )
    if lead > 0:
        head = w.say("Early warning, {d} before the peak", d=f.figures["lead"])
    elif lead == 0:
        head = plain("Early warning only at the peak")
    else:
        head = w.say(
            "Early warning, {d} after the peak", d=Figure(-lead, "seconds", source=f.figures["lead"].source)
        )
    return join([head, tail], sep="")


def _alert_text(f: Finding, w: Writer) -> Claim:
    lead = _v(f, "lead")
    window = f.figures.get("window")
    # the window the rule really looked at (one bin when bins are longer than its hours), so
    # the sentence never says "the last hour" of a rule that read three days
    within = w.say(" in the {d} before it", d=window) if window is not None else plain("")
    out = [
        w.say(
            "A simple alert (negative share at least {pts} points above its baseline, volume at least {vol} the "
            "baseline's, at least {mp} scored posts in the window) would first have fired {t}:{within} {n} of "
            "{s} scored posts were negative ({share}), against {bshare} ({bn} of {bs}) over the {bd} before "
            "that, at {ratio} the earlier rate.",
            pts=Const(f"{round(100 * _v(f, 'rule_neg_points'))}"),
            vol=f.figures["rule_volume_factor"],
            mp=Const(f"{round(_v(f, 'rule_min_posts')):,}"),
            t=Time(f.time, "on"),
            within=join([within, plain(",")], sep="") if window is not None else plain(""),
            n=_bare(f.figures["negative"]),
            s=_bare(f.figures["scored"]),
            share=f.figures["share"],
            bshare=f.figures["baseline_share"],
            bn=_bare(f.figures["baseline_negative"]),
            bs=_bare(f.figures["baseline_scored"]),
            bd=f.figures["baseline_duration"],
            ratio=f.figures["volume_ratio"],
        )
    ]
    peak = w.say("the peak ({n} from {t})", n=f.figures["peak_posts"], t=Time(f.figures["peak_time"]))
    if lead > 0:
        out.append(w.say("{p} came {d} later.", p=peak, d=f.figures["lead"]))
        out[-1] = Claim(words.capital(out[-1].text), out[-1].spans)
    elif lead == 0:
        out.append(w.say("That is at {p}.", p=peak))
    else:
        out.append(
            w.say(
                "That is {d} after {p}.", d=Figure(-lead, "seconds", source=f.figures["lead"].source), p=peak
            )
        )
    if "thin_evidence" in f.flags:
        out.append(plain("It rests on few negative posts, so it is a weak signal."))
    if "short_baseline" in f.flags:
        out.append(plain("The archive held less baseline before it than the rule asks for."))
    return join(out)


def replay_sentence(replay: Any, w: Writer) -> Claim | None:
    """What the early-warning replay found when the rule did not fire (the method section and
    the summary say it: never "never fired" when it could not have)."""
    if replay is None or replay.outcome == "fired":
        return None
    g = replay.figures
    if replay.outcome == "never_fired":
        return w.say(
            "The early-warning rule never fired over the {d} of the archive it could check.",
            d=g["hours_checked"],
        )
    if replay.reason == "unscored":
        return plain("The early-warning rule could not be replayed: no post has a sentiment score.")
    if replay.reason == "history":
        needed, baseline = g["history_needed"], g.get("rule_baseline_hours")
        # the history is the baseline's length, or a quarter of a shorter archive: say which,
        # or "1 minute of history" reads against the method's 24-hour baseline
        why = (
            w.say(
                " (a quarter of the archive's length in whole bins, as the archive is shorter than four times "
                "the rule's baseline of {b})",
                b=baseline,
            )
            if baseline is not None and float(needed.value or 0) < float(baseline.value or 0)
            else plain("")
        )
        return w.say(
            "The early-warning rule could not have fired before the peak: it needs {n} of history{why}, and the "
            "archive holds {a} before its peak.",
            n=needed,
            why=why,
            a=g["history_available"],
        )
    if replay.reason == "few_posts":
        window = g.get("window")
        if window is None:
            return w.say(
                "The early-warning rule could not have fired: it needs {n} scored posts in its window, and no "
                "window held more than {m}.",
                n=_bare(g["min_posts"]),
                m=_bare(g["most_scored"]),
            )
        # the rule reads the series' fixed bins: say so, as a stretch as long that straddles
        # two bins may hold more (review N5)
        step = g.get("bin")
        if step is not None and step.value == window.value:
            return w.say(
                "The early-warning rule could not have fired: it needs {n} scored posts in its window, here {d}, "
                "and no bin of {d2} it checked held more than {m} (the bins start at fixed times; a stretch "
                "as long across two of them may hold more).",
                n=_bare(g["min_posts"]),
                d=window,
                d2=window,
                m=_bare(g["most_scored"]),
            )
        if step is not None:
            return w.say(
                "The early-warning rule could not have fired: it needs {n} scored posts in its window, here {d}, "
                "and no window of {d2} it checked (they start where the series' bins of {b} start) held "
                "more than {m}.",
                n=_bare(g["min_posts"]),
                d=window,
                d2=window,
                b=step,
                m=_bare(g["most_scored"]),
            )
        return w.say(
            "The early-warning rule could not have fired: it needs {n} scored posts in its window, here {d}, and "
            "no window of {d2} held more than {m}.",
            n=_bare(g["min_posts"]),
            d=window,
            d2=window,
            m=_bare(g["most_scored"]),
        )
    return None


# ---- accounts, posts, press, brand ----------------------------------------------------------


def _influencer_label(f: Finding, w: Writer) -> Claim:
    return w.say("{h} joins ({fol})", h=_handle(f.detail.get("handle")), fol=f.figures["followers"])


def _influencer_text(f: Finding, w: Writer) -> Claim:
    # a first post that retweets, quotes or answers another says so: a retweet's text is its
    # original author's words, never the influential account's
    out = [
        w.say(
            "{h}, with {fol} ({x} the median account's), first posted {t}"
            + words.act(f.detail.get("post_kind"))
            + ": {q}.",
            h=_handle(f.detail.get("handle")),
            ref=_handle(f.detail.get("ref_author")),
            fol=f.figures["followers"],
            x=f.figures["times_median"],
            t=Time(f.time, "on"),
            q=Quote(str(f.detail.get("text") or "")),
        )
    ]
    window = f.figures.get("window")
    if window is not None and _known(f, "exposure_total"):
        # a window cut short by the archive's end says so: its counts are of those minutes only
        if not f.detail.get("window_clipped"):
            head = w.say("In the {d} that followed,", d=window)
        elif _v(f, "window") < 60:
            head = plain("The archive ends less than a minute after it; in that time,")
        else:
            head = w.say("In the {d} the archive holds after it,", d=window)
        out.append(
            w.say(
                "{head} its {n} and the {s} of them had an exposure of {e} (followers summed over the posts).",
                head=head,
                n=f.figures["posts_in_window"],
                s=f.figures["shares_in_window"],
                e=f.figures["exposure_total"],
            )
        )
    return join(out)


def _amplification_label(f: Finding, w: Writer) -> Claim:
    who = _handle(f.detail.get("author"))
    n = Figure(_v(f, "shares"), "count", "share", source=f.figures["shares"].source)
    if "collected_counts" in f.flags:
        return w.say("{who}'s post: {n}, as counted when collected", who=who, n=n)
    return w.say("{who}'s post amplified: {n} within {d}", who=who, n=n, d=f.figures["window"])


def _amplification_text(f: Finding, w: Writer) -> Claim:
    who = _handle(f.detail.get("author"))
    text = Quote(str(f.detail.get("text") or ""))
    if "collected_counts" in f.flags:
        out = [
            w.say(
                "{who}'s post {q}, posted {t}, had been retweeted or quoted {n} when it was collected.",
                who=who,
                q=text,
                t=Time(f.figures["posted"] if _known(f, "posted") else f.time, "on"),
                n=Figure(_v(f, "shares"), "count", "time", source=f.figures["shares"].source),
            )
        ]
        if _known(f, "shares_in_archive"):
            out.append(
                w.say(
                    "The archive itself holds {n} of those retweets and quotes.",
                    n=_bare(f.figures["shares_in_archive"]),
                )
            )
        return join(out)
    out = [
        w.say(
            "{who}'s post {q} was retweeted or quoted {n} within {d} from {t} ({share} of all posts then; {total} "
            "in the whole archive).",
            who=who,
            q=text,
            n=Figure(_v(f, "shares"), "count", "time", source=f.figures["shares"].source),
            d=f.figures["window"],
            t=Time(f.time),
            share=f.figures["share_of_posts"],
            total=Figure(_v(f, "shares_total"), "count", "share", source=f.figures["shares_total"].source),
        )
    ]
    if _known(f, "share_exposure"):
        out.append(
            w.say(
                "Those shares had an exposure of {e} (followers summed over them).",
                e=f.figures["share_exposure"],
            )
        )
    return join(out)


def _press_label(f: Finding, w: Writer) -> Claim:
    outlet = str(f.detail.get("outlet") or f.subject)
    first = "First press pickup" if "first_overall" in f.flags else "Press"
    how = f" ({words.handle(f.detail.get('handle'))})" if f.detail.get("via") == "account" else " (link)"
    return w.say("{first}: {o}", first=first, o=Name(outlet + how))


_ABOUT = {
    "hashtag": "it carries the incident's hashtag",
    "mention": "it mentions the brand",
    "keyword": "it names the incident",
    "url": "the article's address names the incident",
    "reply_to_brand": "it answers the brand's post",
    "refers_to_incident": "it answers, quotes or shares a post about the incident",
    "shared_widely": "the incident's accounts shared the link widely",
}


def _press_text(f: Finding, w: Writer) -> Claim:
    outlet = Name(str(f.detail.get("outlet") or f.subject))
    about = _ABOUT.get(str(f.detail.get("about") or ""), "")
    first = (
        "the first post by or linking to a news organisation in the archive"
        if "first_overall" in f.flags
        else ""
    )
    if f.detail.get("via") == "account":
        # whose post it retweets, quotes or answers: a retweet's text is not the outlet's words
        how = words.act(str(f.detail.get("post_kind")))
        # an unknown follower count is said once, by the report's reach, not per account
        who = "{h} ({o}, {fol})" if _known(f, "followers") else "{h} ({o})"
        parts = [
            w.say(
                who + " posted {t}" + how + ": {q}",
                h=_handle(f.detail.get("handle")),
                ref=_handle(f.detail.get("ref_author")),
                o=outlet,
                fol=f.figures["followers"],
                t=Time(f.time, "on"),
                q=Quote(str(f.detail.get("text") or "")),
            )
        ]
    else:
        parts = [
            w.say(
                # a retweet's text is its original author's, who is not known here: said so
                "{h} "
                + ("retweeted a post linking to" if f.detail.get("post_kind") == "retweet" else "linked to")
                + " {o} {t}: {q}; {n} by {a} shared that link",
                h=_handle(f.detail.get("handle")),
                o=outlet,
                t=Time(f.time, "on"),
                q=Quote(str(f.detail.get("text") or "")),
                n=f.figures["link_posts"],
                a=f.figures["link_accounts"],
            )
        ]
    tail = "; ".join(x for x in (first, about and f"about the incident because {about}") if x)
    parts.append(plain(f" ({tail})." if tail else "."))
    return join(parts, sep="")


def _brand_label(f: Finding, w: Writer) -> Claim:
    kind = {"retweet": "retweets", "reply": "replies", "quote": "quotes"}.get(
        str(f.detail.get("post_kind")), "posts"
    )
    return w.say(
        "{h} {kind}: {q}",
        h=_handle(f.detail.get("handle")),
        kind=kind,
        q=Quote(str(f.detail.get("text") or ""), 40),
    )


def _brand_text(f: Finding, w: Writer) -> Claim:
    to = f.detail.get("ref_author")
    kind = str(f.detail.get("post_kind") or "post")
    what = {
        "retweet": f"retweeted {words.handle(to)}" if to else "retweeted",
        "reply": f"replied to {words.handle(to)}" if to else "replied",
        "quote": f"quoted {words.handle(to)}" if to else "quoted",
    }.get(kind, "posted")
    out = [
        w.say(
            "{h} {what} {t}: {q}.",
            h=_handle(f.detail.get("handle")),
            what=Name(what),
            t=Time(f.time, "on"),
            q=Quote(str(f.detail.get("text") or "")),
        )
    ]
    got = [
        w.say("{n}", n=f.figures[k])
        for k in ("retweets", "quotes", "replies")
        if _known(f, k) and _v(f, k) > 0
    ]
    if got:
        out.append(join([plain("The archive holds "), join(got, sep=", "), plain(" of it.")], sep=""))
    if _known(f, "since_escalation"):
        lead = (
            "It was the brand's first post after the escalation began, "
            if "first_response" in f.flags
            else "It came "
        )
        out.append(join([plain(lead), w.say("{d} after it.", d=f.figures["since_escalation"])], sep=""))
    elif "before_escalation" in f.flags:
        out.append(plain("It came before the escalation."))
    return join(out)


def _bare(fig: Figure):
    from app.core.narrative.claims import Bare

    return Bare(fig)


def _bare_rate(fig: Figure, unit: str = "hour") -> Claim:
    """A rate without its unit (``11`` in ``11 to 3,707 posts an hour``), per ``unit``."""
    text = words.UNKNOWN if fig.value is None else words.rate_in(fig.value, unit)
    from app.core.model import Span

    return Claim(text, (Span(0, len(text), "figure", fig),))


_WRITERS: dict[str, tuple[Callable[[Finding, Writer], Claim], Callable[[Finding, Writer], Claim]]] = {
    "volume_change": (_volume_label, _volume_text),
    "busy_day": (_busy_day_label, _busy_day_text),
    "peak": (_peak_label, _peak_text),
    "sentiment_shift": (_shift_label, _shift_text),
    "early_warning": (_alert_label, _alert_text),
    "influencer_entry": (_influencer_label, _influencer_text),
    "amplification": (_amplification_label, _amplification_text),
    "press_pickup": (_press_label, _press_text),
    "brand_action": (_brand_label, _brand_text),
}


# ---- the window's and the CLI's view of a finding -------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A finding in words: what the window lists, the CLI prints and an accepted turning point
    keeps (its label, explanation and evidence)."""

    finding: Finding
    label: str
    explanation: str
    evidence_text: str

    @property
    def kind(self) -> str:
        return self.finding.kind

    @property
    def time(self) -> float:
        return self.finding.time

    @property
    def end(self) -> float | None:
        return self.finding.end

    @property
    def score(self) -> float:
        return self.finding.score

    def key(self) -> str:
        return self.finding.key()

    @property
    def evidence(self) -> dict[str, Any]:
        """The finding's evidence as plain data: its posts and accounts, its figures (with
        their sources), its particulars and caveats."""
        f = self.finding
        return {
            "post_ids": [p.post_id for p in f.posts],
            "platforms": sorted({p.platform for p in f.posts}),
            "accounts": list(f.accounts),
            "figures": {k: v.as_dict() for k, v in f.figures.items()},
            "flags": sorted(f.flags),
            **{k: _plain(v) for k, v in f.detail.items()},
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "time": _iso(self.time),
            "end": _iso(self.end) if self.end is not None else None,
            "kind": self.kind,
            "label": self.label,
            "explanation": self.explanation,
            "evidence_text": self.evidence_text,
            "score": round(float(self.score), 3),
            "key": self.key(),
            "evidence": self.evidence,
        }


def in_words(f: Finding, zone: ZoneInfo) -> Suggestion:
    return Suggestion(f, label(f), explanation(f, zone).text, evidence(f, zone).text)


def suggestions(ws: Any, con: Any = None, progress: Any = None) -> list[Suggestion]:
    """Every finding of the workspace in words, most important first (those the team
    dismissed included: ``app.core.annotations.dismissed_keys`` tells them apart)."""
    from app.core.facts import incident_facts

    f = incident_facts(ws, con, progress)
    return [in_words(x, f.zone) for x in f.all_findings]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(round(float(t)), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain(v: Any) -> Any:
    if isinstance(v, tuple | list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if hasattr(v, "as_dict"):
        return v.as_dict()
    return v
