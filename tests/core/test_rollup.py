"""The rollups against the posts: every number the timeline shows, from the rollups and from
straightforward SQL over ``posts_scored``, must agree, for random ranges, bins and filters.

The generated incident has what real archives have: accounts whose follower counts drift from
post to post, accounts whose followers are unknown, a brand account, retweets, replies and
quotes, several languages and hashtags, posts of one account at the same second, and posts
left unscored (a second file imported after scoring, interleaved in time with the first).
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import threading

import numpy as np
import pytest

from app.core import metrics as m
from app.core import rollup
from app.core.ingest import import_paths
from app.core.sentiment import score_missing
from app.core.store import rollup_sql
from app.core.store.workspace import Workspace
from tests.core.v1_statuses import status

T0 = 1636329600  # Mon 2021-11-08 00:00:00 UTC
SPAN = 2 * 86400
BRAND = "NorthwindBank"


# ---- the generated incident ----------------------------------------------------------------

WORDS = (
    "outage again",
    "great service",
    "terrible app",
    "still down",
    "thanks for the fix",
    "my card",
    "love it",
    "awful wait",
    "refund please",
    "ok now",
    "what a mess",
    "fixed for me",
    "nothing works",
)
TAGS = ("Outage", "outage", "OUTAGE", "Bank", "fail", "help")


def generate(n: int = 2400, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    accounts = [f"acct{i}" for i in range(160)] + [BRAND]
    base = {a: int(10 ** rng.uniform(0.5, 5)) for a in accounts}
    unknown = set(rng.sample(accounts[:160], 16))  # these never say their followers
    posted = dict.fromkeys(accounts, 0)
    originals: list[dict] = []
    out = []
    t = T0 + 30
    for i in range(n):
        # a burst in the middle of the first day, quiet elsewhere
        t += int(rng.expovariate(1 / (20 if abs(t - T0 - 50000) < 15000 else 90)))
        if t >= T0 + SPAN:
            break
        who = BRAND if rng.random() < 0.03 else rng.choice(accounts[:160])
        posted[who] += 1
        followers = None if who in unknown else base[who] + 3 * posted[who]
        text = f"{rng.choice(WORDS)} {rng.choice(WORDS)} #{i % 40}"
        kw = {
            "lang": rng.choice(("en",) * 8 + ("es", "fr")),
            "hashtags": tuple(rng.sample(TAGS, rng.randint(0, 2))),
            "retweets": rng.choice((None, 0, rng.randint(0, 50))),
            "likes": rng.choice((None, rng.randint(0, 99))),
        }
        r = rng.random()
        if originals and r < 0.5:
            s = status(str(1000 + i), t, who, "", followers, retweet_of=rng.choice(originals[-60:]), **kw)
        elif originals and r < 0.6:
            s = status(str(1000 + i), t, who, text, followers, reply_to=rng.choice(originals), **kw)
        elif originals and r < 0.65:
            s = status(str(1000 + i), t, who, text, followers, quote_of=rng.choice(originals), **kw)
        else:
            s = status(str(1000 + i), t, who, text, followers, **kw)
            originals.append(s)
        out.append(s)
        if rng.random() < 0.01:  # the same account twice in one second, followers changed
            posted[who] += 1
            f2 = None if followers is None else followers + 7
            out.append(status(str(900000 + i), t, who, text + " again", f2, **kw))
    return out


@pytest.fixture(scope="module")
def incident(tmp_path_factory):
    d = tmp_path_factory.mktemp("incident")
    posts = generate()
    rng = random.Random(11)
    late = set(rng.sample(range(len(posts)), len(posts) // 4))
    a = d / "a.jsonl"
    b = d / "b.jsonl"
    a.write_text("".join(json.dumps(p) + "\n" for i, p in enumerate(posts) if i not in late))
    b.write_text("".join(json.dumps(p) + "\n" for i, p in enumerate(posts) if i in late))
    path = d / "incident.duckdb"
    ws = Workspace.open(path, create=True)
    ws.configure(brand_handles=[BRAND], timezone="America/New_York")
    assert import_paths(ws, [a])[0].ok
    score_missing(ws)
    assert import_paths(ws, [b])[0].ok  # not scored: a quarter of the posts has no score
    yield ws
    ws.close()


# ---- straightforward SQL over posts_scored -------------------------------------------------
# Each filter with the plain SQL that says the same thing (test constants, nothing typed in).

FILTERS = [
    (m.PostFilter(), "TRUE"),
    (m.PostFilter(kinds=frozenset({"post", "reply"})), "kind IN ('post', 'reply')"),
    (m.PostFilter(kinds=frozenset({"retweet"})), "kind = 'retweet'"),
    (m.PostFilter(kinds=frozenset({"quote", "reply", "retweet"})), "kind <> 'post'"),
    (m.PostFilter(brand="only"), "lower(author_handle) = 'northwindbank'"),
    (m.PostFilter(brand="exclude"), "lower(author_handle) <> 'northwindbank'"),
    (
        m.PostFilter(brand="exclude", kinds=frozenset({"post", "quote", "reply"})),
        "lower(author_handle) <> 'northwindbank' AND kind <> 'retweet'",
    ),
    (m.PostFilter(lang="es"), "lang = 'es'"),
    (m.PostFilter(min_followers=800), "author_followers >= 800"),
    (m.PostFilter(text="FIX"), "contains(lower(text), 'fix')"),
    (m.PostFilter(hashtag="outage"), "list_contains(list_transform(hashtags, lambda h: lower(h)), 'outage')"),
    (m.PostFilter(author="ACCT7"), "author_handle = 'acct7'"),
    (
        m.PostFilter(text="down", kinds=frozenset({"retweet"}), brand="exclude"),
        "contains(lower(text), 'down') AND kind = 'retweet' AND lower(author_handle) <> 'northwindbank'",
    ),
]

REF_COUNTS = """
    WITH b AS (SELECT unnest(?::BIGINT[]) AS i, unnest(?::BIGINT[]) AS lo, unnest(?::BIGINT[]) AS hi),
    p AS (SELECT * FROM posts_scored WHERE {where})
    SELECT i,
           count(p.post_id) FILTER (WHERE p.created_at >= make_timestamp(lo * 1000000)) AS total,
           count(*) FILTER (WHERE p.created_at >= make_timestamp(lo * 1000000) AND kind = 'post') AS post,
           count(*) FILTER (WHERE p.created_at >= make_timestamp(lo * 1000000) AND kind = 'reply') AS reply,
           count(*) FILTER (WHERE p.created_at >= make_timestamp(lo * 1000000) AND kind = 'quote') AS quote,
           count(*) FILTER (WHERE p.created_at >= make_timestamp(lo * 1000000) AND kind = 'retweet') AS retweet,
           count(compound) FILTER (WHERE p.created_at >= make_timestamp(lo * 1000000)) AS scored,
           avg(compound) FILTER (WHERE p.created_at >= make_timestamp(lo * 1000000)) AS mean,
           avg(CASE WHEN compound <= -0.05 THEN 1.0 ELSE 0.0 END)
               FILTER (WHERE compound IS NOT NULL AND p.created_at >= make_timestamp(lo * 1000000)) AS neg,
           avg(CASE WHEN compound > -0.05 AND compound < 0.05 THEN 1.0 ELSE 0.0 END)
               FILTER (WHERE compound IS NOT NULL AND p.created_at >= make_timestamp(lo * 1000000)) AS neu,
           avg(CASE WHEN compound >= 0.05 THEN 1.0 ELSE 0.0 END)
               FILTER (WHERE compound IS NOT NULL AND p.created_at >= make_timestamp(lo * 1000000)) AS pos,
           coalesce(sum(author_followers) FILTER (WHERE p.created_at >= make_timestamp(lo * 1000000)), 0) AS exposure,
           count(p.post_id) FILTER (WHERE p.created_at >= make_timestamp(lo * 1000000) AND author_followers IS NULL) AS unknown,
           coalesce(sum(author_followers), 0) AS cumulative_exposure
    FROM b LEFT JOIN p ON p.created_at < make_timestamp(hi * 1000000)
    GROUP BY i ORDER BY i
"""

# Each account's first post within the filter, with its follower count (the highest seen for
# it anywhere in the archive); per bin, those that fall in it and those before its end.
REF_UNIQUE = """
    WITH b AS (SELECT unnest(?::BIGINT[]) AS i, unnest(?::BIGINT[]) AS lo, unnest(?::BIGINT[]) AS hi),
    f AS (
        SELECT first.created_at, most.author_followers
        FROM (SELECT lower(author_handle) AS h, min(created_at) AS created_at FROM posts WHERE {where} GROUP BY h) first
        JOIN (SELECT lower(author_handle) AS h, max(author_followers) AS author_followers FROM posts GROUP BY h) most
          USING (h)
    )
    SELECT i,
           coalesce(sum(author_followers) FILTER (WHERE created_at >= make_timestamp(lo * 1000000)), 0),
           coalesce(sum(author_followers), 0)
    FROM b LEFT JOIN f ON f.created_at < make_timestamp(hi * 1000000)
    GROUP BY i ORDER BY i
"""


def reference(ws, edges: np.ndarray, where: str) -> dict[str, np.ndarray]:
    n = len(edges) - 1
    args = [list(range(n)), [int(e) for e in edges[:-1]], [int(e) for e in edges[1:]]]
    rows = ws.con.execute(REF_COUNTS.format(where=where), args).fetchall()
    cols = [
        "i",
        "total",
        "post",
        "reply",
        "quote",
        "retweet",
        "scored",
        "mean",
        "neg",
        "neu",
        "pos",
        "exposure",
        "unknown",
        "cumulative_exposure",
    ]
    out = {c: np.array([r[k] for r in rows], dtype=float) for k, c in enumerate(cols)}
    rows = ws.con.execute(REF_UNIQUE.format(where=where), args).fetchall()
    out["unique"] = np.array([r[1] for r in rows], dtype=float)
    out["cumulative_unique"] = np.array([r[2] for r in rows], dtype=float)
    return out


def assert_series_match(s: m.Series, ref: dict[str, np.ndarray], what: str) -> None:
    def same(a, b, name):
        a = np.asarray(a, dtype=float)
        assert a.shape == b.shape, f"{what}: {name} has {a.shape} bins, expected {b.shape}"
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=f"{what}: {name}")

    for k in m.KINDS:
        same(s.volume[k], ref[k], k)
    same(s.total, ref["total"], "total")
    same(s.scored, ref["scored"], "scored")
    same(s.mean_compound, ref["mean"], "mean_compound")
    same(s.neg_share, ref["neg"], "neg_share")
    same(s.neu_share, ref["neu"], "neu_share")
    same(s.pos_share, ref["pos"], "pos_share")
    same(s.exposure, ref["exposure"], "exposure")
    same(s.unknown_reach, ref["unknown"], "unknown_reach")
    same(s.cumulative_exposure, ref["cumulative_exposure"], "cumulative_exposure")
    same(s.unique_audience, ref["unique"], "unique_audience")
    same(s.cumulative_unique, ref["cumulative_unique"], "cumulative_unique")


def random_ranges(rng: random.Random, count: int):
    for _ in range(count):
        width = math.exp(rng.uniform(math.log(600), math.log(SPAN + 7200)))
        start = rng.uniform(T0 - 3600, T0 + SPAN - width / 2)
        bin_seconds = m.choose_bin(width, rng.choice((300, 800, 1200, 2000)))
        yield start, start + width, bin_seconds


# ---- rollups and posts agree ---------------------------------------------------------------


def test_the_incident_has_what_real_archives_have(incident):
    con = incident.con
    kinds = dict(con.execute("SELECT kind, count(*) FROM posts GROUP BY kind").fetchall())
    assert all(kinds.get(k, 0) > 20 for k in m.KINDS), kinds
    unscored, unknown, brand, ties = con.execute("""
        SELECT count(*) FILTER (WHERE compound IS NULL), count(*) FILTER (WHERE author_followers IS NULL),
               count(*) FILTER (WHERE lower(author_handle) = 'northwindbank'),
               (SELECT count(*) FROM (SELECT author_handle, created_at FROM posts GROUP BY ALL HAVING count(*) > 1))
        FROM posts_scored""").fetchone()
    assert unscored > 100 and unknown > 50 and brand > 20 and ties > 3


@pytest.mark.parametrize("k", range(len(FILTERS)))
def test_series_match_straightforward_sql(incident, k):
    flt, where = FILTERS[k]
    rng = random.Random(100 + k)
    ranges = [
        (T0 - 3600, T0 + SPAN + 3600, 3600),
        (T0 + 40000, T0 + 40000 + 1800, 60),
        (T0, T0 + SPAN, 86400),
        *random_ranges(rng, 6),
    ]
    for start, end, bin_seconds in ranges:
        s = m.binned_series(incident, start, end, bin_seconds, flt)
        assert s.source == ("rollup" if flt.uses_rollups() else "posts")
        edges = m.bin_edges(start, end, bin_seconds, "America/New_York")
        assert s.t.tolist() == edges[:-1].tolist()
        assert_series_match(
            s,
            reference(incident, edges, where),
            f"{flt.describe() or 'no filter'} [{start:.0f}, {end:.0f}) by {bin_seconds}",
        )


def test_rollups_and_posts_paths_agree_for_rollup_filters(incident, tmp_path):
    """A read-only workspace whose rollups are stale answers from the posts: same numbers."""
    rng = random.Random(3)
    ranges = list(random_ranges(rng, 5))
    rollup_filters = [f for f, _ in FILTERS if f.uses_rollups()]
    expected = {(f, r): m.binned_series(incident, *r, f) for f in rollup_filters for r in ranges}
    assert all(s.source == "rollup" for s in expected.values())

    copy = tmp_path / "copy.duckdb"
    incident.con.execute("CHECKPOINT")
    copy.write_bytes(incident.path.read_bytes())
    ws = Workspace.open(copy)
    rollup.invalidate(ws)
    ws.close()
    ro = Workspace.open(copy, read_only=True)
    assert rollup.ensure(ro) is None
    for (f, r), want in expected.items():
        got = m.binned_series(ro, *r, f)
        assert got.source == "posts"
        for name in (
            "total",
            "scored",
            "exposure",
            "unknown_reach",
            "cumulative_exposure",
            "unique_audience",
            "cumulative_unique",
        ):
            assert getattr(got, name).tolist() == getattr(want, name).tolist(), (f, r, name)
        np.testing.assert_allclose(got.mean_compound, want.mean_compound, rtol=1e-9, equal_nan=True)
    mid = T0 + 50000
    assert (
        m.posts_around(ro, mid, 900, sort="sentiment")[0]
        == m.posts_around(incident, mid, 900, sort="sentiment")[0]
    )
    assert m.top_amplifiers(ro, mid, mid + 3600) == m.top_amplifiers(incident, mid, mid + 3600)
    ro.close()


def test_non_minute_bins_match_straightforward_sql(incident):
    for flt, where in FILTERS[:6]:
        start, end = T0 + 50000.5, T0 + 50000.5 + 600
        s = m.binned_series(incident, start, end, 45, flt)
        assert s.source == "posts"
        assert_series_match(
            s,
            reference(incident, m.bin_edges(start, end, 45, "America/New_York"), where),
            f"45 s bins, {flt.describe()}",
        )


# ---- posts around a time, amplifiers -------------------------------------------------------

WINDOW_SQL = """
    SELECT post_id, created_at, author_followers, compound,
           coalesce(retweet_count, 0) + coalesce(like_count, 0) + coalesce(reply_count, 0) + coalesce(quote_count, 0)
    FROM posts_scored
    WHERE created_at BETWEEN make_timestamp((? * 1000000)::BIGINT) AND make_timestamp((? * 1000000)::BIGINT)
          AND {where}
"""


def expected_order(rows, sort: str, desc: bool) -> list[str]:
    """The order posts_around promises: by the key (unknown last either way), then time, id."""
    col = {"exposure": 2, "sentiment": 3, "engagement": 4}.get(sort)
    if sort == "time":
        ordered = sorted(rows, key=lambda r: (r[1], r[0]), reverse=desc)
    else:
        known = [r for r in rows if r[col] is not None]
        unknown = [r for r in rows if r[col] is None]
        sign = -1 if desc else 1
        ordered = sorted(known, key=lambda r: (sign * r[col], r[1], r[0])) + sorted(
            unknown, key=lambda r: (r[1], r[0])
        )
    return [r[0] for r in ordered]


@pytest.mark.parametrize("sort", m.SORTS)
def test_posts_around_matches_straightforward_sql(incident, sort):
    rng = random.Random(m.SORTS.index(sort))
    for i in range(8):
        flt, where = FILTERS[i % len(FILTERS)]
        t = rng.uniform(T0, T0 + SPAN)
        half = rng.choice((60, 900, 3600))
        desc = bool(i % 2)
        limit = rng.choice((5, 50, 500))
        # a series for the filter first, as the window draws one: posts_around then narrows
        # a time-sorted window with its per-minute counts
        if i % 3:
            m.binned_series(incident, T0, T0 + SPAN, 3600, flt)
        rows = incident.con.execute(WINDOW_SQL.format(where=where), [t - half, t + half]).fetchall()
        got, total = m.posts_around(incident, t, half, flt, sort=sort, descending=desc, limit=limit)
        assert total == len(rows)
        assert [r.post_id for r in got] == expected_order(rows, sort, desc)[:limit], (
            flt,
            t,
            half,
            desc,
            limit,
        )


def test_posts_around_rows_carry_their_scores(incident):
    got, _ = m.posts_around(incident, T0 + 50000, 600, limit=100)
    scored = dict(
        incident.con.execute(
            "SELECT post_id, compound FROM posts_scored WHERE list_contains(?, post_id)",
            [[r.post_id for r in got]],
        ).fetchall()
    )
    assert {r.post_id: r.compound for r in got} == scored
    assert any(r.compound is None for r in got) and any(r.compound is not None for r in got)


# Every column of a PostRow, in its order, from the plain view (test text, not the app's).
ROW_SQL = """
    SELECT platform, post_id, created_at, author_id, author_handle, author_name, author_followers,
           kind, text, compound, neg, neu, pos, retweet_count, like_count, reply_count, quote_count,
           ref_post_id, ref_author_handle, ref_text, lang, hashtags, mentions, urls
    FROM posts_scored
"""


def _plain_rows(ws) -> dict[tuple[str, str], tuple]:
    rows = {}
    for r in ws.con.execute(ROW_SQL).fetchall():
        rows[(r[0], r[1])] = (*r[:21], *(list(v or []) for v in r[21:]))
    return rows


@pytest.mark.parametrize("sort", m.SORTS)
def test_posts_around_and_get_post_rows_match_straightforward_sql(incident, sort):
    """Every value of every row, not only the order: the posts are read whole apart from
    their scores and put together again (ties in time, unknown followers, a quarter of the
    posts unscored, two files interleaved in time)."""
    plain = _plain_rows(incident)
    rng = random.Random(100 + m.SORTS.index(sort))
    for i in range(6):
        flt, where = FILTERS[(3 * i) % len(FILTERS)]
        t = rng.uniform(T0, T0 + SPAN)
        half = rng.choice((60, 900, 3600))
        desc = bool(i % 2)
        limit, offset = rng.choice((5, 50, 500)), rng.choice((0, 0, 7, 60))
        if i % 2:
            m.binned_series(incident, T0, T0 + SPAN, 3600, flt)
        rows = incident.con.execute(WINDOW_SQL.format(where=where), [t - half, t + half]).fetchall()
        got, total = m.posts_around(
            incident, t, half, flt, sort=sort, descending=desc, limit=limit, offset=offset
        )
        assert total == len(rows)
        assert [r.post_id for r in got] == expected_order(rows, sort, desc)[offset : offset + limit]
        for r in got:
            assert dataclasses.astuple(r) == plain[(r.platform, r.post_id)], r.post_id
        for r in got[:30]:
            assert m.get_post(incident, r.platform, r.post_id) == r
    assert any(v[9] is None for v in plain.values()) and any(v[6] is None for v in plain.values())


def test_get_post_by_the_id_index_and_by_time_agree(incident, tmp_path):
    """The rollups' build makes the posts' id index; a lookup goes by it when it is there,
    by time (the snowflake's, then the whole table) when it is not: the same answers."""
    m.posts_around(incident, T0, 60)  # builds the rollups
    assert rollup.has_post_id_index(incident)
    plain = _plain_rows(incident)
    keys = [*random.Random(3).sample(sorted(plain), 60), ("twitter", "404"), ("bluesky", "1")]
    by_index = [m.get_post(incident, p, i) for p, i in keys]
    copy = tmp_path / "no_index.duckdb"
    incident.con.execute("CHECKPOINT")
    copy.write_bytes(incident.path.read_bytes())
    with Workspace.open(copy) as other:
        other.con.execute("DROP INDEX posts_post_id")
        assert not rollup.has_post_id_index(other)
        by_time = [m.get_post(other, p, i) for p, i in keys]
    assert by_index == by_time
    assert by_index[-2:] == [None, None]
    for (p, i), r in zip(keys[:-2], by_index[:-2], strict=True):
        assert dataclasses.astuple(r) == plain[(p, i)]
    assert any(r.compound is None for r in by_index[:-2]) and any(
        r.compound is not None for r in by_index[:-2]
    )


def test_pages_of_posts_of_one_instant_carry_their_own_scores(tmp_path):
    """Posts of the same second, some scored and some not (a second file), paged through in
    time order: each page's scores are read by its time span, which also holds the posts of
    the neighbouring pages."""
    ws = Workspace.open(tmp_path / "ties.duckdb", create=True)
    words = ["great", "awful", "fine", "terrible", "lovely", "bad", "good", "sad"]
    first = [status(str(100 + i), T0 + 60, f"u{i}", f"{words[i]} service {i}", i) for i in range(0, 8, 2)]
    later = [status(str(100 + i), T0 + 60, f"u{i}", f"{words[i]} day {i}", None) for i in range(1, 8, 2)]
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(json.dumps(x) + "\n" for x in first))
    b.write_text("".join(json.dumps(x) + "\n" for x in later))
    assert import_paths(ws, [a])[0].ok
    score_missing(ws)
    assert import_paths(ws, [b])[0].ok
    plain = _plain_rows(ws)
    for desc in (False, True):
        pages = [m.posts_around(ws, T0 + 60, 30, descending=desc, limit=3, offset=o)[0] for o in (0, 3, 6)]
        got = [r for page in pages for r in page]
        assert [r.post_id for r in got] == sorted((str(100 + i) for i in range(8)), reverse=desc)
        assert [dataclasses.astuple(r) for r in got] == [plain[(r.platform, r.post_id)] for r in got]
        assert {r.compound is None for r in got} == {True, False}
    ws.close()


def test_post_scores_are_stored_in_time_order(incident):
    """A post's scores are found by its time (a window of seconds): stored out of order, every
    lookup would read every row group of the rollup."""
    m.posts_around(incident, T0 + 50000, 600, limit=10)  # builds the rollups
    times = [
        r[0]
        for r in incident.con.execute("SELECT created_at FROM rollup_post_scores ORDER BY rowid").fetchall()
    ]
    assert len(times) > 1000
    assert times == sorted(times)


AMPLIFIERS_SQL = """
    WITH p AS (SELECT * FROM posts WHERE created_at >= make_timestamp((? * 1000000)::BIGINT)
                                     AND created_at < make_timestamp((? * 1000000)::BIGINT) AND {where}),
    rt AS (SELECT ref_post_id, count(*) AS n FROM posts WHERE kind = 'retweet' GROUP BY ALL)
    SELECT lower(author_handle), count(*), coalesce(sum(author_followers), 0), coalesce(sum(rt.n), 0)
    FROM p LEFT JOIN rt ON rt.ref_post_id = p.post_id
    GROUP BY 1 ORDER BY 3 DESC, 2 DESC, 1
"""


@pytest.mark.parametrize("k", [0, 2, 5, 9])
def test_top_amplifiers_match_straightforward_sql(incident, k):
    flt, where = FILTERS[k]
    rng = random.Random(k)
    for _ in range(4):
        start = rng.uniform(T0, T0 + SPAN - 3600)
        end = start + rng.choice((3600, 6 * 3600))
        want = incident.con.execute(AMPLIFIERS_SQL.format(where=where), [start, end]).fetchall()
        got = m.top_amplifiers(incident, start, end, flt, limit=15)
        assert [(a.author_handle.lower(), a.posts, a.exposure, a.retweets_received) for a in got] == [
            tuple(r) for r in want[:15]
        ]
        for a in got:
            assert 1 <= len(a.top_post_ids) <= 3


# ---- staying fresh ---------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path):
    ws = Workspace.open(tmp_path / "small.duckdb", create=True)
    p = tmp_path / "one.jsonl"
    p.write_text(
        "".join(
            json.dumps(s) + "\n"
            for s in [
                status("1", T0 + 10, "ann", "great service", 100),
                status("2", T0 + 20, "NorthwindBank", "we are sorry", 5000),
            ]
        )
    )
    assert import_paths(ws, [p])[0].ok
    yield ws, tmp_path
    ws.close()


def day(ws, flt=m.PostFilter()):
    return m.binned_series(ws, T0, T0 + 86400, 86400, flt)


def test_rollups_are_built_on_first_use_with_a_stamp(small):
    ws, _ = small
    assert not rollup.is_fresh(ws)
    assert day(ws).total.tolist() == [2]
    assert rollup.is_fresh(ws)
    stamp = json.loads(ws.meta()["rollup_stamp"])
    assert stamp["posts"] == 2 and stamp["imports"] == 1 and stamp["brand"] == [] and stamp["scores"] == 0
    assert stamp["version"] == rollup_sql.ROLLUP_VERSION
    tables = {r[0] for r in ws.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert set(rollup_sql.TABLES) <= tables


def test_an_import_makes_them_stale_and_the_next_query_rebuilds(small):
    ws, tmp = small
    assert day(ws).total.tolist() == [2]
    p = tmp / "two.jsonl"
    p.write_text(json.dumps(status("3", T0 + 30, "bo", "awful wait", 7)) + "\n")
    assert import_paths(ws, [p])[0].ok
    assert not rollup.is_fresh(ws)
    s = day(ws)
    assert s.total.tolist() == [3] and s.source == "rollup" and s.unique_audience.tolist() == [5107]
    assert rollup.is_fresh(ws)


def test_scoring_makes_them_stale(small, monkeypatch):
    monkeypatch.setattr(m, "SCORES_LAG_FACTOR", 0.0)
    ws, _ = small
    s = day(ws)
    assert s.scored.tolist() == [0] and math.isnan(s.mean_compound[0])
    score_missing(ws)
    assert not rollup.is_fresh(ws)
    s = day(ws)
    assert s.scored.tolist() == [2] and not math.isnan(s.mean_compound[0])
    around, _ = m.posts_around(ws, T0, 60)
    assert all(r.compound is not None for r in around)


def _table_ids(ws) -> dict[str, int]:
    return dict(ws.con.execute("SELECT table_name, table_oid FROM duckdb_tables()").fetchall())


def _contents(ws) -> dict[str, list]:
    return {t: ws.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in rollup_sql.TABLES}


def test_after_scoring_only_the_tables_that_read_scores_are_rebuilt(small, tmp_path):
    ws, _ = small
    rollup.ensure(ws)
    before = _table_ids(ws)
    score_missing(ws)
    assert rollup.state(ws).behind_on_scores_only
    rollup.rebuild(ws)
    after = _table_ids(ws)
    scored = {b[0] for b in rollup_sql.BUILD if b[3]}
    assert scored == {"rollup_minute", "rollup_post_scores", "rollup_scope"}
    for table in rollup_sql.TABLES:
        assert (after[table] != before[table]) == (table in scored), table
    assert rollup.is_fresh(ws)
    partial = _contents(ws)
    assert partial["rollup_post_scores"] and partial["rollup_accounts"]
    # the same as a build of every table
    rollup.invalidate(ws)
    rollup.rebuild(ws)
    assert all(after[t] != i for t, i in _table_ids(ws).items() if t in rollup_sql.TABLES)
    assert _contents(ws) == partial


def test_an_import_after_scoring_rebuilds_every_table(small):
    ws, tmp = small
    rollup.ensure(ws)
    score_missing(ws)
    p = tmp / "more.jsonl"
    p.write_text(json.dumps(status("9", T0 + 40, "cy", "fine", 3)) + "\n")
    assert import_paths(ws, [p])[0].ok
    before = _table_ids(ws)
    assert not rollup.state(ws).behind_on_scores_only
    rollup.ensure(ws)
    after = _table_ids(ws)
    assert all(after[t] != before[t] for t in rollup_sql.TABLES)
    assert ws.con.execute("SELECT sum(posts) FROM rollup_accounts").fetchone()[0] == 3


def test_while_scores_come_in_recent_rollups_are_served_as_they_are(small, monkeypatch):
    ws, _ = small
    monkeypatch.setattr(m, "SCORES_LAG_FACTOR", 1e9)  # "the last build was moments ago"
    assert day(ws).scored.tolist() == [0]
    built = ws.meta()["rollup_stamp"]
    score_missing(ws)
    st = rollup.state(ws)
    assert not st.fresh and st.behind_on_scores_only and st.serves_while_scoring(1e9)
    s = day(ws)
    assert s.source == "rollup" and s.scored.tolist() == [0] and s.total.tolist() == [2]
    assert ws.meta()["rollup_stamp"] == built  # not rebuilt
    assert m.incident_span(ws) == (T0 + 10, T0 + 20)
    # once the scoring run is over, the importer's ensure() brings them up to date
    assert rollup.ensure(ws).fresh
    assert day(ws).scored.tolist() == [2]
    # and rollups behind on anything but scores are never served
    p = ws.path.parent / "more.jsonl"
    p.write_text(json.dumps(status("9", T0 + 40, "cy", "fine", 3)) + "\n")
    assert import_paths(ws, [p])[0].ok
    assert not rollup.state(ws).behind_on_scores_only
    assert day(ws).total.tolist() == [3]


def test_a_stale_build_is_served_for_a_while_proportional_to_its_cost():
    built = {
        "version": 1,
        "imports": 1,
        "posts": 10,
        "scores": 5,
        "brand": [],
        "built_at": 1000.0,
        "build_s": 2.0,
    }
    st = rollup.State({**built, "scores": 7}, built)
    assert st.behind_on_scores_only and not st.fresh
    assert st.serves_while_scoring(10, now=1019.0)
    assert not st.serves_while_scoring(10, now=1021.0)
    assert not st.serves_while_scoring(0, now=1000.5)
    assert not rollup.State({**built, "posts": 11, "scores": 7}, built).serves_while_scoring(10, now=1001)


def test_brand_accounts_change_makes_them_stale(small):
    ws, _ = small
    assert day(ws, m.PostFilter(brand="only")).total.tolist() == [0]
    ws.configure(brand_handles=["@northwindbank"])
    assert not rollup.is_fresh(ws)
    assert day(ws, m.PostFilter(brand="only")).exposure.tolist() == [5000]
    assert day(ws, m.PostFilter(brand="exclude")).exposure.tolist() == [100]


def test_invalidate_and_ensure(small):
    ws, _ = small
    state = rollup.ensure(ws)
    assert state is not None and state.fresh and state.span == (T0 + 10, T0 + 20)
    rollup.invalidate(ws)
    assert not rollup.is_fresh(ws)
    assert rollup.ensure(ws).fresh


def test_the_timeline_checks_again_only_after_a_write(small, monkeypatch):
    """The timeline's queries use the last check of the rollups' freshness until something
    is written (import, scores, settings, a rebuild) or it is STATE_TTL old."""
    ws, tmp = small
    calls = []
    real = rollup.state
    monkeypatch.setattr(rollup, "state", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(m, "SCORES_LAG_FACTOR", 0.0)
    assert day(ws).total.tolist() == [2]  # checks, rebuilds (its commit is a write), ...
    day(ws)  # ... checks once more, then answers from that check
    n = len(calls)
    for _ in range(3):
        m.posts_around(ws, T0, 60)
        m.get_post(ws, "twitter", "1")
        day(ws)
    assert len(calls) == n
    # a write through the app: the next query checks, sees it and rebuilds
    p = tmp / "two.jsonl"
    p.write_text(json.dumps(status("3", T0 + 30, "bo", "awful wait", 7)) + "\n")
    assert import_paths(ws, [p])[0].ok
    assert day(ws).total.tolist() == [3] and len(calls) > n
    score_missing(ws)
    assert day(ws).scored.tolist() == [3]
    assert all(r.compound is not None for r in m.posts_around(ws, T0, 60)[0])
    ws.configure(brand_handles=["@northwindbank"])
    assert day(ws, m.PostFilter(brand="only")).exposure.tolist() == [5000]
    rollup.invalidate(ws)
    assert day(ws).total.tolist() == [3] and rollup.is_fresh(ws)
    # a change made behind the app's back is seen once the check is STATE_TTL old
    ws.con.execute("DELETE FROM meta WHERE key = 'rollup_stamp'")
    monkeypatch.setattr(rollup, "STATE_TTL", 0.0)
    assert day(ws).total.tolist() == [3] and rollup.is_fresh(ws)


def test_posts_imported_after_the_id_index_are_found(small):
    ws, tmp = small
    assert m.get_post(ws, "twitter", "1").author_handle == "ann"  # builds the rollups and the index
    assert rollup.has_post_id_index(ws)
    p = tmp / "later.jsonl"
    p.write_text(json.dumps(status("77", T0 + 5, "di", "still waiting", 9)) + "\n")
    assert import_paths(ws, [p])[0].ok
    assert m.get_post(ws, "twitter", "77").author_handle == "di"
    assert m.get_post(ws, "twitter", "1").author_handle == "ann"
    assert m.get_post(ws, "twitter", "78") is None


def test_dropped_tables_are_rebuilt(small):
    ws, tmp = small
    day(ws)
    ws.close()
    with Workspace.open(tmp / "small.duckdb") as again:
        again.con.execute("DROP TABLE rollup_first")
        assert not rollup.is_fresh(again)
        assert day(again).unique_audience.tolist() == [5100]
        assert rollup.is_fresh(again)


def test_a_read_only_workspace_without_rollups_answers_from_the_posts(small):
    ws, tmp = small
    ws.close()
    with Workspace.open(tmp / "small.duckdb", read_only=True) as ro:
        assert rollup.ensure(ro) is None
        s = day(ro)
        assert s.source == "posts" and s.total.tolist() == [2] and s.unique_audience.tolist() == [5100]
        assert m.incident_span(ro) == (T0 + 10, T0 + 20)
        assert m.get_post(ro, "twitter", "1").author_handle == "ann"
        assert len(m.top_amplifiers(ro, T0, T0 + 60)) == 2


def test_a_cancelled_rebuild_keeps_the_old_rollups(small):
    from app.core.progress import Cancelled

    class CancelAtOnce:
        def report(self, done, total, message=""):
            pass

        def cancelled(self):
            return True

    ws, _ = small
    day(ws)
    before = ws.meta()["rollup_stamp"]
    ws.configure(brand_handles=["northwindbank"])
    with pytest.raises(Cancelled):
        rollup.rebuild(ws, progress=CancelAtOnce())
    assert ws.meta()["rollup_stamp"] == before
    assert ws.con.execute("SELECT count(*) FROM rollup_minute WHERE is_brand").fetchone()[0] == 0


def test_threads_finding_them_stale_at_once_rebuild_once(small):
    ws, _ = small
    results, errors = [], []

    def work():
        try:
            results.append(day(ws, m.PostFilter(kinds=frozenset({"post"}))).total.tolist())
        except Exception as exc:  # noqa: BLE001 - any failure in a worker thread is asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and results == [[2]] * 6
    assert rollup.is_fresh(ws)


def test_create_tables_statements_are_idempotent(tmp_path):
    ws = Workspace.open(tmp_path / "ddl.duckdb", create=True)
    for _ in range(2):
        for ddl in rollup_sql.CREATE_TABLES:
            ws.con.execute(ddl)
    assert rollup.ensure(ws).fresh
    ws.close()
