"""The ``import`` command: import archive files or folders into a workspace."""

from __future__ import annotations

import argparse

from app.cli.common import TerminalProgress, fail, parse_mapping, print_json, run_with_progress


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import archive files or folders into a workspace (created if missing)")
    p.add_argument("workspace", help="the workspace file (.duckdb)")
    p.add_argument("paths", nargs="+", help="archive files or folders")
    p.add_argument("--format", help="read the files as this format instead of detecting it")
    p.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=FIELD",
        help="for a CSV: the column holding a post field (post_id, created_at, text, "
        "author_handle, author_followers, kind, ...); repeat for each",
    )
    p.add_argument("--no-sentiment", action="store_true", help="do not score sentiment now")
    p.add_argument("--json", action="store_true", help="print the per-file reports as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.core import rollup
    from app.core.ingest import import_paths
    from app.core.sentiment import score_missing
    from app.core.store import Workspace

    mapping = parse_mapping(args.map or [])
    progress = TerminalProgress(enabled=None if not args.json else False)
    with Workspace.open(args.workspace, create=True) as ws:
        reports = run_with_progress(
            lambda: import_paths(ws, args.paths, progress, fmt=args.format, mapping=mapping or None),
            progress,
        )
        scored = 0
        if not args.no_sentiment and any(r.added for r in reports):
            scored = run_with_progress(lambda: score_missing(ws, progress), progress)
        if any(r.added for r in reports):
            # the timeline's pre-aggregates, once for the whole batch and its scores
            run_with_progress(lambda: rollup.ensure(ws, progress), progress)
    if args.json:
        print_json({"files": [r.as_dict() for r in reports], "texts_scored": scored})
    else:
        for r in reports:
            print(r.summary())
        if scored:
            print(f"Scored the sentiment of {scored:,} distinct texts.")
    failed = [r for r in reports if r.error]
    if failed:
        return fail(f"{len(failed)} of {len(reports)} files could not be imported (see above).")
    if not reports:
        return fail("there were no files to import at the paths given.")
    return 0
