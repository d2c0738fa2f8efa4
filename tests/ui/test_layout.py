"""The window at laptop sizes, offscreen, on the sample incident: nothing clipped or covered,
the peak in view, turning-point names that never overlap each other, the cursor's time or the
data, an empty state that shows nothing of the previous incident, themes that keep every line
readable, and axes that say what they count."""

from __future__ import annotations

import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QToolButton, QWidget

from app.core.store import Workspace
from app.ui import theme
from app.ui.main_window import MainWindow
from app.ui.settings import AppSettings
from app.ui.timeline.time_axis import CountAxis, ZonedDateAxis
from tests.ui.window_helpers import est, idle


@pytest.fixture
def laptop(qtbot, tmp_path, sample_workspace):
    """The window at 1280×800 on a copy of the sample, as a first run lays it out."""
    ws_path = tmp_path / "askjpm.duckdb"
    shutil.copy(sample_workspace, ws_path)
    settings = AppSettings(tmp_path / "settings.ini")
    settings.tour_shown = True
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.lay_out_panels()
    assert w.open_workspace(ws_path)
    idle(qtbot, w)
    yield w
    w.close()


def window_rect(w: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(w, QPoint(0, 0)), widget.size())


def test_first_run_fits_the_screen(qtbot, tmp_path):
    w = MainWindow(AppSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    w.show()
    avail = w.screen().availableGeometry()
    assert w.width() <= avail.width() and w.height() <= avail.height()
    # the window could be made smaller still: nothing forces it wider than a small screen
    assert w.minimumSizeHint().width() <= 800
    w.close()


def test_at_1280_by_800_nothing_is_clipped_and_the_peak_is_in_view(qtbot, laptop):
    w = laptop
    # nothing made the window grow past the screen it was sized for
    assert (w.width(), w.height()) == (1280, 800)
    # every toolbar's buttons and fields are on show, none hidden behind a » button
    for bar in (w.main_toolbar, w.filter_toolbar):
        ext = [b for b in bar.findChildren(QToolButton) if b.objectName() == "qt_toolbar_ext_button"]
        assert not any(b.isVisible() for b in ext), bar.objectName()
    whole = QRect(0, 0, w.width(), w.height())
    for widget in (w.timeline, w.posts_view, w.post_detail, w.notes_panel, w.statusBar(), w.time_label):
        assert widget.isVisible()
        assert whole.contains(window_rect(w, widget)), widget.objectName()
    # the plots are not covered by the panels, and no plot is drawn beyond its view
    plots = window_rect(w, w.timeline.detail)
    for dock in w.docks:
        if dock.isVisible():
            assert not plots.intersects(window_rect(w, dock)), dock.objectName()
    viewport = w.timeline.detail.viewport()
    scene_width = w.timeline.detail.ci.boundingRect().width()
    assert scene_width <= viewport.width() + 1
    right_axis = w.timeline.p_reach.getAxis("right")
    view_rect = w.timeline.detail.mapFromScene(right_axis.sceneBoundingRect()).boundingRect()
    assert viewport.rect().contains(view_rect)
    # the posts table has room for its text
    assert w.posts_view.columnWidth(8) >= 150
    # the sample's peak: inside the visible range, its bar below the plot's top
    s = w.timeline.series
    total = sum(s.volume[k] for k in s.volume).astype(float)
    peak = int(np.argmax(total))
    lo, hi = w.timeline.visible_range()
    assert lo <= s.t[peak] and s.t[peak] + s.bin_seconds <= hi
    ymax = w.timeline.p_volume.vb.viewRange()[1][1]
    assert total[peak] < ymax
    assert w.timeline.data_top_scene_y() > w.timeline.p_volume.vb.sceneBoundingRect().top()


def labels_ok(w) -> None:
    rects = list(w.layer.label_rects().values())
    cursor = w.timeline.cursor_label_rect()
    data_top = w.timeline.data_top_scene_y()
    plot = w.timeline.p_volume.vb.sceneBoundingRect()
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not a.intersects(b), (a, b)
        if cursor is not None:
            assert not a.intersects(cursor)
        assert data_top is None or a.bottom() <= data_top + 0.5  # above the tallest bar
        assert plot.left() - 0.5 <= a.left() and a.right() <= plot.right() + 0.5  # not off an edge


def test_turning_point_names_never_overlap_and_stay_above_the_data(qtbot, laptop):
    w = laptop
    qtbot.waitUntil(lambda: bool(w.suggestions), timeout=30000)
    # many turning points close together: the escalation evening
    for s in w.suggestions_panel.pending()[:]:
        if est(2013, 11, 13, 12) <= s.time <= est(2013, 11, 14, 6):
            w.accept_suggestion(s)
    idle(qtbot, w)
    assert len(w.annotations) >= 8
    for start, end, cursor in (
        ((2013, 11, 7), (2013, 11, 17), (2013, 11, 13, 18)),
        ((2013, 11, 13, 12), (2013, 11, 14, 2), (2013, 11, 13, 17, 30)),
        ((2013, 11, 13, 15), (2013, 11, 13, 20), (2013, 11, 13, 19, 58)),  # cursor at the right edge
    ):
        w.timeline.set_range(est(*start), est(*end))
        w.set_cursor(est(*cursor))
        idle(qtbot, w)
        assert w.layer.label_rects(), "some names are shown"
        labels_ok(w)
    # a turning point scrolled out of view leaves no fragment of its name at the edge
    first = min(w.annotations, key=lambda a: a.starts_at)
    w.timeline.set_range(first.starts_at + 3600, first.starts_at + 6 * 3600)
    w.set_cursor(first.starts_at - 7200)
    idle(qtbot, w)
    assert first.id not in w.layer.label_rects()
    assert w.timeline.cursor_label_rect() is None  # nor of the cursor's time
    labels_ok(w)


def test_an_accepted_suggestion_is_anchored_to_its_evidence(qtbot, laptop):
    from app.core import annotations as notes

    w = laptop
    qtbot.waitUntil(lambda: bool(w.suggestions), timeout=30000)
    s = w.suggestions_panel.pending()[0]
    w.accept_suggestion(s)
    idle(qtbot, w)
    (a,) = notes.list_annotations(w.ws)
    line = next(item for _plot, item in w.layer._items[a.id] if hasattr(item, "movable"))
    assert line.movable is False
    # even moved by program and let go, it goes back and nothing is written
    line.setValue(a.starts_at + 3 * 3600)
    line.sigPositionChangeFinished.emit(line)
    idle(qtbot, w)
    assert notes.list_annotations(w.ws)[0].starts_at == a.starts_at
    assert line.value() == pytest.approx(a.starts_at)


def test_a_new_workspace_shows_nothing_of_the_previous_incident(qtbot, laptop, tmp_path):
    w = laptop
    assert w.timeline.series is not None and w.timeline.overview_curve.yData.sum() > 0
    assert w.open_workspace(tmp_path / "fresh.duckdb", create=True)
    idle(qtbot, w)
    t = w.timeline
    assert t.series is None and t.span is None
    assert t.overview_curve.yData is None or len(t.overview_curve.yData) == 0
    assert all(len(b.opts["height"]) == 0 for b in t.volume_bars.values())
    assert not any(line.isVisible() for line in t.cursor_lines)
    # no axis reads 00:00:00: the time axes show no values until there are posts
    assert t.axis.style["showValues"] is False and t.overview_axis.style["showValues"] is False
    assert "no posts" in t.empty_text.toPlainText()
    assert w.status_posts.text() == "No posts" and "File > Import" in w.posts_heading.text()
    assert w.posts_model.rows == [] and w.annotations == [] and w.suggestions == []
    assert w.windowTitle().startswith("Untitled incident")


def contrast(a: QColor, b: QColor) -> int:
    return abs(a.lightness() - b.lightness())


def test_themes_keep_every_line_and_box_readable(qtbot, laptop):
    w = laptop
    for name in ("dark", "light", "dark"):
        w.apply_theme(name)
        c = theme.colours()
        assert c.dark == (name == "dark")
        bg = w.timeline.detail.backgroundBrush().color()
        assert bg.lightness() == c.background.lightness()
        assert contrast(w.timeline.mean_curve.opts["pen"].color(), bg) > 150
        assert contrast(w.timeline.cursor_label.fill.color(), bg) < 40  # the box follows the palette
        assert w.timeline.p_volume.getAxis("left").textPen().color() == c.foreground
        for label in w.layer.labels().values():
            assert contrast(label.fill.color(), bg) < 40
    assert w.settings.theme == "dark" and w.theme_actions["dark"].isChecked()
    w.apply_theme("system")


def test_axes_say_what_they_count(qtbot, laptop):
    w = laptop
    assert w.timeline.p_volume.getAxis("left").labelText in (
        "Posts per hour",
        "Posts per 3 h",
        "Posts per 6 h",
    )
    w.timeline.set_range(est(2013, 11, 13, 16), est(2013, 11, 13, 18))
    idle(qtbot, w)
    assert w.timeline.p_volume.getAxis("left").labelText == f"Posts per {w.bin_seconds // 60} min" or (
        w.bin_seconds == 60 and w.timeline.p_volume.getAxis("left").labelText == "Posts per minute"
    )
    # counts tick at whole numbers, even when a bin holds a single post
    axis = CountAxis("left")
    for lo, hi in ((0, 1.3), (0, 2.6), (0, 37)):
        values = [v for _spacing, vs in axis.tickValues(lo, hi, 300) for v in vs]
        assert values and all(float(v).is_integer() for v in values)
        assert all("e" not in s for s in axis.tickStrings(values, 1, 1))
    # dates: years over years, months over months, days by number beyond two weeks
    dates = ZonedDateAxis("UTC", orientation="bottom")
    jan = [datetime(y, 1, 1, tzinfo=ZoneInfo("UTC")).timestamp() for y in (2019, 2020, 2021)]
    assert dates.tickStrings(jan, 1, 365 * 86400) == ["2019", "2020", "2021"]
    months = [datetime(2020, m, 1, tzinfo=ZoneInfo("UTC")).timestamp() for m in (11, 12)] + [
        datetime(2021, 1, 1, tzinfo=ZoneInfo("UTC")).timestamp()
    ]
    assert dates.tickStrings(months, 1, 30 * 86400) == ["Nov 2020", "Dec", "Jan 2021"]
    days = [datetime(2020, 11, d, tzinfo=ZoneInfo("UTC")).timestamp() for d in (1, 11, 21)]
    assert dates.tickStrings(days, 1, 86400) == ["1 Nov", "11 Nov", "21 Nov"]


def test_reach_of_an_archive_without_followers_is_said_unknown(qtbot, tmp_path, helpers):
    from app.core.ingest import import_paths

    path = tmp_path / "nofollowers.duckdb"
    lines = tmp_path / "stream.jsonl"
    helpers.write_v1_stream(lines, 40)
    import json

    stripped = tmp_path / "stripped.jsonl"
    with stripped.open("w", encoding="utf-8") as f:
        for line in lines.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            rec["user"].pop("followers_count", None)
            if "retweeted_status" in rec:
                rec["retweeted_status"]["user"].pop("followers_count", None)
            f.write(json.dumps(rec) + "\n")
    with Workspace.open(path, create=True) as ws:
        (report,) = import_paths(ws, [stripped])
        assert report.ok
    w = MainWindow(AppSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    assert w.open_workspace(path)
    idle(qtbot, w)
    assert "Reach unknown" in w.timeline.reach_note.toPlainText() and w.timeline.reach_note.isVisible()
    assert "unknown followers" in w.status_posts.text()
    w.close()


def test_at_1280_by_800_the_panels_tabs_show_whole_names(qtbot, laptop):
    """Seven panels share the right-hand tabs: each tab shows its whole name (the bar scrolls
    instead of cutting them to "In …"), and every panel can be reached by its tab."""
    from PySide6.QtWidgets import QTabBar

    [bar] = [b for b in laptop.findChildren(QTabBar) if b.count() >= 7]
    names = [bar.tabText(i) for i in range(bar.count())]
    assert set(names) >= {"Turning points", "The incident", "In view", "Saved views", "Evidence"}
    metrics = bar.fontMetrics()
    for i, name in enumerate(names):
        assert bar.tabRect(i).width() >= metrics.horizontalAdvance(name), name
    for i in range(bar.count()):
        bar.setCurrentIndex(i)
        qtbot.waitUntil(lambda i=i: bar.tabRect(i).intersects(bar.rect()))
