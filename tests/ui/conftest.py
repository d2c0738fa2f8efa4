"""Fixtures for driving the real window: the sample incident's workspace, built once per run,
and a window opened on a fresh copy of it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.core.sample import build_sample
from app.paths import sample_archive
from app.ui.main_window import MainWindow
from app.ui.settings import AppSettings


@dataclass
class Shown:
    """A message box the window showed: its words and whether they were plain text."""

    title: str
    text: str
    informative: str
    plain: bool


class MessageBoxes:
    """Every message box shown during a test, answered without a click: with ``answer`` if
    set, else with the box's default button (a modal box would wait for ever offscreen)."""

    def __init__(self) -> None:
        self.shown: list[Shown] = []
        self.answer: QMessageBox.StandardButton | None = None

    def texts(self) -> list[str]:
        return [s.text for s in self.shown]


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch) -> MessageBoxes:
    from PySide6.QtCore import Qt

    boxes = MessageBoxes()

    def fake_exec(box: QMessageBox) -> int:
        boxes.shown.append(
            Shown(
                box.windowTitle(),
                box.text(),
                box.informativeText(),
                box.textFormat() == Qt.TextFormat.PlainText,
            )
        )
        if boxes.answer is not None:
            return int(boxes.answer.value)
        default = box.defaultButton()
        return (
            int(box.standardButton(default).value)
            if default is not None
            else int(QMessageBox.StandardButton.Ok.value)
        )

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return boxes


def wait_idle(qtbot, w, timeout: int = 30000) -> None:
    """Until no background task runs and the view has settled."""
    qtbot.waitUntil(w.is_idle, timeout=timeout)


@pytest.fixture(scope="session")
def sample_workspace(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "askjpm.duckdb"
    reports = build_sample(path, sample_archive())
    assert all(r.ok for r in reports)
    return path


@pytest.fixture
def window(qtbot, tmp_path, sample_workspace):
    ws_path = tmp_path / "askjpm.duckdb"
    shutil.copy(sample_workspace, ws_path)
    w = MainWindow(AppSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    assert w.open_workspace(ws_path)
    wait_idle(qtbot, w)
    yield w
    w.close()
