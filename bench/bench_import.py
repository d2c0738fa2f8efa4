#!/usr/bin/env python3
"""Import throughput: the app's importer against DuckDB reading the same file bare.

    python bench/bench_import.py --posts 1000000 [--format v1|v2] [--runs 3] [--gzip]

Generates (or reuses) ``bench/data/<format>_<posts>_...jsonl``, reads it once to put it in the
page cache, then alternates, ``--runs`` times each, each run in a fresh child process:

  baseline  ``CREATE TABLE t AS SELECT * FROM read_json(path, format='newline_delimited')``
            into a fresh file database (every field, types inferred);
  fair      one ``read_json(path, columns = {...})`` of exactly the fields the workspace
            stores, into a table: ids, the time parsed with ``strptime``, the full text chosen
            as the importer chooses it (a retweet's original's), author id / handle / name /
            followers, the reference id, language, the four counts, hashtags / mentions / urls
            as lists (v2: one row per tweet of each page, the author and a retweet's original
            looked up in the page's ``includes``); the stricter baseline of issue 14;
  importer  ``import_paths(ws, [path])`` into a fresh workspace.

Prints posts/s of each (medians), wall and CPU time (the child's process time, DuckDB's
threads included), the ratios importer/baseline (round 1's target >= 0.7) and
importer/fair (issue 14's target >= 0.6), peak RSS, and for the importer how long each SQL
statement took (the core is watched, not changed).
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
FAIR_TARGET = 0.6

_V1_STATUS = """STRUCT(id_str VARCHAR, text VARCHAR, full_text VARCHAR,
    extended_tweet STRUCT(full_text VARCHAR))"""
FAIR_V1 = f"""
    CREATE TABLE t AS
    SELECT id_str AS post_id,
           strptime(created_at, '%a %b %d %H:%M:%S %z %Y') AS created_at,
           CASE WHEN retweeted_status.id_str IS NOT NULL
                THEN coalesce(retweeted_status.extended_tweet.full_text, retweeted_status.full_text,
                              retweeted_status.text)
                ELSE coalesce(extended_tweet.full_text, full_text, text) END AS text,
           "user".id_str AS author_id, "user".screen_name AS author_handle, "user".name AS author_name,
           "user".followers_count AS author_followers,
           coalesce(retweeted_status.id_str, quoted_status_id_str, in_reply_to_status_id_str) AS ref_post_id,
           lang, retweet_count, favorite_count AS like_count, reply_count, quote_count,
           list_transform(entities.hashtags, lambda h: h.text) AS hashtags,
           list_transform(entities.user_mentions, lambda m: m.screen_name) AS mentions,
           list_transform(entities.urls, lambda u: u.expanded_url) AS urls
    FROM read_json(?, format = 'newline_delimited', columns = {{
        id_str: 'VARCHAR', created_at: 'VARCHAR', text: 'VARCHAR', full_text: 'VARCHAR',
        extended_tweet: 'STRUCT(full_text VARCHAR)',
        "user": 'STRUCT(id_str VARCHAR, screen_name VARCHAR, name VARCHAR, followers_count BIGINT)',
        retweeted_status: '{_V1_STATUS}', quoted_status_id_str: 'VARCHAR',
        in_reply_to_status_id_str: 'VARCHAR', lang: 'VARCHAR', retweet_count: 'BIGINT',
        favorite_count: 'BIGINT', reply_count: 'BIGINT', quote_count: 'BIGINT',
        entities: 'STRUCT(hashtags STRUCT(text VARCHAR)[], user_mentions STRUCT(screen_name VARCHAR)[],
                          urls STRUCT(expanded_url VARCHAR)[])'}})
"""
FAIR_V2 = """
    CREATE TABLE t AS
    WITH tweets AS (
        SELECT unnest(data) AS tw, includes
        FROM read_json(?, format = 'newline_delimited', columns = {
            data: 'STRUCT(id VARCHAR, text VARCHAR, created_at VARCHAR, author_id VARCHAR, lang VARCHAR,
                          public_metrics STRUCT(retweet_count BIGINT, reply_count BIGINT,
                                                like_count BIGINT, quote_count BIGINT),
                          referenced_tweets STRUCT(type VARCHAR, id VARCHAR)[],
                          entities STRUCT(hashtags STRUCT(tag VARCHAR)[], mentions STRUCT(username VARCHAR)[],
                                          urls STRUCT(expanded_url VARCHAR)[]),
                          note_tweet STRUCT(text VARCHAR))[]',
            includes: 'STRUCT(users STRUCT(id VARCHAR, username VARCHAR, name VARCHAR,
                                           public_metrics STRUCT(followers_count BIGINT))[],
                              tweets STRUCT(id VARCHAR, text VARCHAR, note_tweet STRUCT(text VARCHAR))[])'})
    ), looked_up AS (
        SELECT tw, list_filter(includes.users, lambda u: u.id = tw.author_id)[1] AS author,
               tw.referenced_tweets[1] AS ref,
               CASE WHEN tw.referenced_tweets[1].type = 'retweeted'
                    THEN list_filter(includes.tweets, lambda x: x.id = tw.referenced_tweets[1].id)[1] END AS original
        FROM tweets
    )
    SELECT tw.id AS post_id, strptime(tw.created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at,
           coalesce(original.note_tweet.text, original.text, tw.note_tweet.text, tw.text) AS text,
           tw.author_id, author.username AS author_handle, author.name AS author_name,
           author.public_metrics.followers_count AS author_followers, ref.id AS ref_post_id,
           tw.lang, tw.public_metrics.retweet_count, tw.public_metrics.like_count,
           tw.public_metrics.reply_count, tw.public_metrics.quote_count,
           list_transform(tw.entities.hashtags, lambda h: h.tag) AS hashtags,
           list_transform(tw.entities.mentions, lambda m: m.username) AS mentions,
           list_transform(tw.entities.urls, lambda u: u.expanded_url) AS urls
    FROM looked_up
"""


def child_baseline(path: str, db: str) -> dict:
    import duckdb

    con = duckdb.connect(db)
    con.execute("SET enable_progress_bar = false")
    t, c = time.perf_counter(), time.process_time()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_json('{path}', format = 'newline_delimited')")
    secs, cpu = time.perf_counter() - t, time.process_time() - c
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
    return {"seconds": secs, "cpu": cpu, "rows": rows, "db_bytes": Path(db).stat().st_size}


def child_fair(path: str, db: str) -> dict:
    import duckdb

    con = duckdb.connect(db)
    con.execute("SET enable_progress_bar = false")
    sql = FAIR_V2 if "/v2_" in path else FAIR_V1
    t, c = time.perf_counter(), time.process_time()
    con.execute(sql, [path])
    secs, cpu = time.perf_counter() - t, time.process_time() - c
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
    return {"seconds": secs, "cpu": cpu, "rows": rows, "db_bytes": Path(db).stat().st_size}


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
    t, c = time.perf_counter(), time.process_time()
    reports = import_paths(ws, [path])
    secs, cpu = time.perf_counter() - t, time.process_time() - c
    rep = reports[0]
    posts = ws.con.execute("SELECT count(*) FROM posts").fetchone()[0]
    ws.close()
    stages: dict[str, float] = {}
    for label, s in timings:
        stages[label] = stages.get(label, 0.0) + s
    stages.update(waits)
    return {
        "seconds": secs,
        "cpu": cpu,
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
    ap.add_argument("--child", choices=("baseline", "fair", "import"), help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        fn = {"baseline": child_baseline, "fair": child_fair, "import": child_import}[args.child]
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
    results: dict[str, list[dict]] = {"baseline": [], "fair": [], "import": []}
    for run in range(1, args.runs + 1):
        for kind in ("baseline", "fair", "import"):
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
                f"run {run} {kind:8s}: {r['seconds']:7.1f} s (CPU {r['cpu']:6.1f} s)  {rate:9,.0f} posts/s  "
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
    f = median([r["seconds"] for r in results["fair"]])
    fair_pairs = [
        rf["seconds"] / ri["seconds"] for rf, ri in zip(results["fair"], results["import"], strict=True)
    ]
    print(
        f"fair read_json      median {f:7.1f} s  {args.posts / f:9,.0f} posts/s  rows "
        f"{results['fair'][-1]['rows']:,}  peak RSS {median([r['sampled_peak_rss_mb'] for r in results['fair']]):,.0f} MB"
    )
    print(
        f"ratio importer/fair: {f / i:.2f}  (issue 14's target >= {FAIR_TARGET}: "
        f"{'MEETS' if f / i >= FAIR_TARGET else 'BELOW'}); per run triple: "
        f"{', '.join(f'{x:.2f}' for x in fair_pairs)}"
    )
    fc, ic = median([r["cpu"] for r in results["fair"]]), median([r["cpu"] for r in results["import"]])
    fair_cpu_pairs = [
        rf["cpu"] / ri["cpu"] for rf, ri in zip(results["fair"], results["import"], strict=True)
    ]
    print(
        f"CPU time: fair median {fc:.1f} s, importer median {ic:.1f} s; ratio importer/fair (CPU): "
        f"{fc / ic:.2f}; per run: {', '.join(f'{x:.2f}' for x in fair_cpu_pairs)}"
    )
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
                    "fair_ratio": f / i,
                    "fair_pair_ratios": fair_pairs,
                    "fair_cpu_ratio": fc / ic,
                    "fair_cpu_pair_ratios": fair_cpu_pairs,
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
