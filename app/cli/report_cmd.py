"""The ``report`` command: write the post-mortem report (PDF or HTML)."""

from __future__ import annotations

import argparse

from app.cli.common import TerminalProgress, fail, read_text_file, run_with_progress


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="export the post-mortem report (PDF, or HTML with --format html)")
    p.add_argument("workspace")
    p.add_argument("-o", "--output", required=True, help="the file to write (.pdf or .html)")
    p.add_argument(
        "--sections",
        nargs="+",
        metavar="SECTION",
        help="sections to include (default all): cover summary timeline chronicle "
        "turning_points brand method lessons appendix",
    )
    p.add_argument("--title", default="Post-mortem", help="the report's title")
    p.add_argument("--author", default="", help="the author shown on the cover")
    p.add_argument("--lessons", metavar="FILE", help="a text file with the team's lessons learned")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4")
    p.add_argument("--format", choices=["pdf", "html"], default="pdf")
    p.add_argument("--force", action="store_true", help="replace the output file if it exists")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import os

    from app.core.report import SECTIONS, ReportOptions, build_report
    from app.core.safe_output import check_output
    from app.core.store import Workspace

    sections = frozenset(args.sections) if args.sections else frozenset(SECTIONS)
    unknown = sorted(sections - set(SECTIONS))
    if unknown:
        return fail(f"there is no section {', '.join(unknown)}; the sections are: {' '.join(SECTIONS)}.")
    lessons = read_text_file(args.lessons, "lessons learned") if args.lessons else ""
    protected = [args.workspace, *([args.lessons] if args.lessons else [])]
    # refused now, before the analysis, and again when the file is written
    check_output(args.output, force=args.force, protected=protected)
    try:
        options = ReportOptions(
            title=args.title, author=args.author or "", sections=sections, lessons=lessons, paper=args.paper
        )
    except ValueError as exc:
        return fail(str(exc))
    progress = TerminalProgress()
    # read-write: the timeline's rollups are built (or rebuilt) on first use and kept
    with Workspace.open(args.workspace) as ws:
        report = run_with_progress(lambda: build_report(ws, options, progress=progress), progress)
    if args.format == "html":
        from app.report_html import render_html

        render_html(report, args.output, force=args.force, protected=protected)
        print(f"Wrote {args.output}")
        return 0
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.report_pdf import render_pdf

    pages = render_pdf(report, args.output, force=args.force, protected=protected)
    print(f"Wrote {args.output} ({pages} pages)")
    return 0
