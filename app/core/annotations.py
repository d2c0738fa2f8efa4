"""Annotations: the turning points the user keeps, written by hand or accepted from suggestions.

An annotation marks a point in time (``ends_at`` is ``None``) or a range, with a label, a
category, a note, a colour, where it came from (``manual`` or ``suggested``) and, for an
accepted suggestion, its evidence. Times are Unix seconds (UTC) in Python and naive UTC
TIMESTAMPs in the workspace.

Every change is committed at once, each on its own cursor: a crash loses nothing, and the
main connection may be busy with an import in another thread.

Teams merge their work through files: :func:`export_csv` / :func:`export_json` write every
column, and :func:`import_file` reads either back. Two annotations are the same turning
point when they have the same start, end and label; see :func:`import_file` for how a file
and the workspace are reconciled.

Suggestions the user turned down are remembered by their key (:func:`dismiss`), so that the
detector's next run does not offer them again.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb

from app.core.errors import UserError
from app.core.safe_output import write_output
from app.core.store import annotations_sql as q
from app.core.store.workspace import Workspace
from app.core.text_safety import spreadsheet_cell, spreadsheet_cell_in

CATEGORIES = ("trigger", "escalation", "amplification", "press", "brand response", "resolution", "other")

# Okabe and Ito's palette: told apart by readers with colour-blindness, and on paper.
DEFAULT_COLOURS = {
    "trigger": "#e69f00",
    "escalation": "#d55e00",
    "amplification": "#cc79a7",
    "press": "#0072b2",
    "brand response": "#009e73",
    "resolution": "#56b4e9",
    "other": "#7f7f7f",
}

ORIGINS = ("manual", "suggested")

#: The category an accepted suggestion starts with, by its kind (see :func:`category_for`).
KIND_CATEGORIES = {
    "volume_change": "escalation",
    "peak": "escalation",
    "press_pickup": "press",
    "brand_action": "brand response",
    "influencer_entry": "amplification",
    "amplification": "amplification",
    "sentiment_shift": "trigger",
    "early_warning": "trigger",
}

#: The columns of an exported file, in order.
FILE_COLUMNS = (
    "id",
    "starts_at",
    "ends_at",
    "label",
    "category",
    "note",
    "colour",
    "origin",
    "evidence",
    "created_at",
    "updated_at",
)

FILE_FORMAT = "incident-timeline-annotations"

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EPOCH = datetime(1970, 1, 1)
# A label is a few words on a plot; a longer one is almost surely a pasted note.
MAX_LABEL = 200


@dataclass(frozen=True)
class Annotation:
    """A turning point. ``id`` is ``None`` until it is in the workspace; an empty ``colour``
    means the category's default colour."""

    id: int | None
    starts_at: float
    ends_at: float | None = None
    label: str = ""
    category: str = "other"
    note: str = ""
    colour: str = ""
    origin: str = "manual"
    evidence: dict | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_range(self) -> bool:
        return self.ends_at is not None

    def merge_key(self) -> tuple:
        """What makes two annotations the same turning point: start and end to the
        microsecond (what the workspace keeps) and the label."""
        return (_micros(self.starts_at), None if self.ends_at is None else _micros(self.ends_at), self.label)


@dataclass
class ImportSummary:
    """What :func:`import_file` did. ``unchanged`` rows were in the workspace already (the
    same, or the workspace's version was newer); ``skipped`` rows could not be read and
    ``problems`` says why, with their place in the file, and notes kept versions."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        parts = [f"{self.added:,} added", f"{self.updated:,} updated"]
        if self.unchanged:
            parts.append(f"{self.unchanged:,} already there")
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped")
        return ", ".join(parts) + "".join(f"\n    {p}" for p in self.problems)


# ---- reading and writing the workspace --------------------------------------------------------


def list_annotations(ws: Workspace, con: duckdb.DuckDBPyConnection | None = None) -> list[Annotation]:
    """Every annotation, earliest first."""
    con = con or ws.cursor()
    return [_from_row(r) for r in con.execute(q.LIST).fetchall()]


def get(ws: Workspace, annotation_id: int, con: duckdb.DuckDBPyConnection | None = None) -> Annotation | None:
    row = (con or ws.cursor()).execute(q.GET, [int(annotation_id)]).fetchone()
    return _from_row(row) if row else None


def add(ws: Workspace, a: Annotation) -> Annotation:
    """Store a new annotation; return it with its id and times. The given id and times are
    ignored (use :func:`restore` to put one back as it was)."""
    a = check(a)
    now = _now()
    row = ws.cursor().execute(q.INSERT, [*_values(a), now, now]).fetchone()
    return _from_row(row)


def update(ws: Workspace, a: Annotation) -> Annotation:
    """Save the changes to a stored annotation (found by its id); ``updated_at`` becomes now."""
    a = check(a)
    if a.id is None:
        raise UserError("This annotation has not been saved yet, so it cannot be changed.")
    row = ws.cursor().execute(q.UPDATE, [*_values(a), _now(), int(a.id)]).fetchone()
    if row is None:
        raise UserError(f"The annotation “{a.label}” is no longer in the workspace (it was deleted).")
    return _from_row(row)


def delete(ws: Workspace, annotation_id: int) -> None:
    """Delete an annotation; deleting one that is already gone does nothing."""
    ws.cursor().execute(q.DELETE, [int(annotation_id)])


def restore(ws: Workspace, a: Annotation) -> Annotation:
    """Put a deleted annotation back with its id and times (undoing a delete)."""
    a = check(a)
    if a.id is None:
        raise UserError("Only an annotation that was saved before can be restored.")
    con = ws.cursor()
    if con.execute(q.GET, [int(a.id)]).fetchone() is not None:
        raise UserError(f"The annotation “{a.label}” is already in the workspace.")
    now = _now()
    created = _naive(a.created_at) if a.created_at else now
    updated = _naive(a.updated_at) if a.updated_at else now
    row = con.execute(q.INSERT_WITH_ID, [int(a.id), *_values(a), created, updated]).fetchone()
    return _from_row(row)


def check(a: Annotation) -> Annotation:
    """``a`` tidied (label and note trimmed, colour in lower case or the category's default,
    evidence as plain JSON data), or :class:`UserError` saying what is wrong with it."""
    label = (a.label or "").strip()
    if not label:
        raise UserError("An annotation needs a label: a few words saying what happened.")
    if len(label) > MAX_LABEL:
        raise UserError(
            f"The label is {len(label):,} characters long; keep it under {MAX_LABEL} "
            "and put the rest in the note."
        )
    category = (a.category or "other").strip().lower()
    if category not in CATEGORIES:
        raise UserError(f"“{a.category}” is not a category; use one of: {', '.join(CATEGORIES)}.")
    colour = (a.colour or "").strip()
    if not colour:
        colour = DEFAULT_COLOURS[category]
    elif not _COLOUR.match(colour):
        raise UserError(f"“{a.colour}” is not a colour; write it as # and six hex digits, like #d55e00.")
    origin = (a.origin or "manual").strip().lower()
    if origin not in ORIGINS:
        raise UserError(f"“{a.origin}” is not an origin; an annotation is either manual or suggested.")
    starts_at = _checked_time(a.starts_at, "start")
    ends_at = None if a.ends_at is None else _checked_time(a.ends_at, "end")
    if ends_at is not None and ends_at < starts_at:
        raise UserError(f"The annotation “{label}” ends before it starts.")
    evidence = a.evidence
    if evidence is not None:
        if not isinstance(evidence, dict):
            raise UserError("The evidence of an annotation must be a set of named values.")
        # through JSON and back, so that what is returned equals what is read back later
        evidence = json.loads(_dumps(evidence))
    return replace(
        a,
        starts_at=starts_at,
        ends_at=ends_at,
        label=label,
        category=category,
        note=(a.note or "").strip(),
        colour=colour.lower(),
        origin=origin,
        evidence=evidence,
    )


# ---- suggestions ------------------------------------------------------------------------------


def category_for(kind: str | None, evidence: dict | None = None) -> str:
    """The category of a suggestion of this kind (:data:`KIND_CATEGORIES`), except that a
    fall (of volume, or of the negative share) marks a resolution, not an escalation."""
    if (
        isinstance(evidence, dict)
        and evidence.get("direction") == "fall"
        and kind in ("volume_change", "sentiment_shift")
    ):
        return "resolution"
    return KIND_CATEGORIES.get(kind or "", "other")


def from_suggestion(s: Any) -> Annotation:
    """The annotation a suggestion becomes when the user accepts it (not yet stored): its
    explanation as the note, its evidence with its kind, score, explanation and key."""
    category = category_for(s.kind, s.evidence)
    evidence = dict(s.evidence or {})
    evidence.update({"kind": s.kind, "score": float(s.score), "explanation": s.explanation})
    key = getattr(s, "key", None)
    if callable(key):
        # the window leaves out suggestions already accepted by this key
        evidence["suggestion_key"] = key()
    return Annotation(
        id=None,
        starts_at=float(s.time),
        ends_at=None if s.end is None else float(s.end),
        label=s.label,
        category=category,
        note=s.explanation,
        colour=DEFAULT_COLOURS[category],
        origin="suggested",
        evidence=evidence,
    )


def accepted_keys(annotations: Iterable[Annotation]) -> set[str]:
    """The keys of the suggestions these annotations were accepted from."""
    return {
        a.evidence["suggestion_key"]
        for a in annotations
        if a.evidence and isinstance(a.evidence.get("suggestion_key"), str)
    }


def dismiss(ws: Workspace, key: str) -> None:
    ws.cursor().execute(q.DISMISS, [str(key), _now()])


def undismiss(ws: Workspace, key: str) -> None:
    ws.cursor().execute(q.UNDISMISS, [str(key)])


def dismissed_keys(ws: Workspace, con: duckdb.DuckDBPyConnection | None = None) -> set[str]:
    return {r[0] for r in (con or ws.cursor()).execute(q.DISMISSED_KEYS).fetchall()}


# ---- files --------------------------------------------------------------------------------------


def export_csv(ws: Workspace, path: str | os.PathLike, force: bool = False) -> int:
    """Write every annotation to a CSV file (UTF-8 with a byte-order mark, which spreadsheet
    programs need to read it as UTF-8); return how many. Times are ISO 8601 UTC; evidence is
    JSON text."""
    rows = [_record(a) for a in list_annotations(ws)]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(FILE_COLUMNS)
    for r in rows:
        ev = r["evidence"]
        cells = {**r, "evidence": "" if ev is None else _dumps(ev)}
        writer.writerow(["" if cells[c] is None else spreadsheet_cell(str(cells[c])) for c in FILE_COLUMNS])
    write_output(path, buf.getvalue().encode("utf-8-sig"), force=force, protected=[ws.path])
    return len(rows)


def export_json(ws: Workspace, path: str | os.PathLike, force: bool = False) -> int:
    """Write every annotation to a JSON file; return how many."""
    rows = [_record(a) for a in list_annotations(ws)]
    doc = {
        "format": FILE_FORMAT,
        "version": 1,
        "incident": ws.incident_name,
        "exported_at": _iso(datetime.now(timezone.utc)),
        "annotations": rows,
    }
    text = json.dumps(doc, ensure_ascii=False, indent=2, default=_jsonable) + "\n"
    write_output(path, text.encode("utf-8"), force=force, protected=[ws.path])
    return len(rows)


def import_file(ws: Workspace, path: str | os.PathLike) -> ImportSummary:
    """Merge the annotations of a CSV or JSON file (told apart by content) into the workspace.

    * A row whose start, end and label match an annotation in the workspace (or an earlier
      row of the file) is that annotation: it is updated if its note, category or colour
      differ and the file's ``updated_at`` is newer, and otherwise left as it is.
    * Any other row is added, keeping its ``created_at`` and ``updated_at`` (so that merging
      the same file twice, or back and forth between colleagues, changes nothing).
    * Ids in the file are not used: ids belong to one workspace.
    * A row that cannot be read is skipped and the reason reported with its place in the file.

    Everything is written in one transaction: if the import fails, nothing of it is kept."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path} could not be read: {exc.strerror or exc}.") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path.name} is not UTF-8 text, so it is not an annotations file.") from None
    stripped = text.lstrip()
    if not stripped:
        raise UserError(f"{path.name} is empty.")
    records = _json_records(path, stripped) if stripped[0] in "[{" else _csv_records(path, text)

    summary = ImportSummary()
    parsed: list[tuple[str, Annotation]] = []
    for where, record in records:
        try:
            parsed.append((where, _parse_record(record)))
        except _BadRow as bad:
            summary.skipped += 1
            summary.problems.append(f"{where}: {bad}")
        except UserError as bad:
            summary.skipped += 1
            summary.problems.append(f"{where}: {bad}")

    con = ws.cursor()
    with ws.transaction(con):
        known = {a.merge_key(): a for a in list_annotations(ws, con)}
        now = _now()
        for where, a in parsed:
            key = a.merge_key()
            have = known.get(key)
            if have is None:
                created = _naive(a.created_at) if a.created_at else now
                updated = _naive(a.updated_at) if a.updated_at else created
                row = con.execute(q.INSERT, [*_values(a), created, updated]).fetchone()
                known[key] = _from_row(row)
                summary.added += 1
                continue
            if (a.note, a.category, a.colour) == (have.note, have.category, have.colour):
                summary.unchanged += 1
                continue
            if a.updated_at is not None and have.updated_at is not None and a.updated_at > have.updated_at:
                merged = replace(have, note=a.note, category=a.category, colour=a.colour)
                assert have.id is not None  # read from the workspace, so it has its id
                row = con.execute(q.UPDATE, [*_values(merged), _naive(a.updated_at), int(have.id)]).fetchone()
                known[key] = _from_row(row)
                summary.updated += 1
            else:
                summary.unchanged += 1
                why = (
                    "the file does not say when it was changed"
                    if a.updated_at is None
                    else "the workspace's version is as new or newer"
                )
                summary.problems.append(
                    f"{where}: “{a.label}” differs from the workspace's; kept the workspace's ({why})"
                )
    return summary


# ---- helpers ------------------------------------------------------------------------------------


class _BadRow(Exception):
    """A row of an imported file that cannot be read; the message says why."""


def _json_records(path: Path, text: str) -> list[tuple[str, dict]]:
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise UserError(f"{path.name} is not valid JSON ({exc}).") from None
    if isinstance(doc, dict):
        items = doc.get("annotations")
        if not isinstance(items, list):
            raise UserError(
                f"{path.name} is JSON but not an annotations file (it has no list “annotations”)."
            )
    elif isinstance(doc, list):
        items = doc
    else:
        raise UserError(f"{path.name} is JSON but not an annotations file.")
    out: list[tuple[str, dict]] = []
    for i, item in enumerate(items, 1):
        out.append((f"annotation {i}", item if isinstance(item, dict) else {"__not_an_object__": item}))
    return out


def _csv_records(path: Path, text: str) -> list[tuple[str, dict]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "starts_at" not in header or "label" not in header:
        raise UserError(
            f"{path.name} is not an annotations file: it needs the columns starts_at "
            "and label (export one from the app to see the layout)."
        )
    reader.fieldnames = header
    out: list[tuple[str, dict]] = []
    try:
        for row in reader:
            row.pop(None, None)  # cells beyond the header
            out.append(
                (
                    f"line {reader.line_num}",
                    {k: spreadsheet_cell_in(v) for k, v in row.items() if v is not None},
                )
            )
    except csv.Error as exc:
        raise UserError(f"{path.name} could not be read as CSV at line {reader.line_num}: {exc}.") from None
    return out


def _parse_record(r: dict) -> Annotation:
    if "__not_an_object__" in r:
        raise _BadRow("not an annotation (expected an object with starts_at and label)")
    starts_at = _parse_time(r.get("starts_at"), "starts_at")
    if starts_at is None:
        raise _BadRow("no start time (starts_at is empty)")
    ends_at = _parse_time(r.get("ends_at"), "ends_at")
    evidence = r.get("evidence")
    if isinstance(evidence, str):
        if evidence.strip():
            try:
                evidence = json.loads(evidence)
            except ValueError:
                raise _BadRow("the evidence is not valid JSON") from None
        else:
            evidence = None
    if evidence is not None and not isinstance(evidence, dict):
        raise _BadRow("the evidence is not a JSON object")
    created = _parse_time(r.get("created_at"), "created_at")
    updated = _parse_time(r.get("updated_at"), "updated_at")
    a = Annotation(
        id=None,
        starts_at=starts_at,
        ends_at=ends_at,
        label=_text(r.get("label")),
        category=_text(r.get("category")) or "other",
        note=_text(r.get("note")),
        colour=_text(r.get("colour")),
        origin=_text(r.get("origin")) or "manual",
        evidence=evidence,
        created_at=None if created is None else _aware(_ts(created)),
        updated_at=None if updated is None else _aware(_ts(updated)),
    )
    return check(a)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        raise _BadRow("a text field holds a list or an object")
    return str(v)


def _parse_time(v: Any, name: str) -> float | None:
    """ISO 8601 (a time without a zone is UTC) or Unix seconds -> Unix seconds."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        raise _BadRow(f"{name} is not a time")
    if isinstance(v, (int, float)):
        if not math.isfinite(v):
            raise _BadRow(f"{name} is not a time")
        return float(v)
    s = str(v).strip()
    try:
        d = datetime.fromisoformat(s[:-1] + "+00:00" if s[-1:] in "zZ" else s)
    except ValueError:
        raise _BadRow(f"{name} “{s}” is not a time (write it like 2013-11-13T21:00:00Z)") from None
    if d.tzinfo is not None:
        d = d.astimezone(timezone.utc).replace(tzinfo=None)
    return _secs(d)


def _record(a: Annotation) -> dict:
    return {
        "id": a.id,
        "starts_at": _iso(_aware(_ts(a.starts_at))),
        "ends_at": None if a.ends_at is None else _iso(_aware(_ts(a.ends_at))),
        "label": a.label,
        "category": a.category,
        "note": a.note,
        "colour": a.colour,
        "origin": a.origin,
        "evidence": a.evidence,
        "created_at": None if a.created_at is None else _iso(a.created_at),
        "updated_at": None if a.updated_at is None else _iso(a.updated_at),
    }


def _values(a: Annotation) -> list:
    """starts_at … evidence, as the INSERT and UPDATE statements take them."""
    return [
        _ts(a.starts_at),
        None if a.ends_at is None else _ts(a.ends_at),
        a.label,
        a.category,
        a.note,
        a.colour,
        a.origin,
        None if a.evidence is None else _dumps(a.evidence),
    ]


def _from_row(row: tuple | None) -> Annotation:
    assert row is not None, "INSERT/UPDATE ... RETURNING gives the row it wrote"
    id_, starts, ends, label, category, note, colour, origin, evidence, created, updated = row
    category = category or "other"
    return Annotation(
        id=int(id_),
        starts_at=_secs(starts),
        ends_at=None if ends is None else _secs(ends),
        label=label,
        category=category,
        note=note or "",
        colour=colour or DEFAULT_COLOURS.get(category, DEFAULT_COLOURS["other"]),
        origin=origin,
        evidence=_loads(evidence),
        created_at=None if created is None else _aware(created),
        updated_at=None if updated is None else _aware(updated),
    )


def _loads(value: Any) -> dict | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return value
    try:
        out = json.loads(value)
    except ValueError:
        # hand-edited in the DuckDB CLI: shown as it is rather than lost
        return {"text": str(value)}
    return out if isinstance(out, dict) else {"value": out}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_jsonable)


def _jsonable(v: Any) -> Any:
    """numpy numbers and arrays, datetimes, sets and tuples, as JSON takes them."""
    if hasattr(v, "tolist"):
        return v.tolist()
    if hasattr(v, "item"):
        return v.item()
    if isinstance(v, datetime):
        return _iso(v if v.tzinfo else _aware(v))
    if isinstance(v, (set, frozenset)):
        return sorted(v, key=str)
    if isinstance(v, tuple):
        return list(v)
    raise TypeError(f"{type(v).__name__} cannot be stored as evidence")


def _checked_time(t: Any, what: str) -> float:
    try:
        t = float(t)
        if not math.isfinite(t):
            raise ValueError
        # the same rounding to the microsecond the workspace applies
        return _secs(_ts(t))
    except (TypeError, ValueError, OverflowError):
        raise UserError(f"The annotation's {what} is not a time.") from None


def _ts(seconds: float) -> datetime:
    """Unix seconds -> naive UTC datetime (to the microsecond)."""
    return _EPOCH + timedelta(seconds=float(seconds))


def _secs(ts: datetime) -> float:
    if ts.tzinfo is not None:
        ts = ts.astimezone(timezone.utc).replace(tzinfo=None)
    return (ts - _EPOCH) / timedelta(seconds=1)


def _micros(seconds: float) -> int:
    return (_ts(seconds) - _EPOCH) // timedelta(microseconds=1)


def _aware(ts: datetime) -> datetime:
    return ts.replace(tzinfo=timezone.utc) if ts.tzinfo is None else ts.astimezone(timezone.utc)


def _naive(ts: datetime) -> datetime:
    return ts.astimezone(timezone.utc).replace(tzinfo=None) if ts.tzinfo else ts


def _iso(ts: datetime) -> str:
    return _naive(ts).isoformat() + "Z"


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
