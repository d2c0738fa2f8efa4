"""Checking the sentiment by hand: label a sample of posts, then see how far VADER agrees
and what the labels correct.

The posts are shown one at a time, as plain text, without VADER's verdict (so it cannot sway
the reader), with their time in the workspace's display time zone; every label is saved at
once, in the same table the spreadsheet workflow (``incident-timeline labels``) fills.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core import sentiment
from app.core.label_values import CLASSES
from app.core.metrics import to_unix
from app.core.sentiment import labels
from app.core.store.workspace import Workspace
from app.ui.tasks import TaskRunner
from app.ui.timeline.time_axis import format_time


class LabellingDialog(QDialog):
    labels_changed = Signal()

    def __init__(self, runner: TaskRunner, ws: Workspace, parent=None, sample_size: int = 50) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check the sentiment by hand")
        self.resize(720, 520)
        self.runner, self.ws, self.sample_size = runner, ws, sample_size
        self.zone = ws.timezone
        self.posts: list = []
        self.index = 0

        tabs = QTabWidget()
        # ---- labelling ----
        page = QWidget()
        self.intro = QLabel(
            "Read each post and say how it feels to you. Sarcasm counts as what it means, not "
            "what it says. Keys: 1 negative, 2 neutral, 3 positive, S skip."
        )
        self.intro.setWordWrap(True)
        self.counter = QLabel("")
        self.meta = QLabel("")
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QPlainTextEdit()
        self.text.setObjectName("label-text")
        self.text.setReadOnly(True)
        f = self.text.font()
        f.setPointSizeF(f.pointSizeF() * 1.25)
        self.text.setFont(f)
        buttons = QHBoxLayout()
        self.buttons = {}
        for key, cls in zip("123", CLASSES, strict=False):
            b = QPushButton(f"{cls.capitalize()} ({key})")
            b.clicked.connect(lambda _=False, c=cls: self.label(c))
            QShortcut(QKeySequence(key), self, activated=lambda c=cls: self.label(c))
            buttons.addWidget(b)
            self.buttons[cls] = b
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(self.back)
        self.skip_button = QPushButton("Skip (S)")
        self.skip_button.clicked.connect(self.skip)
        QShortcut(QKeySequence("S"), self, activated=self.skip)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.skip_button)
        lay = QVBoxLayout(page)
        lay.addWidget(self.intro)
        lay.addWidget(self.counter)
        lay.addWidget(self.meta)
        lay.addWidget(self.text, 1)
        lay.addLayout(buttons)
        tabs.addTab(page, "Label posts")
        # ---- agreement ----
        page2 = QWidget()
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.confusion = QTableWidget(4, 4)
        self.confusion.setObjectName("confusion")
        self.confusion.horizontalHeader().setVisible(False)
        self.confusion.verticalHeader().setVisible(False)
        self.confusion.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        lay2 = QVBoxLayout(page2)
        lay2.addWidget(self.summary)
        lay2.addWidget(self.confusion, 1)
        tabs.addTab(page2, "How far VADER agrees")
        tabs.currentChanged.connect(lambda i: self.refresh_agreement() if i == 1 else None)
        self.tabs = tabs
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addLayout(bottom)
        self._set_enabled(False)
        self.counter.setText("Drawing a sample of posts…")

    def start(self) -> None:
        ws, n = self.ws, self.sample_size
        self.runner.submit(
            "label-sample",
            lambda p: labels.sample_for_labelling(ws, n=n, con=ws.cursor()),
            on_result=self._loaded,
            on_error=self.counter.setText,
        )

    def _loaded(self, posts) -> None:
        self.posts = list(posts)
        self.index = 0
        self._show()

    def _set_enabled(self, on: bool) -> None:
        for b in (*self.buttons.values(), self.skip_button):
            b.setEnabled(on)
        self.back_button.setEnabled(on and self.index > 0)

    def _show(self) -> None:
        if not self.posts:
            self.counter.setText(
                "There is nothing left to label: every scored text has a label, or nothing is scored yet."
            )
            self.text.setPlainText("")
            self._set_enabled(False)
            return
        if self.index >= len(self.posts):
            self.counter.setText(
                f"All {len(self.posts)} posts of this sample are done. See how far VADER agrees in the next tab."
            )
            self.text.setPlainText("")
            self.meta.setText("")
            self._set_enabled(False)
            self.back_button.setEnabled(True)
            return
        row = self.posts[self.index]
        self.counter.setText(f"Post {self.index + 1} of {len(self.posts)}")
        when = format_time(to_unix(row.created_at), self.zone)
        self.meta.setText(f"@{row.author_handle or '?'} · {when} · {row.kind}")
        self.text.setPlainText(row.text)
        self._set_enabled(True)

    def label(self, cls: str) -> None:
        if not self.posts or self.index >= len(self.posts):
            return
        row = self.posts[self.index]
        labels.set_label(self.ws, row.platform, row.post_id, cls)
        self.labels_changed.emit()
        self.index += 1
        self._show()

    def skip(self) -> None:
        if self.posts and self.index < len(self.posts):
            self.index += 1
            self._show()

    def back(self) -> None:
        if self.index > 0:
            self.index -= 1
            self._show()

    def refresh_agreement(self) -> None:
        ws = self.ws
        self.runner.submit(
            "agreement",
            lambda p: sentiment.label_summary(ws, con=ws.cursor()),
            on_result=self._show_agreement,
        )

    def _show_agreement(self, summary) -> None:
        a = summary.agreement
        if not a.n:
            text = "No labelled posts with a sentiment score yet."
        else:
            kappa = f", Cohen's kappa {a.kappa:.2f}" if a.kappa is not None else ""
            text = (
                f"VADER agrees with your labels on {a.accuracy:.0%} of {a.n:,} posts{kappa}. "
                "Rows: your label; columns: VADER's. The sample holds as many posts of each VADER "
                "class, so this is VADER's accuracy on the sample, not on the incident as a whole."
            )
        overall = summary.overall
        if overall.raw is not None:
            text += f"\n\nVADER reads {overall.raw.negative:.0%} of the scored posts as negative. "
            c = overall.calibrated
            if c is not None:
                text += (
                    f"Corrected with your {c.labels:,} labels: {c.shares.negative:.0%} negative "
                    f"(95% interval {c.low.negative:.0%}–{c.high.negative:.0%})."
                )
            else:
                text += f"Not corrected yet: {overall.not_calibrated}."
        self.summary.setText(text)
        for r, row in enumerate(a.table()):
            for c, value in enumerate(row):
                item = QTableWidgetItem(str(value))
                if r == 0 or c == 0:
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
                self.confusion.setItem(r, c, item)
        self.confusion.resizeColumnsToContents()
