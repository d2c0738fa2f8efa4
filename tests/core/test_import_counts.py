"""On every fixture, the report's counts add up and agree with the workspace and its
``imports`` row: read = added + already in the workspace + repeated in the file + conflicts
+ rejected, first on an empty workspace, then again on the same file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.ingest.options import ImportOptions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SKIP = {"README.md", "LICENSE", "LICENSE.txt", "empty.json", "tweet-export.jsonl"}
ALL = sorted(
    p.relative_to(FIXTURES).as_posix()
    for p in FIXTURES.rglob("*")
    if p.is_file()
    and p.name not in SKIP
    and p.suffix != ".py"
    and p.name not in ("actor.json", "likes.json", "bookmarks.json")
)
MAPPINGS = {
    "airline/Tweets.csv": {
        "tweet_id": "post_id",
        "tweet_created": "created_at",
        "text": "text",
        "airline_sentiment": "human_label",
    },
}


def test_every_fixture_is_covered():
    assert len(ALL) >= 18, ALL


@pytest.mark.parametrize("name", ALL)
def test_counts_add_up(workspace, helpers, name):
    mapping = {field: col for col, field in MAPPINGS.get(name, {}).items()} or None
    options = ImportOptions(timezone="UTC")
    first = helpers.import_one(workspace, FIXTURES / name, mapping=mapping, options=options)
    assert first.error is None, first.error
    assert first.read > 0 and first.counts_add_up(), first.as_dict()
    assert first.already_in_workspace == 0  # the workspace was empty
    posts = workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert posts == first.added
    row = workspace.con.execute(
        "SELECT rows_read, rows_added, rows_duplicate, rows_duplicate_in_file, rows_conflict, rows_rejected "
        "FROM imports WHERE import_id = ?",
        [first.import_id],
    ).fetchone()
    assert row == (first.read, first.added, 0, first.duplicates_in_file, first.conflicts, first.rejected)
    again = helpers.import_one(workspace, FIXTURES / name, mapping=mapping, options=options)
    assert again.counts_add_up() and again.added == 0
    assert again.already_in_workspace == first.added
    assert again.seen_before == first.import_id
