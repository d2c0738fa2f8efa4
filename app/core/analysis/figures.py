"""Constructors for the figures the post- and account-based detectors share, so that one
measurement is always made into a :class:`~app.core.model.Figure` the same way: a count with
its noun and Source, a share of two figures, a time, a duration, and an account's followers
by the one rule (:func:`followers`).
"""

from __future__ import annotations

from typing import Any

from app.core.model import Figure, Source

#: what every figure about followers says when the archive has none
NO_FOLLOWER_COUNTS = "this archive has no follower counts"


def count(value: int | None, noun: str, source: Source, unknown: str = "", note: str = "") -> Figure:
    """A whole number of ``noun``; unknown (with ``unknown`` as the reason) when ``value`` is None."""
    if value is None:
        return Figure(None, "count", noun, unknown or "not recorded in this archive", source, note)
    return Figure(int(value), "count", noun, "", source, note)


def share(num: Figure, den: Figure, noun: str = "") -> Figure:
    """``num`` / ``den`` as a fraction; unknown when either is, or when ``den`` is 0."""
    source = Source.of("share", num=num.source, den=den.source)
    if not num.known or not den.known:
        return Figure.missing(num.unknown or den.unknown, "share", noun, source)
    if not den.value:
        return Figure.missing(f"there are no {den.noun or 'items'} to count against", "share", noun, source)
    return Figure(float(num.value) / float(den.value), "share", noun, "", source)  # type: ignore[arg-type]


def ratio(a: Figure, b: Figure, noun: str = "") -> Figure:
    """How many times ``a`` is ``b``; unknown when either is, or when ``b`` is 0."""
    source = Source.of("ratio", a=a.source, b=b.source)
    if not a.known or not b.known:
        return Figure.missing(a.unknown or b.unknown, "ratio", noun, source)
    if not b.value:
        return Figure.missing(f"there are no {b.noun or 'items'} to compare with", "ratio", noun, source)
    return Figure(float(a.value) / float(b.value), "ratio", noun, "", source)  # type: ignore[arg-type]


def total(a: Figure, b: Figure, noun: str = "") -> Figure:
    """``a`` + ``b``; unknown when either is."""
    source = Source.of("sum", a=a.source, b=b.source)
    if not a.known or not b.known:
        return Figure.missing(a.unknown or b.unknown, a.unit, noun or a.noun, source)
    return Figure(a.value + b.value, a.unit, noun or a.noun, "", source)  # type: ignore[operator]


def moment(t: float, source: Source) -> Figure:
    """A time (Unix seconds, UTC)."""
    return Figure(float(t), "time", "", "", source)


def since(later: Figure, earlier: Figure) -> Figure:
    """The seconds from ``earlier`` to ``later`` (two time figures)."""
    # Source.of's parameters, sorted and frozen, made at once: a brand of 15k posts makes
    # 27k of these in one analysis (both are Sources, or None, which Source.of leaves out)
    source = Source(
        "difference", tuple((k, v) for k, v in (("a", later.source), ("b", earlier.source)) if v is not None)
    )
    if not later.known or not earlier.known:
        return Figure.missing(later.unknown or earlier.unknown, "seconds", "", source)
    return Figure(float(later.value) - float(earlier.value), "seconds", "", "", source)  # type: ignore[arg-type]


def setting(value: float, unit: str = "count", noun: str = "", name: str = "") -> Figure:
    """A threshold or window the user set (not measured)."""
    return Figure(value, unit, noun, "", Source.of("constant", value=value, setting=name or None))


def followers(platform: str, handle: str, value: int | None, posts: int, archive_has_counts: bool) -> Figure:
    """An account's followers by the one rule: the highest count seen on its posts
    (``Source("followers")``), or unknown with the reason: the archive has no follower counts
    at all; the account has no post of its own in it; none of its posts carries a count."""
    key = handle.lower()
    source = Source.of("followers", handle=key, platform=platform)
    if value is not None:
        return Figure(int(value), "count", "followers", "", source)
    if not archive_has_counts:
        reason = NO_FOLLOWER_COUNTS
    elif posts == 0:
        reason = f"@{handle} has no post of its own in this archive, so its follower count was not collected"
    else:
        reason = f"none of @{handle}'s posts in this archive carries a follower count"
    return Figure.missing(reason, "count", "followers", source)


def posts_source(**params: Any) -> Source:
    """``Source("posts")`` with the given filters (author lower case)."""
    if params.get("author"):
        params["author"] = str(params["author"]).lower()
    return Source.of("posts", **params)
