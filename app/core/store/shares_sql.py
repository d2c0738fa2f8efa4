"""The SQL about shares: who was retweeted and quoted, when, how much, on which evidence
(:mod:`app.core.analysis.amplification` and :mod:`app.core.analysis.influence`).

Two kinds of evidence, never mixed in one figure:

* **in the archive**: the retweets and quotes the archive holds, each with its time, so they
  can be counted within any time range. A share by the account that wrote the post (a
  self-retweet) is not counted, nor one by an account in the ``exclude`` list (automated
  accounts), nor a share of a post written by an excluded account.
* **as counted when collected**: the ``retweet_count`` and ``quote_count`` the platform
  reported when each post was collected. A retweet carries its original's retweet count (as
  it was when the retweet was collected), so a post's collected retweets are the highest
  ``retweet_count`` seen on its own row and on the archive's retweets of it; its collected
  quotes are its own row's ``quote_count`` (a retweet's ``quote_count`` is its own, 0). These
  counts cover the post's whole life up to its collection, not a time range.

The shares are read from two rollup tables when the rollups describe the posts as they are
(``rollups=True``; :mod:`app.core.store.rollup_sql` builds them with the others), else from the
posts by the same statements (:data:`SHARES`, :data:`SHARED`): ``rollup_shares`` holds every
share with its accounts' handles already in lower case, in time order, so that a range reads
only its own row groups; ``rollup_shared`` holds, per post shared, its author and text as the
shares tell them and the highest retweet count its retweets carried.

Every value travels as a ``?`` parameter; functions return dataclass rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.store.accounts_sql import account_totals, by_author, lower_all, ts
from app.core.store.derived import fill, source

#: Every share the archive holds: a retweet or quote naming its original, with its author's
#: and its original's author's handles in lower case (``author_key``, ``ref_author_key``).
SHARES = """
    SELECT created_at, platform, post_id, ref_post_id, kind, author_handle,
           lower(author_handle) AS author_key, ref_author_handle,
           lower(ref_author_handle) AS ref_author_key, author_followers
    FROM posts WHERE kind IN ('retweet', 'quote') AND ref_post_id IS NOT NULL
"""

#: Per post shared: its author and text as its shares tell them (the latest share's; a
#: retweet's text is the original's, a quote names it in ``ref_text``), the highest retweet
#: count its retweets carried (``rc``, NULL when none did), and its shares not by its author
#: (``shares``: of these, the bursts leave out those by or of excluded accounts).
SHARED = """
    SELECT platform, ref_post_id AS post_id,
           arg_max(ref_author_handle, created_at) AS author,
           coalesce(arg_max(text, created_at) FILTER (WHERE kind = 'retweet'),
                    arg_max(ref_text, created_at)) AS text,
           max(retweet_count) FILTER (WHERE kind = 'retweet') AS rc,
           count(*) FILTER (WHERE NOT coalesce(lower(author_handle) = lower(ref_author_handle), false)) AS shares
    FROM posts WHERE kind IN ('retweet', 'quote') AND ref_post_id IS NOT NULL
    GROUP BY ALL
"""


#: Per post shared, per author its shares name (lower case) and per minute (Unix
#: milliseconds, the minute's start), its shares not by that author: the bursts count the
#: most shared posts' shares slot by slot from these (slots of whole minutes), not from every
#: share (10M posts: 0.28 s -> 0.09 s).
SHARE_MINUTES = """
    SELECT platform, ref_post_id AS post_id, lower(ref_author_handle) AS ref_author_key,
           epoch_ms(date_trunc('minute', created_at)) AS minute_ms,
           count(*) FILTER (WHERE NOT coalesce(lower(author_handle) = lower(ref_author_handle), false)) AS shares
    FROM posts WHERE kind IN ('retweet', 'quote') AND ref_post_id IS NOT NULL
    GROUP BY ALL
"""


#: Per post shared and per author its shares name, its shares not by that author
#: (:data:`SHARE_MINUTES` summed over the minutes): the shares of an excluded account's posts
#: are counted from these, not from every share (for all of a post's shares name the same
#: author but when an account was renamed). Read ``{share_minutes}``.
SHARED_OF = """
    SELECT platform, post_id, ref_author_key, sum(shares)::BIGINT AS shares
    FROM {share_minutes}
    GROUP BY ALL
"""


def _sources(sql: str, rollups: bool) -> str:
    """``sql`` reading ``{shares}``, ``{shared}``, ``{shared_of}``, ``{share_minutes}``,
    ``{by_author}`` and ``{accounts}`` (see :mod:`app.core.store.derived`)."""
    return fill(
        sql,
        shares=source(rollups, "rollup_shares", SHARES),
        shared=source(rollups, "rollup_shared", SHARED),
        shared_of=source(rollups, "rollup_shared_of", fill(SHARED_OF, share_minutes=f"({SHARE_MINUTES})")),
        share_minutes=source(rollups, "rollup_share_minutes", SHARE_MINUTES),
        by_author=by_author(rollups),
        accounts=account_totals(rollups),
    )


#: The shares counted: not by the original's author, not by an excluded account, not of an
#: excluded account's post.
_NOT_EXCLUDED = """
    NOT coalesce({p}author_key = {p}ref_author_key, false)
    AND NOT coalesce({p}author_key IN (SELECT unnest(?::VARCHAR[])), false)
    AND NOT coalesce({p}ref_author_key IN (SELECT unnest(?::VARCHAR[])), false)
"""


def _shares_untimed(prefix: str) -> str:
    """Of ``{shares}`` (the columns prefixed with ``prefix``), those counted (see
    :data:`_NOT_EXCLUDED`; each range or candidate brings its own times). Parameters:
    excluded handles, excluded handles (lower case, VARCHAR[])."""
    return _NOT_EXCLUDED.format(p=prefix)


#: The collected retweet count of each post: the highest seen on its own row and on the
#: archive's retweets of it.
_COLLECTED = """
    SELECT platform, post_id, max(retweet_count) AS rc
    FROM (
        SELECT platform, post_id, retweet_count FROM posts
        WHERE kind <> 'retweet' AND retweet_count IS NOT NULL
        UNION ALL
        SELECT platform, post_id, rc FROM {shared} WHERE rc IS NOT NULL
    )
    GROUP BY ALL
"""

# ---- which evidence the archive offers ------------------------------------------------------


@dataclass(frozen=True)
class ShareEvidence:
    """What the archive holds about shares.

    ``archive_shares``: retweets and quotes in the archive (as counted by :data:`_NOT_EXCLUDED`
    over the whole archive); ``counted_posts``: posts with a collected retweet count above 0;
    ``collected_retweets``: those counts summed; ``archive_retweets_of_counted``: the
    archive's retweets (every one, by anyone) of those posts; ``collected_quotes``: quote
    counts summed over the posts' own rows."""

    archive_shares: int
    counted_posts: int
    collected_retweets: int
    archive_retweets_of_counted: int
    collected_quotes: int


@dataclass(frozen=True)
class ShareTotals:
    """The shares by or of the ``exclude`` accounts (not by a post's author) in all
    (``excluded``), and the posts with at least ``minimum`` shares without them, most first
    (``candidates``: platform, id, shares): measured once, for both the evidence and the
    bursts of an analysis."""

    exclude: tuple[str, ...]
    minimum: int
    excluded: int
    candidates: list[tuple[str, str, int]]


#: Never reached: the totals without candidates.
NO_CANDIDATES = 2**62


def share_totals(
    con: Any, exclude: Sequence[str], minimum: int = NO_CANDIDATES, rollups: bool = False
) -> ShareTotals:
    ex = lower_all(exclude)
    rows = con.execute(_sources(_SHARE_TOTALS, rollups), [ex, int(minimum)]).fetchall()
    return ShareTotals(
        tuple(ex),
        int(minimum),
        int(rows[0][0]),
        [(p, i, int(n)) for _, p, i, n in rows if p is not None],
    )


def _totals(
    con: Any, exclude: Sequence[str], rollups: bool, totals: ShareTotals | None, minimum: int | None = None
) -> ShareTotals:
    """``totals`` if measured for the same accounts (and the same minimum, when one is
    asked), else measured now."""
    if (
        totals is not None
        and totals.exclude == tuple(lower_all(exclude))
        and (minimum is None or totals.minimum == int(minimum))
    ):
        return totals
    return share_totals(con, exclude, NO_CANDIDATES if minimum is None else minimum, rollups)


#: The shares in the archive (all of them: each post's count in ``{shared}``, less those by or
#: of excluded accounts, :attr:`ShareTotals.excluded`, a parameter) and the collected counts.
EVIDENCE = f"""
    WITH c AS MATERIALIZED ({_COLLECTED})
    SELECT
        (SELECT coalesce(sum(shares), 0) FROM {{shared}}) - ?,
        (SELECT count(*) FROM c WHERE rc > 0),
        (SELECT coalesce(sum(rc), 0) FROM c WHERE rc > 0),
        (SELECT count(*) FROM posts r SEMI JOIN (SELECT * FROM c WHERE rc > 0) c
                ON c.platform = r.platform AND c.post_id = r.ref_post_id
         WHERE r.kind = 'retweet'),
        (SELECT coalesce(sum(quote_count), 0) FROM posts WHERE kind <> 'retweet')
"""


def evidence(
    con: Any, exclude: Sequence[str], rollups: bool = False, totals: ShareTotals | None = None
) -> ShareEvidence:
    """What the archive holds about shares, the shares by or of ``exclude`` left out
    (``totals``: :func:`share_totals`, when measured already)."""
    row = con.execute(
        _sources(EVIDENCE, rollups), [_totals(con, exclude, rollups, totals).excluded]
    ).fetchone()
    return ShareEvidence(*(int(x) for x in row))


# ---- the most shared posts of a range -------------------------------------------------------


@dataclass(frozen=True)
class Sharer:
    """An account that shared a post, and its share's post id."""

    handle: str
    post_id: str


@dataclass(frozen=True)
class SharedPost:
    """A post and its shares. ``in_archive`` says whether the archive holds the post itself
    (else its author and text come from its shares, and ``posted_at`` is None).

    In the archive and within the range asked: ``shares`` (retweets + quotes), ``retweets``,
    ``quotes``, ``sharers`` (distinct accounts), ``share_exposure`` (followers summed over
    the shares that carry a count, None when none does) and ``shares_with_followers``;
    ``first_share``/``last_share`` their times. As counted when collected:
    ``retweets_collected`` and ``quotes_collected`` (None when not recorded)."""

    platform: str
    post_id: str
    author: str | None
    posted_at: datetime | None
    text: str
    kind: str | None
    in_archive: bool
    shares: int
    retweets: int
    quotes: int
    sharers: int
    share_exposure: int | None
    shares_with_followers: int
    first_share: datetime | None
    last_share: datetime | None
    retweets_collected: int | None
    quotes_collected: int | None
    #: up to five of the accounts that shared it in the range, most followers first
    top_sharers: tuple[Sharer, ...] = ()

    @property
    def shares_collected(self) -> int | None:
        if self.retweets_collected is None and self.quotes_collected is None:
            return None
        return (self.retweets_collected or 0) + (self.quotes_collected or 0)


#: The (platform, post_id, lo, hi) rows :data:`_DETAILS` describes, as parameters: platforms,
#: post ids (VARCHAR[]), froms, tos (TIMESTAMP[]), parallel.
_CANDIDATES = """cand AS (
    SELECT unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS post_id,
           unnest(?::TIMESTAMP[]) AS lo, unnest(?::TIMESTAMP[]) AS hi
)"""

#: A share's rank among a post's sharers: most followers first (unknown last), then the
#: earlier, then by id (unique, so the order is total).
_SHARER_RANK = (
    "{'unknown': p.author_followers IS NULL, 'followers': -coalesce(p.author_followers, 0), "
    "'at': p.created_at, 'id': p.post_id}"
)

#: Everything :class:`SharedPost` holds, then its range, for the :data:`_CANDIDATES` rows
#: (parameters first), with each one's shares in [lo, hi). A post may be a candidate of
#: several ranges. Then the parameters: the candidates' post ids, the earliest lo and the
#: latest hi (the shares' row groups outside them are skipped), excluded, excluded, the post
#: ids twice more. Each table is read by the ids as a constant list, then matched: DuckDB
#: prunes row groups by a constant list (the ids follow time) and not by a join (at 1M posts,
#: looking up the originals took 2 ms against 30 ms; the report's statement 0.07 s against
#: 0.16 s).
_DETAILS = f"""
    WITH {_CANDIDATES},
    -- the candidates' shares, their originals and the shares' view of them, each found by
    -- the ids alone (a join with the candidates would stop the pruning), then matched
    sh AS MATERIALIZED (
        SELECT * FROM {{shares}} p
        WHERE p.ref_post_id IN (SELECT unnest(?::VARCHAR[])) AND p.created_at >= ? AND p.created_at < ?
              AND {_shares_untimed("p.")}
    ),
    s AS (
        SELECT c.lo, c.hi, p.platform, p.ref_post_id AS post_id, count(*) AS shares,
               count(*) FILTER (WHERE p.kind = 'retweet') AS retweets,
               count(*) FILTER (WHERE p.kind = 'quote') AS quotes,
               count(DISTINCT p.author_key) AS sharers,
               sum(p.author_followers) AS share_exposure,
               count(p.author_followers) AS shares_known,
               min(p.created_at) AS first_share, max(p.created_at) AS last_share,
               -- the five first by rank: min_by keeps a heap of five, where an ordered list
               -- sorts every share (half the time at 1M posts)
               min_by({{'handle': p.author_handle, 'id': p.post_id}}, {_SHARER_RANK}, 5) AS top
        FROM sh p
        JOIN cand c ON c.platform = p.platform AND c.post_id = p.ref_post_id
             AND p.created_at >= c.lo AND p.created_at < c.hi
        GROUP BY ALL
    ),
    -- the author and text of originals the archive does not hold, from any share
    refs AS (
        SELECT r.platform, r.post_id, r.author, r.text, r.rc
        FROM {{shared}} r WHERE r.post_id IN (SELECT unnest(?::VARCHAR[]))
    ),
    own AS MATERIALIZED (
        SELECT o.platform, o.post_id, o.author_handle, o.created_at, o.text, o.kind, o.quote_count,
               o.retweet_count
        FROM posts o WHERE o.post_id IN (SELECT unnest(?::VARCHAR[]))
    ),
    coll AS (
        SELECT platform, post_id, max(rc) AS rc
        FROM (
            SELECT platform, post_id, retweet_count AS rc FROM own WHERE kind <> 'retweet'
            UNION ALL
            SELECT platform, post_id, rc FROM refs
        )
        GROUP BY ALL
    )
    SELECT c.platform, c.post_id, coalesce(o.author_handle, r.author), o.created_at,
           coalesce(o.text, r.text, ''), o.kind, o.post_id IS NOT NULL,
           coalesce(s.shares, 0), coalesce(s.retweets, 0), coalesce(s.quotes, 0),
           coalesce(s.sharers, 0), s.share_exposure, coalesce(s.shares_known, 0),
           s.first_share, s.last_share, k.rc, o.quote_count,
           [x.handle FOR x IN s.top], [x.id FOR x IN s.top], c.lo, c.hi
    FROM cand c
    LEFT JOIN own o USING (platform, post_id)
    LEFT JOIN refs r USING (platform, post_id)
    LEFT JOIN s USING (platform, post_id, lo, hi)
    LEFT JOIN coll k USING (platform, post_id)
"""


def _details(
    con: Any, cands: Sequence[tuple[str, str, datetime, datetime]], ex: list[str], rollups: bool
) -> list[tuple[SharedPost, tuple[datetime, datetime]]]:
    """:class:`SharedPost` of each (platform, post_id, lo, hi) candidate, its shares counted
    in [lo, hi) (``ex``: the excluded handles, lower case), with its range's bounds."""
    if not cands:
        return []
    ids = sorted({c[1] for c in cands})
    params = [[c[0] for c in cands], [c[1] for c in cands], [c[2] for c in cands], [c[3] for c in cands]]
    scan = [min(c[2] for c in cands), max(c[3] for c in cands)]
    rows = con.execute(_sources(_DETAILS, rollups), [*params, ids, *scan, ex, ex, ids, ids]).fetchall()
    return [(_shared(r), (r[19], r[20])) for r in rows]


#: The ranges asked, [lo, hi) each. Parameters: froms, tos (TIMESTAMP[], parallel).
_RANGES = "r AS (SELECT unnest(?::TIMESTAMP[]) AS lo, unnest(?::TIMESTAMP[]) AS hi)"


#: Archive basis: the posts with the most shares in each range. Parameters: those of
#: :data:`_RANGES`, excluded, excluded, limit.
_TOP_IN_ARCHIVE = f"""
    {_RANGES},
    ranked AS (
        SELECT r.lo, r.hi, p.platform, p.ref_post_id AS post_id, count(*) AS n, min(p.created_at) AS first_at
        FROM {{shares}} p JOIN r ON p.created_at >= r.lo AND p.created_at < r.hi
        WHERE {_shares_untimed("p.")}
        GROUP BY ALL
    ),
    cand AS (
        SELECT platform, post_id, lo, hi FROM ranked
        QUALIFY row_number() OVER (PARTITION BY lo, hi ORDER BY n DESC, first_at, post_id) <= ?
    )
"""

#: Collected basis: the posts of each range (posted then, or, when the archive does not hold
#: them, shared then) not written by an excluded account, each with its author and its
#: collected shares ``n`` (NULL when no count was recorded; a post's count is the same in
#: every range). Parameters: those of :data:`_RANGES`, excluded, excluded.
_COLLECTED_SCORED = f"""
    {_RANGES},
    posted AS (
        SELECT r.lo, r.hi, p.platform, p.post_id, p.author_handle AS author
        FROM posts p JOIN r ON p.created_at >= r.lo AND p.created_at < r.hi
        WHERE p.kind <> 'retweet'
              AND NOT coalesce(lower(p.author_handle) IN (SELECT unnest(?::VARCHAR[])), false)
    ),
    shared_only AS (
        SELECT r.lo, r.hi, p.platform, p.ref_post_id AS post_id,
               arg_max(p.ref_author_handle, p.created_at) AS author
        FROM posts p JOIN r ON p.created_at >= r.lo AND p.created_at < r.hi
        WHERE p.kind IN ('retweet', 'quote') AND p.ref_post_id IS NOT NULL
              AND NOT coalesce(lower(p.ref_author_handle) IN (SELECT unnest(?::VARCHAR[])), false)
              AND NOT EXISTS (SELECT 1 FROM posts o WHERE o.platform = p.platform AND o.post_id = p.ref_post_id)
        GROUP BY ALL
    ),
    -- disjoint within a range: the posts the archive holds, and those it does not
    pool AS (SELECT * FROM posted UNION ALL SELECT * FROM shared_only),
    scored AS (
        SELECT x.platform, x.post_id,
               CASE WHEN max(x.rc) IS NULL AND max(x.qc) IS NULL THEN NULL
                    ELSE coalesce(max(x.rc), 0) + coalesce(max(x.qc), 0) END AS n
        FROM (
            SELECT o.platform, o.post_id, o.retweet_count AS rc, o.quote_count AS qc FROM posts o
            SEMI JOIN pool USING (platform, post_id) WHERE o.kind <> 'retweet'
            UNION ALL
            SELECT r.platform, r.ref_post_id, r.retweet_count, NULL FROM posts r
            SEMI JOIN pool ON pool.platform = r.platform AND pool.post_id = r.ref_post_id
            WHERE r.kind = 'retweet'
        ) x
        GROUP BY ALL
    )
"""

#: Collected basis, posts: the highest collected shares first, per range. Parameters: those
#: of :data:`_COLLECTED_SCORED`, then the limit.
_TOP_COLLECTED = f"""
    {_COLLECTED_SCORED},
    cand AS (
        SELECT p.platform, p.post_id, p.lo, p.hi
        FROM pool p JOIN scored s USING (platform, post_id)
        WHERE s.n > 0
        QUALIFY row_number() OVER (PARTITION BY p.lo, p.hi ORDER BY s.n DESC, p.post_id) <= ?
    )
"""


def _batch(
    ranges: Sequence[tuple[float, float]], exclude: Sequence[str], basis: str
) -> tuple[list[str], list[tuple[datetime, datetime]], list]:
    """What a query of many ranges takes: the excluded handles as compared, each range's key
    (its bounds as timestamps) and the parameters of :data:`_RANGES` (each range once: a range
    asked twice would count its shares twice). Checks ``basis``."""
    if basis not in ("archive", "collected"):
        raise ValueError(f"unknown basis {basis!r}")
    keys = [(ts(a), ts(b)) for a, b in ranges]
    unique = list(dict.fromkeys(keys))
    return lower_all(exclude), keys, [[k[0] for k in unique], [k[1] for k in unique]]


def top_posts(
    con: Any, start: float, end: float, exclude: Sequence[str], limit: int, basis: str, rollups: bool = False
) -> list[SharedPost]:
    """The most shared posts of [start, end) on ``basis`` ("archive": most shares in the
    archive within the range; "collected": highest collected counts among the range's
    posts), most shared first (ties: the earlier, then by id)."""
    return top_posts_of(con, [(start, end)], exclude, limit, basis, rollups)[0]


def top_posts_of(
    con: Any,
    ranges: Sequence[tuple[float, float]],
    exclude: Sequence[str],
    limit: int,
    basis: str,
    rollups: bool = False,
) -> list[list[SharedPost]]:
    """:func:`top_posts` of each range, in one statement (the report asks for every phase)."""
    ex, keys, params = _batch(ranges, exclude, basis)
    if not ranges:
        return []
    chosen = _TOP_IN_ARCHIVE if basis == "archive" else _TOP_COLLECTED
    cands = con.execute(
        _sources(f"WITH {chosen} SELECT platform, post_id, lo, hi FROM cand", rollups),
        [*params, ex, ex, int(limit)],
    ).fetchall()
    found: dict[tuple[datetime, datetime], list[SharedPost]] = {k: [] for k in keys}
    for post, bounds in _details(con, cands, ex, rollups):
        found[bounds].append(post)
    key = (
        (lambda p: (-p.shares, p.first_share or datetime.max, p.post_id))
        if basis == "archive"
        else (lambda p: (-(p.shares_collected or 0), p.post_id))
    )
    return [sorted(found[k], key=key) for k in keys]


def posts_shares(
    con: Any, posts: Sequence[tuple[str, str, float, float]], exclude: Sequence[str], rollups: bool = False
) -> dict[tuple[str, str], SharedPost]:
    """:class:`SharedPost` rows for the given (platform, post_id, start, end) posts, each one's
    shares counted in its own [start, end)."""
    if not posts:
        return {}
    cands = [(p[0], p[1], ts(p[2]), ts(p[3])) for p in posts]
    return {(s.platform, s.post_id): s for s, _ in _details(con, cands, lower_all(exclude), rollups)}


def _shared(r: tuple) -> SharedPost:
    return SharedPost(
        platform=r[0],
        post_id=r[1],
        author=r[2],
        posted_at=r[3],
        text=r[4] or "",
        kind=r[5],
        in_archive=bool(r[6]),
        shares=int(r[7]),
        retweets=int(r[8]),
        quotes=int(r[9]),
        sharers=int(r[10]),
        share_exposure=None if r[11] is None else int(r[11]),
        shares_with_followers=int(r[12]),
        first_share=r[13],
        last_share=r[14],
        retweets_collected=None if r[15] is None else int(r[15]),
        quotes_collected=None if r[16] is None else int(r[16]),
        top_sharers=tuple(Sharer(h, i) for h, i in zip(r[17] or (), r[18] or (), strict=False) if h),
    )


# ---- the accounts whose posts were shared most ----------------------------------------------


@dataclass(frozen=True)
class SharedAccount:
    """An account and the shares its posts received (on one basis), with its own posts in
    the range. ``shares``: retweets + quotes (archive: within the range; collected: summed
    over its posts of the range); ``posts_shared``: its posts that were shared; on the
    archive basis ``share_exposure`` and ``shares_with_followers`` as in
    :class:`SharedPost`. ``posts``/``exposure``/``posts_with_followers``: its own posts in
    the range, the followers summed over those that carry a count (None when none does).
    ``top_posts``: up to three of its most shared posts."""

    platform: str
    handle_key: str
    handle: str
    shares: int
    retweets: int | None
    quotes: int | None
    posts_shared: int
    share_exposure: int | None
    shares_with_followers: int
    posts: int
    exposure: int | None
    posts_with_followers: int
    top_posts: tuple[str, ...]


#: Archive basis, per range (its bounds last). Parameters: those of :data:`_RANGES`,
#: excluded, excluded, limit.
_ACCOUNTS_IN_ARCHIVE = f"""
    WITH {_RANGES},
    -- per post shared, then per account from those: one pass over the shares, and no
    -- DISTINCT (at 1M posts the shares of the report's ranges are ~1M rows, their posts 5%)
    per_post AS (
        SELECT r.lo, r.hi, p.platform, p.ref_author_key AS handle_key, p.ref_post_id, count(*) AS n,
               count(*) FILTER (WHERE p.kind = 'retweet') AS retweets,
               count(*) FILTER (WHERE p.kind = 'quote') AS quotes,
               sum(p.author_followers) AS exposure, count(p.author_followers) AS known,
               arg_max(p.ref_author_handle, p.created_at) AS handle, max(p.created_at) AS last_at
        FROM {{shares}} p JOIN r ON p.created_at >= r.lo AND p.created_at < r.hi
        WHERE {_shares_untimed("p.")} AND p.ref_author_handle IS NOT NULL
        GROUP BY ALL
    ),
    acc AS (
        SELECT lo, hi, platform, handle_key, arg_max(handle, last_at) AS handle, sum(n) AS shares,
               sum(retweets) AS retweets, sum(quotes) AS quotes, count(*) AS posts_shared,
               sum(exposure) AS share_exposure, sum(known) AS shares_known
        FROM per_post GROUP BY lo, hi, platform, handle_key
        QUALIFY row_number() OVER (PARTITION BY lo, hi ORDER BY shares DESC, handle_key) <= ?
    ),
    tops AS (
        SELECT lo, hi, platform, handle_key, list(ref_post_id ORDER BY n DESC, ref_post_id)[1:3] AS top
        FROM per_post SEMI JOIN acc USING (lo, hi, platform, handle_key) GROUP BY ALL
    ),
    own AS (
        SELECT a.lo, a.hi, p.platform, a.handle_key, count(*) AS posts,
               sum(p.author_followers) AS exposure, count(p.author_followers) AS known
        FROM {{by_author}} p JOIN acc a ON a.platform = p.platform AND a.handle_key = p.author_key
             AND p.created_at >= a.lo AND p.created_at < a.hi
        GROUP BY ALL
    )
    SELECT a.platform, a.handle_key, a.handle, a.shares, a.retweets, a.quotes, a.posts_shared,
           a.share_exposure, a.shares_known, coalesce(o.posts, 0), o.exposure, coalesce(o.known, 0), t.top,
           a.lo, a.hi
    FROM acc a LEFT JOIN own o USING (lo, hi, platform, handle_key) LEFT JOIN tops t USING (lo, hi, platform, handle_key)
    ORDER BY a.shares DESC, a.handle_key
"""


def top_accounts(
    con: Any, start: float, end: float, exclude: Sequence[str], limit: int, basis: str, rollups: bool = False
) -> list[SharedAccount]:
    """The accounts whose posts were shared most in [start, end) on ``basis``; excluded
    accounts neither count as sharers nor appear."""
    return top_accounts_of(con, [(start, end)], exclude, limit, basis, rollups)[0]


def top_accounts_of(
    con: Any,
    ranges: Sequence[tuple[float, float]],
    exclude: Sequence[str],
    limit: int,
    basis: str,
    rollups: bool = False,
) -> list[list[SharedAccount]]:
    """:func:`top_accounts` of each range, in one statement (the report asks for every
    phase)."""
    ex, keys, params = _batch(ranges, exclude, basis)
    if not ranges:
        return []
    found: dict[tuple[datetime, datetime], list[SharedAccount]] = {k: [] for k in keys}
    if basis == "archive":
        rows = con.execute(_sources(_ACCOUNTS_IN_ARCHIVE, rollups), [*params, ex, ex, int(limit)]).fetchall()
        for r in rows:
            found[(r[13], r[14])].append(
                SharedAccount(
                    platform=r[0],
                    handle_key=r[1],
                    handle=r[2],
                    shares=int(r[3]),
                    retweets=int(r[4]),
                    quotes=int(r[5]),
                    posts_shared=int(r[6]),
                    share_exposure=None if r[7] is None else int(r[7]),
                    shares_with_followers=int(r[8]),
                    posts=int(r[9]),
                    exposure=None if r[10] is None else int(r[10]),
                    posts_with_followers=int(r[11]),
                    top_posts=tuple(r[12] or ()),
                )
            )
        return [found[k] for k in keys]
    rows = con.execute(_ACCOUNTS_COLLECTED, [*params, ex, ex, int(limit)]).fetchall()
    own = _own_posts_of(con, [(r[6], r[7], r[0], r[1]) for r in rows], rollups)
    for platform, key, handle, shares, posts_shared, top, lo, hi in rows:
        mine = own.get((lo, hi, platform, key), OwnPosts(0, None, 0))
        found[(lo, hi)].append(
            SharedAccount(
                platform=platform,
                handle_key=key,
                handle=handle or key,
                shares=int(shares),
                retweets=None,
                quotes=None,
                posts_shared=int(posts_shared),
                share_exposure=None,
                shares_with_followers=0,
                posts=mine.posts,
                exposure=mine.exposure,
                posts_with_followers=mine.with_followers,
                top_posts=tuple(top or ()),
            )
        )
    return [found[k] for k in keys]


#: Collected basis, accounts: the collected shares of their posts of the range, summed, per
#: range (its bounds last). Parameters: those of :data:`_COLLECTED_SCORED`, then the limit.
_ACCOUNTS_COLLECTED = f"""
    WITH {_COLLECTED_SCORED},
    per AS (
        SELECT p.lo, p.hi, s.platform, lower(p.author) AS handle_key, p.author, s.post_id, s.n
        FROM scored s JOIN pool p USING (platform, post_id)
        WHERE s.n > 0 AND p.author IS NOT NULL
    )
    SELECT platform, handle_key, arg_max(author, post_id), sum(n)::BIGINT AS shares, count(*),
           list(post_id ORDER BY n DESC, post_id)[1:3], lo, hi
    FROM per GROUP BY platform, handle_key, lo, hi
    QUALIFY row_number() OVER (PARTITION BY lo, hi ORDER BY shares DESC, handle_key) <= ?
    ORDER BY shares DESC, handle_key
"""


#: Accounts' own posts, each account in its own range. Parameters: froms, tos (TIMESTAMP[]),
#: platforms, handles (lower case), all parallel.
_OWN = """
    WITH k AS (
        SELECT unnest(?::TIMESTAMP[]) AS lo, unnest(?::TIMESTAMP[]) AS hi,
               unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS handle_key
    )
    SELECT k.lo, k.hi, k.platform, k.handle_key, count(*), sum(p.author_followers), count(p.author_followers)
    FROM {by_author} p JOIN k ON k.platform = p.platform AND k.handle_key = p.author_key
         AND p.created_at >= k.lo AND p.created_at < k.hi
    GROUP BY ALL
"""


@dataclass(frozen=True)
class OwnPosts:
    """An account's own posts in a range: how many, the followers summed over those that
    carry a count (None when none does), and how many carry one."""

    posts: int
    exposure: int | None
    with_followers: int


def _own_posts_of(
    con: Any, asked: Sequence[tuple[datetime, datetime, str, str]], rollups: bool = False
) -> dict[tuple[datetime, datetime, str, str], OwnPosts]:
    """{(lo, hi, platform, handle lower case): its :class:`OwnPosts` in [lo, hi)} for the
    accounts asked that posted then."""
    if not asked:
        return {}
    cols = list(zip(*asked, strict=True))
    rows = con.execute(
        _sources(_OWN, rollups), [list(cols[0]), list(cols[1]), list(cols[2]), [h.lower() for h in cols[3]]]
    ).fetchall()
    return {
        (lo, hi, p, h): OwnPosts(int(n), None if e is None else int(e), int(k))
        for lo, hi, p, h, n, e, k in rows
    }


# ---- bursts: posts shared many times within a short window ----------------------------------

#: The shares by excluded accounts (the handles of a CTE ``ex(k)``), not of their own posts nor
#: of another excluded account's (those are counted per author shared, ``{shared_of}``), as
#: ``p``: read from those accounts' own posts, found by their numbers (``{by_author}``).
_SHARED_BY_EXCLUDED = """
        FROM {by_author} p
        WHERE p.account_no IN (SELECT account_no FROM {accounts} WHERE handle_key IN (SELECT k FROM ex))
              AND p.kind IN ('retweet', 'quote') AND p.ref_post_id IS NOT NULL
              AND NOT coalesce(p.author_key = p.ref_author_key, false)
              AND NOT coalesce(p.ref_author_key IN (SELECT k FROM ex), false)
"""

#: The shares by or of excluded accounts (not by a post's author) in all, on every row, and
#: the posts shared at least ``minimum`` times without them, most shared first: the candidates
#: for :data:`_BURSTS` (a single row of NULLs but the first when there are none). Each post's
#: shares not by its author are counted already (``{shared}``); those by or of excluded
#: accounts are taken off, which gives the count of :data:`_NOT_EXCLUDED` without grouping
#: every share (10M posts: 5.3M shares, 312k posts). The shares taken off are those of the
#: excluded accounts' posts (``{shared_of}``), and those by excluded accounts of others'
#: posts, read from the excluded accounts' own posts (:data:`_SHARED_BY_EXCLUDED`): no scan
#: of every share (10M posts: 0.06 s, against 0.2 s for the scan). Parameters: excluded,
#: minimum.
_SHARE_TOTALS = f"""
    WITH ex AS (SELECT unnest(?::VARCHAR[]) AS k),
    of_ex AS (
        SELECT platform, post_id, shares AS n FROM {{shared_of}} WHERE ref_author_key IN (SELECT k FROM ex)
    ),
    by_ex AS (
        SELECT p.platform, p.ref_post_id AS post_id, count(*) AS n
        {_SHARED_BY_EXCLUDED}
        GROUP BY ALL
    ),
    gone AS MATERIALIZED (
        SELECT platform, post_id, sum(n) AS n FROM (SELECT * FROM of_ex UNION ALL SELECT * FROM by_ex)
        GROUP BY ALL
    ),
    cand AS (
        SELECT s.platform, s.post_id, s.shares - coalesce(g.n, 0) AS total
        FROM {{shared}} s LEFT JOIN gone g USING (platform, post_id)
        WHERE s.shares - coalesce(g.n, 0) >= ?
    )
    SELECT (SELECT coalesce(sum(n), 0) FROM gone), c.platform, c.post_id, c.total
    FROM (SELECT 1) one LEFT JOIN cand c ON true
    ORDER BY c.total DESC, c.platform, c.post_id
"""

#: The posts' slots' shares (``s``) to their busiest windows (see :data:`_BURSTS`).
_BUSIEST = """
    b AS (
        SELECT platform, ref_post_id, slot,
               sum(n) OVER (PARTITION BY platform, ref_post_id ORDER BY slot
                            RANGE BETWEEN $5 PRECEDING AND CURRENT ROW) AS burst
        FROM s
    )
    SELECT platform, ref_post_id, max(burst) AS burst, arg_max(slot, (burst, -slot)) AS last_slot
    FROM b
    GROUP BY ALL
    HAVING max(burst) >= $6
    ORDER BY burst DESC, last_slot ASC, ref_post_id ASC
    LIMIT $7
"""

#: For the given posts (parallel lists: platforms and ids), those that collected at least
#: ``minimum`` shares in some window of ``slots`` consecutive slots, with the busiest such
#: window: the post, the shares in that window and the window's last slot (slot = Unix
#: milliseconds // slot length, integers throughout). Parameters: $1 slot length (ms), $2
#: platforms, $3 ids, $4 excluded, $5 slots in a window minus one, $6 minimum, $7 limit.
_BURSTS = f"""
    WITH s AS (
        SELECT platform, ref_post_id, epoch_ms(created_at) // $1 AS slot, count(*) AS n
        FROM {{shares}}
        SEMI JOIN (SELECT unnest($2::VARCHAR[]) AS platform, unnest($3::VARCHAR[]) AS ref_post_id) c
             USING (platform, ref_post_id)
        WHERE NOT coalesce(author_key = ref_author_key, false)
              AND NOT coalesce(author_key IN (SELECT unnest($4::VARCHAR[])), false)
              AND NOT coalesce(ref_author_key IN (SELECT unnest($4::VARCHAR[])), false)
        GROUP BY ALL
    ),
    {_BUSIEST}
"""

#: :data:`_BURSTS` for slots of whole minutes, from the shares counted per minute: each slot's
#: shares not by the post's author nor of an excluded account's post (``{share_minutes}``),
#: less those by excluded accounts, read from their own posts (``{by_author}``, by their
#: numbers). The same parameters.
_BURSTS_BY_MINUTE = f"""
    WITH c AS (SELECT unnest($2::VARCHAR[]) AS platform, unnest($3::VARCHAR[]) AS post_id),
    ex AS (SELECT unnest($4::VARCHAR[]) AS k),
    every AS (
        SELECT m.platform, m.post_id AS ref_post_id, m.minute_ms // $1 AS slot, sum(m.shares) AS n
        FROM {{share_minutes}} m
        WHERE m.post_id IN (SELECT post_id FROM c) AND (m.platform, m.post_id) IN (SELECT (platform, post_id) FROM c)
              AND NOT coalesce(m.ref_author_key IN (SELECT k FROM ex), false)
        GROUP BY ALL
    ),
    by_ex AS (
        SELECT p.platform, p.ref_post_id, epoch_ms(p.created_at) // $1 AS slot, count(*) AS n
        {_SHARED_BY_EXCLUDED}
              AND p.ref_post_id IN (SELECT post_id FROM c)
        GROUP BY ALL
    ),
    s AS (
        SELECT e.platform, e.ref_post_id, e.slot, e.n - coalesce(x.n, 0) AS n
        FROM every e LEFT JOIN by_ex x USING (platform, ref_post_id, slot)
        WHERE e.n - coalesce(x.n, 0) > 0
    ),
    {_BUSIEST}
"""


@dataclass(frozen=True)
class Burst:
    """A post's busiest window of shares: [start, end) in Unix seconds, the shares in it."""

    platform: str
    post_id: str
    start: float
    end: float
    shares: int
    total: int


def bursts(
    con: Any,
    window: float,
    parts: int,
    minimum: int,
    keep: int,
    exclude: Sequence[str],
    rollups: bool = False,
    totals: ShareTotals | None = None,
) -> list[Burst]:
    """The ``keep`` posts with the most shares within one window of ``window`` seconds
    (sliding in steps of window / ``parts``), those with at least ``minimum`` shares in it,
    most first. Archive evidence only. ``totals``: :func:`share_totals` for ``exclude`` and
    ``minimum``, when measured already."""
    if keep <= 0:
        return []
    ex = lower_all(exclude)
    candidates = _totals(con, ex, rollups, totals, int(minimum)).candidates
    total_of = {(p, i): int(n) for p, i, n in candidates}
    slot = round(window / parts)
    # A burst never exceeds its post's total: the most shared posts are counted slot by slot
    # first, and more only while a post left out could still make the list.
    take = max(100, 10 * keep)
    rows: list[tuple] = []
    while candidates:
        top = candidates[:take]
        rows = con.execute(
            _sources(_BURSTS_BY_MINUTE if slot % 60 == 0 else _BURSTS, rollups),
            [
                slot * 1000,
                [p for p, _, _ in top],
                [i for _, i, _ in top],
                ex,
                parts - 1,
                int(minimum),
                int(keep),
            ],
        ).fetchall()
        if take >= len(candidates):
            break
        if len(rows) == keep and candidates[take][2] < min(r[2] for r in rows):
            break
        take *= 4
    return [
        Burst(
            p,
            i,
            float((int(last) - parts + 1) * slot),
            float((int(last) + 1) * slot),
            int(n),
            total_of[(p, i)],
        )
        for p, i, n, last in rows
    ]


#: How many posts fall in each of a few windows [from, to). Parameters: froms, tos
#: (TIMESTAMP[], parallel).
_POSTS_IN_WINDOWS = """
    WITH w AS (SELECT unnest(?::TIMESTAMP[]) AS lo, unnest(?::TIMESTAMP[]) AS hi)
    SELECT w.lo, w.hi, count(p.created_at)
    FROM w LEFT JOIN posts p ON p.created_at >= w.lo AND p.created_at < w.hi
    GROUP BY ALL
"""


def posts_in_windows(con: Any, windows: Sequence[tuple[float, float]]) -> dict[tuple[float, float], int]:
    """{(start, end): the posts in [start, end)} for a few windows (Unix seconds)."""
    if not windows:
        return {}
    keys = {(ts(a), ts(b)): (a, b) for a, b in windows}
    rows = con.execute(_POSTS_IN_WINDOWS, [[k[0] for k in keys], [k[1] for k in keys]]).fetchall()
    return {keys[(lo, hi)]: int(n) for lo, hi, n in rows}
