"""The list of turning points: sortable, a click moves the cursor there, a double-click edits."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.annotations import Annotation

HEADERS = ("Time", "Until", "Label", "Category", "Origin")


class _SortKeyItem(QTableWidgetItem):
    """Sorts by a hidden key (the time) rather than by the text shown."""

    def __lt__(self, other) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole + 1), other.data(Qt.ItemDataRole.UserRole + 1)
        if mine is not None and theirs is not None:
            return mine < theirs
        return super().__lt__(other)


class AnnotationsPanel(QWidget):
    jump_to = Signal(float)
    edit_requested = Signal(int)
    delete_requested = Signal(int)
    add_point_requested = Signal()
    add_range_requested = Signal()
    export_requested = Signal()
    import_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.annotations: list[Annotation] = []
        self.zone = ZoneInfo("UTC")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("annotations")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self._clicked)
        self.table.cellDoubleClicked.connect(lambda row, _c: self._emit_id(row, self.edit_requested))
        buttons = QHBoxLayout()
        self.add_point = QPushButton("Add at cursor")
        self.add_point.setToolTip("Mark a turning point at the cursor's time (M)")
        self.add_range = QPushButton("Add a stretch")
        self.add_range.setToolTip("Mark a stretch of time around the cursor; drag its edges to adjust")
        self.edit = QPushButton("Edit…")
        self.delete = QPushButton("Delete")
        self.export = QPushButton("Export…")
        self.import_ = QPushButton("Import…")
        for b in (self.add_point, self.add_range, self.edit, self.delete):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.export)
        buttons.addWidget(self.import_)
        self.add_point.clicked.connect(self.add_point_requested)
        self.add_range.clicked.connect(self.add_range_requested)
        self.edit.clicked.connect(lambda: self._emit_selected(self.edit_requested))
        self.delete.clicked.connect(lambda: self._emit_selected(self.delete_requested))
        self.export.clicked.connect(self.export_requested)
        self.import_.clicked.connect(self.import_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def set_zone(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.set_annotations(self.annotations)

    def _local(self, t: float | None) -> str:
        if t is None:
            return ""
        return datetime.fromtimestamp(t, timezone.utc).astimezone(self.zone).strftime("%a %d %b %H:%M")

    def set_annotations(self, annotations: list[Annotation]) -> None:
        selected = self.selected_id()
        self.annotations = list(annotations)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(annotations))
        for row, a in enumerate(annotations):
            cells = (
                self._local(a.starts_at),
                self._local(a.ends_at),
                a.label,
                a.category.capitalize(),
                "suggested" if a.origin == "suggested" else "by hand",
            )
            for col, text in enumerate(cells):
                item = _SortKeyItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.id)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole + 1, a.starts_at)
                    item.setForeground(QBrush(QColor(a.colour or "#d62f6f")))
                if col == 1 and a.ends_at is not None:
                    item.setData(Qt.ItemDataRole.UserRole + 1, a.ends_at)
                if col == 2 and a.note:
                    item.setToolTip("<qt>" + _escape(a.note) + "</qt>")
                self.table.setItem(row, col, item)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        if selected is not None:
            self.select(selected)

    def select(self, ann_id: int) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == ann_id:
                self.table.selectRow(row)
                return

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def _clicked(self, row: int, _col: int) -> None:
        ann_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        a = next((a for a in self.annotations if a.id == ann_id), None)
        if a is not None:
            self.jump_to.emit(a.starts_at)

    def _emit_id(self, row: int, signal) -> None:
        signal.emit(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))

    def _emit_selected(self, signal) -> None:
        ann_id = self.selected_id()
        if ann_id is not None:
            signal.emit(ann_id)


def _escape(text: str) -> str:
    import html

    return html.escape(text).replace("\n", "<br>")
