"""Undoable changes to the turning points: every change is written to the workspace at once.

Each command applies itself through the core (:mod:`app.core.annotations`) and then asks the
window to redraw; undo applies the inverse, so a crash at any moment loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from app.core import annotations as core
from app.core.annotations import Annotation
from app.core.store.workspace import Workspace


class _Command(QUndoCommand):
    def __init__(self, ws: Workspace, changed: Callable[[], None], text: str) -> None:
        super().__init__(text)
        self.ws, self.changed = ws, changed


class AddAnnotation(_Command):
    def __init__(self, ws: Workspace, annotation: Annotation, changed: Callable[[], None]) -> None:
        super().__init__(ws, changed, f"Add “{annotation.label}”")
        self.annotation = annotation
        self.saved: Annotation | None = None

    def redo(self) -> None:
        # the first time it gets its id; after an undo it comes back with the same one
        self.saved = (
            core.add(self.ws, self.annotation) if self.saved is None else core.restore(self.ws, self.saved)
        )
        self.changed()

    def undo(self) -> None:
        if self.saved is not None and self.saved.id is not None:
            core.delete(self.ws, self.saved.id)
        self.changed()


class EditAnnotation(_Command):
    def __init__(
        self,
        ws: Workspace,
        before: Annotation,
        after: Annotation,
        changed: Callable[[], None],
        text: str = "",
    ) -> None:
        super().__init__(ws, changed, text or f"Edit “{after.label}”")
        self.before, self.after = before, after

    def redo(self) -> None:
        core.update(self.ws, self.after)
        self.changed()

    def undo(self) -> None:
        core.update(self.ws, self.before)
        self.changed()


class DeleteAnnotation(_Command):
    def __init__(self, ws: Workspace, annotation: Annotation, changed: Callable[[], None]) -> None:
        super().__init__(ws, changed, f"Delete “{annotation.label}”")
        self.annotation = annotation

    def redo(self) -> None:
        core.delete(self.ws, self.annotation.id)
        self.changed()

    def undo(self) -> None:
        core.restore(self.ws, self.annotation)
        self.changed()
