"""File > Import with the files PR teams hand over, as a new user meets them: a workbook with
several sheets, a listening tool's export whose times carry no zone, a CSV of ambiguous dates,
the airline CSV with its labels; every question asked in the window, with an example from
the file, and a summary whose counts add up."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QDialog, QLabel

from app.ui.column_mapping_dialog import ColumnMappingDialog, ReadingQuestionDialog, read_preview
from app.ui.import_dialog import COLUMNS, ImportDialog
from app.ui.tasks import TaskRunner

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TIMEOUT_MS = 120_000


@pytest.fixture
def runner(qtbot, workspace):
    pool = QThreadPool()
    task_runner = TaskRunner(pool=pool)
    yield task_runner
    assert task_runner.wait_all(120)
    assert pool.waitForDone(120_000)


def run(qtbot, runner, ws, paths) -> tuple[ImportDialog, list]:
    dialog = ImportDialog(runner, ws, [Path(p) for p in paths])
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.finished_import, timeout=TIMEOUT_MS) as blocker:
        dialog.start()
    return dialog, blocker.args[0]


def rows(dialog) -> list[dict[str, str]]:
    t = dialog.table
    return [{COLUMNS[c]: t.item(r, c).text() for c in range(t.columnCount())} for r in range(t.rowCount())]


def test_a_listening_export_without_zones_asks_which_zone(qtbot, runner, workspace, monkeypatch):
    workspace.configure(timezone="America/New_York")
    asked = []

    def answer(self):
        asked.append(
            (self.kind, self.zone_combo.currentText(), [w.text() for w in self.findChildren(QLabel)])
        )
        self.zone_combo.setCurrentText("Europe/London")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReadingQuestionDialog, "exec", answer)
    dialog, reports = run(qtbot, runner, workspace, [FIXTURES / "listening" / "meltwater-mentions.csv"])
    ((kind, default, labels),) = asked
    assert kind == "timezone" and default == "America/New_York"  # the workspace's display zone first
    assert any("14-Mar-2023 09:15AM" in text for text in labels)  # an example from the file
    assert not any("--timezone" in text for text in labels)  # no command-line advice in the window
    (report,) = reports
    assert report.ok and report.timezone == "Europe/London" and report.added == 6
    (row,) = rows(dialog)
    assert row["Format"] == "Meltwater export" and row["Read"] == "6" and row["Added"] == "6"
    assert "times without a zone read as Europe/London" in row["Problem"]
    assert "read as Europe/London time" in dialog.details.toPlainText()


def test_a_skipped_question_leaves_the_file_out(qtbot, runner, workspace, monkeypatch):
    monkeypatch.setattr(ReadingQuestionDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    dialog, reports = run(qtbot, runner, workspace, [FIXTURES / "listening" / "sprinklr-messages.xlsx"])
    (report,) = reports
    assert not report.ok and report.needs.kind == "timezone"
    assert workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 0
    assert dialog.outcome == "done"
    assert "could not be imported" in dialog.totals_label.text()


def test_a_workbook_with_several_sheets_asks_which_then_the_columns(
    qtbot, runner, workspace, tmp_path, monkeypatch
):
    book = tmp_path / "handover.xlsx"
    wb = Workbook()
    first = wb.active
    first.title = "Read me"
    first.append(["Exported for the review", "by the social team"])
    first.append(["Notes", "see the posts sheet"])
    posts = wb.create_sheet("Posts")
    posts.append(["Export of mentions"])
    posts.append([])
    posts.append(["Link", "Posted", "Message", "Account", "My label"])
    posts.append(
        [
            "https://x.com/ana/status/1764987654321098753",
            datetime(2024, 3, 5, 9, 15),
            "Still down &amp; no word",
            "ana",
            "neg",
        ]
    )
    posts.append(
        [
            "https://x.com/ben/status/1764987654321098754",
            datetime(2024, 3, 5, 9, 40),
            "Back up, thanks",
            "ben",
            "positive",
        ]
    )
    wb.save(book)
    questions, mappings = [], []

    def pick_sheet(self):
        questions.append((self.kind, [self.sheet_combo.itemText(i) for i in range(self.sheet_combo.count())]))
        self.sheet_combo.setCurrentText("Posts")
        return QDialog.DialogCode.Accepted

    def map_columns(self):
        mappings.append((list(self.columns), self.preview.rowCount(), self.preview.item(0, 2).text()))
        # guessed from the names: the link is the post's address, "My label" a sentiment label
        assert self.mapping()["post_url"] == "Link" and self.mapping()["text"] == "Message"
        self.set_column("created_at", "Posted")
        self.set_column("human_label", "My label")
        assert self.ok_button.isEnabled()  # an address stands in for the id
        self.zone_combo.setCurrentText("Europe/Paris")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReadingQuestionDialog, "exec", pick_sheet)
    monkeypatch.setattr(ColumnMappingDialog, "exec", map_columns)
    _, reports = run(qtbot, runner, workspace, [book])
    assert questions == [("sheet", ["Read me", "Posts"])]
    assert mappings == [(["Link", "Posted", "Message", "Account", "My label"], 2, "Still down &amp; no word")]
    (report,) = reports
    assert report.ok, report.error
    assert (report.read, report.added, report.labels, report.position) == (2, 2, 2, "row")
    got = workspace.con.execute("SELECT post_id, created_at, text FROM posts ORDER BY post_id").fetchall()
    assert got == [
        ("1764987654321098753", datetime(2024, 3, 5, 8, 15), "Still down & no word"),
        ("1764987654321098754", datetime(2024, 3, 5, 8, 40), "Back up, thanks"),
    ]
    labels = workspace.con.execute("SELECT label FROM sentiment_labels ORDER BY post_id").fetchall()
    assert labels == [("negative",), ("positive",)]


def test_ambiguous_dates_ask_day_or_month_first(qtbot, runner, workspace, tmp_path, monkeypatch):
    path = tmp_path / "export.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Ref", "Datum", "Inhalt"])
        w.writerow(["1764987654321098753", "03/04/2024 10:00", "eins"])
        w.writerow(["1764987654321098754", "05/04/2024 10:00", "zwei"])
    asked = []

    def map_columns(self):
        self.set_column("post_id", "Ref")
        self.set_column("created_at", "Datum")
        self.set_column("text", "Inhalt")
        assert self.order_combo.currentData() is None  # "tell from the dates" by default
        return QDialog.DialogCode.Accepted

    def order(self):
        asked.append((self.kind, self.order_combo.currentText()))
        self.order_combo.setCurrentIndex(0)  # day first
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ColumnMappingDialog, "exec", map_columns)
    monkeypatch.setattr(ReadingQuestionDialog, "exec", order)
    _, reports = run(qtbot, runner, workspace, [path])
    assert asked == [("date_order", "Day first: 03/04/2015 is 3 April 2015")]
    assert reports[0].ok and reports[0].added == 2
    got = [r[0] for r in workspace.con.execute("SELECT created_at FROM posts ORDER BY post_id").fetchall()]
    assert got == [datetime(2024, 4, 3, 10), datetime(2024, 4, 5, 10)]


def test_the_airline_csv_through_the_window(qtbot, runner, workspace, monkeypatch):
    def map_columns(self):
        guessed = self.mapping()
        assert guessed["post_id"] == "tweet_id" and guessed["created_at"] == "tweet_created"
        assert guessed["human_label"] == "airline_sentiment"
        self.set_column("author_handle", "name")
        self.set_column("author_name", None)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ColumnMappingDialog, "exec", map_columns)
    dialog, reports = run(qtbot, runner, workspace, [FIXTURES / "airline" / "Tweets.csv"])
    (row,) = rows(dialog)
    assert (row["Read"], row["Added"], row["Already in the workspace"], row["Repeated in the file"]) == (
        "19",
        "16",
        "0",
        "3",
    )
    assert row["Rejected"] == "0" and row["Conflicts"] == "0"
    assert "16 sentiment labels" in dialog.details.toPlainText()
    assert reports[0].counts_add_up()


def test_mapping_dialog_reads_times_in_the_workspace_zone_by_default(qtbot):
    columns, preview = read_preview(FIXTURES / "listening" / "meltwater-mentions.csv")
    assert columns[:3] == ["Date", "Headline", "URL"] and preview[0][0] == "14-Mar-2023 09:15AM"
    dialog = ColumnMappingDialog(Path("m.csv"), columns, preview, None, default_zone="Asia/Tokyo")
    qtbot.addWidget(dialog)
    assert dialog.options().timezone == "Asia/Tokyo" and dialog.options().dayfirst is None
    dialog.order_combo.setCurrentIndex(2)
    assert dialog.options().dayfirst is False
    # the hint names what is missing in words
    for f in list(dialog.mapping()):
        dialog.set_column(f, None)
    assert "post id (or the post's address)" in dialog.hint.text()
    dialog.set_column("post_url", "URL")
    assert "post id" not in dialog.hint.text()
