"""The brand's side: its own posts as findings (kind ``brand_action``) with how fast they came,
and what the archive can tell of the brand at all (:class:`BrandVisibility`).

**The escalation** (:func:`escalation`) is the earliest ``volume_change`` finding with
``detail["direction"] == "rise"``, a score of at least ``brand_latency_min_score``, and none of
the flags in :data:`NOT_AN_ESCALATION` (``collection_start``, ``collection_end``,
``collection_gap``: a jump where the archive's collection may have begun, stopped or paused
is not the incident escalating); for a gradual rise, its ``time`` (where the climb began).
Without one, no latency is measured (flag ``no_escalation``).

**Findings** (:func:`find`): every post by a brand account, in time order. ``time`` the
post's time, ``end`` None, ``subject`` the post id, ``posts`` (the post), ``accounts`` (the
brand account). Figures:

* ``posted``: its time;
* ``retweets``, ``quotes``: shares of it in the archive (not by the brand account itself);
  ``replies``: replies to it in the archive;
* ``shares_collected``, ``replies_collected``: as counted when collected (only when recorded;
  a retweet by the brand carries its original's counts and has neither);
* ``escalation``: when the escalation began (``Source("finding_time")``), and
  ``since_escalation``: seconds from it to the post (only for posts at or after it);
* ``turning_point``: the last finding of another kind before the post with a score of at
  least ``brand_latency_min_score``, and ``since_turning_point``: seconds from it.

Detail: ``handle``, ``platform``, ``post_kind``, ``text``, ``ref_author`` (whom it replies
to, quotes or retweets), ``escalation`` (that finding's key), ``turning_point`` (its key) and
``turning_point_kind``. Flags: ``before_escalation`` (posted before it: ordinary,
pre-crisis posting, ranked low), ``first_response`` (the brand's first post at or after the
escalation), ``no_escalation``.

Scores grow with the reactions a post drew (retweets, quotes and replies in the archive):
0.1-0.3 before the escalation, 0.4-0.9 after it, at least 0.8 for the first response.

**Visibility** (:func:`visibility`): ``status`` is

* ``"no_handles"``: no brand account is set for the workspace: what the brand did is
  unknown (``unknown`` says so);
* ``"absent"``: brand accounts are set but the archive holds no post by them: the archive
  does not show the brand's side (it may have been collected by mention, or by keyword).
  "Did not respond" cannot be told from "not collected". The traces it does hold are the
  evidence to cite: replies to the brand's posts and shares of them (posts whose
  ``ref_author_handle`` is a brand handle), the brand posts they point to, and mentions;
* ``"present"``: the archive holds the brand's posts: the first one, and the first at or
  after the escalation with its latency. ``no_post_after_escalation`` is flagged only when
  no post by the brand follows the escalation *and* nothing in the archive points to a brand
  post after it that the archive does not hold.

With an escalation, for both "absent" and "present": ``missing_after_escalation`` (the time
carried by the id of the first brand post after the escalation that the archive does not
hold, known from the traces) and the flag ``responded_outside_archive`` when such a post
came before any the archive holds.

Figures: ``brand_posts``; ``replies_to_brand``, ``shares_of_brand`` (retweets and quotes),
``referenced_posts`` (distinct brand posts those point to), ``referenced_missing`` (of
those, not in the archive), ``mentions`` (posts mentioning a brand account),
``first_trace`` (the earliest reply or share, when any), ``earliest_missing_post`` (the
time carried by the id of the earliest brand post the archive does not hold, Twitter ids
only); ``escalation`` (when there is one); for "present": ``first_post``, and with an
escalation ``first_response`` and ``latency`` (seconds) when a brand post follows it. Detail: ``handles``, ``escalation`` (key),
``first_response`` (post id). Flags: ``partial`` (the archive holds some brand posts but
not all the traces point to), ``no_escalation``, ``no_post_after_escalation``,
``responded_outside_archive`` (brand posts after the escalation known only from traces).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.analysis import figures as fig
from app.core.analysis.amplification import ARCHIVE_NOTE, COLLECTED_NOTE, id_time
from app.core.analysis.context import Context
from app.core.model import Figure, Finding, PostRef, Source
from app.core.store import accounts_sql, brand_sql

#: flags on a volume rise that say it may not be the incident escalating
NOT_AN_ESCALATION = frozenset({"collection_start", "collection_end", "collection_gap"})

# parameters of the brand posts' Sources, in Source.of's order
RETWEETS, QUOTES, REPLY_COUNT = ("kinds", ("retweet",)), ("kinds", ("quote",)), ("column", "reply_count")


@dataclass(frozen=True)
class BrandVisibility:
    status: str
    handles: tuple[str, ...]
    figures: Mapping[str, Figure] = field(default_factory=dict, compare=False, hash=False)
    detail: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    flags: frozenset[str] = frozenset()
    unknown: str = ""


def escalation(findings: Iterable[Finding], min_score: float) -> Finding | None:
    """The escalation the brand's latency is measured from (see the module's notes)."""
    rises = [
        f
        for f in findings
        if f.kind == "volume_change"
        and f.detail.get("direction") == "rise"
        and f.score >= min_score
        and not (f.flags & NOT_AN_ESCALATION)
    ]
    return min(rises, key=lambda f: (f.time, f.key())) if rises else None


def _finding_time(f: Finding) -> Figure:
    return fig.moment(f.time, Source.of("finding_time", finding=f.key(), value=f.time))


def find(ctx: Context, others: list[Finding]) -> list[Finding]:
    if not ctx.brand:
        return []
    cfg = ctx.settings
    esc = escalation(others, cfg.brand_latency_min_score)
    strong = sorted(
        (f for f in others if f.kind != "brand_action" and f.score >= cfg.brand_latency_min_score),
        key=lambda f: (f.time, f.key()),
    )
    strong_times = [f.time for f in strong]
    # one figure per finding cited: a brand that posts thousands of times cites the same few
    cited: dict[int, Figure] = {}

    def cite(f: Finding) -> Figure:
        if id(f) not in cited:
            cited[id(f)] = _finding_time(f)
        return cited[id(f)]

    out = []
    responded = False
    for b in ctx.brand_posts():
        t = accounts_sql.unix(b.created_at)
        # the Sources' parameters as Source.of sorts them, made at once (a brand of 15k posts
        # makes 75k of them; a test checks them against Source.of)
        post = (("platform", b.platform), ("post_id", b.post_id))
        posted = Figure(float(t), "time", "", "", Source("post_time", post))
        figures: dict[str, Figure] = {
            "posted": posted,
            "retweets": Figure(
                b.retweets,
                "count",
                "retweets",
                "",
                Source("shares_in_archive", (RETWEETS, *post)),
                ARCHIVE_NOTE,
            ),
            "quotes": Figure(
                b.quotes, "count", "quotes", "", Source("shares_in_archive", (QUOTES, *post)), ARCHIVE_NOTE
            ),
            "replies": Figure(
                b.replies, "count", "replies", "", Source("replies_in_archive", post), ARCHIVE_NOTE
            ),
        }
        if b.kind != "retweet":
            collected = None
            if b.retweets_collected is not None or b.quotes_collected is not None:
                collected = (b.retweets_collected or 0) + (b.quotes_collected or 0)
            if collected is not None:
                figures["shares_collected"] = Figure(
                    collected,
                    "count",
                    "retweets and quotes",
                    "",
                    Source("shares_collected", post),
                    COLLECTED_NOTE,
                )
            if b.replies_collected is not None:
                figures["replies_collected"] = Figure(
                    b.replies_collected,
                    "count",
                    "replies",
                    "",
                    Source("collected_count", (REPLY_COUNT, *post)),
                    COLLECTED_NOTE,
                )
        detail: dict[str, Any] = {
            "handle": b.handle,
            "platform": b.platform,
            "post_kind": b.kind,
            "text": b.text,
            "ref_author": b.ref_author_handle,
        }
        flags = set()
        if esc is None:
            flags.add("no_escalation")
        elif t < esc.time:
            flags.add("before_escalation")
        else:
            figures["escalation"] = cite(esc)
            figures["since_escalation"] = fig.since(posted, figures["escalation"])
            detail["escalation"] = esc.key()
            if not responded:
                flags.add("first_response")
                responded = True
        # the last strong finding strictly before the post
        before = bisect.bisect_left(strong_times, t)
        last = strong[before - 1] if before else None
        if last is not None:
            figures["turning_point"] = cite(last)
            figures["since_turning_point"] = fig.since(posted, figures["turning_point"])
            detail["turning_point"] = last.key()
            detail["turning_point_kind"] = last.kind
        reach = b.retweets + b.quotes + b.replies
        weight = min(1.0, math.log10(1 + reach) / 3)
        if "before_escalation" in flags:
            score = 0.1 + 0.2 * weight
        else:
            score = 0.4 + 0.5 * weight
            if "first_response" in flags:
                score = max(score, 0.8)
        out.append(
            Finding(
                kind="brand_action",
                time=t,
                end=None,
                score=float(min(1.0, score)),
                subject=b.post_id,
                figures=figures,
                posts=(PostRef(b.platform, b.post_id),),
                accounts=(b.handle,),
                detail=detail,
                flags=frozenset(flags),
            )
        )
    return out


def visibility(ctx: Context, others: Iterable[Finding] = ()) -> BrandVisibility:
    """What the archive shows of the brand (see the module's notes)."""
    handles = tuple(sorted({h.lower() for h in ctx.brand}))
    if not handles:
        return BrandVisibility(
            "no_handles",
            (),
            unknown="no brand account is set for this workspace, so what the brand did cannot be told",
        )
    posts = ctx.brand_posts()
    traces = brand_sql.brand_traces(ctx.con, handles, rollups=ctx.rolled)
    by = {"handles": handles}
    figures: dict[str, Figure] = {
        "brand_posts": fig.count(len(posts), "posts", fig.posts_source(brand="only")),
        "replies_to_brand": fig.count(
            traces.replies, "replies", Source.of("references", kinds=("reply",), **by)
        ),
        "shares_of_brand": fig.count(
            traces.shares, "retweets and quotes", Source.of("references", kinds=("quote", "retweet"), **by)
        ),
        "referenced_posts": fig.count(
            traces.referenced,
            "posts",
            Source.of("referenced_posts", kinds=("quote", "reply", "retweet"), **by),
        ),
        "referenced_missing": fig.count(
            traces.referenced_missing,
            "posts",
            Source.of("referenced_posts", kinds=("quote", "reply", "retweet"), missing=True, **by),
        ),
        "mentions": fig.count(traces.mentions, "posts", Source.of("mentions", **by)),
    }
    if traces.first_at is not None:
        figures["first_trace"] = fig.moment(
            accounts_sql.unix(traces.first_at),
            Source.of("references", kinds=("quote", "reply", "retweet"), first=True, **by),
        )
    missing_times = [
        (t, pid) for platform, pid in traces.missing if (t := id_time(platform, pid)) is not None
    ]
    if missing_times:
        t0, pid0 = min(missing_times)
        figures["earliest_missing_post"] = fig.moment(t0, Source.of("id_time", post_id=pid0))
    esc = escalation(others, ctx.settings.brand_latency_min_score)
    flags: set[str] = set()
    detail: dict[str, Any] = {"handles": list(handles)}
    if esc is None:
        flags.add("no_escalation")
    else:
        figures["escalation"] = _finding_time(esc)
        detail["escalation"] = esc.key()
    missing_after = sorted((t, pid) for t, pid in missing_times if esc is not None and t >= esc.time)
    if missing_after:
        t1, pid1 = missing_after[0]
        figures["missing_after_escalation"] = fig.moment(t1, Source.of("id_time", post_id=pid1))
    if not posts:
        if missing_after:
            flags.add("responded_outside_archive")
        return BrandVisibility("absent", handles, figures, detail, frozenset(flags))
    first = posts[0]
    figures["first_post"] = fig.moment(
        accounts_sql.unix(first.created_at),
        Source.of("post_time", post_id=first.post_id, platform=first.platform),
    )
    if traces.referenced_missing:
        flags.add("partial")
    if esc is None:
        return BrandVisibility("present", handles, figures, detail, frozenset(flags))
    after = next((b for b in posts if accounts_sql.unix(b.created_at) >= esc.time), None)
    if after is not None:
        posted = fig.moment(
            accounts_sql.unix(after.created_at),
            Source.of("post_time", post_id=after.post_id, platform=after.platform),
        )
        figures["first_response"] = posted
        figures["latency"] = fig.since(posted, figures["escalation"])
        detail["first_response"] = after.post_id
    if missing_after and (after is None or missing_after[0][0] < accounts_sql.unix(after.created_at)):
        flags.add("responded_outside_archive")
    if after is None and not missing_after:
        flags.add("no_post_after_escalation")
    return BrandVisibility("present", handles, figures, detail, frozenset(flags))
