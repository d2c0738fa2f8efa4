"""The SQL of the human check of the sentiment: labels, the sample to label, agreement.

Every value travels as a ``?`` parameter. VADER's classes use its usual cut-offs (compound
<= -0.05 negative, >= 0.05 positive, neutral between), as the rollups and metrics do.
"""

from __future__ import annotations

from app.core.store.metrics_sql import POST_COLUMNS

VADER_CLASS = """CASE WHEN {c} IS NULL THEN NULL
                      WHEN {c} <= -0.05 THEN 'negative'
                      WHEN {c} >= 0.05 THEN 'positive'
                      ELSE 'neutral' END"""

#: Parameters: platform, post id, label, labelled_at.
SET_LABEL = """
    INSERT INTO sentiment_labels (platform, post_id, label, labelled_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (platform, post_id) DO UPDATE SET label = excluded.label,
                                                 labelled_at = excluded.labelled_at
"""

CLEAR_LABEL = "DELETE FROM sentiment_labels WHERE platform = ? AND post_id = ?"

LABELS = "SELECT platform, post_id, label FROM sentiment_labels ORDER BY labelled_at, platform, post_id"

POST_EXISTS = "SELECT count(*) > 0 FROM posts WHERE platform = ? AND post_id = ?"

#: Candidates for labelling: one post per scored text that no label covers yet (its first
#: post that is not a retweet, if any, since a retweet's text is its original's), put in a
#: period (equal-count slices of the texts by first appearance) and a VADER class; per
#: stratum, the first few in the order of text_key XOR a mask made from the seed. text_key
#: is an md5, so that order is random, yet the same on every run and DuckDB version (and with
#: distinct keys it has no ties); hashing in SQL would need text_key as text, and that cast
#: costs 50 µs a row (measured). min_by keeps the first few per stratum without sorting all.
#: Parameters: number of periods, the mask (a 128-bit number as text), how many to keep per
#: stratum at most.
SAMPLE_CANDIDATES = f"""
    WITH labelled AS (
        SELECT DISTINCT p.text_key
        FROM sentiment_labels l JOIN posts p ON p.platform = l.platform AND p.post_id = l.post_id
    ),
    texts AS (
        SELECT p.text_key,
               arg_min([p.platform, p.post_id],
                       (p.kind = 'retweet', p.created_at, p.platform, p.post_id)) AS pick,
               min(p.created_at) AS first_at
        FROM posts p
        WHERE p.text_key NOT IN (SELECT text_key FROM labelled)
        GROUP BY p.text_key
    ),
    strata AS (
        SELECT t.pick, t.text_key,
               ntile(?) OVER (ORDER BY t.first_at, t.text_key) AS period,
               {VADER_CLASS.format(c="s.compound")} AS vader_class
        FROM texts t JOIN sentiment s ON s.text_key = t.text_key
    )
    SELECT period, vader_class,
           min_by(pick, xor(text_key, ?::VARCHAR::UHUGEINT), ?) AS picks
    FROM strata
    GROUP BY ALL
    ORDER BY period, vader_class
"""

#: The chosen posts, with their scores, as metrics.PostRow reads them. Parameters: platforms,
#: post ids (two lists of the same length).
POSTS_BY_KEY = f"""
    SELECT {POST_COLUMNS}
    FROM posts_scored
    JOIN (SELECT unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS post_id) k
         USING (platform, post_id)
    ORDER BY created_at, platform, post_id
"""

#: (human label, VADER class or NULL when the post is not scored yet, posts).
CONFUSION = f"""
    SELECT l.label, {VADER_CLASS.format(c="s.compound")} AS vader_class, count(*)
    FROM sentiment_labels l
    JOIN posts p ON p.platform = l.platform AND p.post_id = l.post_id
    LEFT JOIN sentiment s ON s.text_key = p.text_key
    GROUP BY ALL
"""


def relabelled_posts(where_sql: str) -> str:
    """Posts in a time range (and a filter, from metrics_sql.where: constants only) whose
    text a person labelled differently from VADER: (Unix time, VADER's class, the label).
    Starts from the few labelled texts, so it never joins every post to its scores.
    Parameters: start, end (naive UTC timestamps), then the filter's."""
    return f"""
        WITH text_labels AS (
            SELECT p.text_key, arg_max(l.label, l.labelled_at) AS label
            FROM sentiment_labels l JOIN posts p ON p.platform = l.platform AND p.post_id = l.post_id
            GROUP BY p.text_key
        ),
        classes AS (
            SELECT t.text_key, t.label,
                   CASE WHEN s.compound <= -0.05 THEN 'negative'
                        WHEN s.compound >= 0.05 THEN 'positive' ELSE 'neutral' END AS vader
            FROM text_labels t JOIN sentiment s ON s.text_key = t.text_key
        )
        SELECT epoch(p.created_at), c.vader, c.label
        FROM posts p JOIN classes c ON c.text_key = p.text_key
        WHERE c.vader <> c.label AND p.created_at >= ? AND p.created_at < ? AND {where_sql}
    """
