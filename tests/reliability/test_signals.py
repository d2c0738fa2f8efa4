"""Signals: Ctrl-C (SIGINT) and a polite kill (SIGTERM) cancel cleanly and say what was
kept; kill -9 loses nothing committed, leaves no scoring worker behind, and its temporary
folder goes at the next start; importing again completes the scores."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import (
    EXIT_CANCELLED,
    alive,
    assert_ok,
    assert_worded,
    children,
    digest,
    interrupt,
    kill_group,
    post_count,
    unscored,
    wait_for,
)


def _importing(env) -> bool:
    """An import is under way: the importer's staging folder exists in the run's folder."""
    return any(p.name.startswith("itx-import-") for p in env.tmp.rglob("itx-import-*"))


#: this archive's ~27k texts are scored in one process by default; these tests are about the
#: worker processes a large archive's scoring starts, so they start them from 3,000 texts
WITH_WORKERS = {"INCIDENT_TIMELINE_SCORING_WORKERS_FROM": "3000"}


def _scoring(p) -> bool:
    # the worker processes (and the resource tracker) are the command's children
    return len(children(p.pid)) >= 2


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cancel_during_import_keeps_nothing_of_the_file(env, workspace, big_archive, sig):
    before, count = digest(workspace), post_count(workspace)
    p = env.start("import", str(workspace), str(big_archive))
    assert wait_for(lambda: _importing(env) or p.poll() is not None)
    time.sleep(0.5)
    run = interrupt(p, sig)
    message = assert_worded(run, EXIT_CANCELLED, mentions=(f"nothing of {big_archive}",))
    assert "KeyError" not in run.output and "terminate called" not in run.output, message
    assert digest(workspace) == before and post_count(workspace) == count
    assert env.leftovers() == [], "the run left temporary folders"


def test_cancel_during_import_into_a_new_workspace(env, tmp_path, big_archive):
    ws = tmp_path / "new.duckdb"
    p = env.start("import", str(ws), str(big_archive))
    assert wait_for(lambda: _importing(env) or p.poll() is not None)
    time.sleep(0.5)
    run = interrupt(p)
    assert_worded(run, EXIT_CANCELLED, mentions=("Cancelled: nothing of",))
    if ws.exists():
        assert post_count(ws) == 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cancel_during_scoring_keeps_the_posts_and_rerun_completes(env, workspace, big_archive, sig):
    p = env.start("import", str(workspace), str(big_archive), **WITH_WORKERS)
    assert wait_for(lambda: _scoring(p) or p.poll() is not None, timeout=120)
    workers = children(p.pid)
    # the workers score a text in ~15 us (exact VADER): a second would see the end of it
    time.sleep(0.2)
    run = interrupt(p, sig)
    assert_worded(run, EXIT_CANCELLED, mentions=("scoring",))
    assert wait_for(lambda: not any(alive(w) for w in workers), timeout=10), (
        "scoring workers outlived the command"
    )
    assert post_count(workspace) > 60000 - 1, "the imported posts were not kept"
    left = unscored(workspace)
    assert left > 0
    # the README's promise: importing again scores whatever is missing
    again = env.run("import", str(workspace), str(big_archive), "--json")
    assert_ok(again)
    assert unscored(workspace) == 0
    assert json.loads(again.stdout)["texts_scored"] > 0


def test_kill_9_during_scoring(env, workspace, big_archive):
    count = post_count(workspace)
    p = env.start("import", str(workspace), str(big_archive), **WITH_WORKERS)
    assert wait_for(lambda: _scoring(p) or p.poll() is not None, timeout=120)
    workers = children(p.pid)
    # the workers score a text in ~15 us (exact VADER): a second would see the end of it
    time.sleep(0.2)
    p.kill()
    p.wait()
    gone = wait_for(lambda: not any(alive(w) for w in workers), timeout=10)
    kill_group(p)
    p.communicate()
    assert gone, "scoring workers outlived kill -9"
    assert post_count(workspace) == count + 60000  # the import was committed before scoring
    assert env.leftovers(), "expected the killed run's temporary folder"
    # the next start (any command) removes it, and an import completes the scores
    assert_ok(env.run("import", str(workspace), str(big_archive)))
    assert env.leftovers() == []
    assert unscored(workspace) == 0


def test_kill_9_during_import_then_next_start_cleans(env, workspace, big_archive):
    before = digest(workspace)
    p = env.start("import", str(workspace), str(big_archive))
    assert wait_for(lambda: _importing(env) or p.poll() is not None)
    time.sleep(0.5)
    p.kill()
    p.wait()
    kill_group(p)
    p.communicate()
    assert digest(workspace) == before
    assert_ok(env.run("info", str(workspace)))
    assert env.leftovers() == [], "a killed run's temporary folders were not removed at the next start"


@pytest.mark.parametrize("after", [0.25, 0.5, 0.8, 1.5])
def test_ctrl_c_of_a_short_command_is_quiet(env, workspace, after):
    """At any moment of a command that loads Qt (the PDF report), from its imports on: under
    load, 1.5 s in was still inside PySide6's start-up, which an interrupt aborted with a
    traceback. (The interpreter's own first few hundredths of a second are Python's.)"""
    p = env.start("report", str(workspace), "-o", str(workspace.with_name("r.pdf")))
    time.sleep(after)
    run = interrupt(p)
    assert "Traceback" not in run.output and "Fatal Python error" not in run.output, run.output
    # ended by the signal itself (-2, which a shell shows as 130, as it does EXIT_CANCELLED) when
    # Python saw the interrupt inside an extension's start-up, after the app had said so
    assert run.returncode in (0, EXIT_CANCELLED, -signal.SIGINT), run.output
    if run.returncode:
        assert "cancelled" in run.output.lower(), run.output


def test_ctrl_c_as_the_scoring_workers_start_is_quiet(env, workspace, big_archive):
    """Ctrl-C reaches the whole process group, the workers too, the moment they are started,
    while they still load Python: none of them prints a traceback."""
    p = env.start("import", str(workspace), str(big_archive), **WITH_WORKERS)
    assert wait_for(lambda: _scoring(p) or p.poll() is not None, timeout=120)
    workers = children(p.pid)
    run = interrupt(p)
    assert "Traceback" not in run.output and "KeyboardInterrupt" not in run.output, run.output
    assert run.returncode == EXIT_CANCELLED, run.output
    assert wait_for(lambda: not any(alive(w) for w in workers), timeout=10)


def test_a_live_runs_temp_folder_is_kept(env, workspace, big_archive):
    """Another command's start never takes a live run's folder for a stale one."""
    other = workspace.with_name("other.duckdb")
    shutil.copy(workspace, other)
    p = env.start("import", str(workspace), str(big_archive), "--no-sentiment")
    assert wait_for(lambda: _importing(env) or p.poll() is not None)
    assert_ok(env.run("info", str(other)))
    assert _importing(env), "the live import's staging folder was removed by another command"
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    assert env.leftovers() == []


def test_a_finished_command_ignores_ctrl_c_while_it_exits():
    """Once a command's work is done and said, a Ctrl-C landing in the interpreter's exit (the
    report's Qt teardown, seen once the report got fast enough) is ignored: the command ends
    with its own status rather than killed by the signal. A caller of ``main`` in its own
    process (one that did not start as the command) keeps its Ctrl-C."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    probe = (
        "import signal, app\n"
        "{hold}"
        "app.release_ctrl_c()\n"
        "app.done_with_ctrl_c()\n"
        "print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)\n"
    )
    for hold, ignored in (("app.hold_ctrl_c_until_started()\n", "True"), ("", "False")):
        out = subprocess.run(
            [sys.executable, "-c", probe.format(hold=hold)],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == ignored


#: watches, from inside the command's own process, whether Ctrl-C still ended the run quietly
#: when each compiled library was first imported
_IMPORT_WATCH = """
import json, runpy, signal, sys
watched = {"_duckdb": None, "numpy": None, "isal.isal_zlib": None, "PySide6.QtCore": None}

class Watch:
    # asked first for every module not yet loaded; finds nothing, so the import goes on
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name in watched and watched[name] is None:
            import app
            watched[name] = signal.getsignal(signal.SIGINT) is app._left_at_startup

sys.meta_path.insert(0, Watch)
sys.argv = ["app", *sys.argv[1:]]
try:
    runpy.run_module("app", run_name="__main__")
except SystemExit as end:
    print("status", end.code, file=sys.stderr)
print(json.dumps(watched))
"""


@pytest.mark.parametrize("command", ["report", "info"])
def test_the_compiled_libraries_load_while_ctrl_c_still_ends_the_run(env, workspace, command):
    """DuckDB makes its enums with Python code while it starts, so a Ctrl-C can land inside
    its first import (CI saw it, 0.25 s into a report): the import fails half done and the
    next one aborts the process ("Critical nanobind error", status -6). They load, with
    NumPy, ISA-L and Qt, while a Ctrl-C still ends the run at once, in words."""
    args = [command, str(workspace)]
    if command == "report":
        args += ["-o", str(workspace.with_name("r.pdf"))]
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_WATCH, *args],
        cwd=env.base,
        env=env.environ(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "status 0" in out.stderr, out.stderr
    watched = json.loads(out.stdout.strip().splitlines()[-1])
    expected = {"_duckdb": True, "numpy": True, "isal.isal_zlib": True}
    expected["PySide6.QtCore"] = True if command == "report" else None
    assert watched == expected


def test_an_error_after_an_interrupted_start_does_not_load_duckdb():
    """The last net asks whether an error was DuckDB's report of a Ctrl-C; it must not import
    DuckDB to ask, since after an interrupted first import a second one aborts."""
    probe = (
        "import sys\n"
        "from app.cli import _interrupted\n"
        "print(_interrupted(RuntimeError('x')), 'duckdb' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]
