"""Figures of the series-based detectors, each with the Source that recomputes it exactly.

A series (:class:`app.core.metrics.Series`) holds per-bin counts; a figure read off it is the
sum over bins ``[i, j)``, which is exactly the number of posts in ``[t[i], t[j])``. Where a
range reaches past the archive's first or last post it is clipped to them (``[first, ...)``,
``[..., last + 1)``, whole seconds): the posts are the same, and a rate is then measured over
the hours the archive really covers, never over a nominal "day before" it does not hold.

``kinds`` narrows posts to some kinds (``("post", "quote", "reply")``: retweets left out);
``None`` is every kind. Sources follow :data:`app.core.model.SOURCE_QUERIES`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from app.core.model import Figure, Source

NEGATIVE = "negative"


class Span:
    """The archive's covered range, [first, end) in whole seconds: ``first`` is the first
    post's second, ``end`` one second past the last post's."""

    def __init__(self, first_post: float, last_post: float) -> None:
        self.first = float(math.floor(first_post))
        self.end = float(math.floor(last_post) + 1)

    def clip(self, a: float, b: float) -> tuple[float, float]:
        return max(float(a), self.first), min(float(b), self.end)


def sum_bins(values: np.ndarray, i: int, j: int) -> float:
    return float(np.asarray(values[i:j], dtype=np.float64).sum())


def _kinds(kinds: Sequence[str] | None) -> tuple[str, ...] | None:
    return tuple(sorted(kinds)) if kinds else None


def posts(value: float, a: float, b: float, kinds: Sequence[str] | None = None) -> Figure:
    """Posts in [a, b)."""
    return Figure(
        round(float(value)), "count", "post", source=Source.of("posts", start=a, end=b, kinds=_kinds(kinds))
    )


def scored(value: float, a: float, b: float, kinds: Sequence[str] | None = None) -> Figure:
    """Posts in [a, b) with a sentiment score."""
    return Figure(
        round(float(value)),
        "count",
        "scored post",
        source=Source.of("scored", start=a, end=b, kinds=_kinds(kinds)),
    )


def of_class(
    value: float, a: float, b: float, label: str = NEGATIVE, kinds: Sequence[str] | None = None
) -> Figure:
    """Scored posts in [a, b) of sentiment class ``label``."""
    return Figure(
        round(float(value)),
        "count",
        f"{label} post",
        source=Source.of("sentiment_class", label=label, start=a, end=b, kinds=_kinds(kinds)),
    )


def hours(a: float, b: float) -> float:
    return (float(b) - float(a)) / 3600.0


def rate(count: Figure, noun: str = "post") -> Figure:
    """``count`` (a posts Figure over [start, end)) per hour of its range."""
    src = count.source
    assert src is not None
    h = hours(src.get("start"), src.get("end"))
    if h <= 0 or count.value is None:
        return Figure.missing("the range covers no time", "rate", noun, Source.of("rate", posts=src, hours=h))
    return Figure(float(count.value) / h, "rate", noun, source=Source.of("rate", posts=src, hours=h))


def ratio(a: Figure, b: Figure, noun: str = "") -> Figure:
    """How many times ``a`` is ``b``; unknown when ``b`` is zero (a ratio out of nothing)."""
    src = Source.of("ratio", a=a.source, b=b.source)
    if a.value is None or b.value is None:
        return Figure.missing(a.unknown or b.unknown, "ratio", noun, src)
    if float(b.value) == 0:
        return Figure.missing("there was nothing to compare with (none before)", "ratio", noun, src)
    return Figure(float(a.value) / float(b.value), "ratio", noun, source=src)


def share(num: Figure, den: Figure, noun: str = "") -> Figure:
    """``num`` as a fraction of ``den``; unknown when ``den`` is zero."""
    src = Source.of("share", num=num.source, den=den.source)
    if num.value is None or den.value is None or float(den.value) == 0:
        return Figure.missing("there is nothing to take a share of", "share", noun, src)
    return Figure(float(num.value) / float(den.value), "share", noun, source=src)


def moment(t: float, rule: str) -> Figure:
    """A time the analysis chose by ``rule`` (a change point, a peak bin's start): not a
    measurement; the figures of the ranges it bounds are."""
    return Figure(float(t), "time", source=Source.of("cut", rule=rule))


def duration(a: float, b: float) -> Figure:
    """The seconds from ``a`` to ``b`` (two placed times)."""
    return Figure(
        float(b) - float(a),
        "seconds",
        source=Source.of(
            "difference", a=Source.of("constant", value=float(b)), b=Source.of("constant", value=float(a))
        ),
    )


def setting(value: float, unit: str = "count", noun: str = "") -> Figure:
    """A threshold of the analysis (what a rule needs), not measured."""
    return Figure(value, unit, noun, source=Source.of("constant", value=value))


def median(figures: Sequence[Figure], unit: str = "count", noun: str = "") -> Figure:
    """The median of ``figures`` (each with its Source)."""
    src = Source.of("median", of=tuple(f.source for f in figures))
    values = [f.value for f in figures if f.value is not None]
    if not values or len(values) < len(figures):
        return Figure.missing("there is nothing to take the median of", unit, noun, src)
    return Figure(float(np.median(np.asarray(values, dtype=np.float64))), unit, noun, source=src)
