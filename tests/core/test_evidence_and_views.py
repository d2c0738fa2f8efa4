"""Evidence tags and comments, posts attached to a turning point, saved views, the summary of
what is in view, and the filters that go with them (tags, an author's spread, a linked domain,
the press), on a small incident whose every figure is computed here a second way, in Python
over the statuses written."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import datetime

import pytest

from app.core import account_types, annotations, evidence, metrics, saved_views, summary
from app.core.errors import UserError
from app.core.ingest import import_paths
from app.core.metrics import ANY_TAG, PostFilter
from app.core.sentiment import score_missing
from app.core.store.workspace import Workspace
from tests.core.v1_statuses import status

T0 = 1384300800  # Wed 13 Nov 2013 00:00 UTC
HOUR = 3600
PRESS = "reuters"
assert PRESS in account_types.press_handles()


def with_urls(s: dict, *urls: str) -> dict:
    s["entities"]["urls"] = [{"url": "https://t.co/x", "expanded_url": u} for u in urls]
    return s


def build_statuses() -> list[dict]:
    root = status("1", T0 + 60, "alice", "refund delay again #Refund", 100, hashtags=("Refund",))
    press = with_urls(
        status("2", T0 + 120, "Reuters", "Bank delays refunds", 5000), "https://www.reuters.com/a"
    )
    out = [root, press]
    for i in range(6):
        out.append(status(f"1{i:02d}", T0 + 200 + i * 60, f"fan{i}", "", 10 + i, retweet_of=root))
    out.append(
        status(
            "200",
            T0 + 900,
            "bob",
            "quoting this #refund #Bank",
            None,
            quote_of=root,
            hashtags=("refund", "Bank"),
        )
    )
    out.append(
        with_urls(
            status("201", T0 + 1000, "carol", "see https link", 30),
            "https://blog.example.org/x",
            "http://news.reuters.com/b",
        )
    )
    out.append(status("202", T0 + 2 * HOUR, "Brand", "we are on it #Refund", 2000, hashtags=("Refund",)))
    out.append(status("203", T0 + 3 * HOUR, "dave", "cancel my account, bot", None, lang="fr"))
    for i in range(3):
        out.append(status(f"3{i:02d}", T0 + 3 * HOUR + 60 * i, f"rt{i}", "", 5, retweet_of=press))
    return out


@pytest.fixture(scope="module")
def incident(tmp_path_factory):
    d = tmp_path_factory.mktemp("evidence")
    statuses = build_statuses()
    path = d / "a.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in statuses), encoding="utf-8")
    ws = Workspace.open(d / "ev.duckdb", create=True)
    ws.configure(brand_handles=["Brand"])
    (report,) = import_paths(ws, [path])
    assert report.ok and report.added == len(statuses)
    score_missing(ws)
    yield ws, statuses
    ws.close()


def rows(ws, flt=None):
    got, total = metrics.posts_around(ws, T0 + 2 * HOUR, 3 * HOUR, flt or PostFilter(), limit=1000)
    assert len(got) == total
    return {r.post_id for r in got}


def series_total(ws, flt) -> int:
    return int(metrics.binned_series(ws, T0, T0 + 5 * HOUR, HOUR, flt).total.sum())


# ---- filters ----------------------------------------------------------------------------------


def test_author_spread_adds_the_retweets_and_quotes_of_the_author(incident):
    ws, statuses = incident
    own = rows(ws, PostFilter(author="@Alice"))
    spread = rows(ws, PostFilter(author="alice", author_spread=True))
    assert own == {"1"}
    expected = {"1"} | {
        s["id_str"]
        for s in statuses
        if (s.get("retweeted_status") or s.get("quoted_status") or {}).get("id_str") == "1"
    }
    assert spread == expected and len(spread) == 8
    assert series_total(ws, PostFilter(author="alice", author_spread=True)) == 8
    assert "or sharing it" in PostFilter(author="alice", author_spread=True).describe()


def test_domain_and_press_filters(incident):
    ws, _ = incident
    # www. and subdomains count for the domain; a retweet shares its original's links
    assert rows(ws, PostFilter(domain="https://www.Reuters.com/")) == {"2", "201", "300", "301", "302"}
    assert rows(ws, PostFilter(domain="example.org")) == {"201"}
    assert rows(ws, PostFilter(press="only")) == {"2"}
    assert "2" not in rows(ws, PostFilter(press="exclude"))
    assert series_total(ws, PostFilter(press="only")) == 1


def test_tags_filter_every_view_and_the_cached_series_follow_the_tags(incident):
    ws, _ = incident
    keys = [("twitter", "1"), ("twitter", "200")]
    assert series_total(ws, PostFilter(tag=evidence.STAR)) == 0  # cached for this filter now
    assert evidence.toggle_star(ws, keys) is True
    assert series_total(ws, PostFilter(tag=evidence.STAR)) == 2
    assert rows(ws, PostFilter(tag=evidence.STAR)) == {"1", "200"}
    evidence.add_tag(ws, [keys[0]], "  Misquote ")
    assert evidence.tags_of(ws, keys) == {keys[0]: ("misquote", "starred"), keys[1]: ("starred",)}
    assert rows(ws, PostFilter(tag=ANY_TAG)) == {"1", "200"}
    assert rows(ws, PostFilter(tag="misquote")) == {"1"}
    assert evidence.all_tags(ws) == [("starred", 2), ("misquote", 1)]
    # one starred, one not: the star goes on both; both starred: it comes off both
    evidence.remove_tag(ws, [keys[1]], "starred")
    assert evidence.toggle_star(ws, keys) is True and rows(ws, PostFilter(tag="starred")) == {"1", "200"}
    assert evidence.toggle_star(ws, keys) is False and series_total(ws, PostFilter(tag="starred")) == 0
    evidence.rename_tag(ws, "misquote", "legal")
    assert evidence.all_tags(ws) == [("legal", 1)]
    evidence.set_comment(ws, keys[1], "Quotes the root post <b>word for word</b>")
    listed = evidence.evidence_posts(ws)
    assert [(e.post_id, e.tags, e.comment) for e in listed] == [
        ("1", ("legal",), ""),
        ("200", (), "Quotes the root post <b>word for word</b>"),
    ]
    assert listed[0].post is not None and listed[0].post.text.startswith("refund delay")
    evidence.set_comment(ws, keys[1], "  ")
    evidence.delete_tag(ws, "legal")
    assert evidence.evidence_posts(ws) == [] and evidence.all_tags(ws) == []
    for bad in ("", "  ", "*", "x" * 41):
        with pytest.raises(UserError):
            evidence.add_tag(ws, keys, bad)


def test_posts_attached_to_a_turning_point_are_kept_in_its_evidence(incident, tmp_path):
    ws, _ = incident
    a = annotations.add(ws, annotations.Annotation(None, T0 + 600, label="The quote that spread"))
    keys = [("twitter", "200"), ("twitter", "1"), ("twitter", "200")]
    evidence.add_tag(ws, keys, evidence.STAR)
    stored = annotations.update(ws, evidence.with_attached(a, keys))
    assert stored.evidence == {
        evidence.ATTACHED: [
            {"platform": "twitter", "post_id": "200"},
            {"platform": "twitter", "post_id": "1"},
        ]
    }
    # read back by the turning point's id, in the order attached, posts whole with their tags
    got = evidence.attached_posts(ws, stored.id)
    assert [(e.post_id, e.tags) for e in got] == [("200", ("starred",)), ("1", ("starred",))]
    assert got[0].post.author_handle == "bob" and got[1].post.text.startswith("refund delay")
    # attaching more keeps the first ones first; removing one leaves the rest
    more = annotations.update(ws, evidence.with_attached(stored, [("twitter", "2")]))
    assert evidence.attached_keys(more) == [("twitter", "200"), ("twitter", "1"), ("twitter", "2")]
    fewer = annotations.update(ws, evidence.without_attached(more, [("twitter", "1")]))
    assert [e.post_id for e in evidence.attached_posts(ws, fewer.id)] == ["200", "2"]
    # an accepted suggestion keeps its own evidence beside the attachment
    s = annotations.update(
        ws, evidence.with_attached(replace(fewer, evidence={"kind": "peak", **fewer.evidence}), [])
    )
    assert s.evidence["kind"] == "peak" and evidence.attached_keys(s) == [
        ("twitter", "200"),
        ("twitter", "2"),
    ]
    # the attachment travels with the turning point through export and import
    out = tmp_path / "tp.json"
    annotations.export_json(ws, out)
    other = Workspace.open(tmp_path / "other.duckdb", create=True)
    try:
        annotations.import_file(other, out)
        (moved,) = annotations.list_annotations(other)
        assert evidence.attached_keys(moved) == [("twitter", "200"), ("twitter", "2")]
        assert [(e.post_id, e.post) for e in evidence.attached_posts(other, moved.id)] == [
            ("200", None),
            ("2", None),
        ]
    finally:
        other.close()
    assert evidence.attached_posts(ws, 999_999) == []
    annotations.delete(ws, s.id)
    evidence.remove_tag(ws, keys, evidence.STAR)


# ---- saved views -------------------------------------------------------------------------------


def test_saved_views_round_trip_and_replace(incident):
    ws, _ = incident
    flt = PostFilter(
        text="refund -bot",
        kinds=frozenset({"post", "quote"}),
        brand="exclude",
        tag="starred",
        author="alice",
        author_spread=True,
        min_followers=10,
    )
    saved_views.save(ws, saved_views.SavedView("Refunds, no brand", flt, T0, T0 + HOUR, T0 + 600))
    saved_views.save(ws, saved_views.SavedView("  all   day ", PostFilter(), T0, T0 + 86400))
    views = saved_views.list_views(ws)
    assert [v.name for v in views] == ["all day", "Refunds, no brand"]
    v = views[1]
    assert (v.filter, v.start, v.end, v.cursor, v.problem) == (flt, T0, T0 + HOUR, T0 + 600, "")
    saved_views.save(ws, saved_views.SavedView("all day", PostFilter(lang="fr"), T0, T0 + 2 * HOUR))
    assert saved_views.list_views(ws)[0].filter == PostFilter(lang="fr")
    with pytest.raises(UserError):
        saved_views.rename(ws, "all day", "Refunds, no brand")
    saved_views.rename(ws, "all day", "French")
    ws.cursor().execute("UPDATE saved_views SET filter = '{\"brand\": \"sometimes\"}' WHERE name = 'French'")
    broken = next(v for v in saved_views.list_views(ws) if v.name == "French")
    assert broken.problem and broken.filter == PostFilter()
    for name in ("French", "Refunds, no brand"):
        saved_views.delete(ws, name)
    assert saved_views.list_views(ws) == []
    with pytest.raises(UserError):
        saved_views.save(ws, saved_views.SavedView(" ", PostFilter(), T0, T0 + 1))
    with pytest.raises(UserError):
        saved_views.save(ws, saved_views.SavedView("x", PostFilter(), T0, T0))


# ---- the summary of what is in view ------------------------------------------------------------


def posted_at(s: dict) -> float:
    return metrics.to_unix(datetime.strptime(s["created_at"], "%a %b %d %H:%M:%S +0000 %Y"))


def test_summary_counts_what_is_in_view(incident):
    ws, statuses = incident
    got = summary.summarise(ws, T0, T0 + 5 * HOUR)
    inside = [s for s in statuses if T0 <= posted_at(s) < T0 + 5 * HOUR]
    assert got.posts == len(inside) == len(statuses)
    # hashtags counted per post, case folded, shown as most often written
    tags = Counter()
    for s in inside:
        src = s.get("retweeted_status", s)
        for h in {h["text"].lower() for h in src["entities"]["hashtags"]}:
            tags[h] += 1
    assert {e.key: e.count for e in got.hashtags} == dict(tags)
    assert got.hashtags[0].key == "refund" and got.hashtags[0].label == "Refund"
    # shares received: the retweets and quotes of each account's posts made in view
    assert [(e.label, e.count, e.quotes) for e in got.shared] == [("alice", 7, 1), ("Reuters", 3, 0)]
    # posts linking to each host (www. dropped); retweets carry their original's links
    assert {e.key: e.count for e in got.domains} == {
        "reuters.com": 4,
        "news.reuters.com": 1,
        "blog.example.org": 1,
    }
    assert {e.key: e.count for e in got.languages} == {"en": len(statuses) - 1, "fr": 1}
    voice = {v.account_type: v for v in got.voice}
    assert (voice["brand"].posts, voice["brand"].exposure) == (1, 2000)
    assert (voice["press"].posts, voice["press"].exposure) == (1, 5000)
    others = [s for s in statuses if s["user"]["screen_name"] not in ("Brand", "Reuters")]
    assert voice["others"].posts == len(others)
    assert voice["others"].unknown_reach == sum("followers_count" not in s["user"] for s in others)
    assert voice["others"].exposure == sum(s["user"].get("followers_count", 0) for s in others)
    assert sum(v.share for v in got.voice) == pytest.approx(1.0)
    # a narrower range and a filter
    first_hour = summary.summarise(ws, T0, T0 + HOUR, PostFilter(kinds=frozenset({"retweet"})))
    assert first_hour.posts == 6 and [e.label for e in first_hour.shared] == ["alice"]
    # a click on a line is that line's filter
    assert summary.filter_for(PostFilter(), "shared", "alice", "alice") == PostFilter(
        author="alice", author_spread=True
    )
    assert rows(ws, summary.filter_for(PostFilter(), "voice", "others")) == {s["id_str"] for s in others}
    assert summary.summarise(ws, T0 + 86400, T0 + 2 * 86400).posts == 0


@pytest.mark.parametrize("sort", metrics.SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_posts_around_pages_follow_each_other(incident, sort, descending):
    """The posts table fetches later pages as the user scrolls: the pages together are the
    whole window, in order, each post once."""
    ws, statuses = incident
    whole, total = metrics.posts_around(
        ws, T0 + 2 * HOUR, 3 * HOUR, sort=sort, descending=descending, limit=100
    )
    assert total == len(whole) == len(statuses)
    pages = []
    for offset in range(0, total + 5, 5):
        page, n = metrics.posts_around(
            ws, T0 + 2 * HOUR, 3 * HOUR, sort=sort, descending=descending, limit=5, offset=offset
        )
        assert n == total
        pages += page
    assert [r.post_id for r in pages] == [r.post_id for r in whole]
