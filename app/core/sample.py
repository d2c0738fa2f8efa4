"""The bundled sample incident: building its workspace and naming it."""

from __future__ import annotations

from pathlib import Path

from app.core import rollup
from app.core.ingest import import_paths
from app.core.model import FileReport
from app.core.progress import NullProgress, Progress, SubProgress
from app.core.sentiment import score_missing
from app.core.store.workspace import Workspace

SAMPLE_NAME = "#AskJPM Twitter Q&A, November 2013 (reconstruction)"
SAMPLE_TIMEZONE = "America/New_York"
SAMPLE_BRAND = ["jpmorgan"]


def build_sample(
    workspace: Path, archive: Path, progress: Progress | None = None, score: bool = True
) -> list[FileReport]:
    """Create (or complete) the sample workspace: import, name it, score it."""
    progress = progress or NullProgress()
    with Workspace.open(workspace, create=True) as ws:
        reports = import_paths(ws, [archive], SubProgress(progress, 0, 0.5, 1))
        failed = [r for r in reports if r.error]
        if failed:
            return reports
        if ws.incident_name == "Untitled incident":
            ws.configure(name=SAMPLE_NAME, timezone=SAMPLE_TIMEZONE, brand_handles=SAMPLE_BRAND)
        if score:
            score_missing(ws, SubProgress(progress, 0.5, 0.9, 1))
        rollup.ensure(ws, SubProgress(progress, 0.9, 1, 1))
    return reports
