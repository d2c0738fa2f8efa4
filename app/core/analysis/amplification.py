"""Amplification: which posts were shared, and whose, counted on evidence the reader is told.

**The evidence** (:func:`evidence`, a :class:`SharesBasis`). Shares are counted one of two
ways, never mixed in one figure (see :mod:`app.core.store.shares_sql`):

* ``"archive"``: the retweets and quotes the archive holds, each with its time, counted
  within the range asked. A self-share does not count, nor a share by an automated account
  (:mod:`.accounts`), nor a share of an automated account's post.
* ``"collected"``: the ``retweet_count``/``quote_count`` the platform reported when each
  post was collected (a post's retweets are the highest count seen on it and on its
  retweets). They cover the post's life up to its collection, not a time range; every
  figure on this basis carries the note :data:`COLLECTED_NOTE`.

The archive basis is used when the archive holds at least ``shares_archive_completeness``
of the retweets counted when the posts were collected (or holds shares and no counts);
otherwise the collected counts are the evidence (a CSV export without retweets, a search
sample of a few retweets of posts counted in thousands); ``"none"`` when the archive has
neither. :class:`SharesBasis` figures: ``archive_shares``, ``collected_retweets``,
``archive_retweets_of_counted``, ``completeness`` (a share; unknown without collected
counts); ``basis`` and, for "none", ``unknown`` (the reason).

**For any time range** (a phase, the main wave, the whole archive; ``start``/``end`` Unix
seconds, None for the archive's ends):

* :func:`most_shared_posts` -> :class:`SharedPosts`: ``basis``, ``unknown`` (why there are
  none, when there are none), ``posts``: :class:`SharedPost` items, most shared first, each
  with ``platform``, ``post_id``, ``author`` (handle, or None), ``role`` ("brand", "press"
  or ""), ``text``, ``in_archive`` (False: the archive holds only its shares; its author and
  text come from them) and figures:

  - ``shares``: the ranking figure, on the basis (archive: its retweets and quotes within
    the range, note :data:`ARCHIVE_NOTE`; collected: its collected count, note
    :data:`COLLECTED_NOTE`);
  - archive basis: ``retweets``, ``quotes`` (within the range), ``share_exposure``
    (followers summed over those shares that carry a count; unknown when none does),
    ``shares_collected`` (its collected count, unknown when not recorded);
  - collected basis: ``shares_in_archive`` (its shares within the range the archive holds);
  - both: ``author_followers`` (the followers rule; absent when the author is unknown),
    ``posted`` (a time: from the post, or from its id when the archive does not hold it;
    absent when neither tells).

* :func:`accounts_by_shares` -> :class:`SharedAccounts`: the accounts whose posts were
  shared most, as :class:`SharedAccount` items: ``platform``, ``handle``, ``key``, ``role``,
  ``top_posts`` (up to three :class:`~app.core.model.PostRef`), figures ``shares`` (shares
  *received* within the range on the basis; collected: summed over its posts of the range),
  ``posts_shared`` (its posts that were shared), ``followers`` (the account's followers by
  the one rule), ``posts`` (its own posts in the range), ``exposure`` (followers summed over
  those posts: its followers once per post, never to be read as reach), and on the archive
  basis ``share_exposure`` (followers of the accounts that shared it). Automated accounts
  never appear and their shares never count; the brand and the press appear, with their role.

**Findings** (:func:`find`), kind ``amplification``, one per post, the largest first, at
most ``amplification_max``:

* archive basis: a post with at least ``amplification_min_shares`` shares within one window
  of ``amplification_window_minutes`` (sliding by quarters). ``time``/``end``: the first and
  last share in the window; ``subject``: the post id; ``posts``: the post then up to five
  sharers' shares (most followers first); ``accounts``: its author then those sharers.
  Figures: ``shares`` (in the window), ``retweets`` (in the window), ``shares_total``
  (in the whole archive), ``posts_in_window`` (every post then), ``share_of_posts``,
  ``share_exposure`` (the window's shares' followers), ``window`` (the setting, seconds),
  ``shares_collected``, ``author_followers``, ``posted`` (when known).
* collected basis: a post whose collected count reaches ``amplification_min_shares``, placed
  at the time it was posted (when its shares came is unknown). A post posted before the
  archive's first post is left out: its count covers a life the archive does not hold, and
  its posting is no event of the archive's time (a two-minute archive's turning points
  were dated up to a year before it opened). Flag ``collected_counts``.
  Figures: ``shares`` (collected), ``retweets_collected``, ``quotes_collected`` (when
  recorded), ``shares_in_archive``, ``author_followers``, ``posted``.

Detail keys: ``author`` (handle or None), ``role``, ``text``, ``platform``, ``basis``,
``sharers`` (archive basis: up to five handles). Flags: ``collected_counts``,
``original_not_in_archive`` (the archive holds only the post's shares), ``brand_post``,
``press_post``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.analysis import accounts as acc
from app.core.analysis import figures as fig
from app.core.analysis.context import Context
from app.core.model import Figure, Finding, PostRef, Source
from app.core.store import accounts_sql, shares_sql

ARCHIVE_NOTE = "in this archive"
COLLECTED_NOTE = "as counted when collected"
_TWITTER_EPOCH_MS = 1288834974657


@dataclass(frozen=True)
class SharesBasis:
    basis: str
    archive_shares: Figure
    collected_retweets: Figure
    archive_retweets_of_counted: Figure
    completeness: Figure
    unknown: str = ""


@dataclass(frozen=True)
class SharedPost:
    platform: str
    post_id: str
    author: str | None
    role: str
    text: str
    in_archive: bool
    figures: Mapping[str, Figure] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class SharedPosts:
    basis: str
    start: float | None
    end: float | None
    posts: tuple[SharedPost, ...]
    unknown: str = ""


@dataclass(frozen=True)
class SharedAccount:
    platform: str
    handle: str
    key: str
    role: str
    top_posts: tuple[PostRef, ...]
    figures: Mapping[str, Figure] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class SharedAccounts:
    basis: str
    start: float | None
    end: float | None
    accounts: tuple[SharedAccount, ...]
    unknown: str = ""


# ---- the evidence ---------------------------------------------------------------------------


def evidence(ctx: Context) -> SharesBasis:
    """Which evidence counts shares in this archive (memoised per run)."""
    hit = ctx.memo.get("shares_basis")
    if hit is None:
        hit = ctx.memo["shares_basis"] = _evidence(ctx)
    return hit


def _evidence(ctx: Context) -> SharesBasis:
    excluded = _excluded(ctx)
    e = shares_sql.evidence(ctx.con, excluded, rollups=ctx.rolled, totals=_share_totals(ctx))
    archive = fig.count(
        e.archive_shares,
        "retweets and quotes",
        Source.of("shares_in_archive", exclude=excluded),
        note=ARCHIVE_NOTE,
    )
    collected = fig.count(
        e.collected_retweets, "retweets", Source.of("collected_retweets"), note=COLLECTED_NOTE
    )
    held = fig.count(e.archive_retweets_of_counted, "retweets", Source.of("archive_retweets_of_counted"))
    completeness = fig.share(held, collected, "retweets")
    if e.collected_retweets > 0:
        enough = (
            e.archive_retweets_of_counted >= ctx.settings.shares_archive_completeness * e.collected_retweets
        )
        basis = "archive" if enough else "collected"
    else:
        basis = "archive" if e.archive_shares > 0 else "none"
    unknown = (
        "this archive holds no retweets or quotes, and no share counts recorded when the posts were collected"
        if basis == "none"
        else ""
    )
    return SharesBasis(basis, archive, collected, held, completeness, unknown)


def _excluded(ctx: Context) -> tuple[str, ...]:
    return tuple(sorted(acc.automated_handles(ctx)))


def _share_totals(ctx: Context) -> shares_sql.ShareTotals:
    """The shares by or of the excluded accounts, and the bursts' candidates (memoised per
    run: the evidence and the bursts both read them)."""
    if "share_totals" not in ctx.memo:
        ctx.memo["share_totals"] = shares_sql.share_totals(
            ctx.con, _excluded(ctx), int(ctx.settings.amplification_min_shares), rollups=ctx.rolled
        )
    return ctx.memo["share_totals"]


def _range(ctx: Context, start: float | None, end: float | None) -> tuple[float, float]:
    return (ctx.start if start is None else float(start), ctx.last + 1 if end is None else float(end))


# ---- the most shared posts of a range -------------------------------------------------------


def most_shared_posts(
    ctx: Context, start: float | None = None, end: float | None = None, limit: int = 5
) -> SharedPosts:
    """The most shared posts of [start, end) (see the module's notes)."""
    return most_shared_posts_of(ctx, [(start, end)], limit)[0]


Range = tuple[float | None, float | None]


def most_shared_posts_of(ctx: Context, ranges: Sequence[Range], limit: int = 5) -> list[SharedPosts]:
    """:func:`most_shared_posts` of each range, from one query (the report asks for every
    phase)."""
    ev = evidence(ctx)
    if ev.basis == "none":
        return [SharedPosts("none", start, end, (), ev.unknown) for start, end in ranges]
    excluded = _excluded(ctx)
    found = shares_sql.top_posts_of(
        ctx.con, [_range(ctx, a, b) for a, b in ranges], excluded, limit, ev.basis, rollups=ctx.rolled
    )
    follow = acc.followers(ctx, {(r.platform, r.author) for rows in found for r in rows if r.author})
    roles = acc.roles(ctx)
    out = []
    for (start, end), rows in zip(ranges, found, strict=True):
        posts = tuple(_shared_post(r, ev.basis, excluded, start, end, follow, roles) for r in rows)
        unknown = (
            ""
            if posts
            else "no post of this time was shared" + (" in this archive" if ev.basis == "archive" else "")
        )
        out.append(SharedPosts(ev.basis, start, end, posts, unknown))
    return out


def _shared_post(
    r: shares_sql.SharedPost,
    basis: str,
    excluded: tuple[str, ...],
    start: float | None,
    end: float | None,
    follow: dict[tuple[str, str], Figure],
    roles: acc.Roles,
) -> SharedPost:
    post = {"post_id": r.post_id, "platform": r.platform}
    rng = {"start": start, "end": end}
    in_range = Source.of("shares_in_archive", exclude=excluded, **post, **rng)
    figures: dict[str, Figure] = {}
    collected = _collected(r)
    if basis == "archive":
        figures["shares"] = fig.count(r.shares, "retweets and quotes", in_range, note=ARCHIVE_NOTE)
        figures["retweets"] = fig.count(
            r.retweets,
            "retweets",
            Source.of("shares_in_archive", exclude=excluded, kinds=("retweet",), **post, **rng),
            note=ARCHIVE_NOTE,
        )
        figures["quotes"] = fig.count(
            r.quotes,
            "quotes",
            Source.of("shares_in_archive", exclude=excluded, kinds=("quote",), **post, **rng),
            note=ARCHIVE_NOTE,
        )
        figures["share_exposure"] = _share_exposure(
            r.shares, r.share_exposure, Source.of("share_exposure", exclude=excluded, **post, **rng)
        )
        figures["shares_collected"] = collected
    else:
        figures["shares"] = collected
        figures["shares_in_archive"] = fig.count(r.shares, "retweets and quotes", in_range, note=ARCHIVE_NOTE)
    if r.author:
        figures["author_followers"] = follow[(r.platform, r.author)]
    posted = _posted(r.platform, r.post_id, r.posted_at)
    if posted is not None:
        figures["posted"] = posted
    return SharedPost(
        platform=r.platform,
        post_id=r.post_id,
        author=r.author,
        role=roles.of(r.author),
        text=r.text,
        in_archive=r.in_archive,
        figures=figures,
    )


def _collected(r: shares_sql.SharedPost) -> Figure:
    source = Source.of("shares_collected", post_id=r.post_id, platform=r.platform)
    if r.shares_collected is None:
        return Figure.missing(
            "the archive holds no share count recorded for this post", "count", "retweets and quotes", source
        )
    # a v1.1 post records retweet_count only: its count is then of retweets, quotes unknown
    noun = "retweets" if r.quotes_collected is None else "retweets and quotes"
    return Figure(r.shares_collected, "count", noun, "", source, COLLECTED_NOTE)


def _share_exposure(shares: int, exposure: int | None, source: Source) -> Figure:
    if shares and exposure is None:
        return Figure.missing(
            "the accounts that shared it have no follower counts in this archive",
            "count",
            "followers",
            source,
        )
    return Figure(int(exposure or 0), "count", "followers", "", source)


def _posted(platform: str, post_id: str, posted_at: Any) -> Figure | None:
    if posted_at is not None:
        return fig.moment(
            accounts_sql.unix(posted_at), Source.of("post_time", post_id=post_id, platform=platform)
        )
    t = id_time(platform, post_id)
    if t is None:
        return None
    return fig.moment(t, Source.of("id_time", post_id=post_id))


def id_time(platform: str, post_id: str) -> float | None:
    """The time a Twitter post id carries (Unix seconds), or None for other ids."""
    if platform != "twitter" or not post_id.isdigit() or len(post_id) > 20:
        return None
    n = int(post_id)
    if n < (1 << 40):
        return None  # ids from before snowflakes (2010) carry no time
    return ((n >> 22) + _TWITTER_EPOCH_MS) / 1000.0


# ---- the accounts whose posts were shared most ----------------------------------------------


def accounts_by_shares(
    ctx: Context, start: float | None = None, end: float | None = None, limit: int = 5
) -> SharedAccounts:
    """The accounts whose posts were shared most in [start, end) (see the module's notes)."""
    return accounts_by_shares_of(ctx, [(start, end)], limit)[0]


def accounts_by_shares_of(ctx: Context, ranges: Sequence[Range], limit: int = 5) -> list[SharedAccounts]:
    """:func:`accounts_by_shares` of each range, from one query (the report asks for every
    phase)."""
    ev = evidence(ctx)
    if ev.basis == "none":
        return [SharedAccounts("none", start, end, (), ev.unknown) for start, end in ranges]
    excluded = _excluded(ctx)
    found = shares_sql.top_accounts_of(
        ctx.con, [_range(ctx, a, b) for a, b in ranges], excluded, limit, ev.basis, rollups=ctx.rolled
    )
    follow = acc.followers(ctx, [(r.platform, r.handle) for rows in found for r in rows])
    roles = acc.roles(ctx)
    return [
        _shared_accounts(ev.basis, excluded, start, end, rows, follow, roles)
        for (start, end), rows in zip(ranges, found, strict=True)
    ]


def _shared_accounts(
    basis: str,
    excluded: tuple[str, ...],
    start: float | None,
    end: float | None,
    rows: list[shares_sql.SharedAccount],
    follow: dict[tuple[str, str], Figure],
    roles: acc.Roles,
) -> SharedAccounts:
    out = []
    rng = {"start": start, "end": end}
    for r in rows:
        who = {"handle": r.handle_key, "platform": r.platform}
        by = {"author": r.handle_key, "platform": r.platform, **rng}
        if basis == "archive":
            shares = fig.count(
                r.shares,
                "retweets and quotes",
                Source.of("shares_received", exclude=excluded, **who, **rng),
                note=ARCHIVE_NOTE,
            )
            posts_shared = fig.count(
                r.posts_shared,
                "posts",
                Source.of("shares_received", exclude=excluded, distinct_posts=True, **who, **rng),
            )
        else:
            shares = fig.count(
                r.shares,
                "retweets and quotes",
                Source.of("shares_received_collected", **who, **rng),
                note=COLLECTED_NOTE,
            )
            posts_shared = fig.count(
                r.posts_shared,
                "posts",
                Source.of("shares_received_collected", distinct_posts=True, **who, **rng),
            )
        figures = {
            "shares": shares,
            "posts_shared": posts_shared,
            "followers": follow[(r.platform, r.handle)],
            "posts": fig.count(r.posts, "posts", fig.posts_source(**by)),
            "exposure": _own_exposure(r.posts, r.exposure, Source.of("exposure", **by)),
        }
        if basis == "archive":
            figures["share_exposure"] = _share_exposure(
                r.shares, r.share_exposure, Source.of("share_exposure", exclude=excluded, **who, **rng)
            )
        out.append(
            SharedAccount(
                platform=r.platform,
                handle=r.handle,
                key=r.handle_key,
                role=roles.of(r.handle_key),
                top_posts=tuple(PostRef(r.platform, p) for p in r.top_posts),
                figures=figures,
            )
        )
    unknown = (
        ""
        if out
        else "no account's posts were shared in this time"
        + (" in this archive" if basis == "archive" else "")
    )
    return SharedAccounts(basis, start, end, tuple(out), unknown)


def _own_exposure(posts: int, exposure: int | None, source: Source) -> Figure:
    if posts and exposure is None:
        return Figure.missing(
            "its posts carry no follower counts in this archive", "count", "followers", source
        )
    return Figure(int(exposure or 0), "count", "followers", "", source)


# ---- findings -------------------------------------------------------------------------------


def find(ctx: Context) -> list[Finding]:
    """Amplified posts (see the module's notes)."""
    ev = evidence(ctx)
    if ev.basis == "archive":
        return _bursts(ctx)
    if ev.basis == "collected":
        return _collected_findings(ctx)
    return []


def _bursts(ctx: Context) -> list[Finding]:
    cfg = ctx.settings
    window = max(60.0, cfg.amplification_window_minutes * 60)
    excluded = _excluded(ctx)
    found = shares_sql.bursts(
        ctx.con,
        window,
        4,
        int(cfg.amplification_min_shares),
        int(cfg.amplification_max),
        excluded,
        rollups=ctx.rolled,
        totals=_share_totals(ctx),
    )
    roles = acc.roles(ctx)
    details = shares_sql.posts_shares(
        ctx.con, [(b.platform, b.post_id, b.start, b.end) for b in found], excluded, rollups=ctx.rolled
    )
    in_windows = shares_sql.posts_in_windows(ctx.con, [(b.start, b.end) for b in found])
    follow = acc.followers(ctx, {(r.platform, r.author) for r in details.values() if r.author})
    out = []
    for burst in found:
        r = details.get((burst.platform, burst.post_id))
        if r is None or not r.shares or r.first_share is None or r.last_share is None:
            continue
        post = {"post_id": r.post_id, "platform": r.platform}
        rng = {"start": burst.start, "end": burst.end}
        shares = fig.count(
            r.shares,
            "retweets and quotes",
            Source.of("shares_in_archive", exclude=excluded, **post, **rng),
            note=ARCHIVE_NOTE,
        )
        everything = fig.count(in_windows[(burst.start, burst.end)], "posts", fig.posts_source(**rng))
        share_of_posts = fig.share(shares, everything, "posts")
        figures: dict[str, Figure] = {
            "shares": shares,
            "retweets": fig.count(
                r.retweets,
                "retweets",
                Source.of("shares_in_archive", exclude=excluded, kinds=("retweet",), **post, **rng),
                note=ARCHIVE_NOTE,
            ),
            "shares_total": fig.count(
                burst.total,
                "retweets and quotes",
                Source.of("shares_in_archive", exclude=excluded, **post),
                note=ARCHIVE_NOTE,
            ),
            "posts_in_window": everything,
            "share_of_posts": share_of_posts,
            "share_exposure": _share_exposure(
                r.shares, r.share_exposure, Source.of("share_exposure", exclude=excluded, **post, **rng)
            ),
            "window": fig.setting(window, "seconds", name="amplification_window_minutes"),
            "shares_collected": _collected(r),
        }
        if r.author:
            figures["author_followers"] = follow[(r.platform, r.author)]
        posted = _posted(r.platform, r.post_id, r.posted_at)
        if posted is not None:
            figures["posted"] = posted
        sharers = r.top_sharers
        n, share = r.shares, float(share_of_posts.value or 0.0)
        score = 0.5 * min(1.0, math.log10(max(n, 1)) / 3) + 0.5 * min(1.0, 3 * share)
        role = roles.of(r.author)
        out.append(
            Finding(
                kind="amplification",
                time=accounts_sql.unix(r.first_share),
                end=accounts_sql.unix(r.last_share),
                score=_clip(score),
                subject=r.post_id,
                figures=figures,
                posts=_unique_posts(
                    [PostRef(r.platform, r.post_id), *(PostRef(r.platform, x.post_id) for x in sharers)]
                ),
                accounts=_unique([r.author, *(x.handle for x in sharers)]),
                detail={
                    "author": r.author,
                    "role": role,
                    "text": r.text,
                    "platform": r.platform,
                    "basis": "archive",
                    "sharers": [x.handle for x in sharers],
                },
                flags=_flags(r, role),
            )
        )
    return out


def _collected_findings(ctx: Context) -> list[Finding]:
    cfg = ctx.settings
    excluded = _excluded(ctx)
    rows = shares_sql.top_posts(
        ctx.con,
        ctx.start,
        ctx.last + 1,
        excluded,
        int(cfg.amplification_max) * 2,
        "collected",
        rollups=ctx.rolled,
    )
    roles = acc.roles(ctx)
    follow = acc.followers(ctx, {(r.platform, r.author) for r in rows if r.author})
    out = []
    for r in rows:
        n = r.shares_collected or 0
        posted = _posted(r.platform, r.post_id, r.posted_at)
        if n < cfg.amplification_min_shares or posted is None:
            continue
        if float(posted.value) < ctx.start:  # type: ignore[arg-type]
            continue  # posted before the archive opens: not a turning point of it (see above)
        post = {"post_id": r.post_id, "platform": r.platform}
        figures: dict[str, Figure] = {
            "shares": _collected(r),
            "shares_in_archive": fig.count(
                r.shares,
                "retweets and quotes",
                Source.of("shares_in_archive", exclude=excluded, **post),
                note=ARCHIVE_NOTE,
            ),
            "posted": posted,
        }
        if r.retweets_collected is not None:
            figures["retweets_collected"] = Figure(
                r.retweets_collected,
                "count",
                "retweets",
                "",
                Source.of("shares_collected", kinds=("retweet",), **post),
                COLLECTED_NOTE,
            )
        if r.quotes_collected is not None:
            figures["quotes_collected"] = Figure(
                r.quotes_collected,
                "count",
                "quotes",
                "",
                Source.of("collected_count", column="quote_count", **post),
                COLLECTED_NOTE,
            )
        if r.author:
            figures["author_followers"] = follow[(r.platform, r.author)]
        role = roles.of(r.author)
        score = 0.3 + 0.4 * min(1.0, math.log10(max(n, 1)) / 4)
        out.append(
            Finding(
                kind="amplification",
                time=float(posted.value),  # type: ignore[arg-type]
                end=None,
                score=_clip(score),
                subject=r.post_id,
                figures=figures,
                posts=(PostRef(r.platform, r.post_id),),
                accounts=_unique([r.author]),
                detail={
                    "author": r.author,
                    "role": role,
                    "text": r.text,
                    "platform": r.platform,
                    "basis": "collected",
                },
                flags=_flags(r, role) | {"collected_counts"},
            )
        )
        if len(out) >= cfg.amplification_max:
            break
    return out


def _flags(r: shares_sql.SharedPost, role: str) -> frozenset[str]:
    flags = set()
    if not r.in_archive:
        flags.add("original_not_in_archive")
    if role == "brand":
        flags.add("brand_post")
    elif role == "press":
        flags.add("press_post")
    return frozenset(flags)


def _unique(items: list[str | None]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for x in items:
        if x and x.lower() not in {k.lower() for k in seen}:
            seen[x] = None
    return tuple(seen)


def _unique_posts(items: list[PostRef]) -> tuple[PostRef, ...]:
    return tuple(dict.fromkeys(items))


def _clip(x: float) -> float:
    return float(min(1.0, max(0.0, x)))
