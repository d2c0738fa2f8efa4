"""The workspace store: the DuckDB file, its schema, and every SQL statement the app runs."""

from app.core.store.workspace import Workspace

__all__ = ["Workspace"]
