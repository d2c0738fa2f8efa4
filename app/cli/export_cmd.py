"""The ``export`` command: export the binned series, the turning points or the posts as CSV or JSON."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export the binned series, turning points or posts as CSV or JSON")
    p.add_argument("workspace")
    p.add_argument("--what", choices=["series", "turning-points", "posts"], required=True)
    p.add_argument("--from", dest="start", metavar="ISO", help="start (ISO 8601; default the first post)")
    p.add_argument("--to", dest="end", metavar="ISO", help="end, excluded (default after the last post)")
    p.add_argument("--bin", type=int, metavar="SECONDS", help="bin width of the series (default 3600)")
    p.add_argument("-o", "--output", required=True, help="a .csv or .json file")
    p.add_argument("--force", action="store_true", help="replace the output file if it exists")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.core import exports
    from app.core.store import Workspace

    start, end = exports.parse_time(args.start), exports.parse_time(args.end)
    with Workspace.open(args.workspace) as ws:
        n = exports.export(ws, args.what, args.output, start, end, args.bin, force=args.force)
    print(f"Wrote {n:,} rows to {args.output}")
    return 0
