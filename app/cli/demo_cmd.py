"""The ``demo`` command: build the bundled sample incident's workspace and open it."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import TerminalProgress, fail, print_json, run_with_progress
from app.cli.open_cmd import open_window


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build the bundled sample incident and open it")
    p.add_argument("workspace", nargs="?", help="where to build it (default: in your user data folder)")
    p.add_argument("--no-gui", action="store_true", help="only build the workspace")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.core.sample import build_sample
    from app.paths import sample_archive, user_data_dir

    workspace = Path(args.workspace) if args.workspace else user_data_dir() / "askjpm-sample.duckdb"
    progress = TerminalProgress(enabled=None if not args.json else False)
    reports = run_with_progress(lambda: build_sample(workspace, sample_archive(), progress), progress)
    failed = [r for r in reports if r.error]
    if args.json:
        print_json({"workspace": str(workspace), "files": [r.as_dict() for r in reports]})
    elif not args.no_gui:
        print(f"Opening the sample incident: {workspace}")
    else:
        for r in reports:
            print(r.summary())
        print(f"Sample workspace ready: {workspace}")
    if failed:
        return fail(failed[0].summary())
    if args.no_gui:
        return 0
    return open_window(workspace)
