"""Importing files into a workspace: one transaction per file, a report per file.

:func:`import_paths` takes files and folders, detects each file's format, stages its records
with the format's module and adds the new posts. A file that fails, or an import the user
cancels, leaves the workspace exactly as it was before that file.

Every format ends the same way here: posts dated outside 2006 … the moment of the import are
rejected, copies of one post inside the file are told apart (a repeat, or a conflict: same id,
other text or author), the new posts are added and the report's counts add up:
``read = added + already_in_workspace + duplicates_in_file + conflicts + rejected``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from isal import isal_zlib

from app.core.errors import ImportFailed, NeedsChoice, NeedsColumnMapping
from app.core.ingest import bluesky, listening, mastodon, tabular, twitter_v1, twitter_v2, x_archive
from app.core.ingest.detect import FORMATS, TWEETS_JS, Detected, check_readable, detect
from app.core.ingest.options import ImportOptions
from app.core.ingest.sources import import_folder
from app.core.ingest.staging import STAGE, StageContext
from app.core.model import Conflict, FileReport, Question, Rejection
from app.core.progress import Cancelled, NullProgress, Progress, SubProgress, check
from app.core.store import ingest_sql as q
from app.core.store.db import Connection, DatabaseError, one_row
from app.core.store.workspace import Workspace

_STAGERS: dict[str, Callable[[StageContext], None]] = {
    "twitter-v1": twitter_v1.stage,
    "twitter-v2": twitter_v2.stage,
    "x-archive": x_archive.stage,
    "mastodon": mastodon.stage,
    "bluesky": bluesky.stage,
    **{fmt: tabular.stage for fmt in FORMATS if fmt.startswith(("csv-", "listening-"))},
}
assert set(_STAGERS) == set(FORMATS)

#: Formats with a faster first pass, tried before the import's transaction: it stages the
#: file (True) or leaves nothing behind (False) and the format's stager does it.
_PRESTAGERS: dict[str, Callable[[StageContext], bool]] = {
    "twitter-v1": twitter_v1.prestage,
    "twitter-v2": twitter_v2.prestage,
}

#: Conflicting copies (one id, other texts) beyond this share of a table's posts mean its ids
#: were damaged (a spreadsheet rounding them), not that the source repeated itself.
DAMAGED_ID_SHARE = 0.05

#: File endings taken from a folder; anything else there (notes, images) is passed over.
FOLDER_SUFFIXES = (
    ".json",
    ".jsonl",
    ".ndjson",
    ".jsonlines",
    ".js",
    ".csv",
    ".tsv",
    ".tab",
    ".txt",
    ".xlsx",
    ".xlsm",
    ".xls",
    ".ods",
    ".gz",
    ".xz",
    ".bz2",
    ".zst",
    ".zip",
    ".car",
)

#: The parts of an unpacked Mastodon archive that are not its posts (outbox.json is).
_MASTODON_OTHERS = {"actor.json", "likes.json", "bookmarks.json"}


class ImportCancelled(Cancelled):
    """The user stopped a batch; ``reports`` holds the files that were completed before."""

    def __init__(self, reports: list[FileReport]) -> None:
        super().__init__("Import cancelled: the file being read was not imported.")
        self.reports = reports


def check_inputs(paths: Iterable[str | os.PathLike]) -> list[ImportFailed]:
    """What is wrong with the paths given, found at once and without reading any of them:
    missing, unreadable, or not a file or folder (a FIFO or a device would block for ever)."""
    problems = []
    for p in map(Path, paths):
        if p.is_dir():
            continue
        try:
            check_readable(p)
        except ImportFailed as exc:
            problems.append(exc)
    return problems


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given; folders walked in name order, keeping likely archive files (for an
    unpacked X archive, only its tweets files; for a Mastodon archive, its outbox) and
    passing over anything that is not a regular file."""
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            mastodon_folder = "outbox.json" in files
            for name in sorted(files):
                low = name.lower()
                if name.startswith(".") or not low.endswith(FOLDER_SUFFIXES):
                    continue
                if low.endswith(".js") and not TWEETS_JS.match(name):
                    continue
                if mastodon_folder and low in _MASTODON_OTHERS:
                    continue
                if not (Path(root) / name).is_file():
                    continue  # a FIFO, a socket or a device
                out.append(Path(root) / name)
    return out


def import_paths(
    ws: Workspace,
    paths: Iterable[str | os.PathLike],
    progress: Progress | None = None,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    on_file: Callable[[FileReport], None] | None = None,
    options: ImportOptions | None = None,
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
            report = import_file(ws, path, sub, fmt=fmt, mapping=mapping, options=options)
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


_NEWLINE = ord("\n")


class _Hasher(threading.Thread):
    """Computes a file's sha256 beside the import (hashlib lets go of the GIL), and on the
    way counts its lines for the first pass (:func:`app.core.ingest.staging.first_pass`): of a
    gzip file, the lines of what it holds (ISA-L lets go of the GIL too), which DuckDB would
    otherwise count by reading the whole file again (a quarter of a 1M-post import)."""

    def __init__(self, path: Path, gzip: bool = False) -> None:
        super().__init__(name="sha256", daemon=True)
        self.path, self.stop = path, threading.Event()
        self.digest: str | None = None
        self._newlines = self._returns = self._crlf = 0
        self._last = b""
        self._inflate = _Inflater() if gzip else None

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
                    if self._inflate is None:
                        self._count(chunk)
                    elif self._inflate.ok:
                        for piece in self._inflate.feed(chunk):
                            self._count(piece)
        except OSError:
            self.digest = None

    def _count(self, data: bytes) -> None:
        if not data:
            return
        # numpy counts a chunk's newlines ten times faster than bytes.count (1.6 s of CPU for
        # a 3.9 GB file: a twentieth of its import), and without holding the GIL
        self._newlines += int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == _NEWLINE))
        if b"\r" in data:  # rare outside Windows files: not counted otherwise
            self._returns += data.count(b"\r")
            self._crlf += data.count(b"\r\n")
        if self._last == b"\r" and data[:1] == b"\n":  # a line end split between two reads
            self._crlf += 1
        self._last = data[-1:]

    def lines(self) -> int | None:
        """The file's lines as DuckDB's line reader counts them (blank ones included), once
        the whole file is read; None when unsure: a carriage return that does not end a line,
        or a gzip stream that does not end cleanly."""
        self.join()
        if self.digest is None or self._returns != self._crlf:
            return None
        if self._inflate is not None and not self._inflate.complete():
            return None
        return self._newlines + (1 if self._last not in (b"", b"\n") else 0)


# isal's stubs declare its error an instance of Exception: it is a class, as zlib.error is
_INFLATE_ERROR: type[Exception] = isal_zlib.error  # type: ignore[assignment]


class _Inflater:
    """A gzip file's contents, piece by piece, member after member (``gzip -c a b`` makes a
    file of two); ``ok`` turns false on anything the inflater cannot read. ISA-L's inflater
    (tests compare its counts with DuckDB's on whole, cut, damaged and many-member files) takes
    2.6 s of CPU where zlib's takes 6.6-7.4 s for the 1M-post archive (bench/README.md round
    10), beside DuckDB inflating the same file for the import."""

    #: most bytes handed out at once, so that a highly compressed file cannot fill the memory
    PIECE = 1 << 24

    def __init__(self) -> None:
        self._z = isal_zlib.decompressobj(wbits=31)
        self.ok = True
        self._members = 0
        self._fresh = True  # the current decompressor has been given nothing yet

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            while data and self.ok:
                self._fresh = False
                yield self._z.decompress(data, self.PIECE)
                data = self._z.unconsumed_tail
                if self._z.eof:
                    self._members += 1
                    data = self._z.unused_data + data
                    self._z = isal_zlib.decompressobj(wbits=31)
                    self._fresh = True
        except _INFLATE_ERROR:
            self.ok = False

    def complete(self) -> bool:
        """The file ended where a member ended: what was counted is all it holds."""
        return self.ok and self._members > 0 and self._fresh


def import_file(
    ws: Workspace,
    path: str | os.PathLike,
    progress: Progress | None = None,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    options: ImportOptions | None = None,
) -> FileReport:
    """Import one file in one transaction. A failure is returned as a report with ``error``
    (and ``needs`` when a question must be answered first); a cancel raises
    :class:`Cancelled`; either way the workspace is as it was."""
    progress = progress or NullProgress()
    options = options or ImportOptions()
    path = Path(path)
    report = FileReport(path=str(path))
    hasher: _Hasher | None = None
    try:
        det, mapping = _detect_with_mapping(path, fmt, mapping or {}, options)
        report.format, report.format_label = det.format, det.label
        hasher = _Hasher(path, gzip=det.compression == "gzip")
        hasher.start()
        _import(ws, path, det, progress, mapping, options, report, hasher)
    except NeedsColumnMapping as exc:
        report.error = exc.problem
        report.needs = Question("mapping", columns=tuple(exc.columns))
    except NeedsChoice as exc:
        report.error = exc.problem
        report.needs = Question(exc.kind, options=tuple(exc.options), example=exc.example)
    except ImportFailed as exc:
        report.error = exc.problem
    except DatabaseError as exc:
        report.error = explain_read_error(exc, report.format_label)
    except RecursionError:
        report.error = "the JSON is nested hundreds of levels deep: it is not an archive of posts."
    finally:
        if hasher is not None:
            hasher.stop.set()
    if report.error:
        # nothing of the file was kept: what was read and rejected is still told
        report.added = report.already_in_workspace = report.duplicates_in_file = report.conflicts = 0
        report.import_id = None
    return report


def _detect_with_mapping(
    path: Path, fmt: str | None, mapping: dict[str, str], options: ImportOptions
) -> tuple[Detected, dict[str, str]]:
    """The file's format, and the part of the user's mapping that is about it: in a batch,
    ``--map`` options name one file's columns, and a file the app knows (a listening tool's
    export, twitwi's CSV) whose columns they are not keeps its own mapping."""
    if not mapping:
        return detect(path, forced=fmt, sheet=options.sheet), {}
    try:
        known = detect(path, forced=fmt, sheet=options.sheet)
    except NeedsColumnMapping:
        known = None
    if known is not None and known.format != "csv-mapped":
        if not known.is_table:
            return known, {}
        mine = {f: c for f, c in mapping.items() if c in known.columns}
        if len(mine) < len(mapping):
            # another file's columns: keep the format's own mapping, with what fits on top
            return known, mine if known.format in listening.VENDORS else {}
    return detect(path, forced=fmt, has_mapping=True, sheet=options.sheet), mapping


def _import(
    ws: Workspace,
    path: Path,
    det: Detected,
    progress: Progress,
    mapping: dict[str, str],
    options: ImportOptions,
    report: FileReport,
    hasher: _Hasher,
) -> None:
    con = ws.con
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    stage_progress = SubProgress(progress, 0, 0.85, 1)
    with import_folder() as tmp, _dropping_stage(con):
        ctx = StageContext(ws, con, path, det, stage_progress, tmp, mapping, options, report)
        if det.compression in ("none", "gzip"):
            ctx.counted_lines = hasher.lines
        con.execute(q.drop(STAGE))
        prestaged = det.format in _PRESTAGERS and _PRESTAGERS[det.format](ctx)
        with ws.transaction(con):
            _stage_and_add(ws, con, path, det, ctx, prestaged, started, progress, report, hasher)
    progress.report(1, 1, f"Imported {path.name}")


@contextlib.contextmanager
def _dropping_stage(con: Connection) -> Iterator[None]:
    """The import's temp tables dropped when it ends: a table staged before the transaction
    outlives a rollback (which undoes the transaction's own DROP)."""
    try:
        yield
    finally:
        for table in (STAGE, q.COPIES):
            with contextlib.suppress(DatabaseError):
                con.execute(q.drop(table))


def _stage_and_add(
    ws: Workspace,
    con: Connection,
    path: Path,
    det: Detected,
    ctx: StageContext,
    prestaged: bool,
    started: datetime,
    progress: Progress,
    report: FileReport,
    hasher: _Hasher,
) -> None:
    """The file's part of the import's transaction: stage it (unless it was already),
    count, add the new posts and record the import."""
    stage_progress = ctx.progress
    import_id = one_row(con.execute(q.INSERT_IMPORT, [str(path), _size(path), det.format]))[0]
    if not prestaged:
        _STAGERS[det.format](ctx)
    ws.run(
        q.reject_implausible_dates(STAGE),
        [started],
        progress=stage_progress,
        con=con,
        message="Checking dates",
    )
    counts = con.execute(q.verdict_counts(STAGE)).fetchall()
    _fill_counts(report, counts)
    if report.read == 0:
        raise ImportFailed(str(path), "the file holds no posts.")
    if report.rejected == report.read:
        first = report.rejections[0].reason
        raise ImportFailed(str(path), f"no post in it could be read as {det.label} (every record: {first}).")
    repeated = _count_copies(con, report)
    if det.is_table and report.conflicts >= 5 and report.conflicts > DAMAGED_ID_SHARE * report.read:
        raise tabular.DamagedIds(
            str(path),
            f"{report.conflicts:,} of its {report.read:,} rows share a post id with a row of "
            "another text or author: far more than chance, so the ids were probably damaged "
            f"by a spreadsheet. Nothing was imported. {tabular.SPREADSHEET_HELP}",
        )
    ordered = not repeated and one_row(con.execute(q.in_time_order(STAGE)))[0]
    added = one_row(
        ws.run(
            q.finish_insert(STAGE, repeated, ordered),
            [import_id],
            progress=SubProgress(progress, 0.85, 0.97, 1),
            con=con,
            message="Adding posts",
        )
    )[0]
    if "human_label" in _stage_columns(con):
        report.labels = one_row(con.execute(q.keep_labels(STAGE), [f"import {path.name}"]))[0]
    hasher.join()
    report.import_id = import_id
    report.sha256 = hasher.digest
    report.added = added
    report.already_in_workspace = (
        report.read - report.rejected - report.duplicates_in_file - report.conflicts - added
    )
    implausible = sum(r.count for r in report.rejections if r.reason == q.IMPLAUSIBLE_DATE)
    if implausible:
        report.warnings.append(
            f"{implausible:,} post{' was' if implausible == 1 else 's were'} dated before 2006 or after "
            "the import and set aside, so that they do not stretch the timeline"
        )
    check(progress)  # the last moment a cancel can still undo the file
    seen = ws.imported_file(hasher.digest) if hasher.digest else None
    report.seen_before = seen[0] if seen else None
    con.execute(
        q.FINISH_IMPORT,
        [
            report.sha256,
            report.read,
            report.added,
            report.already_in_workspace,
            report.duplicates_in_file,
            report.conflicts,
            report.rejected,
            sum(report.skipped.values()),
            json.dumps([r.as_dict() for r in report.rejections]),
            json.dumps(report.skipped),
            json.dumps([c.as_dict() for c in report.conflict_ids]),
            json.dumps(report.warnings),
            report.timezone,
            report.labels,
            import_id,
        ],
    )


def _stage_columns(con: Connection) -> set[str]:
    return {r[0] for r in con.execute(q.stage_columns(STAGE)).fetchall()}


def _fill_counts(report: FileReport, counts: list[tuple]) -> None:
    rejections = []
    for verdict, n, lines, values, has_values in counts:
        if verdict and verdict.startswith("reject:"):
            rejections.append(Rejection(verdict[7:], n, tuple(lines), tuple(values) if has_values else ()))
    report.rejections = sorted(rejections, key=lambda r: -r.count)
    report.skipped = {**report.skipped, **{v[5:]: n for v, n, *_ in counts if v and v.startswith("skip:")}}
    report.rejected = sum(r.count for r in report.rejections)
    report.read = sum(n for v, n, *_ in counts if v is None or v.startswith("reject:"))


def _count_copies(con: Connection, report: FileReport) -> bool:
    """Count the copies of a post in the file; False when it holds each post once."""
    if not one_row(con.execute(q.has_repeated_ids(STAGE)))[0]:
        return False
    con.execute(q.find_copies(STAGE))
    report.duplicates_in_file, report.conflicts = one_row(con.execute(q.COPY_COUNTS))
    report.conflict_ids = [Conflict(pid, tuple(lines)) for pid, lines in con.execute(q.CONFLICTS).fetchall()]
    return True


def explain_read_error(exc: BaseException, label: str | None) -> str:
    """A DuckDB reader's error, in a PR analyst's words."""
    text = str(exc)
    low = text.lower()
    # the reader's error quotes the offending line: look for words in its own lines only
    head = " ".join(line for line in low.splitlines()[:3] if not line.startswith("original line"))
    size = re.search(r"maximum line size of (\d+) bytes exceeded\. actual size: ?(\d+)", low)
    if size:
        line = re.search(r"csv error on line: (\d+)", low)
        where = f"line {line.group(1)}" if line else "a line"
        limit, actual = (int(g) / (1 << 20) for g in size.groups())
        return (
            f"{where} of the file is {actual:,.0f} MB long, more than the {limit:,.0f} MB a record may "
            "be: the file is damaged, or it is not an archive of posts."
        )
    if "unicode" in head or "utf-8" in head or "utf8" in head:
        return "the file is not UTF-8 text; save it as UTF-8 and import it again."
    if any(w in head for w in ("gzip", "zlib", "inflate", "compressed", "decompress", "zstd")):
        return "the compressed file is damaged or cut short; download or copy it again."
    if "no space left" in head or "disk is full" in head or "out of disk" in head:
        return "the disk (or its temporary folder) is full; free some space and import again."
    if "does not support a full read" in low:
        return (
            "a line of the file is longer than 128 MB, the most a record may be: the file is "
            "damaged, or it is not an archive of posts."
        )
    if "maximum_object_size" in low or "max_line_size" in low or "maximum line size" in low:
        return "a record in the file is larger than the reader's limit; the file is probably damaged or not an archive of posts."
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    what = f" as {label}" if label else ""
    return f"the file could not be read{what} ({first})."
