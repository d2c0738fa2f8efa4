"""The SQL behind the window's choices: which languages the workspace holds."""

LANGUAGES = """
    SELECT lang, count(*) AS n FROM posts WHERE lang IS NOT NULL AND lang <> ''
    GROUP BY lang ORDER BY n DESC, lang LIMIT ?
"""
