"""Saved views: a named filter, time range and cursor, kept in the workspace. Double-click one
(or Apply) to go back to it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from app.core.saved_views import SavedView
from app.ui import plain
from app.ui.timeline.time_axis import format_range


class ViewsPanel(QWidget):
    apply_requested = Signal(object)  # SavedView
    save_requested = Signal()
    rename_requested = Signal(str)
    delete_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.views: list[SavedView] = []
        self.zone = "UTC"
        self.status = plain.label(
            "Save the filter, the time range and the cursor as they are now, to come back to them in one click.",
            wrap=True,
        )
        self.list = QListWidget()
        self.list.setObjectName("saved-views")
        self.list.itemDoubleClicked.connect(self._apply)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.save = QPushButton("Save this view…")
        self.save.setToolTip("Keep the filter, time range and cursor under a name (Ctrl+D)")
        self.apply = QPushButton("Apply")
        self.rename = QPushButton("Rename…")
        self.delete = QPushButton("Delete")
        self.save.clicked.connect(self.save_requested)
        self.apply.clicked.connect(lambda: self._apply(self.list.currentItem()))
        self.rename.clicked.connect(lambda: self._emit_name(self.rename_requested))
        self.delete.clicked.connect(lambda: self._emit_name(self.delete_requested))
        buttons = QHBoxLayout()
        buttons.addWidget(self.save)
        buttons.addStretch(1)
        for b in (self.apply, self.rename, self.delete):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def set_zone(self, zone: str) -> None:
        self.zone = zone
        self.set_views(self.views)

    def set_views(self, views: list[SavedView]) -> None:
        self.views = list(views)
        self.list.clear()
        for v in self.views:
            try:
                ZoneInfo(self.zone)
                when = format_range(v.start, v.end, self.zone)
            except Exception:  # noqa: BLE001 - a view is listed whatever its times
                when = ""
            what = v.filter.describe() or "no filter"
            item = QListWidgetItem(f"{v.name}\n    {when} · {what}")
            item.setData(Qt.ItemDataRole.UserRole, v.name)
            item.setToolTip(
                plain.tooltip(f"This view's filter cannot be read: {v.problem}" if v.problem else what)
            )
            if v.problem:
                item.setForeground(Qt.GlobalColor.gray)
            self.list.addItem(item)
        self._update_buttons()

    def _view(self, item) -> SavedView | None:
        if item is None:
            return None
        name = item.data(Qt.ItemDataRole.UserRole)
        return next((v for v in self.views if v.name == name), None)

    def _apply(self, item) -> None:
        v = self._view(item)
        if v is not None:
            self.apply_requested.emit(v)

    def _emit_name(self, signal) -> None:
        v = self._view(self.list.currentItem())
        if v is not None:
            signal.emit(v.name)

    def _update_buttons(self) -> None:
        some = self.list.currentItem() is not None
        for b in (self.apply, self.rename, self.delete):
            b.setEnabled(some)
