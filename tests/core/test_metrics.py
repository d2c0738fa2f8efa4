"""The timeline's numbers on a workspace small enough to know every one of them by hand.

Workspaces are built with the real importer from Twitter v1.1 lines, as an archive would
bring them; sentiment comes from the real scorer (the VADER scores of the few texts used are
pinned below, so a different VADER fails loudly here rather than subtly elsewhere).
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone

import numpy as np
import pytest

from app.core import metrics as m
from app.core.ingest import import_paths
from app.core.sentiment import score_missing, score_texts
from app.core.store.workspace import Workspace
from tests.core.v1_statuses import status

T0 = 1636329600  # Mon 2021-11-08 00:00:00 UTC
HOUR = 3600

GOOD, BAD, NEUTRAL = 0.4404, -0.5423, 0.0


# ---- writing archives ------------------------------------------------------------------------


def write_jsonl(path, statuses) -> str:
    path.write_text("".join(json.dumps(s) + "\n" for s in statuses), encoding="utf-8")
    return str(path)


def import_file(ws: Workspace, path: str) -> None:
    (report,) = import_paths(ws, [path])
    assert report.ok, report.error


# ---- the tiny incident -----------------------------------------------------------------------
#
#   id   time      who            followers  kind     text            compound
#   101  T0+10s    alice          100        post     good            +0.4404   #Outage
#   102  T0+70s    bob            50         retweet  good (of 101)   +0.4404   #Outage
#   103  T0+130s   carol          unknown    post     bad             -0.5423   #outage #Bank
#   104  T0+3700s  bob            60         post     hello there      0.0
#   105  T0+3800s  Brand (brand)  1000       reply    good (to 103)   +0.4404
#   106  T0+7300s  dave           10         post     (not scored)             lang fr
#
# 106 comes in a second import after scoring, so hour 2 has a post but no score.


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    p101 = status("101", T0 + 10, "alice", "good", 100, hashtags=("Outage",), retweets=1, likes=5)
    p103 = status("103", T0 + 130, "carol", "bad", None, hashtags=("outage", "Bank"))
    first = [
        p101,
        status("102", T0 + 70, "bob", "", 50, retweet_of=p101),
        p103,
        status("104", T0 + 3700, "bob", "hello there", 60),
        status("105", T0 + 3800, "Brand", "good", 1000, reply_to=p103),
    ]
    ws = Workspace.open(d / "tiny.duckdb", create=True)
    ws.configure(brand_handles=["@Brand"])
    import_file(ws, write_jsonl(d / "a.jsonl", first))
    assert [s[0] for s in score_texts(["good", "bad", "hello there"])] == [GOOD, BAD, NEUTRAL]
    score_missing(ws)
    import_file(
        ws,
        write_jsonl(d / "b.jsonl", [status("106", T0 + 7300, "dave", "unscored words here", 10, lang="fr")]),
    )
    yield ws
    ws.close()


def hours(ws, flt=m.PostFilter(), start=T0, end=T0 + 3 * HOUR):
    return m.binned_series(ws, start, end, HOUR, flt)


def test_tiny_series_every_number(tiny):
    s = hours(tiny)
    assert s.bin_seconds == HOUR
    assert s.t.tolist() == [T0, T0 + HOUR, T0 + 2 * HOUR]
    assert s.t.dtype == np.float64
    assert {k: v.tolist() for k, v in s.volume.items()} == {
        "post": [2, 1, 1],
        "reply": [0, 1, 0],
        "quote": [0, 0, 0],
        "retweet": [1, 0, 0],
    }
    assert s.total.tolist() == [3, 2, 1]
    assert s.scored.tolist() == [3, 2, 0]
    assert s.mean_compound[:2] == pytest.approx([(2 * GOOD + BAD) / 3, (NEUTRAL + GOOD) / 2])
    assert s.neg_share[:2] == pytest.approx([1 / 3, 0])
    assert s.neu_share[:2] == pytest.approx([0, 1 / 2])
    assert s.pos_share[:2] == pytest.approx([2 / 3, 1 / 2])
    # hour 2 has a post but no score: its sentiment is unknown, not zero
    for arr in (s.mean_compound, s.neg_share, s.neu_share, s.pos_share):
        assert math.isnan(arr[2])
    assert s.exposure.tolist() == [150, 1060, 10]
    assert s.unknown_reach.tolist() == [1, 0, 0]
    assert s.cumulative_exposure.tolist() == [150, 1210, 1220]
    # bob counts once, at his first post (the retweet, 50 followers); carol's reach is unknown
    assert s.unique_audience.tolist() == [150, 1000, 10]
    assert s.cumulative_unique.tolist() == [150, 1150, 1160]
    assert s.source == "rollup"
    for arr in (s.total, s.exposure, s.unique_audience, s.cumulative_exposure, *s.volume.values()):
        assert arr.dtype == np.int64


def test_running_totals_count_from_the_incident_start_not_the_zoom(tiny):
    s = hours(tiny, start=T0 + HOUR + 1234, end=T0 + 2 * HOUR)
    assert s.t.tolist() == [T0 + HOUR]  # start floored to the bin
    assert s.total.tolist() == [2]
    assert s.cumulative_exposure.tolist() == [1210]
    assert s.cumulative_unique.tolist() == [1150]


def test_empty_bins_are_zeros_and_ranges_outside_the_incident(tiny):
    s = hours(tiny, start=T0 - 2 * HOUR, end=T0)
    assert s.total.tolist() == [0, 0]
    assert s.cumulative_exposure.tolist() == [0, 0]
    assert np.isnan(s.mean_compound).all()
    after = hours(tiny, start=T0 + 5 * HOUR, end=T0 + 6 * HOUR)
    assert after.total.tolist() == [0]
    assert after.cumulative_exposure.tolist() == [1220]
    assert after.cumulative_unique.tolist() == [1160]
    empty = m.binned_series(tiny, T0 + 10, T0 + 10, HOUR)
    assert len(empty.t) == 0 and len(empty.total) == 0 and len(empty.volume["post"]) == 0


def test_bins_that_are_not_whole_minutes_are_counted_from_the_posts(tiny):
    s = m.binned_series(tiny, T0, T0 + 180, 30)
    assert s.source == "posts"
    assert s.t.tolist() == [T0 + 30 * i for i in range(6)]
    assert s.total.tolist() == [1, 0, 1, 0, 1, 0]
    assert s.exposure.tolist() == [100, 0, 50, 0, 0, 0]
    assert s.unknown_reach.tolist() == [0, 0, 0, 0, 1, 0]
    assert s.unique_audience.tolist() == [100, 0, 50, 0, 0, 0]
    later = m.binned_series(tiny, T0 + 3690, T0 + 3720, 30)
    assert later.t.tolist() == [T0 + 3690]
    assert later.cumulative_exposure.tolist() == [210]
    assert later.cumulative_unique.tolist() == [150]  # bob was already counted


@pytest.mark.parametrize(
    ("flt", "total", "exposure", "unique"),
    [
        # bob's first *original* post is 104 (60 followers): unique audience follows the filter
        (m.PostFilter(kinds=frozenset({"post"})), [2, 1, 1], [100, 60, 10], [100, 60, 10]),
        (m.PostFilter(kinds=frozenset({"retweet", "reply"})), [1, 1, 0], [50, 1000, 0], [50, 1000, 0]),
        (m.PostFilter(brand="only"), [0, 1, 0], [0, 1000, 0], [0, 1000, 0]),
        (m.PostFilter(brand="exclude"), [3, 1, 1], [150, 60, 10], [150, 0, 10]),
        (m.PostFilter(min_followers=60), [1, 2, 0], [100, 1060, 0], [100, 1060, 0]),
        (m.PostFilter(text="GOOD"), [2, 1, 0], [150, 1000, 0], [150, 1000, 0]),
        (m.PostFilter(hashtag="outage"), [3, 0, 0], [150, 0, 0], [150, 0, 0]),
        (m.PostFilter(hashtag="#BANK"), [1, 0, 0], [0, 0, 0], [0, 0, 0]),
        (m.PostFilter(author="@BOB"), [1, 1, 0], [50, 60, 0], [50, 0, 0]),
        (m.PostFilter(lang="fr"), [0, 0, 1], [0, 0, 10], [0, 0, 10]),
        (
            m.PostFilter(kinds=frozenset({"post"}), brand="exclude", min_followers=50),
            [1, 1, 0],
            [100, 60, 0],
            [100, 60, 0],
        ),
    ],
)
def test_each_filter_field(tiny, flt, total, exposure, unique):
    s = hours(tiny, flt)
    assert s.total.tolist() == total
    assert s.exposure.tolist() == exposure
    assert s.unique_audience.tolist() == unique
    assert s.source == ("rollup" if flt.uses_rollups() else "posts")


def test_all_four_kinds_is_no_kinds_filter(tiny):
    flt = m.PostFilter(kinds=frozenset(m.KINDS))
    assert flt.is_empty() and flt.describe() == "" and flt.kinds_mask() == 15
    assert hours(tiny, flt).total.tolist() == hours(tiny).total.tolist()


def test_filter_validation_and_normalisation():
    with pytest.raises(ValueError, match="unknown kind"):
        m.PostFilter(kinds=frozenset({"tweet"}))
    with pytest.raises(ValueError, match="brand must be one of"):
        m.PostFilter(brand="some")
    f = m.PostFilter(hashtag=" #Outage ", author="@JPMorgan", kinds={"post"})
    assert f.hashtag == "Outage" and f.author == "JPMorgan"
    assert isinstance(f.kinds, frozenset)
    assert hash(f) == hash(m.PostFilter(hashtag="Outage", author="JPMorgan", kinds=frozenset({"post"})))


def test_describe():
    assert m.PostFilter().describe() == "" and m.PostFilter().is_empty()
    f = m.PostFilter(text="bell", kinds=frozenset({"post", "reply", "quote"}), brand="only")
    assert f.describe() == "text contains “bell”; retweets excluded; brand accounts only"
    assert not f.is_empty()
    assert m.PostFilter(kinds=frozenset({"post", "reply"})).describe() == "only original posts and replies"
    assert m.PostFilter(kinds=frozenset({"quote"})).describe() == "only quotes"
    assert m.PostFilter(kinds=frozenset({"post", "quote", "retweet"})).describe() == "replies excluded"
    assert m.PostFilter(
        hashtag="#Outage", author="@bob", lang="es", min_followers=1000, brand="exclude"
    ).describe() == (
        "hashtag #Outage; by @bob; language “es”; authors with at least 1,000 followers; "
        "brand accounts excluded"
    )


def test_text_filter_is_a_parameter_not_sql(tmp_path):
    texts = {
        "1": "100% sure it's fine",
        "2": "100 percent sure",
        "3": "snake_case here",
        "4": "snakeXcase here",
        "5": "x'); DROP TABLE posts; --",
        "6": "it's a quote",
        "7": "back\\slash",
        "8": "Ärger über die Bank (wieder) a.b*c",
    }
    ws = Workspace.open(tmp_path / "p.duckdb", create=True)
    import_file(
        ws,
        write_jsonl(
            tmp_path / "p.jsonl",
            [status(i, T0 + int(i) * 60, "u" + i, text, 10) for i, text in texts.items()],
        ),
    )

    def ids(text):
        rows, total = m.posts_around(ws, T0 + 300, 600, m.PostFilter(text=text))
        assert total == len(rows)
        s = m.binned_series(ws, T0, T0 + HOUR, HOUR, m.PostFilter(text=text))
        assert s.total.sum() == total
        return sorted(r.post_id for r in rows)

    assert ids("%") == ["1"]
    assert ids("_") == ["3"]
    assert ids("'") == ["1", "5", "6"]
    assert ids('"x\'); DROP TABLE posts; --"') == ["5"]  # a phrase of the query language
    assert ids("\\") == ["7"]
    assert ids("100%") == ["1"]
    assert ids("SNAKE_") == ["3"]
    assert ids("'; SELECT 1; --") == []
    assert ids("ärger") == ["8"]  # case-insensitive beyond ASCII
    assert ids("(WIEDER)") == ["8"]
    assert ids("a.b*c") == ["8"]  # no pattern characters of any kind
    assert ids(".") == ["8"]
    assert ids("\\E") == []
    assert ws.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 8
    # the same for the other text-like fields
    assert m.posts_around(ws, T0 + 300, 600, m.PostFilter(author="u1' OR '1'='1"))[1] == 0
    assert m.posts_around(ws, T0 + 300, 600, m.PostFilter(hashtag="x' OR 1=1 --"))[1] == 0
    assert m.posts_around(ws, T0 + 300, 600, m.PostFilter(lang="en' OR 'a'='a"))[1] == 0
    ws.close()


# ---- bins and time zones -------------------------------------------------------------------


def test_choose_bin():
    assert m.choose_bin(6 * 86400, 1200) == 3600  # needs >= 1296 s
    assert m.choose_bin(3600, 1200) == 60
    assert m.choose_bin(12 * 3600, 1200) == 300  # needs 108 s
    assert m.choose_bin(60 * 86400, 1200) == 6 * 3600  # needs 12960 s
    assert m.choose_bin(400 * 86400, 1200) == 86400  # clamped to the largest
    assert m.choose_bin(0, 1200) == 60  # clamped to the smallest
    assert m.choose_bin(86400, 0) == 86400  # no pixels: the coarsest, never a crash
    assert m.choose_bin(86400, 1200, min_px_per_bin=1) == 300  # needs 72 s
    # every answer leaves bins at least min_px wide, unless clamped
    for span in (600, 5000, 86400, 7 * 86400):
        for px in (200, 800, 2400):
            b = m.choose_bin(span, px)
            assert b * px / span >= 3 or b == m.NICE_BINS[-1]
            smaller = [n for n in m.NICE_BINS if n < b]
            assert not smaller or smaller[-1] * px / span < 3


def utc(s: str) -> int:
    return int(datetime.fromisoformat(s).replace(tzinfo=timezone.utc).timestamp())


def test_day_bins_start_at_local_midnight():
    edges = m.bin_edges(utc("2021-11-10T12:00"), utc("2021-11-12T12:00"), 86400, "America/New_York")
    # EST in November: local midnight is 05:00 UTC
    assert edges.tolist() == [
        utc("2021-11-10T05:00"),
        utc("2021-11-11T05:00"),
        utc("2021-11-12T05:00"),
        utc("2021-11-13T05:00"),
    ]
    summer = m.bin_edges(utc("2021-07-01T12:00"), utc("2021-07-01T13:00"), 86400, "America/New_York")
    assert summer.tolist() == [utc("2021-07-01T04:00"), utc("2021-07-02T04:00")]


def test_the_day_clocks_go_back_has_25_hours():
    # 2021-11-07: New York leaves daylight saving time at 06:00 UTC
    edges = m.bin_edges(utc("2021-11-06T12:00"), utc("2021-11-08T12:00"), 86400, "America/New_York")
    assert edges.tolist() == [
        utc("2021-11-06T04:00"),
        utc("2021-11-07T04:00"),
        utc("2021-11-08T05:00"),
        utc("2021-11-09T05:00"),
    ]
    hours_ = m.bin_edges(utc("2021-11-07T03:00"), utc("2021-11-07T09:00"), 3600, "America/New_York")
    assert np.all(np.diff(hours_) == 3600)  # hour bins stay an hour long
    three = m.bin_edges(utc("2021-11-07T00:00"), utc("2021-11-07T12:00"), 3 * 3600, "America/New_York")
    # local 00:00 EDT (04:00Z) to 03:00 EST (08:00Z) is four real hours
    assert utc("2021-11-07T04:00") in three.tolist() and utc("2021-11-07T08:00") in three.tolist()
    assert utc("2021-11-07T07:00") not in three.tolist()
    spring = m.bin_edges(utc("2021-03-13T12:00"), utc("2021-03-15T12:00"), 86400, "America/New_York")
    assert np.diff(spring).tolist() == [86400, 23 * 3600, 86400]


def test_hour_bins_in_a_half_hour_zone():
    edges = m.bin_edges(utc("2021-11-08T10:10"), utc("2021-11-08T12:00"), 3600, "Asia/Kolkata")
    assert edges.tolist() == [
        utc("2021-11-08T09:30"),
        utc("2021-11-08T10:30"),
        utc("2021-11-08T11:30"),
        utc("2021-11-08T12:30"),
    ]


def test_series_in_the_workspace_time_zone(tmp_path):
    ws = Workspace.open(tmp_path / "tz.duckdb", create=True)
    ws.configure(timezone="America/New_York")
    import_file(
        ws,
        write_jsonl(
            tmp_path / "tz.jsonl",
            [
                status("1", utc("2021-11-08T04:30"), "a", "good", 10),  # Nov 7, 23:30 in New York
                status("2", utc("2021-11-08T05:30"), "b", "good", 20),  # Nov 8, 00:30 in New York
                status("3", utc("2021-11-09T04:59"), "c", "good", 40),  # Nov 8, 23:59 in New York
            ],
        ),
    )
    s = m.binned_series(ws, utc("2021-11-08T00:00"), utc("2021-11-09T12:00"), 86400)
    assert s.t.tolist() == [utc("2021-11-07T04:00"), utc("2021-11-08T05:00"), utc("2021-11-09T05:00")]
    assert s.total.tolist() == [1, 2, 0]
    assert s.exposure.tolist() == [10, 60, 0]
    assert s.source == "rollup"
    assert s.bin_ends.tolist() == [utc("2021-11-08T05:00"), utc("2021-11-09T05:00"), utc("2021-11-10T05:00")]
    # the day the clocks go back is 25 hours long, and its bin says so
    dst = m.binned_series(ws, utc("2021-11-07T12:00"), utc("2021-11-07T13:00"), 86400)
    assert dst.t.tolist() == [utc("2021-11-07T04:00")] and dst.bin_ends.tolist() == [utc("2021-11-08T05:00")]
    assert dst.total.tolist() == [1]
    ws.close()


def test_incident_span(tiny, tmp_path):
    assert m.incident_span(tiny) == (T0 + 10, T0 + 7300)
    empty = Workspace.open(tmp_path / "empty.duckdb", create=True)
    assert m.incident_span(empty) is None
    s = m.binned_series(empty, T0, T0 + HOUR, 60)
    assert s.total.sum() == 0 and len(s.t) == 60
    assert m.posts_around(empty, T0, 60) == ([], 0)
    assert m.top_amplifiers(empty, T0, T0 + HOUR) == []
    empty.close()


# ---- posts ---------------------------------------------------------------------------------


def test_posts_around_window_and_rows(tiny):
    rows, total = m.posts_around(tiny, T0 + 1800, 1800)
    assert total == 3
    assert [r.post_id for r in rows] == ["101", "102", "103"]
    r101 = rows[0]
    assert r101.created_at == datetime(2021, 11, 8, 0, 0, 10)
    assert (r101.author_handle, r101.author_name, r101.author_followers, r101.kind) == (
        "alice",
        "Alice",
        100,
        "post",
    )
    assert r101.compound == pytest.approx(GOOD) and r101.pos == pytest.approx(1.0)
    assert r101.hashtags == ["Outage"] and r101.mentions == [] and r101.urls == []
    assert r101.engagement == 6
    assert r101.url == "https://twitter.com/alice/status/101"
    assert rows[2].author_followers is None
    # both ends of the window are included
    rows, total = m.posts_around(tiny, T0 + 3700 - 100, 100)
    assert [r.post_id for r in rows] == ["104"]
    # the unscored post
    rows, _ = m.posts_around(tiny, T0 + 7300, 1)
    assert rows[0].compound is None and rows[0].neg is None


def test_posts_around_sorts_and_limits(tiny):
    def ids(sort, desc=False, limit=500, flt=m.PostFilter()):
        rows, total = m.posts_around(
            tiny, T0 + 2 * HOUR, 2 * HOUR + 100, flt, sort=sort, descending=desc, limit=limit
        )
        assert total == 6 if flt.is_empty() else True
        return [r.post_id for r in rows]

    assert ids("time") == ["101", "102", "103", "104", "105", "106"]
    assert ids("time", True) == ["106", "105", "104", "103", "102", "101"]
    assert ids("time", limit=2) == ["101", "102"]
    assert ids("time", True, limit=2) == ["106", "105"]
    # unknown followers (carol) last whichever the direction
    assert ids("exposure", True) == ["105", "101", "104", "102", "106", "103"]
    assert ids("exposure") == ["106", "102", "104", "101", "105", "103"]
    # engagement: 101 has 1 retweet + 5 likes, the others nothing (ties by time)
    assert ids("engagement", True) == ["101", "102", "103", "104", "105", "106"]
    assert ids("engagement", True, limit=1) == ["101"]
    # unscored (106) last whichever the direction; ties by time
    assert ids("sentiment") == ["103", "104", "101", "102", "105", "106"]
    assert ids("sentiment", True) == ["101", "102", "105", "104", "103", "106"]
    assert ids("sentiment", True, limit=3, flt=m.PostFilter(brand="exclude")) == ["101", "102", "104"]
    rows, total = m.posts_around(tiny, T0 + 2 * HOUR, 2 * HOUR + 100, m.PostFilter(author="bob"), limit=1)
    assert total == 2 and [r.post_id for r in rows] == ["102"]
    with pytest.raises(ValueError, match="sort must be one of"):
        m.posts_around(tiny, T0, 60, sort="loudness")


def test_get_post_and_original_of(tiny):
    rt = m.get_post(tiny, "twitter", "102")
    assert rt.kind == "retweet" and rt.ref_post_id == "101" and rt.ref_author_handle == "alice"
    assert rt.text == "good" and rt.compound == pytest.approx(GOOD)
    original = m.original_of(tiny, rt)
    assert original.post_id == "101" and original.author_handle == "alice" and original.kind == "post"
    reply = m.get_post(tiny, "twitter", "105")
    assert m.original_of(tiny, reply).post_id == "103"
    assert m.original_of(tiny, original) is None
    assert m.get_post(tiny, "twitter", "999") is None
    assert m.get_post(tiny, "bluesky", "101") is None


def test_get_post_by_snowflake_id(tmp_path):
    def snowflake(t: float) -> str:
        return str((int(t * 1000) - 1288834974657) << 22 | 7)

    ws = Workspace.open(tmp_path / "sf.duckdb", create=True)
    orig = status(snowflake(T0 + 5), T0 + 5, "a", "good", 10)
    # an id whose embedded time is not the post's (a CSV with made-up ids): found all the same
    odd = status(snowflake(T0 - 86400 * 300), T0 + 50, "c", "meh", 5)
    import_file(
        ws,
        write_jsonl(
            tmp_path / "sf.jsonl",
            [orig, status(snowflake(T0 + 20), T0 + 20, "b", "", 20, retweet_of=orig), odd],
        ),
    )
    rt = m.get_post(ws, "twitter", snowflake(T0 + 20))
    assert rt.kind == "retweet" and m.original_of(ws, rt).post_id == orig["id_str"]
    assert m.get_post(ws, "twitter", odd["id_str"]).author_handle == "c"
    ws.close()


# ---- amplifiers ----------------------------------------------------------------------------


def test_top_amplifiers(tiny):
    amps = m.top_amplifiers(tiny, T0, T0 + 3 * HOUR)
    assert [a.author_handle for a in amps] == ["Brand", "bob", "alice", "dave", "carol"]
    brand, bob, alice, _dave, carol = amps
    assert (brand.exposure, brand.posts, brand.followers, brand.author_name) == (1000, 1, 1000, "Brand")
    assert (bob.exposure, bob.posts, bob.followers) == (110, 2, 60)  # latest followers
    assert bob.top_post_ids == ("102", "104") and bob.retweets_received == 0
    assert (alice.retweets_received, alice.top_post_ids) == (1, ("101",))
    assert (carol.followers, carol.exposure) == (None, 0)
    assert m.top_amplifiers(tiny, T0, T0 + 3 * HOUR, limit=2) == amps[:2]
    only_first_hour = m.top_amplifiers(tiny, T0, T0 + HOUR)
    assert [(a.author_handle, a.exposure) for a in only_first_hour] == [
        ("alice", 100),
        ("bob", 50),
        ("carol", 0),
    ]
    assert [
        a.author_handle for a in m.top_amplifiers(tiny, T0, T0 + 3 * HOUR, m.PostFilter(brand="exclude"))
    ] == ["bob", "alice", "dave", "carol"]
    assert m.top_amplifiers(tiny, T0 + HOUR, T0) == []


def test_calls_from_worker_threads_with_their_own_cursor(tiny):
    import threading

    results, errors = [], []

    def work():
        try:
            con = tiny.cursor()
            results.append(m.binned_series(tiny, T0, T0 + 3 * HOUR, HOUR, con=con).total.tolist())
            results.append(m.posts_around(tiny, T0, 3 * HOUR, con=con)[1])
        except Exception as exc:  # noqa: BLE001 - any failure in a worker thread is asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert results.count([3, 2, 1]) == 4


def test_time_sorted_windows_are_exact_when_narrowed_by_minute_counts(tmp_path):
    """posts_around narrows a busy time-sorted window with the filter's per-minute counts;
    whatever the window's edges within their minutes, the rows are those of the whole window."""
    ws = Workspace.open(tmp_path / "busy.duckdb", create=True)
    times = [T0 + 60 * minute + sec for minute in range(4) for sec in range(3, 60, 6)]
    import_file(
        ws,
        write_jsonl(
            tmp_path / "busy.jsonl",
            [status(str(1000 + i), t, f"u{i % 7}", "good", 10 + i) for i, t in enumerate(times)],
        ),
    )
    for flt in (m.PostFilter(), m.PostFilter(author="u3")):
        m.binned_series(ws, T0, T0 + 600, 60, flt)  # the window draws the series first
        mine = [(t, str(1000 + i)) for i, t in enumerate(times) if flt.author in ("", f"u{i % 7}")]
        for centre in range(T0 - 20, T0 + 260, 11):
            for half in (20, 100):
                inside = [pid for t, pid in mine if centre - half <= t <= centre + half]
                for limit in (1, 11):
                    for desc in (False, True):
                        rows, total = m.posts_around(ws, centre, half, flt, descending=desc, limit=limit)
                        want = (inside[::-1] if desc else inside)[:limit]
                        assert total == len(inside)
                        assert [r.post_id for r in rows] == want, (flt, centre, half, limit, desc)
    ws.close()
