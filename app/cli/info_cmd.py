"""The ``info`` command: what a workspace holds."""

from __future__ import annotations

import argparse

from app.cli.common import print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help="what a workspace holds")
    p.add_argument("workspace")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.core.sentiment import figures
    from app.core.store import Workspace

    with Workspace.open(args.workspace, read_only=True) as ws:
        info = ws.info()
        sentiment = figures(ws)
    info["sentiment"] = {
        **sentiment.coverage.as_dict(),
        "coverage": sentiment.coverage.describe(),
        "raw": sentiment.raw.as_dict() if sentiment.raw else None,
        "calibrated": sentiment.calibrated.as_dict() if sentiment.calibrated else None,
        "not_calibrated": sentiment.not_calibrated or None,
    }
    if args.json:
        print_json(info)
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
        print(f"Sentiment:       {sentiment.coverage.describe()}")
        if sentiment.coverage.languages:
            langs = ", ".join(f"{lang} {n:,}" for lang, n in sentiment.coverage.languages[:8])
            print(f"Languages:       {langs}")
    print(f"Imports:         {len(info['imports'])}")
    for imp in info["imports"]:
        print(
            f"  #{imp['import_id']} {imp['path']} ({imp['format']}): {imp['rows_added']:,} added, "
            f"{imp['rows_duplicate']:,} duplicates, {imp['rows_rejected']:,} rejected"
        )
    return 0
