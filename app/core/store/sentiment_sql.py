"""The SQL of sentiment scoring: which texts lack scores, and storing scores.

Only texts that at least one post in scope carries are scored (:mod:`scope_sql`): a German
post's text waits for no score, and a text seen only without a platform language waits for
the language detector first.
"""

import numpy as np

from app.core.store.scope_sql import in_scope, joins

#: VADER's class of a compound score ``{c}``: its usual cut-offs, as the rollups use them.
VADER_CLASS = """CASE WHEN {c} IS NULL THEN NULL
                      WHEN {c} <= -0.05 THEN 'negative'
                      WHEN {c} >= 0.05 THEN 'positive'
                      ELSE 'neutral' END"""

_MISSING = f"""
    FROM posts p {joins()}
    WHERE {in_scope()}
      AND NOT EXISTS (SELECT 1 FROM sentiment s WHERE s.text_key = p.text_key)
"""

MISSING_COUNT = f"SELECT count(DISTINCT p.text_key) {_MISSING}"

# text_key travels as its two 64-bit halves: DuckDB 2.0 turns a UHUGEINT into text or a
# Python int at ~40 µs a value (20 s for 500k texts), the halves at ~0.2 µs
MISSING_TEXTS = f"""
    SELECT (p.text_key >> 64)::UBIGINT, (p.text_key & 18446744073709551615::UHUGEINT)::UBIGINT,
           any_value(p.text)
    {_MISSING}
    GROUP BY p.text_key
"""

_INSERT_SCORES = """
    INSERT INTO sentiment (text_key, compound, pos, neu, neg)
    SELECT (hi::UHUGEINT << 64) | lo::UHUGEINT, c, p, u, n FROM scores_batch
"""


def insert_scores(con, keys: list[tuple[int, int]], scores: list[tuple[float, float, float, float]]) -> None:
    """Store (compound, pos, neu, neg) for each text key (as its 64-bit halves), in one
    statement. The rows travel as numpy columns: 10,000 rows take ~15 ms this way and ~110 ms
    as list parameters (``unnest(?::DOUBLE[])``), which ate a third of a scoring run."""
    if not keys:
        return
    n = len(keys)
    batch = {
        "hi": np.fromiter((k[0] for k in keys), np.uint64, n),
        "lo": np.fromiter((k[1] for k in keys), np.uint64, n),
    }
    columns = np.array(scores, dtype=np.float64).reshape(n, 4)
    for i, name in enumerate(("c", "p", "u", "n")):
        batch[name] = np.ascontiguousarray(columns[:, i])
    con.register("scores_batch", batch)
    try:
        con.execute(_INSERT_SCORES)
    finally:
        con.unregister("scores_batch")


#: A post as the sentiment's coverage counts it: its language ('unknown' when none), why it
#: has no score, whether its language was undetermined, and VADER's class.
_COVERAGE_COLUMNS = f"""coalesce(language, 'unknown') AS language, not_scored,
    language_source = 'undetermined' AS undetermined, {VADER_CLASS.format(c="compound")} AS vader"""

#: The posts counted by time and coverage: the rollup ``rollup_scope``, in time order. The
#: coverage figures of the report's ranges then read ~0.6 rows a post instead of every post's
#: text (whose blankness decides its scope) and language joins: at 1M posts 0.03 s, not 0.28 s.
SCOPE = f"SELECT created_at, {_COVERAGE_COLUMNS}, count(*) AS posts FROM posts_scored GROUP BY ALL"


def totals(where_sql: str | None) -> str:
    """The posts of each of a few ranges and a filter (from metrics_sql.where: constants
    only), counted per language, reason for no score, whether their language is undetermined,
    and VADER class -> (range's from, range's to, language or 'unknown', not_scored,
    undetermined, vader class, posts), from one pass. ``where_sql`` None: no filter, read from
    ``rollup_scope`` (fresh rollups only: it holds the scores). Parameters: froms, tos (naive
    UTC TIMESTAMP[], parallel), the earliest from and the latest to (which keep the scan to
    the ranges' row groups), then the filter's."""
    if where_sql is None:
        source = "(SELECT * FROM rollup_scope WHERE created_at >= ? AND created_at < ?)"
    else:
        source = f"""(
            SELECT created_at, {_COVERAGE_COLUMNS}, 1 AS posts FROM posts_scored
            WHERE created_at >= ? AND created_at < ? AND {where_sql}
        )"""
    return f"""
        WITH r AS (SELECT unnest(?::TIMESTAMP[]) AS lo, unnest(?::TIMESTAMP[]) AS hi)
        SELECT r.lo, r.hi, p.language, p.not_scored, p.undetermined, p.vader, sum(p.posts)::BIGINT
        FROM {source} p JOIN r ON p.created_at >= r.lo AND p.created_at < r.hi
        GROUP BY ALL
    """
