"""Reading workbooks: python-calamine against openpyxl, on a generated 100,000-row .xlsx.

    python bench/bench_workbook.py [--rows 100000] [--runs 3]

Prints, per library, the time to read every cell of the sheet (median of the runs, the two
libraries alternating so that load on the machine falls on both), the ratio between them, the
time of the whole import of the workbook with the app (calamine), and each library's size on
disk as installed (what it adds to the bundle). Needs openpyxl (a test dependency).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Mentions")
    ws.append(["Report: generated"])
    ws.append([])
    ws.append(["Tweet Id", "Date", "Author", "Full Name", "Full Text", "Sentiment", "Page Type",
               "Twitter Followers", "Twitter Retweets", "Twitter Likes", "Url", "Hashtags"])  # fmt: skip
    start = datetime(2023, 3, 14, 9, 0)
    for i in range(rows):
        pid = str(1635589104126369792 + i * 7919)
        author = f"user{i % 5000}"
        ws.append(
            [
                pid,
                start + timedelta(seconds=i * 3),
                author,
                f"User {i % 5000}",
                f"@SkywardAir flight {i % 300} delayed again &amp; no update #SkywardDown number {i}",
                ("negative", "neutral", "positive")[i % 3],
                "twitter",
                (i * 37) % 100000,
                i % 50,
                i % 200,
                f"https://twitter.com/{author}/status/{pid}",
                "SkywardDown",
            ]
        )
    wb.save(path)


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_name("Mentions").to_python(skip_empty_area=False)
    wb.close()
    return sum(len(r) for r in rows)


def read_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    n = sum(len(r) for r in wb["Mentions"].iter_rows(values_only=True))
    wb.close()
    return n


def dir_size(*names: str) -> int:
    import importlib.util

    total = 0
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for root in spec.submodule_search_locations:
            for dirpath, _, files in os.walk(root):
                total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mentions.xlsx"
        t = time.perf_counter()
        make_workbook(path, args.rows)
        print(
            f"workbook: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - t:.1f} s"
        )
        print(f"load average: {os.getloadavg()[0]:.1f}")
        times: dict[str, list[float]] = {"calamine": [], "openpyxl": []}
        for _ in range(args.runs):
            for name, fn in (("calamine", read_calamine), ("openpyxl", read_openpyxl)):
                t = time.perf_counter()
                cells = fn(path)
                times[name].append(time.perf_counter() - t)
        med = {k: statistics.median(v) for k, v in times.items()}
        for k, v in med.items():
            print(
                f"{k:9s} read all {cells:,} cells: median {v:.2f} s  (runs: {', '.join(f'{x:.2f}' for x in times[k])})"
            )
        print(f"openpyxl / calamine: {med['openpyxl'] / med['calamine']:.1f} x")

        from app.core.ingest import import_paths
        from app.core.ingest.options import ImportOptions
        from app.core.store import Workspace

        ws = Workspace.open(Path(tmp) / "ws.duckdb", create=True)
        t = time.perf_counter()
        mapping = {"post_id": "Tweet Id", "created_at": "Date", "text": "Full Text", "author_handle": "Author",
                   "author_followers": "Twitter Followers", "vendor_sentiment": "Sentiment", "post_url": "Url"}  # fmt: skip
        (report,) = import_paths(ws, [path], mapping=mapping, options=ImportOptions(timezone="UTC"))
        took = time.perf_counter() - t
        ws.close()
        if report.error:
            print("import failed:", report.error)
        print(
            f"import with the app: {report.added:,} posts in {took:.2f} s ({took / med['calamine']:.1f} x calamine's read)"
        )
    print(f"installed size: python_calamine {dir_size('python_calamine') / 1e6:.1f} MB, "
          f"openpyxl + et_xmlfile {dir_size('openpyxl', 'et_xmlfile') / 1e6:.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
