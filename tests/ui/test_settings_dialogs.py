"""The app's preferences (QSettings in an INI file of the test's own), the column mapping
dialog and the incident settings dialog, driven as a user would."""

from __future__ import annotations

import gzip
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMainWindow, QToolBar

from app.ui.column_mapping_dialog import NOT_IN_FILE, ColumnMappingDialog, read_preview
from app.ui.settings import (
    DEFAULT_CURSOR_WINDOW_MINUTES,
    DEFAULT_PLAYBACK_SPEED,
    KEY_CURSOR_WINDOW_MINUTES,
    AppSettings,
)
from app.ui.workspace_settings_dialog import WorkspaceSettingsDialog

# ---- AppSettings ----------------------------------------------------------------------------


@pytest.fixture
def ini(tmp_path):
    return tmp_path / "settings.ini"


def test_recent_workspaces_order_limit_and_missing_files(tmp_path, ini, qapp):
    files = []
    for i in range(12):
        f = tmp_path / f"incident-{i:02d}.duckdb"
        f.write_bytes(b"x")
        files.append(f)
    settings = AppSettings(ini)
    assert settings.recent_workspaces() == []
    for f in files:
        settings.add_recent(f)
    # most recent first, at most ten
    assert settings.recent_workspaces() == [f.resolve() for f in reversed(files[2:])]

    # opening one again moves it to the front, without a duplicate
    settings.add_recent(files[5])
    recent = settings.recent_workspaces()
    assert recent[0] == files[5].resolve() and recent.count(files[5].resolve()) == 1
    assert len(recent) == 10

    # a workspace that was deleted or moved is no longer offered
    files[11].unlink()
    assert files[11].resolve() not in settings.recent_workspaces()

    settings.remove_recent(files[10])
    assert files[10].resolve() not in settings.recent_workspaces()

    # kept on disk: a new settings object over the same file sees the same list
    again = AppSettings(ini)
    assert again.recent_workspaces() == settings.recent_workspaces()

    settings.clear_recent()
    assert settings.recent_workspaces() == []
    assert AppSettings(ini).recent_workspaces() == []


def test_one_recent_workspace_survives_the_ini_round_trip(tmp_path, ini, qapp):
    # An INI file stores a one-item list as a bare string: it must still read as a list.
    ws = tmp_path / "only.duckdb"
    ws.write_bytes(b"x")
    ini.write_text(f"[workspaces]\nrecent={ws}\n", encoding="utf-8")
    assert AppSettings(ini).recent_workspaces() == [ws]


def test_window_geometry_and_state_round_trip(qtbot, ini):
    def make_window() -> QMainWindow:
        window = QMainWindow()
        toolbar = QToolBar("Tools")
        toolbar.setObjectName("tools")
        window.addToolBar(toolbar)
        qtbot.addWidget(window)
        return window

    first = make_window()
    first.resize(700, 450)
    first.show()
    qtbot.waitExposed(first)
    first.findChild(QToolBar, "tools").hide()
    AppSettings(ini).save_window(first)

    second = make_window()
    second.resize(300, 200)
    # nothing saved yet: the window is left as it is
    assert not AppSettings(ini.with_name("fresh.ini")).restore_window(second)
    assert (second.width(), second.height()) == (300, 200)
    assert AppSettings(ini).restore_window(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (700, 450)
    assert second.findChild(QToolBar, "tools").isHidden()


def test_typed_values_with_defaults(ini, qapp):
    settings = AppSettings(ini)
    assert settings.cursor_window_minutes == DEFAULT_CURSOR_WINDOW_MINUTES == 15
    assert settings.playback_speed == DEFAULT_PLAYBACK_SPEED == 3600.0
    assert settings.last_import_folder is None
    assert settings.value("some/flag", False, bool) is False

    settings.cursor_window_minutes = 30
    settings.playback_speed = 600
    settings.last_import_folder = ini.parent
    settings.set_value("some/flag", True)
    again = AppSettings(ini)
    assert again.cursor_window_minutes == 30
    assert again.playback_speed == 600.0
    assert again.last_import_folder == ini.parent
    assert again.value("some/flag", False, bool) is True


def test_values_written_by_hand_are_read_as_their_type(tmp_path, qapp):
    # What another process (or a person) wrote: every value is text in the INI file.
    ini = tmp_path / "hand.ini"
    ini.write_text(
        "[timeline]\ncursor_window_minutes=20\nplayback_speed=7200\n[some]\nflag=true\n"
        "[bad]\nminutes=twenty\n",
        encoding="utf-8",
    )
    settings = AppSettings(ini)
    assert settings.value(KEY_CURSOR_WINDOW_MINUTES, 15, int) == 20
    assert settings.playback_speed == 7200.0
    assert settings.value("some/flag", False, bool) is True
    assert settings.value("bad/minutes", 15, int) == 15


# ---- ColumnMappingDialog --------------------------------------------------------------------


def test_mapping_dialog_guesses_from_column_names(qtbot, tmp_path):
    columns = [
        "Tweet ID",
        "Date (UTC)",
        "Message",
        "Screen Name",
        "User Followers",
        "Likes",
        "Language",
        "Links",
        "Notes",
    ]
    dialog = ColumnMappingDialog(tmp_path / "export.csv", columns, [], None)
    qtbot.addWidget(dialog)
    assert dialog.mapping() == {
        "post_id": "Tweet ID",
        "created_at": "Date (UTC)",
        "text": "Message",
        "author_handle": "Screen Name",
        "author_followers": "User Followers",
        "like_count": "Likes",
        "lang": "Language",
        "urls": "Links",
    }
    # every choice offers "not in this file" and every column
    combo = dialog.combos["kind"]
    assert combo.currentText() == NOT_IN_FILE
    assert [combo.itemText(i) for i in range(combo.count())] == [NOT_IN_FILE, *columns]
    assert dialog.ok_button.isEnabled()


def test_mapping_dialog_needs_id_time_and_text(qtbot, tmp_path):
    columns = ["ref", "when", "body", "who"]
    rows = [["1", "2024-03-01 10:00", "<b>not bold</b>", "ana"]]
    dialog = ColumnMappingDialog(tmp_path / "odd.csv", columns, rows, None)
    qtbot.addWidget(dialog)
    assert dialog.mapping() == {"text": "body"}
    assert not dialog.ok_button.isEnabled()
    assert "post id" in dialog.hint.text() and "time" in dialog.hint.text()
    # the preview shows the cells as they are, markup included
    assert dialog.preview.item(0, 2).text() == "<b>not bold</b>"

    dialog.set_column("post_id", "ref")
    assert not dialog.ok_button.isEnabled()
    assert "post id" not in dialog.hint.text()
    dialog.combos["created_at"].setCurrentText("when")
    assert dialog.ok_button.isEnabled()
    dialog.set_column("author_handle", "who")
    assert dialog.mapping() == {
        "post_id": "ref",
        "created_at": "when",
        "text": "body",
        "author_handle": "who",
    }

    dialog.set_column("text", None)
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # refused while something needed is missing
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.set_column("text", "body")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_read_preview_sniffs_the_delimiter_and_reads_gzip(tmp_path):
    path = tmp_path / "export.txt"
    body = "Tweet ID;Date;Message\n" + "".join(
        f'{i};2024-03-01T10:0{i}:00Z;"hello; world {i}"\n' for i in range(30)
    )
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(body)
    columns, rows = ColumnMappingDialog.read_preview(path, limit=5)
    assert columns == ["Tweet ID", "Date", "Message"]
    assert len(rows) == 5
    assert rows[3] == ["3", "2024-03-01T10:03:00Z", "hello; world 3"]

    plain = tmp_path / "plain.csv"
    plain.write_text("\ufeffid,text\n1,a\n", encoding="utf-8")
    assert read_preview(plain) == (["id", "text"], [["1", "a"]])


# ---- WorkspaceSettingsDialog ----------------------------------------------------------------


def test_workspace_settings_are_saved(qtbot, workspace):
    dialog = WorkspaceSettingsDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.name_edit.text() == workspace.incident_name
    assert dialog.timezone_combo.currentText() == "UTC"

    dialog.name_edit.setText("Product recall <b>2024</b>")
    dialog.timezone_combo.setCurrentText("Europe/London")
    dialog.brands_edit.setPlainText("@AcmeSupport\nacme_news\n\n")
    with qtbot.waitSignal(dialog.changed, timeout=2000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    meta = workspace.meta()
    assert meta["incident_name"] == "Product recall <b>2024</b>"
    assert meta["timezone"] == "Europe/London"
    assert json.loads(meta["brand_handles"]) == ["acme_news", "acmesupport"]

    # opened again, it shows what is saved
    again = WorkspaceSettingsDialog(workspace)
    qtbot.addWidget(again)
    assert again.timezone_combo.currentText() == "Europe/London"
    assert again.brands_edit.toPlainText() == "@acme_news\n@acmesupport"


def test_a_bad_time_zone_is_explained_and_nothing_is_saved(qtbot, workspace):
    before = workspace.meta()
    dialog = WorkspaceSettingsDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("Should not be saved")
    dialog.timezone_combo.setCurrentText("Europe/Londn")
    changed = []
    dialog.changed.connect(lambda: changed.append(True))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert dialog.error_label.textFormat() == Qt.TextFormat.PlainText
    assert "not a time zone" in dialog.error_label.text()
    assert "Europe/London" in dialog.error_label.text()  # the core's suggestion
    assert workspace.meta() == before
    assert not changed

    dialog.brands_edit.setPlainText("not a handle!")
    dialog.timezone_combo.setCurrentText("Europe/London")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert "not an account handle" in dialog.error_label.text()
    assert workspace.meta() == before and dialog.isVisible()


def test_time_zone_completion_is_case_insensitive_and_matches_inside(qtbot, workspace):
    dialog = WorkspaceSettingsDialog(workspace)
    qtbot.addWidget(dialog)
    completer = dialog.timezone_combo.completer()
    completer.setCompletionPrefix("new_york")
    matches = [completer.completionModel().index(i, 0).data() for i in range(completer.completionCount())]
    assert "America/New_York" in matches
