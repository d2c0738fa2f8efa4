"""Help in the window: the keyboard shortcut sheet (made from the window's own actions, so it is
never out of date) and a short tour of the window, shown once on the sample incident.

The tour is a small non-modal card that points at one part of the window after another; it
never blocks the window, and Help > Take the tour shows it again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui import plain

#: keys that act without a menu entry of their own, described in words
EXTRA_KEYS = (
    ("Timeline", "Mouse wheel over a plot", "Zoom in and out around the mouse"),
    ("Timeline", "Drag a plot", "Pan through time"),
    ("Timeline", "Click a plot", "Put the cursor there"),
    ("Timeline", "Double-click a turning point", "Edit it"),
    ("Posts", "Ctrl+click, Shift+click", "Select several posts"),
    ("Posts", "Right-click", "Star, tag, comment, attach to a turning point, filter by the author"),
)


def shortcut_rows(groups: list[tuple[str, list[QAction]]]) -> list[tuple[str, str, str]]:
    """(group, keys, what) for every action with a shortcut, then the mouse and extra keys."""
    rows = []
    for group, actions in groups:
        for a in actions:
            keys = ", ".join(
                s.toString(QKeySequence.SequenceFormat.NativeText) for s in a.shortcuts() if not s.isEmpty()
            )
            if keys:
                what = a.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")
                rows.append((group, keys, what))
    rows.extend(EXTRA_KEYS)
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, groups: list[tuple[str, list[QAction]]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 560)
        rows = shortcut_rows(groups)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcuts")
        self.table.setHorizontalHeaderLabels(("Where", "Keys", "What it does"))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain.label(
                "Keys that are letters (M, S, T, C, [ and ]) work anywhere but in a text box; "
                "the arrow keys step the cursor when the timeline has the focus.",
                wrap=True,
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)


class Tour(QFrame):
    """A card that walks through the window, one part at a time."""

    finished = Signal()

    def __init__(self, parent: QWidget, steps: list[tuple[Callable[[], QWidget | None], str, str]]) -> None:
        super().__init__(parent)
        self.setObjectName("tour")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "#tour { background-color: palette(window); border: 2px solid #d62f6f; border-radius: 6px; }"
        )
        self.steps = steps
        self.index = 0
        self.title = plain.label("")
        f = self.title.font()
        f.setBold(True)
        self.title.setFont(f)
        self.text = plain.label("", wrap=True)
        self.counter = plain.label("")
        self.back = QPushButton("Back")
        self.next = QPushButton("Next")
        self.close_button = QPushButton("Close the tour")
        self.back.clicked.connect(lambda: self.show_step(self.index - 1))
        self.next.clicked.connect(self._next)
        self.close_button.clicked.connect(self.stop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.counter)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.back)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.setFixedWidth(360)

    def start(self) -> None:
        self.show_step(0)
        self.show()
        self.raise_()

    def _next(self) -> None:
        if self.index + 1 >= len(self.steps):
            self.stop()
        else:
            self.show_step(self.index + 1)

    def stop(self) -> None:
        self.hide()
        self.finished.emit()

    def show_step(self, index: int) -> None:
        self.index = max(0, min(index, len(self.steps) - 1))
        target, title, text = self.steps[self.index]
        self.title.setText(title)
        self.text.setText(text)
        self.counter.setText(f"{self.index + 1} of {len(self.steps)}")
        self.back.setEnabled(self.index > 0)
        self.next.setText("Done" if self.index + 1 == len(self.steps) else "Next")
        self.adjustSize()
        self._place(target())

    def _place(self, widget: QWidget | None) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        if widget is None or not widget.isVisible():
            self.move((parent.width() - self.width()) // 2, (parent.height() - self.height()) // 2)
            return
        top_left = widget.mapTo(parent, QPoint(0, 0))
        # beside the part shown, inside the window
        x = top_left.x() + min(widget.width() // 3, 80)
        y = top_left.y() + min(widget.height() // 3, 60)
        x = max(8, min(x, parent.width() - self.width() - 8))
        y = max(8, min(y, parent.height() - self.height() - 8))
        self.move(x, y)
        self.raise_()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.stop()
            return
        super().keyPressEvent(event)
