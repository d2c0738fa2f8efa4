"""Undoable changes to the turning points: every change is written to the workspace at once,
off the UI thread.

Each command hands its write to ``write(fn, done)`` (the window's :meth:`TaskRunner.write`,
which runs writes one after another in the order asked) and redraws when it is done; undo
writes the inverse. Because writes run in order on one thread, an undo asked before its
command's write finished still finds what that write stored (the id of a new turning point).
A crash at any moment loses nothing that was done.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from app.core import annotations as core
from app.core.annotations import Annotation
from app.core.store.workspace import Workspace

#: runs a write off the UI thread, then calls ``done`` on the UI thread
Writer = Callable[[Callable[[], object], Callable[[], None]], None]


class _Command(QUndoCommand):
    def __init__(self, ws: Workspace, write: Writer, changed: Callable[[], None], text: str) -> None:
        super().__init__(text)
        self.ws, self.write, self.changed = ws, write, changed

    def _run(self, fn: Callable[[], object]) -> None:
        self.write(fn, self.changed)


class AddAnnotation(_Command):
    def __init__(
        self, ws: Workspace, annotation: Annotation, write: Writer, changed: Callable[[], None]
    ) -> None:
        super().__init__(ws, write, changed, f"Add “{annotation.label}”")
        self.annotation = annotation
        self.saved: Annotation | None = None

    def redo(self) -> None:
        self._run(self._add)

    def _add(self) -> None:
        # the first time it gets its id; after an undo it comes back with the same one
        self.saved = (
            core.add(self.ws, self.annotation) if self.saved is None else core.restore(self.ws, self.saved)
        )

    def undo(self) -> None:
        self._run(self._remove)

    def _remove(self) -> None:
        if self.saved is not None and self.saved.id is not None:
            core.delete(self.ws, self.saved.id)


class EditAnnotation(_Command):
    def __init__(
        self,
        ws: Workspace,
        before: Annotation,
        after: Annotation,
        write: Writer,
        changed: Callable[[], None],
        text: str = "",
    ) -> None:
        super().__init__(ws, write, changed, text or f"Edit “{after.label}”")
        self.before, self.after = before, after

    def redo(self) -> None:
        self._run(lambda: core.update(self.ws, self.after))

    def undo(self) -> None:
        self._run(lambda: core.update(self.ws, self.before))


class DeleteAnnotation(_Command):
    def __init__(
        self, ws: Workspace, annotation: Annotation, write: Writer, changed: Callable[[], None]
    ) -> None:
        super().__init__(ws, write, changed, f"Delete “{annotation.label}”")
        self.annotation = annotation

    def redo(self) -> None:
        self._run(lambda: core.delete(self.ws, self.annotation.id))

    def undo(self) -> None:
        self._run(lambda: core.restore(self.ws, self.annotation))
