"""The claims audit: every figure the post-mortem prints is recomputed with independent SQL,
on the sample and on the sample cut into the awkward shapes of real archives; and what each
of those shapes cannot tell, the report says."""

from __future__ import annotations

import dataclasses
import re

import pytest

from app.core.facts import clear_cache
from app.core.model import Claim, Figure, Source, Span
from app.core.report.content import build_report
from app.core.store.workspace import Workspace
from tests.core import sample_variants
from tests.core.claims_audit import Recompute, audit_claims


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variants")
    return {v: sample_variants.build(v, folder) for v in sample_variants.VARIANTS}


@pytest.fixture(scope="module")
def reports(variants):
    out = {}
    for name, path in variants.items():
        clear_cache()
        with Workspace.open(path) as ws:
            out[name] = (build_report(ws), Recompute(ws.cursor(), ws.brand_handles, ws.timezone), path)
    return out


@pytest.mark.parametrize("variant", sample_variants.VARIANTS)
def test_every_printed_figure_is_true(reports, variant):
    report, _, path = reports[variant]
    with Workspace.open(path, read_only=True) as ws:
        problems = audit_claims(report.claims(), Recompute(ws.cursor(), ws.brand_handles, ws.timezone))
    assert not problems, "\n".join(problems[:20])
    assert len(report.claims()) > 40


def test_the_audit_catches_a_false_figure_and_a_hand_written_number(reports):
    report, _, path = reports["full"]
    claim = next(
        c for c in report.claims() if any(s.figure is not None and s.figure.unit == "count" for s in c.spans)
    )
    span = next(s for s in claim.spans if s.figure is not None and s.figure.unit == "count")
    wrong = dataclasses.replace(span.figure, value=span.figure.value + 1)
    doctored = Claim(
        claim.text, tuple(dataclasses.replace(s, figure=wrong) if s is span else s for s in claim.spans)
    )
    handmade = Claim("The archive holds 12 posts.")
    no_source = Claim("3 posts", (Span(0, 7, "figure", Figure(3, "count", "post")),))
    silent_unknown = Claim(
        "0 followers",
        (Span(0, 11, "figure", Figure(None, "count", "follower", "no counts", Source.of("exposure"))),),
    )
    with Workspace.open(path, read_only=True) as ws:
        r = Recompute(ws.cursor(), ws.brand_handles, ws.timezone)
        assert not audit_claims([claim], r)
        assert any("the data say" in p or "is not how" in p for p in audit_claims([doctored], r))
        assert any("written by hand" in p for p in audit_claims([handmade], r))
        assert any("without a source" in p for p in audit_claims([no_source], r))
        assert any("unknown figure printed as a number" in p for p in audit_claims([silent_unknown], r))


def _text(report) -> str:
    return report.text()


def test_the_summary_tells_the_incident(reports):
    report, _, _ = reports["full"]
    summary = " ".join(c.text for b in report.section("summary").blocks for c in _claims(b))
    assert re.search(r"The conversation turned (on Wednesday 13 November, 4:00 pm EST|at 4:00 pm)", summary)
    assert "Wednesday 13 November" in summary.split("The conversation turned")[0] + summary
    assert "Tomorrow's Q&A is cancelled" in summary  # the brand's answer: the cancellation
    assert "busiest hour" in summary


def test_no_follower_counts_means_reach_unknown_never_zero(reports):
    report, _, _ = reports["no_followers"]
    text = _text(report)
    assert "Reach is unknown: this archive has no follower counts" in text
    for wrong in ("0 followers", "exposure of 0", "audience of 0", "Exposure: 0", "followers unknown"):
        assert wrong not in text, wrong
    assert report.figure("exposure").value.text == "unknown"


def test_an_archive_without_the_brands_posts_says_it_cannot_tell(reports):
    report, _, _ = reports["no_brand"]
    text = _text(report)
    assert "does not show the brand's side" in text
    for wrong in ("did not respond", "no response", "did not post after"):
        assert wrong not in text, wrong
    assert report.figure("brand_response").value.text == "not in the archive"


def test_a_collection_that_starts_mid_incident_says_so(reports):
    report, _, _ = reports["mid_incident"]
    summary = " ".join(c.text for b in report.section("summary").blocks for c in _claims(b))
    assert "does not show how the incident began" in summary
    assert "The conversation turned" not in summary


def _claims(block):
    from app.core.report.content import _block_claims

    return _block_claims(block)


def test_a_report_with_the_teams_labels_gives_the_raw_and_the_corrected_share(tmp_path):
    """Issue 10: the report reads back both shares, with the labels behind the corrected one,
    and the audit recomputes the corrected share with its own estimator."""
    from tests.core import sentiment_incident as si

    gen = si.build(tmp_path, 3)
    clear_cache()
    with Workspace.open(gen.path) as ws:
        assert si.label_sample(ws, gen, 500, 3) == 500
        report = build_report(ws)
        problems = audit_claims(report.claims(), Recompute(ws.cursor(), ws.brand_handles, ws.timezone))
    assert not problems, "\n".join(problems[:10])
    text = report.text()
    assert "By VADER's lexicon," in text
    assert "Corrected with the 500 posts the team labelled, the negative share is" in text
    assert "95% interval" in text
    assert "VADER agrees with the team's labels on" in text


def test_an_archive_in_another_language_says_nothing_is_scored(tmp_path, fixtures_dir):
    """A real export written in French: no share is printed, the summary says why, and every
    figure it does print is true."""
    from app.core.ingest import import_paths

    clear_cache()
    with Workspace.open(tmp_path / "fr.duckdb", create=True) as ws:
        import_paths(ws, [fixtures_dir / "twitwi" / "tweet-export.csv"])
        report = build_report(ws)
        problems = audit_claims(report.claims(), Recompute(ws.cursor(), ws.brand_handles, ws.timezone))
    assert not problems, "\n".join(problems[:10])
    text = report.text()
    assert (
        "No post of the archive is scored for sentiment: VADER reads English only, and 4 of its 4 posts are in "
        "other languages." in text
    )
    assert "% of the archive's" not in text and "negative share" not in text.lower().split("method")[0]
