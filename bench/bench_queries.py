#!/usr/bin/env python3
"""How fast the timeline's queries answer on a large workspace (app.core.metrics).

    python bench/bench_queries.py --posts 1000000
    python bench/bench_queries.py --posts 10000000 --gzip --runs 50 --json bench/out/queries_10m.json

Builds (or reuses) ``bench/data/queries_<posts>.duckdb`` from ``generate_archive.py``'s v1.1
archive: import, then sentiment scoring (score_missing scores each distinct text once, so the
many retweets of a post cost one score). Then it times, as medians over ``--runs`` calls:

* the rollup build (app.core.rollup.rebuild), the cost paid once after an import;
* binned_series over the whole incident and over random zoomed ranges (the bin from
  choose_bin for a 1200-pixel plot), with no filter, a kinds filter (retweets excluded), a
  brand filter (brand accounts excluded) and a text filter;
* posts_around at random times (+-15 min), sorted by time and by exposure;
* top_amplifiers over a random hour; get_post of a random post;
* baselines in the same run: a bare ``SELECT count(*) FROM posts`` and a naive
  ``time_bucket`` GROUP BY over ``posts_scored`` (what the series would cost without rollups).

The machine is shared with other benchmarks: read medians, not single runs.

At 10M posts, ``bench/_replicate.py`` makes the workspace from the 1M one in a minute (the
posts copied ten times over the same six days), instead of generating and importing an
archive for an hour: ``python bench/_replicate.py bench/data/queries_1000000.duckdb
bench/data/queries_10000000.duckdb``, then ``--posts 10000000``.

The timeline's queries check the rollups' freshness from the last check while nothing was
written (app.core.rollup); the check itself is timed apart ("rollups' freshness check").
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _common import BENCH, DATA, archive_path, ensure_archive, machine

from app.core import metrics as m
from app.core import rollup
from app.core.ingest import import_paths
from app.core.sentiment import score_missing
from app.core.store.workspace import Workspace

PIXELS = 1200
TIMEZONE = "America/New_York"
BRAND = "NorthwindBank"

# The bench's own SQL (baselines over the raw tables), not the app's.
COUNT_POSTS = "SELECT count(*) FROM posts"
NAIVE_SERIES = """
    SELECT time_bucket(to_seconds(?::BIGINT), created_at) AS bin, kind, count(*), count(compound),
           avg(compound), avg(CASE WHEN compound <= -0.05 THEN 1.0 WHEN compound IS NOT NULL THEN 0.0 END),
           sum(author_followers), count(*) - count(author_followers)
    FROM posts_scored WHERE created_at >= ? AND created_at < ?
    GROUP BY ALL
"""
RANDOM_POST = "SELECT platform, post_id FROM posts USING SAMPLE 1 ROWS"
ROLLUP_SIZES = "SELECT table_name, estimated_size FROM duckdb_tables() WHERE table_name LIKE 'rollup_%'"


def build(posts: int, gz: bool, keep_archive: bool) -> tuple[Path, dict]:
    """The workspace for ``posts``, built now if it is not there (with how long that took)."""
    db = DATA / f"queries_{posts}.duckdb"
    info: dict = {}
    ws = Workspace.open(db, create=True)
    try:
        have = ws.cursor().execute(COUNT_POSTS).fetchone()[0]
        if have < posts:
            arc = archive_path(posts, "v1", gz=gz)
            if gz and not arc.exists():
                # gzip level 1: level 6 (the generator's default) makes generating 10M posts
                # take several times longer for a file only a little smaller
                DATA.mkdir(parents=True, exist_ok=True)
                subprocess.run(
                    [
                        sys.executable,
                        str(BENCH / "generate_archive.py"),
                        "--posts",
                        str(posts),
                        "--format",
                        "v1",
                        "--seed",
                        "1",
                        "--gzip",
                        "--gzip-level",
                        "1",
                        "-o",
                        str(arc),
                    ],
                    check=True,
                )
            arc = ensure_archive(posts, "v1", gz=gz)
            t = time.perf_counter()
            reports = import_paths(ws, [arc])
            info["import_s"] = time.perf_counter() - t
            print(reports[0].summary(), f"({info['import_s']:.0f} s)", flush=True)
            if not keep_archive and arc == archive_path(posts, "v1", gz=gz) and posts >= 5_000_000:
                arc.unlink()
                print(f"removed {arc.name}", flush=True)
        t = time.perf_counter()
        scored = score_missing(ws)
        if scored:
            info["score_s"] = time.perf_counter() - t
            info["texts_scored"] = scored
            print(f"scored {scored:,} texts in {info['score_s']:.0f} s", flush=True)
        ws.configure(timezone=TIMEZONE, brand_handles=[BRAND])
    finally:
        ws.close()
    return db, info


def timed(fn, runs: int, setup=None) -> dict:
    fn()  # warm: the first call pays for opening files and planning
    times = []
    for _ in range(runs):
        if setup:
            setup()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return {
        "median_ms": statistics.median(times) * 1000,
        "p90_ms": times[min(len(times) - 1, math.ceil(0.9 * len(times)) - 1)] * 1000,
        "runs": runs,
    }


def cycle(values):
    """A callable returning the next of ``values`` each time (so each run uses another)."""
    it = iter(values * 1000)
    return lambda: next(it)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument(
        "--slow-runs",
        type=int,
        default=10,
        help="runs for the queries without rollups (text filters, naive baseline)",
    )
    ap.add_argument("--gzip", action="store_true", help="generate the archive gzipped (saves disk at 10M)")
    ap.add_argument(
        "--keep-archive",
        action="store_true",
        help="keep a 5M+ archive after importing it (it is deleted by default)",
    )
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)

    db, build_info = build(args.posts, args.gzip, args.keep_archive)
    if args.build_only:
        return 0
    ws = Workspace.open(db)
    con = ws.cursor()
    rng = random.Random(args.seed)
    results: dict = {
        "machine": machine(),
        "posts": args.posts,
        "workspace_mb": db.stat().st_size / 1e6,
        "build": build_info,
        "timings": {},
        "loadavg_start": os.getloadavg(),
    }
    print(results["machine"], f"load average {results['loadavg_start'][0]:.1f}", flush=True)
    out = results["timings"]

    def record(name: str, fn, runs: int, setup=None) -> None:
        r = timed(fn, runs, setup)
        out[name] = r
        print(f"{name:58s} {r['median_ms']:9.2f} ms   p90 {r['p90_ms']:9.2f} ms   ({runs} runs)", flush=True)

    t = time.perf_counter()
    rollup.rebuild(ws, con=con)
    results["rollup_build_s"] = time.perf_counter() - t
    print(f"rollup build: {results['rollup_build_s']:.2f} s", flush=True)
    results["rollup_rows"] = dict(con.execute(ROLLUP_SIZES).fetchall())
    print("rollup rows:", results["rollup_rows"], flush=True)

    first, last = m.incident_span(ws, con=con)
    span = last - first
    whole_bin = m.choose_bin(span, PIXELS)
    print(
        f"incident: {span / 86400:.1f} days, whole-range bin {whole_bin} s; {args.posts:,} posts", flush=True
    )

    # zoomed ranges: widths log-uniform from 30 minutes to the whole incident
    zooms = []
    for _ in range(args.runs):
        width = math.exp(rng.uniform(math.log(1800), math.log(span)))
        start = rng.uniform(first, last - width)
        zooms.append((start, start + width, m.choose_bin(width, PIXELS)))
    times = [rng.uniform(first, last) for _ in range(args.runs)]
    hours = [(s, s + 3600) for s in (rng.uniform(first, last - 3600) for _ in range(args.runs))]

    filters = {
        "no filter": m.PostFilter(),
        "kinds (retweets excluded)": m.PostFilter(kinds=frozenset({"post", "reply", "quote"})),
        "brand accounts excluded": m.PostFilter(brand="exclude"),
        "text contains 'outage'": m.PostFilter(text="outage"),
    }

    record("baseline: SELECT count(*) FROM posts", lambda: con.execute(COUNT_POSTS).fetchall(), args.runs)
    record("rollups' freshness check (uncached)", lambda: rollup.state(ws, con), args.runs)
    lo, hi = m.to_timestamp(first), m.to_timestamp(last + 1)
    record(
        "baseline: naive time_bucket GROUP BY, whole incident",
        lambda: con.execute(NAIVE_SERIES, [whole_bin, lo, hi]).fetchall(),
        args.slow_runs,
    )

    for label, flt in filters.items():
        # a filter's first series gathers its per-minute numbers (from the rollups, or from
        # the posts for a text filter); zooming then re-bins them: time both
        runs = args.runs if flt.uses_rollups() else args.slow_runs
        record(
            f"binned_series whole incident, {label}, first call",
            lambda flt=flt: m.binned_series(ws, first, last + 1, whole_bin, flt, con=con),
            runs,
            setup=m.clear_caches,
        )
        record(
            f"binned_series whole incident, {label}",
            lambda flt=flt: m.binned_series(ws, first, last + 1, whole_bin, flt, con=con),
            args.runs,
        )
        nxt = cycle(zooms)
        record(
            f"binned_series zoomed, {label}",
            lambda flt=flt, nxt=nxt: m.binned_series(ws, *nxt(), flt, con=con),
            args.runs,
        )

    around_filters = dict(filters.items())
    for label, flt in around_filters.items():
        runs = args.runs if flt.uses_rollups() else args.slow_runs
        for sort in ("time", "exposure"):
            nxt = cycle(times)
            record(
                f"posts_around ±15 min by {sort}, {label}",
                lambda flt=flt, sort=sort, nxt=nxt: m.posts_around(
                    ws, nxt(), 900, flt, sort=sort, descending=sort != "time", con=con
                ),
                runs,
            )
    nxt = cycle(times)
    record(
        "posts_around ±15 min by sentiment, no filter",
        lambda nxt=nxt: m.posts_around(ws, nxt(), 900, sort="sentiment", con=con),
        args.runs,
    )
    # the busiest half hour of the incident: the worst case for a window (the 500 posts
    # kept are scattered over every row group it spans)
    minute = m.binned_series(ws, first, last + 1, 60, con=con)
    peak = float(minute.t[int(np.argmax(np.convolve(minute.total, np.ones(30), "same")))])
    results["peak_window_posts"] = m.posts_around(ws, peak, 900, con=con)[1]
    for sort in ("time", "exposure"):
        record(
            f"posts_around ±15 min by {sort} at the peak ({results['peak_window_posts']:,} posts)",
            lambda sort=sort: m.posts_around(ws, peak, 900, sort=sort, descending=sort != "time", con=con),
            args.runs,
        )
    record(
        "posts_around ±15 min by exposure at the peak, limit 100",
        lambda: m.posts_around(ws, peak, 900, sort="exposure", descending=True, limit=100, con=con),
        args.runs,
    )

    nxt = cycle(hours)
    record(
        "top_amplifiers over an hour, no filter",
        lambda nxt=nxt: m.top_amplifiers(ws, *nxt(), con=con),
        args.runs,
    )
    ids = [con.execute(RANDOM_POST).fetchone() for _ in range(args.runs)]
    nxt = cycle(ids)
    record("get_post (random post)", lambda nxt=nxt: m.get_post(ws, *nxt(), con=con), args.runs)

    base = out["baseline: SELECT count(*) FROM posts"]["median_ms"]
    naive = out["baseline: naive time_bucket GROUP BY, whole incident"]["median_ms"]
    print("\nratios (median / bare count(*), median / naive GROUP BY):")
    for name, r in out.items():
        print(f"  {name:58s} x{r['median_ms'] / base:8.1f}   x{r['median_ms'] / naive:6.3f}")
    results["loadavg_end"] = os.getloadavg()
    print(f"load average at the end {results['loadavg_end'][0]:.1f} (2 cores, shared)")
    results["ratios_vs_count"] = {k: v["median_ms"] / base for k, v in out.items()}
    results["ratios_vs_naive"] = {k: v["median_ms"] / naive for k, v in out.items()}
    ws.close()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
