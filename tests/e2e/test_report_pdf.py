"""The report end to end: the CLI writes the PDF (offscreen) and the HTML of a copy of the
sample workspace with a hostile, non-ASCII post added; pypdf reads the PDF back."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import datetime, timedelta, timezone

import pypdf
import pytest

from app.core.facts import incident_facts
from app.core.report.content import SECTION_TITLES
from app.core.store import Workspace

HOSTILE = "<b>bold</b><script>alert(1)</script>"
ACCENTS = "Café crème, über Müller"
CJK = "日本語"
POST_TIME = datetime(2013, 11, 12, 15, 0, tzinfo=timezone.utc)  # the simmer phase


def _tweet(i: int, when: datetime, text: str, handle: str, followers: int, rt_of: dict | None = None) -> dict:
    d = {
        "created_at": when.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "id": 900000000000000000 + i,
        "id_str": str(900000000000000000 + i),
        "text": text,
        "truncated": False,
        "lang": "en",
        "in_reply_to_status_id_str": None,
        "user": {
            "id": 7000 + i,
            "id_str": str(7000 + i),
            "name": handle.title() + " Ünïcode",
            "screen_name": handle,
            "followers_count": followers,
        },
        "retweet_count": 0,
        "favorite_count": 0,
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
    }
    if rt_of is not None:
        d["retweeted_status"] = rt_of
    return d


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory, sample_workspace):
    """The sample plus one post (HTML, accents, CJK) by a big account, retweeted 60 times in
    its phase so that the report quotes it among the most amplified."""
    d = tmp_path_factory.mktemp("report")
    path = d / "sample.duckdb"
    shutil.copy(sample_workspace, path)
    original = _tweet(0, POST_TIME, f"{HOSTILE} {ACCENTS} {CJK}", "hostile_test", 5_000_000)
    lines = [original] + [
        _tweet(
            i,
            POST_TIME + timedelta(minutes=i),
            "RT @hostile_test: " + original["text"],
            f"rter{i}",
            100,
            rt_of=original,
        )
        for i in range(1, 61)
    ]
    extra = d / "extra.jsonl"
    extra.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    r = _cli("import", str(path), str(extra))
    assert r.returncode == 0, r.stderr
    return path


def _pdf_text(path) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(str(path))
    return reader, "\n".join(page.extract_text() or "" for page in reader.pages)


def _squash(text: str) -> str:
    """Without white space, ligatures (ﬁ) or bidi isolates, as a reader sees the words."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u2066-\u2069]+", "", text)


@pytest.fixture(scope="module")
def a4_pdf(hostile_ws, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "report.pdf"
    r = _cli(
        "report",
        str(hostile_ws),
        "-o",
        str(out),
        "--title",
        "Post-mortem <i>draft</i>",
        "--author",
        "Zoë Comms",
        "--paper",
        "a4",
    )
    assert r.returncode == 0, r.stderr
    return out


def test_sections_present_and_page_count_sane(a4_pdf):
    reader, text = _pdf_text(a4_pdf)
    assert 4 <= len(reader.pages) <= 30
    flat = _squash(text)
    for key in ("summary", "timeline", "chronicle", "turning_points", "brand", "method", "appendix"):
        assert _squash(SECTION_TITLES[key]) in flat, key
    assert "Page1of" in flat or f"Page2of{len(reader.pages)}" in flat
    assert _squash("Post-mortem <i>draft</i>") in flat  # the user's title, as typed
    assert "Zoë" in text


def test_headline_figures_stand_in_their_cells(a4_pdf, hostile_ws):
    """Each headline figure, and each phase's posts, printed beside its own label: a number
    that only appears somewhere in the PDF proves nothing."""
    _, text = _pdf_text(a4_pdf)
    flat = _squash(text)
    from app.core.report.content import headline_figures

    with Workspace.open(hostile_ws) as ws:
        f = incident_facts(ws)
        figures = headline_figures(f)
        sha = ws.info()["imports"][0]["sha256"]
    for fig in figures:
        assert _squash(fig.label.text + fig.value.text) in flat, (fig.key, fig.label.text, fig.value.text)
    from app.core.narrative import words

    for p in f.phases:
        r = p.range
        # the last phase ends at the archive's last post, printed as everywhere else
        end = float(f.end_of(r).value)
        row = p.title + words.when(r.a, f.zone) + "to" + words.when(end, f.zone) + f"{r.posts.value:,}"
        assert _squash(row) in flat, p.name
        assert _squash(f"Posts: {r.posts.value:,}") in flat
    assert sha in flat


def test_hostile_post_appears_literally(a4_pdf):
    _, text = _pdf_text(a4_pdf)
    flat = _squash(text)
    assert _squash(HOSTILE) in flat
    assert "@hostile_test" in text


def test_non_ascii_extractable(a4_pdf, fonts):
    _, text = _pdf_text(a4_pdf)
    flat = _squash(text)
    assert _squash(ACCENTS) in flat
    fonts.require("Japanese")
    # Noto CJK shares one glyph between 日 and the Kangxi radical ⽇ (U+2F47), and Qt's PDF text
    # layer names the lower code point: the glyphs print right, _squash compares under NFKC
    assert CJK in flat


def test_right_to_left_marks_in_posts_cannot_reorder_the_reports_words(hostile_ws, tmp_path):
    """Quoted post text is isolated: <bdi> in HTML, first-strong isolate and pop in the PDF."""
    from app.core.model import Claim, Span
    from app.core.report.html import claim_html
    from app.report_pdf import claim_text

    post = "evil \u202e txet desrever"
    claim = Claim(f"@x wrote “{post}” at noon.", (Span(9, 11 + len(post), "quote"),))
    assert claim_html(claim) == f"@x wrote <bdi>“{post}”</bdi> at noon."
    assert claim_text(claim).startswith("@x wrote \u2068“evil") and claim_text(claim).endswith(
        "\u2069 at noon."
    )


def test_letter_and_a4_page_sizes(a4_pdf, hostile_ws, tmp_path):
    out = tmp_path / "letter.pdf"
    r = _cli(
        "report",
        str(hostile_ws),
        "-o",
        str(out),
        "--paper",
        "letter",
        "--sections",
        "cover",
        "summary",
        "timeline",
    )
    assert r.returncode == 0, r.stderr
    letter = pypdf.PdfReader(str(out))
    w, h = float(letter.pages[0].mediabox.width), float(letter.pages[0].mediabox.height)
    assert (round(w), round(h)) == (612, 792)
    a4 = pypdf.PdfReader(str(a4_pdf))
    w, h = float(a4.pages[0].mediabox.width), float(a4.pages[0].mediabox.height)
    assert (round(w), round(h)) == (595, 842)
    text = "\n".join(p.extract_text() for p in letter.pages)
    assert "Appendix" not in text and "Method and limits" not in text
    assert _squash(SECTION_TITLES["timeline"]) in _squash(text)
    assert 3 <= len(letter.pages) <= 6  # the cover, the summary, the timeline on a page of its own


def test_html_is_self_contained_and_escaped(hostile_ws, tmp_path):
    out = tmp_path / "report.html"
    r = _cli("report", str(hostile_ws), "-o", str(out), "--format", "html", "--title", "<b>T</b>")
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert "&lt;b&gt;bold&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert "&lt;b&gt;T&lt;/b&gt;" in html
    assert "<svg" in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")[:200]
    assert ACCENTS in html and CJK in html
    assert not re.search(r"<(link|img|iframe)\b", html)


def test_export_cli(hostile_ws, tmp_path):
    out = tmp_path / "posts.json"
    r = _cli(
        "export",
        str(hostile_ws),
        "--what",
        "posts",
        "--from",
        "2013-11-12T15:00:00Z",
        "--to",
        "2013-11-12T15:05:00Z",
        "-o",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert {"900000000000000000", "900000000000000004"} <= {x["post_id"] for x in rows}
    assert any(x["text"].startswith(HOSTILE) for x in rows)
    r = _cli("export", str(hostile_ws), "--what", "series", "--bin", "86400", "-o", str(tmp_path / "s.csv"))
    assert r.returncode == 0, r.stderr
    r = _cli(
        "export", str(hostile_ws), "--what", "posts", "--from", "yesterday", "-o", str(tmp_path / "x.csv")
    )
    assert r.returncode != 0 and "ISO 8601" in r.stderr


def test_posts_tagged_and_attached_to_a_turning_point_are_in_the_report(sample_copy, tmp_path):
    """Issue 12's promise end to end: five posts at the peak starred and tagged, attached to a
    turning point with a comment, are quoted in the exported PDF under that turning point."""
    from app.core import annotations as an
    from app.core import evidence
    from app.core.facts import clear_cache

    with Workspace.open(sample_copy) as ws:
        peak = datetime(2013, 11, 13, 23, 0, tzinfo=timezone.utc)  # 6:00 pm EST, the busiest hour
        rows = ws.con.execute(
            "SELECT platform, post_id, text FROM posts WHERE kind = 'post' AND created_at >= ? "
            "ORDER BY created_at, post_id LIMIT 5",
            [peak.replace(tzinfo=None)],
        ).fetchall()
        keys = [(p, i) for p, i, _ in rows]
        assert evidence.toggle_star(ws, keys)
        evidence.add_tag(ws, keys, "peak-voices")
        evidence.set_comment(ws, keys[0], "The one the CEO saw")
        a = an.add(
            ws, an.Annotation(None, peak.timestamp(), label="The peak's voices", category="escalation")
        )
        an.update(ws, evidence.with_attached(a, keys))
        clear_cache()
    out = tmp_path / "evidence.pdf"
    r = _cli("report", str(sample_copy), "-o", str(out))
    assert r.returncode == 0, r.stderr
    _, text = _pdf_text(out)
    flat = _squash(text)
    assert _squash("Evidence the team attached to turning point 1: The peak's voices") in flat
    for _, _, post in rows:
        assert _squash(post) in flat, post
    assert _squash("tags: peak-voices") in flat and _squash("The one the CEO saw") in flat
