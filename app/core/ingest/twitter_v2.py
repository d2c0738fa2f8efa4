"""Twitter API v2 as twarc2 writes it: response pages, stream objects and flattened tweets.

Followers and handles come from the user objects a line carries (``includes.users`` or the
``author`` twarc2 copies inline), a retweet's full text from the referenced tweet; so a page
file and its flattened twin import to the same rows.
"""

from __future__ import annotations

from app.core.ingest.staging import STAGE, StageContext, record_source
from app.core.store import ingest_sql as q

_LINES = "itx_v2_lines"


def stage(ctx: StageContext) -> None:
    source, params = record_source(ctx)
    ctx.run(f"CREATE TEMP TABLE {_LINES} AS {q.stage_v2_lines(source)}", params)
    try:
        ctx.run(
            f"CREATE TEMP TABLE {STAGE} AS {q.stage_v2(_LINES)} "
            f"UNION ALL BY NAME {q.stage_v2_rejected_lines(_LINES)}",
            [],
            message="Matching authors",
        )
    finally:
        ctx.con.execute(q.drop(_LINES))
