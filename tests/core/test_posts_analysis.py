"""The post- and account-based analysis on generated incidents and real archives: automated
accounts, the followers rule, shares on the archive's or the collected evidence, influence,
and the brand's side.

The incidents (:mod:`tests.core.incident_factory`) are imported with the real importer:
``protest`` (a hashtag protest with a retweet bot, a thread unroller, a spammer, a prolific
poster and a viral post), ``mention_only`` (collected by mention of the brand: no follower
counts, no retweets, counts as collected, the brand's posts missing) and ``fast`` (the brand
posting daily and answering). Every figure of every result is recomputed from its Source by
:mod:`tests.core.source_audit`.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.core.analysis import accounts, amplification, brand, influence
from app.core.analysis.context import Context
from app.core.analysis.figures import NO_FOLLOWER_COUNTS
from app.core.analysis.settings import Settings
from app.core.ingest import import_paths
from app.core.model import Figure, Finding
from app.core.store.workspace import Workspace
from tests.core import incident_factory as factory
from tests.core import source_audit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MIN = 60


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("posts")
    return {
        "protest": factory.protest(folder),
        "mention_only": factory.mention_only(folder),
        "fast": factory.fast_escalation(folder),
    }


@pytest.fixture
def ctx_of(built):
    opened = []

    def make(name: str, settings: Settings | None = None, path: Path | None = None) -> Context:
        ws = Workspace.open(path or built[name].path)
        opened.append(ws)
        ctx = Context.build(ws, ws.cursor(), settings or Settings())
        assert ctx is not None
        return ctx

    yield make
    for ws in opened:
        ws.close()


def rise(t: float, score: float = 0.9, flags=frozenset()) -> Finding:
    """A volume rise as the volume detector reports one (the brand's latency is measured
    from the other detectors' findings)."""
    return Finding(
        "volume_change", t, None, score, "rise", detail={"direction": "rise"}, flags=frozenset(flags)
    )


def figures_of(thing) -> dict[str, Figure]:
    return dict(getattr(thing, "figures", {}) or {})


def audit(ctx: Context, items, where: str) -> int:
    """Recompute every figure of ``items`` (results or findings) from its Source."""
    posts = source_audit.Posts(ctx.con)
    n = 0
    for i, item in enumerate(items):
        n += source_audit.check_all(ctx.con, figures_of(item), f"{where}[{i}]", posts)
    return n


def every_figure(ctx: Context, extra: list[Finding] = ()) -> list[tuple[str, Figure]]:
    out: list[tuple[str, Figure]] = []
    for a in accounts.automated(ctx):
        out += [(f"automated.{k}", f) for k, f in a.figures.items()]
    for p in amplification.most_shared_posts(ctx, limit=10).posts:
        out += [(f"post.{k}", f) for k, f in p.figures.items()]
    for a in amplification.accounts_by_shares(ctx, limit=10).accounts:
        out += [(f"account.{k}", f) for k, f in a.figures.items()]
    for f in [*amplification.find(ctx), *influence.find(ctx), *extra]:
        out += [(f"{f.kind}.{k}", x) for k, x in f.figures.items()]
    return out


# ---- automated accounts ---------------------------------------------------------------------


def test_automated_accounts_are_recognised_by_list_and_signals(built, ctx_of):
    inc, ctx = built["protest"], ctx_of("protest")
    found = {a.key: a for a in accounts.automated(ctx)}
    bot = found[inc.facts["bot"]]
    assert "inhuman_rate" in bot.reasons and not bot.listed and bot.category == ""
    assert bot.figures["busiest"].value >= 100 and bot.figures["retweets"].value == inc.facts["bot_retweets"]
    assert bot.figures["window_seconds"].value == 3600
    unroller = found[inc.facts["unroller"]]
    assert unroller.listed and unroller.category == "thread unroller" and unroller.reasons[0] == "listed"
    assert {"instant_replies", "replies_only"} <= set(unroller.reasons)
    assert unroller.figures["reply_delay"].value <= 15 and unroller.detail["note"]
    spam = found[inc.facts["spammer"]]
    assert spam.reasons == ("repeated_text",)
    assert spam.figures["repeated_posts"].value == 25 and spam.detail["repeated_text"].startswith(
        "Get cheap loans"
    )
    # people, the brand and the press are not automated, however busy or followed
    for h in (
        "acmebank",
        "newsweek",
        "lemondefr",
        "el_pais",
        inc.facts["prolific"],
        "user00000",
        "angry_ann",
    ):
        assert h not in found, h
    assert audit(ctx, found.values(), "automated") > 20


def test_automated_signals_follow_their_settings(ctx_of, built):
    inc = built["protest"]
    strict = ctx_of("protest", Settings(automated_rate_posts=1000, automated_min_repeats=100))
    keys = {a.key for a in accounts.automated(strict)}
    assert inc.facts["bot"] not in keys and inc.facts["spammer"] not in keys
    assert inc.facts["unroller"] in keys  # listed, whatever the thresholds


def _edges(ctx: Context) -> list[Settings]:
    """Settings with one signal in reach and its thresholds exactly on an account's measures
    (so that an account sits on each edge with nothing else to keep it), the defaults, low
    thresholds that many accounts pass or nearly pass, and none in reach (the names alone)."""
    never = 10**9
    none = Settings(
        automated_min_repeats=never, automated_rate_posts=never, automated_min_timed_replies=never
    )
    low = Settings(
        automated_min_posts=2,
        automated_min_repeats=2,
        automated_repeat_share=0.3,
        automated_rate_posts=3,
        automated_min_timed_replies=1,
        automated_reply_seconds=60.0,
    )
    out = [Settings(), low, none]
    measured = q_activity(
        ctx, dataclasses.replace(accounts.thresholds(low), repeat_share=None, reply_seconds=None)
    )
    for a in measured:
        own = a.posts - a.retweets
        if a.top_text_posts >= 2 and own:
            out.append(
                dataclasses.replace(
                    none,
                    automated_min_repeats=a.top_text_posts,
                    automated_repeat_share=a.top_text_posts / own,
                )
            )
        if a.timed_replies and a.reply_delay_median is not None:
            out.append(
                dataclasses.replace(
                    none,
                    automated_min_timed_replies=a.timed_replies,
                    automated_reply_seconds=a.reply_delay_median,
                )
            )
        if a.busiest >= 2:
            out.append(dataclasses.replace(none, automated_rate_posts=a.busiest))
    return out[:60]


def q_activity(ctx: Context, at, rollups: bool = False) -> list:
    listed = accounts.load_list(ctx.settings.automated_list)
    return accounts.q.activity(ctx.con, at, sorted(listed), rollups=rollups)


@pytest.mark.parametrize("name", ["protest", "mention_only", "fast"])
def test_the_activity_query_keeps_every_account_a_decisive_reason_may_hold_for(ctx_of, name):
    """The query leaves out, in SQL, the candidates no reason enough on its own can hold for:
    checked against every candidate measured and judged by the analysis's own reasons,
    with thresholds that accounts sit exactly on."""
    left_out = decisive = 0
    for settings in _edges(ctx_of(name)):
        ctx = ctx_of(name, settings)
        at = accounts.thresholds(settings)
        listed = accounts.load_list(settings.automated_list)
        for rollups in (False, True):
            every = q_activity(ctx, dataclasses.replace(at, repeat_share=None, reply_seconds=None), rollups)
            kept = q_activity(ctx, at, rollups)
            assert kept == [a for a in every if a in kept]  # the same rows, in the same order
            held = [
                a
                for a in every
                if accounts.DECISIVE & set(accounts._reasons(ctx, a, listed.get(a.handle_key)))
            ]
            assert set(held) <= set(kept)
            left_out += len(every) - len(kept)
            decisive += len(held)
    assert left_out and decisive


def test_a_damaged_automated_list_leaves_the_signals(tmp_path, ctx_of, built):
    bad = tmp_path / "list.json"
    bad.write_text("{not json", encoding="utf-8")
    assert accounts.load_list(str(bad)) == {}
    ctx = ctx_of("protest", Settings(automated_list=str(bad)))
    keys = {a.key for a in accounts.automated(ctx)}
    assert built["protest"].facts["bot"] in keys and "threadreaderapp" in keys  # instant replies still tell


def test_bundled_automated_list():
    listed = accounts.load_list()
    assert "threadreaderapp" in listed and listed["threadreaderapp"].category == "thread unroller"
    assert all(h == h.lower() and not h.startswith("@") and a.note for h, a in listed.items())


# ---- the followers rule ---------------------------------------------------------------------


def test_followers_are_the_highest_count_seen_everywhere(built, ctx_of):
    inc, ctx = built["protest"], ctx_of("protest")
    larry = inc.facts["prolific"]
    counts = {
        r[0]
        for r in ctx.con.execute(
            "SELECT author_followers FROM posts WHERE author_handle = ?", [larry]
        ).fetchall()
    }
    assert len(counts) == inc.facts["prolific_posts"]  # a different count on every post
    f = accounts.followers(ctx, [("twitter", larry)])[("twitter", larry)]
    assert f.value == inc.facts["prolific_followers"] == max(counts)
    entry = [x for x in influence.find(ctx) if x.subject == f"@{larry}"]
    assert len(entry) == 1 and entry[0].figures["followers"].value == f.value
    # exposure is followers once per post: a figure of its own, never the account's followers
    e = entry[0].figures
    assert e["posts_in_window"].value > 1 and e["exposure"].value > e["followers"].value
    assert e["exposure"].source.query == "exposure" and e["followers"].source.query == "followers"
    # the window's older "top amplifiers" print the same count, from his first posts' range too
    from app.core import metrics

    early = inc.planted["prolific"]
    amps = metrics.top_amplifiers(ctx.ws, early, early + 1800, limit=50, con=ctx.con)
    assert next(a for a in amps if a.author_handle == larry).followers == f.value


def test_no_follower_counts_means_every_followers_figure_is_unknown(built, ctx_of):
    ctx = ctx_of("mention_only")
    coverage = accounts.follower_coverage(ctx)
    assert not coverage.any and coverage.posts_with_followers.value == 0 and coverage.share.value == 0
    assert influence.find(ctx) == []  # nothing can be called influential
    seen = 0
    for name, f in every_figure(ctx):
        if f.noun == "followers":
            seen += 1
            assert f.value is None, name
            assert f.unknown, name
        assert not (f.noun == "followers" and f.value == 0), name
    assert seen >= 10
    f = accounts.followers(ctx, [("twitter", "irate_ivy")])[("twitter", "irate_ivy")]
    assert f.unknown == NO_FOLLOWER_COUNTS
    c = accounts.follower_coverage(ctx)
    audit(ctx, [SimpleNamespace(figures=vars(c))], "coverage")


def test_share_evidence_figures_recompute(ctx_of):
    for name in ("protest", "mention_only"):
        ctx = ctx_of(name)
        ev = amplification.evidence(ctx)
        figures = {k: v for k, v in vars(ev).items() if isinstance(v, Figure)}
        assert len(figures) == 4
        audit(ctx, [SimpleNamespace(figures=figures)], f"{name} evidence")


def test_every_source_the_analysis_emits_is_catalogued():
    """The claims audit recomputes figures from their Sources: each query must be one the
    catalogue describes (and this module's independent audit knows)."""
    import ast

    from app.core.model import SOURCE_QUERIES

    root = Path(__file__).resolve().parents[2] / "app" / "core" / "analysis"
    used, mine = set(), set()
    ours = {"accounts", "amplification", "brand", "figures", "influence", "press", "terms"}
    for path in root.glob("*.py"):
        found = mine if path.stem in ours else used
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "of"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "Source"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    assert {"followers", "shares_in_archive", "shares_collected", "references"} <= mine
    assert used | mine <= set(SOURCE_QUERIES), (used | mine) - set(SOURCE_QUERIES)
    assert mine <= set(source_audit.QUERIES), mine - set(source_audit.QUERIES)


def test_followers_unknown_reasons(ctx_of):
    ctx = ctx_of("protest")
    got = accounts.followers(ctx, [("twitter", "nobody_here"), ("twitter", "AngRy_Ann")])
    assert got[("twitter", "nobody_here")].value is None
    assert "no post of its own" in got[("twitter", "nobody_here")].unknown
    assert got[("twitter", "AngRy_Ann")].value == 800  # handles compare without case


# ---- shares: on the archive's evidence ------------------------------------------------------


def test_archive_evidence_most_shared_posts_and_accounts(built, ctx_of):
    inc, ctx = built["protest"], ctx_of("protest")
    ev = amplification.evidence(ctx)
    assert ev.basis == "archive" and ev.archive_shares.value > 300
    assert not ev.completeness.known and ev.completeness.unknown  # no counts were collected
    posts = amplification.most_shared_posts(ctx, limit=5)
    top = posts.posts[0]
    assert top.author == inc.facts["viral_author"] and top.post_id == inc.facts["viral_post"]
    # 300 planted retweets and @el_pais's: a press account's retweet is a share too
    assert top.figures["shares"].value == inc.facts["viral_shares"] + 1
    assert top.figures["shares"].note == amplification.ARCHIVE_NOTE
    assert not top.figures["shares_collected"].known  # the generator recorded no counts
    assert all(p.author not in (inc.facts["bot_target"], inc.facts["bot"]) for p in posts.posts)
    people = amplification.accounts_by_shares(ctx, limit=5)
    assert people.accounts[0].handle == inc.facts["viral_author"]
    shown = {a.key for a in people.accounts}
    # the bot's 450 retweets do not make @fav_fred the most shared, and the bot is no amplifier
    assert inc.facts["bot"] not in shown and inc.facts["bot_target"] not in shown
    assert inc.facts["prolific"] not in shown  # posting a lot is not being shared
    ann = people.accounts[0].figures
    assert ann["followers"].value == 800 and ann["posts"].value == 1 and ann["exposure"].value == 800
    assert ann["share_exposure"].value > ann["followers"].value
    assert audit(ctx, [*posts.posts, *people.accounts], "archive") > 30


def test_shares_are_counted_within_the_range_asked(built, ctx_of):
    inc, ctx = built["protest"], ctx_of("protest")
    a, b = inc.planted["viral"], inc.planted["viral"] + 10 * MIN
    in_range = ctx.con.execute(
        "SELECT count(*) FROM posts WHERE ref_post_id = ? AND kind = 'retweet' AND created_at >= to_timestamp(?)::TIMESTAMP "
        "AND created_at < to_timestamp(?)::TIMESTAMP",
        [inc.facts["viral_post"], a, b],
    ).fetchone()[0]
    posts_in_range = ctx.con.execute(
        "SELECT count(*) FROM posts WHERE created_at >= to_timestamp(?)::TIMESTAMP AND created_at < to_timestamp(?)::TIMESTAMP",
        [a, b],
    ).fetchone()[0]
    people = amplification.accounts_by_shares(ctx, a, b, limit=3)
    ann = people.accounts[0]
    assert ann.handle == inc.facts["viral_author"]
    assert ann.figures["shares"].value == in_range < inc.facts["viral_shares"]
    assert ann.figures["shares"].value <= posts_in_range
    top = amplification.most_shared_posts(ctx, a, b, limit=1).posts[0]
    assert top.figures["shares"].value == in_range
    assert top.figures["shares"].source.get("start") == a and top.figures["shares"].source.get("end") == b
    audit(ctx, [*people.accounts, top], "range")


def test_amplification_findings_leave_the_bot_out(built, ctx_of):
    inc, ctx = built["protest"], ctx_of("protest")
    found = amplification.find(ctx)
    assert [f.subject for f in found] == [inc.facts["viral_post"]]
    f = found[0]
    assert abs(f.time - inc.planted["viral"]) < 5 * MIN and f.end > f.time
    assert (
        f.figures["shares"].value >= 200 and f.figures["shares_total"].value == inc.facts["viral_shares"] + 1
    )
    assert f.detail["author"] == inc.facts["viral_author"] and f.detail["basis"] == "archive"
    assert inc.facts["bot"] not in {h.lower() for h in f.accounts}
    assert 0 < f.figures["share_of_posts"].value <= 1
    audit(ctx, found, "amplification")
    # with a low bar @fav_fred's posts would burst on the bot's retweets: they must not
    low = ctx_of("protest", Settings(amplification_min_shares=10, amplification_max=50))
    subjects = {x.detail["author"] for x in amplification.find(low)}
    assert inc.facts["bot_target"] not in subjects and inc.facts["bot"] not in subjects


# ---- shares: on the counts as collected -----------------------------------------------------


def test_collected_evidence_when_the_archive_holds_no_retweets(built, ctx_of):
    inc, ctx = built["mention_only"], ctx_of("mention_only")
    ev = amplification.evidence(ctx)
    assert ev.basis == "collected" and ev.archive_shares.value == 0 and ev.completeness.value == 0
    posts = amplification.most_shared_posts(ctx, limit=3)
    top = posts.posts[0]
    assert top.author == inc.facts["complaint_author"]
    assert top.figures["shares"].value == inc.facts["complaint_shares"]
    assert top.figures["shares"].note == amplification.COLLECTED_NOTE
    assert (
        top.figures["shares_in_archive"].value == 0
        and top.figures["shares_in_archive"].note == amplification.ARCHIVE_NOTE
    )
    people = amplification.accounts_by_shares(ctx, limit=3)
    assert people.accounts[0].handle == inc.facts["complaint_author"]
    assert people.accounts[0].figures["shares"].note == amplification.COLLECTED_NOTE
    assert not people.accounts[0].figures["exposure"].known  # unknown, not 0
    found = amplification.find(ctx)
    assert found and found[0].detail["author"] == inc.facts["complaint_author"]
    assert "collected_counts" in found[0].flags and found[0].time == inc.planted["complaint"]
    assert (
        found[0].figures["retweets_collected"].value == 480
        and found[0].figures["quotes_collected"].value == 35
    )
    audit(ctx, [*posts.posts, *people.accounts, *found], "collected")


def _fixture_ws(tmp_path: Path, *files: str) -> Workspace:
    ws = Workspace.open(tmp_path / "fixture.duckdb", create=True)
    reports = import_paths(ws, [FIXTURES / f for f in files])
    assert all(r.ok for r in reports)
    return ws


@pytest.mark.parametrize("files", [("python-twitter/get_search_raw.json",), ("twarc-csv/flat.jsonl",)])
def test_real_samples_of_retweets_use_the_collected_counts(tmp_path, files):
    with _fixture_ws(tmp_path, *files) as ws:
        ctx = Context.build(ws, ws.cursor(), Settings())
        ev = amplification.evidence(ctx)
        # a search sample holds a handful of the retweets counted in thousands
        assert ev.basis == "collected" and ev.completeness.value < 0.1
        posts = amplification.most_shared_posts(ctx, limit=5).posts
        assert posts and all(p.figures["shares"].note == amplification.COLLECTED_NOTE for p in posts)
        values = [p.figures["shares"].value for p in posts]
        assert values == sorted(values, reverse=True) and values[0] >= 1000
        gone = [p for p in posts if not p.in_archive]
        assert gone and all(p.author and p.text for p in gone)  # author and text from the retweets
        assert all(p.figures["posted"].source.query == "id_time" for p in gone)
        audit(ctx, [*posts, *amplification.accounts_by_shares(ctx, limit=5).accounts], "fixture")
        audit(ctx, amplification.find(ctx), "fixture findings")


def test_collected_counts_are_the_highest_seen(tmp_path):
    # twitwi's export: a quote counted 18 retweets on its own line, and 14 on a retweet of it
    with _fixture_ws(tmp_path, "twitwi/tweet-export.csv") as ws:
        ctx = Context.build(ws, ws.cursor(), Settings())
        quote = ctx.con.execute("SELECT post_id, retweet_count FROM posts WHERE kind = 'quote'").fetchone()
        seen = ctx.con.execute(
            "SELECT retweet_count FROM posts WHERE kind = 'retweet' AND ref_post_id = ?", [quote[0]]
        ).fetchall()
        assert quote[1] == 18 and seen == [(14,)]
        assert amplification.evidence(ctx).basis == "collected"
        posts = {p.post_id: p for p in amplification.most_shared_posts(ctx, limit=10).posts}
        assert posts[quote[0]].figures["shares"].value == 18  # no quote count was recorded
        audit(ctx, posts.values(), "twitwi")


# ---- influence ------------------------------------------------------------------------------


def test_influence_leaves_out_brand_press_and_automated(built, ctx_of):
    inc, ctx = built["protest"], ctx_of("protest")
    found = influence.find(ctx)
    subjects = {f.subject for f in found}
    for h in ("@newsweek", "@lemondefr", "@el_pais", "@threadreaderapp", "@acmebank"):
        assert h not in subjects, h
    assert f"@{inc.facts['prolific']}" in subjects
    audit(ctx, found, "influence")


def test_fast_escalation_influencer(built, ctx_of):
    inc, ctx = built["fast"], ctx_of("fast")
    found = {f.subject: f for f in influence.find(ctx)}
    big = found["@bigvoice"]
    assert abs(big.time - inc.planted["influencer"]) < 1
    assert big.figures["followers"].value == inc.facts["influencer_followers"]
    assert big.figures["shares_in_window"].value == 120 and not big.flags
    assert (
        big.figures["exposure_total"].value
        == big.figures["exposure"].value + big.figures["share_exposure"].value
    )
    assert "@reuters" not in found  # the press has a kind of its own
    audit(ctx, found.values(), "fast influence")


# ---- the brand ------------------------------------------------------------------------------


def test_brand_actions_latency_from_the_escalation(built, ctx_of):
    inc, ctx = built["fast"], ctx_of("fast")
    esc = inc.planted["escalation"]
    others = [rise(ctx.start + 3600, flags={"collection_start"}), rise(esc)]
    found = brand.find(ctx, others)
    assert len(found) == 5
    answer = next(f for f in found if abs(f.time - inc.planted["brand_answer"]) < 1)
    assert "first_response" in answer.flags and answer.score >= 0.8
    assert answer.figures["since_escalation"].value == inc.planted["brand_answer"] - esc
    assert answer.detail["escalation"] == others[1].key()
    before = [f for f in found if f.time < esc]
    assert len(before) == 3 and all("before_escalation" in f.flags and f.score < 0.35 for f in before)
    assert all("since_escalation" not in f.figures for f in before)
    later = [f for f in found if f.time > inc.planted["brand_answer"]]
    assert later and all("first_response" not in f.flags for f in later)
    audit(ctx, found, "brand")
    vis = brand.visibility(ctx, others)
    assert vis.status == "present" and vis.figures["latency"].value == inc.planted["brand_answer"] - esc
    assert "no_post_after_escalation" not in vis.flags and "partial" not in vis.flags
    audit(ctx, [vis], "visibility")


def test_brand_without_an_escalation_measures_no_latency(ctx_of):
    ctx = ctx_of("fast")
    found = brand.find(ctx, [rise(ctx.start + 3600, score=0.2)])  # too weak to be the escalation
    assert found and all("no_escalation" in f.flags and "since_escalation" not in f.figures for f in found)


def test_mention_only_archive_does_not_show_the_brands_side(built, ctx_of):
    inc, ctx = built["mention_only"], ctx_of("mention_only")
    esc = inc.planted["escalation"]
    assert brand.find(ctx, [rise(esc)]) == []
    vis = brand.visibility(ctx, [rise(esc)])
    assert vis.status == "absent"
    f = vis.figures
    assert f["brand_posts"].value == 0
    assert f["replies_to_brand"].value == inc.facts["replies_to_brand"]
    assert f["referenced_posts"].value == f["referenced_missing"].value == 3
    assert f["earliest_missing_post"].value == inc.planted["brand_post_0"]
    assert f["missing_after_escalation"].value == inc.planted["brand_post_1"]
    assert "responded_outside_archive" in vis.flags and "no_post_after_escalation" not in vis.flags
    assert f["mentions"].value == inc.posts  # collected by mention: every post names the brand
    audit(ctx, [vis], "mention-only visibility")


def test_brand_visibility_without_handles_and_without_a_later_post(built, ctx_of, tmp_path):
    copy = tmp_path / "nobrand.duckdb"
    shutil.copy(built["protest"].path, copy)
    with Workspace.open(copy) as ws:
        ws.configure(brand_handles=[])
    ctx = ctx_of("protest", path=copy)
    vis = brand.visibility(ctx)
    assert vis.status == "no_handles" and vis.unknown and not vis.figures
    assert brand.find(ctx, []) == []
    inc, ctx = built["protest"], ctx_of("protest")
    late = rise(inc.planted["brand_answer"] + 3600)
    vis = brand.visibility(ctx, [late])
    assert vis.status == "present" and "no_post_after_escalation" in vis.flags
    early = rise(inc.planted["escalation"])
    vis = brand.visibility(ctx, [early])
    assert vis.figures["latency"].value == inc.planted["brand_answer"] - inc.planted["escalation"]
