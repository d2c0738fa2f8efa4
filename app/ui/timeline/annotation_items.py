"""Turning points drawn on the timeline: a line (a moment) or a shaded band (a stretch of time)
on every plot, named at the top of the volume plot, double-click to edit.

A turning point written by hand can be dragged to adjust it. One accepted from a suggestion
is anchored to its evidence (a post, a change in the series) and does not move with a stray
drag: change its time in its dialog if it must.

Names are laid out in rows above the data, never over each other or over the cursor's time
(which has the top row to itself, with the suggestions' markers): each name goes in the first
row where it fits; a name that would run off the right edge is written to the left of its
line; one that fits nowhere is shortened, and left out (its line keeps its tooltip) if even
that does not fit. A turning point scrolled out of view shows no name at all. The rows in use
decide how much room the volume plot keeps free at its top (``TimelineView.set_headroom``).

Also the pending suggestions, as small markers along the top of the volume plot, and the
moment the early-warning rule would have fired.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor

from app.core.annotations import Annotation
from app.ui import plain
from app.ui.timeline.plots import LABEL_ROW_PX, TimelineView

#: rows of names below the cursor's row; beyond, names are shortened or left out
MAX_ROWS = 4
GAP_PX = 8


def _qcolor(hex_colour: str, alpha: int = 255) -> QColor:
    c = QColor(hex_colour or "#d62f6f")
    c.setAlpha(alpha)
    return c


def anchored(a: Annotation) -> bool:
    """Whether a turning point is tied to its evidence (accepted from a suggestion)."""
    return a.origin == "suggested"


class _Clickable:
    """A click selects the turning point, a double-click opens it for editing."""

    def __init__(self, layer: AnnotationLayer, ann_id: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self._layer, self._id = layer, ann_id

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            (self._layer.activated if ev.double() else self._layer.selected).emit(self._id)
            return
        super().mouseClickEvent(ev)


class _Line(_Clickable, pg.InfiniteLine):
    pass


class _Band(_Clickable, pg.LinearRegionItem):
    pass


class AnnotationLayer(QObject):
    """Keeps the drawn items in step with a list of annotations."""

    #: the user dragged a turning point: (id, new start, new end or None)
    moved = Signal(int, float, object)
    #: double-click: edit it
    activated = Signal(int)
    #: single click: select it (and move the cursor there)
    selected = Signal(int)
    #: a suggestion marker was clicked: its key
    suggestion_clicked = Signal(str)

    def __init__(self, timeline: TimelineView) -> None:
        super().__init__()
        self.timeline = timeline
        self.plots = list(timeline.plots)
        self.overview = timeline.overview.getPlotItem()
        self.label_plot = timeline.p_volume
        self._items: dict[int, list] = {}
        self._labels: dict[int, pg.TextItem] = {}
        self._annotations: dict[int, Annotation] = {}
        self._fill = QColor(timeline.colours.label_fill)
        self._tips: dict[str, str] = {}
        self._suggestions: list = []
        self._colours: dict[str, str] = {}
        self._laying_out = False
        self._row_px = float(LABEL_ROW_PX)
        self.suggestion_marks = pg.ScatterPlotItem(
            size=11, symbol="t", pen=pg.mkPen("#555555"), hoverable=True, tip=self._marker_tip
        )
        self.suggestion_marks.setZValue(25)
        self.suggestion_marks.sigClicked.connect(self._marker_clicked)
        self.label_plot.addItem(self.suggestion_marks, ignoreBounds=True)
        self.alert_line = pg.InfiniteLine(
            angle=90,
            movable=False,
            pen=pg.mkPen("#b8860b", width=2, style=Qt.PenStyle.DotLine),
            label="early warning",
            labelOpts={"position": 0.12, "color": "#b8860b"},
        )
        self.alert_line.setVisible(False)
        self.plots[1].addItem(self.alert_line, ignoreBounds=True)
        timeline.layout_changed.connect(self.relayout_labels)

    # ---- annotations ------------------------------------------------------------------------
    def set_annotations(self, annotations: list[Annotation]) -> None:
        for ann_id in list(self._items):
            self._remove(ann_id)
        self._annotations = {a.id: a for a in annotations if a.id is not None}
        for a in self._annotations.values():
            self._add(a)
        self.relayout_labels()

    def set_label_fill(self, colour: QColor) -> None:
        self._fill = QColor(colour)
        for label in self._labels.values():
            label.fill = pg.mkBrush(self._fill)
            label.update()

    def _remove(self, ann_id: int) -> None:
        for plot, item in self._items.pop(ann_id, []):
            plot.removeItem(item)
        label = self._labels.pop(ann_id, None)
        if label is not None:
            self.label_plot.removeItem(label)

    def _add(self, a: Annotation) -> None:
        items = []
        colour = a.colour or "#d62f6f"
        movable = not anchored(a)
        tip = plain.tooltip(
            a.label
            + (f"\n{a.note}" if a.note else "")
            + ("\n(accepted from a suggestion: anchored to its evidence)" if not movable else "")
        )
        for plot in self.plots:
            if a.ends_at is None:
                item = _Line(
                    self,
                    a.id,
                    pos=a.starts_at,
                    angle=90,
                    movable=movable,
                    pen=pg.mkPen(_qcolor(colour), width=2, style=Qt.PenStyle.DashLine),
                    hoverPen=pg.mkPen(_qcolor(colour), width=4),
                )
                item.sigPositionChanged.connect(lambda it, i=a.id: self._dragging(i, it))
                item.sigPositionChangeFinished.connect(lambda it, i=a.id: self._finished(i, it))
            else:
                item = _Band(
                    self,
                    a.id,
                    values=(a.starts_at, a.ends_at),
                    movable=movable,
                    brush=pg.mkBrush(_qcolor(colour, 45)),
                    hoverBrush=pg.mkBrush(_qcolor(colour, 80)),
                    pen=pg.mkPen(_qcolor(colour, 160)),
                )
                item.sigRegionChanged.connect(lambda it, i=a.id: self._dragging(i, it))
                item.sigRegionChangeFinished.connect(lambda it, i=a.id: self._finished(i, it))
            item.setZValue(15)
            item.setToolTip(tip)
            plot.addItem(item, ignoreBounds=True)
            items.append((plot, item))
        mark = pg.InfiniteLine(
            pos=a.starts_at, angle=90, movable=False, pen=pg.mkPen(_qcolor(colour), width=1)
        )
        self.overview.addItem(mark, ignoreBounds=True)
        items.append((self.overview, mark))
        self._items[a.id] = items
        # pyqtgraph's TextItem draws plain text (setPlainText): a name from the data stays text
        label = pg.TextItem(text=a.label, color=_qcolor(colour), anchor=(0, 0), fill=pg.mkBrush(self._fill))
        label.setToolTip(tip)
        label.setZValue(26)
        label.full_text = a.label
        self.label_plot.addItem(label, ignoreBounds=True)
        self._labels[a.id] = label

    def labels(self) -> dict[int, pg.TextItem]:
        return dict(self._labels)

    # ---- laying the names out ------------------------------------------------------------------
    def relayout_labels(self) -> None:
        """Place every name in the first row where it fits (see the module's docstring)."""
        if self._laying_out:
            return
        self._laying_out = True
        try:
            self._relayout()
        finally:
            self._laying_out = False

    def _relayout(self) -> None:
        tl = self.timeline
        vb = self.label_plot.vb
        width = float(vb.width())
        if width <= 0 or tl.span is None:
            for label in self._labels.values():
                label.hide()
            return
        lo, hi = tl.visible_range()
        self._row_px = self.row_height()
        # the names take at most the top half of the plot, the cursor's row included: the
        # data keeps the rest (a short plot has fewer rows, and more names shortened or left out)
        fits = int((float(vb.height()) * 0.5 - 6) // self._row_px) - 1
        rows: list[list[tuple[float, float]]] = [[] for _ in range(max(1, min(MAX_ROWS, fits)))]
        placed: list[tuple[pg.TextItem, int, float, bool]] = []
        order = sorted(self._annotations.values(), key=lambda a: (a.starts_at, a.id))
        for a in order:
            label = self._labels.get(a.id)
            if label is None:
                continue
            if not lo <= a.starts_at <= hi:
                label.hide()  # scrolled out: no fragment of its name at the edge
                continue
            px = tl.x_to_pixels(a.starts_at)
            spot = self._find_spot(label, a.label, px, width, rows)
            if spot is None:
                label.hide()
                continue
            row, left, right, to_right = spot
            rows[row].append((left, right))
            placed.append((label, row, px, to_right))
        used = 1 + max((row + 1 for _, row, _, _ in placed), default=0)
        tl.set_headroom(used * self._row_px + 4)
        # the y range may have changed with the headroom: positions are taken after it
        for label, row, px, to_right in placed:
            label.setAnchor((0, 0) if to_right else (1, 0))
            x = tl.pixels_to_x(px + 3 if to_right else px - 3)
            label.setPos(x, tl.y_for_pixels_from_top((row + 1) * self._row_px + 2))
            label.show()
        self._place_markers()

    def row_height(self) -> float:
        """A row of names is as tall as a name's box (the font decides), the cursor's too."""
        boxes = [self.timeline.cursor_label, *self._labels.values()]
        return max(float(LABEL_ROW_PX), *(b.boundingRect().height() + 1 for b in boxes))

    def _find_spot(self, label: pg.TextItem, text: str, px: float, width: float, rows) -> tuple | None:
        """(row, left, right, written to the right of the line) for the longest form of the
        name that fits, shortening it if need be; None if nothing fits."""
        candidates = [text]
        for keep in (32, 20, 12):
            if len(text) > keep:
                candidates.append(text[: keep - 1].rstrip() + "…")
        for shown in candidates:
            label.setText(shown)
            w = label.textItem.boundingRect().width()
            sides = [(px + 3, px + 3 + w, True), (px - 3 - w, px - 3, False)]
            # to the right of the line unless it would run off the plot
            if sides[0][1] > width - 2:
                sides.reverse()
            for left, right, to_right in sides:
                if left < 0 or right > width:
                    continue
                for r, taken in enumerate(rows):
                    if all(right + GAP_PX <= a or left >= b + GAP_PX for a, b in taken):
                        return r, left, right, to_right
        label.setText(text)
        return None

    def label_rects(self) -> dict[int, QRectF]:
        """The visible names' rectangles in scene coordinates (for tests)."""
        return {
            i: label.mapRectToScene(label.boundingRect())
            for i, label in self._labels.items()
            if label.isVisible()
        }

    # ---- dragging -----------------------------------------------------------------------------
    def _positions(self, item) -> tuple[float, float | None]:
        if isinstance(item, pg.LinearRegionItem):
            lo, hi = item.getRegion()
            return float(lo), float(hi)
        return float(item.value()), None

    def _dragging(self, ann_id: int, source) -> None:
        start, end = self._positions(source)
        for _plot, item in self._items.get(ann_id, []):
            if item is source:
                continue
            item.blockSignals(True)
            if isinstance(item, pg.LinearRegionItem) and end is not None:
                item.setRegion((start, end))
            elif isinstance(item, pg.InfiniteLine):
                item.setValue(start)
            item.blockSignals(False)

    def _finished(self, ann_id: int, source) -> None:
        start, end = self._positions(source)
        a = self._annotations.get(ann_id)
        if a is None:
            return
        if anchored(a):
            self._put_back(a)  # should it ever move (a programmatic drag), it goes back
            return
        if abs(start - a.starts_at) < 0.5 and (
            end is None or a.ends_at is None or abs(end - a.ends_at) < 0.5
        ):
            return
        self.moved.emit(ann_id, start, end)

    def _put_back(self, a: Annotation) -> None:
        for _plot, item in self._items.get(a.id, []):
            item.blockSignals(True)
            if isinstance(item, pg.LinearRegionItem) and a.ends_at is not None:
                item.setRegion((a.starts_at, a.ends_at))
            elif isinstance(item, pg.InfiniteLine):
                item.setValue(a.starts_at)
            item.blockSignals(False)

    # ---- suggestions and the early warning -------------------------------------------------------
    def set_suggestions(
        self, suggestions: list, colours: dict[str, str], tips: dict[str, str] | None = None
    ) -> None:
        """Pending (not yet accepted or dismissed) suggestions as markers along the top."""
        self._suggestions = list(suggestions)
        self._colours = dict(colours)
        self._tips = dict(tips or {})
        self._place_markers()

    def _place_markers(self) -> None:
        if not self._suggestions or self.timeline.span is None:
            self.suggestion_marks.setData([])
            return
        y = self.timeline.y_for_pixels_from_top(self._row_px / 2)
        self.suggestion_marks.setData(
            [
                {
                    "pos": (s.time, y),
                    "data": s.key(),
                    "brush": pg.mkBrush(self._colours.get(s.kind, "#888888")),
                    "symbol": "t",
                }
                for s in self._suggestions
            ]
        )

    def _marker_tip(self, x=None, y=None, data=None, **_kwargs) -> str:
        return plain.tooltip(self._tips.get(data, "Suggested turning point") + "\n(click to review it)")

    def set_alert(self, t: float | None) -> None:
        self.alert_line.setVisible(t is not None)
        if t is not None:
            self.alert_line.setValue(t)

    def _marker_clicked(self, _item, points, _ev=None) -> None:
        if len(points):
            self.suggestion_clicked.emit(points[0].data())
