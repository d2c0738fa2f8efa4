"""The press list dialog, driven as a user would: search, add, remove, cancel, OK; and its
place in the window's Turning points menu."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.core import press_list
from app.core.store.workspace import Workspace
from app.ui.press_dialog import PressListDialog


def _rows(d: PressListDialog) -> list[tuple[str, str, str]]:
    return [tuple(d.table.item(i, j).text() for j in range(3)) for i in range(d.table.rowCount())]


def test_add_remove_then_ok_writes_the_workspace(qtbot, tmp_path):
    path = tmp_path / "ws.duckdb"
    with Workspace.open(path, create=True) as ws:
        d = PressListDialog(ws)
        qtbot.addWidget(d)
        total = d.table.rowCount()
        assert total > 1000  # the bundled international list
        qtbot.keyClicks(d.search, "le monde")
        assert ("Le Monde", "@lemondefr", "bundled list") in _rows(d)
        # remove the account: it stays listed, struck out, until OK
        row = next(i for i, r in enumerate(_rows(d)) if r[1] == "@lemondefr")
        d.table.selectRow(row)
        assert d.remove_button.isEnabled()
        qtbot.mouseClick(d.remove_button, Qt.MouseButton.LeftButton)
        assert ("Le Monde", "@lemondefr", "removed here") in _rows(d)
        # add an account of a local paper
        d.what.setCurrentIndex(d.what.findData("account"))
        qtbot.keyClicks(d.key, "@Local_Paper")
        qtbot.keyClicks(d.outlet, "Local Paper")
        qtbot.mouseClick(d.add_button, Qt.MouseButton.LeftButton)
        assert ("Local Paper", "@local_paper", "added here") in _rows(d)
        assert "local_paper" not in press_list.for_workspace(ws).accounts  # nothing written yet
        d.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        current = press_list.for_workspace(ws)
        assert current.accounts["local_paper"] == "Local Paper" and "lemondefr" not in current.accounts


def test_cancel_leaves_the_workspace_and_bad_input_is_refused(qtbot, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr("app.ui.press_dialog.QMessageBox.warning", lambda *a: warnings.append(a[2]))
    with Workspace.open(tmp_path / "ws.duckdb", create=True) as ws:
        before = press_list.for_workspace(ws).domains
        d = PressListDialog(ws)
        qtbot.addWidget(d)
        d.what.setCurrentIndex(d.what.findData("domain"))
        qtbot.keyClicks(d.key, "not a domain")
        qtbot.mouseClick(d.add_button, Qt.MouseButton.LeftButton)
        assert warnings and "is not a web domain" in warnings[0]
        d.key.clear()
        qtbot.keyClicks(d.key, "https://www.localpaper.example/news")
        qtbot.mouseClick(d.add_button, Qt.MouseButton.LeftButton)
        assert ("localpaper.example", "localpaper.example", "added here") in _rows(d)
        d.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
        assert press_list.for_workspace(ws).domains == before


def test_restore_the_bundled_list(qtbot, tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb", create=True) as ws:
        press_list.add_account(ws, "local_paper", "Local Paper")
        press_list.remove_account(ws, "reuters")
        d = PressListDialog(ws)
        qtbot.addWidget(d)
        qtbot.mouseClick(d.reset_button, Qt.MouseButton.LeftButton)
        d.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert press_list.for_workspace(ws).accounts == press_list.load().accounts


def test_read_only_workspace_cannot_be_edited(qtbot, tmp_path):
    path = tmp_path / "ws.duckdb"
    Workspace.open(path, create=True).close()
    with Workspace.open(path, read_only=True) as ws:
        d = PressListDialog(ws)
        qtbot.addWidget(d)
        assert not d.add_button.isEnabled() and not d.reset_button.isEnabled()
        d.table.selectRow(0)
        assert not d.remove_button.isEnabled()


def test_the_turning_points_menu_opens_the_press_list(window):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Turning points")
    assert window.act_press in menu.actions()
