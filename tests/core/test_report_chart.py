"""The report's timeline chart (app.core.report.charts) and its caption: the markers it says it
draws are the ones it draws, and a short window still has a labelled time axis."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np

from app.core.facts import clear_cache
from app.core.report import charts
from app.core.report.content import Chart, build_report

UTC = ZoneInfo("UTC")
T0 = datetime(2021, 4, 8, 19, 31, tzinfo=timezone.utc).timestamp()


def _chart(
    start: float, minutes: int, markers: list[charts.Marker], overview_days: float = 0
) -> charts.TimelineChart:
    t = start + 60.0 * np.arange(minutes)
    n = len(t)
    panel = charts.Panel(
        t=t,
        ends=t + 60,
        volume={"post": np.ones(n)},
        scored=np.ones(n),
        neg_share=np.full(n, 0.2),
        pos_share=np.full(n, 0.3),
        exposure=None,
        cumulative_unique=None,
    )
    ov_t = np.linspace(start - overview_days * 86400, start + 60 * minutes, 50)
    return charts.TimelineChart(
        zone=UTC,
        bin_label="minute",
        panel=panel,
        overview_t=ov_t[:-1],
        overview_ends=ov_t[1:],
        overview_counts=np.ones(49),
        window=(start, start + 60.0 * minutes),
        markers=markers,
    )


def _numbers_drawn(svg: str) -> set[int]:
    return {int(n) for n in re.findall(r'font-weight="bold">(\d+)</text>', svg)}


def _labels(svg: str) -> list[str]:
    return re.findall(r">(\d\d:\d\d(?::\d\d)?|\w{3} \d+ \w{3}[^<]*)</text>", svg)


def test_only_the_markers_in_the_window_are_drawn_and_said_to_be():
    markers = [
        charts.Marker(1, T0 - 86400 * 300),  # months before the window
        charts.Marker(2, T0 + 90),
        charts.Marker(3, T0 - 3600, T0 + 120),  # a stretch that runs into the window
        charts.Marker(4, T0 + 86400),  # after it
    ]
    c = _chart(T0, 4, markers)
    assert charts.markers_shown(c) == [2, 3]
    assert _numbers_drawn(charts.render_svg(c)) == {2, 3}


def test_a_window_of_a_few_minutes_has_time_labels():
    svg = charts.render_svg(_chart(T0, 4, []))
    labels = _labels(svg)
    # the axes carry the clock, and the day at the first tick
    assert "19:33:00" in labels
    assert any(label.startswith("Thu 8 Apr") for label in labels)
    ticks = charts.time_ticks(T0, T0 + 130, UTC, 10)
    assert len(ticks) >= 3 and ticks[0][1].startswith("Thu 8 Apr")


def test_hour_ticks_stay_for_windows_of_hours():
    ticks = charts.time_ticks(T0, T0 + 10 * 3600, UTC, 10)
    assert [label for _, label, _ in ticks][:2] == ["20:00", "21:00"]


def test_the_window_box_is_visible_on_a_long_archive():
    svg = charts.render_svg(_chart(T0, 4, [], overview_days=800))
    box = re.search(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="none"', svg)
    assert box and float(box.group(1)) >= 8


def test_the_caption_names_the_markers_the_chart_draws(workspace, fixtures_dir, helpers):
    """Bluesky's 861 days: the chart zooms on the main wave and most turning points fall off
    it; the caption says which are marked (#21: it said all were)."""
    clear_cache()
    helpers.import_one(workspace, fixtures_dir / "twitwi" / "bluesky-posts.json")
    report = build_report(workspace)
    chart = next(b for b in report.section("timeline").blocks if isinstance(b, Chart))
    drawn = _numbers_drawn(chart.svg)
    text = chart.caption.text
    m = re.search(r"fall in or run into the part shown \(([\d, ]+)\); the others? \(([\d, ]+)\)", text)
    assert m, text
    shown = {int(n) for n in m.group(1).split(", ")}
    others = {int(n) for n in m.group(2).split(", ")}
    assert shown == drawn and shown and others and not shown & others
    assert "Numbered markers are the turning points listed below." not in text


def test_hour_ticks_follow_the_clock_across_daylight_saving_changes():
    """acme's fall-back night (Europe/Paris, 29 Oct 2023): 02:00 comes twice and both are
    labelled, the second by its zone; in spring 02:00 never comes and is not labelled."""
    paris = ZoneInfo("Europe/Paris")
    autumn = datetime(2023, 10, 28, 22, tzinfo=timezone.utc).timestamp()
    labels = [label for _, label, _ in charts.time_ticks(autumn, autumn + 7 * 3600, paris, 10)]
    assert labels[:5] == ["Sun 29 Oct", "01:00", "02:00", "02:00 CET", "03:00"]
    spring = datetime(2023, 3, 25, 22, tzinfo=timezone.utc).timestamp()
    ticks = charts.time_ticks(spring, spring + 7 * 3600, paris, 10)
    assert "02:00" not in [label for _, label, _ in ticks]
    times = [t for t, _, _ in ticks]
    assert times == sorted(set(times)) and all(b - a == 3600 for a, b in itertools.pairwise(times))


def _seconds(label: str) -> int:
    clock = [int(x) for x in label.split()[-1].split(":")]
    return clock[0] * 3600 + clock[1] * 60 + (clock[2] if len(clock) > 2 else 0)


def test_the_time_labels_keep_a_regular_step():
    """The pt chart read 20:19:00, 20:19:30, 20:19:45, 20:20:00: the wide first label (with
    the day) hid the second, and every other one was printed. Labels that would collide are
    left out at a regular step instead."""
    for minutes in (2, 3, 4, 5, 7, 11, 30, 95, 200):
        labels = _labels(charts.render_svg(_chart(T0, minutes, [])))
        axes: list[list[int]] = []
        for label in labels:
            if label[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
                axes.append([])
            axes[-1].append(_seconds(label))
        assert len(axes) >= 3, (minutes, labels)
        for axis in axes:
            steps = {b - a for a, b in itertools.pairwise(axis)}
            assert len(steps) <= 1, (minutes, axis)
