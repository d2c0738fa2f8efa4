"""CSV exports: twarc-csv's and twitwi/minet's columns, or any CSV with a column mapping."""

from __future__ import annotations

import contextlib

from app.core.errors import ImportFailed
from app.core.ingest.staging import STAGE, StageContext
from app.core.store import ingest_sql as q
from app.core.store.db import BinderError, DatabaseError

REQUIRED = ("post_id", "created_at", "text")


def check_mapping(mapping: dict[str, str], columns: tuple[str, ...], path: str) -> None:
    """A mapping names real columns and at least the fields a post cannot do without."""
    unknown = sorted(set(mapping) - set(q.MAPPABLE_FIELDS))
    if unknown:
        raise ImportFailed(
            path,
            f"the mapping names fields the app does not know: {', '.join(unknown)} "
            f"(fields are: {', '.join(q.MAPPABLE_FIELDS)}).",
        )
    missing_cols = [c for c in mapping.values() if c not in columns]
    if missing_cols:
        raise ImportFailed(
            path,
            f"the mapping names columns the file does not have: {', '.join(missing_cols)} "
            f"(its columns are: {', '.join(columns)}).",
        )
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        raise ImportFailed(path, f"the mapping must say which column holds {', '.join(missing)}.")


def stage(ctx: StageContext) -> None:
    det = ctx.detected
    if det.format == "csv-twarc":
        fields = q.twarc_csv_fields()
    elif det.format == "csv-twitwi":
        fields = q.twitwi_csv_fields()
    else:
        check_mapping(ctx.mapping, det.columns, str(ctx.path))
        fields = q.mapped_csv_fields(ctx.mapping)
    try:
        ctx.run(
            f"CREATE TEMP TABLE {STAGE} AS {q.stage_csv(q.CSV_ROWS, fields)}",
            [str(ctx.path), det.compression],
        )
        # rows the CSV reader itself could not parse, with their line numbers
        bad = ctx.con.execute(q.CSV_REJECTS).fetchall()
        if bad:
            ctx.con.executemany(
                f"INSERT INTO {STAGE} (line_no, verdict) VALUES (?, ?)",
                [
                    [line, f"reject:a CSV row that could not be read ({kind.lower().replace('_', ' ')})"]
                    for line, kind in bad
                ],
            )
    except BinderError as exc:
        raise ImportFailed(str(ctx.path), f"a column the format needs is missing ({exc}).") from None
    finally:
        for table in (q.CSV_REJECTS_TABLE, q.CSV_SCANS_TABLE):
            with contextlib.suppress(DatabaseError):
                ctx.con.execute(f"DROP TABLE IF EXISTS {table}")
