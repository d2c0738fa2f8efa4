"""The report's own SQL (named, parameterised): only what metrics and the chronicle do not
already answer."""

#: The posts retweeted most within [?, ?), counted by their retweets in that range:
#: (platform, post id, its author's handle, its text, retweets, first retweet). Params:
#: start, end (naive UTC timestamps), limit.
MOST_RETWEETED = """
    SELECT platform, ref_post_id, any_value(ref_author_handle), any_value(ref_text),
           count(*) AS retweets, min(created_at)
    FROM posts
    WHERE created_at >= ? AND created_at < ? AND kind = 'retweet' AND ref_post_id IS NOT NULL
    GROUP BY platform, ref_post_id
    ORDER BY retweets DESC, ref_post_id ASC
    LIMIT ?
"""
