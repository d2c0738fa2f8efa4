"""What a format module gets to stage one file, and the record sources shared by formats.

A format module's ``stage(ctx)`` fills the temp table :data:`STAGE` with one row per record
(see :mod:`app.core.store.ingest_sql`). The import around it owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.ingest.detect import Detected
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

    def run(self, sql: str, params: list[Any], message: str = "Reading") -> None:
        self.ws.run(sql, params, progress=self.progress, con=self.con, message=message)


_SOURCES = {
    "lines": q.LINES,
    "array": q.ARRAY_ELEMENTS,
    "document": q.DOCUMENTS,
    "search": q.SEARCH_STATUSES,
}


def record_source(ctx: StageContext, path: Path | list[str] | None = None) -> tuple[str, list[Any]]:
    """The query yielding ``line_no, line`` for the file's layout, with its parameters."""
    target = path if path is not None else ctx.path
    source = [str(p) for p in target] if isinstance(target, list) else str(target)
    return _SOURCES[ctx.detected.layout], [source, ctx.detected.compression]
