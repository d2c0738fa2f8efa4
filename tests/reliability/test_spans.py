"""Time spans and bin counts are bounded wherever a span is binned: an absurd bin is refused
in words, and a workspace holding a post with a wrong date (as workspaces made before the
importer quarantined such posts do) never makes a command run for minutes or take gigabytes."""

from __future__ import annotations

import duckdb
import pytest
from v1_statuses import status

from .conftest import assert_ok, assert_worded, write_statuses


@pytest.fixture
def year_long(env, tmp_path):
    """Posts a year apart."""
    t0 = 1356998400.0  # 2013-01-01
    rows = [status(str(100 + i), t0 + i * 365 * 86400 / 20, f"u{i}", f"post {i}", 10) for i in range(21)]
    ws = tmp_path / "year.duckdb"
    assert_ok(env.run("import", str(ws), str(write_statuses(tmp_path / "year.jsonl", rows))))
    return ws


@pytest.mark.parametrize("bin_seconds", ["-5", "0"])
def test_a_bin_of_no_width_is_refused(env, year_long, bin_seconds):
    out = year_long.with_name("s.csv")
    run = env.run("export", str(year_long), "--what", "series", "--bin", bin_seconds, "-o", str(out))
    assert_worded(run, mentions=("bin",))
    assert not out.exists()


def test_one_second_bins_over_a_year_are_refused_in_words(env, year_long):
    out = year_long.with_name("s.csv")
    run = env.run("export", str(year_long), "--what", "series", "--bin", "1", "-o", str(out), timeout=60)
    message = assert_worded(run, mentions=("at least",))
    assert "MemoryError" not in run.output
    assert not out.exists()
    # the advice works
    least = int(message.split("at least ")[1].split()[0].replace(",", ""))
    assert_ok(env.run("export", str(year_long), "--what", "series", "--bin", str(least), "-o", str(out)))
    assert len(out.read_text().splitlines()) <= 1_000_001


def test_bin_only_for_the_series(env, year_long):
    run = env.run(
        "export", str(year_long), "--what", "posts", "--bin", "60", "-o", str(year_long.with_name("p.csv"))
    )
    assert_worded(run, mentions=("series",))


@pytest.mark.parametrize("when", ["9999-12-30 00:00:00", "1970-01-02 00:00:00"])
def test_a_wrong_date_in_an_old_workspace_stays_bounded(env, workspace, when):
    with duckdb.connect(str(workspace)) as con:
        con.execute(
            "UPDATE posts SET created_at = ?::TIMESTAMP WHERE post_id = (SELECT min(post_id) FROM posts)",
            [when],
        )
        con.execute("DELETE FROM meta WHERE key = 'rollup_stamp'")
    assert_ok(env.run("config", str(workspace), "--timezone", "America/New_York"))
    for args in (
        ("turning-points", str(workspace)),
        ("report", str(workspace), "--format", "html", "-o", str(workspace.with_name("r.html"))),
        ("report", str(workspace), "-o", str(workspace.with_name("r.pdf"))),
        ("export", str(workspace), "--what", "series", "-o", str(workspace.with_name("s.csv"))),
        ("info", str(workspace)),
    ):
        run = env.run(*args, timeout=90)
        assert "Traceback" not in run.output and "MemoryError" not in run.output, run.output
        if run.returncode:
            assert_worded(run, mentions=("wrong date",))
