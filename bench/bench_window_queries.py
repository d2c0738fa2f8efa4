#!/usr/bin/env python3
"""What the window's new queries cost on a large workspace (app.core.summary, text queries,
paged posts, interrupted queries), as ratios to baselines measured in the same run.

    python bench/bench_window_queries.py --posts 300000

Builds (or reuses) ``bench/data/window_<posts>.duckdb`` from ``generate_archive.py``'s v1.1
archive (imported, not scored: none of these queries reads scores). Then, as medians over
``--runs`` calls:

* baseline A: a naive ``time_bucket`` GROUP BY over ``posts`` for the whole incident;
* the summary of the whole incident (``summarise``), and of a random 6 hours;
* ``binned_series`` first call (cache cleared) with a one-word text filter (baseline B) and
  with a boolean query of four terms (``refund AND (delay OR cancel) -bot`` in words of the
  archive);
* ``posts_around`` ±3 h at the busiest hour: the first page of 500, and the page at 10,000
  (what scrolling far down the table costs);
* a query dropped while it runs: how long after the cancel its worker is free again, against
  how long the query takes when left to finish.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import threading
import time
from pathlib import Path

from _common import DATA, ensure_archive, machine

from app.core import metrics as m
from app.core import summary
from app.core.ingest import import_paths
from app.core.store.workspace import Workspace

NAIVE_SERIES = (
    "SELECT time_bucket(INTERVAL 1 HOUR, created_at) AS h, count(*), sum(author_followers) "
    "FROM posts GROUP BY h"
)
LONG_QUERY = "SELECT count(*) FROM posts a, range(40) r WHERE regexp_matches(a.text, '(?i)z.*q')"


def timed(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def workspace(posts: int) -> Path:
    path = DATA / f"window_{posts}.duckdb"
    if path.exists():
        return path
    archive = ensure_archive(posts, "v1")
    with Workspace.open(path, create=True) as ws:
        ws.configure(timezone="America/New_York", brand_handles=["NorthwindBank"])
        import_paths(ws, [archive])
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(machine())
    ws = Workspace.open(workspace(args.posts))
    con = ws.cursor()
    first, last = m.incident_span(ws)
    n = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    words = [
        w
        for (w,) in con.execute(
            "SELECT w FROM (SELECT unnest(string_split(lower(text), ' ')) w FROM posts USING SAMPLE 2000) "
            "WHERE length(w) >= 5 AND regexp_matches(w, '^[a-z]+$') GROUP BY w ORDER BY count(*) DESC LIMIT 4"
        ).fetchall()
    ]
    one = words[0]
    query = f"{words[0]} AND ({words[1]} OR {words[2]}) -{words[3]}"
    busiest = (
        con.execute(
            "SELECT epoch(time_bucket(INTERVAL 1 HOUR, created_at)) h FROM posts GROUP BY h ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        + 1800
    )

    base_a = timed(lambda: con.execute(NAIVE_SERIES).fetchall(), args.runs)
    whole = timed(lambda: summary.summarise(ws, first, last + 1, con=con), args.runs)
    six = timed(lambda: summary.summarise(ws, busiest - 3 * 3600, busiest + 3 * 3600, con=con), args.runs)

    def series(text: str):
        m.clear_caches()
        m.binned_series(ws, first, last + 1, 3600, m.PostFilter(text=text), con=con)

    base_b = timed(lambda: series(one), args.runs)
    boolean = timed(lambda: series(query), args.runs)
    page0 = timed(lambda: m.posts_around(ws, busiest, 3 * 3600, con=con), args.runs)
    page20 = timed(lambda: m.posts_around(ws, busiest, 3 * 3600, offset=10_000, con=con), args.runs)
    total = m.posts_around(ws, busiest, 3 * 3600, limit=1, con=con)[1]

    # a dropped query: interrupted on its own cursor, as the window's task runner does
    full = timed(lambda: ws.cursor().execute(LONG_QUERY).fetchall(), 1)
    waits = []
    for _ in range(3):
        cur = ws.cursor()
        done = threading.Event()

        def run(cur=cur, done=done):
            with contextlib.suppress(Exception):  # the interrupt is the point
                cur.execute(LONG_QUERY).fetchall()
            done.set()

        threading.Thread(target=run, daemon=True).start()
        time.sleep(min(0.5, full / 4))
        t = time.perf_counter()
        cur.interrupt()
        done.wait(60)
        waits.append(time.perf_counter() - t)
    stopped = statistics.median(waits)

    print(f"posts: {n:,}; one word: {one!r}; query: {query!r}; busiest ±3 h: {total:,} posts")
    print(f"baseline A, naive hourly GROUP BY over posts: {base_a * 1000:.0f} ms")
    print(f"summary, whole incident: {whole * 1000:.0f} ms = {whole / base_a:.2f}x A")
    print(f"summary, busiest 6 h: {six * 1000:.0f} ms = {six / base_a:.2f}x A")
    print(
        f"baseline B, series with a one-word filter (first call): {base_b * 1000:.0f} ms = {base_b / base_a:.2f}x A"
    )
    print(
        f"series with the four-term query (first call): {boolean * 1000:.0f} ms = {boolean / base_b:.2f}x B"
    )
    print(f"posts_around first page of 500: {page0 * 1000:.0f} ms = {page0 / base_a:.2f}x A")
    print(f"posts_around page at 10,000: {page20 * 1000:.0f} ms = {page20 / page0:.2f}x the first page")
    print(
        f"a {full:.1f} s query dropped: its worker free {stopped * 1000:.0f} ms after the cancel "
        f"({stopped / full:.3f}x the query)"
    )
    ws.close()


if __name__ == "__main__":
    main()
