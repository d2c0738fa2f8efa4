"""The timeline window driven for real (offscreen) on the sample incident's workspace.

Every check compares what the window shows with a plain SQL answer over the same workspace.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

EST = ZoneInfo("America/New_York")


def est(*args) -> float:
    return datetime(*args, tzinfo=EST).timestamp()


def sql(w, query: str, params=()):
    return w.ws.cursor().execute(query, list(params)).fetchall()


def bar_total(w) -> int:
    return int(sum(np.sum(w.timeline.volume_bars[k].opts["height"]) for k in w.timeline.volume_bars))


def visible_count(w, where: str = "TRUE", params=()) -> int:
    _lo, _hi = w.timeline.visible_range()
    s = w.timeline.series
    start = s.t[0]
    end = s.t[-1] + s.bin_seconds
    return sql(
        w,
        f"SELECT count(*) FROM posts WHERE created_at >= to_timestamp(?)::TIMESTAMP "
        f"AND created_at < to_timestamp(?)::TIMESTAMP AND {where}",
        [start, end, *params],
    )[0][0]


def test_opens_on_the_whole_incident(window):
    w = window
    total = sql(w, "SELECT count(*) FROM posts")[0][0]
    assert w.timeline.series is not None
    assert bar_total(w) == visible_count(w) == total
    assert "America/New_York" in w.timeline.p_reach.getAxis("bottom").labelText
    assert w.windowTitle().startswith("#AskJPM")
    assert w.status_posts.text().startswith(f"{total:,} posts in view, sentiment on ")


def test_zoom_to_the_escalation_refines_bins(qtbot, window, wait_idle):
    w = window
    whole_bin = w.timeline.series.bin_seconds
    w.timeline.set_range(est(2013, 11, 13, 15), est(2013, 11, 13, 19))
    qtbot.waitUntil(lambda: w.timeline.series.bin_seconds < whole_bin, timeout=10000)
    wait_idle(w)
    assert w.timeline.series.bin_seconds <= 900
    assert bar_total(w) == visible_count(w)
    # the overview's range follows the zoom
    lo, hi = w.timeline.region.getRegion()
    assert abs(lo - est(2013, 11, 13, 15)) < 1 and abs(hi - est(2013, 11, 13, 19)) < 1


def test_cursor_drag_and_the_posts_at_that_moment(qtbot, window, wait_idle):
    w = window
    t = est(2013, 11, 13, 17, 30)
    line = w.timeline.cursor_lines[1]
    line.setValue(t)
    line.sigDragged.emit(line)  # what pyqtgraph emits while the user drags the line
    wait_idle(w)
    assert w.cursor_t == pytest.approx(t)
    assert "17:30" in w.time_label.text() and "EST" in w.time_label.text()
    half = 15 * 60
    expected = sql(
        w,
        "SELECT count(*) FROM posts WHERE created_at BETWEEN to_timestamp(?)::TIMESTAMP AND to_timestamp(?)::TIMESTAMP",
        [t - half, t + half],
    )[0][0]
    assert expected > 0
    assert w.posts_heading.text().startswith(f"{expected:,} posts within")
    rows = w.posts_model.rows
    assert rows and len(rows) == min(expected, 500)
    for r in rows:
        ts = r.created_at.replace(tzinfo=timezone.utc).timestamp()
        assert t - half - 1 <= ts <= t + half + 1
    times = [r.created_at for r in rows]
    assert times == sorted(times)


def test_click_places_the_cursor(qtbot, window, wait_idle):
    w = window
    vb = w.timeline.p_volume.vb
    lo, hi = w.timeline.visible_range()
    target = lo + (hi - lo) * 0.4
    from PySide6.QtCore import QPointF

    scene_pos = vb.mapViewToScene(QPointF(target, 0))
    view_pos = w.timeline.detail.mapFromScene(scene_pos)
    qtbot.mouseClick(
        w.timeline.detail.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(int(view_pos.x()), int(view_pos.y()) - 20),
    )
    wait_idle(w)
    assert w.cursor_t == pytest.approx(target, abs=(hi - lo) / 200)


def test_arrow_keys_step_one_bin_and_ten_with_shift(qtbot, window, wait_idle):
    w = window
    w.set_cursor(est(2013, 11, 12, 12))
    wait_idle(w)
    start = w.cursor_t
    w.timeline.setFocus()
    qtbot.keyClick(w.timeline, Qt.Key.Key_Right)
    assert w.cursor_t == pytest.approx(start + w.bin_seconds)
    qtbot.keyClick(w.timeline, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert w.cursor_t == pytest.approx(start + w.bin_seconds - 10 * w.bin_seconds)
    wait_idle(w)


def test_filter_changes_every_series_and_the_table(qtbot, window, wait_idle):
    w = window
    before_overview = w.timeline.overview_curve.yData.sum()
    w.filter_bar.text.setText("bell")
    qtbot.keyClick(w.filter_bar.text, Qt.Key.Key_Return)
    wait_idle(w)
    matching = sql(w, "SELECT count(*) FROM posts WHERE text ILIKE '%bell%'")[0][0]
    assert 0 < matching < sql(w, "SELECT count(*) FROM posts")[0][0]
    assert w.timeline.overview_curve.yData.sum() == matching < before_overview
    assert bar_total(w) == visible_count(w, "text ILIKE '%bell%'")
    assert "bell" in w.status_filter.text()
    w.set_cursor(est(2013, 11, 13, 19))
    wait_idle(w)
    assert w.posts_model.rows and all("bell" in r.text.lower() for r in w.posts_model.rows)

    # excluding retweets: the retweet bars are empty everywhere
    w.filter_bar.clear()
    w.filter_bar.kinds["retweet"].setChecked(False)
    wait_idle(w)
    assert np.sum(w.timeline.volume_bars["retweet"].opts["height"]) == 0
    assert bar_total(w) == visible_count(w, "kind <> 'retweet'")
    assert all(r.kind != "retweet" for r in w.posts_model.rows)

    w.filter_bar.clear()
    wait_idle(w)
    assert w.status_filter.text() == ""
    assert w.timeline.overview_curve.yData.sum() == before_overview


def test_selecting_a_post_shows_it_whole_and_moves_the_cursor(qtbot, window, wait_idle):
    w = window
    w.set_cursor(est(2013, 11, 13, 18))
    wait_idle(w)
    rows = w.posts_model.rows
    i = next(i for i, r in enumerate(rows) if r.kind == "retweet")
    w.posts_view.selectRow(i)
    wait_idle(w)
    row = rows[i]
    body = w.post_detail.body.toPlainText()
    assert row.text in body
    assert f"@{row.ref_author_handle}" in body
    assert w.cursor_t == pytest.approx(row.created_at.replace(tzinfo=timezone.utc).timestamp())
    from app.core.metrics import original_of

    original = original_of(w.ws, row)  # the sample's retweets all point into the archive
    assert original is not None
    qtbot.waitUntil(lambda: "The original" in w.post_detail.body.toPlainText(), timeout=10000)
    assert original.text in w.post_detail.body.toPlainText()


def test_plain_text_only(qtbot, window, wait_idle):
    w = window
    # any text the table or the detail pane shows is exactly the post's text
    w.set_cursor(est(2013, 11, 13, 18))
    wait_idle(w)
    row = w.posts_model.rows[0]
    w.post_detail.show_post(
        row.__class__(**{**row.__dict__, "text": "<b>bold</b><script>x</script>"}), None, "now"
    )
    assert "<b>bold</b><script>x</script>" in w.post_detail.body.toPlainText()


def test_the_post_pane_clears_when_its_post_leaves_the_table(qtbot, window, wait_idle):
    w = window
    w.set_cursor(est(2013, 11, 13, 18))
    wait_idle(w)
    w.posts_view.selectRow(0)
    wait_idle(w)
    assert w.post_detail.row is not None
    w.set_cursor(est(2013, 11, 15, 12))  # two days later: other posts
    wait_idle(w)
    assert w.post_detail.row is None and w.post_detail.body.toPlainText() == ""
