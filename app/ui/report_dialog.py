"""File > Export post-mortem: choose the title, author, sections and lessons, then write the
PDF (or HTML) with a progress bar. The choices are remembered per workspace."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.report import SECTION_TITLES, SECTIONS, ReportOptions, build_report
from app.core.store.workspace import Workspace
from app.ui.settings import AppSettings
from app.ui.tasks import TaskRunner


def _key(ws: Workspace) -> str:
    return "report/" + hashlib.sha1(str(Path(ws.path).resolve()).encode()).hexdigest()[:16]


class ReportDialog(QDialog):
    def __init__(
        self, runner: TaskRunner, ws: Workspace, settings: AppSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export post-mortem")
        self.setMinimumWidth(560)
        self.runner, self.ws, self.settings = runner, ws, settings
        self.written: Path | None = None
        saved = self._saved()

        form = QFormLayout()
        self.title = QLineEdit(saved.get("title") or f"Post-mortem: {ws.incident_name}")
        self.author = QLineEdit(saved.get("author", ""))
        self.author.setPlaceholderText("Team or person")
        self.paper = QComboBox()
        self.paper.addItem("A4", "a4")
        self.paper.addItem("US Letter", "letter")
        self.paper.setCurrentIndex(max(0, self.paper.findData(saved.get("paper", "a4"))))
        self.format = QComboBox()
        self.format.addItem("PDF (to print or hand over)", "pdf")
        self.format.addItem("HTML (one file, to send by mail)", "html")
        self.format.setCurrentIndex(max(0, self.format.findData(saved.get("format", "pdf"))))
        form.addRow("Title", self.title)
        form.addRow("Author", self.author)
        form.addRow("Paper", self.paper)
        form.addRow("Format", self.format)
        grid = QGridLayout()
        chosen = set(saved.get("sections", SECTIONS))
        self.sections: dict[str, QCheckBox] = {}
        for i, name in enumerate(SECTIONS):
            box = QCheckBox(SECTION_TITLES.get(name, name))
            box.setChecked(name in chosen)
            self.sections[name] = box
            grid.addWidget(box, i // 3, i % 3)
        self.lessons = QPlainTextEdit(saved.get("lessons", ""))
        self.lessons.setPlaceholderText("Lessons learned, in your words (printed as you write them)")
        self.lessons.setTabChangesFocus(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.message = QLabel("")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.export_button = QPushButton("Export…")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.choose_and_export)
        self.open_button = QPushButton("Open it")
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written)))
        )
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Sections"))
        layout.addLayout(grid)
        layout.addWidget(QLabel("Lessons learned"))
        layout.addWidget(self.lessons, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    # ---- remembered choices ----------------------------------------------------------------------
    def _saved(self) -> dict:
        raw = self.settings.value(_key(self.ws), "", str)
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return {}

    def choices(self) -> dict:
        return {
            "title": self.title.text().strip(),
            "author": self.author.text().strip(),
            "paper": self.paper.currentData(),
            "format": self.format.currentData(),
            "sections": [n for n, b in self.sections.items() if b.isChecked()],
            "lessons": self.lessons.toPlainText(),
        }

    def options(self) -> ReportOptions:
        c = self.choices()
        return ReportOptions(
            title=c["title"] or "Post-mortem",
            author=c["author"],
            sections=frozenset(c["sections"]),
            lessons=c["lessons"],
            paper=c["paper"],
        )

    # ---- exporting -------------------------------------------------------------------------------
    def choose_and_export(self) -> None:
        fmt = self.format.currentData()
        suffix = ".pdf" if fmt == "pdf" else ".html"
        start = (
            Path(self.settings.value("report/last_folder", str(Path.home()), str)) / f"post-mortem{suffix}"
        )
        path, _ = QFileDialog.getSaveFileName(
            self, "Export post-mortem", str(start), "PDF (*.pdf)" if fmt == "pdf" else "HTML (*.html)"
        )
        if path:
            if not path.lower().endswith(suffix):
                path += suffix
            self.settings.set_value("report/last_folder", str(Path(path).parent))
            self.export(Path(path))

    def export(self, path: Path) -> None:
        if not any(b.isChecked() for b in self.sections.values()):
            self.message.setText("Choose at least one section.")
            return
        self.settings.set_value(_key(self.ws), json.dumps(self.choices()))
        options, fmt, ws = self.options(), self.format.currentData(), self.ws
        self.export_button.setEnabled(False)
        self.open_button.setVisible(False)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.message.setText("Analysing the incident…")

        def progress(done: float, total: float, message: str) -> None:
            self.progress.setValue(int(800 * done / total) if total else 0)
            if message:
                self.message.setText(message)

        def built(report) -> None:
            # painting the PDF is quick and stays on this thread, where Qt's fonts live
            self.message.setText("Writing the document…")
            self.progress.setValue(850)
            try:
                if fmt == "html":
                    from app.report_html import render_html

                    # the save dialog asked before replacing a file
                    render_html(report, path, force=True, protected=[ws.path])
                    pages = None
                else:
                    from app.report_pdf import render_pdf

                    pages = render_pdf(report, path, force=True, protected=[ws.path])
            except UserError as exc:
                failed(str(exc))
                return
            except OSError as exc:
                failed(f"The file could not be written: {exc}")
                return
            self.written = path
            self.progress.setValue(1000)
            self.message.setText(f"Wrote {path}" + (f" ({pages} pages)." if pages else "."))
            self.export_button.setEnabled(True)
            self.open_button.setVisible(True)

        def failed(message: str) -> None:
            self.progress.setVisible(False)
            self.message.setText(message)
            self.export_button.setEnabled(True)

        self.runner.submit(
            "report",
            lambda p: build_report(ws, options, con=ws.cursor(), progress=p),
            on_result=built,
            on_error=failed,
            on_progress=progress,
            on_cancelled=lambda: failed("Export cancelled."),
        )

    def reject(self) -> None:
        self.runner.cancel("report")
        super().reject()
