"""CSV exports: twitwi/minet's flat tweet CSV, and any CSV through a column mapping."""

from __future__ import annotations

import csv
from datetime import datetime, timezone

import pytest

from app.core.ingest.options import ImportOptions

TWITWI = "twitwi/tweet-export.csv"


@pytest.fixture
def twitwi_rows(fixtures_dir):
    with open(fixtures_dir / TWITWI, newline="", encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def test_twitwi_csv_field_values(workspace, fixtures_dir, helpers, twitwi_rows):
    report = helpers.import_one(workspace, fixtures_dir / TWITWI)
    assert report.error is None and report.format == "csv-twitwi"
    assert (report.read, report.added, report.rejected) == (4, 4, 0)
    posts = helpers.posts_by_id(workspace)
    assert set(posts) == set(twitwi_rows)
    for pid, r in twitwi_rows.items():
        p = posts[pid]
        assert isinstance(p["post_id"], str) and p["post_id"] == r["id"]
        assert p["author_id"] == r["user_id"]
        assert p["author_handle"] == r["user_screen_name"]
        assert p["author_name"] == r["user_name"]
        assert p["author_followers"] == int(r["user_followers"])
        utc = datetime.fromtimestamp(float(r["timestamp_utc"]), tz=timezone.utc).replace(tzinfo=None)
        assert p["created_at"] == utc
        assert p["hashtags"] == [h for h in r["hashtags"].split("|") if h]
        assert p["mentions"] == [m for m in r["mentioned_names"].split("|") if m]
        assert p["urls"] == [u for u in r["links"].split("|") if u]
        assert p["like_count"] == int(r["like_count"])
        assert p["retweet_count"] == int(r["retweet_count"])
        assert p["lang"] == r["lang"]

    # the first row spelled out: local_time is Paris time, timestamp_utc one hour earlier
    first = posts["1347085867584794624"]
    assert twitwi_rows["1347085867584794624"]["local_time"] == "2021-01-07T08:41:13"
    assert first["created_at"] == datetime(2021, 1, 7, 7, 41, 13)
    assert (first["kind"], first["ref_post_id"], first["ref_author_handle"]) == (
        "reply",
        "1347084392481615872",
        "krnl_panik",
    )
    assert first["author_followers"] == 10
    # a user id above 2^53 stays exact
    assert posts["1348560158264328198"]["author_id"] == "1239871972554821633"

    quote = posts["1348592722928656384"]
    assert (quote["kind"], quote["ref_post_id"], quote["ref_author_handle"]) == (
        "quote",
        "1348565512352112640",
        "LeSommierRgis",
    )
    assert quote["hashtags"] == ["biden", "bigtech", "gafam", "libertedexpression", "nouvelordremondial"]

    rt = posts["1348592751940673536"]
    assert (rt["kind"], rt["ref_post_id"], rt["ref_author_handle"]) == (
        "retweet",
        "1348592722928656384",
        "Fr_Conservateur",
    )
    # the "RT @x: " prefix goes: the retweet's text is the original's, as in the other formats
    assert rt["text"] == quote["text"]
    assert twitwi_rows["1348592751940673536"]["text"].startswith("RT @Fr_Conservateur: ")
    assert rt["author_followers"] == 18668


MAPPING = {
    "post_id": "ID",
    "created_at": "When",
    "text": "Body",
    "author_handle": "Who",
    "author_followers": "Followers",
    "hashtags": "Tags",
    "kind": "Type",
    "like_count": "Likes",
}


def write_custom_csv(path, rows, header=("ID", "When", "Body", "Who", "Followers", "Tags", "Type", "Likes")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_custom_csv_with_mapping(workspace, helpers, tmp_path):
    path = write_custom_csv(
        tmp_path / "monitoring-export.csv",
        [
            [
                "1764987654321098753",
                "2024-03-05T09:15:00+01:00",
                "Still no access to my account @AcmeBank",
                "@angry_customer",
                "1234",
                "#AcmeDown, #fail",
                "Tweet",
                "3",
            ],
            [
                "1764987654321098755",
                "2024-03-05 08:20:00",
                "RT: Acme Bank is down again",
                "@news_bot",
                "",
                "AcmeDown",
                "retweet",
                "",
            ],
            [
                "9007199254740993",
                "2024-03-05T08:25:30Z",
                "Works again for me, thanks!",
                "happy_one",
                "87",
                "",
                "Reply",
                "1",
            ],
            ["1764987654321098757", "not a date", "this row has no readable time", "x", "1", "", "", ""],
        ],
    )
    report = helpers.import_one(workspace, path, mapping=MAPPING, options=ImportOptions(timezone="UTC"))
    assert report.error is None, report.error
    assert report.timezone == "UTC" and report.counts_add_up()
    assert report.format == "csv-mapped"
    assert (report.read, report.added, report.rejected) == (4, 3, 1)
    # the position is the file's line (the header is line 1), and the value is quoted
    assert [(r.reason, r.lines, r.values) for r in report.rejections] == [
        ("a date in a form the app does not read", (5,), ("not a date",))
    ]
    assert "line 5: “not a date”" in report.summary()

    posts = helpers.posts_by_id(workspace)
    assert set(posts) == {"1764987654321098753", "1764987654321098755", "9007199254740993"}
    a = posts["1764987654321098753"]
    assert a["created_at"] == datetime(2024, 3, 5, 8, 15)  # +01:00 -> UTC
    assert a["text"] == "Still no access to my account @AcmeBank"
    assert a["author_handle"] == "angry_customer"
    assert a["author_followers"] == 1234
    assert a["hashtags"] == ["AcmeDown", "fail"]
    assert a["kind"] == "post" and a["like_count"] == 3
    assert a["platform"] == "twitter"
    b = posts["1764987654321098755"]
    assert b["created_at"] == datetime(2024, 3, 5, 8, 20)  # no zone: UTC
    assert b["kind"] == "retweet"
    assert b["author_followers"] is None  # blank: unknown, not zero
    c = posts["9007199254740993"]  # 2^53 + 1: a float would make it ...992
    assert c["created_at"] == datetime(2024, 3, 5, 8, 25, 30)
    assert c["kind"] == "reply" and c["hashtags"] == []


def test_mapping_naming_a_missing_column(workspace, helpers, tmp_path):
    path = write_custom_csv(
        tmp_path / "export.csv",
        [
            ["1764987654321098753", "2024-03-05T09:15:00Z", "text", "who", "1", "", "", ""],
        ],
    )
    before = helpers.dump(workspace)
    report = helpers.import_one(workspace, path, mapping={**MAPPING, "text": "Message"})
    assert report.error is not None
    assert "Message" in report.error and "does not have" in report.error
    assert "Body" in report.error  # it lists the columns the file has
    assert report.added == 0
    assert helpers.dump(workspace) == before


def test_mapping_without_required_fields(workspace, helpers, tmp_path):
    path = write_custom_csv(
        tmp_path / "export.csv",
        [
            ["1764987654321098753", "2024-03-05T09:15:00Z", "text", "who", "1", "", "", ""],
        ],
    )
    report = helpers.import_one(workspace, path, mapping={"post_id": "ID", "text": "Body"})
    assert report.error and "created_at" in report.error
    assert workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 0


def test_unknown_csv_without_mapping_asks_for_one(workspace, helpers, tmp_path):
    path = write_custom_csv(
        tmp_path / "export.csv",
        [
            ["1764987654321098753", "2024-03-05T09:15:00Z", "text", "who", "1", "", "", ""],
        ],
    )
    before = helpers.dump(workspace)
    report = helpers.import_one(workspace, path)
    assert report.error is not None
    assert "column mapping" in report.error
    assert "ID" in report.error and "Body" in report.error
    assert helpers.dump(workspace) == before
