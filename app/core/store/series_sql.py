"""The SQL of the series-based analysis (:mod:`app.core.analysis` volume, peaks, sentiment
shifts, early warning, coverage), as functions returning typed rows.

Those detectors read binned series (:mod:`app.core.metrics`, answered from the rollups); the
few questions a series cannot answer are here: which posts were being shared in a range (the
posts behind a change of volume), who posted most there when nothing was shared, and the
most negative posts of a range. Counts are of posts in the archive (no follower counts are
needed, so nothing here ranks on an unknown value). Times are Unix seconds (UTC) in and out;
every value is passed as a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from app.core.store.derived import fill
from app.core.store.metrics_sql import SCORE_SOURCES

_EPOCH = datetime(1970, 1, 1)


def _ts(seconds: float) -> datetime:
    return _EPOCH + timedelta(seconds=float(seconds))


def _unix(ts: datetime) -> float:
    if ts.tzinfo is not None:
        ts = ts.astimezone(timezone.utc).replace(tzinfo=None)
    return (ts - _EPOCH).total_seconds()


@dataclass(frozen=True)
class SharedPost:
    """A post that posts of a range retweeted or quoted: how many did, and its author."""

    platform: str
    post_id: str
    author: str | None
    shares: int


#: The posts retweeted or quoted most by the posts of [start, end): each with its author and
#: the number of those shares. Params: start, end (naive UTC), limit.
_MOST_SHARED = """
    SELECT platform, ref_post_id, any_value(ref_author_handle) AS author, count(*) AS shares
    FROM posts
    WHERE created_at >= ? AND created_at < ? AND kind IN ('retweet', 'quote')
          AND ref_post_id IS NOT NULL
    GROUP BY platform, ref_post_id
    ORDER BY shares DESC, ref_post_id ASC
    LIMIT ?
"""


def most_shared(con: Any, start: float, end: float, limit: int = 5) -> list[SharedPost]:
    """The posts most retweeted or quoted by the posts of [start, end), most shared first."""
    rows = con.execute(_MOST_SHARED, [_ts(start), _ts(end), int(limit)]).fetchall()
    return [SharedPost(p, str(i), a, int(n)) for p, i, a, n in rows]


@dataclass(frozen=True)
class ActivePost:
    """An account's first post in a range and how many it posted there."""

    platform: str
    post_id: str
    author: str
    posts: int


#: The accounts that posted most in [start, end) (retweets left out: a retweet repeats
#: another's voice), each with its first post there. Params: start, end, limit.
_MOST_ACTIVE = """
    SELECT platform, arg_min(post_id, (created_at, post_id)) AS first_post,
           arg_max(author_handle, created_at) AS author, count(*) AS posts
    FROM posts
    WHERE created_at >= ? AND created_at < ? AND kind <> 'retweet' AND author_handle IS NOT NULL
    GROUP BY platform, lower(author_handle)
    ORDER BY posts DESC, author ASC
    LIMIT ?
"""


def most_active(con: Any, start: float, end: float, limit: int = 5) -> list[ActivePost]:
    """The accounts that posted most in [start, end) (retweets aside), most posts first."""
    rows = con.execute(_MOST_ACTIVE, [_ts(start), _ts(end), int(limit)]).fetchall()
    return [ActivePost(p, str(i), a, int(n)) for p, i, a, n in rows]


@dataclass(frozen=True)
class ScoredPost:
    """A post with its VADER compound score."""

    platform: str
    post_id: str
    author: str | None
    at: float
    compound: float


#: The most negative (lowest compound) distinct texts posted in [start, end), retweets aside
#: (one voice, not its echoes), each text's first post. The scores come from ``{scores}`` (see
#: :data:`app.core.store.metrics_sql.SCORE_SOURCES`): with the rollups, the time-ordered copy
#: of the scores, read for the range alone (10M posts, one hour: 0.1 s through the
#: ``posts_scored`` view, whose language join reads every post). Params: start, end, limit.
_MOST_NEGATIVE = """
    SELECT p.platform, arg_min(p.post_id, (p.created_at, p.post_id)),
           arg_min(p.author_handle, (p.created_at, p.post_id)), min(p.created_at), any_value(s.compound) AS compound
    FROM (SELECT rowid AS post_row, platform, post_id, author_handle, created_at, text_key FROM posts
          WHERE created_at >= $1 AND created_at < $2 AND kind <> 'retweet') p
    JOIN (SELECT post_row, created_at, compound FROM {scores} WHERE created_at >= $1 AND created_at < $2) s
         USING (post_row, created_at)
    GROUP BY p.platform, p.text_key
    ORDER BY compound ASC, 2 ASC
    LIMIT $3
"""


def most_negative(
    con: Any, start: float, end: float, limit: int = 5, rollups: bool = False
) -> list[ScoredPost]:
    """The most negative texts posted in [start, end) (retweets aside), most negative first;
    with ``rollups``, as the rollups' scores have them (they may lag a scoring run, as the
    series they are read beside do)."""
    sql = fill(_MOST_NEGATIVE, scores=SCORE_SOURCES["rollup" if rollups else "posts"])
    rows = con.execute(sql, [_ts(start), _ts(end), int(limit)]).fetchall()
    return [ScoredPost(p, str(i), a, _unix(at), float(c)) for p, i, a, at, c in rows]
