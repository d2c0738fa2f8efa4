"""The window's state model, without Qt: what each change makes stale, and the throttle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.core.metrics import PostFilter
from app.ui import session as session_module
from app.ui.session import DEPENDS, Session, Throttle


def recorder(s: Session) -> list[set[str]]:
    seen: list[set[str]] = []
    s.subscribe(lambda stale, _changed: seen.append(stale))
    return seen


def test_the_session_module_imports_no_qt():
    tree = ast.parse(Path(session_module.__file__).read_text(encoding="utf-8"))
    imported = {
        (n.module or "") if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in n.names
    }
    assert not any(m.startswith(("PySide6", "pyqtgraph", "shiboken")) for m in imported)


def test_suggestions_depend_on_the_data_and_the_alert_rule_not_on_the_filter():
    s = Session()
    seen = recorder(s)
    s.set(filter=PostFilter(text="bell"))
    assert seen[-1] == {"overview", "series", "posts", "summary"}
    s.bump("alert_rule")
    assert seen[-1] == {"suggestions", "chronicle"}
    s.bump("data")
    assert {"suggestions", "series", "posts", "overview", "summary", "chronicle", "evidence"} <= seen[-1]


def test_the_posts_query_follows_cursor_filter_sort_and_window_but_not_the_zoom():
    s = Session()
    seen = recorder(s)
    s.set(cursor=100.0, posts_at=100.0)
    assert seen[-1] == {"posts", "cursor"}
    s.set(cursor=130.0)  # the cursor moved to a post picked in the table: the table stays
    assert seen[-1] == {"cursor"}
    s.set(sort=("exposure", True))
    assert seen[-1] == {"posts"}
    s.set(cursor_window=60)
    assert seen[-1] == {"posts"}
    s.set(range=(0.0, 1000.0, 800))
    assert seen[-1] == {"series", "summary"}
    s.set(human_labels=True)
    assert seen[-1] == {"series"}
    s.bump("labels")  # the team labelled posts: the calibrated shares change
    assert seen[-1] == {"series"}
    n = len(seen)
    s.set(cursor=130.0)  # no change: nobody is told
    assert len(seen) == n


def test_tags_reach_the_plots_only_when_the_filter_reads_them():
    s = Session()
    seen = recorder(s)
    s.bump("tags")
    assert seen[-1] == {"posts", "evidence"}
    s.set(filter=PostFilter(tag="starred"))
    s.bump("tags")
    assert seen[-1] == {"posts", "evidence", "overview", "series", "summary"}
    s.set(filter=PostFilter())
    s.bump("tags")
    assert seen[-1] == {"posts", "evidence"}


def test_keys_tell_stale_answers_and_batches_tell_once():
    s = Session()
    seen = recorder(s)
    s.set(cursor=10.0, posts_at=10.0)
    key = s.key("posts")
    s.set(range=(0.0, 5.0, 100))
    assert s.is_current("posts", key)  # a zoom does not make the table's answer stale
    s.set(posts_at=11.0)
    assert not s.is_current("posts", key)
    n = len(seen)
    with s.batch():
        s.set(cursor=12.0)
        s.set(filter=PostFilter(lang="fr"))
        assert len(seen) == n
    assert len(seen) == n + 1 and seen[-1] >= {"posts", "series", "overview", "cursor"}
    s.open(Path("/tmp/x.duckdb"), zone="Europe/Paris")
    assert seen[-1] >= set(DEPENDS) - {"post"}  # a new workspace: everything is stale
    assert s.cursor is None and s.zone == "Europe/Paris"
    with pytest.raises(AttributeError):
        s.set(data=3)
    with pytest.raises(AttributeError):
        s.set(nonsense=1)


def test_every_view_depends_on_known_fields():
    known = set(session_module.State.__dataclass_fields__)
    for view, deps in DEPENDS.items():
        assert set(deps) <= known, view


def test_the_throttle_lets_one_update_through_per_interval():
    now = [0.0]
    t = Throttle(0.06, clock=lambda: now[0])
    assert t.offer()
    now[0] = 0.03
    assert not t.offer() and t.wait() == pytest.approx(0.03)
    now[0] = 0.061
    assert t.offer()
    # a 60 Hz drag of one second gets through about 16 times
    passed = 0
    for i in range(60):
        now[0] = 1.0 + i / 60
        passed += t.offer()
    assert 14 <= passed <= 17
