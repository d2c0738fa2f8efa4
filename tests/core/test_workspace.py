"""The workspace file: schema, settings, and what info() reports."""

from __future__ import annotations

import hashlib
import json

import pytest

from app.core.errors import UserError
from app.core.sentiment import score_missing
from app.core.store import Workspace
from app.core.store.schema import DEFAULT_META, SCHEMA_VERSION


def test_new_workspace_has_schema_version_and_defaults(workspace):
    meta = workspace.meta()
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["incident_name"] == DEFAULT_META["incident_name"]
    assert meta["timezone"] == "UTC"
    assert json.loads(meta["brand_handles"]) == []
    tables = {
        r[0]
        for r in workspace.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }
    assert {"posts", "sentiment", "posts_scored", "imports", "meta", "annotations"} <= tables


def test_posts_columns_are_the_public_contract(workspace):
    cols = workspace.con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'posts' "
        "ORDER BY ordinal_position"
    ).fetchall()
    assert [c for c, _ in cols] == [
        "platform",
        "post_id",
        "created_at",
        "author_id",
        "author_handle",
        "author_name",
        "author_followers",
        "text",
        "kind",
        "ref_post_id",
        "ref_author_handle",
        "ref_text",
        "lang",
        "retweet_count",
        "like_count",
        "reply_count",
        "quote_count",
        "hashtags",
        "mentions",
        "urls",
        "text_key",
        "import_id",
        # schema step 3 (wip/ingest): what the other sources carry
        "post_url",
        "vendor_sentiment",
        "vendor_reach",
        # schema 6 (wip/ingestlayout): the followers of a shared post's author
        "ref_author_followers",
    ]
    types = dict(cols)
    assert types["ref_author_followers"] == "BIGINT"
    assert (types["post_url"], types["vendor_sentiment"], types["vendor_reach"]) == (
        "VARCHAR",
        "VARCHAR",
        "BIGINT",
    )
    assert types["created_at"] == "TIMESTAMP" and types["post_id"] == "VARCHAR"
    assert types["hashtags"] == types["mentions"] == types["urls"] == "VARCHAR[]"


def test_settings_survive_reopening(tmp_path):
    path = tmp_path / "incident.duckdb"
    with Workspace.open(path, create=True) as ws:
        ws.configure(
            name="  Card outage, November  ",
            timezone="America/New_York",
            brand_handles=["@AcmeSupport", "AcmeNews"],
        )
    with Workspace.open(path) as ws:
        assert ws.incident_name == "Card outage, November"
        assert ws.timezone == "America/New_York"
        assert ws.brand_handles == ["acmenews", "acmesupport"]
        assert ws.meta()["schema_version"] == str(SCHEMA_VERSION)


@pytest.mark.parametrize(
    ("bad", "hint"),
    [
        ("Europe/Lodnon", "Europe/London"),  # a typo: a suggestion
        ("london", "Europe/London"),  # part of a name: a suggestion
        ("xyz 123 qqq", "America/New_York"),  # nothing close: an example of the form
    ],
)
def test_bad_time_zone_is_refused_with_a_hint(workspace, bad, hint):
    before = workspace.meta()
    with pytest.raises(UserError) as caught:
        workspace.configure(name="New name", timezone=bad)
    msg = str(caught.value)
    assert bad in msg and "time zone" in msg
    assert hint in msg
    assert workspace.meta() == before  # nothing written, the name neither


def test_time_zone_is_stored_trimmed(workspace):
    workspace.configure(timezone=" Europe/Paris ")
    assert workspace.timezone == "Europe/Paris"


def test_brand_handles_are_normalised(workspace):
    workspace.configure(brand_handles=["@JPMorgan", "Chase ", "@jpmorgan", "  ", "@JPMorgan_Chase"])
    assert workspace.brand_handles == ["chase", "jpmorgan", "jpmorgan_chase"]
    assert json.loads(workspace.meta()["brand_handles"]) == ["chase", "jpmorgan", "jpmorgan_chase"]
    assert workspace.info()["brand_handles"] == ["chase", "jpmorgan", "jpmorgan_chase"]


def test_bad_brand_handle_and_empty_name_are_refused(workspace):
    before = workspace.meta()
    with pytest.raises(UserError, match="not an account handle"):
        workspace.configure(brand_handles=["@JPMorgan", "JP Morgan!"])
    with pytest.raises(UserError, match="cannot be empty"):
        workspace.configure(name="   ")
    assert workspace.meta() == before


def test_info_on_an_empty_workspace(workspace):
    info = workspace.info()
    assert info["posts"] == 0 and info["imports"] == []
    assert info["first_post_utc"] is None and info["last_post_utc"] is None
    assert info["known_followers_share"] is None and info["scored_share"] is None
    assert info["schema_version"] == SCHEMA_VERSION
    assert info["workspace"] == str(workspace.path)


def test_info_figures(workspace, fixtures_dir, helpers):
    search = fixtures_dir / "python-twitter/get_search_raw.json"
    flat = fixtures_dir / "twarc-csv/flat.jsonl"
    tw = fixtures_dir / "twitwi/tweet-export.csv"
    for path in (search, flat):
        helpers.import_one(workspace, path)
    info = workspace.info()
    assert info["posts"] == 200
    assert info["posts_by_platform_and_kind"] == {
        "twitter": {"post": 16 + 14, "quote": 9 + 8, "reply": 1 + 31, "retweet": 74 + 47}
    }
    first, last = workspace.con.execute("SELECT min(created_at), max(created_at) FROM posts").fetchone()
    assert info["first_post_utc"] == first.isoformat() + "Z"
    assert info["last_post_utc"] == last.isoformat() + "Z"
    assert info["first_post_utc"].startswith("2016-01-23T20:19:")
    assert info["last_post_utc"].startswith("2021-04-08T")
    assert (
        info["authors"]
        == workspace.con.execute(
            "SELECT count(DISTINCT (platform, lower(author_handle))) FROM posts"
        ).fetchone()[0]
    )
    assert info["known_followers_share"] == 1.0
    assert info["scored_share"] == 0

    imp = info["imports"]
    assert [i["import_id"] for i in imp] == [1, 2]
    assert imp[0]["path"] == str(search) and imp[0]["format"] == "twitter-v1"
    assert imp[0]["sha256"] == hashlib.sha256(search.read_bytes()).hexdigest()
    assert imp[0]["size_bytes"] == search.stat().st_size
    assert (imp[0]["rows_read"], imp[0]["rows_added"], imp[0]["rows_duplicate"]) == (100, 100, 0)
    assert imp[1]["format"] == "twitter-v2"
    assert imp[1]["finished_utc"].endswith("Z")
    assert imp[0]["rejections"] == [] and imp[0]["skipped"] == {}
    by_import = dict(workspace.con.execute("SELECT import_id, count(*) FROM posts GROUP BY 1").fetchall())
    assert by_import == {1: 100, 2: 100}

    score_missing(workspace)
    helpers.import_one(workspace, tw)
    info = workspace.info()
    assert info["posts"] == 204
    # the first 200 are scored but those in another language; the 4 new ones wait
    out_of_scope = workspace.con.execute(
        "SELECT count(*) FROM posts_scored WHERE not_scored IN ('language', 'no_text') AND import_id < 3"
    ).fetchone()[0]
    assert 0 < out_of_scope < 60
    assert info["scored_share"] == pytest.approx((200 - out_of_scope) / 204)
    assert info["known_followers_share"] == 1.0
