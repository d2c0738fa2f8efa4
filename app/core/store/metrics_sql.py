"""The SQL behind the timeline: binned series, the posts around a time, top amplifiers.

Queries come in two flavours: over the rollups (:mod:`app.core.store.rollup_sql`), used when
the filter is one the rollups keep apart (kinds, brand accounts), and over ``posts`` /
``posts_scored`` for every other filter. A filter is a conjunction of the fragments in
:data:`FILTERS`, each with its ``?`` parameters; :func:`where` joins fragments by name, so
nothing but this module's constants ever reaches the SQL text. Ordering clauses are picked
the same way (:data:`ORDERS`).

Times go in as TIMESTAMP parameters (UTC) so that range filters prune row groups by their
min/max; bin arithmetic is done on epoch milliseconds against an origin and a step (both
parameters) and the caller maps the resulting slots onto its bins.
"""

from __future__ import annotations

# ---- filters --------------------------------------------------------------------------------

#: Filter fragments by name. Every column they name exists in ``posts`` (and so in
#: ``posts_scored``).
FILTERS = {
    # the pattern is built by the caller with % and _ escaped by backslash
    "text": "text ILIKE ? ESCAPE '\\'",
    "hashtag": "len(list_filter(hashtags, lambda h: lower(h) = lower(?))) > 0",
    "author": "lower(author_handle) = lower(?)",
    "kinds": "list_contains(?::VARCHAR[], kind)",
    "lang": "lang = ?",
    "min_followers": "author_followers >= ?",
    "brand_only": "coalesce(list_contains(?::VARCHAR[], lower(author_handle)), false)",
    "brand_exclude": "NOT coalesce(list_contains(?::VARCHAR[], lower(author_handle)), false)",
}


def where(names: list[str] | tuple[str, ...]) -> str:
    """The conjunction of the named filter fragments ("TRUE" for none)."""
    return " AND ".join(f"({FILTERS[n]})" for n in names) or "TRUE"


# ---- binned series over the rollups ---------------------------------------------------------

# Slot -1 gathers everything before the first bin (for the running totals that start at the
# incident's start); slots >= 0 are steps of the caller's grid from its origin.
_SLOT = "CASE WHEN minute < ? THEN -1 ELSE (epoch_ms(minute) - ?) // ? END"

#: Parameters: first bin start (TIMESTAMP), origin (epoch ms), step (ms), end (TIMESTAMP),
#: kinds (VARCHAR[]), brand flags to keep (BOOLEAN[]).
SERIES_ROLLUP = f"""
    SELECT {_SLOT} AS slot, kind,
           sum(posts), sum(scored), sum(sum_compound), sum(neg), sum(neu), sum(pos),
           sum(exposure), sum(unknown_reach)
    FROM rollup_minute
    WHERE minute < ? AND list_contains(?::VARCHAR[], kind) AND list_contains(?::BOOLEAN[], is_brand)
    GROUP BY ALL
"""

#: Parameters: first bin start, origin (ms), step (ms), end, kinds mask, brand flags (BOOLEAN[]).
UNIQUE_ROLLUP = f"""
    SELECT {_SLOT} AS slot, sum(audience)
    FROM rollup_first
    WHERE minute < ? AND kinds_mask = ? AND list_contains(?::BOOLEAN[], is_brand)
    GROUP BY ALL
"""

# ---- binned series over the posts (any filter) ----------------------------------------------


def series_posts(names: list[str]) -> str:
    """Per slot and kind, over [first bin start, end). Parameters: origin (ms), step (ms),
    first bin start, end, then the filter's."""
    return f"""
        SELECT (epoch_ms(created_at) - ?) // ? AS slot, kind,
               count(*), count(compound), coalesce(sum(compound), 0),
               count(*) FILTER (WHERE compound <= -0.05),
               count(*) FILTER (WHERE compound > -0.05 AND compound < 0.05),
               count(*) FILTER (WHERE compound >= 0.05),
               coalesce(sum(author_followers), 0),
               count(*) - count(author_followers)
        FROM posts_scored
        WHERE created_at >= ? AND created_at < ? AND {where(names)}
        GROUP BY ALL
    """


_ACCOUNT_KEY = "platform || ':' || coalesce(lower(author_handle), 'id:' || author_id)"


def before_and_firsts_posts(names: list[str]) -> str:
    """Exposure before the first bin, and each account's first post (within the filter) by
    slot: rows ('exposure', -1, sum) and ('first', slot, followers summed).

    Parameters: end, the filter's, first bin start (for the exposure), first bin start,
    origin (ms), step (ms)."""
    return f"""
        WITH f AS MATERIALIZED (
            SELECT created_at, post_id, author_followers, {_ACCOUNT_KEY} AS account
            FROM posts
            WHERE created_at < ? AND {where(names)}
        ),
        firsts AS (
            SELECT min(created_at) AS first_at,
                   arg_min_null(author_followers, (created_at, post_id)) AS followers
            FROM f WHERE account IS NOT NULL GROUP BY account
        )
        SELECT 'exposure' AS what, -1 AS slot, coalesce(sum(author_followers), 0) AS n
        FROM f WHERE created_at < ?
        UNION ALL
        SELECT 'first', CASE WHEN first_at < ? THEN -1 ELSE (epoch_ms(first_at) - ?) // ? END,
               coalesce(sum(followers), 0)
        FROM firsts GROUP BY ALL
    """


#: One setting of the workspace (the display time zone, the brand handles). Parameter: key.
META_VALUE = "SELECT value FROM meta WHERE key = ?"

# ---- the incident's span --------------------------------------------------------------------

SPAN = "SELECT min(created_at), max(created_at) FROM posts"

# ---- posts ----------------------------------------------------------------------------------

#: The columns of a PostRow, in its field order (from posts_scored, or posts joined to
#: sentiment as ``s``).
POST_COLUMNS = (
    "platform, post_id, created_at, author_id, author_handle, author_name, author_followers, "
    "kind, text, compound, neg, neu, pos, retweet_count, like_count, reply_count, quote_count, "
    "ref_post_id, ref_author_handle, ref_text, lang, hashtags, mentions, urls"
)

_ENGAGEMENT = (
    "(coalesce(retweet_count, 0) + coalesce(like_count, 0) + coalesce(reply_count, 0)"
    " + coalesce(quote_count, 0))"
)

#: ORDER BY clauses by (sort, descending). Unknown values sort last either way; ties go by
#: time then id so that paging is stable.
ORDERS = {
    ("time", False): "created_at ASC, post_id ASC",
    ("time", True): "created_at DESC, post_id DESC",
    ("exposure", False): "author_followers ASC NULLS LAST, created_at ASC, post_id ASC",
    ("exposure", True): "author_followers DESC NULLS LAST, created_at ASC, post_id ASC",
    ("engagement", False): f"{_ENGAGEMENT} ASC, created_at ASC, post_id ASC",
    ("engagement", True): f"{_ENGAGEMENT} DESC, created_at ASC, post_id ASC",
    ("sentiment", False): "compound ASC NULLS LAST, created_at ASC, post_id ASC",
    ("sentiment", True): "compound DESC NULLS LAST, created_at ASC, post_id ASC",
}


def count_between(names: list[str]) -> str:
    """Parameters: from, to (TIMESTAMP, both included), then the filter's."""
    return f"SELECT count(*) FROM posts WHERE created_at BETWEEN ? AND ? AND {where(names)}"


def posts_between(names: list[str], sort: str, descending: bool) -> str:
    """The first ``limit`` posts of a window in the given order. The sentiment join is done
    after the limit when the order does not need it (it scans the whole sentiment table).
    Parameters: from, to, then the filter's, then the limit."""
    order = ORDERS[(sort, descending)]
    if sort == "sentiment":
        return f"""
            SELECT {POST_COLUMNS} FROM posts_scored
            WHERE created_at BETWEEN ? AND ? AND {where(names)}
            ORDER BY {order} LIMIT ?
        """
    return f"""
        WITH top AS (
            SELECT * FROM posts
            WHERE created_at BETWEEN ? AND ? AND {where(names)}
            ORDER BY {order} LIMIT ?
        )
        SELECT {POST_COLUMNS}
        FROM (SELECT top.* EXCLUDE (text_key), s.compound, s.neg, s.neu, s.pos
              FROM top LEFT JOIN sentiment s ON s.text_key = top.text_key)
        ORDER BY {order}
    """


#: Parameters: platform, post id.
GET_POST = f"SELECT {POST_COLUMNS} FROM posts_scored WHERE platform = ? AND post_id = ? LIMIT 1"

#: The same, when the post's time is known to within a window (Twitter ids carry their
#: time): the window lets the scan skip almost every row group. Parameters: from, to,
#: platform, post id.
GET_POST_NEAR = f"""
    SELECT {POST_COLUMNS} FROM posts_scored
    WHERE created_at BETWEEN ? AND ? AND platform = ? AND post_id = ? LIMIT 1
"""

# ---- amplifiers -----------------------------------------------------------------------------

#: Where retweet counts per post come from: the rollup, or counted from the posts.
RETWEETS_FROM_ROLLUP = "rollup_retweets"
RETWEETS_FROM_POSTS = """(
    SELECT platform, ref_post_id AS post_id, count(*) AS retweets FROM posts
    WHERE kind = 'retweet' AND ref_post_id IS NOT NULL GROUP BY ALL
)"""
RETWEET_SOURCES = {"rollup": RETWEETS_FROM_ROLLUP, "posts": RETWEETS_FROM_POSTS}


def amplifiers(names: list[str], retweets: str) -> str:
    """Accounts by exposure in [from, to), with their posts' retweets received and their
    three most retweeted posts of the range. Parameters: from, to, the filter's, limit."""
    source = RETWEET_SOURCES[retweets]
    return f"""
        WITH p AS MATERIALIZED (
            SELECT platform, post_id, created_at, author_handle, author_name, author_followers,
                   platform || ':' || lower(author_handle) AS account
            FROM posts
            WHERE created_at >= ? AND created_at < ? AND author_handle IS NOT NULL
                  AND {where(names)}
        ),
        acc AS (
            SELECT account, arg_max(author_handle, created_at) AS handle,
                   arg_max(author_name, created_at) AS name,
                   arg_max(author_followers, created_at) AS followers,
                   count(*) AS posts, coalesce(sum(author_followers), 0) AS exposure
            FROM p GROUP BY account
            ORDER BY exposure DESC, posts DESC, handle ASC
            LIMIT ?
        ),
        rts AS (
            SELECT p.account, p.post_id, p.created_at, coalesce(r.retweets, 0) AS retweets
            FROM p SEMI JOIN acc ON acc.account = p.account
            LEFT JOIN {source} r ON r.platform = p.platform AND r.post_id = p.post_id
        )
        SELECT acc.handle, acc.name, acc.followers, acc.posts, acc.exposure,
               sum(rts.retweets)::BIGINT,
               list(rts.post_id ORDER BY rts.retweets DESC, rts.created_at ASC, rts.post_id ASC)[1:3]
        FROM acc JOIN rts ON rts.account = acc.account
        GROUP BY ALL
        ORDER BY acc.exposure DESC, acc.posts DESC, acc.handle ASC
    """
