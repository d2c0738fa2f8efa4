"""``incident-timeline repair``: make a damaged workspace whole again from its posts.

What the app derives from the posts (the sentiment scores, the timeline's rollups) is
rebuilt; what only the user made (turning points, labels, chronicle edits, settings) cannot
be rebuilt, so a lost table of that kind comes back empty and the report says so. A
workspace without its posts cannot be repaired: the archives must be imported again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from app.core import rollup
from app.core.errors import UserError
from app.core.pipeline import score_and_refresh
from app.core.progress import NullProgress, Progress
from app.core.store import integrity
from app.core.store.workspace import Workspace


@dataclass
class RepairReport:
    #: tables and views that were missing and were created again
    recreated: list[str] = field(default_factory=list)
    #: of those, the ones whose content the user made and is lost (they are empty now)
    lost: list[str] = field(default_factory=list)
    scored: int = 0

    def summary(self, path: str) -> str:
        if not self.recreated:
            text = f"{path}: nothing was missing; the timeline's summaries were rebuilt"
        else:
            text = (
                f"{path}: created again: {', '.join(self.recreated)}; the timeline's summaries were rebuilt"
            )
        text += f", {self.scored:,} texts scored." if self.scored else "; every post is scored."
        if self.lost:
            text += (
                f"\n    {', '.join(self.lost)} held what was made by hand (turning points, labels, "
                "chronicle edits or settings) and could not be rebuilt: they start empty."
            )
        return text


def repair(path: str | os.PathLike, progress: Progress | None = None) -> RepairReport:
    progress = progress or NullProgress()
    with Workspace.open(path, allow_damaged=True) as ws:
        missing = integrity.missing_objects(ws.con)
        lost = sorted(set(missing) & integrity.REQUIRED_FOR_REPAIR)
        if lost:
            raise UserError(
                f"The workspace {path} has lost its {' and '.join(lost)}: the posts cannot be recovered "
                "from it. Import the archive files again into a new workspace."
            )
        report = RepairReport()
        report.recreated = ws.recreate_missing()
        report.lost = [n for n in report.recreated if not integrity.is_derived(n) and _is_table(n)]
        rollup.invalidate(ws)  # rebuilt below from the posts, whatever state they were in
        report.scored = score_and_refresh(ws, progress).scored
    return report


def _is_table(name: str) -> bool:
    return any(kind == "table" and n == name for kind, n, _ in integrity.expected_objects())
