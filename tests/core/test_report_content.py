"""The post-mortem's content (app.core.report.content) on the bundled sample: its sections and
blocks come from the incident's facts, the team's text goes in as written, and the options are
checked. (Every printed figure is recomputed by the claims audit, tests/core/test_claims_audit.py.)"""

from __future__ import annotations

import pytest

from app.core import annotations as an
from app.core.facts import clear_cache, incident_facts
from app.core.narrative import chronicle as ch
from app.core.report.content import (
    SECTIONS,
    Chart,
    Headline,
    Para,
    Quotes,
    ReportOptions,
    Table,
    build_report,
)
from app.core.store import Workspace


@pytest.fixture
def ws(sample_copy):
    clear_cache()
    w = Workspace.open(sample_copy)
    yield w
    w.close()


def test_the_sections_in_order_and_what_they_hold(ws):
    r = build_report(ws)
    assert [s.name for s in r.sections] == [s for s in SECTIONS if s not in ("cover", "lessons")]
    kinds = {s.name: {type(b).__name__ for b in s.blocks} for s in r.sections}
    assert "Headline" in kinds["summary"] and "Table" in kinds["summary"]
    assert "Chart" in kinds["timeline"]
    assert "Quotes" in kinds["chronicle"]
    chart = next(b for b in r.section("timeline").blocks if isinstance(b, Chart))
    assert chart.svg.startswith("<svg") and "<script" not in chart.svg
    # the chart numbers every turning point the lists number
    f = incident_facts(ws)
    for tp in f.turning_points:
        assert f">{tp.number}</text>" in chart.svg


def test_the_headline_figures_are_the_facts(ws):
    r = build_report(ws)
    f = incident_facts(ws)
    assert r.figure("posts").figure == f.archive.posts
    assert r.figure("posts").value.text == f"{f.archive.posts.value:,}"
    assert r.figure("busiest_hour").figure == f.wave.busiest_hour_posts
    assert r.figure("exposure").figure == f.wave.range.exposure
    headline = next(b for b in r.section("summary").blocks if isinstance(b, Headline))
    assert [x.key for x in headline.figures] == [x.key for x in r.figures]
    assert [x.key for x in r.cover.figures] == [
        "posts",
        "accounts",
        "busiest_hour",
        "negative_share",
        "exposure",
        "brand_response",
    ]


def test_the_summary_lists_the_turning_points_its_caption_announces(ws):
    r = build_report(ws)
    f = incident_facts(ws)
    paras = [b.claim.text for b in r.section("summary").blocks if isinstance(b, Para)]
    caption = next(i for i, t in enumerate(paras) if t.startswith("No turning point has been accepted yet"))
    lines = paras[caption + 1 : caption + 1 + len(f.turning_points)]
    assert [t.split(".", 1)[0] for t in lines] == [str(tp.number) for tp in f.turning_points]
    assert len(f.turning_points) == 12


def test_accepted_turning_points_replace_the_suggestions_everywhere(ws):
    an.add(ws, an.Annotation(None, 1384376400.0, label="The questions turn hostile", category="escalation"))
    r = build_report(ws)
    text = r.text()
    assert "The turning points the team accepted:" in text
    assert "1. Wed 13 Nov 2013, 4:00 pm EST: The questions turn hostile" in text
    table = next(b for b in r.section("turning_points").blocks if isinstance(b, Table))
    assert len(table.rows) == 1


def test_the_teams_text_goes_in_as_written(ws):
    ch.save_edit(ws, "peak", "Our own words, <b>not markup</b>; 3 times.")
    r = build_report(ws, ReportOptions(lessons="Listen first.\n\nThen post 2 times."))
    chronicle = " ".join(b.claim.text for b in r.section("chronicle").blocks if isinstance(b, Para))
    assert "Our own words, <b>not markup</b>; 3 times." in chronicle
    assert "This paragraph was written by the team." in chronicle
    lessons = [b.claim.text for b in r.section("lessons").blocks]
    assert lessons == ["Listen first.", "Then post 2 times."]


def test_sections_and_options_are_checked(ws):
    with pytest.raises(ValueError, match="unknown section"):
        ReportOptions(sections=frozenset({"summary", "gossip"}))
    with pytest.raises(ValueError, match="paper must be a4 or letter"):
        ReportOptions(paper="a3")
    r = build_report(ws, ReportOptions(sections=frozenset({"cover", "summary", "appendix"})))
    assert [s.name for s in r.sections] == ["summary", "appendix"]
    assert "lessons" not in [s.name for s in build_report(ws, ReportOptions(lessons="  ")).sections]


def test_most_shared_posts_are_counted_within_their_phase(ws):
    f = incident_facts(ws)
    r = build_report(ws)
    peak = next(p for p in f.phases if p.name == "peak")
    top = peak.shared_posts.posts[0]
    n = ws.con.execute(
        """
        SELECT count(*) FROM posts
        WHERE ref_post_id = ? AND kind IN ('retweet', 'quote') AND created_at >= to_timestamp(?)::TIMESTAMP
              AND created_at < to_timestamp(?)::TIMESTAMP AND lower(author_handle) <> lower(?)
        """,
        [top.post_id, peak.a, peak.b, top.author],
    ).fetchone()[0]
    assert top.figures["shares"].value <= n  # automated sharers are left out, never added
    quotes = [b for b in r.section("chronicle").blocks if isinstance(b, Quotes)]
    assert any(q.text == top.text for b in quotes for q in b.posts)
