"""The SQL behind the timeline: binned series, the posts around a time, top amplifiers.

Series queries come in two flavours: over the rollups (:mod:`app.core.store.rollup_sql`),
used when the filter is one the rollups keep apart (kinds, brand accounts), and over
``posts`` / ``posts_scored`` for every other filter. A filter is a conjunction of the
fragments in :data:`FILTERS`, each with its ``?`` parameters; :func:`where` joins fragments by
name, so nothing but this module's constants ever reaches the SQL text (the user's words only
ever travel as parameters). Orderings (:data:`ORDERS`) and sources of scores and retweet
counts are picked by name the same way.

Times go in as TIMESTAMP parameters (naive UTC, like the columns) so that range filters skip
row groups by their min/max.
"""

from __future__ import annotations

# the same account and "first post" as the rollups, so both paths agree
from app.core.store.rollup_sql import ACCOUNT_KEY, FIRST_KEY
from app.core.store.scope_sql import in_scope, joins, scope_columns
from app.core.store.text_query_sql import Fragment

#: The host of a URL, lower case, without "www.": ``{url}`` is the column or lambda variable.
URL_HOST = (
    "regexp_replace(lower(regexp_extract({url}, '^[a-zA-Z][a-zA-Z0-9+.-]*://([^/:?#@]+@)?([^/:?#]+)', 2)), "
    "'^www[0-9]*\\.', '')"
)

# ---- filters --------------------------------------------------------------------------------

#: Filter fragments by name. Every column they name exists in ``posts`` (and so in
#: ``posts_scored``).
FILTERS = {
    # a case-insensitive regular expression of the escaped text (built by the caller): RE2
    # runs twice as fast as ILIKE or contains(lower(text)) over millions of posts (measured)
    "text": "regexp_matches(text, ?)",
    "hashtag": "len(list_filter(hashtags, lambda h: lower(h) = lower(?))) > 0",
    "author": "lower(author_handle) = lower(?)",
    "kinds": "list_contains(?::VARCHAR[], kind)",
    "lang": "lang = ?",
    "min_followers": "author_followers >= ?",
    # IN a subquery: half the cost of list_contains on a busy window (measured)
    "brand_only": "coalesce(lower(author_handle) IN (SELECT unnest(?::VARCHAR[])), false)",
    "brand_exclude": "NOT coalesce(lower(author_handle) IN (SELECT unnest(?::VARCHAR[])), false)",
    "press_only": "coalesce(lower(author_handle) IN (SELECT unnest(?::VARCHAR[])), false)",
    "press_exclude": "NOT coalesce(lower(author_handle) IN (SELECT unnest(?::VARCHAR[])), false)",
    # an author's own posts and the retweets and quotes of them: how far the author spread
    "author_spread": (
        "lower(author_handle) = lower(?) "
        "OR (kind IN ('retweet', 'quote') AND lower(ref_author_handle) = lower(?))"
    ),
    # posts the user tagged (evidence): with one tag, or with any
    "tag": "(platform, post_id) IN (SELECT platform, post_id FROM post_tags WHERE tag = ?)",
    "any_tag": "(platform, post_id) IN (SELECT platform, post_id FROM post_tags)",
    # a link to the domain or to one of its subdomains (www.example.com counts for example.com)
    "domain": f"len(list_filter(urls, lambda u: {URL_HOST.format(url='u')} = lower(?) "
    f"OR {URL_HOST.format(url='u')} LIKE '%.' || lower(?))) > 0",
}


def where(names: list[str] | tuple[str, ...]) -> str:
    """The conjunction of the named filter fragments ("TRUE" for none). A name may also be a
    :class:`~app.core.store.text_query_sql.Fragment`, SQL the store built itself."""
    return " AND ".join(f"({n if isinstance(n, Fragment) else FILTERS[n]})" for n in names) or "TRUE"


# ---- binned series ------------------------------------------------------------------------
#
# A series is assembled in numpy from per-minute numbers of the whole incident for one filter
# (from the rollups, or from the posts for filters the rollups do not keep apart), so that
# zooming only re-bins arrays already in memory. Every query below yields the same columns:
# a key (minute number or slot), then :data:`COUNT_COLUMNS`.

_KINDS = ("post", "reply", "quote", "retweet")

#: The numbers per minute or slot, in the order the queries give them.
COUNT_COLUMNS = (
    *_KINDS,
    "total",
    "scored",
    "sum_compound",
    "neg",
    "neu",
    "pos",
    "exposure",
    "unknown_reach",
    "other_language",
    "no_text",
)


def _named(exprs: list[str]) -> str:
    return ",\n".join(f"{e} AS {c}" for e, c in zip(exprs, COUNT_COLUMNS, strict=True))


_FROM_ROLLUP = _named(
    [f"coalesce(sum(posts) FILTER (WHERE kind = '{k}'), 0)::BIGINT" for k in _KINDS]
    + [
        "sum(posts)::BIGINT",
        "sum(scored)::BIGINT",
        "sum(sum_compound)::DOUBLE",
        "sum(neg)::BIGINT",
        "sum(neu)::BIGINT",
        "sum(pos)::BIGINT",
        "sum(exposure)::BIGINT",
        "sum(unknown_reach)::BIGINT",
        "sum(other_language)::BIGINT",
        "sum(no_text)::BIGINT",
    ]
)

# VADER's usual cut-offs, as in the rollup: <= -0.05 negative, >= 0.05 positive. The rows
# come from posts_scored, whose scores are NULL outside the sentiment's scope.
_FROM_POSTS = _named(
    [f"count(*) FILTER (WHERE kind = '{k}')" for k in _KINDS]
    + [
        "count(*)",
        "count(compound)",
        "coalesce(sum(compound), 0)::DOUBLE",
        "count(*) FILTER (WHERE compound <= -0.05)",
        "count(*) FILTER (WHERE compound > -0.05 AND compound < 0.05)",
        "count(*) FILTER (WHERE compound >= 0.05)",
        "coalesce(sum(author_followers), 0)::BIGINT",
        "count(*) - count(author_followers)",
        "count(*) FILTER (WHERE not_scored = 'language')",
        "count(*) FILTER (WHERE not_scored = 'no_text')",
    ]
)

#: Per minute (minute number = Unix seconds / 60) with posts, from the rollups: the counts
#: and the unique audience of the accounts first seen in it (a first post is a post, so its
#: minute is always one with posts). Parameters: kinds (VARCHAR[]), brand flags to keep
#: (BOOLEAN[]), kinds mask, brand flags again.
MINUTES_ROLLUP = f"""
    WITH counts AS (
        SELECT minute, {_FROM_ROLLUP}
        FROM rollup_minute
        WHERE list_contains(?::VARCHAR[], kind) AND list_contains(?::BOOLEAN[], is_brand)
        GROUP BY minute
    ),
    firsts AS (
        SELECT minute, sum(audience)::BIGINT AS audience
        FROM rollup_first
        WHERE kinds_mask = ? AND list_contains(?::BOOLEAN[], is_brand)
        GROUP BY minute
    )
    SELECT (epoch_ms(minute) // 60000)::BIGINT AS m, counts.* EXCLUDE (minute),
           coalesce(firsts.audience, 0)::BIGINT AS audience
    FROM counts LEFT JOIN firsts USING (minute)
    ORDER BY m
"""

# Filters that cost a scan of every post's text: their posts are gathered once and kept
# for both aggregates below, rather than matched twice.
_COSTLY = {"text", "hashtag"}


#: Each account's follower count: the highest seen in the archive (the one rule for an
#: account's followers, as in the rollups).
_ACCOUNT_FOLLOWERS = f"""
    SELECT {ACCOUNT_KEY} AS account, max(author_followers) AS followers
    FROM posts WHERE coalesce(author_handle, author_id) IS NOT NULL GROUP BY account
"""


def minutes_posts(names: list[str]) -> str:
    """The same as :data:`MINUTES_ROLLUP`, from the posts. Parameters: the filter's."""
    keep = "MATERIALIZED" if _COSTLY & set(names) else ""
    return f"""
        WITH f AS {keep} (
            SELECT p.created_at, p.kind, p.author_followers, p.first_key, p.account,
                   {scope_columns()}
            FROM (
                SELECT *, {FIRST_KEY} AS first_key,
                       CASE WHEN coalesce(author_handle, author_id) IS NOT NULL THEN {ACCOUNT_KEY} END
                           AS account
                FROM posts WHERE {where(names)}
            ) p
            {joins()}
            LEFT JOIN sentiment s ON s.text_key = p.text_key
        ),
        counts AS (
            SELECT date_trunc('minute', created_at) AS minute, {_FROM_POSTS}
            FROM f
            GROUP BY minute
        ),
        firsts AS (
            SELECT date_trunc('minute', first_at) AS minute, coalesce(sum(followers), 0)::BIGINT AS audience
            FROM (SELECT account, min(created_at) AS first_at FROM f WHERE account IS NOT NULL GROUP BY account)
            LEFT JOIN ({_ACCOUNT_FOLLOWERS}) USING (account)
            GROUP BY minute
        )
        SELECT (epoch_ms(minute) // 60000)::BIGINT AS m, counts.* EXCLUDE (minute),
               coalesce(firsts.audience, 0)::BIGINT AS audience
        FROM counts LEFT JOIN firsts USING (minute)
        ORDER BY m
    """


def _firsts(names: list[str], end_filter: str) -> str:
    return f"""
        SELECT first_at, followers
        FROM (
            SELECT {ACCOUNT_KEY} AS account, min(created_at) AS first_at
            FROM posts
            WHERE {where(names)} {end_filter}
                  AND coalesce(author_handle, author_id) IS NOT NULL
            GROUP BY account
        ) LEFT JOIN ({_ACCOUNT_FOLLOWERS}) USING (account)
    """


# Bins that do not fall on whole minutes (a bin width that is not a multiple of a minute)
# are counted from the posts directly: slot -1 gathers what precedes the first bin, slots
# >= 0 are steps of the caller's grid from its origin.


def slots_posts(names: list[str]) -> str:
    """Per slot over [first bin start, end). Parameters: origin (ms), step (ms), first bin
    start, end (TIMESTAMP), then the filter's."""
    return f"""
        SELECT (epoch_ms(created_at) - ?) // ? AS slot, {_FROM_POSTS}
        FROM posts_scored
        WHERE created_at >= ? AND created_at < ? AND {where(names)}
        GROUP BY slot
    """


def exposure_before_posts(names: list[str]) -> str:
    """Exposure summed before the first bin. Parameters: first bin start, the filter's."""
    return f"""
        SELECT coalesce(sum(author_followers), 0)::BIGINT FROM posts
        WHERE created_at < ? AND {where(names)}
    """


def firsts_slots_posts(names: list[str]) -> str:
    """Unique audience per slot (-1 before the first bin). Parameters: first bin start,
    origin (ms), step (ms), the filter's, end."""
    return f"""
        SELECT CASE WHEN first_at < ? THEN -1 ELSE (epoch_ms(first_at) - ?) // ? END AS slot,
               coalesce(sum(followers), 0)::BIGINT
        FROM ({_firsts(names, "AND created_at < ?")})
        GROUP BY slot
    """


# ---- the incident's span --------------------------------------------------------------------

SPAN = "SELECT min(created_at), max(created_at) FROM posts"

# ---- posts ----------------------------------------------------------------------------------

#: The columns of a PostRow, in its field order, from posts joined USING (post_row,
#: created_at) to a source of scores.
POST_COLUMNS = (
    "platform, post_id, created_at, author_id, author_handle, author_name, author_followers, "
    "kind, text, compound, neg, neu, pos, retweet_count, like_count, reply_count, quote_count, "
    "ref_post_id, ref_author_handle, ref_text, lang, hashtags, mentions, urls"
)

#: Where a post's scores come from: the time-ordered rollup (found by time, like the posts),
#: or the sentiment table (keyed by text: every lookup scans all of it).
SCORE_SOURCES = {
    "rollup": "rollup_post_scores",
    "posts": f"""(
        SELECT p.created_at, p.rowid AS post_row, s.compound, s.neg, s.neu, s.pos
        FROM posts p JOIN sentiment s ON s.text_key = p.text_key
        {joins()}
        WHERE {in_scope()}
    )""",
}

# A post's row number joins it to its scores; its time, also in both, guards the join and
# lets both sides skip row groups outside the window.
_SCORES_KEY = "USING (post_row, created_at)"

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


#: A PostRow's columns but its scores (read apart, see :func:`posts_between`), then the row
#: number the scores are found by.
UNSCORED_COLUMNS = (
    "platform, post_id, created_at, author_id, author_handle, author_name, author_followers, "
    "kind, text, retweet_count, like_count, reply_count, quote_count, "
    "ref_post_id, ref_author_handle, ref_text, lang, hashtags, mentions, urls, rowid AS post_row"
)


def _keys(names: list[str], sort: str, descending: bool, window_scores: str) -> str:
    """The row ids of the first ``limit`` posts of [lo, hi] in the order (after ``offset``),
    found on the few columns the order needs. Parameters: lo, hi, the filter's, then (to sort
    by sentiment) the scores' lo, hi, then limit, offset."""
    order = ORDERS[(sort, descending)]
    if sort == "sentiment":
        return f"""
            SELECT post_row AS rid
            FROM (SELECT rowid AS post_row, created_at, post_id FROM posts
                  WHERE created_at BETWEEN ? AND ? AND {where(names)})
            LEFT JOIN (SELECT post_row, created_at, compound FROM {window_scores}) {_SCORES_KEY}
            ORDER BY {order} LIMIT ? OFFSET ?
        """
    return f"""
        SELECT rowid AS rid FROM posts
        WHERE created_at BETWEEN ? AND ? AND {where(names)}
        ORDER BY {order} LIMIT ? OFFSET ?
    """


def posts_between(names: list[str], sort: str, descending: bool, scores: str) -> str:
    """The first ``limit`` posts of a window in the given order (after ``offset`` of them).

    The order is found on the few columns it needs, and only the posts kept are then read
    whole, by row id: reading every column of every post of a busy window would cost ten
    times more. Each row also carries how many posts the whole window holds (``total``, one
    round trip fewer), which may be wider than the window the rows are taken from.

    Sorted by sentiment, the rows carry their scores (the PostRow's columns, then ``total``);
    in any other order they do not (:data:`UNSCORED_COLUMNS`, then ``total``) and
    :func:`scores_of_rows` brings them: joining the scores to the wide rows cost more than
    reading them apart (7.7 against 4.9 + 1.1 ms for 500 posts at 10M, measured).
    Parameters: see :func:`posts_between_params`."""
    order = ORDERS[(sort, descending)]
    window_scores = f"(SELECT * FROM {SCORE_SOURCES[scores]} WHERE created_at BETWEEN ? AND ?)"
    keys = _keys(names, sort, descending, window_scores)
    if sort != "sentiment":
        return f"""
            SELECT {UNSCORED_COLUMNS}, ({count_between(names)}) AS total
            FROM posts
            WHERE rowid IN (SELECT rid FROM ({keys}))
            ORDER BY {order}
        """
    return f"""
        SELECT {POST_COLUMNS}, ({count_between(names)}) AS total
        FROM (SELECT rowid AS post_row, * EXCLUDE (text_key) FROM posts
              WHERE rowid IN (SELECT rid FROM ({keys})))
        LEFT JOIN {window_scores} {_SCORES_KEY}
        ORDER BY {order}
    """


def posts_between_params(
    sort: str, lo, hi, filter_params: list, limit: int, whole_lo, whole_hi, offset: int = 0
) -> list:
    """The parameters of :func:`posts_between`, in the order its text wants them: [lo, hi]
    is the window the rows are taken from, [whole_lo, whole_hi] the one counted; ``offset``
    rows of the order are skipped (the table's later pages)."""
    total = [whole_lo, whole_hi, *filter_params]
    if sort == "sentiment":
        return [*total, lo, hi, *filter_params, lo, hi, limit, offset, lo, hi]
    return [*total, lo, hi, *filter_params, limit, offset]


def scores_of_rows(scores: str) -> str:
    """The scores of the posts of these row numbers (those in the sentiment's scope and
    scored), all of them between two times (which lets the scan skip row groups).
    Parameters: from, to (TIMESTAMP), the row numbers (BIGINT[]). Columns: post_row,
    compound, neg, neu, pos."""
    return f"""
        SELECT post_row, compound, neg, neu, pos FROM {SCORE_SOURCES[scores]}
        WHERE created_at BETWEEN ? AND ? AND post_row IN (SELECT unnest(?::BIGINT[]))
    """


def scores_in_span(scores: str) -> str:
    """The scores of every post between two times, for rows that are all the posts of that
    span (the first posts of a window in time order, unfiltered): half the time of naming
    them. Parameters: from, to. Columns: as :func:`scores_of_rows`."""
    return f"""
        SELECT post_row, compound, neg, neu, pos FROM {SCORE_SOURCES[scores]}
        WHERE created_at BETWEEN ? AND ?
    """


def scores_of_row(scores: str) -> str:
    """The same for one post (half the time of a list of one). Parameters: its time, its row
    number."""
    return f"""
        SELECT post_row, compound, neg, neu, pos FROM {SCORE_SOURCES[scores]}
        WHERE created_at = ? AND post_row = ?
    """


#: One post by id, looked for within a time window (pass the widest window when its time
#: is not known), without its scores (:func:`scores_of_rows` brings them, as for
#: :func:`posts_between`). Parameters: from, to, platform, post id.
GET_POST = f"""
    SELECT {UNSCORED_COLUMNS} FROM posts
    WHERE created_at BETWEEN ? AND ? AND platform = ? AND post_id = ? LIMIT 1
"""

#: The same by id alone, for a workspace with the posts' id index (rollup_sql.POST_ID_INDEX):
#: DuckDB then scans the index (a time condition beside the id would make it scan the table).
#: Parameters: post id, platform.
GET_POST_BY_ID = f"""
    SELECT {UNSCORED_COLUMNS} FROM posts WHERE post_id = ? AND platform = ?
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
    three most retweeted posts of the range. Parameters: see :func:`amplifiers_params`.

    The ranking needs only counts and sums per account; names and follower counts (the
    one rule of :mod:`app.core.store.accounts_sql`: the highest seen on the account's
    posts in the whole archive) are looked up for the few accounts kept (string aggregates
    over every account of a busy hour cost ten times more than the ranking)."""
    source = RETWEET_SOURCES[retweets]
    in_range = f"""
        created_at >= ? AND created_at < ? AND author_handle IS NOT NULL AND {where(names)}
    """
    return f"""
        WITH top AS (
            SELECT platform, lower(author_handle) AS handle_key, count(*) AS posts,
                   coalesce(sum(author_followers), 0) AS exposure
            FROM posts WHERE {in_range}
            GROUP BY ALL
            ORDER BY exposure DESC, posts DESC, handle_key ASC
            LIMIT ?
        ),
        theirs AS (
            SELECT platform, post_id, created_at, author_handle, author_name, author_followers,
                   lower(author_handle) AS handle_key
            FROM posts
            WHERE {in_range} AND lower(author_handle) IN (SELECT handle_key FROM top)
        ),
        rts AS (
            SELECT t.*, coalesce(r.retweets, 0) AS retweets
            FROM theirs t LEFT JOIN {source} r ON r.platform = t.platform AND r.post_id = t.post_id
        )
        SELECT arg_max(rts.author_handle, rts.created_at), arg_max(rts.author_name, rts.created_at),
               (SELECT max(f.author_followers) FROM posts f
                WHERE f.platform = top.platform AND lower(f.author_handle) = top.handle_key),
               top.posts, top.exposure,
               sum(rts.retweets)::BIGINT,
               list(rts.post_id ORDER BY rts.retweets DESC, rts.created_at ASC, rts.post_id ASC)[1:3]
        FROM top JOIN rts ON rts.platform = top.platform AND rts.handle_key = top.handle_key
        GROUP BY top.platform, top.handle_key, top.posts, top.exposure
        ORDER BY top.exposure DESC, top.posts DESC, top.handle_key ASC
    """


def amplifiers_params(lo, hi, filter_params: list, limit: int) -> list:
    """The parameters of :func:`amplifiers`, in the order its text wants them."""
    return [lo, hi, *filter_params, limit, lo, hi, *filter_params]
