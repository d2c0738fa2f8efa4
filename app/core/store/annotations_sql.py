"""The SQL of annotations (turning points the user keeps) and of dismissed suggestions.

Every value travels as a ``?`` parameter. Times are naive UTC TIMESTAMPs, like every time
column of the workspace.
"""

from __future__ import annotations

#: The columns of an annotation, in the order :func:`app.core.annotations._from_row` reads.
COLUMNS = "id, starts_at, ends_at, label, category, note, colour, origin, evidence, created_at, updated_at"

LIST = f"SELECT {COLUMNS} FROM annotations ORDER BY starts_at, ends_at NULLS FIRST, id"

GET = f"SELECT {COLUMNS} FROM annotations WHERE id = ?"

#: Parameters: starts_at, ends_at, label, category, note, colour, origin, evidence (JSON text
#: or NULL), created_at, updated_at (both as the caller's UTC "now" unless kept from a file).
INSERT = f"""
    INSERT INTO annotations (starts_at, ends_at, label, category, note, colour, origin, evidence,
                             created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?::JSON, ?, ?)
    RETURNING {COLUMNS}
"""

#: The same with the id given: undoing a delete puts the annotation back as it was.
INSERT_WITH_ID = f"""
    INSERT INTO annotations (id, starts_at, ends_at, label, category, note, colour, origin,
                             evidence, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::JSON, ?, ?)
    RETURNING {COLUMNS}
"""

#: Parameters: starts_at, ends_at, label, category, note, colour, origin, evidence,
#: updated_at, id.
UPDATE = f"""
    UPDATE annotations
    SET starts_at = ?, ends_at = ?, label = ?, category = ?, note = ?, colour = ?, origin = ?,
        evidence = ?::JSON, updated_at = ?
    WHERE id = ?
    RETURNING {COLUMNS}
"""

DELETE = "DELETE FROM annotations WHERE id = ?"

# ---- dismissed suggestions ------------------------------------------------------------------

DISMISS = """
    INSERT INTO dismissed_suggestions (key, dismissed_at) VALUES (?, ?)
    ON CONFLICT (key) DO NOTHING
"""

UNDISMISS = "DELETE FROM dismissed_suggestions WHERE key = ?"

DISMISSED_KEYS = "SELECT key FROM dismissed_suggestions"
