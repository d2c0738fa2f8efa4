"""Mastodon account archives: ``outbox.json`` with ``actor.json``, in the downloaded .zip or
unpacked in a folder.

The outbox is read by DuckDB (:mod:`app.core.store.ingest_social_sql`); the account's display
name comes from ``actor.json`` (its handle, ``user@server``, from each activity's actor). The
archive carries no follower counts: they stay unknown.
"""

from __future__ import annotations

import json
import shutil
import zipfile
import zlib
from pathlib import Path

from app.core.errors import ImportFailed
from app.core.ingest.sources import read_sibling, write_temp
from app.core.ingest.staging import STAGE, StageContext, readable
from app.core.store import ingest_social_sql as q

_CHUNK = 1 << 20


def _actor_name(data: bytes | None) -> str | None:
    if not data:
        return None
    try:
        actor = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return actor.get("name") or actor.get("preferredUsername") if isinstance(actor, dict) else None


def stage(ctx: StageContext) -> None:
    actor: bytes | None = None
    if ctx.detected.member:  # the archive's zip
        member = ctx.detected.member
        out = ctx.tmpdir / "outbox.json"
        try:
            with zipfile.ZipFile(ctx.path) as zf:
                actor_name = str(Path(member).with_name("actor.json"))
                if actor_name in zf.namelist():
                    actor = zf.read(actor_name)
                with zf.open(member) as src:
                    write_temp(ctx.path, out, lambda dst: shutil.copyfileobj(src, dst, _CHUNK))
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise ImportFailed(
                str(ctx.path), f"the zip file is damaged or cut short ({exc}); download the archive again."
            ) from None
        path, compression = str(out), "none"
    else:
        actor = read_sibling(ctx.path, "actor.json")
        path, compression = readable(ctx)
    ctx.run(
        f"CREATE TEMP TABLE {STAGE} AS {q.stage_mastodon(q.OUTBOX_ITEMS)}",
        [_actor_name(actor), path, compression],
    )
