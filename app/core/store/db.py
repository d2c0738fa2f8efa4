"""The little of DuckDB that the rest of the app names: the connection type, the errors to
catch, and a typed read of a query's single row.

Only the store imports ``duckdb`` (an import-linter contract in pyproject.toml keeps it so);
other modules take these names from :mod:`app.core.store`.
"""

from __future__ import annotations

from typing import Any

import duckdb

#: An open connection or cursor: ``Workspace.con``, ``Workspace.cursor()``.
Connection = duckdb.DuckDBPyConnection

#: Anything DuckDB raises.
DatabaseError = duckdb.Error
#: A query names a column or table that is not there (a file without a column a format needs).
BinderError = duckdb.BinderException
#: Another transaction changed what this one read; the work can be tried again.
TransactionConflict = duckdb.TransactionException
#: DuckDB ran out of the memory it may use.
OutOfMemory = duckdb.OutOfMemoryException


def is_interrupted(exc: BaseException) -> bool:
    """``exc`` is a query stopped by Ctrl-C: DuckDB takes the interrupt that arrives while it
    runs a statement and raises its own error in place of the KeyboardInterrupt."""
    if isinstance(exc, duckdb.InterruptException):
        return True
    # the Python client's own words when a signal stops a statement (a plain RuntimeError)
    return type(exc) is RuntimeError and str(exc) == "Query interrupted"


def one_row(result: Connection) -> tuple[Any, ...]:
    """The row of a query that always returns exactly one (an aggregate such as ``count(*)``,
    an ``INSERT ... RETURNING`` of one row): ``one_row(con.execute(sql))[0]``."""
    row = result.fetchone()
    if row is None:
        raise DatabaseError("a query that returns one row returned none")
    return row


def engine_version() -> str:
    """DuckDB's version, for the About box and bug reports."""
    return str(duckdb.__version__)
