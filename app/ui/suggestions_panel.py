"""Suggested turning points: the app's candidates with their evidence, to accept or dismiss."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

KIND_NAMES = {
    "volume_change": "Volume change",
    "sentiment_shift": "Sentiment shift",
    "influencer_entry": "Influencer joins",
    "amplification": "Amplification",
    "press_pickup": "Press pickup",
    "brand_action": "Brand action",
    "peak": "Peak",
    "early_warning": "Early warning",
}
KIND_COLOURS = {
    "volume_change": "#e08a2e",
    "sentiment_shift": "#c8453b",
    "influencer_entry": "#7a4fa3",
    "amplification": "#d06b2c",
    "press_pickup": "#2f6db5",
    "brand_action": "#1f7a4d",
    "peak": "#a83232",
    "early_warning": "#b8860b",
}


class SuggestionsPanel(QWidget):
    accept_requested = Signal(object)  # Suggestion
    dismiss_requested = Signal(object)
    restore_requested = Signal(object)
    jump_to = Signal(float)
    show_dismissed_changed = Signal(bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.suggestions: list = []
        self.dismissed: set[str] = set()
        self.accepted: set[str] = set()
        self.zone = ZoneInfo("UTC")
        self.status = QLabel("Suggestions appear once the workspace is analysed.")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("suggestions")
        self.table.setHorizontalHeaderLabels(("Time", "Kind", "What", "Strength"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        self.evidence = QPlainTextEdit()
        self.evidence.setObjectName("suggestion-evidence")
        self.evidence.setReadOnly(True)
        self.accept_button = QPushButton("Accept as turning point")
        self.dismiss_button = QPushButton("Dismiss")
        self.show_dismissed = QCheckBox("Show dismissed")
        self.accept_button.clicked.connect(lambda: self._emit(self.accept_requested))
        self.dismiss_button.clicked.connect(self._dismiss_or_restore)
        self.show_dismissed.toggled.connect(lambda on: (self._fill(), self.show_dismissed_changed.emit(on)))
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_dismissed)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.evidence)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self._rows: list = []
        self._update_buttons()

    def set_zone(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self._fill()

    def set_suggestions(self, suggestions: list, dismissed: set[str], accepted: set[str]) -> None:
        self.suggestions, self.dismissed, self.accepted = list(suggestions), set(dismissed), set(accepted)
        self._fill()

    def pending(self) -> list:
        return [s for s in self.suggestions if s.key() not in self.dismissed and s.key() not in self.accepted]

    def _local(self, t: float) -> str:
        return datetime.fromtimestamp(t, timezone.utc).astimezone(self.zone).strftime("%a %d %b %H:%M")

    def _fill(self) -> None:
        show_all = self.show_dismissed.isChecked()
        rows = [
            s
            for s in self.suggestions
            if s.key() not in self.accepted and (show_all or s.key() not in self.dismissed)
        ]
        self._rows = rows
        self.table.setRowCount(len(rows))
        for i, s in enumerate(rows):
            dismissed = s.key() in self.dismissed
            cells = (self._local(s.time), KIND_NAMES.get(s.kind, s.kind), s.label, f"{s.score:.2f}")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if dismissed:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(i, col, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        n_pending = len(self.pending())
        self.status.setText(
            f"{n_pending} suggested turning points to review ({len(self.accepted)} accepted, "
            f"{len(self.dismissed)} dismissed)."
            if self.suggestions
            else "No turning points were found."
        )
        self._show(self.table.currentRow())

    def current(self):
        row = self.table.currentRow()
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def select_key(self, key: str) -> None:
        for i, s in enumerate(self._rows):
            if s.key() == key:
                self.table.selectRow(i)
                return

    def _show(self, row: int) -> None:
        s = self._rows[row] if 0 <= row < len(self._rows) else None
        self._update_buttons()
        if s is None:
            self.evidence.setPlainText("")
            return
        self.jump_to.emit(s.time)
        lines = [s.label, "", s.explanation, ""]
        ev = dict(s.evidence or {})
        accounts = ev.pop("accounts", [])
        post_ids = ev.pop("post_ids", [])
        for key, value in ev.items():
            lines.append(
                f"{key.replace('_', ' ')}: {value if isinstance(value, (int, float, str)) else json.dumps(value, ensure_ascii=False)}"
            )
        if accounts:
            lines.append(
                "Accounts: "
                + ", ".join("@" + a for a in accounts[:20])
                + (" …" if len(accounts) > 20 else "")
            )
        if post_ids:
            lines.append("Posts: " + ", ".join(post_ids[:20]) + (" …" if len(post_ids) > 20 else ""))
        self.evidence.setPlainText("\n".join(lines))

    def _update_buttons(self) -> None:
        s = self.current()
        self.accept_button.setEnabled(s is not None)
        self.dismiss_button.setEnabled(s is not None)
        self.dismiss_button.setText("Restore" if s is not None and s.key() in self.dismissed else "Dismiss")

    def _emit(self, signal) -> None:
        s = self.current()
        if s is not None:
            signal.emit(s)

    def _dismiss_or_restore(self) -> None:
        s = self.current()
        if s is None:
            return
        (self.restore_requested if s.key() in self.dismissed else self.dismiss_requested).emit(s)
