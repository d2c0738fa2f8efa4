#!/usr/bin/env python3
"""How long the suggested turning points take on a large workspace (app.core.analysis.suggest).

    python bench/bench_turning_points.py --posts 1000000
    python bench/bench_turning_points.py --posts 1000000 --runs 5 --json bench/out/turning_points_1m.json

Works on a copy of ``bench/data/queries_<posts>.duckdb`` (the workspace bench_queries.py
builds: generate_archive.py's v1.1 archive, imported and scored, brand @NorthwindBank,
America/New_York), so the original is never modified; if it is missing, it is built the same
way first. Times, as medians over ``--runs`` calls:

* ``suggest.find()`` (every detector) with the default settings, on a warm workspace (rollups built, the binned
  series' per-minute numbers cached, as in the window after the timeline was drawn), and its
  first call after the metrics caches are cleared;
* each of its stages, from the progress reports it makes as it goes;
* the CPU time of the warm calls (the process's, DuckDB's threads included);
* baselines in the same run: a bare ``SELECT count(*) FROM posts`` and one ``binned_series``
  over the whole incident at the analysis bin (first call, caches cleared).

The machine is shared with other benchmarks: the load average is recorded with the results,
and medians are what to read.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from _common import BENCH, DATA, machine

from app.core import metrics as m
from app.core import rollup
from app.core.analysis import suggest as tp
from app.core.early_warning import analysis_bin
from app.core.store.workspace import Workspace

# The bench's own SQL (a baseline over the raw table), not the app's.
COUNT_POSTS = "SELECT count(*) FROM posts"


class StageClock:
    """A progress that notes when each stage's message first arrives."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []

    def report(self, done: float, total: float | None, message: str = "") -> None:
        if not self.marks or self.marks[-1][0] != message:
            self.marks.append((message, time.perf_counter()))

    def cancelled(self) -> bool:
        return False

    def stages(self, end: float) -> dict[str, float]:
        out = {}
        for (msg, t), nxt in zip(self.marks, [*self.marks[1:], ("", end)], strict=False):
            out[msg] = out.get(msg, 0.0) + nxt[1] - t
        return out


def workspace_copy(posts: int, source: Path | None = None) -> Path:
    """A private copy of the queries workspace (built first if missing), or of ``source``."""
    src = source or DATA / f"queries_{posts}.duckdb"
    if source is None and (not src.exists() or src.stat().st_size < 1_000_000):
        print(f"{src.name} is missing: building it with bench_queries.py --build-only", flush=True)
        subprocess.run(
            [sys.executable, str(BENCH / "bench_queries.py"), "--posts", str(posts), "--build-only"],
            check=True,
        )
    dst = DATA / f"turning_points_{posts}.duckdb"
    for p in (dst, Path(str(dst) + ".wal")):
        if p.exists():
            p.unlink()
    shutil.copyfile(src, dst)
    if Path(str(src) + ".wal").exists():
        shutil.copyfile(str(src) + ".wal", str(dst) + ".wal")
    return dst


def timed(fn, runs: int, setup=None) -> list[float]:
    times = []
    for _ in range(runs):
        if setup:
            setup()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def summary(times: list[float]) -> dict:
    return {
        "median_ms": statistics.median(times) * 1000,
        "min_ms": min(times) * 1000,
        "max_ms": max(times) * 1000,
        "runs": len(times),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--workspace",
        type=Path,
        help="copy this workspace instead (e.g. the one bench/_replicate.py --accounts distinct makes)",
    )
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--keep-copy", action="store_true", help="keep the copied workspace afterwards")
    args = ap.parse_args(argv)

    db = workspace_copy(args.posts, args.workspace)
    results: dict = {"machine": machine(), "posts": args.posts, "workspace": db.name, "timings": {}}
    out = results["timings"]

    def record(name: str, times: list[float]) -> None:
        out[name] = summary(times)
        r = out[name]
        print(
            f"{name:62s} median {r['median_ms']:8.1f} ms  (min {r['min_ms']:.1f}, max {r['max_ms']:.1f}; "
            f"{r['runs']} runs)",
            flush=True,
        )

    try:
        ws = Workspace.open(db)
        con = ws.cursor()
        t = time.perf_counter()
        rollup.ensure(ws, con=con)
        results["rollup_ensure_s"] = time.perf_counter() - t
        first, last = m.incident_span(ws, con)
        width = analysis_bin(last - first)
        results["span_days"] = (last - first) / 86400
        results["analysis_bin_s"] = width
        posts = int(con.execute(COUNT_POSTS).fetchone()[0])
        results["posts"] = posts
        print(
            f"{db.name}: {posts:,} posts over {results['span_days']:.1f} days, analysis bin {width} s",
            flush=True,
        )
        results["load_average_before"] = os.getloadavg()

        record(
            "baseline: SELECT count(*) FROM posts",
            timed(lambda: con.execute(COUNT_POSTS).fetchall(), args.runs),
        )
        record(
            "baseline: binned_series, whole incident, first call",
            timed(
                lambda: m.binned_series(ws, first, last + 1, width, con=con), args.runs, setup=m.clear_caches
            ),
        )

        found = tp.find(ws, con=con)  # warm: plans, files, caches
        results["suggestions"] = len(found)
        results["by_kind"] = dict(Counter(s.kind for s in found))
        record(
            "suggest(), first call (metrics caches cleared)",
            timed(lambda: tp.find(ws, con=con), args.runs, setup=m.clear_caches),
        )

        stage_runs: list[dict[str, float]] = []
        cpu: list[float] = []

        def one() -> None:
            clock = StageClock()
            c = time.process_time()
            tp.find(ws, progress=clock, con=con)
            cpu.append(time.process_time() - c)
            stage_runs.append(clock.stages(time.perf_counter()))

        record("suggest(), warm", timed(one, args.runs))
        # the process's CPU time, DuckDB's threads included: less sensitive than the wall time
        # to other jobs on a shared machine
        record("suggest(), warm: CPU time", cpu)
        stages = {k: statistics.median(r.get(k, 0.0) for r in stage_runs) * 1000 for k in stage_runs[0]}
        results["stages_median_ms"] = stages
        for k, v in stages.items():
            print(f"    {k:58s} {v:8.1f} ms", flush=True)
        results["load_average_after"] = os.getloadavg()
        print(f"{len(found)} suggestions: {results['by_kind']}", flush=True)
        before, after = results["load_average_before"], results["load_average_after"]
        print(f"load average before / after: {before} / {after}", flush=True)
        ws.close()
    finally:
        if not args.keep_copy:
            for p in (db, Path(str(db) + ".wal")):
                if p.exists():
                    p.unlink()
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
