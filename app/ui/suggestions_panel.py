"""Suggested turning points: the app's candidates with their evidence, to accept or dismiss.

The list can be narrowed to one kind and a minimum strength, and sorted by time, kind or
strength (oldest first to begin with). The evidence is written out in words: figures with
their units, times in the incident's zone, and the posts themselves (fetched by the window),
never raw keys and ids.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui import plain
from app.ui.timeline.time_axis import format_duration
from app.ui.widgets import SortKeyItem, WheelSafeComboBox, WheelSafeDoubleSpinBox

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
HEADERS = ("Time", "Kind", "What", "Strength")

# evidence keys that are bookkeeping, not evidence a reader weighs
_SKIP = {
    "subject",
    "post_ids",
    "accounts",
    "suggestion_key",
    "kind",
    "explanation",
    "score",
    "rule",
    "latency_from",
    "attached_posts",
}
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z?$")
_WORDS = {
    "rate_before_per_hour": "posts per hour before",
    "rate_after_per_hour": "posts per hour after",
    "posts_first_bin": "posts in the first bin",
    "negative_share": "negative share",
    "baseline_negative_share": "usual negative share",
    "baseline_posts_per_window": "usual posts per window",
    "z": "strength (standard deviations)",
    "peak_bin": "peak bin starts",
    "peak_time": "peak at",
    "lead_seconds": "warning ahead of the peak",
    "latency_seconds": "after the press pickup",
    "since_escalation_seconds": "after the escalation began",
    "escalation_time": "escalation began",
    "before_from": "compared with the period from",
    "after_to": "until",
    "bin_seconds": "bin",
    "window_seconds": "window",
}


def _local(t: float, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(t, timezone.utc).astimezone(zone).strftime("%a %d %b %H:%M %Z")


def evidence_lines(evidence: dict | None, zone: ZoneInfo) -> list[str]:
    """A suggestion's figures in words, one per line."""
    out = []
    for key, value in (evidence or {}).items():
        if key in _SKIP or value is None or isinstance(value, (dict, list, tuple)):
            continue
        name = _WORDS.get(key, key.replace("_", " "))
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, (int, float)) or hasattr(value, "item"):
            v = float(value)
            if not math.isfinite(v):
                continue
            if key.endswith("_seconds"):
                text = format_duration(abs(v))
            elif "share" in key and 0 <= v <= 1:
                text = f"{v:.0%}"
            elif key == "ratio":
                text = f"×{v:.2f}"
            elif v.is_integer():
                text = f"{int(v):,}"
            else:
                text = f"{v:,.2f}"
        else:
            text = str(value)
            if _ISO.match(text):
                t = datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
                text = _local(t, zone)
            elif len(text) > 90:
                text = text[:89] + "…"
        out.append(f"{name[:1].upper()}{name[1:]}: {text}")
    return out


class SuggestionsPanel(QWidget):
    accept_requested = Signal(object)  # Suggestion
    dismiss_requested = Signal(object)
    restore_requested = Signal(object)
    jump_to = Signal(float)
    show_dismissed_changed = Signal(bool)
    #: the suggestion shown changed: the window fetches its posts (platform, ids)
    posts_wanted = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.suggestions: list = []
        self.dismissed: set[str] = set()
        self.accepted: set[str] = set()
        self.zone = ZoneInfo("UTC")
        self.status = plain.label("Suggestions appear once the workspace is analysed.", wrap=True)
        self.kind = WheelSafeComboBox()
        self.kind.setObjectName("suggestion-kind")
        self.kind.addItem("Every kind", "")
        for k, name in KIND_NAMES.items():
            self.kind.addItem(name, k)
        self.min_score = WheelSafeDoubleSpinBox()
        self.min_score.setObjectName("suggestion-min-score")
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.1)
        self.min_score.setDecimals(2)
        self.min_score.setPrefix("Strength ≥ ")
        self.min_score.setToolTip("Only suggestions at least this strong (0 to 1)")
        self.show_dismissed = QCheckBox("Show dismissed")
        self.kind.currentIndexChanged.connect(self._fill)
        self.min_score.valueChanged.connect(self._fill)
        self.show_dismissed.toggled.connect(lambda on: (self._fill(), self.show_dismissed_changed.emit(on)))
        filters = QHBoxLayout()
        filters.addWidget(self.kind)
        filters.addWidget(self.min_score)
        filters.addStretch(1)
        filters.addWidget(self.show_dismissed)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("suggestions")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.currentCellChanged.connect(lambda *_: self._show())
        self.evidence = QPlainTextEdit()
        self.evidence.setObjectName("suggestion-evidence")
        self.evidence.setReadOnly(True)
        self.accept_button = QPushButton("Accept as turning point")
        self.dismiss_button = QPushButton("Dismiss")
        self.accept_button.clicked.connect(lambda: self._emit(self.accept_requested))
        self.dismiss_button.clicked.connect(self._dismiss_or_restore)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.evidence)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self._rows: list = []
        self._posts_text: dict[str, str] = {}
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

    def tip(self, s) -> str:
        """What a marker on the plot says of a suggestion (plain words)."""
        return f"{KIND_NAMES.get(s.kind, s.kind)}, {self._local(s.time)}: {s.label}"

    def _fill(self) -> None:
        current = self.current()
        show_all = self.show_dismissed.isChecked()
        kind, floor = self.kind.currentData() or "", self.min_score.value()
        rows = [
            s
            for s in self.suggestions
            if s.key() not in self.accepted
            and (show_all or s.key() not in self.dismissed)
            and (not kind or s.kind == kind)
            and s.score >= floor - 1e-9
        ]
        self._rows = rows
        header = self.table.horizontalHeader()
        column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for i, s in enumerate(rows):
            dismissed = s.key() in self.dismissed
            cells = (
                (self._local(s.time), s.time),
                (KIND_NAMES.get(s.kind, s.kind), None),
                (s.label, None),
                (f"{s.score:.2f}", float(s.score)),
            )
            for col, (text, sort_key) in enumerate(cells):
                item = SortKeyItem(text)
                item.setData(Qt.ItemDataRole.UserRole, i)
                if sort_key is not None:
                    item.setData(Qt.ItemDataRole.UserRole + 1, sort_key)
                if col == 2:
                    item.setToolTip(plain.tooltip(s.label))
                if dismissed:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(i, col, item)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(column, order)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        n_pending = len(self.pending())
        shown = f" Showing {len(rows)}." if (kind or floor > 0) else ""
        self.status.setText(
            f"{n_pending} suggested turning points to review ({len(self.accepted)} accepted, "
            f"{len(self.dismissed)} dismissed).{shown}"
            if self.suggestions
            else "No turning points were found."
        )
        if current is not None:
            self.select_key(current.key())
        self._show()

    def _suggestion_at(self, table_row: int):
        item = self.table.item(table_row, 0)
        if item is None:
            return None
        i = item.data(Qt.ItemDataRole.UserRole)
        return self._rows[i] if i is not None and 0 <= i < len(self._rows) else None

    def current(self):
        row = self.table.currentRow()
        return self._suggestion_at(row) if row >= 0 else None

    def select_key(self, key: str) -> None:
        for row in range(self.table.rowCount()):
            s = self._suggestion_at(row)
            if s is not None and s.key() == key:
                self.table.selectRow(row)
                return

    def set_posts_text(self, key: str, text: str) -> None:
        """The posts of a suggestion, written out by the window once fetched."""
        self._posts_text[key] = text
        s = self.current()
        if s is not None and s.key() == key:
            self._show(jump=False)

    def _show(self, jump: bool = True) -> None:
        s = self.current()
        self._update_buttons()
        if s is None:
            self.evidence.setPlainText("")
            return
        if jump:
            self.jump_to.emit(s.time)
        lines = [s.label, "", s.explanation, ""]
        lines += evidence_lines(s.evidence, self.zone)
        accounts = list((s.evidence or {}).get("accounts") or [])
        if accounts:
            lines.append(
                "Accounts: "
                + ", ".join("@" + str(a) for a in accounts[:12])
                + (" …" if len(accounts) > 12 else "")
            )
        if s.key() in self._posts_text:
            if self._posts_text[s.key()]:
                lines += ["", "Posts:", self._posts_text[s.key()]]
        elif (s.evidence or {}).get("post_ids"):
            self._posts_text[s.key()] = ""  # asked once
            self.posts_wanted.emit(s)
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
