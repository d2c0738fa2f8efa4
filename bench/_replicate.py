#!/usr/bin/env python3
"""A 10M-post workspace from a 1M one in minutes: the posts copied ``--times`` times.

    python bench/_replicate.py bench/data/queries_1000000.duckdb bench/data/queries_10000000.duckdb --times 10

Generating and importing a 10M archive takes about an hour; the timeline's queries only need
a posts table of that size and shape. Copy k (0 .. times-1) of each post is moved ``k * 37``
milliseconds later (so the incident keeps its span and is ``times`` as dense, as
``generate_archive.py --posts 10000000`` makes it: six days either way), and a snowflake id
(the post's own and the one it points to) is moved by the same milliseconds, so that an id
still carries its post's time (``get_post`` looks there first) and a retweet points at its
copy's original. Texts, authors and scores are shared with the original posts (scores are
keyed by text). The posts are written in time order, as one import of a big file writes
them; then the rollups are built through the app's own code (``app.core.rollup.ensure``).

``--accounts`` says who wrote the copies:

* ``same`` (the default): every copy by the same accounts, so each account posts ``times`` as
  often, in bursts of ``times`` posts within ``(times - 1) * 37`` ms. A hard case for the
  per-account measures (at 10M, 94% of the posts are by automated-account candidates), not
  the shape ``generate_archive.py --posts 10000000`` gives;
* ``distinct``: copy k > 0 is written by accounts of its own (handle, id, and the handles it
  replies to, shares and mentions, suffixed ``_r<k>``), all but the brand's, so the archive
  has ``times`` as many accounts each behaving as in the source, as the generator's pool of
  ``posts / 10`` accounts makes it. The brand keeps its handle, and posts ``times`` as often,
  as in a generated archive (the brand is one account of the pool, drawn like the others).

The source is only read (ATTACHed read-only); the target must not exist.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _common import ROOT  # noqa: F401  (puts the repository on sys.path)

from app.core import rollup
from app.core.store.workspace import Workspace

STEP_MS = 37
# The bench's own SQL over a copy of a workspace, not the app's.
TABLES = """
    SELECT table_name FROM duckdb_tables()
    WHERE database_name = 'src' AND schema_name = 'main'
          AND table_name <> 'posts' AND table_name NOT LIKE 'rollup_%'
"""
# a snowflake id moved by k * STEP_MS milliseconds; any other id gets a suffix
MOVE_ID = (
    "CASE WHEN {c} SIMILAR TO '[0-9]{{15,19}}' "
    "THEN ({c}::HUGEINT + (k * {step})::HUGEINT * 4194304)::VARCHAR "
    "WHEN k = 0 THEN {c} ELSE {c} || '~' || k END"
)
# copy k's name of an account (a handle, or an id): its own from k = 1 on, but the brand's
OWN = "CASE WHEN k = 0 OR {c} IS NULL OR list_contains($2::VARCHAR[], lower({c})) THEN {c} ELSE {c} || '_r' || k END"
SAME = "CASE WHEN $2::VARCHAR[] IS NULL THEN {c} ELSE {c} END"
COPY_POSTS = f"""
    INSERT INTO posts
    SELECT platform, {MOVE_ID.format(c="post_id", step=STEP_MS)}, created_at + to_milliseconds(k * {STEP_MS}),
           <who_id>, <who>, author_name, author_followers, text, kind,
           CASE WHEN ref_post_id IS NULL THEN NULL ELSE {MOVE_ID.format(c="ref_post_id", step=STEP_MS)} END,
           <ref_who>, ref_text, lang, retweet_count, like_count, reply_count, quote_count,
           hashtags, <mentions>, urls, text_key, import_id, post_url, vendor_sentiment, vendor_reach
    FROM src.posts, (SELECT range AS k FROM range($1)) copies
    ORDER BY created_at + to_milliseconds(k * {STEP_MS}), k, src.posts.rowid
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("target", type=Path)
    ap.add_argument("--times", type=int, default=10)
    ap.add_argument("--accounts", choices=("same", "distinct"), default="same")
    args = ap.parse_args(argv)
    if args.target.exists():
        sys.exit(f"{args.target} exists")
    t0 = time.perf_counter()
    ws = Workspace.open(args.target, create=True)
    con = ws.cursor()
    con.execute(f"ATTACH '{args.source}' AS src (READ_ONLY)")
    with ws.transaction(con):
        for (table,) in con.execute(TABLES).fetchall():
            con.execute(f"DELETE FROM main.{table}")
            con.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table}")
        name = OWN if args.accounts == "distinct" else SAME
        brand = json.loads(
            con.execute("SELECT value FROM src.meta WHERE key = 'brand_handles'").fetchone()[0]
        )
        sql = (
            COPY_POSTS.replace("<who_id>", name.format(c="author_id"))
            .replace("<who>", name.format(c="author_handle"))
            .replace("<ref_who>", name.format(c="ref_author_handle"))
            .replace("<mentions>", f"list_transform(mentions, lambda m: {name.format(c='m')})")
        )
        con.execute(sql, [args.times, [h.lower() for h in brand]])
        rollup.invalidate(ws, con)
    con.execute("DETACH src")
    n, distinct = con.execute("SELECT count(*), count(DISTINCT (platform, post_id)) FROM posts").fetchone()
    print(f"{n:,} posts ({distinct:,} distinct ids) in {time.perf_counter() - t0:.0f} s", flush=True)
    t = time.perf_counter()
    rollup.ensure(ws, con=con)
    con.execute("CHECKPOINT")
    print(f"rollups built in {time.perf_counter() - t:.0f} s", flush=True)
    ws.close()
    return 0 if n == distinct else 1


if __name__ == "__main__":
    sys.exit(main())
