"""Data text in the window is shown as plain text, also where Qt would take it for markup
(tooltips are rich text as soon as they look like HTML)."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog

from app.ui.annotation_dialog import AnnotationDialog

HOSTILE = '<img src=x onerror=alert(1)> @<b>handle</b> & "quotes"'


def test_a_turning_points_tooltip_shows_its_label_as_written(qtbot, window, monkeypatch):
    w = window

    def fake_exec(dialog: AnnotationDialog):
        dialog.label.setText(HOSTILE)
        dialog._accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AnnotationDialog, "exec", fake_exec)
    w.set_cursor(w.span[0] + 86400 * 6)
    w.add_point()
    qtbot.waitUntil(lambda: bool(w.layer._items), timeout=30000)
    tips = [item.toolTip() for items in w.layer._items.values() for _plot, item in items if item.toolTip()]
    assert tips, "the marks have tooltips"
    for tip in tips:
        # as Qt shows it: rich text, since it looks like markup
        doc = QTextDocument()
        doc.setHtml(tip)
        assert doc.toPlainText() == HOSTILE
