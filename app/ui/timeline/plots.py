"""The timeline widget: an overview strip of the whole incident and three linked detail plots.

The overview shows the whole incident's volume with a draggable range that sets what the
detail plots show, and follows when the user zooms or pans them. The detail plots (volume by
kind, sentiment, reach) share one time axis and one cursor. The widget only draws: when the
view settles it emits :attr:`TimelineView.range_settled` and the window fetches new series.

The top of the volume plot is kept free for labels (the cursor's time, the turning points'
names, the suggestions' markers): :meth:`TimelineView.set_headroom` says how many pixels, and
the volume axis is stretched so that the tallest bar stays below them.
"""

from __future__ import annotations

import math
import types

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from app.core import palette
from app.core.metrics import KINDS, Series
from app.core.sentiment.figures import CalibratedSeries
from app.ui import theme
from app.ui.timeline.time_axis import CompactAxis, CountAxis, ZonedDateAxis, per_bin

KIND_COLOURS = palette.KIND_COLOURS
KIND_LABELS = palette.KIND_LABELS
NEGATIVE = QColor(palette.NEGATIVE)
POSITIVE = QColor(palette.POSITIVE)
MEAN = QColor(palette.MEAN)
# the calibrated shares: darker than VADER's bars, over a grey band of their interval
CALIBRATED_NEGATIVE = QColor("#7a1f17")
CALIBRATED_POSITIVE = QColor("#1f5a33")
BAND = QColor(60, 60, 60, 70)
#: bins with fewer scored posts get no calibrated point (their interval spans the plot)
CALIBRATED_MIN_POSTS = 10
EXPOSURE = QColor(palette.EXPOSURE)
CUMULATIVE = QColor(palette.CUMULATIVE)
UNIQUE = QColor(palette.UNIQUE)
CURSOR = QColor(palette.CURSOR)
AXIS_WIDTH = 64
SETTLE_MS = 180
#: the height of one row of labels at the top of the volume plot, in pixels
LABEL_ROW_PX = 19

WHATS_THIS = {
    "overview": (
        "The whole incident: posts per bin from the first post to the last. Drag or resize the "
        "blue range to choose what the three plots below show. The red line is the cursor."
    ),
    "volume": (
        "Posts per bin, stacked by kind: original posts, replies, quotes and retweets. The bin "
        "follows the zoom (from a day down to a minute); the axis says its size. Turning points "
        "are drawn as dashed lines (a moment) or shaded bands (a stretch) with their names at "
        "the top; triangles mark suggested turning points still to review. Click to put the "
        "cursor there; drag to pan, wheel to zoom."
    ),
    "sentiment": (
        "Sentiment per bin, from VADER's scores: the line is the mean score (−1 very negative, "
        "+1 very positive); the red bars below zero are the share of negative posts and the "
        "green bars above the share of positive ones. A bar resting on few posts is drawn faint."
    ),
    "reach": (
        "Reach: the bars are the exposure per bin (the followers of every account that posted, "
        "summed; a retweet counts its retweeter's followers), on the left axis. The lines are "
        "the exposure summed since the start and the unique audience (each account counted "
        "once), on the right axis. Accounts whose followers are unknown are not counted as zero: "
        "they are left out, and the status bar says how many."
    ),
}


def _pen(colour: QColor | str, width: float = 1.5, style=Qt.PenStyle.SolidLine):
    pen = pg.mkPen(colour, width=width)
    pen.setStyle(style)
    pen.setCosmetic(True)
    return pen


def _key_min(label: pg.LabelItem) -> None:
    """A plot's key never makes the plot wider than the window (it is clipped instead)."""
    bounds = label.itemRect()
    label.setMinimumWidth(0)
    label.setMinimumHeight(bounds.height())
    label._sizeHint = {
        Qt.SizeHint.MinimumSize: (0, bounds.height()),
        Qt.SizeHint.PreferredSize: (0, bounds.height()),
        Qt.SizeHint.MaximumSize: (-1, -1),
        Qt.SizeHint.MinimumDescent: (0, 0),
    }
    label.updateGeometry()


def _key(plot: pg.PlotItem, entries: list[tuple[str, str, str]], text_colour: QColor) -> None:
    """A one-line key above a plot, where it never covers the data (our own fixed words)."""
    parts = []
    for colour, mark, label in entries:
        swatch = f'<span style="color:{colour}; font-size:11pt">{mark}</span> ' if mark else ""
        parts.append(f'{swatch}<span style="font-size:9pt; color:{text_colour.name()}">{label}</span>')
    plot.setTitle("&nbsp;&nbsp;".join(parts), justify="left")
    plot.titleLabel.updateMin = types.MethodType(_key_min, plot.titleLabel)
    _key_min(plot.titleLabel)


class TimelineView(QWidget):
    #: the detail view stopped moving: (start, end, plot width in pixels)
    range_settled = Signal(float, float, int)
    #: the user put the cursor somewhere (drag, click): (time, still dragging)
    cursor_moved = Signal(float, bool)
    #: the volume plot's geometry or range changed: labels over it must be placed again
    layout_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = "UTC"
        self.series: Series | None = None
        self.span: tuple[float, float] | None = None
        self.cursor_t: float | None = None
        self._syncing = False
        self._headroom_px = LABEL_ROW_PX + 4
        self._top = 1.0
        self.colours = theme.colours()
        self.setMinimumWidth(360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)

        # ---- overview strip --------------------------------------------------------------
        self.overview_axis = ZonedDateAxis(orientation="bottom")
        self.overview = pg.PlotWidget(axisItems={"bottom": self.overview_axis})
        self.overview.setObjectName("overview")
        self.overview.setFixedHeight(96)
        self.overview.setMouseEnabled(x=False, y=False)
        self.overview.hideButtons()
        self.overview.setMenuEnabled(False)
        self.overview.getAxis("left").setWidth(AXIS_WIDTH)
        self.overview.getAxis("left").setStyle(showValues=False)
        self.overview.setLabel("left", "Whole")
        self.overview.showAxis("right")
        self.overview.getAxis("right").setWidth(AXIS_WIDTH)
        self.overview.getAxis("right").setStyle(showValues=False)
        self.overview.setWhatsThis(WHATS_THIS["overview"])
        self.overview_curve = pg.PlotDataItem(
            stepMode="center", fillLevel=0, pen=_pen("#7f8ea3", 1), brush=pg.mkBrush("#7f8ea380")
        )
        self.overview.addItem(self.overview_curve)
        self.region = pg.LinearRegionItem(brush=pg.mkBrush(91, 139, 208, 50), pen=_pen("#5b8bd0", 2))
        self.region.setZValue(10)
        self.overview.addItem(self.region)
        self.overview_cursor = pg.InfiniteLine(angle=90, movable=False, pen=_pen(CURSOR, 1.5))
        self.overview.addItem(self.overview_cursor)
        self.region.sigRegionChanged.connect(self._region_moved)
        layout.addWidget(self.overview)

        # ---- detail plots ------------------------------------------------------------------
        self.detail = pg.GraphicsLayoutWidget()
        self.detail.setObjectName("detail")
        self.detail.setMinimumHeight(300)
        self.detail.setWhatsThis("\n\n".join(WHATS_THIS[k] for k in ("volume", "sentiment", "reach")))
        self.axis = ZonedDateAxis(orientation="bottom")
        self.volume_axis = CountAxis("left")
        self.p_volume = self.detail.addPlot(row=0, col=0, axisItems={"left": self.volume_axis})
        self.p_sentiment = self.detail.addPlot(row=1, col=0)
        self.p_reach = self.detail.addPlot(
            row=2,
            col=0,
            axisItems={"bottom": self.axis, "left": CompactAxis("left"), "right": CompactAxis("right")},
        )
        self.plots = (self.p_volume, self.p_sentiment, self.p_reach)
        for p in self.plots:
            p.setMouseEnabled(x=True, y=False)
            p.setMenuEnabled(False)
            p.hideButtons()
            p.showGrid(x=True, y=True, alpha=0.15)
            p.getAxis("left").setWidth(AXIS_WIDTH)
            p.showAxis("right")
            p.getAxis("right").setWidth(AXIS_WIDTH)
            p.getAxis("right").setStyle(showValues=False)
            for side in ("left", "right", "bottom"):
                p.getAxis(side).enableAutoSIPrefix(False)
        for p in (self.p_sentiment, self.p_reach):
            p.setXLink(self.p_volume)
        for p in (self.p_volume, self.p_sentiment):
            p.getAxis("bottom").setStyle(showValues=False)
            p.getAxis("bottom").setHeight(4)
        self.p_volume.setLabel("left", "Posts per bin")
        self.p_sentiment.setLabel("left", "Sentiment")
        self.p_reach.setLabel("left", "Exposure")
        self.p_sentiment.setYRange(-1.05, 1.05, padding=0)
        self.detail.ci.layout.setRowStretchFactor(0, 4)
        self.detail.ci.layout.setRowStretchFactor(1, 3)
        self.detail.ci.layout.setRowStretchFactor(2, 3)

        # volume: stacked bars by kind
        self.volume_bars: dict[str, pg.BarGraphItem] = {}
        for kind in KINDS:
            bar = pg.BarGraphItem(
                x=[], height=[], width=1, brush=pg.mkBrush(KIND_COLOURS[kind]), pen=pg.mkPen(None)
            )
            bar.setObjectName(f"volume-{kind}")
            self.p_volume.addItem(bar)
            self.volume_bars[kind] = bar

        # sentiment: share negative below zero, share positive above, mean compound line
        self.neg_bars = pg.BarGraphItem(
            x=[], height=[], width=1, brush=pg.mkBrush(NEGATIVE), pen=pg.mkPen(None)
        )
        self.pos_bars = pg.BarGraphItem(
            x=[], height=[], width=1, brush=pg.mkBrush(POSITIVE), pen=pg.mkPen(None)
        )
        self.mean_curve = pg.PlotDataItem(pen=_pen(self.colours.mean, 2), connect="finite")
        self.mean_curve.setZValue(5)
        self.p_sentiment.addItem(self.neg_bars)
        self.p_sentiment.addItem(self.pos_bars)
        self.p_sentiment.addItem(self.mean_curve)
        self.zero_line = pg.InfiniteLine(pos=0, angle=0, pen=_pen(self.colours.zero_line, 1))
        self.p_sentiment.addItem(self.zero_line)
        self._build_calibrated()

        # reach: exposure per bin (left axis), cumulative exposure and unique audience (right)
        self.exposure_bars = pg.BarGraphItem(
            x=[], height=[], width=1, brush=pg.mkBrush(EXPOSURE), pen=pg.mkPen(None)
        )
        self.p_reach.addItem(self.exposure_bars)
        self.cumulative_box = pg.ViewBox()
        self.cumulative_box.setMouseEnabled(x=False, y=False)
        self.p_reach.scene().addItem(self.cumulative_box)
        right = self.p_reach.getAxis("right")
        right.linkToView(self.cumulative_box)
        right.setStyle(showValues=True)
        right.setLabel("Cumulative")
        self.cumulative_box.setXLink(self.p_reach)
        self.cumulative_curve = pg.PlotDataItem(pen=_pen(CUMULATIVE, 2))
        self.unique_curve = pg.PlotDataItem(pen=_pen(UNIQUE, 2, Qt.PenStyle.DashLine))
        self.cumulative_box.addItem(self.cumulative_curve)
        self.cumulative_box.addItem(self.unique_curve)
        self.p_reach.vb.sigResized.connect(self._sync_cumulative_geometry)

        # the cursor, one line per plot, moved together; its time at the top of the volume plot
        self.cursor_lines: list[pg.InfiniteLine] = []
        for p in self.plots:
            line = pg.InfiniteLine(angle=90, movable=True, pen=_pen(CURSOR, 2), hoverPen=_pen(CURSOR, 4))
            line.setZValue(20)
            line.sigDragged.connect(self._cursor_dragged)
            line.sigPositionChangeFinished.connect(self._cursor_released)
            p.addItem(line, ignoreBounds=True)
            self.cursor_lines.append(line)
        self.cursor_label = pg.TextItem(
            "", color=CURSOR, anchor=(0, 0), fill=pg.mkBrush(self.colours.label_fill)
        )
        self.cursor_label.setZValue(30)
        self.p_volume.addItem(self.cursor_label, ignoreBounds=True)

        # what an empty workspace shows instead of axes reading 00:00:00
        self.empty_text = pg.TextItem("", color=self.colours.muted, anchor=(0.5, 0.5))
        self.p_volume.addItem(self.empty_text, ignoreBounds=True)
        # reach cannot be drawn when no follower count is known: said, not drawn as zero
        self.reach_note = pg.TextItem("", color=self.colours.muted, anchor=(0.5, 0.5))
        self.reach_note.setZValue(30)
        self.p_reach.addItem(self.reach_note, ignoreBounds=True)
        self.p_reach.sigXRangeChanged.connect(lambda *_: self._place_reach_note())

        self.set_calibrated(None, "")
        self.detail.scene().sigMouseClicked.connect(self._clicked)
        self.p_volume.sigXRangeChanged.connect(self._detail_range_changed)
        self.p_volume.vb.sigResized.connect(self._volume_resized)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._emit_settled)
        layout.addWidget(self.detail, 1)
        self._keys()
        self.set_empty("No workspace open: File > Open workspace, or File > New workspace.")

    # ---- look -----------------------------------------------------------------------------------
    def _keys(self) -> None:
        c = self.colours
        _key(self.p_volume, [(KIND_COLOURS[k], "■", KIND_LABELS[k]) for k in KINDS], c.foreground)
        self._sentiment_key()
        _key(
            self.p_reach,
            [
                (EXPOSURE.name(), "■", "Exposure per bin"),
                (CUMULATIVE.name(), "━", "Cumulative (right)"),
                (UNIQUE.name(), "╌", "Unique audience (right)"),
            ],
            c.foreground,
        )

    def apply_theme(self, colours: theme.Colours) -> None:
        """Redraw in the palette in force (the plots draw with their own colours)."""
        self.colours = colours
        for widget in (self.overview, self.detail):
            widget.setBackground(colours.background)
        for p in (*self.plots, self.overview.getPlotItem()):
            for side in ("left", "right", "bottom"):
                axis = p.getAxis(side)
                axis.setPen(colours.foreground)
                axis.setTextPen(colours.foreground)
                axis.label.setDefaultTextColor(colours.foreground)
        self.mean_curve.setPen(_pen(colours.mean, 2))
        self.zero_line.setPen(_pen(colours.zero_line, 1))
        self.cursor_label.fill = pg.mkBrush(colours.label_fill)
        self.cursor_label.update()
        self.empty_text.setColor(colours.muted)
        self.reach_note.setColor(colours.muted)
        self._keys()

    # ---- the calibrated shares -------------------------------------------------------------------
    def _build_calibrated(self) -> None:
        """The shares corrected by the team's labels: a line per side (negative down,
        positive up) through the bins, over a band of its 95% interval."""
        self.calibrated = None
        self._calibrated_labels = 0
        self.calibrated_bands: dict[str, pg.BarGraphItem] = {}
        self.calibrated_curves: dict[str, pg.PlotDataItem] = {}
        for cls, colour in (("negative", CALIBRATED_NEGATIVE), ("positive", CALIBRATED_POSITIVE)):
            band = pg.BarGraphItem(x=[], height=[], width=1, brush=pg.mkBrush(BAND), pen=pg.mkPen(None))
            band.setObjectName(f"calibrated-band-{cls}")
            band.setZValue(5)
            curve = pg.PlotDataItem(
                pen=_pen(colour, 2.5),
                connect="finite",
                symbol="o",
                symbolSize=4,
                symbolPen=pg.mkPen(None),
                symbolBrush=pg.mkBrush(colour),
            )
            curve.setObjectName(f"calibrated-{cls}")
            curve.setZValue(6)
            self.p_sentiment.addItem(band)
            self.p_sentiment.addItem(curve)
            self.calibrated_bands[cls] = band
            self.calibrated_curves[cls] = curve

    def _sentiment_key(self) -> None:
        c = self.colours
        entries = [
            (c.mean.name(), "━", "Mean"),
            (NEGATIVE.name(), "■", "Negative (VADER)"),
            (POSITIVE.name(), "■", "Positive (VADER)"),
        ]
        calibrated = getattr(self, "calibrated", None)
        if calibrated is not None:
            entries.append(
                (CALIBRATED_NEGATIVE.name(), "━●", f"Calibrated on {calibrated.labels:,} labels (band 95%)")
            )
        else:
            # the key stays one short line (a long one would widen the plot): the reason
            # goes to the tooltip
            labels = getattr(self, "_calibrated_labels", 0)
            entries.append(
                (c.muted.name(), "", f"Not calibrated ({labels:,} label{'s' if labels != 1 else ''})")
            )
            entries.append((c.muted.name(), "", "faint = few posts"))
        _key(self.p_sentiment, entries, c.foreground)

    def set_calibrated(
        self, calibrated: CalibratedSeries | None, note: str, tooltip: str = "", labels: int = 0
    ) -> None:
        """Draw the calibrated shares of the series on show (``calibrated`` has its arrays),
        or none: then ``note`` says why, in the tooltip, and the key how many posts are
        labelled (``labels``); ``tooltip`` is the plot's tooltip (plain words of the app's)."""
        self.calibrated = calibrated
        self._calibrated_labels = labels
        self._sentiment_key()
        # the key stays short enough for a laptop's width; how to read the plot is said here
        tooltip = (
            "The line is the mean VADER score of the scored posts in each bin (−1 … +1); the bars are the "
            "shares of negative posts (drawn down) and positive posts (up); faint bars have few scored posts."
            + (f"\n\n{tooltip}" if tooltip else "")
        )
        if calibrated is None and note:
            tooltip = f"Not calibrated: {note}.\n\n{tooltip}"
        if calibrated is not None:
            tooltip += (
                f"\n\nThe dark lines are the shares corrected by the {calibrated.labels:,} labels, over a "
                f"grey band of their 95% interval, for bins of {CALIBRATED_MIN_POSTS} or more scored posts."
            )
        self.p_sentiment.setToolTip(tooltip)
        self._draw_calibrated()

    def _draw_calibrated(self) -> None:
        s, c = self.series, self.calibrated
        if s is None or c is None or len(c.point[0]) != len(s.t):
            for band in self.calibrated_bands.values():
                band.setOpts(x=[], height=[], y0=0)
            for curve in self.calibrated_curves.values():
                curve.setData([], [])
            return
        x = s.t + s.bin_seconds / 2.0
        # a bin of a handful of posts has an interval as wide as the plot: its line would
        # only draw the eye, so the calibrated shares are drawn where a bin has enough posts
        enough = s.scored >= CALIBRATED_MIN_POSTS
        for cls, sign in (("negative", -1.0), ("positive", 1.0)):
            point, low, high = c.share(cls)
            point = np.where(enough, point, np.nan)
            shown = np.isfinite(point)
            self.calibrated_bands[cls].setOpts(
                x=x[shown],
                y0=sign * low[shown],
                height=sign * (high[shown] - low[shown]),
                width=s.bin_seconds * 0.5,
            )
            self.calibrated_curves[cls].setData(x, sign * point)

    # ---- time zone and span -----------------------------------------------------------------
    def set_zone(self, zone: str) -> None:
        self.zone = zone
        self.axis.set_zone(zone)
        self.overview_axis.set_zone(zone)
        self.p_reach.setLabel("bottom", f"Time ({zone})")
        self.p_reach.getAxis("bottom").picture = None
        self.p_reach.getAxis("bottom").update()
        self.overview_axis.picture = None
        self.overview_axis.update()

    def set_span(self, first: float, last: float) -> None:
        """The incident's extent: limits of zooming and the overview's range."""
        pad = max(600.0, (last - first) * 0.02)
        self.span = (first - pad, last + pad)
        lo, hi = self.span
        for p in self.plots:
            p.setLimits(xMin=lo, xMax=hi, minXRange=600)
        self.overview.setXRange(lo, hi, padding=0)
        self.region.setBounds((lo, hi))
        self._show_axes(True)
        self.empty_text.setText("")

    def set_empty(self, message: str) -> None:
        """No posts to draw (no workspace, or an empty one): clear everything the previous
        incident left, hide the time axes, and say what to do."""
        self.span = None
        self.series = None
        self.cursor_t = None
        self.overview_curve.setData([], [])
        self._clear_series()
        for line in (*self.cursor_lines, self.overview_cursor):
            line.hide()
        self.cursor_label.setText("")
        self.cursor_label.hide()
        for p in self.plots:
            p.setLimits(xMin=None, xMax=None, minXRange=None)
        self.region.setBounds((None, None))
        self.p_volume.setXRange(0, 1, padding=0)
        self.overview.setXRange(0, 1, padding=0)
        self.p_volume.setYRange(0, 1, padding=0)
        self._show_axes(False)
        self.p_volume.setLabel("left", "Posts")
        self.empty_text.setText(message)
        self.empty_text.setPos(0.5, 0.5)

    def _show_axes(self, on: bool) -> None:
        self.axis.setStyle(showValues=on)
        self.overview_axis.setStyle(showValues=on)
        for p in self.plots:
            p.getAxis("left").setStyle(showValues=on)
        self.p_reach.getAxis("right").setStyle(showValues=on)
        self.region.setVisible(on)

    def set_overview(self, series: Series) -> None:
        if len(series.t) == 0:
            self.overview_curve.setData([], [])
            return
        edges = np.append(series.t, series.t[-1] + series.bin_seconds)
        self.overview_curve.setData(edges, series.total.astype(float))
        top = float(series.total.max()) if len(series.total) else 1.0
        self.overview.setYRange(0, max(1.0, top) * 1.08, padding=0)

    # ---- the visible range --------------------------------------------------------------------
    def visible_range(self) -> tuple[float, float]:
        lo, hi = self.p_volume.vb.viewRange()[0]
        return float(lo), float(hi)

    def plot_width(self) -> int:
        return max(100, int(self.p_volume.vb.width()))

    def set_range(self, start: float, end: float) -> None:
        self.p_volume.setXRange(start, end, padding=0)

    def fit_all(self) -> None:
        if self.span:
            self.set_range(*self.span)

    def zoom(self, factor: float, around: float | None = None) -> None:
        lo, hi = self.visible_range()
        centre = around if around is not None else (lo + hi) / 2
        self.set_range(centre - (centre - lo) * factor, centre + (hi - centre) * factor)

    def _detail_range_changed(self, *_args) -> None:
        lo, hi = self.visible_range()
        if not self._syncing:
            self._syncing = True
            self.region.setRegion((lo, hi))
            self._syncing = False
        self._place_cursor_label()
        self.layout_changed.emit()
        if self.span is not None:
            self._settle.start()

    def _region_moved(self) -> None:
        if self._syncing or self.span is None:
            return
        lo, hi = self.region.getRegion()
        self._syncing = True
        self.p_volume.setXRange(lo, hi, padding=0)
        self._syncing = False
        self._settle.start()

    def is_settling(self) -> bool:
        """Whether the view moved and ``range_settled`` is still to come."""
        return self._settle.isActive()

    def _emit_settled(self) -> None:
        if self.span is None:
            return
        lo, hi = self.visible_range()
        self.range_settled.emit(lo, hi, self.plot_width())

    def _volume_resized(self) -> None:
        self._apply_volume_range()
        if self.span is not None:
            self._settle.start()  # a wider plot wants finer bins

    def _sync_cumulative_geometry(self) -> None:
        self.cumulative_box.setGeometry(self.p_reach.vb.sceneBoundingRect())
        self.cumulative_box.linkedViewChanged(self.p_reach.vb, self.cumulative_box.XAxis)

    # ---- room for labels at the top of the volume plot ------------------------------------------
    def set_headroom(self, pixels: float) -> None:
        """Keep this many pixels at the top of the volume plot above the tallest bar."""
        pixels = max(float(LABEL_ROW_PX + 4), float(pixels))
        if abs(pixels - self._headroom_px) >= 0.5:
            self._headroom_px = pixels
            self._apply_volume_range()

    def headroom(self) -> float:
        return self._headroom_px

    def _apply_volume_range(self) -> None:
        if self.span is None:
            return
        height = max(1.0, float(self.p_volume.vb.height()))
        # the bars fill what the labels leave, with a little air; at least half the plot
        room = max(height * 0.5, height - self._headroom_px - 6)
        self.p_volume.setYRange(0, max(1.0, self._top) * height / room, padding=0)
        self._place_cursor_label()
        self.layout_changed.emit()

    def y_for_pixels_from_top(self, pixels: float) -> float:
        """The volume plot's y value this many pixels below its top edge."""
        (_x0, _x1), (y0, y1) = self.p_volume.vb.viewRange()
        height = max(1.0, float(self.p_volume.vb.height()))
        return y1 - pixels * (y1 - y0) / height

    def x_to_pixels(self, x: float) -> float:
        (x0, x1), _ = self.p_volume.vb.viewRange()
        return (x - x0) * float(self.p_volume.vb.width()) / max(1e-9, x1 - x0)

    def pixels_to_x(self, px: float) -> float:
        (x0, x1), _ = self.p_volume.vb.viewRange()
        return x0 + px * (x1 - x0) / max(1.0, float(self.p_volume.vb.width()))

    # ---- the cursor ---------------------------------------------------------------------------
    def set_cursor(self, t: float | None, label: str = "") -> None:
        self.cursor_t = t
        visible = t is not None and self.span is not None
        for line in (*self.cursor_lines, self.overview_cursor):
            line.setVisible(visible)
        if not visible:
            self.cursor_label.hide()
            return
        for line in self.cursor_lines:
            if line.value() != t:
                line.blockSignals(True)
                line.setValue(t)
                line.blockSignals(False)
        self.overview_cursor.setValue(t)
        self.cursor_label.setText(label)
        self._place_cursor_label()

    def _place_cursor_label(self) -> None:
        """The cursor's time in the top row, beside the line; hidden when the line is not in
        view (no fragment of it at the edges)."""
        t = self.cursor_t
        label = self.cursor_label
        if t is None or self.span is None or not label.toPlainText():
            label.hide()
            return
        lo, hi = self.visible_range()
        if not lo <= t <= hi:
            label.hide()
            return
        width = label.textItem.boundingRect().width()
        px = self.x_to_pixels(t)
        right = px + 4 + width <= float(self.p_volume.vb.width()) - 2
        label.setAnchor((0, 0) if right else (1, 0))
        x = self.pixels_to_x(px + 4 if right else px - 4)
        label.setPos(x, self.y_for_pixels_from_top(1))
        label.show()

    def cursor_label_rect(self):
        """The cursor label's rectangle in scene coordinates (None when hidden)."""
        if not self.cursor_label.isVisible():
            return None
        return self.cursor_label.mapRectToScene(self.cursor_label.boundingRect())

    def _cursor_dragged(self, line: pg.InfiniteLine) -> None:
        self.cursor_moved.emit(float(line.value()), True)

    def _cursor_released(self, line: pg.InfiniteLine) -> None:
        self.cursor_moved.emit(float(line.value()), False)

    def _clicked(self, event) -> None:
        if self.span is None:
            return
        if event.button() != Qt.MouseButton.LeftButton or (event.isAccepted() and event.double()):
            return
        pos: QPointF = event.scenePos()
        for p in self.plots:
            if p.vb.sceneBoundingRect().contains(pos):
                t = float(p.vb.mapSceneToView(pos).x())
                self.cursor_moved.emit(t, False)
                return

    # ---- drawing the series ---------------------------------------------------------------------
    def _place_reach_note(self) -> None:
        if not self.reach_note.toPlainText():
            self.reach_note.hide()
            return
        (x0, x1), (y0, y1) = self.p_reach.vb.viewRange()
        heights = self.exposure_bars.opts.get("height")
        full = heights is not None and not np.any(heights)
        self.reach_note.setAnchor((0.5, 0.5) if full else (0.5, 0))
        self.reach_note.setPos((x0 + x1) / 2, (y0 + y1) / 2 if full else y1)
        self.reach_note.show()

    def _clear_series(self) -> None:
        for bar in (*self.volume_bars.values(), self.neg_bars, self.pos_bars, self.exposure_bars):
            bar.setOpts(x=[], height=[], y0=0, brushes=None)
        for curve in (self.mean_curve, self.cumulative_curve, self.unique_curve):
            curve.setData([], [])
        self.reach_note.setText("")
        self.reach_note.hide()
        if hasattr(self, "calibrated_bands"):
            self._draw_calibrated()

    def set_series(self, s: Series) -> None:
        self.series = s
        self.p_volume.setLabel("left", f"Posts per {per_bin(s.bin_seconds)}")
        n = len(s.t)
        if n == 0:
            self._clear_series()
            return
        x = s.t + s.bin_seconds / 2.0
        width = s.bin_seconds * 0.86
        base = np.zeros(n)
        for kind in KINDS:
            h = s.volume[kind].astype(float)
            self.volume_bars[kind].setOpts(x=x, height=h, y0=base.copy(), width=width)
            base += h
        self._top = float(base.max()) if n else 1.0
        self._apply_volume_range()

        # a bin resting on few posts is drawn faint: 3 posts must not look like 3,000
        scored = s.scored.astype(float)
        strength = np.clip(np.log10(scored + 1) / math.log10(max(10.0, scored.max() + 1)), 0.0, 1.0)
        alpha = (40 + 200 * strength).astype(int)
        neg = np.nan_to_num(s.neg_share)
        pos = np.nan_to_num(s.pos_share)
        self.neg_bars.setOpts(
            x=x,
            height=-neg,
            y0=0,
            width=width,
            brushes=[pg.mkBrush(NEGATIVE.red(), NEGATIVE.green(), NEGATIVE.blue(), a) for a in alpha],
        )
        self.pos_bars.setOpts(
            x=x,
            height=pos,
            y0=0,
            width=width,
            brushes=[pg.mkBrush(POSITIVE.red(), POSITIVE.green(), POSITIVE.blue(), a) for a in alpha],
        )
        self.mean_curve.setData(x, s.mean_compound.astype(float))
        self._draw_calibrated()

        exposure = s.exposure.astype(float)
        unknown = int(s.unknown_reach.sum())
        no_reach = bool(unknown) and not exposure.any()
        # no scale to read where there is nothing to measure (a 0 to 1 axis would be read as zero)
        self.p_reach.getAxis("left").setStyle(showValues=not no_reach)
        self.p_reach.getAxis("right").setStyle(showValues=not no_reach)
        if no_reach:
            self.reach_note.setText(
                "Reach unknown: this archive gives no follower counts for the posts in view"
            )
        elif unknown:
            share = unknown / max(1, int(s.total.sum()))
            self.reach_note.setText(f"{share:.0%} of the posts in view have no follower count: left out")
        else:
            self.reach_note.setText("")
        self._place_reach_note()
        self.exposure_bars.setOpts(x=x, height=exposure, y0=0, width=width)
        self.p_reach.setYRange(0, max(1.0, float(exposure.max())) * 1.15, padding=0)
        self.cumulative_curve.setData(x, s.cumulative_exposure.astype(float))
        self.unique_curve.setData(x, s.cumulative_unique.astype(float))
        top_cum = max(float(s.cumulative_exposure.max()), float(s.cumulative_unique.max()), 1.0)
        self.cumulative_box.setYRange(0, top_cum * 1.1, padding=0)
        self._sync_cumulative_geometry()

    def data_top_scene_y(self) -> float | None:
        """The scene y of the top of the tallest bar in view (for tests and label placing)."""
        s = self.series
        if s is None or not len(s.t):
            return None
        lo, hi = self.visible_range()
        total = sum(s.volume[k].astype(float) for k in KINDS)
        inside = (s.t + s.bin_seconds >= lo) & (s.t <= hi)
        if not inside.any():
            return None
        top = float(total[inside].max())
        return float(self.p_volume.vb.mapViewToScene(QPointF(lo, top)).y())
