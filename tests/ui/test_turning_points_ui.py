"""Turning points in the window: marking by hand, undo/redo, dragging, suggestions accepted or
dismissed, export and import; each change checked in the workspace itself."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from app.core import annotations as notes
from app.ui.annotation_dialog import AnnotationDialog


def idle(qtbot, w, timeout=30000):
    qtbot.waitUntil(w.is_idle, timeout=timeout)


def stored(w) -> list[notes.Annotation]:
    return notes.list_annotations(w.ws)


def fill_dialog(monkeypatch, label: str, category: str = "escalation", note: str = ""):
    def fake_exec(dialog: AnnotationDialog):
        dialog.label.setText(label)
        dialog.category.setCurrentIndex(dialog.category.findData(category))
        dialog.note.setPlainText(note)
        dialog._accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AnnotationDialog, "exec", fake_exec)


def test_mark_at_cursor_undo_redo(qtbot, window, monkeypatch, wait_idle):
    w = window
    w.set_cursor(w.span[0] + 86400 * 6)
    fill_dialog(monkeypatch, "Escalation <b>starts</b>", note="Within an hour, all was lost.")
    w.add_point()
    wait_idle(w)
    rows = stored(w)
    assert [(a.label, a.category, a.ends_at, a.origin) for a in rows] == [
        ("Escalation <b>starts</b>", "escalation", None, "manual")
    ]
    assert rows[0].starts_at == pytest.approx(w.cursor_t)
    assert w.notes_panel.table.rowCount() == 1
    assert w.notes_panel.table.item(0, 1).text() == "Escalation <b>starts</b>"  # plain text
    assert len(w.layer._items[rows[0].id]) == 4  # three plots and the overview

    w.undo_stack.undo()
    wait_idle(w)
    assert stored(w) == [] and w.notes_panel.table.rowCount() == 0
    w.undo_stack.redo()
    wait_idle(w)
    again = stored(w)
    assert len(again) == 1 and again[0].id == rows[0].id


def test_stretch_drag_and_delete(qtbot, window, monkeypatch, wait_idle):
    w = window
    w.set_cursor(w.span[0] + 86400 * 6)
    fill_dialog(monkeypatch, "Press pickup", category="press")
    w.add_range()
    wait_idle(w)
    (a,) = stored(w)
    assert a.ends_at is not None and a.ends_at > a.starts_at
    # what the plot emits when the user lets go of a dragged band
    w.layer.moved.emit(a.id, a.starts_at + 600, a.ends_at + 600)
    wait_idle(w)
    (moved,) = stored(w)
    assert moved.starts_at == pytest.approx(a.starts_at + 600) and moved.ends_at == pytest.approx(
        a.ends_at + 600
    )
    w.delete_annotation(a.id)
    wait_idle(w)
    assert stored(w) == []
    w.undo_stack.undo()  # back, with its id
    wait_idle(w)
    assert [x.id for x in stored(w)] == [a.id]
    w.undo_stack.undo()  # the move undone
    wait_idle(w)
    assert stored(w)[0].starts_at == pytest.approx(a.starts_at)


def test_suggestions_are_listed_accepted_and_dismissed(qtbot, window, wait_idle):
    w = window
    qtbot.waitUntil(lambda: bool(w.suggestions), timeout=30000)
    wait_idle(w)
    panel = w.suggestions_panel
    pending = panel.pending()
    assert pending and panel.table.rowCount() == len(pending)
    kinds = {s.kind for s in w.suggestions}
    assert {"volume_change", "brand_action", "press_pickup"} <= kinds
    first, second = pending[0], pending[1]
    w.accept_suggestion(first)
    wait_idle(w)
    (a,) = stored(w)
    assert a.origin == "suggested" and a.evidence["suggestion_key"] == first.key()
    assert first.key() not in {s.key() for s in panel.pending()}
    w.dismiss_suggestion(second)
    assert second.key() not in {s.key() for s in panel.pending()}  # at once, on screen
    idle(qtbot, w)  # and in the workspace once the write is done
    assert second.key() in notes.dismissed_keys(w.ws)
    w.restore_suggestion(second)
    assert second.key() in {s.key() for s in panel.pending()}
    idle(qtbot, w)
    assert second.key() not in notes.dismissed_keys(w.ws)


def test_export_then_import_into_another_workspace(
    qtbot, window, tmp_path, monkeypatch, sample_workspace, wait_idle
):
    w = window
    w.set_cursor(w.span[0] + 86400 * 6)
    fill_dialog(monkeypatch, "Cancellation", category="brand response")
    w.add_point()
    wait_idle(w)
    out = tmp_path / "tp.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "JSON (*.json)"))
    w.export_annotations()
    assert out.exists()
    other = tmp_path / "other.duckdb"
    shutil.copy(sample_workspace, other)
    assert w.open_workspace(other)
    wait_idle(w)
    assert stored(w) == []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    w.import_annotations()
    wait_idle(w)
    assert [a.label for a in stored(w)] == ["Cancellation"]


def test_chronicle_is_drafted_edited_and_kept(qtbot, window, wait_idle):
    from app.core import chronicle

    w = window
    qtbot.waitUntil(lambda: bool(w.chronicle_panel.editors), timeout=30000)
    wait_idle(w)
    editors = {e.paragraph.phase_name: e for e in w.chronicle_panel.editors}
    assert {"escalation", "peak"} <= set(editors)
    drafted = editors["peak"].text.toPlainText()
    assert "posts" in drafted
    editors["peak"].text.setPlainText("Our own words about the peak.")
    editors["peak"].save_now()
    idle(qtbot, w)
    assert chronicle.edited(w.ws) == {"peak": "Our own words about the peak."}
    # an edited paragraph can go back to the draft at once (it could not before a redraft)
    assert editors["peak"].reset_button.isEnabled()
    w.refresh_chronicle()
    wait_idle(w)
    peak = next(e for e in w.chronicle_panel.editors if e.paragraph.phase_name == "peak")
    assert peak.text.toPlainText() == "Our own words about the peak." and peak.paragraph.edited
    peak.reset_button.click()
    wait_idle(w)
    peak = next(e for e in w.chronicle_panel.editors if e.paragraph.phase_name == "peak")
    assert peak.text.toPlainText() == drafted and chronicle.edited(w.ws) == {}


def test_labelling_posts_and_agreement(qtbot, window, wait_idle):
    from app.core.sentiment import labels
    from app.ui.labelling_dialog import LabellingDialog

    w = window
    dialog = LabellingDialog(w.runner, w.ws, w, sample_size=6)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: bool(dialog.posts), timeout=20000)
    first = dialog.posts[0]
    assert dialog.text.toPlainText() == first.text
    for cls in ("negative", "neutral", "positive"):
        dialog.label(cls)
    dialog.skip()
    assert labels.labels(w.ws)[(first.platform, first.post_id)] == "negative"
    assert len(labels.labels(w.ws)) == 3
    dialog.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: dialog.confusion.item(1, 1) is not None, timeout=20000)
    total = sum(int(dialog.confusion.item(r, c).text()) for r in range(1, 4) for c in range(1, 4))
    assert total == 3
    assert "3 posts" in dialog.summary.text()
    dialog.close()
    wait_idle(w)


def test_export_post_mortem_from_the_window(qtbot, window, tmp_path):
    from pypdf import PdfReader

    from app.ui.report_dialog import ReportDialog

    w = window
    dialog = ReportDialog(w.runner, w.ws, w.settings, w)
    qtbot.addWidget(dialog)
    dialog.author.setText("Comms team")
    dialog.lessons.setPlainText("Listen before you broadcast <b>really</b>.")
    dialog.sections["brand"].setChecked(False)
    out = tmp_path / "post-mortem.pdf"
    dialog.export(out)
    qtbot.waitUntil(lambda: dialog.written == out, timeout=60000)
    # pypdf gives word gaps as tabs or newlines: compare words
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(out)).pages).split())
    assert "Comms team" in text and "Listen before you broadcast <b>really</b>." in text
    assert "Executive summary" in text and "The brand's own posts" not in text
    # the choices are remembered for this workspace
    again = ReportDialog(w.runner, w.ws, w.settings, w)
    qtbot.addWidget(again)
    assert again.author.text() == "Comms team" and not again.sections["brand"].isChecked()


def test_early_warning_rule_is_set_per_workspace(qtbot, window):
    from app.core import early_warning
    from app.ui.alert_rule_dialog import AlertRuleDialog

    w = window
    dialog = AlertRuleDialog(w.ws, w)
    qtbot.addWidget(dialog)
    dialog.fields["neg_points"].setValue(20)
    dialog.fields["min_posts"].setValue(40)
    assert "20 points" in dialog.summary.text() and "40 scored posts" in dialog.summary.text()
    dialog._save()
    idle(qtbot, w)
    rule = early_warning.load_rule(w.ws)
    assert rule.neg_points == pytest.approx(0.2) and rule.min_posts == 40
    again = AlertRuleDialog(w.ws, w)
    qtbot.addWidget(again)
    assert again.fields["min_posts"].value() == 40
    again._defaults()
    again._save()
    idle(qtbot, w)
    assert early_warning.load_rule(w.ws) == early_warning.AlertRule()


def test_human_labels_can_override_vader_in_the_plots(qtbot, window, wait_idle):
    import numpy as np

    from app.core.sentiment import labels

    w = window
    before = np.nan_to_num(w.timeline.series.neg_share).copy()
    platform, post_id = (
        w.ws.cursor()
        .execute(
            "SELECT platform, post_id FROM posts_scored WHERE compound >= 0.05 AND kind = 'post' "
            "ORDER BY retweet_count DESC NULLS LAST LIMIT 1"
        )
        .fetchone()
    )
    labels.set_label(w.ws, platform, post_id, "negative")
    w.act_human.trigger()
    wait_idle(w)
    after = np.nan_to_num(w.timeline.series.neg_share)
    assert after.sum() > before.sum()
    w.act_human.trigger()
    wait_idle(w)
    assert np.allclose(np.nan_to_num(w.timeline.series.neg_share), before)


def test_export_the_posts_and_series_in_view(qtbot, window, tmp_path, monkeypatch, wait_idle):
    import csv
    import json
    from datetime import datetime, timezone

    w = window
    start = datetime(2013, 11, 13, 21, 0, tzinfo=timezone.utc).timestamp()
    w.timeline.set_range(start, start + 3600)
    wait_idle(w)
    lo, hi = w.timeline.visible_range()
    out = tmp_path / "posts.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    w.export_data("posts")
    qtbot.waitUntil(lambda: w.last_export is not None, timeout=20000)
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    expected = (
        w.ws.cursor()
        .execute(
            "SELECT count(*) FROM posts WHERE created_at >= to_timestamp(?)::TIMESTAMP AND created_at < to_timestamp(?)::TIMESTAMP",
            [lo, hi],
        )
        .fetchone()[0]
    )
    assert len(rows) == expected > 0
    assert all(r["post_id"].isdigit() and len(r["post_id"]) >= 18 for r in rows)  # ids as text, exact
    w.last_export = None
    out_json = tmp_path / "series.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out_json), ""))
    w.export_data("series")
    qtbot.waitUntil(lambda: w.last_export is not None, timeout=20000)
    data = json.loads(out_json.read_text(encoding="utf-8"))
    # the bins on screen, and every post of them counted once
    assert len(data) == len(w.timeline.series.t)
    assert sum(row["total"] for row in data) == int(w.timeline.series.total.sum())
