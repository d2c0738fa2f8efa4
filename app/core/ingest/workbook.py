"""Spreadsheet workbooks (.xlsx, .xlsm, .xls, .ods), read with python-calamine.

A sheet is written out once as a UTF-8 CSV in the import's temporary folder, from its header
row on, and read from there like any CSV: one code path for tables, and DuckDB does the
per-row work. Cells go out as calamine gives them: text as text, numbers as Python writes
them (a spreadsheet's 18-digit "id" comes out as 5.703061336777605e+17, which the importer
refuses as damaged), dates and times as ISO text without a zone (a spreadsheet has none).

Chosen over openpyxl for speed and size (bench/README.md: "Reading workbooks").
"""

from __future__ import annotations

import csv
from pathlib import Path

from app.core.errors import ImportFailed, NeedsChoice
from app.core.ingest.sources import temp_write_failed

#: Rows looked at to find the header under a report's title rows.
HEAD_ROWS = 60


def _open(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine has one error type per failure, all alike here
        text = str(exc).lower()
        why = "it is password-protected" if "password" in text or "encrypt" in text else "it is damaged"
        raise ImportFailed(str(path), f"the workbook could not be opened ({why}).") from None


def sheet_names(path: Path) -> list[str]:
    wb = _open(path)
    try:
        return [
            m.name
            for m in wb.sheets_metadata
            if str(m.typ).endswith("WorkSheet") and str(m.visible).endswith(".Visible")
        ] or list(wb.sheet_names)
    finally:
        wb.close()


def _rows(path: Path, sheet: str, limit: int | None = None) -> list[list[object]]:
    """The sheet's rows from A1 (empty rows above a table kept, so row n is index n - 1)."""
    wb = _open(path)
    try:
        ws = wb.get_sheet_by_name(sheet)
        return (
            ws.to_python(skip_empty_area=False, nrows=limit) if limit else ws.to_python(skip_empty_area=False)
        )
    except Exception:  # noqa: BLE001
        raise ImportFailed(str(path), f"the sheet “{sheet}” of the workbook could not be read.") from None
    finally:
        wb.close()


def pick_sheet(path: Path, sheets: list[str], wanted: str | None) -> str:
    """The sheet to read: the one asked for, or the only one that holds a table; with several
    such sheets the user chooses (``--sheet``, or the import window asks)."""
    if not sheets:
        raise ImportFailed(str(path), "the workbook has no sheets.")
    if wanted is not None:
        for name in sheets:
            if name == wanted or name.lower() == wanted.strip().lower():
                return name
        raise ImportFailed(
            str(path), f"the workbook has no sheet “{wanted}” (its sheets are: {', '.join(sheets)})."
        )
    filled = [s for s in sheets if len(head_rows(path, s)) > 1]
    if len(filled) > 1:
        raise NeedsChoice(
            str(path),
            f"the workbook has {len(filled)} sheets with tables ({', '.join(filled)}): say which to "
            "import (--sheet NAME on the command line).",
            "sheet",
            tuple(filled),
        )
    return (filled or sheets)[0]


def head_rows(path: Path, sheet: str | None) -> list[list[str]]:
    """The sheet's first rows as text, empty rows at the top kept (row 1 is index 0)."""
    if sheet is None:
        return []
    rows = _rows(path, sheet, HEAD_ROWS)
    while rows and not any(_text(c) for c in rows[-1]):
        rows = rows[:-1]
    return [[_text(c) for c in r] for r in rows]


def _text(cell: object) -> str:
    return "" if cell is None else str(cell)


def write_csv(path: Path, sheet: str, header_row: int, out: Path) -> Path:
    """The sheet from its header row on, as a UTF-8 CSV; raises :class:`ImportFailed` when the
    disk is full (a clear message, never a damaged file imported)."""
    rows = _rows(path, sheet)
    try:
        with open(out, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows[header_row:])
    except OSError as exc:
        raise temp_write_failed(path, exc) from None
    return out
