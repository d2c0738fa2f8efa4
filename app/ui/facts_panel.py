"""The incident at a glance: the executive summary, the headline figures, the phases and what
the archive covers, as the post-mortem states them (the same facts, the same words).

The panel only shows what it is given (:func:`app.ui.facts_panel.FactsView`, made by the
core on a worker thread); it counts nothing. Every text goes in as plain text through a
QTextCursor, never as markup, so a handle or a post that looks like HTML shows as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QTextEdit, QVBoxLayout, QWidget

from app.core.facts import Facts
from app.core.narrative.summary import Summary, summary
from app.core.report.content import HeadlineFigure, headline_figures


@dataclass(frozen=True)
class FactsView:
    """What the panel shows, worded by the core (made off the UI thread)."""

    title: str
    summary: Summary
    figures: list[HeadlineFigure]
    phases: list[tuple[str, str, str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, f: Facts) -> FactsView:
        from app.core.narrative import words

        rows = []
        for p in f.phases:
            r = p.range
            rows.append(
                (
                    p.title,
                    # the last phase ends at the archive's last post, as the report prints it
                    f"{words.when(r.a, f.zone)} to {words.when(float(f.end_of(r).value or r.b), f.zone)}",
                    words.figure(r.posts),
                    words.figure(r.negative_share) if r.negative_share.known else "not scored",
                )
            )
        return cls(f.name, summary(f), headline_figures(f), rows)


class FactsPanel(QWidget):
    """A read-only page of the incident's summary."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("facts-panel")
        self.hint = QLabel("Import an archive to see what it shows.")
        self.hint.setWordWrap(True)
        self.text = QTextEdit()
        self.text.setReadOnly(True)
        self.text.setObjectName("facts-text")
        self.text.setAcceptRichText(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.hint)
        layout.addWidget(self.text, 1)
        self.view: FactsView | None = None
        self.text.hide()

    def show_view(self, view: FactsView | None) -> None:
        self.view = view
        if view is None:
            self.text.clear()
            self.text.hide()
            self.hint.show()
            return
        self.hint.hide()
        self.text.show()
        self.text.clear()
        cur = QTextCursor(self.text.document())
        body = QTextCharFormat()
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        heading = QTextCharFormat(bold)
        heading.setFontPointSize(self.font().pointSizeF() * 1.15)

        def para(text: str, fmt: QTextCharFormat = body) -> None:
            if not cur.atStart():
                cur.insertBlock()
            cur.insertText(text, fmt)

        para("What the archive shows", heading)
        for p in view.summary.paragraphs:
            para(p.text)
        para(view.summary.turning_points_caption.text)
        for line in view.summary.turning_points:
            para(line.text)
        para("Headline figures", heading)
        for f in view.figures:
            para(f"{f.label.text}: ", body)
            cur.insertText(f.value.text, bold)
        if view.phases:
            para("Phases", heading)
            for title, period, posts, negative in view.phases:
                para(f"{title}: ", bold)
                cur.insertText(f"{period}; {posts}; negative {negative}", body)
        self.text.moveCursor(QTextCursor.MoveOperation.Start)

    def plain_text(self) -> str:
        return self.text.toPlainText()
