"""The import window on real archive files and real workspaces: counts, problems in words,
a column mapping asked for, cancel, and a UI that keeps turning while the workers read."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QDialog, QLabel

from app.core.ingest import import_paths
from app.ui.column_mapping_dialog import ColumnMappingDialog
from app.ui.import_dialog import COLUMNS, IMPORT_KIND, ImportDialog
from app.ui.tasks import TaskRunner

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STREAM = FIXTURES / "python-twitter" / "streaming_lines.json"
NOFLAT = FIXTURES / "twarc-csv" / "noflat.jsonl"
TWITWI_CSV = FIXTURES / "twitwi" / "tweet-export.csv"

TIMEOUT_MS = 120_000


@pytest.fixture
def runner(qtbot, workspace):
    """A runner on its own pool; every task is finished before the workspace is closed
    (this fixture depends on ``workspace``, so it is torn down first)."""
    pool = QThreadPool()
    task_runner = TaskRunner(pool=pool)
    yield task_runner
    assert task_runner.wait_all(120)
    assert pool.waitForDone(120_000)


@pytest.fixture(scope="module")
def big_stream(tmp_path_factory, helpers):
    """~50,000 lines of v1.1 stream: the real statuses of streaming_lines.json, new ids."""
    return helpers.write_v1_stream(tmp_path_factory.mktemp("big") / "big-stream.jsonl", 50_000)


def make_dialog(qtbot, runner, ws, paths) -> ImportDialog:
    dialog = ImportDialog(runner, ws, [Path(p) for p in paths])
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def run_to_end(qtbot, dialog: ImportDialog) -> list:
    with qtbot.waitSignal(dialog.finished_import, timeout=TIMEOUT_MS) as blocker:
        dialog.start()
    return blocker.args[0]


def table_rows(dialog: ImportDialog) -> list[dict[str, str]]:
    t = dialog.table
    return [{COLUMNS[c]: t.item(r, c).text() for c in range(t.columnCount())} for r in range(t.rowCount())]


def counts(ws) -> tuple[int, int]:
    with ws.cursor() as cur:
        return (
            cur.execute("SELECT count(*) FROM posts").fetchone()[0],
            cur.execute("SELECT count(*) FROM imports").fetchone()[0],
        )


def test_two_real_files_show_their_counts(qtbot, runner, workspace):
    dialog = make_dialog(qtbot, runner, workspace, [STREAM, NOFLAT])
    reports = run_to_end(qtbot, dialog)

    assert [Path(r.path).name for r in reports] == [STREAM.name, NOFLAT.name]
    assert all(r.ok for r in reports)
    rows = table_rows(dialog)
    assert rows[0] | {"Problem": ""} == {
        "File": STREAM.name,
        "Format": "Twitter API v1.1",
        "Read": "72",
        "Added": "71",
        "Already in the workspace": "0",
        "Repeated in the file": "1",
        "Conflicts": "0",
        "Rejected": "0",
        "Problem": "",
    }
    assert rows[1]["File"] == NOFLAT.name and rows[1]["Added"] == "100"
    assert rows[1]["Format"] == "Twitter API v2 (twarc2)"
    assert dialog.totals_label.text() == "171 posts added from 2 files."
    assert counts(workspace) == (171, 2)
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()
    assert dialog.close_button.isVisible() and not dialog.cancel_button.isVisible()
    # read-only results
    assert not (dialog.table.item(0, 0).flags() & Qt.ItemFlag.ItemIsEditable)
    assert dialog.details.isReadOnly()
    assert (
        "72 read, 71 added, 0 already in the workspace, 1 repeated in the file"
        in dialog.details.toPlainText()
    )
    qtbot.waitUntil(lambda: not runner.is_busy(IMPORT_KIND), timeout=5000)

    # the same files again: nothing added, and the table says why
    again = make_dialog(qtbot, runner, workspace, [STREAM])
    [report] = run_to_end(qtbot, again)
    assert report.added == 0 and (report.already_in_workspace, report.duplicates_in_file) == (71, 1)
    assert table_rows(again)[0]["Already in the workspace"] == "71"
    assert table_rows(again)[0]["Repeated in the file"] == "1"
    assert "already imported" in table_rows(again)[0]["Problem"]
    assert again.totals_label.text() == "0 posts added from 1 file."


def test_a_file_that_fails_is_listed_with_its_problem(qtbot, runner, workspace, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    empty = folder / "<b>empty<i>.json"
    empty.write_bytes(b"")
    shutil.copy(TWITWI_CSV, folder / "tweets.csv")
    (folder / "notes.pdf").write_bytes(b"%PDF")  # not taken from a folder

    dialog = make_dialog(qtbot, runner, workspace, [folder])
    reports = run_to_end(qtbot, dialog)

    assert len(reports) == 2
    rows = {row["File"]: row for row in table_rows(dialog)}
    assert set(rows) == {"<b>empty<i>.json", "tweets.csv"}
    assert rows["<b>empty<i>.json"]["Problem"] == "the file is empty."
    assert rows["<b>empty<i>.json"]["Added"] == ""
    assert rows["tweets.csv"]["Added"] == "4"
    assert rows["tweets.csv"]["Format"] == "CSV from twitwi / minet"
    assert dialog.totals_label.text() == "4 posts added from 1 file; 1 file could not be imported."
    assert "<b>empty<i>.json: not imported: the file is empty." in dialog.details.toPlainText()
    # untrusted text is never read as markup
    for label in dialog.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    assert counts(workspace) == (4, 1)


def test_an_empty_folder_says_there_is_nothing_to_import(qtbot, runner, workspace, tmp_path):
    folder = tmp_path / "nothing-here"
    folder.mkdir()
    (folder / "readme.pdf").write_bytes(b"%PDF")
    dialog = make_dialog(qtbot, runner, workspace, [folder])
    assert run_to_end(qtbot, dialog) == []
    assert dialog.outcome == "empty"
    assert "no files to import" in dialog.message_label.text()
    assert dialog.close_button.isVisible()
    assert counts(workspace) == (0, 0)


def test_an_unknown_csv_asks_for_a_column_mapping(qtbot, runner, workspace, tmp_path, monkeypatch):
    path = tmp_path / "brandwatch-export.csv"
    path.write_text(
        "Ref,Posted,Body,Account,Fans\n"
        "9001,2024-03-01T10:00:00Z,Where is my refund?,ana,1200\n"
        '9002,2024-03-01T10:05:00Z,"Still waiting, @Acme",ben,35\n'
        "9003,2024-03-01T10:07:00Z,Same here,cy,\n",
        encoding="utf-8",
    )
    asked = []

    def fill_and_accept(self):
        asked.append((self.path, list(self.columns), self.preview.rowCount(), self.preview.item(1, 2).text()))
        assert not self.ok_button.isEnabled()  # "Ref" and "Posted" are not guessed
        self.set_column("post_id", "Ref")
        self.set_column("created_at", "Posted")
        self.combos["author_followers"].setCurrentText("Fans")
        assert self.ok_button.isEnabled()
        self.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ColumnMappingDialog, "exec", fill_and_accept)

    dialog = make_dialog(qtbot, runner, workspace, [path, TWITWI_CSV])
    reports = run_to_end(qtbot, dialog)

    # asked once, for the unknown file only, with its columns and first rows
    assert asked == [(path, ["Ref", "Posted", "Body", "Account", "Fans"], 3, "Still waiting, @Acme")]
    assert [r.added for r in reports] == [3, 4]
    assert reports[0].format == "csv-mapped"
    assert table_rows(dialog)[0]["Format"] == "Table with a column mapping"
    with workspace.cursor() as cur:
        rows = cur.execute(
            "SELECT post_id, author_handle, author_followers, text FROM posts "
            "WHERE post_id LIKE '900%' ORDER BY post_id"
        ).fetchall()
    assert rows == [
        ("9001", "ana", 1200, "Where is my refund?"),
        ("9002", "ben", 35, "Still waiting, @Acme"),
        ("9003", "cy", None, "Same here"),
    ]


def test_a_mapping_not_given_skips_the_file(qtbot, runner, workspace, tmp_path, monkeypatch):
    path = tmp_path / "unknown.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    monkeypatch.setattr(ColumnMappingDialog, "exec", lambda self: QDialog.DialogCode.Rejected)

    dialog = make_dialog(qtbot, runner, workspace, [path, TWITWI_CSV])
    reports = run_to_end(qtbot, dialog)

    assert reports[0].error == "skipped: no column mapping given."
    assert reports[1].added == 4
    assert table_rows(dialog)[0]["Problem"] == "skipped: no column mapping given."
    assert dialog.totals_label.text() == (
        "4 posts added from 1 file; 1 file skipped (no column mapping given)."
    )
    assert counts(workspace) == (4, 1)


def test_cancel_keeps_the_workspace_as_it_was(qtbot, runner, workspace, helpers, big_stream):
    import_paths(workspace, [TWITWI_CSV])  # something there before
    before = helpers.dump(workspace)
    assert counts(workspace) == (4, 1)

    dialog = make_dialog(qtbot, runner, workspace, [big_stream])
    finished = []
    dialog.finished_import.connect(finished.append)
    with qtbot.waitSignal(
        dialog.progress_changed,
        timeout=TIMEOUT_MS,
        check_params_cb=lambda value, message: dialog.state == "importing",
    ):
        dialog.start()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(finished), timeout=TIMEOUT_MS)

    assert finished == [[]]
    assert dialog.outcome == "cancelled"
    assert counts(workspace) == (4, 1)
    assert helpers.dump(workspace) == before
    row = table_rows(dialog)[0]
    assert row["File"] == big_stream.name and "nothing of it was kept" in row["Problem"]
    assert "cancelled" in dialog.message_label.text()
    assert "the workspace is as it was before" in dialog.message_label.text()
    qtbot.waitUntil(lambda: not runner.is_busy(IMPORT_KIND), timeout=5000)


def test_cancel_keeps_the_files_finished_before(qtbot, runner, workspace, big_stream):
    dialog = make_dialog(qtbot, runner, workspace, [TWITWI_CSV, big_stream, NOFLAT])
    with qtbot.waitSignal(
        dialog.progress_changed,
        timeout=TIMEOUT_MS,
        check_params_cb=lambda value, message: big_stream.name in dialog.file_label.text(),
    ):
        dialog.start()
    with qtbot.waitSignal(dialog.finished_import, timeout=TIMEOUT_MS) as blocker:
        dialog.cancel()
    [kept] = blocker.args[0]
    assert Path(kept.path).name == TWITWI_CSV.name and kept.added == 4
    assert counts(workspace) == (4, 1)
    rows = table_rows(dialog)
    assert [r["Added"] for r in rows] == ["4", "", ""]
    assert "nothing of it was kept" in rows[1]["Problem"]
    assert "stopped before this file" in rows[2]["Problem"]
    assert dialog.totals_label.text() == (
        "4 posts added from 1 file; 2 files not imported because the import was stopped."
    )
    text = dialog.message_label.text()
    assert f"while reading “{big_stream.name}”" in text
    assert "the file finished before it stays in the workspace" in text


def test_closing_the_window_cancels_the_import(qtbot, runner, workspace, big_stream):
    dialog = make_dialog(qtbot, runner, workspace, [big_stream])
    with qtbot.waitSignal(
        dialog.progress_changed,
        timeout=TIMEOUT_MS,
        check_params_cb=lambda value, message: dialog.state == "importing",
    ):
        dialog.start()
    with qtbot.waitSignal(dialog.finished_import, timeout=TIMEOUT_MS) as blocker:
        dialog.close()
        assert not dialog.isVisible()  # closed at once, not after the worker stopped
    assert blocker.args[0] == []
    assert counts(workspace) == (0, 0)


def test_the_ui_keeps_turning_during_a_long_import(qtbot, runner, workspace, big_stream):
    """The import runs beside the event loop, not in it. Synchronised on events, not on the
    clock: at its first progress report the import stops on its own thread until a timer on
    the UI thread has answered. If the import blocked the UI thread, no answer could come."""
    ui_thread = threading.get_ident()
    asked, answered = threading.Event(), threading.Event()
    holds: list[tuple[bool, bool]] = []  # (held on another thread than the UI's, answered)

    def hold_the_import(done: float, total: float, message: str) -> None:
        # a direct connection: runs where the import reports, i.e. on the import's thread
        if holds:
            return
        asked.set()
        holds.append((threading.get_ident() != ui_thread, answered.wait(TIMEOUT_MS / 1000)))

    def watch(kind: str, busy: bool) -> None:
        task = runner.current(kind)
        if kind == IMPORT_KIND and busy and task is not None:  # submitted, not yet started
            task.signals.progress.connect(hold_the_import, Qt.ConnectionType.DirectConnection)

    runner.busy_changed.connect(watch)
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: answered.set() if asked.is_set() else None)
    timer.start()
    dialog = make_dialog(qtbot, runner, workspace, [big_stream])
    reports = run_to_end(qtbot, dialog)
    timer.stop()

    assert holds == [(True, True)]
    assert reports[0].added == 50_000
