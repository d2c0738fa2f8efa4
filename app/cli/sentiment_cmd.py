"""The ``sentiment`` command: how much of the archive the sentiment covers, VADER's shares
and, with enough labels, the calibrated shares with their interval, overall and per bin."""

from __future__ import annotations

import argparse

from app.cli.common import TerminalProgress, print_json, run_with_progress

BINS = {"hour": 3600, "day": 86400}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sentiment",
        help="sentiment coverage, VADER's shares and the calibrated shares, overall and per hour or day",
    )
    p.add_argument("workspace")
    p.add_argument("--json", action="store_true", help="print JSON (shares are fractions of scored posts)")
    p.add_argument(
        "--bin", choices=sorted(BINS), default="day", help="bins of the series, in the display time zone"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.core import metrics
    from app.core.sentiment import binned_figures, figures
    from app.core.store import Workspace

    progress = TerminalProgress(enabled=None if not args.json else False)
    # read-write: the timeline's rollups are built (or rebuilt) on first use and kept
    with Workspace.open(args.workspace) as ws:
        zone, name = ws.timezone, ws.incident_name

        def work():
            overall = figures(ws)
            span = metrics.incident_span(ws)
            series = binned_figures(ws, span[0], span[1] + 1, BINS[args.bin]) if span else []
            return overall, series

        overall, series = run_with_progress(work, progress)
    if args.json:
        print_json(as_json(overall, series, zone))
        return 0
    print_text(overall, series, zone, name, args.bin)
    return 0


def as_json(overall, series, zone: str) -> dict:
    from datetime import datetime, timezone

    def bin_item(f) -> dict:
        return {
            "start": datetime.fromtimestamp(f.start, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "posts": f.coverage.posts,
            "scored": f.coverage.scored,
            "raw": f.raw.as_dict() if f.raw else None,
            "calibrated": f.calibrated.as_dict() if f.calibrated else None,
        }

    cov = overall.coverage
    return {
        "timezone": zone,
        "overall": {
            "posts": cov.posts,
            "scored": cov.scored,
            "not_scored": dict(cov.not_scored),
            "raw": overall.raw.as_dict() if overall.raw else None,
            "calibrated": overall.calibrated.as_dict() if overall.calibrated else None,
        },
        "series": [bin_item(f) for f in series],
        "coverage": cov.describe(),
        "languages": dict(cov.languages),
        "undetermined_language": cov.undetermined,
        "not_calibrated": overall.not_calibrated or None,
    }


def shares_text(f) -> str:
    """VADER's and the calibrated negative share of one set of figures, for a table cell."""
    if f.raw is None:
        return "no scored posts"
    text = f"{f.raw.negative:4.0%}"
    if f.calibrated is not None:
        c = f.calibrated
        text += f"   {c.shares.negative:4.0%} [{c.low.negative:.0%}–{c.high.negative:.0%}]"
    return text


def print_text(overall, series, zone: str, name: str, bin_name: str) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from app.core.label_values import CLASSES

    print(f"Sentiment of “{name}” (times in {zone})")
    print(overall.coverage.describe())
    if overall.raw is None:
        return
    print("VADER:      " + ", ".join(f"{overall.raw[c]:.0%} {c}" for c in CLASSES))
    if overall.calibrated is not None:
        c = overall.calibrated
        print(
            f"Calibrated with {c.labels:,} labelled posts (95% interval): "
            + ", ".join(f"{c.shares[k]:.0%} {k} [{c.low[k]:.0%}–{c.high[k]:.0%}]" for k in CLASSES)
        )
    else:
        print(f"Not calibrated: {overall.not_calibrated}.")
    print()
    tz = ZoneInfo(zone)
    head = "negative: VADER" + ("   calibrated [95%]" if overall.calibrated is not None else "")
    print(f"{'per ' + bin_name:<22} {'posts':>8} {'scored':>8}   {head}")
    fmt = "%a %d %b %Y %H:%M" if bin_name == "hour" else "%a %d %b %Y"
    for f in series:
        if not f.coverage.posts:
            continue
        when = datetime.fromtimestamp(f.start, tz).strftime(fmt)
        print(f"{when:<22} {f.coverage.posts:>8,} {f.coverage.scored:>8,}   {shares_text(f)}")
