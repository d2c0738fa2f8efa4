#!/usr/bin/env python3
"""Peak memory of a large import: does the importer's memory stay bounded as files grow?

    python bench/bench_memory.py --posts 10000000 [--compare 1000000] [--format v1|v2] [--gzip]
                                 [--keep-archive]

Imports a ``--compare``-post archive and then a ``--posts``-post one, each with
``import_paths`` into a fresh workspace in a child process whose RSS is sampled from /proc
every 0.2 s (and also read from ``getrusage(RUSAGE_CHILDREN).ru_maxrss``). Prints peak RSS,
input size, time, workspace size and the largest size the workspace's files (with DuckDB's
spill folder) reached, and whether memory looks bounded: the big run's peak RSS should not
grow in proportion to its input.

The big archive is deleted afterwards if this run generated it, unless ``--keep-archive``
(10M v1 posts are ~39 GB plain; use ``--gzip``). Children are killed if the machine's free
disk or available memory runs low (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    DATA,
    archive_path,
    core_code_hash,
    core_fingerprint,
    ensure_archive,
    machine,
    remove_db,
    run_child,
    self_peak_rss_mb,
)


def child_import(path: str, db: str) -> dict:
    from app.core.ingest import import_paths
    from app.core.store import Workspace

    ws = Workspace.open(db, create=True)
    limit = ws.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    threads = ws.con.execute("SELECT current_setting('threads')").fetchone()[0]
    t = time.perf_counter()
    rep = import_paths(ws, [path])[0]
    secs = time.perf_counter() - t
    ws.close()
    return {
        "seconds": secs,
        "added": rep.added,
        "error": rep.error,
        "rejected": rep.rejected,
        "memory_limit": limit,
        "threads": threads,
        "db_bytes": Path(db).stat().st_size,
    }


def measure(posts: int, fmt: str, gz: bool, me: str, path: Path | None = None) -> dict:
    path = path or ensure_archive(posts, fmt, gz=gz)
    db = DATA / f"bench_memory_{posts}_{os.getpid()}.duckdb"  # runs may overlap
    remove_db(db)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    watch = [db, Path(str(db) + ".wal"), Path(str(db) + ".tmp")]
    print(f"importing {path.name} ({path.stat().st_size / 1e9:.2f} GB) ...", flush=True)
    r = run_child([me, "--child", "--path", str(path), "--db", str(db)], watch=watch)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    remove_db(db)
    r["children_maxrss_mb"] = after / 1024 if after > before else float("nan")
    r["input_bytes"] = path.stat().st_size
    r["posts"] = posts
    r["path"] = str(path)
    print(
        f"  {posts:>11,} posts  input {r['input_bytes'] / 1e9:6.2f} GB  {r['seconds']:7.1f} s "
        f"({posts / r['seconds']:,.0f} posts/s)  peak RSS {r['sampled_peak_rss_mb']:,.0f} MB "
        f"(ru_maxrss {r['ru_maxrss_mb']:,.0f} MB)  workspace {r['db_bytes'] / 1e9:.2f} GB, "
        f"peak on disk {r['peak_disk_gb']:.2f} GB  [memory_limit {r['memory_limit']}, threads {r['threads']}]",
        flush=True,
    )
    if r["error"] or r["added"] != posts:
        print(f"  !! error={r['error']!r} added={r['added']:,} rejected={r['rejected']:,}")
    return r


def _limit_mb(text: str) -> float:
    """DuckDB's memory_limit setting ('5.6 GiB', '512.0 MiB') in MB."""
    num, unit = text.split()
    scale = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "KB": 1e3, "MB": 1e6, "GB": 1e9}[unit]
    return float(num) * scale / 2**20


def summarize(small: dict, big: dict) -> bool:
    """Print how memory grew from the small import to the big one; True if it looks bounded:
    either it grew much less than the input, or it stayed at DuckDB's memory_limit (which
    DuckDB enforces by spilling to disk)."""
    grow_in = big["input_bytes"] / small["input_bytes"]
    rss_s, rss_b = small["sampled_peak_rss_mb"], big["sampled_peak_rss_mb"]
    grow_rss = rss_b / rss_s
    limit = _limit_mb(big["memory_limit"])
    spilled = max(0.0, big["peak_disk_gb"] - big["db_bytes"] / 1e9)
    print()
    print(
        f"input grew {grow_in:.1f}x, peak RSS grew {grow_rss:.2f}x ({rss_s:,.0f} -> {rss_b:,.0f} MB); "
        f"peak RSS is {rss_b * 2**20 / big['input_bytes'] * 100:.0f}% of the big input; "
        f"DuckDB memory_limit {big['memory_limit']} ({limit:,.0f} MB)"
    )
    sublinear = grow_rss < 0.3 * grow_in
    over = rss_b > limit * 1.1 + 512  # +10% and 512 MB for Python and the reader's buffers
    at_limit = not over and rss_b >= 0.8 * limit
    if sublinear:
        print("memory looks BOUNDED: it grew far less than the input")
    elif at_limit:
        print(
            f"memory looks BOUNDED by DuckDB's memory_limit: the big import reached it and stayed "
            f"there, spilling up to ~{spilled:.1f} GB to disk beyond the workspace"
        )
    elif over:
        print("memory looks NOT bounded: it grew with the input and passed DuckDB's memory_limit")
    else:
        print(
            "inconclusive: memory grew with the input but is still well under DuckDB's memory_limit; "
            "try a bigger --posts"
        )
    return sublinear or at_limit


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=10_000_000)
    ap.add_argument("--compare", type=int, default=1_000_000)
    ap.add_argument("--format", choices=("v1", "v2"), default="v1")
    ap.add_argument("--gzip", action="store_true")
    ap.add_argument("--keep-archive", action="store_true")
    ap.add_argument(
        "--archive",
        type=Path,
        help="use this already generated --posts archive (e.g. a hard link to one another "
        "bench made); it is never deleted",
    )
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--summarize", type=Path, help="print the summary of a saved --json result and stop")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        out = child_import(args.path, args.db)
        out["ru_maxrss_mb"] = self_peak_rss_mb()
        print(json.dumps(out))
        return 0

    if args.summarize:
        saved = json.loads(args.summarize.read_text())
        for r in (saved["small"], saved["big"]):
            print(
                f"  {r['posts']:>11,} posts  input {r['input_bytes'] / 1e9:6.2f} GB  {r['seconds']:7.1f} s  "
                f"peak RSS {r['sampled_peak_rss_mb']:,.0f} MB  workspace {r['db_bytes'] / 1e9:.2f} GB, "
                f"peak on disk {r['peak_disk_gb']:.2f} GB"
            )
        summarize(saved["small"], saved["big"])
        return 0

    print(machine())
    core_at_start, code_at_start = core_fingerprint(), core_code_hash()
    print(f"free disk: {shutil.disk_usage(DATA.parent).free / 1e9:.0f} GB")
    me = str(Path(__file__).resolve())
    small = measure(args.compare, args.format, args.gzip, me)
    big_existed = args.archive is not None or archive_path(args.posts, args.format, gz=args.gzip).exists()
    big = measure(args.posts, args.format, args.gzip, me, args.archive)
    if not args.keep_archive and not big_existed:
        Path(big["path"]).unlink()
        print(f"deleted {big['path']}")

    bounded = summarize(small, big)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"args": vars(args), "small": small, "big": big, "bounded": bounded}, indent=1, default=str
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
