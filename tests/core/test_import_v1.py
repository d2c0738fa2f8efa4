"""Twitter API v1.1: a search response, a stream, an array of statuses, gzip; real files."""

from __future__ import annotations

import gzip
import html
import json
from collections import Counter
from datetime import datetime

import pytest

SEARCH = "python-twitter/get_search_raw.json"
STREAM = "python-twitter/streaming_lines.json"


def expected_kind(s: dict) -> str:
    if "retweeted_status" in s:
        return "retweet"
    if s.get("quoted_status_id_str") or "quoted_status" in s:
        return "quote"
    if s.get("in_reply_to_status_id_str"):
        return "reply"
    return "post"


def full_text(s: dict) -> str:
    return (s.get("extended_tweet") or {}).get("full_text") or s.get("full_text") or s["text"]


@pytest.fixture
def search_raw(fixtures_dir):
    return json.loads((fixtures_dir / SEARCH).read_text(encoding="utf-8"))["statuses"]


@pytest.fixture
def search_ws(workspace, fixtures_dir, helpers):
    report = helpers.import_one(workspace, fixtures_dir / SEARCH)
    assert report.error is None, report.error
    return workspace, report


# ---- the search response --------------------------------------------------------------------


def test_search_response_imports_all_statuses(search_ws, search_raw):
    ws, report = search_ws
    assert report.format == "twitter-v1"
    assert (report.read, report.added, report.already_in_workspace, report.rejected) == (100, 100, 0, 0)
    assert report.skipped == {} and report.rejections == []
    assert len(report.sha256) == 64
    ids = {r[0] for r in ws.con.execute("SELECT post_id FROM posts").fetchall()}
    assert ids == {s["id_str"] for s in search_raw}


def test_search_kinds_match_the_raw_json(search_ws, search_raw):
    ws, _ = search_ws
    want = Counter(expected_kind(s) for s in search_raw)
    assert want["retweet"] == 74 and want["quote"] == 9  # what the fixture README says
    got = dict(ws.con.execute("SELECT kind, count(*) FROM posts GROUP BY kind").fetchall())
    assert got == dict(want)
    per_post = dict(ws.con.execute("SELECT post_id, kind FROM posts").fetchall())
    assert per_post == {s["id_str"]: expected_kind(s) for s in search_raw}


def test_retweet_text_is_the_originals_full_text(search_ws, search_raw, helpers):
    ws, _ = search_ws
    posts = helpers.posts_by_id(ws)
    retweets = [s for s in search_raw if "retweeted_status" in s]
    cut = [s for s in retweets if s["text"].endswith("…")]
    assert cut, "the fixture holds retweets whose top-level text is cut"
    for s in retweets:
        orig = s["retweeted_status"]
        p = posts[s["id_str"]]
        assert p["kind"] == "retweet"
        assert p["text"] == html.unescape(full_text(orig))
        assert not p["text"].startswith("RT @")
        assert p["ref_post_id"] == orig["id_str"]
        assert p["ref_author_handle"] == orig["user"]["screen_name"]
        # the retweeter stays the author
        assert p["author_handle"] == s["user"]["screen_name"]
        assert p["author_id"] == s["user"]["id_str"]
    for s in cut:
        text = posts[s["id_str"]]["text"]
        assert not text.endswith("…"), (s["id_str"], text)
    # one concrete cut retweet, spelled out
    p = posts["690992334087933952"]
    assert p["ref_author_handle"] == "Airbus"
    assert p["text"].endswith("https://t.co/LSpId99yGR https://t.co/eg1GDcZoFz")


def test_quote_keeps_the_quoted_text(search_ws, search_raw, helpers):
    ws, _ = search_ws
    posts = helpers.posts_by_id(ws)
    quotes = [s for s in search_raw if expected_kind(s) == "quote"]
    for s in quotes:
        p = posts[s["id_str"]]
        assert p["text"] == html.unescape(full_text(s))
        assert p["ref_post_id"] == s["quoted_status_id_str"]
        if "quoted_status" in s:
            assert p["ref_text"] == html.unescape(full_text(s["quoted_status"]))
            assert p["ref_author_handle"] == s["quoted_status"]["user"]["screen_name"]


def test_the_shared_authors_followers_are_kept(search_ws, search_raw, helpers):
    """retweeted_status.user / quoted_status.user carry the original author's followers: the
    only count the file holds of an author with no status of its own in it (#10)."""
    from app.core.store import accounts_sql

    ws, _ = search_ws
    posts = helpers.posts_by_id(ws)
    for st in search_raw:
        original = st.get("retweeted_status") or st.get("quoted_status")
        expected = original["user"]["followers_count"] if original else None
        assert posts[st["id_str"]]["ref_author_followers"] == expected, st["id_str"]
    assert not any(p["author_handle"] == "Ashton5SOS" for p in posts.values())
    got = accounts_sql.followers(ws.con, [("twitter", "Ashton5SOS")])
    assert got[("twitter", "ashton5sos")] == accounts_sql.AccountFollowers(4_732_836, 0)


def test_ids_above_2_53_are_kept_exactly(search_ws, search_raw):
    ws, _ = search_ws
    big = "690992334247477249"
    raw = next(s for s in search_raw if s["id_str"] == big)
    assert int(raw["id_str"]) > 2**53 and str(int(float(raw["id_str"]))) != raw["id_str"]
    row = ws.con.execute("SELECT post_id, author_id FROM posts WHERE post_id = ?", [big]).fetchone()
    assert row == (raw["id_str"], raw["user"]["id_str"])
    stored = dict(ws.con.execute("SELECT post_id, ref_post_id FROM posts WHERE kind = 'retweet'").fetchall())
    for s in search_raw:
        if "retweeted_status" in s:
            assert stored[s["id_str"]] == s["retweeted_status"]["id_str"]


def test_html_entities_are_decoded_once(search_ws, search_raw, helpers):
    ws, _ = search_ws
    posts = helpers.posts_by_id(ws)
    raw = next(s for s in search_raw if s["id_str"] == "690992333970546688")
    assert "Beck &amp; Jade" in raw["retweeted_status"]["text"]
    assert posts["690992333970546688"]["text"].startswith("9. Beck & Jade. Literally")
    raw = next(s for s in search_raw if s["id_str"] == "690992334138257409")
    assert "&lt;3" in raw["text"]
    assert posts["690992334138257409"]["text"] == "Mini galletas y Cupcakes <3 https://t.co/YXjIWoQpRi"
    left = ws.con.execute(
        "SELECT count(*) FROM posts WHERE text LIKE '%&amp;%' OR text LIKE '%&lt;%' OR text LIKE '%&gt;%'"
    ).fetchone()[0]
    assert left == 0


def test_followers_times_and_counts_come_from_the_status(search_ws, search_raw, helpers):
    ws, _ = search_ws
    posts = helpers.posts_by_id(ws)
    for s in search_raw:
        p = posts[s["id_str"]]
        assert p["author_followers"] == s["user"]["followers_count"]
        assert p["author_name"] == s["user"]["name"]
        assert p["created_at"] == datetime.strptime(s["created_at"], "%a %b %d %H:%M:%S +0000 %Y")
        assert p["retweet_count"] == s["retweet_count"]
        assert p["like_count"] == s["favorite_count"]
        assert p["lang"] == s["lang"]
        assert p["platform"] == "twitter"
    first = posts["690992334247477249"]
    assert first["created_at"] == datetime(2016, 1, 23, 20, 19, 45)
    assert first["author_followers"] == 1590


# ---- the stream ---------------------------------------------------------------------------


def test_stream_uses_extended_full_text_and_counts_the_duplicate(workspace, fixtures_dir, helpers):
    path = fixtures_dir / STREAM
    raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    report = helpers.import_one(workspace, path)
    assert report.error is None
    assert (report.read, report.added, report.duplicates_in_file, report.rejected) == (72, 71, 1, 0)
    dup = "972473017333899264"
    assert sum(s["id_str"] == dup for s in raw) == 2
    assert workspace.con.execute("SELECT count(*) FROM posts WHERE post_id = ?", [dup]).fetchone()[0] == 1

    posts = helpers.posts_by_id(workspace)
    truncated = [s for s in raw if s.get("truncated")]
    assert len(truncated) == 72
    for s in truncated:
        p = posts[s["id_str"]]
        assert p["text"] == html.unescape(s["extended_tweet"]["full_text"])
        assert len(p["text"]) >= len(html.unescape(s["text"])) - 25  # not the cut form
        want_tags = [h["text"] for h in s["extended_tweet"]["entities"]["hashtags"]]
        assert p["hashtags"] == want_tags
    first = posts["972472958596866048"]
    assert first["text"].endswith("سورة الحجرات\xa0#Quran")
    assert "…" not in first["text"]
    amp = posts["972472962799603712"]["text"]
    assert "Portland Mom & Baby Expo" in amp
    kinds = Counter(p["kind"] for p in posts.values())
    assert kinds == Counter(expected_kind(s) for s in {s["id_str"]: s for s in raw}.values())


def test_stream_notices_are_skipped_not_rejected(workspace, fixtures_dir, helpers, tmp_path):
    out = []
    deletes = limits = 0
    for i, line in enumerate(helpers.stream_lines(fixtures_dir)):
        out.append(line)
        if i % 10 == 0:
            deletes += 1
            out.append(
                json.dumps(
                    {
                        "delete": {
                            "status": {
                                "id": 1234567890 + i,
                                "id_str": str(1234567890 + i),
                                "user_id": 3,
                                "user_id_str": "3",
                            },
                            "timestamp_ms": "1520690595660",
                        }
                    }
                )
            )
        if i % 25 == 0:
            limits += 1
            out.append(json.dumps({"limit": {"track": 12 + i, "timestamp_ms": "1520690595661"}}))
    path = tmp_path / "stream_with_notices.jsonl"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")

    report = helpers.import_one(workspace, path)
    assert report.error is None
    assert report.skipped == {"deletion notices": deletes, "rate-limit notices": limits}
    assert (report.added, report.duplicates_in_file, report.rejected) == (71, 1, 0)
    # notices are not posts: counted apart, not read as posts
    assert report.read == 72 and report.counts_add_up()
    assert workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 71
    info = workspace.info()["imports"][0]
    assert info["skipped"] == report.skipped and info["rows_skipped"] == deletes + limits


# ---- other layouts of the same statuses -----------------------------------------------------


def test_json_array_of_statuses_imports_like_the_search_response(
    new_workspace, fixtures_dir, helpers, tmp_path, search_raw
):
    array = tmp_path / "statuses.json"
    array.write_text(json.dumps(search_raw, ensure_ascii=False), encoding="utf-8")
    a, b = new_workspace("search"), new_workspace("array")
    helpers.import_one(a, fixtures_dir / SEARCH)
    report = helpers.import_one(b, array)
    assert report.error is None, report.error
    assert report.format == "twitter-v1"
    assert (report.read, report.added) == (100, 100)
    assert helpers.post_rows(b) == helpers.post_rows(a)


@pytest.mark.parametrize("name", [SEARCH, STREAM])
def test_gzip_imports_the_same_rows(new_workspace, fixtures_dir, helpers, tmp_path, name):
    src = fixtures_dir / name
    gz = tmp_path / (src.name + ".gz")
    gz.write_bytes(gzip.compress(src.read_bytes()))
    plain_ws, gz_ws = new_workspace("plain"), new_workspace("gz")
    plain = helpers.import_one(plain_ws, src)
    packed = helpers.import_one(gz_ws, gz)
    assert packed.error is None, packed.error
    assert (packed.read, packed.added, packed.duplicates_in_file) == (
        plain.read,
        plain.added,
        plain.duplicates_in_file,
    )
    assert helpers.post_rows(gz_ws) == helpers.post_rows(plain_ws)
    assert len(helpers.post_rows(gz_ws)) == plain.added > 0
