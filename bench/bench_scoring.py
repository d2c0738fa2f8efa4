#!/usr/bin/env python3
"""Sentiment scoring throughput: ``score_missing`` against a plain VADER loop.

    python bench/bench_scoring.py --posts 200000 [--runs 3] [--workers N]

Builds a workspace from a generated v1 archive in which half the posts are retweets (so many
posts share a text), then alternates, ``--runs`` times each:

  baseline  ``SentimentIntensityAnalyzer().polarity_scores(text)`` in a plain Python loop over
            the text of every post in the sentiment's scope (the archive's English posts;
            posts in other languages are not scored), fetched from ``posts_scored`` (the fetch
            is timed apart);
  app       ``score_missing(ws)`` after ``DELETE FROM sentiment``.

Prints posts/s of each (medians; posts/s = posts in scope / seconds), the ratio of wall
times and of CPU times (workers included; target >= 6x, issue 14), and checks that every
post in scope has stored scores equal to the baseline's for its text, and that no post out of
scope has any.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, core_code_hash, core_fingerprint, ensure_archive, machine, median, remove_db

TARGET = 6.0
#: posts VADER scores (English, or of a language no one can tell): scored, or waiting for it
IN_SCOPE = "(not_scored IS NULL OR not_scored = 'pending')"


def cpu_seconds() -> float:
    """CPU time of this process (DuckDB's threads included) and of its finished children
    (score_missing's workers): unlike wall time, it barely moves with the machine's load."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def baseline(ws) -> tuple[float, float, float, dict]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    t = time.perf_counter()
    texts = [r[0] for r in ws.con.execute(f"SELECT text FROM posts_scored WHERE {IN_SCOPE}").fetchall()]
    fetch = time.perf_counter() - t
    t, c = time.perf_counter(), cpu_seconds()
    analyzer = SentimentIntensityAnalyzer()
    scores = {}
    for text in texts:
        scores[text] = analyzer.polarity_scores(text)
    return fetch, time.perf_counter() - t, cpu_seconds() - c, scores


def check(ws, expected: dict) -> tuple[int, int, list]:
    """(posts compared, mismatches, a few examples). Joined on the post's text."""
    rows = ws.con.execute(f"SELECT text, compound, pos, neu, neg, {IN_SCOPE} FROM posts_scored").fetchall()
    bad, examples = 0, []
    for text, c, p, u, n, in_scope in rows:
        e = expected[text] if in_scope else dict.fromkeys(("compound", "pos", "neu", "neg"))
        if (c, p, u, n) != (e["compound"], e["pos"], e["neu"], e["neg"]):
            bad += 1
            if len(examples) < 5:
                examples.append(
                    {
                        "text": text,
                        "stored": [c, p, u, n],
                        "expected": [e["compound"], e["pos"], e["neu"], e["neg"]],
                    }
                )
    return len(rows), bad, examples


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None, help="passed to score_missing (default: its own)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()

    from app.core.ingest import import_paths
    from app.core.sentiment import score_missing
    from app.core.store import Workspace

    print(machine())
    core_at_start, code_at_start = core_fingerprint(), core_code_hash()
    path = ensure_archive(args.posts, "v1", args.seed, retweet_share=0.5)
    db = DATA / f"bench_scoring_{args.posts}_{os.getpid()}.duckdb"  # runs may overlap
    remove_db(db)
    ws = Workspace.open(db, create=True)
    t = time.perf_counter()
    rep = import_paths(ws, [path])[0]
    print(f"workspace built in {time.perf_counter() - t:.1f} s: {rep.summary()}")
    everything, posts, distinct, rts = ws.con.execute(
        f"SELECT count(*), count(*) FILTER ({IN_SCOPE}), count(DISTINCT text_key) FILTER ({IN_SCOPE}), "
        f"count(*) FILTER (kind = 'retweet' AND {IN_SCOPE}) FROM posts_scored"
    ).fetchone()
    print(
        f"posts {everything:,}, in the sentiment's scope {posts:,} (retweets {rts:,}), distinct texts "
        f"{distinct:,} ({posts / distinct:.2f} posts per text)"
    )

    base_s, app_s, fetch_s = [], [], []
    expected: dict = {}
    scored_counts = []
    base_cpu: list[float] = []
    app_cpu: list[float] = []
    for run in range(1, args.runs + 1):
        fetch, secs, cpu, expected = baseline(ws)
        fetch_s.append(fetch)
        base_s.append(secs)
        base_cpu.append(cpu)
        print(
            f"run {run} baseline   : {secs:7.1f} s  {posts / secs:9,.0f} posts/s  (fetch {fetch:.1f} s)  "
            f"CPU {cpu:.1f} s  load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        ws.con.execute("DELETE FROM sentiment")
        ws.con.execute("CHECKPOINT")
        chosen = args.workers or os.cpu_count() or 1
        t, c = time.perf_counter(), cpu_seconds()
        n = score_missing(ws, workers=args.workers)
        secs, cpu = time.perf_counter() - t, cpu_seconds() - c
        app_s.append(secs)
        app_cpu.append(cpu)
        scored_counts.append(n)
        print(
            f"run {run} score_missing: {secs:7.1f} s  {posts / secs:9,.0f} posts/s  "
            f"({n:,} texts scored, {n / secs:,.0f} texts/s, workers {chosen})  CPU {cpu:.1f} s  "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )

    compared, bad, examples = check(ws, expected)
    stored = ws.con.execute("SELECT count(*), count(DISTINCT text_key) FROM sentiment").fetchone()
    ws.close()
    remove_db(db)

    b, a = median(base_s), median(app_s)
    ratio = b / a
    pairs = [x / y for x, y in zip(base_s, app_s, strict=False)]
    print()
    print(f"baseline loop   median {b:7.1f} s  {posts / b:9,.0f} posts/s  (+ fetch {median(fetch_s):.1f} s)")
    print(
        f"score_missing   median {a:7.1f} s  {posts / a:9,.0f} posts/s  ({distinct / a:,.0f} distinct texts/s)"
    )
    print(
        f"ratio score_missing/baseline: {ratio:.2f}x  (target >= {TARGET}x: "
        f"{'MEETS' if ratio >= TARGET else 'BELOW'}); per run pair: "
        f"{', '.join(f'{x:.2f}' for x in pairs)} (median {median(pairs):.2f})"
    )
    print(
        f"sentiment rows {stored[0]:,} for {stored[1]:,} keys (distinct texts {distinct:,}); "
        f"scored per run {scored_counts}"
    )
    cpu_pairs = [x / y for x, y in zip(base_cpu, app_cpu, strict=True)]
    print(
        f"CPU time: loop {median(base_cpu):.1f} s, score_missing {median(app_cpu):.1f} s (workers included): "
        f"{median(base_cpu) / median(app_cpu):.2f}x; per run pair {', '.join(f'{x:.2f}' for x in cpu_pairs)}"
    )
    if bad == 0:
        print(f"scores identical to the baseline for all {compared:,} posts")
    else:
        print(f"MISMATCH: {bad:,} of {compared:,} posts differ from the baseline, e.g.:")
        for e in examples:
            print("   ", json.dumps(e, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "args": vars(args),
                    "posts": posts,
                    "distinct": distinct,
                    "baseline_s": base_s,
                    "fetch_s": fetch_s,
                    "score_missing_s": app_s,
                    "baseline_cpu_s": base_cpu,
                    "score_missing_cpu_s": app_cpu,
                    "ratio": ratio,
                    "pair_ratios": pairs,
                    "mismatches": bad,
                    "examples": examples,
                },
                indent=1,
                ensure_ascii=False,
            )
        )
    if core_code_hash() != code_at_start:
        print(
            f"WARNING: the core changed during this run ({core_at_start} -> {core_fingerprint()}): "
            "rerun for figures of one version"
        )
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
