"""The SQL of sentiment scoring: which texts lack scores, and storing scores."""

MISSING_COUNT = """
    SELECT count(DISTINCT text_key) FROM posts p
    WHERE NOT EXISTS (SELECT 1 FROM sentiment s WHERE s.text_key = p.text_key)
"""

# text_key travels as text: Python ints this wide do not cross into DuckDB reliably
MISSING_TEXTS = """
    SELECT text_key::VARCHAR, any_value(text) FROM posts p
    WHERE NOT EXISTS (SELECT 1 FROM sentiment s WHERE s.text_key = p.text_key)
    GROUP BY text_key
"""

INSERT_SCORES = """
    INSERT INTO sentiment (text_key, compound, pos, neu, neg)
    SELECT k::UHUGEINT, c, p, u, n
    FROM (SELECT unnest(?::VARCHAR[]) AS k, unnest(?::DOUBLE[]) AS c, unnest(?::DOUBLE[]) AS p,
                 unnest(?::DOUBLE[]) AS u, unnest(?::DOUBLE[]) AS n)
"""
