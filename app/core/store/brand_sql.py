"""The SQL about the brand's side of an incident (:mod:`app.core.analysis.brand`): the brand
accounts' own posts with what they drew, and the traces the brand leaves in an archive that
does not hold its posts (replies to, quotes and retweets of its posts; mentions of it).

Brand handles go in lower case; authors and referenced authors compare case-insensitively.
Every value travels as a ``?`` parameter; functions return dataclass rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.store.accounts_sql import by_author, lower_all
from app.core.store.derived import fill, source


@dataclass(frozen=True)
class BrandPost:
    """A post by a brand account, and what it drew in the archive (``retweets``, ``quotes``,
    ``replies`` by other accounts) and as counted when collected (``retweets_collected``:
    the highest retweet count seen on it and on its retweets; ``quotes_collected``,
    ``replies_collected``: its own row's counts; None when not recorded)."""

    platform: str
    post_id: str
    created_at: datetime
    handle: str
    kind: str
    text: str
    ref_post_id: str | None
    ref_author_handle: str | None
    retweets: int
    quotes: int
    replies: int
    retweets_collected: int | None
    quotes_collected: int | None
    replies_collected: int | None


#: The posts by the brand accounts, with what they drew. Parameter ``$1``: the brand handles
#: (lower case, VARCHAR[]). Kept as the ``rollup_brand_posts`` table for the brand the rollups
#: were built with (see :mod:`app.core.store.rollup_sql`): at 10M posts, finding the reactions
#: means reading every post's referenced author, and the brand's posts are spread over every
#: row group of ``posts`` (a 15k-post brand: 0.3 s a call).
BRAND_POSTS = """
    WITH b AS MATERIALIZED (
        SELECT post_row, platform, post_id, author_key AS handle
        FROM {by_author}
        WHERE author_key IN (SELECT unnest($1::VARCHAR[]))
    ),
    r AS (
        SELECT p.platform, p.ref_post_id AS post_id,
               count(*) FILTER (WHERE p.kind = 'retweet') AS retweets,
               count(*) FILTER (WHERE p.kind = 'quote') AS quotes,
               count(*) FILTER (WHERE p.kind = 'reply') AS replies,
               max(p.retweet_count) FILTER (WHERE p.kind = 'retweet') AS rc
        FROM {by_author} p SEMI JOIN b ON b.platform = p.platform AND b.post_id = p.ref_post_id
        WHERE p.ref_author_key IN (SELECT unnest($1::VARCHAR[]))
              AND NOT coalesce(p.author_key = p.ref_author_key, false)
        GROUP BY ALL
    )
    SELECT p.platform, p.post_id, p.created_at, p.author_handle, p.kind, p.text, p.ref_post_id,
           p.ref_author_handle, coalesce(r.retweets, 0) AS retweets, coalesce(r.quotes, 0) AS quotes,
           coalesce(r.replies, 0) AS replies,
           CASE WHEN p.kind = 'retweet' THEN NULL
                WHEN p.retweet_count IS NULL AND r.rc IS NULL THEN NULL
                ELSE greatest(p.retweet_count, r.rc) END AS retweets_collected,
           CASE WHEN p.kind = 'retweet' THEN NULL ELSE p.quote_count END AS quotes_collected,
           CASE WHEN p.kind = 'retweet' THEN NULL ELSE p.reply_count END AS replies_collected
    FROM (SELECT * FROM posts WHERE rowid IN (SELECT post_row FROM b)) p
    LEFT JOIN r USING (platform, post_id)
    ORDER BY p.created_at, p.post_id
"""

#: The brand posts of the accounts ``$1`` (lower case, VARCHAR[]) from ``{brand_posts}``.
BRAND_POSTS_OF = """
    SELECT * FROM {brand_posts} WHERE lower(author_handle) IN (SELECT unnest($1::VARCHAR[]))
    ORDER BY created_at, post_id
"""


def brand_posts_source(rollups: bool) -> str:
    """Where :data:`BRAND_POSTS` is read from (see :mod:`app.core.store.derived`)."""
    return source(rollups, "rollup_brand_posts", fill(BRAND_POSTS, by_author=by_author(False)))


def brand_posts(con: Any, handles: Sequence[str], rollups: bool = False) -> list[BrandPost]:
    """Every post by the brand accounts, in time order (a retweet by the brand carries no
    collected counts of its own: its counts are its original's). With ``rollups``, the
    ``handles`` must be among the brand the rollups were built with (the analysis
    :class:`~app.core.analysis.context.Context`'s): the table holds that brand's posts only."""
    keys = lower_all(handles)
    if not keys:
        return []
    return [
        BrandPost(
            platform=r[0],
            post_id=r[1],
            created_at=r[2],
            handle=r[3],
            kind=r[4],
            text=r[5] or "",
            ref_post_id=r[6],
            ref_author_handle=r[7],
            retweets=int(r[8]),
            quotes=int(r[9]),
            replies=int(r[10]),
            retweets_collected=None if r[11] is None else int(r[11]),
            quotes_collected=None if r[12] is None else int(r[12]),
            replies_collected=None if r[13] is None else int(r[13]),
        )
        for r in con.execute(fill(BRAND_POSTS_OF, brand_posts=brand_posts_source(rollups)), [keys]).fetchall()
    ]


@dataclass(frozen=True)
class BrandTraces:
    """What the archive shows of the brand besides its own posts: posts by other accounts
    that reply to (``replies``), quote or retweet (``shares``) a brand account's post; the
    distinct brand posts they point to (``referenced``) and how many of those the archive
    does not hold (``referenced_missing``, with their ids and platforms, oldest reference
    first, at most 50); the first and last such post; and the posts that mention a brand
    account (``mentions``)."""

    replies: int
    shares: int
    referenced: int
    referenced_missing: int
    missing: tuple[tuple[str, str], ...]
    first_at: datetime | None
    last_at: datetime | None
    mentions: int


#: Parameters: the brand handles (lower case, VARCHAR[]), three times.
BRAND_TRACES = """
    WITH t AS MATERIALIZED (
        SELECT p.platform, p.post_id, p.created_at, p.kind, p.ref_post_id
        FROM {by_author} p
        WHERE p.ref_author_key IN (SELECT unnest(?::VARCHAR[]))
              AND p.kind IN ('reply', 'quote', 'retweet')
              AND NOT coalesce(p.author_key IN (SELECT unnest(?::VARCHAR[])), false)
    ),
    refs AS (
        SELECT t.platform, t.ref_post_id, min(t.created_at) AS first_ref,
               EXISTS (SELECT 1 FROM posts o WHERE o.platform = t.platform AND o.post_id = t.ref_post_id) AS held
        FROM t WHERE t.ref_post_id IS NOT NULL GROUP BY ALL
    )
    SELECT (SELECT count(*) FROM t WHERE kind = 'reply'),
           (SELECT count(*) FROM t WHERE kind <> 'reply'),
           (SELECT count(*) FROM refs),
           (SELECT count(*) FROM refs WHERE NOT held),
           (SELECT list((platform, ref_post_id) ORDER BY first_ref, ref_post_id)[1:50] FROM refs WHERE NOT held),
           (SELECT min(created_at) FROM t),
           (SELECT max(created_at) FROM t),
           (SELECT count(*) FROM posts
            WHERE list_has_any(list_transform(mentions, lambda m: lower(m)), ?::VARCHAR[]))
"""


def brand_traces(con: Any, handles: Sequence[str], rollups: bool = False) -> BrandTraces:
    keys = lower_all(handles)
    r = con.execute(fill(BRAND_TRACES, by_author=by_author(rollups)), [keys, keys, keys]).fetchone()
    missing = tuple((str(platform), str(post_id)) for platform, post_id in r[4] or ())
    return BrandTraces(
        replies=int(r[0]),
        shares=int(r[1]),
        referenced=int(r[2]),
        referenced_missing=int(r[3]),
        missing=missing,
        first_at=r[5],
        last_at=r[6],
        mentions=int(r[7]),
    )
