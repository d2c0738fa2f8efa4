"""Saved views: a named filter, time range and cursor, kept in the workspace, so that a team
can come back to "the press pickup, brand accounts excluded" in one click.

The filter is kept as JSON of :class:`~app.core.metrics.PostFilter`'s fields (kinds as a
list), readable in the DuckDB CLI. A view whose filter can no longer be read (hand-edited,
say) is listed with :attr:`SavedView.problem` set rather than dropped.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from datetime import datetime, timezone

from app.core.errors import UserError
from app.core.metrics import PostFilter, to_timestamp, to_unix
from app.core.store import saved_views_sql as q
from app.core.store.db import Connection, one_row
from app.core.store.workspace import Workspace

MAX_NAME = 80


@dataclass(frozen=True)
class SavedView:
    name: str
    filter: PostFilter
    start: float
    end: float
    cursor: float | None = None
    updated_at: datetime | None = None
    #: why the stored filter could not be read ("" when it was)
    problem: str = ""


def filter_to_json(flt: PostFilter) -> dict:
    out = {}
    for f in fields(PostFilter):
        v = getattr(flt, f.name)
        if v == f.default:
            continue
        out[f.name] = sorted(v) if isinstance(v, frozenset) else v
    return out


def filter_from_json(data: dict) -> PostFilter:
    """The filter of a saved view; :class:`UserError` if it cannot be read."""
    if not isinstance(data, dict):
        raise UserError("the filter is not a set of named values")
    known = {f.name for f in fields(PostFilter)}
    kwargs = {k: v for k, v in data.items() if k in known}
    if "kinds" in kwargs:
        kwargs["kinds"] = frozenset(kwargs["kinds"] or ())
    try:
        return PostFilter(**kwargs)
    except (TypeError, ValueError, UserError) as exc:
        raise UserError(f"the filter cannot be read ({exc})") from None


def check_name(name: str) -> str:
    n = " ".join((name or "").split())
    if not n:
        raise UserError("Give the view a name, e.g. “Press pickup, no brand”.")
    if len(n) > MAX_NAME:
        raise UserError(f"Keep the name under {MAX_NAME} characters.")
    return n


def save(ws: Workspace, view: SavedView) -> SavedView:
    """Keep a view (a view of the same name is replaced)."""
    name = check_name(view.name)
    if not (math.isfinite(view.start) and math.isfinite(view.end)) or view.end <= view.start:
        raise UserError("A saved view needs a time range that ends after it starts.")
    now = _now()
    ws.cursor().execute(
        q.SAVE,
        [
            name,
            json.dumps(filter_to_json(view.filter), ensure_ascii=False, sort_keys=True),
            to_timestamp(view.start),
            to_timestamp(view.end),
            None if view.cursor is None else to_timestamp(view.cursor),
            now,
            now,
        ],
    )
    return SavedView(name, view.filter, view.start, view.end, view.cursor, now.replace(tzinfo=timezone.utc))


def exists(ws: Workspace, name: str) -> bool:
    return bool(one_row(ws.cursor().execute(q.EXISTS, [check_name(name)]))[0])


def rename(ws: Workspace, old: str, new: str) -> None:
    new = check_name(new)
    if new != old and exists(ws, new):
        raise UserError(f"There is already a view called “{new}”.")
    ws.cursor().execute(q.RENAME, [new, _now(), old])


def delete(ws: Workspace, name: str) -> None:
    ws.cursor().execute(q.DELETE, [name])


def list_views(ws: Workspace, con: Connection | None = None) -> list[SavedView]:
    out = []
    for name, raw, start, end, cursor, _created, updated in (con or ws.cursor()).execute(q.LIST).fetchall():
        problem = ""
        try:
            flt = filter_from_json(json.loads(raw) if isinstance(raw, str) else raw)
        except (UserError, ValueError) as exc:
            flt, problem = PostFilter(), str(exc)
        out.append(
            SavedView(
                name,
                flt,
                to_unix(start),
                to_unix(end),
                None if cursor is None else to_unix(cursor),
                updated.replace(tzinfo=timezone.utc) if updated else None,
                problem,
            )
        )
    return out


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
