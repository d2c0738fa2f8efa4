"""Errors the user sees, worded for a PR analyst rather than a programmer.

Every failure the core expects (a file it cannot read, a workspace another window holds) is
raised as a :class:`UserError` whose message says what was wrong and what to do about it.
"""

from __future__ import annotations


class UserError(Exception):
    """An expected failure with a message fit to show the user as it is."""


class ImportFailed(UserError):
    """A file could not be imported; the workspace is unchanged."""

    def __init__(self, path: str, problem: str) -> None:
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


class WorkspaceError(UserError):
    """A workspace could not be opened or created."""


class NeedsColumnMapping(ImportFailed):
    """A CSV whose columns the app does not know: the user must say which holds what."""

    def __init__(self, path: str, problem: str, columns: tuple[str, ...]) -> None:
        super().__init__(path, problem)
        self.columns = columns


class WorkspaceDamaged(WorkspaceError):
    """A workspace of ours with tables or views missing. ``repairable`` when the posts are
    there, so ``incident-timeline repair`` can rebuild the rest."""

    def __init__(self, path, missing: list[str]) -> None:
        from app.core.store.integrity import REQUIRED_FOR_REPAIR

        self.path, self.missing = path, missing
        self.repairable = not (set(missing) & REQUIRED_FOR_REPAIR)
        names = ", ".join(missing[:6]) + ("…" if len(missing) > 6 else "")
        if self.repairable:
            advice = (
                f"Its posts are intact: run  incident-timeline repair {path}  to rebuild what is "
                "missing (the timeline's summaries and the sentiment scores are rebuilt from the posts)."
            )
        else:
            advice = (
                "Its posts cannot be recovered from it: import the archive files again into a new workspace."
            )
        super().__init__(
            f"The workspace {path} is damaged: {names} {'is' if len(missing) == 1 else 'are'} missing. {advice}"
        )


class NeedsChoice(ImportFailed):
    """A file the app can read only once the user answers a question about it: which sheet of
    a workbook (``kind="sheet"``), which time zone its zone-less times are in
    (``"timezone"``), or whether 03/04/2015 is day or month first (``"date_order"``).
    ``options`` are the answers to offer (sheet names), ``example`` a value from the file."""

    def __init__(
        self, path: str, problem: str, kind: str, options: tuple[str, ...] = (), example: str = ""
    ) -> None:
        super().__init__(path, problem)
        self.kind, self.options, self.example = kind, options, example
