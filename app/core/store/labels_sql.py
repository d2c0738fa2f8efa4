"""The SQL of the human check of the sentiment: labels, the sample to label, the labelled
texts against VADER (and a vendor's sentiment), and the archive's texts per VADER class.

Every value travels as a ``?`` parameter. VADER's classes use its usual cut-offs (compound
<= -0.05 negative, >= 0.05 positive, neutral between), as the rollups and metrics do. Only
posts in the sentiment's scope (:mod:`scope_sql`) have a VADER class.
"""

from __future__ import annotations

from app.core.store.metrics_sql import POST_COLUMNS
from app.core.store.scope_sql import in_scope, joins, reason
from app.core.store.sentiment_sql import VADER_CLASS

#: Parameters: platforms, post ids, labels (three lists of one length), labelled_at, source.
SET_LABELS = """
    INSERT INTO sentiment_labels (platform, post_id, label, labelled_at, source)
    SELECT platform, post_id, label, ?::TIMESTAMP, ?::VARCHAR
    FROM (SELECT unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS post_id,
                 unnest(?::VARCHAR[]) AS label)
    ON CONFLICT (platform, post_id) DO UPDATE SET label = excluded.label,
                                                 labelled_at = excluded.labelled_at,
                                                 source = excluded.source
"""

CLEAR_LABEL = "DELETE FROM sentiment_labels WHERE platform = ? AND post_id = ?"

LABELS = "SELECT platform, post_id, label FROM sentiment_labels ORDER BY labelled_at, platform, post_id"

#: What the labels depend on, to know when a calibration must be redone.
LABELS_STAMP = """
    SELECT (SELECT count(*) FROM sentiment_labels), (SELECT max(labelled_at) FROM sentiment_labels),
           (SELECT count(*) FROM sentiment), (SELECT count(*) FROM text_language),
           (SELECT count(*) FROM posts), (SELECT coalesce(max(import_id), 0) FROM imports)
"""

#: Which of the given (platform, post id) pairs are posts of the workspace. Parameters:
#: platforms, post ids (two lists of one length).
KNOWN_POSTS = """
    SELECT k.platform, k.post_id
    FROM (SELECT unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS post_id) k
    WHERE EXISTS (SELECT 1 FROM posts p WHERE p.platform = k.platform AND p.post_id = k.post_id)
"""

#: The platforms whose posts carry each of the given ids. Parameter: post ids.
PLATFORMS_OF_IDS = """
    SELECT post_id, list(DISTINCT platform ORDER BY platform)
    FROM posts WHERE post_id IN (SELECT unnest(?::VARCHAR[]))
    GROUP BY post_id
"""

#: Candidates for labelling: one post per scored text in scope that no label covers yet (its
#: first post that is not a retweet, if any, since a retweet's text is its original's), put
#: in a period (equal-count slices of the texts by first appearance) and a VADER class; per
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
        FROM posts p {joins()}
        WHERE p.text_key NOT IN (SELECT text_key FROM labelled) AND {in_scope()}
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


def labelled_texts(vendor_column: bool) -> str:
    """Per labelled text (a label judges a text; the latest label of its posts wins): the
    label, VADER's class (NULL when not scored), why the text is outside the sentiment's
    scope (NULL when inside), and the vendor's sentiment of the labelled post (NULL when
    there is none, or the workspace has no ``posts.vendor_sentiment`` column) -> (label,
    vader class, out of scope, vendor value, texts)."""
    vendor = "p.vendor_sentiment" if vendor_column else "NULL::VARCHAR"
    return f"""
        WITH per_text AS (
            SELECT p.text_key,
                   arg_max(l.label, (l.labelled_at, l.platform, l.post_id)) AS label,
                   arg_max({vendor}, (l.labelled_at, l.platform, l.post_id)) AS vendor,
                   arg_max(coalesce({reason()}, ''), (l.labelled_at, l.platform, l.post_id)) AS reason,
                   bool_or({in_scope()}) AS in_scope
            FROM sentiment_labels l
            JOIN posts p ON p.platform = l.platform AND p.post_id = l.post_id
            {joins()}
            GROUP BY p.text_key
        )
        SELECT t.label,
               CASE WHEN t.in_scope THEN {VADER_CLASS.format(c="s.compound")} END AS vader_class,
               CASE WHEN t.in_scope THEN NULL ELSE nullif(t.reason, '') END AS out_of_scope,
               t.vendor, count(*)
        FROM per_text t LEFT JOIN sentiment s ON s.text_key = t.text_key
        GROUP BY ALL
    """


#: Whether the archive has a vendor's sentiment: ``posts.vendor_sentiment`` (schema step 4,
#: from a listening tool's export) holds a value for some post.
HAS_VENDOR_COLUMN = "SELECT count(vendor_sentiment) > 0 FROM posts"

#: Distinct scored texts in scope per VADER class: the population the labelled sample is
#: drawn from, class by class.
TEXTS_PER_VADER_CLASS = f"""
    SELECT {VADER_CLASS.format(c="s.compound")} AS vader_class, count(*)
    FROM sentiment s
    WHERE s.text_key IN (
        SELECT p.text_key FROM posts p {joins()}
        WHERE {in_scope()}
    )
    GROUP BY ALL
"""


def relabelled_posts(where_sql: str) -> str:
    """Posts in scope in a time range (and a filter, from metrics_sql.where: constants only)
    whose text a person labelled differently from VADER: (Unix time, VADER's class, the
    label). Starts from the few labelled texts, so it never joins every post to its scores.
    Parameters: start, end (naive UTC timestamps), then the filter's."""
    return f"""
        WITH text_labels AS (
            SELECT p.text_key, arg_max(l.label, l.labelled_at) AS label
            FROM sentiment_labels l JOIN posts p ON p.platform = l.platform AND p.post_id = l.post_id
            GROUP BY p.text_key
        ),
        classes AS (
            SELECT t.text_key, t.label, {VADER_CLASS.format(c="s.compound")} AS vader
            FROM text_labels t JOIN sentiment s ON s.text_key = t.text_key
        )
        SELECT epoch(p.created_at), c.vader, c.label
        FROM (SELECT * FROM posts WHERE created_at >= ? AND created_at < ? AND {where_sql}) p
        JOIN classes c ON c.text_key = p.text_key
        {joins()}
        WHERE c.vader <> c.label AND {in_scope()}
    """
