"""The SQL of the summary panels: what the posts in view (a time range and a filter) are made
of, in one scan of the posts. Every value is a ``?`` parameter; the filter is the constant
SQL of :func:`app.core.store.metrics_sql.where`."""

from __future__ import annotations

from app.core.store.metrics_sql import URL_HOST, where


#: Parameters: from, to (TIMESTAMP, to excluded), the filter's, brand handles, press handles,
#: how many entries per list. Rows: (what, key, label, n, n2, n3), n the main count:
#:
#: * ``total``: n posts in view
#: * ``hashtag``: key lower case, label as most often written, n posts using it
#: * ``account``: n posts by the account
#: * ``shared``: the account whose posts were shared in view; n retweets and quotes of them,
#:   n2 of which quotes
#: * ``domain``: n posts linking to the domain
#: * ``lang``: key the language code ('' unknown), n posts
#: * ``voice``: key brand / press / others; n posts, n2 exposure (followers summed where
#:   known), n3 posts whose author's followers are unknown
def summary(names: list) -> str:
    host = URL_HOST.format(url="u")
    return f"""
        WITH f AS MATERIALIZED (
            SELECT platform, post_id, author_handle, author_followers, kind, ref_author_handle,
                   lang, hashtags, urls
            FROM posts WHERE created_at >= ? AND created_at < ? AND {where(names)}
        ),
        handles AS (SELECT ?::VARCHAR[] AS brand, ?::VARCHAR[] AS press),
        lists AS (
            SELECT 'hashtag' AS what, key, mode(h) AS label, count(DISTINCT (platform, post_id)) AS n,
                   NULL::BIGINT AS n2, NULL::BIGINT AS n3
            FROM (SELECT platform, post_id, unnest(hashtags) AS h, lower(h) AS key FROM f)
            GROUP BY key
            UNION ALL
            SELECT 'account', lower(author_handle), mode(author_handle), count(*), NULL, NULL
            FROM f WHERE author_handle IS NOT NULL GROUP BY lower(author_handle)
            UNION ALL
            SELECT 'shared', lower(ref_author_handle), mode(ref_author_handle), count(*),
                   count(*) FILTER (WHERE kind = 'quote'), NULL
            FROM f WHERE kind IN ('retweet', 'quote') AND ref_author_handle IS NOT NULL
            GROUP BY lower(ref_author_handle)
            UNION ALL
            SELECT 'domain', host, host, count(DISTINCT (platform, post_id)), NULL, NULL
            FROM (SELECT platform, post_id,
                         unnest(list_distinct(list_transform(urls, lambda u: {host}))) AS host FROM f)
            WHERE host IS NOT NULL AND host <> ''
            GROUP BY host
            UNION ALL
            SELECT 'lang', coalesce(lang, ''), coalesce(lang, ''), count(*), NULL, NULL
            FROM f GROUP BY coalesce(lang, '')
        ),
        voice AS (
            SELECT 'voice' AS what,
                   CASE WHEN list_contains(handles.brand, lower(author_handle)) THEN 'brand'
                        WHEN list_contains(handles.press, lower(author_handle)) THEN 'press'
                        ELSE 'others' END AS key,
                   '' AS label, count(*) AS n, coalesce(sum(author_followers), 0)::BIGINT AS n2,
                   (count(*) - count(author_followers))::BIGINT AS n3
            FROM f, handles GROUP BY key
        )
        SELECT 'total', '', '', (SELECT count(*) FROM f), NULL, NULL
        UNION ALL
        SELECT * FROM voice
        UNION ALL
        SELECT what, key, label, n, n2, n3 FROM lists
        QUALIFY row_number() OVER (PARTITION BY what ORDER BY n DESC, key) <= ?
    """
