"""The sample incident cut into the awkward shapes real archives come in.

Each variant is the bundled #AskJPM archive rewritten line by line, then imported and scored
with the real importer and scorer into a real workspace:

* ``no_followers``: no user object carries a follower count (a CSV export, an X archive);
* ``no_brand``: the brand's own posts are missing (an archive collected by mention: it holds
  the posts *to* @jpmorgan, the replies to its posts and the retweets of them, not its posts);
* ``mid_incident``: the collection starts in the middle of the storm (Wed 13 Nov, 5:30 pm EST);
* ``full``: the archive as shipped.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone
from pathlib import Path

from app.core.ingest import import_paths
from app.core.sample import SAMPLE_BRAND, SAMPLE_NAME, SAMPLE_TIMEZONE
from app.core.sentiment import score_missing
from app.core.store.workspace import Workspace
from app.paths import sample_archive

#: Wed 13 Nov 2013, 5:30 pm EST, in the storm's first peak hour
MID_INCIDENT = datetime(2013, 11, 13, 22, 30, tzinfo=timezone.utc).timestamp()

VARIANTS = ("full", "no_followers", "no_brand", "mid_incident")


def _strip_followers(obj: object) -> None:
    if isinstance(obj, dict):
        obj.pop("followers_count", None)
        for v in obj.values():
            _strip_followers(v)
    elif isinstance(obj, list):
        for v in obj:
            _strip_followers(v)


def _keep(status: dict, variant: str) -> bool:
    if "created_at" not in status or "user" not in status:
        return True  # notices (deletions, limits) stay as they are
    if variant == "no_brand":
        return status["user"].get("screen_name", "").lower() not in SAMPLE_BRAND
    if variant == "mid_incident":
        t = datetime.strptime(status["created_at"], "%a %b %d %H:%M:%S %z %Y").timestamp()
        return t >= MID_INCIDENT
    return True


def write_variant(variant: str, path: Path) -> Path:
    with gzip.open(sample_archive(), "rt", encoding="utf-8") as src, path.open("w", encoding="utf-8") as out:
        for line in src:
            if not line.strip():
                continue
            obj = json.loads(line)
            if not _keep(obj, variant):
                continue
            if variant == "no_followers":
                _strip_followers(obj)
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return path


def build(variant: str, folder: Path) -> Path:
    """The variant's workspace (made once per folder)."""
    ws_path = folder / f"{variant}.duckdb"
    if ws_path.exists():
        return ws_path
    archive = write_variant(variant, folder / f"{variant}.jsonl")
    with Workspace.open(ws_path, create=True) as ws:
        reports = import_paths(ws, [archive])
        assert all(r.ok for r in reports), [r.error for r in reports]
        ws.configure(name=f"{SAMPLE_NAME}: {variant}", timezone=SAMPLE_TIMEZONE, brand_handles=SAMPLE_BRAND)
        score_missing(ws)
    return ws_path
