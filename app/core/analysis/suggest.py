"""Run every detector over a workspace and return what they found, one finding per event,
ranked by importance.

:data:`DETECTORS` lists the detector modules in the order they run; each has
``find(ctx) -> list[Finding]``. The brand's posts are found last because their response
latency is measured from the others (``brand.find(ctx, others)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core import early_warning as alert_rules
from app.core import gc_pause
from app.core.analysis.context import Context
from app.core.analysis.settings import Settings
from app.core.model import Finding
from app.core.progress import NullProgress, Progress, check
from app.core.store.workspace import Workspace

Detector = Callable[[Context], list[Finding]]


def detectors() -> list[tuple[str, Detector]]:
    """(progress message, detector) in the order they run. Imported here so that a module
    under work never breaks the import of the others."""
    from app.core.analysis import (
        amplification,
        early_warning,
        influence,
        peaks,
        press,
        sentiment_shifts,
        volume,
    )

    return [
        ("Looking for changes in volume", volume.find),
        ("Looking for peaks", peaks.find),
        ("Looking for shifts in sentiment", sentiment_shifts.find),
        ("Replaying the early-warning rule", early_warning.find),
        ("Looking for influential accounts", influence.find),
        ("Looking for amplified posts", amplification.find),
        ("Looking for the press", press.find),
    ]


def find(
    ws: Workspace,
    settings: Settings | None = None,
    progress: Progress | None = None,
    con: Any = None,
) -> list[Finding]:
    """Every finding of the workspace, ranked (most important first). Without ``settings``,
    the defaults with the workspace's own early-warning rule."""
    if settings is None:
        settings = Settings(alert=alert_rules.load_rule(ws))
    ctx = Context.build(ws, con or ws.cursor(), settings)
    return [] if ctx is None else find_in(ctx, progress)


def find_in(ctx: Context, progress: Progress | None = None) -> list[Finding]:
    """:func:`find` on a context at hand (the facts share theirs with the other analyses)."""
    from app.core.analysis import brand, ranking

    progress = progress or NullProgress()
    steps = detectors()
    found: list[Finding] = []
    with gc_pause.paused():
        for i, (message, detector) in enumerate(steps):
            check(progress)
            progress.report(i, len(steps) + 1, message)
            found += detector(ctx)
        check(progress)
        progress.report(len(steps), len(steps) + 1, "Listing the brand's actions")
        found = ranking.dedupe(found, ctx.settings.dedupe_bins * ctx.bin)
        found += brand.find(ctx, found)
        progress.report(1, 1, "Turning points ready")
        return ranking.rank(found, ctx)
