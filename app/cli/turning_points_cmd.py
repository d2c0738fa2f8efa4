"""The ``turning-points`` command: the suggested turning points of an incident, with their evidence."""

from __future__ import annotations

import argparse

from app.cli.common import TerminalProgress, print_json, run_with_progress


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("turning-points", help="suggested turning points of an incident, with their evidence")
    p.add_argument("workspace")
    p.add_argument(
        "--sort",
        choices=["importance", "time"],
        default="importance",
        help="most important first (the default), or in time order",
    )
    p.add_argument("--kind", action="append", metavar="KIND", help="only this kind (repeat for several)")
    p.add_argument("--limit", type=int, metavar="N", help="at most N")
    p.add_argument(
        "--include-dismissed", action="store_true", help="list the suggestions the team dismissed too"
    )
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per suggestion")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import textwrap

    from app.core.annotations import dismissed_keys
    from app.core.narrative import words
    from app.core.narrative.findings import suggestions
    from app.core.store import Workspace

    progress = TerminalProgress(enabled=None if not args.json else False)
    # read-write: the timeline's rollups are built (or rebuilt) on first use and kept
    with Workspace.open(args.workspace) as ws:
        found = run_with_progress(lambda: suggestions(ws, progress=progress), progress)
        dismissed = dismissed_keys(ws)
        zone = ws.timezone
        name = ws.incident_name
    if not args.include_dismissed:
        found = [s for s in found if s.key() not in dismissed]
    if args.kind:
        found = [s for s in found if s.kind in set(args.kind)]
    if args.sort == "time":
        found = sorted(found, key=lambda s: (s.time, s.key()))
    if args.limit is not None:
        found = found[: max(args.limit, 0)]
    if args.json:
        print_json([s.as_json() for s in found])
        return 0
    from app.core.analysis.context import zone_of

    tz = zone_of(zone)
    order = "most important first" if args.sort == "importance" else "in time order"
    print(f"Suggested turning points of “{name}” ({len(found)}, {order}; times in {zone})")
    for s in found:
        print()
        print(f"{words.when(s.time, tz)}  {s.label}  (strength {s.score:.2f})")
        print(textwrap.fill(s.explanation, width=100, initial_indent="    ", subsequent_indent="    "))
        if s.evidence_text:
            print(textwrap.fill(s.evidence_text, width=100, initial_indent="    ", subsequent_indent="    "))
    return 0
