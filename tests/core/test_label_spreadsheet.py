"""Labels at scale: the labelling sample written to a CSV, labelled in a spreadsheet, and read
back; errors counted and quoted; re-imports harmless; a vendor's sentiment measured too.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.core.errors import UserError
from app.core.sentiment import label_summary, spreadsheet
from app.core.sentiment import labels as lb
from app.core.store import Workspace
from tests.core import sentiment_incident as si


@pytest.fixture(scope="module")
def incident(tmp_path_factory):
    return si.build(tmp_path_factory.mktemp("spreadsheet"), 3, posts=900)


@pytest.fixture
def ws(incident, tmp_path):
    """A fresh copy of the generated incident for each test."""
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(incident.path.read_bytes())
    w = Workspace.open(copy)
    yield w
    w.close()


def read_back(path):
    """The CSV as a spreadsheet program reads it: the BOM announces UTF-8."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_the_sample_file_is_what_a_spreadsheet_needs(ws, tmp_path):
    path = tmp_path / "sample.csv"
    n = spreadsheet.write_sample(ws, path, n=120, seed=1)
    assert n == 120
    raw = path.read_bytes()
    assert raw.count(b"\r\n") >= 121 and b"\n" not in raw.replace(b"\r\n", b"")
    rows = read_back(path)
    assert rows[0] == ["post_id", "platform", "time (America/New_York)", "author", "text", "label"]
    body = rows[1:]
    assert len(body) == 120 and all(r[5] == "" for r in body)
    zone = ZoneInfo("America/New_York")
    for post_id, platform, when, author, text, _ in body:
        # ids as the text they are, times local with their offset
        assert post_id.isdigit() and platform == "twitter" and author.startswith("user")
        local = datetime.fromisoformat(when)
        assert local.utcoffset() == local.astimezone(zone).utcoffset()
        created = ws.con.execute(
            "SELECT created_at, text, kind FROM posts WHERE post_id = ?", [post_id]
        ).fetchone()
        assert local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None) == created[0]
        assert text == created[1] and created[2] != "retweet"
    # unlabelled, distinct texts, spread over VADER's classes
    assert len({r[4] for r in body}) == 120


def test_the_sample_never_overwrites_a_file(ws, tmp_path):
    path = tmp_path / "sample.csv"
    path.write_text("my own notes")
    with pytest.raises(UserError, match="already exists"):
        spreadsheet.write_sample(ws, path, n=10)
    assert path.read_text() == "my own notes"
    with pytest.raises(UserError, match="does not exist"):
        spreadsheet.write_sample(ws, tmp_path / "nowhere" / "s.csv", n=10)
    assert not list(tmp_path.glob(".sample.csv.*"))  # no temporary file left behind


def test_a_text_that_looks_like_a_formula_is_written_as_text(ws, tmp_path):
    first, second = (p.post_id for p in lb.sample_for_labelling(ws, n=2, seed=4))
    ws.con.execute("UPDATE posts SET text = '=HYPERLINK(\"http://x\")' WHERE post_id = ?", [first])
    ws.con.execute("UPDATE posts SET text = '@AcmeBank awful' WHERE post_id = ?", [second])
    assert spreadsheet.write_sample(ws, tmp_path / "s.csv", n=2, seed=4) == 2
    texts = {r[0]: r[4] for r in read_back(tmp_path / "s.csv")[1:]}
    assert texts == {first: '\'=HYPERLINK("http://x")', second: "'@AcmeBank awful"}


def test_labels_round_trip_through_a_spreadsheet(incident, ws, tmp_path):
    """Written, labelled as a colleague would in a spreadsheet, saved back (BOM, CRLF, the
    columns moved about, ids as text, labels in any spelling), imported; a second import of
    the same file changes nothing."""
    sample_path = tmp_path / "sample.csv"
    spreadsheet.write_sample(ws, sample_path, n=150, seed=2)
    rows = read_back(sample_path)
    spellings = ["Negative", "neg", "-1", "NEUTRAL", "0", "pos", "+1", " positive "]
    words = {
        "negative": ["Negative", "neg", "-1"],
        "neutral": ["NEUTRAL", "0"],
        "positive": ["pos", "+1", " positive "],
    }
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["label", "text", "post_id", "notes"])
    truth = {}
    for i, (post_id, _platform, _when, _author, text, _label) in enumerate(rows[1:]):
        cls = incident.truth[post_id]
        if i % 10 == 9:
            w.writerow(["", text, post_id, "skipped this one"])  # left unlabelled
            continue
        word = words[cls][i % len(words[cls])]
        w.writerow([word, text, post_id, ""])
        truth[post_id] = cls
    assert set(spellings) >= {s for v in words.values() for s in v}
    labelled = tmp_path / "labelled.csv"
    labelled.write_bytes(("\ufeff" + out.getvalue()).encode("utf-8"))

    report = spreadsheet.read_labels(ws, labelled)
    assert (report.rows, report.labelled, report.empty, report.skipped) == (150, 135, 15, 0)
    assert report.id_column == "post_id" and report.label_column == "label"
    kept = lb.labels(ws)
    assert {pid: cls for (_, pid), cls in kept.items()} == truth
    source = ws.con.execute("SELECT DISTINCT source FROM sentiment_labels").fetchall()
    assert source == [("spreadsheet labelled.csv",)]
    # again: the same labels, nothing doubled
    again = spreadsheet.read_labels(ws, labelled)
    assert again.labelled == 135 and lb.labels(ws) == kept
    # the labels reach the agreement and survive reopening
    agreement = lb.agreement(ws)
    assert agreement.n == 135
    path = ws.path
    ws.close()
    with Workspace.open(path) as reopened:
        assert lb.labels(reopened) == kept
        # and the dialog's labels join the same table: the next sample offers none of them
        offered = {p.post_id for p in lb.sample_for_labelling(reopened, n=900)}
        assert not offered & set(truth)


def test_unknown_ids_and_bad_values_are_counted_and_quoted_and_the_rest_is_kept(ws, tmp_path):
    ids = [r[0] for r in ws.con.execute("SELECT post_id FROM posts ORDER BY post_id LIMIT 4").fetchall()]
    path = tmp_path / "edited.csv"
    lines = [
        "post_id;label",  # a European spreadsheet's separator
        f"{ids[0]};negative",
        "99999999999;negative",
        "4.00731E+17;positive",
        f"{ids[1]};sarcastic",
        f"{ids[2]};",
        f"{ids[3]};positive",
        f"{ids[3]};neutral",  # labelled twice: the last one counts
        "",
    ]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    report = spreadsheet.read_labels(ws, path)
    assert report.labelled == 2 and report.empty == 1 and report.repeated == 1
    assert report.unknown_ids == [(3, "99999999999"), (4, "4.00731E+17")]
    assert report.bad_values == [(5, "sarcastic")]
    text = report.summary()
    assert (
        "skipped 2: the post id is not in this workspace (row 3: “99999999999”, row 4: “4.00731E+17”)" in text
    )
    assert "look rounded by a spreadsheet" in text
    assert "row 5: “sarcastic”" in text
    assert lb.labels(ws) == {("twitter", ids[0]): "negative", ("twitter", ids[3]): "neutral"}
    assert report.as_dict()["bad_values"] == {"count": 1, "first": [{"row": 5, "value": "sarcastic"}]}


def test_a_file_with_nothing_usable_changes_nothing_and_says_why(ws, tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("tweet,feeling\n1,negative\n")
    with pytest.raises(UserError, match="has no post id column"):
        spreadsheet.read_labels(ws, wrong)
    other = tmp_path / "other.csv"
    other.write_text("id,label\n1,negative\n2,positive\n")
    with pytest.raises(UserError, match="No label was kept"):
        spreadsheet.read_labels(ws, other)
    with pytest.raises(UserError, match="There is no file"):
        spreadsheet.read_labels(ws, tmp_path / "missing.csv")
    # named columns
    named = tmp_path / "named.csv"
    pid = ws.con.execute("SELECT post_id FROM posts LIMIT 1").fetchone()[0]
    named.write_text(f"Tweet ID,airline_sentiment\n{pid},negative\n")
    report = spreadsheet.read_labels(ws, named, id_column="tweet id", label_column="airline_sentiment")
    assert report.labelled == 1
    assert lb.labels(ws) == {("twitter", pid): "negative"}


def test_the_vendors_sentiment_is_measured_against_the_labels_when_the_archive_has_one(incident, ws):
    assert lb.vendor_agreement(ws) is None  # no vendor's sentiment in the archive: nothing claimed
    sample = lb.sample_for_labelling(ws, n=200, seed=5)
    lb.set_labels(ws, [(p.platform, p.post_id, incident.truth[p.post_id]) for p in sample], source="test")
    assert lb.vendor_agreement(ws) is None  # the column is there (schema step 4), empty
    # the vendor is right on every other post and calls the rest neutral
    for i, p in enumerate(sample):
        value = incident.truth[p.post_id] if i % 2 == 0 else "Neutral"
        ws.con.execute(
            "UPDATE posts SET vendor_sentiment = ? WHERE platform = ? AND post_id = ?",
            [value, p.platform, p.post_id],
        )
    v = lb.vendor_agreement(ws)
    assert v.n == 200 and v.machine == "the vendor"
    right = sum(1 for i, p in enumerate(sample) if i % 2 == 0 or incident.truth[p.post_id] == "neutral")
    assert v.accuracy == pytest.approx(right / 200)
    s = label_summary(ws)
    assert s.vendor == v and s.agreement.n == 200
    assert s.agreement.table()[0][0] == "human \\ VADER" and v.table()[0][0] == "human \\ the vendor"
