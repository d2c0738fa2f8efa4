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
    incident-timeline press list|add|remove|reset WS [--account HANDLE] [--domain DOMAIN] ...
    incident-timeline repair WS

Each command lives in its own module of this package with a ``register(subparsers)`` that
adds its arguments and sets ``func``. Errors end the program with a one-line message and a
non-zero exit status (see :mod:`app.cli.common` for the statuses); an error nobody foresaw
prints one line saying where its full details were written, never a Python traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import multiprocessing
import sys
from pathlib import Path

from app import __version__, done_with_ctrl_c, release_ctrl_c
from app.cli import (
    config_cmd,
    demo_cmd,
    export_cmd,
    import_cmd,
    info_cmd,
    labels_cmd,
    open_cmd,
    press_cmd,
    repair_cmd,
    report_cmd,
    sentiment_cmd,
    turning_points_cmd,
)
from app.cli.common import (
    EXIT_BROKEN_PIPE,
    EXIT_CANCELLED,
    EXIT_INTERNAL,
    SafeStream,
    fail,
)

#: the modules whose ``register`` adds a subcommand, in the order ``--help`` lists them
COMMAND_MODULES = (
    import_cmd,
    info_cmd,
    config_cmd,
    demo_cmd,
    sentiment_cmd,
    labels_cmd,
    turning_points_cmd,
    press_cmd,
    report_cmd,
    export_cmd,
    repair_cmd,
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
    if not isinstance(sys.stdout, SafeStream):
        sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    command = "the app"
    try:
        parser = build_parser()
        if argv and not argv[0].startswith("-") and argv[0] not in command_names(parser):
            argv = ["open", *argv]  # `incident-timeline incident.duckdb`
        args = parser.parse_args(argv)
        command = args.command or ("self-test" if args.self_test is not None else "open")
        _housekeeping("window" if command in ("open", "self-test") else command)
        _load_native(command)
        release_ctrl_c()
        status = _run(args)
        sys.stdout.flush()
        done_with_ctrl_c()
        return status
    except BrokenPipeError:
        return _reader_gone()
    except KeyboardInterrupt:
        return _cancelled()
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - the last net: one line and a log, never a traceback
        if _interrupted(exc):
            return _cancelled()
        return _unexpected(exc, command, argv)


def _cancelled() -> int:
    print("incident-timeline: cancelled.", file=sys.stderr)
    return EXIT_CANCELLED


def _interrupted(exc: BaseException) -> bool:
    """A Ctrl-C that reached a DuckDB statement in the main thread, which DuckDB reports as
    its own error rather than as a KeyboardInterrupt. Never by importing DuckDB here: an
    interrupt inside its first import leaves it half registered, and a second one aborts."""
    if sys.modules.get("duckdb") is None:
        return False
    try:
        from app.core.store.db import is_interrupted
    except ImportError:
        return False
    return is_interrupted(exc)


#: the commands that load Qt (the window, the PDF report): loaded while Ctrl-C still ends the
#: run quietly, since PySide6 interrupted during its own start-up prints a traceback and aborts
QT_COMMANDS = frozenset({"open", "self-test", "report", "demo"})

#: the compiled libraries every command loads, which cannot be loaded twice in one process: a
#: Ctrl-C inside DuckDB's start-up (its enums are made by Python code, where the interrupt
#: lands) leaves its types registered, and the next import of it aborts the process
NATIVE_LIBRARIES = ("numpy", "duckdb", "isal.isal_zlib")


def _load_native(command: str) -> None:
    """Load the compiled libraries while Ctrl-C still ends the run quietly (see
    :func:`app.hold_ctrl_c_until_started`): once released, an interrupt would land inside them."""
    names = NATIVE_LIBRARIES + (("PySide6.QtCore",) if command in QT_COMMANDS else ())
    for name in names:
        # when missing, the command itself says so, in words
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _run(args: argparse.Namespace) -> int:
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
        return fail(str(exc), EXIT_CANCELLED)
    except UserError as exc:
        return fail(str(exc))
    except MemoryError:
        return fail(
            "the computer ran out of memory for this job; close other programs, or work on a "
            "shorter time range, and try again."
        )
    except OSError as exc:
        from app.core.safe_output import is_disk_full

        if is_disk_full(exc):
            return fail(_DISK_FULL)
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)) and exc.filename:
            return fail(_os_error_words(exc))
        raise
    except Exception as exc:
        from app.core.safe_output import is_disk_full
        from app.core.store.db import DatabaseError, OutOfMemory

        if isinstance(exc, DatabaseError) and is_disk_full(exc):
            return fail(_DISK_FULL)
        if isinstance(exc, OutOfMemory):
            return fail("the workspace ran out of memory for this job; close other programs and try again.")
        raise


_DISK_FULL = (
    "the disk is full: the command stopped and what it was writing was undone. Free some space and try again."
)


def _os_error_words(exc: OSError) -> str:
    name = exc.filename
    if isinstance(exc, FileNotFoundError):
        return f"there is no file or folder {name}."
    if isinstance(exc, PermissionError):
        return f"you are not allowed to read or write {name}."
    return f"{name} is a folder; a file was expected."


def _housekeeping(role: str) -> None:
    """This run's own temporary folder, and the removal of those killed runs left behind."""
    from app.core import housekeeping

    role = "".join(c for c in role.lower() if c.isalpha()) or "cli"
    housekeeping.claim_temp_root(role)
    housekeeping.clean_stale_temp_roots()


def _reader_gone() -> int:
    """The program reading our output closed it (``| head -1``): stop quietly, as cat does."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_BROKEN_PIPE


def _unexpected(exc: BaseException, command: str, argv: list[str]) -> int:
    """One line on the terminal; the traceback, the command and the versions in a log file."""
    import platform
    import traceback
    from datetime import datetime

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (
        f"incident-timeline {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
        f"command: {argv!r}\n\n" + "".join(traceback.format_exception(exc))
    )
    import os

    from app.core.housekeeping import system_temp_dir

    log = None
    try:
        from app.paths import user_log_dir

        folders = [user_log_dir(), system_temp_dir()]
    except OSError:
        folders = [system_temp_dir()]
    for folder in folders:
        try:
            log = folder / f"error-{stamp}-{os.getpid()}.log"
            log.write_text(text, encoding="utf-8")
            break
        except OSError:
            log = None
    where = f" The details are in {log}; please send that file to whoever supports the app." if log else ""
    return fail(
        f"something unexpected went wrong while running “{command}”, and it stopped.{where}",
        EXIT_INTERNAL,
    )
