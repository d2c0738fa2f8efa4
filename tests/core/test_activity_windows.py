"""The busiest window of an account (the "inhuman rate" signal) against a brute-force count.

``accounts_sql.activity`` measures the busiest window post by post only for the accounts whose
posts in two adjacent slots of the window's length could reach the rate; the others read 0.
Here accounts post at random times, in bursts, and exactly on slot edges (a window [t, t + w]
with t on an edge, and posts exactly w apart), and every account that reaches the rate must
get the brute-force count and moment; every other one 0.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone

import pytest

from app.core import rollup
from app.core.analysis import accounts
from app.core.analysis.context import Context
from app.core.analysis.settings import Settings
from app.core.ingest import import_paths
from app.core.store import accounts_sql
from app.core.store.workspace import Workspace

T0 = 1636329600  # a multiple of every window below


def _status(i: int, t: float, handle: str) -> dict:
    return {
        "created_at": datetime.fromtimestamp(t, timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "id_str": str(10_000 + i),
        "text": f"post {i} by {handle}",
        "user": {"id_str": str(abs(hash(handle)) % 10**9), "screen_name": handle, "followers_count": 5},
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
    }


@pytest.fixture(scope="module")
def timed(tmp_path_factory):
    rng = random.Random(7)
    times: dict[str, list[int]] = {}
    for a in range(12):
        n = rng.randint(5, 60)
        spread = rng.choice([600, 3600, 6 * 3600])
        times[f"acct{a}"] = [T0 + rng.randint(0, spread) for _ in range(n)]
    # on the edges of 600 s slots: a window starting on an edge, posts exactly 600 s apart
    times["edges"] = [T0 + 600 * k for k in range(6)] + [T0 + 600 * 3 + 599] * 3 + [T0 + 1200] * 4
    times["burst"] = [T0 + 5000 + s for s in range(0, 40, 2)] + [T0 + 9000]
    folder = tmp_path_factory.mktemp("windows")
    lines, i = [], 0
    for handle, ts in times.items():
        for t in ts:
            i += 1
            lines.append(json.dumps(_status(i, t, handle)))
    (folder / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws = Workspace.open(folder / "w.duckdb", create=True)
    (report,) = import_paths(ws, [folder / "posts.jsonl"])
    assert report.ok and report.added == len(lines)
    assert rollup.ensure(ws) is not None
    yield ws, times
    ws.close()


def _brute(ts: list[int], window: float) -> tuple[int, int]:
    """(most posts in one [t, t + window], the earliest t that holds them)."""
    ts = sorted(ts)
    best, at = 0, ts[0]
    for t in ts:
        n = sum(1 for u in ts if t <= u <= t + window)
        if n > best:
            best, at = n, t
    return best, at


@pytest.mark.parametrize("window", [60.0, 600.0, 1200.0, 3600.0])
@pytest.mark.parametrize("rate", [3, 6, 10, 20])
def test_the_busiest_window_is_the_brute_force_one_where_it_reaches_the_rate(timed, window, rate):
    ws, times = timed
    at = accounts_sql.ActivityThresholds(
        min_posts=1,
        rate_posts=rate,
        window=window,
        min_repeats=10**6,
        min_timed_replies=10**6,
        reply_share=1.0,
    )
    for rollups in (False, True):
        got = {a.handle_key: a for a in accounts_sql.activity(ws.cursor(), at, rollups=rollups)}
        reached = 0
        for handle, ts in times.items():
            best, t = _brute(ts, window)
            a = got.get(handle)  # an account with fewer posts than the rate is no candidate
            if best >= rate:
                reached += 1
                assert a is not None
                assert (a.busiest, a.busiest_at) == (
                    best,
                    datetime.fromtimestamp(t, timezone.utc).replace(tzinfo=None),
                )
            else:
                assert a is None or a.busiest < rate
        assert reached or rate == 20


def test_some_accounts_reach_and_some_do_not(timed):
    # so that the comparisons above compare both sides of the threshold
    _, times = timed
    bests = [_brute(ts, 600.0)[0] for ts in times.values()]
    assert min(bests) < 6 <= max(bests)
    # [T0 + 600, T0 + 1200] runs from one slot's first instant to the next slot's: 1 + 5 posts
    assert _brute(times["edges"], 600.0) == (6, T0 + 600)


def test_repeated_texts_are_counted_after_mentions_and_links_are_removed(tmp_path):
    """The "repeated text" measure: leading mentions and links removed, then spaces at the
    ends; texts left empty count for nothing (an account of links only repeats no text)."""
    texts = {
        "linky": ["https://t.co/a", "https://t.co/b", "@someone https://t.co/c", "@a @b"],
        "repeater": [
            "@a @b same words https://x.y/1",
            "@c same words https://x.y/2",
            "same words",
            "  same words  ",
            "other words",
            "https://t.co/z",
        ],
        "plain": ["one", "two", "two", "three", "Two"],
    }
    lines, i = [], 0
    for handle, own in texts.items():
        for text in own:
            i += 1
            s = _status(i, T0 + i, handle)
            s["text"] = text
            lines.append(json.dumps(s))
    (tmp_path / "t.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Workspace.open(tmp_path / "t.duckdb", create=True) as ws:
        assert all(r.ok for r in import_paths(ws, [tmp_path / "t.jsonl"]))
        assert rollup.ensure(ws) is not None
        at = accounts_sql.ActivityThresholds(
            min_posts=10**6,
            rate_posts=10**6,
            window=60.0,
            min_repeats=1,
            min_timed_replies=10**6,
            reply_share=1.0,
        )
        for rollups in (False, True):
            got = {a.handle_key: a for a in accounts_sql.activity(ws.cursor(), at, rollups=rollups)}
            assert (got["linky"].distinct_texts, got["linky"].top_text, got["linky"].top_text_posts) == (
                0,
                None,
                0,
            )
            assert (got["repeater"].distinct_texts, got["repeater"].top_text_posts) == (2, 4)
            assert got["repeater"].top_text in texts["repeater"][:4]
            assert (got["plain"].distinct_texts, got["plain"].top_text_posts, got["plain"].top_text) == (
                4,
                2,
                "two",
            )


BOT_NAMED = ["news_bot", "ReplyBot2", "bot", "Bot_Army", "BOT", "weatherBot_eu"]
NOT_BOT_NAMED = ["Abbott", "robotics_fan", "botany", "TalbotJ", "my_bots", "SomeBOT", "plain_person"]


def test_a_handle_that_calls_itself_a_bot_is_enough_on_its_own(tmp_path):
    """One post each, nothing else to tell: the handles that call themselves bots (whatever
    their case) are found, and handles that merely hold the letters are not."""
    lines = [json.dumps(_status(i, T0 + i, h)) for i, h in enumerate(BOT_NAMED + NOT_BOT_NAMED)]
    (tmp_path / "t.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Workspace.open(tmp_path / "t.duckdb", create=True) as ws:
        assert all(r.ok for r in import_paths(ws, [tmp_path / "t.jsonl"]))
        ctx = Context.build(ws, ws.cursor(), Settings())
        assert ctx is not None
        found = {a.key: a.reasons for a in accounts.automated(ctx)}
        assert found == {h.lower(): ("bot_handle",) for h in BOT_NAMED}
        for rollups in (False, True):
            measured = accounts_sql.activity(ctx.con, accounts.thresholds(ctx.settings), rollups=rollups)
            assert {h.lower() for h in BOT_NAMED} <= {a.handle_key for a in measured}
