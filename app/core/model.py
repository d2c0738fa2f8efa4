"""Small data shapes shared across the core: what an import reports."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rejection:
    """Records of one kind that were not imported: why, how many, where (first positions) and,
    when one value was to blame, the first offending values as the file wrote them."""

    reason: str
    count: int
    lines: tuple[int, ...] = ()
    values: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "reason": self.reason,
            "count": self.count,
            "lines": list(self.lines),
            "values": list(self.values),
        }


@dataclass(frozen=True)
class Conflict:
    """A post id the file holds more than once with a different text or author: the last copy
    was kept, the others (at ``lines``) were counted as conflicts."""

    post_id: str
    lines: tuple[int, ...]

    def as_dict(self) -> dict:
        return {"post_id": self.post_id, "lines": list(self.lines)}


@dataclass(frozen=True)
class Question:
    """What the user must answer before a file can be imported: ``mapping`` (which column
    holds what: ``columns``), ``sheet`` (``options``: the workbook's sheets with tables),
    ``timezone`` or ``date_order`` (``example``: a value from the file)."""

    kind: str
    options: tuple[str, ...] = ()
    example: str = ""
    columns: tuple[str, ...] = ()


@dataclass
class FileReport:
    """What importing one file did. ``error`` is set (and nothing was added) if it failed.

    The counts add up: ``read = added + already_in_workspace + duplicates_in_file + conflicts
    + rejected``. Records that are not posts at all (a stream's deletion notices) are not
    ``read`` posts: they are counted apart in ``skipped``.
    """

    path: str
    format: str | None = None
    format_label: str | None = None
    import_id: int | None = None
    read: int = 0
    added: int = 0
    already_in_workspace: int = 0
    duplicates_in_file: int = 0
    conflicts: int = 0
    rejected: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    conflict_ids: list[Conflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the zone times without one were read in (None when the file gave every zone)
    timezone: str | None = None
    #: human sentiment labels the file carried (``--map COLUMN=human_label``), written or updated
    labels: int = 0
    #: how the file counts its records: "line" (JSON lines, CSV), "row" (a workbook) or "record"
    position: str = "line"
    error: str | None = None
    #: set with ``error`` when the file can be imported once the user answers a question
    needs: Question | None = None
    sha256: str | None = None
    #: the import that brought in the same file (by content) before, if any
    seen_before: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def counts_add_up(self) -> bool:
        return self.read == (
            self.added + self.already_in_workspace + self.duplicates_in_file + self.conflicts + self.rejected
        )

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "format": self.format,
            "format_label": self.format_label,
            "import_id": self.import_id,
            "read": self.read,
            "added": self.added,
            "already_in_workspace": self.already_in_workspace,
            "duplicates_in_file": self.duplicates_in_file,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "rejections": [r.as_dict() for r in self.rejections],
            "conflict_ids": [c.as_dict() for c in self.conflict_ids],
            "skipped": dict(self.skipped),
            "warnings": list(self.warnings),
            "timezone": self.timezone,
            "labels": self.labels,
            "position": self.position,
            "error": self.error,
            "needs": self.needs.kind if self.needs else None,
            "sha256": self.sha256,
            "seen_before": self.seen_before,
        }

    def summary(self) -> str:
        """A few lines a PR analyst can read."""
        if self.error:
            text = f"{self.path}: not imported: {self.error}"
            if self.read:
                text += f"\n    ({self.read:,} records read, {self.rejected:,} of them rejected)"
            return text + self._rejection_lines()
        parts = [f"{self.read:,} read", f"{self.added:,} added"]
        parts.append(f"{self.already_in_workspace:,} already in the workspace")
        if self.duplicates_in_file:
            parts.append(f"{self.duplicates_in_file:,} repeated in the file")
        if self.conflicts:
            parts.append(f"{self.conflicts:,} conflicting copies")
        parts.append(f"{self.rejected:,} rejected")
        text = f"{self.path} ({self.format_label}): " + ", ".join(parts)
        text += self._rejection_lines()
        for c in self.conflict_ids[:5]:
            text += (
                f"\n    conflict: post {c.post_id} appears with a different text or author at "
                f"{self.position} {', '.join(str(n) for n in c.lines[:5])} (the last copy was kept)"
            )
        for what, n in self.skipped.items():
            text += f"\n    skipped {n:,} {what} (not posts)"
        if self.labels:
            text += f"\n    {self.labels:,} sentiment labels from the file were kept"
        if self.timezone:
            text += f"\n    times without a zone were read as {self.timezone} time"
        for w in self.warnings:
            text += f"\n    warning: {w}"
        if self.seen_before and not self.added:
            text += f"\n    (this file was already imported as import #{self.seen_before})"
        return text

    def _rejection_lines(self) -> str:
        text = ""
        for r in self.rejections:
            if r.values:
                where = ", ".join(
                    f"{self.position} {n}: “{_short(v)}”" for n, v in zip(r.lines, r.values[:3], strict=False)
                )
            else:
                where = f"{self.position} " + ", ".join(str(n) for n in r.lines[:5])
            more = ", …" if r.count > min(len(r.lines), 3 if r.values else 5) else ""
            text += f"\n    rejected {r.count:,}: {r.reason} ({where}{more})"
        return text


def _short(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
