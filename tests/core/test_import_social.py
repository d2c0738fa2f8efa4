"""Mastodon account archives, Bluesky posts (twitwi / minet), and social-listening exports
(Brandwatch, Meltwater, Talkwalker, Sprinklr), each from a real or faithfully rebuilt file."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import datetime, timezone

import pytest

from app.core.ingest import import_paths
from app.core.ingest.options import ImportOptions

MASTODON = "mastodon"
ME = "https://mastodon.social/users/skyward_support"


@pytest.fixture
def mastodon_zip(fixtures_dir, tmp_path):
    """The archive as Mastodon hands it over: a zip with outbox.json, actor.json, likes …"""
    path = tmp_path / "archive-20230315101010-abcdef.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ("outbox.json", "actor.json", "likes.json", "bookmarks.json"):
            zf.write(fixtures_dir / MASTODON / name, name)
        zf.writestr("media_attachments/files/000/000/001/original/photo.png", b"\x89PNG\r\n")
    return path


def _iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)


def test_mastodon_archive_zip(workspace, fixtures_dir, helpers, mastodon_zip):
    report = helpers.import_one(workspace, mastodon_zip)
    assert report.error is None, report.error
    assert report.format == "mastodon"
    # 8 activities: 5 public/followers-only posts and 1 boost read; a like and a direct message are not posts
    assert (report.read, report.added, report.rejected) == (6, 6, 0) and report.counts_add_up()
    assert report.skipped == {"other activities (Like)": 1, "direct messages (not public)": 1}
    outbox = json.loads((fixtures_dir / MASTODON / "outbox.json").read_text())
    creates = {a["object"]["id"]: a["object"] for a in outbox["orderedItems"] if a["type"] == "Create"}
    posts = helpers.posts_by_id(workspace)
    for pid, p in posts.items():
        assert p["platform"] == "mastodon"
        assert p["author_handle"] == "skyward_support@mastodon.social"
        assert p["author_name"] == "Skyward Air Support"  # from actor.json
        assert p["author_followers"] is None  # the archive does not say: unknown
        if pid in creates:
            assert p["created_at"] == _iso(creates[pid]["published"])
            assert p["post_url"] == creates[pid]["url"]
    first = posts[f"{ME}/statuses/110017203541236409"]
    # HTML to plain text: entities decoded once, the cut link whole again, hashtags from `tag`
    assert first["text"] == (
        "We're aware that departures are delayed across our network because of an IT failure. "
        "Updates here & on https://status.skyward.example/incidents/42 #SkywardDown"
    )
    assert (first["kind"], first["lang"], first["hashtags"]) == ("post", "en", ["skywarddown"])
    assert first["urls"] == ["https://status.skyward.example/incidents/42"]
    reply = posts[f"{ME}/statuses/110017251170993020"]
    assert (reply["kind"], reply["ref_author_handle"]) == ("reply", "jdoe@fosstodon.org")
    assert reply["ref_post_id"] == "https://fosstodon.org/users/jdoe/statuses/110017240012345678"
    assert reply["mentions"] == ["jdoe@fosstodon.org"]
    assert reply["text"].startswith("@jdoe We're so sorry")
    boost = posts[f"{ME}/statuses/110017262830416711"]
    assert boost["kind"] == "retweet" and boost["created_at"] == datetime(2023, 3, 14, 9, 35, 16)
    assert boost["ref_post_id"] == "https://aviation.social/users/newsdesk/statuses/110017259900012345"
    assert boost["ref_author_handle"] == "newsdesk@aviation.social"
    update = posts[f"{ME}/statuses/110017573312108422"]
    assert update["text"] == (
        "Systems are back.\n\nDepartures are resuming — rebooking is free today.\nThank you for your patience <3"
    )
    quote = posts[f"{ME}/statuses/110017650000000003"]
    assert quote["kind"] == "quote" and quote["ref_author_handle"] == "newsdesk@aviation.social"
    # the direct message is not among the posts
    assert f"{ME}/statuses/110017270000000001" not in posts


def test_mastodon_unpacked_folder_is_the_same(new_workspace, fixtures_dir, helpers, mastodon_zip, tmp_path):
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(mastodon_zip) as zf:
        zf.extractall(folder)
    zipped, unpacked = new_workspace("zipped"), new_workspace("unpacked")
    helpers.import_one(zipped, mastodon_zip)
    reports = import_paths(unpacked, [folder])
    # only the outbox is read from the folder (actor.json, likes.json and the media are not posts)
    assert [r.path.rsplit("/", 1)[-1] for r in reports] == ["outbox.json"]
    assert helpers.post_rows(unpacked) == helpers.post_rows(zipped)


def test_mastodon_actor_alone_says_what_to_import(workspace, fixtures_dir, helpers):
    report = helpers.import_one(workspace, fixtures_dir / MASTODON / "actor.json")
    assert report.error and "outbox.json" in report.error


BLUESKY = "twitwi/bluesky-posts.json"


def test_bluesky_posts(workspace, fixtures_dir, helpers):
    items = json.loads((fixtures_dir / BLUESKY).read_text(encoding="utf-8"))
    report = helpers.import_one(workspace, fixtures_dir / BLUESKY)
    assert report.error is None, report.error
    assert report.format == "bluesky"
    assert report.read == len(items) and report.counts_add_up()
    # the file holds two ids twice with other texts (conflicts), two plain repeats, and one post
    # dated in the year 0: it is set aside, never stored
    assert (report.conflicts, report.duplicates_in_file, report.rejected) == (2, 2, 1)
    (rej,) = report.rejections
    assert rej.values == ("0000-10-14T15:06:10.730Z",) and rej.lines == (123,)
    assert any("before 2006" in w for w in report.warnings)
    posts = helpers.posts_by_id(workspace)
    assert all(p["platform"] == "bluesky" for p in posts.values())
    assert all(p["author_followers"] is None for p in posts.values())
    views = {}
    for it in items:
        view = it.get("post") or it
        if "reason" not in it:
            views[view["uri"]] = view
    first = items[0]
    p = posts[first["uri"]]
    assert p["text"] == first["record"]["text"]
    assert p["created_at"] == _iso(first["record"]["createdAt"])
    assert p["author_handle"] == first["author"]["handle"] and p["author_id"] == first["author"]["did"]
    assert p["kind"] == "quote"  # recordWithMedia embedding another post
    assert p["ref_post_id"] == first["record"]["embed"]["record"]["record"]["uri"]
    assert p["hashtags"] == ["HCERES", "ESR"] or sorted(p["hashtags"]) == ["ESR", "HCERES"]
    assert (
        p["post_url"]
        == f"https://bsky.app/profile/{first['author']['handle']}/post/{first['uri'].rsplit('/', 1)[1]}"
    )
    assert p["like_count"] == first["likeCount"] and p["retweet_count"] == first["repostCount"]
    # reposts, as feed items: by the reposter, at the repost's time, pointing to the post
    reposts = [it for it in items if it.get("reason", {}).get("$type") == "app.bsky.feed.defs#reasonRepost"]
    assert reposts
    for it in reposts:
        rp = next(
            q
            for q in posts.values()
            if q["kind"] == "retweet"
            and q["author_id"] == it["reason"]["by"]["did"]
            and q["ref_post_id"] == it["post"]["uri"]
        )
        assert rp["created_at"] == _iso(it["reason"]["indexedAt"])
        assert rp["text"] == it["post"]["record"]["text"]
    replies = [q for q in posts.values() if q["kind"] == "reply"]
    assert replies and all(q["ref_post_id"].startswith("at://") for q in replies)


#: The two accounts of the file whose handle Bluesky could not verify: their views give the
#: placeholder "handle.invalid" for both.
UNVERIFIED = ("did:plc:n5pm4vggu475okayqvqipkoh", "did:plc:4qvb4dpkg6tkbzym77j6jcm4")


def _accounts(ws) -> tuple[int, int, int]:
    """(distinct DIDs, accounts as the report counts them, accounts in the rollups)."""
    from app.core import rollup
    from app.core.store import facts_sql

    rollup.ensure(ws)
    dids = ws.con.execute("SELECT count(DISTINCT author_id) FROM posts").fetchone()[0]
    rolled = ws.con.execute("SELECT count(*) FROM rollup_accounts").fetchone()[0]
    return dids, facts_sql.archive(ws.con).accounts, rolled


def test_bluesky_accounts_whose_handle_failed_verification_stay_apart(workspace, fixtures_dir, helpers):
    """Two accounts with the placeholder handle are two accounts (named by their DIDs), so the
    report's account count is the file's (#11: 95 against 96)."""
    items = json.loads((fixtures_dir / BLUESKY).read_text(encoding="utf-8"))
    placeholders = {
        (it.get("post") or it)["author"]["did"]
        for it in items
        if (it.get("post") or it)["author"]["handle"] == "handle.invalid"
    }
    assert placeholders == set(UNVERIFIED)
    helpers.import_one(workspace, fixtures_dir / BLUESKY)
    rows = workspace.con.execute(
        "SELECT author_id, author_handle, post_url FROM posts WHERE author_id IN (?, ?)", list(UNVERIFIED)
    ).fetchall()
    assert {r[0] for r in rows} == set(UNVERIFIED)
    for did, handle, url in rows:
        assert handle == did
        assert url.startswith(f"https://bsky.app/profile/{did}/post/")
    dids, accounts, rolled = _accounts(workspace)
    assert dids == accounts == rolled == 96
    # and `info` says the same (it counted handles case by case: one account wrote its
    # handle in two cases, which made up for the two merged accounts)
    assert workspace.info()["authors"] == 96


def test_a_workspace_imported_with_the_placeholder_handle_is_mended(tmp_path, fixtures_dir, helpers):
    """A workspace whose Bluesky posts came in under "handle.invalid" (before schema 6) gets the
    DIDs on opening, and its rollups are rebuilt from them."""
    from app.core.store import Workspace

    path = tmp_path / "old.duckdb"
    with Workspace.open(path, create=True) as ws:
        helpers.import_one(ws, fixtures_dir / BLUESKY)
        assert _accounts(ws) == (96, 96, 96)
        # as the importer left them before: one handle for both, the reposts and quotes of
        # them pointing to it too, and rollups built from it
        ws.con.execute(
            "UPDATE posts SET author_handle = 'handle.invalid', "
            "post_url = regexp_replace(post_url, '/profile/[^/]+/', '/profile/handle.invalid/') "
            "WHERE author_id IN (?, ?)",
            list(UNVERIFIED),
        )
        shared = f"at://{UNVERIFIED[0]}/app.bsky.feed.post/3lmdcgp3a7cnd"
        repost = ws.con.execute("SELECT min(post_id) FROM posts WHERE kind = 'retweet'").fetchone()[0]
        ws.con.execute(
            "UPDATE posts SET ref_post_id = ?, ref_author_handle = 'handle.invalid' WHERE post_id = ?",
            [shared, repost],
        )
        ws.con.execute("DELETE FROM meta WHERE key = 'rollup_stamp'")
        assert _accounts(ws) == (96, 95, 95)
        ws.con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with Workspace.open(path) as ws:
        rows = ws.con.execute(
            "SELECT author_id, author_handle, post_url FROM posts WHERE author_id IN (?, ?)", list(UNVERIFIED)
        ).fetchall()
        assert rows and all(
            h == d and u.startswith(f"https://bsky.app/profile/{d}/post/") for d, h, u in rows
        )
        assert _accounts(ws) == (96, 96, 96)
        left = ws.con.execute(
            "SELECT count(*) FROM posts WHERE 'handle.invalid' IN (author_handle, ref_author_handle) "
            "OR post_url LIKE '%handle.invalid%'"
        ).fetchone()[0]
        assert left == 0
        assert ws.con.execute(
            "SELECT ref_author_handle FROM posts WHERE post_id = ?", [repost]
        ).fetchone() == (UNVERIFIED[0],)


def test_reposts_and_quotes_of_an_unverified_account_name_it_by_its_did(workspace, helpers, tmp_path):
    by = {"did": "did:plc:reposter", "handle": "handle.invalid"}
    author = {"did": "did:plc:original", "handle": "handle.invalid"}
    post = {
        "uri": "at://did:plc:original/app.bsky.feed.post/aaa",
        "cid": "c1",
        "author": author,
        "record": {"text": "the post", "createdAt": "2025-03-01T10:00:00Z"},
    }
    quote = {
        "uri": "at://did:plc:quoter/app.bsky.feed.post/bbb",
        "cid": "c2",
        "author": {"did": "did:plc:quoter", "handle": "quoter.bsky.social"},
        "record": {
            "text": "a quote",
            "createdAt": "2025-03-01T11:00:00Z",
            "embed": {"$type": "app.bsky.embed.record", "record": {"uri": post["uri"], "cid": "c1"}},
        },
        "embed": {
            "$type": "app.bsky.embed.record#view",
            "record": {"uri": post["uri"], "author": author, "value": {"text": "the post"}},
        },
    }
    repost = {
        "post": post,
        "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": by, "indexedAt": "2025-03-01T12:00:00Z"},
    }
    path = tmp_path / "posts.json"
    path.write_text(json.dumps([post, quote, repost]), encoding="utf-8")
    report = helpers.import_one(workspace, path)
    assert report.error is None and report.added == 3, report
    rows = workspace.con.execute(
        "SELECT kind, author_handle, ref_author_handle, post_url FROM posts ORDER BY created_at"
    ).fetchall()
    assert rows == [
        ("post", "did:plc:original", None, "https://bsky.app/profile/did:plc:original/post/aaa"),
        (
            "quote",
            "quoter.bsky.social",
            "did:plc:original",
            "https://bsky.app/profile/quoter.bsky.social/post/bbb",
        ),
        (
            "retweet",
            "did:plc:reposter",
            "did:plc:original",
            "https://bsky.app/profile/did:plc:original/post/aaa",
        ),
    ]


LISTENING = {
    "brandwatch-mentions.xlsx": "listening-brandwatch",
    "brandwatch-mentions.csv": "listening-brandwatch",
    "meltwater-mentions.csv": "listening-meltwater",
    "talkwalker-results.csv": "listening-talkwalker",
    "sprinklr-messages.xlsx": "listening-sprinklr",
}

#: What every tool's export of the outage says, checked against each file.
OUTAGE = {
    "1635589104126369792": ("jdoe_travels", "negative", "post"),
    "1635601999436406784": ("aviationdesk", "negative", "post"),
    "1635650712223305728": ("SkywardAir", "positive", "post"),
}


@pytest.mark.parametrize("name", sorted(LISTENING))
def test_listening_exports(workspace, fixtures_dir, helpers, name):
    path = fixtures_dir / "listening" / name
    report = helpers.import_one(workspace, path, options=ImportOptions(timezone="UTC"))
    assert report.error is None, report.error
    assert report.format == LISTENING[name]
    assert report.rejected == 0 and report.counts_add_up() and report.read == report.added
    posts = helpers.posts_by_id(workspace)
    for pid, (handle, sentiment, kind) in OUTAGE.items():
        if pid not in posts:
            continue  # not every tool's export holds every post
        p = posts[pid]
        assert (p["platform"], p["author_handle"], p["vendor_sentiment"], p["kind"]) == (
            "twitter",
            handle,
            sentiment,
            kind,
        )
        assert p["created_at"].replace(second=0) in (datetime(2023, 3, 14, 9, 15), datetime(2023, 3, 14, 10, 6),
                                                     datetime(2023, 3, 14, 13, 19))  # fmt: skip
        assert p["post_url"] and pid in p["post_url"]
        assert "&amp;" not in p["text"]
    assert "1635589104126369792" in posts
    # a news article is known by its address; a retweet keeps the original's text
    for p in posts.values():
        if p["platform"] == "web":
            assert (
                p["post_id"] == "https://www.travelweekly.example/news/skyward-outage"
                and p["author_followers"] is None
            )
        if p["kind"] == "retweet":
            assert p["ref_author_handle"] == "jdoe_travels" and not p["text"].startswith("RT @")
    # the tool's sentiment beside VADER: unrated or "mixed" is unknown, not neutral
    unrated = posts.get("1635655021337915392")
    if unrated:
        assert unrated["vendor_sentiment"] is None


def test_listening_exports_of_one_incident_are_one_set_of_posts(workspace, fixtures_dir, helpers):
    reports = import_paths(workspace, [fixtures_dir / "listening"], options=ImportOptions(timezone="UTC"))
    assert len(reports) == len(LISTENING) and all(r.error is None for r in reports), [
        r.error for r in reports
    ]
    assert all(r.counts_add_up() for r in reports)
    total = workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert total == 7  # six tweets and one news article, whichever tool exported them
    followers = dict(workspace.con.execute("SELECT post_id, author_followers FROM posts").fetchall())
    assert followers["1635601999436406784"] == 150233


def test_listening_export_without_zone_asks_for_one(workspace, fixtures_dir, helpers):
    report = helpers.import_one(workspace, fixtures_dir / "listening" / "meltwater-mentions.csv")
    assert report.needs and report.needs.kind == "timezone"
    assert "14-Mar-2023 09:15AM" in report.error and "--timezone" in report.error


def test_folder_of_mixed_exports(workspace, fixtures_dir, helpers, tmp_path):
    folder = tmp_path / "handover"
    folder.mkdir()
    shutil.copy(fixtures_dir / "listening" / "sprinklr-messages.xlsx", folder)
    shutil.copy(fixtures_dir / BLUESKY, folder)
    shutil.copytree(fixtures_dir / MASTODON, folder / "mastodon-archive")
    reports = import_paths(workspace, [folder], options=ImportOptions(timezone="Europe/London"))
    assert sorted(r.format for r in reports) == ["bluesky", "listening-sprinklr", "mastodon"]
    assert all(r.error is None and r.counts_add_up() for r in reports)
    # Sprinklr's zone-less times were read as London time (UTC in March before the change)
    sprinklr = next(r for r in reports if r.format == "listening-sprinklr")
    assert sprinklr.timezone == "Europe/London"


def test_bluesky_repository_export(workspace, fixtures_dir, helpers):
    """repo.car, as Settings > Export my data writes it: posts, a reply, a quote with an
    image, a repost; the like and the profile are not posts."""
    report = helpers.import_one(workspace, fixtures_dir / "bluesky-repo" / "repo.car")
    assert report.error is None, report.error
    assert (report.format, report.read, report.added) == ("bluesky", 4, 4) and report.counts_add_up()
    assert report.skipped == {"other records of the repository (likes, follows, profile)": 2}
    did = "did:plc:skyward7air3support5x"
    posts = helpers.posts_by_id(workspace)
    first = posts[f"at://{did}/app.bsky.feed.post/3kng2pxq6vk2a"]
    assert first["created_at"] == datetime(2023, 3, 14, 9, 20, 11, 123000)
    assert first["author_id"] == did and first["author_followers"] is None
    assert first["hashtags"] == ["SkywardDown"] and first["urls"] == ["https://status.skyward.example"]
    assert first["text"].endswith("Updates here & on status.skyward.example #SkywardDown")
    reply = posts[f"at://{did}/app.bsky.feed.post/3kng2qa4c3s2b"]
    assert reply["kind"] == "reply" and reply["ref_post_id"].endswith("/3kng2nzz7ab2x")
    quote = posts[f"at://{did}/app.bsky.feed.post/3kng3bq7aa22c"]
    assert quote["kind"] == "quote" and quote["ref_post_id"].endswith("/3kng2zzzqq52d")
    repost = posts[f"at://{did}/app.bsky.feed.repost/3kng2tt2bd32e"]
    assert repost["kind"] == "retweet" and repost["created_at"] == datetime(2023, 3, 14, 9, 35, 16)
    assert repost["ref_post_id"] == "at://did:plc:jdoe4travels2example9/app.bsky.feed.post/3kng2nzz7ab2x"


def test_a_damaged_repository_is_refused_in_words(workspace, fixtures_dir, helpers, tmp_path):
    data = (fixtures_dir / "bluesky-repo" / "repo.car").read_bytes()
    path = tmp_path / "repo.car"
    path.write_bytes(data[: len(data) - 200])
    report = helpers.import_one(workspace, path)
    assert report.error and "damaged" in report.error and ".car" in report.error


def test_a_tools_sentiment_is_compared_with_the_labels(workspace, fixtures_dir, helpers):
    """The vendor's column reaches the labelling agreement (app.core.sentiment.labels)."""
    from app.core.sentiment import labels as lb

    helpers.import_one(
        workspace,
        fixtures_dir / "listening" / "brandwatch-mentions.xlsx",
        options=ImportOptions(timezone="UTC"),
    )
    assert lb.vendor_agreement(workspace).n == 0  # no human labels yet
    lb.set_labels(
        workspace,
        [("twitter", "1635589104126369792", "negative"), ("twitter", "1635650712223305728", "neutral")],
        source="test",
    )
    v = lb.vendor_agreement(workspace)
    assert v is not None and v.n == 2 and v.accuracy == pytest.approx(0.5)  # Brandwatch said positive
