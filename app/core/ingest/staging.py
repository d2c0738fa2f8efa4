"""What a format module gets to stage one file, and the record sources shared by formats.

A format module's ``stage(ctx)`` fills the temp table :data:`STAGE` with one row per record
(see :mod:`app.core.store.ingest_sql`): the posts columns, ``line_no``, ``verdict`` and
``raw_value`` (the value a rejection quotes). The import around it owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.ingest.detect import Detected
from app.core.ingest.options import ImportOptions
from app.core.ingest.sources import decompressed_copy
from app.core.model import FileReport
from app.core.progress import Cancelled, Progress
from app.core.store import ingest_sql as q
from app.core.store.db import Connection, DatabaseError, one_row
from app.core.store.workspace import Workspace

STAGE = "itx_stage"


@dataclass
class StageContext:
    ws: Workspace
    con: Connection
    path: Path
    detected: Detected
    progress: Progress
    tmpdir: Path
    mapping: dict[str, str] = field(default_factory=dict)
    options: ImportOptions = field(default_factory=ImportOptions)
    #: the file's report, for what a stager learns on the way (zone used, warnings)
    report: FileReport | None = None
    #: how many lines the file has, when counted on the way (None: not known)
    counted_lines: Callable[[], int | None] = lambda: None

    def run(self, sql: str, params: list[Any] | dict[str, Any], message: str = "Reading") -> None:
        self.ws.run(sql, params, progress=self.progress, con=self.con, message=message)


_SOURCES = {
    "lines": q.LINES,
    "array": q.ARRAY_ELEMENTS,
    "document": q.DOCUMENTS,
    "search": q.SEARCH_STATUSES,
}


def readable(ctx: StageContext) -> tuple[str, str]:
    """(path, compression) DuckDB can read: .xz / .bz2 / UTF-16 are unpacked to the temp folder."""
    det = ctx.detected
    if det.compression in ("xz", "bz2") or det.encoding == "utf-16":
        return str(decompressed_copy(ctx.path, det.compression, det.encoding, ctx.tmpdir)), "none"
    return str(ctx.path), det.compression


def record_source(ctx: StageContext, path: Path | list[str] | None = None) -> tuple[str, list[Any]]:
    """The query yielding ``line_no, line`` for the file's layout, with its parameters."""
    if path is None:
        target, compression = readable(ctx)
    else:
        target = [str(p) for p in path] if isinstance(path, list) else str(path)
        compression = ctx.detected.compression
    return _SOURCES[ctx.detected.layout], [target, compression]


#: Compressions DuckDB's JSON reader opens itself.
_JSON_READER_COMPRESSIONS = ("none", "gzip", "zstd")


def json_lines(ctx: StageContext) -> tuple[str, str] | None:
    """(path, compression) of a JSON-lines file DuckDB's JSON reader can read as it is."""
    det = ctx.detected
    if det.layout != "lines" or det.encoding != "utf-8" or det.compression not in _JSON_READER_COMPRESSIONS:
        return None
    return str(ctx.path), det.compression


def first_pass(
    ctx: StageContext,
    build: Callable[[], None],
    records: str,
    tables: tuple[str, ...],
    then: Callable[[], None] | None = None,
) -> bool:
    """Stage a JSON-lines file with DuckDB's JSON reader (:func:`app.core.store.ingest_sql.json_reader`)
    and keep the result only where it is exactly what the line-by-line stager would make.

    ``build`` fills ``records`` (one row per line, ``line_no`` NULL); its rows are then numbered
    by position, and ``then`` stages :data:`STAGE` from them. Kept (True) when the reader read
    the whole file, one row for each line (so no blank line shifts the numbers that rejections
    and conflicts quote), and nothing in it was rejected (the reader cannot say where a
    damaged record is, and reads a few damaged ones differently). Otherwise ``tables`` are
    dropped and False returned: the caller stages line by line. A failed statement aborts a
    transaction, so this runs before the import's own; cancelling it raises :class:`Cancelled`.
    """
    con, kept = ctx.con, False
    try:
        try:
            build()
        except DatabaseError:
            if ctx.progress.cancelled():
                raise Cancelled() from None
            return False
        rows = one_row(con.execute(q.count_rows(records)))[0]
        lines = ctx.counted_lines()
        if lines is None:
            lines = one_row(
                ctx.ws.run(q.COUNT_LINES, [str(ctx.path), ctx.detected.compression], ctx.progress)
            )[0]
        if rows != lines:
            return False
        con.execute(q.number_by_position(records))
        if then is not None:
            then()
        kept = not one_row(con.execute(q.has_rejections(STAGE)))[0]
        return kept
    finally:
        if not kept:
            for table in tables:
                con.execute(q.drop(table))
