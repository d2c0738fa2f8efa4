"""Press pickup (kind ``press_pickup``): when news organisations took the incident up.

The press is the workspace's press list (:mod:`app.core.press_list`: the bundled
international list with the workspace's own changes). A pickup must be **about the
incident** (:mod:`.terms`):

* by a press account (``via`` "account"): any post of the account, a retweet included,
  that carries one of the incident's hashtags, mentions one of its handles or names one of
  its keywords (for a quote, in the quoted text too); or that replies to, quotes or retweets
  a post by a brand account, or a post by another account that the archive holds and that
  is itself about the incident (any such post when the incident has no terms); or that links
  to a page about the incident (as below);
* by a link (``via`` "link") to a press site: the page is about the incident when its
  address names one of the incident's keywords, or when it was shared by at least
  ``press_link_min_accounts`` accounts and ``press_link_min_share`` of the incident's
  accounts; either way not when the address carries a date more than
  ``press_link_max_age_days`` before the archive's first post (old material dug up to
  argue with). A link only posted once by an unrelated account is never pickup.

The first pickup per outlet is a finding (accounts and links of one outlet together), at
most ``press_max_outlets``, the earliest first; the earliest of all is flagged
``first_overall``.

Finding: ``time`` the post's time, ``end`` None, ``subject`` the outlet's name, ``posts``
(the post), ``accounts`` (its author). Figures:

* ``posted``: the post's time;
* via account: ``followers`` (the press account's, the one rule), ``account_posts`` (its
  posts in the archive);
* via link: ``link_posts`` and ``link_accounts`` (posts and accounts that shared the URL).

Detail: ``outlet``, ``country`` (ISO code or INT, "" for an outlet the user added),
``outlet_kind``, ``via``, ``handle`` (the poster, as written), ``post_kind`` (post, reply,
quote, retweet), ``text``, ``url`` and ``domain`` (links; a press account's post through a
link of its own too), ``about`` ("hashtag", "mention", "keyword", "url", "reply_to_brand",
"refers_to_incident", "shared_widely") and ``term`` (the term matched, or the referenced
post's id). Flags: ``first_overall``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from app.core import press_list as plist
from app.core.analysis import accounts as acc
from app.core.analysis import figures as fig
from app.core.analysis import terms as incident_terms
from app.core.analysis.context import Context
from app.core.model import Figure, Finding, PostRef, Source
from app.core.store import accounts_sql, press_sql


@dataclass
class _Pickup:
    t: float
    platform: str
    post_id: str
    handle: str | None
    kind: str
    text: str
    via: str
    about: str
    term: str
    url: str | None = None
    domain: str | None = None
    link_posts: int = 0
    link_accounts: int = 0
    #: the author of the post it retweets, quotes or answers (its text is quoted under the
    #: right name)
    ref_author: str | None = None


def find(ctx: Context) -> list[Finding]:
    press = acc.press(ctx)
    terms = incident_terms.of(ctx)
    brand = {h.lower() for h in ctx.brand}
    firsts: dict[str, _Pickup] = {}

    def offer(outlet: str, p: _Pickup) -> None:
        old = firsts.get(outlet)
        if old is None or (p.t, p.post_id) < (old.t, old.post_id):
            firsts[outlet] = p

    pattern = plist.domains_pattern(press.domains) if press.domains else ""
    links = press_sql.press_links(ctx.con, pattern, rollups=ctx.rolled) if pattern else []
    about_links = {link.url: why for link in links if (why := _link_about(ctx, terms, link)) is not None}
    if press.accounts:
        for post in press_sql.press_posts(ctx.con, sorted(press.accounts), rollups=ctx.rolled):
            outlet = press.outlet_of_account(post.handle)
            why = _post_about(terms, brand, post, about_links)
            if outlet and why is not None:
                url = next((u for u in post.urls if u in about_links), None)
                offer(
                    outlet,
                    _Pickup(
                        accounts_sql.unix(post.created_at),
                        post.platform,
                        post.post_id,
                        post.handle,
                        post.kind,
                        post.text,
                        "account",
                        why[0],
                        why[1],
                        url,
                        _domain_of(url, pattern),
                        ref_author=post.ref_author_handle,
                    ),
                )
    for link in links:
        outlet = press.domains.get(link.domain)
        why = about_links.get(link.url)
        if outlet and why is not None:
            offer(
                outlet,
                _Pickup(
                    accounts_sql.unix(link.first_at),
                    link.platform,
                    link.post_id,
                    link.handle,
                    link.kind,
                    link.text,
                    "link",
                    why[0],
                    why[1],
                    link.url,
                    link.domain,
                    link.posts,
                    link.accounts,
                ),
            )
    chosen = sorted(firsts.items(), key=lambda kv: (kv[1].t, kv[1].post_id))[: ctx.settings.press_max_outlets]
    return [_finding(ctx, press, outlet, p, rank == 0) for rank, (outlet, p) in enumerate(chosen)]


def _post_about(
    terms: incident_terms.IncidentTerms,
    brand: set[str],
    post: press_sql.PressPost,
    about_links: dict[str, tuple[str, str]],
) -> tuple[str, str] | None:
    why = terms.about(post.text, post.hashtags, post.mentions)
    if why is None and post.kind == "quote" and post.ref_text:
        why = terms.about(post.ref_text)
    if why is not None:
        return why
    ref_author = (post.ref_author_handle or "").lower()
    if post.kind in ("reply", "quote", "retweet") and ref_author:
        if ref_author in brand:
            return ("reply_to_brand" if post.kind == "reply" else "refers_to_incident", ref_author)
        ref_about = not terms.keywords or terms.about(
            post.ref_full_text, post.ref_hashtags, post.ref_mentions
        )
        if post.ref_in_archive and ref_author != post.handle.lower() and ref_about:
            return ("refers_to_incident", post.ref_post_id or "")
    for url in post.urls:
        if url in about_links:
            return about_links[url]
    return None


def _link_about(
    ctx: Context, terms: incident_terms.IncidentTerms, link: press_sql.PressLink
) -> tuple[str, str] | None:
    cfg = ctx.settings
    published = plist.url_date(link.url)
    first_day = datetime.fromtimestamp(ctx.start, timezone.utc).date()
    if published is not None and published < first_day - timedelta(days=cfg.press_link_max_age_days):
        return None
    why = terms.about_url(link.url)
    if why is not None:
        return why
    accounts_total = int(terms.accounts.value or 0)
    needed = max(cfg.press_link_min_accounts, math.ceil(cfg.press_link_min_share * accounts_total))
    if link.accounts >= needed:
        return ("shared_widely", "")
    return None


def _domain_of(url: str | None, pattern: str) -> str | None:
    if not url or not pattern:
        return None
    m = re.match(pattern, url)
    return m.group(1).lower() if m else None


def _finding(ctx: Context, press: plist.PressList, outlet: str, p: _Pickup, first: bool) -> Finding:
    post = {"post_id": p.post_id, "platform": p.platform}
    figures: dict[str, Figure] = {"posted": fig.moment(p.t, Source.of("post_time", **post))}
    followers_value: int | None = None
    if p.via == "account" and p.handle:
        row = accounts_sql.followers(ctx.con, [(p.platform, p.handle)], rollups=ctx.rolled)[
            (p.platform, p.handle.lower())
        ]
        figures["followers"] = fig.followers(
            p.platform, p.handle, row.followers, row.posts, acc.follower_coverage(ctx).any
        )
        followers_value = row.followers
        figures["account_posts"] = fig.count(
            row.posts, "posts", fig.posts_source(author=p.handle, platform=p.platform)
        )
        score = 0.4 + 0.4 * min(1.0, math.log10(max(followers_value or 1, 1)) / 7) if followers_value else 0.5
    else:
        figures["link_posts"] = fig.count(p.link_posts, "posts", Source.of("link_posts", url=p.url))
        figures["link_accounts"] = fig.count(
            p.link_accounts, "accounts", Source.of("link_accounts", url=p.url)
        )
        score = 0.3 + 0.3 * min(1.0, math.log10(max(p.link_accounts, 1)) / 3)
    if first:
        score = max(score, 0.7)
    o = press.outlets.get(outlet)
    detail: dict[str, Any] = {
        "outlet": outlet,
        "country": o.country if o else "",
        "outlet_kind": o.kind if o else "",
        "via": p.via,
        "handle": p.handle,
        "post_kind": p.kind,
        "ref_author": p.ref_author,
        "text": p.text,
        "url": p.url,
        "domain": p.domain,
        "about": p.about,
        "term": p.term,
    }
    return Finding(
        kind="press_pickup",
        time=p.t,
        end=None,
        score=float(min(1.0, score)),
        subject=outlet,
        figures=figures,
        posts=(PostRef(p.platform, p.post_id),),
        accounts=(p.handle,) if p.handle else (),
        detail=detail,
        flags=frozenset({"first_overall"}) if first else frozenset(),
    )
