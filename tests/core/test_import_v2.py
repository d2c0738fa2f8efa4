"""Twitter API v2 as twarc2 writes it (pages, flattened tweets, stream objects) and twarc-csv."""

from __future__ import annotations

import html
import json
from collections import Counter
from datetime import datetime

import pytest

FLAT = "twarc-csv/flat.jsonl"
NOFLAT = "twarc-csv/noflat.jsonl"
NOFLAT_CSV = "twarc-csv/noflat.csv"


def kind_of(tweet: dict) -> str:
    types = [r["type"] for r in tweet.get("referenced_tweets", [])]
    for ref_type, kind in (("retweeted", "retweet"), ("quoted", "quote"), ("replied_to", "reply")):
        if ref_type in types:
            return kind
    return "post"


@pytest.fixture
def page(fixtures_dir):
    lines = [
        line for line in (fixtures_dir / NOFLAT).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.fixture
def noflat_ws(new_workspace, fixtures_dir, helpers):
    ws = new_workspace("noflat")
    report = helpers.import_one(ws, fixtures_dir / NOFLAT)
    assert report.error is None, report.error
    return ws, report


def test_flat_and_noflat_import_identical_rows(new_workspace, fixtures_dir, helpers):
    flat_ws, noflat_ws = new_workspace("flat"), new_workspace("noflat")
    flat = helpers.import_one(flat_ws, fixtures_dir / FLAT)
    noflat = helpers.import_one(noflat_ws, fixtures_dir / NOFLAT)
    for r in (flat, noflat):
        assert r.error is None and r.format == "twitter-v2"
        assert (r.read, r.added, r.already_in_workspace, r.rejected) == (100, 100, 0, 0)
    rows = helpers.post_rows(flat_ws)
    assert len(rows) == 100
    assert rows == helpers.post_rows(noflat_ws)


def test_v2_kinds_match_the_raw_json(noflat_ws, page, fixtures_dir):
    ws, _ = noflat_ws
    want = Counter(kind_of(t) for t in page["data"])
    assert (want["retweet"], want["reply"], want["quote"]) == (47, 31, 8)  # the fixture README
    flat = [json.loads(line) for line in (fixtures_dir / FLAT).read_text(encoding="utf-8").splitlines()]
    assert Counter(kind_of(t) for t in flat) == want
    got = dict(ws.con.execute("SELECT kind, count(*) FROM posts GROUP BY kind").fetchall())
    assert got == dict(want)
    per_post = dict(ws.con.execute("SELECT post_id, kind FROM posts").fetchall())
    assert per_post == {t["id"]: kind_of(t) for t in page["data"]}


def test_v2_authors_and_followers_come_from_includes_users(noflat_ws, page, helpers):
    ws, _report = noflat_ws
    users = {u["id"]: u for u in page["includes"]["users"]}
    posts = helpers.posts_by_id(ws)
    for t in page["data"]:
        p, u = posts[t["id"]], users[t["author_id"]]
        assert p["author_id"] == t["author_id"]
        assert p["author_handle"] == u["username"]
        assert p["author_name"] == u["name"]
        assert p["author_followers"] == u["public_metrics"]["followers_count"]
        assert p["created_at"] == datetime.strptime(t["created_at"], "%Y-%m-%dT%H:%M:%S.000Z")
        assert p["like_count"] == t["public_metrics"]["like_count"]
        assert p["retweet_count"] == t["public_metrics"]["retweet_count"]
    # one spelled out against the raw JSON
    t = page["data"][0]
    u = users[t["author_id"]]
    row = ws.con.execute(
        "SELECT author_handle, author_followers FROM posts WHERE post_id = ?", [t["id"]]
    ).fetchone()
    assert row == (u["username"], u["public_metrics"]["followers_count"])
    assert u["public_metrics"]["followers_count"] > 0


def test_v2_the_shared_authors_followers_come_from_includes_users(noflat_ws, page, helpers):
    """The author of a retweeted or quoted tweet the file does not hold as a post of its own
    still has a follower count in includes.users: it is kept, and is the account's count
    (#10: @mikepompeo printed "unknown" for 1,028,673)."""
    from app.core.store import accounts_sql

    ws, _ = noflat_ws
    users = {u["id"]: u for u in page["includes"]["users"]}
    tweets = {t["id"]: t for t in page["includes"]["tweets"]}
    posts = helpers.posts_by_id(ws)
    checked = 0
    for t in page["data"]:
        ref = next((r for r in t.get("referenced_tweets", []) if r["type"] in ("retweeted", "quoted")), None)
        if ref is None or ref["id"] not in tweets:
            continue
        author = users.get(tweets[ref["id"]]["author_id"])
        expected = author["public_metrics"]["followers_count"] if author else None
        assert posts[t["id"]]["ref_author_followers"] == expected, t["id"]
        checked += 1
    assert checked > 40
    authors = {p["author_handle"].lower() for p in posts.values()}
    assert "mikepompeo" not in authors
    poster = users[page["data"][0]["author_id"]]["username"]
    got = accounts_sql.followers(ws.con, [("twitter", "mikepompeo"), ("twitter", poster)])
    assert got[("twitter", "mikepompeo")] == accounts_sql.AccountFollowers(1_028_673, 0)
    # an account with posts of its own keeps the count its posts give it
    own = max(p["author_followers"] for p in posts.values() if p["author_handle"] == poster)
    assert got[("twitter", poster.lower())].followers == own


def test_v2_retweets_carry_the_originals_text_and_author(noflat_ws, page, helpers):
    ws, _ = noflat_ws
    inc = {t["id"]: t for t in page["includes"]["tweets"]}
    users = {u["id"]: u for u in page["includes"]["users"]}
    posts = helpers.posts_by_id(ws)
    checked = 0
    for t in page["data"]:
        if kind_of(t) != "retweet":
            continue
        ref_id = next(r["id"] for r in t["referenced_tweets"] if r["type"] == "retweeted")
        p = posts[t["id"]]
        assert p["ref_post_id"] == ref_id
        if ref_id in inc:
            orig = inc[ref_id]
            assert p["text"] == html.unescape(orig.get("note_tweet", {}).get("text") or orig["text"])
            assert not p["text"].startswith("RT @")
            assert p["ref_author_handle"] == users[orig["author_id"]]["username"]
            checked += 1
    assert checked == 47
    cut = [t for t in page["data"] if kind_of(t) == "retweet" and t["text"].endswith("…")]
    assert cut and all(not posts[t["id"]]["text"].endswith("…") for t in cut)


def test_v2_entities_decoded_once(noflat_ws, page, helpers):
    ws, _ = noflat_ws
    posts = helpers.posts_by_id(ws)
    t = next(t for t in page["data"] if t["id"] == "1380242254887981057")
    assert "Slick Willie &amp; th" in t["text"]
    assert posts[t["id"]]["text"] == html.unescape(t["text"])
    assert "&amp;" not in posts[t["id"]]["text"]


def expected_entities(page: dict) -> dict[str, tuple[list[str], list[str]]]:
    """Per tweet: (hashtags, mentions) as the raw JSON has them; a retweet's are those of the
    original it carries in full (the retweet's own are those of its cut "RT @x: ..." text)."""
    inc = {t["id"]: t for t in page["includes"]["tweets"]}
    out = {}
    for t in page["data"]:
        src = t
        if kind_of(t) == "retweet":
            src = inc[next(r["id"] for r in t["referenced_tweets"] if r["type"] == "retweeted")]
        ents = src.get("entities", {})
        out[t["id"]] = (
            [h["tag"] for h in ents.get("hashtags", [])],
            [m["username"] for m in ents.get("mentions", [])],
        )
    return out


def test_v2_hashtags_and_mentions(noflat_ws, page, helpers):
    """As for v1.1 (where this holds), a retweet's hashtags and mentions are its original's,
    also when the original has none (v2 then leaves the key out)."""
    ws, _ = noflat_ws
    want = expected_entities(page)
    got = {
        pid: (h, m)
        for pid, h, m in ws.con.execute("SELECT post_id, hashtags, mentions FROM posts").fetchall()
    }
    # posts, replies and quotes: their own entities
    own = {k for k, v in helpers.posts_by_id(ws).items() if v["kind"] != "retweet"}
    assert {k: got[k] for k in own} == {k: want[k] for k in own}
    # a concrete retweet whose original mentions no one: "RT @mdrache: ..." mentions no one either
    assert want["1380241960624029696"] == ([], [])
    assert {k: got[k] for k in want if k not in own} == {k: want[k] for k in want if k not in own}


def test_suspended_user_error_entry_does_not_abort(noflat_ws, page):
    _ws, report = noflat_ws
    assert any("suspended" in e["detail"] for e in page["errors"])
    assert report.error is None
    assert (report.read, report.added, report.rejected) == (100, 100, 0)
    assert report.skipped == {} and report.rejections == []


def test_stream_with_truncated_last_line(workspace, fixtures_dir, helpers):
    path = fixtures_dir / "twarc-csv/streaming_output_with_error.jsonl"
    lines = path.read_text(encoding="utf-8").split("\n")
    good = [json.loads(line) for line in lines[:-1]]
    report = helpers.import_one(workspace, path)
    assert report.error is None
    assert (report.added, report.rejected, report.read) == (7, 1, 8)
    assert len(report.rejections) == 1
    assert report.rejections[0].lines == (8,)
    assert report.rejections[0].count == 1
    assert "cut off" in report.rejections[0].reason
    ids = {r[0] for r in workspace.con.execute("SELECT post_id FROM posts").fetchall()}
    assert ids == {obj["data"]["id"] for obj in good}
    stored = workspace.info()["imports"][0]["rejections"]
    assert stored == [{"reason": report.rejections[0].reason, "count": 1, "lines": [8], "values": []}]


def test_edited_tweet_imports_its_latest_version_once(workspace, fixtures_dir, helpers):
    report = helpers.import_one(workspace, fixtures_dir / "twarc-csv/edited.jsonl")
    assert report.error is None
    assert (report.read, report.added) == (1, 1)
    rows = workspace.con.execute(
        "SELECT post_id, text, kind, author_handle, author_followers, created_at, like_count, "
        "reply_count, urls FROM posts"
    ).fetchall()
    assert rows == [
        (
            "1576994789110992896",
            "hey :) https://t.co/rnwEIoNuqd",
            "post",
            "wongmjane",
            138097,
            datetime(2022, 10, 3, 17, 57, 11),
            27,
            12,
            ["https://twitter.com/i/web/status/1576994789110992896"],
        )
    ]


def test_two_tweets_retweet_gets_full_text(workspace, fixtures_dir, helpers):
    report = helpers.import_one(workspace, fixtures_dir / "twarc-csv/two_tweets.jsonl")
    assert report.error is None
    row = workspace.con.execute(
        "SELECT post_id, kind, text, ref_post_id, ref_author_handle, author_handle, author_followers, hashtags "
        "FROM posts"
    ).fetchall()
    assert row == [
        (
            "1394735776701816833",
            "retweet",
            "#POIUYTREWQ",
            "1391677057810288641",
            "bibaigna96",
            "LachiVeronica",
            0,
            ["POIUYTREWQ"],
        )
    ]


def test_empty_file_gives_a_clear_error(workspace, fixtures_dir, helpers):
    before = helpers.dump(workspace)
    report = helpers.import_one(workspace, fixtures_dir / "twarc-csv/empty.json")
    assert report.error and "empty" in report.error
    assert report.added == 0
    assert "empty" in report.summary()
    assert helpers.dump(workspace) == before


# ---- twarc-csv's CSV of the same page -------------------------------------------------------


@pytest.fixture
def csv_and_json(new_workspace, fixtures_dir, helpers):
    js, cs = new_workspace("json"), new_workspace("csv")
    helpers.import_one(js, fixtures_dir / NOFLAT)
    report = helpers.import_one(cs, fixtures_dir / NOFLAT_CSV)
    assert report.error is None, report.error
    assert report.format == "csv-twarc"
    assert (report.read, report.added, report.rejected) == (100, 100, 0)
    return js, cs


def _cols(ws, cols):
    return ws.con.execute(f"SELECT post_id, {cols} FROM posts ORDER BY post_id").fetchall()


def test_twarc_csv_same_ids_kinds_authors_followers(csv_and_json):
    js, cs = csv_and_json
    cols = (
        "created_at, kind, author_id, author_handle, author_name, author_followers, "
        "ref_post_id, ref_author_handle, lang"
    )
    assert _cols(cs, cols) == _cols(js, cols)


def test_twarc_csv_same_texts(csv_and_json):
    """twarc-csv writes a newline inside a text as the two characters backslash-n (its
    "mandatory newline escape"); the text imported from the CSV must still be the tweet's."""
    js, cs = csv_and_json
    json_texts = dict(_cols(js, "text"))
    csv_texts = dict(_cols(cs, "text"))
    assert any("\n" in t for t in json_texts.values())
    differing = {k: (json_texts[k], csv_texts[k]) for k in json_texts if json_texts[k] != csv_texts[k]}
    assert differing == {}


def test_twarc_csv_same_hashtags_and_mentions(csv_and_json, page):
    """twarc-csv writes entities as JSON lists of "#tag" and "@user" strings (a retweet's are
    its original's); the CSV import must yield the tags and handles the JSON holds."""
    _, cs = csv_and_json
    want = expected_entities(page)
    assert any(h for h, _ in want.values()) and any(m for _, m in want.values())
    got = {pid: (h, m) for pid, h, m in _cols(cs, "hashtags, mentions")}
    assert got == want
