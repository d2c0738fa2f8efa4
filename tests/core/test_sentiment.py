"""VADER scores: exact, each distinct text once, resumable after a cancel."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from app.core.progress import Cancelled, CancelToken
from app.core.sentiment import chunks, missing_count, score_missing


@pytest.fixture(scope="module")
def analyzer():
    return SentimentIntensityAnalyzer()


def assert_scores_exact(ws, analyzer, only_scored=False):
    rows = ws.con.execute(
        "SELECT post_id, text, compound, pos, neu, neg FROM posts_scored"
        # posts in scope (scored, or waiting for it)
        + " WHERE (not_scored IS NULL OR not_scored = 'pending')"
        + (" AND compound IS NOT NULL" if only_scored else "")
    ).fetchall()
    assert rows
    for post_id, text, compound, pos, neu, neg in rows:
        want = analyzer.polarity_scores(text)
        assert (compound, pos, neu, neg) == (want["compound"], want["pos"], want["neu"], want["neg"]), post_id
    return len(rows)


@pytest.fixture
def imported(workspace, fixtures_dir, helpers):
    for name in (
        "python-twitter/get_search_raw.json",
        "python-twitter/streaming_lines.json",
        "twarc-csv/noflat.jsonl",
    ):
        assert helpers.import_one(workspace, fixtures_dir / name).error is None
    return workspace


def distinct_texts(ws) -> int:
    """Distinct texts in the sentiment's scope (what a scoring run scores)."""
    return ws.con.execute(
        "SELECT count(DISTINCT text) FROM posts_scored WHERE not_scored IS NULL OR not_scored = 'pending'"
    ).fetchone()[0]


def test_scores_equal_vader_exactly_on_every_post_in_scope(imported, analyzer):
    """The real archives mix languages: English posts (and posts of no telling language) are
    scored exactly as VADER scores them; the others are left out as "language"."""
    ws = imported
    total = ws.con.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert total == 271
    n = score_missing(ws)
    in_scope = ws.con.execute(
        "SELECT count(DISTINCT text) FROM posts_scored WHERE not_scored IS NULL"
    ).fetchone()[0]
    assert n == in_scope
    scored = assert_scores_exact(ws, analyzer, only_scored=True)
    reasons = dict(ws.con.execute("SELECT not_scored, count(*) FROM posts_scored GROUP BY ALL").fetchall())
    assert reasons[None] == scored
    # nothing waits: every post is scored or out of scope for a stated reason
    assert set(reasons) <= {None, "language", "no_text"}
    # the platform said English for most, and another language for dozens
    platform_other = ws.con.execute(
        "SELECT count(*) FROM posts WHERE lang IS NOT NULL AND lang NOT IN ('en', 'und')"
    ).fetchone()[0]
    assert platform_other > 40
    assert reasons["language"] >= platform_other
    assert 0.6 < ws.info()["scored_share"] < 0.9


def test_scoring_twice_scores_nothing_the_second_time(imported):
    first = score_missing(imported)
    assert first > 0
    before = imported.con.execute("SELECT * FROM sentiment ORDER BY text_key").fetchall()
    token = CancelToken()
    assert score_missing(imported, progress=token) == 0
    assert token.last[2] == "Sentiment is up to date"
    assert imported.con.execute("SELECT * FROM sentiment ORDER BY text_key").fetchall() == before


def test_retweets_share_their_originals_scores(imported):
    ws = imported
    score_missing(ws)
    n_scores = ws.con.execute("SELECT count(*) FROM sentiment").fetchone()[0]
    assert n_scores == distinct_texts(ws)
    assert n_scores < ws.con.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert ws.con.execute("SELECT count(DISTINCT text_key) FROM sentiment").fetchone()[0] == n_scores
    # every group of posts with one text shares one key and one row of scores
    assert (
        ws.con.execute(
            "SELECT count(*) FROM (SELECT text FROM posts GROUP BY text HAVING count(DISTINCT text_key) > 1)"
        ).fetchone()[0]
        == 0
    )
    # a retweet in the search file whose original's text other retweets repeat
    shared = ws.con.execute(
        """SELECT text, count(*) FROM posts WHERE kind = 'retweet' GROUP BY text
           HAVING count(*) > 1 ORDER BY count(*) DESC LIMIT 1"""
    ).fetchone()
    assert shared is not None and shared[1] > 1
    scored = ws.con.execute(
        "SELECT DISTINCT compound, pos, neu, neg FROM posts_scored WHERE text = ?", [shared[0]]
    ).fetchall()
    assert len(scored) == 1


def test_new_posts_are_scored_on_the_next_run(workspace, fixtures_dir, helpers, analyzer):
    helpers.import_one(workspace, fixtures_dir / "python-twitter/get_search_raw.json")
    first = score_missing(workspace)
    helpers.import_one(workspace, fixtures_dir / "twarc-csv/flat.jsonl")
    assert missing_count(workspace) > 0
    second = score_missing(workspace)
    assert first + second == distinct_texts(workspace)
    assert missing_count(workspace) == 0
    assert_scores_exact(workspace, analyzer)


class CancelAfterChunks(CancelToken):
    def __init__(self, chunks: int) -> None:
        super().__init__()
        self.chunks = chunks
        self.stored = 0

    def report(self, done, total, message=""):
        super().report(done, total, message)
        if done and "of" in message:
            self.stored += 1
            if self.stored == self.chunks:
                self.cancel()


def test_cancel_part_way_keeps_finished_chunks_and_a_rerun_completes(
    workspace, helpers, tmp_path, monkeypatch, analyzer
):
    stream = helpers.write_v1_stream(tmp_path / "stream.jsonl", 3000, distinct_text=True)
    assert helpers.import_one(workspace, stream).added == 3000
    # the real stream mixes languages; here every text is to be scored
    workspace.con.execute("UPDATE posts SET lang = 'en'")
    total = distinct_texts(workspace)
    assert total == 3000
    monkeypatch.setattr(chunks, "CHUNK", 200)
    monkeypatch.setattr(chunks, "IN_PROCESS_BELOW", 500)
    # watch the worker pool: it must really run (not fall back to scoring in this process)
    outcomes: list[str] = []
    real_pool = chunks._in_pool

    def watched_pool(*args, **kwargs):
        try:
            real_pool(*args, **kwargs)
        except BaseException as exc:
            outcomes.append(type(exc).__name__)
            raise
        outcomes.append("finished")

    monkeypatch.setattr(chunks, "_in_pool", watched_pool)

    token = CancelAfterChunks(3)
    with pytest.raises(Cancelled):
        score_missing(workspace, progress=token, workers=2)
    assert outcomes == ["Cancelled"]
    kept = workspace.con.execute("SELECT count(*) FROM sentiment").fetchone()[0]
    assert 0 < kept < total
    assert kept == 3 * 200  # the three whole chunks finished before the cancel
    assert missing_count(workspace) == total - kept
    assert_scores_exact(workspace, analyzer, only_scored=True)

    rest = score_missing(workspace, workers=2)
    assert outcomes == ["Cancelled", "finished"]
    assert rest == total - kept
    assert workspace.con.execute("SELECT count(*) FROM sentiment").fetchone()[0] == total
    assert missing_count(workspace) == 0
    assert assert_scores_exact(workspace, analyzer) == 3000


def test_cancel_in_process_keeps_finished_chunks(workspace, helpers, tmp_path, monkeypatch):
    stream = helpers.write_v1_stream(tmp_path / "stream.jsonl", 600, distinct_text=True)
    helpers.import_one(workspace, stream)
    workspace.con.execute("UPDATE posts SET lang = 'en'")
    monkeypatch.setattr(chunks, "CHUNK", 100)
    token = CancelAfterChunks(2)
    with pytest.raises(Cancelled):
        score_missing(workspace, progress=token, workers=1)
    assert workspace.con.execute("SELECT count(*) FROM sentiment").fetchone()[0] == 200
    assert score_missing(workspace, workers=1) == 400
