"""The Parquet export: every table, ids as text, times as UTC instants, posts by UTC day, read
back by DuckDB from the files alone; a folder complete or absent; nothing else overwritten."""

from __future__ import annotations

import json

import duckdb
import pytest

from app.core import annotations, parquet_export
from app.core.annotations import Annotation
from app.core.errors import UserError
from app.core.parquet_export import export_parquet
from app.core.progress import Cancelled, CancelToken
from app.core.sentiment import score_missing


@pytest.fixture
def filled(workspace, fixtures_dir, helpers):
    for name in ("python-twitter/get_search_raw.json", "twarc-csv/noflat.jsonl", "twitwi/tweet-export.csv"):
        assert helpers.import_one(workspace, fixtures_dir / name).error is None
    score_missing(workspace, workers=1)
    annotations.add(
        workspace, Annotation(None, 1_400_000_000.0, 1_400_003_600.0, "Backlash", "escalation", "a note")
    )
    return workspace


def beside(folder) -> list[str]:
    """What is in the folder besides the workspace (and its WAL)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("incident.duckdb"))


def read(sql: str, params=()):
    return duckdb.connect().execute(sql, list(params)).fetchall()


def test_every_table_round_trips_with_portable_types(filled, tmp_path):
    out = tmp_path / "export"
    result = export_parquet(filled, out)
    con = filled.con
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == parquet_export.FORMAT
    tables = {
        t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
    }
    exported = {t for t in tables if not t.startswith("rollup_")}
    assert set(manifest["tables"]) == set(result.tables) == exported
    for table, entry in manifest["tables"].items():
        assert entry["rows"] == con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0], table
    assert result.tables["posts"] > 200 and result.tables["sentiment"] > 100

    posts = str(out / "posts" / "*" / "*.parquet")
    # every post, field for field, with its id as text and its time as the same UTC instant
    want = con.execute(
        """SELECT post_id, author_id, ref_post_id, epoch_us(created_at), text, hashtags,
                  lower(lpad(hex(text_key), 32, '0'))
           FROM posts ORDER BY platform, post_id"""
    ).fetchall()
    got = read(
        f"""SELECT post_id, author_id, ref_post_id, epoch_us(created_at), text, hashtags, text_key
            FROM read_parquet('{posts}', hive_partitioning = true) ORDER BY platform, post_id"""
    )
    assert got == want
    types = dict(
        read(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{posts}'))")
    )
    assert types["post_id"] == types["author_id"] == types["ref_post_id"] == "VARCHAR"
    assert types["created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["text_key"] == "VARCHAR"
    adjusted = read(f"SELECT logical_type FROM parquet_schema('{posts}') WHERE name = 'created_at'")
    assert all("isAdjustedToUTC=1" in r[0] for r in adjusted)

    # one folder per UTC day, holding exactly that day's posts
    days = sorted(p.name for p in (out / "posts").iterdir())
    want_days = [
        f"day={d}"
        for (d,) in con.execute("SELECT DISTINCT CAST(created_at AS DATE) FROM posts ORDER BY 1").fetchall()
    ]
    assert days == want_days and result.days == len(days) > 1
    bad = read(
        f"""SELECT count(*) FROM read_parquet('{posts}', hive_partitioning = true)
            WHERE CAST(timezone('UTC', created_at) AS DATE) <> day"""
    )
    assert bad == [(0,)]

    # the scores join to their posts by text_key, as in the workspace
    joined = read(
        f"""SELECT count(*), count(s.compound) FROM read_parquet('{posts}') p
            LEFT JOIN read_parquet('{out / "sentiment.parquet"}') s USING (text_key)"""
    )
    assert joined == [con.execute("SELECT count(*), count(compound) FROM posts_scored").fetchone()]
    # an annotation keeps its times as instants and its evidence as text
    (starts, label) = read(
        f"SELECT epoch(starts_at), label FROM read_parquet('{out / 'annotations.parquet'}')"
    )[0]
    assert (starts, label) == (1_400_000_000.0, "Backlash")
    assert manifest["tables"]["posts"]["partitioned_by"]["column"] == "day"
    assert manifest["tables"]["posts"]["columns"]["created_at"] == "TIMESTAMP WITH TIME ZONE"


def test_an_empty_workspace_exports_empty_tables(workspace, tmp_path):
    result = export_parquet(workspace, tmp_path / "empty")
    assert result.tables["posts"] == 0
    assert (tmp_path / "empty" / "posts").is_dir()
    manifest = json.loads((tmp_path / "empty" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["posts"]["columns"]["created_at"] == "TIMESTAMP WITH TIME ZONE"


def test_nothing_is_written_over_and_an_export_is_only_replaced_when_asked(filled, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    with pytest.raises(UserError, match="is a file"):
        export_parquet(filled, a_file)
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(UserError, match="other files"):
        export_parquet(filled, other, replace=True)
    assert [p.name for p in other.iterdir()] == ["cat.jpg"]
    with pytest.raises(UserError, match="does not exist"):
        export_parquet(filled, tmp_path / "missing" / "export")

    out = tmp_path / "export"
    export_parquet(filled, out)
    with pytest.raises(UserError, match="--force"):
        export_parquet(filled, out)
    (out / "posts" / "marker").write_text("old")
    export_parquet(filled, out, replace=True)
    assert not (out / "posts" / "marker").exists()
    assert beside(tmp_path) == ["export", "notes.txt", "photos"]
    empty = tmp_path / "empty"
    empty.mkdir()
    export_parquet(filled, empty)
    assert (empty / "manifest.json").is_file()


def test_a_cancelled_export_leaves_no_folder(filled, tmp_path):
    class CancelAtSecondTable(CancelToken):
        def report(self, done, total, message=""):
            super().report(done, total, message)
            if done == 1 and total and "Writing" in message:
                self.cancel()

    with pytest.raises(Cancelled):
        export_parquet(filled, tmp_path / "export", progress=CancelAtSecondTable())
    assert beside(tmp_path) == []
