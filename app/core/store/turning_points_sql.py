"""The SQL behind the suggested turning points (:mod:`app.core.turning_points`).

The series-based detectors (volume, sentiment, peaks, the early-warning rule) work on binned
series from :mod:`app.core.metrics` and need no SQL of their own. The queries here answer the
detectors that are about accounts and posts: who entered, what was amplified, when the press
came in, what the brand posted. Each is one statement over ``posts`` with its values passed
as ``?`` parameters (handles, domains, thresholds, times as naive-UTC TIMESTAMPs); nothing
but this module's constants ever becomes SQL text.

An account is its handle, case-insensitive, on its platform (as in the rollups).
"""

from __future__ import annotations

# ---- accounts and their audience ------------------------------------------------------------

#: How many accounts post, the median of their follower counts and the follower count at a
#: given quantile. An account's count is the largest seen in the incident (counts drift a
#: little from post to post; unknown counts are left out, not taken as zero). Accounts are
#: told apart by their handle as written: lower-casing ten million handles would double the
#: cost, and a handle seen in two spellings barely moves a median. Parameter: the quantile
#: (0..1).
AUDIENCE = """
    WITH acc AS (
        SELECT max(author_followers) AS followers
        FROM posts
        WHERE author_followers IS NOT NULL AND author_handle IS NOT NULL
        GROUP BY platform, author_handle
    )
    SELECT count(*), median(followers)::DOUBLE, quantile_cont(followers, ?)::DOUBLE FROM acc
"""

#: Accounts whose follower count reaches a threshold, with their first post of the incident
#: and the exposure they brought in the hours after it: the followers of their own posts plus
#: those of the accounts that retweeted or quoted one of their posts, within the window.
#: Parameters: threshold (followers), handles to leave out (lower case, VARCHAR[]), window
#: (seconds), window (seconds), limit.
INFLUENCERS = """
    WITH big AS (
        SELECT platform, lower(author_handle) AS account
        FROM posts
        WHERE author_followers >= ? AND author_handle IS NOT NULL
              AND lower(author_handle) NOT IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY ALL
    ),
    own AS MATERIALIZED (
        SELECT p.rowid AS post_row, p.platform, lower(p.author_handle) AS account, p.post_id,
               p.created_at, p.author_handle, p.author_followers
        FROM posts p
        SEMI JOIN big ON big.platform = p.platform AND big.account = lower(p.author_handle)
    ),
    firsts AS (
        SELECT platform, account,
               min(created_at) AS first_at,
               arg_min(post_row, (created_at, post_id)) AS first_row,
               arg_max(author_handle, created_at) AS handle,
               max(author_followers) AS followers,
               count(*) AS posts
        FROM own GROUP BY ALL
    ),
    own_window AS (
        SELECT o.platform, o.account, count(*) AS posts_in_window,
               coalesce(sum(o.author_followers), 0) AS own_exposure
        FROM own o JOIN firsts f USING (platform, account)
        WHERE o.created_at < f.first_at + to_seconds(?::DOUBLE)
        GROUP BY ALL
    ),
    shares AS (
        -- a share names its original's author: only shares of the big accounts are joined
        SELECT o.platform, o.account, count(*) AS shares,
               coalesce(sum(r.author_followers), 0) AS share_exposure
        FROM posts r
        JOIN own o ON o.platform = r.platform AND o.post_id = r.ref_post_id
        JOIN firsts f ON f.platform = o.platform AND f.account = o.account
        WHERE r.kind IN ('retweet', 'quote') AND r.ref_post_id IS NOT NULL
              AND lower(r.ref_author_handle) IN (SELECT account FROM big)
              AND r.created_at < f.first_at + to_seconds(?::DOUBLE)
        GROUP BY ALL
    ),
    ranked AS (
        SELECT f.*, w.posts_in_window, w.own_exposure, coalesce(s.shares, 0) AS shares,
               coalesce(s.share_exposure, 0) AS share_exposure
        FROM firsts f
        JOIN own_window w USING (platform, account)
        LEFT JOIN shares s USING (platform, account)
        ORDER BY w.own_exposure + coalesce(s.share_exposure, 0) DESC, f.first_at ASC, f.handle ASC
        LIMIT ?
    ),
    -- the first posts' text is read for these few rows only, by row id
    first_posts AS (
        SELECT rowid AS first_row, post_id, kind, text FROM posts
        WHERE rowid IN (SELECT first_row FROM ranked)
    )
    SELECT r.platform, r.handle, r.followers, r.first_at, p.post_id, p.kind, p.text, r.posts,
           r.posts_in_window, r.own_exposure, r.shares, r.share_exposure
    FROM ranked r JOIN first_posts p USING (first_row)
    ORDER BY r.own_exposure + r.share_exposure DESC, r.first_at ASC, r.handle ASC
"""

# ---- amplification --------------------------------------------------------------------------

#: Posts shared (retweeted or quoted) at least ``minimum`` times in all, most shared first:
#: the candidates for :data:`BURSTS`. From the rollups the retweets are counted already and
#: only the quotes (a few percent of posts) are counted now; from the posts, all of them.
#: Parameter: the minimum.
BURST_CANDIDATES = {
    "rollup": """
        SELECT platform, ref_post_id, sum(n)::BIGINT AS total
        FROM (
            SELECT platform, post_id AS ref_post_id, retweets AS n FROM rollup_retweets
            UNION ALL
            SELECT platform, ref_post_id, count(*) FROM posts
            WHERE kind = 'quote' AND ref_post_id IS NOT NULL GROUP BY ALL
        )
        GROUP BY ALL HAVING sum(n) >= ?
        ORDER BY total DESC, platform, ref_post_id
    """,
    "posts": """
        SELECT platform, ref_post_id, count(*) AS total
        FROM posts
        WHERE kind IN ('retweet', 'quote') AND ref_post_id IS NOT NULL
        GROUP BY ALL HAVING count(*) >= ?
        ORDER BY total DESC, platform, ref_post_id
    """,
}

#: For the given posts (two parallel lists: platforms and ids), those that collected at
#: least ``minimum`` retweets and quotes in some window of ``slots`` consecutive slots, with
#: the busiest such window: the post, the shares in that window and the window's last slot
#: (slot = Unix milliseconds // slot length, integers throughout: epoch() is a DOUBLE, on
#: which // does not floor). Parameters: slot length (milliseconds, an integer), platforms
#: (VARCHAR[]), ids (VARCHAR[]), slots in a window minus one, minimum in a window, limit.
BURSTS = """
    WITH s AS (
        SELECT platform, ref_post_id, epoch_ms(created_at) // ? AS slot, count(*) AS n
        FROM posts
        SEMI JOIN (SELECT unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS ref_post_id) c
             USING (platform, ref_post_id)
        WHERE kind IN ('retweet', 'quote')
        GROUP BY ALL
    ),
    b AS (
        SELECT platform, ref_post_id, slot,
               sum(n) OVER (PARTITION BY platform, ref_post_id ORDER BY slot
                            RANGE BETWEEN ? PRECEDING AND CURRENT ROW) AS burst
        FROM s
    )
    SELECT platform, ref_post_id, max(burst) AS burst, arg_max(slot, burst) AS last_slot
    FROM b
    GROUP BY ALL
    HAVING max(burst) >= ?
    ORDER BY burst DESC, last_slot ASC, ref_post_id ASC
    LIMIT ?
"""

#: For each of a few posts and a time window of its own (four parallel lists: platforms,
#: ids, window starts, window ends), its retweets and quotes within the window: how many,
#: when the first and last came, the followers they reached, how many were retweets, the
#: post's author and text as the shares carry them (a retweet holds its original's full
#: text; a quote holds it in ref_text), and the five sharers with the most followers.
#: The last two parameters, the earliest start and the latest end, let the scan skip the
#: row groups outside every window. Parameters: platforms, ids (VARCHAR[]), starts, ends
#: (TIMESTAMP[]), earliest start, latest end.
BURST_DETAILS = """
    WITH w AS (
        SELECT unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS ref_post_id,
               unnest(?::TIMESTAMP[]) AS lo, unnest(?::TIMESTAMP[]) AS hi
    )
    SELECT w.platform, w.ref_post_id, count(*), min(p.created_at), max(p.created_at),
           coalesce(sum(p.author_followers), 0)::BIGINT,
           count(*) FILTER (WHERE p.kind = 'retweet'),
           any_value(p.ref_author_handle),
           coalesce(any_value(p.text) FILTER (WHERE p.kind = 'retweet'), any_value(p.ref_text)),
           list(p.author_handle ORDER BY p.author_followers DESC NULLS LAST, p.created_at)[1:5],
           list(p.post_id ORDER BY p.author_followers DESC NULLS LAST, p.created_at)[1:5]
    FROM posts p
    JOIN w ON p.platform = w.platform AND p.ref_post_id = w.ref_post_id
              AND p.created_at >= w.lo AND p.created_at < w.hi
    WHERE p.kind IN ('retweet', 'quote') AND p.created_at >= ? AND p.created_at < ?
    GROUP BY ALL
"""

#: When each of a few posts was posted, for those the workspace holds. Parameters:
#: platforms, ids (VARCHAR[], parallel).
POSTED_AT = """
    SELECT p.platform, p.post_id, p.created_at
    FROM posts p
    SEMI JOIN (SELECT unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS post_id) w
         USING (platform, post_id)
"""

#: How many posts fall in [from, to). Parameters: from, to.
POSTS_BETWEEN = "SELECT count(*) FROM posts WHERE created_at >= ? AND created_at < ?"

# ---- press ----------------------------------------------------------------------------------

#: The first post of each press account that posts in the incident, and how many it posted.
#: The accounts are found on the handle column alone and their first posts then read whole
#: by row id: reading every post's text on the way would cost several times the scan.
#: Parameter: the press handles (lower case, VARCHAR[]).
PRESS_ACCOUNTS = """
    WITH firsts AS (
        SELECT lower(author_handle) AS handle_lc,
               arg_min(rowid, (created_at, post_id)) AS post_row, count(*) AS posts
        FROM posts
        WHERE lower(author_handle) IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY handle_lc
    )
    SELECT f.handle_lc, p.platform, p.post_id, p.created_at, p.author_handle, p.author_followers,
           p.kind, p.text, f.posts
    FROM firsts f
    JOIN (SELECT rowid AS post_row, platform, post_id, created_at, author_handle, author_followers,
                 kind, text
          FROM posts WHERE rowid IN (SELECT post_row FROM firsts)) p USING (post_row)
"""

#: Links to press domains: per matched domain and URL, the first post that shared it and
#: how many posts did. The domains arrive as one regular expression (a parameter, built by
#: the caller with every domain escaped): scheme, optional user info, then the host, which
#: is the domain or a subdomain of it (jp.reuters.com is reuters.com), followed by a port,
#: path, query, fragment or the end. With the domains ordered longest first and the
#: subdomain part matched lazily, the most specific listed domain wins
#: (dealbook.nytimes.com over nytimes.com). Group 1 is the domain. One pass of a compiled
#: pattern over the links costs a tenth of splitting every host into its parts, and only
#: the few first posts are then read whole, by row id. Parameters: the pattern, the pattern.
PRESS_LINKS = """
    WITH u AS (
        SELECT rowid AS post_row, created_at, post_id, unnest(urls) AS url
        FROM posts
        WHERE len(urls) > 0
    ),
    m AS (
        SELECT *, lower(regexp_extract(url, ?, 1)) AS domain FROM u WHERE regexp_matches(url, ?)
    ),
    f AS (
        SELECT domain, url, min(created_at) AS first_at,
               arg_min(post_row, (created_at, post_id)) AS post_row,
               count(DISTINCT post_id) AS posts
        FROM m GROUP BY domain, url
    )
    SELECT f.domain, f.url, f.first_at, p.platform, p.post_id, p.author_handle,
           p.author_followers, p.kind, p.text, f.posts
    FROM f
    JOIN (SELECT rowid AS post_row, platform, post_id, author_handle, author_followers, kind, text
          FROM posts WHERE rowid IN (SELECT post_row FROM f)) p USING (post_row)
    ORDER BY f.first_at, p.post_id
"""

# ---- the brand ------------------------------------------------------------------------------

#: Every post by the brand's accounts, in time order, with the retweets, quotes and replies
#: it received in the workspace (found on the handle column, then read whole by row id).
#: Parameters: the brand handles (lower case, VARCHAR[]), twice.
BRAND_POSTS = """
    WITH b AS MATERIALIZED (
        SELECT rowid AS post_row, platform, post_id
        FROM posts
        WHERE lower(author_handle) IN (SELECT unnest(?::VARCHAR[]))
    ),
    r AS (
        -- a retweet, quote or reply names its original's author: only those of the brand
        -- are joined
        SELECT p.platform, p.ref_post_id AS post_id,
               count(*) FILTER (WHERE p.kind = 'retweet') AS retweets,
               count(*) FILTER (WHERE p.kind = 'quote') AS quotes,
               count(*) FILTER (WHERE p.kind = 'reply') AS replies
        FROM posts p SEMI JOIN b ON b.platform = p.platform AND b.post_id = p.ref_post_id
        WHERE lower(p.ref_author_handle) IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY ALL
    )
    SELECT p.platform, p.post_id, p.created_at, p.author_handle, p.author_followers, p.kind,
           p.text, p.ref_author_handle, coalesce(r.retweets, 0), coalesce(r.quotes, 0),
           coalesce(r.replies, 0)
    FROM (SELECT platform, post_id, created_at, author_handle, author_followers, kind, text,
                 ref_author_handle
          FROM posts WHERE rowid IN (SELECT post_row FROM b)) p
    LEFT JOIN r USING (platform, post_id)
    ORDER BY p.created_at, p.post_id
"""
