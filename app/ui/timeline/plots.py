"""The timeline widget: an overview strip of the whole incident and three linked detail plots.

The overview shows the whole incident's volume with a draggable range that sets what the
detail plots show, and follows when the user zooms or pans them. The detail plots (volume by
kind, sentiment, reach) share one time axis and one cursor. The widget only draws: when the
view settles it emits :attr:`TimelineView.range_settled` and the window fetches new series.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from app.core.metrics import KINDS, Series
from app.core.sentiment.figures import CalibratedSeries
from app.ui.timeline.time_axis import CompactAxis, ZonedDateAxis

KIND_COLOURS = {"post": "#3b6fb6", "reply": "#4f9d69", "quote": "#8e6bbf", "retweet": "#e08a2e"}
KIND_LABELS = {"post": "Original posts", "reply": "Replies", "quote": "Quotes", "retweet": "Retweets"}
NEGATIVE = QColor("#c8453b")
POSITIVE = QColor("#3f8f5a")
MEAN = QColor("#1f2d3d")
# the calibrated shares: darker than VADER's bars, over a grey band of their interval
CALIBRATED_NEGATIVE = QColor("#7a1f17")
CALIBRATED_POSITIVE = QColor("#1f5a33")
BAND = QColor(60, 60, 60, 70)
#: bins with fewer scored posts get no calibrated point (their interval spans the plot)
CALIBRATED_MIN_POSTS = 10
EXPOSURE = QColor("#5b8bd0")
CUMULATIVE = QColor("#d06b2c")
UNIQUE = QColor("#7a4fa3")
CURSOR = QColor("#d62f6f")
AXIS_WIDTH = 72
SETTLE_MS = 180


def dark_palette() -> bool:
    app = QApplication.instance()
    if app is None:
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def _pen(colour: QColor | str, width: float = 1.5, style=Qt.PenStyle.SolidLine):
    pen = pg.mkPen(colour, width=width)
    pen.setStyle(style)
    pen.setCosmetic(True)
    return pen


def _key(plot: pg.PlotItem, entries: list[tuple[str, str, str]]) -> None:
    """A one-line key above a plot, where it never covers the data (our own fixed words)."""
    parts = []
    for colour, mark, label in entries:
        swatch = f'<span style="color:{colour}; font-size:12pt">{mark}</span> ' if mark else ""
        parts.append(f'{swatch}<span style="font-size:9pt">{label}</span>')
    plot.setTitle("&nbsp;&nbsp;&nbsp;".join(parts), justify="left")


class TimelineView(QWidget):
    #: the detail view stopped moving: (start, end, plot width in pixels)
    range_settled = Signal(float, float, int)
    #: the user put the cursor somewhere (drag, click)
    cursor_moved = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = "UTC"
        self.series: Series | None = None
        self.span: tuple[float, float] | None = None
        self.cursor_t: float | None = None
        self._syncing = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)

        # ---- overview strip --------------------------------------------------------------
        self.overview_axis = ZonedDateAxis(orientation="bottom")
        self.overview = pg.PlotWidget(axisItems={"bottom": self.overview_axis})
        self.overview.setObjectName("overview")
        self.overview.setFixedHeight(112)
        self.overview.setMouseEnabled(x=False, y=False)
        self.overview.hideButtons()
        self.overview.setMenuEnabled(False)
        self.overview.getAxis("left").setWidth(AXIS_WIDTH)
        self.overview.getAxis("left").setStyle(showValues=False)
        self.overview.setLabel("left", "Whole incident")
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
        self.axis = ZonedDateAxis(orientation="bottom")
        self.p_volume = self.detail.addPlot(row=0, col=0)
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
        for p in (self.p_sentiment, self.p_reach):
            p.setXLink(self.p_volume)
        for p in (self.p_volume, self.p_sentiment):
            p.getAxis("bottom").setStyle(showValues=False)
            p.getAxis("bottom").setHeight(4)
        self.p_volume.setLabel("left", "Posts per bin")
        self.p_sentiment.setLabel("left", "Sentiment")
        self.p_reach.setLabel("left", "Exposure (people)")
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
        _key(self.p_volume, [(KIND_COLOURS[k], "■", KIND_LABELS[k]) for k in KINDS])

        # sentiment: share negative below zero, share positive above, mean compound line
        self.neg_bars = pg.BarGraphItem(
            x=[], height=[], width=1, brush=pg.mkBrush(NEGATIVE), pen=pg.mkPen(None)
        )
        self.pos_bars = pg.BarGraphItem(
            x=[], height=[], width=1, brush=pg.mkBrush(POSITIVE), pen=pg.mkPen(None)
        )
        self.mean_curve = pg.PlotDataItem(pen=_pen(MEAN, 2), connect="finite")
        self.p_sentiment.addItem(self.neg_bars)
        self.p_sentiment.addItem(self.pos_bars)
        self.p_sentiment.addItem(self.mean_curve)
        self.p_sentiment.addItem(pg.InfiniteLine(pos=0, angle=0, pen=_pen("#88888888", 1)))
        self._build_calibrated()
        self.set_calibrated(None, "")

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
        right.setLabel("Cumulative (people)")
        self.cumulative_box.setXLink(self.p_reach)
        self.cumulative_curve = pg.PlotDataItem(pen=_pen(CUMULATIVE, 2))
        self.unique_curve = pg.PlotDataItem(pen=_pen(UNIQUE, 2, Qt.PenStyle.DashLine))
        self.cumulative_box.addItem(self.cumulative_curve)
        self.cumulative_box.addItem(self.unique_curve)
        _key(
            self.p_reach,
            [
                (EXPOSURE.name(), "■", "Exposure per bin (left)"),
                (CUMULATIVE.name(), "━", "Cumulative exposure (right)"),
                (UNIQUE.name(), "╌", "Cumulative unique audience (right)"),
            ],
        )
        self.p_reach.vb.sigResized.connect(self._sync_cumulative_geometry)

        # the cursor, one line per plot, moved together
        self.cursor_lines: list[pg.InfiniteLine] = []
        for p in self.plots:
            line = pg.InfiniteLine(angle=90, movable=True, pen=_pen(CURSOR, 2), hoverPen=_pen(CURSOR, 4))
            line.setZValue(20)
            line.sigDragged.connect(self._cursor_dragged)
            p.addItem(line, ignoreBounds=True)
            self.cursor_lines.append(line)
        self.cursor_label = pg.InfLineLabel(
            self.cursor_lines[0],
            text="",
            position=0.9,
            anchors=[(0, 0), (0, 0)],
            color=CURSOR,
            fill=pg.mkBrush(255, 255, 255, 210) if not dark_palette() else pg.mkBrush(30, 30, 30, 210),
        )
        self.detail.scene().sigMouseClicked.connect(self._clicked)

        self.p_volume.sigXRangeChanged.connect(self._detail_range_changed)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._emit_settled)
        layout.addWidget(self.detail, 1)

    # ---- the calibrated shares -------------------------------------------------------------------
    def _build_calibrated(self) -> None:
        """The shares corrected by the team's labels: a line per side (negative down,
        positive up) through the bins, over a band of its 95% interval."""
        self.calibrated = None
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

    def set_calibrated(
        self, calibrated: CalibratedSeries | None, note: str, tooltip: str = "", labels: int = 0
    ) -> None:
        """Draw the calibrated shares of the series on show (``calibrated`` has its arrays),
        or none: then ``note`` says why, in the tooltip, and the key how many posts are
        labelled (``labels``); ``tooltip`` is the plot's tooltip."""
        self.calibrated = calibrated
        entries = [
            (MEAN.name(), "━", "Mean (−1 … +1)"),
            (NEGATIVE.name(), "■", "Negative, VADER (down)"),
            (POSITIVE.name(), "■", "Positive, VADER (up)"),
        ]
        if calibrated is not None:
            entries.append(
                (
                    CALIBRATED_NEGATIVE.name(),
                    "━●",
                    f"Calibrated on {calibrated.labels:,} labels (band 95%)",
                )
            )
        else:
            # the key stays one short line (a long one would widen the plot): the reason
            # goes to the tooltip
            entries.append(("#999999", "", f"Not calibrated ({labels:,} label{'s' if labels != 1 else ''})"))
            entries.append(("#999999", "", "faint = few posts"))
            if note:
                tooltip = f"Not calibrated: {note}.\n\n{tooltip}"
        _key(self.p_sentiment, entries)
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
        self._settle.start()

    def _region_moved(self) -> None:
        if self._syncing:
            return
        lo, hi = self.region.getRegion()
        self._syncing = True
        self.p_volume.setXRange(lo, hi, padding=0)
        self._syncing = False
        self._settle.start()

    def _emit_settled(self) -> None:
        lo, hi = self.visible_range()
        self.range_settled.emit(lo, hi, self.plot_width())

    def _sync_cumulative_geometry(self) -> None:
        self.cumulative_box.setGeometry(self.p_reach.vb.sceneBoundingRect())
        self.cumulative_box.linkedViewChanged(self.p_reach.vb, self.cumulative_box.XAxis)

    # ---- the cursor ---------------------------------------------------------------------------
    def set_cursor(self, t: float, label: str = "") -> None:
        self.cursor_t = t
        for line in self.cursor_lines:
            if line.value() != t:
                line.blockSignals(True)
                line.setValue(t)
                line.blockSignals(False)
        self.overview_cursor.setValue(t)
        self.cursor_label.setText(label)

    def _cursor_dragged(self, line: pg.InfiniteLine) -> None:
        t = float(line.value())
        self.cursor_moved.emit(t)

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or (event.isAccepted() and event.double()):
            return
        pos: QPointF = event.scenePos()
        for p in self.plots:
            if p.vb.sceneBoundingRect().contains(pos):
                t = float(p.vb.mapSceneToView(pos).x())
                self.cursor_moved.emit(t)
                return

    # ---- drawing the series ---------------------------------------------------------------------
    def set_series(self, s: Series) -> None:
        self.series = s
        n = len(s.t)
        if n == 0:
            for bar in (*self.volume_bars.values(), self.neg_bars, self.pos_bars, self.exposure_bars):
                bar.setOpts(x=[], height=[], y0=0)
            for curve in (self.mean_curve, self.cumulative_curve, self.unique_curve):
                curve.setData([], [])
            self._draw_calibrated()
            return
        x = s.t + s.bin_seconds / 2.0
        width = s.bin_seconds * 0.86
        base = np.zeros(n)
        for kind in KINDS:
            h = s.volume[kind].astype(float)
            self.volume_bars[kind].setOpts(x=x, height=h, y0=base.copy(), width=width)
            base += h
        top = float(base.max()) if n else 1.0
        self.p_volume.setYRange(0, max(1.0, top) * 1.15, padding=0)

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
        self.exposure_bars.setOpts(x=x, height=exposure, y0=0, width=width)
        self.p_reach.setYRange(0, max(1.0, float(exposure.max())) * 1.15, padding=0)
        self.cumulative_curve.setData(x, s.cumulative_exposure.astype(float))
        self.unique_curve.setData(x, s.cumulative_unique.astype(float))
        top_cum = max(float(s.cumulative_exposure.max()), float(s.cumulative_unique.max()), 1.0)
        self.cumulative_box.setYRange(0, top_cum * 1.1, padding=0)
        self._sync_cumulative_geometry()
