"""The front door: no arguments (or a workspace path) opens the window; subcommands work headless.

    incident-timeline                          open the window
    incident-timeline WORKSPACE.duckdb         open the window on a workspace
    incident-timeline import WS FILE_OR_FOLDER... [--format F] [--map COLUMN=FIELD ...]
    incident-timeline info WS [--json]
    incident-timeline config WS [--name TEXT] [--timezone ZONE] [--brand HANDLE ...]
    incident-timeline demo [WS] [--no-gui]

Errors end the program with a one-line message and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import threading
import time
from pathlib import Path

from app import __version__

EXIT_ERROR = 1
EXIT_CANCELLED = 130


class TerminalProgress:
    """A progress bar on stderr when it is a terminal; silent otherwise. Ctrl-C cancels."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._cancel = threading.Event()
        self._last = 0.0
        self._shown = False

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: float, total: float | None, message: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and not (total and done >= total):
            return
        self._last = now
        width = 30
        frac = min(1.0, done / total) if total else 0.0
        bar = "#" * int(frac * width)
        line = f"\r[{bar:<{width}}] {frac * 100:5.1f}%  {message[:60]:<60}"
        sys.stderr.write(line)
        sys.stderr.flush()
        self._shown = True

    def clear(self) -> None:
        if self.enabled and self._shown:
            sys.stderr.write("\r" + " " * 104 + "\r")
            sys.stderr.flush()
            self._shown = False


def _fail(message: str) -> int:
    print(f"incident-timeline: {message}", file=sys.stderr)
    return EXIT_ERROR


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _parse_mapping(items: list[str]) -> dict[str, str]:
    from app.core.errors import UserError

    mapping: dict[str, str] = {}
    for item in items:
        column, sep, field = item.rpartition("=")
        if not sep or not column or not field:
            raise UserError(f"--map takes COLUMN=FIELD (for example --map \"Tweet ID=post_id\"), not “{item}”.")
        mapping[field.strip()] = column
    return mapping


def _run_with_progress(job, progress: TerminalProgress):
    """Run ``job`` in a thread so Ctrl-C here becomes a clean cancel there."""
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["result"] = job()
        except BaseException as exc:  # noqa: BLE001 - re-raised in this thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="cli-job")
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.1)
    except KeyboardInterrupt:
        progress.cancel()
        worker.join()
    progress.clear()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


# ---- subcommands ---------------------------------------------------------------------------

def cmd_import(args: argparse.Namespace) -> int:
    from app.core import rollup
    from app.core.ingest import import_paths
    from app.core.sentiment import score_missing
    from app.core.store import Workspace

    mapping = _parse_mapping(args.map or [])
    progress = TerminalProgress(enabled=None if not args.json else False)
    with Workspace.open(args.workspace, create=True) as ws:
        reports = _run_with_progress(
            lambda: import_paths(ws, args.paths, progress, fmt=args.format, mapping=mapping or None),
            progress,
        )
        scored = 0
        if not args.no_sentiment and any(r.added for r in reports):
            scored = _run_with_progress(lambda: score_missing(ws, progress), progress)
        if any(r.added for r in reports):
            # the timeline's pre-aggregates, once for the whole batch and its scores
            _run_with_progress(lambda: rollup.ensure(ws, progress), progress)
    if args.json:
        _print_json({"files": [r.as_dict() for r in reports], "texts_scored": scored})
    else:
        for r in reports:
            print(r.summary())
        if scored:
            print(f"Scored the sentiment of {scored:,} distinct texts.")
    failed = [r for r in reports if r.error]
    if failed:
        return _fail(f"{len(failed)} of {len(reports)} files could not be imported (see above).")
    if not reports:
        return _fail("there were no files to import at the paths given.")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from app.core.store import Workspace

    with Workspace.open(args.workspace, read_only=True) as ws:
        info = ws.info()
    if args.json:
        _print_json(info)
        return 0
    print(f"Incident:        {info['incident_name']}")
    print(f"Workspace:       {info['workspace']}")
    print(f"Display time:    {info['timezone']}")
    print(f"Brand accounts:  {', '.join('@' + h for h in info['brand_handles']) or '(none set)'}")
    print(f"Posts:           {info['posts']:,}")
    for platform, kinds in info["posts_by_platform_and_kind"].items():
        print(f"  {platform}: " + ", ".join(f"{n:,} {k}" for k, n in kinds.items()))
    if info["posts"]:
        print(f"First post:      {info['first_post_utc']} (UTC)")
        print(f"Last post:       {info['last_post_utc']} (UTC)")
        print(f"Authors:         {info['authors']:,}")
        print(f"Known followers: {info['known_followers_share']:.1%} of posts")
        print(f"Scored:          {info['scored_share']:.1%} of posts")
    print(f"Imports:         {len(info['imports'])}")
    for imp in info["imports"]:
        print(
            f"  #{imp['import_id']} {imp['path']} ({imp['format']}): {imp['rows_added']:,} added, "
            f"{imp['rows_duplicate']:,} duplicates, {imp['rows_rejected']:,} rejected"
        )
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    from app.core.store import Workspace

    changing = args.name is not None or args.timezone is not None or args.brand is not None
    with Workspace.open(args.workspace, read_only=not changing) as ws:
        if changing:
            ws.configure(name=args.name, timezone=args.timezone, brand_handles=args.brand)
        settings = {
            "incident_name": ws.incident_name,
            "timezone": ws.timezone,
            "brand_handles": ws.brand_handles,
        }
    if args.json:
        _print_json(settings)
    else:
        print(f"Incident:       {settings['incident_name']}")
        print(f"Display time:   {settings['timezone']}")
        print(f"Brand accounts: {', '.join('@' + h for h in settings['brand_handles']) or '(none set)'}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.core.sample import build_sample
    from app.paths import sample_archive, user_data_dir

    workspace = Path(args.workspace) if args.workspace else user_data_dir() / "askjpm-sample.duckdb"
    progress = TerminalProgress(enabled=None if not args.json else False)
    reports = _run_with_progress(lambda: build_sample(workspace, sample_archive(), progress), progress)
    failed = [r for r in reports if r.error]
    if args.json:
        _print_json({"workspace": str(workspace), "files": [r.as_dict() for r in reports]})
    elif not args.no_gui:
        print(f"Opening the sample incident: {workspace}")
    else:
        for r in reports:
            print(r.summary())
        print(f"Sample workspace ready: {workspace}")
    if failed:
        return _fail(failed[0].summary())
    if args.no_gui:
        return 0
    return _gui(workspace)


def cmd_turning_points(args: argparse.Namespace) -> int:
    import textwrap

    from app.core import turning_points
    from app.core.store import Workspace

    progress = TerminalProgress(enabled=None if not args.json else False)
    # read-write: the timeline's rollups are built (or rebuilt) on first use and kept
    with Workspace.open(args.workspace) as ws:
        found = _run_with_progress(lambda: turning_points.suggest(ws, progress=progress), progress)
        zone = ws.timezone
        name = ws.incident_name
    if args.json:
        _print_json([s.as_json() for s in found])
        return 0
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    print(f"Suggested turning points of “{name}” ({len(found)}; times in {zone})")
    for s in found:
        t = datetime.fromtimestamp(s.time, tz)
        print()
        print(f"{t:%a %d %b %Y %H:%M %Z}  {s.kind:<16} {s.score:4.2f}  {s.label}")
        print(textwrap.fill(s.explanation, width=100, initial_indent="    ", subsequent_indent="    "))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import os

    from app.core.report import SECTIONS, ReportOptions, build_report
    from app.core.store import Workspace

    sections = frozenset(args.sections) if args.sections else frozenset(SECTIONS)
    lessons = ""
    if args.lessons:
        lessons = Path(args.lessons).read_text(encoding="utf-8")
    try:
        options = ReportOptions(title=args.title, author=args.author or "", sections=sections,
                                lessons=lessons, paper=args.paper)
    except ValueError as exc:
        return _fail(str(exc))
    progress = TerminalProgress()
    # read-write: the timeline's rollups are built (or rebuilt) on first use and kept
    with Workspace.open(args.workspace) as ws:
        report = _run_with_progress(lambda: build_report(ws, options, progress=progress), progress)
    if args.format == "html":
        from app.report_html import render_html

        render_html(report, args.output)
        print(f"Wrote {args.output}")
        return 0
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.report_pdf import render_pdf

    pages = render_pdf(report, args.output)
    print(f"Wrote {args.output} ({pages} pages)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from app.core import exports
    from app.core.store import Workspace

    start, end = exports.parse_time(args.start), exports.parse_time(args.end)
    with Workspace.open(args.workspace) as ws:
        n = exports.export(ws, args.what, args.output, start, end, args.bin)
    print(f"Wrote {n:,} rows to {args.output}")
    return 0


def _gui(workspace: Path | None) -> int:
    try:
        from app.ui.application import run
    except ImportError as exc:
        return _fail(
            f"the window cannot start: {exc}. On Debian/Ubuntu install the Qt runtime libraries "
            "with: sudo apt-get install -y libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 "
            "libfontconfig1 libdbus-1-3"
        )
    return run(workspace)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="incident-timeline",
        description="Rebuild how a social-media crisis unfolded from a post archive. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--self-test", nargs="?", const="", metavar="WORKSPACE",
                        help="start the window without a screen on WORKSPACE (default: the sample "
                        "incident, built in a temporary folder), wait until it is drawn, print "
                        "timings and exit: 0 when it worked")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", help="import archive files or folders into a workspace (created if missing)")
    p.add_argument("workspace", help="the workspace file (.duckdb)")
    p.add_argument("paths", nargs="+", help="archive files or folders")
    p.add_argument("--format", help="read the files as this format instead of detecting it")
    p.add_argument("--map", action="append", metavar="COLUMN=FIELD",
                   help="for a CSV: the column holding a post field (post_id, created_at, text, "
                        "author_handle, author_followers, kind, ...); repeat for each")
    p.add_argument("--no-sentiment", action="store_true", help="do not score sentiment now")
    p.add_argument("--json", action="store_true", help="print the per-file reports as JSON")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("info", help="what a workspace holds")
    p.add_argument("workspace")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("config", help="show or set the incident's name, time zone and brand accounts")
    p.add_argument("workspace")
    p.add_argument("--name", help="the incident's name")
    p.add_argument("--timezone", help="display time zone, e.g. America/New_York")
    p.add_argument("--brand", nargs="*", metavar="HANDLE", help="the brand's own account handles")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("demo", help="build the bundled sample incident and open it")
    p.add_argument("workspace", nargs="?", help="where to build it (default: in your user data folder)")
    p.add_argument("--no-gui", action="store_true", help="only build the workspace")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("turning-points", help="suggested turning points of an incident, with their evidence")
    p.add_argument("workspace")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per suggestion")
    p.set_defaults(func=cmd_turning_points)

    p = sub.add_parser("report", help="export the post-mortem report (PDF, or HTML with --format html)")
    p.add_argument("workspace")
    p.add_argument("-o", "--output", required=True, help="the file to write (.pdf or .html)")
    p.add_argument("--sections", nargs="+", metavar="SECTION",
                   help="sections to include (default all): cover summary timeline chronicle "
                        "turning_points brand method lessons appendix")
    p.add_argument("--title", default="Post-mortem", help="the report's title")
    p.add_argument("--author", default="", help="the author shown on the cover")
    p.add_argument("--lessons", metavar="FILE", help="a text file with the team's lessons learned")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4")
    p.add_argument("--format", choices=["pdf", "html"], default="pdf")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help="export the binned series, turning points or posts as CSV or JSON")
    p.add_argument("workspace")
    p.add_argument("--what", choices=["series", "turning-points", "posts"], required=True)
    p.add_argument("--from", dest="start", metavar="ISO", help="start (ISO 8601; default the first post)")
    p.add_argument("--to", dest="end", metavar="ISO", help="end, excluded (default after the last post)")
    p.add_argument("--bin", type=int, metavar="SECONDS", help="bin width of the series (default 3600)")
    p.add_argument("-o", "--output", required=True, help="a .csv or .json file")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("open", help="open the window on a workspace")
    p.add_argument("workspace", nargs="?")
    p.set_defaults(func=lambda a: _gui(Path(a.workspace) if a.workspace else None))
    return parser


COMMANDS = {"import", "info", "config", "demo", "open", "turning-points", "report", "export"}


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        argv = ["open", *argv]  # `incident-timeline incident.duckdb`
    args = build_parser().parse_args(argv)
    if args.self_test is not None:
        try:
            from app.ui.self_test import run as self_test
        except ImportError as exc:
            return _fail(f"the window cannot start: {exc}")
        return self_test(Path(args.self_test) if args.self_test else None)
    if not getattr(args, "func", None):
        return _gui(None)
    from app.core.errors import UserError
    from app.core.progress import Cancelled

    try:
        return args.func(args)
    except Cancelled as exc:
        print(f"incident-timeline: {exc}", file=sys.stderr)
        return EXIT_CANCELLED
    except UserError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return EXIT_CANCELLED


if __name__ == "__main__":
    sys.exit(main())
