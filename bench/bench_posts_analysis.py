#!/usr/bin/env python3
"""How long the post- and account-based analysis takes on a large workspace
(app.core.analysis: accounts, terms, amplification, influence, press, brand).

    python bench/bench_posts_analysis.py --posts 1000000 --runs 3 --json bench/out/posts_analysis_1m.json

Works on a copy of ``bench/data/queries_<posts>.duckdb`` (built by bench_queries.py if
missing, as bench_turning_points.py does). Times, as medians over ``--runs`` runs, each on a
fresh :class:`~app.core.analysis.context.Context` (nothing memoised between runs):

* each new call: the automated accounts, the incident's terms, the share evidence, the most
  shared posts and the accounts by shares (whole archive, and the busiest day), the
  amplification, influence and press findings, the brand's findings and visibility;
* baselines in the same run: a bare ``SELECT count(*) FROM posts``, and the old detectors'
  matching stages (``app.core.turning_points.suggest()``'s progress reports: influencer
  entries, amplification, press pickup, brand actions), which the new modules replace.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from _common import machine
from bench_turning_points import StageClock, summary, workspace_copy

from app.core import turning_points as tp
from app.core.analysis import accounts, amplification, brand, influence, press, terms
from app.core.analysis.context import Context
from app.core.analysis.settings import Settings
from app.core.store.workspace import Workspace

COUNT_POSTS = "SELECT count(*) FROM posts"

OLD_STAGES = {
    "Looking for influential accounts": "influence",
    "Looking for amplified posts": "amplification",
    "Looking for the press": "press",
    "Listing the brand's actions": "brand",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)

    db = workspace_copy(args.posts)
    results: dict = {"machine": machine(), "posts": args.posts, "timings": {}}
    times: dict[str, list[float]] = {}
    try:
        with Workspace.open(db) as ws:
            con = ws.cursor()
            for _ in range(args.runs):
                t = time.perf_counter()
                con.execute(COUNT_POSTS).fetchone()
                times.setdefault("baseline: count(*)", []).append(time.perf_counter() - t)

                clock = StageClock()
                t = time.perf_counter()
                tp.suggest(ws, progress=clock, con=con)
                end = time.perf_counter()
                times.setdefault("old suggest() in all", []).append(end - t)
                for msg, secs in clock.stages(end).items():
                    if msg in OLD_STAGES:
                        times.setdefault(f"old: {OLD_STAGES[msg]}", []).append(secs)

                ctx = Context.build(ws, con, Settings())
                day = _busiest_day(ctx)
                steps = [
                    ("new: automated accounts", lambda c=ctx: accounts.automated(c)),
                    ("new: incident terms", lambda c=ctx: terms.of(c)),
                    ("new: share evidence", lambda c=ctx: amplification.evidence(c)),
                    ("new: most shared posts, whole", lambda c=ctx: amplification.most_shared_posts(c)),
                    ("new: accounts by shares, whole", lambda c=ctx: amplification.accounts_by_shares(c)),
                    (
                        "new: most shared posts, busiest day",
                        lambda c=ctx, d=day: amplification.most_shared_posts(c, *d),
                    ),
                    (
                        "new: accounts by shares, busiest day",
                        lambda c=ctx, d=day: amplification.accounts_by_shares(c, *d),
                    ),
                    ("new: amplification", lambda c=ctx: amplification.find(c)),
                    ("new: influence", lambda c=ctx: influence.find(c)),
                    ("new: press", lambda c=ctx: press.find(c)),
                    ("new: brand", lambda c=ctx: brand.find(c, [])),
                    ("new: brand visibility", lambda c=ctx: brand.visibility(c, [])),
                ]
                total = 0.0
                for name, fn in steps:
                    t = time.perf_counter()
                    fn()
                    dt = time.perf_counter() - t
                    total += dt
                    times.setdefault(name, []).append(dt)
                times.setdefault("new: all of the above", []).append(total)
    finally:
        for p in (db, Path(str(db) + ".wal")):
            if p.exists():
                p.unlink()
    base = statistics.median(times["old suggest() in all"])
    for name, ts in times.items():
        results["timings"][name] = summary(ts)
        r = results["timings"][name]
        print(
            f"{name:42s} median {r['median_ms']:9.1f} ms  ({r['median_ms'] / 1000 / base:5.2f} x old suggest())",
            flush=True,
        )
    for key in ("influence", "amplification", "press", "brand"):
        old = statistics.median(times[f"old: {key}"])
        new = statistics.median(times[f"new: {key}"])
        print(f"new / old {key:14s} {new / old:5.2f}", flush=True)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def _busiest_day(ctx: Context) -> tuple[float, float]:
    daily = ctx.series_at(86400)
    i = int(daily.total.argmax())
    return float(daily.t[i]), float(daily.bin_ends[i])


if __name__ == "__main__":
    raise SystemExit(main())
