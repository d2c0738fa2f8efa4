"""Asking the user what the importer cannot tell by itself.

:class:`ColumnMappingDialog`: which column of an unfamiliar table (CSV, TSV, a workbook's sheet)
holds which piece of a post, shown over the file's first rows and pre-filled with a guess from
the column names; and, for the same file, which time zone its zone-less times are in (the
workspace's display zone by default) and how 03/04/2015 reads.

:class:`ReadingQuestionDialog`: one question about a file the app otherwise reads by itself (a
listening tool's export without zones, a column of ambiguous dates, a workbook with several
sheets), with an example from the file.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import available_timezones

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.ingest.guess import FIELD_NAMES, guess_mapping
from app.core.ingest.options import ImportOptions
from app.core.ingest.preview import preview as read_table_preview
from app.core.ingest.tabular import REQUIRED
from app.core.store.ingest_table_sql import MAPPABLE_FIELDS
from app.ui.widgets import WheelSafeComboBox

PREVIEW_CELL_CHARS = 200

NOT_IN_FILE = "(not in this file)"

#: The choices for 03/04/2015, as (text, ImportOptions.dayfirst).
ORDER_CHOICES = [
    ("Tell from the dates (ask me if they cannot tell)", None),
    ("Day first: 03/04/2015 is 3 April 2015", True),
    ("Month first: 03/04/2015 is March 4, 2015", False),
]


def read_preview(path: Path, limit: int = 20, sheet: str | None = None) -> tuple[list[str], list[list[str]]]:
    """The header and first ``limit`` rows of a table file, as the importer reads them."""
    return read_table_preview(Path(path), sheet=sheet, limit=limit)


def plain_label(text: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


def zone_combo(current: str) -> QComboBox:
    """An editable choice of every IANA zone, with completion, set to ``current``."""
    combo = WheelSafeComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    zones = sorted(available_timezones())
    combo.addItems(zones)
    combo.setCurrentText(current if current in zones else "UTC")
    completer = QCompleter(combo.model(), combo)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    combo.setCompleter(completer)
    return combo


def order_combo(current: bool | None = None) -> QComboBox:
    combo = WheelSafeComboBox()
    for text, value in ORDER_CHOICES:
        combo.addItem(text, value)
    combo.setCurrentIndex(next(i for i, (_, v) in enumerate(ORDER_CHOICES) if v is current))
    return combo


class ColumnMappingDialog(QDialog):
    """One choice per post field over a table's columns; :meth:`mapping` and :meth:`options`
    are the result."""

    def __init__(
        self,
        path: Path,
        columns: list[str],
        preview_rows: list[list[str]],
        parent: QWidget | None = None,
        default_zone: str = "UTC",
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.columns = list(columns)
        self.setWindowTitle("Which column holds what?")
        self.resize(920, 700)

        intro = plain_label(
            f"The columns of “{self.path.name}” are not ones the app knows. Say which column holds "
            "each piece of a post: the post id (or the post's address), the time and the text are "
            "needed; choose “(not in this file)” for anything the file does not have."
        )

        self.preview = QTableWidget(len(preview_rows), len(self.columns))
        self.preview.setHorizontalHeaderLabels(self.columns)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.horizontalHeader().setDefaultSectionSize(140)
        for r, row in enumerate(preview_rows):
            for c in range(len(self.columns)):
                cell = row[c] if c < len(row) else ""
                shown = cell if len(cell) <= PREVIEW_CELL_CHARS else cell[:PREVIEW_CELL_CHARS] + "…"
                item = QTableWidgetItem(shown.replace("\n", " ⏎ "))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.preview.setItem(r, c, item)

        form_host = QWidget()
        form = QFormLayout(form_host)
        self.combos: dict[str, QComboBox] = {}
        guess = guess_mapping(self.columns)
        fields = [f for f in FIELD_NAMES if f in MAPPABLE_FIELDS]
        fields += [f for f in MAPPABLE_FIELDS if f not in FIELD_NAMES]  # fields added later
        for field in fields:
            combo = WheelSafeComboBox()  # the wheel scrolls the form, not the choices
            combo.addItem(NOT_IN_FILE, None)
            for col in self.columns:
                combo.addItem(col, col)
            if field in guess:
                combo.setCurrentIndex(combo.findData(guess[field]))
            combo.currentIndexChanged.connect(self._update)
            needed = field in REQUIRED or field == "post_url"
            label = plain_label(FIELD_NAMES.get(field, field) + (" *" if needed else ""), wrap=False)
            form.addRow(label, combo)
            self.combos[field] = combo
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)

        times = QGroupBox("How to read the times")
        times_form = QFormLayout(times)
        self.zone_combo = zone_combo(default_zone)
        self.order_combo = order_combo()
        times_form.addRow(plain_label("Times written without a zone are in", wrap=False), self.zone_combo)
        times_form.addRow(plain_label("Dates like 03/04/2015", wrap=False), self.order_combo)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.preview)
        split.addWidget(scroll)
        split.setSizes([220, 400])

        self.hint = plain_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import with these columns")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addWidget(times)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self._update()

    read_preview = staticmethod(read_preview)

    @property
    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def set_column(self, field: str, column: str | None) -> None:
        """Choose ``column`` for ``field`` (None: not in this file)."""
        combo = self.combos[field]
        index = combo.findData(column) if column is not None else 0
        if index < 0:
            raise KeyError(column)
        combo.setCurrentIndex(index)

    def mapping(self) -> dict[str, str]:
        """field -> column for every field the user matched to a column."""
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData() is not None}

    def options(self) -> ImportOptions:
        """How to read the times: the zone and the order of day and month."""
        return ImportOptions(
            timezone=self.zone_combo.currentText().strip() or None, dayfirst=self.order_combo.currentData()
        )

    def missing(self) -> list[str]:
        chosen = self.mapping()
        return [f for f in REQUIRED if f not in chosen and not (f == "post_id" and "post_url" in chosen)]

    def _update(self) -> None:
        missing = self.missing()
        self.ok_button.setEnabled(not missing)
        if missing:
            names = [
                "post id (or the post's address)" if f == "post_id" else FIELD_NAMES.get(f, f).lower()
                for f in missing
            ]
            self.hint.setText("Still needed: the column that holds the " + _and(names) + ".")
            self.hint.setStyleSheet("color: #b00020;")
        else:
            self.hint.setText("Ready: the post id, time and text columns are chosen.")
            self.hint.setStyleSheet("")

    def accept(self) -> None:
        if self.missing():
            return
        super().accept()


class ReadingQuestionDialog(QDialog):
    """One question about how to read a file: ``kind`` is ``timezone``, ``date_order`` or
    ``sheet`` (see :class:`app.core.model.Question`); :meth:`options` is the answer, added to
    ``known`` (what was answered before for the file)."""

    def __init__(
        self,
        path: Path,
        kind: str,
        problem: str,
        example: str = "",
        sheets: tuple[str, ...] = (),
        default_zone: str = "UTC",
        known: ImportOptions | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path, self.kind = Path(path), kind
        self.known = known or ImportOptions()
        self.setWindowTitle(
            {
                "timezone": "Which time zone?",
                "date_order": "Day or month first?",
                "sheet": "Which sheet?",
            }.get(kind, "A question about the file")
        )
        self.resize(620, 260)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(f"“{self.path.name}”: " + _sentence(problem)))
        form = QFormLayout()
        self.zone_combo: QComboBox | None = None
        self.order_combo: QComboBox | None = None
        self.sheet_combo: QComboBox | None = None
        if kind == "timezone":
            if example:
                form.addRow(plain_label("For example"), plain_label(f"“{example}”"))
            self.zone_combo = zone_combo(default_zone)
            form.addRow(plain_label("These times are in", wrap=False), self.zone_combo)
            layout.addWidget(
                plain_label(
                    "Exports write times in the zone chosen when exporting (often the zone of the "
                    "account that exported them). The timeline shows them in the workspace's zone."
                )
            )
        elif kind == "date_order":
            if example:
                form.addRow(plain_label("For example"), plain_label(f"“{example}”"))
            self.order_combo = order_combo(True)
            self.order_combo.removeItem(0)  # "tell from the dates" is what could not be done
            form.addRow(plain_label("Read the dates"), self.order_combo)
        elif kind == "sheet":
            self.sheet_combo = QComboBox()
            self.sheet_combo.addItems(list(sheets))
            form.addRow(plain_label("Import the posts of sheet"), self.sheet_combo)
        layout.addLayout(form)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Skip this file")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def options(self) -> ImportOptions:
        o = self.known
        if self.zone_combo is not None:
            o = ImportOptions(self.zone_combo.currentText().strip() or "UTC", o.dayfirst, o.sheet)
        if self.order_combo is not None:
            o = ImportOptions(o.timezone, self.order_combo.currentData(), o.sheet)
        if self.sheet_combo is not None:
            o = ImportOptions(o.timezone, o.dayfirst, self.sheet_combo.currentText())
        return o


def _sentence(problem: str) -> str:
    """The core's message without its command-line advice ("Say which: --dayfirst …")."""
    for cut in (" Say which", " (--sheet", ": say which to import"):
        if cut in problem:
            problem = problem.split(cut)[0].rstrip(" .:") + "."
    return problem[:1].upper() + problem[1:]


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
