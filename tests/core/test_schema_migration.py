"""Migration 2: a workspace made by the first version opens, keeps its data and gains the
new tables (dismissed suggestions, chronicle edits, sentiment labels, posts_labelled and the
rollups); a migration that fails leaves the file as it was.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pytest

from app.core import annotations, metrics, rollup
from app.core.errors import WorkspaceError
from app.core.ingest import import_paths
from app.core.sentiment import labels, score_missing
from app.core.store import Workspace, rollup_sql, schema
from app.core.store import workspace as workspace_module

# the rollup tables of the schema's step 2; those added since are made by their first build
UP_FRONT_ROLLUPS = {"rollup_minute", "rollup_first", "rollup_retweets", "rollup_post_scores"}
NEW_TABLES = {"dismissed_suggestions", "chronicle_edits", "sentiment_labels", *UP_FRONT_ROLLUPS}

POST = {
    "platform": "twitter",
    "post_id": "400731335900995587",
    "created_at": datetime(2013, 11, 13, 21, 6, 5),
    "author_id": "1001",
    "author_handle": "marcy_dolan",
    "author_name": "Marcy Dolan",
    "author_followers": 2150,
    "text": "At what number of Billions of Dollars in fines will it no longer be profitable to run "
    "your criminal enterprise? #askjpm",
    "kind": "post",
    "ref_post_id": None,
    "ref_author_handle": None,
    "ref_text": None,
    "lang": "en",
    "retweet_count": 0,
    "like_count": 0,
    "reply_count": None,
    "quote_count": None,
    "hashtags": ["askjpm"],
    "mentions": [],
    "urls": [],
    "import_id": 1,
}


def make_v1(path) -> None:
    """A workspace exactly as the first version of the app left it: migration 1 only, one
    import, one post with its score, one annotation."""
    con = duckdb.connect(str(path))
    con.execute("BEGIN TRANSACTION")
    for statement in schema.MIGRATIONS[0]:
        con.execute(statement)
    con.executemany("INSERT INTO meta VALUES (?, ?)", [[k, v] for k, v in schema.DEFAULT_META.items()])
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("UPDATE meta SET value = 'America/New_York' WHERE key = 'timezone'")
    con.execute(
        "INSERT INTO imports (import_id, path, format, rows_read, rows_added) "
        "VALUES (nextval('import_id_seq'), 'askjpm.jsonl', 'twitter-v1', 1, 1)"
    )
    cols = ", ".join(POST)
    marks = ", ".join("?" for _ in POST)
    con.execute(
        f"INSERT INTO posts ({cols}, text_key) VALUES ({marks}, md5_number(?))",
        [*POST.values(), POST["text"]],
    )
    con.execute("INSERT INTO sentiment SELECT text_key, -0.6808, 0.0, 0.7, 0.3 FROM posts")
    con.execute(
        "INSERT INTO annotations (starts_at, ends_at, label, category, note, colour, origin, evidence) "
        "VALUES ('2013-11-13 21:00:00', NULL, 'Storm begins', 'escalation', 'hostile questions', "
        "'#d55e00', 'manual', '{\"post_ids\": [\"400731335900995587\"]}')"
    )
    con.execute("COMMIT")
    con.close()


def tables_of(con) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }


def test_schema_version_counts_the_migrations_and_migration_one_is_unchanged():
    assert schema.SCHEMA_VERSION == len(schema.MIGRATIONS) >= 3
    # the first step is what every existing workspace was built with
    assert "CREATE TABLE annotations" in schema.MIGRATIONS[0][-1]
    assert not any("sentiment_labels" in s for s in schema.MIGRATIONS[0])


def test_a_version_1_workspace_is_migrated_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    make_v1(path)
    with Workspace.open(path) as ws:
        assert ws.meta()["schema_version"] == str(schema.SCHEMA_VERSION)
        assert ws.timezone == "America/New_York"
        assert tables_of(ws.con) >= NEW_TABLES | {"posts", "sentiment", "annotations", "posts_labelled"}
        row = ws.con.execute("SELECT post_id, author_handle, text, hashtags FROM posts").fetchone()
        assert row == (POST["post_id"], "marcy_dolan", POST["text"], ["askjpm"])
        assert ws.con.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
        (a,) = annotations.list_annotations(ws)
        assert (a.label, a.category, a.note, a.colour, a.origin) == (
            "Storm begins",
            "escalation",
            "hostile questions",
            "#d55e00",
            "manual",
        )
        assert a.starts_at == metrics.to_unix(datetime(2013, 11, 13, 21, 0)) and a.ends_at is None
        assert a.evidence == {"post_ids": [POST["post_id"]]}
        # the new tables work at once
        labels.set_label(ws, "twitter", POST["post_id"], "negative")
        assert ws.con.execute(
            "SELECT human_label, vader_class, effective_class FROM posts_labelled"
        ).fetchone() == ("negative", "negative", "negative")
        annotations.dismiss(ws, "peak:1384380000:volume")
        assert annotations.dismissed_keys(ws) == {"peak:1384380000:volume"}
        # a new annotation gets the next id of the old sequence
        b = annotations.add(ws, annotations.Annotation(None, a.starts_at + 60, label="Press"))
        assert b.id == a.id + 1
    # reopening does not migrate again
    with Workspace.open(path) as ws:
        assert ws.meta()["schema_version"] == str(schema.SCHEMA_VERSION)
        assert len(annotations.list_annotations(ws)) == 2
        assert labels.labels(ws) == {("twitter", POST["post_id"]): "negative"}


def test_a_migrated_workspace_takes_imports_and_builds_its_rollups(tmp_path, fixtures_dir):
    path = tmp_path / "old.duckdb"
    make_v1(path)
    with Workspace.open(path) as ws:
        (report,) = import_paths(ws, [fixtures_dir / "python-twitter" / "streaming_lines.json"])
        assert report.ok and report.added > 50
        score_missing(ws)
        assert rollup.ensure(ws) is not None and rollup.is_fresh(ws)
        first, last = metrics.incident_span(ws)
        s = metrics.binned_series(ws, first, last + 1, 86400 * 366 * 10)
        assert int(s.total.sum()) == 1 + report.added


def test_a_version_1_workspace_that_already_has_rollups(tmp_path):
    """The rollups were made lazily before version 2: creating them again must not fail."""
    path = tmp_path / "old.duckdb"
    make_v1(path)
    con = duckdb.connect(str(path))
    for ddl in rollup_sql.CREATE_TABLES:
        con.execute(ddl)
    con.execute("INSERT INTO rollup_retweets VALUES ('twitter', '1', 5)")
    con.close()
    with Workspace.open(path) as ws:
        assert ws.meta()["schema_version"] == str(schema.SCHEMA_VERSION)
        assert ws.con.execute("SELECT * FROM rollup_retweets").fetchall() == [("twitter", "1", 5)]


def test_the_rollup_tables_of_the_migrations_are_those_rollup_creates(tmp_path):
    """The migrations copy rollup_sql's CREATE statements (a migration never changes later):
    today they must give the same columns, for the tables they create."""
    with Workspace.open(tmp_path / "new.duckdb", create=True) as ws:
        migrated = ws.con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_name LIKE 'rollup_%' ORDER BY table_name, ordinal_position"
        ).fetchall()
    con = duckdb.connect()
    for ddl in rollup_sql.CREATE_TABLES:
        con.execute(ddl)
    made = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_name LIKE 'rollup_%' ORDER BY table_name, ordinal_position"
    ).fetchall()
    assert {t for t, _, _ in migrated} == UP_FRONT_ROLLUPS
    assert migrated == [r for r in made if r[0] in UP_FRONT_ROLLUPS]


def test_a_new_workspace_has_every_table_from_the_start(tmp_path):
    with Workspace.open(tmp_path / "new.duckdb", create=True) as ws:
        assert ws.meta()["schema_version"] == str(schema.SCHEMA_VERSION)
        assert tables_of(ws.con) >= NEW_TABLES | {"posts_labelled", "meta", "imports"}
        assert not rollup.is_fresh(ws)  # present but not built: no stamp yet
        rollup.ensure(ws)
        assert tables_of(ws.con) >= set(rollup_sql.TABLES) and rollup.is_fresh(ws)


def test_a_version_1_workspace_opened_read_only_says_it_needs_upgrading(tmp_path):
    path = tmp_path / "old.duckdb"
    make_v1(path)
    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(path, read_only=True)
    assert "upgrading" in str(caught.value)


def test_a_failed_migration_leaves_the_workspace_at_version_1(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    make_v1(path)
    broken = [schema.MIGRATIONS[0], [*schema.MIGRATIONS[1], "CREATE TABLE meta (oops INTEGER)"]]
    monkeypatch.setattr(workspace_module, "MIGRATIONS", broken)
    with pytest.raises(WorkspaceError, match="could not be upgraded"):
        Workspace.open(path)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)
    assert not (tables_of(con) & {"sentiment_labels", "chronicle_edits", "dismissed_suggestions"})
    con.close()
    monkeypatch.undo()
    with Workspace.open(path) as ws:
        assert ws.meta()["schema_version"] == str(schema.SCHEMA_VERSION)
        assert len(annotations.list_annotations(ws)) == 1
        assert json.loads(ws.meta()["brand_handles"]) == []


def test_a_version_2_workspace_gains_the_import_columns(tmp_path, fixtures_dir):
    """The import step (wip/ingest): posts gain post_url, vendor_sentiment and vendor_reach (NULL for
    the posts already there), imports gain the finer counts; the data stays."""
    from app.core.ingest import import_paths

    path = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(path))
    for step in schema.MIGRATIONS[:2]:
        for statement in step:
            con.execute(statement)
    con.executemany("INSERT INTO meta VALUES (?, ?)", [[k, v] for k, v in schema.DEFAULT_META.items()])
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    con.close()
    with Workspace.open(path) as ws:
        assert ws.meta()["schema_version"] == str(schema.SCHEMA_VERSION)
        cols = {r[0] for r in ws.con.execute("SELECT column_name FROM (DESCRIBE posts)").fetchall()}
        assert {"post_url", "vendor_sentiment", "vendor_reach"} <= cols
        (report,) = import_paths(ws, [fixtures_dir / "twarc-csv" / "flat.jsonl"])
        assert report.added == 100
        row = ws.con.execute(
            "SELECT rows_read, rows_added, rows_duplicate, rows_duplicate_in_file, rows_conflict, rows_rejected "
            "FROM imports"
        ).fetchone()
        assert row == (100, 100, 0, 0, 0, 0)


def test_a_version_5_workspace_gains_the_shared_authors_followers(tmp_path, fixtures_dir):
    """Schema 6: posts gain ref_author_followers (NULL, unknown, for the posts already there);
    a later import fills it."""
    from app.core.ingest import import_paths

    path = tmp_path / "v5.duckdb"
    con = duckdb.connect(str(path))
    for step in schema.MIGRATIONS[:5]:
        for statement in step:
            con.execute(statement)
    con.executemany("INSERT INTO meta VALUES (?, ?)", [[k, v] for k, v in schema.DEFAULT_META.items()])
    con.execute("INSERT INTO meta VALUES ('schema_version', '5')")
    cols = ", ".join(POST)
    con.execute(
        f"INSERT INTO posts ({cols}, text_key) VALUES ({', '.join('?' for _ in POST)}, md5_number(?))",
        [*POST.values(), POST["text"]],
    )
    con.close()
    with Workspace.open(path) as ws:
        assert ws.meta()["schema_version"] == str(schema.SCHEMA_VERSION)
        assert ws.con.execute("SELECT ref_author_followers FROM posts").fetchall() == [(None,)]
        (report,) = import_paths(ws, [fixtures_dir / "twarc-csv" / "noflat.jsonl"])
        assert report.added == 100
        assert ws.con.execute("SELECT count(ref_author_followers) FROM posts").fetchone()[0] > 40
