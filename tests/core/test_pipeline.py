"""The one import -> score -> refresh path: each stage cancels cleanly and says what was
kept; a run after an interrupted one completes the scores."""

from __future__ import annotations

import re

import pytest

from app.core import rollup
from app.core.pipeline import PipelineCancelled, import_score_refresh, score_and_refresh
from app.core.progress import CancelToken
from app.core.sentiment import missing_count


class CancelWhen(CancelToken):
    """Cancels at the first report whose message starts with ``prefix``."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def report(self, done, total, message=""):
        super().report(done, total, message)
        if message.startswith(self.prefix):
            self.cancel()


def _count(ws) -> int:
    return ws.cursor().execute("SELECT count(*) FROM posts").fetchone()[0]


def test_a_full_run(workspace, fixtures_dir):
    result = import_score_refresh(workspace, [fixtures_dir / "twarc-csv" / "noflat.jsonl"])
    assert [r.added for r in result.reports] == [100]
    assert result.scored > 0 and result.unscored == 0 and missing_count(workspace) == 0
    assert rollup.is_fresh(workspace)


def test_cancel_while_importing_keeps_nothing_of_the_file(workspace, fixtures_dir):
    first = fixtures_dir / "twarc-csv" / "two_tweets.jsonl"
    second = fixtures_dir / "twarc-csv" / "noflat.jsonl"

    # cancelled once the first file is finished: the second one's first statement stops
    progress = CancelWhen(f"Imported {first.name}")
    with pytest.raises(PipelineCancelled) as info:
        import_score_refresh(workspace, [first, second], progress)
    exc = info.value
    assert exc.stage == "import"
    assert str(exc).startswith(f"Cancelled: nothing of {second} was kept.")
    assert "The 1 file imported before it was kept" in str(exc)
    assert [r.path for r in exc.result.reports] == [str(first)]
    assert _count(workspace) == exc.result.reports[0].added


def test_cancel_while_scoring_keeps_posts_and_the_next_run_completes(workspace, fixtures_dir):
    path = fixtures_dir / "twarc-csv" / "noflat.jsonl"
    with pytest.raises(PipelineCancelled) as info:
        import_score_refresh(workspace, [path], CancelWhen("Scoring"))
    assert info.value.stage == "score"
    assert "Cancelled while scoring sentiment" in str(info.value)
    assert "100 posts added" in str(info.value)
    assert _count(workspace) == 100 and missing_count(workspace) > 0
    # importing the same file again adds nothing and scores what is missing
    again = import_score_refresh(workspace, [path])
    assert again.reports[0].added == 0 and again.scored > 0 and missing_count(workspace) == 0


class CancelAfterScoring(CancelToken):
    """Cancels once the last text is scored: the cancel lands on the refresh."""

    def report(self, done, total, message=""):
        super().report(done, total, message)
        m = re.match(r"Scoring sentiment: ([\d,]+) of ([\d,]+)", message)
        if m and m.group(1) == m.group(2):
            self.cancel()


def test_cancel_while_refreshing_keeps_scores(workspace, fixtures_dir):
    with pytest.raises(PipelineCancelled) as info:
        import_score_refresh(workspace, [fixtures_dir / "twarc-csv" / "noflat.jsonl"], CancelAfterScoring())
    assert info.value.stage == "refresh"
    assert missing_count(workspace) == 0 and not rollup.is_fresh(workspace)
    assert score_and_refresh(workspace).scored == 0
    assert rollup.is_fresh(workspace)


def test_the_sample_goes_the_same_way(tmp_path):
    from app.core.sample import SAMPLE_NAME, build_sample
    from app.core.store import Workspace
    from app.paths import sample_archive

    path = tmp_path / "sample.duckdb"
    reports = build_sample(path, sample_archive())
    assert reports and all(r.ok for r in reports)
    with Workspace.open(path, read_only=True) as ws:
        assert ws.incident_name == SAMPLE_NAME
        assert missing_count(ws) == 0 and rollup.is_fresh(ws)
