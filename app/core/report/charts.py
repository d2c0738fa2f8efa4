"""The report's timeline chart, drawn once as SVG: the HTML report embeds it and the PDF report
paints it (``QSvgRenderer``), so the two cannot differ.

The chart shows the incident's main wave zoomed (volume by kind of post, the sentiment
shares, the reach) under a small overview strip of the whole archive with the zoomed window
marked, so that an incident that is a sliver of a long archive still fills the page. Numbered
markers are the turning points listed beside the chart; they are placed above the bars in
rows, so that markers close in time never overlap.

Only what SVG Tiny 1.2 draws (Qt's SVG renderer): plain shapes and text with presentation
attributes, no CSS, no scripts. Every text is escaped. No Qt.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

import numpy as np

from app.core import palette as pal

#: the drawing's width in SVG units (the renderers scale it to the page)
WIDTH = 1000.0
FONT = "DejaVu Sans, Noto Sans, Liberation Sans, Arial, sans-serif"
LEFT, RIGHT = 64.0, 70.0
KINDS = ("post", "reply", "quote", "retweet")


@dataclass(frozen=True)
class Marker:
    """A numbered turning point on the chart (``end`` for a stretch of time)."""

    number: int
    time: float
    end: float | None = None
    colour: str = pal.TURNING_POINT


@dataclass(frozen=True)
class Panel:
    """One binned series of the main wave, as the chart needs it (arrays of one length)."""

    t: np.ndarray
    ends: np.ndarray
    volume: dict[str, np.ndarray]
    scored: np.ndarray
    neg_share: np.ndarray
    pos_share: np.ndarray
    #: followers summed over each bin's posts; None when the archive has no follower counts
    exposure: np.ndarray | None
    cumulative_unique: np.ndarray | None
    calibrated_neg: np.ndarray | None = None
    calibrated_lo: np.ndarray | None = None
    calibrated_hi: np.ndarray | None = None


@dataclass(frozen=True)
class TimelineChart:
    """What the chart draws. Times are Unix seconds (UTC), labelled in ``zone``."""

    zone: ZoneInfo
    bin_label: str  # "hour", "15 minutes": what one bar counts
    panel: Panel
    overview_t: np.ndarray
    overview_ends: np.ndarray
    overview_counts: np.ndarray
    window: tuple[float, float]
    markers: list[Marker] = field(default_factory=list)
    gaps: list[tuple[float, float]] = field(default_factory=list)
    reach_unknown: str = ""
    sentiment_note: str = ""
    min_scored: int = 5
    calibrated_label: str = ""


# ---- the drawing ----------------------------------------------------------------------------


class _Svg:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, tag: str, **attrs: object) -> None:
        self.parts.append(f"<{tag} {_attrs(attrs)}/>")

    def text(
        self, x: float, y: float, text: str, size: float = 11, fill: str = pal.INK, **attrs: object
    ) -> None:
        a = _attrs({"x": x, "y": y, "font-family": FONT, "font-size": size, "fill": fill, **attrs})
        self.parts.append(f"<text {a}>{escape(text)}</text>")

    def path(self, d: str, **attrs: object) -> None:
        if d:
            self.add("path", d=d, **attrs)


def _attrs(attrs: dict[str, object]) -> str:
    out = []
    for k, v in attrs.items():
        if v is None:
            continue
        name = k.rstrip("_").replace("_", "-")
        value = f"{v:.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)
        out.append(f"{name}={quoteattr(value)}")
    return " ".join(out)


#: the plots' heights in the compact drawing, as a share of the full one's
COMPACT = 0.5


def render_svg(chart: TimelineChart, panels: float = 1.0) -> str:
    """The chart as a standalone SVG document (UTF-8 text); ``panels`` scales the plots'
    heights only (the PDF's compact drawing, :data:`COMPACT`: shorter plots, the same text,
    for a page with less room than the full drawing needs)."""
    svg = _Svg()
    y = 4.0
    y = _legend(svg, y)
    y = _overview(svg, chart, y + 6)
    y = _volume(svg, chart, y + 14, panels)
    y = _sentiment(svg, chart, y + 16, panels)
    y = _reach(svg, chart, y + 16, panels)
    height = y + 6
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny" '
        f'width="{WIDTH:.0f}" height="{height:.0f}" viewBox="0 0 {WIDTH:.0f} {height:.0f}">'
    )
    return (
        head
        + f'<rect x="0" y="0" width="{WIDTH:.0f}" height="{height:.0f}" fill="{pal.PAPER}"/>'
        + "".join(svg.parts)
        + "</svg>"
    )


def _legend(svg: _Svg, y: float) -> float:
    x = LEFT
    for kind in KINDS:
        svg.add("rect", x=x, y=y + 2, width=12.0, height=10.0, fill=pal.KIND_COLOURS[kind])
        label = pal.KIND_LABELS[kind]
        svg.text(x + 16, y + 11, label, 11)
        x += 16 + 6.6 * len(label) + 18
    return y + 16


def _overview(svg: _Svg, c: TimelineChart, y: float) -> float:
    h = 46.0
    x0, x1 = LEFT, WIDTH - RIGHT
    t0 = float(c.overview_t[0]) if len(c.overview_t) else c.window[0]
    t1 = float(c.overview_ends[-1]) if len(c.overview_ends) else c.window[1]
    sx = _Scale(t0, t1, x0, x1)
    svg.text(x0, y + 10, "The whole archive", 10.5, pal.MUTED)
    top = y + 14
    svg.add("rect", x=x0, y=top, width=x1 - x0, height=h, fill=pal.SHADE)
    for a, b in c.gaps:
        svg.add("rect", x=sx(a), y=top, width=max(1.0, sx(b) - sx(a)), height=h, fill=pal.GAP)
    counts = np.asarray(c.overview_counts, dtype=float)
    peak = float(counts.max()) if len(counts) else 0.0
    if peak > 0:
        svg.path(
            _step_area(c.overview_t, c.overview_ends, counts / peak * (h - 4), sx, top + h),
            fill=pal.OVERVIEW,
        )
    wa, wb = sx(c.window[0]), sx(c.window[1])
    if wb - wa < 8.0:
        # a few hours of a long archive: a box of its true width would be a hairline under
        # its own stroke; it is widened about its middle so that it can be seen
        wa = min(max(x0, (wa + wb) / 2 - 4.0), x1 - 8.0)
        wb = wa + 8.0
    svg.add(
        "rect",
        x=wa,
        y=top,
        width=wb - wa,
        height=h,
        fill="none",
        stroke=pal.ACCENT,
        stroke_width=2.0,
    )
    _time_axis(svg, sx, t0, t1, c.zone, top + h, ticks=8, grid_top=None)
    return top + h + 16


def _volume(svg: _Svg, c: TimelineChart, y: float, panels: float = 1.0) -> float:
    p = c.panel
    x0, x1 = LEFT, WIDTH - RIGHT
    t0, t1 = c.window
    sx = _Scale(t0, t1, x0, x1)
    rows = _marker_rows(c.markers, sx, t0, t1)
    band = 16.0 * (max(rows.values()) + 1) if rows else 0.0
    svg.text(x0, y + 10, f"Posts per {c.bin_label}", 11, pal.INK, font_weight="bold")
    top = y + 16 + band
    h = 190.0 * panels
    total = sum(
        (np.asarray(p.volume.get(k, np.zeros(len(p.t))), dtype=float) for k in KINDS), np.zeros(len(p.t))
    )
    ymax = _nice_top(float(total.max()) if len(total) else 0.0)
    sy = _Scale(0, ymax, top + h, top)
    _y_axis(svg, sy, ymax, x0, x1, integer=True)
    base = np.zeros(len(p.t))
    for kind in KINDS:
        v = np.asarray(p.volume.get(kind, np.zeros(len(p.t))), dtype=float)
        if not v.any():
            continue
        svg.path(_step_band(p.t, p.ends, base, base + v, sx, sy), fill=pal.KIND_COLOURS[kind])
        base = base + v
    for m in c.markers:
        if m.end is not None and m.end > m.time:
            a, b = sx(max(m.time, t0)), sx(min(m.end, t1))
            if b > a:
                svg.add("rect", x=a, y=top, width=b - a, height=h, fill=m.colour, fill_opacity=0.08)
        at = _marker_time(m, t0, t1)
        if at is None:
            continue
        x = sx(at)
        row = rows[m.number]
        cy = y + 16 + band - 16.0 * row - 8
        svg.add(
            "line", x1=x, y1=cy + 7, x2=x, y2=top + h, stroke=m.colour, stroke_width=1.0, stroke_opacity=0.7
        )
        svg.add("circle", cx=x, cy=cy, r=7.0, fill=pal.PAPER, stroke=m.colour, stroke_width=1.4)
        svg.text(x, cy + 3.8, str(m.number), 9.5, m.colour, text_anchor="middle", font_weight="bold")
    _time_axis(svg, sx, t0, t1, c.zone, top + h, ticks=10, grid_top=top)
    return top + h + 18


def _marker_time(m: Marker, t0: float, t1: float) -> float | None:
    """Where a marker's number stands on the zoomed plot (``t0``-``t1``), or None when it is
    not drawn there: its time, or for a stretch that began before the plot and runs into
    it, the plot's left edge (its shaded band is drawn, so its number is too)."""
    if t0 <= m.time <= t1:
        return m.time
    if m.end is not None and m.time < t0 < m.end:
        return t0
    return None


def markers_shown(chart: TimelineChart) -> list[int]:
    """The numbers of the markers the zoomed plot draws (the others fall outside its time)."""
    t0, t1 = chart.window
    return sorted(m.number for m in chart.markers if _marker_time(m, t0, t1) is not None)


def _sentiment(svg: _Svg, c: TimelineChart, y: float, panels: float = 1.0) -> float:
    p = c.panel
    x0, x1 = LEFT, WIDTH - RIGHT
    t0, t1 = c.window
    sx = _Scale(t0, t1, x0, x1)
    title = "Share of scored posts: negative and positive (VADER)"
    svg.text(x0, y + 10, title, 11, pal.INK, font_weight="bold")
    lx = x0 + 7.0 * len(title) + 12
    svg.add("line", x1=lx, y1=y + 6, x2=lx + 18, y2=y + 6, stroke=pal.NEGATIVE, stroke_width=2.0)
    svg.text(lx + 22, y + 10, "negative", 10.5, pal.MUTED)
    lx += 90
    svg.add("line", x1=lx, y1=y + 6, x2=lx + 18, y2=y + 6, stroke=pal.POSITIVE, stroke_width=2.0)
    svg.text(lx + 22, y + 10, "positive", 10.5, pal.MUTED)
    lx += 86
    if p.calibrated_neg is not None:
        svg.add("line", x1=lx, y1=y + 6, x2=lx + 18, y2=y + 6, stroke=pal.CALIBRATED, stroke_width=2.5)
        svg.text(
            lx + 22, y + 10, c.calibrated_label or "negative, corrected by the team's labels", 10.5, pal.MUTED
        )
    top = y + 18
    h = 120.0 * panels
    sy = _Scale(0, 1, top + h, top)
    _y_axis(svg, sy, 1.0, x0, x1, percent=True)
    ok = np.asarray(p.scored, dtype=float) >= c.min_scored
    mid = (np.asarray(p.t, dtype=float) + np.asarray(p.ends, dtype=float)) / 2
    if p.calibrated_neg is not None and p.calibrated_lo is not None and p.calibrated_hi is not None:
        for seg in _segments(ok & np.isfinite(p.calibrated_lo) & np.isfinite(p.calibrated_hi)):
            xs = [sx(mid[i]) for i in seg]
            up = [sy(float(p.calibrated_hi[i])) for i in seg]
            lo = [sy(float(p.calibrated_lo[i])) for i in seg]
            pts = list(zip(xs, up, strict=True)) + list(zip(reversed(xs), reversed(lo), strict=True))
            svg.path(_poly(pts, close=True), fill=pal.CALIBRATED, fill_opacity=0.15)
    for values, colour, width in (
        (p.pos_share, pal.POSITIVE, 1.6),
        (p.neg_share, pal.NEGATIVE, 1.8),
        (p.calibrated_neg, pal.CALIBRATED, 2.4),
    ):
        if values is None:
            continue
        v = np.asarray(values, dtype=float)
        for seg in _segments(ok & np.isfinite(v)):
            pts = [(sx(mid[i]), sy(float(v[i]))) for i in seg]
            if len(pts) == 1:
                svg.add("circle", cx=pts[0][0], cy=pts[0][1], r=1.8, fill=colour)
            else:
                svg.path(_poly(pts), fill="none", stroke=colour, stroke_width=width)
    note = c.sentiment_note or f"bins with fewer than {c.min_scored} scored posts are left out"
    svg.text(x1, top + h + 30, note, 9.5, pal.MUTED, text_anchor="end")
    _time_axis(svg, sx, t0, t1, c.zone, top + h, ticks=10, grid_top=top)
    return top + h + 34


def _reach(svg: _Svg, c: TimelineChart, y: float, panels: float = 1.0) -> float:
    p = c.panel
    x0, x1 = LEFT, WIDTH - RIGHT
    t0, t1 = c.window
    svg.text(
        x0,
        y + 10,
        f"Reach: exposure per {c.bin_label} (followers summed over posts)",
        11,
        pal.INK,
        font_weight="bold",
    )
    if p.exposure is None:
        top = y + 18
        svg.add("rect", x=x0, y=top, width=x1 - x0, height=34.0, fill=pal.SHADE)
        svg.text(
            x0 + 10,
            top + 21,
            c.reach_unknown or "Reach is unknown: the archive has no follower counts.",
            11,
            pal.MUTED,
        )
        return top + 34
    sx = _Scale(t0, t1, x0, x1)
    top = y + 18
    h = 110.0 * panels
    exposure = np.asarray(p.exposure, dtype=float)
    ymax = _nice_top(float(exposure.max()) if len(exposure) else 0.0)
    sy = _Scale(0, ymax, top + h, top)
    _y_axis(svg, sy, ymax, x0, x1, integer=True)
    svg.path(
        _step_band(p.t, p.ends, np.zeros(len(p.t)), exposure, sx, sy), fill=pal.EXPOSURE, fill_opacity=0.8
    )
    if p.cumulative_unique is not None and len(p.cumulative_unique):
        cu = np.asarray(p.cumulative_unique, dtype=float)
        rmax = _nice_top(float(cu.max()))
        ry = _Scale(0, rmax, top + h, top)
        pts = [(sx(float(e)), ry(float(v))) for e, v in zip(p.ends, cu, strict=True)]
        svg.path(
            _poly([(sx(float(p.t[0])), ry(0.0)), *pts]), fill="none", stroke=pal.UNIQUE, stroke_width=2.0
        )
        for v in _ticks(rmax, 4, integer=True):
            svg.text(x1 + 6, ry(v) + 4, _compact(v), 10, pal.UNIQUE)
        svg.text(x1 + 6, top - 4, "audience", 9.5, pal.UNIQUE)
        svg.text(
            x0,
            top + h + 30,
            "Line: cumulative unique audience (followers of the accounts that posted, each counted once)",
            9.5,
            pal.MUTED,
        )
    _time_axis(svg, sx, t0, t1, c.zone, top + h, ticks=10, grid_top=top)
    return top + h + 34


# ---- pieces ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scale:
    a: float
    b: float
    lo: float
    hi: float

    def __call__(self, v: float) -> float:
        span = (self.b - self.a) or 1.0
        return self.lo + (float(v) - self.a) / span * (self.hi - self.lo)


def _step_area(t: np.ndarray, ends: np.ndarray, heights: np.ndarray, sx: _Scale, base: float) -> str:
    if not len(t):
        return ""
    pts = [(sx(float(t[0])), base)]
    for a, b, v in zip(t, ends, heights, strict=True):
        pts += [(sx(float(a)), base - float(v)), (sx(float(b)), base - float(v))]
    pts.append((sx(float(ends[-1])), base))
    return _poly(pts, close=True)


def _step_band(
    t: np.ndarray, ends: np.ndarray, lo: np.ndarray, hi: np.ndarray, sx: _Scale, sy: _Scale
) -> str:
    if not len(t):
        return ""
    upper = []
    lower = []
    for a, b, low, high in zip(t, ends, lo, hi, strict=True):
        upper += [(sx(float(a)), sy(float(high))), (sx(float(b)), sy(float(high)))]
        lower += [(sx(float(a)), sy(float(low))), (sx(float(b)), sy(float(low)))]
    return _poly(upper + lower[::-1], close=True)


def _poly(pts: list[tuple[float, float]], close: bool = False) -> str:
    if not pts:
        return ""
    out = [f"M{pts[0][0]:.1f} {pts[0][1]:.1f}"]
    prev = pts[0]
    for x, y in pts[1:]:
        if (round(x, 1), round(y, 1)) != (round(prev[0], 1), round(prev[1], 1)):
            out.append(f"L{x:.1f} {y:.1f}")
        prev = (x, y)
    if close:
        out.append("Z")
    return " ".join(out)


def _segments(ok: np.ndarray) -> list[list[int]]:
    """Runs of consecutive True indices."""
    out: list[list[int]] = []
    run: list[int] = []
    for i, good in enumerate(ok):
        if good:
            run.append(i)
        elif run:
            out.append(run)
            run = []
    if run:
        out.append(run)
    return out


def _marker_rows(
    markers: list[Marker], sx: _Scale, t0: float, t1: float, gap: float = 16.0
) -> dict[int, int]:
    """Each drawn marker's row above the plot: the lowest row where it keeps ``gap`` units from
    the markers already placed (greedy in time order, so close markers stack)."""
    rows: dict[int, int] = {}
    last_x: list[float] = []
    placed = [(at, m) for m in markers if (at := _marker_time(m, t0, t1)) is not None]
    for at, m in sorted(placed, key=lambda p: (p[0], p[1].number)):
        x = sx(at)
        row = 0
        while row < len(last_x) and x - last_x[row] < gap:
            row += 1
        if row == len(last_x):
            last_x.append(x)
        else:
            last_x[row] = x
        rows[m.number] = row
    return rows


def _nice_top(v: float) -> float:
    if v <= 0:
        return 1.0
    step = _nice_step(v)
    return math.ceil(v / step) * step


def _nice_step(top: float, ticks: int = 4, integer: bool = False) -> float:
    raw = max(top, 1e-12) / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * mag
        if step >= raw and (not integer or step >= 1) and (not integer or float(step).is_integer()):
            return step
    return 10 * mag


def _ticks(top: float, n: int = 4, integer: bool = False) -> list[float]:
    step = _nice_step(top, n, integer)
    return [i * step for i in range(int(top / step + 1e-9) + 1)]


def _compact(v: float) -> str:
    v = float(v)
    if v >= 1e9:
        return f"{v / 1e9:g}B"
    if v >= 1e6:
        return f"{v / 1e6:g}M"
    if v >= 1e3:
        return f"{v / 1e3:g}k"
    return f"{v:g}"


def _y_axis(
    svg: _Svg, sy: _Scale, top: float, x0: float, x1: float, integer: bool = False, percent: bool = False
) -> None:
    for v in _ticks(top, 4, integer):
        y = sy(v)
        svg.add("line", x1=x0, y1=y, x2=x1, y2=y, stroke=pal.RULE, stroke_width=0.6)
        label = f"{v * 100:.0f}%" if percent else _compact(v)
        svg.text(x0 - 6, y + 4, label, 10, pal.MUTED, text_anchor="end")


def _time_axis(
    svg: _Svg, sx: _Scale, t0: float, t1: float, zone: ZoneInfo, y: float, ticks: int, grid_top: float | None
) -> None:
    svg.add("line", x1=sx(t0), y1=y, x2=sx(t1), y2=y, stroke=pal.MUTED, stroke_width=0.8)
    ticks_ = time_ticks(t0, t1, zone, ticks)
    placed = []
    for t, label, major in ticks_:
        x = sx(t)
        if grid_top is not None and major:
            svg.add("line", x1=x, y1=grid_top, x2=x, y2=y, stroke=pal.RULE, stroke_width=0.5)
        svg.add("line", x1=x, y1=y, x2=x, y2=y + 4, stroke=pal.MUTED, stroke_width=0.8)
        width = 6.2 * len(label)
        # a label at an edge moves inwards rather than being left out: the first tick of a
        # short archive is often the only one that carries the day
        cx = min(max(x, LEFT - 30 + width / 2), WIDTH - 4 - width / 2)
        placed.append((cx, width, label, major, abs(cx - x) <= width / 2))
    for cx, _width, label, major, _fits in _every_kth_label(placed):
        svg.text(cx, y + 15, label, 10, pal.INK if major else pal.MUTED, text_anchor="middle")


def _every_kth_label(
    placed: list[tuple[float, float, str, bool, bool]],
) -> list[tuple[float, float, str, bool, bool]]:
    """The tick labels to print, (centre, width, label, major, fits) each: every k-th tick's,
    for the smallest k at which no two printed labels touch, so that the labels keep the
    ticks' regular step (leaving out only the labels that collide made them uneven: a
    wide first label with the day hid the second, and the axis read 20:19:00, 20:19:30,
    20:19:45). Of the k phases, the one printing the most major (day) labels."""
    n = len(placed)
    for k in range(1, max(n, 1) + 1):
        best: list | None = None
        for phase in range(k):
            chosen = [placed[i] for i in range(phase, n, k) if placed[i][4]]
            if any(a[0] + a[1] / 2 + 6 > b[0] - b[1] / 2 for a, b in itertools.pairwise(chosen)):
                continue
            if best is None or sum(c[3] for c in chosen) > sum(c[3] for c in best):
                best = chosen
        if best is not None:
            return best
    return []


#: steps under an hour, in seconds
_CLOCK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800)
_HOUR_STEPS = (1, 2, 3, 6, 12)
_DAY_STEPS = (1, 2, 7, 14)


def time_ticks(t0: float, t1: float, zone: ZoneInfo, max_ticks: int = 10) -> list[tuple[float, str, bool]]:
    """(time, label, major) ticks between ``t0`` and ``t1`` on whole local hours, days,
    months or years of ``zone``: at most ``max_ticks``, labelled so that no two read alike
    (``16:00`` within a day, ``Wed 13 Nov`` across days, ``Nov 2013`` across months)."""
    span = max(t1 - t0, 1.0)
    hours = span / 3600
    if hours < 3:
        # whole hours would leave fewer than three ticks, or none (a two-minute archive)
        for step in _CLOCK_STEPS:
            if span / step <= max_ticks:
                return _clock_ticks(t0, t1, zone, step)
    for step in _HOUR_STEPS:
        if hours / step <= max_ticks:
            return _hour_ticks(t0, t1, zone, step)
    days = span / 86400
    for step in _DAY_STEPS:
        if days / step <= max_ticks:
            return _day_ticks(t0, t1, zone, step, with_weekday=days <= 21)
    months = days / 30.4
    for step in (1, 2, 3, 6):
        if months / step <= max_ticks:
            return _month_ticks(t0, t1, zone, step)
    years = max(1, math.ceil(days / 365.25 / max_ticks))
    return _month_ticks(t0, t1, zone, 12 * years)


def _hour_ticks(t0: float, t1: float, zone: ZoneInfo, step: int) -> list[tuple[float, str, bool]]:
    # hour by hour in absolute time, a tick where the local clock shows a whole hour that is a
    # multiple of the step: across a daylight-saving change the clock's hours are skipped
    # (spring) or shown twice (autumn, the second named by its zone: "02:00 CET") as they were
    t = datetime.fromtimestamp(t0, zone).replace(minute=0, second=0, microsecond=0).timestamp()
    out = []
    while t <= t1:
        d = datetime.fromtimestamp(t, zone)
        if t >= t0 and d.minute == 0 and d.hour % step == 0:
            midnight = d.hour == 0
            label = f"{d:%a} {d.day} {d:%b}" if midnight else f"{d:%H:%M}"
            if d.fold and not midnight:
                label += f" {d.tzname()}"
            out.append((t, label, midnight))
        t += 3600
    if out and not any(major for _, _, major in out):
        t, _, _ = out[0]
        first = datetime.fromtimestamp(t, zone)
        out[0] = (t, f"{first:%a} {first.day} {first:%b} {first:%H:%M}", True)
    return out


def _clock_ticks(t0: float, t1: float, zone: ZoneInfo, step: int) -> list[tuple[float, str, bool]]:
    """Ticks every ``step`` seconds (under an hour) on the local clock: ``19:32`` (with the
    seconds when the step is under a minute); the first, or midnight, carries the day."""
    start = datetime.fromtimestamp(math.floor(t0), zone)
    into = (start.hour * 3600 + start.minute * 60 + start.second) % step
    t = start.timestamp() - into
    fmt = "%H:%M:%S" if step < 60 else "%H:%M"
    out = []
    while t <= t1:
        if t >= t0:
            d = datetime.fromtimestamp(t, zone)
            midnight = d.hour == d.minute == d.second == 0
            out.append((t, f"{d:%a} {d.day} {d:%b}" if midnight else format(d, fmt), midnight))
        # in absolute time: a daylight-saving change moves the clock by whole half hours,
        # which keeps these steps on whole minutes
        t += step
    if out and not any(major for _, _, major in out):
        t, _, _ = out[0]
        first = datetime.fromtimestamp(t, zone)
        out[0] = (t, f"{first:%a} {first.day} {first:%b} {format(first, fmt)}", True)
    return out


def _day_ticks(
    t0: float, t1: float, zone: ZoneInfo, step: int, with_weekday: bool
) -> list[tuple[float, str, bool]]:
    d = datetime.fromtimestamp(t0, zone).replace(hour=0, minute=0, second=0, microsecond=0)
    out = []
    first = True
    while True:
        t = d.timestamp()
        if t > t1:
            break
        if t >= t0:
            label = f"{d:%a} {d.day} {d:%b}" if with_weekday else f"{d.day} {d:%b}"
            if first and not with_weekday:
                label += f" {d.year}"
            first = False
            out.append((t, label, True))
        d = (d.replace(tzinfo=None) + timedelta(days=step)).replace(tzinfo=zone)
    return out


def _month_ticks(t0: float, t1: float, zone: ZoneInfo, step: int) -> list[tuple[float, str, bool]]:
    d = datetime.fromtimestamp(t0, zone).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out = []
    while True:
        t = d.timestamp()
        if t > t1:
            break
        if t >= t0:
            out.append((t, f"{d:%b} {d.year}" if step < 12 else str(d.year), True))
        m = d.month - 1 + step
        d = d.replace(year=d.year + m // 12, month=m % 12 + 1)
    return out
