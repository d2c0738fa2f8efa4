"""Annotations: add, edit, delete and restore (undo); checks in plain words; accepting a
suggestion; dismissed suggestions; export to CSV and JSON and merging a colleague's file.

Workspaces hold a real archive imported with the real importer, as in use.
"""

from __future__ import annotations

import csv
import json
import math
import threading
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from app.core import annotations as an
from app.core.annotations import Annotation
from app.core.errors import UserError
from app.core.ingest import import_paths
from app.core.store import Workspace
from app.core.turning_points import Suggestion

T = 1384376400.0  # Wed 2013-11-13 21:00 UTC (4:00 pm EST)


@pytest.fixture
def ws(tmp_path, fixtures_dir):
    w = Workspace.open(tmp_path / "team-a.duckdb", create=True)
    (report,) = import_paths(w, [fixtures_dir / "python-twitter" / "streaming_lines.json"])
    assert report.ok
    yield w
    w.close()


@pytest.fixture
def other(tmp_path):
    w = Workspace.open(tmp_path / "team-b.duckdb", create=True)
    yield w
    w.close()


def note(t=T, label="Storm begins", **kw) -> Annotation:
    return Annotation(None, t, label=label, **kw)


def comparable(a: Annotation) -> tuple:
    """Everything but the id (ids belong to one workspace)."""
    return (
        a.starts_at,
        a.ends_at,
        a.label,
        a.category,
        a.note,
        a.colour,
        a.origin,
        a.evidence,
        a.created_at,
        a.updated_at,
    )


# ---- add, list, update, delete, restore ---------------------------------------------------------


def test_add_returns_the_stored_annotation_with_id_and_times(ws):
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    a = an.add(ws, note(category="escalation", note="  hostile questions  "))
    assert a.id is not None
    assert a.label == "Storm begins" and a.note == "hostile questions"
    assert a.colour == an.DEFAULT_COLOURS["escalation"] and a.origin == "manual"
    assert a.starts_at == T and a.ends_at is None and a.evidence is None
    assert before <= a.created_at == a.updated_at <= datetime.now(timezone.utc)
    assert an.list_annotations(ws) == [a]
    assert an.get(ws, a.id) == a


def test_a_range_and_the_list_in_time_order(ws):
    late = an.add(ws, note(T + 7200, "Press"))
    rng = an.add(ws, note(T - 3600, "Escalation", ends_at=T + 3600, colour="#AABBCC"))
    point = an.add(ws, note(T - 3600, "First question"))
    assert [a.label for a in an.list_annotations(ws)] == ["First question", "Escalation", "Press"]
    assert rng.is_range and rng.ends_at == T + 3600 and rng.colour == "#aabbcc"
    assert not point.is_range and late.id < rng.id < point.id


def test_every_change_is_in_the_file_at_once(tmp_path, ws):
    a = an.add(ws, note())
    an.update(ws, Annotation(**{**a.__dict__, "label": "Storm", "note": "edited"}))
    b = an.add(ws, note(T + 60, "Second"))
    an.delete(ws, b.id)
    path = ws.path
    ws.close()
    with Workspace.open(path) as again:
        (kept,) = an.list_annotations(again)
        assert (kept.id, kept.label, kept.note) == (a.id, "Storm", "edited")


def test_update_bumps_updated_at_and_keeps_created_at(ws):
    a = an.add(ws, note())
    b = an.update(
        ws,
        Annotation(
            **{**a.__dict__, "starts_at": T + 30, "ends_at": T + 90, "category": "press", "colour": ""}
        ),
    )
    assert b.id == a.id and b.created_at == a.created_at and b.updated_at > a.updated_at
    assert (b.starts_at, b.ends_at, b.category, b.colour) == (
        T + 30,
        T + 90,
        "press",
        an.DEFAULT_COLOURS["press"],
    )
    assert an.list_annotations(ws) == [b]


def test_update_of_a_deleted_or_unsaved_annotation_is_refused(ws):
    a = an.add(ws, note())
    an.delete(ws, a.id)
    with pytest.raises(UserError, match="no longer in the workspace"):
        an.update(ws, a)
    with pytest.raises(UserError, match="not been saved"):
        an.update(ws, note())
    an.delete(ws, a.id)  # deleting what is gone does nothing


def test_restore_puts_a_deleted_annotation_back_as_it_was(ws):
    a = an.add(ws, note(category="trigger", evidence={"post_ids": ["1"], "figure": 2.5}))
    b = an.add(ws, note(T + 60, "Other"))
    an.delete(ws, a.id)
    assert an.list_annotations(ws) == [b]
    back = an.restore(ws, a)
    assert back == a
    assert an.list_annotations(ws) == [a, b]
    with pytest.raises(UserError, match="already in the workspace"):
        an.restore(ws, a)
    # the sequence does not hand out a restored id again
    c = an.add(ws, note(T + 120, "Third"))
    assert c.id not in (a.id, b.id)


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ({"label": "   "}, "needs a label"),
        ({"label": "x" * 201}, "keep it under"),
        ({"ends_at": T - 1}, "ends before it starts"),
        ({"colour": "red"}, "not a colour"),
        ({"colour": "#12345"}, "not a colour"),
        ({"category": "drama"}, "not a category"),
        ({"origin": "imported"}, "not an origin"),
        ({"starts_at": math.nan}, "start is not a time"),
        ({"ends_at": math.inf}, "end is not a time"),
        ({"evidence": ["not", "a", "dict"]}, "evidence"),
    ],
)
def test_bad_annotations_are_refused_in_plain_words(ws, bad, words):
    fields = {"starts_at": T, "label": "Storm", **bad}
    with pytest.raises(UserError, match=words):
        an.add(ws, Annotation(None, **fields))
    assert an.list_annotations(ws) == []


def test_category_is_read_without_case_and_colour_defaults_per_category(ws):
    a = an.add(ws, note(category=" Brand Response "))
    assert a.category == "brand response" and a.colour == "#009e73"
    assert set(an.DEFAULT_COLOURS) == set(an.CATEGORIES)
    assert all(an._COLOUR.match(c) for c in an.DEFAULT_COLOURS.values())


def test_changes_go_through_their_own_cursor_while_an_import_holds_the_connection(ws):
    """An import keeps ws.con in a transaction on another thread: an annotation added
    meanwhile is committed on its own, and survives the import's rollback."""
    ws.con.execute("BEGIN TRANSACTION")
    ws.con.execute("DELETE FROM posts")
    done = []
    t = threading.Thread(target=lambda: done.append(an.add(ws, note())))
    t.start()
    t.join(10)
    ws.con.execute("ROLLBACK")
    assert done and an.list_annotations(ws) == done
    assert ws.con.execute("SELECT count(*) FROM posts").fetchone()[0] > 0


# ---- suggestions ------------------------------------------------------------------------------


def suggestion(kind="press_pickup", t=T + 3720, **evidence) -> Suggestion:
    ev = {
        "subject": "HuffingtonPost",
        "post_ids": ["400761234567890123"],
        "accounts": ["HuffingtonPost"],
        "followers": np.int64(4648189),
        "share": np.float64(0.25),
        **evidence,
    }
    return Suggestion(
        time=t,
        end=None,
        kind=kind,
        label="Press: The Huffington Post",
        explanation="@HuffingtonPost (4,648,189 followers) posted at 18:02 EST.",
        score=np.float64(0.78),
        evidence=ev,
    )


@pytest.mark.parametrize(
    ("kind", "category"),
    [
        ("volume_change", "escalation"),
        ("peak", "escalation"),
        ("press_pickup", "press"),
        ("brand_action", "brand response"),
        ("influencer_entry", "amplification"),
        ("amplification", "amplification"),
        ("sentiment_shift", "trigger"),
        ("early_warning", "trigger"),
    ],
)
def test_an_accepted_suggestion_gets_its_kinds_category(kind, category):
    a = an.from_suggestion(suggestion(kind))
    assert a.category == category and a.colour == an.DEFAULT_COLOURS[category]


def test_a_fall_is_a_resolution_not_an_escalation():
    assert an.from_suggestion(suggestion("volume_change", direction="fall")).category == "resolution"
    assert an.from_suggestion(suggestion("sentiment_shift", direction="fall")).category == "resolution"
    assert an.from_suggestion(suggestion("volume_change", direction="rise")).category == "escalation"


def test_from_suggestion_keeps_the_evidence_kind_score_and_key(ws):
    s = suggestion()
    a = an.from_suggestion(s)
    assert (a.id, a.starts_at, a.ends_at, a.label, a.note, a.origin) == (
        None,
        s.time,
        None,
        s.label,
        s.explanation,
        "suggested",
    )
    stored = an.add(ws, a)
    assert stored.evidence == {
        "subject": "HuffingtonPost",
        "post_ids": ["400761234567890123"],
        "accounts": ["HuffingtonPost"],
        "followers": 4648189,
        "share": 0.25,
        "kind": "press_pickup",
        "score": 0.78,
        "explanation": s.explanation,
        "suggestion_key": s.key(),
    }
    assert an.accepted_keys(an.list_annotations(ws)) == {s.key()}


def test_a_suggested_range_stays_a_range():
    s = Suggestion(
        time=T,
        end=T + 7200,
        kind="peak",
        label="Peak",
        explanation="The busiest hours.",
        score=0.8,
        evidence={"post_ids": [], "accounts": []},
    )
    a = an.from_suggestion(s)
    assert (a.starts_at, a.ends_at) == (T, T + 7200)


def test_dismissed_suggestions_are_remembered(ws):
    s, t = suggestion(), suggestion("peak", T)
    an.dismiss(ws, s.key())
    an.dismiss(ws, s.key())  # twice is once
    an.dismiss(ws, t.key())
    assert an.dismissed_keys(ws) == {s.key(), t.key()}
    an.undismiss(ws, t.key())
    path = ws.path
    ws.close()
    with Workspace.open(path) as again:
        assert an.dismissed_keys(again) == {s.key()}


# ---- export and import --------------------------------------------------------------------------

TRICKY = [
    'Comma, "quotes" and\na new line',
    '=HYPERLINK("http://evil.example")',
    "@OccupyWallSt joins",
    "-5% in an hour",
    "'=already quoted",
    "''@twice",
    "'plain quote",
    "Ünïcödé 🔥 #AskJPM",
]


def fill(ws) -> list[Annotation]:
    out = [
        an.add(ws, note(T + i * 60, label, note=label[::-1], category=an.CATEGORIES[i % 7]))
        for i, label in enumerate(TRICKY)
    ]
    out.append(
        an.add(
            ws,
            note(
                T - 86400,
                "Range",
                ends_at=T - 3600.5,
                colour="#123abc",
                note="",
                origin="suggested",
                evidence={"post_ids": ["1", "2"], "nested": {"a": [1, 2.5, None]}},
            ),
        )
    )
    out.append(an.add(ws, note(T + 0.25, "Sub-second")))
    return an.list_annotations(ws)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_into_another_workspace_gives_the_same_annotations(ws, other, tmp_path, fmt):
    mine = fill(ws)
    path = tmp_path / f"notes.{fmt}"
    assert getattr(an, f"export_{fmt}")(ws, path) == len(mine)
    summary = an.import_file(other, path)
    assert (summary.added, summary.updated, summary.unchanged, summary.skipped) == (len(mine), 0, 0, 0)
    assert summary.problems == []
    assert [comparable(a) for a in an.list_annotations(other)] == [comparable(a) for a in mine]
    # a second import of the same file changes nothing
    again = an.import_file(other, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(mine))
    assert len(an.list_annotations(other)) == len(mine)


def test_the_csv_has_every_column_iso_times_and_json_evidence(ws, tmp_path):
    a = an.add(ws, note(ends_at=T + 90, evidence={"post_ids": ["9"]}))
    path = tmp_path / "notes.csv"
    an.export_csv(ws, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheet programs read UTF-8 by its BOM
    (row,) = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(row) == list(an.FILE_COLUMNS)
    assert row["starts_at"] == "2013-11-13T21:00:00Z" and row["ends_at"] == "2013-11-13T21:01:30Z"
    assert json.loads(row["evidence"]) == {"post_ids": ["9"]}
    assert row["id"] == str(a.id) and row["created_at"].endswith("Z")


def test_cells_that_spreadsheets_would_run_as_formulas_are_quoted(ws, tmp_path):
    fill(ws)
    path = tmp_path / "notes.csv"
    an.export_csv(ws, path)
    labels = [r["label"] for r in csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines(True))]
    assert '\'=HYPERLINK("http://evil.example")' in labels and "'@OccupyWallSt joins" in labels
    assert "''=already quoted" in labels and "'''@twice" in labels and "'plain quote" in labels
    assert not any(lab[:1] in "=+-@" for lab in labels)


def test_the_json_export_names_its_format_and_incident(ws, tmp_path):
    ws.configure(name="#AskJPM")
    fill(ws)
    path = tmp_path / "notes.json"
    an.export_json(ws, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == an.FILE_FORMAT and doc["version"] == 1 and doc["incident"] == "#AskJPM"
    assert doc["annotations"][0]["starts_at"] == "2013-11-12T21:00:00Z"


def test_merging_updates_older_versions_and_keeps_newer_ones(ws, other, tmp_path):
    shared = an.add(ws, note(label="Storm begins", note="first draft"))
    mine_only = an.add(ws, note(T + 600, "Press"))
    path = tmp_path / "a.json"
    an.export_json(ws, path)
    assert an.import_file(other, path).added == 2
    # team B edits "Storm begins" (newer); team A then edits "Press" (newer on A's side)
    (b_storm, _b_press) = an.list_annotations(other)
    b_storm = an.update(
        other, Annotation(**{**b_storm.__dict__, "note": "B's better note", "category": "trigger"})
    )
    a_press = an.update(ws, Annotation(**{**mine_only.__dict__, "note": "A's note on press"}))
    an.add(other, note(T + 1200, "B only"))
    path_b = tmp_path / "b.csv"
    an.export_csv(other, path_b)
    summary = an.import_file(ws, path_b)
    assert (summary.added, summary.updated, summary.unchanged, summary.skipped) == (1, 1, 1, 0)
    assert (
        len(summary.problems) == 1
        and "Press" in summary.problems[0]
        and "kept the workspace's" in summary.problems[0]
    )
    got = {a.label: a for a in an.list_annotations(ws)}
    assert set(got) == {"Storm begins", "Press", "B only"}
    assert got["Storm begins"].id == shared.id
    assert (got["Storm begins"].note, got["Storm begins"].category) == ("B's better note", "trigger")
    assert got["Storm begins"].updated_at == b_storm.updated_at
    assert got["Press"] == a_press
    # and back: B takes A's newer "Press" note; nothing is duplicated either way
    an.export_json(ws, path, force=True)
    back = an.import_file(other, path)
    assert (back.added, back.updated) == (0, 1)
    assert sorted(a.note for a in an.list_annotations(other)) == sorted(
        a.note for a in an.list_annotations(ws)
    )


def test_a_row_repeated_in_one_file_is_added_once(other, tmp_path):
    rows = [{"starts_at": "2013-11-13T21:00:00Z", "label": "Storm", "note": "x"}] * 3
    path = tmp_path / "dupes.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    s = an.import_file(other, path)
    assert (s.added, s.unchanged) == (1, 2)
    assert len(an.list_annotations(other)) == 1


def test_bad_rows_are_skipped_with_their_reasons(other, tmp_path):
    path = tmp_path / "team.csv"
    path.write_text(
        "starts_at,ends_at,label,category,colour,evidence,note,extra\n"
        "2013-11-13T21:00:00Z,,Storm begins,escalation,,,ok,x\n"  # line 2: fine
        ",,No start,,,,,\n"  # 3
        "yesterday,,Bad time,,,,,\n"  # 4
        "2013-11-13T21:00:00Z,,Bad category,drama,,,,\n"  # 5
        "2013-11-13T21:00:00Z,,Bad colour,,purple,,,\n"  # 6
        "2013-11-13T22:00:00Z,2013-11-13T21:00:00Z,Backwards,,,,,\n"  # 7
        "2013-11-13T21:00:00Z,,Bad evidence,,,{not json,,\n"  # 8
        "2013-11-13T21:00:00Z,,,,,,empty label,\n"  # 9
        '2013-11-13 23:00:00,,No zone is UTC,press,#FF0000,"{""post_ids"": []}",,\n'  # 10: fine
        "2013-11-13T18:00:00-05:00,,With offset,,,,,\n",  # 11: fine
        encoding="utf-8",
    )
    s = an.import_file(other, path)
    assert (s.added, s.skipped) == (3, 7)
    reasons = "\n".join(s.problems)
    for line, words in [
        (3, "no start time"),
        (4, "“yesterday” is not a time"),
        (5, "not a category"),
        (6, "not a colour"),
        (7, "ends before it starts"),
        (8, "evidence is not valid JSON"),
        (9, "needs a label"),
    ]:
        assert f"line {line}: " in reasons and words in reasons, (line, words, reasons)
    got = {a.label: a for a in an.list_annotations(other)}
    assert got["No zone is UTC"].starts_at == T + 7200 and got["No zone is UTC"].colour == "#ff0000"
    assert got["With offset"].starts_at == T + 7200  # 6 pm at UTC-5 is 11 pm UTC
    assert got["Storm begins"].updated_at == got["Storm begins"].created_at  # none given: now
    assert s.summary().startswith("3 added, 0 updated, 7 skipped")


def test_json_lists_and_their_bad_items(other, tmp_path):
    path = tmp_path / "list.json"
    path.write_text(
        json.dumps(
            [
                {"starts_at": T, "label": "Unix seconds work too"},
                "not an object",
                {"starts_at": "2013-11-13T21:00:00Z", "label": ["a", "list"]},
                {"starts_at": "2013-11-13T21:00:00Z", "label": "Evidence must be an object", "evidence": [1]},
            ]
        ),
        encoding="utf-8",
    )
    s = an.import_file(other, path)
    assert (s.added, s.skipped) == (1, 3)
    assert [p.split(":")[0] for p in s.problems] == ["annotation 2", "annotation 3", "annotation 4"]
    assert an.list_annotations(other)[0].starts_at == T


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"", "empty"),
        (b'{"posts": []}', "not an annotations file"),
        (b"[1, 2", "not valid JSON"),
        (b"id,text\n1,hello\n", "needs the columns starts_at and label"),
    ],
)
def test_files_that_are_not_annotations_are_refused(other, tmp_path, content, words):
    path = tmp_path / "other.txt"
    path.write_bytes(content)
    with pytest.raises(UserError, match=words):
        an.import_file(other, path)
    assert an.list_annotations(other) == []


def test_an_import_that_fails_midway_keeps_nothing(ws, other, tmp_path, monkeypatch):
    fill(ws)
    path = tmp_path / "notes.json"
    an.export_json(ws, path)
    real = an._from_row
    calls = []

    def failing(row):
        calls.append(row)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(row)

    monkeypatch.setattr(an, "_from_row", failing)
    with pytest.raises(OSError, match="disk full"):
        an.import_file(other, path)
    monkeypatch.undo()
    assert an.list_annotations(other) == []


def test_export_leaves_no_half_written_file(ws, tmp_path):
    fill(ws)
    path = tmp_path / "notes.csv"
    path.write_text("old content", encoding="utf-8")
    with pytest.raises(UserError):
        an.export_csv(ws, tmp_path / "missing-folder" / "notes.csv")
    with pytest.raises(UserError, match="already exists"):
        an.export_csv(ws, path)
    assert path.read_text(encoding="utf-8") == "old content"
    an.export_csv(ws, path, force=True)
    assert not list(tmp_path.glob("*.part"))
    assert "old content" not in path.read_text(encoding="utf-8-sig")
