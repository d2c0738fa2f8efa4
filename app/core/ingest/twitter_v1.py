"""Twitter API v1.1: streams (one status per line), arrays of statuses, search responses."""

from __future__ import annotations

from app.core.ingest.staging import STAGE, StageContext, first_pass, json_lines, record_source
from app.core.store import ingest_sql as q


def stage(ctx: StageContext) -> None:
    source, params = record_source(ctx)
    ctx.run(f"CREATE TEMP TABLE {STAGE} AS {q.stage_v1(q.v1_records(source))}", params)


def prestage(ctx: StageContext) -> bool:
    """A JSON-lines file staged by DuckDB's JSON reader, before the import's transaction;
    False (nothing staged) when it does not read the file cleanly: :func:`stage` then does."""
    target = json_lines(ctx)
    if target is None:
        return False

    def build() -> None:
        ctx.run(f"CREATE TEMP TABLE {STAGE} AS {q.stage_v1(q.V1_JSON_READER)}", list(target))

    return first_pass(ctx, build, records=STAGE, tables=(STAGE,))
