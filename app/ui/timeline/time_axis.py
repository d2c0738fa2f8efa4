"""A date axis that shows times in the workspace's display time zone, and time formatting."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pyqtgraph as pg


class ZonedDateAxis(pg.DateAxisItem):
    """pyqtgraph's date axis with ticks aligned to, and labelled in, an IANA time zone.

    pyqtgraph takes one fixed offset; it is taken at the middle of the visible range, so ticks
    fall on local midnights and hours (across a DST change inside the view, the far side is
    an hour off: rare for an incident of days).
    """

    def __init__(self, zone: str = "UTC", **kwargs) -> None:
        super().__init__(**kwargs)
        self.enableAutoSIPrefix(False)
        self.set_zone(zone)

    def set_zone(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.zone_name = zone

    def tickValues(self, minVal, maxVal, size):
        middle = (minVal + maxVal) / 2
        try:
            offset = datetime.fromtimestamp(middle, timezone.utc).astimezone(self.zone).utcoffset()
            self.utcOffset = -offset.total_seconds() if offset is not None else 0
        except (OverflowError, OSError, ValueError):
            self.utcOffset = 0
        return super().tickValues(minVal, maxVal, size)

    def tickStrings(self, values, scale, spacing):
        """Labels that say what the spacing means: years as ``2014``, months as ``Nov 2013``,
        days as ``Wed 13`` over a week or two and ``13 Nov`` beyond, hours as ``16:00`` (a
        local midnight names its day)."""
        out = []
        span = (max(values) - min(values)) if len(values) > 1 else spacing
        for v in values:
            try:
                local = datetime.fromtimestamp(v, timezone.utc).astimezone(self.zone)
            except (OverflowError, OSError, ValueError):
                out.append("")
                continue
            if spacing >= 360 * 86400:
                out.append(f"{local:%Y}")
            elif spacing >= 27 * 86400:
                out.append(f"{local:%b %Y}" if local.month == 1 or v == values[0] else f"{local:%b}")
            elif spacing >= 86400:
                out.append(f"{local:%a} {local.day}" if span <= 16 * 86400 else f"{local.day} {local:%b}")
            elif local.hour == 0 and local.minute == 0 and spacing >= 3600:
                out.append(f"{local:%a} {local.day} {local:%b}")
            elif spacing >= 60:
                out.append(local.strftime("%H:%M"))
            else:
                out.append(local.strftime("%H:%M:%S"))
        return out


class CompactAxis(pg.AxisItem):
    """Counts of people as 250k, 1.5M: readable at a glance, unlike 1.5e+06 or "×1e+09"."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):
        return [compact_number(v * scale) for v in values]


class CountAxis(CompactAxis):
    """Counts of posts: whole numbers only (no 0.1 steps when a bin holds one post)."""

    def tickSpacing(self, minVal, maxVal, size):
        # levels of (spacing, offset): no spacing under one post
        out: list[tuple[float, float]] = []
        for spacing, offset in super().tickSpacing(minVal, maxVal, size):
            level = (max(1.0, float(spacing)), float(offset))
            if level not in out:
                out.append(level)
        return out

    def tickValues(self, minVal, maxVal, size):
        return [
            (spacing, [v for v in values if float(v).is_integer()])
            for spacing, values in super().tickValues(minVal, maxVal, size)
        ]


def compact_number(v: float) -> str:
    a = abs(v)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= limit:
            text = f"{v / limit:.1f}".rstrip("0").rstrip(".")
            return text + suffix
    return f"{v:.0f}" if a >= 1 or v == 0 else f"{v:.2g}"


def zone_abbreviation(zone: str, t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).astimezone(ZoneInfo(zone)).strftime("%Z")


def format_time(t: float, zone: str, seconds: bool = False) -> str:
    """``Wed 13 Nov 2013 16:05 EST``: a moment as the user reads it."""
    local = datetime.fromtimestamp(t, timezone.utc).astimezone(ZoneInfo(zone))
    return local.strftime("%a %d %b %Y %H:%M" + (":%S" if seconds else "") + " %Z")


def format_range(start: float, end: float, zone: str) -> str:
    a = datetime.fromtimestamp(start, timezone.utc).astimezone(ZoneInfo(zone))
    b = datetime.fromtimestamp(end, timezone.utc).astimezone(ZoneInfo(zone))
    if a.date() == b.date():
        return f"{a:%a %d %b %Y %H:%M}–{b:%H:%M %Z}"
    return f"{a:%d %b %H:%M} – {b:%d %b %Y %H:%M %Z}"


def format_duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds % 86400 == 0 and seconds >= 86400:
        return f"{seconds // 86400} day" + ("s" if seconds >= 172800 else "")
    if seconds % 3600 == 0 and seconds >= 3600:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def per_bin(seconds: float) -> str:
    """What one bin is, after "per": ``hour``, ``15 min``, ``day``."""
    seconds = round(seconds)
    named = {60: "minute", 3600: "hour", 86400: "day"}
    return named.get(seconds, format_duration(seconds))
