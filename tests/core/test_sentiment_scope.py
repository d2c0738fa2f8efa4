"""VADER where it applies: English posts (by the platform's language, or the detector's when
the platform gave none) are scored; posts in another language or without text are counted as
not scored and never enter a share, in the view a user queries, the rollups, the series and
the figures alike.
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import datetime, timezone

import duckdb
import numpy as np
import pytest

from app.core import metrics, rollup
from app.core.ingest import import_paths
from app.core.sentiment import binned_figures, figures, figures_of, missing_count, scope, score_missing
from app.core.store import Workspace, schema, scope_sql

T0 = 1636329600  # Mon 2021-11-08 00:00 UTC

ENGLISH = [
    "Terrible service, I am so angry about these fees",
    "Thanks for the quick help, lovely people",
    "The branch opens at nine on Monday",
]
# German that VADER misreads: "die" and "war" are negative English words
GERMAN = [
    "Die Bank hat mein Konto gesperrt und niemand ruft zurück",
    "Das war die schlechteste Beratung meines Lebens",
    "Die Gebühren sind schon wieder gestiegen, unglaublich",
]


def v1(post_id: int, t: float, text: str, lang: str | None) -> dict:
    s = {
        "created_at": datetime.fromtimestamp(t, timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "id_str": str(post_id),
        "text": text,
        "user": {
            "id_str": str(zlib.crc32(text.encode())),
            "screen_name": f"u{post_id}",
            "followers_count": 10,
        },
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
    }
    if lang is not None:
        s["lang"] = lang
    return s


@pytest.fixture
def mixed(tmp_path):
    """Per hour for four hours (13 posts an hour): three English posts (lang en), three
    German posts with lang de, three German posts without a language (the detector's), two
    English posts without a language, one post Twitter marks "und" with only a link, and one
    with lang "en-GB"."""
    statuses, n = [], 0
    for h in range(4):
        t = T0 + h * 3600
        rows = (
            [(text, "en") for text in ENGLISH]
            + [(text, "de") for text in GERMAN]
            + [(text, None) for text in GERMAN]
            + [(ENGLISH[0], None), (ENGLISH[1], None)]
            + [("https://t.co/abc", "und"), ("Cheers, mate, brilliant work today", "en-GB")]
        )
        for text, lang in rows:
            n += 1
            statuses.append(v1(1000 + n, t + n, f"{text} {h}", lang))
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in statuses), encoding="utf-8")
    ws = Workspace.open(tmp_path / "mixed.duckdb", create=True)
    (report,) = import_paths(ws, [path])
    assert report.ok and report.added == len(statuses)
    yield ws
    ws.close()


def reasons(ws) -> dict:
    return dict(ws.con.execute("SELECT not_scored, count(*) FROM posts_scored GROUP BY ALL").fetchall())


def test_before_scoring_everything_waits_and_nothing_is_in_a_share(mixed):
    assert reasons(mixed) == {"pending": 40, "language": 12}
    assert missing_count(mixed) > 0
    f = figures(mixed)
    assert f.coverage.scored == 0 and f.raw is None and f.calibrated is None
    assert f.coverage.not_scored == {"language": 12, "no_text": 0, "pending": 40}


def test_german_posts_are_not_scored_whether_or_not_the_platform_said_so(mixed):
    score_missing(mixed, workers=1)
    assert missing_count(mixed) == 0
    assert reasons(mixed) == {None: 28, "language": 24}
    rows = mixed.con.execute(
        "SELECT text, lang, language, language_source, not_scored, compound FROM posts_scored"
    ).fetchall()
    for text, lang, language, source, not_scored, compound in rows:
        if any(text.startswith(g) for g in GERMAN):
            assert (language, not_scored, compound) == ("de", "language", None), text
            assert source == ("platform" if lang == "de" else "detected")
        elif text.startswith("https://"):
            # Twitter's "und" is no language; a link has none the detector could tell
            assert (language, source, not_scored) == (None, "undetermined", None)
            assert compound is not None
        else:
            assert (language, not_scored) == ("en", None), text
            assert source == ("platform" if lang else "detected")
            assert compound is not None
    # the German texts were never scored at all, not merely hidden
    german_keys = mixed.con.execute(
        "SELECT count(*) FROM sentiment s JOIN posts p USING (text_key) WHERE p.text LIKE 'Die %'"
    ).fetchone()[0]
    assert german_keys == 0
    # the detector looked only at texts that came without a language
    checked = mixed.con.execute("SELECT count(*) FROM text_language").fetchone()[0]
    assert (
        checked
        == mixed.con.execute(
            "SELECT count(DISTINCT text_key) FROM posts WHERE lang IS NULL OR lang = 'und'"
        ).fetchone()[0]
    )


def test_the_figures_count_other_languages_apart_and_shares_are_of_scored_posts(mixed):
    score_missing(mixed, workers=1)
    f = figures(mixed)
    cov = f.coverage
    assert (cov.posts, cov.scored) == (52, 28)
    assert cov.not_scored == {"language": 24, "no_text": 0, "pending": 0}
    assert cov.undetermined == 4
    assert dict(cov.languages) == {"en": 24, "de": 24, "unknown": 4}
    assert cov.describe().startswith(
        "Sentiment covers 54% of posts (28 of 52): English only; not scored: 24 in"
    )
    vader = mixed.con.execute(
        "SELECT avg((compound <= -0.05)::INT), avg((compound >= 0.05)::INT) FROM posts_scored "
        "WHERE compound IS NOT NULL"
    ).fetchone()
    assert f.raw.negative == pytest.approx(vader[0]) and f.raw.positive == pytest.approx(vader[1])
    assert f.raw.negative + f.raw.neutral + f.raw.positive == pytest.approx(1.0)
    assert f.calibrated is None and f.not_calibrated == "no post is labelled yet"
    # a range and a filter: the second hour's original posts
    hour = figures(mixed, T0 + 3600, T0 + 7200, metrics.PostFilter(lang="de"))
    assert (hour.coverage.posts, hour.coverage.scored) == (3, 0)
    assert hour.coverage.not_scored["language"] == 3


def test_the_rollups_and_the_binned_series_leave_other_languages_out(mixed):
    score_missing(mixed, workers=1)
    assert rollup.ensure(mixed) is not None
    for flt in (metrics.PostFilter(), metrics.PostFilter(text="a")):  # rollups, then the posts
        s = metrics.binned_series(mixed, T0, T0 + 4 * 3600, 3600, flt)
        assert s.source == ("rollup" if flt.uses_rollups() else "posts")
        if flt.uses_rollups():
            assert list(s.total) == [13] * 4
            assert list(s.scored) == [7] * 4
            assert list(s.other_language) == [6] * 4
            assert list(s.no_text) == [0] * 4
        # every share is of scored posts, German ones never among them
        direct = mixed.con.execute(
            "SELECT count(*) FILTER (WHERE compound <= -0.05) FROM posts_scored "
            "WHERE created_at < ? AND regexp_matches(text, ?)",
            [metrics.to_timestamp(T0 + 3600), "(?i)a" if flt.text else ".*"],
        ).fetchone()[0]
        assert round(s.neg_share[0] * s.scored[0]) == direct
    f = figures(mixed)
    bins = binned_figures(mixed, T0, T0 + 4 * 3600, 3600)
    assert sum(b.coverage.posts for b in bins) == f.coverage.posts
    assert sum(b.coverage.scored for b in bins) == f.coverage.scored
    assert sum(b.coverage.not_scored["language"] for b in bins) == f.coverage.not_scored["language"]


def test_a_post_without_text_is_not_scored_as_neutral(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text(json.dumps(v1(1, T0, "   ", "en")) + "\n" + json.dumps(v1(2, T0, "awful", "en")) + "\n")
    with Workspace.open(tmp_path / "e.duckdb", create=True) as ws:
        (report,) = import_paths(ws, [path])
        if report.added < 2:
            pytest.skip("the importer keeps no post without text")
        score_missing(ws, workers=1)
        assert figures(ws).coverage.not_scored["no_text"] == 1
        assert figures(ws).raw.negative == 1.0


def test_platform_codes_are_read_as_languages_or_as_none():
    con = duckdb.connect()
    expr = scope_sql.given_language("t")
    cases = {
        "en": "en",
        "EN": "en",
        "en-GB": "en",
        "en_US": "en",
        "eng": "en",
        "English": "en",
        "de": "de",
        "pt-BR": "pt",
        "und": None,
        "qme": None,
        "zxx": None,
        "": None,
        "  ": None,
        None: None,
        "German": None,  # a word the detector decides instead
    }
    for code, want in cases.items():
        got = con.execute(f"SELECT {expr} FROM (SELECT ?::VARCHAR AS lang) t", [code]).fetchone()[0]
        assert got == want, code


def test_the_detector_cleans_posts_and_abstains_on_too_little():
    assert (
        scope.clean_for_detection("RT @bank: Die Bank &amp; ich https://t.co/x #Skandal")
        == "Die Bank & ich Skandal"
    )
    (de, en, link, emoji) = scope.detect_languages(
        [GERMAN[1], "Still waiting for my refund since Monday, nobody answers", "https://t.co/abc @x", "👍👍"]
    )
    assert de[0] == "de" and de[1] >= scope.MIN_CONFIDENCE
    assert en[0] == "en" and scope.is_english(*en) is True
    assert link == (None, None) and emoji == (None, None)
    assert scope.is_english(*de) is False and scope.is_english(None, None) is None
    assert scope.is_english("fr", scope.MIN_CONFIDENCE / 2) is None


def test_the_migration_copies_the_scope_view_of_the_store():
    """Migration 3 holds a copy of scope_sql.POSTS_SCORED_VIEW (a migration never changes
    after the fact); a change of the scope needs a new step, not a silent difference."""
    step = " ".join(s for s in schema.MIGRATIONS[2] if "posts_scored" in s).split()
    assert " ".join(step) == " ".join(scope_sql.POSTS_SCORED_VIEW.split())


def test_a_workspace_of_the_previous_version_loses_the_scores_of_german_posts_from_its_shares(tmp_path):
    """Before the scope, German posts were scored; after the upgrade their old scores stay in
    the sentiment table but count nowhere, and scoring checks the unlabelled languages."""
    path = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(path))
    for step in schema.MIGRATIONS[:2]:
        for statement in step:
            con.execute(statement)
    con.executemany("INSERT INTO meta VALUES (?, ?)", [[k, v] for k, v in schema.DEFAULT_META.items()])
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    con.execute("INSERT INTO imports (import_id, path) VALUES (1, 'x')")
    for i, (text, lang) in enumerate([(GERMAN[1], "de"), (GERMAN[0], None), (ENGLISH[0], "en")]):
        key = int(re.sub("[^0-9a-f]", "", __import__("hashlib").md5(text.encode()).hexdigest()), 16)
        con.execute(
            "INSERT INTO posts (platform, post_id, created_at, text, kind, lang, text_key, import_id) "
            "VALUES ('twitter', ?, ?, ?, 'post', ?, ?::UHUGEINT, 1)",
            [str(i), metrics.to_timestamp(T0 + i), text, lang, str(key)],
        )
        con.execute("INSERT INTO sentiment VALUES (?::UHUGEINT, -0.6, 0, 0.5, 0.5)", [str(key)])
    con.close()
    with Workspace.open(path) as ws:
        assert ws.meta()["schema_version"] == str(schema.SCHEMA_VERSION)
        assert reasons(ws) == {"language": 1, None: 1, "pending": 1}
        assert missing_count(ws) == 1  # the German post without a language, for the detector
        score_missing(ws, workers=1)
        assert reasons(ws) == {"language": 2, None: 1}
        f = figures(ws)
        assert (f.coverage.scored, f.raw.negative) == (1, 1.0)
        s = metrics.binned_series(ws, T0, T0 + 60, 60)
        assert (int(s.total[0]), int(s.scored[0]), int(s.other_language[0])) == (3, 1, 2)
        assert np.isclose(s.neg_share[0], 1.0)


def test_the_figures_of_many_ranges_are_each_ranges_own(mixed):
    """The report reads the whole archive's and the wave's figures in one pass: each range's
    are those it gets alone (open ends, overlaps, a range asked twice, one with no post)."""
    score_missing(mixed, workers=1)
    ranges = [
        (None, None),
        (T0 + 3600, T0 + 7200),
        (T0, T0 + 3 * 3600),
        (T0 + 3600, T0 + 7200),
        (None, T0 + 1800),
        (T0 + 7200, None),
        (T0 + 30 * 3600, T0 + 31 * 3600),
    ]
    for flt in (metrics.PostFilter(), metrics.PostFilter(lang="de"), metrics.PostFilter(kinds=("post",))):
        together = figures_of(mixed, ranges, flt)
        alone = [figures(mixed, a, b, flt) for a, b in ranges]
        assert together == alone
    posts = [f.coverage.posts for f in figures_of(mixed, ranges)]
    assert posts == [52, 13, 39, 13, 13, 26, 0]
    assert figures_of(mixed, []) == []
