"""The SQL behind the incident's archive-wide facts (:mod:`app.core.facts`): what the archive
holds, counted once. Each query returns a typed row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ArchiveRow:
    posts: int
    accounts: int
    first: datetime | None
    last: datetime | None
    with_followers: int
    retweets: int
    with_collected_counts: int
    platforms: tuple[str, ...]
    kinds: dict[str, int]


_ARCHIVE = """
    SELECT count(*),
           count(DISTINCT (platform, lower(author_handle))) FILTER (WHERE author_handle IS NOT NULL),
           min(created_at), max(created_at),
           count(author_followers),
           count(*) FILTER (WHERE kind = 'retweet'),
           count(*) FILTER (WHERE retweet_count IS NOT NULL OR quote_count IS NOT NULL),
           list(DISTINCT platform ORDER BY platform)
    FROM posts
"""

_KINDS = "SELECT kind, count(*) FROM posts GROUP BY kind"


def archive(con: Any) -> ArchiveRow:
    row = con.execute(_ARCHIVE).fetchone()
    kinds = {str(k): int(n) for k, n in con.execute(_KINDS).fetchall()}
    return ArchiveRow(
        posts=int(row[0]),
        accounts=int(row[1]),
        first=row[2],
        last=row[3],
        with_followers=int(row[4]),
        retweets=int(row[5]),
        with_collected_counts=int(row[6]),
        platforms=tuple(row[7] or ()),
        kinds=kinds,
    )
