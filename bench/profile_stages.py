#!/usr/bin/env python3
"""Where the importer and the scorer spend their time: the core's own SQL against variants.

    python bench/profile_stages.py [--posts 1000000] [--runs 2] [--only v1,v2,keys]

Reads the core's SQL from ``app.core.store`` (it changes nothing there) and times, each in a
fresh child process (peak RSS sampled), alternating ``--runs`` times:

  v1    the v1.1 staging query line by line (the importer's second path), the same with the
        line numbers taken out (``row_number() OVER ()`` over the raw lines), and with the
        records read by DuckDB's JSON reader (the importer's first pass);
  v2    the v2 lines table line by line and from the JSON reader (as the importer makes it),
        a bare one-pass ``from_json`` of the page, and of its ``data`` alone;
  keys  reading ``posts.text_key`` (UHUGEINT) as text the way sentiment scoring does
        (``text_key::VARCHAR``), against ``hex(text_key)`` and two UBIGINT halves.

These are findings to act on in the core, not targets: see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, ensure_archive, machine, median, remove_db, run_child, self_peak_rss_mb


def _con(db: Path):
    import duckdb

    remove_db(db)
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    return con


def _no_line_numbers(lines_sql: str) -> str:
    assert "row_number() OVER () AS line_no" in lines_sql
    return lines_sql.replace("row_number() OVER () AS line_no", "0 AS line_no")


def child(name: str, path: str, db: Path) -> dict:
    from app.core.store import ingest_sql as q

    con = _con(db)
    out: dict = {}
    t, c = time.perf_counter(), time.process_time()
    if name == "v1-as-is":
        con.execute(f"CREATE TEMP TABLE itx_stage AS {q.stage_v1(q.v1_records(q.LINES))}", [path, "none"])
    elif name == "v1-no-line-numbers":
        con.execute(
            f"CREATE TEMP TABLE itx_stage AS {q.stage_v1(q.v1_records(_no_line_numbers(q.LINES)))}",
            [path, "none"],
        )
    elif name == "v1-json-reader":
        con.execute(f"CREATE TEMP TABLE itx_stage AS {q.stage_v1(q.V1_JSON_READER)}", [path, "none"])
    elif name == "v2-lines-as-is":
        con.execute(f"CREATE TEMP TABLE l AS {q.stage_v2_lines(q.v2_records(q.LINES))}", [path, "none"])
    elif name == "v2-lines-json-reader":
        con.execute(f"CREATE TEMP TABLE l AS {q.stage_v2_lines(q.V2_JSON_READER)}", [path, "none"])
    elif name == "v2-data-only":
        shape = q.shape({"data": [q._V2_TWEET], "includes": {"users": [q._V2_USER], "tweets": [q._V2_REF]}})
        con.execute(
            f"""CREATE TEMP TABLE l AS SELECT line_no, r.data AS tweets FROM
                (SELECT line_no, try(from_json(line, {shape})) AS r FROM ({q.LINES}))""",
            [path, "none"],
        )
    elif name == "v2-one-pass-parse":
        shape = q.shape({"data": [q._V2_TWEET], "includes": {"users": [q._V2_USER], "tweets": [q._V2_REF]}})
        con.execute(
            f"""CREATE TEMP TABLE l AS SELECT line_no, r.data AS tweets,
                               coalesce(r.includes.users, []) AS inc_users,
                               coalesce(r.includes.tweets, []) AS inc_tweets
                        FROM (SELECT line_no, try(from_json(line, {shape})) AS r FROM ({q.LINES}))""",
            [path, "none"],
        )
    elif name.startswith("keys-"):
        con.execute(
            f"CREATE TABLE k AS SELECT md5_number(i::VARCHAR)::UHUGEINT AS text_key "
            f"FROM range({int(path)}) r(i)"
        )
        expr = {
            "keys-varchar": "text_key::VARCHAR",
            "keys-hex": "hex(text_key)",
            "keys-halves": "(text_key >> 64)::UBIGINT::VARCHAR || '.' || "
            "(text_key & 18446744073709551615::UHUGEINT)::UBIGINT::VARCHAR",
        }[name]
        t = time.perf_counter()
        rows = con.execute(f"SELECT {expr} FROM k").fetchall()
        out["rows"] = len(rows)
    else:
        raise SystemExit(f"unknown experiment {name}")
    out["seconds"] = time.perf_counter() - t
    out["cpu"] = time.process_time() - c
    mem = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0]
    out["duckdb_memory_gb_after"] = (mem or 0) / 1e9
    con.close()
    remove_db(db)
    return out


def compare(names: list[str], arg: str, runs: int, me: str) -> None:
    res: dict[str, list[dict]] = {n: [] for n in names}
    db = DATA / f"profile_stages_{os.getpid()}.duckdb"  # runs may overlap
    for _ in range(runs):
        for n in names:
            res[n].append(run_child([me, "--child", n, "--path", arg, "--db", str(db)]))
    base = median([r["seconds"] for r in res[names[0]]])
    base_cpu = median([r["cpu"] for r in res[names[0]]])
    for n in names:
        s = median([r["seconds"] for r in res[n]])
        rss = median([r["sampled_peak_rss_mb"] for r in res[n]])
        kept = median([r["duckdb_memory_gb_after"] for r in res[n]])
        each = ", ".join("{:.1f}".format(r["seconds"]) for r in res[n])
        cpu = median([r["cpu"] for r in res[n]])
        print(
            f"  {n:32s} {s:7.2f} s  ({s / base:4.2f}x)  CPU {cpu:7.2f} s ({cpu / base_cpu:4.2f}x)  peak RSS {rss:7,.0f} MB  "
            f"DuckDB memory after {kept:5.2f} GB   runs: {each}",
            flush=True,
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--keys", type=int, default=200_000, help="keys for the key-reading experiment")
    ap.add_argument("--only", default="v1,v2,keys")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        out = child(args.child, args.path, args.db)
        out["ru_maxrss_mb"] = self_peak_rss_mb()
        print(json.dumps(out))
        return 0

    print(machine())
    me = str(Path(__file__).resolve())
    only = set(args.only.split(","))
    if "v1" in only:
        path = ensure_archive(args.posts, "v1")
        print(f"v1.1 staging query ({args.posts:,} posts):")
        compare(["v1-as-is", "v1-no-line-numbers", "v1-json-reader"], str(path), args.runs, me)
    if "v2" in only:
        path = ensure_archive(args.posts, "v2")
        print(f"v2 page parse, itx_v2_lines ({args.posts:,} posts):")
        compare(
            ["v2-lines-as-is", "v2-lines-json-reader", "v2-one-pass-parse", "v2-data-only"],
            str(path),
            args.runs,
            me,
        )
    if "keys" in only:
        print(f"reading {args.keys:,} UHUGEINT text keys as text:")
        compare(["keys-varchar", "keys-hex", "keys-halves"], str(args.keys), args.runs, me)
    return 0


if __name__ == "__main__":
    sys.exit(main())
