"""The SQL behind the window's first overview: posts per hour by kind."""

HOURLY_VOLUME_BY_KIND = """
    SELECT epoch(time_bucket(INTERVAL 1 HOUR, created_at)) AS t, kind, count(*) AS n
    FROM posts GROUP BY ALL ORDER BY t
"""
