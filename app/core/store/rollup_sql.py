"""The SQL of the rollups: small pre-aggregated tables that answer the timeline's queries fast.

``posts`` holds millions of rows; the timeline asks for a binned series on every zoom. The
rollups boil the posts down once, after an import or a scoring run, to what the series need:

* ``rollup_minute``: per UTC minute, kind of post and "by a brand account or not", the post
  count, sentiment counts and sums (posts in the sentiment's scope only), the posts left out
  of it (another language, no text), and reach (followers summed, and posts of unknown reach).
* ``rollup_first``: per UTC minute, set of kinds (a 4-bit mask over ``metrics.KINDS``) and
  brand flag, the accounts whose first post among those kinds falls in that minute and their
  follower count (the "unique audience"): the highest seen for the account in the archive,
  the one rule every figure about an account's followers follows.
* ``rollup_retweets``: per post, how many retweets of it the workspace holds.
* ``rollup_accounts``: per account (platform, lower-case handle), its totals
  (:data:`app.core.store.accounts_sql.ACCOUNT_TOTALS`): the analysis reads every account's
  counts and followers many times in one run.
* ``rollup_texts``: per account, its most repeated text
  (:data:`app.core.store.accounts_sql.TOP_TEXTS`), a sign of an automated account.
* ``rollup_terms``: per hashtag and per handle mentioned, how many accounts used it in posts
  of their own and how it is most often written (:data:`app.core.store.press_sql.TERM_TOTALS`).
* ``rollup_shares`` and ``rollup_shared``: every share (retweet or quote naming its
  original) with its accounts' handles in lower case, in time order; and per post shared, its
  author, text and highest retweet count as its shares tell them
  (:data:`app.core.store.shares_sql.SHARES`, :data:`~app.core.store.shares_sql.SHARED`).
* ``rollup_shared_of``: per post shared and per author its shares name, its shares not by
  that author (:data:`app.core.store.shares_sql.SHARED_OF`, summed from
  ``rollup_share_minutes``): the shares of excluded accounts' posts are taken off the counts
  without reading every share.
* ``rollup_share_minutes``: per post shared, per author its shares name and per minute, its
  shares not by that author (:data:`app.core.store.shares_sql.SHARE_MINUTES`): the bursts
  count the most shared posts' shares slot by slot without reading every share.
* ``rollup_by_author``: every post, in the order of its account's number (the accounts that
  post most or are most followed first), with its row number in ``posts`` and the columns the
  per-account measures and the brand's traces read
  (:data:`app.core.store.accounts_sql.BY_AUTHOR`): the posts of a few accounts, or of the
  first accounts, are then read from their own row groups, and nothing lower-cases every
  handle again.
* ``rollup_post_scores``: each scored post's sentiment (in scope) by the post's row number in ``posts``
  (with its time). ``sentiment`` is keyed by text, so finding the scores of the posts around
  a time means scanning all of it; this copy is found by time like the posts themselves, and
  joined on one integer instead of (platform, id) strings.
* ``rollup_scope``: the posts counted per time and place in the sentiment's coverage
  (language, why not scored, VADER's class: :data:`app.core.store.sentiment_sql.SCOPE`):
  the coverage of any time range without reading every post's text.
* ``rollup_urls``: per URL linked to, its first post and how many posts and accounts linked
  to it (:data:`app.core.store.press_sql.URL_TOTALS`): the press's links are matched among
  the distinct URLs, not every link of every post.
* ``rollup_replies``: per account that replies, how many accounts it answered and the median
  delay of its replies to posts the archive holds
  (:data:`app.core.store.accounts_sql.REPLY_TOTALS`): otherwise every reply's post is looked
  up among all the posts.
* ``rollup_brand_posts``: the brand accounts' posts with what they drew
  (:data:`app.core.store.brand_sql.BRAND_POSTS`, for the brand the rollups were built with):
  the reactions to them are otherwise found by reading every post's referenced author, and
  the posts themselves from every row group of ``posts``.
* ``posts_post_id``: not a table but an index on ``posts (post_id)``, made by the first build
  and kept (see :data:`POST_ID_INDEX`): looking up one post reads it alone.

Whether the rollups describe the current posts is told by a stamp kept in ``meta``
(``rollup_stamp``); :mod:`app.core.rollup` compares and rebuilds. Brand handles are the only
values that go in, and they go in as a parameter.
"""

from __future__ import annotations

from app.core.store.accounts_sql import ACCOUNT_TOTALS, BY_AUTHOR, REPLY_TOTALS, TOP_TEXTS
from app.core.store.brand_sql import BRAND_POSTS
from app.core.store.derived import fill
from app.core.store.press_sql import TERM_TOTALS, URL_TOTALS
from app.core.store.scope_sql import in_scope, joins
from app.core.store.sentiment_sql import SCOPE
from app.core.store.shares_sql import SHARE_MINUTES, SHARED, SHARED_OF, SHARES

#: Bumped when the rollups' meaning, shape or order changes: an older stamp then reads as stale
#: (4: rollup_post_scores in time order; 5: rollup_accounts, rollup_texts, rollup_terms,
#: rollup_shares, rollup_shared; 6: rollup_by_author, rollup_terms per term; 7: rollup_scope,
#: rollup_urls, and rollup_shared counts each post's shares; 8: rollup_replies,
#: rollup_brand_posts, rollup_shared_of, rollup_share_minutes, the accounts' numbers and
#: rollup_by_author in their order).
ROLLUP_VERSION = 8

#: The rollup tables. They are derived data (dropping them loses nothing) and are created
#: on first use; a schema migration may create them up front with the same statements.
CREATE_TABLES = [
    """
    CREATE TABLE IF NOT EXISTS rollup_minute (
        minute        TIMESTAMP NOT NULL,
        kind          VARCHAR   NOT NULL,
        is_brand      BOOLEAN   NOT NULL,
        posts         BIGINT    NOT NULL,
        scored        BIGINT    NOT NULL,
        sum_compound  DOUBLE    NOT NULL,
        neg           BIGINT    NOT NULL,
        neu           BIGINT    NOT NULL,
        pos           BIGINT    NOT NULL,
        exposure      BIGINT    NOT NULL,
        unknown_reach BIGINT    NOT NULL,
        other_language BIGINT   NOT NULL,
        no_text       BIGINT    NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_first (
        minute     TIMESTAMP NOT NULL,
        kinds_mask UTINYINT  NOT NULL,
        is_brand   BOOLEAN   NOT NULL,
        accounts   BIGINT    NOT NULL,
        audience   BIGINT    NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_retweets (
        platform VARCHAR NOT NULL,
        post_id  VARCHAR NOT NULL,
        retweets BIGINT  NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_accounts (
        platform   VARCHAR NOT NULL,
        handle_key VARCHAR NOT NULL,
        handle     VARCHAR NOT NULL,
        name       VARCHAR,
        posts      BIGINT  NOT NULL,
        originals  BIGINT  NOT NULL,
        replies    BIGINT  NOT NULL,
        quotes     BIGINT  NOT NULL,
        retweets   BIGINT  NOT NULL,
        followers  BIGINT,
        known      BIGINT  NOT NULL,
        account_no BIGINT  NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_texts (
        platform       VARCHAR NOT NULL,
        handle_key     VARCHAR NOT NULL,
        distinct_texts BIGINT  NOT NULL,
        top_text       VARCHAR,
        top_text_posts BIGINT
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_terms (
        what     VARCHAR NOT NULL,
        term     VARCHAR NOT NULL,
        written  VARCHAR NOT NULL,
        accounts BIGINT  NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_shares (
        created_at        TIMESTAMP NOT NULL,
        platform          VARCHAR   NOT NULL,
        post_id           VARCHAR   NOT NULL,
        ref_post_id       VARCHAR   NOT NULL,
        kind              VARCHAR   NOT NULL,
        author_handle     VARCHAR,
        author_key        VARCHAR,
        ref_author_handle VARCHAR,
        ref_author_key    VARCHAR,
        author_followers  BIGINT
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_shared (
        platform VARCHAR NOT NULL,
        post_id  VARCHAR NOT NULL,
        author   VARCHAR,
        text     VARCHAR,
        rc       BIGINT,
        shares   BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_shared_of (
        platform       VARCHAR NOT NULL,
        post_id        VARCHAR NOT NULL,
        ref_author_key VARCHAR,
        shares         BIGINT  NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_share_minutes (
        platform       VARCHAR NOT NULL,
        post_id        VARCHAR NOT NULL,
        ref_author_key VARCHAR,
        minute_ms      BIGINT  NOT NULL,
        shares         BIGINT  NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_by_author (
        post_row         BIGINT    NOT NULL,
        platform         VARCHAR   NOT NULL,
        author_key       VARCHAR,
        created_at       TIMESTAMP NOT NULL,
        post_id          VARCHAR   NOT NULL,
        kind             VARCHAR   NOT NULL,
        ref_post_id      VARCHAR,
        ref_author_key   VARCHAR,
        author_followers BIGINT,
        retweet_count    BIGINT,
        account_no       BIGINT
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_post_scores (
        created_at TIMESTAMP NOT NULL,
        post_row   BIGINT    NOT NULL,
        compound   DOUBLE    NOT NULL,
        neg        DOUBLE    NOT NULL,
        neu        DOUBLE    NOT NULL,
        pos        DOUBLE    NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_scope (
        created_at   TIMESTAMP NOT NULL,
        language     VARCHAR   NOT NULL,
        not_scored   VARCHAR,
        undetermined BOOLEAN   NOT NULL,
        vader        VARCHAR,
        posts        BIGINT    NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_replies (
        platform      VARCHAR NOT NULL,
        handle_key    VARCHAR NOT NULL,
        reply_targets BIGINT  NOT NULL,
        timed         BIGINT  NOT NULL,
        delay         DOUBLE
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_brand_posts (
        platform           VARCHAR   NOT NULL,
        post_id            VARCHAR   NOT NULL,
        created_at         TIMESTAMP NOT NULL,
        author_handle      VARCHAR,
        kind               VARCHAR   NOT NULL,
        text               VARCHAR,
        ref_post_id        VARCHAR,
        ref_author_handle  VARCHAR,
        retweets           BIGINT    NOT NULL,
        quotes             BIGINT    NOT NULL,
        replies            BIGINT    NOT NULL,
        retweets_collected BIGINT,
        quotes_collected   BIGINT,
        replies_collected  BIGINT
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rollup_urls (
        url      VARCHAR   NOT NULL,
        first_at TIMESTAMP NOT NULL,
        post_row BIGINT    NOT NULL,
        posts    BIGINT    NOT NULL,
        accounts BIGINT    NOT NULL
    )
    """,
]

TABLES = (
    "rollup_minute",
    "rollup_first",
    "rollup_retweets",
    "rollup_accounts",
    "rollup_texts",
    "rollup_terms",
    "rollup_shares",
    "rollup_shared",
    "rollup_shared_of",
    "rollup_share_minutes",
    "rollup_by_author",
    "rollup_post_scores",
    "rollup_scope",
    "rollup_replies",
    "rollup_brand_posts",
    "rollup_urls",
)
#: Each table's CREATE statement, by name.
CREATE = dict(zip(TABLES, CREATE_TABLES, strict=True))

#: How many of the rollup tables exist (a read-only workspace may predate them).
TABLES_PRESENT = f"""
    SELECT count(*) FROM duckdb_tables()
    WHERE database_name = current_database() AND schema_name = 'main'
          AND table_name IN ({", ".join(repr(t) for t in TABLES)})
"""

#: What the rollups depend on, the stamp they were built from, and the display time zone
#: (which the series need too), one (name, value) row each. posts only grow by imports and
#: sentiment only by scoring runs, so these counts change whenever either does. It runs
#: before every timeline query: one UNION ALL of plain scans, half the time of the same as
#: scalar subqueries.
CURRENT_STATE = """
    SELECT 'imports', coalesce(max(import_id), 0)::VARCHAR FROM imports
    UNION ALL SELECT 'posts', count(*)::VARCHAR FROM posts
    UNION ALL SELECT 'scores', count(*)::VARCHAR FROM sentiment
    UNION ALL SELECT 'languages', count(*)::VARCHAR FROM text_language
    UNION ALL SELECT key, value FROM meta WHERE key IN ('brand_handles', 'rollup_stamp', 'timezone')
"""

SPAN = "SELECT min(created_at), max(created_at) FROM posts"

SET_STAMP = "INSERT OR REPLACE INTO meta (key, value) VALUES ('rollup_stamp', ?)"

CLEAR_STAMP = "DELETE FROM meta WHERE key = 'rollup_stamp'"

#: Dropped and made anew on every rebuild: cheaper than deleting every row (which leaves the
#: old rows' space behind until a checkpoint) and it brings an older layout up to date.
DROP = {t: f"DROP TABLE IF EXISTS {t}" for t in TABLES}

# An account is its handle (case-insensitive) on its platform; posts without a handle fall
# back to the author id. The brand flag follows the handle, as the brand filter does.
ACCOUNT_KEY = "platform || ':' || coalesce(lower(author_handle), 'id:' || author_id)"
IS_BRAND = "coalesce(list_contains(?::VARCHAR[], lower(author_handle)), false)"

#: Parameter: the brand handles (lower case).
BUILD_MINUTE = f"""
    INSERT INTO rollup_minute
    SELECT date_trunc('minute', created_at) AS minute, kind, {IS_BRAND} AS is_brand,
           count(*),
           count(compound),
           coalesce(sum(compound), 0),
           count(*) FILTER (WHERE compound <= -0.05),
           count(*) FILTER (WHERE compound > -0.05 AND compound < 0.05),
           count(*) FILTER (WHERE compound >= 0.05),
           coalesce(sum(author_followers), 0),
           count(*) - count(author_followers),
           count(*) FILTER (WHERE not_scored = 'language'),
           count(*) FILTER (WHERE not_scored = 'no_text')
    FROM posts_scored
    GROUP BY ALL
    ORDER BY minute, kind, is_brand
"""

# The kinds, in the order of metrics.KINDS: bit i of a mask stands for _KINDS[i].
_KINDS = ("post", "reply", "quote", "retweet")


#: A post's place in time as one number, earliest first: its time, then (for posts of the
#: same instant) its row number in ``posts``. One HUGEINT compares many times faster than a
#: (time, id) struct, and it never ties.
FIRST_KEY = "((epoch_us(created_at)::HUGEINT << 40) + rowid)"
#: The time back out of a FIRST_KEY value ``k``.
KEY_TIME = "make_timestamp(({k} >> 40)::BIGINT)"


def _per_kind_columns() -> str:
    cols = []
    for k in _KINDS:
        cols.append(f"min({FIRST_KEY}) FILTER (WHERE kind = '{k}') AS k_{k}")
    cols.append("max(author_followers) AS followers")
    return ",\n".join(cols)


def _first_of_mask() -> str:
    """Per account and mask: the earliest of its per-kind first posts among the mask's kinds,
    with the account's follower count (the highest seen)."""
    keys = ", ".join(f"CASE WHEN (mask >> {i}) & 1 = 1 THEN k_{k} END" for i, k in enumerate(_KINDS))
    return f"""
        SELECT is_brand, mask, first_key, followers
        FROM (SELECT *, least({keys}) AS first_key FROM wide, masks)
        WHERE first_key IS NOT NULL
    """


#: Parameter: the brand handles (lower case).
BUILD_FIRST = f"""
    INSERT INTO rollup_first
    WITH wide AS (
        SELECT {ACCOUNT_KEY} AS account, any_value({IS_BRAND}) AS is_brand,
               {_per_kind_columns()}
        FROM posts
        WHERE coalesce(author_handle, author_id) IS NOT NULL
        GROUP BY account
    ),
    masks AS (SELECT m::UTINYINT AS mask FROM range(1, 16) r(m)),
    firsts AS ({_first_of_mask()})
    SELECT date_trunc('minute', {KEY_TIME.format(k="first_key")}) AS minute, mask, is_brand,
           count(*), coalesce(sum(followers), 0)
    FROM firsts
    GROUP BY ALL
    ORDER BY mask, minute, is_brand
"""

BUILD_RETWEETS = """
    INSERT INTO rollup_retweets
    SELECT platform, ref_post_id, count(*)
    FROM posts
    WHERE kind = 'retweet' AND ref_post_id IS NOT NULL
    GROUP BY ALL
    ORDER BY platform, ref_post_id
"""


def _insert(table: str, statement: str, order: str) -> str:
    """Fill the rollup ``table`` with the rows of ``statement`` (a derived table's own
    statement, which the queries also run on the posts when the rollups cannot be used)."""
    return f"INSERT INTO {table} {statement} ORDER BY {order}"


BUILD_ACCOUNTS = _insert("rollup_accounts", ACCOUNT_TOTALS, "platform, handle_key")
BUILD_TEXTS = _insert("rollup_texts", TOP_TEXTS, "platform, handle_key")
BUILD_TERMS = _insert("rollup_terms", TERM_TOTALS, "what, accounts DESC, term")
# in time order, so that the zone maps of created_at keep a range query to its row groups
BUILD_SHARES = _insert("rollup_shares", SHARES, "created_at")
BUILD_SHARED = _insert("rollup_shared", SHARED, "platform, post_id")
# by the author the shares name, so that an excluded account's posts are read from their row groups
# by post, so that the few posts the bursts count slot by slot are read from their row groups
BUILD_SHARE_MINUTES = _insert("rollup_share_minutes", SHARE_MINUTES, "platform, post_id, minute_ms")
# from rollup_share_minutes, built before it
BUILD_SHARED_OF = _insert(
    "rollup_shared_of",
    fill(SHARED_OF, share_minutes="rollup_share_minutes"),
    "ref_author_key, platform, post_id",
)
# by account number (read from rollup_accounts, built before it), so that the zone maps of
# account_no keep a few accounts' posts, or the first accounts', to their row groups (not by
# time within an account: at 10M posts that sort costs more than it saves)
BUILD_BY_AUTHOR = _insert(
    "rollup_by_author", fill(BY_AUTHOR, accounts="rollup_accounts"), "account_no NULLS LAST"
)

# post_row is the row number DuckDB gives each row of posts (rowid): stable because posts are
# only ever appended to, and every append makes the rollups stale. The rows are written in
# time order: the join's output is not in the posts' order, and without the sort each lookup of
# a few seconds' scores read nearly every row group (7 of 8 at 1M posts) instead of one.
BUILD_POST_SCORES = f"""
    INSERT INTO rollup_post_scores
    SELECT p.created_at, p.rowid, s.compound, s.neg, s.neu, s.pos
    FROM posts p JOIN sentiment s ON s.text_key = p.text_key
    {joins()}
    WHERE {in_scope()}
    ORDER BY p.created_at, p.rowid
"""

BUILD_SCOPE = _insert("rollup_scope", SCOPE, "created_at")
BUILD_URLS = _insert("rollup_urls", URL_TOTALS, "url")
# these two read rollup_by_author, built before them in the same transaction
BUILD_REPLIES = _insert(
    "rollup_replies", fill(REPLY_TOTALS, by_author="rollup_by_author"), "platform, handle_key"
)
# (BRAND_POSTS orders its rows itself)
BUILD_BRAND_POSTS = "INSERT INTO rollup_brand_posts " + fill(BRAND_POSTS, by_author="rollup_by_author")

#: An index on the posts' ids, made with the first rollups (so the first import does not pay
#: for it) and kept: posts are only appended to, and each import's insert keeps it up to date.
#: Looking up one post by id (metrics.get_post) then reads each of its columns' values alone
#: (DuckDB's index fetch) instead of decompressing a 2,048-row vector of every column: at
#: 10M posts 1.0-1.8 ms against 4 ms. Its price, measured at 10M: 3.7 s to make, +0.5 GB on
#: disk (0.63 GB without), and appending 1M posts takes 1.6-2.0 s instead of 0.9-1.1 s.
#: Not unique: the importer keeps (platform, post_id) unique, and a unique index would check.
POST_ID_INDEX = "CREATE INDEX IF NOT EXISTS posts_post_id ON posts (post_id)"

#: (table, statement, whether it takes the brand handles, whether it reads the scores or the
#: languages), in build order.
BUILD = [
    ("rollup_minute", BUILD_MINUTE, True, True),
    ("rollup_first", BUILD_FIRST, True, False),
    ("rollup_retweets", BUILD_RETWEETS, False, False),
    ("rollup_accounts", BUILD_ACCOUNTS, False, False),
    ("rollup_texts", BUILD_TEXTS, False, False),
    ("rollup_terms", BUILD_TERMS, False, False),
    ("rollup_shares", BUILD_SHARES, False, False),
    ("rollup_shared", BUILD_SHARED, False, False),
    ("rollup_share_minutes", BUILD_SHARE_MINUTES, False, False),
    ("rollup_shared_of", BUILD_SHARED_OF, False, False),
    ("rollup_by_author", BUILD_BY_AUTHOR, False, False),
    ("rollup_post_scores", BUILD_POST_SCORES, False, True),
    ("rollup_scope", BUILD_SCOPE, False, True),
    ("rollup_replies", BUILD_REPLIES, False, False),
    ("rollup_brand_posts", BUILD_BRAND_POSTS, True, False),
    ("rollup_urls", BUILD_URLS, False, False),
]


#: Whether that index is there (a workspace whose rollups were last built before it, or a
#: read-only one, may lack it: lookups then go by time).
HAS_POST_ID_INDEX = """
    SELECT count(*) FROM duckdb_indexes()
    WHERE database_name = current_database() AND schema_name = 'main'
          AND table_name = 'posts' AND index_name = 'posts_post_id'
"""
