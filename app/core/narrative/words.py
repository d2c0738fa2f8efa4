"""One style for the numbers, durations, dates and times a user reads.

Counts are grouped by thousands (``12,335 posts``); counts of a million and more are given
in millions with one decimal (``67.9 million``); shares are whole percentages (``31%``), with
one decimal under 1% (``0.4%``) so that a few posts never read as ``0%``; rates below ten
keep one decimal (``2.5 an hour``), and two significant digits below 0.1 so that a sparse
archive's rate never reads ``0.0``; a rate below one an hour is said per day (``5.3 posts a
day``), and below one a day as ``one post every 4.3 days`` (:func:`rate_words`); durations are whole minutes as a clock would show them
(``7 hours 26 minutes``); times are in the workspace's display zone with its abbreviation.
An unknown figure reads ``unknown`` (its reason is the narrative's to give).
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from app.core.model import Figure

UNKNOWN = "unknown"

#: nouns whose plural is not noun + "s"
_PLURALS = {
    "reply": "replies",
    "person": "people",
    "quote": "quotes",
    "day": "days",
    "hour": "hours",
}


#: nouns the analysis may give in the plural, by their singular
_SINGULARS = {
    "followers": "follower",
    "posts": "post",
    "shares": "share",
    "accounts": "account",
    "retweets": "retweet",
    "quotes": "quote",
    "replies": "reply",
    "mentions": "mention",
    "times": "time",
    "days": "day",
    "hours": "hour",
    "minutes": "minute",
    "labels": "label",
    "retweets and quotes": "retweet or quote",
}
_PLURALS_OF = {"retweet or quote": "retweets and quotes"}


def singular(noun: str) -> str:
    return _SINGULARS.get(noun, noun)


def plural(noun: str, n: float = 2) -> str:
    noun = singular(noun)
    if not noun or noun == "more" or round(float(n)) == 1:
        return noun
    if noun in _PLURALS:
        return _PLURALS[noun]
    if noun in _PLURALS_OF:
        return _PLURALS_OF[noun]
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def number(n: float) -> str:
    """A whole number, grouped: ``12,335``."""
    return f"{round(float(n)):,}"


def big(n: float) -> str:
    """``67.9 million`` from a million up, grouped digits below."""
    n = round(float(n))
    if abs(n) >= 1_000_000_000:
        return f"{n / 1e9:.1f} billion"
    if abs(n) >= 1_000_000:
        return f"{n / 1e6:.1f} million"
    return f"{n:,}"


def count(n: float, noun: str = "") -> str:
    """``1 post``, ``12,335 posts``, ``67.9 million followers``; ``once``, ``twice`` for times."""
    noun = singular(noun)
    if noun == "time" and round(float(n)) in (1, 2):
        return "once" if round(float(n)) == 1 else "twice"
    text = big(n)
    return f"{text} {plural(noun, n)}" if noun else text


def percent(share: float) -> str:
    """``31%``; ``0.4%`` under one per cent (but ``0%`` for none); ``99.6%`` over 99 and short
    of all, rounded down (``100%`` only for all): "100% of the posts carry a follower count;
    the others are left out" must not be printed when some do not."""
    p = 100 * float(share)
    if 99.5 <= p < 100:
        return f"{math.floor(p * 10) / 10:.1f}%"
    if p == 0 or p >= 1 or p <= -1:
        return f"{round(p)}%"
    return f"{p:.1f}%"


def rate(x: float) -> str:
    """A rate: one decimal below ten (``2.5``), whole and grouped above (``1,705``), two
    significant digits below 0.1 (``0.0065``), so that a rate that is not zero never reads
    ``0.0``."""
    x = float(x)
    if x == 0 or abs(x) >= 10:
        return f"{round(x):,}"
    return _small(x)


def rate_words(x: float, noun: str = "") -> str:
    """A rate per hour in words, in the unit that reads best: ``2.5 posts an hour`` from one an
    hour up (and for none), ``5.3 posts a day`` below one an hour, ``one post every 4.3 days``
    below one a day (never ``0.0097 posts an hour``)."""
    x = float(x)
    if x == 0 or abs(x) >= 1:
        return f"{rate(x)} {plural(noun, x)} an hour" if noun else f"{rate(x)} an hour"
    day = 24 * x
    if abs(day) >= 1:
        return f"{rate(day)} {plural(noun, day)} a day" if noun else f"{rate(day)} a day"
    return f"one {singular(noun) or 'post'} every {rate(1 / day)} days"


def rate_unit(*xs: float) -> str:
    """The unit two rates said side by side share (``11 to 1,806 posts an hour``): ``hour``
    when either reaches one an hour (or both are none), ``day`` below."""
    return "hour" if all(x == 0 for x in xs) or any(abs(x) >= 1 for x in xs) else "day"


def rate_in(x: float, unit: str) -> str:
    """``x`` (per hour) as a number per ``unit`` (``hour`` or ``day``), without its noun."""
    return rate(float(x) * (24 if unit == "day" else 1))


def ratio(x: float) -> str:
    """``3.2 times``, ``41 times``, ``0.0016 times`` (never ``0.0 times`` for some)."""
    x = float(x)
    if not math.isfinite(x):
        return "infinitely many times"
    return f"{_small(x) if x != 0 else '0'} times" if x < 10 else f"{round(x):,} times"


def _small(x: float) -> str:
    """``x`` (0 < |x| < 10) with one decimal, or two significant digits below 0.1."""
    if abs(x) >= 0.1:
        return f"{x:.1f}"
    # two significant digits (0.0996 rounds to "0.10", read "0.1")
    return f"{x:.{1 - math.floor(math.log10(abs(x)))}f}".rstrip("0")


def duration(seconds: float) -> str:
    """Whole minutes elapsed: ``45 minutes``, ``7 hours 26 minutes``, ``2 days 3 hours``."""
    minutes = int(abs(float(seconds)) // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(count(days, "day"))
        if hours:
            parts.append(count(hours, "hour"))
        return " ".join(parts)
    if hours:
        parts.append(count(hours, "hour"))
    if mins or not hours:
        parts.append(count(mins, "minute"))
    return " ".join(parts)


def score(x: float) -> str:
    return f"{float(x):.2f}"


def figure(f: Figure) -> str:
    """A figure as the user reads it (without the reason of an unknown one)."""
    if f.value is None:
        return UNKNOWN
    v = f.value
    if f.unit == "count":
        return count(v, f.noun)
    if f.unit == "share":
        return percent(v)
    if f.unit == "rate":
        return rate_words(v, f.noun)
    if f.unit == "seconds":
        return duration(v)
    if f.unit == "ratio":
        return ratio(v)
    if f.unit == "score":
        return score(v)
    if f.unit == "time":
        raise ValueError("a time is written by a Clock, in the display zone")
    raise ValueError(f"unknown unit {f.unit!r}")


# ---- times ----------------------------------------------------------------------------------


def local(t: float, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(float(t), timezone.utc).astimezone(zone)


def clock_time(d: datetime) -> str:
    """``4:00 pm``."""
    hour = d.hour % 12 or 12
    return f"{hour}:{d.minute:02d} {'am' if d.hour < 12 else 'pm'}"


def day_long(d: datetime, year: bool = False) -> str:
    """``Wednesday 13 November`` (``2013`` appended with ``year``)."""
    return f"{d:%A} {d.day} {d:%B}" + (f" {d.year}" if year else "")


def when(t: float, zone: ZoneInfo, year: bool = True) -> str:
    """``Wed 13 Nov 2013, 4:00 pm EST``: the short form tables and lists use."""
    d = local(t, zone)
    y = f" {d.year}" if year else ""
    return f"{d:%a} {d.day} {d:%b}{y}, {clock_time(d)} {d.tzname() or ''}".rstrip()


def date_only(t: float, zone: ZoneInfo) -> str:
    """``Wed 13 Nov 2013``."""
    d = local(t, zone)
    return f"{d:%a} {d.day} {d:%b} {d.year}"


class Clock:
    """Times in running prose: the full day at the first mention and whenever the day
    changes, the hour alone on a day already named (``Wednesday 13 November, 4:00 pm EST``,
    then ``6:02 pm``). One clock per paragraph."""

    def __init__(self, zone: ZoneInfo, year: bool = False) -> None:
        self.zone = zone
        self.year = year
        self._day: object = None
        self._abbr: str | None = None

    def at(self, t: float) -> str:
        d = local(t, self.zone)
        abbr = d.tzname() or ""
        if d.date() == self._day and abbr == self._abbr:
            return clock_time(d)
        year, self.year = self.year, False
        self._day, self._abbr = d.date(), abbr
        return f"{day_long(d, year)}, {clock_time(d)} {abbr}".rstrip()

    def on(self, t: float) -> str:
        """``at 6:02 pm`` on a day already named, ``on Wednesday 13 November, 4:00 pm EST``."""
        text = self.at(t)
        return ("on " if "," in text else "at ") + text


# ---- bits of sentences ----------------------------------------------------------------------


def and_list(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(",;:") + "…"


def handle(h: str | None) -> str:
    return f"@{h}" if h else "an unknown account"


#: how a post stands to the post it shares or answers, said after its time wherever its text is
#: quoted under its author's name: a retweet's text is the original's words, never the
#: retweeter's, and a quote's text is the quoter's own (``{ref}`` is the other post's author)
_ACTS = {
    "retweet": ", retweeting {ref}'s post",
    "quote": ", quoting {ref}'s post with the words",
    "reply": ", replying to {ref}",
}


def act(kind: str | None) -> str:
    """``, retweeting {ref}'s post`` for a retweet (quote, reply alike), ``""`` for a post of
    its own: a template part whose ``{ref}`` field is the other post's author."""
    return _ACTS.get(str(kind or ""), "")
