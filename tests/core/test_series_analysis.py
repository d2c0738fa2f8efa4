"""The series-based detectors on generated incidents with the awkward shapes of real ones.

Each shape of :mod:`tests.core.incident_factory` is imported with the real importer and
scored with the real VADER scorer. Per shape, recall (every planted event found, with the
right kind, within the tolerance the test states) and precision (no escalation where nothing
happened) are asserted; every figure of every finding is recomputed from its Source with the
test's own SQL (:class:`tests.core.claims_audit.Recompute`).
"""

from __future__ import annotations

import math

import pytest

from app.core.analysis import (
    coverage,
    early_warning,
    peaks,
    ranking,
    sentiment_shifts,
    volume,
)
from app.core.analysis.context import Context
from app.core.analysis.settings import Settings
from app.core.early_warning import AlertRule
from tests.core import incident_factory as factory
from tests.core.claims_audit import Recompute

HOUR = 3600
DETECTORS = (volume, peaks, sentiment_shifts, early_warning)

SHAPES = {
    "fast": factory.fast_escalation,
    "slow": factory.slow_escalation,
    "waves": factory.two_waves,
    "calm4": lambda f: factory.calm(f, seed=4),
    "calm5": lambda f: factory.calm(f, seed=5),
    "gradual": factory.rhythm_gradual,
    "busyday": factory.busy_day,
    "complaints": factory.complaint_day,
    "twoday": factory.two_day_calm,
    "mid4": lambda f: factory.mid_incident(f, stragglers=4),
    "mid0": lambda f: factory.mid_incident(f, stragglers=0),
    "nofollowers": lambda f: factory.fast_escalation(f, followers_known=False),
    "mentions": lambda f: factory.fast_escalation(f, mention_only=True),
}


class Run:
    """A shape's incident, its findings (ranked) and its coverage and alert replay."""

    def __init__(self, inc, settings: Settings | None = None) -> None:
        self.inc = inc
        with inc.open() as ws:
            ctx = Context.build(ws, ws.cursor(), settings or Settings())
            found = [f for d in DETECTORS for f in d.find(ctx)]
            found = ranking.dedupe(found, ctx.settings.dedupe_bins * ctx.bin)
            self.found = ranking.rank(found, ctx)
            self.coverage = coverage.measure_coverage(ctx)
            self.replay = early_warning.replay(ctx)
            self.bin = ctx.bin

    def of(self, kind, subject=None, unflagged=False):
        return [
            f
            for f in self.found
            if f.kind == kind and (subject is None or f.subject == subject) and not (unflagged and f.flags)
        ]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("series")
    return {name: Run(make(folder)) for name, make in SHAPES.items()}


def check(r: Recompute, fig, what: str) -> None:
    """``fig`` is what its Source recomputes to (an unknown says why; a cut is a choice)."""
    assert fig.source is not None, f"{what}: a figure without a source"
    if fig.value is None:
        assert fig.unknown, what
        return
    if fig.source.query in ("constant", "cut"):
        return
    truth = r.value(fig.source)
    assert truth is not None, (what, fig)
    if fig.unit == "count":
        assert round(float(fig.value), 9) == round(float(truth), 9), (what, fig.value, truth, fig.source)
    else:
        assert math.isclose(float(fig.value), float(truth), rel_tol=1e-9, abs_tol=1e-6), (
            what,
            fig.value,
            truth,
            fig.source,
        )


def near(findings, t, tolerance):
    return [f for f in findings if abs(f.time - t) <= tolerance]


def escalations(run):
    """What a reader would take for an escalation: a rise of volume or of the negative share,
    or an early warning."""
    return run.of("volume_change", "rise") + run.of("sentiment_shift", "rise") + run.of("early_warning")


# ---- recall on each shape -------------------------------------------------------------------


def test_fast_escalation(runs):
    r = runs["fast"]
    esc = r.inc.planted["escalation"]
    (rise,) = near(r.of("volume_change", "rise"), esc, r.bin)
    assert rise.detail["shape"] == "step" and rise.figures["ratio"].value >= 10
    assert not rise.flags
    assert near(r.of("sentiment_shift", "rise"), esc, r.bin)
    (alert,) = r.of("early_warning")
    assert abs(alert.time - esc) <= r.bin and "thin_evidence" not in alert.flags
    (top,) = r.of("peak", "volume")
    assert esc <= top.time <= esc + 2 * HOUR
    (worst,) = r.of("peak", "negative")
    assert esc <= worst.time <= esc + 3 * HOUR
    assert all(f.time >= esc - r.bin for f in escalations(r))
    # the strongest findings are the escalation's, not the quiet days'
    assert all(f.time >= esc - r.bin for f in r.found[:4]), [(f.kind, f.time - esc) for f in r.found[:4]]


def test_slow_escalation_is_gradual_and_within_the_ramp(runs):
    r = runs["slow"]
    a, b = r.inc.planted["ramp_start"], r.inc.planted["ramp_end"]
    rises = r.of("volume_change", "rise")
    assert rises and a - r.bin <= rises[0].time <= b
    assert rises[0].detail["shape"] == "gradual" and rises[0].end > rises[0].time
    assert r.of("sentiment_shift", "rise")
    (alert,) = r.of("early_warning")
    assert a <= alert.time <= b


def test_daily_rhythm_and_gradual_escalation(runs):
    r = runs["gradual"]
    a, b = r.inc.planted["ramp_start"], r.inc.planted["ramp_end"]
    (rise,) = r.of("volume_change", "rise")
    assert a - 2 * HOUR <= rise.time <= a + 8 * HOUR, (rise.time - a) / HOUR
    assert rise.detail["shape"] == "gradual" and rise.end <= b + 2 * HOUR
    assert rise.detail["rhythm"] == "removed"
    assert near(r.of("sentiment_shift", "rise"), a, 8 * HOUR)
    # nothing rose on the calm days before it, mornings included
    assert all(f.time >= a - 2 * HOUR for f in escalations(r))


def test_two_waves_each_found(runs):
    r = runs["waves"]
    rises = r.of("volume_change", "rise")
    assert len(rises) == 2
    for wave in ("wave1", "wave2"):
        t = r.inc.planted[wave]
        assert near(rises, t, r.bin), wave
        assert near(r.of("sentiment_shift", "rise"), t, r.bin), wave
    (wave_peak,) = r.of("peak", "wave")
    assert 0 <= wave_peak.time - r.inc.planted["wave1"] <= 2 * HOUR
    assert wave_peak.figures["share_of_busiest"].value < 1


def test_a_day_twice_as_busy_is_found(runs):
    r = runs["busyday"]
    (day,) = r.of("busy_day")
    assert day.time == r.inc.planted["busy_day"]
    assert day.detail["unusual"] == ("posts",)
    assert 1.7 <= day.figures["ratio"].value <= 2.4
    assert day.figures["usual_posts"].value > 200
    assert not escalations(r), [(f.kind, f.subject) for f in escalations(r)]


def test_the_worst_complaint_day_is_found(runs):
    r = runs["complaints"]
    day0 = r.inc.planted["complaint_day"]
    (day,) = r.of("busy_day")
    assert day.time == day0 and "negative" in day.detail["unusual"]
    assert day.figures["negative_ratio"].value >= 3
    assert near(r.of("sentiment_shift", "rise"), day0, 2 * HOUR)
    assert near(r.of("sentiment_shift", "fall"), day0 + 86400, 2 * HOUR)
    (worst,) = r.of("peak", "negative")
    assert day0 <= worst.time < day0 + 86400
    assert not r.of("volume_change", "rise")


def test_most_negative_period_at_a_coarser_scale_when_bins_are_thin(runs):
    """A dozen posts an hour never reach 30 scored posts a bin: the most negative period is
    then measured over six hours or a day, not dropped."""
    r = runs["complaints"]
    with r.inc.open() as ws:
        ctx = Context.build(ws, ws.cursor(), Settings(peak_min_posts=60))
        (worst,) = [f for f in peaks.find(ctx) if f.subject == "negative"]
    assert worst.detail["bin_seconds"] in (6 * HOUR, 86400)
    assert worst.figures["scored"].value >= 60
    day0 = r.inc.planted["complaint_day"]
    assert day0 <= worst.time < day0 + 86400


# ---- precision ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["calm4", "calm5", "twoday", "busyday"])
def test_no_escalation_on_calm_archives(runs, name):
    r = runs[name]
    assert not escalations(r), [(f.kind, f.subject, f.time, dict(f.detail)) for f in escalations(r)]
    assert not r.of("volume_change")
    assert not r.of("sentiment_shift")
    assert not r.coverage.gaps and r.coverage.start is None and r.coverage.end is None


def test_two_day_archive_mornings_are_rhythm(runs):
    """Too short for a daily profile: with a coarse threshold the mornings are found as
    rises, and each is then dropped because the other morning rose as much."""
    r = runs["twoday"]
    with r.inc.open() as ws:
        ctx = Context.build(ws, ws.cursor(), Settings(volume_min_ratio=1.5))
        lv = volume.levels(ctx)
        assert lv.rhythm is None and len(lv.bounds) > 3  # the rhythm's steps are there ...
        assert not [f for f in volume.find(ctx) if f.subject == "rise"]  # ... and explained


# ---- the collection's edges -----------------------------------------------------------------


def test_collection_starting_mid_incident_after_stragglers(runs):
    r = runs["mid4"]
    cov = r.coverage
    assert cov.start is not None and cov.start.reason == "thin_lead"
    assert abs(cov.start.time - r.inc.planted["collection"]) <= 2 * HOUR
    assert cov.start.figures["thin_posts"].value == 4
    (rise,) = r.of("volume_change", "rise")
    assert {"collection_start", "thin_base"} <= rise.flags
    assert rise.figures["posts_before"].value == 4
    # the baseline is what the archive held: from its first post, not a nominal day before
    before = rise.figures["rate_before"].source.get("posts")
    assert before.get("start") == int(cov.first_post.value)
    assert rise.figures["duration_before"].value == before.get("end") - before.get("start")
    # the ranking never leads with it; no busy day is measured against the empty days before
    assert r.found[0] is not rise
    assert not r.of("busy_day")


def test_collection_opening_in_a_storm(runs):
    r = runs["mid0"]
    assert r.coverage.start is not None and r.coverage.start.reason == "opens_busy"
    (top,) = r.of("peak", "volume")
    assert "collection_start" in top.flags
    assert not r.of("volume_change", "rise", unflagged=True)
    assert all("collection_start" in f.flags for f in escalations(r))


def test_no_follower_counts_and_mentions_only_change_nothing_in_the_series(runs):
    base = runs["fast"]
    for name in ("nofollowers", "mentions"):
        r = runs[name]
        esc = r.inc.planted["escalation"]
        assert near(r.of("volume_change", "rise"), esc, r.bin), name
        assert near(r.of("sentiment_shift", "rise"), esc, r.bin), name
        (rise,) = near(r.of("volume_change", "rise"), esc, r.bin)
        assert rise.accounts  # who carried it, found without follower counts
    assert [f.key() for f in runs["nofollowers"].found] == [f.key() for f in base.found]


# ---- the early-warning replay ---------------------------------------------------------------


def test_alert_that_could_not_fire_says_why(runs):
    """The peak comes before the rule has the history it needs: it could not fire."""
    r = runs["mid0"]
    with r.inc.open() as ws:
        ctx = Context.build(ws, ws.cursor(), Settings(alert=AlertRule(min_history_hours=12)))
        rep = early_warning.replay(ctx)
    assert rep.outcome == "could_not_fire" and rep.reason == "history"
    assert rep.figures["history_needed"].value == 12 * HOUR
    assert rep.figures["history_available"].value < 12 * HOUR
    assert rep.finding is None
    with runs["calm4"].inc.open() as ws:
        ctx = Context.build(ws, ws.cursor(), Settings())
        assert early_warning.replay(ctx).outcome == "never_fired"
        assert early_warning.find(ctx) == []


def test_alert_on_thin_evidence_is_flagged(runs):
    r = runs["fast"]
    with r.inc.open() as ws:
        ctx = Context.build(ws, ws.cursor(), Settings(alert_min_negative=1000))
        (alert,) = early_warning.find(ctx)
    assert "thin_evidence" in alert.flags
    assert alert.figures["negative"].value < 1000
    assert alert.score < r.of("early_warning")[0].score


def test_alert_baseline_is_what_the_archive_held(runs):
    """An alert in the archive's first day measures its baseline over the hours the archive
    holds, and says it is short."""
    r = runs["fast"]
    with r.inc.open() as ws:
        ctx = Context.build(ws, ws.cursor(), Settings(alert=AlertRule(baseline_hours=24 * 7)))
        (alert,) = early_warning.find(ctx)
    src = alert.figures["baseline_posts"].source
    assert src.get("start") >= r.coverage.first_post.value - 1
    assert "short_baseline" in alert.flags
    assert alert.figures["baseline_duration"].value < 24 * 7 * HOUR


# ---- every figure is true and says where it came from ---------------------------------------


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_figure_recomputes_from_its_source(runs, name):
    r = runs[name]
    with r.inc.open(read_only=True) as ws:
        audit = Recompute(ws.cursor(), r.inc.brand, r.inc.timezone)
        for f in r.found:
            for key, fig in f.figures.items():
                check(audit, fig, f"{f.kind}/{f.subject}/{key}")
        cov = r.coverage
        for key in ("first_post", "last_post", "span", "posts"):
            check(audit, getattr(cov, key), key)
        for gap in cov.gaps:
            for key, fig in gap.figures.items():
                check(audit, fig, f"gap/{key}")
        for edge in (cov.start, cov.end):
            for key, fig in (edge.figures if edge else {}).items():
                check(audit, fig, f"edge/{key}")
        for key, fig in r.replay.figures.items():
            check(audit, fig, f"replay/{key}")


def test_findings_are_well_formed_and_ranked(runs):
    for name, r in runs.items():
        imps = [f.importance for f in r.found]
        assert imps == sorted(imps, reverse=True), name
        keys = [f.key() for f in r.found]
        assert len(keys) == len(set(keys)), name
        for f in r.found:
            assert 0 <= f.score <= 1 and 0 <= f.importance <= f.score + 1e-12
            assert f.end is None or f.end >= f.time
            assert f.flags <= KNOWN_FLAGS, f.flags
            assert all(fig.source is not None for fig in f.figures.values())


KNOWN_FLAGS = frozenset(
    {
        "collection_start",
        "collection_end",
        "collection_gap",
        "thin_base",
        "thin_evidence",
        "rhythm_unchecked",
        "short_baseline",
        "after_peak",
        "at_peak",
    }
)


def test_gap_in_a_busy_series(tmp_path):
    """A collection that stopped for an hour in the middle of a storm leaves a gap: found,
    with how unlikely it was, and the changes beside it flagged."""
    inc = factory.gap_in_storm(tmp_path)
    r = Run(inc)
    (gap,) = r.coverage.gaps
    a, b = inc.planted["gap_start"], inc.planted["gap_end"]
    assert a - 120 <= gap.start and gap.end <= b + 120 and gap.end - gap.start >= 50 * 60
    assert gap.figures["chance"].value < 1e-9
    assert gap.figures["posts"].value == 0
    for f in r.of("volume_change"):
        if a - r.bin <= f.time <= b + r.bin:
            assert "collection_gap" in f.flags


# ---- real archives --------------------------------------------------------------------------

REAL = [
    "twarc-csv/flat.jsonl",
    "python-twitter/get_search_raw.json",
    "python-twitter/streaming_lines.json",
    "twitwi/tweet-export.csv",
    "twarc-csv/streaming_output_with_error.jsonl",
]


@pytest.mark.parametrize("name", REAL)
def test_real_archives(fixtures_dir, new_workspace, name):
    """Small real exports (minutes of a stream, four posts over four days): the detectors
    say only what holds, flag what sits at the collection's edges, and every figure
    recomputes from its Source."""
    from app.core.ingest import import_paths
    from app.core.sentiment import score_missing

    ws = new_workspace("real")
    (report,) = import_paths(ws, [fixtures_dir / name])
    assert report.ok
    score_missing(ws, workers=1)
    ctx = Context.build(ws, ws.cursor(), Settings())
    found = ranking.rank([f for d in DETECTORS for f in d.find(ctx)], ctx)
    cov = coverage.measure_coverage(ctx)
    rep = early_warning.replay(ctx)
    assert rep.outcome in ("fired", "never_fired", "could_not_fire")
    assert not cov.gaps  # too few posts around anything to call a silence unlikely
    audit = Recompute(ws.cursor(), [], "UTC")
    for f in found:
        for key, fig in f.figures.items():
            check(audit, fig, f"{name}/{f.kind}/{key}")
        # an archive of minutes is all edges: nothing in it may lead a summary unflagged
        if ctx.last - ctx.start < 6 * HOUR:
            assert f.flags & {"collection_start", "collection_end"}
    for key, fig in rep.figures.items():
        check(audit, fig, f"{name}/replay/{key}")


def test_a_rise_in_an_archive_shorter_than_a_day_is_flagged(tmp_path):
    """Twenty hours from an evening to the next afternoon: the morning's rise cannot be
    compared with another morning, and says so."""
    start = factory.MONDAY - factory.NEW_YORK * HOUR + 20 * HOUR
    b = factory.Builder(21, start, 20 / 24)
    rhythm = factory.diurnal(factory.NEW_YORK, peak_hour=14.0, amplitude=1.15)
    b.chatter(b.start, b.end, lambda t: 40.0 * rhythm(t), lambda t: t * 0 + 0.12)
    path = tmp_path / "short.duckdb"
    b.build(path, "Short", "America/New_York", ["acmebank"])
    inc = factory.Incident("short", path, "America/New_York", ["acmebank"])
    r = Run(inc, Settings(volume_min_ratio=1.5, volume_min_posts=1))
    rises = r.of("volume_change", "rise")
    assert rises
    for f in rises:
        assert "rhythm_unchecked" in f.flags and f.detail["rhythm"] == "unchecked"
        assert f.importance < f.score


def test_the_usual_day_without_each_day_matches_a_median_per_day():
    """Busy days are compared with the median of every other day, computed for all days from
    one sort: checked against one median per day, on ties, odd and even counts and one value."""
    import numpy as np

    from app.core.analysis.volume import medians_without_each

    rng = np.random.default_rng(7)
    for trial in range(2000):
        n = int(rng.integers(0, 15))
        values = rng.integers(0, 4, size=n).astype(float) if trial % 2 else rng.normal(size=n)
        expected = [float(np.median(np.delete(values, i))) for i in range(n)] if n > 1 else [math.nan] * n
        assert np.allclose(medians_without_each(values), expected, equal_nan=True), values


def _late_rise(folder):
    """A day and a half of quiet chatter in Paris time, then, from 00:45 UTC on the night the
    clocks go back (29 October 2023), a burst of about 70 posts an hour until the archive ends
    at 03:00 UTC: too short for a daily profile, so the rise is compared with the same clock
    hours of the day before, whose windows are not as long (six hours before, the rest of the
    archive after; and that night's clock hours last an hour more)."""
    start = 1698408000.0  # Fri 27 Oct 2023 12:00 UTC
    rise = start + 86400 + 12 * HOUR + 45 * 60
    b = factory.Builder(21, start, 1.625)
    b.chatter(b.start, rise, lambda t: 3.5 + 0 * t, lambda t: 0.3 + 0 * t)
    b.chatter(rise, b.end, lambda t: 70.0 + 0 * t, lambda t: 0.8 + 0 * t)
    path = folder / "laterise.duckdb"
    n = b.build(path, "Late rise", "Europe/Paris", ["acmebank"])
    return factory.Incident("laterise", path, "Europe/Paris", ["acmebank"], {"rise": rise}, {}, n)


def test_the_same_hours_of_another_day_are_compared_like_with_like(runs, tmp_path):
    """Review N3: "At the same hours the day before, posts went from 21 posts to 5 posts" set
    6 hours against 1 hour 15 minutes (in rates, a slight rise read as a fall). The sentence
    now gives both days' windows, their lengths, counts and rates; every figure is checked
    with SQL over its own range."""
    from zoneinfo import ZoneInfo

    from app.core.narrative import words
    from app.core.narrative.findings import explanation

    compared = 0
    for r in [*runs.values(), Run(_late_rise(tmp_path))]:
        with r.inc.open(read_only=True) as ws:
            con = ws.cursor()
            for f in r.of("volume_change"):
                if f.detail.get("rhythm") != "compared":
                    continue
                compared += 1
                g = f.figures
                for n, rate, length in (
                    ("same_hours_before", "same_hours_rate_before", "same_hours_duration_before"),
                    ("same_hours_after", "same_hours_rate_after", "same_hours_duration_after"),
                    ("usual_before", "usual_rate_before", "usual_duration_before"),
                    ("usual_after", "usual_rate_after", "usual_duration_after"),
                ):
                    lo, hi = g[n].source.get("start"), g[n].source.get("end")
                    sql = "SELECT count(*) FROM posts WHERE epoch(created_at) >= ? AND epoch(created_at) < ?"
                    assert con.execute(sql, [lo, hi]).fetchone()[0] == g[n].value
                    assert g[length].value == hi - lo
                    assert math.isclose(g[rate].value, g[n].value / ((hi - lo) / HOUR))
                # the two days' windows start and meet at the same clock times
                assert g["same_hours_before"].source.get("end") == g["posts_after"].source.get("start")
                assert math.isclose(
                    g["usual_ratio"].value, g["usual_rate_after"].value / g["usual_rate_before"].value
                )
                text = explanation(f, ZoneInfo(r.inc.timezone)).text
                assert "posts went from" in text and "at the same clock hours" in text
                for k in ("usual_before", "usual_after", "same_hours_before", "same_hours_after"):
                    assert f"({words.big(g[k].value)} post" in text, (k, text)
                assert " posts an hour (" in text.split("at the same clock hours")[1]
    assert compared
