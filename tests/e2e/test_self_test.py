"""`incident-timeline --self-test` from the source tree: the real window, no screen, real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_app(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def timings(stdout: str) -> dict:
    line = next(line for line in stdout.splitlines() if line.startswith("self-test timings: "))
    return json.loads(line.split(": ", 1)[1])


def test_self_test_on_a_built_workspace(tmp_path):
    ws = tmp_path / "sample.duckdb"
    built = run_app("demo", "--no-gui", str(ws))
    assert built.returncode == 0, built.stdout + built.stderr

    result = run_app("--self-test", str(ws))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test: passed" in result.stdout
    assert "Qt platform: offscreen" in result.stdout
    assert "drew 25,708 posts" in result.stdout  # the whole sample is in view after opening
    t = timings(result.stdout)
    assert 0 < t["until_drawn_s"] < t["total_s"]


def test_self_test_builds_the_sample_when_no_workspace_is_given(tmp_path):
    result = run_app("--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "building the sample incident" in result.stdout
    assert "sample_built_s" in timings(result.stdout)


def test_self_test_fails_on_a_missing_workspace(tmp_path):
    result = run_app("--self-test", str(tmp_path / "nothing-here.duckdb"))
    assert result.returncode != 0
    assert "FAILED" in result.stdout and "no workspace" in result.stdout


def test_self_test_fails_when_the_file_is_not_a_workspace(tmp_path):
    bogus = tmp_path / "not-a-workspace.duckdb"
    bogus.write_text("this is not a DuckDB file\n")
    result = run_app("--self-test", str(bogus))
    assert result.returncode != 0
    assert "FAILED" in result.stdout


def test_self_test_does_not_touch_the_users_settings(tmp_path):
    ws = tmp_path / "sample.duckdb"
    assert run_app("demo", "--no-gui", str(ws)).returncode == 0
    home = tmp_path / "home"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "app", "--self-test", str(ws)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    config = home / ".config"
    written = [p for p in config.rglob("*") if p.is_file()] if config.exists() else []
    assert written == [], written
