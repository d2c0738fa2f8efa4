"""``incident-timeline export WS --parquet DIR``, run as a user would."""

from __future__ import annotations

import json

import duckdb

from tests.e2e.test_cli import FIXTURES, cli


def test_export_parquet_from_the_command_line(tmp_path):
    ws = tmp_path / "incident.duckdb"
    cli("import", str(ws), str(FIXTURES / "python-twitter" / "get_search_raw.json"))
    out = tmp_path / "lake"
    result = cli("export", str(ws), "--parquet", str(out))
    assert "Wrote" in result.stdout and "posts" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    with duckdb.connect(str(ws), read_only=True) as con:
        posts = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert manifest["tables"]["posts"]["rows"] == posts > 0
    n = duckdb.connect().execute(
        "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
        [str(out / "posts" / "*" / "*.parquet")],
    )
    assert n.fetchone()[0] == posts

    again = cli("export", str(ws), "--parquet", str(out), check=False)
    assert again.returncode == 1 and "--force" in again.stderr and "Traceback" not in again.stderr
    assert cli("export", str(ws), "--parquet", str(out), "--force").returncode == 0

    mixed = cli("export", str(ws), "--parquet", str(out), "--what", "posts", check=False)
    assert mixed.returncode == 1 and "--parquet" in mixed.stderr
    neither = cli("export", str(ws), check=False)
    assert neither.returncode == 1 and "--what" in neither.stderr
