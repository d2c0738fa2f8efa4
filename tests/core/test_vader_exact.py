"""app.core.sentiment.vader_exact against the vaderSentiment package: the same floats, bit for bit.

Compared on the package's own sentences (every string in its source: the demo and "tricky"
sentences, the paragraph, the tags), on every string in every file under tests/fixtures, and on
20,000 generated texts rich in what VADER treats specially (tests/core/vader_texts.py; the
million-text run is bench/check_vader_exact.py).
"""

from __future__ import annotations

import ast
import contextlib
import csv
import gzip
import inspect
import io
import json
import math
import random
import struct
import zipfile
from pathlib import Path

import pytest
from vaderSentiment import vaderSentiment as vader

from app.core.sentiment import score_texts, vader_exact
from app.core.sentiment.vader_exact import ExactVader
from tests.core.vader_texts import generate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def scorer() -> ExactVader:
    s = ExactVader()
    # a scorer that fell back to the package would pass every comparison: it must not have
    assert s.exact
    return s


def bits(scores: dict) -> list[tuple[str, str, str]]:
    """Each value with its key, its type and its exact bits (0.0 and -0.0 differ)."""
    return [(k, type(v).__name__, struct.pack("<d", v).hex()) for k, v in scores.items()]


def assert_same(scorer: ExactVader, texts) -> int:
    n = 0
    for text in texts:
        want = scorer.reference.polarity_scores(text)
        got = scorer.polarity_scores(text)
        assert bits(got) == bits(want), repr(text)
        n += 1
    return n


# ---- the package's own sentences ----------------------------------------------------------


def package_strings() -> list[str]:
    """Every string literal in the installed vaderSentiment module (its examples among them)."""
    tree = ast.parse(Path(inspect.getsourcefile(vader)).read_text(encoding="utf-8"))
    found = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    # the demo's paragraph is scored sentence by sentence there too
    for s in list(found):
        found.update(p.strip() for p in s.replace("!", ".").split(". ") if p.strip())
    return sorted(found)


def test_the_packages_own_sentences(scorer):
    texts = package_strings()
    for example in (
        "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
        "Roger Dodger is one of the least compelling variations on this theme.",
        "Catch utf-8 emoji such as 💘 and 💋 and 😁",
        "Not such a badass after all.",
    ):
        assert example in texts
    assert assert_same(scorer, texts) > 100


# ---- every fixture ------------------------------------------------------------------------


def _strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings_in(v)]
    return []


def _texts_of(name: str, data: bytes) -> set[str]:
    """Strings in one file: JSON values (of a document, of each line, or of an X archive's
    .js), CSV cells, other files' lines; archives and gzip opened."""
    if data[:2] == b"\x1f\x8b":
        return _texts_of(name.removesuffix(".gz"), gzip.decompress(data))
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {t for m in z.namelist() if not m.endswith("/") for t in _texts_of(m, z.read(m))}
    text = data.decode("utf-8", errors="replace")
    body = text[text.index("=") + 1 :] if name.endswith(".js") and "=" in text else text
    try:
        return set(_strings_in(json.loads(body)))
    except ValueError:
        pass
    found: set[str] = set()
    for line in body.splitlines():
        try:
            found.update(_strings_in(json.loads(line)))
        except ValueError:
            found.add(line)
    if name.lower().endswith((".csv", ".tsv", ".txt")):
        dialect = "excel-tab" if name.lower().endswith(".tsv") else "excel"
        with contextlib.suppress(csv.Error):
            found.update(cell for row in csv.reader(io.StringIO(text), dialect) for cell in row)
    return found


def fixture_texts() -> list[str]:
    """Every string of every fixture up to 5,000 characters (longer ones are whole files or
    records, no post's text; the package takes time quadratic in a text's words)."""
    found: set[str] = set()
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file():
            found |= _texts_of(path.name, path.read_bytes())
    return sorted(t for t in found if len(t) <= 5000)


def test_every_string_in_every_fixture(scorer):
    texts = fixture_texts()
    assert len(texts) > 1000
    assert assert_same(scorer, texts) == len(texts)


# ---- generated texts ----------------------------------------------------------------------


def test_generated_texts_rich_in_what_vader_treats_specially(scorer):
    texts = list(generate(20_000, seed=20251))
    lowered = [t.lower() for t in texts]
    # the sample has what it claims to have, so that this test can fail
    for feature, least in (
        (" but ", 2000),
        ("least", 1000),
        ("kind of", 500),
        ("n't", 3000),
        ("never so", 200),
        ("without doubt", 100),
        ("!!!", 1000),
        ("???", 1000),
        ("-", 5000),
        ("\u00a0", 1000),
        ("the shit", 30),
    ):
        assert sum(feature in t for t in lowered) >= least, feature
    assert sum("\u0130" in t for t in texts) >= 200  # lower-cases to two characters
    emoji = set(scorer._emoji_chars)
    assert sum(1 for t in texts if emoji.intersection(t)) >= 5000
    assert sum(1 for t in texts if any(w.isupper() for w in t.split())) >= 10_000
    assert assert_same(scorer, texts) == 20_000


def test_score_texts_is_the_package_for_texts_it_does_not_take(scorer):
    assert score_texts(["good", "", "not bad at all 😁"]) == [
        tuple(scorer.reference.polarity_scores(t)[k] for k in ("compound", "pos", "neu", "neg"))
        for t in ("good", "", "not bad at all 😁")
    ]
    # not a str: whatever the package does (it scores a number's digits, fails on None)
    with pytest.raises(TypeError):
        scorer.reference.polarity_scores(None)
    with pytest.raises(TypeError):
        scorer.scores(None)


def test_a_package_that_scores_otherwise_is_used_as_it_is():
    class Changed(vader.SentimentIntensityAnalyzer):
        def polarity_scores(self, text):
            s = super().polarity_scores(text)
            return {**s, "compound": s["compound"] / 2}

    changed = Changed()
    s = ExactVader(changed)
    assert not s.exact
    texts = ["good", "VERY bad!!", "no"]
    assert s.score_many(texts) == [
        tuple(changed.polarity_scores(t)[k] for k in ("compound", "pos", "neu", "neg")) for t in texts
    ]


# ---- the rounding shortcut ----------------------------------------------------------------


def test_rounding_equals_round_bit_for_bit():
    rng = random.Random(5)
    values = [rng.uniform(-1, 1) for _ in range(200_000)]
    values += [rng.random() ** 8 for _ in range(20_000)]  # small values
    for digits in (3, 4):
        scale = 10.0**digits
        for k in range(-(10**digits), 10**digits + 1, 7):
            tie = (k + 0.5) / scale  # near-ties, both sides, and the exact ties there are
            values += [tie, math.nextafter(tie, 2), math.nextafter(tie, -2), k / scale]
    values += [0.0, -0.0, 0.0625, -0.0625, 0.0005, -0.0005, 0.00005, 1.0, -1.0, 5e-324, -5e-324]
    for digits in (3, 4):
        scale = 10.0**digits
        for x in values:
            got, want = vader_exact._round(x, scale, digits), round(x, digits)
            assert struct.pack("<d", got) == struct.pack("<d", want), (x, digits)
