"""Asking the user which column of an unfamiliar CSV file holds which piece of a post.

When a CSV's columns are not ones the app knows (twarc-csv, twitwi/minet), the importer needs
a column mapping (post field -> column name). This dialog shows the file's first rows and one
choice per field, pre-filled with a guess from the column names, and lets the user go on only
once the three fields a post cannot do without (id, time, text) are chosen.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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
from app.core.ingest.tabular import REQUIRED
from app.core.store.ingest_table_sql import MAPPABLE_FIELDS

PREVIEW_CELL_CHARS = 200

NOT_IN_FILE = "(not in this file)"

def read_preview(path: Path, limit: int = 20) -> tuple[list[str], list[list[str]]]:
    """The header and first ``limit`` rows of a CSV file (plain or gzip), as text.

    The delimiter is sniffed on the header line, as the importer does, so the columns match
    the names a mapping must use. Undecodable bytes are shown replaced, never fatal: this is
    only a preview.
    """
    with open(path, "rb") as raw:
        magic = raw.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rb") as fh:
        # 1 MB is plenty for a header and twenty rows of posts
        head = fh.read(1 << 20)
    text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode(head, final=False)
    if not text.strip():
        return [], []
    first = text.splitlines()[0]
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        columns = [c.strip() for c in next(reader)]
    except (StopIteration, csv.Error):
        return [], []
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(rows) >= limit:
                break
            rows.append(row)
    except csv.Error:
        pass  # a row cut off at the 1 MB mark: the rows before it are enough
    return columns, rows


class ColumnMappingDialog(QDialog):
    """One choice per post field over a CSV's columns; :meth:`mapping` is the result."""

    def __init__(
        self,
        path: Path,
        columns: list[str],
        preview_rows: list[list[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.columns = list(columns)
        self.setWindowTitle("Which column holds what?")
        self.resize(900, 640)

        intro = QLabel(
            f"The columns of “{self.path.name}” are not ones the app knows. Say which column "
            "holds each piece of a post. The post id, the time and the text are needed; "
            "choose “(not in this file)” for anything the file does not have."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)

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
            combo = QComboBox()
            combo.addItem(NOT_IN_FILE, None)
            for col in self.columns:
                combo.addItem(col, col)
            if field in guess:
                combo.setCurrentIndex(combo.findData(guess[field]))
            combo.currentIndexChanged.connect(self._update)
            label = QLabel(FIELD_NAMES.get(field, field) + (" *" if field in REQUIRED else ""))
            label.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow(label, combo)
            self.combos[field] = combo
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.preview)
        split.addWidget(scroll)
        split.setSizes([220, 400])

        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import with these columns")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
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

    def missing(self) -> list[str]:
        chosen = self.mapping()
        return [f for f in REQUIRED if f not in chosen]

    def _update(self) -> None:
        missing = self.missing()
        self.ok_button.setEnabled(not missing)
        if missing:
            names = [FIELD_NAMES.get(f, f).lower() for f in missing]
            self.hint.setText("Still needed: the column that holds the " + _and(names) + ".")
            self.hint.setStyleSheet("color: #b00020;")
        else:
            self.hint.setText("Ready: the post id, time and text columns are chosen.")
            self.hint.setStyleSheet("")

    def accept(self) -> None:
        if self.missing():
            return
        super().accept()


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
