"""Twitter v2 lines parsed once (issue 14): pages, stream objects and flattened tweets mixed
in one file store the same posts as their own files, and a damaged line between pages is
reported at its own line number."""

from __future__ import annotations

import itertools
import json

import duckdb

from app.core.store.ingest_sql import non_blank

NOFLAT = "twarc-csv/noflat.jsonl"
FLAT = "twarc-csv/flat.jsonl"


def _page(fixtures_dir) -> dict:
    lines = [
        line for line in (fixtures_dir / NOFLAT).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return json.loads(lines[0])


def test_non_blank_is_trim_without_the_copy():
    chars = ["", " ", "\t", "\r", "\x01", "\u3000", "\u00a0", "{", "a", "é", "\u2028"]
    strings = {"".join(p) for n in range(4) for p in itertools.product(chars, repeat=n)}
    con = duckdb.connect()
    con.execute("CREATE TABLE s (line VARCHAR)")
    con.executemany("INSERT INTO s VALUES (?)", [[x] for x in sorted(strings)] + [[None]])
    differ = con.execute(
        f"SELECT line FROM s WHERE ({non_blank('line')}) IS DISTINCT FROM "
        "(line IS NOT NULL AND trim(line) <> '')"
    ).fetchall()
    assert differ == []
    assert con.execute(f"SELECT count(*) FROM s WHERE {non_blank('line')}").fetchone()[0] > 100


def test_pages_split_with_a_damaged_line_between_them(
    workspace, new_workspace, fixtures_dir, tmp_path, helpers
):
    page = _page(fixtures_dir)
    first = {**page, "data": page["data"][:40]}
    second = {**page, "data": page["data"][40:]}
    path = tmp_path / "pages.jsonl"
    path.write_text(
        "\n".join([json.dumps(first), "", '{"data": [{"id": "1", "text": "cut', "   ", json.dumps(second)])
        + "\n",
        encoding="utf-8",
    )
    report = helpers.import_one(workspace, path)
    assert report.error is None, report.error
    assert (report.read, report.added, report.rejected) == (101, 100, 1)
    (rejection,) = report.rejections
    assert rejection.lines == (3,)
    assert "not valid JSON" in rejection.reason

    whole = new_workspace("whole")
    assert helpers.import_one(whole, fixtures_dir / NOFLAT).added == 100
    assert helpers.post_rows(workspace) == helpers.post_rows(whole)


def test_page_stream_object_and_flattened_tweet_in_one_file(
    workspace, new_workspace, fixtures_dir, tmp_path, helpers
):
    page = _page(fixtures_dir)
    flat = [json.loads(line) for line in (fixtures_dir / FLAT).read_text(encoding="utf-8").splitlines()]
    flat_by_id = {t["id"]: t for t in flat}
    page_part = {**page, "data": page["data"][:60]}
    streamed = [{"data": t, "includes": page["includes"]} for t in page["data"][60:80]]
    flattened = [flat_by_id[t["id"]] for t in page["data"][80:]]
    lines = [json.dumps(page_part), *map(json.dumps, streamed), *map(json.dumps, flattened)]
    lines.insert(30, json.dumps({"errors": [{"title": "Not Found Error"}]}))  # a page of errors only
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = helpers.import_one(workspace, path)
    assert report.error is None, report.error
    assert (report.read, report.added, report.rejected) == (100, 100, 0)
    assert report.skipped == {"pages with no posts (only errors or empty)": 1}

    whole = new_workspace("whole")
    assert helpers.import_one(whole, fixtures_dir / NOFLAT).added == 100
    assert helpers.post_rows(workspace) == helpers.post_rows(whole)


def test_a_bad_record_in_a_page_names_its_line(workspace, fixtures_dir, tmp_path, helpers):
    page = _page(fixtures_dir)
    pages = [{**page, "data": page["data"][i : i + 25]} for i in range(0, 100, 25)]
    pages[2]["data"][3] = {**pages[2]["data"][3], "created_at": "yesterday"}
    path = tmp_path / "bad_date.jsonl"
    path.write_text("\n".join(map(json.dumps, pages)) + "\n", encoding="utf-8")
    report = helpers.import_one(workspace, path)
    assert (report.read, report.added, report.rejected) == (100, 99, 1)
    (rejection,) = report.rejections
    assert rejection.lines == (3,)
    assert rejection.values == ("yesterday",)
