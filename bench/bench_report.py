"""Export time of the post-mortem: build the report's content and render it (PDF and HTML),
on the bundled sample and on the 1M-post workspace (issue 14: 2 s at 1M).

    python bench/bench_report.py [--runs 3] [--skip-1m] [--workspace PATH]

The 1M workspace (bench/data/queries_1000000.duckdb, from bench_queries.py) is copied to a
temporary file first and never modified. Each figure is the median of ``--runs`` runs,
printed with baselines measured in the same run: a bare ``SELECT count(*) FROM posts``, one
binned_series over the whole span at the report's bin (the cheapest thing the timeline window
does), and the first (cold) build. Beside it, the export as the window makes it: the window
computes the facts for its chronicle and facts panel once the workspace opens, so an export
from it renders facts already at hand. ``--workspace`` measures a copy of another workspace
too (e.g. the 10M one ``bench/_replicate.py`` makes).
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import DATA  # _common also puts the repository on sys.path

from app.core import metrics
from app.core.early_warning import analysis_bin
from app.core.facts import clear_cache
from app.core.report.content import ReportOptions, build_report
from app.core.report.html import render_html
from app.core.sample import build_sample
from app.core.store import Workspace
from app.paths import sample_archive
from app.report_pdf import render_pdf

# Qt reads this when the renderer makes its application, not at import
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MILLION = DATA / "queries_1000000.duckdb"
# the bench's own SQL (a baseline), not the app's
COUNT_POSTS = "SELECT count(*) FROM posts"


def _timed(fn) -> float:
    return _timed_result(fn)[0]


def _timed_result(fn):
    """(seconds, what ``fn()`` returned)."""
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def bench(label: str, path: Path, runs: int, out: Path) -> None:
    with Workspace.open(path) as ws:
        posts = ws.info()["posts"]
        span = metrics.incident_span(ws)  # builds the rollups if needed (not timed)
        b = analysis_bin(span[1] - span[0])
        metrics.clear_caches()
        clear_cache()
        cold = _timed(lambda: build_report(ws, ReportOptions()))
        base, build, pdf, html, total, count, warm = [], [], [], [], [], [], []
        for _ in range(runs):
            count.append(_timed(lambda: ws.cursor().execute(COUNT_POSTS).fetchall()))
            metrics.clear_caches()
            base.append(_timed(lambda: metrics.binned_series(ws, span[0], span[1] + 1, b)))
            metrics.clear_caches()
            clear_cache()  # the facts are computed anew each run, as on a first export
            seconds, report = _timed_result(lambda: build_report(ws, ReportOptions()))
            build.append(seconds)
            seconds, pages = _timed_result(functools.partial(render_pdf, report, out / "r.pdf", force=True))
            pdf.append(seconds)
            html.append(_timed(functools.partial(render_html, report, out / "r.html", force=True)))
            total.append(build[-1] + pdf[-1])
            # from the window: its chronicle and facts panel computed the facts already
            seconds, report = _timed_result(lambda: build_report(ws, ReportOptions()))
            warm.append(seconds + _timed(functools.partial(render_pdf, report, out / "r.pdf", force=True)))
        med = statistics.median
        print(f"{label}: {posts:,} posts, {pages} pages, bin {b} s")
        print(f"  baseline bare count(*) of posts     {med(count) * 1000:8.1f} ms")
        print(f"  baseline binned_series (cold cache) {med(base) * 1000:8.1f} ms")
        print(f"  build_report, first call            {cold * 1000:8.1f} ms")
        print(f"  build_report                        {med(build) * 1000:8.1f} ms")
        print(f"  render_pdf                          {med(pdf) * 1000:8.1f} ms")
        print(f"  render_html                         {med(html) * 1000:8.1f} ms")
        print(
            f"  PDF export (build + render)         {med(total) * 1000:8.1f} ms  (median of {runs})",
            flush=True,
        )
        print(f"  PDF export, facts already computed  {med(warm) * 1000:8.1f} ms  (as from the window)")
        print(
            f"  ratios: export / count(*) {med(total) / med(count):,.0f}, "
            f"export / binned_series {med(total) / med(base):.1f}; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-1m", action="store_true")
    ap.add_argument("--workspace", type=Path, help="also measure a copy of this workspace")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
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
        if args.workspace is not None:
            copy = tmp / "other.duckdb"
            shutil.copy(args.workspace, copy)
            bench(args.workspace.name, copy, args.runs, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
