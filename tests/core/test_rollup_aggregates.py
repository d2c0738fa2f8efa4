"""The per-account, per-share and coverage rollups (``rollup_accounts``, ``rollup_texts``,
``rollup_terms``, ``rollup_shares``, ``rollup_shared``, ``rollup_shared_of``,
``rollup_share_minutes``, ``rollup_by_author``,
``rollup_scope``, ``rollup_urls``, ``rollup_replies``, ``rollup_brand_posts``) answer the analysis exactly as the posts do.

Each query of :mod:`app.core.store.accounts_sql`, :mod:`app.core.store.shares_sql` and the
brand's and the press's posts that can read them is run both ways (``rollups=True`` reads the tables, ``rollups=False`` computes the
same from the posts) on generated incidents and on real archives, over the whole span and over
a range, with and without excluded accounts; a read-only workspace whose rollups are stale
answers from the posts, with the same findings.
"""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path

import pytest

from app.core import press_list, rollup
from app.core.analysis import accounts, amplification, influence
from app.core.analysis.context import Context
from app.core.analysis.settings import Settings
from app.core.ingest import import_paths
from app.core.sentiment.figures import figures_of
from app.core.store import (
    accounts_sql,
    brand_sql,
    press_sql,
    rollup_sql,
    sentiment_sql,
    series_sql,
    shares_sql,
)
from app.core.store.workspace import Workspace
from tests.core import incident_factory as factory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REAL = {
    "search": ("python-twitter/get_search_raw.json",),
    "twarc": ("twarc-csv/flat.jsonl",),
    "twitwi": ("twitwi/tweet-export.csv",),
}


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("aggregates")
    out = {
        "protest": factory.protest(folder).path,
        "mention_only": factory.mention_only(folder).path,
    }
    for name, files in REAL.items():
        path = folder / f"{name}.duckdb"
        with Workspace.open(path, create=True) as ws:
            assert all(r.ok for r in import_paths(ws, [FIXTURES / f for f in files]))
        out[name] = path
    for path in out.values():
        with Workspace.open(path) as ws:
            assert rollup.ensure(ws) is not None
    return out


def _span(con) -> tuple[float, float]:
    first, last = con.execute("SELECT epoch(min(created_at)), epoch(max(created_at)) FROM posts").fetchone()
    return float(first), float(last) + 1


def _handles(con) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT DISTINCT platform, author_handle FROM posts WHERE author_handle IS NOT NULL "
        "UNION SELECT DISTINCT platform, ref_author_handle FROM posts WHERE ref_author_handle IS NOT NULL "
        "ORDER BY ALL"
    ).fetchall()


def _busiest_posters(con, n: int) -> list[str]:
    """The handles (as written) of the accounts that post most."""
    rows = con.execute(
        "SELECT author_handle FROM posts WHERE author_handle IS NOT NULL "
        "GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT ?",
        [n],
    ).fetchall()
    return [r[0] for r in rows]


def _busiest_sharers(con, n: int) -> list[str]:
    """Handles to exclude: the accounts that share most (a real exclusion list looks so)."""
    rows = con.execute(
        "SELECT lower(author_handle) FROM posts WHERE kind IN ('retweet', 'quote') AND author_handle IS NOT NULL "
        "GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT ?",
        [n],
    ).fetchall()
    return [r[0] for r in rows]


def both(fn, *args, **kw):
    """fn's answer from the rollups and from the posts, which must be the same."""
    rolled, plain = fn(*args, rollups=True, **kw), fn(*args, rollups=False, **kw)
    assert rolled == plain
    return rolled


@pytest.mark.parametrize("name", ["protest", "mention_only", *REAL])
def test_the_rollups_hold_what_their_statements_compute(workspaces, name):
    with Workspace.open(workspaces[name]) as ws:
        con = ws.cursor()
        for table, sql in (
            ("rollup_accounts", accounts_sql.ACCOUNT_TOTALS),
            ("rollup_texts", accounts_sql.TOP_TEXTS),
            ("rollup_terms", press_sql.TERM_TOTALS),
            ("rollup_shares", shares_sql.SHARES),
            ("rollup_shared", shares_sql.SHARED),
            (
                "rollup_shared_of",
                shares_sql.SHARED_OF.replace("{share_minutes}", f"({shares_sql.SHARE_MINUTES})"),
            ),
            ("rollup_share_minutes", shares_sql.SHARE_MINUTES),
            ("rollup_by_author", accounts_sql.by_author(False)[1:-1]),
            ("rollup_scope", sentiment_sql.SCOPE),
            ("rollup_urls", press_sql.URL_TOTALS),
            ("rollup_replies", accounts_sql.reply_totals(False)[1:-1]),
        ):
            held = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            assert held == con.execute(f"SELECT * FROM ({sql}) ORDER BY ALL").fetchall()
        assert con.execute("SELECT count(*) FROM rollup_accounts").fetchone()[0] > 0
        # the shares are kept in time order (a range query reads only its row groups)
        times = [r[0] for r in con.execute("SELECT created_at FROM rollup_shares").fetchall()]
        assert times == sorted(times)
        # the posts by author are kept by account number (a few accounts' posts are read from
        # their row groups), the posts without a handle last
        keys = con.execute("SELECT coalesce(account_no, 1e18) FROM rollup_by_author").fetchall()
        assert keys == sorted(keys)
        assert len(keys) == con.execute("SELECT count(*) FROM posts").fetchone()[0]
        times = [r[0] for r in con.execute("SELECT created_at FROM rollup_scope").fetchall()]
        assert times == sorted(times)
        assert sum(r[0] for r in con.execute("SELECT posts FROM rollup_scope").fetchall()) == len(keys)


@pytest.mark.parametrize("name", ["protest", "mention_only", *REAL])
def test_the_brand_posts_answer_the_same_from_the_rollups(workspaces, name, tmp_path):
    """``rollup_brand_posts`` holds the posts of the brand the rollups were built with: made
    the archive's busiest accounts here (one written in upper case), so that it holds many."""
    path = tmp_path / "brand.duckdb"
    shutil.copyfile(workspaces[name], path)
    with Workspace.open(path) as ws:
        con = ws.cursor()
        posting = _busiest_posters(con, 3)
        brand = [posting[0].upper(), *posting[1:], "nobody_posts_here"]
        ws.configure(brand_handles=brand)
        assert rollup.ensure(ws) is not None
        keys = accounts_sql.lower_all(brand)
        held = con.execute("SELECT * FROM rollup_brand_posts").fetchall()
        statement = brand_sql.BRAND_POSTS.replace("{by_author}", accounts_sql.by_author(False))
        assert held == con.execute(statement, [keys]).fetchall()
        posts = both(brand_sql.brand_posts, con, brand)
        assert {p.handle.lower() for p in posts} == {h.lower() for h in posting}
        assert [(p.created_at, p.post_id) for p in posts] == sorted((p.created_at, p.post_id) for p in posts)
        # one of the brand's accounts alone
        assert both(brand_sql.brand_posts, con, [posting[1]]) == [p for p in posts if p.handle == posting[1]]
        assert both(brand_sql.brand_posts, con, ["nobody_posts_here"]) == []


@pytest.mark.parametrize("name", ["protest", "mention_only", *REAL])
def test_account_queries_answer_the_same_from_the_rollups(workspaces, name):
    with Workspace.open(workspaces[name]) as ws:
        con = ws.cursor()
        handles = _handles(con)
        asked = [*handles, ("twitter", "nobody_posts_here")]
        got = both(accounts_sql.followers, con, asked)
        assert got[("twitter", "nobody_posts_here")] == accounts_sql.AccountFollowers(None, 0)
        assert any(v.posts for v in got.values())
        assert both(accounts_sql.follower_coverage, con).accounts > 0
        assert both(press_sql.own_voice_accounts, con) > 0
        for what in ("hashtags", "mentions"):
            for floor, limit in ((1, 50), (2, 5)):
                both(press_sql.term_uses, con, what, floor, limit, also=[h.lower() for _, h in handles[:3]])
        for q in (0.5, 0.9, 0.99):
            both(accounts_sql.audience, con, q)
        # thresholds low enough that every measure runs on many accounts
        low = accounts_sql.ActivityThresholds(
            min_posts=1, rate_posts=2, window=3600.0, min_repeats=2, min_timed_replies=1, reply_share=0.1
        )
        named = [h.lower() for _, h in handles[:3]]
        assert both(accounts_sql.activity, con, low, named)
        excluded = _busiest_sharers(con, 3)
        for threshold in (0.0, 1000.0):
            both(accounts_sql.influencers, con, threshold, named[:1], 6 * 3600.0, excluded, 50)
        # the brand's and the press's posts: a few accounts, one of them written in upper case
        posting = _busiest_posters(con, 3)
        few = [posting[0].upper(), *posting[1:], "nobody_posts_here"]
        assert both(press_sql.press_posts, con, few)
        assert both(brand_sql.brand_posts, con, ["nobody_posts_here"]) == []
        assert both(brand_sql.brand_traces, con, few)
        # the press's links: the busiest hosts of the archive's links, one of them in upper case
        hosts = [
            r[0]
            for r in con.execute(
                "SELECT lower(regexp_extract(url, '://(?:www\\.)?([^/:?#]+)', 1)) AS host FROM "
                "(SELECT unnest(urls) AS url FROM posts) WHERE host <> '' GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 3"
            ).fetchall()
        ]
        if hosts:
            pattern = press_list.domains_pattern([hosts[0].upper(), *hosts[1:], "nobody-links-here.example"])
            assert both(press_sql.press_links, con, pattern)


@pytest.mark.parametrize("name", ["protest", "mention_only", *REAL])
def test_share_queries_answer_the_same_from_the_rollups(workspaces, name):
    with Workspace.open(workspaces[name]) as ws:
        con = ws.cursor()
        start, end = _span(con)
        middle = (start + (end - start) * 0.3, start + (end - start) * 0.7)
        for excluded in ([], _busiest_sharers(con, 2)):
            evidence = both(shares_sql.evidence, con, excluded)
            # the shares in the archive, counted share by share
            keys = [h.lower() for h in excluded]
            assert evidence.archive_shares == sum(
                1
                for author, ref_author in con.execute(
                    "SELECT author_handle, ref_author_handle FROM posts "
                    "WHERE kind IN ('retweet', 'quote') AND ref_post_id IS NOT NULL"
                ).fetchall()
                if not (author and ref_author and author.lower() == ref_author.lower())
                and (author or "").lower() not in keys
                and (ref_author or "").lower() not in keys
            )
            # the totals measured once serve both; measured for other accounts or another
            # minimum, they are not used
            totals = both(shares_sql.share_totals, con, excluded, 2)
            assert shares_sql.evidence(con, excluded, True, totals) == evidence
            bursts = shares_sql.bursts(con, 3600.0, 4, 2, 5, excluded, rollups=True)
            assert shares_sql.bursts(con, 3600.0, 4, 2, 5, excluded, True, totals) == bursts
            others = [
                shares_sql.share_totals(con, [] if excluded else _busiest_sharers(con, 2), 2, rollups=True),
                shares_sql.share_totals(con, excluded, 3, rollups=True),
            ]
            for other in others:
                assert shares_sql.evidence(con, excluded, True, other) == evidence
                assert shares_sql.bursts(con, 3600.0, 4, 2, 5, excluded, True, other) == bursts
            for a, b in ((start, end), middle):
                for basis in ("archive", "collected"):
                    both(shares_sql.top_posts, con, a, b, excluded, 10, basis)
                    both(shares_sql.top_accounts, con, a, b, excluded, 10, basis)
            found = both(shares_sql.bursts, con, 3600.0, 4, 2, 5, excluded)
            both(
                shares_sql.posts_shares,
                con,
                [(b.platform, b.post_id, b.start, b.end) for b in found],
                excluded,
            )


@pytest.mark.parametrize("name", ["protest", "mention_only", *REAL])
def test_the_most_negative_posts_are_those_of_the_scored_posts_view(workspaces, name):
    """From the rollups' scores or from the posts, the most negative texts of a range are those
    the ``posts_scored`` view gives (every column of a post, with its score in scope)."""
    with Workspace.open(workspaces[name]) as ws:
        con = ws.cursor()
        start, end = _span(con)
        for a, b in ((start, end), (start + (end - start) * 0.3, start + (end - start) * 0.6)):
            want = con.execute(
                "SELECT platform, arg_min(post_id, (created_at, post_id)), "
                "arg_min(author_handle, (created_at, post_id)), min(created_at), any_value(compound) AS c "
                "FROM posts_scored WHERE created_at >= ? AND created_at < ? AND compound IS NOT NULL "
                "AND kind <> 'retweet' GROUP BY platform, text_key ORDER BY c, 2 LIMIT 7",
                [series_sql._ts(a), series_sql._ts(b)],
            ).fetchall()
            got = both(series_sql.most_negative, con, a, b, 7)
            assert [(p.platform, p.post_id, p.author, p.compound) for p in got] == [
                (r[0], r[1], r[2], r[4]) for r in want
            ]
            assert [p.at for p in got] == [series_sql._unix(r[3]) for r in want]
            if name == "protest":  # scored: the comparison compares something
                assert len(got) == 7


def test_the_generated_protest_exercises_the_share_queries(workspaces):
    # so that the comparisons above compare something
    with Workspace.open(workspaces["protest"]) as ws:
        con = ws.cursor()
        start, end = _span(con)
        posts = shares_sql.top_posts(con, start, end, [], 10, "archive", rollups=True)
        assert posts and posts[0].shares > 50 and all(p.text for p in posts)
        assert shares_sql.top_accounts(con, start, end, [], 10, "archive", rollups=True)
        assert shares_sql.bursts(con, 3600.0, 4, 2, 5, [], rollups=True)
        evidence = shares_sql.evidence(con, [], rollups=True)
        assert evidence.archive_shares > 0
    with Workspace.open(workspaces["search"]) as ws:
        con = ws.cursor()
        start, end = _span(con)
        # originals the archive does not hold: author and text from the rollup of their shares
        gone = [
            p
            for p in shares_sql.top_posts(con, start, end, [], 10, "collected", rollups=True)
            if not p.in_archive
        ]
        assert gone and all(p.author and p.text and p.retweets_collected for p in gone)


def _findings(ws: Workspace) -> tuple[bool, list]:
    ctx = Context.build(ws, ws.cursor(), Settings())
    assert ctx is not None
    found = [*amplification.find(ctx), *influence.find(ctx)]
    people = [a.key for a in accounts.automated(ctx)]
    return ctx.rolled, [
        (f.kind, f.time, f.subject, f.score, f.posts, {k: v.value for k, v in f.figures.items()})
        for f in found
    ] + people


def test_stale_rollups_of_a_read_only_workspace_give_the_same_findings(workspaces, tmp_path):
    path = tmp_path / "stale.duckdb"
    shutil.copy(workspaces["protest"], path)
    with Workspace.open(path) as ws:
        rolled, fresh = _findings(ws)
        assert rolled and fresh
        # made stale behind the app's back: the tables stay, the stamp says nothing
        rollup.invalidate(ws)
        for table in rollup_sql.TABLES:
            ws.cursor().execute(f"DELETE FROM {table}")
    with Workspace.open(path, read_only=True) as ws:
        rolled, stale = _findings(ws)
        assert not rolled
        assert stale == fresh


@pytest.mark.parametrize("name", ["protest", "mention_only", "search", "twitwi"])
def test_the_shares_of_many_ranges_are_those_of_each_range(workspaces, name):
    """The report asks for every phase and the wave (which overlaps them) in one query: each
    range's answer is the one it gets alone, a range asked twice included."""
    with Workspace.open(workspaces[name]) as ws:
        con = ws.cursor()
        start, end = _span(con)
        cuts = [start + (end - start) * f for f in (0, 0.2, 0.45, 0.7, 1)]
        ranges = [
            *pairwise(cuts),
            (cuts[1], cuts[3]),
            (cuts[0], cuts[1]),
            (start, end),
        ]
        excluded = _busiest_sharers(con, 2)
        for basis in ("archive", "collected"):
            for rollups in (True, False):
                posts = shares_sql.top_posts_of(con, ranges, excluded, 3, basis, rollups)
                people = shares_sql.top_accounts_of(con, ranges, excluded, 3, basis, rollups)
                assert len(posts) == len(people) == len(ranges)
                for (a, b), p, q in zip(ranges, posts, people, strict=True):
                    assert p == shares_sql.top_posts(con, a, b, excluded, 3, basis, rollups)
                    assert q == shares_sql.top_accounts(con, a, b, excluded, 3, basis, rollups)
        assert shares_sql.top_posts_of(con, [], excluded, 3, "archive") == []


def _sentiment_ranges(con) -> list[tuple[float | None, float | None]]:
    start, end = _span(con)
    cuts = [start + (end - start) * f for f in (0, 0.2, 0.45, 0.7, 1)]
    # open ends, a range asked twice, bounds inside a second (the rollup keeps exact times)
    return [(None, None), *pairwise(cuts), (cuts[1] + 0.5, cuts[3] + 0.25), (cuts[1] + 0.5, cuts[3] + 0.25)]


def test_the_sentiment_coverage_is_the_same_from_the_rollups(workspaces, tmp_path):
    """figures_of reads rollup_scope when the rollups are fresh and there is no filter, the
    posts otherwise (a stale read-only copy): the same figures, every range."""
    for name in ("protest", "mention_only", "search"):
        path = tmp_path / f"{name}.duckdb"
        shutil.copy(workspaces[name], path)
        with Workspace.open(path) as ws:
            con = ws.cursor()
            ranges = _sentiment_ranges(con)
            assert rollup.is_fresh(ws, con)
            fresh = figures_of(ws, ranges)
            assert fresh[0].coverage.posts == con.execute("SELECT count(*) FROM posts").fetchone()[0]
            rollup.invalidate(ws)
            for table in rollup_sql.TABLES:
                con.execute(f"DELETE FROM {table}")
        with Workspace.open(path, read_only=True) as ws:
            assert not rollup.is_fresh(ws)
            assert figures_of(ws, ranges) == fresh


def test_the_top_sharers_are_the_most_followed_then_the_earliest(workspaces):
    """A shared post's five top sharers, against a brute-force sort of its shares."""
    with Workspace.open(workspaces["protest"]) as ws:
        con = ws.cursor()
        start, end = _span(con)
        middle = (start + (end - start) * 0.3, start + (end - start) * 0.7)
        excluded = _busiest_sharers(con, 1)
        checked = 0
        for a, b in ((start, end), middle):
            for post in shares_sql.top_posts(con, a, b, excluded, 10, "archive", rollups=True):
                shares = con.execute(
                    "SELECT author_handle, post_id, author_followers, epoch(created_at) FROM posts "
                    "WHERE kind IN ('retweet', 'quote') AND platform = ? AND ref_post_id = ? "
                    "AND epoch(created_at) >= ? AND epoch(created_at) < ? "
                    "AND lower(author_handle) IS DISTINCT FROM lower(ref_author_handle) "
                    "AND NOT coalesce(list_contains(?, lower(author_handle)), false)",
                    [post.platform, post.post_id, a, b, excluded],
                ).fetchall()
                shares.sort(key=lambda r: (r[2] is None, -(r[2] or 0), r[3], r[1]))
                assert len(shares) == post.shares
                want = tuple(shares_sql.Sharer(h, i) for h, i, _, _ in shares[:5] if h)
                assert post.top_sharers == want
                checked += 1
        assert checked > 10


def test_the_sentiment_coverage_follows_an_import_at_once(workspaces, tmp_path):
    """Right after an import (rollups stale, the freshness check cached just before), the
    figures count the new posts; once the rollups are rebuilt they give the same."""
    path = tmp_path / "grows.duckdb"
    shutil.copy(workspaces["twarc"], path)
    with Workspace.open(path) as ws:
        before = figures_of(ws, [(None, None)])[0].coverage.posts
        assert rollup.is_fresh(ws, cached=True)
        assert all(r.ok for r in import_paths(ws, [FIXTURES / "python-twitter/get_search_raw.json"]))
        posts = ws.cursor().execute("SELECT count(*) FROM posts").fetchone()[0]
        assert posts > before
        assert not rollup.is_fresh(ws, cached=True)
        stale = figures_of(ws, [(None, None)])
        assert stale[0].coverage.posts == posts
        assert rollup.ensure(ws) is not None
        assert figures_of(ws, [(None, None)]) == stale


def test_a_link_list_holding_a_null_builds_and_matches_the_same(workspaces, tmp_path):
    """A post's list of links may hold a NULL (an entity without its URL): the URLs' rollup
    leaves it out, as the press's match always did."""
    path = tmp_path / "nulls.duckdb"
    shutil.copy(workspaces["twarc"], path)
    with Workspace.open(path) as ws:
        con = ws.cursor()
        con.execute("UPDATE posts SET urls = list_append(urls, NULL) WHERE len(urls) > 0")
        rollup.invalidate(ws)
        assert rollup.ensure(ws) is not None
        assert con.execute("SELECT count(*) FROM rollup_urls WHERE url IS NULL").fetchone()[0] == 0
        pattern = press_list.domains_pattern(["twitter.com"])
        assert both(press_sql.press_links, con, pattern)


@pytest.mark.parametrize("name", ["protest", "search", "twarc", "twitwi"])
def test_the_bursts_by_minute_are_those_counted_share_by_share(workspaces, name):
    """For slots of whole minutes the bursts count the shares per minute less those by
    excluded accounts: the same posts, shares and windows as counting every share, for
    several slots, excluded accounts (sharers and authors of shared posts) and thresholds."""
    with Workspace.open(workspaces[name]) as ws:
        con = ws.cursor()
        authors = [
            r[0]
            for r in con.execute(
                "SELECT lower(ref_author_handle) FROM posts WHERE ref_author_handle IS NOT NULL "
                "AND kind IN ('retweet', 'quote') GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 2"
            ).fetchall()
        ]
        posts = con.execute(
            "SELECT platform, ref_post_id FROM posts WHERE kind IN ('retweet', 'quote') AND ref_post_id IS NOT NULL "
            "GROUP BY ALL ORDER BY count(*) DESC, 1, 2 LIMIT 40"
        ).fetchall()
        compared = 0
        for excluded in ([], _busiest_sharers(con, 2), authors[:1], [*_busiest_sharers(con, 1), *authors]):
            for slot_ms in (60_000, 900_000, 3_600_000):
                for parts, minimum in ((4, 1), (2, 3)):
                    params = [
                        slot_ms,
                        [p for p, _ in posts],
                        [i for _, i in posts],
                        excluded,
                        parts - 1,
                        minimum,
                        25,
                    ]
                    for rollups in (True, False):
                        want = con.execute(
                            shares_sql._sources(shares_sql._BURSTS, rollups), params
                        ).fetchall()
                        got = con.execute(
                            shares_sql._sources(shares_sql._BURSTS_BY_MINUTE, rollups), params
                        ).fetchall()
                        assert got == want, (excluded, slot_ms, parts, minimum, rollups)
                        compared += len(want)
        assert compared > (100 if name == "protest" else 0)


def test_the_bursts_candidates_are_the_shares_counted_one_by_one(workspaces):
    """Each post's shares that count (not by its author, not by nor of an excluded account),
    from the posts shared and the few shares to take off, against a count share by share."""
    for name in ("protest", "search", "twarc"):
        with Workspace.open(workspaces[name]) as ws:
            con = ws.cursor()
            rows = con.execute(
                "SELECT platform, ref_post_id, lower(author_handle), lower(ref_author_handle) FROM posts "
                "WHERE kind IN ('retweet', 'quote') AND ref_post_id IS NOT NULL"
            ).fetchall()
            authors = sorted({r[3] for r in rows if r[3]})
            for excluded in (
                [],
                _busiest_sharers(con, 2),
                authors[:1],
                [*_busiest_sharers(con, 1), *authors[-2:]],
            ):
                counts: dict[tuple[str, str], int] = {}
                for platform, post, sharer, author in rows:
                    if sharer is not None and sharer == author:
                        continue
                    if sharer in excluded or author in excluded:
                        continue
                    counts[(platform, post)] = counts.get((platform, post), 0) + 1
                for minimum in (1, 3):
                    want = sorted(
                        ((p, i, n) for (p, i), n in counts.items() if n >= minimum),
                        key=lambda r: (-r[2], r[0], r[1]),
                    )
                    for rollups in (True, False):
                        totals = shares_sql.share_totals(con, excluded, minimum, rollups)
                        assert totals.candidates == want, (name, excluded, minimum, rollups)
                        # the shares taken off: all but those counted
                        assert totals.excluded == sum(
                            1 for _, _, sharer, author in rows if not (sharer and sharer == author)
                        ) - sum(counts.values())
                assert counts
