"""Twitter API v2 as twarc2 writes it: response pages, stream objects and flattened tweets.

Followers and handles come from the user objects a line carries (``includes.users`` or the
``author`` twarc2 copies inline), a retweet's full text from the referenced tweet; so a page
file and its flattened twin import to the same rows.
"""

from __future__ import annotations

from app.core.ingest.staging import STAGE, StageContext, first_pass, json_lines, record_source
from app.core.store import ingest_sql as q

_LINES = "itx_v2_lines"


def stage(ctx: StageContext) -> None:
    source, params = record_source(ctx)
    ctx.run(f"CREATE TEMP TABLE {_LINES} AS {q.stage_v2_lines(q.v2_records(source))}", params)
    try:
        _stage_tweets(ctx)
    finally:
        ctx.con.execute(q.drop(_LINES))


def prestage(ctx: StageContext) -> bool:
    """A file of pages (or flattened tweets) staged by DuckDB's JSON reader, before the
    import's transaction; False (nothing staged) when it does not read the file cleanly (a
    damaged line, stream objects): :func:`stage` then does."""
    target = json_lines(ctx)
    if target is None:
        return False

    def build() -> None:
        ctx.run(f"CREATE TEMP TABLE {_LINES} AS {q.stage_v2_lines(q.V2_JSON_READER)}", list(target))

    def then() -> None:
        _stage_tweets(ctx)

    try:
        return first_pass(ctx, build, records=_LINES, tables=(_LINES, STAGE), then=then)
    finally:
        ctx.con.execute(q.drop(_LINES))


def _stage_tweets(ctx: StageContext) -> None:
    ctx.run(
        f"CREATE TEMP TABLE {STAGE} AS {q.stage_v2(_LINES)} "
        f"UNION ALL BY NAME {q.stage_v2_rejected_lines(_LINES)}",
        [],
        message="Matching authors",
    )
