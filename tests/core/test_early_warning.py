"""The early-warning rule replayed on generated incidents: it fires at the planted escalation,
never on a calm archive, and the lead time is the peak's time minus the time it fired."""

from __future__ import annotations

import numpy as np
import pytest

from app.core import early_warning as ew
from app.core import metrics
from tests.core import incident_factory as factory


@pytest.fixture(scope="module")
def incidents(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ew")
    return {
        "fast": factory.fast_escalation(folder),
        "slow": factory.slow_escalation(folder),
        "waves": factory.two_waves(folder),
        "calm4": factory.calm(folder, seed=4),
        "calm6": factory.calm(folder, seed=6),
    }


def series_of(ws, bin_seconds):
    first, last = metrics.incident_span(ws)
    return metrics.binned_series(ws, first, last + 1, bin_seconds)


def test_fires_at_the_planted_escalation(incidents):
    inc = incidents["fast"]
    with inc.open() as ws:
        alert = ew.first_alert(ws)
        s = series_of(ws, alert.bin_seconds)
    esc = inc.planted["escalation"]
    assert alert.bin_seconds == 900
    # the escalation begins on a bin boundary: the rule fires in that very bin
    assert alert.time == esc
    assert alert.end == esc + 900
    peak = int(np.argmax(s.total))
    assert alert.peak_time == s.t[peak] and alert.peak_posts == s.total[peak]
    assert alert.lead_seconds == alert.peak_time - alert.end
    assert alert.lead_seconds > 0
    # the figures behind it meet every condition of the rule
    rule = alert.rule
    assert alert.scored >= rule.min_posts
    assert alert.neg_share - alert.baseline_neg_share >= rule.neg_points
    assert alert.volume_ratio >= rule.volume_factor
    assert alert.z >= rule.min_z


def test_lead_time_on_the_slow_escalation(incidents):
    inc = incidents["slow"]
    with inc.open() as ws:
        alert = ew.first_alert(ws)
        s = series_of(ws, alert.bin_seconds)
    assert inc.planted["ramp_start"] <= alert.time <= inc.planted["ramp_end"]
    assert alert.peak_time == s.t[int(np.argmax(s.total))]
    assert alert.lead_seconds == alert.peak_time - alert.end > 0


def test_first_of_two_waves(incidents):
    inc = incidents["waves"]
    with inc.open() as ws:
        alert = ew.first_alert(ws)
    assert abs(alert.time - inc.planted["wave1"]) <= alert.bin_seconds
    # the peak is the second wave's: days later
    assert alert.peak_time >= inc.planted["wave2"]
    assert alert.lead_seconds == alert.peak_time - alert.end


@pytest.mark.parametrize("name", ["calm4", "calm6"])
def test_silent_on_a_calm_archive(incidents, name):
    with incidents[name].open() as ws:
        assert ew.first_alert(ws) is None
        # and at other bin widths too
        for width in (900, 3600, 3 * 3600):
            assert ew.first_alert(ws, ew.AlertRule(bin_seconds=width)) is None, width


def test_thresholds_are_settings(incidents):
    inc = incidents["fast"]
    esc = inc.planted["escalation"]
    with inc.open() as ws:
        assert ew.first_alert(ws, ew.AlertRule(volume_factor=1000)) is None
        assert ew.first_alert(ws, ew.AlertRule(neg_points=0.9)) is None
        assert ew.first_alert(ws, ew.AlertRule(min_posts=100_000)) is None
        hourly = ew.first_alert(ws, ew.AlertRule(bin_seconds=3600))
    assert hourly.bin_seconds == 3600
    assert hourly.time <= esc < hourly.end


def test_no_alert_before_a_full_baseline(incidents):
    inc = incidents["fast"]
    with inc.open() as ws:
        s = series_of(ws, 900)
    q = ew.evaluate(s, ew.AlertRule())
    first_day = s.t < s.t[0] + 24 * 3600
    assert not q["fires"][first_day].any()
    # a shorter history requirement is honoured
    q6 = ew.evaluate(s, ew.AlertRule(min_history_hours=6))
    assert q6["fires"].sum() >= q["fires"].sum()


def test_evaluate_matches_the_rule_by_hand(incidents):
    inc = incidents["fast"]
    with inc.open() as ws:
        s = series_of(ws, 900)
    rule = ew.AlertRule()
    q = ew.evaluate(s, rule)
    i = int(np.flatnonzero(q["fires"])[0])
    win, back = 4, 24 * 4  # an hour and a day of 15-minute bins
    assert ew.window_bins(rule, 900) == win
    neg = np.rint(np.nan_to_num(s.neg_share) * s.scored)
    w = slice(i - win + 1, i + 1)
    b = slice(i - win + 1 - back, i - win + 1)
    assert q["posts"][i] == s.total[w].sum()
    assert q["baseline_share"][i] == pytest.approx(neg[b].sum() / s.scored[b].sum())
    assert q["baseline_rate"][i] == pytest.approx(s.total[b].sum() / back * win)
    assert q["share"][i] == pytest.approx(neg[w].sum() / s.scored[w].sum())
    assert q["volume_ratio"][i] == pytest.approx(s.total[w].sum() / (s.total[b].sum() / back * win))
    # the bin before did not meet the rule
    assert not q["fires"][:i].any()


def test_a_single_busy_bin_is_not_an_alert(incidents):
    """On fine bins the rule still looks at the last hour: steady as on hourly bins."""
    with incidents["calm4"].open() as ws:
        s = series_of(ws, 300)
    assert not ew.evaluate(s, ew.AlertRule())["fires"].any()


def test_empty_workspace(workspace):
    assert ew.first_alert(workspace) is None


@pytest.mark.parametrize(
    ("span_hours", "expected"), [(1, 60), (24, 300), (96, 900), (240, 3600), (24 * 60, 21600)]
)
def test_analysis_bin(span_hours, expected):
    assert ew.analysis_bin(span_hours * 3600) == expected


def test_rule_in_words():
    text = ew.AlertRule().describe()
    assert "10 points" in text and "3 times" in text and "24-hour" in text
    assert "10 scored posts in the last hour" in text


def test_the_rule_is_kept_in_the_workspace_and_used(tmp_path):
    """The user's thresholds survive reopening, bad stored values fall back to the defaults,
    and suggestions use the workspace's rule."""
    import json

    from app.core import early_warning
    from app.core.analysis import suggest
    from app.core.early_warning import AlertRule
    from app.core.store import Workspace

    path = tmp_path / "w.duckdb"
    with Workspace.open(path, create=True) as ws:
        assert early_warning.load_rule(ws) == AlertRule()
        early_warning.save_rule(ws, AlertRule(neg_points=0.2, min_posts=25))
    with Workspace.open(path) as ws:
        assert early_warning.load_rule(ws) == AlertRule(neg_points=0.2, min_posts=25)
        ws.set_setting(early_warning.RULE_KEY, json.dumps({"neg_points": 7, "min_posts": 30, "junk": 1}))
        assert early_warning.load_rule(ws) == AlertRule(min_posts=30)  # 7 is out of bounds
        early_warning.save_rule(ws, None)
        assert early_warning.RULE_KEY not in ws.meta()
        assert suggest.find(ws) == []  # no posts: nothing to suggest, and no error


def test_suggestions_follow_the_workspaces_rule(incidents):
    from app.core.analysis import suggest
    from app.core.early_warning import AlertRule

    inc = incidents["fast"]
    with inc.open() as ws:
        try:
            assert any(s.kind == "early_warning" for s in suggest.find(ws))
            ew.save_rule(ws, AlertRule(min_posts=100000))  # no window holds that many posts
            assert not any(s.kind == "early_warning" for s in suggest.find(ws))
        finally:
            ew.save_rule(ws, None)
