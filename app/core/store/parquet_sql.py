"""The SQL of the Parquet export: which tables, each column as a portable type, and the COPY.

A distributed engine (Spark, Trino, BigQuery, MotherDuck) reads Parquet's standard types, so
each column is written as one: times as UTC instants (``TIMESTAMP`` stored UTC becomes
``TIMESTAMP WITH TIME ZONE``, written with ``isAdjustedToUTC``), the 128-bit ``text_key`` as
32 hexadecimal digits (Parquet has no unsigned 128-bit integer, and DuckDB would write it as a
DOUBLE), JSON as text. Post, author and reference ids are text in the workspace already. Table
and column names come from the workspace's catalog, never from the user; paths are parameters.
"""

from __future__ import annotations

#: Derived tables the app rebuilds from ``posts`` and ``sentiment`` (app.core.rollup): not
#: part of an export, since any engine recomputes them with one GROUP BY.
DERIVED_PREFIXES = ("rollup_",)

TABLES = """
    SELECT table_name FROM duckdb_tables()
    WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
    ORDER BY table_name
"""

COLUMNS = """
    SELECT column_name, data_type FROM duckdb_columns()
    WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?
    ORDER BY column_index
"""

#: Tables written by day: the table and the time column whose UTC day names the partition.
BY_DAY = {"posts": "created_at"}
PARTITION_COLUMN = "day"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def portable(column: str, data_type: str) -> str:
    """The select expression that writes ``column`` as a type every Parquet reader takes."""
    c = _ident(column)
    if data_type == "TIMESTAMP":
        return f"timezone('UTC', {c}) AS {c}"
    if data_type in ("UHUGEINT", "HUGEINT"):
        return f"lower(lpad(hex({c}), 32, '0')) AS {c}"
    if data_type == "JSON":
        return f"{c}::VARCHAR AS {c}"
    return c


def copy_table(table: str, columns: list[tuple[str, str]]) -> str:
    """COPY of one table to Parquet (zstd); by day, into Hive-style ``day=YYYY-MM-DD``
    folders (the UTC day of ``created_at``), in time order within each file so that readers
    skip row groups by time. Parameter: the file or folder to write."""
    select = ", ".join(portable(name, dtype) for name, dtype in columns)
    if table in BY_DAY:
        t = _ident(BY_DAY[table])
        return f"""
            COPY (SELECT {select}, CAST({t} AS DATE) AS {PARTITION_COLUMN}
                  FROM {_ident(table)} ORDER BY {t})
            TO ? (FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({PARTITION_COLUMN}))
        """
    return f"COPY (SELECT {select} FROM {_ident(table)}) TO ? (FORMAT parquet, COMPRESSION zstd)"


def count_rows(table: str) -> str:
    return f"SELECT count(*) FROM {_ident(table)}"


#: What a reader sees: each column's Parquet-side type, read back from the written files.
READ_BACK_TYPES = "DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = true)"
