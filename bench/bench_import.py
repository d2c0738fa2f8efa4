#!/usr/bin/env python3
"""Import throughput: the app's importer against DuckDB reading the same file bare.

    python bench/bench_import.py --posts 1000000 [--format v1|v2] [--runs 3] [--gzip]

Generates (or reuses) ``bench/data/<format>_<posts>_...jsonl``, reads it once to put it in the
page cache, then alternates, ``--runs`` times each, each run in a fresh child process:

  baseline  ``CREATE TABLE t AS SELECT * FROM read_json(path, format='newline_delimited')``
            into a fresh file database;
  importer  ``import_paths(ws, [path])`` into a fresh workspace.

Prints posts/s of each (medians), the ratio importer/baseline (target >= 0.7), peak RSS, and
for the importer how long each SQL statement took (the core is watched, not changed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    DATA,
    TimedConnection,
    core_code_hash,
    core_fingerprint,
    ensure_archive,
    machine,
    median,
    remove_db,
    run_child,
    self_peak_rss_mb,
    warm_page_cache,
)

TARGET = 0.7


def child_baseline(path: str, db: str) -> dict:
    import duckdb

    con = duckdb.connect(db)
    con.execute("SET enable_progress_bar = false")
    t = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_json('{path}', format = 'newline_delimited')")
    secs = time.perf_counter() - t
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
    return {"seconds": secs, "rows": rows, "db_bytes": Path(db).stat().st_size}


def child_import(path: str, db: str) -> dict:
    from app.core.ingest import import_paths, importer
    from app.core.store import Workspace

    timings: list = []
    waits = {"detect": 0.0, "sha256 wait": 0.0}
    real_detect, real_hasher = importer.detect, importer._Hasher

    def timed_detect(*a, **kw):
        t = time.perf_counter()
        try:
            return real_detect(*a, **kw)
        finally:
            waits["detect"] += time.perf_counter() - t

    class TimedHasher(real_hasher):
        def join(self, timeout=None):
            t = time.perf_counter()
            try:
                return super().join(timeout)
            finally:
                waits["sha256 wait"] += time.perf_counter() - t

    importer.detect, importer._Hasher = timed_detect, TimedHasher
    ws = Workspace.open(db, create=True)
    ws.con = TimedConnection(ws.con, timings)
    t = time.perf_counter()
    reports = import_paths(ws, [path])
    secs = time.perf_counter() - t
    rep = reports[0]
    posts = ws.con.execute("SELECT count(*) FROM posts").fetchone()[0]
    ws.close()
    stages: dict[str, float] = {}
    for label, s in timings:
        stages[label] = stages.get(label, 0.0) + s
    stages.update(waits)
    return {
        "seconds": secs,
        "added": rep.added,
        "read": rep.read,
        "already_in_workspace": rep.already_in_workspace,
        "rejected": rep.rejected,
        "error": rep.error,
        "posts": posts,
        "db_bytes": Path(db).stat().st_size,
        "stages": stages,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--format", choices=("v1", "v2"), default="v1")
    ap.add_argument("--gzip", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--child", choices=("baseline", "import"), help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        fn = child_baseline if args.child == "baseline" else child_import
        out = fn(args.path, args.db)
        out["ru_maxrss_mb"] = self_peak_rss_mb()
        print(json.dumps(out))
        return 0

    print(machine())
    core_at_start, code_at_start = core_fingerprint(), core_code_hash()
    path = ensure_archive(args.posts, args.format, args.seed, gz=args.gzip)
    size = path.stat().st_size
    print(f"archive: {path} ({size / 1e9:.2f} GB, {args.posts:,} posts)")
    print(f"page cache warm-up read: {warm_page_cache(path):.1f} s")
    me = str(Path(__file__).resolve())
    results: dict[str, list[dict]] = {"baseline": [], "import": []}
    for run in range(1, args.runs + 1):
        for kind in ("baseline", "import"):
            db = DATA / f"bench_import_{kind}_{os.getpid()}.duckdb"  # runs may overlap
            remove_db(db)
            r = run_child([me, "--child", kind, "--path", str(path), "--db", str(db)])
            remove_db(db)
            results[kind].append(r)
            rate = args.posts / r["seconds"]
            extra = ""
            if kind == "import":
                if r["error"] or r["added"] != args.posts:
                    print(
                        f"  !! import reported error={r['error']!r} added={r['added']:,} "
                        f"read={r['read']:,} rejected={r['rejected']:,}"
                    )
                extra = (
                    "  ["
                    + ", ".join(
                        f"{k}: {v:.1f}s"
                        for k, v in sorted(r["stages"].items(), key=lambda kv: -kv[1])
                        if v >= 0.05
                    )
                    + "]"
                )
            print(
                f"run {run} {kind:8s}: {r['seconds']:7.1f} s  {rate:9,.0f} posts/s  "
                f"peak RSS {r['sampled_peak_rss_mb']:,.0f} MB  db {r['db_bytes'] / 1e6:,.0f} MB  "
                f"load {os.getloadavg()[0]:.1f}{extra}",
                flush=True,
            )

    b = median([r["seconds"] for r in results["baseline"]])
    i = median([r["seconds"] for r in results["import"]])
    ratio = b / i
    pairs = [
        rb["seconds"] / ri["seconds"] for rb, ri in zip(results["baseline"], results["import"], strict=False)
    ]
    print()
    print(
        f"baseline read_json  median {b:7.1f} s  {args.posts / b:9,.0f} posts/s  "
        f"({size / b / 1e6:,.0f} MB/s)  peak RSS {median([r['sampled_peak_rss_mb'] for r in results['baseline']]):,.0f} MB"
    )
    print(
        f"import_paths        median {i:7.1f} s  {args.posts / i:9,.0f} posts/s  "
        f"({size / i / 1e6:,.0f} MB/s)  peak RSS {median([r['sampled_peak_rss_mb'] for r in results['import']]):,.0f} MB"
    )
    stages: dict[str, list[float]] = {}
    for r in results["import"]:
        for k, v in r["stages"].items():
            stages.setdefault(k, []).append(v)
    print("importer stages (median s):")
    for k, vs in sorted(stages.items(), key=lambda kv: -median(kv[1])):
        if median(vs) >= 0.01:
            print(f"    {median(vs):7.2f}  {k}")
    verdict = "MEETS" if ratio >= TARGET else "BELOW"
    print(
        f"ratio importer/baseline: {ratio:.2f}  (target >= {TARGET}: {verdict}); per run pair: "
        f"{', '.join(f'{x:.2f}' for x in pairs)} (median {median(pairs):.2f})"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "args": vars(args),
                    "archive_bytes": size,
                    "results": results,
                    "ratio": ratio,
                    "pair_ratios": pairs,
                },
                indent=1,
            )
        )
    if core_code_hash() != code_at_start:
        print(
            f"WARNING: the core changed during this run ({core_at_start} -> {core_fingerprint()}): "
            "rerun for figures of one version"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
