"""The first rows of a table as the importer will read them (after title rows, through any
compression or encoding, from the chosen sheet), for a window to show while it asks which
column holds what."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from app.core.errors import ImportFailed
from app.core.ingest import workbook
from app.core.ingest.detect import COMPRESSIONS, find_header, read_decompressed_head, sniff_table


def preview(path: Path, sheet: str | None = None, limit: int = 20) -> tuple[list[str], list[list[str]]]:
    """(header, first ``limit`` rows) of a table file; ([], []) when it is none. Never raises
    for a damaged file: this is only a preview, the import says what is wrong."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(8)
        if raw[:4] == b"PK\x03\x04" or raw == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            sheets = workbook.sheet_names(path)
            name = sheet if sheet in sheets else (sheets[0] if sheets else None)
            rows = workbook.head_rows(path, name)
            columns, skip = find_header(rows)
            return list(columns), [r[: len(columns)] for r in rows[skip + 1 : skip + 1 + limit]]
        compression = next((name for magic, name in COMPRESSIONS.items() if raw.startswith(magic)), "none")
        if compression != "none":
            head = read_decompressed_head(path, compression)
        else:
            with open(path, "rb") as fh:
                head = fh.read(1 << 20)
    except (OSError, ImportFailed, ValueError):
        return [], []
    encoding = "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head[: 1 << 20], final=False)
    if not text.strip():
        return [], []
    delimiter, columns, skip = sniff_table(path, text)
    lines = text.splitlines(keepends=True)[skip:]
    reader = csv.reader(io.StringIO("".join(lines)), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        next(reader, None)
        for row in reader:
            if len(rows) >= limit:
                break
            rows.append(row)
    except csv.Error:
        pass  # a row cut off at the end of the head: the rows before it are enough
    return list(columns), rows
