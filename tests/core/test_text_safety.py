"""Post text kept from acting on what shows it: terminals, spreadsheets, bidi layout."""

from __future__ import annotations

import random

import pytest

from app.core.text_safety import (
    FSI,
    LRE,
    LRI,
    LRO,
    PDF,
    PDI,
    RLE,
    RLI,
    RLO,
    bidi_isolate,
    spreadsheet_cell,
    spreadsheet_cell_in,
    terminal_safe,
)


def test_terminal_safe_escapes_every_control():
    text = "a\x1b]0;pwned\x07b\x1b[2J\x9b31m\x00\x7f\r\u202eend\nnext\tcol"
    out = terminal_safe(text)
    assert out == "a\\x1b]0;pwned\\x07b\\x1b[2J\\x9b31m\\x00\\x7f\\x0d\\u202eend\nnext\tcol"
    assert all(ord(c) >= 0x20 or c in "\n\t" for c in out)
    assert terminal_safe("one\ntwo\tx", keep_newlines=False) == "one\\ntwo\\tx"
    assert terminal_safe("Zoë 東京 🙂") == "Zoë 東京 🙂"


@pytest.mark.parametrize(
    ("cell", "out"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-2", "'-2"),
        ("@everyone", "'@everyone"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("plain", "plain"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_spreadsheet_cells(cell, out):
    assert spreadsheet_cell(cell) == out
    assert spreadsheet_cell_in(out) == cell


def test_spreadsheet_round_trip_on_random_cells():
    rng = random.Random(7)
    for _ in range(5000):
        s = "".join(rng.choice("'=+-@\t\rab ") for _ in range(rng.randint(0, 6)))
        out = spreadsheet_cell(s)
        assert spreadsheet_cell_in(out) == s
        assert not out or out[0] not in "=+-@\t\r"


# ---- bidi: a reference of the Unicode Bidirectional Algorithm's explicit rules X1-X8 -----------

MAX_DEPTH = 125
OPENERS = {LRE: "e", RLE: "e", LRO: "e", RLO: "e", LRI: "i", RLI: "i", FSI: "i"}


def _stack_after(text: str) -> list[str]:
    """The directional status stack (above the paragraph's level) after ``text``, with the
    overflow counters of UAX #9 (X1-X8): what is still open when the text ends."""
    stack: list[str] = []
    overflow_isolates = overflow_embeddings = 0
    valid_isolates = 0
    for c in text:
        if c in OPENERS:
            kind = OPENERS[c]
            if len(stack) < MAX_DEPTH and overflow_isolates == 0 and overflow_embeddings == 0:
                stack.append(kind)
                if kind == "i":
                    valid_isolates += 1
            elif kind == "i":
                overflow_isolates += 1
            elif overflow_isolates == 0:
                overflow_embeddings += 1
        elif c == PDI:
            if overflow_isolates:
                overflow_isolates -= 1
            elif valid_isolates:
                overflow_embeddings = 0
                while stack.pop() != "i":
                    pass
                valid_isolates -= 1
        elif c == PDF:
            if overflow_isolates:
                pass
            elif overflow_embeddings:
                overflow_embeddings -= 1
            elif stack and stack[-1] == "e":
                stack.pop()
        elif c in "\n\r\u2029":
            stack, overflow_isolates, overflow_embeddings, valid_isolates = [], 0, 0, 0
    return stack


def test_an_override_cannot_reach_the_words_after_it():
    evil = "prices \u202eevil reversed"
    out = bidi_isolate(evil)
    assert out.startswith(FSI) and out.endswith(PDF + PDI)
    assert _stack_after(out) == []
    assert _stack_after("Posted " + out + " at 16:00") == []
    assert _stack_after(evil) == ["e"], "the reference sees the attack"


def test_stray_closers_cannot_close_the_isolate():
    evil = PDI + PDI + RLO + "x" + PDF + PDF + PDI + RLO + "tail"
    out = bidi_isolate(evil)
    assert _stack_after(out) == []
    # our isolate is still open right before our closing PDI
    assert _stack_after(out[:-1])[0] == "i"


def test_plain_text_is_unchanged():
    for text in ("Hello @JPMorgan #AskJPM", "", "Zoë 東京 🙂", "1 + 1 = 2"):
        assert bidi_isolate(text) == text


def test_right_to_left_text_is_isolated_per_paragraph():
    text = "שלום world\nمرحبا"
    out = bidi_isolate(text)
    assert out == f"{FSI}שלום world{PDI}\n{FSI}مرحبا{PDI}"
    assert out.replace(FSI, "").replace(PDI, "") == text


def test_random_texts_always_come_back_balanced():
    rng = random.Random(11)
    alphabet = [LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, "a", "ש", " ", "\n"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        out = bidi_isolate(text)
        # whatever the text, what follows it starts at the paragraph's own level
        assert _stack_after(out + "x") == [], repr(text)
        # only controls were added or dropped: the visible characters are the same
        visible = lambda s: "".join(c for c in s if c not in OPENERS and c not in (PDF, PDI))  # noqa: E731
        assert visible(out) == visible(text)


def test_deep_nesting_beyond_the_algorithms_limit():
    text = RLO * 200 + "deep" + PDI * 3
    assert _stack_after(bidi_isolate(text) + "after") == []
