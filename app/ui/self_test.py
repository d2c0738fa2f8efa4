"""``incident-timeline --self-test [WORKSPACE]``: start the real window without a screen, open a
workspace (the given one, or the sample incident built in a temporary folder), wait until the
window has drawn it, print how long each step took and exit: 0 when it worked, non-zero when not.

It is the smoke test of an installation and of a built bundle: it needs no display
(``QT_QPA_PLATFORM=offscreen`` is used unless another platform is set), never touches the user's
own settings (a temporary settings file is used) and leaves the workspace as it found it apart
from what opening it does anyway (rollups built, missing sentiment scored).

"Drawn" means: the workspace is open, no background task is running any more (the window's
task runner has no current task), the timeline has its series, no error was reported, and a
render of the window has been made.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

#: how long the window may take to draw the sample before the self-test fails
TIMEOUT_S = float(os.environ.get("INCIDENT_TIMELINE_SELF_TEST_TIMEOUT", "120"))
POLL_MS = 10

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_TIMEOUT = 2


def _process_age_s() -> float | None:
    """Seconds since this process started, where the system tells (Linux); else None."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat(5), counted after "pid (comm)"
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _say(message: str) -> None:
    print(f"self-test: {message}", flush=True)


def run(workspace: Path | None = None, timeout_s: float = TIMEOUT_S) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    timings: dict[str, float] = {}
    started_at_age = _process_age_s()
    t0 = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="incident-timeline-self-test-"))
    try:
        if workspace is None:
            from app.core.sample import build_sample
            from app.paths import sample_archive

            workspace = scratch / "sample.duckdb"
            _say(f"building the sample incident in {workspace}")
            reports = build_sample(workspace, sample_archive())
            failed = [r for r in reports if r.error]
            if failed:
                _say(f"FAILED: the sample incident could not be built: {failed[0].summary()}")
                return EXIT_FAILED
            timings["sample_built_s"] = time.perf_counter() - t0
        else:
            workspace = Path(workspace)
            if not workspace.is_file():
                _say(f"FAILED: there is no workspace at {workspace}")
                return EXIT_FAILED
        return _run_window(workspace, scratch, timings, t0, started_at_age, timeout_s)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run_window(
    workspace: Path,
    scratch: Path,
    timings: dict[str, float],
    t0: float,
    started_at_age: float | None,
    timeout_s: float,
) -> int:
    t = time.perf_counter()
    try:
        from PySide6.QtCore import QTimer

        from app.ui.application import make_app
        from app.ui.main_window import MainWindow
        from app.ui.settings import AppSettings
    except ImportError as exc:
        _say(f"FAILED: the window cannot start: {exc}")
        return EXIT_FAILED
    timings["imports_s"] = time.perf_counter() - t

    t = time.perf_counter()
    app = make_app()
    timings["qapplication_s"] = time.perf_counter() - t
    _say(f"Qt platform: {app.platformName()}")

    t = time.perf_counter()
    window = MainWindow(AppSettings(scratch / "settings.ini"))
    window.show()
    timings["window_built_s"] = time.perf_counter() - t

    # a modal message box would wait for a click that never comes: report it and go on
    from PySide6.QtWidgets import QMessageBox

    boxes: list[str] = []

    def no_modal(kind):
        def show(_parent, title, text, *args, **kwargs):
            boxes.append(f"{title}: {text}")
            _say(f"{kind} box: {title}: {text}")
            return QMessageBox.StandardButton.Cancel

        return staticmethod(show)

    for kind in ("warning", "critical", "information", "question"):
        setattr(QMessageBox, kind, no_modal(kind))

    def no_exec(box) -> int:
        boxes.append(f"{box.windowTitle()}: {box.text()}")
        _say(f"message box: {box.windowTitle()}: {box.text()}")
        return int(QMessageBox.StandardButton.Cancel)

    QMessageBox.exec = no_exec

    t_open = time.perf_counter()
    try:
        opened = window.open_workspace(workspace)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the test's failure
        opened = False
        boxes.append(f"{type(exc).__name__}: {exc}")
    if not opened:
        reason = f": {boxes[-1]}" if boxes else ""
        _say(f"FAILED: the window could not open {workspace}{reason}")
        window.close()
        return EXIT_FAILED
    timings["workspace_opened_s"] = time.perf_counter() - t_open

    outcome: dict[str, object] = {}

    def drawn() -> bool:
        return window.ws is not None and window.is_idle() and window.timeline.series is not None

    def poll() -> None:
        if "series_s" not in outcome and window.timeline.series is not None:
            # the plots have their data (other tasks, the suggestions among them, may still run)
            outcome["series_s"] = time.perf_counter() - t_open
        if window.last_error or boxes:
            outcome["error"] = window.last_error or boxes[-1]
        elif drawn():
            t_grab = time.perf_counter()
            image = window.grab()
            outcome["grab_s"] = time.perf_counter() - t_grab
            if image.isNull() or image.width() == 0:
                outcome["error"] = "the window rendered an empty image"
            else:
                outcome["size"] = (image.width(), image.height())
                # read now: quitting closes the window, which closes its workspace
                series = window.timeline.series
                outcome["bins"] = len(series.t)
                outcome["posts"] = int(series.total.sum())
        elif time.perf_counter() - t_open > timeout_s:
            busy = ", ".join(window.runner.busy_kinds()) or "none"
            outcome["error"] = (
                f"timed out after {timeout_s:.0f} s waiting for the sample to be drawn "
                f"(tasks still running: {busy}; series set: {window.timeline.series is not None})"
            )
            outcome["timeout"] = True
        if set(outcome) - {"series_s"}:
            timer.stop()
            app.quit()

    timer = QTimer()
    timer.setInterval(POLL_MS)
    timer.timeout.connect(poll)
    timer.start()
    app.exec()
    timings["until_drawn_s"] = time.perf_counter() - t_open - float(outcome.get("grab_s", 0.0))
    timings["render_s"] = float(outcome.get("grab_s", 0.0))
    if "series_s" in outcome:
        timings["until_series_s"] = float(outcome["series_s"])

    bins = int(outcome.get("bins", 0))
    posts = int(outcome.get("posts", 0))
    t = time.perf_counter()
    from app.ui.application import dispose

    dispose(window)
    timings["close_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t0
    if started_at_age is not None:
        age = _process_age_s()
        if age is not None:
            # from the process's start (interpreter and imports included) to the drawn window
            opened_at = started_at_age + (t_open - t0)
            if "until_series_s" in timings:
                timings["process_start_to_series_s"] = opened_at + timings["until_series_s"]
            timings["process_start_to_drawn_s"] = opened_at + timings["until_drawn_s"] + timings["render_s"]
            timings["process_start_to_exit_s"] = age

    if "error" in outcome:
        _say(f"FAILED: {outcome['error']}")
        _report(timings)
        return EXIT_TIMEOUT if outcome.get("timeout") else EXIT_FAILED
    w, h = outcome["size"]
    _say(f"drew {posts:,} posts in {bins} bins of {workspace.name} (window {w}x{h})")
    _report(timings)
    _say("passed")
    return EXIT_OK


def _report(timings: dict[str, float]) -> None:
    for name, seconds in timings.items():
        _say(f"  {name:<28} {seconds * 1000:9.1f} ms")
    print("self-test timings: " + json.dumps({k: round(v, 4) for k, v in timings.items()}), flush=True)
    sys.stdout.flush()
