"""The post-mortem's content (app.core.report) on the bundled sample: every figure is the
core's own (metrics, chronicle, early warning), and the exports say the same."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from app.core import chronicle, early_warning, exports, metrics
from app.core.errors import UserError
from app.core.report import SECTIONS, ReportOptions, build_report
from app.core.store import Workspace


@pytest.fixture(scope="module")
def ws(sample_workspace):
    w = Workspace.open(sample_workspace, read_only=True)
    yield w
    w.close()


@pytest.fixture(scope="module")
def report(ws):
    return build_report(ws, ReportOptions(title="Post-mortem", author="Comms", lessons="Listen first."))


def test_headline_figures_equal_the_cores(ws, report):
    first, last = metrics.incident_span(ws)
    s = metrics.binned_series(ws, first, last + 1, report.bin_seconds)
    assert report.bin_seconds == 3600
    assert report.figure("posts").value == int(s.total.sum()) == ws.info()["posts"]
    assert report.figure("accounts").value == ws.info()["authors"]
    k = int(np.argmax(s.total))
    assert report.figure("peak_rate").value == float(s.total[k])
    assert report.figure("peak_time").value == float(s.t[k])
    assert report.figure("peak_negative_share").value == pytest.approx(float(s.neg_share[k]))
    phases = chronicle.phases(ws)
    assert report.figure("exposure").value == int(s.exposure.sum()) == sum(p.exposure for p in phases)
    assert report.figure("unique_audience").value == sum(p.unique_audience for p in phases)
    negatives = sum(round(p.negative_share * p.scored) for p in phases)
    assert report.figure("negative_share").value == pytest.approx(negatives / sum(p.scored for p in phases))
    alert = early_warning.first_alert(ws)
    assert report.figure("early_warning_lead").value == alert.lead_seconds
    # the chronicle's own words: "7 hours 26 minutes" after the escalation began
    assert report.figure("brand_latency").text == "7 hours 26 minutes"
    assert any("7 hours 26 minutes" in p.text for p in chronicle.chronicle(ws))


def test_phases_and_paragraphs_are_the_chronicles(ws, report):
    phases = chronicle.phases(ws)
    paras = chronicle.chronicle(ws)
    assert [p.name for p in report.phases] == [p.name for p in phases]
    assert report.summary_paragraph == paras[0].text
    for mine, core, para in zip(report.phases, phases, paras, strict=False):
        assert mine.paragraph == para.text
        assert (mine.start, mine.end) == (core.start, core.end)
        assert mine.figures[0].value == core.posts
        assert mine.figures[2].value == core.exposure
        assert [a.author_handle for a in mine.amplifiers] == [a.author_handle for a in core.top_amplifiers]
        for q in mine.quoted_posts:
            # quoted because it was retweeted in the phase (it may have been posted earlier)
            assert q.time < core.end and q.text
    peak = next(p for p in report.phases if p.name == "peak")
    assert peak.quoted_posts[0].author_handle == "OccupyWallSt"
    assert peak.quoted_posts[0].retweets >= peak.quoted_posts[-1].retweets


def test_turning_points_numbered_in_time_order(report):
    tps = report.turning_points
    assert 1 <= len(tps) <= 12
    assert [t.number for t in tps] == list(range(1, len(tps) + 1))
    assert [t.time for t in tps] == sorted(t.time for t in tps)
    assert "strongest" in report.turning_points_note  # nothing accepted in the sample
    numbered = [n for p in report.phases for n in p.turning_point_numbers]
    assert sorted(numbered) == list(range(1, len(tps) + 1))


def test_cover_method_appendix(ws, report):
    assert report.incident_name == ws.incident_name
    assert "America/New_York" in report.period_text and "EST" in report.period_text
    assert report.options.author == "Comms"
    names = dict(report.method)
    assert "VADER" in names["Sentiment"]
    assert "No posts have been labelled" in names["Human check"]
    assert names["Unknown followers"].startswith("0.0%")
    assert "snapshot" in names["Follower counts"]
    assert report.imports[0].sha256 == ws.info()["imports"][0]["sha256"]
    assert report.imports[0].added == 25441
    assert dict(report.settings)["Timeline bin width"] == "1 hour"
    assert report.brand_posts and all(b.text for b in report.brand_posts)
    assert report.sections == list(SECTIONS)


def test_sections_and_options_checked(ws):
    r = build_report(ws, ReportOptions(sections=frozenset({"summary", "appendix"})))
    assert r.sections == ["summary", "appendix"]  # no lessons without text
    with pytest.raises(ValueError, match="nonsense"):
        ReportOptions(sections=frozenset({"nonsense"}))
    with pytest.raises(ValueError, match="paper must be a4 or letter"):
        ReportOptions(paper="a3")


def test_exports(ws, tmp_path, report):
    n = exports.export(ws, "series", tmp_path / "s.json", bin_seconds=3600)
    rows = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert n == len(rows) == len(report.series)
    assert sum(r["total"] for r in rows) == report.figure("posts").value
    a = exports.parse_time("2013-11-13T21:00:00Z")
    n = exports.export(ws, "posts", tmp_path / "p.json", a, a + 3600)
    posts = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    s = metrics.binned_series(ws, a, a + 3600, 3600)
    assert n == len(posts) == int(s.total.sum())
    assert all(isinstance(p["post_id"], str) for p in posts)
    exports.export(ws, "posts", tmp_path / "p.csv", a, a + 600)
    with open(tmp_path / "p.csv", encoding="utf-8") as f:
        first = next(csv.reader(f, quoting=csv.QUOTE_NONNUMERIC), None)
        row = next(csv.reader(f))
    assert first[1] == "post_id" and row[1].isdigit() and len(row[1]) >= 18
    n = exports.export(ws, "turning-points", tmp_path / "t.csv")
    assert n == len(chronicle.default_turning_points(ws))
    with pytest.raises(UserError, match=r"Export to a \.csv or \.json file"):
        exports.export(ws, "posts", tmp_path / "p.txt")
