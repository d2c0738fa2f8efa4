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
#: little from post to post; unknown counts are left out, not taken as zero).
#: Parameter: the quantile (0..1).
AUDIENCE = """
    WITH acc AS (
        SELECT max(author_followers) AS followers
        FROM posts
        WHERE author_followers IS NOT NULL AND author_handle IS NOT NULL
        GROUP BY platform, lower(author_handle)
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
        SELECT p.platform, lower(p.author_handle) AS account, p.post_id, p.created_at,
               p.author_handle, p.author_followers, p.kind, p.text
        FROM posts p
        SEMI JOIN big ON big.platform = p.platform AND big.account = lower(p.author_handle)
    ),
    firsts AS (
        SELECT platform, account,
               min(created_at) AS first_at,
               arg_min(post_id, created_at) AS first_post,
               arg_min(kind, created_at) AS first_kind,
               arg_min(text, created_at) AS first_text,
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
    )
    SELECT f.platform, f.handle, f.followers, f.first_at, f.first_post, f.first_kind,
           f.first_text, f.posts, w.posts_in_window, w.own_exposure,
           coalesce(s.shares, 0) AS shares, coalesce(s.share_exposure, 0) AS share_exposure
    FROM firsts f
    JOIN own_window w USING (platform, account)
    LEFT JOIN shares s USING (platform, account)
    ORDER BY w.own_exposure + coalesce(s.share_exposure, 0) DESC, f.first_at ASC, f.handle ASC
    LIMIT ?
"""

# ---- amplification --------------------------------------------------------------------------

#: Posts that collected at least ``minimum`` retweets and quotes in some window of ``slots``
#: consecutive slots, with the busiest such window: the post (its platform and id), the
#: shares in that window, the window's last slot (slot = Unix seconds // slot length) and the
#: shares in all.
#: Posts with fewer shares in all are set aside first, so that only the few candidates are
#: counted slot by slot. Parameters: minimum total, slot length (seconds), slots in a window
#: minus one, minimum in a window, limit.
BURSTS = """
    WITH candidates AS (
        SELECT platform, ref_post_id, count(*) AS total
        FROM posts
        WHERE kind IN ('retweet', 'quote') AND ref_post_id IS NOT NULL
        GROUP BY ALL HAVING count(*) >= ?
    ),
    s AS (
        SELECT platform, ref_post_id, (epoch(created_at) // ?)::BIGINT AS slot, count(*) AS n
        FROM posts SEMI JOIN candidates USING (platform, ref_post_id)
        WHERE kind IN ('retweet', 'quote')
        GROUP BY ALL
    ),
    b AS (
        SELECT platform, ref_post_id, slot,
               sum(n) OVER (PARTITION BY platform, ref_post_id ORDER BY slot
                            RANGE BETWEEN ? PRECEDING AND CURRENT ROW) AS burst
        FROM s
    )
    SELECT b.platform, b.ref_post_id, max(b.burst) AS burst, arg_max(b.slot, b.burst) AS last_slot,
           any_value(c.total) AS total
    FROM b JOIN candidates c USING (platform, ref_post_id)
    GROUP BY ALL
    HAVING max(b.burst) >= ?
    ORDER BY burst DESC, last_slot ASC, b.ref_post_id ASC
    LIMIT ?
"""

#: The retweets and quotes of one post within [from, to): how many, when the first and last
#: came, the followers they reached, the post's author and text as the shares carry them
#: (a retweet holds its original's full text; a quote holds it in ref_text), and the five
#: sharers with the most followers. Parameters: platform, post id, from, to.
BURST_DETAIL = """
    SELECT count(*), min(created_at), max(created_at),
           coalesce(sum(author_followers), 0)::BIGINT,
           count(*) FILTER (WHERE kind = 'retweet'),
           any_value(ref_author_handle),
           coalesce(any_value(text) FILTER (WHERE kind = 'retweet'), any_value(ref_text)),
           list(author_handle ORDER BY author_followers DESC NULLS LAST, created_at)[1:5],
           list(post_id ORDER BY author_followers DESC NULLS LAST, created_at)[1:5]
    FROM posts
    WHERE platform = ? AND ref_post_id = ? AND kind IN ('retweet', 'quote')
          AND created_at >= ? AND created_at < ?
"""

#: How many posts fall in [from, to). Parameters: from, to.
POSTS_BETWEEN = "SELECT count(*) FROM posts WHERE created_at >= ? AND created_at < ?"

# ---- press ----------------------------------------------------------------------------------

#: The first post of each press account that posts in the incident, and how many it posted.
#: Parameter: the press handles (lower case, VARCHAR[]).
PRESS_ACCOUNTS = """
    SELECT lower(author_handle) AS handle_lc,
           arg_min(platform, (created_at, post_id)), arg_min(post_id, (created_at, post_id)),
           min(created_at), arg_min(author_handle, (created_at, post_id)),
           arg_min(author_followers, (created_at, post_id)), arg_min(kind, (created_at, post_id)),
           arg_min(text, (created_at, post_id)), count(*)
    FROM posts
    WHERE lower(author_handle) IN (SELECT unnest(?::VARCHAR[]))
    GROUP BY handle_lc
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
#: it received in the workspace. Parameters: the brand handles (lower case, VARCHAR[]), twice.
BRAND_POSTS = """
    WITH b AS MATERIALIZED (
        SELECT platform, post_id, created_at, author_handle, author_followers, kind, text,
               ref_author_handle
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
    SELECT b.platform, b.post_id, b.created_at, b.author_handle, b.author_followers, b.kind,
           b.text, b.ref_author_handle, coalesce(r.retweets, 0), coalesce(r.quotes, 0),
           coalesce(r.replies, 0)
    FROM b LEFT JOIN r USING (platform, post_id)
    ORDER BY b.created_at, b.post_id
"""
