"""The SQL of sentiment scoring: which texts lack scores, and storing scores."""

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

INSERT_SCORES = """
    INSERT INTO sentiment (text_key, compound, pos, neu, neg)
    SELECT (hi::UHUGEINT << 64) | lo::UHUGEINT, c, p, u, n
    FROM (SELECT unnest(?::UBIGINT[]) AS hi, unnest(?::UBIGINT[]) AS lo, unnest(?::DOUBLE[]) AS c,
                 unnest(?::DOUBLE[]) AS p, unnest(?::DOUBLE[]) AS u, unnest(?::DOUBLE[]) AS n)
"""
