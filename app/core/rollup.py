"""Rollups: the posts boiled down once so that the timeline can re-query on every zoom.

The tables (see :mod:`app.core.store.rollup_sql`) are derived data. They are rebuilt whole
when the workspace changes under them: a stamp in ``meta.rollup_stamp`` records what they were
built from (the last import, how many posts and scores, the brand accounts), and
:func:`ensure` compares it with the workspace as it is now. A full rebuild keeps them simple
and always right: posts imported later can be earlier in time (changing who posted first).
Only a scoring run (scores and languages, nothing else) rebuilds just the tables that read
them: the posts, and so the accounts' and shares' tables, are as they were.

Call :func:`ensure` after an import and after scoring (with a progress, it can be cancelled);
:mod:`app.core.metrics` calls it too, so a stale rollup is rebuilt on first use. A read-only
workspace cannot be rebuilt: metrics then answer from the posts table, only slower.

The check itself is one statement (~1 ms), and the timeline runs it before each of its
queries: the cursor's, several a second while it is dragged. ``ensure(cached=True)`` (what
:mod:`app.core.metrics` uses) answers from the last check while nothing was written to the
workspace since: every writer of what the stamp counts (an import, a scoring or language
chunk, the settings, a rebuild; through :meth:`Workspace.transaction` or by itself) bumps
:mod:`app.core.changes`' ``"data"`` counter after it commits, and a cached check is also
dropped after ``STATE_TTL`` seconds whatever happened. The calls that must see every change
(after an import or a scoring run) check afresh.

While a long scoring run commits its scores chunk by chunk, every chunk makes the rollups
stale. Rebuilding after each (seconds, on millions of posts) would keep the timeline busy
rebuilding, so :func:`ensure` may serve rollups that lag only on scores for a while
proportional to what their build cost (``scores_lag_factor``); the posts' counts and reach in
them are exact, only the sentiment is as of the last build.
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import datetime

from app.core import changes
from app.core.progress import NullProgress, Progress, SubProgress
from app.core.store import rollup_sql as q
from app.core.store.db import Connection, TransactionConflict, one_row
from app.core.store.workspace import Workspace

# One build at a time per process: two worker threads finding the rollups stale at once
# would otherwise both rebuild, and one of them would fail on a write-write conflict.
_BUILD_LOCK = threading.Lock()
_UNIX_EPOCH = datetime(1970, 1, 1)
_TABLES_SEEN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_INDEX_SEEN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: What a scoring run changes, chunk after chunk.
_SCORING_KEYS = ("scores", "languages")
#: How long a cached check (``ensure(cached=True)``) is trusted at most, even with no write
#: seen: a bound on the harm of a writer that forgot to say so.
STATE_TTL = 2.0
# per workspace: (the "data" counter when the check began, when it ran, its State)
_CHECKED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CHECKED_LOCK = threading.Lock()


@dataclass(frozen=True)
class State:
    """What the rollups depend on (``stamp``), what they were last built from (``built``),
    and the workspace's display time zone (read in the same statement)."""

    stamp: dict
    built: dict | None
    timezone: str = "UTC"

    @property
    def fresh(self) -> bool:
        return self.built is not None and all(self.built.get(k) == v for k, v in self.stamp.items())

    @property
    def behind_on_scores_only(self) -> bool:
        """Built from these very posts and settings; only scores (and the language
        detector's verdicts, which a scoring run brings first) have come in since."""
        return self.built is not None and all(
            self.built.get(k) == v for k, v in self.stamp.items() if k not in _SCORING_KEYS
        )

    def serves_while_scoring(self, factor: float, now: float | None = None) -> bool:
        """Whether rollups behind on scores only are recent enough to serve: for ``factor``
        times as long as their build took."""
        if factor <= 0 or self.built is None or not self.behind_on_scores_only:
            return False
        now = time.time() if now is None else now
        return now - float(self.built.get("built_at", 0)) < factor * float(self.built.get("build_s", 0))

    @property
    def key(self) -> tuple:
        """The workspace's stamp as a hashable value: names numbers taken from the posts."""
        return _hashable(self.stamp)

    @property
    def built_key(self) -> tuple | None:
        """The last build's stamp as a hashable value: names numbers taken from the rollups."""
        return _hashable(self.built) if self.built is not None else None

    @property
    def span(self) -> tuple[float, float] | None:
        """The incident's first and last post time (Unix seconds), as of the last build."""
        if self.built is None or not self.behind_on_scores_only or self.built.get("span") is None:
            return None
        first, last = self.built["span"]
        return float(first), float(last)


def state(ws: Workspace, con: Connection | None = None) -> State:
    con = con or ws.cursor()
    now = dict(con.execute(q.CURRENT_STATE).fetchall())
    built, tz = now.get("rollup_stamp"), now.get("timezone")
    stamp = {
        "version": q.ROLLUP_VERSION,
        "imports": int(now["imports"]),
        "posts": int(now["posts"]),
        "scores": int(now["scores"]),
        "languages": int(now["languages"]),
        "brand": brand_list(now.get("brand_handles")),
    }
    try:
        built_stamp = json.loads(built) if built else None
    except ValueError:
        built_stamp = None
    if built_stamp is not None and not _tables_present(ws, con):
        built_stamp = None
    return State(stamp, built_stamp, tz or "UTC")


def _checked_state(ws: Workspace, con: Connection) -> State:
    """The state as a check made since the last write says it is, or checked now."""
    generation = changes.generation(ws.path, changes.DATA)
    now = time.monotonic()
    with _CHECKED_LOCK:
        hit = _CHECKED.get(ws)
    if hit is not None and hit[0] == generation and now - hit[1] < STATE_TTL:
        return hit[2]
    # the counter is read before the check: a write committed meanwhile bumps it after its
    # commit, so this check is never kept under the counter of a later write
    st = state(ws, con)
    with _CHECKED_LOCK:
        _CHECKED[ws] = (generation, now, st)
    return st


def is_fresh(ws: Workspace, con: Connection | None = None, cached: bool = False) -> bool:
    """Whether the rollups describe the posts, scores and brand as they are; with ``cached``,
    the last check may answer if nothing was written since (see :func:`ensure`)."""
    con = con or ws.cursor()
    return (_checked_state(ws, con) if cached else state(ws, con)).fresh


def ensure(
    ws: Workspace,
    progress: Progress | None = None,
    con: Connection | None = None,
    scores_lag_factor: float = 0.0,
    cached: bool = False,
) -> State | None:
    """Rebuild the rollups if they are stale; return the state of rollups fit to use, or
    ``None`` when there are none (a read-only workspace whose rollups are stale or missing,
    or a rebuild that lost a race with a concurrent writer).

    With ``scores_lag_factor`` > 0, rollups behind on scores only are served as they are for
    that many times their build time (see the module's notes on scoring runs). With
    ``cached``, the check may be the last one made if nothing was written since (see the
    module's notes); a stale answer always checks again before rebuilding."""
    con = con or ws.cursor()
    st = _checked_state(ws, con) if cached else state(ws, con)
    if st.fresh or st.serves_while_scoring(scores_lag_factor):
        return st
    if ws.read_only:
        return None
    with _BUILD_LOCK:
        st = state(ws, con)
        if st.fresh or st.serves_while_scoring(scores_lag_factor):
            return st
        try:
            return rebuild(ws, progress, con)
        except TransactionConflict:
            # another thread wrote to the same rows meanwhile: answer from the posts this
            # time, the next call builds again
            return None


def rebuild(ws: Workspace, progress: Progress | None = None, con: Connection | None = None) -> State:
    """Rebuild the rollup tables in one transaction (a cancel leaves the old ones): every one,
    or, when only scores (and languages) came in since the last build, those that read them."""
    progress = progress or NullProgress()
    con = con or ws.cursor()
    began = time.time()
    with ws.transaction(con):
        st = state(ws, con)
        brand = st.stamp["brand"]
        # a scoring run leaves the posts as they were: the tables of accounts and shares stay
        # (rollups asked to rebuild while fresh are rebuilt whole)
        build = [b for b in q.BUILD if b[3]] if st.behind_on_scores_only and not st.fresh else q.BUILD
        for table, *_ in build:
            con.execute(q.DROP[table])
            con.execute(q.CREATE[table])
        steps = len(build) + 1
        for i, (_table, sql, needs_brand, _scores) in enumerate(build):
            ws.run(
                sql,
                [brand] if needs_brand else [],
                progress=SubProgress(progress, i, i + 1, steps),
                con=con,
                message="Preparing the timeline",
            )
        # the posts' id index: made by the first build, kept after (rollup_sql.POST_ID_INDEX)
        ws.run(
            q.POST_ID_INDEX,
            [],
            progress=SubProgress(progress, steps - 1, steps, steps),
            con=con,
            message="Preparing the timeline",
        )
        first, last = one_row(con.execute(q.SPAN))
        built = dict(st.stamp)
        built["span"] = [_epoch(first), _epoch(last)] if first is not None and last is not None else None
        built["built_at"] = time.time()
        built["build_s"] = round(built["built_at"] - began, 3)
        con.execute(q.SET_STAMP, [json.dumps(built)])
    # (the transaction's commit bumped the "data" counter: the next cached check runs anew)
    progress.report(1, 1, "Timeline ready")
    return State(st.stamp, built, st.timezone)


def invalidate(ws: Workspace, con: Connection | None = None) -> None:
    """Forget the stamp so that the next use rebuilds (the stamp catches every change the
    app makes by itself; this is for changes made behind its back)."""
    (con or ws.cursor()).execute(q.CLEAR_STAMP)
    changes.bump(ws.path, changes.DATA)


def has_post_id_index(ws: Workspace, con: Connection | None = None) -> bool:
    """Whether ``posts`` has its id index (see ``rollup_sql.POST_ID_INDEX``). Once there it
    stays (nothing drops it), so the catalog is asked until it is seen."""
    if _INDEX_SEEN.get(ws):
        return True
    present = one_row((con or ws.cursor()).execute(q.HAS_POST_ID_INDEX))[0] > 0
    if present:
        _INDEX_SEEN[ws] = True
    return present


def _tables_present(ws: Workspace, con: Connection) -> bool:
    # Once there, the tables stay for as long as this program has the workspace open (no
    # other program can open it meanwhile), so the catalog is asked once per workspace.
    if _TABLES_SEEN.get(ws):
        return True
    present = one_row(con.execute(q.TABLES_PRESENT))[0] == len(q.TABLES)
    if present:
        _TABLES_SEEN[ws] = True
    return present


def _hashable(d: dict) -> tuple:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(d.items()))


def brand_list(value: str | None) -> list[str]:
    """``meta.brand_handles`` (a JSON list) as sorted lower-case handles; [] if unreadable."""
    try:
        handles = json.loads(value) if value else []
    except ValueError:
        handles = []
    return sorted({str(h).lower() for h in handles})


def _epoch(ts: datetime) -> float:
    return (ts - _UNIX_EPOCH).total_seconds()
