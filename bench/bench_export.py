#!/usr/bin/env python3
"""The Parquet export (``incident-timeline export WS --parquet DIR``) against DuckDB's bare COPY.

    python bench/bench_export.py --posts 1000000 [--runs 3]
    python bench/bench_export.py --posts 1000000 --replicate 10 [--runs 2]   # 10M posts

Uses the workspace ``bench_queries.py`` builds (``bench/data/queries_<posts>.duckdb``: the
generated v1.1 archive imported and scored; built first if missing). ``--replicate K`` makes a
copy holding every post K times (ids suffixed ``-k``, times shifted by k weeks: K incidents of
six days, one a week, so that a copy never sits beside its original and compresses like new
data) and exports that, so 10M posts are measured without generating and importing 39 GB of
JSON.

Alternates, ``--runs`` times each and each in a fresh child process:

  baseline  ``COPY posts TO 'one.parquet' (FORMAT parquet)``: DuckDB's own floor, one file,
            no order, no partitions, no type changes, the other tables not written;
  app       ``export_parquet(ws, DIR)``: every table, posts by UTC day in time order, zstd.

Prints seconds, peak RSS, the size on disk of the workspace and of each output, the ratio
(baseline seconds / app seconds) per run pair, and how long reading the export back takes
(a count of posts, and one day's posts through partition pruning).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, _du, machine, remove_db, run_child

REPLICATE = """
    INSERT INTO posts
    SELECT p.* REPLACE (p.post_id || '-' || k AS post_id, p.created_at + k * INTERVAL 7 DAY AS created_at)
    FROM posts p, range(1, ?) r(k)
"""


def child(args: argparse.Namespace) -> None:
    import duckdb

    from app.core.parquet_export import export_parquet
    from app.core.store import Workspace

    out = Path(args.out)
    t = time.perf_counter()
    if args.child == "baseline":
        con = duckdb.connect(args.db, read_only=True)
        out.mkdir()
        con.execute("COPY posts TO ? (FORMAT parquet)", [str(out / "posts.parquet")])
        con.close()
    else:
        with Workspace.open(args.db, read_only=True) as ws:
            export_parquet(ws, out)
    secs = time.perf_counter() - t
    use = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": secs, "cpu": use.ru_utime + use.ru_stime, "bytes": _du(out)}))


def prepare(posts: int, replicate: int) -> Path:
    import bench_queries

    src, _ = bench_queries.build(posts, gz=posts >= 5_000_000, keep_archive=False)
    if replicate <= 1:
        return src
    dst = DATA / f"export_{posts}x{replicate}.duckdb"
    if dst.exists():
        return dst
    import duckdb

    tmp = DATA / f"export_{posts}x{replicate}.tmp.duckdb"
    remove_db(tmp)
    shutil.copy(src, tmp)
    con = duckdb.connect(str(tmp))
    t = time.perf_counter()
    con.execute(REPLICATE, [replicate])
    con.execute("CHECKPOINT")
    n = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    con.close()
    os.rename(tmp, dst)
    print(f"replicated to {n:,} posts in {time.perf_counter() - t:.0f} s: {dst.name}", flush=True)
    return dst


def read_back(folder: Path) -> dict:
    import duckdb

    con = duckdb.connect()
    posts = str(folder / "posts" / "*" / "*.parquet")
    t = time.perf_counter()
    n = con.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning = true)", [posts]).fetchone()[0]
    count_s = time.perf_counter() - t
    day = sorted(p.name.split("=", 1)[1] for p in (folder / "posts").iterdir())[2]
    t = time.perf_counter()
    d = con.execute(
        "SELECT count(*), count(DISTINCT author_id) FROM read_parquet(?, hive_partitioning = true) WHERE day = ?",
        [posts, day],
    ).fetchone()
    day_s = time.perf_counter() - t
    return {"posts": n, "count_s": count_s, "day": day, "day_posts": d[0], "day_s": day_s}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--replicate", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--child", choices=["baseline", "app"], help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return 0

    print(machine(), flush=True)
    db = prepare(args.posts, args.replicate)
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        posts = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    ws_bytes = db.stat().st_size
    print(f"workspace {db.name}: {posts:,} posts, {ws_bytes / 1e9:.2f} GB", flush=True)

    runs: dict[str, list[dict]] = {"baseline": [], "app": []}
    for run in range(1, args.runs + 1):
        for kind in ("baseline", "app"):
            out = DATA / f"export_{kind}_{os.getpid()}"
            shutil.rmtree(out, ignore_errors=True)
            r = run_child(
                [__file__, "--child", kind, "--db", str(db), "--out", str(out)],
                watch=[out],
            )
            r["load"] = os.getloadavg()[0]
            if kind == "app" and run == args.runs:
                r["read_back"] = read_back(out)
            shutil.rmtree(out, ignore_errors=True)
            runs[kind].append(r)
            print(
                f"run {run} {kind:8}: {r['seconds']:6.1f} s (CPU {r['cpu']:.1f} s)  {posts / r['seconds']:9,.0f} posts/s  "
                f"peak RSS {r['sampled_peak_rss_mb'] / 1024:.2f} GB  output {r['bytes'] / 1e9:.2f} GB  "
                f"load {r['load']:.1f}",
                flush=True,
            )

    b = statistics.median(r["seconds"] for r in runs["baseline"])
    a = statistics.median(r["seconds"] for r in runs["app"])
    pairs = [x["seconds"] / y["seconds"] for x, y in zip(runs["baseline"], runs["app"], strict=True)]
    cpu_pairs = [x["cpu"] / y["cpu"] for x, y in zip(runs["baseline"], runs["app"], strict=True)]
    rb = runs["app"][-1]["read_back"]
    print()
    print(f"bare COPY posts   median {b:6.1f} s, output {runs['baseline'][-1]['bytes'] / 1e9:.2f} GB")
    print(
        f"export_parquet    median {a:6.1f} s, output {runs['app'][-1]['bytes'] / 1e9:.2f} GB (every table)"
    )
    print(
        f"ratio (bare COPY s / export s): {b / a:.2f}x; per run pair {', '.join(f'{p:.2f}' for p in pairs)}; "
        f"workspace {ws_bytes / 1e9:.2f} GB"
    )
    print(
        f"CPU time ratio (child processes, DuckDB's threads included) per run pair: {', '.join(f'{p:.2f}' for p in cpu_pairs)}"
    )
    print(
        f"read back: count(*) of {rb['posts']:,} posts {rb['count_s'] * 1000:.0f} ms; "
        f"day {rb['day']} ({rb['day_posts']:,} posts, distinct authors) {rb['day_s'] * 1000:.0f} ms"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"args": vars(args), "posts": posts, "workspace_bytes": ws_bytes, "runs": runs}, indent=1
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
