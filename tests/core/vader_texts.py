"""Random texts rich in what VADER treats specially, to compare a reimplementation with it.

Every text is built from words the rules look at (negations, boosters and dampeners, "no",
"but", "least", "never so", "without doubt", "kind of", the idioms), lexicon words and
emoticons, emoji (single characters, sequences with skin tones and joiners, glued to words),
punctuation runs and punctuation stuck to words, contractions, hyphens, ALL CAPS and mixed case,
and unicode that changes length or case when lower-cased (Turkish dotted I, the Kelvin sign,
final sigma, ligatures) or that ``str.split`` takes for a space (no-break and ideographic
spaces). The word lists come from the installed vaderSentiment package, so the texts follow it.

Used by tests/core/test_vader_exact.py (20k texts, fixed seed) and bench/check_vader_exact.py
(1M texts, run by hand).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from vaderSentiment import vaderSentiment as vader

FILLER = [
    "the", "a", "bank", "is", "it", "my", "app", "service", "today", "was", "this", "that", "they",
    "@NorthwindBank", "#fail", "#AskJPM", "https://t.co/Ab12Cd", "RT", "@user_1:", "and", "to",
    "for", "of", "at", "very", "so", "or", "nor", "no", "not", "never", "without", "doubt", "kind",
    "sort", "least", "but", "just", "enough", "right", "yeah", "death", "die", "heart", "stop",
    "bus", "ass", "bad", "bomb", "shit", "kiss", "to", "beating", "1", "42", "&amp;", "&lt;3",
]  # fmt: skip
CONTRACTIONS = [
    "isn't", "don't", "can't", "won't", "aint", "ain't", "doesn't", "wasn't", "it's", "I'm",
    "couldn't", "n't", "ISN'T", "Don't", "shouldn’t", "didnt", "wouldn't've", "'tis",
]  # fmt: skip
HYPHENS = [
    "kind-of", "sort-of", "uh-uh", "well-known", "-good-", "--", "bad-ass", "anti-fraud",
    "re-open", "-", "x-rated", "self-esteem", "good-", "-bad",
]  # fmt: skip
UNICODE = [
    "café", "naïve", "İstanbul", "İ", "straße", "ΣΊΣΥΦΟΣ", "ΟΔΟΣ", "K", "Kelvin", "ﬁne",
    "ＧＯＯＤ", "ǅ", "e\u0301", "مرحبا", "\u202egood", "好", "😀good", "GOOD😀", "Ⅻ", "ß", "ŉ",
    "\u0130YI", "ǈ", "ᾈ", "ΐ", "Ａ", "𝐆𝐎𝐎𝐃", "\ufeffok", "\u200bnice",
]  # fmt: skip
SPACES = [" "] * 30 + ["  ", "\t", "\n", "\u00a0", "\u3000", "\u2003", "\r\n", " \u200b ", ""]
PUNCT_RUNS = ["!", "!!", "!!!", "!!!!!", "?", "??", "???", "?????", "?!", "!?!?", "...", ",", ";", ":"]
WRAPS = [
    "",
    "",
    "",
    "",
    '"',
    "'",
    "(",
    ")",
    "*",
    "_",
    "#",
    "@",
    "[",
    "]",
    "<",
    ">",
    "~",
    "-",
    "...",
    ",",
    ".",
]


class _Vocabulary:
    def __init__(self) -> None:
        analyzer = vader.SentimentIntensityAnalyzer()
        self.lexicon = sorted(analyzer.lexicon)
        self.emoticons = [w for w in self.lexicon if not w.isalpha()]
        self.emoji = sorted(analyzer.emojis)
        self.single_emoji = [e for e in self.emoji if len(e) == 1]
        self.boosters = sorted(vader.BOOSTER_DICT)
        self.negations = list(vader.NEGATE)
        self.idioms = sorted(vader.SPECIAL_CASES) + sorted(vader.SENTIMENT_LADEN_IDIOMS)
        self.rules = [
            "no", "not", "never so", "never this", "without doubt", "without a doubt", "at least",
            "very least", "least", "the least", "but", "BUT", "But", "kind of", "sort of",
            "no or", "no nor", "no good or", "not so", "so", "this",
        ]  # fmt: skip


_VOCAB: _Vocabulary | None = None


def _vocabulary() -> _Vocabulary:
    global _VOCAB  # noqa: PLW0603 - built once, on first use
    if _VOCAB is None:
        _VOCAB = _Vocabulary()
    return _VOCAB


def _case(rng: random.Random, word: str) -> str:
    r = rng.random()
    if r < 0.18:
        return word.upper()
    if r < 0.26:
        return word.title()
    if r < 0.30:
        return "".join(c.upper() if rng.random() < 0.5 else c for c in word)
    return word


def _word(rng: random.Random, v: _Vocabulary) -> str:
    r = rng.random()
    if r < 0.22:
        w = rng.choice(v.lexicon)
    elif r < 0.30:
        w = rng.choice(v.emoticons)
    elif r < 0.40:
        w = rng.choice(v.boosters)
    elif r < 0.50:
        w = rng.choice(v.negations)
    elif r < 0.62:
        w = rng.choice(v.rules)
    elif r < 0.67:
        w = rng.choice(v.idioms)
    elif r < 0.75:
        w = rng.choice(v.single_emoji) if rng.random() < 0.7 else rng.choice(v.emoji)
    elif r < 0.79:
        w = rng.choice(CONTRACTIONS)
    elif r < 0.82:
        w = rng.choice(HYPHENS)
    elif r < 0.86:
        w = rng.choice(UNICODE)
    else:
        w = rng.choice(FILLER)
    w = _case(rng, w)
    r = rng.random()
    if r < 0.15:
        w = rng.choice(WRAPS) + w + rng.choice(WRAPS)
    elif r < 0.25:
        w += rng.choice(PUNCT_RUNS)
    elif r < 0.28:
        w = rng.choice(v.single_emoji) + w  # an emoji glued to a word
    elif r < 0.31:
        w += rng.choice(v.single_emoji)
    return w


def generate(count: int, seed: int = 1) -> Iterator[str]:
    """``count`` texts, the same ones for the same seed."""
    rng = random.Random(seed)
    v = _vocabulary()
    for _ in range(count):
        r = rng.random()
        if r < 0.01:
            yield rng.choice(["", " ", "\n", "!!!", "??", "😀", " 😀", "no", "but", "BUT!", "kind of"])
            continue
        n = rng.randint(1, 6) if r < 0.3 else rng.randint(2, 40)
        parts = []
        for i in range(n):
            if i:
                parts.append(rng.choice(SPACES))
            parts.append(_word(rng, v))
        text = "".join(parts)
        if rng.random() < 0.3:
            text += rng.choice(PUNCT_RUNS)
        if rng.random() < 0.05:
            text = rng.choice(SPACES) + text + rng.choice(SPACES)
        yield text
