"""Dates as exports write them, decided for the whole column; zones the user gives; offsets no
place has; and dates no post can have (before 2006, after the import), in every format."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta

import pytest

from app.core.ingest.options import ImportOptions

MAPPING = {"post_id": "id", "created_at": "when", "text": "text"}


def table(tmp_path, values, name="dates.csv"):
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "when", "text"])
        for i, v in enumerate(values):
            w.writerow([str(1764987654321098000 + i), v, f"post {i}"])
    return path


def created(ws) -> list:
    return [r[0] for r in ws.con.execute("SELECT created_at FROM posts ORDER BY post_id").fetchall()]


# (value, zone, expected UTC): every form the issue names
FORMS = [
    ("2015-02-24 11:35:52 -0800", None, datetime(2015, 2, 24, 19, 35, 52)),
    ("2015-02-24T11:35:52-08:00", None, datetime(2015, 2, 24, 19, 35, 52)),
    ("2015-02-24T11:35:52Z", None, datetime(2015, 2, 24, 11, 35, 52)),
    ("2015-02-24 11:35:52.250+05:30", None, datetime(2015, 2, 24, 6, 5, 52, 250000)),
    ("Tue Feb 24 11:35:52 +0000 2015", None, datetime(2015, 2, 24, 11, 35, 52)),
    ("1424777752", None, datetime(2015, 2, 24, 11, 35, 52)),  # Unix seconds
    ("1424777752000", None, datetime(2015, 2, 24, 11, 35, 52)),  # milliseconds
    ("2015-02-24 11:35:52", "America/New_York", datetime(2015, 2, 24, 16, 35, 52)),
    ("02/24/2015 11:35 PM", "UTC", datetime(2015, 2, 24, 23, 35)),  # 12-hour, month first
    ("24.02.2015 23:35", "Europe/Berlin", datetime(2015, 2, 24, 22, 35)),  # day first
    ("Feb 24, 2015 11:35:00 AM", "UTC", datetime(2015, 2, 24, 11, 35)),
    ("24-Feb-2015 12:05AM", "UTC", datetime(2015, 2, 24, 0, 5)),  # 12 AM is midnight
    ("42059.5", "UTC", datetime(2015, 2, 24, 12, 0)),  # a spreadsheet serial number (noon)
]


@pytest.mark.parametrize(("value", "zone", "expected"), FORMS)
def test_date_forms(workspace, helpers, tmp_path, value, zone, expected):
    report = helpers.import_one(
        workspace, table(tmp_path, [value]), mapping=MAPPING, options=ImportOptions(timezone=zone)
    )
    assert report.error is None, report.error
    assert created(workspace) == [expected]
    assert report.timezone == zone  # said in the report only when it was used


def test_the_column_decides_day_first(workspace, helpers, tmp_path):
    # 03/04 alone could be either; 25/04 settles it for the whole column
    path = table(tmp_path, ["03/04/2015 10:00", "25/04/2015 10:00"])
    report = helpers.import_one(workspace, path, mapping=MAPPING, options=ImportOptions(timezone="UTC"))
    assert report.error is None
    assert created(workspace) == [datetime(2015, 4, 3, 10), datetime(2015, 4, 25, 10)]


def test_the_column_decides_month_first(workspace, helpers, tmp_path):
    path = table(tmp_path, ["03/04/2015 10:00", "04/25/2015 10:00"])
    helpers.import_one(workspace, path, mapping=MAPPING, options=ImportOptions(timezone="UTC"))
    assert created(workspace) == [datetime(2015, 3, 4, 10), datetime(2015, 4, 25, 10)]


def test_an_ambiguous_column_asks_and_the_answer_is_used(workspace, helpers, tmp_path):
    path = table(tmp_path, ["03/04/2015 10:00", "05/06/2015 10:00"])
    asked = helpers.import_one(workspace, path, mapping=MAPPING, options=ImportOptions(timezone="UTC"))
    assert asked.needs.kind == "date_order" and asked.needs.example == "03/04/2015 10:00"
    assert "--dayfirst" in asked.error and "--monthfirst" in asked.error and "03/04/2015 10:00" in asked.error
    assert workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 0
    report = helpers.import_one(
        workspace, path, mapping=MAPPING, options=ImportOptions(timezone="UTC", dayfirst=False)
    )
    assert report.error is None
    assert created(workspace) == [datetime(2015, 3, 4, 10), datetime(2015, 5, 6, 10)]


def test_a_value_against_the_columns_order_is_rejected_quoting_it(workspace, helpers, tmp_path):
    path = table(tmp_path, ["25/04/2015 10:00", "26/04/2015 10:00", "04/27/2015 10:00"])
    report = helpers.import_one(workspace, path, mapping=MAPPING, options=ImportOptions(timezone="UTC"))
    assert report.added == 2 and report.counts_add_up()
    (rej,) = report.rejections
    assert rej.values == ("04/27/2015 10:00",) and rej.lines == (4,)
    assert any("day-first and month-first" in w for w in report.warnings)


def test_zoneless_times_need_a_zone(workspace, helpers, tmp_path):
    path = table(tmp_path, ["2015-02-24 11:35:52"])
    asked = helpers.import_one(workspace, path, mapping=MAPPING)
    assert asked.needs.kind == "timezone" and "2015-02-24 11:35:52" in asked.error
    # dates across a daylight-saving change, in the zone given
    path = table(tmp_path, ["2023-03-25 12:00:00", "2023-03-27 12:00:00"], "dst.csv")
    report = helpers.import_one(
        workspace, path, mapping=MAPPING, options=ImportOptions(timezone="Europe/Paris")
    )
    assert report.timezone == "Europe/Paris"
    assert created(workspace) == [datetime(2023, 3, 25, 11), datetime(2023, 3, 27, 10)]
    assert "read as Europe/Paris time" in report.summary()


@pytest.mark.parametrize(
    "value", ["2015-02-24 11:35:52 +9999", "2015-02-24T11:35:52+99:99", "Tue Feb 24 11:35:52 +1500 2015"]
)
def test_an_offset_no_place_has_is_refused(workspace, helpers, tmp_path, value):
    report = helpers.import_one(workspace, table(tmp_path, [value, "2015-02-24T11:00:00Z"]), mapping=MAPPING)
    (rej,) = report.rejections
    assert rej.reason == "an impossible UTC offset" and rej.values == (value,)
    assert created(workspace) == [datetime(2015, 2, 24, 11)]


def test_implausible_dates_are_set_aside_with_a_warning(workspace, helpers, tmp_path):
    future = (datetime.utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = table(tmp_path, ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", future, "2015-02-24T11:00:00Z"])
    report = helpers.import_one(workspace, path, mapping=MAPPING)
    assert report.error is None and report.added == 1 and report.rejected == 3 and report.counts_add_up()
    (rej,) = report.rejections
    assert rej.reason.startswith("a date before 2006 or after the import")
    assert rej.values == ("0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", future)
    assert any("3 posts" in w and "timeline" in w for w in report.warnings)
    assert created(workspace) == [datetime(2015, 2, 24, 11)]
    assert workspace.con.execute("SELECT min(created_at) FROM posts").fetchone()[0].year == 2015


def test_year_one_and_bad_offsets_in_twitter_json(workspace, fixtures_dir, helpers, tmp_path):
    lines = helpers.stream_lines(fixtures_dir)[:6]
    recs = [json.loads(x) for x in lines]
    recs[1]["created_at"] = "Mon Jan 01 00:00:00 +0000 0001"
    recs[2]["created_at"] = "Sat Mar 10 14:03:29 +9999 2018"
    recs[3]["created_at"] = "Thu Jan 01 00:00:00 +0000 1970"
    path = tmp_path / "stream.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    report = helpers.import_one(workspace, path)
    assert report.error is None and report.counts_add_up()
    reasons = {r.reason.split(" (")[0]: (r.lines, r.values) for r in report.rejections}
    assert reasons["an impossible UTC offset"] == ((3,), ("Sat Mar 10 14:03:29 +9999 2018",))
    assert reasons["a date before 2006 or after the import"][0] == (2, 4)
    kept = {r[0] for r in workspace.con.execute("SELECT post_id FROM posts").fetchall()}
    assert recs[1]["id_str"] not in kept and recs[2]["id_str"] not in kept
    assert workspace.con.execute("SELECT min(created_at) >= TIMESTAMP '2006-01-01' FROM posts").fetchone()[0]


def test_bad_offset_in_v2_json(workspace, fixtures_dir, helpers, tmp_path):
    rec = json.loads((fixtures_dir / "twarc-csv/flat.jsonl").read_text(encoding="utf-8").splitlines()[0])
    rec["created_at"] = "2021-04-08T12:00:00+99:99"
    path = tmp_path / "v2.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    report = helpers.import_one(workspace, path)
    assert report.error and "impossible UTC offset" in report.error
