"""CSV and JSON exports of the numbers behind the report: the binned series, the turning
points and the posts of a range.

The format follows the file's suffix (``.csv`` or ``.json``). Post ids are always written as
text (a JSON string, a quoted CSV cell): an id of 18 digits is beyond a double's precision,
and a spreadsheet or a JSON reader that takes it for a number silently changes it. Times are
ISO 8601 in UTC with a ``Z``. No Qt.
"""

from __future__ import annotations

import csv
import json
import math
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from app.core import chronicle, metrics
from app.core.annotations import category_for
from app.core.errors import UserError
from app.core.safe_output import check_output, write_output
from app.core.store.db import Connection
from app.core.store.workspace import Workspace
from app.core.text_safety import spreadsheet_cell

WHATS = ("series", "turning-points", "posts")

SERIES_COLUMNS = (
    "bin_start_utc",
    "bin_end_utc",
    *[f"volume_{k}" for k in metrics.KINDS],
    "total",
    "scored",
    "mean_compound",
    "neg_share",
    "neu_share",
    "pos_share",
    "exposure",
    "unknown_reach",
    "cumulative_exposure",
    "unique_audience",
    "cumulative_unique",
)
TURNING_POINT_COLUMNS = (
    "time_utc",
    "end_utc",
    "kind",
    "category",
    "label",
    "note",
    "origin",
    "post_ids",
    "evidence",
)
POST_COLUMNS = (
    "platform",
    "post_id",
    "created_at_utc",
    "author_handle",
    "author_name",
    "author_followers",
    "kind",
    "text",
    "compound",
    "retweet_count",
    "like_count",
    "reply_count",
    "quote_count",
    "ref_post_id",
    "ref_author_handle",
    "lang",
    "hashtags",
    "mentions",
    "urls",
)


def export(
    ws: Workspace,
    what: str,
    path: str | os.PathLike,
    start: float | None = None,
    end: float | None = None,
    bin_seconds: int | None = None,
    con: Connection | None = None,
    force: bool = False,
) -> int:
    """Write ``what`` (series, turning-points, posts) to ``path``; returns the rows written.
    ``start``/``end`` (Unix seconds) default to the incident's span. An existing file is
    replaced only with ``force``; the workspace never is (see :mod:`app.core.safe_output`)."""
    con = con or ws.cursor()
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "json"):
        raise UserError(f"Export to a .csv or .json file, not “{path.name}”.")
    if what not in WHATS:
        raise UserError(f"Export one of {', '.join(WHATS)}, not “{what}”.")
    if bin_seconds is not None and (what != "series" or int(bin_seconds) <= 0):
        if what != "series":
            raise UserError("--bin applies to the series only.")
        raise UserError(f"The bin width must be a whole number of seconds above zero, not {bin_seconds}.")
    # refused before the (possibly long) queries, and again when the file is renamed into place
    check_output(path, force=force, protected=[ws.path])
    span = metrics.incident_span(ws, con)
    a = start if start is not None else (span[0] if span else 0.0)
    b = end if end is not None else (span[1] + 1 if span else 0.0)
    if what == "series":
        columns, rows = SERIES_COLUMNS, series_rows(ws, a, b, bin_seconds, con)
    elif what == "turning-points":
        columns, rows = (
            TURNING_POINT_COLUMNS,
            turning_point_rows(ws, a if start is not None else None, b if end is not None else None, con),
        )
    else:
        columns, rows = POST_COLUMNS, post_rows(ws, a, b, con)
    _write(path, fmt, columns, rows, force, ws.path)
    return len(rows)


def series_rows(ws: Workspace, start: float, end: float, bin_seconds: int | None, con=None) -> list[dict]:
    if end <= start:
        return []
    bin_seconds = int(bin_seconds or 3600)
    metrics.check_bin_count(start, end, bin_seconds, limit=metrics.MAX_BINS)
    s = metrics.binned_series(ws, start, end, bin_seconds, con=con)
    ends = s.bin_ends
    rows = []
    for i in range(len(s)):
        row: dict[str, Any] = {"bin_start_utc": _iso(float(s.t[i])), "bin_end_utc": _iso(float(ends[i]))}
        for k in metrics.KINDS:
            row[f"volume_{k}"] = int(s.volume[k][i])
        row.update(
            total=int(s.total[i]),
            scored=int(s.scored[i]),
            mean_compound=_num(s.mean_compound[i]),
            neg_share=_num(s.neg_share[i]),
            neu_share=_num(s.neu_share[i]),
            pos_share=_num(s.pos_share[i]),
            exposure=int(s.exposure[i]),
            unknown_reach=int(s.unknown_reach[i]),
            cumulative_exposure=int(s.cumulative_exposure[i]),
            unique_audience=int(s.unique_audience[i]),
            cumulative_unique=int(s.cumulative_unique[i]),
        )
        rows.append(row)
    return rows


def turning_point_rows(ws: Workspace, start: float | None, end: float | None, con=None) -> list[dict]:
    """The accepted turning points (or, if none, the suggestions not dismissed), as the
    chronicle uses them."""
    rows = []
    for p in chronicle.default_turning_points(ws, con):
        if hasattr(p, "starts_at"):
            t, e, kind = p.starts_at, p.ends_at, str((p.evidence or {}).get("kind") or "manual")
            category, label, note, origin, ev = p.category, p.label, p.note, p.origin, p.evidence or {}
        else:
            t, e, kind = p.time, p.end, p.kind
            category, label, note = category_for(p.kind, p.evidence), p.label, p.explanation
            origin, ev = "suggestion", p.evidence or {}
        if (start is not None and t < start) or (end is not None and t >= end):
            continue
        rows.append(
            {
                "time_utc": _iso(t),
                "end_utc": _iso(e) if e is not None else "",
                "kind": kind,
                "category": category,
                "label": label,
                "note": note,
                "origin": origin,
                "post_ids": [str(x) for x in ev.get("post_ids") or []],
                "evidence": json.dumps(ev, ensure_ascii=False, default=str, sort_keys=True),
            }
        )
    rows.sort(key=lambda r: r["time_utc"])
    return rows


def post_rows(ws: Workspace, start: float, end: float, con=None) -> list[dict]:
    """The posts in [start, end), oldest first."""
    if end <= start:
        return []
    half = (end - start) / 2 - 0.0005  # posts_around includes both ends; the range excludes its end
    _, total = metrics.posts_around(ws, start + half, half, limit=0, con=con)
    rows, _ = metrics.posts_around(ws, start + half, half, sort="time", limit=max(total, 1), con=con)
    return [
        {
            "platform": r.platform,
            "post_id": str(r.post_id),
            "created_at_utc": _iso(metrics.to_unix(r.created_at)),
            "author_handle": r.author_handle,
            "author_name": r.author_name,
            "author_followers": r.author_followers,
            "kind": r.kind,
            "text": r.text,
            "compound": r.compound,
            "retweet_count": r.retweet_count,
            "like_count": r.like_count,
            "reply_count": r.reply_count,
            "quote_count": r.quote_count,
            "ref_post_id": None if r.ref_post_id is None else str(r.ref_post_id),
            "ref_author_handle": r.ref_author_handle,
            "lang": r.lang,
            "hashtags": list(r.hashtags),
            "mentions": list(r.mentions),
            "urls": list(r.urls),
        }
        for r in rows
    ]


def _write(path: Path, fmt: str, columns, rows: list[dict], force: bool, workspace: Path) -> None:
    def write(f) -> None:
        if fmt == "json":
            json.dump(rows, f, ensure_ascii=False, indent=1, default=str)
        else:
            w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
            w.writerow(columns)
            for row in rows:
                w.writerow([_cell(row.get(c)) for c in columns])

    write_output(path, write, force=force, protected=[workspace])


def _cell(v):
    """A CSV cell: text defused for spreadsheets (the JSON export keeps it exact)."""
    if v is None:
        return ""
    if isinstance(v, list):
        return spreadsheet_cell(" ".join(str(x) for x in v))
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return spreadsheet_cell(v)
    return v


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _num(v) -> float | None:
    v = float(v)
    return None if math.isnan(v) else round(v, 6)


def parse_time(text: str | None) -> float | None:
    """ISO 8601 -> Unix seconds; a time without a zone is taken as UTC."""
    if not text:
        return None
    try:
        d = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UserError(f"“{text}” is not an ISO 8601 time (e.g. 2013-11-13T16:00:00Z).") from exc
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return d.timestamp()
