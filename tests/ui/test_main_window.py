"""The first window, driven for real under the offscreen platform."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtWidgets import QMessageBox

from app.core.ingest import import_paths
from app.core.store import Workspace
from app.ui.main_window import MainWindow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_window_shows_a_workspace(qtbot, tmp_path):
    path = tmp_path / "w.duckdb"
    with Workspace.open(path, create=True) as ws:
        import_paths(ws, [FIXTURES / "python-twitter" / "streaming_lines.json"])
        ws.configure(name="Stream <b>test</b>")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_workspace(path)
    assert window.windowTitle().startswith("Stream <b>test</b>")
    # the name is shown as plain text, never as markup
    assert "<b>" in window.summary.text()
    assert "71 posts" in window.summary.text()
    fills = [i for i in window.plot.getPlotItem().items if isinstance(i, pg.FillBetweenItem)]
    assert len(fills) == 4
    window.close()


def test_window_explains_a_bad_file(qtbot, tmp_path, monkeypatch):
    bad = tmp_path / "notes.duckdb"
    bad.write_text("not a database", encoding="utf-8")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.open_workspace(bad)
    assert shown and "not an Incident Timeline workspace" in shown[0]
