"""The SQL of the chronicle: the user's own versions of its paragraphs (the figures of each
phase are the facts', from the analysis). Every value travels as a ``?`` parameter."""

from __future__ import annotations

EDITS = "SELECT phase, text FROM chronicle_edits"

#: Parameters: phase, text, updated_at.
SAVE_EDIT = """
    INSERT INTO chronicle_edits (phase, text, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (phase) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at
"""

CLEAR_EDIT = "DELETE FROM chronicle_edits WHERE phase = ?"
