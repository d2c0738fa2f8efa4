"""The smoke test of the built one-folder bundle, run as a PR team would run it: no Python, no
screen. Runs only when a bundle has been built (`make bundle`, see packaging/README.md);
`make bundle-test` builds it and runs this file.

    BUNDLE/incident-timeline --version
    BUNDLE/incident-timeline demo --no-gui WS        (sentiment scored by the spawn worker pool)
    BUNDLE/incident-timeline info WS
    BUNDLE/incident-timeline report WS -o out.pdf    (when the bundle has a report command)
    QT_QPA_PLATFORM=offscreen BUNDLE/incident-timeline --self-test WS

INCIDENT_TIMELINE_BUNDLE may name another bundle folder (default: dist/incident-timeline).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("INCIDENT_TIMELINE_BUNDLE", ROOT / "dist" / "incident-timeline"))
EXE = BUNDLE / ("incident-timeline.exe" if sys.platform == "win32" else "incident-timeline")

pytestmark = pytest.mark.skipif(
    not EXE.exists(),
    reason=f"no bundle built at {BUNDLE} (build it with `make bundle` or `python packaging/build.py`)",
)


def bundle(*args: str, timeout: float = 300, **extra_env: str) -> subprocess.CompletedProcess:
    # the bundle must not lean on the venv or the source tree: run it from elsewhere, without
    # this interpreter's PYTHONPATH / PYTHONHOME
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k != "VIRTUAL_ENV"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra_env)
    return subprocess.run(
        [str(EXE), *args], cwd=BUNDLE.parent, env=env, capture_output=True, text=True, timeout=timeout
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("bundle") / "sample.duckdb"
    # the sample's ~20k texts are scored in one process by default; the frozen app's worker
    # pool is what this bundle must prove, so it is asked to start from 3,000 texts
    out = ok(bundle("demo", "--no-gui", str(ws), INCIDENT_TIMELINE_SCORING_WORKERS_FROM="3000"))
    assert "25,708 added" in out
    return ws


def test_version():
    from app import __version__

    assert ok(bundle("--version")).strip() == f"incident-timeline {__version__}"


def test_demo_builds_and_scores_the_sample(workspace, sample_workspace):
    """The bundle imports and scores the sample as the source does (the posts in other
    languages than English stay unscored, there as here)."""
    from app.core.store import Workspace

    info = json.loads(ok(bundle("info", str(workspace), "--json")))
    assert info["posts"] == 25708
    with Workspace.open(sample_workspace, read_only=True) as ws:
        assert info["scored_share"] == ws.info()["scored_share"]
    assert 0.9 < info["scored_share"] < 1  # the sample holds a few posts in other languages
    assert info["incident_name"].startswith("#AskJPM")


def test_info(workspace):
    assert "Posts:           25,708" in ok(bundle("info", str(workspace)))


def test_report(workspace, tmp_path):
    if bundle("report", "--help").returncode != 0:
        pytest.skip("this bundle has no `report` command yet")
    pdf = tmp_path / "out.pdf"
    ok(bundle("report", str(workspace), "-o", str(pdf)))
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_window_draws_the_sample_without_a_screen(workspace):
    out = ok(bundle("--self-test", str(workspace)))
    assert "self-test: passed" in out
    assert "drew 25,708 posts" in out


def test_sentiment_workers_start_in_the_frozen_app(workspace, sample_workspace):
    """The spawn pool re-runs the bundle's executable; freeze_support must turn it into a worker.
    Scores made in the bundle (by the pool, asked for from 3,000 distinct texts) equal those from
    source."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"ATTACH '{workspace}' AS b (READ_ONLY)")
    con.execute(f"ATTACH '{sample_workspace}' AS s (READ_ONLY)")
    n = con.execute("SELECT count(*) FROM b.sentiment").fetchone()[0]
    assert n > 3000  # enough texts for the worker pool, not the in-process path
    diff = con.execute(
        "SELECT count(*) FROM (SELECT * FROM b.sentiment EXCEPT SELECT * FROM s.sentiment)"
    ).fetchone()[0]
    assert diff == 0


def _trim():
    """packaging/trim.py, by path (a top-level ``packaging`` is the PyPI package of that name)."""
    spec = importlib.util.spec_from_file_location("bundle_trim", ROOT / "packaging" / "trim.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _needed(binary: Path) -> list[str]:
    """The shared libraries an ELF file asks the loader for (its DT_NEEDED entries)."""
    out = subprocess.run(["objdump", "-p", str(binary)], capture_output=True, text=True, check=False)
    return [line.split()[1] for line in out.stdout.splitlines() if line.strip().startswith("NEEDED")]


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("objdump") is None,
    reason="reads ELF files with objdump (binutils), on Linux",
)
def test_nothing_kept_needs_what_was_left_out():
    """The libraries and plugins the spec drops from what PyInstaller collected are wanted by
    nothing that stays: every library a kept binary needs is in the bundle, or is not one of
    those the spec left out (then it is the system's, as libc or libGL are)."""
    trim = _trim()
    binaries = [p for p in BUNDLE.rglob("*") if p.is_file() and ".so" in p.name] + [EXE]
    present = {p.name for p in binaries}
    missing = sorted(
        f"{p.relative_to(BUNDLE)} needs {lib}"
        for p in binaries
        for lib in _needed(p)
        if lib not in present and trim.dropped(lib)
    )
    assert not missing, "\n".join(missing)


def test_bundle_is_lean():
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < 250 * 1024 * 1024, f"the bundle is {size / 2**20:.0f} MiB"
    names = {p.name for p in BUNDLE.rglob("*")}
    for unwanted in (
        "libQt6Quick.so.6",
        "libQt6Qml.so.6",
        "libQt6Network.so.6",
        "QtQuick.abi3.so",
        "libQt6WebEngineCore.so.6",
        "_tkinter.cpython-311-x86_64-linux-gnu.so",
    ):
        assert unwanted not in names
