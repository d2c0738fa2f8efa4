"""What the window offers to choose from in a workspace (its languages, most used first)."""

from __future__ import annotations

from app.core.store import overview_sql as q
from app.core.store.db import Connection
from app.core.store.workspace import Workspace


def languages(ws: Workspace, limit: int = 60, con: Connection | None = None) -> list[tuple[str, int]]:
    """(language code, posts) pairs, the most common first."""
    return [(lang, n) for lang, n in (con or ws.cursor()).execute(q.LANGUAGES, [limit]).fetchall()]
