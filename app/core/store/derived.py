"""Where the analysis' queries read a derived table from.

The rollups (:mod:`app.core.store.rollup_sql`) keep tables the analysis reads many times in one
run: every account's totals and most repeated text, every share, every term used. A query
names such a table by a placeholder, ``{name}``; :func:`fill` puts in the rollup table when
the rollups describe the posts as they are, or else (a read-only workspace whose rollups are
stale) the statement that builds the table, as a subquery over the posts: the same rows
either way, only slower.
"""

from __future__ import annotations


def source(rollups: bool, table: str, statement: str) -> str:
    """The rollup ``table`` (a name, or a query of it), or ``statement`` as a subquery."""
    return table if rollups else f"({statement})"


def fill(sql: str, **sources: str) -> str:
    """``sql`` with each ``{name}`` replaced by ``sources[name]``. A plain replace, not
    ``str.format``: the braces of the SQL's own regular expressions stay as they are."""
    for name, text in sources.items():
        sql = sql.replace("{" + name + "}", text)
    return sql
