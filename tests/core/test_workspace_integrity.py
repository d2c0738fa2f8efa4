"""A workspace is whole, or says what it lacks; a repair puts it back from the posts."""

from __future__ import annotations

import pytest

from app.core.errors import WorkspaceDamaged
from app.core.repair import repair
from app.core.store import Workspace, integrity


def test_a_new_workspace_lacks_nothing(workspace):
    assert integrity.missing_objects(workspace.con) == []
    names = {n for _, n, _ in integrity.expected_objects()}
    assert {"posts", "imports", "meta", "sentiment", "posts_scored", "import_id_seq"} <= names


def test_missing_tables_are_named_and_repaired(tmp_path, fixtures_dir, helpers):
    path = tmp_path / "w.duckdb"
    with Workspace.open(path, create=True) as ws:
        helpers.import_one(ws, fixtures_dir / "twarc-csv" / "noflat.jsonl")
        ws.con.execute("DROP VIEW posts_labelled")
        ws.con.execute("DROP VIEW posts_scored")
        ws.con.execute("DROP TABLE imports")
        ws.con.execute("DROP SEQUENCE import_id_seq")
    with pytest.raises(WorkspaceDamaged) as info:
        Workspace.open(path)
    missing = info.value.missing
    assert missing[0] == "imports" and missing[-1] == "import_id_seq"
    assert set(missing) == {"imports", "posts_scored", "posts_labelled", "import_id_seq"}
    assert not info.value.repairable
    with pytest.raises(Exception, match="cannot be recovered"):
        repair(path)


def test_a_sequence_starts_after_the_ids_in_use(tmp_path, fixtures_dir, helpers):
    path = tmp_path / "w.duckdb"
    with Workspace.open(path, create=True) as ws:
        helpers.import_one(ws, fixtures_dir / "twarc-csv" / "noflat.jsonl")
        helpers.import_one(ws, fixtures_dir / "twarc-csv" / "two_tweets.jsonl")
        ws.con.execute("DROP SEQUENCE import_id_seq")
    report = repair(path)
    assert report.recreated == ["import_id_seq"] and report.lost == []
    with Workspace.open(path) as ws:
        assert ws.con.execute("SELECT nextval('import_id_seq')").fetchone()[0] == 3
