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
