"""The window's behaviour under a user's hands: typing waits for a pause and never shows a filter
that is not in force, dropped queries stop, every post of the cursor's window is reachable,
quitting during work asks first, the mouse wheel leaves combo boxes alone, a time typed in the
turning-point dialog is the time kept, a browser that cannot open says so, the last workspace
and cursor come back, help is at hand, and text from the data is only ever plain text."""

from __future__ import annotations

import json
import shutil
import threading
import time

import pytest
from PySide6.QtCore import QDateTime, QPoint, QPointF, Qt, QTimeZone, QUrl
from PySide6.QtGui import QGuiApplication, QTextDocument, QWheelEvent
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QApplication,
    QDateTimeEdit,
    QDialog,
    QLabel,
    QListWidget,
    QTableWidget,
    QTreeWidget,
)

from app.core import annotations as notes
from app.core.ingest import import_paths
from app.core.store import Workspace
from app.ui import application, plain
from app.ui.annotation_dialog import AnnotationDialog
from app.ui.column_mapping_dialog import ColumnMappingDialog
from app.ui.help import ShortcutsDialog
from app.ui.main_window import MainWindow
from app.ui.settings import AppSettings
from app.ui.tasks import TaskRunner
from tests.ui.window_helpers import est, idle, sql

HOSTILE = "<img src=x>"


def rendered(text: str) -> str:
    """What Qt draws for a tooltip or a label in automatic format: rich text when it looks like it."""
    doc = QTextDocument()
    if GuiQt.mightBeRichText(text):
        doc.setHtml(text)
    else:
        doc.setPlainText(text)
    return doc.toPlainText()


# ---- typing and queries --------------------------------------------------------------------


def test_the_minimum_audience_waits_for_a_pause_and_the_status_shows_the_filter_in_force(qtbot, window):
    w = window
    applied = []
    w.filter_bar.changed.connect(applied.append)
    box = w.filter_bar.min_followers
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), "5000")
    # typed, not yet applied: the status says so rather than showing the new filter as in force
    assert applied == [] and w.filter_bar.pending
    assert "applying" in w.status_filter.text() and "5,000" not in w.status_filter.text()
    qtbot.waitUntil(lambda: bool(applied), timeout=5000)
    idle(qtbot, w)
    assert [f.min_followers for f in applied] == [5000]  # one query, not one per keystroke
    assert "at least 5,000 followers" in w.status_filter.text() and "applying" not in w.status_filter.text()
    n = sql(w, "SELECT count(*) FROM posts WHERE author_followers >= 5000")[0][0]
    assert int(sum(w.timeline.overview_curve.yData)) == n


def test_a_dropped_query_is_interrupted_in_duckdb(qtbot, tmp_path):
    """A newer query of the same kind stops the older one at once: it does not hold a worker
    while the new one waits (the cause of a filter lagging seconds behind what it shows)."""
    ws = Workspace.open(tmp_path / "w.duckdb", create=True)
    runner = TaskRunner()
    try:
        started = threading.Event()
        outcome = {}

        def slow(progress):
            con = progress.cursor(ws)
            started.set()
            t0 = time.monotonic()
            try:
                return con.execute("SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3").fetchone()
            finally:
                outcome["ran_s"] = time.monotonic() - t0

        first = runner.submit("series", slow)
        assert started.wait(10)
        time.sleep(0.2)
        second = runner.submit("series", lambda p: 42, on_result=lambda r: outcome.setdefault("second", r))
        assert first.done.wait(10), "the dropped query was not interrupted"
        qtbot.waitUntil(lambda: outcome.get("second") == 42, timeout=10000)
        assert outcome["ran_s"] < 5
        assert second.done.is_set()
    finally:
        runner.wait_all()
        ws.close()


def test_every_post_of_the_cursor_window_can_be_reached(qtbot, window):
    w = window
    w.window_box.setCurrentIndex(w.window_box.findData(180))
    w.set_cursor(est(2013, 11, 13, 18))
    idle(qtbot, w)
    total = w.posts_model.total
    assert total > 1500 and len(w.posts_model.rows) == 500
    # scrolling down fetches the next pages
    for _ in range(60):
        if len(w.posts_model.rows) >= total:
            break
        w.posts_view.scrollToBottom()
        QApplication.processEvents()
        idle(qtbot, w)
    rows = w.posts_model.rows
    assert len(rows) == total
    assert len({(r.platform, r.post_id) for r in rows}) == total
    times = [r.created_at for r in rows]
    assert times == sorted(times)
    t = est(2013, 11, 13, 18)
    last = sql(
        w,
        "SELECT max(created_at) FROM posts WHERE created_at BETWEEN to_timestamp(?)::TIMESTAMP AND to_timestamp(?)::TIMESTAMP",
        [t - 10800, t + 10800],
    )[0][0]
    assert times[-1] == last
    assert w.posts_heading.text().startswith(f"{total:,} posts within")


def test_the_cursor_updates_the_views_at_most_every_60_ms_while_dragged(qtbot, window):
    """A second's drag at 60 moves a second (on the throttle's own clock, so that a busy
    machine cannot change the count) updates the views about 16 times, and the last position
    always lands."""
    w = window
    updates = []
    w.session.subscribe(
        lambda stale, changed: updates.append(w.session.cursor) if "cursor" in changed else None
    )
    now = [1000.0]
    w.throttle.clock = lambda: now[0]
    w.throttle.reset()
    line = w.timeline.cursor_lines[0]
    start = est(2013, 11, 13, 12)
    for i in range(60):
        now[0] += 1 / 60
        line.setValue(start + i * 60)
        line.sigDragged.emit(line)
    assert 14 <= len(updates) <= 18
    line.sigPositionChangeFinished.emit(line)  # let go
    idle(qtbot, w)
    assert w.cursor_t == pytest.approx(start + 59 * 60) and updates[-1] == pytest.approx(start + 59 * 60)
    assert len(updates) <= 19


# ---- quitting -----------------------------------------------------------------------------------


def test_quitting_while_scoring_asks_and_says_what_is_kept(qtbot, window, message_boxes):
    w = window
    release = threading.Event()
    w.runner.submit("score", lambda p: release.wait(30))  # the scorer at work
    message_boxes.answer = plain.QMessageBox.StandardButton.No
    assert not w.close()
    assert w.isVisible() and w.ws is not None
    asked = message_boxes.shown[-1]
    assert asked.plain and "scores computed so far are kept" in asked.text
    message_boxes.answer = plain.QMessageBox.StandardButton.Yes
    release.set()
    qtbot.waitUntil(lambda: not w.runner.is_busy("score"), timeout=10000)
    assert w.close()


def test_quitting_during_an_import_asks_first(qtbot, window, message_boxes):
    w = window
    release = threading.Event()
    w.runner.submit("import", lambda p: release.wait(30))
    message_boxes.answer = plain.QMessageBox.StandardButton.No
    assert not w.close()
    assert "file being read is not kept" in message_boxes.shown[-1].text
    release.set()
    qtbot.waitUntil(lambda: not w.runner.is_busy("import"), timeout=10000)


# ---- dialogs --------------------------------------------------------------------------------------


def test_the_mouse_wheel_scrolls_the_mapping_form_not_its_combo_boxes(qtbot, tmp_path):
    columns = ["Tweet ID", "Date (UTC)", "Message", "Screen Name", "Likes", "Notes"]
    dialog = ColumnMappingDialog(tmp_path / "export.csv", columns, [], None)
    qtbot.addWidget(dialog)
    dialog.resize(600, 380)
    dialog.show()
    qtbot.waitExposed(dialog)
    combo = dialog.combos["kind"]
    before = combo.currentIndex()

    def wheel(widget, steps: int) -> None:
        event = QWheelEvent(
            QPointF(5, 5),
            QPointF(widget.mapToGlobal(QPoint(5, 5))),
            QPoint(0, 0),
            QPoint(0, -120 * steps),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, event)

    dialog.ok_button.setFocus()
    assert not combo.hasFocus()
    wheel(combo, 2)
    assert combo.currentIndex() == before  # scrolling past it leaves the choice alone
    dialog.activateWindow()
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=5000)
    wheel(combo, 1)
    assert combo.currentIndex() != before  # once clicked into, the wheel chooses


def test_a_time_typed_into_the_turning_point_dialog_is_the_time_kept(qtbot):
    a = notes.Annotation(None, est(2013, 11, 13, 16, 5), label="x")
    dialog = AnnotationDialog(a, "America/New_York")
    qtbot.addWidget(dialog)
    dialog.show()
    edit = dialog.starts
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.YearSection)
    qtbot.keyClicks(edit, "20131114093007")  # digits only: the sections follow one another
    expected = QDateTime.fromSecsSinceEpoch(int(est(2013, 11, 14, 9, 30, 7)), QTimeZone(b"America/New_York"))
    assert edit.dateTime().toSecsSinceEpoch() == expected.toSecsSinceEpoch()
    assert dialog.values().starts_at == est(2013, 11, 14, 9, 30, 7)
    assert edit.text() == "2013-11-14 09:30:07"


def test_a_new_stretch_starts_and_ends_on_whole_bins(qtbot, window, monkeypatch):
    w = window
    w.timeline.set_range(est(2013, 11, 13, 12), est(2013, 11, 14, 0))
    w.set_cursor(est(2013, 11, 13, 17, 23, 41))
    idle(qtbot, w)
    drafts = []

    def capture(dialog):
        drafts.append(dialog.values())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(AnnotationDialog, "exec", capture)
    w.add_range()
    (draft,) = drafts
    assert draft.starts_at % w.bin_seconds == 0 and draft.ends_at % w.bin_seconds == 0
    assert draft.starts_at <= w.cursor_t <= draft.ends_at
    assert draft.ends_at - draft.starts_at >= 3600


def test_opening_a_post_without_a_browser_says_so_and_keeps_the_address(qtbot, window, message_boxes):
    w = window
    w.set_cursor(est(2013, 11, 13, 18))
    idle(qtbot, w)
    w.posts_view.selectRow(0)
    idle(qtbot, w)
    w.post_detail.open_url = lambda url: False  # offline, or no browser installed
    w.post_detail.open_button.click()
    row = w.post_detail.row
    assert message_boxes.shown and row.url in message_boxes.shown[-1].text and message_boxes.shown[-1].plain
    assert QGuiApplication.clipboard().text() == row.url
    opened = []
    w.post_detail.open_url = lambda url: opened.append(url.toString()) or True
    n = len(message_boxes.shown)
    w.post_detail.open_button.click()
    assert opened == [QUrl(row.url).toString()] and len(message_boxes.shown) == n


# ---- starting again where the user left -----------------------------------------------------


def test_the_last_workspace_and_cursor_reopen_on_start(qtbot, tmp_path, sample_workspace):
    path = tmp_path / "askjpm.duckdb"
    shutil.copy(sample_workspace, path)
    ini = tmp_path / "settings.ini"
    settings = AppSettings(ini)
    settings.tour_shown = True
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    assert w.open_workspace(path)
    idle(qtbot, w)
    w.timeline.set_range(est(2013, 11, 13, 14), est(2013, 11, 13, 22))
    w.set_cursor(est(2013, 11, 13, 17, 12))
    idle(qtbot, w)
    w.close()
    again = MainWindow(AppSettings(ini))
    qtbot.addWidget(again)
    again.show()
    assert application.open_last(again)
    idle(qtbot, again)
    assert again.ws is not None and again.ws.path.resolve() == path.resolve()
    assert again.cursor_t == pytest.approx(est(2013, 11, 13, 17, 12))
    lo, hi = again.timeline.visible_range()
    assert lo == pytest.approx(est(2013, 11, 13, 14), abs=1) and hi == pytest.approx(
        est(2013, 11, 13, 22), abs=1
    )
    again.close()


# ---- help ------------------------------------------------------------------------------------------


def test_help_lists_the_keys_explains_the_plots_and_tours_the_sample(
    qtbot, tmp_path, sample_workspace, monkeypatch
):
    path = tmp_path / "askjpm.duckdb"
    shutil.copy(sample_workspace, path)
    w = MainWindow(AppSettings(tmp_path / "settings.ini"))  # a first run
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5000)
    sheets = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: sheets.append(self) or 0)
    qtbot.keyClick(w, Qt.Key.Key_F1)
    (sheet,) = sheets
    keys = {
        sheet.table.item(r, 1).text(): sheet.table.item(r, 2).text() for r in range(sheet.table.rowCount())
    }
    for key in ("M", "S", "T", "A", "[", "]", "Space", "Ctrl+E", "Ctrl+D", "F1"):
        assert key in keys, key
    assert "What's this" in w.act_whats_this.text() or w.act_whats_this.text()
    assert "posts per bin" in w.timeline.detail.whatsThis().lower()
    assert "whole incident" in w.timeline.overview.whatsThis().lower()
    # the sample opened for the first time: the tour starts, once
    assert w.open_workspace(path)
    idle(qtbot, w)
    assert w.tour is not None and w.tour.isVisible() and w.settings.tour_shown
    # the card is opaque: the plots under it do not show through its words (they did, as its
    # style sheet drew a border and no background)
    card = w.tour
    inside = card.mapTo(w, card.rect().topRight()) + QPoint(-8, 8)
    shown = w.grab().toImage().pixelColor(inside)
    wanted = card.palette().window().color()
    assert (
        max(
            abs(shown.red() - wanted.red()),
            abs(shown.green() - wanted.green()),
            abs(shown.blue() - wanted.blue()),
        )
        <= 8
    ), (
        shown.name(),
        wanted.name(),
    )
    titles = []
    for _ in range(len(w.tour.steps)):
        titles.append(w.tour.title.text())
        w.tour.next.click()
    assert not w.tour.isVisible() and len(set(titles)) == len(w.tour.steps)
    w.close()


# ---- plain text ---------------------------------------------------------------------------------------


def hostile_archive(path) -> None:
    """A stream whose author handle, name and text look like markup."""
    root = {
        "created_at": "Wed Nov 13 21:00:00 +0000 2013",
        "id_str": "400000000000000001",
        "text": f"{HOSTILE} #{'Tag'}",
        "lang": "en",
        "user": {"id_str": "1", "screen_name": HOSTILE, "name": f"<b>{HOSTILE}</b>", "followers_count": 10},
        "entities": {"hashtags": [{"text": "Tag"}], "user_mentions": [], "urls": []},
    }
    rt = {
        "created_at": "Wed Nov 13 21:05:00 +0000 2013",
        "id_str": "400000000000000002",
        "text": f"RT @{HOSTILE}: {root['text']}",
        "lang": "en",
        "user": {"id_str": "2", "screen_name": "plain_user", "name": "Plain", "followers_count": 5},
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
        "retweeted_status": root,
    }
    path.write_text("\n".join(json.dumps(s) for s in (root, rt)) + "\n", encoding="utf-8")


def test_text_from_the_data_is_shown_as_plain_text_everywhere(qtbot, tmp_path, message_boxes):
    archive = tmp_path / "hostile.jsonl"
    hostile_archive(archive)
    path = tmp_path / "hostile.duckdb"
    with Workspace.open(path, create=True) as ws:
        (report,) = import_paths(ws, [archive])
        assert report.ok, report.summary()
        notes.add(ws, notes.Annotation(None, 1384376400.0, label=f"{HOSTILE} joins", note=f"by @{HOSTILE}"))
    settings = AppSettings(tmp_path / "settings.ini")
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    assert w.open_workspace(path)
    idle(qtbot, w)
    w.set_cursor(1384376400.0)
    w.summary_dock.raise_()
    idle(qtbot, w)
    seen = 0

    def check(tip) -> None:
        """A tooltip (Qt guesses its format): what is drawn is the text itself."""
        nonlocal seen
        if tip and (HOSTILE in tip or "&lt;img" in tip):
            assert HOSTILE in rendered(tip), tip
            seen += 1

    # the turning point's line and band tooltips, and its name on the plot (plain text)
    (a,) = w.annotations
    for _plot, item in w.layer._items[a.id]:
        check(item.toolTip())
    label = w.layer.labels()[a.id]
    assert label.textItem.toPlainText().startswith(HOSTILE)
    check(label.toolTip())
    # item views draw their cells as plain text; their tooltips are checked as drawn
    model = w.posts_model
    cells = [
        model.data(model.index(r, c)) for r in range(model.rowCount()) for c in range(model.columnCount())
    ]
    assert f"@{HOSTILE}" in cells and any(HOSTILE in (c or "") for c in cells if c != f"@{HOSTILE}")
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            check(model.data(model.index(r, c), Qt.ItemDataRole.ToolTipRole))
    for widget in w.findChildren(QTableWidget):
        for r in range(widget.rowCount()):
            for c in range(widget.columnCount()):
                item = widget.item(r, c)
                if item is not None:
                    check(item.toolTip())
    summary_lines = []
    for tree in w.findChildren(QTreeWidget):
        stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            stack.extend(item.child(i) for i in range(item.childCount()))
            summary_lines.append(item.text(0))
            check(item.toolTip(0))
    assert f"@{HOSTILE}" in summary_lines  # the summary's accounts, as written
    # the list of posts attached to the turning point
    a_id = a.id
    w.attach_posts(a_id, [(model.rows[0].platform, model.rows[0].post_id)])
    idle(qtbot, w)
    w.notes_panel.select(a_id)
    qtbot.waitUntil(lambda: w.notes_panel.attached.count() == 1, timeout=10000)
    for lst in w.findChildren(QListWidget):
        for i in range(lst.count()):
            check(lst.item(i).toolTip())
    # every label in the window that shows data text is plain text
    w.posts_view.selectRow(0)
    idle(qtbot, w)
    for lab in w.findChildren(QLabel):
        if HOSTILE in lab.text():
            assert lab.textFormat() == Qt.TextFormat.PlainText, lab.objectName()
            seen += 1
    # message boxes
    w._error(f"Could not read @{HOSTILE}")
    boxes = [b for b in w.findChildren(plain.QMessageBox) if HOSTILE in b.text()]
    assert boxes and all(b.textFormat() == Qt.TextFormat.PlainText for b in boxes)
    plain.inform(w, "x", f"{HOSTILE}")
    assert message_boxes.shown[-1].plain
    assert seen >= 8
    w.close()


def test_the_window_reads_no_setting_from_the_workspace_as_the_cursor_moves(qtbot, window, monkeypatch):
    w = window
    calls = []
    real_meta = Workspace.meta

    def meta(self):
        if threading.current_thread() is threading.main_thread():
            calls.append(1)  # the UI thread asked the workspace for its settings
        return real_meta(self)

    monkeypatch.setattr(Workspace, "meta", meta)
    line = w.timeline.cursor_lines[0]
    for i in range(30):
        line.setValue(est(2013, 11, 13, 12) + i * 120)
        line.sigDragged.emit(line)
        qtbot.wait(20)
    assert calls == []
    idle(qtbot, w)
