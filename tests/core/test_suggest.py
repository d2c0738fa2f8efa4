"""The suggested turning points as a user meets them: found on the sample as the published
chronicle tells its story, worded without developer text, ranked and sortable, stable across
runs, cancellable part-way, and the same through the command line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.core import annotations as an
from app.core.analysis import suggest
from app.core.facts import clear_cache
from app.core.narrative.findings import suggestions
from app.core.progress import Cancelled, CancelToken
from app.core.store import Workspace

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
EST = ZoneInfo("America/New_York")


def est(day: int, hour: int, minute: int = 0) -> float:
    return datetime(2013, 11, day, hour, minute, tzinfo=EST).timestamp()


@pytest.fixture
def ws(sample_copy):
    clear_cache()
    w = Workspace.open(sample_copy)
    yield w
    w.close()


def test_the_sample_story_is_found(ws):
    found = suggestions(ws)
    by_kind: dict[str, list] = {}
    for s in found:
        by_kind.setdefault(s.kind, []).append(s)
    # the storm at 4 pm, its peak that evening
    assert any(
        s.finding.detail.get("direction") == "rise" and est(13, 15) <= s.time <= est(13, 17)
        for s in by_kind["volume_change"]
    )
    assert any(
        s.finding.detail.get("role") == "volume" and est(13, 16) <= s.time <= est(13, 19)
        for s in by_kind["peak"]
    )
    # the first press pickup: The Huffington Post at 6:02 pm
    first_press = next(s for s in by_kind["press_pickup"] if "first_overall" in s.finding.flags)
    assert first_press.finding.detail["outlet"] == "The Huffington Post"
    assert first_press.time == pytest.approx(est(13, 18, 2), abs=60)
    # the activists joining, and the cancellation among the brand's posts
    assert any(
        s.finding.detail.get("handle", "").lower() == "occupywallst" for s in by_kind["influencer_entry"]
    )
    cancel = next(s for s in by_kind["brand_action"] if "cancelled" in s.finding.detail["text"])
    assert "first_response" in cancel.finding.flags
    assert "7 hours 26 minutes after it" in cancel.explanation


def test_ranked_by_importance_with_the_storm_first(ws):
    found = suggestions(ws)
    importance = [s.finding.importance for s in found]
    assert importance == sorted(importance, reverse=True)
    # the quiet days' marketing posts come last, never first
    top = found[:8]
    assert all(est(13, 12) <= s.time for s in top), [(s.label, s.time) for s in top]
    brand_before = [s for s in found if s.kind == "brand_action" and "before_escalation" in s.finding.flags]
    assert brand_before and min(found.index(s) for s in brand_before) >= len(found) // 2


def test_no_developer_text_in_what_a_user_reads(ws):
    for s in suggestions(ws):
        for text in (s.label, s.explanation, s.evidence_text):
            assert not re.search(r"\b(subject|post_ids|latency_seconds|data=|None|nan|inf)\b", text), text
            assert not re.search(r"\d\.\d{3,}", text), text  # no raw floats
            words_only = re.sub(r"@\w+|“[^”]*”", "", text)  # handles and quoted posts aside
            assert not re.search(r"\b[a-z]+_[a-z_]+\b|\de\+\d", words_only), text


def test_keys_are_stable_across_runs(ws):
    first = [s.as_json() for s in suggestions(ws)]
    clear_cache()
    assert [s.as_json() for s in suggestions(ws)] == first


def test_dismissed_suggestions_leave_the_facts(ws):
    from app.core.facts import incident_facts

    s = suggestions(ws)[0]
    an.dismiss(ws, s.key())
    clear_cache()
    f = incident_facts(ws)
    assert s.key() not in {x.key() for x in f.findings}
    assert s.key() in {x.key() for x in f.all_findings}


class _StopAfter(CancelToken):
    """Cancels once the job has reported ``n`` times: a cancel in the middle of the run."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n, self.reports = n, 0

    def report(self, done, total, message=""):
        super().report(done, total, message)
        self.reports += 1
        if self.reports >= self.n:
            self.cancel()


def test_a_cancel_mid_run_stops_the_detectors(ws):
    progress = _StopAfter(3)
    with pytest.raises(Cancelled):
        suggest.find(ws, progress=progress)
    assert progress.reports == 3  # it ran the first detectors, then stopped at the next check
    assert suggest.find(ws)  # and a run after it is whole


def test_the_command_line_lists_them_as_the_window_does(sample_copy):
    path = sample_copy
    with Workspace.open(path) as w:
        clear_cache()
        expected = [s.as_json() for s in suggestions(w)]
    res = subprocess.run(
        [sys.executable, "-m", "app", "turning-points", str(path), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data == expected
    iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    assert all(iso.match(o["time"]) for o in data)
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "turning-points",
            str(path),
            "--sort",
            "time",
            "--kind",
            "press_pickup",
            "--limit",
            "3",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert "(3, in time order; times in America/New_York)" in res.stdout
    assert "Wed 13 Nov 2013, 6:02 pm EST  First press pickup: The Huffington Post" in res.stdout


def test_the_activity_around_a_finding_is_the_busiest_bin_near_it(ws):
    """ranking.activity_of against a bin-by-bin count of the series, at the archive's edges,
    inside bins and on their boundaries."""
    from app.core.analysis import ranking
    from app.core.analysis.context import Context
    from app.core.analysis.settings import Settings

    ctx = Context.build(ws, ws.cursor(), Settings())
    s = ctx.series
    ends = list(s.bin_ends)
    top = max(s.total)
    reach = ranking.CONTEXT_HOURS * 3600
    around = ranking.activity_of(s)
    times = [float(s.t[0]) - 2 * reach, float(s.t[0]), float(s.t[len(s) // 2]) + 1, float(ends[-1]) + reach]
    # exactly on the edges the two bisections find: a bin ending at t - reach, one starting at t + reach
    times += [float(ends[3]) + reach, float(s.t[5]) - reach, float(ends[-2]) + reach]
    for t in times:
        for end in (None, t + 7200):
            hi = (end if end is not None else t) + reach
            near = [int(n) for a, b, n in zip(s.t, ends, s.total, strict=True) if b > t - reach and a <= hi]
            assert around(t, end) == (max(near) / top if near else 0.0)
    assert 0.0 < around(float(s.t[len(s) // 2]), None) <= 1.0
    assert around(float(ends[-1]) + 3 * reach, None) == 0.0


def test_every_source_is_as_source_of_makes_it(ws):
    """Sources some detectors make directly (the brand's posts', the differences of two times)
    hold their parameters as :meth:`Source.of` sorts and freezes them: an equal measurement
    gives an equal Source, whichever way it was made."""
    from app.core.model import Source

    def remade(src: Source) -> Source:
        return Source.of(src.query, **{k: remade(v) if isinstance(v, Source) else v for k, v in src.params})

    found = suggest.find(ws)
    kinds = {f.kind for f in found}
    assert {"brand_action", "volume_change"} <= kinds
    checked = 0
    for f in found:
        for figure in f.figures.values():
            if figure.source is not None:
                assert remade(figure.source) == figure.source, (f.kind, figure.source)
                checked += 1
    assert checked > 100
