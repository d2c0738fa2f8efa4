"""The window's state as a plain model, with what depends on what (no Qt here).

In the spirit of napari's ``ViewerModel`` and glue's state objects: :class:`Session` holds
what the user has chosen (the workspace, the filter, the visible range, the cursor, the bin,
the sort, the selected post) and a few version counters for what changes in the workspace
(its data, the turning points, the tags, the chronicle, the alert rule, saved views).
:data:`DEPENDS` declares which of them each view reads; changing a field tells the
listeners which views are stale, and nothing else. ``MainWindow`` builds the widgets, binds
them to the session and, for each stale view, starts the query that refreshes it.

So the suggestions are recomputed when the data or the alert rule change and never when the
filter does; the posts table re-queries on the cursor, the filter, the sort and the window
around the cursor, never on a zoom; and so on: one table says it, and a test checks it.

Each view's *key* (:meth:`Session.key`) is the tuple of what it depends on: a result is shown
only if the key it was computed for is still the session's (stale answers are dropped).

:class:`Throttle` spaces out the cursor's updates while the user drags it or plays the
incident back (at most one every :data:`CURSOR_INTERVAL_S`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from app.core.metrics import PostFilter

#: seconds between two cursor updates while dragging or playing (about 16 a second)
CURSOR_INTERVAL_S = 0.06


@dataclass
class State:
    """What the window shows, as chosen by the user and as known of the workspace."""

    workspace: Path | None = None
    #: display time zone of the workspace (read once per change of settings, not per move)
    zone: str = "UTC"
    filter: PostFilter = field(default_factory=PostFilter)
    #: the visible time range (Unix seconds) and the plots' width in pixels
    range: tuple[float, float, int] | None = None
    cursor: float | None = None
    #: the time the posts table lists the posts around: the cursor's, except after the user
    #: picked a post in the table (the cursor goes to the post, the table stays as it is)
    posts_at: float | None = None
    #: minutes either side of the cursor whose posts the table lists
    cursor_window: int = 15
    #: the posts table's order: (time | exposure | sentiment | engagement, descending)
    sort: tuple[str, bool] = ("time", False)
    #: the post being read: (platform, post_id)
    selection: tuple[str, str] | None = None
    #: sentiment shares with the user's own labels over VADER's
    human_labels: bool = False
    # ---- versions: bumped when that part of the workspace changes -----------------------
    data: int = 0  # posts, scores, the incident's settings
    annotations: int = 0
    tags: int = 0
    #: bumped with ``tags`` when the filter depends on the tags (a derived field)
    tags_in_filter: int = 0
    chronicle: int = 0
    alert_rule: int = 0
    views: int = 0
    #: the team's sentiment labels (they calibrate the sentiment plot)
    labels: int = 0


#: What each view reads. A view is stale when any of these changes.
DEPENDS: dict[str, tuple[str, ...]] = {
    # the whole incident's strip and extent
    "overview": ("workspace", "data", "filter", "tags_in_filter"),
    # the three plots
    "series": ("workspace", "data", "filter", "tags_in_filter", "range", "human_labels", "labels"),
    # the posts table: the cursor's window, in order (and the tags it shows)
    "posts": ("workspace", "data", "filter", "tags_in_filter", "posts_at", "cursor_window", "sort", "tags"),
    # the summary panels: what is in view
    "summary": ("workspace", "data", "filter", "tags_in_filter", "range"),
    # the suggested turning points depend on the data and the alert rule, not on the filter
    "suggestions": ("workspace", "data", "alert_rule"),
    "annotations": ("workspace", "annotations"),
    "chronicle": ("workspace", "data", "annotations", "chronicle", "alert_rule"),
    "evidence": ("workspace", "data", "tags"),
    "views": ("workspace", "views"),
    # drawn, not queried: the cursor lines and the time label
    "cursor": ("cursor", "zone"),
    "post": ("selection",),
}

VIEWS = tuple(DEPENDS)
_FIELDS = {f.name for f in fields(State)}
_VERSIONS = ("data", "annotations", "tags", "tags_in_filter", "chronicle", "alert_rule", "views", "labels")

Listener = Callable[[set[str], set[str]], None]


class Session:
    """The state, its dependencies, and who to tell when views go stale."""

    def __init__(self) -> None:
        self.state = State()
        self._listeners: list[Listener] = []
        self._batch: set[str] | None = None
        #: results the window keeps for its views (not inputs: they make nothing stale)
        self.span: tuple[float, float] | None = None
        self.bin_seconds: int = 3600
        self.suggestions: list = []

    # ---- reading ----------------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name in _FIELDS:
            return getattr(self.state, name)
        raise AttributeError(name)

    def key(self, view: str) -> tuple:
        """What ``view`` was (or will be) computed from."""
        return tuple(getattr(self.state, f) for f in DEPENDS[view])

    def is_current(self, view: str, key: tuple) -> bool:
        return self.key(view) == key

    @staticmethod
    def stale_views(changed: set[str]) -> set[str]:
        """The views that read any of the ``changed`` fields."""
        return {v for v, deps in DEPENDS.items() if changed.intersection(deps)}

    # ---- changing -----------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        """``listener(stale views, changed fields)`` after every change."""
        self._listeners.append(listener)

    def set(self, **values: Any) -> set[str]:
        """Change fields; tell the listeners which views are stale. Returns the fields that
        actually changed (setting a field to its value changes nothing)."""
        changed = set()
        for name, value in values.items():
            if name not in _FIELDS:
                raise AttributeError(f"the session has no field {name!r}")
            if name in _VERSIONS:
                raise AttributeError(f"{name} is a version: use bump()")
            if getattr(self.state, name) != value:
                setattr(self.state, name, value)
                changed.add(name)
        if "filter" in changed:
            # a filter on tags reads the tags: its views follow them from now on
            self.state.tags_in_filter = self.state.tags if self.state.filter.uses_tags() else -1
        self._changed(changed)
        return changed

    def bump(self, *versions: str) -> None:
        """Note that parts of the workspace changed (``data``, ``annotations``, ``tags``,
        ``chronicle``, ``alert_rule``, ``views``, ``labels``)."""
        changed = set()
        for name in versions:
            if name not in _VERSIONS or name == "tags_in_filter":
                raise AttributeError(f"{name} is not a version")
            setattr(self.state, name, getattr(self.state, name) + 1)
            changed.add(name)
        if "tags" in changed and self.state.filter.uses_tags():
            self.state.tags_in_filter = self.state.tags
            changed.add("tags_in_filter")
        self._changed(changed)

    def open(self, path: Path | None, zone: str = "UTC") -> None:
        """A workspace opened (or, with None, closed): every view is stale; the choices that
        belong to one incident (range, cursor, selection) are forgotten."""
        self.span = None
        self.suggestions = []
        with self.batch():
            self.set(workspace=path, zone=zone, range=None, cursor=None, posts_at=None, selection=None)
            self.bump("data", "annotations", "tags", "chronicle", "alert_rule", "views", "labels")

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Tell the listeners once, after every change made inside the block."""
        if self._batch is not None:
            yield
            return
        self._batch = set()
        try:
            yield
        finally:
            changed, self._batch = self._batch, None
            self._notify(changed)

    def _changed(self, changed: set[str]) -> None:
        if not changed:
            return
        if self._batch is not None:
            self._batch |= changed
        else:
            self._notify(changed)

    def _notify(self, changed: set[str]) -> None:
        if not changed:
            return
        stale = self.stale_views(changed)
        for listener in list(self._listeners):
            listener(stale, changed)


class Throttle:
    """At most one update per ``interval`` seconds: :meth:`offer` says whether an update may
    go now; otherwise the caller keeps the latest value and asks again after :meth:`wait`."""

    def __init__(
        self, interval: float = CURSOR_INTERVAL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self.clock = clock
        self._last: float | None = None

    def offer(self) -> bool:
        now = self.clock()
        if self._last is None or now - self._last >= self.interval:
            self._last = now
            return True
        return False

    def mark(self) -> None:
        """An update went now (one that was held back, say)."""
        self._last = self.clock()

    def wait(self) -> float:
        """Seconds until the next update may go."""
        if self._last is None:
            return 0.0
        return max(0.0, self.interval - (self.clock() - self._last))

    def reset(self) -> None:
        self._last = None
