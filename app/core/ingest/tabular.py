"""Tables of posts: CSV and TSV (UTF-8 or UTF-16, any compression), workbook sheets, the CSVs
of twarc-csv and twitwi/minet, listening tools' exports, and any table with a column mapping.

The rows are read whole by DuckDB (:mod:`app.core.store.ingest_table_sql`); Python only
decides, once per file, which column holds what, how the date column reads, and whether the
ids survived a spreadsheet.
"""

from __future__ import annotations

import contextlib
import re

from app.core.errors import ImportFailed
from app.core.ingest import dates, listening, workbook
from app.core.ingest.sources import decompressed_copy
from app.core.ingest.staging import STAGE, StageContext
from app.core.label_values import parse_label
from app.core.store import ingest_table_sql as q
from app.core.store.db import BinderError, DatabaseError
from app.core.store.ingest_sql import drop
from app.core.store.ingest_text_sql import date_survey

#: Fields a post cannot do without (the id may come from the post's address instead).
REQUIRED = ("post_id", "created_at", "text")

_KNOWN_FIELDS = {
    "csv-twarc": (q.twarc_csv_fields, "created_at"),
    "csv-twitwi": (q.twitwi_csv_fields, "timestamp_utc"),
}

SPREADSHEET_HELP = (
    "Export the file again with the ids as text (in Excel or LibreOffice: format the id column as "
    "Text before you paste or open the data, or import the CSV with that column set to Text), "
    'or take each id from the post\'s address with --map "URL=post_url" (naming your URL column).'
)


class DamagedIds(ImportFailed):
    """The id column was rewritten by a spreadsheet: nothing of the file is imported."""


def check_mapping(
    mapping: dict[str, str | tuple[str, ...]], columns: tuple[str, ...] | list[str], path: str
) -> dict:
    """A mapping names real columns (matched as written, else ignoring case and spaces) and
    the fields a post cannot do without; returns it with the file's own column names."""
    unknown = sorted(set(mapping) - set(q.MAPPABLE_FIELDS))
    if unknown:
        raise ImportFailed(
            path,
            f"the mapping names fields the app does not know: {', '.join(unknown)} "
            f"(fields are: {', '.join(q.MAPPABLE_FIELDS)}).",
        )
    by_norm = {listening.norm(c): c for c in columns}
    resolved: dict[str, str] = {}
    missing_cols = []
    for field, col in mapping.items():
        if isinstance(col, tuple) or col in columns:  # a tuple: a listening tool's columns, from the file
            resolved[field] = col
        elif listening.norm(col) in by_norm:
            resolved[field] = by_norm[listening.norm(col)]
        else:
            missing_cols.append(col)
    if missing_cols:
        raise ImportFailed(
            path,
            f"the mapping names columns the file does not have: {', '.join(missing_cols)} "
            f"(its columns are: {', '.join(columns)}).",
        )
    missing = [f for f in REQUIRED if f not in resolved and not (f == "post_id" and "post_url" in resolved)]
    if missing:
        raise ImportFailed(path, f"the mapping must say which column holds {', '.join(missing)}.")
    return resolved


def _read(ctx: StageContext) -> int:
    """Read the rows into the raw table; return the position of the header row."""
    det = ctx.detected
    path, compression, encoding, skip, delimiter = (
        ctx.path,
        det.compression,
        det.encoding,
        det.skip,
        det.delimiter,
    )
    if det.layout == "xlsx":
        assert det.sheet is not None
        path = workbook.write_csv(ctx.path, det.sheet, det.skip, ctx.tmpdir / "sheet.csv")
        compression, encoding, skip, delimiter = "none", "utf-8", 0, ","
    elif compression in ("xz", "bz2"):
        path = decompressed_copy(ctx.path, compression, encoding, ctx.tmpdir)
        compression, encoding = "none", "utf-8"
    ctx.run(q.read_rows(delimiter, skip, encoding), {"path": str(path), "compression": compression})
    return det.skip + 1


def stage(ctx: StageContext) -> None:
    det = ctx.detected
    con = ctx.con
    try:
        first = _read(ctx)
        bad = con.execute(q.READER_REJECTS).fetchall()
        ctx.run(q.ADD_POSITIONS, {"first": first, "rejected": [line for line, _ in bad]}, message="Reading")
        columns = [r[0] for r in con.execute(q.RAW_COLUMNS).fetchall() if r[0] != "rec_no"]
        if det.format in _KNOWN_FIELDS:
            builder, date_col = _KNOWN_FIELDS[det.format]
            missing = [c for c in (date_col, "id", "text") if c not in columns]
            if missing:
                raise ImportFailed(
                    str(ctx.path), f"a column the format needs is missing ({', '.join(missing)})."
                )
            mapping = {"created_at": date_col, "post_id": "id", "text": "text"}
            fields = builder()
            # the tool's other columns may be left out of a file: they are then unknown
            needed = set(re.findall(r'"((?:[^"]|"")+)"', " ".join(fields.values())))
            for name in sorted(needed - set(columns)):
                con.execute(q.add_missing_column(name))
        else:
            mapping = dict(listening.mapping(det.format, columns)) if det.format in listening.VENDORS else {}
            mapping.update(ctx.mapping)
            mapping = check_mapping(mapping, tuple(columns), str(ctx.path))
            mapping = _check_ids(ctx, mapping)
            fields = q.table_fields({f: c for f, c in mapping.items() if f not in q.EXTRA_FIELDS})
        date_value = q.quote_ident(mapping["created_at"])
        if "time_of_day" in mapping:
            date_value = f"concat_ws(' ', {date_value}, {q.quote_ident(mapping['time_of_day'])})"
        survey = con.execute(date_survey(q.ROWS, date_value)).fetchone()
        reading = dates.decide(str(ctx.path), mapping["created_at"], survey, ctx.options)
        ctx.report.timezone = reading.timezone
        ctx.report.warnings.extend(reading.warnings)
        label_col = mapping.get("human_label")
        vendor_col = mapping.get("vendor_sentiment")
        if label_col:
            _value_map(con, q.LABEL_MAP, label_col, strict=True)
        if vendor_col:
            _value_map(
                con, q.VENDOR_SENTIMENT_MAP, vendor_col, strict=False, numeric=_numeric_sentiment(det.format)
            )
        ctx.run(
            q.stage_table(STAGE, fields, date_value, reading.dayfirst, label_col, vendor_col),
            {"zone": reading.timezone or "UTC"},
        )
        ctx.report.position = "row" if det.layout == "xlsx" else "line"
        if bad:
            con.executemany(
                q.insert_reader_rejects(STAGE),
                [
                    [line, f"reject:a row that could not be read ({kind.lower().replace('_', ' ')})"]
                    for line, kind in bad
                ],
            )
    except BinderError as exc:
        raise ImportFailed(
            str(ctx.path), f"a column the format needs is missing ({_first_line(exc)})."
        ) from None
    finally:
        for table in (q.REJECTS_TABLE, q.SCANS_TABLE, q.RAW, q.ROWS, q.LABEL_MAP, q.VENDOR_SENTIMENT_MAP):
            with contextlib.suppress(DatabaseError):
                con.execute(drop(table))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0]


def _numeric_sentiment(fmt: str) -> bool:
    vendor = listening.VENDORS.get(fmt)
    return bool(vendor and vendor.numeric_sentiment)


def _value_map(con, table: str, column: str, strict: bool, numeric: bool = False) -> None:
    """Read a column of labels once per distinct value (a file has a handful) into a small
    map the staging query joins: strict for human labels (an unknown value rejects its row),
    lenient for a tool's sentiment ("mixed", "not rated": unknown)."""
    con.execute(q.create_value_map(table))
    rows = []
    for (raw,) in con.execute(q.distinct_values(column)).fetchall():
        label, problem = None, None
        try:
            label = parse_label(raw)
        except ValueError as exc:
            if numeric:
                with contextlib.suppress(ValueError):
                    score = float(raw)
                    label = "negative" if score < 0 else "positive" if score > 0 else "neutral"
            if label is None and strict:
                problem = str(exc)
        rows.append([raw, label, problem])
    if rows:
        con.executemany(q.insert_value_map(table), rows)


def _check_ids(ctx: StageContext, mapping: dict[str, str]) -> dict[str, str]:
    """Refuse ids a spreadsheet damaged, before anything is written; when the file also has
    the posts' addresses, take the ids from those instead (and say so)."""
    if "post_id" not in mapping:
        return mapping
    column = mapping["post_id"]
    con = ctx.con
    n_sci, example, line = con.execute(q.scientific_ids(column)).fetchone()
    n_long, n_zeros = con.execute(q.rounded_ids(column)).fetchone()
    if n_sci:
        problem = (
            f"the post ids in column “{column}” were damaged by a spreadsheet: {n_sci:,} are written "
            f"as rounded numbers (“{example}” on line {line}), so different posts share one id."
        )
    elif n_long >= 10 and n_zeros > 0.5 * n_long:
        problem = (
            f"the post ids in column “{column}” were damaged by a spreadsheet: {n_zeros:,} of "
            f"{n_long:,} end in 000 (a spreadsheet keeps 15 digits and rounds the rest away), so "
            "different posts share one id."
        )
    else:
        return mapping
    if "post_url" in mapping and "post_id" not in ctx.mapping:
        ctx.report.warnings.append(
            problem[:-1]
            + f"; the ids were taken from the posts' addresses in column “{mapping['post_url']}” instead."
        )
        return {f: c for f, c in mapping.items() if f != "post_id"}
    raise DamagedIds(str(ctx.path), f"{problem} Nothing was imported. {SPREADSHEET_HELP}")
