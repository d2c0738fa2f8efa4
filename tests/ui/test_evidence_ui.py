"""Evidence through the widgets, on the sample incident: five posts at the peak starred with
the keyboard and attached to a turning point; tags as a filter of every view; saved views;
the summary panels and their clicks; the boolean search and the author with the spread; the
suggestions sorted and narrowed, and the keys that go from turning point to turning point.
Each result is checked in the workspace itself, with SQL or the core."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialog, QInputDialog

from app.core import annotations as notes
from app.core import evidence, saved_views, text_query
from app.ui.annotation_dialog import AnnotationDialog
from tests.ui.window_helpers import est, idle, sql


def overview_total(w) -> int:
    return int(np.nansum(w.timeline.overview_curve.yData))


def peak_time(w) -> float:
    s = w.timeline.series
    total = sum(s.volume[k] for k in s.volume).astype(float)
    i = int(np.argmax(total))
    return float(s.t[i] + s.bin_seconds / 2)


def select_rows(w, rows: list[int]) -> None:
    view = w.posts_view
    view.clearSelection()
    model = view.model()
    for r in rows:
        view.selectionModel().select(
            model.index(r, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def mark_turning_point(qtbot, w, monkeypatch, label: str) -> notes.Annotation:
    def fake_exec(dialog: AnnotationDialog):
        dialog.label.setText(label)
        dialog._accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AnnotationDialog, "exec", fake_exec)
    w.timeline.setFocus()
    qtbot.keyClick(w, Qt.Key.Key_M)
    idle(qtbot, w)
    return next(a for a in notes.list_annotations(w.ws) if a.label == label)


def test_five_posts_at_the_peak_starred_and_attached_to_a_turning_point(qtbot, window, monkeypatch):
    w = window
    t = peak_time(w)
    w.set_cursor(t)
    idle(qtbot, w)
    rows = w.posts_model.rows
    assert len(rows) >= 5
    picked = [0, 3, 7, 12, 20]
    keys = [(rows[i].platform, rows[i].post_id) for i in picked]
    # select five posts and press S: they are starred, and the table says so
    select_rows(w, picked)
    w.posts_view.setFocus()
    qtbot.keyClick(w.posts_view, Qt.Key.Key_S)
    idle(qtbot, w)
    assert set(evidence.tags_of(w.ws, keys)) == set(keys)
    assert all(evidence.STAR in tags for tags in evidence.tags_of(w.ws, keys).values())
    assert all(w.posts_model.data(w.posts_model.index(i, 0)).startswith("★") for i in picked)
    # they are gathered in the Evidence panel
    assert {e.key for e in w.evidence_panel.posts} == set(keys)
    # the star filters every view: plots, overview and table
    w.filter_bar.tag.setCurrentIndex(w.filter_bar.tag.findData(evidence.STAR))
    idle(qtbot, w)
    assert overview_total(w) == 5 and int(w.timeline.series.total.sum()) == 5
    assert {(r.platform, r.post_id) for r in w.posts_model.rows} <= set(keys)
    w.filter_bar.clear()
    idle(qtbot, w)

    # a turning point at the peak (M), selected in the list; the posts attached with A
    a = mark_turning_point(qtbot, w, monkeypatch, "The peak: what people said")
    w.notes_panel.select(a.id)
    w.set_cursor(t)  # back to the peak's posts
    idle(qtbot, w)
    select_rows(w, [i for i, r in enumerate(w.posts_model.rows) if (r.platform, r.post_id) in keys])
    assert sorted(w.posts_view.selected_keys()) == sorted(keys)
    qtbot.keyClick(w.posts_view, Qt.Key.Key_A)
    idle(qtbot, w)
    stored = notes.get(w.ws, a.id)
    assert sorted(evidence.attached_keys(stored)) == sorted(keys)
    attached = evidence.attached_posts(w.ws, a.id)
    assert sorted(e.key for e in attached) == sorted(keys) and all(e.post is not None for e in attached)
    # the list shows them under the turning point; the count is in its row
    w.notes_panel.select(a.id)
    qtbot.waitUntil(lambda: w.notes_panel.attached.count() == 5, timeout=10000)
    row = next(
        r for r in range(w.notes_panel.table.rowCount()) if w.notes_panel.table.item(r, 1).text() == a.label
    )
    assert w.notes_panel.table.item(row, 4).text() == "5"
    # undo takes the attachment off, redo puts it back
    w.undo_stack.undo()
    idle(qtbot, w)
    assert evidence.attached_keys(notes.get(w.ws, a.id)) == []
    w.undo_stack.redo()
    idle(qtbot, w)
    assert len(evidence.attached_keys(notes.get(w.ws, a.id))) == 5
    # from the Evidence panel: a comment, and one post taken off the turning point
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("Quoted by Reuters later", True))
    w.evidence_panel.table.selectRow(0)
    w.evidence_panel.comment.click()
    idle(qtbot, w)
    first = w.evidence_panel.shown()[0]
    assert evidence.comments_of(w.ws, [first.key]) == {first.key: "Quoted by Reuters later"}
    w.notes_panel.select(a.id)
    qtbot.waitUntil(lambda: w.notes_panel.attached.count() == 5, timeout=10000)
    w.notes_panel.attached.item(0).setSelected(True)
    w.notes_panel.detach.click()
    idle(qtbot, w)
    assert len(evidence.attached_keys(notes.get(w.ws, a.id))) == 4


def test_tags_and_their_removal_through_the_menu_actions(qtbot, window, monkeypatch):
    w = window
    w.set_cursor(est(2013, 11, 13, 18))
    idle(qtbot, w)
    select_rows(w, [1, 2])
    keys = w.posts_view.selected_keys()
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("  Misquote ", True))
    w.act_tag.trigger()
    idle(qtbot, w)
    assert evidence.tags_of(w.ws, keys) == dict.fromkeys(keys, ("misquote",))
    assert w.filter_bar.tag.findData("misquote") >= 0  # offered as a filter
    w.posts_view.untag_requested.emit(keys[:1], "misquote")
    idle(qtbot, w)
    assert evidence.tags_of(w.ws, keys) == {keys[1]: ("misquote",)}


def test_saved_views_come_back_with_their_filter_range_and_cursor(qtbot, window, monkeypatch):
    w = window
    w.filter_bar.text.setText("bell OR pray")
    qtbot.keyClick(w.filter_bar.text, Qt.Key.Key_Return)
    w.timeline.set_range(est(2013, 11, 13, 15), est(2013, 11, 13, 21))
    w.set_cursor(est(2013, 11, 13, 17, 45))
    idle(qtbot, w)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Bell and prayers", True))
    qtbot.keyClick(w, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    idle(qtbot, w)
    (view,) = saved_views.list_views(w.ws)
    assert view.name == "Bell and prayers" and view.filter.text == "bell OR pray"
    assert w.views_panel.list.count() == 1
    w.filter_bar.clear()
    w.timeline.fit_all()
    w.set_cursor(est(2013, 11, 8))
    idle(qtbot, w)
    w.views_panel.list.setCurrentRow(0)
    w.views_panel.apply.click()
    idle(qtbot, w)
    assert w.filter_bar.text.text() == "bell OR pray" and w.filter.text == "bell OR pray"
    lo, hi = w.timeline.visible_range()
    assert lo == pytest.approx(est(2013, 11, 13, 15), abs=1) and hi == pytest.approx(
        est(2013, 11, 13, 21), abs=1
    )
    assert w.cursor_t == pytest.approx(est(2013, 11, 13, 17, 45))


def test_the_summary_counts_what_is_in_view_and_a_click_filters(qtbot, window):
    w = window
    w.summary_dock.raise_()
    w.timeline.set_range(est(2013, 11, 13, 12), est(2013, 11, 14, 0))
    idle(qtbot, w)
    s = w.summary_panel.summary
    assert s is not None
    lo, hi = w.session.range[:2]
    expected = sql(
        w,
        "SELECT count(*) FROM posts WHERE created_at >= to_timestamp(?)::TIMESTAMP AND created_at < to_timestamp(?)::TIMESTAMP",
        [lo, hi],
    )[0][0]
    assert s.posts == expected
    top = s.hashtags[1]  # not the incident's own hashtag
    section = w.summary_panel.sections["hashtag"]
    item = next(
        section.child(i) for i in range(section.childCount()) if section.child(i).text(0) == "#" + top.label
    )
    w.summary_panel.tree.itemClicked.emit(item, 0)
    idle(qtbot, w)
    assert w.filter.hashtag.lower() == top.key
    n = sql(
        w,
        "SELECT count(*) FROM posts WHERE list_contains(list_transform(hashtags, lambda h: lower(h)), ?)",
        [top.key],
    )[0][0]
    assert overview_total(w) == n
    # share of voice: a click on the press keeps the press's posts only
    voice = w.summary_panel.sections["voice"]
    press = next(
        voice.child(i) for i in range(voice.childCount()) if voice.child(i).text(0).startswith("Press")
    )
    w.filter_bar.clear()
    idle(qtbot, w)
    w.summary_panel.tree.itemClicked.emit(press, 0)
    idle(qtbot, w)
    assert w.filter.press == "only"


def test_boolean_search_errors_are_said_and_queries_match_the_texts(qtbot, window):
    w = window
    before = overview_total(w)
    w.filter_bar.text.setText("refund AND (delay")
    qtbot.wait(600)
    idle(qtbot, w)
    assert w.filter_bar.query_error.isVisible() and "not closed" in w.filter_bar.query_error.text()
    assert w.filter.text == "" and overview_total(w) == before  # the filter in force is unchanged
    query = '(bell OR "bad idea") -rt'
    w.filter_bar.text.setText(query)
    qtbot.keyClick(w.filter_bar.text, Qt.Key.Key_Return)
    idle(qtbot, w)
    assert not w.filter_bar.query_error.isVisible()
    node = text_query.parse(query)
    texts = [r[0] for r in sql(w, "SELECT text FROM posts")]
    assert overview_total(w) == sum(text_query.matches(node, t) for t in texts) > 0
    assert query in w.status_filter.text()


def test_an_author_and_the_spread_of_their_posts(qtbot, window):
    w = window
    w.filter_bar.author.setText("OccupyWallSt")
    qtbot.keyClick(w.filter_bar.author, Qt.Key.Key_Return)
    idle(qtbot, w)
    own = sql(w, "SELECT count(*) FROM posts WHERE lower(author_handle) = 'occupywallst'")[0][0]
    assert overview_total(w) == own
    w.filter_bar.spread.setChecked(True)
    idle(qtbot, w)
    spread = sql(
        w,
        "SELECT count(*) FROM posts WHERE lower(author_handle) = 'occupywallst' "
        "OR (kind IN ('retweet', 'quote') AND lower(ref_author_handle) = 'occupywallst')",
    )[0][0]
    assert overview_total(w) == spread > own
    assert "or sharing it" in w.status_filter.text()


def test_suggestions_sorted_and_narrowed_and_the_keys_between_turning_points(qtbot, window):
    w = window
    qtbot.waitUntil(lambda: bool(w.suggestions), timeout=30000)
    idle(qtbot, w)
    panel = w.suggestions_panel
    times = [panel._suggestion_at(r).time for r in range(panel.table.rowCount())]
    assert times == sorted(times)  # oldest first
    panel.kind.setCurrentIndex(panel.kind.findData("press_pickup"))
    shown = [panel._suggestion_at(r) for r in range(panel.table.rowCount())]
    assert shown and all(s.kind == "press_pickup" for s in shown)
    panel.kind.setCurrentIndex(0)
    panel.min_score.setValue(0.8)
    shown = [panel._suggestion_at(r) for r in range(panel.table.rowCount())]
    assert shown and all(s.score >= 0.8 for s in shown)
    panel.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    scores = [panel._suggestion_at(r).score for r in range(panel.table.rowCount())]
    assert scores == sorted(scores, reverse=True)
    # accept three; the list of turning points is oldest first; ] and [ go through them
    for s in shown[:3]:
        w.accept_suggestion(s)
    idle(qtbot, w)
    table = w.notes_panel.table
    listed = [table.item(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in range(table.rowCount())]
    assert listed == sorted(listed) and len(listed) == 3
    w.set_cursor(w.span[0])
    idle(qtbot, w)
    w.timeline.setFocus()
    for expected in listed:
        qtbot.keyClick(w, Qt.Key.Key_BracketRight)
        assert w.cursor_t == pytest.approx(expected)
    qtbot.keyClick(w, Qt.Key.Key_BracketLeft)
    assert w.cursor_t == pytest.approx(listed[-2])
    # the evidence is written in words: no raw keys or ids
    panel.min_score.setValue(0)
    panel.select_key(shown[0].key())
    text = panel.evidence.toPlainText()
    assert "subject:" not in text and "post_ids" not in text and "e+09" not in text
