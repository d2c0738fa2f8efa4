"""The one path from archive files to a workspace ready to explore: import the files, score
the sentiment of whatever lacks it, refresh the timeline's rollups.

The command line's ``import``, the sample incident and the window (after its import
dialog) all go through here, so they cannot drift apart. Each stage can be cancelled and
says exactly what was kept:

* **import**: one transaction per file: the file being read when the cancel came is not
  kept at all, the files finished before it are;
* **score**: every finished chunk of scores is committed, so a cancel keeps the posts and
  the scores done so far, and the next run scores only what is missing;
* **refresh**: the rollups are rebuilt in one transaction (a cancel keeps the old ones, and
  they are rebuilt when next needed).

Scoring runs whenever texts lack scores, also when nothing new was imported: importing a
file again after an interrupted run completes its scores.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.core import rollup
from app.core.ingest import ImportCancelled, expand_paths, import_paths
from app.core.ingest.options import ImportOptions
from app.core.model import FileReport
from app.core.progress import Cancelled, NullProgress, Progress, SubProgress
from app.core.sentiment import missing_count, score_missing
from app.core.store.workspace import Workspace


@dataclass
class PipelineResult:
    """What a run did: one report per file, and how many texts were scored."""

    reports: list[FileReport] = field(default_factory=list)
    #: distinct texts scored by this run
    scored: int = 0
    #: distinct texts still without scores (0 unless scoring was skipped)
    unscored: int = 0


class PipelineCancelled(Cancelled):
    """The user stopped the run; the message says what was kept. ``stage`` is ``import``,
    ``score`` or ``refresh``; ``result`` holds what was completed."""

    def __init__(self, message: str, stage: str, result: PipelineResult) -> None:
        super().__init__(message)
        self.stage, self.result = stage, result


#: the share of the progress bar the import takes (when there are files), and the share
#: of the rest that scoring takes (the rollups have the remainder)
_IMPORT_SHARE, _SCORE_SHARE = 0.7, 0.9


def import_score_refresh(
    ws: Workspace,
    paths: Iterable[str | os.PathLike],
    progress: Progress | None = None,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    score: bool = True,
    on_file: Callable[[FileReport], None] | None = None,
    options: ImportOptions | None = None,
) -> PipelineResult:
    """Import ``paths`` (files and folders; ``fmt``, ``mapping`` and ``options`` as for
    :func:`~app.core.ingest.import_paths`), then score and refresh as
    :func:`score_and_refresh`. Raises :class:`PipelineCancelled` if cancelled."""
    progress = progress or NullProgress()
    files = expand_paths(paths)
    result = PipelineResult()
    try:
        result.reports = import_paths(
            ws,
            files,
            SubProgress(progress, 0, _IMPORT_SHARE, 1),
            fmt=fmt,
            mapping=mapping,
            on_file=on_file,
            options=options,
        )
    except ImportCancelled as exc:
        result.reports = exc.reports
        current = files[len(exc.reports)] if len(exc.reports) < len(files) else None
        raise PipelineCancelled(_import_cancelled(current, exc.reports), "import", result) from None
    tail = SubProgress(progress, _IMPORT_SHARE, 1, 1)
    _score_and_refresh(ws, tail, score, result)
    return result


def score_and_refresh(ws: Workspace, progress: Progress | None = None, score: bool = True) -> PipelineResult:
    """Score every text that lacks scores (unless ``score`` is false), then bring the
    rollups up to date. Raises :class:`PipelineCancelled` if cancelled."""
    result = PipelineResult()
    _score_and_refresh(ws, progress or NullProgress(), score, result)
    return result


def _score_and_refresh(ws: Workspace, progress: Progress, score: bool, result: PipelineResult) -> None:
    share = _SCORE_SHARE
    missing = missing_count(ws)
    if score and missing:
        if progress.cancelled():
            raise PipelineCancelled(_score_cancelled(result, 0, missing), "score", result)
        scoring = _Counting(SubProgress(progress, 0, share, 1))
        try:
            result.scored = score_missing(ws, scoring)
        except Cancelled:
            result.scored = scoring.done
            raise PipelineCancelled(
                _score_cancelled(result, scoring.done, missing), "score", result
            ) from None
        missing = missing_count(ws) if result.scored < missing else 0
    result.unscored = missing
    try:
        rollup.ensure(ws, SubProgress(progress, share, 1, 1))
    except Cancelled:
        raise PipelineCancelled(
            _files_kept(result.reports)
            + "Cancelled while preparing the timeline: the posts and their scores were kept; "
            "the timeline's summaries are rebuilt the next time the workspace is used.",
            "refresh",
            result,
        ) from None


class _Counting:
    """Passes progress on and remembers how many texts were scored when a cancel came."""

    def __init__(self, parent: Progress) -> None:
        self.parent, self.done = parent, 0

    def report(self, done: float, total: float | None, message: str = "") -> None:
        if total and done < total:
            self.done = int(done)
        elif total:
            self.done = int(total)
        self.parent.report(done, total, message)

    def cancelled(self) -> bool:
        return self.parent.cancelled()


def _import_cancelled(current, kept: list[FileReport]) -> str:
    what = f"nothing of {current} was kept" if current is not None else "nothing more was imported"
    text = f"Cancelled: {what}."
    done = [r for r in kept if r.ok]
    if done:
        n = len(done)
        text += (
            f" The {n} file{'s' if n != 1 else ''} imported before it {'were' if n != 1 else 'was'} kept"
            " (their sentiment is not scored yet): run the same import again to finish; posts "
            "already in the workspace are not added twice."
        )
    else:
        text += " The workspace is as it was."
    return text


def _score_cancelled(result: PipelineResult, scored: int, missing: int) -> str:
    return (
        _files_kept(result.reports)
        + f"Cancelled while scoring sentiment: {scored:,} of {missing:,} texts were "
        "scored and kept; the rest are scored the next time you import into this workspace "
        "(importing the same file again is enough)."
    )


def _files_kept(reports: list[FileReport]) -> str:
    added = sum(r.added for r in reports if r.ok)
    if not reports:
        return ""
    if not added:
        return "The import added no new posts. "
    return f"The import was completed and kept ({added:,} posts added). "
