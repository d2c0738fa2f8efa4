"""Bluesky posts as twitwi / minet write them: the API's post views, one per line or in a JSON
list, some wrapped as feed items (a repost names who reposted it and when).

Read by DuckDB (:mod:`app.core.store.ingest_social_sql`). Post views carry no follower counts
unless the collector added them: unknown otherwise.
"""

from __future__ import annotations

from app.core.ingest.staging import STAGE, StageContext, record_source
from app.core.store import ingest_social_sql as q


def stage(ctx: StageContext) -> None:
    source, params = record_source(ctx)
    ctx.run(f"CREATE TEMP TABLE {STAGE} AS {q.stage_bluesky(source)}", params)
