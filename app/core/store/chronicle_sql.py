"""The SQL of the chronicle: the brand's own posts, and the user's edits of the paragraphs.

The figures of each phase come from :mod:`app.core.metrics` (the rollups); only what the
metrics do not give is asked here. Every value travels as a ``?`` parameter.
"""

from __future__ import annotations

#: Every post by the brand's accounts, in time order: (created_at, post_id, text, kind,
#: author_handle, ref_author_handle). Parameter: the brand handles (lower case, VARCHAR[]).
BRAND_POSTS = """
    SELECT created_at, post_id, text, kind, author_handle, ref_author_handle
    FROM posts
    WHERE coalesce(lower(author_handle) IN (SELECT unnest(?::VARCHAR[])), false)
    ORDER BY created_at, post_id
"""

EDITS = "SELECT phase, text FROM chronicle_edits"

#: Parameters: phase, text, updated_at.
SAVE_EDIT = """
    INSERT INTO chronicle_edits (phase, text, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (phase) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at
"""

CLEAR_EDIT = "DELETE FROM chronicle_edits WHERE phase = ?"
