"""A first look at a workspace: hourly volume per kind of post, as plain lists for plotting."""

from __future__ import annotations

from app.core.store import overview_sql as q
from app.core.store.workspace import Workspace

KINDS = ("post", "reply", "quote", "retweet")


def hourly_volume(ws: Workspace) -> tuple[list[float], dict[str, list[int]]]:
    """(hour starts as Unix seconds, {kind: posts in that hour}) over the whole incident."""
    rows = ws.cursor().execute(q.HOURLY_VOLUME_BY_KIND).fetchall()
    hours = sorted({t for t, _, _ in rows})
    index = {t: i for i, t in enumerate(hours)}
    series = {k: [0] * len(hours) for k in KINDS}
    for t, kind, n in rows:
        series.setdefault(kind, [0] * len(hours))[index[t]] = n
    return [float(h) for h in hours], series
