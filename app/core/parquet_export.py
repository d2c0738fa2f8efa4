"""A workspace as Parquet, for engines beyond one machine (Spark, Trino, BigQuery, MotherDuck).

``export_parquet(ws, folder)`` writes every table of the workspace (not the rollups, which
are derived) with DuckDB's ``COPY``: ``posts`` partitioned by the UTC day of ``created_at``
into Hive-style folders (``posts/day=2021-11-08/data_0.parquet``), the other tables as one
file each, and a ``manifest.json`` that names every table, its rows and its columns' types.
The column names are the workspace's, so SQL written against a workspace runs on the export;
ids are text and times are UTC instants (see :mod:`app.core.store.parquet_sql`).

The folder appears complete or not at all: everything is written into a hidden folder beside
it and renamed into place at the end; a cancel or a failure removes the hidden folder. A folder
that exists is only replaced when it is empty, or when it holds an earlier export and the
caller asks to replace it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from app import __version__
from app.core.errors import UserError
from app.core.progress import NullProgress, Progress, check
from app.core.safe_output import _UMASK, describe_write_error
from app.core.store import one_row
from app.core.store import parquet_sql as q
from app.core.store.workspace import Workspace

MANIFEST = "manifest.json"


FORMAT = "incident-timeline-parquet"


@dataclass
class ParquetExport:
    folder: Path
    tables: dict[str, int] = field(default_factory=dict)  # rows per table
    bytes: int = 0
    days: int = 0
    seconds: float = 0.0


def check_folder(folder: Path, replace: bool) -> None:
    """Refuse, in words, a folder that the export must not write into."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file; give the name of a folder for the Parquet export.")
    if not folder.parent.is_dir():
        raise UserError(f"The folder {folder.parent} does not exist, so {folder.name} cannot be made there.")
    if folder.is_dir() and any(folder.iterdir()):
        if not (folder / MANIFEST).is_file() or _manifest_format(folder) != FORMAT:
            raise UserError(
                f"{folder} already holds other files; the Parquet export needs a new or empty folder."
            )
        if not replace:
            raise UserError(
                f"{folder} already holds a Parquet export; choose another folder, or add --force to replace it."
            )


def export_parquet(
    ws: Workspace, folder: str | os.PathLike, replace: bool = False, progress: Progress | None = None
) -> ParquetExport:
    """Write the workspace's tables as Parquet into ``folder``; see the module's doc."""
    progress = progress or NullProgress()
    folder = Path(folder).absolute()
    check_folder(folder, replace)
    started = time.perf_counter()
    con = ws.cursor()
    tables = [t for (t,) in con.execute(q.TABLES).fetchall() if not t.startswith(q.DERIVED_PREFIXES)]
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name[:80]}.", suffix=".part", dir=folder.parent))
    except OSError as exc:
        raise UserError(describe_write_error(exc, folder)) from exc
    with contextlib.suppress(OSError):
        os.chmod(tmp, 0o777 & ~_UMASK)  # mkdtemp's folder is private; the export is not
    result = ParquetExport(folder)
    manifest_tables = {}
    try:
        for i, table in enumerate(tables):
            check(progress)
            progress.report(i, len(tables), f"Writing {table} as Parquet")
            columns = con.execute(q.COLUMNS, [table]).fetchall()
            by_day = table in q.BY_DAY
            target = tmp / table if by_day else tmp / f"{table}.parquet"
            ws.run(
                q.copy_table(table, columns),
                [str(target)],
                progress=progress,
                con=con,
                message=f"Writing {table} as Parquet",
            )
            rows = one_row(con.execute(q.count_rows(table)))[0]
            pattern = str(target / "*" / "*.parquet") if by_day else str(target)
            if by_day and not rows:
                target.mkdir(exist_ok=True)  # COPY writes no folder for no rows
                types = [(name, _after_export(dtype)) for name, dtype in columns]
            else:
                types = [(r[0], r[1]) for r in con.execute(q.READ_BACK_TYPES, [pattern]).fetchall()]
            result.tables[table] = rows
            entry = {
                "path": target.name + ("/" if by_day else ""),
                "rows": rows,
                "columns": dict(types),
            }
            if by_day:
                days = sorted(p.name.split("=", 1)[1] for p in target.iterdir() if p.is_dir())
                result.days = len(days)
                entry["partitioned_by"] = {
                    "column": q.PARTITION_COLUMN,
                    "of": q.BY_DAY[table],
                    "style": "hive",
                    "days": [days[0], days[-1]] if days else [],
                }
            manifest_tables[table] = entry
        check(progress)
        manifest = {
            "format": FORMAT,
            "format_version": 1,
            "written_by": f"Incident Timeline Explorer {__version__}",
            "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "workspace": ws.path.name,
            "incident": ws.incident_name,
            "display_timezone": ws.timezone,
            "conventions": {
                "ids": "text (post, author and reference ids are never numbers: 19 digits exceed a double)",
                "times": "UTC instants (Parquet TIMESTAMP, isAdjustedToUTC = true)",
                "text_key": "32 hex digits; posts.text_key = sentiment.text_key joins a post to its scores",
                "partitions": "posts/day=YYYY-MM-DD/: the UTC day of created_at (Hive style)",
                "not_exported": "the rollup_* tables: derived from posts and sentiment",
            },
            "tables": manifest_tables,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        result.bytes = sum(p.stat().st_size for p in tmp.rglob("*") if p.is_file())
        _move_into_place(tmp, folder)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise UserError(
                f"Could not write the Parquet export to {folder}: {exc.strerror or exc}."
            ) from exc
        raise
    result.seconds = time.perf_counter() - started
    progress.report(len(tables), len(tables), f"Wrote {len(tables)} tables as Parquet")
    return result


def _after_export(dtype: str) -> str:
    """The type a column has in the export (for an empty partitioned table, not read back)."""
    if dtype == "TIMESTAMP":
        return "TIMESTAMP WITH TIME ZONE"
    if dtype in ("UHUGEINT", "HUGEINT", "JSON"):
        return "VARCHAR"
    return dtype


def _manifest_format(folder: Path) -> str | None:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("format")
    except (OSError, ValueError, AttributeError):
        return None


def _move_into_place(tmp: Path, folder: Path) -> None:
    """Rename the finished export onto ``folder``; an earlier export (or an empty folder)
    there is moved aside first and removed once the new one is in place."""
    old = None
    if folder.exists():
        old = folder.with_name(f".{folder.name[:80]}.{os.getpid()}.old")
        os.rename(folder, old)
    try:
        os.rename(tmp, folder)
    except BaseException:
        if old is not None:
            with contextlib.suppress(OSError):
                os.rename(old, folder)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
