"""The SQL of evidence: posts the user tagged (``post_tags``) or commented on
(``post_comments``), and posts looked up by their keys. Every value is a ``?`` parameter;
a list of posts travels as two parallel lists (platforms, post ids)."""

from __future__ import annotations

from app.core.store.metrics_sql import POST_COLUMNS

#: the posts given as two parallel lists: platforms, post ids
_KEYS = "SELECT unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS post_id"

# ---- tags -------------------------------------------------------------------------------------

#: Parameters: tag, now, platforms, post ids.
ADD_TAG = f"""
    INSERT INTO post_tags (platform, post_id, tag, tagged_at)
    SELECT k.platform, k.post_id, ?, ? FROM ({_KEYS}) k
    ON CONFLICT DO NOTHING
"""

#: Parameters: tag, platforms, post ids.
REMOVE_TAG = f"DELETE FROM post_tags WHERE tag = ? AND (platform, post_id) IN ({_KEYS})"

#: Parameters: platforms, post ids. (platform, post_id, tag), by post then tag.
TAGS_OF = f"""
    SELECT platform, post_id, tag FROM post_tags
    WHERE (platform, post_id) IN ({_KEYS})
    ORDER BY platform, post_id, tag
"""

#: Every tag with how many posts carry it, most used first.
ALL_TAGS = "SELECT tag, count(*) AS posts FROM post_tags GROUP BY tag ORDER BY posts DESC, tag"

#: Parameters: new tag, old tag (then DELETE_TAG with the old one).
RENAME_TAG = """
    INSERT INTO post_tags (platform, post_id, tag, tagged_at)
    SELECT platform, post_id, ?, tagged_at FROM post_tags WHERE tag = ?
    ON CONFLICT DO NOTHING
"""
DELETE_TAG = "DELETE FROM post_tags WHERE tag = ?"

# ---- comments ---------------------------------------------------------------------------------

#: Parameters: platform, post id, comment, now.
SET_COMMENT = """
    INSERT INTO post_comments (platform, post_id, comment, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (platform, post_id) DO UPDATE SET comment = excluded.comment, updated_at = excluded.updated_at
"""

#: Parameters: platform, post id.
DELETE_COMMENT = "DELETE FROM post_comments WHERE platform = ? AND post_id = ?"

#: Parameters: platforms, post ids.
COMMENTS_OF = f"SELECT platform, post_id, comment FROM post_comments WHERE (platform, post_id) IN ({_KEYS})"

# ---- posts ------------------------------------------------------------------------------------

#: The posts that carry evidence (a tag or a comment): keys, in time order of tagging.
EVIDENCE_KEYS = """
    SELECT platform, post_id, min(marked_at) AS first_at FROM (
        SELECT platform, post_id, tagged_at AS marked_at FROM post_tags
        UNION ALL
        SELECT platform, post_id, updated_at AS marked_at FROM post_comments
    ) GROUP BY platform, post_id
"""

#: Parameters: platforms, post ids. The posts whole (PostRow columns), with their scores.
POSTS_BY_KEYS = f"""
    SELECT {POST_COLUMNS} FROM posts_scored
    WHERE (platform, post_id) IN ({_KEYS})
"""
