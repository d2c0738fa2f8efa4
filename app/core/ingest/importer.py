"""Importing files into a workspace: one transaction per file, a report per file.

:func:`import_paths` takes files and folders, detects each file's format, stages its records
with the format's module and adds the new posts. A file that fails, or an import the user
cancels, leaves the workspace exactly as it was before that file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from app.core.errors import ImportFailed
from app.core.ingest import csv_export, twitter_v1, twitter_v2, x_archive
from app.core.ingest.detect import FORMATS, TWEETS_JS, Detected, detect
from app.core.ingest.staging import STAGE, StageContext
from app.core.model import FileReport, Rejection
from app.core.progress import Cancelled, NullProgress, Progress, SubProgress, check
from app.core.store import ingest_sql as q
from app.core.store.db import DatabaseError, one_row
from app.core.store.workspace import Workspace

_STAGERS: dict[str, Callable[[StageContext], None]] = {
    "twitter-v1": twitter_v1.stage,
    "twitter-v2": twitter_v2.stage,
    "x-archive": x_archive.stage,
    "csv-twarc": csv_export.stage,
    "csv-twitwi": csv_export.stage,
    "csv-mapped": csv_export.stage,
}
assert set(_STAGERS) == set(FORMATS)

#: File endings taken from a folder; anything else there (notes, images) is passed over.
FOLDER_SUFFIXES = (".json", ".jsonl", ".ndjson", ".jsonlines", ".js", ".csv", ".tsv", ".gz", ".zip", ".txt")


class ImportCancelled(Cancelled):
    """The user stopped a batch; ``reports`` holds the files that were completed before."""

    def __init__(self, reports: list[FileReport]) -> None:
        super().__init__("Import cancelled: the file being read was not imported.")
        self.reports = reports


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given; folders walked in name order, keeping likely archive files (for an
    unpacked X archive, only its tweets files)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(FOLDER_SUFFIXES):
                    continue
                if name.lower().endswith(".js") and not TWEETS_JS.match(name):
                    continue
                out.append(Path(root) / name)
    return out


def import_paths(
    ws: Workspace,
    paths: Iterable[str | os.PathLike],
    progress: Progress | None = None,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    on_file: Callable[[FileReport], None] | None = None,
) -> list[FileReport]:
    """Import files and folders; return one report per file, failures included.

    Raises :class:`ImportCancelled` (with the finished files' reports) if cancelled.
    """
    progress = progress or NullProgress()
    files = expand_paths(paths)
    sizes = [_size(f) for f in files]
    total = float(sum(sizes)) or 1.0
    reports: list[FileReport] = []
    done = 0.0
    for path, size in zip(files, sizes, strict=False):
        sub = SubProgress(progress, done, done + size, total)
        try:
            report = import_file(ws, path, sub, fmt=fmt, mapping=mapping)
        except Cancelled:
            raise ImportCancelled(reports) from None
        reports.append(report)
        if on_file:
            on_file(report)
        done += size
        progress.report(done, total, f"Imported {path.name}")
    return reports


def _size(path: Path) -> int:
    try:
        return max(path.stat().st_size, 1)
    except OSError:
        return 1


class _Hasher(threading.Thread):
    """Computes a file's sha256 beside the import (hashlib lets go of the GIL)."""

    def __init__(self, path: Path) -> None:
        super().__init__(name="sha256", daemon=True)
        self.path, self.stop = path, threading.Event()
        self.digest: str | None = None

    def run(self) -> None:
        h = hashlib.sha256()
        try:
            with open(self.path, "rb") as fh:
                while not self.stop.is_set():
                    chunk = fh.read(1 << 22)
                    if not chunk:
                        self.digest = h.hexdigest()
                        return
                    h.update(chunk)
        except OSError:
            self.digest = None


def import_file(
    ws: Workspace,
    path: str | os.PathLike,
    progress: Progress | None = None,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
) -> FileReport:
    """Import one file in one transaction. A failure is returned as a report with ``error``;
    a cancel raises :class:`Cancelled`; either way the workspace is as it was."""
    progress = progress or NullProgress()
    path = Path(path)
    report = FileReport(path=str(path))
    hasher: _Hasher | None = None
    try:
        det = detect(path, forced=fmt, has_mapping=bool(mapping))
        report.format, report.format_label = det.format, det.label
        hasher = _Hasher(path)
        hasher.start()
        _import(ws, path, det, progress, mapping or {}, report, hasher)
    except ImportFailed as exc:
        report.error = exc.problem
    except DatabaseError as exc:
        report.error = explain_read_error(exc, report.format_label)
    finally:
        if hasher is not None:
            hasher.stop.set()
    if report.error:
        report.added = report.duplicates = 0
    return report


def _import(
    ws: Workspace,
    path: Path,
    det: Detected,
    progress: Progress,
    mapping: dict[str, str],
    report: FileReport,
    hasher: _Hasher,
) -> None:
    con = ws.con
    with tempfile.TemporaryDirectory(prefix="itx-import-") as tmp, ws.transaction(con):
        con.execute(f"DROP TABLE IF EXISTS {STAGE}")
        import_id = one_row(con.execute(q.INSERT_IMPORT, [str(path), _size(path), det.format]))[0]
        ctx = StageContext(ws, con, path, det, SubProgress(progress, 0, 0.85, 1), Path(tmp), mapping)
        try:
            _STAGERS[det.format](ctx)
            counts = con.execute(q.verdict_counts(STAGE)).fetchall()
            kept = sum(n for verdict, n, _ in counts if verdict is None)
            if not counts:
                raise ImportFailed(str(path), "the file holds no posts.")
            if all(v is not None and v.startswith("reject:") for v, _, _ in counts):
                first = max(counts, key=lambda c: c[1])[0]
                raise ImportFailed(
                    str(path), f"no post in it could be read as {det.label} (every record: {first[7:]})."
                )
            added = one_row(
                ws.run(
                    q.finish_insert(STAGE),
                    [import_id],
                    progress=SubProgress(progress, 0.85, 0.97, 1),
                    con=con,
                    message="Adding posts",
                )
            )[0]
        finally:
            with contextlib.suppress(DatabaseError):
                con.execute(f"DROP TABLE IF EXISTS {STAGE}")
        hasher.join()
        report.import_id = import_id
        report.sha256 = hasher.digest
        report.rejections = sorted(
            (Rejection(v[7:], n, tuple(lines)) for v, n, lines in counts if v and v.startswith("reject:")),
            key=lambda r: -r.count,
        )
        report.skipped = {v[5:]: n for v, n, _ in counts if v and v.startswith("skip:")}
        report.read = sum(n for _, n, _ in counts)
        report.added = added
        report.duplicates = kept - added
        report.rejected = sum(r.count for r in report.rejections)
        check(progress)  # the last moment a cancel can still undo the file
        seen = ws.imported_file(hasher.digest) if hasher.digest else None
        report.seen_before = seen[0] if seen else None
        con.execute(
            q.FINISH_IMPORT,
            [
                report.sha256,
                report.read,
                report.added,
                report.duplicates,
                report.rejected,
                sum(report.skipped.values()),
                json.dumps([r.as_dict() for r in report.rejections]),
                json.dumps(report.skipped),
                import_id,
            ],
        )
    progress.report(1, 1, f"Imported {path.name}")


def explain_read_error(exc: BaseException, label: str | None) -> str:
    """A DuckDB reader's error, in a PR analyst's words."""
    text = str(exc)
    low = text.lower()
    if "unicode" in low or "utf-8" in low or "utf8" in low:
        return "the file is not UTF-8 text; save it as UTF-8 and import it again."
    if any(w in low for w in ("gzip", "zlib", "inflate", "compressed", "decompress")):
        return "the compressed (.gz) file is damaged or cut short; download or copy it again."
    if "maximum_object_size" in low or "max_line_size" in low:
        return "a record in the file is larger than 256 MB; the file is probably damaged."
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    what = f" as {label}" if label else ""
    return f"the file could not be read{what} ({first})."
