#!/usr/bin/env python3
"""Screenshots of the window on the sample incident at three moments, for review and the README.

Run under a real X server, e.g. ``xvfb-run -s "-screen 0 1920x1200x24" .venv/bin/python
tools/screenshots.py``; the PNGs go to ``docs/`` (``--out`` to change). The moments: the
quiet days before the storm, the Nov 13 escalation, and the aftermath.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EST = ZoneInfo("America/New_York")

MOMENTS = {
    # name: (view start, view end, cursor), US Eastern
    "quiet-days": ((2013, 11, 7, 6), (2013, 11, 13, 12), (2013, 11, 11, 14, 5)),
    "escalation": ((2013, 11, 13, 12), (2013, 11, 14, 2), (2013, 11, 13, 16, 40)),
    "aftermath": ((2013, 11, 13, 18), (2013, 11, 16, 23), (2013, 11, 14, 13, 10)),
}


def est(parts: tuple) -> float:
    return datetime(*parts, tzinfo=EST).timestamp()


def settle(app, window, seconds: float = 0.6) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        app.processEvents()
        if not window.runner._current and not window.timeline._settle.isActive():
            break
        time.sleep(0.02)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--size", default="1600x1000")
    args = parser.parse_args()

    from app.core.sample import build_sample
    from app.paths import sample_archive
    from app.ui.application import make_app
    from app.ui.main_window import MainWindow
    from app.ui.settings import AppSettings

    app = make_app()
    tmp = Path(tempfile.mkdtemp(prefix="itx-shots-"))
    workspace = tmp / "askjpm.duckdb"
    build_sample(workspace, sample_archive())
    width, height = (int(v) for v in args.size.split("x"))
    window = MainWindow(AppSettings(tmp / "settings.ini"))
    window.resize(width, height)
    window.show()
    window.open_workspace(workspace)
    settle(app, window)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (start, end, cursor) in MOMENTS.items():
        window.timeline.set_range(est(start), est(end))
        settle(app, window)
        window.set_cursor(est(cursor))
        settle(app, window)
        if window.posts_model.rows:
            window.posts_view.selectRow(0)
            settle(app, window, 0.3)
        path = args.out / f"window-{name}.png"
        window.grab().save(str(path))
        print(path)
    # turning points accepted from the suggestions, drawn on every plot
    settle(app, window, 1.0)
    wanted = []
    for s in window.suggestions:
        if (
            (s.kind in ("early_warning", "brand_action") and s.score >= 0.9)
            or (s.kind == "volume_change" and s.score >= 0.9)
            or (s.kind == "influencer_entry" and "Occupy" in s.label)
            or (s.kind == "press_pickup" and "First" in s.label)
        ):
            wanted.append(s)
    for s in wanted:
        window.accept_suggestion(s)
    settle(app, window)
    window.notes_dock.raise_()
    window.timeline.set_range(est((2013, 11, 11, 0)), est((2013, 11, 14, 12)))
    settle(app, window)
    window.set_cursor(est((2013, 11, 13, 23, 26)))
    settle(app, window)
    path = args.out / "window-turning-points.png"
    window.grab().save(str(path))
    print(path)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
