"""The X (Twitter) account archive: tweets.js (loose, -partN, bare or wrapped) and the .zip.

There is no real archive to publish, so ``conftest.x_archive`` builds one with the real
archive's layout and field types (ids and counts as strings, the v1.1 time format)."""

from __future__ import annotations

import html
import re
from datetime import datetime

RT = re.compile(r"^RT @([A-Za-z0-9_]+): ")


def expected_post(t: dict, account: dict) -> dict:
    m = RT.match(t["full_text"])
    return {
        "post_id": t["id_str"],
        "created_at": datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S +0000 %Y"),
        "author_id": account["accountId"],
        "author_handle": account["username"],
        "author_name": account["accountDisplayName"],
        "author_followers": None,
        "text": html.unescape(t["full_text"][m.end() :] if m else t["full_text"]),
        "kind": "retweet" if m else ("reply" if t.get("in_reply_to_status_id_str") else "post"),
        "ref_author_handle": m.group(1) if m else t.get("in_reply_to_screen_name"),
        "like_count": int(t["favorite_count"]),
        "retweet_count": int(t["retweet_count"]),
        "lang": t["lang"],
        "hashtags": [h["text"] for h in t["entities"]["hashtags"]],
        "mentions": [u["screen_name"] for u in t["entities"]["user_mentions"]],
        "urls": [u["expanded_url"] for u in t["entities"]["urls"]],
    }


def check_posts(ws, helpers, tweets, account):
    posts = helpers.posts_by_id(ws)
    assert set(posts) == {t["id_str"] for t in tweets}
    for t in tweets:
        want = expected_post(t, account)
        got = {k: posts[t["id_str"]][k] for k in want}
        assert got == want, t["id_str"]


def test_loose_tweets_js_with_sibling_account_js(workspace, x_archive, helpers):
    report = helpers.import_one(workspace, x_archive.tweets)
    assert report.error is None, report.error
    assert report.format == "x-archive"
    assert (report.read, report.added, report.rejected) == (4, 4, 0)
    check_posts(workspace, helpers, x_archive.part0, x_archive.account)
    row = workspace.con.execute(
        "SELECT author_handle, author_followers, created_at, text, like_count FROM posts "
        "WHERE post_id = '400795340391243777'"
    ).fetchone()
    assert row == (
        "AcmeSupport",
        None,
        datetime(2013, 11, 13, 21, 3, 7),
        "We're aware of an outage affecting card payments & are working on a fix. Updates here. #AcmeOutage",
        12,
    )
    # reach is unknown for every archive post, not zero
    assert workspace.con.execute("SELECT count(author_followers) FROM posts").fetchone()[0] == 0
    assert workspace.info()["known_followers_share"] == 0


def test_retweet_kind_and_original_author_from_rt_text(workspace, x_archive, helpers):
    helpers.import_one(workspace, x_archive.tweets)
    row = workspace.con.execute(
        "SELECT kind, ref_author_handle, text, author_handle FROM posts WHERE post_id = '400812544105017344'"
    ).fetchone()
    assert row == (
        "retweet",
        "AcmeNews",
        "Card payments are working again for all customers. Thank you for your patience! "
        "https://t.co/Xyz12AbCdE",
        "AcmeSupport",
    )
    reply = workspace.con.execute(
        "SELECT kind, ref_post_id, ref_author_handle, text FROM posts WHERE post_id = '400797912661434368'"
    ).fetchone()
    assert reply == (
        "reply",
        "400796581712302080",
        "jdoe",
        "@jdoe Sorry about that <3 Please DM us your case number and we'll look into it.",
    )


def test_tweets_without_the_wrapper(new_workspace, x_archive, helpers):
    wrapped, bare = new_workspace("wrapped"), new_workspace("bare")
    helpers.import_one(wrapped, x_archive.tweets)
    report = helpers.import_one(bare, x_archive.bare_tweets)
    assert report.error is None, report.error
    assert (report.read, report.added) == (4, 4)
    check_posts(bare, helpers, x_archive.part0, x_archive.account)
    assert helpers.post_rows(bare) == helpers.post_rows(wrapped)


def test_part1_file(workspace, x_archive, helpers):
    assert x_archive.part1.read_text(encoding="utf-8").startswith("window.YTD.tweets.part1 = [")
    report = helpers.import_one(workspace, x_archive.part1)
    assert report.error is None, report.error
    assert (report.read, report.added) == (2, 2)
    check_posts(workspace, helpers, x_archive.part1_tweets, x_archive.account)


def test_zip_archive_imports_every_tweets_part_and_ignores_likes(workspace, x_archive, helpers):
    report = helpers.import_one(workspace, x_archive.zip)
    assert report.error is None, report.error
    assert report.format == "x-archive"
    assert (report.read, report.added, report.rejected) == (6, 6, 0)
    check_posts(workspace, helpers, x_archive.part0 + x_archive.part1_tweets, x_archive.account)
    liked = x_archive.likes[0]["like"]
    assert (
        workspace.con.execute(
            "SELECT count(*) FROM posts WHERE post_id = ? OR text = ?", [liked["tweetId"], liked["fullText"]]
        ).fetchone()[0]
        == 0
    )
    kinds = dict(workspace.con.execute("SELECT kind, count(*) FROM posts GROUP BY kind").fetchall())
    assert kinds == {"post": 3, "reply": 1, "retweet": 2}
    assert (
        workspace.con.execute(
            "SELECT ref_author_handle FROM posts WHERE post_id = '399361029128130560'"
        ).fetchone()[0]
        == "jdoe"
    )


def test_unpacked_archive_folder_takes_only_the_tweets_files(workspace, x_archive, helpers):
    from app.core.ingest import import_paths

    reports = import_paths(workspace, [x_archive.root])
    names = sorted(r.path.rsplit("/", 1)[-1] for r in reports)
    assert names == ["tweets-part1.js", "tweets.js"]
    assert all(r.error is None for r in reports), [r.error for r in reports]
    assert workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 6


def test_like_js_on_its_own_is_refused_by_name(workspace, x_archive, helpers):
    report = helpers.import_one(workspace, x_archive.like)
    assert report.error is not None
    assert "like" in report.error and "tweets.js" in report.error
    assert workspace.con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0


def test_tweets_js_without_account_js_has_no_author(workspace, x_archive, helpers, tmp_path):
    lone = tmp_path / "elsewhere" / "tweets.js"
    lone.parent.mkdir()
    lone.write_bytes(x_archive.tweets.read_bytes())
    report = helpers.import_one(workspace, lone)
    assert report.error is None, report.error
    assert report.added == 4
    assert workspace.con.execute(
        "SELECT count(author_handle), count(author_followers) FROM posts"
    ).fetchone() == (0, 0)
