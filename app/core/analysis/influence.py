"""Influential accounts joining the incident (kind ``influencer_entry``).

An account is influential when its followers (the one rule: the highest count seen on its
posts) are at least ``influencer_median_ratio`` times the median account's and among the top
``influencer_top_share`` of accounts. The brand's accounts, the press's (they have kinds of
their own) and automated accounts (:mod:`.accounts`) are left out. Each influential account
is a finding at its first post, with the exposure it brought in the
``influencer_window_hours`` after it: the followers summed over its own posts then, and over
the retweets and quotes of its posts then (not by itself, not by automated accounts). At
most ``influencer_max`` findings, those that brought the most exposure.

When the archive has no follower counts nothing can be called influential: :func:`find`
returns nothing, and :func:`app.core.analysis.accounts.follower_coverage` tells the reader
why.

Finding: ``time`` the first post's time, ``end`` None, ``subject`` "@handle" (lower case),
``posts`` (its first post), ``accounts`` (its handle). Figures:

* ``followers``: its followers (the one rule);
* ``median_followers``: the median account's (``Source("median_followers")``);
* ``times_median``: followers / median (a ratio);
* ``posts_in_archive``: its posts in the whole archive;
* ``posts_in_window``: its posts in the window;
* ``exposure``: the followers summed over those posts (its followers once per post: not
  reach); unknown when none carries a count;
* ``shares_in_window``: retweets and quotes of its posts in the window;
* ``share_exposure``: the followers of those shares that carry a count (0 with no shares;
  unknown when there are shares and none carries a count);
* ``exposure_total``: exposure + share_exposure (unknown when either is);
* ``window``: the window (the setting, seconds), or, when the archive ends before the
  window does, the seconds from the first post to the archive's end (detail
  ``window_clipped``): every window figure counts only what the archive covers;
* ``first_post``: the time of its first post.

Detail: ``handle`` (as written), ``platform``, ``post_kind`` (its first post's kind),
``ref_author`` (the author of the post it retweets, quotes or answers, None for a post of its
own), ``text`` (its first post's text: a retweet's is the original's). Flag ``exposure_partial``: some of the posts or shares
counted carry no follower count, so the exposure is counted over the others only.
"""

from __future__ import annotations

import math

from app.core.analysis import accounts as acc
from app.core.analysis import figures as fig
from app.core.analysis import measure
from app.core.analysis.context import Context
from app.core.model import Figure, Finding, PostRef, Source
from app.core.store import accounts_sql as q


def find(ctx: Context) -> list[Finding]:
    cfg = ctx.settings
    aud = q.audience(ctx.con, 1 - cfg.influencer_top_share, rollups=ctx.rolled)
    if not aud.accounts or aud.median is None:
        return []
    median = max(float(aud.median), 1.0)
    threshold = max(cfg.influencer_median_ratio * median, float(aud.at_quantile or 0))
    roles = acc.roles(ctx)
    leave_out = sorted(roles.brand | roles.press | roles.automated)
    window = cfg.influencer_window_hours * 3600
    rows = q.influencers(
        ctx.con,
        threshold,
        leave_out,
        window,
        sorted(roles.automated),
        int(cfg.influencer_max),
        rollups=ctx.rolled,
    )
    median_fig = Figure(float(aud.median), "count", "followers", "", Source.of("median_followers"))
    window_fig = fig.setting(window, "seconds", name="influencer_window_hours")
    excluded = tuple(sorted(roles.automated))
    out = []
    archive_end = measure.Span(ctx.start, ctx.last).end
    for r in rows:
        t = q.unix(r.first_at)
        # the window as the archive covers it: past its last post nothing is known, so the
        # counts are of the hours it holds and the window stated is those hours (never "0
        # shares in the 6 hours that followed" of an archive that ends 2 minutes later)
        end = min(t + window, max(archive_end, t))
        rng = {"start": t, "end": end}
        who = {"handle": r.handle_key, "platform": r.platform}
        by = {"author": r.handle_key, "platform": r.platform}
        followers = fig.followers(r.platform, r.handle, r.followers, r.posts, True)
        own = (
            Figure.missing(
                "its posts carry no follower counts", "count", "followers", Source.of("exposure", **by, **rng)
            )
            if r.own_exposure is None
            else Figure(r.own_exposure, "count", "followers", "", Source.of("exposure", **by, **rng))
        )
        share_source = Source.of("share_exposure", exclude=excluded, **who, **rng)
        if r.shares and r.share_exposure is None:
            shared = Figure.missing(
                "the accounts that shared its posts have no follower counts in this archive",
                "count",
                "followers",
                share_source,
            )
        else:
            shared = Figure(int(r.share_exposure or 0), "count", "followers", "", share_source)
        total = fig.total(own, shared, "followers")
        figures = {
            "followers": followers,
            "median_followers": median_fig,
            "times_median": fig.ratio(followers, median_fig),
            "posts_in_archive": fig.count(r.posts, "posts", fig.posts_source(**by)),
            "posts_in_window": fig.count(r.posts_in_window, "posts", fig.posts_source(**by, **rng)),
            "exposure": own,
            "shares_in_window": fig.count(
                r.shares, "retweets and quotes", Source.of("shares_received", exclude=excluded, **who, **rng)
            ),
            "share_exposure": shared,
            "exposure_total": total,
            "window": window_fig if end >= t + window else measure.duration(t, end),
            "first_post": fig.moment(t, Source.of("post_time", post_id=r.first_post, platform=r.platform)),
        }
        reached = float(total.value if total.known else (own.value or r.followers))  # type: ignore[arg-type]
        score = min(1.0, max(0.0, math.log10(max(reached, 1.0) / median) / 6))
        out.append(
            Finding(
                kind="influencer_entry",
                time=t,
                end=None,
                score=score,
                subject=f"@{r.handle_key}",
                figures=figures,
                posts=(PostRef(r.platform, r.first_post),),
                accounts=(r.handle,),
                detail={
                    "window_clipped": end < t + window,
                    "handle": r.handle,
                    "platform": r.platform,
                    "post_kind": r.first_kind,
                    "ref_author": r.first_ref_author,
                    "text": r.first_text,
                },
                flags=frozenset({"exposure_partial"}) if (r.own_unknown or r.shares_unknown) else frozenset(),
            )
        )
    return out
