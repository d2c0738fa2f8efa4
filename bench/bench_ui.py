#!/usr/bin/env python3
"""The window under load: frame time of a cursor drag, and memory with a big workspace open.

    QT_QPA_PLATFORM=offscreen python bench/bench_ui.py --workspace bench/data/queries_1000000.duckdb

Baseline, measured in the same run: the same drag on the bundled sample incident (25k posts),
and the process's memory with the window open and no workspace. The big workspace is copied
first (the app migrates and rolls up what it opens).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def pump(app, window, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if not window.runner._current and not window.timeline._settle.isActive():
            return
        time.sleep(0.005)
    raise TimeoutError("the window did not settle")


def drag(app, window, steps: int) -> tuple[list[float], float]:
    """Frame times (ms) of a drag across the visible range, and the table's final latency (ms)."""
    lo, hi = window.timeline.visible_range()
    line = window.timeline.cursor_lines[0]
    frames = []
    for i in range(steps):
        t = lo + (hi - lo) * (0.1 + 0.8 * i / steps)
        start = time.perf_counter()
        line.setValue(t)
        line.sigDragged.emit(line)  # what pyqtgraph emits on each mouse move of a drag
        window.timeline.detail.repaint()
        app.processEvents()
        frames.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    pump(app, window)
    return frames, (time.perf_counter() - start) * 1000


def measure(app, path: Path, steps: int, label: str) -> dict:
    from app.ui.main_window import MainWindow
    from app.ui.settings import AppSettings

    tmp = Path(tempfile.mkdtemp(prefix="itx-ui-bench-"))
    window = MainWindow(AppSettings(tmp / "settings.ini"))
    window.resize(1600, 1000)
    window.show()
    pump(app, window)
    before = rss_mb()
    t0 = time.perf_counter()
    window.open_workspace(path)
    pump(app, window, 600)
    open_s = time.perf_counter() - t0
    frames, settle_ms = drag(app, window, steps)
    after = rss_mb()
    window.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return {
        "label": label,
        "open_s": open_s,
        "frame_median_ms": statistics.median(frames),
        "frame_p95_ms": sorted(frames)[int(len(frames) * 0.95) - 1],
        "table_settle_ms": settle_ms,
        "rss_before_mb": before,
        "rss_open_mb": after,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, required=True, help="a big workspace (copied first)")
    parser.add_argument("--steps", type=int, default=120)
    args = parser.parse_args()

    from app.core.sample import build_sample
    from app.paths import sample_archive
    from app.ui.application import make_app

    app = make_app()
    tmp = Path(tempfile.mkdtemp(prefix="itx-ui-bench-data-"))
    sample = tmp / "sample.duckdb"
    build_sample(sample, sample_archive())
    big = tmp / args.workspace.name
    shutil.copy(args.workspace, big)
    base = measure(app, sample, args.steps, "sample (25k posts)")
    result = measure(app, big, args.steps, args.workspace.name)
    for r in (base, result):
        print(
            f"{r['label']:>32}: open {r['open_s']:.2f} s, drag frame median {r['frame_median_ms']:.1f} ms "
            f"(p95 {r['frame_p95_ms']:.1f}), table settles {r['table_settle_ms']:.0f} ms after the drag, "
            f"RSS {r['rss_before_mb']:.0f} MB -> {r['rss_open_mb']:.0f} MB"
        )
    print(f"frame time ratio big/sample: {result['frame_median_ms'] / base['frame_median_ms']:.2f}")
    print(
        f"memory added by the big workspace over the sample: {result['rss_open_mb'] - base['rss_open_mb']:.0f} MB"
    )
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
