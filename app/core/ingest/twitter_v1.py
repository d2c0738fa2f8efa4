"""Twitter API v1.1: streams (one status per line), arrays of statuses, search responses."""

from __future__ import annotations

from app.core.ingest.staging import STAGE, StageContext, record_source
from app.core.store import ingest_sql as q


def stage(ctx: StageContext) -> None:
    source, params = record_source(ctx)
    ctx.run(f"CREATE TEMP TABLE {STAGE} AS {q.stage_v1(source)}", params)
