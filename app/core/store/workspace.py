"""The workspace: one DuckDB file per incident, opened by one writer at a time.

:class:`Workspace` owns the connection, applies migrations, and holds the small queries about
the workspace itself (its settings in ``meta``, what ``info`` shows). Importing, scoring and
analysis keep their SQL in the sibling modules of this package.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import duckdb

from app.core import changes
from app.core.errors import UserError, WorkspaceDamaged, WorkspaceError
from app.core.housekeeping import holder_role
from app.core.progress import Cancelled, NullProgress, Progress
from app.core.safe_output import is_disk_full
from app.core.store import integrity
from app.core.store.db import one_row
from app.core.store.schema import DEFAULT_META, MIGRATIONS, SCHEMA_VERSION

_HANDLE = re.compile(r"^@?([A-Za-z0-9_.\-]{1,100})$")


def normalise_handle(handle: str) -> str:
    """``@JPMorgan`` -> ``jpmorgan``: handles compare without the @ and without case."""
    m = _HANDLE.match(handle.strip())
    if not m:
        raise UserError(f"“{handle}” is not an account handle (letters, digits and _ only).")
    return m.group(1).lower()


class Workspace:
    """An open workspace file. Use :meth:`open`; close it (or use ``with``) when done."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, read_only: bool) -> None:
        self.path = path
        self.con = con
        self.read_only = read_only

    # ---- opening -------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike,
        create: bool = False,
        read_only: bool = False,
        allow_damaged: bool = False,
    ) -> Workspace:
        """Open (and with ``create``, make) a workspace; raise :class:`WorkspaceError` in words.

        A workspace of ours with a table or view missing raises :class:`WorkspaceDamaged`
        (naming what is missing and whether ``repair`` can rebuild it) unless
        ``allow_damaged`` (for the repair itself)."""
        path = Path(path)
        if not path.exists():
            if not create:
                raise WorkspaceError(f"There is no workspace at {path}.")
            if not path.parent.exists():
                raise WorkspaceError(f"The folder {path.parent} does not exist.")
        elif path.is_dir():
            raise WorkspaceError(f"{path} is a folder, not a workspace file.")
        elif not path.is_file():
            raise WorkspaceError(
                f"{path} is not a regular file (a pipe or a device), so it is not a workspace."
            )
        elif create is False and path.stat().st_size == 0:
            raise WorkspaceError(f"{path} is empty: it is not an Incident Timeline workspace.")
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            raise WorkspaceError(_explain_open_error(path, exc)) from exc
        except duckdb.Error as exc:
            raise WorkspaceError(f"{path} could not be opened as a workspace: {_first_line(exc)}") from exc
        try:
            con.execute("SET TimeZone = 'UTC'")
            # DuckDB spills to disk beyond this, so an import's memory does not grow with the file
            con.execute(f"SET memory_limit = '{memory_limit_mb()}MB'")
            # DuckDB's own progress estimate drives the progress bars (never printed)
            con.execute("SET enable_progress_bar = true")
            con.execute("SET enable_progress_bar_print = false")
            ws = cls(path, con, read_only)
            ws._migrate(new=not _has_table(con, "meta"), allow_damaged=allow_damaged)
            if not allow_damaged:
                ws._check_complete()
        except duckdb.Error as exc:
            con.close()
            raise WorkspaceError(f"{path} could not be opened as a workspace: {_first_line(exc)}") from exc
        except BaseException:
            con.close()
            raise
        return ws

    def _migrate(self, new: bool, allow_damaged: bool = False) -> None:
        con = self.con
        if new:
            tables = one_row(
                con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main'")
            )[0]
            if tables and _has_table(con, "posts") and _has_table(con, "imports"):
                # ours, with its settings table lost: the posts can still be saved
                if not allow_damaged or self.read_only:
                    raise WorkspaceDamaged(self.path, ["meta"])
                with self.transaction():
                    con.execute(MIGRATIONS[0][0])
                    con.executemany(
                        "INSERT INTO meta VALUES (?, ?)", [[k, v] for k, v in DEFAULT_META.items()]
                    )
                    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
                return
            if tables:
                raise WorkspaceError(
                    f"{self.path} is a DuckDB database but not an Incident Timeline workspace."
                )
            if self.read_only:
                raise WorkspaceError(f"{self.path} is empty and was opened read-only.")
            version = 0
        else:
            version = self._schema_version()
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.path} was made by a newer version of Incident Timeline Explorer "
                f"(workspace format {version}); please update the app to open it."
            )
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise WorkspaceError(
                f"{self.path} needs upgrading to the current format and was opened read-only."
            )
        try:
            self._apply_migrations(version)
        except duckdb.Error as exc:
            what = "set up as a workspace" if version == 0 else "upgraded to this version's format"
            if is_disk_full(exc):
                raise WorkspaceError(
                    f"The disk is full: {self.path} could not be {what}, and was left as it was. "
                    "Free some space and try again."
                ) from exc
            raise WorkspaceError(
                f"{self.path} could not be {what} ({_first_line(exc)}); it was left as it was."
            ) from exc

    def _apply_migrations(self, version: int) -> None:
        con = self.con
        with self.transaction():
            for step in MIGRATIONS[version:]:
                for statement in step:
                    con.execute(statement)
            if version == 0:
                con.executemany("INSERT INTO meta VALUES (?, ?)", [[k, v] for k, v in DEFAULT_META.items()])
                con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            else:
                con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])

    def _schema_version(self) -> int:
        """The format version in ``meta``; a ``meta`` of another program's is refused."""
        foreign = WorkspaceError(
            f"{self.path} is a DuckDB database made by another program, not an Incident Timeline "
            "workspace; it was left as it is."
        )
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.Error:
            raise foreign from None  # a meta table without our key and value columns
        if row is None or row[0] is None:
            raise foreign
        text = str(row[0]).strip()
        if not text.isdigit():
            raise WorkspaceError(
                f"{self.path} says its format is “{text[:40]}”, which is not a version of an Incident "
                "Timeline workspace: it was made by another program, and was left as it is."
            )
        return int(text)

    def _check_complete(self) -> None:
        missing = self.missing_objects()
        if missing:
            raise WorkspaceDamaged(self.path, missing)

    def missing_objects(self) -> list[str]:
        """The tables and views of a complete workspace that this one lacks (the rollups
        aside: they are rebuilt whenever they are missing or stale)."""
        return [
            n for n in integrity.missing_objects(self.con) if not n.startswith(integrity.DERIVED_PREFIXES)
        ]

    def recreate_missing(self) -> list[str]:
        """Create (empty) every table, view and sequence this workspace lacks, in one
        transaction; return their names."""
        missing = integrity.missing_objects(self.con)
        if not missing:
            return []
        statements = integrity.recreate_statements(missing, self.con)
        with self.transaction() as con:
            for statement in statements:
                con.execute(statement)
        return missing

    def close(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- running SQL ---------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for another thread: DuckDB connections are not shared across threads."""
        return self.con.cursor()

    @contextlib.contextmanager
    def transaction(
        self, con: duckdb.DuckDBPyConnection | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: everything in it is kept, or (on any exception) nothing is."""
        con = con or self.con
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        # after the commit: a cache that reads the counter first never keeps older data
        # under the new count (app.core.rollup's cached checks)
        changes.bump(self.path, changes.DATA)

    def run(
        self,
        sql: str,
        params: Sequence[Any] | None = None,
        progress: Progress | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
        message: str = "",
    ) -> duckdb.DuckDBPyConnection:
        """Execute one (possibly long) statement that ``progress`` can cancel.

        DuckDB runs it in a helper thread while this thread relays DuckDB's own progress
        estimate and interrupts the query as soon as the user cancels.
        """
        con = con or self.con
        progress = progress or NullProgress()
        if progress.cancelled():
            raise Cancelled()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["result"] = con.execute(sql, params or [])
            except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
                outcome["error"] = exc

        worker = threading.Thread(target=work, name="duckdb-statement", daemon=True)
        worker.start()
        interrupted = False
        while worker.is_alive():
            worker.join(0.05)
            if not worker.is_alive():
                break
            if progress.cancelled() and not interrupted:
                con.interrupt()
                interrupted = True
            try:
                pct = con.query_progress()
            except duckdb.Error:
                pct = -1
            if pct >= 0:
                progress.report(pct, 100.0, message)
        if interrupted or (progress.cancelled() and "error" in outcome):
            raise Cancelled()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    # ---- settings (meta) -----------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self.con.cursor().execute("SELECT key, value FROM meta").fetchall())

    def _set_meta(self, con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
        con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])

    def set_setting(self, key: str, value: str | None) -> None:
        """Keep (or, with None, forget) one of the app's own settings in ``meta``."""
        if key in ("schema_version", *DEFAULT_META) or key.startswith("rollup"):
            raise ValueError(f"{key} is not set through set_setting")
        con = self.cursor()
        if value is None:
            con.execute("DELETE FROM meta WHERE key = ?", [key])
        else:
            self._set_meta(con, key, value)

    @property
    def incident_name(self) -> str:
        return self.meta().get("incident_name", DEFAULT_META["incident_name"])

    @property
    def timezone(self) -> str:
        return self.meta().get("timezone", "UTC")

    @property
    def brand_handles(self) -> list[str]:
        return json.loads(self.meta().get("brand_handles", "[]"))

    def configure(
        self,
        name: str | None = None,
        timezone: str | None = None,
        brand_handles: Sequence[str] | None = None,
    ) -> None:
        """Change the incident's settings; each value is checked before anything is written."""
        updates: dict[str, str] = {}
        if name is not None:
            name = name.strip()
            if not name:
                raise UserError("The incident name cannot be empty.")
            updates["incident_name"] = name
        if timezone is not None:
            updates["timezone"] = check_timezone(timezone)
        if brand_handles is not None:
            handles = sorted({normalise_handle(h) for h in brand_handles if h.strip()})
            updates["brand_handles"] = json.dumps(handles)
        # its own cursor: an import may be holding the main connection in another thread
        with self.transaction(self.cursor()) as con:
            for key, value in updates.items():
                self._set_meta(con, key, value)

    # ---- what is in it -------------------------------------------------------------------
    def imported_file(self, sha256: str) -> tuple[int, str] | None:
        """The import that already brought in a file with this content, if any."""
        row = (
            self.con.cursor()
            .execute(
                "SELECT import_id, path FROM imports WHERE sha256 = ? ORDER BY import_id LIMIT 1",
                [sha256],
            )
            .fetchone()
        )
        return (row[0], row[1]) if row else None

    def info(self) -> dict[str, Any]:
        """A summary of the workspace, as plain data (the CLI's ``info``)."""
        cur = self.con.cursor()
        total, first, last, authors, known, scored = one_row(
            cur.execute(
                """
                SELECT count(*), min(created_at), max(created_at),
                       -- accounts as the report counts them: a handle, in any case, on its platform
                       count(DISTINCT (platform, lower(author_handle))) FILTER (WHERE author_handle IS NOT NULL),
                       count(author_followers), count(compound)
                FROM posts_scored
                """
            )
        )
        by_kind = cur.execute(
            "SELECT platform, kind, count(*) FROM posts GROUP BY ALL ORDER BY 1, 2"
        ).fetchall()
        meta = self.meta()
        per_platform: dict[str, dict[str, int]] = {}
        for platform, kind, n in by_kind:
            per_platform.setdefault(platform, {})[kind] = n
        return {
            "workspace": str(self.path),
            "incident_name": meta.get("incident_name"),
            "timezone": meta.get("timezone"),
            "brand_handles": json.loads(meta.get("brand_handles", "[]")),
            "schema_version": int(meta.get("schema_version", SCHEMA_VERSION)),
            "posts": total,
            "posts_by_platform_and_kind": per_platform,
            "first_post_utc": first.isoformat() + "Z" if first else None,
            "last_post_utc": last.isoformat() + "Z" if last else None,
            "authors": authors,
            "known_followers_share": (known / total) if total else None,
            "scored_share": (scored / total) if total else None,
            "imports": self.imports(),
        }

    def imports(self) -> list[dict[str, Any]]:
        """Every import, first first, as plain data (the report's appendix reads these alone:
        the rest of :meth:`info` scans every post)."""
        rows = (
            self.con.cursor()
            .execute(
                """
                SELECT import_id, path, format, sha256, size_bytes, finished_at, rows_read, rows_added,
                       rows_duplicate, rows_rejected, rows_skipped, rejections, skipped,
                       rows_duplicate_in_file, rows_conflict
                FROM imports ORDER BY import_id
                """
            )
            .fetchall()
        )
        return [
            {
                "import_id": r[0],
                "path": r[1],
                "format": r[2],
                "sha256": r[3],
                "size_bytes": r[4],
                "finished_utc": r[5].isoformat() + "Z" if r[5] else None,
                "rows_read": r[6],
                "rows_added": r[7],
                "rows_duplicate": r[8],
                "rows_rejected": r[9],
                "rows_skipped": r[10],
                "rejections": json.loads(r[11]) if r[11] else [],
                "skipped": json.loads(r[12]) if r[12] else {},
                # copies of a post inside the file beyond the one kept: the same post again, or
                # a different text or author under its id (so that read adds up)
                "rows_duplicate_in_file": r[13],
                "rows_conflict": r[14],
            }
            for r in rows
        ]


def memory_limit_mb() -> int:
    """DuckDB's working memory for a workspace: a quarter of the machine's, 2 to 8 GiB.

    ``INCIDENT_TIMELINE_MEMORY_MB`` overrides it (for small machines and benchmarks)."""
    override = os.environ.get("INCIDENT_TIMELINE_MEMORY_MB", "").strip()
    if override.isdigit():
        return max(256, int(override))
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20)
    except (ValueError, OSError, AttributeError):
        total = 8192  # not a POSIX system: assume 8 GiB
    return int(min(8192, max(2048, total // 4)))


def check_timezone(name: str) -> str:
    name = name.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zones = sorted(available_timezones())
        close = [z for z in zones if name.lower() in z.lower()][:5] or difflib.get_close_matches(
            name, zones, n=3, cutoff=0.6
        )
        hint = (
            f" Did you mean {', '.join(close)}?"
            if close
            else " Use a name like America/New_York or Europe/London."
        )
        raise UserError(f"“{name}” is not a time zone this computer knows.{hint}") from None
    return name


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        one_row(
            con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
                [name],
            )
        )[0]
    )


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _explain_open_error(path: Path, exc: BaseException) -> str:
    text = str(exc)
    if "lock" in text.lower():
        found = re.search(r"PID (\d+)", text)
        pid = found.group(1) if found else None
        role = holder_role(int(pid)) if pid else None
        if role == "window":
            return (
                f"The workspace {path.name} is open in the Incident Timeline window (program number "
                f"{pid}). Close that window, or open another workspace in it (File > Open "
                "workspace…), then try again."
            )
        if role:
            return (
                f"The workspace {path.name} is in use by another incident-timeline command ({role}, "
                f"program number {pid}). Wait until it has finished, then try again."
            )
        who = f" (program number {pid})" if pid else ""
        return (
            f"The workspace {path.name} is open in another window or program{who}. "
            "Close it there first, then try again."
        )
    if is_disk_full(exc):
        return f"The disk is full: the workspace {path.name} cannot be opened. Free some space and try again."
    if "not a valid DuckDB database" in text or "database file" in text.lower():
        return f"{path} is not an Incident Timeline workspace (it is not a DuckDB database file)."
    return f"{path} could not be opened: {_first_line(exc)}"
