"""Fixtures for driving the real window: a window opened on a fresh copy of the sample
incident's workspace (built once per run, see tests/conftest.py), and the wait until the
window is idle."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtWidgets import QMessageBox

from app.ui.main_window import MainWindow
from app.ui.settings import AppSettings

#: generous: the shared machines can be slow, and an idle window ends the wait at once
IDLE_TIMEOUT_MS = 120_000


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


@pytest.fixture
def wait_idle(qtbot):
    """``wait_idle(window)``: until no background task runs and the timeline has settled
    (:meth:`MainWindow.is_idle`)."""

    def wait(w: MainWindow, timeout: int = IDLE_TIMEOUT_MS) -> None:
        qtbot.waitUntil(w.is_idle, timeout=timeout)

    return wait


@pytest.fixture
def window(qtbot, tmp_path, sample_copy, wait_idle):
    w = MainWindow(AppSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    assert w.open_workspace(sample_copy)
    wait_idle(w)
    yield w
    w.close()
