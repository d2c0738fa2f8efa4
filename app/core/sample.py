"""The bundled sample incident: building its workspace and naming it."""

from __future__ import annotations

from pathlib import Path

from app.core.model import FileReport
from app.core.pipeline import import_score_refresh
from app.core.progress import NullProgress, Progress
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
        if ws.incident_name == "Untitled incident":
            # before the import: the rollups are built once, for the brand's accounts
            ws.configure(name=SAMPLE_NAME, timezone=SAMPLE_TIMEZONE, brand_handles=SAMPLE_BRAND)
        return import_score_refresh(ws, [archive], progress, score=score).reports
