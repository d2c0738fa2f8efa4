"""Small data shapes shared across the core: what an import reports."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rejection:
    """Records of one kind that were not imported: why, how many, and where (first lines)."""

    reason: str
    count: int
    lines: tuple[int, ...] = ()

    def as_dict(self) -> dict:
        return {"reason": self.reason, "count": self.count, "lines": list(self.lines)}


@dataclass
class FileReport:
    """What importing one file did. ``error`` is set (and nothing was added) if it failed."""

    path: str
    format: str | None = None
    format_label: str | None = None
    import_id: int | None = None
    read: int = 0
    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    error: str | None = None
    sha256: str | None = None
    #: the import that brought in the same file (by content) before, if any
    seen_before: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "format": self.format,
            "format_label": self.format_label,
            "import_id": self.import_id,
            "read": self.read,
            "added": self.added,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "skipped": dict(self.skipped),
            "rejections": [r.as_dict() for r in self.rejections],
            "error": self.error,
            "sha256": self.sha256,
            "seen_before": self.seen_before,
        }

    def summary(self) -> str:
        """One or two lines a PR analyst can read."""
        if self.error:
            return f"{self.path}: not imported: {self.error}"
        parts = [f"{self.added:,} added", f"{self.duplicates:,} already in the workspace"]
        if self.rejected:
            parts.append(f"{self.rejected:,} rejected")
        text = f"{self.path} ({self.format_label}): " + ", ".join(parts)
        for r in self.rejections:
            where = ", ".join(str(n) for n in r.lines[:5])
            more = "…" if r.count > len(r.lines[:5]) else ""
            text += f"\n    rejected {r.count:,}: {r.reason} (line {where}{more})"
        for what, n in self.skipped.items():
            text += f"\n    skipped {n:,} {what}"
        if self.seen_before and not self.added:
            text += f"\n    (this file was already imported as import #{self.seen_before})"
        return text
