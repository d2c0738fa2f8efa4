"""The human check of the sentiment: the sample to label, the labels, VADER's agreement with
them, and the posts_labelled view that lets human labels override VADER.

The workspace is imported with the real importer from Twitter v1.1 lines written here and
scored with the real VADER: texts whose class VADER gets right, and a few sarcastic ones it
gets wrong.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from datetime import datetime, timezone

import pytest

from app.core.errors import UserError
from app.core.ingest import import_paths
from app.core.sentiment import labels as lb
from app.core.sentiment import score_missing, score_texts
from app.core.store import Workspace

T0 = 1636329600  # Mon 2021-11-08 00:00 UTC
HOURS = 10
TEXTS = {
    "positive": "what a great day {i}",
    "negative": "terrible awful service {i}",
    "neutral": "the office opens at {i}",
}
# Sarcasm VADER reads as praise: a human calls each of these negative.
SARCASM = [
    "Great job, another fine you paid. Love it.",
    "Wow, thanks for the wonderful foreclosure, so kind",
]


def v1_time(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y")


def status(post_id: str, t: float, handle: str, text: str, retweet_of: dict | None = None) -> dict:
    user = {
        "id_str": str(zlib.crc32(handle.encode())),
        "screen_name": handle,
        "name": handle,
        "followers_count": 100,
    }
    s = {
        "created_at": v1_time(t),
        "id_str": post_id,
        "text": text,
        "user": user,
        "lang": "en",
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
    }
    if retweet_of is not None:
        s["text"] = f"RT @{retweet_of['user']['screen_name']}: {retweet_of['text']}"
        s["retweeted_status"] = retweet_of
    return s


def write(path, statuses) -> None:
    path.write_text("".join(json.dumps(s) + "\n" for s in statuses), encoding="utf-8")


@pytest.fixture
def ws(tmp_path):
    """Ten hours; each hour three posts of each class (distinct texts), two sarcastic posts,
    and retweets of the first posts of each class."""
    statuses, n = [], 0
    originals = {}
    for h in range(HOURS):
        for j, (cls, pattern) in enumerate(TEXTS.items()):
            for k in range(3):
                n += 1
                s = status(str(1000 + n), T0 + h * 3600 + j * 600 + k * 60, f"user{n}", pattern.format(i=n))
                statuses.append(s)
                originals.setdefault(cls, s)
    for i, text in enumerate(SARCASM):
        statuses.append(status(str(5000 + i), T0 + 5 * 3600 + 1800 + i, f"wit{i}", text))
    for i, s in enumerate(originals.values()):
        for r in range(4):
            statuses.append(
                status(
                    str(9000 + 10 * i + r), T0 + HOURS * 3600 + 60 * (4 * i + r), f"fan{r}", "", retweet_of=s
                )
            )
    statuses.sort(key=lambda s: int(s["id_str"]))
    path = tmp_path / "incident.jsonl"
    write(path, statuses)
    w = Workspace.open(tmp_path / "incident.duckdb", create=True)
    (report,) = import_paths(w, [path])
    assert report.ok and report.added == len(statuses)
    score_missing(w)
    yield w
    w.close()


def vader(ws, platform, post_id) -> str:
    return ws.con.execute(
        "SELECT vader_class FROM posts_labelled WHERE platform = ? AND post_id = ?", [platform, post_id]
    ).fetchone()[0]


def test_the_texts_are_what_vader_says_they_are():
    for cls, pattern in TEXTS.items():
        assert lb.vader_class(score_texts([pattern.format(i=7)])[0][0]) == cls
    assert all(lb.vader_class(c) == "positive" for c, *_ in score_texts(SARCASM))
    assert lb.vader_class(None) is None and lb.vader_class(-0.05) == "negative"
    assert lb.vader_class(0.05) == "positive" and lb.vader_class(0.0499) == "neutral"


# ---- the sample -------------------------------------------------------------------------------


def test_the_sample_is_spread_over_classes_and_time_with_distinct_texts(ws):
    sample = lb.sample_for_labelling(ws, n=30, seed=1)
    assert len(sample) == 30
    assert len({p.text for p in sample}) == 30
    assert all(p.kind != "retweet" and p.compound is not None for p in sample)
    assert Counter(lb.vader_class(p.compound) for p in sample) == {
        "positive": 10,
        "negative": 10,
        "neutral": 10,
    }
    hours = Counter(int((p.created_at.replace(tzinfo=timezone.utc).timestamp() - T0) // 3600) for p in sample)
    # five periods of equal numbers of texts (about two hours each, the sarcastic posts
    # shift the edges a little): each gives six of the thirty
    blocks = [sum(hours[h] for h in (2 * k, 2 * k + 1)) for k in range(5)]
    assert sum(blocks) == 30 and min(blocks) >= 5 and max(blocks) <= 7, blocks
    assert [p.created_at for p in sample] == sorted(p.created_at for p in sample)


def test_the_same_seed_gives_the_same_sample_and_another_seed_another(ws):
    a = [p.post_id for p in lb.sample_for_labelling(ws, n=15, seed=3)]
    assert a == [p.post_id for p in lb.sample_for_labelling(ws, n=15, seed=3)]
    assert a != [p.post_id for p in lb.sample_for_labelling(ws, n=15, seed=4)]


def test_labelled_texts_are_not_offered_again_nor_their_retweets(ws):
    first = lb.sample_for_labelling(ws, n=200)
    total = len(first)
    assert total == HOURS * 9 + len(SARCASM)  # every distinct scored text, once
    originals = {p.text: p for p in first}
    retweeted = ws.con.execute("SELECT DISTINCT ref_post_id FROM posts WHERE kind = 'retweet'").fetchall()
    for (post_id,) in retweeted:
        lb.set_label(ws, "twitter", post_id, "neutral")
    again = lb.sample_for_labelling(ws, n=200)
    assert len(again) == total - len(retweeted)
    offered = {p.post_id for p in again}
    assert not offered & {pid for (pid,) in retweeted}
    assert all(originals[p.text].post_id == p.post_id for p in again)


def test_the_sample_takes_what_there_is_and_leaves_unscored_posts_out(ws, tmp_path):
    path = tmp_path / "late.jsonl"
    write(path, [status("7777", T0 + 20 * 3600, "late", "brand new unscored words")])
    (report,) = import_paths(ws, [path])
    assert report.ok
    sample = lb.sample_for_labelling(ws, n=1000)
    assert "7777" not in {p.post_id for p in sample}
    assert lb.sample_for_labelling(ws, n=0) == []
    small = lb.sample_for_labelling(ws, n=2)
    assert len(small) == 2 and len({lb.vader_class(p.compound) for p in small}) == 2


def test_an_empty_workspace_has_nothing_to_label(tmp_path):
    with Workspace.open(tmp_path / "empty.duckdb", create=True) as empty:
        assert lb.sample_for_labelling(empty) == []
        a = lb.agreement(empty)
        assert (a.n, a.accuracy, a.kappa, a.unscored) == (0, None, None, 0)
        assert a.precision == dict.fromkeys(lb.CLASSES)


# ---- labels --------------------------------------------------------------------------------------


def test_labels_are_set_replaced_cleared_and_kept(ws):
    lb.set_label(ws, "twitter", "1001", "Negative ")
    lb.set_label(ws, "twitter", "1002", "neutral")
    lb.set_label(ws, "twitter", "1001", "positive")
    assert lb.labels(ws) == {("twitter", "1001"): "positive", ("twitter", "1002"): "neutral"}
    lb.clear_label(ws, "twitter", "1002")
    lb.clear_label(ws, "twitter", "1002")
    path = ws.path
    ws.close()
    with Workspace.open(path) as again:
        assert lb.labels(again) == {("twitter", "1001"): "positive"}


def test_bad_labels_and_unknown_posts_are_refused(ws):
    with pytest.raises(UserError, match="not a sentiment label"):
        lb.set_label(ws, "twitter", "1001", "sarcastic")
    with pytest.raises(UserError, match="no post 42"):
        lb.set_label(ws, "twitter", "42", "negative")
    with pytest.raises(UserError, match="no post 1001 on mastodon"):
        lb.set_label(ws, "mastodon", "1001", "negative")
    assert lb.labels(ws) == {}


# ---- agreement ------------------------------------------------------------------------------


def test_agreement_on_hand_labelled_posts(ws):
    by_class = {
        cls: [
            pid
            for (pid,) in ws.con.execute(
                "SELECT post_id FROM posts_labelled WHERE vader_class = ? AND kind = 'post' ORDER BY post_id",
                [cls],
            ).fetchall()
        ]
        for cls in lb.CLASSES
    }
    # the human agrees on 4 negative, 3 neutral and 2 positive posts ...
    hand = dict.fromkeys(by_class["negative"][:4], "negative")
    hand.update(dict.fromkeys(by_class["neutral"][:3], "neutral"))
    hand.update(dict.fromkeys(by_class["positive"][:2], "positive"))
    # ... calls the sarcasm negative, one plain positive post neutral, one neutral post negative
    hand.update({"5000": "negative", "5001": "negative"})
    hand[by_class["positive"][5]] = "neutral"
    hand[by_class["neutral"][5]] = "negative"
    for pid, label in hand.items():
        lb.set_label(ws, "twitter", pid, label)
    assert vader(ws, "twitter", "5000") == "positive"

    a = lb.agreement(ws)
    assert a.n == 13 and a.unscored == 0
    assert a.confusion == {
        ("negative", "negative"): 4,
        ("negative", "neutral"): 1,
        ("negative", "positive"): 2,
        ("neutral", "negative"): 0,
        ("neutral", "neutral"): 3,
        ("neutral", "positive"): 1,
        ("positive", "negative"): 0,
        ("positive", "neutral"): 0,
        ("positive", "positive"): 2,
    }
    assert a.accuracy == pytest.approx(9 / 13)
    assert a.precision == pytest.approx({"negative": 1.0, "neutral": 3 / 4, "positive": 2 / 5})
    assert a.recall == pytest.approx({"negative": 4 / 7, "neutral": 3 / 4, "positive": 1.0})
    assert a.f1["negative"] == pytest.approx(2 * 1.0 * (4 / 7) / (1.0 + 4 / 7))
    # Cohen's kappa: observed 9/13 against chance sum(row * column) / n^2
    expected = (7 * 4 + 4 * 4 + 2 * 5) / 169
    assert a.kappa == pytest.approx((9 / 13 - expected) / (1 - expected))
    assert a.table() == [
        ["human \\ VADER", "negative", "neutral", "positive"],
        ["negative", 4, 1, 2],
        ["neutral", 0, 3, 1],
        ["positive", 0, 0, 2],
    ]


def test_labels_on_posts_not_yet_scored_are_counted_apart(ws, tmp_path):
    path = tmp_path / "late.jsonl"
    write(path, [status("7777", T0 + 20 * 3600, "late", "brand new unscored words")])
    assert import_paths(ws, [path])[0].ok
    lb.set_label(ws, "twitter", "7777", "neutral")
    lb.set_label(ws, "twitter", "1001", "positive")
    a = lb.agreement(ws)
    assert (a.n, a.unscored, a.accuracy) == (1, 1, 1.0)


# ---- human labels overriding VADER --------------------------------------------------------------


def test_posts_labelled_puts_the_human_label_first_for_the_post_and_its_retweets(ws):
    retweeted = ws.con.execute(
        "SELECT ref_post_id, count(*) FROM posts WHERE kind = 'retweet' GROUP BY 1 ORDER BY 1 LIMIT 1"
    ).fetchone()
    original, retweets = retweeted
    before = dict(
        ws.con.execute("SELECT effective_class, count(*) FROM posts_labelled GROUP BY 1").fetchall()
    )
    assert before == dict(
        ws.con.execute("SELECT vader_class, count(*) FROM posts_labelled GROUP BY 1").fetchall()
    )
    cls = vader(ws, "twitter", original)
    flipped = "negative" if cls != "negative" else "positive"
    lb.set_label(ws, "twitter", original, flipped)
    lb.set_label(ws, "twitter", "5000", "negative")
    rows = ws.con.execute(
        "SELECT post_id, kind, human_label, vader_class, effective_class FROM posts_labelled "
        "WHERE human_label IS NOT NULL ORDER BY post_id"
    ).fetchall()
    assert len(rows) == 1 + retweets + 1
    assert all(r[2] == r[4] for r in rows)
    assert {r[1] for r in rows} == {"post", "retweet"}
    after = dict(ws.con.execute("SELECT effective_class, count(*) FROM posts_labelled GROUP BY 1").fetchall())
    assert after[flipped] == before.get(flipped, 0) + 1 + retweets + (1 if flipped == "negative" else 0)
    assert after["positive"] == before["positive"] - (1 + retweets if cls == "positive" else 0) - 1
    assert sum(after.values()) == sum(before.values())


def test_series_with_human_labels_overriding_vader(tmp_path, fixtures_dir):
    """A post VADER reads as positive, labelled negative by a person, moves (with every post
    of the same text) from the positive to the negative share of its bin; nothing else moves."""
    import numpy as np

    from app.core import metrics
    from app.core.ingest import import_paths
    from app.core.sentiment import labels as lab
    from app.core.sentiment import score_missing
    from app.core.store import Workspace

    with Workspace.open(tmp_path / "w.duckdb", create=True) as ws:
        import_paths(ws, [fixtures_dir / "python-twitter" / "get_search_raw.json"])
        score_missing(ws, workers=1)
        first, last = metrics.incident_span(ws)
        plain = metrics.binned_series(ws, first, last + 1, 86400)
        platform, post_id, text_key, _t = (
            ws.cursor()
            .execute(
                "SELECT platform, post_id, text_key, epoch(created_at) FROM posts_scored "
                "WHERE compound >= 0.05 ORDER BY created_at LIMIT 1"
            )
            .fetchone()
        )
        same_text = (
            ws.cursor()
            .execute("SELECT epoch(created_at) FROM posts WHERE text_key = ?", [text_key])
            .fetchall()
        )
        assert lab.with_human_labels(ws, plain) is plain  # no labels: the series as it was
        lab.set_label(ws, platform, post_id, "negative")
        relabelled = lab.with_human_labels(ws, plain)
        moved = np.zeros(len(plain.t))
        for (ts,) in same_text:
            moved[np.searchsorted(plain.t, ts, side="right") - 1] += 1
        scored = plain.scored.astype(float)
        ok = scored > 0
        assert np.allclose(relabelled.neg_share[ok], plain.neg_share[ok] + moved[ok] / scored[ok])
        assert np.allclose(relabelled.pos_share[ok], plain.pos_share[ok] - moved[ok] / scored[ok])
        assert np.allclose(relabelled.neu_share[ok], plain.neu_share[ok])
        assert np.array_equal(relabelled.total, plain.total)
        # a filter that leaves the post out leaves the series as VADER has it
        other = metrics.PostFilter(author="nobody_at_all")
        filtered = metrics.binned_series(ws, first, last + 1, 86400, other)
        assert lab.with_human_labels(ws, filtered, other) is filtered
