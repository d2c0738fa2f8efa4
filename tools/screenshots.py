#!/usr/bin/env python3
"""Screenshots of the window, for review and the README.

Run under a real X server, e.g. ``xvfb-run -s "-screen 0 1920x1200x24" .venv/bin/python
tools/screenshots.py``; the PNGs go to ``docs/`` (``--out`` to change).

By default: the README's pictures (``screenshot.png``, the Nov 13 escalation with a post read,
and ``window-turning-points.png``), at ``--size``. With ``--moments``: the sample at three
moments (the quiet days before the storm, the escalation, the aftermath). With ``--review``:
every combination a reviewer should look at, 1280×800 and 1600×1000, light and dark, on the
sample and on a CSV export without follower counts (made from the twitwi fixture), each
with its panels (the posts, the turning points, the evidence, the summary) shown in turn.
"""

from __future__ import annotations

import argparse
import csv
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
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        app.processEvents()
        if window.is_idle():
            break
        time.sleep(0.02)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


#: which column of that export holds which field (what the column-mapping dialog would say)
NO_FOLLOWERS_MAPPING = {
    "post_id": "Post ID",
    "created_at": "Date (UTC)",
    "author_handle": "Author",
    "author_name": "Author name",
    "kind": "Type",
    "text": "Message",
    "retweet_count": "Shares",
    "like_count": "Likes",
    "lang": "Language",
}


def csv_without_followers(sample: Path, out: Path) -> Path:
    """The sample's posts as a listening tool's CSV export without follower counts (its own
    column names, no followers column): an archive whose reach is unknown, as many are."""
    from app.core import exports
    from app.core.store import Workspace

    full = out.with_name("sample-posts.csv")
    with Workspace.open(sample, read_only=True) as ws:
        exports.export(ws, "posts", full)
    # the app's export column -> the tool's column; the same fields as the mapping below
    names = {"created_at_utc" if f == "created_at" else f: col for f, col in NO_FOLLOWERS_MAPPING.items()}
    with full.open(encoding="utf-8-sig", newline="") as f, out.open("w", encoding="utf-8", newline="") as g:
        writer = csv.DictWriter(g, fieldnames=list(names.values()))
        writer.writeheader()
        for row in csv.DictReader(f):
            writer.writerow({new: row[old] for old, new in names.items()})
    return out


def dispose(window) -> None:
    from app.ui.application import dispose as dispose_window

    dispose_window(window)


def make_window(app, tmp: Path, size: tuple[int, int], theme_name: str):
    from app.ui.main_window import MainWindow
    from app.ui.settings import AppSettings

    settings = AppSettings(tmp / f"settings-{size[0]}-{theme_name}.ini")
    settings.tour_shown = True
    settings.theme = theme_name
    window = MainWindow(settings)
    window.resize(*size)
    window.show()
    window.lay_out_panels()
    return window


def accept_some(app, window) -> None:
    wanted = []
    for s in window.suggestions_panel.pending():
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


def go_to(app, window, start: tuple, end: tuple, cursor: tuple, read_first: bool = False) -> None:
    """Show [start, end] with the cursor at ``cursor`` (US Eastern), reading the first post."""
    window.timeline.set_range(est(start), est(end))
    settle(app, window)
    window.set_cursor(est(cursor))
    settle(app, window)
    if read_first and window.posts_model.rows:
        window.posts_view.selectRow(0)
        settle(app, window, 0.3)


def docs_shots(app, tmp: Path, workspace: Path, out: Path, size: tuple[int, int]) -> None:
    """The README's two pictures: the escalation with a post read, and turning points."""
    window = make_window(app, tmp, size, "light")
    window.open_workspace(workspace)
    settle(app, window)
    go_to(app, window, *MOMENTS["escalation"], read_first=True)
    window.summary_dock.raise_()
    shot(app, window, out / "screenshot.png")
    accept_some(app, window)
    window.notes_dock.raise_()
    go_to(app, window, (2013, 11, 11, 0), (2013, 11, 14, 12), (2013, 11, 13, 23, 26))
    shot(app, window, out / "window-turning-points.png")
    dispose(window)


def moment_shots(app, tmp: Path, workspace: Path, out: Path, size: tuple[int, int]) -> None:
    """The sample at three moments, for review."""
    window = make_window(app, tmp, size, "system")
    window.open_workspace(workspace)
    settle(app, window)
    for name, moment in MOMENTS.items():
        go_to(app, window, *moment, read_first=True)
        shot(app, window, out / f"window-{name}.png")
    dispose(window)


def review_shots(app, tmp: Path, workspace: Path, plain_csv_ws: Path, out: Path) -> None:
    for width, height in ((1280, 800), (1600, 1000)):
        for theme_name in ("light", "dark"):
            tag = f"{width}x{height}-{theme_name}"
            window = make_window(app, tmp, (width, height), theme_name)
            window.open_workspace(workspace)
            settle(app, window)
            accept_some(app, window)
            shot(app, window, out / f"sample-{tag}-whole.png")
            go_to(app, window, (2013, 11, 13, 12), (2013, 11, 14, 2), (2013, 11, 13, 17, 30), read_first=True)
            shot(app, window, out / f"sample-{tag}-escalation.png")
            window.summary_dock.raise_()
            settle(app, window)
            shot(app, window, out / f"sample-{tag}-summary.png")
            window.suggestions_dock.raise_()
            settle(app, window)
            shot(app, window, out / f"sample-{tag}-suggestions.png")
            dispose(window)
            window = make_window(app, tmp, (width, height), theme_name)
            window.open_workspace(plain_csv_ws)
            settle(app, window)
            shot(app, window, out / f"csv-no-followers-{tag}.png")
            window.summary_dock.raise_()
            settle(app, window)
            shot(app, window, out / f"csv-no-followers-{tag}-summary.png")
            dispose(window)


def shot(app, window, path: Path) -> None:
    settle(app, window, 0.3)
    window.grab().save(str(path))
    print(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--size", default="1600x1000")
    parser.add_argument("--review", action="store_true", help="every size, theme and archive, for review")
    parser.add_argument("--moments", action="store_true", help="the sample at three moments")
    args = parser.parse_args()

    from app.core.ingest import import_paths
    from app.core.sample import build_sample
    from app.core.sentiment import score_missing
    from app.core.store import Workspace
    from app.paths import sample_archive
    from app.ui.application import make_app

    app = make_app()
    tmp = Path(tempfile.mkdtemp(prefix="itx-shots-"))
    workspace = tmp / "askjpm.duckdb"
    build_sample(workspace, sample_archive())
    args.out.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in args.size.split("x"))
    if args.moments:
        moment_shots(app, tmp, workspace, args.out, (width, height))
        return 0
    if not args.review:
        docs_shots(app, tmp, workspace, args.out, (width, height))
        return 0
    plain_csv_ws = tmp / "no-followers.duckdb"
    with Workspace.open(plain_csv_ws, create=True) as ws:
        source = csv_without_followers(workspace, tmp / "no-followers.csv")
        reports = import_paths(ws, [source], mapping=NO_FOLLOWERS_MAPPING)
        assert all(r.ok for r in reports), [r.summary() for r in reports]
        ws.configure(name="Listening-tool CSV without follower counts", timezone="Europe/London")
        score_missing(ws)
    review_shots(app, tmp, workspace, plain_csv_ws, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
