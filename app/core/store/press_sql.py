"""The SQL behind the press pickup and the incident's terms (:mod:`app.core.analysis.press`,
:mod:`app.core.analysis.terms`).

* the terms: the hashtags and the handles the incident's accounts use most, each with how
  many accounts used it in posts of their own (retweets left out: a retweet copies its
  original's words);
* the press accounts' posts, with the post each one answers, quotes or retweets when the
  archive holds it (to tell whether it is about the incident);
* the links to press sites: per URL, its first post and how many posts and accounts shared it.

Every value travels as a ``?`` parameter; functions return dataclass rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.store.accounts_sql import account_totals, by_author, lower_all
from app.core.store.derived import fill, source

# ---- the incident's terms -------------------------------------------------------------------


@dataclass(frozen=True)
class TermUse:
    """A hashtag or handle (lower case), as most often written, and how many accounts used it."""

    term: str
    written: str
    accounts: int
    #: among the most used (else only asked for by name)
    in_top: bool = True


#: The accounts that post in their own voice (retweets left out).
OWN_VOICE_ACCOUNTS = "SELECT count(*) FROM {accounts} WHERE posts > retweets"


def own_voice_accounts(con: Any, rollups: bool = False) -> int:
    return int(con.execute(fill(OWN_VOICE_ACCOUNTS, accounts=account_totals(rollups))).fetchone()[0])


def term_items(column: str) -> str:
    """Per account and term (a hashtag or handle in lower case) of the ``column`` ("hashtags"
    or "mentions", a constant) of its own posts (retweets left out): each way it was written
    and how many times. Blank items are left out."""
    return f"""
        SELECT platform, account, lower(item) AS term, item AS written, count(*) AS n
        FROM (
            SELECT platform, lower(author_handle) AS account, unnest({column}) AS item FROM posts
            WHERE kind <> 'retweet' AND author_handle IS NOT NULL AND len({column}) > 0
        )
        WHERE item IS NOT NULL AND trim(item) <> ''
        GROUP BY ALL
    """


def _term_totals(items: str) -> str:
    """Per term of ``items`` (a FROM clause with the columns of :func:`term_items`): how many
    accounts used it, and how it is shown: as most often written (ties: the first in byte
    order, so "AskJPM" before "askjpm")."""
    return f"""
        WITH raw AS MATERIALIZED (SELECT * FROM {items}),
        counted AS (SELECT term, count(DISTINCT (platform, account)) AS accounts FROM raw GROUP BY term),
        written AS (
            SELECT term, arg_min(written, (-n, written)) AS written
            FROM (SELECT term, written, sum(n) AS n FROM raw GROUP BY ALL)
            GROUP BY term
        )
        SELECT term, written, accounts FROM counted JOIN written USING (term)
    """


#: Both columns' terms (:func:`_term_totals`) with the column's name (``what``), kept as the
#: ``rollup_terms`` table: nothing in them depends on what is asked, and unnesting every
#: post's hashtags and mentions then counting each term's accounts was all of the terms' cost
#: (10M posts: 1.7 s a run).
TERM_TOTALS = " UNION ALL ".join(
    f"SELECT '{what}' AS what, * FROM ({_term_totals(f'({term_items(what)})')})"
    for what in ("hashtags", "mentions")
)

#: The terms used by at least a number of accounts, at most so many, most used first, and
#: those asked for by name. Parameters: min accounts, limit, the terms asked for (lower case).
_TERM_USES = """
    WITH t AS (SELECT * FROM {totals}),
    top AS (SELECT term FROM t WHERE accounts >= ? ORDER BY accounts DESC, term LIMIT ?)
    SELECT term, written, accounts, term IN (SELECT term FROM top) AS in_top FROM t
    WHERE term IN (SELECT term FROM top) OR term IN (SELECT unnest(?::VARCHAR[]))
    ORDER BY accounts DESC, term
"""

#: (column, whether from the rollups) -> the statement; the column's name is a constant.
TERM_USES = {
    (what, rolled): fill(
        _TERM_USES,
        totals=source(
            rolled,
            f"(SELECT * EXCLUDE (what) FROM rollup_terms WHERE what = '{what}')",
            _term_totals(f"({term_items(what)})"),
        ),
    )
    for what in ("hashtags", "mentions")
    for rolled in (False, True)
}


def term_uses(
    con: Any, what: str, min_accounts: int, limit: int, also: Sequence[str] = (), rollups: bool = False
) -> list[TermUse]:
    """The hashtags (``what`` = "hashtags") or mentioned handles ("mentions") used by at
    least ``min_accounts`` accounts in posts of their own, at most ``limit``, most used first
    (``in_top``), and, in the same pass, those of ``also`` (lower case) that any account used
    (``in_top`` False unless they are among the first)."""
    rows = con.execute(
        TERM_USES[(what, rollups)], [int(min_accounts), int(limit), sorted({t.lower() for t in also})]
    ).fetchall()
    return [TermUse(t, w.lstrip("#@"), int(n), bool(top)) for t, w, n, top in rows]


# ---- the press accounts' posts --------------------------------------------------------------


@dataclass(frozen=True)
class PressPost:
    """A post by a press account, with the post it replies to, quotes or retweets when the
    archive holds it (``ref_*``: None otherwise; ``ref_in_archive`` says which)."""

    platform: str
    post_id: str
    created_at: datetime
    handle: str
    kind: str
    text: str
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]
    urls: tuple[str, ...]
    ref_post_id: str | None
    ref_author_handle: str | None
    ref_text: str | None
    ref_in_archive: bool
    ref_hashtags: tuple[str, ...]
    ref_mentions: tuple[str, ...]
    ref_full_text: str | None


#: Parameter: the press handles (lower case, VARCHAR[]). Their posts are found by the
#: accounts' numbers (see :data:`app.core.store.accounts_sql.ACCOUNT_TOTALS`), and the posts
#: they reply to, quote or retweet by those posts' ids: joined on every post, an account of 20
#: posts took 0.23 s at 10M posts (a scan of every post's text), found by id 0.03 s.
PRESS_POSTS = """
    WITH own AS MATERIALIZED (
        SELECT post_row FROM {by_author}
        WHERE account_no IN (SELECT account_no FROM {accounts} WHERE handle_key IN (SELECT unnest(?::VARCHAR[])))
    ),
    p AS MATERIALIZED (
        SELECT platform, post_id, created_at, author_handle, kind, text, hashtags, mentions, urls, ref_post_id,
               ref_author_handle, ref_text
        FROM posts WHERE rowid IN (SELECT post_row FROM own)
    ),
    r AS (
        SELECT platform, post_id, hashtags, mentions, text FROM posts
        WHERE post_id IN (SELECT ref_post_id FROM p)
    )
    SELECT p.platform, p.post_id, p.created_at, p.author_handle, p.kind, p.text, p.hashtags,
           p.mentions, p.urls, p.ref_post_id, p.ref_author_handle, p.ref_text,
           r.post_id IS NOT NULL, r.hashtags, r.mentions, r.text
    FROM p LEFT JOIN r ON r.platform = p.platform AND r.post_id = p.ref_post_id
    ORDER BY p.created_at, p.post_id
"""


def press_posts(con: Any, handles: Sequence[str], rollups: bool = False) -> list[PressPost]:
    """Every post by the given accounts, in time order."""
    keys = lower_all(handles)
    if not keys:
        return []
    sql = fill(PRESS_POSTS, by_author=by_author(rollups), accounts=account_totals(rollups))
    return [
        PressPost(
            platform=r[0],
            post_id=r[1],
            created_at=r[2],
            handle=r[3],
            kind=r[4],
            text=r[5] or "",
            hashtags=tuple(r[6] or ()),
            mentions=tuple(r[7] or ()),
            urls=tuple(r[8] or ()),
            ref_post_id=r[9],
            ref_author_handle=r[10],
            ref_text=r[11],
            ref_in_archive=bool(r[12]),
            ref_hashtags=tuple(r[13] or ()),
            ref_mentions=tuple(r[14] or ()),
            ref_full_text=r[15],
        )
        for r in con.execute(sql, [keys]).fetchall()
    ]


# ---- links to press sites -------------------------------------------------------------------


@dataclass(frozen=True)
class PressLink:
    """A URL whose host is a press domain: the domain matched, the URL's first post, how many
    posts and distinct accounts shared it."""

    domain: str
    url: str
    first_at: datetime
    platform: str
    post_id: str
    handle: str | None
    kind: str
    text: str
    posts: int
    accounts: int


#: Per URL the posts link to: its first post (row number in ``posts``; the earliest, then the
#: lowest id), that post's time, and how many posts and distinct accounts linked to it. Kept as
#: the ``rollup_urls`` table: the press list changes, the URLs do not, and matching every link
#: of every post against the press domains was most of the press links' cost (10M posts: 2M
#: links, 100k distinct URLs).
URL_TOTALS = """
    SELECT url, min(created_at) AS first_at, arg_min(post_row, (created_at, post_id)) AS post_row,
           count(DISTINCT (platform, post_id)) AS posts, count(DISTINCT (platform, account)) AS accounts
    FROM (
        SELECT rowid AS post_row, created_at, post_id, platform, lower(author_handle) AS account,
               unnest(urls) AS url
        FROM posts
        WHERE len(urls) > 0
    )
    WHERE url IS NOT NULL
    GROUP BY url
"""

#: Links to press domains: per URL whose host is a press domain, the domain matched, the first
#: post that shared it and how many posts and accounts did; first shared first (then by the
#: first post's id, then by URL: one post may carry several). The domains arrive as one
#: regular expression built by the caller with every domain escaped
#: (:func:`app.core.press_list.domains_pattern`): scheme, optional user info, the host (the
#: domain or a subdomain of it), then a port, path, query, fragment or the end; group 1 is the
#: domain. Parameters: the pattern, twice.
PRESS_LINKS = """
    WITH m AS (
        SELECT lower(regexp_extract(url, ?, 1)) AS domain, * FROM {urls} WHERE regexp_matches(url, ?)
    )
    SELECT m.domain, m.url, m.first_at, p.platform, p.post_id, p.author_handle, p.kind, p.text,
           m.posts, m.accounts
    FROM m
    JOIN (SELECT rowid AS post_row, platform, post_id, author_handle, kind, text
          FROM posts WHERE rowid IN (SELECT post_row FROM m)) p USING (post_row)
    ORDER BY m.first_at, p.post_id, m.url
"""


def press_links(con: Any, pattern: str, rollups: bool = False) -> list[PressLink]:
    """The press links of the posts (see :data:`PRESS_LINKS`), first shared first."""
    sql = fill(PRESS_LINKS, urls=source(rollups, "rollup_urls", URL_TOTALS))
    return [
        PressLink(
            domain=r[0],
            url=r[1],
            first_at=r[2],
            platform=r[3],
            post_id=r[4],
            handle=r[5],
            kind=r[6],
            text=r[7] or "",
            posts=int(r[8]),
            accounts=int(r[9]),
        )
        for r in con.execute(sql, [pattern, pattern]).fetchall()
    ]
