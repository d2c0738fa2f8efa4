"""Is a workspace whole? The tables, views and sequences a workspace of the current format
holds, which of them a given file lacks, and the SQL that puts them back.

What a complete workspace holds is not listed by hand: it is read from a scratch in-memory
database brought up by the same migrations (:data:`app.core.store.schema.MIGRATIONS`), so it
follows every migration that is added.
"""

from __future__ import annotations

import re
from functools import lru_cache

import duckdb

from app.core.store.db import one_row
from app.core.store.schema import MIGRATIONS

#: without these the posts cannot be recovered, so a repair cannot help
REQUIRED_FOR_REPAIR = frozenset({"posts", "imports"})

#: tables the app derives from the posts: a repair rebuilds their content
DERIVED_PREFIXES = ("rollup_",)
DERIVED_TABLES = frozenset({"sentiment", "text_language"})

# in the order they were created (a view may read another)
_OBJECTS = """
    SELECT kind, name, sql FROM (
        SELECT 'table' AS kind, table_name AS name, sql, table_oid AS oid FROM duckdb_tables()
        WHERE schema_name = 'main' AND NOT internal
        UNION ALL
        SELECT 'view', view_name, sql, view_oid FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal
        UNION ALL
        SELECT 'sequence', sequence_name, sql, sequence_oid FROM duckdb_sequences() WHERE schema_name = 'main'
    ) ORDER BY oid
"""

_NAMES = """
    SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal
    UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal
    UNION ALL SELECT sequence_name FROM duckdb_sequences() WHERE schema_name = 'main'
"""


@lru_cache(maxsize=1)
def expected_objects() -> tuple[tuple[str, str, str], ...]:
    """(kind, name, CREATE statement) of everything a complete workspace holds, in the order
    they can be created (sequences, tables, then views)."""
    con = duckdb.connect(":memory:")
    try:
        for step in MIGRATIONS:
            for statement in step:
                con.execute(statement)
        rows = con.execute(_OBJECTS).fetchall()
    finally:
        con.close()
    order = {"sequence": 0, "table": 1, "view": 2}
    rows = sorted(rows, key=lambda r: order[r[0]])  # stable: creation order within a kind
    views = [r for r in rows if r[0] == "view"]
    return tuple([r for r in rows if r[0] != "view"] + _dependencies_first(views))


def _dependencies_first(views: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Views ordered so that each comes after the views it reads (a view replaced by a later
    migration is newer than the views that read it)."""
    names = {name for _, name, _ in views}
    reads = {
        name: {other for other in names if other != name and re.search(rf"\b{re.escape(other)}\b", sql)}
        for _, name, sql in views
    }
    out: list[tuple[str, str, str]] = []
    placed: set[str] = set()
    while len(out) < len(views):
        ready = [v for v in views if v[1] not in placed and reads[v[1]] <= placed]
        if not ready:  # a cycle cannot be created in SQL; keep the rest as they are
            ready = [v for v in views if v[1] not in placed]
        for v in ready:
            out.append(v)
            placed.add(v[1])
    return out


def missing_objects(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The names of what a complete workspace holds and this one lacks (tables first)."""
    present = {r[0] for r in con.execute(_NAMES).fetchall()}
    missing = [(kind, name) for kind, name, _ in expected_objects() if name not in present]
    order = {"table": 0, "view": 1, "sequence": 2}
    return [name for kind, name in sorted(missing, key=lambda m: order[m[0]])]


def is_derived(name: str) -> bool:
    return name in DERIVED_TABLES or name.startswith(DERIVED_PREFIXES)


def recreate_statements(missing: list[str], con: duckdb.DuckDBPyConnection) -> list[str]:
    """The statements that create what is missing; a sequence starts after the largest id
    already used."""
    out = []
    wanted = set(missing)
    for kind, name, create in expected_objects():
        if name not in wanted:
            continue
        statement = create
        if kind == "sequence":
            start = _next_id(con, name)
            statement = re.sub(r"\bSTART(\s+WITH)?\s+\d+", f"START {start}", create, flags=re.IGNORECASE)
            if "START" not in statement.upper():
                statement = statement.rstrip().rstrip(";") + f" START {start}"
        out.append(statement)
    return out


# which column of which table a sequence numbers
_SEQUENCE_USERS = {"import_id_seq": ("imports", "import_id"), "annotation_id_seq": ("annotations", "id")}


def _next_id(con: duckdb.DuckDBPyConnection, sequence: str) -> int:
    table, column = _SEQUENCE_USERS.get(sequence, (None, None))
    present = {r[0] for r in con.execute(_NAMES).fetchall()}
    if table is None or table not in present:
        return 1
    try:
        # names from the table above, never from the file
        top = one_row(con.execute(f"SELECT max({column}) FROM {table}"))[0]
    except duckdb.Error:
        return 1
    return int(top or 0) + 1
