"""The SQL of sentiment scoring: which texts lack scores, and storing scores."""

import numpy as np

MISSING_COUNT = """
    SELECT count(DISTINCT text_key) FROM posts p
    WHERE NOT EXISTS (SELECT 1 FROM sentiment s WHERE s.text_key = p.text_key)
"""

# text_key travels as its two 64-bit halves: DuckDB 2.0 turns a UHUGEINT into text or a
# Python int at ~40 µs a value (20 s for 500k texts), the halves at ~0.2 µs
MISSING_TEXTS = """
    SELECT (text_key >> 64)::UBIGINT, (text_key & 18446744073709551615::UHUGEINT)::UBIGINT,
           any_value(text)
    FROM posts p
    WHERE NOT EXISTS (SELECT 1 FROM sentiment s WHERE s.text_key = p.text_key)
    GROUP BY text_key
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
