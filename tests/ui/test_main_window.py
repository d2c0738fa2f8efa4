"""The window's handling of workspaces: opening, refusing, settings remembered, drops."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app.core.ingest import import_paths
from app.core.store import Workspace
from app.ui.main_window import MainWindow
from app.ui.settings import AppSettings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def make_window(qtbot, tmp_path) -> MainWindow:
    w = MainWindow(AppSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    w.show()
    return w


def idle(qtbot, w):
    qtbot.waitUntil(w.is_idle, timeout=20000)


def test_a_file_that_is_not_a_workspace_is_explained(qtbot, tmp_path, message_boxes):
    bad = tmp_path / "notes.duckdb"
    bad.write_text("not a database", encoding="utf-8")
    w = make_window(qtbot, tmp_path)
    assert not w.open_workspace(bad)
    shown = message_boxes.shown
    assert shown and "not an Incident Timeline workspace" in shown[0].text and shown[0].plain
    assert not w.act_import.isEnabled()


def test_a_workspace_open_elsewhere_is_explained(qtbot, tmp_path, message_boxes):
    path = tmp_path / "held.duckdb"
    Workspace.open(path, create=True).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time, duckdb
            con = duckdb.connect({str(path)!r})
            print("ready", flush=True)
            sys.stdin.readline()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        w = make_window(qtbot, tmp_path)
        assert not w.open_workspace(path)
        shown = message_boxes.texts()
        assert shown and "open in another window or program" in shown[0]
    finally:
        holder.stdin.close()
        holder.wait(10)


def test_empty_workspace_says_what_to_do(qtbot, tmp_path, wait_idle):
    path = tmp_path / "empty.duckdb"
    Workspace.open(path, create=True).close()
    w = make_window(qtbot, tmp_path)
    assert w.open_workspace(path)
    wait_idle(w)
    assert "File > Import" in w.posts_heading.text()
    assert w.act_import.isEnabled()
    w.close()


def test_recent_workspaces_and_window_state_are_remembered(qtbot, tmp_path, wait_idle):
    path = tmp_path / "w.duckdb"
    with Workspace.open(path, create=True) as ws:
        import_paths(ws, [FIXTURES / "twarc-csv" / "noflat.jsonl"])
    w = make_window(qtbot, tmp_path)
    assert w.open_workspace(path)
    wait_idle(w)
    w.resize(1500, 950)
    w.window_box.setCurrentIndex(w.window_box.findData(60))
    w.close()
    again = make_window(qtbot, tmp_path)
    assert again.settings.recent_workspaces() == [path.resolve()]
    assert again.settings.restore_window(again)  # geometry and dock layout were saved
    assert again.window_box.currentData() == 60
    again.close()


def test_dropping_an_archive_opens_the_import(qtbot, tmp_path, wait_idle):
    path = tmp_path / "w.duckdb"
    Workspace.open(path, create=True).close()
    w = make_window(qtbot, tmp_path)
    assert w.open_workspace(path)
    wait_idle(w)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(FIXTURES / "twarc-csv" / "noflat.jsonl"))])
    opened = []
    real_start = w.start_import
    w.start_import = lambda paths: opened.append(real_start(paths))
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    w.dropEvent(event)
    dialog = opened[0]
    qtbot.waitUntil(lambda: dialog.outcome == "done", timeout=20000)
    wait_idle(w)
    assert w.ws.info()["posts"] == 100
    dialog.close()
    wait_idle(w)
    assert w.status_posts.text().startswith("100 posts in view, sentiment on ")
    w.close()


def test_about_names_the_versions(qtbot, tmp_path, message_boxes):
    w = make_window(qtbot, tmp_path)
    w.about()
    texts = message_boxes.texts()
    assert texts and all(name in texts[0] for name in ("Qt ", "DuckDB ", "pyqtgraph ", "vaderSentiment "))
