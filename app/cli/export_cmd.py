"""The ``export`` command: export the binned series, the turning points or the posts as CSV or
JSON, or the whole workspace as Parquet (``--parquet DIR``) for an engine beyond one machine."""

from __future__ import annotations

import argparse

from app.cli.common import TerminalProgress, fail, run_with_progress


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="export the binned series, turning points or posts as CSV or JSON, or every table as Parquet",
    )
    p.add_argument("workspace")
    p.add_argument("--what", choices=["series", "turning-points", "posts"])
    p.add_argument("--from", dest="start", metavar="ISO", help="start (ISO 8601; default the first post)")
    p.add_argument("--to", dest="end", metavar="ISO", help="end, excluded (default after the last post)")
    p.add_argument("--bin", type=int, metavar="SECONDS", help="bin width of the series (default 3600)")
    p.add_argument("-o", "--output", help="a .csv or .json file (with --what)")
    p.add_argument(
        "--parquet",
        metavar="DIR",
        help="write every table as Parquet into this new folder (posts by UTC day, ids as text, "
        "times in UTC; see docs/scale.md)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace the output file if it exists (with --parquet: an earlier Parquet export there)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.core import exports
    from app.core.store import Workspace

    if args.parquet:
        if args.what or args.output or args.start or args.end or args.bin:
            return fail("--parquet writes every table whole; it takes no --what, -o, --from, --to or --bin.")
        return _parquet(args)
    if not args.what or not args.output:
        return fail("say what to export: --what WHAT -o FILE, or --parquet DIR for every table.")
    start, end = exports.parse_time(args.start), exports.parse_time(args.end)
    with Workspace.open(args.workspace) as ws:
        n = exports.export(ws, args.what, args.output, start, end, args.bin, force=args.force)
    print(f"Wrote {n:,} rows to {args.output}")
    return 0


def _parquet(args: argparse.Namespace) -> int:
    from app.core.parquet_export import export_parquet
    from app.core.store import Workspace

    progress = TerminalProgress()
    with Workspace.open(args.workspace, read_only=True) as ws:
        done = run_with_progress(lambda: export_parquet(ws, args.parquet, args.force, progress), progress)
    tables = ", ".join(f"{t} {n:,}" for t, n in done.tables.items())
    print(
        f"Wrote {len(done.tables)} tables ({done.bytes / 1e6:,.1f} MB; posts in {done.days} daily "
        f"folders) to {done.folder} in {done.seconds:.1f} s: {tables}"
    )
    return 0
