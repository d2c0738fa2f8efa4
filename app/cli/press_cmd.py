"""The ``press`` command: the news organisations this workspace counts as press.

    incident-timeline press list WS [--changes] [--search TEXT] [--json]
    incident-timeline press add WS (--account HANDLE | --domain DOMAIN)... [--outlet NAME]
    incident-timeline press remove WS (--account HANDLE | --domain DOMAIN)...
    incident-timeline press reset WS

The bundled list (``resources/press.json``) serves every workspace; the changes made here are
kept in the workspace itself (see :mod:`app.core.press_list`).
"""

from __future__ import annotations

import argparse

from app.cli.common import print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "press",
        help="list, add or remove the news organisations counted as press pickup in a workspace",
        description="The news organisations counted as press pickup: the bundled international list, "
        "with this workspace's own additions and removals (kept in the workspace).",
    )
    actions = p.add_subparsers(dest="press_action", metavar="ACTION", required=True)

    ls = actions.add_parser("list", help="list the press accounts and domains")
    ls.add_argument("workspace")
    ls.add_argument("--changes", action="store_true", help="only this workspace's additions and removals")
    ls.add_argument("--search", metavar="TEXT", help="only entries whose outlet, handle or domain holds TEXT")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)

    for name, verb in (("add", "count as press"), ("remove", "stop counting as press")):
        a = actions.add_parser(name, help=f"{verb}: accounts and/or web domains")
        a.add_argument("workspace")
        a.add_argument(
            "--account", action="append", default=[], metavar="HANDLE", help="a handle (repeatable)"
        )
        a.add_argument(
            "--domain", action="append", default=[], metavar="DOMAIN", help="a web domain (repeatable)"
        )
        if name == "add":
            a.add_argument("--outlet", metavar="NAME", help="the news organisation they belong to")
        a.set_defaults(func=run_change, press_action=name)

    r = actions.add_parser("reset", help="forget this workspace's changes: the bundled list serves again")
    r.add_argument("workspace")
    r.set_defaults(func=run_reset)


def run_list(args: argparse.Namespace) -> int:
    from app.core import press_list
    from app.core.store import Workspace

    with Workspace.open(args.workspace, read_only=True) as ws:
        entries = press_list.entries(ws)
    if args.changes:
        entries = [e for e in entries if e.origin == "added" or e.removed]
    if args.search:
        needle = args.search.lower()
        entries = [e for e in entries if needle in e.outlet.lower() or needle in e.key]
    if args.json:
        print_json(
            [
                {"what": e.what, "key": e.key, "outlet": e.outlet, "origin": e.origin, "removed": e.removed}
                for e in entries
            ]
        )
        return 0
    outlets = {e.outlet for e in entries if not e.removed}
    accounts = sum(1 for e in entries if e.what == "account" and not e.removed)
    domains = sum(1 for e in entries if e.what == "domain" and not e.removed)
    print(f"{len(outlets)} outlets, {accounts} accounts, {domains} domains")
    for e in entries:
        shown = f"@{e.key}" if e.what == "account" else e.key
        note = (
            " (removed in this workspace)"
            if e.removed
            else (" (added in this workspace)" if e.origin == "added" else "")
        )
        print(f"  {e.outlet:<40} {shown}{note}")
    return 0


def run_change(args: argparse.Namespace) -> int:
    from app.core import press_list
    from app.core.errors import UserError
    from app.core.store import Workspace

    if not args.account and not args.domain:
        raise UserError(f"press {args.press_action} needs at least one --account or --domain.")
    # every value is checked before anything is written
    for h in args.account:
        press_list.check_account(h)
    if args.press_action == "add":
        for d in args.domain:
            press_list.check_domain(d)
    with Workspace.open(args.workspace) as ws:
        if args.press_action == "remove":
            wanted = [
                ("account", press_list.clean_handle(h), f"@{press_list.clean_handle(h)}")
                for h in args.account
            ]
            wanted += [
                ("domain", press_list.clean_domain(d), press_list.clean_domain(d)) for d in args.domain
            ]
            for what, key, shown in wanted:
                if not press_list.listed(ws, what, key):
                    raise UserError(
                        f"{shown} is not a press {what} of this workspace's list: nothing was changed."
                    )
        done = []
        for h in args.account:
            if args.press_action == "add":
                done.append(press_list.add_account(ws, h, args.outlet))
            else:
                done.append(press_list.remove_account(ws, h))
        for d in args.domain:
            if args.press_action == "add":
                done.append(press_list.add_domain(ws, d, args.outlet))
            else:
                done.append(press_list.remove_domain(ws, d))
    for e in done:
        shown = f"@{e.key}" if e.what == "account" else e.key
        if args.press_action == "add":
            print(f"Counted as press: {shown} ({e.outlet})")
        else:
            print(f"No longer counted as press: {shown} ({e.outlet})")
    print("Suggested turning points use the change the next time they are computed.")
    return 0


def run_reset(args: argparse.Namespace) -> int:
    from app.core import press_list
    from app.core.store import Workspace

    with Workspace.open(args.workspace) as ws:
        press_list.reset(ws)
    print("The workspace uses the bundled press list again.")
    return 0
