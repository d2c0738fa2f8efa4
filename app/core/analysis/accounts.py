"""Who the accounts are: automated and utility accounts, the press, the brand, and every
account's followers by one rule.

**Automated and utility accounts** (thread unrollers such as @threadreaderapp, reminder,
screenshot and video-download bots, AI assistants that answer mentions, auto-repliers,
spam-like repeaters) post on request or by program, not as a person taking part in the
incident. :func:`automated` recognises them by

* the bundled list ``resources/automated_accounts.json`` (``Settings.automated_list``), each
  with a category ("thread unroller", ...) and a note, and by
* signals measured in the archive, for accounts with at least ``automated_min_posts`` posts:

  - ``repeated_text``: at least ``automated_min_repeats`` of its posts (retweets left out)
    share one text once normalised (lower case, the @mentions opening it and every link
    removed), and they make up at least ``automated_repeat_share`` of those posts;
  - ``inhuman_rate``: at least ``automated_rate_posts`` posts within
    ``automated_rate_seconds``;
  - ``instant_replies``: at least ``automated_min_timed_replies`` replies whose post replied
    to is in the archive, with a median delay of at most ``automated_reply_seconds``;
  - ``bot_handle``: the handle calls itself a bot (``news_bot``, ``bot_123``, ``NewsBot``);
  - ``replies_only``: at least ``automated_reply_share`` of its posts are replies, to at
    least ``automated_reply_targets`` accounts. Reported with the others; never enough on
    its own (a person answering many people, or a customer-care desk, does the same).

The brand's accounts and the press's are never counted as automated (they are what they
are, whatever their rhythm). The influence and amplification detectors leave automated
accounts out (their posts, and their retweets and quotes as shares); the lead's renderers
show them as what they are.

:class:`AutomatedAccount` holds, for each account:

* ``platform``, ``handle`` (as last written), ``key`` (lower case), ``category`` (the list's,
  or "" when recognised by signals only), ``listed``;
* ``reasons``: the codes above that hold, in the order listed here (``listed`` first);
* ``figures`` by name, each a :class:`~app.core.model.Figure`:

  - always: ``posts`` (its posts in the archive), ``replies``, ``retweets``, ``followers``
    (the followers rule, unknown with its reason);
  - ``repeated_text``: ``repeated_posts`` (posts sharing its most repeated text) and
    ``own_posts`` (its posts other than retweets);
  - ``inhuman_rate``: ``busiest`` (most posts within the window) and ``window_seconds``
    (the setting);
  - ``instant_replies``: ``reply_delay`` (median seconds) and ``timed_replies``;
  - ``replies_only``: ``reply_targets`` (distinct accounts answered);

* ``detail``: ``note`` (the list's note), ``repeated_text`` (one of the repeated posts'
  text as written), ``busiest_at`` (Unix seconds, the start of the busiest window).

**Followers.** :func:`followers` gives each account's followers as a Figure by the one rule
of :mod:`app.core.store.accounts_sql` (the highest count seen on its posts; unknown, never 0,
with the reason: the archive has no counts; the account has no post of its own in it; none of
its posts carries one). :func:`follower_coverage` says how much of the archive carries counts.

**Roles.** :func:`roles` gives the brand's, the press's and the automated accounts' handles
(lower case), which the detectors use to leave accounts out or mark them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core import press_list
from app.core.analysis import figures as fig
from app.core.analysis.context import Context
from app.core.analysis.settings import Settings
from app.core.model import Figure, Source
from app.core.store import accounts_sql as q

#: the reasons an account is recognised, in the order they are reported
REASONS = ("listed", "bot_handle", "repeated_text", "inhuman_rate", "instant_replies", "replies_only")
#: the reasons that are enough on their own
DECISIVE = frozenset(REASONS[:-1])

_BOT_HANDLE = (re.compile(r"(?i)(?:^|_)bot(?:_|\d*$)"), re.compile(r"[a-z0-9]Bot(?:\d*|_\w*)$"))


@dataclass(frozen=True)
class ListedAccount:
    handle: str
    category: str
    note: str


@dataclass(frozen=True)
class AutomatedAccount:
    """An account recognised as automated or a utility (see the module's notes)."""

    platform: str
    handle: str
    key: str
    category: str
    listed: bool
    reasons: tuple[str, ...]
    figures: Mapping[str, Figure] = field(default_factory=dict, compare=False, hash=False)
    detail: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Roles:
    """Handles (lower case) by role: the brand's accounts, the press's, and automated ones."""

    brand: frozenset[str]
    press: frozenset[str]
    automated: frozenset[str]

    def of(self, handle: str | None) -> str:
        """ "brand", "press", "automated" or "" for a handle."""
        h = (handle or "").lower()
        if h in self.brand:
            return "brand"
        if h in self.press:
            return "press"
        if h in self.automated:
            return "automated"
        return ""


@dataclass(frozen=True)
class FollowerCoverage:
    """How much of the archive carries follower counts: ``posts``, ``posts_with_followers``,
    ``accounts``, ``accounts_with_followers`` (counts) and ``share`` (of posts)."""

    posts: Figure
    posts_with_followers: Figure
    accounts: Figure
    accounts_with_followers: Figure
    share: Figure

    @property
    def any(self) -> bool:
        return bool(self.posts_with_followers.value)


# ---- the bundled list -----------------------------------------------------------------------


def list_path() -> Path:
    from app.paths import bundled

    return bundled("resources") / "automated_accounts.json"


def load_list(path: str | None = None) -> dict[str, ListedAccount]:
    """The listed accounts by lower-case handle (``{"accounts": [{"handle", "category",
    "note"}]}``). A list that cannot be read is empty: recognition by signals still works."""
    p = Path(path) if path else list_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for item in data.get("accounts", []) if isinstance(data, dict) else []:
        if isinstance(item, dict) and item.get("handle"):
            h = press_list.clean_handle(str(item["handle"]))
            out[h] = ListedAccount(
                h, str(item.get("category", "automated account")), str(item.get("note", ""))
            )
    return out


# ---- recognising them -----------------------------------------------------------------------


def automated(ctx: Context) -> list[AutomatedAccount]:
    """The automated and utility accounts of the archive, most posts first (memoised per run)."""
    hit = ctx.memo.get("automated")
    if hit is None:
        hit = ctx.memo["automated"] = _recognise(ctx)
    return hit


def automated_handles(ctx: Context) -> frozenset[str]:
    """Their handles, lower case."""
    return frozenset(a.key for a in automated(ctx))


def thresholds(cfg: Settings) -> q.ActivityThresholds:
    """What the activity query measures, and for which accounts, under ``cfg``: only those
    that may show a reason enough on its own (:data:`DECISIVE`, decided by :func:`_reasons`)."""
    return q.ActivityThresholds(
        min_posts=int(cfg.automated_min_posts),
        rate_posts=int(cfg.automated_rate_posts),
        window=float(cfg.automated_rate_seconds),
        min_repeats=int(cfg.automated_min_repeats),
        min_timed_replies=int(cfg.automated_min_timed_replies),
        reply_share=float(cfg.automated_reply_share),
        repeat_share=float(cfg.automated_repeat_share),
        reply_seconds=float(cfg.automated_reply_seconds),
    )


def _recognise(ctx: Context) -> list[AutomatedAccount]:
    listed = load_list(ctx.settings.automated_list)
    never = set(ctx.brand) | set(press(ctx).accounts)
    has_counts = follower_coverage(ctx).any
    out = []
    for a in q.activity(ctx.con, thresholds(ctx.settings), sorted(set(listed) - never), rollups=ctx.rolled):
        key = a.handle_key
        if key in never:
            continue
        reasons = _reasons(ctx, a, listed.get(key))
        if not DECISIVE & set(reasons):
            continue
        out.append(_account(ctx, a, listed.get(key), reasons, has_counts))
    return sorted(out, key=lambda x: (-int(x.figures["posts"].value or 0), x.key, x.platform))


def _reasons(ctx: Context, a: q.AccountActivity, listed: ListedAccount | None) -> tuple[str, ...]:
    cfg = ctx.settings
    own = a.posts - a.retweets
    held = {
        "listed": listed is not None,
        "bot_handle": any(p.search(a.handle) for p in _BOT_HANDLE),
        "repeated_text": a.top_text_posts >= cfg.automated_min_repeats
        and own > 0
        and a.top_text_posts >= cfg.automated_repeat_share * own,
        "inhuman_rate": a.busiest >= cfg.automated_rate_posts,
        "instant_replies": a.timed_replies >= cfg.automated_min_timed_replies
        and a.reply_delay_median is not None
        and a.reply_delay_median <= cfg.automated_reply_seconds,
        "replies_only": a.posts >= cfg.automated_min_posts
        and a.replies >= cfg.automated_reply_share * a.posts
        and a.reply_targets >= cfg.automated_reply_targets,
    }
    return tuple(r for r in REASONS if held[r])


def _account(
    ctx: Context,
    a: q.AccountActivity,
    listed: ListedAccount | None,
    reasons: tuple[str, ...],
    has_counts: bool,
) -> AutomatedAccount:
    by = {"author": a.handle_key, "platform": a.platform}
    figures: dict[str, Figure] = {
        "posts": fig.count(a.posts, "posts", fig.posts_source(**by)),
        "replies": fig.count(a.replies, "replies", fig.posts_source(kinds=("reply",), **by)),
        "retweets": fig.count(a.retweets, "retweets", fig.posts_source(kinds=("retweet",), **by)),
        "followers": fig.followers(a.platform, a.handle, a.followers, a.posts, has_counts),
    }
    detail: dict[str, Any] = {}
    if listed is not None:
        detail["note"] = listed.note
    who = {"handle": a.handle_key, "platform": a.platform}
    if "repeated_text" in reasons:
        figures["repeated_posts"] = fig.count(a.top_text_posts, "posts", Source.of("repeated_text", **who))
        figures["own_posts"] = fig.count(
            a.posts - a.retweets, "posts", fig.posts_source(kinds=("post", "quote", "reply"), **by)
        )
        detail["repeated_text"] = a.top_text
    if "inhuman_rate" in reasons:
        seconds = float(ctx.settings.automated_rate_seconds)
        figures["busiest"] = fig.count(a.busiest, "posts", Source.of("max_in_window", seconds=seconds, **who))
        figures["window_seconds"] = fig.setting(seconds, "seconds", name="automated_rate_seconds")
        if a.busiest_at is not None:
            detail["busiest_at"] = q.unix(a.busiest_at)
    if "instant_replies" in reasons:
        figures["reply_delay"] = Figure(
            float(a.reply_delay_median or 0.0), "seconds", "", "", Source.of("reply_delay", **who)
        )
        figures["timed_replies"] = fig.count(
            a.timed_replies, "replies", Source.of("reply_delay", count=True, **who)
        )
    if "replies_only" in reasons:
        figures["reply_targets"] = fig.count(a.reply_targets, "accounts", Source.of("reply_targets", **who))
    return AutomatedAccount(
        platform=a.platform,
        handle=a.handle,
        key=a.handle_key,
        category=listed.category if listed else "",
        listed=listed is not None,
        reasons=reasons,
        figures=figures,
        detail=detail,
    )


# ---- followers ------------------------------------------------------------------------------


def follower_coverage(ctx: Context) -> FollowerCoverage:
    """How much of the archive carries follower counts (memoised per run)."""
    hit = ctx.memo.get("follower_coverage")
    if hit is None:
        c = q.follower_coverage(ctx.con, rollups=ctx.rolled)
        posts = fig.count(c.posts, "posts", fig.posts_source())
        known = fig.count(c.posts_with_followers, "posts", Source.of("followers_known"))
        hit = ctx.memo["follower_coverage"] = FollowerCoverage(
            posts=posts,
            posts_with_followers=known,
            accounts=fig.count(c.accounts, "accounts", Source.of("accounts")),
            accounts_with_followers=fig.count(
                c.accounts_with_followers, "accounts", Source.of("accounts_with_followers")
            ),
            share=fig.share(known, posts, "posts"),
        )
    return hit


def followers(ctx: Context, accounts: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Figure]:
    """{(platform, handle as given): its followers Figure} by the one rule."""
    asked = list(accounts)
    # kept for the run: the phases, the amplifiers and the influencers ask for many of the
    # same accounts, and without the rollups each lookup scans every post
    known: dict[tuple[str, str], q.AccountFollowers] = ctx.memo.setdefault("followers", {})
    missing = [(p, h) for p, h in asked if h and (p, h.lower()) not in known]
    if missing:
        known.update(q.followers(ctx.con, missing, rollups=ctx.rolled))
    has_counts = follower_coverage(ctx).any
    out = {}
    for platform, handle in asked:
        row = known.get((platform, handle.lower()), q.AccountFollowers(None, 0))
        out[(platform, handle)] = fig.followers(platform, handle, row.followers, row.posts, has_counts)
    return out


# ---- roles ----------------------------------------------------------------------------------


def press(ctx: Context) -> press_list.PressList:
    """The press list of the run: the bundled (or ``Settings.press_list``) list with the
    workspace's own changes (memoised per run)."""
    hit = ctx.memo.get("press_list")
    if hit is None:
        hit = ctx.memo["press_list"] = press_list.for_workspace(ctx.ws, ctx.settings.press_list)
    return hit


def roles(ctx: Context) -> Roles:
    return Roles(
        brand=frozenset(h.lower() for h in ctx.brand),
        press=frozenset(press(ctx).accounts),
        automated=automated_handles(ctx),
    )
