"""The import window: reads archive files into the workspace off the UI thread and then says,
file by file, what happened.

It works in two steps on worker threads (through :class:`~app.ui.tasks.TaskRunner`):

1. a quick look at every file (folders expanded, formats detected), so that a CSV with
   unfamiliar columns can ask the user for a column mapping before anything is written;
2. the import itself, as ONE task of kind ``"import"``: one transaction per file, one progress
   bar over all the files' bytes. Cancelling rolls back the file being read; files finished
   before it stay.

The UI thread never waits for a worker: every outcome arrives as a signal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import ImportFailed, NeedsChoice, NeedsColumnMapping
from app.core.ingest import detect, expand_paths, import_file
from app.core.ingest.importer import FOLDER_SUFFIXES
from app.core.ingest.options import ImportOptions
from app.core.model import FileReport
from app.core.progress import Progress, SubProgress, check
from app.core.store.workspace import Workspace
from app.ui.column_mapping_dialog import ColumnMappingDialog, ReadingQuestionDialog, read_preview
from app.ui.tasks import Task, TaskRunner

SCAN_KIND = "import-scan"
IMPORT_KIND = "import"
BAR_MAX = 1000

SKIPPED_NO_MAPPING = "skipped: no column mapping given."
SKIPPED_NO_ANSWER = "skipped: the question about it was not answered."

#: Questions an import can ask after its first try (the file is then imported again).
READING_QUESTIONS = ("timezone", "date_order", "sheet")

# Tags a progress message with the file it is about ("2\x1fReading"): the runner relays only
# (done, total, message), and the message may say anything, but never this separator first.
_TAG = "\x1f"

COLUMNS = (
    "File",
    "Format",
    "Read",
    "Added",
    "Already in the workspace",
    "Repeated in the file",
    "Conflicts",
    "Rejected",
    "Problem",
)
_COUNTS = {
    "Read": "read",
    "Added": "added",
    "Already in the workspace": "already_in_workspace",
    "Repeated in the file": "duplicates_in_file",
    "Conflicts": "conflicts",
    "Rejected": "rejected",
}


@dataclass
class PlannedFile:
    """One file of the batch, from the first look to its outcome."""

    path: Path
    size: int
    #: the table's columns, when it needs a column mapping
    columns: tuple[str, ...] | None = None
    preview: list[list[str]] = field(default_factory=list)
    mapping: dict[str, str] | None = None
    #: a workbook's sheets with tables, when there are several to choose from, and for each
    #: the columns needing a mapping (None: a format the app knows) and their first rows
    sheets: tuple[str, ...] = ()
    per_sheet: dict[str, tuple[tuple[str, ...] | None, list[list[str]]]] = field(default_factory=dict)
    #: the answers given about the file (zone, day/month order, sheet)
    options: ImportOptions = field(default_factory=ImportOptions)
    #: how many times a question was asked after an import try (a guard against asking for ever)
    asked: int = 0
    report: FileReport | None = None
    #: waiting | imported | skipped | cancelled | failed | not started
    status: str = "waiting"
    problem: str = ""

    @property
    def to_import(self) -> bool:
        return self.status == "waiting"


class _Tagged:
    """Passes a file's progress on with the file's number in front of the message."""

    def __init__(self, parent: Progress, index: int) -> None:
        self.parent, self.index = parent, index

    def report(self, done: float, total: float | None, message: str = "") -> None:
        self.parent.report(done, total, f"{self.index}{_TAG}{message}")

    def cancelled(self) -> bool:
        return self.parent.cancelled()


def _size(path: Path) -> int:
    try:
        return max(path.stat().st_size, 1)
    except OSError:
        return 1


def _mapping_needed(path: Path, sheet: str | None = None) -> tuple[tuple[str, ...], list[list[str]]] | None:
    """The columns and first rows of a table the app does not know, or None."""
    try:
        detect(path, sheet=sheet)
    except NeedsColumnMapping as exc:
        try:
            columns = detect(path, has_mapping=True, sheet=sheet).columns
        except ImportFailed:
            return None  # import_file will say what is wrong with it
        try:
            _, rows = read_preview(path, sheet=sheet)
        except (OSError, EOFError, ValueError):
            rows = []
        return tuple(columns or exc.columns), rows
    except ImportFailed:
        return None
    return None


def scan_files(paths: list[Path], progress: Progress) -> list[PlannedFile]:
    """Worker side of step 1: expand folders, and find what must be asked before importing:
    a column mapping for unfamiliar tables, the sheet of a workbook with several.

    Other problems (an empty file, not an archive) are left to ``import_file``, which reports
    them in the same words as the command line does.
    """
    files = expand_paths(paths)
    plan: list[PlannedFile] = []
    for i, path in enumerate(files):
        check(progress)
        progress.report(i, len(files), f"{_TAG}Looking at {path.name}")
        item = PlannedFile(path, _size(path))
        try:
            detect(path)
        except NeedsChoice as exc:
            if exc.kind == "sheet":
                item.sheets = tuple(exc.options)
                for sheet in item.sheets:
                    needed = _mapping_needed(path, sheet)
                    item.per_sheet[sheet] = (needed[0], needed[1]) if needed else (None, [])
        except NeedsColumnMapping:
            needed = _mapping_needed(path)
            if needed:
                item.columns, item.preview = needed
        except ImportFailed:
            pass
        plan.append(item)
    return plan


def import_planned(
    ws: Workspace,
    jobs: list[tuple[int, Path, int, dict[str, str] | None, ImportOptions]],
    finished: list[tuple[int, FileReport]],
    progress: Progress,
) -> list[tuple[int, FileReport]]:
    """Worker side of step 2: import the files one by one, one transaction each.

    ``finished`` is filled as files complete, so that after a cancel the UI still knows which
    files were kept (the runner's cancel signal carries no result).
    """
    total = float(sum(job[2] for job in jobs)) or 1.0
    start = 0.0
    for index, path, size, mapping, options in jobs:
        check(progress)
        tagged = _Tagged(progress, index)
        sub = SubProgress(tagged, start, start + size, total)
        sub.report(0, 1, "Reading")
        report = import_file(ws, path, sub, mapping=mapping, options=options)
        finished.append((index, report))
        start += size
    return finished


class ImportDialog(QDialog):
    """Imports files and folders into ``ws``; call :meth:`start` once shown.

    ``finished_import(list[FileReport])`` is emitted once at the end (also after a cancel or
    a close, with the files that were finished), so the main window can refresh and score.
    Keep a reference to the dialog until then.
    """

    finished_import = Signal(list)
    #: (0..1000, message) as the import goes, for a status bar
    progress_changed = Signal(int, str)

    def __init__(
        self,
        runner: TaskRunner,
        ws: Workspace,
        paths: list[Path],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.ws = ws
        self.paths = [Path(p) for p in paths]
        self.plan: list[PlannedFile] = []
        #: idle | scanning | mapping | importing | done
        self.state = "idle"
        self.outcome = ""
        self._task: Task | None = None
        self._cancel_requested = False
        self._finished: list[tuple[int, FileReport]] = []
        self._reports: list[FileReport] = []

        self.setWindowTitle("Import posts")
        self.resize(860, 560)

        self.title_label = self._plain_label("Looking at the files…")
        bold = QFont(self.title_label.font())
        bold.setBold(True)
        self.title_label.setFont(bold)
        self.file_label = self._plain_label("")
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, BAR_MAX)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.message_label = self._plain_label("")

        self.totals_label = self._plain_label("")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details_label = self._plain_label("Details, file by file:")

        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.accept)
        self.close_button.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.file_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.message_label)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.details_label)
        layout.addWidget(self.details, 1)
        layout.addLayout(buttons)
        for w in (self.totals_label, self.table, self.details_label, self.details):
            w.hide()

    @staticmethod
    def _plain_label(text: str) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        return label

    # ---- public --------------------------------------------------------------------------
    @property
    def reports(self) -> list[FileReport]:
        """The reports emitted with ``finished_import`` (empty until then)."""
        return list(self._reports)

    @property
    def running(self) -> bool:
        return self.state in ("scanning", "mapping", "importing")

    def start(self) -> None:
        if self.state != "idle":
            return
        self.state = "scanning"
        paths = list(self.paths)
        self._task = self.runner.submit(
            SCAN_KIND,
            lambda progress: scan_files(paths, progress),
            on_result=self._scanned,
            on_error=self._failed,
            on_progress=self._progress,
            on_cancelled=lambda: self._finish("cancelled"),
        )
        self._watch_end(self._task)

    def cancel(self) -> None:
        """Stop: the file being read is rolled back, files finished before it stay."""
        if not self.running:
            return
        self._cancel_requested = True
        if self._task is not None:
            self._task.cancel()
        self.cancel_button.setEnabled(False)
        self.message_label.setText("Stopping… the file being read will not be kept.")

    def reject(self) -> None:
        # Esc or the window's close button: a running import is asked to stop, not waited for.
        if self.running:
            self.cancel()
        super().reject()

    # ---- step 1: the first look, then the column mappings ---------------------------------
    def _scanned(self, plan: list[PlannedFile]) -> None:
        self.plan = plan
        if not plan:
            self._finish("empty")
            return
        if any(item.columns is not None or item.sheets for item in plan):
            self.state = "mapping"
            # out of the signal's delivery: the dialogs run their own event loops
            QTimer.singleShot(0, self._ask_before_import)
        else:
            self._start_import()

    def _ask_before_import(self) -> None:
        # A folder of exports from one tool has the same columns in every file: ask once.
        answers: dict[tuple[str, ...], tuple[dict[str, str], ImportOptions] | None] = {}
        for item in self.plan:
            if self._cancel_requested:
                break
            if item.sheets:
                dialog = ReadingQuestionDialog(
                    item.path,
                    "sheet",
                    f"the workbook has {len(item.sheets)} sheets with tables. Which one holds the posts?",
                    sheets=item.sheets,
                    parent=self,
                )
                accepted = dialog.exec() == QDialog.DialogCode.Accepted
                dialog.deleteLater()
                if not accepted:
                    self._skip(item, SKIPPED_NO_ANSWER)
                    continue
                item.options = dialog.options()
                item.columns, item.preview = item.per_sheet.get(item.options.sheet or "", (None, []))
            if item.columns is None:
                continue
            if item.columns not in answers:
                dialog = ColumnMappingDialog(
                    item.path, list(item.columns), item.preview, self, default_zone=self.ws.timezone
                )
                accepted = dialog.exec() == QDialog.DialogCode.Accepted
                answers[item.columns] = (dialog.mapping(), dialog.options()) if accepted else None
                dialog.deleteLater()
            answer = answers[item.columns]
            if answer:
                item.mapping = answer[0]
                item.options = ImportOptions(answer[1].timezone, answer[1].dayfirst, item.options.sheet)
            else:
                self._skip(item, SKIPPED_NO_MAPPING)
        if self._cancel_requested:
            self._finish("cancelled")
        else:
            self._start_import()

    def _skip(self, item: PlannedFile, why: str) -> None:
        item.status, item.problem = "skipped", why
        item.report = FileReport(path=str(item.path), error=why)

    # ---- step 2: the import ----------------------------------------------------------------
    def _start_import(self) -> None:
        jobs = [
            (i, item.path, item.size, item.mapping, item.options)
            for i, item in enumerate(self.plan)
            if item.to_import
        ]
        if not jobs:
            self._finish("done")
            return
        self.state = "importing"
        self.progress_bar.setValue(0)
        self.title_label.setText(
            f"Importing {len(jobs)} file{'s' if len(jobs) != 1 else ''} into {self.ws.path.name}"
        )
        ws, finished = self.ws, self._finished
        self._task = self.runner.submit(
            IMPORT_KIND,
            lambda progress: import_planned(ws, jobs, finished, progress),
            on_result=lambda _: self._round_done(),
            on_error=self._failed,
            on_progress=self._progress,
            on_cancelled=lambda: self._finish("cancelled"),
        )
        self._watch_end(self._task)

    def _round_done(self) -> None:
        """One pass over the files ended: files that asked a question (which zone, which
        order, which sheet) are asked now and imported again; the others are done."""
        if self.state != "importing":
            return
        self._apply_finished()
        ask = [
            item
            for item in self.plan
            if item.status == "failed"
            and item.report is not None
            and item.report.needs is not None
            and item.report.needs.kind in READING_QUESTIONS
            and item.asked < 4
        ]
        if not ask or self._cancel_requested:
            self._finish("done")
            return
        self.state = "mapping"
        QTimer.singleShot(0, lambda: self._ask_reading_questions(ask))

    def _ask_reading_questions(self, items: list[PlannedFile]) -> None:
        for item in items:
            needs = item.report.needs if item.report else None
            if needs is None or self._cancel_requested:
                continue
            item.asked += 1
            dialog = ReadingQuestionDialog(
                item.path,
                needs.kind,
                item.report.error or "",
                example=needs.example,
                sheets=needs.options,
                default_zone=self.ws.timezone,
                known=item.options,
                parent=self,
            )
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            dialog.deleteLater()
            if accepted:
                item.options = dialog.options()
                item.status, item.problem, item.report = "waiting", "", None
        if self._cancel_requested:
            self._finish("cancelled")
        else:
            self.state = "importing"
            self._start_import()

    def _apply_finished(self) -> None:
        for index, report in self._finished:
            self.plan[index].report = report
            self.plan[index].status = "imported" if report.ok else "failed"
            self.plan[index].problem = report.error or ""
        self._finished.clear()

    def _watch_end(self, task: Task) -> None:
        """Conclude even if the runner drops this task's answer (a newer task of the same kind
        replaced it): otherwise the dialog would wait for ever."""

        def ended() -> None:
            if task is self._task and self.running and self.state != "mapping":
                self._finish("cancelled")

        task.signals.finished.connect(ended)
        if task.done.is_set():
            # it may have ended before we connected; a late duplicate call does nothing
            QTimer.singleShot(0, ended)

    def _progress(self, done: float, total: float, message: str) -> None:
        index, sep, text = message.partition(_TAG)
        if not sep:
            index, text = "", message
        if self.state == "importing" and index.isdigit() and int(index) < len(self.plan):
            i = int(index)
            number = sum(1 for item in self.plan[: i + 1] if item.to_import)
            count = sum(1 for item in self.plan if item.to_import)
            self.file_label.setText(f"File {number} of {count}: {self.plan[i].path.name}")
            value = round(BAR_MAX * done / total) if total > 0 else 0
            self.progress_bar.setValue(max(self.progress_bar.value(), min(BAR_MAX, value)))
        if not self._cancel_requested:
            self.message_label.setText(text)
        self.progress_changed.emit(self.progress_bar.value(), text)

    def _failed(self, message: str) -> None:
        self._finish("error", message)

    # ---- the end ---------------------------------------------------------------------------
    def _finish(self, outcome: str, error: str = "") -> None:
        if self.state == "done":
            return
        phase = self.state
        self.state = "done"
        self._task = None
        self._apply_finished()
        waiting = [item for item in self.plan if item.to_import]
        if outcome == "cancelled" and not waiting and phase == "importing":
            # the cancel came after the last file was committed: nothing was undone
            outcome = "done"
        for k, item in enumerate(waiting):
            if outcome == "error" and k == 0 and phase == "importing":
                item.status, item.problem = "failed", error
            elif k == 0 and outcome == "cancelled" and phase == "importing":
                item.status = "cancelled"
                item.problem = "cancelled while it was being read: nothing of it was kept."
            else:
                item.status = "not started"
                item.problem = "not imported: the import stopped before this file."
        self.outcome = outcome
        self._reports = [item.report for item in self.plan if item.report is not None]
        self._show_summary(outcome, error, phase)
        self.finished_import.emit(list(self._reports))

    def _show_summary(self, outcome: str, error: str, phase: str) -> None:
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.progress_bar.setValue(BAR_MAX if outcome == "done" else self.progress_bar.value())
        self.file_label.setText("")
        self.title_label.setText(
            "Import finished"
            if outcome == "done"
            else "Import cancelled"
            if outcome == "cancelled"
            else "Nothing to import"
            if outcome == "empty"
            else "Import stopped by a problem"
        )
        self.message_label.setText(self._outcome_text(outcome, error, phase))
        self.totals_label.setText(totals_line(self.plan))

        self.table.setRowCount(len(self.plan))
        for row, item in enumerate(self.plan):
            rep = item.report
            imported = rep is not None and rep.ok
            cells = {
                "File": item.path.name,
                "Format": (rep.format_label or "") if rep is not None else "",
                "Problem": item.problem or (_note(rep) if rep is not None else ""),
            }
            for column, attr in _COUNTS.items():
                cells[column] = f"{getattr(rep, attr):,}" if imported else ""
            for col, name in enumerate(COLUMNS):
                cell = QTableWidgetItem(cells[name])
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if name in _COUNTS:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if name == "Problem" and rep is not None and rep.ok and (rep.warnings or rep.timezone):
                    cell.setToolTip(_plain_tooltip(rep))
                self.table.setItem(row, col, cell)
        self.details.setPlainText("\n\n".join(_details(item) for item in self.plan))
        for w in (self.totals_label, self.table, self.details_label, self.details):
            w.setVisible(bool(self.plan))

    def _outcome_text(self, outcome: str, error: str, phase: str) -> str:
        if outcome == "empty":
            kinds = ", ".join(FOLDER_SUFFIXES)
            return (
                f"There were no files to import in what you chose (in a folder, only files "
                f"ending in {kinds} are read)."
            )
        if outcome == "done":
            return ""
        if phase != "importing":
            what = "The import was cancelled" if outcome == "cancelled" else error.rstrip(".")
            return f"{what}. Nothing was imported; the workspace is as it was."
        kept = sum(1 for item in self.plan if item.status == "imported")
        stopped = next(
            (item for item in self.plan if item.status in ("cancelled", "failed") and item.report is None),
            None,
        )
        not_started = sum(1 for item in self.plan if item.status == "not started")
        if outcome == "cancelled":
            text = (
                "The import was cancelled"
                + (f" while reading “{stopped.path.name}”" if stopped else "")
                + ": nothing of that file was kept"
            )
        else:
            text = f"The import stopped: {error.rstrip('.')}." + (
                f" Nothing of “{stopped.path.name}” was kept" if stopped else ""
            )
        if kept == 1:
            text += "; the file finished before it stays in the workspace"
        elif kept:
            text += f"; the {kept} files finished before it stay in the workspace"
        else:
            text += "; the workspace is as it was before"
        if not_started:
            text += f". {not_started} more file{'s were' if not_started != 1 else ' was'} not started"
        return text + "."


def import_file_filter() -> str:
    """The file chooser's filter: every kind of file the importer reads, then all files."""
    patterns = " ".join(f"*{suffix}" for suffix in FOLDER_SUFFIXES)
    return f"Archives and exports ({patterns});;All files (*)"


def _note(report: FileReport) -> str:
    notes = []
    if report.seen_before and not report.added:
        notes.append(f"this file was already imported (import #{report.seen_before})")
    if report.rejected:
        notes.append("some records could not be read: see the details below")
    if report.conflicts:
        notes.append("some posts appear twice with different texts: see the details")
    if report.warnings:
        notes.append(report.warnings[0])
    if report.timezone:
        notes.append(f"times without a zone read as {report.timezone}")
    return "; ".join(notes) + ("." if notes else "")


def _plain_tooltip(report: FileReport) -> str:
    # a tooltip is rich text when it looks like markup: escape the file's words
    from html import escape

    lines = [*report.warnings]
    if report.timezone:
        lines.append(f"Times without a zone were read as {report.timezone} time.")
    return "<br>".join(escape(line) for line in lines)


def _details(item: PlannedFile) -> str:
    if item.report is not None:
        return item.report.summary()
    return f"{item.path}: not imported: {item.problem}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def totals_line(plan: list[PlannedFile]) -> str:
    """ "12,345 posts added from 3 files; 1 file could not be imported." """
    imported = [i.report for i in plan if i.status == "imported" and i.report is not None]
    added = sum(r.added for r in imported)
    failed = sum(1 for i in plan if i.status == "failed")
    skipped = sum(1 for i in plan if i.status == "skipped")
    stopped = sum(1 for i in plan if i.status in ("cancelled", "not started"))
    parts = [f"{_plural(added, 'post')} added from {_plural(len(imported), 'file')}"]
    if failed:
        parts.append(f"{_plural(failed, 'file')} could not be imported")
    if skipped:
        parts.append(f"{_plural(skipped, 'file')} skipped (no column mapping given)")
    if stopped:
        parts.append(f"{_plural(stopped, 'file')} not imported because the import was stopped")
    return "; ".join(parts) + "."
