"""Recompute a figure from its Source, independently of the code that made it.

The analysis states each figure's provenance as a :class:`~app.core.model.Source` (the
catalogue is :data:`app.core.model.SOURCEQUERIES`). :func:`recompute` answers a Source from
the workspace's ``posts`` table by its own means: plain SQL to fetch rows, and the counting,
maxima, medians and text normalisation done here in Python, written from the catalogue's
words and not from the store's SQL. :func:`check` compares a figure with its recomputation.

It covers the queries the post- and account-based analysis uses; a query it does not know
raises, so that a new kind of figure cannot go unaudited.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter
from datetime import datetime
from typing import Any

from app.core.model import Figure, Source

_EPOCH = datetime(1970, 1, 1)
_COLUMNS = (
    "platform, post_id, created_at, author_handle, author_followers, text, kind, ref_post_id, "
    "ref_author_handle, retweet_count, quote_count, reply_count, like_count, hashtags, mentions, urls, "
    "ref_author_followers"
)


def _unix(t: datetime) -> float:
    return (t - _EPOCH).total_seconds()


class Posts:
    """Every post of the workspace as dicts (the test archives are small)."""

    def __init__(self, con: Any) -> None:
        names = [c.strip() for c in _COLUMNS.split(",")]
        self.rows = [
            dict(zip(names, r, strict=True)) for r in con.execute(f"SELECT {_COLUMNS} FROM posts").fetchall()
        ]
        for r in self.rows:
            r["t"] = _unix(r["created_at"])
            r["who"] = (r["author_handle"] or "").lower()
            r["ref_who"] = (r["ref_author_handle"] or "").lower()
        self.by_id = {(r["platform"], r["post_id"]): r for r in self.rows}
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        self.brand = {h.lower() for h in json.loads(meta.get("brand_handles", "[]"))}


def recompute(con: Any, source: Source, posts: Posts | None = None) -> float | int | None:
    """The value ``source`` describes, or None where the catalogue says it is unknown (a sum
    over no post carrying a count, a maximum over nothing)."""
    posts = posts or Posts(con)
    p = dict(source.params)
    q = source.query
    fn = QUERIES.get(q)
    if fn is None:
        raise KeyError(f"source_audit does not know the query {q!r}")
    return fn(posts, p, con)


def check(con: Any, figure: Figure, posts: Posts | None = None, where: str = "") -> None:
    """Assert that ``figure`` is what its Source says (unknown where the Source gives None)."""
    assert figure.source is not None, f"{where}: a figure without a Source"
    expected = recompute(con, figure.source, posts)
    if figure.value is None:
        assert expected is None, f"{where}: unknown ({figure.unknown}) but its Source gives {expected}"
        assert figure.unknown, where
        return
    assert expected is not None, f"{where}: {figure.value} but its Source gives nothing"
    if isinstance(expected, float) or isinstance(figure.value, float):
        assert math.isclose(float(figure.value), float(expected), rel_tol=1e-9, abs_tol=1e-6), (
            f"{where}: {figure.value} != {expected} ({figure.source})"
        )
    else:
        assert figure.value == expected, f"{where}: {figure.value} != {expected} ({figure.source})"


def check_all(con: Any, figures: dict[str, Figure], where: str = "", posts: Posts | None = None) -> int:
    posts = posts or Posts(con)
    for name, f in figures.items():
        check(con, f, posts, f"{where}.{name}")
    return len(figures)


# ---- the queries ----------------------------------------------------------------------------


def _in_range(r: dict, p: dict) -> bool:
    return ("start" not in p or r["t"] >= p["start"]) and ("end" not in p or r["t"] < p["end"])


def _filtered(posts: Posts, p: dict) -> list[dict]:
    out = []
    for r in posts.rows:
        if not _in_range(r, p):
            continue
        if "kinds" in p and r["kind"] not in p["kinds"]:
            continue
        if "author" in p and r["who"] != p["author"].lower():
            continue
        if "platform" in p and r["platform"] != p["platform"]:
            continue
        if "post_ids" in p and r["post_id"] not in p["post_ids"]:
            continue
        if p.get("brand") == "only" and r["who"] not in posts.brand:
            continue
        if p.get("brand") == "exclude" and r["who"] in posts.brand:
            continue
        out.append(r)
    return out


def _posts(posts, p, con):
    return len(_filtered(posts, p))


def _exposure(posts, p, con):
    rows = _filtered(posts, p)
    known = [r["author_followers"] for r in rows if r["author_followers"] is not None]
    if not rows:
        return 0  # a sum over no post; unknown only when posts carry no count
    return sum(known) if known else None


def _followers_known(posts, p, con):
    return sum(1 for r in _filtered(posts, p) if r["author_followers"] is not None)


def _accounts(posts, p, con):
    return len({(r["platform"], r["who"]) for r in _filtered(posts, p) if r["author_handle"]})


def _accounts_with_followers(posts, p, con):
    return len(
        {
            (r["platform"], r["who"])
            for r in posts.rows
            if r["author_handle"] and r["author_followers"] is not None
        }
    )


def _followers(posts, p, con):
    own = [r for r in posts.rows if r["who"] == p["handle"] and r["platform"] == p["platform"]]
    if own:
        seen = [r["author_followers"] for r in own if r["author_followers"] is not None]
    else:
        # an account with no post of its own: the counts the posts sharing its posts carry
        seen = [
            r["ref_author_followers"]
            for r in posts.rows
            if r["ref_who"] == p["handle"]
            and r["platform"] == p["platform"]
            and r["ref_author_followers"] is not None
        ]
    return max(seen) if seen else None


def _median_followers(posts, p, con):
    best: dict[tuple, int] = {}
    for r in posts.rows:
        if r["author_handle"] and r["author_followers"] is not None:
            k = (r["platform"], r["who"])
            best[k] = max(best.get(k, r["author_followers"]), r["author_followers"])
    return float(statistics.median(best.values())) if best else None


def _shares_of_post(posts: Posts, p: dict) -> list[dict]:
    exclude = set(p.get("exclude", ()))
    out = []
    for r in posts.rows:
        if r["kind"] not in ("retweet", "quote") or r["ref_post_id"] != p["post_id"]:
            continue
        if "platform" in p and r["platform"] != p["platform"]:
            continue
        if not _in_range(r, p) or ("kinds" in p and r["kind"] not in p["kinds"]):
            continue
        if r["who"] and r["who"] == r["ref_who"]:
            continue
        if r["who"] in exclude or r["ref_who"] in exclude:
            continue
        out.append(r)
    return out


def _shares_in_archive(posts, p, con):
    if "post_id" not in p:
        # every share in the archive (the evidence figure)
        exclude = set(p.get("exclude", ()))
        return sum(
            1
            for r in posts.rows
            if r["kind"] in ("retweet", "quote")
            and r["ref_post_id"] is not None
            and _in_range(r, p)
            and not (r["who"] and r["who"] == r["ref_who"])
            and r["who"] not in exclude
            and r["ref_who"] not in exclude
        )
    return len(_shares_of_post(posts, p))


def _collected_parts(posts: Posts, platform: str, post_id: str) -> tuple[int | None, int | None]:
    own = posts.by_id.get((platform, post_id))
    counts = []
    if own is not None and own["kind"] != "retweet" and own["retweet_count"] is not None:
        counts.append(own["retweet_count"])
    counts += [
        r["retweet_count"]
        for r in posts.rows
        if r["kind"] == "retweet"
        and r["platform"] == platform
        and r["ref_post_id"] == post_id
        and r["retweet_count"] is not None
    ]
    quotes = own["quote_count"] if own is not None and own["kind"] != "retweet" else None
    return (max(counts) if counts else None), quotes


def _shares_collected(posts, p, con):
    rc, qc = _collected_parts(posts, p["platform"], p["post_id"])
    if p.get("kinds") == ("retweet",):
        return rc
    if rc is None and qc is None:
        return None
    return (rc or 0) + (qc or 0)


def _collected_count(posts, p, con):
    own = posts.by_id.get((p["platform"], p["post_id"]))
    return None if own is None else own[p["column"]]


def _replies_in_archive(posts, p, con):
    own = posts.by_id.get((p["platform"], p["post_id"]))
    author = own["who"] if own else None
    return sum(
        1
        for r in posts.rows
        if r["kind"] == "reply"
        and r["platform"] == p["platform"]
        and r["ref_post_id"] == p["post_id"]
        and r["who"] != author
    )


def _received(posts: Posts, p: dict) -> list[dict]:
    exclude = set(p.get("exclude", ()))
    return [
        r
        for r in posts.rows
        if r["kind"] in ("retweet", "quote")
        and r["ref_post_id"] is not None
        and r["ref_who"] == p["handle"]
        and r["platform"] == p["platform"]
        and _in_range(r, p)
        and r["who"] != r["ref_who"]
        and r["who"] not in exclude
        and r["ref_who"] not in exclude
    ]


def _shares_received(posts, p, con):
    rows = _received(posts, p)
    if p.get("distinct_posts"):
        return len({r["ref_post_id"] for r in rows})
    return len(rows)


def _share_exposure(posts, p, con):
    rows = _shares_of_post(posts, p) if "post_id" in p else _received(posts, p)
    known = [r["author_followers"] for r in rows if r["author_followers"] is not None]
    if not rows:
        return 0
    return sum(known) if known else None


def _shares_received_collected(posts, p, con):
    ids = set()
    for r in posts.rows:
        if r["platform"] != p["platform"] or not _in_range(r, p):
            continue
        if r["who"] == p["handle"] and r["kind"] != "retweet":
            ids.add(r["post_id"])
        elif (
            r["kind"] in ("retweet", "quote")
            and r["ref_who"] == p["handle"]
            and r["ref_post_id"] is not None
            and (r["platform"], r["ref_post_id"]) not in posts.by_id
        ):
            ids.add(r["ref_post_id"])
    values = []
    for i in ids:
        v = _shares_collected(posts, {"platform": p["platform"], "post_id": i}, con)
        if v:
            values.append(v)
    return len(values) if p.get("distinct_posts") else sum(values)


def _per_post_collected_retweets(posts: Posts) -> dict[tuple, int]:
    out: dict[tuple, int] = {}
    for r in posts.rows:
        if r["retweet_count"] is None:
            continue
        key = (r["platform"], r["ref_post_id"]) if r["kind"] == "retweet" else (r["platform"], r["post_id"])
        if key[1] is None:
            continue
        out[key] = max(out.get(key, r["retweet_count"]), r["retweet_count"])
    return out


def _collected_retweets(posts, p, con):
    return sum(v for v in _per_post_collected_retweets(posts).values() if v > 0)


def _archive_retweets_of_counted(posts, p, con):
    counted = {k for k, v in _per_post_collected_retweets(posts).items() if v > 0}
    return sum(
        1 for r in posts.rows if r["kind"] == "retweet" and (r["platform"], r["ref_post_id"]) in counted
    )


def _normalised(text: str) -> str:
    t = text
    while True:
        m = re.match(r"\s*@[A-Za-z0-9_]+", t)
        if not m:
            break
        t = t[m.end() :]
    t = re.sub(r"https?://\S+", "", t)
    return t.strip(" ")


def _own(posts: Posts, p: dict) -> list[dict]:
    return [r for r in posts.rows if r["who"] == p["handle"] and r["platform"] == p["platform"]]


def _repeated_text(posts, p, con):
    texts = Counter(n for r in _own(posts, p) if r["kind"] != "retweet" and (n := _normalised(r["text"])))
    return max(texts.values()) if texts else None


def _max_in_window(posts, p, con):
    times = sorted(r["t"] for r in _own(posts, p))
    best = 0
    for i, t in enumerate(times):
        best = max(best, sum(1 for u in times[i:] if u <= t + p["seconds"]))
    return best


def _reply_delay(posts, p, con):
    delays = []
    for r in _own(posts, p):
        if r["kind"] == "reply":
            ref = posts.by_id.get((r["platform"], r["ref_post_id"]))
            if ref is not None:
                delays.append(r["t"] - ref["t"])
    if p.get("count"):
        return len(delays)
    return float(statistics.median(delays)) if delays else None


def _reply_targets(posts, p, con):
    return len({r["ref_who"] for r in _own(posts, p) if r["kind"] == "reply" and r["ref_author_handle"]})


def _own_voice_accounts(posts, p, con):
    return len(
        {(r["platform"], r["who"]) for r in posts.rows if r["kind"] != "retweet" and r["author_handle"]}
    )


def _term_accounts(posts, p, con):
    field, term = ("hashtags", p["hashtag"]) if "hashtag" in p else ("mentions", p["handle"])
    return len(
        {
            (r["platform"], r["who"])
            for r in posts.rows
            if r["kind"] != "retweet" and r["author_handle"] and term in {x.lower() for x in r[field] or ()}
        }
    )


def _link_posts(posts, p, con):
    return sum(1 for r in posts.rows if p["url"] in (r["urls"] or ()))


def _link_accounts(posts, p, con):
    return len({(r["platform"], r["who"]) for r in posts.rows if p["url"] in (r["urls"] or ())})


def _references_rows(posts: Posts, p: dict) -> list[dict]:
    handles = set(p["handles"])
    return [
        r
        for r in posts.rows
        if r["kind"] in p["kinds"] and r["ref_who"] in handles and r["who"] not in handles
    ]


def _references(posts, p, con):
    rows = _references_rows(posts, p)
    if p.get("first"):
        return min((r["t"] for r in rows), default=None)
    return len(rows)


def _referenced_posts(posts, p, con):
    refs = {(r["platform"], r["ref_post_id"]) for r in _references_rows(posts, p) if r["ref_post_id"]}
    if p.get("missing"):
        refs = {k for k in refs if k not in posts.by_id}
    return len(refs)


def _mentions(posts, p, con):
    handles = set(p["handles"])
    return sum(1 for r in posts.rows if handles & {m.lower() for m in r["mentions"] or ()})


def _id_time(posts, p, con):
    return ((int(p["post_id"]) >> 22) + 1288834974657) / 1000.0


def _post_time(posts, p, con):
    for r in posts.rows:
        if r["post_id"] == p["post_id"] and ("platform" not in p or r["platform"] == p["platform"]):
            return r["t"]
    return None


def _pair(op):
    def fn(posts, p, con):
        a = recompute(con, p["a"] if isinstance(p["a"], Source) else _source(p["a"]), posts)
        b = recompute(con, p["b"] if isinstance(p["b"], Source) else _source(p["b"]), posts)
        return None if a is None or b is None else op(a, b)

    return fn


def _share(posts, p, con):
    num = recompute(con, p["num"], posts)
    den = recompute(con, p["den"], posts)
    return None if num is None or not den else num / den


def _source(x: Any) -> Source:
    return x if isinstance(x, Source) else Source(x[0], x[1])


QUERIES = {
    "posts": _posts,
    "exposure": _exposure,
    "followers_known": _followers_known,
    "accounts": _accounts,
    "accounts_with_followers": _accounts_with_followers,
    "followers": _followers,
    "median_followers": _median_followers,
    "shares_in_archive": _shares_in_archive,
    "shares_collected": _shares_collected,
    "collected_count": _collected_count,
    "replies_in_archive": _replies_in_archive,
    "shares_received": _shares_received,
    "share_exposure": _share_exposure,
    "shares_received_collected": _shares_received_collected,
    "collected_retweets": _collected_retweets,
    "archive_retweets_of_counted": _archive_retweets_of_counted,
    "repeated_text": _repeated_text,
    "max_in_window": _max_in_window,
    "reply_delay": _reply_delay,
    "reply_targets": _reply_targets,
    "own_voice_accounts": _own_voice_accounts,
    "term_accounts": _term_accounts,
    "link_posts": _link_posts,
    "link_accounts": _link_accounts,
    "references": _references,
    "referenced_posts": _referenced_posts,
    "mentions": _mentions,
    "id_time": _id_time,
    "post_time": _post_time,
    "finding_time": lambda posts, p, con: p["value"],
    "constant": lambda posts, p, con: p["value"],
    "sum": _pair(lambda a, b: a + b),
    "difference": _pair(lambda a, b: a - b),
    "ratio": _pair(lambda a, b: None if not b else a / b),
    "share": _share,
}
