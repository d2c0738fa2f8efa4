"""The workspace store: the DuckDB file, its schema, and every SQL statement the app runs."""

from app.core.store.db import (
    BinderError,
    Connection,
    DatabaseError,
    TransactionConflict,
    engine_version,
    one_row,
)
from app.core.store.workspace import Workspace

__all__ = [
    "BinderError",
    "Connection",
    "DatabaseError",
    "TransactionConflict",
    "Workspace",
    "engine_version",
    "one_row",
]
