"""The ``open`` command (and a bare workspace path): open the window."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import fail


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("open", help="open the window on a workspace")
    p.add_argument("workspace", nargs="?")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.workspace:
        path = Path(args.workspace)
        if not path.exists():
            from app.cli import COMMAND_MODULES

            names = ", ".join(
                m.__name__.rsplit(".", 1)[-1].removesuffix("_cmd").replace("_", "-") for m in COMMAND_MODULES
            )
            return fail(
                f"there is no workspace {path}, and “{args.workspace}” is not a command "
                f"(the commands are: {names}; --help says more)."
            )
        if not path.is_file():
            return fail(f"{path} is not a workspace file.")
    return open_window(Path(args.workspace) if args.workspace else None)


def open_window(workspace: Path | None) -> int:
    try:
        from app.ui.application import run as run_app
    except ImportError as exc:
        return fail(
            f"the window cannot start: {exc}. On Debian/Ubuntu install the Qt runtime libraries "
            "with: sudo apt-get install -y libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 "
            "libfontconfig1 libdbus-1-3"
        )
    return run_app(workspace)
