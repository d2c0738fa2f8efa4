"""The ``labels`` command: people's labels at the scale a team works.

incident-timeline labels WS [--json]                    how far VADER agrees, calibration
incident-timeline labels WS sample -n 300 -o FILE.csv   a sample to label in a spreadsheet
incident-timeline labels WS import FILE.csv             the labelled file read back
"""

from __future__ import annotations

import argparse

from app.cli.common import print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "labels",
        help="label posts in a spreadsheet (sample, import) and see how far VADER agrees",
        description="Without an action: how many posts are labelled, how far VADER (and a "
        "vendor's sentiment) agrees with the labels, and the calibrated shares. "
        "sample: write unlabelled posts to a new CSV for colleagues to label. "
        "import: read a labelled CSV back (a post id and a label column).",
    )
    p.add_argument("workspace")
    p.add_argument("action", nargs="?", choices=["sample", "import"], help="sample or import (optional)")
    p.add_argument("file", nargs="?", help="the labelled CSV to import")
    p.add_argument("-n", type=int, default=300, help="how many posts the sample holds (default 300)")
    p.add_argument("-o", "--output", help="the sample's CSV file (never overwritten)")
    p.add_argument("--seed", type=int, default=0, help="another seed draws another sample")
    p.add_argument("--id-column", help="the id column of the file to import (default: post_id or id)")
    p.add_argument("--label-column", help="the label column of the file to import (default: label)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.core.errors import UserError
    from app.core.store import Workspace

    if args.action == "sample" and not args.output:
        raise UserError("labels sample needs -o FILE.csv: the new file to write the sample to.")
    if args.action == "import" and not args.file:
        raise UserError("labels import needs the labelled CSV file: labels WS import FILE.csv.")
    if args.action is None and args.file:
        raise UserError(f"“{args.file}”: say what to do with it (labels WS import {args.file}).")
    with Workspace.open(args.workspace, read_only=args.action is None) as ws:
        if args.action == "sample":
            return _sample(ws, args)
        if args.action == "import":
            return _import(ws, args)
        return _summary(ws, args)


def _sample(ws, args) -> int:
    from app.core.sentiment import spreadsheet

    n = spreadsheet.write_sample(ws, args.output, n=args.n, seed=args.seed)
    if args.json:
        print_json({"path": args.output, "posts": n})
    elif n:
        print(
            f"Wrote {n:,} posts to {args.output}: fill in the label column (negative, neutral or "
            f"positive), then: incident-timeline labels {args.workspace} import {args.output}"
        )
    else:
        print(f"Wrote {args.output} with no posts: every scored text is labelled, or nothing is scored yet.")
    return 0


def _import(ws, args) -> int:
    from app.core.sentiment import spreadsheet

    report = spreadsheet.read_labels(ws, args.file, args.id_column, args.label_column)
    if args.json:
        print_json(report.as_dict())
    else:
        print(report.summary())
    return 0


def _summary(ws, args) -> int:
    from app.core.label_values import CLASSES
    from app.core.sentiment import label_summary

    s = label_summary(ws)
    cal = s.overall.calibrated
    if args.json:
        print_json(
            {
                "labelled": s.labelled,
                "agreement": s.agreement.as_dict(),
                "vendor_agreement": s.vendor.as_dict() if s.vendor else None,
                "raw": s.overall.raw.as_dict() if s.overall.raw else None,
                "calibrated": cal.as_dict() if cal else None,
                "not_calibrated": s.overall.not_calibrated or None,
            }
        )
        return 0
    a = s.agreement
    print(f"Labelled posts: {s.labelled:,} (distinct texts)")
    if a.out_of_scope or a.unscored:
        print(
            f"  of which {a.out_of_scope:,} outside VADER's scope (another language, no text), "
            f"{a.unscored:,} not scored yet"
        )
    if a.n:
        kappa = f", Cohen's kappa {a.kappa:.2f}" if a.kappa is not None else ""
        print(f"VADER agrees with the labels on {a.accuracy:.0%} of {a.n:,} posts{kappa}.")
        for row in a.table():
            print("  " + "".join(f"{c!s:>16}" for c in row))
    if s.vendor is not None:
        v = s.vendor
        if v.n:
            kappa = f", Cohen's kappa {v.kappa:.2f}" if v.kappa is not None else ""
            print(
                f"The vendor's sentiment agrees with the labels on {v.accuracy:.0%} of {v.n:,} posts{kappa}."
            )
        else:
            print("The vendor's sentiment covers none of the labelled posts.")
    if s.overall.raw is not None:
        print("VADER's shares:      " + ", ".join(f"{s.overall.raw[c]:.0%} {c}" for c in CLASSES))
    if cal is not None:
        print(
            f"Calibrated ({cal.labels:,} labels, 95% interval): "
            + ", ".join(f"{cal.shares[c]:.0%} {c} [{cal.low[c]:.0%}–{cal.high[c]:.0%}]" for c in CLASSES)
        )
    else:
        print(f"Not calibrated: {s.overall.not_calibrated}.")
    return 0
