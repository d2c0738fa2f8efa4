"""Turning points drawn on the timeline: a line (a moment) or a shaded band (a stretch of time)
on every plot, labelled on the top one, draggable to adjust, double-click to edit.

Also the pending suggestions, as small markers along the top of the volume plot, and the
moment the early-warning rule would have fired.
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor

from app.core.annotations import Annotation


def _qcolor(hex_colour: str, alpha: int = 255) -> QColor:
    c = QColor(hex_colour or "#d62f6f")
    c.setAlpha(alpha)
    return c


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

    def __init__(self, plots: list[pg.PlotItem], overview: pg.PlotItem, label_plot: pg.PlotItem) -> None:
        super().__init__()
        self.plots = plots
        self.overview = overview
        self.label_plot = label_plot
        self._items: dict[int, list] = {}
        self._labels: dict[int, pg.TextItem] = {}
        self._annotations: dict[int, Annotation] = {}
        self.suggestion_marks = pg.ScatterPlotItem(
            size=11, symbol="t", pen=pg.mkPen("#555555"), hoverable=True
        )
        self.suggestion_marks.setZValue(25)
        self.suggestion_marks.sigClicked.connect(self._marker_clicked)
        label_plot.addItem(self.suggestion_marks, ignoreBounds=True)
        self.alert_line = pg.InfiniteLine(
            angle=90,
            movable=False,
            pen=pg.mkPen("#b8860b", width=2, style=Qt.PenStyle.DotLine),
            label="early warning",
            labelOpts={"position": 0.12, "color": "#b8860b"},
        )
        self.alert_line.setVisible(False)
        plots[1].addItem(self.alert_line, ignoreBounds=True)

    # ---- annotations ------------------------------------------------------------------------
    def set_annotations(self, annotations: list[Annotation]) -> None:
        for ann_id in list(self._items):
            self._remove(ann_id)
        self._annotations = {a.id: a for a in annotations if a.id is not None}
        for a in self._annotations.values():
            self._add(a)

    def _remove(self, ann_id: int) -> None:
        for plot, item in self._items.pop(ann_id, []):
            plot.removeItem(item)
        label = self._labels.pop(ann_id, None)
        if label is not None:
            self.label_plot.removeItem(label)

    def _add(self, a: Annotation) -> None:
        items = []
        colour = a.colour or "#d62f6f"
        for plot in self.plots:
            if a.ends_at is None:
                item = _Line(
                    self,
                    a.id,
                    pos=a.starts_at,
                    angle=90,
                    movable=True,
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
                    movable=True,
                    brush=pg.mkBrush(_qcolor(colour, 45)),
                    hoverBrush=pg.mkBrush(_qcolor(colour, 80)),
                    pen=pg.mkPen(_qcolor(colour, 160)),
                )
                item.sigRegionChanged.connect(lambda it, i=a.id: self._dragging(i, it))
                item.sigRegionChangeFinished.connect(lambda it, i=a.id: self._finished(i, it))
            item.setZValue(15)
            # Qt shows a tooltip that looks like markup as rich text: the label (which can hold
            # handles and text from the data) is escaped inside a paragraph of our own
            item.setToolTip(f"<p>{html.escape(a.label)}</p>")
            plot.addItem(item, ignoreBounds=True)
            items.append((plot, item))
        mark = pg.InfiniteLine(
            pos=a.starts_at, angle=90, movable=False, pen=pg.mkPen(_qcolor(colour), width=1)
        )
        self.overview.addItem(mark, ignoreBounds=True)
        items.append((self.overview, mark))
        self._items[a.id] = items
        label = pg.TextItem(
            text=a.label, color=_qcolor(colour), anchor=(0, 0), fill=pg.mkBrush(255, 255, 255, 190)
        )
        label.setZValue(26)
        self.label_plot.addItem(label, ignoreBounds=True)
        self._labels[a.id] = label
        self._place_label(a.id, a.starts_at)

    def _place_label(self, ann_id: int, x: float) -> None:
        label = self._labels.get(ann_id)
        if label is None:
            return
        top = self.label_plot.vb.viewRange()[1][1]
        # stagger labels so neighbours do not print over each other
        order = sorted(self._annotations, key=lambda i: self._annotations[i].starts_at)
        step = (top - self.label_plot.vb.viewRange()[1][0]) * 0.085
        level = order.index(ann_id) % 4 if ann_id in order else 0
        label.setPos(x, top - step * (level + 0.6))

    def relayout_labels(self) -> None:
        for ann_id, a in self._annotations.items():
            self._place_label(ann_id, a.starts_at)

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
        self._place_label(ann_id, start)

    def _finished(self, ann_id: int, source) -> None:
        start, end = self._positions(source)
        a = self._annotations.get(ann_id)
        if a is None:
            return
        if abs(start - a.starts_at) < 0.5 and (
            end is None or a.ends_at is None or abs(end - a.ends_at) < 0.5
        ):
            return
        self.moved.emit(ann_id, start, end)

    # ---- suggestions and the early warning -------------------------------------------------------
    def set_suggestions(self, suggestions: list, colours: dict[str, str]) -> None:
        """Pending (not yet accepted or dismissed) suggestions as markers along the top."""
        if not suggestions:
            self.suggestion_marks.setData([])
            return
        top = self.label_plot.vb.viewRange()[1][1]
        self.suggestion_marks.setData(
            [
                {
                    "pos": (s.time, top * 0.985),
                    "data": s.key(),
                    "brush": pg.mkBrush(colours.get(s.kind, "#888888")),
                    "symbol": "t",
                }
                for s in suggestions
            ]
        )

    def set_alert(self, t: float | None) -> None:
        self.alert_line.setVisible(t is not None)
        if t is not None:
            self.alert_line.setValue(t)

    def _marker_clicked(self, _item, points, _ev=None) -> None:
        if len(points):
            self.suggestion_clicked.emit(points[0].data())
