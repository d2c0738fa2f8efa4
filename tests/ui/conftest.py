"""Fixtures for driving the real window: a window opened on a fresh copy of the sample
incident's workspace (built once per run, see tests/conftest.py), and the wait until the
window is idle."""

from __future__ import annotations

import pytest

from app.ui.main_window import MainWindow
from app.ui.settings import AppSettings

#: generous: the shared machines can be slow, and an idle window ends the wait at once
IDLE_TIMEOUT_MS = 120_000


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
