"""The SQL of saved views (a named filter, time range and cursor). Every value is a ``?``."""

from __future__ import annotations

COLUMNS = "name, filter, starts_at, ends_at, cursor_at, created_at, updated_at"

LIST = f"SELECT {COLUMNS} FROM saved_views ORDER BY lower(name), name"

#: Parameters: name, filter (JSON text), starts_at, ends_at, cursor_at, now (created), now
#: (updated). Saving under a name in use replaces that view and keeps when it was created.
SAVE = """
    INSERT INTO saved_views (name, filter, starts_at, ends_at, cursor_at, created_at, updated_at)
    VALUES (?, ?::JSON, ?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET filter = excluded.filter, starts_at = excluded.starts_at,
        ends_at = excluded.ends_at, cursor_at = excluded.cursor_at, updated_at = excluded.updated_at
"""

EXISTS = "SELECT count(*) FROM saved_views WHERE name = ?"

#: Parameters: new name, now, old name.
RENAME = "UPDATE saved_views SET name = ?, updated_at = ? WHERE name = ?"

DELETE = "DELETE FROM saved_views WHERE name = ?"
