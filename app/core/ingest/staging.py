"""What a format module gets to stage one file, and the record sources shared by formats.

A format module's ``stage(ctx)`` fills the temp table :data:`STAGE` with one row per record
(see :mod:`app.core.store.ingest_sql`): the posts columns, ``line_no``, ``verdict`` and
``raw_value`` (the value a rejection quotes). The import around it owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.ingest.detect import Detected
from app.core.ingest.options import ImportOptions
from app.core.ingest.sources import decompressed_copy
from app.core.model import FileReport
from app.core.progress import Progress
from app.core.store import ingest_sql as q
from app.core.store.db import Connection
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
