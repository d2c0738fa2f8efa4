"""The importer's shortcuts (issue 14, round 6) give what the longer forms give: the text and
time expressions' fast paths, the slim JSON shapes, the verdict counts and the insert of a
file already in time order."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pytest

from app.core.store import ingest_sql as q

TEXTS = [
    "plain",
    "",
    "a & b",
    "&amp;lt;",
    "&lt;b&gt; &amp; &quot;",
    "&",
    "&&amp;;",
    "no entity &amp",
    "emoji 😀 &gt;",
    None,
]


def _values(con, expr: str, values: list) -> list:
    rows = con.execute(
        f"SELECT {expr} FROM unnest(?::VARCHAR[]) WITH ORDINALITY t(v, n) ORDER BY n", [values]
    )
    return [r[0] for r in rows.fetchall()]


def test_unescape_passes_texts_without_an_ampersand_as_they_are():
    con = duckdb.connect()
    slow = "replace(replace(replace(v, '&lt;', '<'), '&gt;', '>'), '&amp;', '&')"
    assert _values(con, q._unescape("v"), TEXTS) == _values(con, slow, TEXTS)
    assert _values(con, q._unescape("v"), ["&amp;lt;"]) == ["&lt;"]


TWITTER_TIMES = [
    "Wed Oct 10 20:19:24 +0000 2018",
    "Wed Oct 10 20:19:24 +0200 2018",
    "Wed Oct 10 20:19:24 -1400 2018",
    "Wed Oct 10 20:19:24 +1500 2018",
    "Wed Oct 10 20:19:24 +9999 2018",
    "Wed Oct 10 20:19:24 +0060 2018",
    "Wed Oct 10 20:19:24 +0000 2018 trailing",
    "Xyz Oct 10 20:19:24 +0000 2018",
    "Wed Oct 99 20:19:24 +0000 2018",
    " +0000 ",
    "2018-10-10 20:19:24",
    "",
    None,
]


def test_twitter_time_reads_what_the_offset_pattern_alone_reads():
    con = duckdb.connect()
    slow = """CASE WHEN regexp_matches(v, ' [+-](0[0-9]|1[0-4])[0-5][0-9] ')
                   THEN try_strptime(v, '%a %b %d %H:%M:%S %z %Y')::TIMESTAMP END"""
    fast = _values(con, q.twitter_time("v"), TWITTER_TIMES)
    assert fast == _values(con, slow, TWITTER_TIMES)
    assert fast[0] is not None and fast[4] is None


ISO_TIMES = [
    "2021-04-08T19:31:37.000Z",
    "2021-04-08T19:31:37Z",
    "2021-04-08T19:31:37+02:00",
    "2021-04-08T19:31:37+99:00",
    "2021-04-08T19:31:37",
    "not a time Z",
    "Z",
    "2021-04-08T19:31:37.000z",
    "",
    None,
]


def test_iso_time_reads_what_the_offset_patterns_alone_read():
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    slow = """CASE WHEN NOT regexp_matches(v, '[+-][0-9]{2}:?[0-9]{2}$')
                        OR regexp_matches(v, '[+-](0[0-9]|1[0-4]):?[0-5][0-9]$')
                   THEN TRY_CAST(v AS TIMESTAMPTZ)::TIMESTAMP END"""
    fast = _values(con, q.iso_time("v"), ISO_TIMES)
    assert fast == _values(con, slow, ISO_TIMES)
    assert fast[0] is not None and fast[3] is None


def test_slim_keeps_the_fields_named_and_drops_empty_structs():
    shape = {
        "a": "VARCHAR",
        "b": {"c": "BIGINT", "d": "VARCHAR"},
        "e": [{"f": "VARCHAR"}],
        "g": {"h": "VARCHAR"},
    }
    assert q._slim(shape, {"a", "b.c", "e.f"}) == {
        "a": "VARCHAR",
        "b": {"c": "BIGINT"},
        "e": [{"f": "VARCHAR"}],
    }
    assert q._fields_of(shape) == {"a", "b.c", "b.d", "e.f", "g.h"}


def _full_v1_record() -> dict:
    """The v1.1 record shape before it was slimmed: every field of a status, three times."""
    rec = dict(q._V1_RECORD)
    rec.update(q._V1_STATUS)
    rec["retweeted_status"] = q._V1_STATUS
    rec["quoted_status"] = q._V1_STATUS
    return rec


def _odd_statuses(lines: list[str]) -> list[str]:
    """Real statuses with values that fit no shape in the fields the slim shape leaves out."""
    out = []
    for line in lines:
        rec = json.loads(line)
        if "retweeted_status" in rec:
            rec["retweeted_status"]["user"]["followers_count"] = {"odd": 1}
            rec["retweeted_status"]["created_at"] = [1, 2]
        rec["quoted_status"] = {"id_str": "5", "text": "quoted", "entities": "not an object", "lang": {}}
        out.append(json.dumps(rec))
    return out


@pytest.mark.parametrize("odd", [False, True])
def test_the_slim_v1_shape_stages_what_the_full_shape_stages(odd, fixtures_dir):
    lines = (fixtures_dir / "python-twitter/streaming_lines.json").read_text(encoding="utf-8").splitlines()
    search = json.loads((fixtures_dir / "python-twitter/get_search_raw.json").read_text(encoding="utf-8"))
    lines += [json.dumps(s) for s in search["statuses"]]
    if odd:
        lines = _odd_statuses(lines)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    source = "SELECT n AS line_no, line FROM unnest(?::VARCHAR[]) WITH ORDINALITY t(line, n)"

    def staged(shape: dict) -> list:
        sql = f"SELECT * FROM ({q.stage_v1(q.parse_lines(source, shape))}) ORDER BY line_no"
        return con.execute(sql, [lines]).fetchall()

    slim, full = staged(q._V1_RECORD), staged(_full_v1_record())
    assert slim == full
    assert sum(1 for r in slim if r[1] is None) == len(lines)  # every status kept


def test_verdict_counts_list_the_positions_of_rejections_only():
    con = duckdb.connect()
    con.execute(
        "CREATE TEMP TABLE st AS SELECT * FROM (VALUES (1, NULL, NULL), (2, 'reject:no text', NULL),"
        " (3, 'skip:deletion notices', NULL), (4, 'reject:no text', 'x'), (5, NULL, NULL))"
        " t(line_no, verdict, raw_value)"
    )
    rows = {r[0]: r[1:] for r in con.execute(q.verdict_counts("st")).fetchall()}
    assert rows["reject:no text"] == (2, [2, 4], ["", "x"], True)
    assert rows[None][0] == 2 and rows["skip:deletion notices"][0] == 1


def _times_in_storage_order(ws) -> list:
    return [r[0] for r in ws.con.execute("SELECT created_at FROM posts ORDER BY rowid").fetchall()]


def _by_time(line: str) -> datetime:
    return datetime.strptime(json.loads(line)["created_at"], "%a %b %d %H:%M:%S %z %Y")


@pytest.mark.parametrize("shuffled", [False, True])
def test_posts_are_stored_in_time_order_whether_or_not_the_file_was(
    shuffled, workspace, tmp_path, helpers, monkeypatch
):
    lines = helpers.write_v1_stream(tmp_path / "s.jsonl", 6_000).read_text(encoding="utf-8").splitlines()
    lines.sort(key=_by_time)
    if shuffled:
        lines = lines[3000:] + lines[:3000]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(lines[:4000]) + "\n", encoding="utf-8")
    second.write_text("\n".join(lines[4000:]) + "\n", encoding="utf-8")
    seen: list[bool] = []
    real = q.finish_insert

    def watch(stage_table, repeated=True, ordered=False):
        seen.append(ordered)
        return real(stage_table, repeated, ordered)

    monkeypatch.setattr(q, "finish_insert", watch)
    # the second file goes into a workspace that has posts: sorted and joined as before
    for path, n in ((first, 4000), (second, 2000)):
        report = helpers.import_one(workspace, path)
        assert report.error is None and report.added == n
        times = [
            r[0]
            for r in workspace.con.execute(
                "SELECT created_at FROM posts WHERE import_id = ? ORDER BY rowid", [report.import_id]
            ).fetchall()
        ]
        assert times == sorted(times)
    assert seen == [not shuffled, False]


def test_in_time_order_asks_for_an_empty_workspace_and_kept_posts_in_order(workspace):
    con = workspace.con
    con.execute(
        "CREATE TEMP TABLE st AS SELECT * FROM (VALUES (TIMESTAMP '2020-01-02', NULL),"
        " (TIMESTAMP '2020-01-01', 'reject:x'), (TIMESTAMP '2020-01-03', NULL)) t(created_at, verdict)"
    )
    assert con.execute(q.in_time_order("st")).fetchone()[0] is True
    con.execute("INSERT INTO st VALUES (TIMESTAMP '2019-12-31', NULL)")
    assert con.execute(q.in_time_order("st")).fetchone()[0] is False
