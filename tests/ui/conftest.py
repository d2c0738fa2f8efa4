"""Fixtures for driving the real window: the sample incident's workspace, built once per run,
and a window opened on a fresh copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.core.sample import build_sample
from app.paths import sample_archive
from app.ui.main_window import MainWindow
from app.ui.settings import AppSettings


def wait_idle(qtbot, w, timeout: int = 30000) -> None:
    """Until no background task runs and the view has settled."""
    qtbot.waitUntil(lambda: not w.runner._current and not w.timeline._settle.isActive(), timeout=timeout)


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
