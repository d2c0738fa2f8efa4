"""Press pickup about the incident, the incident's terms, the international press list and
its per-workspace changes (in the core and through the ``press`` command).

Generated incidents (:mod:`tests.core.incident_factory`): ``protest`` (a magazine's account
posting about the incident before anyone links the press, a French paper posting in French,
a Spanish paper's retweet, an unrelated New York Times podcast link, a Reuters article
linked by six accounts), ``fast`` (a link to a news site's subdomain, a wire's account, an
old article dug up) and ``mention_only`` (no follower counts); and the bundled sample.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from app.cli import main as cli_main
from app.core import press_list, rollup
from app.core.analysis import influence, press, terms
from app.core.analysis.context import Context
from app.core.analysis.figures import NO_FOLLOWER_COUNTS
from app.core.analysis.settings import Settings
from app.core.errors import UserError
from app.core.ingest import import_paths
from app.core.model import Figure, Source
from app.core.sample import build_sample
from app.core.store import press_sql
from app.core.store.workspace import Workspace
from app.paths import sample_archive
from tests.core import incident_factory as factory
from tests.core import source_audit


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("press")
    return {
        "protest": factory.protest(folder),
        "fast": factory.fast_escalation(folder),
        "mention_only": factory.mention_only(folder),
    }


@pytest.fixture
def ctx_of(built, tmp_path):
    opened = []

    def make(name: str, copy: bool = False) -> Context:
        path = built[name].path
        if copy:
            path = tmp_path / f"{name}-copy.duckdb"
            shutil.copy(built[name].path, path)
        ws = Workspace.open(path)
        opened.append(ws)
        ctx = Context.build(ws, ws.cursor(), Settings())
        assert ctx is not None
        return ctx

    yield make
    for ws in opened:
        ws.close()


def audit(ctx: Context, findings) -> None:
    posts = source_audit.Posts(ctx.con)
    for i, f in enumerate(findings):
        source_audit.check_all(ctx.con, dict(f.figures), f"{f.kind}[{i}]", posts)


def by_outlet(found):
    return {f.subject: f for f in found}


# ---- the incident's terms -------------------------------------------------------------------


def test_terms_of_a_hashtag_protest(ctx_of):
    ctx = ctx_of("protest")
    t = terms.of(ctx)
    assert t.hashtags[0].text == "boycottacme" and t.hashtags[0].written == "BoycottAcme"
    assert t.handles[0].text == "acmebank" and t.handles[0].brand
    assert {"boycottacme", "acmebank"} <= t.keywords
    total = t.accounts.value
    assert all(h.accounts.value >= 0.05 * total for h in t.hashtags)
    posts = source_audit.Posts(ctx.con)
    for x in (*t.hashtags, *t.handles, t):
        fig = x.accounts
        source_audit.check(ctx.con, fig, posts, f"term {getattr(x, 'text', 'accounts')}")


def test_the_most_mentioned_and_the_handles_asked_come_from_one_pass(tmp_path):
    """``term_uses`` lists the most used terms above a floor and, in the same pass, the handles
    asked by name however little used (a retweet is no use of its own)."""
    uses = {"big": 10, "mid": 5, "Small": 3, "rare": 1, "Tie": 2}
    lines, i = [], 0
    for term, n in uses.items():
        for a in range(n):
            i += 1
            written = term.lower() if (term in ("Small", "Tie") and a == 0) else term
            lines.append(_mentioning(i, f"u{a}", written))
    i += 1
    lines.append(_mentioning(i, "u7", "rare", retweet=True))
    (tmp_path / "m.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Workspace.open(tmp_path / "m.duckdb", create=True) as ws:
        assert all(r.ok for r in import_paths(ws, [tmp_path / "m.jsonl"]))
        assert rollup.ensure(ws) is not None
        con = ws.cursor()
        got = press_sql.term_uses(con, "mentions", 3, 2, also=["RARE", "nobody_uses_this", "mid"])
        assert [(u.term, u.accounts, u.in_top) for u in got] == [
            ("big", 10, True),
            ("mid", 5, True),
            ("rare", 1, False),
        ]
        for rollups in (False, True):
            assert press_sql.term_uses(con, "mentions", 2, 5, rollups=rollups) == [
                press_sql.TermUse("big", "big", 10),
                press_sql.TermUse("mid", "mid", 5),
                press_sql.TermUse("small", "Small", 3),
                # written "tie" once and "Tie" once: the first in byte order
                press_sql.TermUse("tie", "Tie", 2),
            ]


def _mentioning(i: int, handle: str, term: str, retweet: bool = False) -> str:
    s = {
        "created_at": "Mon Nov 08 12:00:00 +0000 2021",
        "id_str": str(5000 + i),
        "text": f"hello @{term}",
        "user": {"id_str": str(100 + int(handle[1:])), "screen_name": handle, "followers_count": 3},
        "entities": {"hashtags": [], "user_mentions": [{"screen_name": term}], "urls": []},
    }
    if retweet:
        s["retweeted_status"] = {**s, "id_str": "4999", "user": {"id_str": "99", "screen_name": "orig"}}
        s["text"] = "RT @orig: " + s["text"]
    return json.dumps(s)


def _terms(hashtags=(), handles=(), extra=()) -> terms.IncidentTerms:
    def term(text, kind):
        return terms.Term(
            text, text, kind, Figure(1, "count", "accounts", "", Source.of("constant", value=1))
        )

    words = [*hashtags, *handles, *extra]
    return terms.IncidentTerms(
        tuple(term(h, "hashtag") for h in hashtags),
        tuple(term(h, "handle") for h in handles),
        frozenset(terms.keyword(w) for w in words),
        Figure(10, "count", "accounts", "", Source.of("constant", value=10)),
    )


@pytest.mark.parametrize(
    ("text", "hashtags", "mentions", "expected"),
    [
        ("Customers call for a boycott", ("BoycottAcme",), (), ("hashtag", "boycottacme")),
        ("Thanks @ACMEBANK for nothing", (), ("ACMEBANK",), ("mention", "acmebank")),
        ("Acme Bank customers locked out of accounts", (), (), ("keyword", "acmebank")),
        ("acme-bank customers", (), (), ("keyword", "acmebank")),
        ("JPMorgan's Twitter Q&A backfires", (), (), ("keyword", "jpmorgan")),
        ("The #AskJPM hashtag, written in the text", (), (), ("keyword", "askjpm")),
        ("Markets close higher on Friday", (), (), None),
        ("Acme acquires a bank in Ohio", (), (), None),  # the words, but not together
        ("ジェイピーモルガンが炎上", (), (), ("keyword", "ジェイピーモルガン")),  # no spaces between words
        ("See https://example.com/jpmorgan-news", (), (), None),  # a link's address is not its text
    ],
)
def test_about_the_incident(text, hashtags, mentions, expected):
    t = _terms(
        hashtags=("boycottacme", "askjpm"), handles=("acmebank", "jpmorgan"), extra=("ジェイピーモルガン",)
    )
    assert t.about(text, hashtags, mentions) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.huffingtonpost.com/2013/11/13/jpmorgan-twitter-askjpm_n_4271334.html", "askjpm"),
        (
            "http://dealbook.nytimes.com/2013/11/13/jpmorgans-twitter-outreach-meets-a-chorus-of-critics/",
            "jpmorgan",
        ),
        ("https://www.reuters.com/business/finance/acme-bank-boycott-grows-2021-10-05/", "acmebank"),
        ("https://www.nytimes.com/2021/10/05/podcasts/the-daily/supply-chain-shortages.html", None),
        ("https://jpmorgan.example.com/careers", None),  # the host is not the slug
        ("http://www.cnbc.com/id/101197421", None),
    ],
)
def test_about_the_incident_by_address(url, expected):
    t = _terms(hashtags=("askjpm",), handles=("acmebank", "jpmorgan"))
    got = t.about_url(url)
    assert (got[1] if got else None) == expected


# ---- press pickup ---------------------------------------------------------------------------


def test_protest_press_pickup_is_about_the_incident(built, ctx_of):
    inc, ctx = built["protest"], ctx_of("protest")
    found = press.find(ctx)
    outlets = by_outlet(found)
    first = [f for f in found if "first_overall" in f.flags]
    # the magazine's own post, 5 hours before the first link, not the unrelated podcast link
    assert len(first) == 1 and first[0].subject == "Newsweek"
    assert first[0].time == inc.planted["magazine"] and first[0].detail["via"] == "account"
    assert first[0].detail["about"] == "hashtag" and first[0].detail["country"] == "US"
    assert "The New York Times" not in outlets
    assert all(f.time > inc.planted["unrelated_link"] for f in found)
    monde = outlets["Le Monde"]
    assert monde.time == inc.planted["foreign_press"] and monde.detail["country"] == "FR"
    assert monde.figures["followers"].value == 9_000_000
    pais = outlets["El País"]
    assert pais.detail["post_kind"] == "retweet" and pais.time == inc.planted["press_retweet"]
    reuters = outlets["Reuters"]
    assert reuters.detail["via"] == "link" and reuters.detail["about"] == "url"
    assert reuters.figures["link_accounts"].value == 6 and reuters.time == inc.planted["press_link"]
    assert [f.time for f in found] == sorted(f.time for f in found)
    audit(ctx, found)
    # the press is press, not an influencer
    assert not {"@newsweek", "@lemondefr", "@el_pais"} & {f.subject for f in influence.find(ctx)}


def test_workspace_changes_to_the_press_list_are_used(built, ctx_of):
    inc, ctx = built["protest"], ctx_of("protest", copy=True)
    press_list.remove_account(ctx.ws, "LeMondeFR")
    press_list.add_account(ctx.ws, "@podcast_pat", "Pat's Podcast")
    ctx = Context.build(ctx.ws, ctx.ws.cursor(), Settings())
    outlets = by_outlet(press.find(ctx))
    assert "Le Monde" not in outlets
    pat = outlets["Pat's Podcast"]
    assert pat.time == inc.planted["unrelated_link"] and "first_overall" in pat.flags
    assert pat.detail["country"] == "" and pat.detail["about"] == "hashtag"


def test_fast_escalation_press(built, ctx_of):
    inc, ctx = built["fast"], ctx_of("fast")
    found = press.find(ctx)
    outlets = by_outlet(found)
    first = [f for f in found if "first_overall" in f.flags]
    assert len(first) == 1 and first[0].time == inc.planted["press_link"]
    assert first[0].subject == inc.facts["press_link_outlet"]  # the subdomain's own entry
    assert first[0].figures["link_accounts"].value == 5
    wire = outlets["Reuters"]
    assert wire.time == inc.planted["press_account"] and wire.detail["via"] == "account"
    assert wire.detail["about"] == "keyword"  # "Acme Bank" in its text
    assert inc.facts["old_article_outlet"] not in outlets  # dug up, not coverage
    audit(ctx, found)


def test_press_without_follower_counts(ctx_of):
    ctx = ctx_of("mention_only")
    found = press.find(ctx)
    ft = by_outlet(found)["Financial Times"]
    assert ft.figures["followers"].value is None and ft.figures["followers"].unknown == NO_FOLLOWER_COUNTS
    assert ft.detail["about"] == "mention"
    audit(ctx, found)


def test_sample_press_followers_and_shares(tmp_path):
    path = tmp_path / "askjpm.duckdb"
    build_sample(path, sample_archive())
    from app.core.analysis import accounts, amplification

    with Workspace.open(path) as ws:
        ctx = Context.build(ws, ws.cursor(), Settings())
        # one account, four snapshots of its follower count: one figure, the highest
        seen = ctx.con.execute(
            "SELECT DISTINCT author_followers FROM posts WHERE author_handle = 'OccupyWallSt'"
        ).fetchall()
        assert len(seen) > 1
        ows = accounts.followers(ctx, [("twitter", "OccupyWallSt")])[("twitter", "OccupyWallSt")]
        assert ows.value == max(v for (v,) in seen)
        posts = amplification.most_shared_posts(ctx, limit=3).posts
        assert posts[0].author == "jpmorgan" and posts[0].role == "brand"
        # the stream holds every retweet of the cancellation: both kinds of evidence agree
        retweets = posts[0].figures["retweets"].value
        assert retweets > 1000 and retweets == posts[0].figures["shares_collected"].value
        people = amplification.accounts_by_shares(ctx, limit=3).accounts
        assert {a.key for a in people} >= {"occupywallst"}
        occupy = next(a for a in people if a.key == "occupywallst")
        assert occupy.figures["followers"].value == ows.value
        found = by_outlet(press.find(ctx))
        huff = found["The Huffington Post"]
        first_story = ctx.con.execute(
            "SELECT min(epoch(created_at)) FROM posts WHERE author_handle = 'HuffingtonPost'"
        ).fetchone()[0]
        assert huff.detail["via"] == "account" and huff.time == first_story  # Wed 11-13 18:02 EST
        assert {"Financial Times", "Bloomberg", "CNBC", "DealBook (The New York Times)", "Mashable"} <= set(
            found
        )
        audit(ctx, found.values())


# ---- the bundled press list -----------------------------------------------------------------


def test_bundled_press_list_is_international():
    press_data = press_list.load()
    outlets = press_data.outlets.values()
    countries = {o.country for o in outlets}
    assert len(countries) >= 60 and "INT" in countries
    for code in (
        "US",
        "GB",
        "FR",
        "DE",
        "ES",
        "IT",
        "BR",
        "MX",
        "IN",
        "JP",
        "KR",
        "CN",
        "ZA",
        "NG",
        "AU",
        "CA",
        "TR",
        "AE",
    ):
        assert code in countries, code
    assert {o.kind for o in outlets} == {
        "wire",
        "broadcaster",
        "newspaper",
        "magazine",
        "business",
        "online",
        "trade",
    }
    # every country listed has more than one kind of outlet or a broadcaster, not one odd site
    assert press_data.accounts["reuters"] == "Reuters" and press_data.domains["ft.com"] == "Financial Times"
    assert (
        press_data.accounts["lemondefr"] == "Le Monde" and press_data.accounts["derspiegel"] == "Der Spiegel"
    )
    assert (
        press_data.domains["folha.uol.com.br"] == "Folha de S.Paulo"
        and press_data.domains["nhk.or.jp"] == "NHK"
    )
    raw = json.loads(press_list.bundled_path().read_text(encoding="utf-8"))
    handles = [h for o in raw["outlets"] for h in o["accounts"]]
    domains = [d for o in raw["outlets"] for d in o["domains"]]
    assert len(handles) == len(set(handles)) and len(domains) == len(set(domains))
    assert all(h == press_list.check_account(h) for h in handles)
    assert all(d == press_list.check_domain(d) for d in domains)


def test_press_list_flat_form(tmp_path):
    path = tmp_path / "press.json"
    path.write_text(
        json.dumps({"accounts": {"@LocalNews": "Local News"}, "domains": ["https://www.local.example/x"]})
    )
    p = press_list.load(path)
    assert p.accounts == {"localnews": "Local News"} and p.domains == {"local.example": "local.example"}
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    with pytest.raises(UserError):
        press_list.load(bad)


def test_workspace_press_list_changes(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb", create=True) as ws:
        base = press_list.for_workspace(ws)
        assert base.accounts == press_list.load().accounts
        e = press_list.add_account(ws, "@Local_Paper", "Local Paper")
        assert (e.key, e.origin) == ("local_paper", "added")
        press_list.add_domain(ws, "https://www.LocalPaper.example/news", "Local Paper")
        press_list.remove_account(ws, "REUTERS")
        current = press_list.for_workspace(ws)
        assert (
            current.accounts["local_paper"] == "Local Paper"
            and current.domains["localpaper.example"] == "Local Paper"
        )
        assert "reuters" not in current.accounts and "reuters.com" in current.domains
        listed = {(x.what, x.key): x for x in press_list.entries(ws)}
        assert listed[("account", "reuters")].removed and listed[("account", "local_paper")].origin == "added"
        # removing an addition forgets it; removing what is not there says so
        press_list.remove_account(ws, "local_paper")
        assert "local_paper" not in press_list.for_workspace(ws).accounts
        with pytest.raises(UserError):
            press_list.remove_account(ws, "nobody_at_all")
        with pytest.raises(UserError):
            press_list.add_domain(ws, "not a domain")
        # adding a bundled entry back restores it
        press_list.add_account(ws, "reuters", "Reuters")
        assert press_list.for_workspace(ws).accounts["reuters"] == "Reuters"
        press_list.reset(ws)
        assert press_list.for_workspace(ws).accounts == base.accounts
        # a damaged setting leaves the bundled list in force
        ws.set_setting(press_list.SETTING, "{broken")
        assert press_list.for_workspace(ws).accounts == base.accounts


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.reuters.com/article/x", "reuters.com"),
        ("http://jp.reuters.com/article/2013/11/14/x", "reuters.com"),
        ("http://dealbook.nytimes.com/2013/11/13/x/", "dealbook.nytimes.com"),
        ("https://www.nytimes.com/2013/x", "nytimes.com"),
        ("https://www.elpais.com.uy/x", "elpais.com.uy"),
        ("https://elpais.com/x", "elpais.com"),
        ("https://notreuters.com/x", None),
        ("https://reuters.com.evil.example/x", None),
    ],
)
def test_press_domains_match_hosts_and_subdomains(url, domain):
    import re

    pattern = press_list.domains_pattern(press_list.load().domains)
    m = re.match(pattern, url)
    assert (m.group(1).lower() if m else None) == domain


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.bloomberg.com/news/2013-09-19/jpmorgan-to-pay.html", date(2013, 9, 19)),
        ("https://www.reuters.com/business/acme-bank-2021-10-06/", date(2021, 10, 6)),
        ("http://dealbook.nytimes.com/2013/11/13/x/", date(2013, 11, 13)),
        ("http://nymag.com/daily/intelligencer/2013/11/x.html", date(2013, 11, 30)),
        ("http://www.cnbc.com/id/101197421", None),
    ],
)
def test_url_dates(url, expected):
    assert press_list.url_date(url) == expected


# ---- the press command ----------------------------------------------------------------------


def test_press_command(tmp_path, capsys):
    path = tmp_path / "ws.duckdb"
    Workspace.open(path, create=True).close()
    ws = str(path)
    assert cli_main(["press", "list", ws, "--search", "le monde"]) == 0
    out = capsys.readouterr().out
    assert "@lemondefr" in out and "lemonde.fr" in out
    assert (
        cli_main(
            [
                "press",
                "add",
                ws,
                "--account",
                "@Local_Paper",
                "--domain",
                "localpaper.example",
                "--outlet",
                "Local Paper",
            ]
        )
        == 0
    )
    assert "Counted as press: @local_paper (Local Paper)" in capsys.readouterr().out
    assert cli_main(["press", "remove", ws, "--account", "lemondefr", "--account", "nobody_at_all"]) == 1
    assert "nothing was changed" in capsys.readouterr().err
    assert cli_main(["press", "remove", ws, "--account", "lemondefr"]) == 0
    capsys.readouterr()
    assert cli_main(["press", "list", ws, "--changes", "--json"]) == 0
    changes = {(e["key"], e["origin"], e["removed"]) for e in json.loads(capsys.readouterr().out)}
    assert changes == {
        ("local_paper", "added", False),
        ("localpaper.example", "added", False),
        ("lemondefr", "bundled", True),
    }
    assert cli_main(["press", "add", ws, "--domain", "not a domain"]) == 1
    assert "is not a web domain" in capsys.readouterr().err
    assert cli_main(["press", "add", ws]) == 1
    assert cli_main(["press", "reset", ws]) == 0
    capsys.readouterr()
    assert cli_main(["press", "list", ws, "--changes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_press_command_on_a_missing_workspace(tmp_path, capsys):
    assert cli_main(["press", "list", str(tmp_path / "none.duckdb")]) == 1
    assert "no workspace" in capsys.readouterr().err.lower()


def test_press_list_in_a_path(tmp_path):
    # Settings.press_list points at another file: the detector uses it
    alt = Path(tmp_path / "press.json")
    alt.write_text(json.dumps({"outlets": [{"name": "Only", "accounts": ["only_news"], "domains": []}]}))
    p = press_list.load(alt)
    assert p.accounts == {"only_news": "Only"} and p.outlets["Only"].country == ""
