"""The front door: no arguments (or a workspace path) opens the window; subcommands work headless.

    incident-timeline                          open the window
    incident-timeline WORKSPACE.duckdb         open the window on a workspace
    incident-timeline import WS FILE_OR_FOLDER... [--format F] [--map COLUMN=FIELD ...]
    incident-timeline info WS [--json]
    incident-timeline config WS [--name TEXT] [--timezone ZONE] [--brand HANDLE ...]
    incident-timeline demo [WS] [--no-gui]
    incident-timeline sentiment WS [--json] [--bin hour|day]
    incident-timeline labels WS [sample -n N -o FILE | import FILE] [--json]
    incident-timeline turning-points WS [--json]
    incident-timeline report WS -o FILE
    incident-timeline export WS --what WHAT -o FILE

Each command lives in its own module of this package with a ``register(subparsers)`` that
adds its arguments and sets ``func``. Errors end the program with a one-line message and a
non-zero exit status.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from pathlib import Path

from app import __version__
from app.cli import (
    config_cmd,
    demo_cmd,
    export_cmd,
    import_cmd,
    info_cmd,
    labels_cmd,
    open_cmd,
    report_cmd,
    sentiment_cmd,
    turning_points_cmd,
)
from app.cli.common import EXIT_CANCELLED, fail

#: the modules whose ``register`` adds a subcommand, in the order ``--help`` lists them
COMMAND_MODULES = (
    import_cmd,
    info_cmd,
    config_cmd,
    demo_cmd,
    sentiment_cmd,
    labels_cmd,
    turning_points_cmd,
    report_cmd,
    export_cmd,
    open_cmd,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="incident-timeline",
        description="Rebuild how a social-media crisis unfolded from a post archive. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-test",
        nargs="?",
        const="",
        metavar="WORKSPACE",
        help="start the window without a screen on WORKSPACE (default: the sample "
        "incident, built in a temporary folder), wait until it is drawn, print "
        "timings and exit: 0 when it worked",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and not argv[0].startswith("-") and argv[0] not in command_names(parser):
        argv = ["open", *argv]  # `incident-timeline incident.duckdb`
    args = parser.parse_args(argv)
    if args.self_test is not None:
        try:
            from app.ui.self_test import run as self_test
        except ImportError as exc:
            return fail(f"the window cannot start: {exc}")
        return self_test(Path(args.self_test) if args.self_test else None)
    if not getattr(args, "func", None):
        return open_cmd.open_window(None)
    from app.core.errors import UserError
    from app.core.progress import Cancelled

    try:
        return args.func(args)
    except Cancelled as exc:
        print(f"incident-timeline: {exc}", file=sys.stderr)
        return EXIT_CANCELLED
    except UserError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return EXIT_CANCELLED
