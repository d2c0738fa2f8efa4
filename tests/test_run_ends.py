"""The test run itself: a thread left running by a test fails the run, naming the thread and
where it waits, instead of holding the interpreter (and CI) after the summary for ever."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LEAKY = """
import threading

def test_leaves_a_thread_waiting():
    never = threading.Event()
    threading.Thread(target=never.wait, name="waits-for-ever").start()
"""

CLEAN = """
import threading

def test_joins_its_thread():
    t = threading.Thread(target=lambda: None, name="ends")
    t.start()
    t.join()
"""


def _run(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    test = tmp_path / "test_case.py"
    test.write_text(body, encoding="utf-8")
    env = {**os.environ, "INCIDENT_TIMELINE_TEST_THREAD_GRACE": "0.5", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ROOT / "pyproject.toml"),
            "-p",
            "tests.conftest",
            str(test),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_thread_left_running_fails_the_run_and_names_itself(tmp_path):
    run = _run(tmp_path, LEAKY)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    assert "threads left running" in run.stdout
    assert "'waits-for-ever'" in run.stdout
    assert "never.wait" in run.stdout or "in wait" in run.stdout


def test_a_run_whose_threads_end_passes(tmp_path):
    run = _run(tmp_path, CLEAN)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "threads left running" not in run.stdout
