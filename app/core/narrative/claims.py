"""Sentences that know what they print.

A sentence is written from a template and its parts (``say("{n} posts from {t}", n=figure,
t=Time(...))``): each part is rendered in the one style of :mod:`.words`, and the resulting
:class:`~app.core.model.Claim` records where each figure, time, quotation and name landed in
its text. The claims audit test relies on that: every digit of a claim's text must lie inside
one of its spans, and every figure span must hold a figure that the test recomputes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from app.core.model import Claim, Figure, Span
from app.core.narrative import words

_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Time:
    """A moment, written by the paragraph's clock: ``style`` is ``at`` (``4:00 pm`` or the
    full day), ``on`` (``at …``/``on …``), ``when`` (the short form with the date) or
    ``date`` (the day alone). ``t`` is Unix seconds or a time Figure."""

    t: float | Figure
    style: str = "at"

    @property
    def seconds(self) -> float:
        return float(self.t.value) if isinstance(self.t, Figure) else float(self.t)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Quote:
    """Post text, quoted and clipped: plain text, never markup."""

    text: str
    limit: int = 180


@dataclass(frozen=True)
class Name:
    """A handle, an outlet's or a user's label: printed as it is (digits in it are not figures)."""

    text: str


@dataclass(frozen=True)
class Const:
    """A fixed number of the method (a threshold, a definition): printed as it is, and read by
    the audit as the app's documented constant, not a measurement."""

    text: str


@dataclass(frozen=True)
class Bare:
    """A count figure without its noun (``12,335``)."""

    figure: Figure


class Writer:
    """Writes the claims of one paragraph (one :class:`~.words.Clock`, so a day is named once)."""

    def __init__(self, zone: ZoneInfo, year: bool = False) -> None:
        self.zone = zone
        self.clock = words.Clock(zone, year)

    def say(self, template: str, **parts: Any) -> Claim:
        """The claim of ``template`` with its ``{name}`` fields filled from ``parts``."""
        out: list[str] = []
        spans: list[Span] = []
        pos = 0
        length = 0
        for m in _FIELD.finditer(template):
            literal = template[pos : m.start()]
            out.append(literal)
            length += len(literal)
            text, span_list = self._render(parts[m.group(1)], length)
            out.append(text)
            spans += span_list
            length += len(text)
            pos = m.end()
        out.append(template[pos:])
        return Claim("".join(out), tuple(spans))

    def _render(self, part: Any, at: int) -> tuple[str, list[Span]]:
        if isinstance(part, Figure):
            text = words.figure(part)
            return text, [Span(at, at + len(text), "figure", part)]
        if isinstance(part, Bare):
            f = part.figure
            text = words.UNKNOWN if f.value is None else words.big(f.value)
            return text, [Span(at, at + len(text), "figure", f)]
        if isinstance(part, Time):
            text = self.time(part)
            fig = part.t if isinstance(part.t, Figure) else None
            return text, [Span(at, at + len(text), "time", fig)]
        if isinstance(part, Quote):
            text = "“" + words.clip(part.text, part.limit) + "”"
            return text, [Span(at, at + len(text), "quote")]
        if isinstance(part, Name):
            return part.text, [Span(at, at + len(part.text), "name")]
        if isinstance(part, Const):
            return part.text, [Span(at, at + len(part.text), "constant")]
        if isinstance(part, Claim):
            return part.text, [Span(s.start + at, s.end + at, s.what, s.figure) for s in part.spans]
        if isinstance(part, str):
            return part, []
        raise TypeError(f"cannot write a {type(part).__name__} into a sentence")

    def time(self, part: Time) -> str:
        t = part.seconds
        if part.style == "on":
            return self.clock.on(t)
        if part.style == "when":
            return words.when(t, self.zone)
        if part.style == "date":
            return words.date_only(t, self.zone)
        return self.clock.at(t)


def join(claims: Iterable[Claim | None], sep: str = " ") -> Claim:
    """Claims one after another, as one claim (a paragraph)."""
    out: list[str] = []
    spans: list[Span] = []
    length = 0
    for c in claims:
        if c is None or not c.text:
            continue
        if out:
            out.append(sep)
            length += len(sep)
        spans += [Span(s.start + length, s.end + length, s.what, s.figure) for s in c.spans]
        out.append(c.text)
        length += len(c.text)
    return Claim("".join(out), tuple(spans))


def plain(text: str) -> Claim:
    """A sentence with no figure in it (a digit in it would fail the audit)."""
    return Claim(text)


_QUOTE_END = re.compile(r"([.!?…])”\.")


def punctuate(claim: Claim) -> Claim:
    """A quoted post that ends its own sentence ends the writer's too: no ``.”.``; spans that
    follow shift left by the dropped character."""
    text = claim.text
    spans = list(claim.spans)
    for m in reversed(list(_QUOTE_END.finditer(text))):
        cut = m.end() - 1  # the dropped "."
        text = text[:cut] + text[cut + 1 :]
        spans = [Span(s.start - (s.start > cut), s.end - (s.end > cut), s.what, s.figure) for s in spans]
    return Claim(text, tuple(spans))
