"""The ``import`` command: import archive files or folders into a workspace."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from app.cli.common import TerminalProgress, fail, parse_mapping, print_json, run_with_progress


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import archive files or folders into a workspace (created if missing)")
    p.add_argument("workspace", help="the workspace file (.duckdb)")
    p.add_argument("paths", nargs="+", help="archive files or folders")
    p.add_argument(
        "--format",
        help="read the files as this format instead of telling it from their content "
        "(twitter-v1, twitter-v2, x-archive, mastodon, bluesky, csv, …)",
    )
    p.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=FIELD",
        help="for a table (CSV, TSV, workbook): the column holding a post field (post_id, created_at, "
        "text, author_handle, author_followers, kind, post_url, human_label, ...); repeat for each",
    )
    p.add_argument(
        "--timezone",
        metavar="ZONE",
        help="the time zone of times written without one, e.g. Europe/London (asked for when a file has such times)",
    )
    order = p.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst", dest="dayfirst", action="store_const", const=True, help="03/04/2015 is 3 April"
    )
    order.add_argument(
        "--monthfirst", dest="dayfirst", action="store_const", const=False, help="03/04/2015 is March 4"
    )
    p.add_argument("--sheet", metavar="NAME", help="the sheet of a workbook to import")
    p.add_argument("--no-sentiment", action="store_true", help="do not score sentiment now")
    p.add_argument("--json", action="store_true", help="print the per-file reports as JSON")
    p.set_defaults(func=run, dayfirst=None)


def run(args: argparse.Namespace) -> int:
    from app.core.ingest.detect import resolve_format
    from app.core.ingest.importer import check_inputs
    from app.core.ingest.options import ImportOptions
    from app.core.pipeline import PipelineCancelled, import_score_refresh
    from app.core.store import Workspace
    from app.core.store.workspace import check_timezone

    mapping = parse_mapping(args.map or [])
    fmt = resolve_format(args.format)
    zone = check_timezone(args.timezone) if args.timezone else None
    options = ImportOptions(timezone=zone, dayfirst=args.dayfirst, sheet=args.sheet)
    # what cannot be read is refused before the workspace is opened (and locked): a FIFO or
    # a device would block for ever
    problems = check_inputs(args.paths)
    if problems:
        for exc in problems:
            print(f"{exc.path}: not imported: {exc.problem}")
        return fail(f"{len(problems)} of the paths given cannot be imported; nothing was imported.")
    ws_path = Path(args.workspace)
    created = not ws_path.exists()
    progress = TerminalProgress(enabled=None if not args.json else False)
    reports = []
    kept = False
    try:
        with Workspace.open(ws_path, create=True) as ws:
            # import, then score whatever lacks scores (also after an interrupted run), then
            # the timeline's rollups, once for the whole batch (app/core/pipeline.py)
            result = run_with_progress(
                lambda: import_score_refresh(
                    ws,
                    args.paths,
                    progress,
                    fmt=fmt,
                    mapping=mapping or None,
                    score=not args.no_sentiment,
                    options=options,
                ),
                progress,
            )
            reports, scored = result.reports, result.scored
            kept = any(r.import_id for r in reports)
    except PipelineCancelled as exc:
        kept = any(r.import_id for r in exc.result.reports)
        if created and not kept:
            _remove_workspace(ws_path)
        raise
    except BaseException:
        if created and not kept:
            _remove_workspace(ws_path)
        raise
    if created and not kept:
        # a first import that kept nothing leaves no empty workspace behind
        _remove_workspace(ws_path)
    if args.json:
        print_json({"files": [r.as_dict() for r in reports], "texts_scored": scored})
    else:
        for r in reports:
            print(r.summary())
        if scored:
            print(f"Scored the sentiment of {scored:,} distinct texts.")
        if created and not kept:
            print(f"No workspace was created at {ws_path}: nothing was imported.")
    failed = [r for r in reports if r.error]
    if failed:
        return fail(f"{len(failed)} of {len(reports)} files could not be imported (see above).")
    if not reports:
        return fail("there were no files to import at the paths given.")
    return 0


def _remove_workspace(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(OSError):
            p.unlink()
