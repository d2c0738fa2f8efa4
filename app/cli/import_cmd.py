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
    from app.core.pipeline import import_score_refresh
    from app.core.store import Workspace

    mapping = parse_mapping(args.map or [])
    progress = TerminalProgress(enabled=None if not args.json else False)
    with Workspace.open(args.workspace, create=True) as ws:
        # import, then score whatever lacks scores (also after an interrupted run), then
        # the timeline's rollups, once for the whole batch
        result = run_with_progress(
            lambda: import_score_refresh(
                ws,
                args.paths,
                progress,
                fmt=args.format,
                mapping=mapping or None,
                score=not args.no_sentiment,
            ),
            progress,
        )
    reports, scored = result.reports, result.scored
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
