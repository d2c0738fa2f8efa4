"""The ``repair`` command: rebuild what a damaged workspace lacks from its posts."""

from __future__ import annotations

import argparse

from app.cli.common import TerminalProgress, print_json, run_with_progress


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "repair",
        help="rebuild a damaged workspace's missing tables, sentiment scores and timeline summaries "
        "from its posts",
    )
    p.add_argument("workspace")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.core.repair import repair

    progress = TerminalProgress(enabled=None if not args.json else False)
    report = run_with_progress(lambda: repair(args.workspace, progress), progress)
    if args.json:
        print_json({"recreated": report.recreated, "lost": report.lost, "texts_scored": report.scored})
    else:
        print(report.summary(args.workspace))
    return 0
