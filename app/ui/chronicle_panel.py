"""The drafted chronicle, phase by phase, for the user to edit; edits are kept in the workspace
and win over the draft (a phase can be reset to the draft)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.chronicle import ChronicleParagraph

SAVE_AFTER_MS = 700


class _PhaseEditor(QWidget):
    def __init__(
        self,
        paragraph: ChronicleParagraph,
        when: str,
        save: Callable[[str, str], None],
        reset: Callable[[str], None],
        jump: Callable[[float], None],
    ) -> None:
        super().__init__()
        self.paragraph = paragraph
        self._save, self._reset = save, reset
        title = QLabel(f"{paragraph.title} · {when}")
        title.setTextFormat(Qt.TextFormat.PlainText)
        f = title.font()
        f.setBold(True)
        title.setFont(f)
        self.state = QLabel("edited by you" if paragraph.edited else "drafted by the app")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setStyleSheet("color: #777777")
        go = QPushButton("Show")
        go.setToolTip("Move the cursor to the start of this phase")
        go.setEnabled(paragraph.start is not None)
        go.clicked.connect(lambda: jump(paragraph.start))
        self.reset_button = QPushButton("Back to the draft")
        self.reset_button.setToolTip("Replace your text with the app's draft of this phase")
        self.reset_button.setEnabled(paragraph.edited and bool(paragraph.draft_text))
        self.reset_button.clicked.connect(lambda: self._reset(paragraph.phase_name))
        head = QHBoxLayout()
        head.addWidget(title)
        head.addWidget(self.state)
        head.addStretch(1)
        head.addWidget(go)
        head.addWidget(self.reset_button)
        self.text = QPlainTextEdit(paragraph.text)
        self.text.setObjectName(f"chronicle-{paragraph.phase_name}")
        self.text.setMinimumHeight(90)
        self.text.setTabChangesFocus(True)
        self._timer = QTimer(self, singleShot=True, interval=SAVE_AFTER_MS)
        self._timer.timeout.connect(self.save_now)
        self.text.textChanged.connect(self._timer.start)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 8)
        layout.addLayout(head)
        layout.addWidget(self.text)

    def draft(self) -> str:
        """The app's draft of this phase: kept apart once edited, the text itself before."""
        return self.paragraph.draft_text if self.paragraph.edited else self.paragraph.text

    def save_now(self) -> None:
        self._timer.stop()
        text = self.text.toPlainText()
        if text != self.paragraph.text and (text != self.draft() or self.paragraph.edited):
            self._save(self.paragraph.phase_name, text)
            self.state.setText("edited by you")
            self.reset_button.setEnabled(bool(self.draft()))


class ChroniclePanel(QWidget):
    save_requested = Signal(str, str)
    reset_requested = Signal(str)
    jump_to = Signal(float)
    redraft_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.editors: list[_PhaseEditor] = []
        self.status = QLabel(
            "The chronicle is drafted from the turning points once the workspace is analysed."
        )
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        redraft = QPushButton("Redraft")
        redraft.setToolTip("Draft again from the turning points as they are now (your edits are kept)")
        redraft.clicked.connect(self.redraft_requested)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(redraft)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

    def set_paragraphs(
        self, paragraphs: list[ChronicleParagraph], when: Callable[[ChronicleParagraph], str]
    ) -> None:
        self.save_pending()
        for editor in self.editors:
            editor.setParent(None)
            editor.deleteLater()
        self.editors = []
        for i, p in enumerate(paragraphs):
            editor = _PhaseEditor(
                p, when(p), self.save_requested.emit, self.reset_requested.emit, self.jump_to.emit
            )
            self.body_layout.insertWidget(i, editor)
            self.editors.append(editor)
        edited = sum(p.edited for p in paragraphs)
        self.status.setText(
            f"{len(paragraphs)} phases"
            + (f", {edited} edited by you" if edited else "")
            + ". Edit freely: your text is kept in the workspace and goes into the report."
            if paragraphs
            else "No chronicle yet: the workspace holds no posts."
        )

    def save_pending(self) -> None:
        for editor in self.editors:
            editor.save_now()
