"""Export time of the post-mortem: build the report's content and render it (PDF and HTML),
on the bundled sample and on the 1M-post workspace (target: under 5 s).

    python bench/bench_report.py [--runs 3] [--skip-1m]

The 1M workspace (bench/data/queries_1000000.duckdb, from bench_queries.py) is copied to a
temporary file first and never modified. Each figure is the median of ``--runs`` runs,
printed with a baseline measured in the same run: one binned_series over the whole span at
the report's bin (the cheapest thing the timeline window does), and the first (cold) build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.core import metrics  # noqa: E402
from app.core.report.content import ReportOptions, build_report, report_bin  # noqa: E402
from app.core.sample import build_sample  # noqa: E402
from app.core.store import Workspace  # noqa: E402
from app.paths import sample_archive  # noqa: E402
from app.core.report.html import render_html  # noqa: E402
from app.report_pdf import render_pdf  # noqa: E402

MILLION = BENCH / "data" / "queries_1000000.duckdb"


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench(label: str, path: Path, runs: int, out: Path) -> None:
    with Workspace.open(path) as ws:
        posts = ws.info()["posts"]
        span = metrics.incident_span(ws)  # builds the rollups if needed (not timed)
        b = report_bin(span[1] - span[0])
        metrics.clear_caches()
        cold = _timed(lambda: build_report(ws, ReportOptions()))
        base, build, pdf, html, total = [], [], [], [], []
        for _ in range(runs):
            metrics.clear_caches()
            base.append(_timed(lambda: metrics.binned_series(ws, span[0], span[1] + 1, b)))
            metrics.clear_caches()
            holder = {}
            build.append(_timed(lambda: holder.setdefault("r", build_report(ws, ReportOptions()))))
            pdf.append(_timed(lambda: holder.setdefault("n", render_pdf(holder["r"], out / "r.pdf"))))
            html.append(_timed(lambda: render_html(holder["r"], out / "r.html")))
            total.append(build[-1] + pdf[-1])
        med = statistics.median
        print(f"{label}: {posts:,} posts, {holder['n']} pages, bin {b} s")
        print(f"  baseline binned_series (cold cache) {med(base) * 1000:8.1f} ms")
        print(f"  build_report, first call            {cold * 1000:8.1f} ms")
        print(f"  build_report                        {med(build) * 1000:8.1f} ms")
        print(f"  render_pdf                          {med(pdf) * 1000:8.1f} ms")
        print(f"  render_html                         {med(html) * 1000:8.1f} ms")
        print(
            f"  PDF export (build + render)         {med(total) * 1000:8.1f} ms  (median of {runs})",
            flush=True,
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-1m", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sample = tmp / "sample.duckdb"
        build_sample(sample, sample_archive())
        bench("sample", sample, args.runs, tmp)
        if not args.skip_1m:
            if not MILLION.exists():
                print(f"{MILLION} is missing: run bench/bench_queries.py first to build it")
                return 1
            copy = tmp / "million.duckdb"
            shutil.copy(MILLION, copy)
            bench("1M posts", copy, args.runs, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
