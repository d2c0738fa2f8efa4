"""The ``turning-points`` command: the suggested turning points of an incident, with their evidence."""

from __future__ import annotations

import argparse

from app.cli.common import TerminalProgress, print_json, run_with_progress


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("turning-points", help="suggested turning points of an incident, with their evidence")
    p.add_argument("workspace")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per suggestion")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import textwrap

    from app.core import turning_points
    from app.core.store import Workspace

    progress = TerminalProgress(enabled=None if not args.json else False)
    # read-write: the timeline's rollups are built (or rebuilt) on first use and kept
    with Workspace.open(args.workspace) as ws:
        found = run_with_progress(lambda: turning_points.suggest(ws, progress=progress), progress)
        zone = ws.timezone
        name = ws.incident_name
    if args.json:
        print_json([s.as_json() for s in found])
        return 0
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    print(f"Suggested turning points of “{name}” ({len(found)}; times in {zone})")
    for s in found:
        t = datetime.fromtimestamp(s.time, tz)
        print()
        print(f"{t:%a %d %b %Y %H:%M %Z}  {s.kind:<16} {s.score:4.2f}  {s.label}")
        print(textwrap.fill(s.explanation, width=100, initial_indent="    ", subsequent_indent="    "))
    return 0
