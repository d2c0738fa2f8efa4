"""The SQL about accounts: their follower counts (one rule), the audience of the archive, and
the activity measured to recognise automated accounts (:mod:`app.core.analysis.accounts`).

An account is its handle, case-insensitive, on its platform. Every value travels as a ``?``
parameter; functions return dataclass rows. Times go in as Unix seconds and are turned into
the naive-UTC TIMESTAMPs the columns hold.

**The followers rule.** A post carries its author's follower count as it was when the post
was collected, so one account shows a slightly different count on every post (192,676 /
192,716 / 192,750 ...). Every figure about an account's followers uses one number: the
highest count seen on any of its posts in the archive (:func:`followers`). An account none of
whose posts carries a count has unknown followers (``None``), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.core.store.derived import fill, source

_EPOCH = datetime(1970, 1, 1)
#: bounds that hold every post, for queries that take a time range
EARLIEST, LATEST = datetime(1, 1, 1), datetime(9999, 12, 31)


def ts(seconds: float) -> datetime:
    """Unix seconds -> the naive UTC TIMESTAMP the columns hold."""
    return _EPOCH + timedelta(seconds=float(seconds))


def unix(value: datetime) -> float:
    """A naive UTC TIMESTAMP -> Unix seconds."""
    return (value - _EPOCH).total_seconds()


def lower_all(handles: Iterable[str]) -> list[str]:
    """Handles as the queries compare them: lower case, without @, sorted, unique."""
    return sorted({h.strip().lstrip("@").lower() for h in handles if h and h.strip().lstrip("@")})


# ---- every account's totals -----------------------------------------------------------------

#: Per account (platform, lower-case handle) of the posts that carry a handle: its handle and
#: name as on its latest post, its posts in all and of each kind, its followers by the one
#: rule, how many of its posts carry a count (``known``), and its number (``account_no``).
#: Kept as the ``rollup_accounts`` table (built with the other rollups, see
#: :mod:`app.core.store.rollup_sql`); the queries below read it there, or compute it from the
#: posts when the rollups cannot be used.
#:
#: The numbers go to the accounts that post most or have the most followers first (by the
#: better of the two ranks), and ``rollup_by_author`` keeps the posts in that order: the
#: accounts the analysis measures post by post (those that post most, for the automated
#: accounts; the most followed, for the influencers) then sit in its first row groups, which
#: a join on their numbers reads alone (10M posts: the automated accounts' candidates' posts
#: were read from 29 of the query's 100 row groups; the influencers', 115k rows instead of 10M).
ACCOUNT_TOTALS = """
    SELECT * EXCLUDE (by_posts, by_followers),
           row_number() OVER (ORDER BY least(by_posts, by_followers), platform, handle_key) AS account_no
    FROM (
        SELECT *, rank() OVER (ORDER BY posts DESC) AS by_posts,
               rank() OVER (ORDER BY followers DESC NULLS LAST) AS by_followers
        FROM (
            SELECT platform, lower(author_handle) AS handle_key,
                   arg_max(author_handle, created_at) AS handle,
                   arg_max(author_name, created_at) AS name,
                   count(*) AS posts,
                   count(*) FILTER (WHERE kind = 'post') AS originals,
                   count(*) FILTER (WHERE kind = 'reply') AS replies,
                   count(*) FILTER (WHERE kind = 'quote') AS quotes,
                   count(*) FILTER (WHERE kind = 'retweet') AS retweets,
                   max(author_followers) AS followers,
                   count(author_followers) AS known
            FROM posts WHERE author_handle IS NOT NULL
            GROUP BY ALL
        )
    )
"""


def account_totals(rollups: bool) -> str:
    """Where the queries read :data:`ACCOUNT_TOTALS` from (see :mod:`app.core.store.derived`):
    the rollup saves a GROUP BY of every post, 0.2 s a query at 1M posts."""
    return source(rollups, "rollup_accounts", ACCOUNT_TOTALS)


#: Every post, by its author: the post's row number in ``posts`` (``rowid``: posts are only
#: appended to, and every append makes the rollups stale), the account (platform, lower-case
#: handle; NULL for a post without a handle) and its number in :data:`ACCOUNT_TOTALS`, the
#: lower-case handle it replies to, quotes or retweets, and the few columns the per-account
#: measures and the brand's traces read. Kept as the ``rollup_by_author`` table in the order of
#: the accounts' numbers, so that the posts of a few accounts (the brand's, the press's) or of
#: the first accounts (those that post most, the most followed) are read from their row groups
#: alone, and nothing lower-cases every handle again (10M posts: the brand's posts 0.6 s -> 4
#: ms, the candidates' for automated accounts 1.8 -> 0.4 s, measured).
BY_AUTHOR = """
    SELECT p.rowid AS post_row, p.platform, lower(p.author_handle) AS author_key, p.created_at, p.post_id, p.kind,
           p.ref_post_id, lower(p.ref_author_handle) AS ref_author_key, p.author_followers, p.retweet_count,
           a.account_no
    FROM posts p LEFT JOIN {accounts} a ON a.platform = p.platform AND a.handle_key = lower(p.author_handle)
"""


def by_author(rollups: bool) -> str:
    """Where the queries read :data:`BY_AUTHOR` from (see :mod:`app.core.store.derived`)."""
    return source(rollups, "rollup_by_author", fill(BY_AUTHOR, accounts=account_totals(False)))


# ---- followers ------------------------------------------------------------------------------

#: The highest follower count seen per account, and how many posts it has. Parameters:
#: platforms, handles (lower case, VARCHAR[], parallel).
FOLLOWERS = """
    WITH k AS (SELECT unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS handle)
    SELECT k.platform, k.handle, a.followers, coalesce(a.posts, 0)
    FROM k LEFT JOIN {accounts} a ON a.platform = k.platform AND a.handle_key = k.handle
"""

#: For accounts with no post of their own: the highest count that the posts sharing their
#: posts carry of them (``ref_author_followers``). Only for those, so that an account that
#: posted has one count, the one its own posts give it, wherever it is summed (the audience
#: counts the accounts that posted); and only when there are any, since it reads every post.
#: Parameters: platforms, handles (lower case, VARCHAR[], parallel).
SHARED_AUTHOR_FOLLOWERS = """
    WITH k AS (SELECT unnest(?::VARCHAR[]) AS platform, unnest(?::VARCHAR[]) AS handle)
    SELECT p.platform, lower(p.ref_author_handle), max(p.ref_author_followers)
    FROM posts p SEMI JOIN k ON k.platform = p.platform AND k.handle = lower(p.ref_author_handle)
    WHERE p.ref_author_followers IS NOT NULL
    GROUP BY ALL
"""


@dataclass(frozen=True)
class AccountFollowers:
    """An account's followers by the one rule (the highest count seen on its posts, or for
    an account with none, on the posts sharing its posts; None when none carries one) and
    how many posts of its own the archive holds."""

    followers: int | None
    posts: int


def followers(
    con: Any, accounts: Iterable[tuple[str, str]], rollups: bool = False
) -> dict[tuple[str, str], AccountFollowers]:
    """{(platform, handle lower case): its :class:`AccountFollowers`} for every account asked
    (an account without posts in the archive: ``AccountFollowers(f, 0)``, ``f`` the count its
    shared posts carry of it, None when none does). ``rollups``:
    whether the rollup tables may be read (see :func:`account_totals`)."""
    keys = sorted({(p, h.lower()) for p, h in accounts if h})
    if not keys:
        return {}
    sql = fill(FOLLOWERS, accounts=account_totals(rollups))
    rows = con.execute(sql, [[p for p, _ in keys], [h for _, h in keys]]).fetchall()
    out = {k: AccountFollowers(None, 0) for k in keys}
    for platform, handle, top, posts in rows:
        out[(platform, handle)] = AccountFollowers(None if top is None else int(top), int(posts))
    unposted = [k for k, a in out.items() if a.posts == 0]
    if unposted:
        shared = con.execute(
            SHARED_AUTHOR_FOLLOWERS, [[p for p, _ in unposted], [h for _, h in unposted]]
        ).fetchall()
        for platform, handle, top in shared:
            out[(platform, handle)] = AccountFollowers(int(top), 0)
    return out


@dataclass(frozen=True)
class FollowerCoverage:
    """How much of the archive carries follower counts."""

    posts: int
    posts_with_followers: int
    accounts: int
    accounts_with_followers: int


COVERAGE = """
    SELECT (SELECT count(*) FROM posts), (SELECT count(author_followers) FROM posts),
           (SELECT count(*) FROM {accounts}), (SELECT count(*) FROM {accounts} WHERE known > 0)
"""


def follower_coverage(con: Any, rollups: bool = False) -> FollowerCoverage:
    sql = fill(COVERAGE, accounts=account_totals(rollups))
    return FollowerCoverage(*(int(x) for x in con.execute(sql).fetchone()))


@dataclass(frozen=True)
class Audience:
    """The accounts with a follower count, the median of their (highest) counts, and the
    count at a quantile."""

    accounts: int
    median: float | None
    at_quantile: float | None


#: Parameter: the quantile (0..1).
AUDIENCE = """
    SELECT count(*), median(followers)::DOUBLE, quantile_cont(followers, ?)::DOUBLE
    FROM {accounts} WHERE followers IS NOT NULL
"""


def audience(con: Any, quantile: float, rollups: bool = False) -> Audience:
    sql = fill(AUDIENCE, accounts=account_totals(rollups))
    n, median, at = con.execute(sql, [float(quantile)]).fetchone()
    return Audience(int(n), median, at)


# ---- activity, to recognise automated accounts ----------------------------------------------

#: A post's text as the repetition test compares it: the @mentions that open it (an
#: auto-reply names whom it answers) and every link removed, then the spaces at either end.
#: Case and inner spacing are kept: a program repeats itself exactly, and folding them cost
#: more than the rest of the measure on a million posts (measured). The same rule is written
#: in ``SOURCE_QUERIES["repeated_text"]``.
NORMALISED_TEXT = (
    r"trim(regexp_replace(regexp_replace(text, '^(\s*@[A-Za-z0-9_]+)+', ''), 'https?://\S+', '', 'g'))"
)
#: The same, with the regular expressions run only on texts they can change (one with an "@"
#: or "http"): the rest is only trimmed. Equal to :data:`NORMALISED_TEXT` on every text. On
#: the generated 10M archive, where most texts hold a mention or a link, it saved 13% of the
#: normalising (5.3 → 4.6 s); on texts with neither, the regular expressions are skipped.
NORMALISED_TEXT_FAST = (
    "CASE WHEN strpos(text, '@') = 0 AND strpos(text, 'http') = 0 THEN trim(text) ELSE "
    + NORMALISED_TEXT
    + " END"
)


def top_texts(own: str) -> str:
    """Per account, of the posts ``own`` gives (platform, handle_key, kind, text; retweets are
    left out here): how many distinct normalised texts it wrote, its most repeated one as
    written (one of them) and how many posts share it. Texts are grouped by the normalised
    text's hash (a collision would merge two texts of one account); empty texts are left out
    by their hash after grouping, in the aggregates' FILTERs: filtering on the normalised text
    itself made this four times as costly, and a WHERE on the hash is pushed below the
    grouping, which then normalised every text twice (measured: 4 s more at 10M posts)."""
    return f"""
        SELECT platform, handle_key, count(*) FILTER (WHERE h <> hash('')) AS distinct_texts,
               arg_max(example, (n, h)) FILTER (WHERE h <> hash('')) AS top_text,
               max(n) FILTER (WHERE h <> hash('')) AS top_text_posts
        FROM (
            SELECT platform, handle_key, hash({NORMALISED_TEXT_FAST}) AS h, count(*) AS n, min(text) AS example
            FROM {own} WHERE kind <> 'retweet'
            GROUP BY platform, handle_key, h
        )
        GROUP BY ALL
    """


#: Every account's texts (:func:`top_texts`), kept as the ``rollup_texts`` table: normalising
#: every text is most of the cost of recognising automated accounts (10M posts: 4 s of 7).
TOP_TEXTS = top_texts(
    "(SELECT platform, lower(author_handle) AS handle_key, kind, text FROM posts WHERE author_handle IS NOT NULL)"
)


@dataclass(frozen=True)
class AccountActivity:
    """What an account did in the archive, measured for the automated-account signals.

    ``top_text_posts`` is how many of its posts (retweets left out) share its most repeated
    normalised text, ``top_text`` one of them as written; ``busiest`` the most posts it made
    within ``window`` seconds (both ends included), from ``busiest_at``; ``timed_replies``
    its replies whose post replied to is in the archive, and ``reply_delay_median`` the median
    seconds between the two."""

    platform: str
    handle_key: str
    handle: str
    name: str | None
    posts: int
    originals: int
    replies: int
    quotes: int
    retweets: int
    reply_targets: int
    distinct_texts: int
    top_text: str | None
    top_text_posts: int
    busiest: int
    busiest_at: datetime | None
    timed_replies: int
    reply_delay_median: float | None
    followers: int | None


@dataclass(frozen=True)
class ActivityThresholds:
    """Which accounts are worth measuring, per signal: the costly measures (the busiest window,
    the repeated text, the reply delays, the accounts answered) are taken only for the
    accounts whose counts could reach the signal's threshold."""

    min_posts: int
    rate_posts: int
    window: float
    min_repeats: int
    min_timed_replies: int
    reply_share: float
    #: with both of these, :func:`activity` leaves out the accounts that can show no signal
    #: that is enough on its own (see ``app.core.analysis.accounts``): of a big archive's
    #: candidates, nearly all; a handle holding "bot" is always kept
    repeat_share: float | None = None
    reply_seconds: float | None = None


#: Per account (platform, lower-case handle) that replies: how many accounts it answered
#: (``reply_targets``), how many of its replies answer a post the archive holds (``timed``) and
#: the median seconds between the two (``delay``, NULL when none does). Kept as the
#: ``rollup_replies`` table: finding the posts answered means looking up every reply's post
#: among all the posts (10M posts: 0.3 s a call).
REPLY_TOTALS = """
    SELECT o.platform, o.author_key AS handle_key,
           count(DISTINCT o.ref_author_key) AS reply_targets,
           count(r.post_id) AS timed,
           median(epoch(o.created_at) - epoch(r.created_at))::DOUBLE AS delay
    FROM {by_author} o
    LEFT JOIN posts r ON r.platform = o.platform AND r.post_id = o.ref_post_id
    WHERE o.kind = 'reply' AND o.author_key IS NOT NULL
    GROUP BY ALL
"""


def reply_totals(rollups: bool) -> str:
    """Where the queries read :data:`REPLY_TOTALS` from (see :mod:`app.core.store.derived`)."""
    return source(rollups, "rollup_replies", fill(REPLY_TOTALS, by_author=by_author(False)))


#: Activity per account. ``cand`` keeps the accounts (of :data:`ACCOUNT_TOTALS`) that could
#: show a signal (or are named, or whose handle calls itself a bot); each measure is then
#: taken for the candidates that can reach its own threshold, and reads 0 (or NULL) for the
#: others. Parameters: $1 named handles (lower case), $2 rate posts, $3 min repeats, $4 min
#: timed replies, $5 min posts, $6 reply share, $7 window (seconds), $8 repeat share and $9 reply
#: seconds (both NULL: every candidate, see :class:`ActivityThresholds`).
ACTIVITY = """
    WITH cand AS MATERIALIZED (
        SELECT platform, handle_key, handle, name, posts, originals, replies, quotes, retweets, followers,
               account_no
        FROM {accounts}
        WHERE handle_key IN (SELECT unnest($1::VARCHAR[]))
           OR posts >= $2 OR posts - retweets >= $3 OR replies >= $4
           OR (posts >= $5 AND replies >= $6 * posts)
           -- both patterns hold "bot" in some case: the plain test keeps the patterns to the few
           -- handles that do (10M posts: a million accounts)
           OR (contains(lower(handle), 'bot')
               AND (regexp_matches(handle, '(?i)(^|_)bot(_|[0-9]*$)')
                    OR regexp_matches(handle, '[a-z0-9]Bot([0-9]*|_[A-Za-z0-9_]*)$')))
    ),
    own AS MATERIALIZED (
        -- the posts of the candidates that may reach the rate, the only measure taken post by
        -- post: far fewer than all the candidates' posts, and among the first accounts by
        -- number (joined on the numbers, the posts of the others are not read)
        SELECT p.account_no, p.created_at
        FROM {by_author} p
        SEMI JOIN (SELECT account_no FROM cand WHERE posts >= $2) c ON c.account_no = p.account_no
    ),
    slots AS (
        -- posts per slot of one window's length: a window [t, t + window] lies within the
        -- slot of t and the next, so an account whose two adjacent slots never hold the rate's
        -- posts together cannot reach it, and is not measured post by post
        -- (in whole microseconds, the window's length as the frame below reads it)
        SELECT account_no,
               epoch_us(created_at) // greatest(epoch_us(TIMESTAMP '1970-01-01' + to_seconds($7::DOUBLE)), 1) AS slot,
               count(*) AS n
        FROM own
        GROUP BY ALL
    ),
    fast AS (
        SELECT account_no FROM (
            SELECT account_no,
                   n + CASE WHEN lead(slot) OVER w = slot + 1 THEN lead(n) OVER w ELSE 0 END AS pair
            FROM slots WINDOW w AS (PARTITION BY account_no ORDER BY slot)
        )
        GROUP BY ALL HAVING max(pair) >= $2
    ),
    win AS (
        SELECT o.account_no, o.created_at,
               count(*) OVER (PARTITION BY o.account_no ORDER BY o.created_at
                              RANGE BETWEEN CURRENT ROW AND to_seconds($7::DOUBLE) FOLLOWING) AS n
        FROM own o SEMI JOIN fast c USING (account_no)
    ),
    busiest AS (
        SELECT account_no, max(n) AS busiest, arg_min(created_at, (-n, created_at)) AS busiest_at
        FROM win GROUP BY ALL
    ),
    top_text AS (
        SELECT t.* FROM {top_texts} t
        SEMI JOIN (SELECT platform, handle_key FROM cand WHERE posts - retweets >= $3) c USING (platform, handle_key)
    ),
    answered AS (
        SELECT r.* FROM {replies} r
        SEMI JOIN (SELECT platform, handle_key FROM cand WHERE replies >= $4 OR (posts >= $5 AND replies >= $6 * posts)) c
             USING (platform, handle_key)
    ),
    measured AS (
        SELECT c.platform, c.handle_key, c.handle, c.name, c.posts, c.originals, c.replies, c.quotes,
               c.retweets,
               CASE WHEN c.posts >= $5 AND c.replies >= $6 * c.posts THEN coalesce(a.reply_targets, 0)
                    ELSE 0 END AS reply_targets,
               coalesce(t.distinct_texts, 0), t.top_text, coalesce(t.top_text_posts, 0) AS top_text_posts,
               coalesce(w.busiest, 0) AS busiest, w.busiest_at,
               CASE WHEN c.replies >= $4 THEN coalesce(a.timed, 0) ELSE 0 END AS timed,
               CASE WHEN c.replies >= $4 THEN a.delay END AS delay,
               c.followers
        FROM cand c
        LEFT JOIN top_text t USING (platform, handle_key)
        LEFT JOIN busiest w USING (account_no)
        LEFT JOIN answered a USING (platform, handle_key)
    )
    SELECT * FROM measured
    -- with $8 (repeat share) and $9 (reply seconds): only the accounts that may show a signal
    -- enough on its own (app.core.analysis.accounts), the rest being most of the candidates
    WHERE $8::DOUBLE IS NULL
       OR handle_key IN (SELECT unnest($1::VARCHAR[]))
       OR contains(lower(handle), 'bot')
       OR (top_text_posts >= $3 AND posts - retweets > 0 AND top_text_posts >= $8 * (posts - retweets))
       OR busiest >= $2
       OR (timed >= $4 AND delay <= $9)
    ORDER BY posts DESC, handle_key
"""


#: The candidates' posts with their texts (kept out of ``own``: with the rollups, the texts
#: are read from ``rollup_texts``).
_CANDIDATES_TEXTS = """(
    SELECT p.platform, lower(p.author_handle) AS handle_key, p.kind, p.text FROM posts p
    SEMI JOIN cand c ON c.platform = p.platform AND c.handle_key = lower(p.author_handle)
)"""


def activity(
    con: Any, at: ActivityThresholds, named: Sequence[str] = (), rollups: bool = False
) -> list[AccountActivity]:
    """The activity of the accounts that could show a signal of automation under ``at``, and
    of the ``named`` ones (lower-case handles) that post in the archive. A measure not taken
    for an account (it could not reach that signal's threshold) reads 0 (or None)."""
    params = [
        lower_all(named),
        int(at.rate_posts),
        int(at.min_repeats),
        int(at.min_timed_replies),
        int(at.min_posts),
        float(at.reply_share),
        float(at.window),
        None if at.repeat_share is None or at.reply_seconds is None else float(at.repeat_share),
        None if at.reply_seconds is None else float(at.reply_seconds),
    ]
    # without the rollups, the texts of the candidates only (the accounts that post most)
    texts = source(rollups, "rollup_texts", top_texts(_CANDIDATES_TEXTS))
    sql = fill(
        ACTIVITY,
        accounts=account_totals(rollups),
        top_texts=texts,
        by_author=by_author(rollups),
        replies=reply_totals(rollups),
    )
    return [_activity(r) for r in con.execute(sql, params).fetchall()]


def _activity(r: tuple) -> AccountActivity:
    return AccountActivity(
        platform=r[0],
        handle_key=r[1],
        handle=r[2],
        name=r[3],
        posts=int(r[4]),
        originals=int(r[5]),
        replies=int(r[6]),
        quotes=int(r[7]),
        retweets=int(r[8]),
        reply_targets=int(r[9]),
        distinct_texts=int(r[10]),
        top_text=r[11],
        top_text_posts=int(r[12]),
        busiest=int(r[13] or 0),
        busiest_at=r[14],
        timed_replies=int(r[15]),
        reply_delay_median=None if r[16] is None else float(r[16]),
        followers=None if r[17] is None else int(r[17]),
    )


# ---- influential accounts -------------------------------------------------------------------


@dataclass(frozen=True)
class Influencer:
    """An account whose followers (the one rule) reach a threshold: its first post, its posts
    in the archive, and over the window after that first post its posts and the followers
    summed over those that carry a count (``own_exposure``, None when none does), the shares
    its posts received (not by itself nor by excluded accounts) and their followers
    (``share_exposure``, None when none carries a count), and how many of each carried no
    count (``own_unknown``, ``shares_unknown``)."""

    platform: str
    handle_key: str
    handle: str
    followers: int
    first_at: datetime
    first_post: str
    first_kind: str
    first_text: str
    posts: int
    posts_in_window: int
    own_exposure: int | None
    own_unknown: int
    shares: int
    share_exposure: int | None
    shares_unknown: int
    #: the author of the post its first post retweets, quotes or answers (its text is quoted
    #: under the right name)
    first_ref_author: str | None = None


#: Parameters: threshold (followers), handles to leave out (lower case), window (seconds),
#: excluded sharers (lower case), window (seconds), limit.
INFLUENCERS = """
    WITH big AS (
        SELECT platform, handle_key AS account, handle, followers, account_no
        FROM {accounts}
        WHERE followers >= $1 AND handle_key NOT IN (SELECT unnest($2::VARCHAR[]))
    ),
    own AS MATERIALIZED (
        -- the most followed accounts come first by number: joined on the numbers, the posts
        -- of the others are not read
        SELECT p.post_row, p.account_no, p.post_id, p.created_at, p.author_followers
        FROM {by_author} p
        SEMI JOIN big ON big.account_no = p.account_no
    ),
    firsts AS (
        SELECT big.platform, big.account, o.account_no,
               min(o.created_at) AS first_at,
               arg_min(o.post_row, (o.created_at, o.post_id)) AS first_row,
               any_value(big.handle) AS handle,
               any_value(big.followers) AS followers,
               count(*) AS posts
        FROM own o JOIN big USING (account_no) GROUP BY ALL
    ),
    own_window AS (
        SELECT o.account_no, count(*) AS posts_in_window,
               sum(o.author_followers) AS own_exposure, count(*) - count(o.author_followers) AS own_unknown
        FROM own o JOIN firsts f USING (account_no)
        WHERE o.created_at < f.first_at + to_seconds($3::DOUBLE)
        GROUP BY ALL
    ),
    shares AS (
        SELECT f.platform, f.account, count(*) AS shares,
               sum(r.author_followers) AS share_exposure, count(*) - count(r.author_followers) AS shares_unknown
        FROM {shares} r
        JOIN firsts f ON f.platform = r.platform AND f.account = r.ref_author_key
        WHERE r.ref_author_key IN (SELECT account FROM big)
              AND NOT coalesce(r.author_key = r.ref_author_key, false)
              AND NOT coalesce(r.author_key IN (SELECT unnest($4::VARCHAR[])), false)
              AND r.created_at >= f.first_at
              AND r.created_at < f.first_at + to_seconds($3::DOUBLE)
        GROUP BY ALL
    ),
    ranked AS (
        SELECT f.*, w.posts_in_window, w.own_exposure, w.own_unknown,
               coalesce(s.shares, 0) AS shares, s.share_exposure, coalesce(s.shares_unknown, 0) AS shares_unknown
        FROM firsts f
        JOIN own_window w USING (account_no)
        LEFT JOIN shares s USING (platform, account)
        ORDER BY coalesce(w.own_exposure, 0) + coalesce(s.share_exposure, 0) DESC, f.first_at ASC, f.handle ASC
        LIMIT $5
    ),
    first_posts AS (
        SELECT rowid AS first_row, post_id, kind, text, ref_author_handle FROM posts
        WHERE rowid IN (SELECT first_row FROM ranked)
    )
    SELECT r.platform, r.account, r.handle, r.followers, r.first_at, p.post_id, p.kind, p.text, r.posts,
           r.posts_in_window, r.own_exposure, r.own_unknown, r.shares, r.share_exposure, r.shares_unknown,
           p.ref_author_handle
    FROM ranked r JOIN first_posts p USING (first_row)
    ORDER BY coalesce(r.own_exposure, 0) + coalesce(r.share_exposure, 0) DESC, r.first_at ASC, r.handle ASC
"""


def influencers(
    con: Any,
    threshold: float,
    leave_out: Sequence[str],
    window: float,
    exclude: Sequence[str],
    limit: int,
    rollups: bool = False,
) -> list[Influencer]:
    """The accounts whose followers reach ``threshold``, but those in ``leave_out``, that
    brought the most exposure in the ``window`` seconds after their first post (at most
    ``limit``, most first)."""
    # here, not at the top: shares_sql builds on this module's helpers
    from app.core.store.shares_sql import SHARES

    rows = con.execute(
        fill(
            INFLUENCERS,
            accounts=account_totals(rollups),
            by_author=by_author(rollups),
            shares=source(rollups, "rollup_shares", SHARES),
        ),
        [float(threshold), lower_all(leave_out), float(window), lower_all(exclude), int(limit)],
    ).fetchall()
    return [
        Influencer(
            platform=r[0],
            handle_key=r[1],
            handle=r[2],
            followers=int(r[3]),
            first_at=r[4],
            first_post=r[5],
            first_kind=r[6],
            first_text=r[7] or "",
            posts=int(r[8]),
            posts_in_window=int(r[9]),
            own_exposure=None if r[10] is None else int(r[10]),
            own_unknown=int(r[11]),
            shares=int(r[12]),
            share_exposure=None if r[13] is None else int(r[13]),
            shares_unknown=int(r[14]),
            first_ref_author=r[15],
        )
        for r in rows
    ]
