"""Phases and the drafted chronicle.

On the bundled sample incident (built with the real importer and scorer): the phases cover
the incident without overlap, every figure a paragraph gives is what the metrics give for
the same phase, the story reads as the published chronicle tells it, and the user's edits
win over the draft and survive reopening. On incidents generated here: a calm archive has no
escalation, a quiet brand no response, and a brand's answer is timed from the escalation.
"""

from __future__ import annotations

import itertools
import json
import math
import zlib
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from app.core import annotations as an
from app.core import chronicle as ch
from app.core import metrics
from app.core.errors import UserError
from app.core.ingest import import_paths
from app.core.sentiment import score_missing
from app.core.store import Workspace

EST = "America/New_York"


def est(day: int, hour: int, minute: int = 0) -> float:
    """Unix seconds of a November 2013 wall-clock time in New York."""
    return datetime(2013, 11, day, hour, minute, tzinfo=ZoneInfo(EST)).timestamp()


# ---- the sample incident --------------------------------------------------------------------


@pytest.fixture
def sample(sample_copy):
    """A copy of the sample workspace of the test's own (edits change it)."""
    ws = Workspace.open(sample_copy)
    yield ws
    ws.close()


@pytest.fixture
def sample_phases(sample):
    return ch.phases(sample)


def minute_sums(ws, a: float, b: float) -> dict:
    s = metrics.binned_series(ws, a, b, 60)
    assert s.t[0] == a and s.last_end == b
    neg = np.rint(np.nan_to_num(s.neg_share) * s.scored)
    return {
        "posts": int(s.total.sum()),
        "scored": int(s.scored.sum()),
        "negative": int(neg.sum()),
        "exposure": int(s.exposure.sum()),
        "unique": int(s.unique_audience.sum()),
    }


def test_the_phases_cover_the_incident_in_order_without_overlap(sample, sample_phases):
    first, last = metrics.incident_span(sample)
    ps = sample_phases
    assert ps[0].start == math.floor(first / 60) * 60 and ps[-1].end == math.floor(last / 60) * 60 + 60
    assert all(a.end == b.start for a, b in itertools.pairwise(ps))
    names = [p.name for p in ps]
    assert names == [n for n in ch.PHASE_NAMES if n in names]
    assert all(p.posts > 0 and p.start % 60 == 0 for p in ps)
    assert sum(p.posts for p in ps) == sample.con.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert [p.title for p in ps] == [n.capitalize() for n in names]


def test_the_phase_figures_are_the_metrics(sample, sample_phases):
    brand_posts = sample.con.execute(
        "SELECT epoch(created_at), post_id, text FROM posts WHERE lower(author_handle) = 'jpmorgan' "
        "ORDER BY created_at"
    ).fetchall()
    total_unique = metrics.binned_series(sample, sample_phases[0].start, sample_phases[-1].end, 86400)
    for p in sample_phases:
        m = minute_sums(sample, p.start, p.end)
        assert (p.posts, p.scored, p.exposure, p.unique_audience) == (
            m["posts"],
            m["scored"],
            m["exposure"],
            m["unique"],
        )
        assert p.negative_share == pytest.approx(m["negative"] / m["scored"])
        assert p.top_amplifiers == metrics.top_amplifiers(
            sample, p.start, p.end, metrics.PostFilter(brand="exclude"), limit=3
        )
        assert [tuple(b) for b in p.brand_actions] == [
            (t, pid, text) for t, pid, text in brand_posts if p.start <= t < p.end
        ]
    assert sum(p.unique_audience for p in sample_phases) == int(total_unique.unique_audience.sum())


def test_each_paragraph_gives_its_phases_figures(sample, sample_phases):
    paragraphs = ch.draft(sample, sample_phases)
    assert [(c.phase_name, c.title) for c in paragraphs] == [(p.name, p.title) for p in sample_phases]
    for p, c in zip(sample_phases, paragraphs, strict=False):
        text = c.text
        assert ch.format_count(p.posts) + " posts" in text, (p.name, text)
        assert ch.format_percent(p.negative_share) in text
        assert ch.format_big(p.exposure) in text
        for a in p.top_amplifiers:
            assert f"@{a.author_handle} ({ch.format_count(a.followers)} followers" in text
        assert (c.start, c.end, c.edited) == (p.start, p.end, False)
    peak = next(c for c in paragraphs if c.phase_name == "peak")
    p = next(p for p in sample_phases if p.name == "peak")
    assert f"a new audience of {ch.format_big(p.unique_audience)} followers" in peak.text
    hour_start, hour_posts = p.busiest_hour
    s = metrics.binned_series(sample, hour_start, hour_start + 3600, 3600)
    assert int(s.total[0]) == hour_posts and f"({ch.format_count(hour_posts)} posts)" in peak.text


def test_the_sample_reads_as_the_chronicle_tells_it(sample, sample_phases):
    """Not tuned to the sample: it checks that general rules find its known story."""
    by = {p.name: p for p in sample_phases}
    assert set(by) == set(ch.PHASE_NAMES)
    # the storm began around 4:00 pm EST on Wednesday 13 November, peaked that evening
    assert est(13, 15) <= by["escalation"].start <= est(13, 17)
    assert est(13, 16) <= by["peak"].start <= est(13, 19) < by["peak"].end
    # the first sign of trouble came on Monday 11 November, days before
    assert est(11, 0) <= by["simmer"].start < est(12, 0)
    # the cancellation at 11:26 pm falls in the response
    assert by["response"].start <= est(13, 23, 26) < by["response"].end
    assert [b.text for b in by["response"].brand_actions] == [
        "Tomorrow's Q&A is cancelled. Bad Idea. Back to the drawing board."
    ]
    text = {c.phase_name: c.text for c in ch.draft(sample, sample_phases)}
    assert text["launch"].startswith("The archive opens on Thursday 7 November 2013, 9:18 am EST.")
    assert "@jpmorgan posted 8 times" in text["launch"]
    assert text["escalation"].startswith("On Wednesday 13 November, 4:00 pm EST the pace changed:")
    assert "@jpmorgan did not post in this phase." in text["escalation"]
    assert "@OccupyWallSt" in text["peak"] and "@HuffingtonPost" in text["peak"]
    latency = ch._duration(math.floor(est(13, 23, 26) / 60) * 60 - by["escalation"].start)
    assert (
        f"posted on Wednesday 13 November, 11:26 pm EST, {latency} after the escalation began: "
        "“Tomorrow's Q&A is cancelled. Bad Idea. Back to the drawing board.”"
    ) in text["response"]
    assert "silent since Monday 11 November, 10:31 am EST" in text["response"]
    assert "Press: Financial Times (@FT)" in text["aftermath"]
    assert all("  " not in t and ".”." not in t for t in text.values())


def test_the_draft_is_deterministic(sample, sample_workspace):
    first = ch.draft(sample)
    assert ch.draft(sample) == first
    with Workspace.open(sample_workspace, read_only=True) as again:
        metrics.clear_caches()
        assert ch.draft(again) == first


def test_times_are_in_the_display_time_zone(sample):
    sample.configure(timezone="Europe/London")
    text = " ".join(c.text for c in ch.draft(sample))
    assert "GMT" in text and "EST" not in text
    assert "Wednesday 13 November, 9:00 pm GMT the pace changed" in text


# ---- edits --------------------------------------------------------------------------------------


def test_edits_win_over_the_draft_and_survive_reopening(sample):
    drafted = {c.phase_name: c.text for c in ch.draft(sample)}
    mine = "At 4 pm the questions turned hostile; we noticed at 6 pm."
    ch.save_edit(sample, "escalation", mine)
    ch.save_edit(sample, "peak", "first version")
    ch.save_edit(sample, "peak", "second version")
    paragraphs = {c.phase_name: c for c in ch.chronicle(sample)}
    assert paragraphs["escalation"].text == mine and paragraphs["escalation"].edited
    assert paragraphs["escalation"].draft_text == drafted["escalation"]
    assert paragraphs["peak"].text == "second version"
    assert paragraphs["launch"].text == drafted["launch"] and not paragraphs["launch"].edited
    path = sample.path
    sample.close()
    with Workspace.open(path) as again:
        assert ch.edited(again) == {"escalation": mine, "peak": "second version"}
        kept = {c.phase_name: c for c in ch.chronicle(again)}
        assert kept["escalation"].text == mine
        ch.clear_edit(again, "peak")
        assert {c.phase_name: c.text for c in ch.chronicle(again)}["peak"] == drafted["peak"]


def test_an_edit_of_a_phase_the_draft_no_longer_has_is_kept(sample):
    ch.save_edit(sample, "simmer", "The Monday jokes.")
    # with the turning points cleared (no accepted annotation and every suggestion dismissed)
    # the draft has no simmer
    from app.core import turning_points as tp

    for s in tp.suggest(sample):
        an.dismiss(sample, s.key())
    paragraphs = ch.chronicle(sample)
    names = [c.phase_name for c in paragraphs]
    assert names == [n for n in ch.PHASE_NAMES if n in names] and "simmer" in names
    simmer = next(c for c in paragraphs if c.phase_name == "simmer")
    assert (simmer.text, simmer.edited, simmer.draft_text, simmer.start) == (
        "The Monday jokes.",
        True,
        "",
        None,
    )


def test_a_phase_name_that_does_not_exist_is_refused(sample):
    with pytest.raises(UserError, match="not a phase"):
        ch.save_edit(sample, "climax", "text")


# ---- which turning points shape the phases ------------------------------------------------------


def test_accepted_annotations_replace_the_suggestions(sample):
    first_joke = est(11, 11, 12)
    an.add(
        sample,
        an.Annotation(
            None,
            first_joke,
            label="“Just Pay More”",
            category="trigger",
            note="A joke, then an apology: the first sign of trouble.",
        ),
    )
    ps = ch.phases(sample)
    by = {p.name: p for p in ps}
    assert by["simmer"].start == math.floor(first_joke / 60) * 60
    assert [a.label for a in by["simmer"].turning_points] == ["“Just Pay More”"]
    assert all(isinstance(tp, an.Annotation) for p in ps for tp in p.turning_points)
    text = {c.phase_name: c.text for c in ch.draft(sample, ps)}
    assert text["simmer"].startswith(
        "On Monday 11 November, 11:12 am EST came the first sign of trouble: “Just Pay More”. "
        "A joke, then an apology: the first sign of trouble."
    )


def test_without_turning_points_the_launch_runs_to_the_escalation(sample):
    ps = ch.phases(sample, turning_points=[])
    assert [p.name for p in ps] == ["launch", "escalation", "peak", "response", "aftermath"]
    assert all(p.turning_points == [] for p in ps)


# ---- generated incidents ----------------------------------------------------------------------

T0 = 1636329600  # Mon 2021-11-08 00:00 UTC
TEXTS = ("terrible awful service", "the office opens at nine", "what a great day")


def v1_time(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y")


def status(post_id: int, t: float, handle: str, text: str, followers: int) -> dict:
    return {
        "created_at": v1_time(t),
        "id_str": str(post_id),
        "text": text,
        "lang": "en",
        "user": {
            "id_str": str(zlib.crc32(handle.encode())),
            "screen_name": handle,
            "name": handle,
            "followers_count": followers,
        },
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
    }


def incident(
    tmp_path, hourly: list[int], brand: list[tuple[float, str]] = (), score: bool = True
) -> Workspace:
    """An archive with ``hourly[h]`` posts in hour h from T0 (spread evenly within it), the
    given posts of @acme, imported and scored."""
    statuses, n = [], 0
    for h, count in enumerate(hourly):
        for k in range(count):
            n += 1
            statuses.append(
                status(
                    10_000 + n,
                    T0 + h * 3600 + k * 3600 / count + 1,
                    f"user{n % 997}",
                    f"{TEXTS[n % 3]} {n}",
                    50 + (n * 7919) % 5000,
                )
            )
    for i, (t, text) in enumerate(brand):
        statuses.append(status(90_000 + i, t, "Acme", text, 120_000))
    statuses.sort(key=lambda s: datetime.strptime(s["created_at"], "%a %b %d %H:%M:%S %z %Y"))
    path = tmp_path / "incident.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in statuses), encoding="utf-8")
    ws = Workspace.open(tmp_path / "incident.duckdb", create=True)
    ws.configure(brand_handles=["acme"])
    (report,) = import_paths(ws, [path])
    assert report.ok, report.error
    if score:
        score_missing(ws)
    return ws


STORM = [6] * 48 + [20, 60, 150, 300, 320, 280, 200, 140, 90, 60, 40, 30] + [20] * 12


def test_a_calm_archive_has_no_escalation(tmp_path):
    with incident(tmp_path, [20] * 72, brand=[(T0 + 3600 * 30, "Our store hours change next week.")]) as ws:
        ps = ch.phases(ws, turning_points=[])
        assert [p.name for p in ps] == ["launch"]
        (c,) = ch.draft(ws, ps)
        assert c.text.startswith("The archive opens on Monday 8 November 2021, 12:00 am UTC.")
        assert (
            "@Acme posted once in this phase, on Tuesday 9 November, 6:00 am UTC: “Our store hours" in c.text
        )
        assert "1,441 posts" in c.text


def test_a_storm_with_a_quiet_brand_has_no_response(tmp_path):
    with incident(tmp_path, STORM, brand=[(T0 + 3600 * 10, "Come see our new branch!")]) as ws:
        ps = ch.phases(ws, turning_points=[])
        assert [p.name for p in ps] == ["launch", "escalation", "peak", "aftermath"]
        by = {p.name: p for p in ps}
        # the peak: the hours with half the busiest hour's 320 posts or more; the escalation:
        # the hours before it with a tenth or more
        assert (by["peak"].start, by["peak"].end) == (T0 + 51 * 3600, T0 + 55 * 3600)
        assert by["escalation"].start == T0 + 49 * 3600
        text = {c.phase_name: c.text for c in ch.draft(ws, ps)}
        for name in ("escalation", "peak", "aftermath"):
            assert "@acme did not post in this phase." in text[name]
        assert "the most in the hour from 4:00 am (320 posts)" in text["peak"]


def test_a_brand_that_answers_during_the_escalation(tmp_path):
    answer = T0 + 49 * 3600 + 30 * 60 + 17
    with incident(tmp_path, STORM, brand=[(answer, "We hear you and are looking into it.")]) as ws:
        ps = ch.phases(ws, turning_points=[])
        names = [p.name for p in ps]
        assert names[:4] == ["launch", "escalation", "peak", "response"]
        by = {p.name: p for p in ps}
        assert [b.text for b in by["escalation"].brand_actions] == ["We hear you and are looking into it."]
        # the response runs from the end of the peak until the hourly volume falls under a quarter
        assert by["response"].start == by["peak"].end == T0 + 55 * 3600
        assert by["response"].end == T0 + 57 * 3600  # 90 posts is the first hour under 80
        text = {c.phase_name: c.text for c in ch.draft(ws, ps)}
        assert (
            "@Acme posted once in this phase, at 1:30 am, 30 minutes after the escalation began: "
            "“We hear you and are looking into it.”"
        ) in text["escalation"]
        assert (
            "@Acme had first responded at 1:30 am, 30 minutes after the escalation began." in text["response"]
        )


def test_a_brand_that_answers_after_the_peak_is_timed_in_the_response(tmp_path):
    answer = T0 + 56 * 3600 + 45 * 60
    with incident(tmp_path, STORM, brand=[(T0 + 3600, "Hello!"), (answer, "We are sorry.")]) as ws:
        ps = ch.phases(ws, turning_points=[])
        by = {p.name: p for p in ps}
        assert by["response"].start == T0 + 55 * 3600 and by["response"].end == T0 + 57 * 3600
        text = {c.phase_name: c.text for c in ch.draft(ws, ps)}["response"]
        assert text.startswith(
            "From Wednesday 10 November, 7:00 am UTC to 9:00 am the volume eased to "
            f"{round(by['response'].posts / 2)} posts an hour: {by['response'].posts} posts"
        )
        assert (
            "@Acme, silent since Monday 8 November, 1:00 am UTC, posted on Wednesday 10 November, "
            "8:45 am UTC, 7 hours 45 minutes after the escalation began: “We are sorry.”"
        ) in text


def test_a_brand_response_annotation_counts_as_the_brand_acting(tmp_path):
    with incident(tmp_path, STORM) as ws:
        ws.configure(brand_handles=[])
        statement = an.Annotation(
            None, T0 + 58 * 3600, label="Statement on the website", category="brand response"
        )
        ps = ch.phases(ws, turning_points=[statement])
        assert "response" in [p.name for p in ps]
        text = {c.phase_name: c.text for c in ch.draft(ws, ps)}
        assert (
            "The brand's response came at 10:00 am, 9 hours after the escalation began: "
            "Statement on the website."
        ) in text["response"]
        assert text["response"].count("Statement on the website") == 1


def test_posts_without_scores_are_told_as_such(tmp_path):
    with incident(tmp_path, [5, 5, 5], score=False) as ws:
        (c,) = ch.draft(ws, ch.phases(ws, turning_points=[]))
        assert "15 posts (none of them scored for sentiment yet)" in c.text


def test_an_empty_workspace_has_no_phases(tmp_path):
    with Workspace.open(tmp_path / "empty.duckdb", create=True) as ws:
        assert ch.phases(ws) == [] and ch.draft(ws) == [] and ch.chronicle(ws) == []


def test_the_core_takes_no_sql_text_from_the_user(tmp_path):
    """Handles and edits are parameters: a quote in them is just a character."""
    with incident(tmp_path, [5, 5]) as ws:
        ws.configure(brand_handles=["acme"])
        ch.save_edit(ws, "launch", "it's O'Brien's \"quote\"; DROP TABLE posts; --")
        (c,) = ch.chronicle(ws)
        assert c.text.startswith("it's O'Brien's")
        assert ws.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 10


def test_two_waves_the_earlier_one_is_named_before_the_escalation(tmp_path):
    hourly = [6] * 24 + [20, 80, 100, 80, 30] + [6] * 24 + [100, 300, 250, 100, 40] + [10] * 12
    with incident(tmp_path, hourly) as ws:
        ps = ch.phases(ws, turning_points=[])
        by = {p.name: p for p in ps}
        assert [p.name for p in ps] == ["launch", "escalation", "peak", "aftermath"]
        assert by["peak"].start == T0 + 54 * 3600 and by["escalation"].start == T0 + 53 * 3600
        launch = ch.draft(ws, ps)[0].text
        assert (
            "An earlier wave peaked on Tuesday 9 November, 2:00 am UTC, with 100 posts in the hour "
            "(33% of the busiest hour's)." in launch
        )
        # with a turning point at the first wave, that wave opens the simmer
        rise = an.Annotation(None, T0 + 25 * 3600, label="First wave", category="escalation")
        ps = ch.phases(ws, turning_points=[rise])
        assert [p.name for p in ps] == ["launch", "simmer", "escalation", "peak", "aftermath"]
        assert ps[1].start == T0 + 25 * 3600 and ps[1].turning_points == [rise]
        # an escalation point up to three hours before the run-up starts the escalation
        early = an.Annotation(None, T0 + 51 * 3600 + 1234, label="Rise", category="escalation")
        ps = ch.phases(ws, turning_points=[early])
        assert {p.name: p.start for p in ps}["escalation"] == T0 + 51 * 3600 + 1200


def test_turning_points_outside_the_posts_belong_to_the_ends(tmp_path):
    with incident(tmp_path, [20] * 6) as ws:
        before = an.Annotation(None, T0 - 86400, label="Announcement", category="other")
        after = an.Annotation(None, T0 + 30 * 86400, label="Review", category="resolution")
        ps = ch.phases(ws, turning_points=[after, before])
        assert [p.name for p in ps] == ["launch"]
        assert ps[0].turning_points == [before, after]
