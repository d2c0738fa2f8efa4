"""Tables as PR teams hold them: a CSV as published (the airline-sentiment CSV's shape), the same
re-saved by a spreadsheet (ids rounded, dates day-first without a zone), tab- and
semicolon-separated files, UTF-16, compressed files, workbooks with title rows and several
sheets, and a column of human sentiment labels."""

from __future__ import annotations

import bz2
import csv
import gzip
import lzma
from datetime import datetime

import pytest
import zstandard
from openpyxl import Workbook

from app.core.ingest.options import ImportOptions

AIRLINE = "airline/Tweets.csv"
AIRLINE_MAP = {
    "post_id": "tweet_id",
    "created_at": "tweet_created",
    "text": "text",
    "author_handle": "name",
    "retweet_count": "retweet_count",
    "human_label": "airline_sentiment",
}


@pytest.fixture
def airline_rows(fixtures_dir):
    with open(fixtures_dir / AIRLINE, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_airline_csv_as_published(workspace, fixtures_dir, helpers, airline_rows):
    report = helpers.import_one(workspace, fixtures_dir / AIRLINE, mapping=AIRLINE_MAP)
    assert report.error is None, report.error
    # 19 rows, three of them repeated row for row: repeats are not "already in the workspace"
    assert (report.read, report.added, report.already_in_workspace, report.duplicates_in_file) == (
        19,
        16,
        0,
        3,
    )
    assert (report.conflicts, report.rejected) == (0, 0) and report.counts_add_up()
    assert report.timezone is None  # every time carries its offset: no zone was needed
    posts = helpers.posts_by_id(workspace)
    first = {r["tweet_id"]: r for r in airline_rows}
    assert set(posts) == set(first)
    for pid, row in first.items():
        p = posts[pid]
        assert p["post_id"] == pid  # 18 digits, exact, as text
        # -0800 is eight hours behind UTC
        when = datetime.strptime(row["tweet_created"], "%Y-%m-%d %H:%M:%S %z")
        assert p["created_at"] == (when - when.utcoffset()).replace(tzinfo=None)
        assert p["author_handle"] == row["name"]
        assert p["author_followers"] is None  # the CSV has no follower counts: unknown
    # HTML entities decoded once; a newline inside a quoted cell kept
    assert posts["570301031407624196"]["text"] == (
        '@VirginAmerica blasting loud "entertainment" at your guests & giving them no way to turn it off is rough'
    )
    assert posts["570289724453216256"]["text"].startswith("@VirginAmerica I <3 the new graphics")
    assert "\n" in posts["570300767074181121"]["text"]
    # entities taken from the text, as the CSV has no such columns
    assert sorted(posts["570306133677760513"]["mentions"]) == ["VirginAmerica", "skyfan"]
    assert posts["569587242672398336"]["hashtags"] == ["BlackBerry10"]
    assert posts["570300248553349120"]["urls"] == ["https://t.co/mWpG7grEZP"]
    # the labels went into sentiment_labels, in the same import
    labels = dict(workspace.con.execute("SELECT post_id, label FROM sentiment_labels").fetchall())
    assert labels == {r["tweet_id"]: r["airline_sentiment"] for r in airline_rows}
    assert report.labels == 16
    sources = workspace.con.execute("SELECT DISTINCT source FROM sentiment_labels").fetchall()
    assert sources == [("import Tweets.csv",)]


def test_labels_survive_reimport_and_are_updated(workspace, fixtures_dir, helpers, tmp_path):
    helpers.import_one(workspace, fixtures_dir / AIRLINE, mapping=AIRLINE_MAP)
    src = (fixtures_dir / AIRLINE).read_text(encoding="utf-8")
    changed = tmp_path / "Tweets-relabelled.csv"
    changed.write_text(
        src.replace("570306133677760513,neutral", "570306133677760513,negative"), encoding="utf-8"
    )
    again = helpers.import_one(workspace, changed, mapping=AIRLINE_MAP)
    assert (again.added, again.already_in_workspace) == (0, 16)
    label = workspace.con.execute(
        "SELECT label FROM sentiment_labels WHERE post_id = '570306133677760513'"
    ).fetchone()[0]
    assert label == "negative"
    assert workspace.con.execute("SELECT count(*) FROM sentiment_labels").fetchone()[0] == 16


def test_an_unknown_label_rejects_its_row_quoting_it(workspace, fixtures_dir, helpers, tmp_path):
    src = (fixtures_dir / AIRLINE).read_text(encoding="utf-8")
    path = tmp_path / "Tweets.csv"
    path.write_text(
        src.replace("570301130888122368,positive", "570301130888122368,sarcastic"), encoding="utf-8"
    )
    report = helpers.import_one(workspace, path, mapping=AIRLINE_MAP)
    (rej,) = report.rejections
    assert rej.reason == "not a sentiment label" and rej.values == ("sarcastic",) and rej.lines == (3,)
    assert report.counts_add_up() and report.added == 15


def spreadsheet_copy(fixtures_dir, tmp_path, with_url=False):
    """The airline CSV as a spreadsheet re-saves it: ids as 5.70306E+17, dates day-first."""
    with open(fixtures_dir / AIRLINE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    path = tmp_path / "Tweets-resaved.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        cols = ["tweet_id", "airline_sentiment", "name", "text", "tweet_created"] + (
            ["tweet_url"] if with_url else []
        )
        w = csv.writer(fh)
        w.writerow(cols)
        for r in rows:
            when = datetime.strptime(r["tweet_created"], "%Y-%m-%d %H:%M:%S %z")
            out = [
                f"{float(r['tweet_id']):.5E}".replace("E+", "E+"),
                r["airline_sentiment"],
                r["name"],
                r["text"],
                when.strftime("%d/%m/%Y %H:%M"),
            ]
            if with_url:
                out.append(f"https://twitter.com/{r['name']}/status/{r['tweet_id']}")
            w.writerow(out)
    return path


def test_ids_damaged_by_a_spreadsheet_are_refused_before_anything_is_written(
    workspace, fixtures_dir, helpers, tmp_path
):
    path = spreadsheet_copy(fixtures_dir, tmp_path)
    assert "5.70306E+17" in path.read_text()
    before = helpers.dump(workspace)
    report = helpers.import_one(
        workspace,
        path,
        mapping={"post_id": "tweet_id", "created_at": "tweet_created", "text": "text"},
        options=ImportOptions(timezone="America/New_York"),
    )
    assert report.error and "damaged by a spreadsheet" in report.error
    assert "5.70306E+17" in report.error and "as text" in report.error and "post_url" in report.error
    assert helpers.dump(workspace) == before


def test_ids_taken_from_the_post_urls_instead(workspace, fixtures_dir, helpers, tmp_path, airline_rows):
    path = spreadsheet_copy(fixtures_dir, tmp_path, with_url=True)
    mapping = {
        "post_url": "tweet_url",
        "created_at": "tweet_created",
        "text": "text",
        "author_handle": "name",
    }
    # day-first dates without a zone: the zone must be said; the order is told by the column
    asked = helpers.import_one(workspace, path, mapping=mapping)
    assert asked.error and asked.needs.kind == "timezone" and "--timezone" in asked.error
    report = helpers.import_one(
        workspace, path, mapping=mapping, options=ImportOptions(timezone="America/Los_Angeles")
    )
    assert report.error is None, report.error
    assert report.timezone == "America/Los_Angeles"
    assert (report.added, report.duplicates_in_file, report.rejected) == (16, 3, 0)
    posts = helpers.posts_by_id(workspace)
    assert set(posts) == {r["tweet_id"] for r in airline_rows}
    # 24/02/2015 11:35 in Los Angeles (day-first: some days are above 12) is 19:35 UTC
    assert posts["570306133677760513"]["created_at"] == datetime(2015, 2, 24, 19, 35)
    assert (
        posts["570306133677760513"]["post_url"] == "https://twitter.com/travel_pat/status/570306133677760513"
    )


def _ids_table(path, ids):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "date", "text"])
        w.writerows([pid, f"2015-02-24T11:{i:02d}:00Z", f"post number {i}"] for i, pid in enumerate(ids))
    return path


@pytest.mark.parametrize(
    ("ids", "words"),
    [
        # 15 digits kept, the rest zeros: 570306133677760000 and the like
        ([f"5703061336777{i // 4:02d}000" for i in range(40)], "end in 000"),
        # ids shared by posts of other texts, far beyond chance
        ([f"57030613367776{i // 4:04d}" for i in range(40)], "far more than chance"),
    ],
)
def test_ids_rounded_to_zeros_or_colliding_are_refused(workspace, helpers, tmp_path, ids, words):
    path = _ids_table(tmp_path / "ids.csv", ids)
    report = helpers.import_one(
        workspace, path, mapping={"post_id": "id", "created_at": "date", "text": "text"}
    )
    assert report.error and "spreadsheet" in report.error and words in report.error
    assert "Nothing was imported" in report.error
    assert workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 0


def test_a_few_conflicting_copies_are_kept_once_and_listed(workspace, helpers, tmp_path):
    path = tmp_path / "export.csv"
    rows = [
        [str(1764987654321098700 + i), f"2024-03-05T09:{i:02d}:00Z", f"text {i}", "acme"] for i in range(40)
    ]
    rows.append(["1764987654321098705", "2024-03-05T10:00:00Z", "an edited text", "acme"])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["id", "date", "text", "who"], *rows])
    report = helpers.import_one(
        workspace,
        path,
        mapping={"post_id": "id", "created_at": "date", "text": "text", "author_handle": "who"},
    )
    assert report.error is None
    assert (report.read, report.added, report.conflicts) == (41, 40, 1) and report.counts_add_up()
    (c,) = report.conflict_ids
    assert c.post_id == "1764987654321098705" and c.lines == (7,)  # the earlier copy; the last is kept
    kept = workspace.con.execute("SELECT text FROM posts WHERE post_id = '1764987654321098705'").fetchone()[0]
    assert kept == "an edited text"


TWITWI = "twitwi/tweet-export.csv"


@pytest.mark.parametrize(
    ("delimiter", "encoding", "name"),
    [
        ("\t", "utf-8", "export.tsv"),
        (";", "utf-8", "export.csv"),
        ("\t", "utf-16", "export.txt"),
        (",", "utf-16", "export.csv"),
    ],
)
def test_separators_and_encodings_are_told_by_content(
    workspace, fixtures_dir, helpers, tmp_path, delimiter, encoding, name
):
    with open(fixtures_dir / TWITWI, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    path = tmp_path / name
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    reference = helpers.import_one(workspace, fixtures_dir / TWITWI)
    posts = helpers.post_rows(workspace)
    report = helpers.import_one(workspace, path)
    assert report.error is None, report.error
    assert report.format == "csv-twitwi"
    assert (report.read, report.already_in_workspace) == (reference.added, reference.added)
    assert helpers.post_rows(workspace) == posts


@pytest.mark.parametrize(
    ("suffix", "pack"),
    [
        (".gz", gzip.compress),
        (".xz", lzma.compress),
        (".bz2", bz2.compress),
        (".zst", lambda b: zstandard.ZstdCompressor().compress(b)),
    ],
)
def test_compressed_files_by_content(new_workspace, fixtures_dir, helpers, tmp_path, suffix, pack):
    for name in ("twarc-csv/flat.jsonl", TWITWI, "python-twitter/get_search_raw.json"):
        src = fixtures_dir / name
        plain_ws, packed_ws = (
            new_workspace(f"plain{suffix}{src.stem}"),
            new_workspace(f"packed{suffix}{src.stem}"),
        )
        plain = helpers.import_one(plain_ws, src)
        # a misleading name: the content decides
        packed_path = tmp_path / f"{src.stem}.bin"
        packed_path.write_bytes(pack(src.read_bytes()))
        packed = helpers.import_one(packed_ws, packed_path)
        assert packed.error is None, (name, suffix, packed.error)
        assert (packed.read, packed.added) == (plain.read, plain.added)
        assert helpers.post_rows(packed_ws) == helpers.post_rows(plain_ws)


def test_a_cut_xz_file_is_refused_in_words(workspace, fixtures_dir, helpers, tmp_path):
    data = lzma.compress((fixtures_dir / "twarc-csv/flat.jsonl").read_bytes())
    path = tmp_path / "cut.jsonl.xz"
    path.write_bytes(data[: len(data) // 2])
    report = helpers.import_one(workspace, path)
    assert report.error and "damaged or cut short" in report.error and ".xz" in report.error


def write_workbook(path, sheets: dict[str, list[list[object]]]):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def test_workbook_with_title_rows_and_several_sheets(workspace, helpers, tmp_path):
    header = ["Post ID", "Posted (local)", "Message", "Handle", "Followers"]
    rows = [
        [
            "1764987654321098753",
            datetime(2024, 3, 5, 9, 15),
            "Still no access &amp; no answer",
            "@angry_one",
            1234,
        ],
        ["1764987654321098755", datetime(2024, 3, 5, 9, 20, 30), "Works again", "happy", None],
    ]
    path = write_workbook(
        tmp_path / "monitoring.xlsx",
        {
            "Mentions": [["Monitoring export"], ["Generated 2024-03-06"], [], header, *rows],
            "Authors": [["Handle", "Followers"], ["happy", 87], ["angry_one", 1234]],
        },
    )
    mapping = {"post_id": "Post ID", "created_at": "Posted (local)", "text": "Message", "author_handle": "Handle",
               "author_followers": "Followers"}  # fmt: skip
    asked = helpers.import_one(workspace, path, mapping=mapping)
    assert asked.needs.kind == "sheet" and asked.needs.options == ("Mentions", "Authors")
    assert "--sheet" in asked.error
    report = helpers.import_one(
        workspace, path, mapping=mapping, options=ImportOptions(sheet="Mentions", timezone="Europe/Paris")
    )
    assert report.error is None, report.error
    assert (report.read, report.added) == (2, 2) and report.counts_add_up() and report.position == "row"
    posts = helpers.posts_by_id(workspace)
    assert posts["1764987654321098753"]["created_at"] == datetime(
        2024, 3, 5, 8, 15
    )  # Paris is UTC+1 in March
    assert posts["1764987654321098753"]["text"] == "Still no access & no answer"
    assert posts["1764987654321098753"]["author_handle"] == "angry_one"
    assert posts["1764987654321098753"]["author_followers"] == 1234
    assert posts["1764987654321098755"]["author_followers"] is None


def test_workbook_with_numeric_ids_is_refused(workspace, helpers, tmp_path):
    path = write_workbook(
        tmp_path / "resaved.xlsx",
        {
            "Sheet1": [
                ["id", "date", "text"],
                *[[570306133677760513 + i, "2015-02-24T11:35:52Z", f"t{i}"] for i in range(3)],
            ]
        },
    )
    report = helpers.import_one(
        workspace, path, mapping={"post_id": "id", "created_at": "date", "text": "text"}
    )
    assert report.error and "damaged by a spreadsheet" in report.error and "e+17" in report.error
    assert "line 2" in report.error  # where the first damaged id is
    assert workspace.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 0


def test_ragged_rows_reject_only_the_bad_ones(workspace, helpers, tmp_path):
    path = tmp_path / "ragged.csv"
    lines = ["id,timestamp_utc,user_screen_name,text"]
    for i in range(1, 9):
        if i == 3:
            lines.append(f"{1000 + i},{1610005273 + i},user{i},text {i},an extra cell")
        elif i == 6:
            lines.append(f"{1000 + i},{1610005273 + i},user{i}")
        else:
            lines.append(f'{1000 + i},{1610005273 + i},user{i},"text, {i}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = helpers.import_one(workspace, path)
    assert report.error is None
    assert (report.read, report.added, report.rejected) == (8, 6, 2) and report.counts_add_up()
    assert sorted(n for r in report.rejections for n in r.lines) == [4, 7]  # file lines (header = 1)
    kept = {r[0] for r in workspace.con.execute("SELECT post_id FROM posts").fetchall()}
    assert kept == {str(1000 + i) for i in (1, 2, 4, 5, 7, 8)}
