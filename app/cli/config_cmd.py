"""The ``config`` command: show or set the incident's name, display time zone and brand accounts."""

from __future__ import annotations

import argparse

from app.cli.common import print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help="show or set the incident's name, time zone and brand accounts")
    p.add_argument("workspace")
    p.add_argument("--name", help="the incident's name")
    p.add_argument("--timezone", help="display time zone, e.g. America/New_York")
    p.add_argument("--brand", nargs="*", metavar="HANDLE", help="the brand's own account handles")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
        print_json(settings)
    else:
        print(f"Incident:       {settings['incident_name']}")
        print(f"Display time:   {settings['timezone']}")
        print(f"Brand accounts: {', '.join('@' + h for h in settings['brand_handles']) or '(none set)'}")
    return 0
