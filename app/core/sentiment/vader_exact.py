"""VADER's ``polarity_scores``, computed faster and bit for bit the same.

The installed vaderSentiment package stays the reference: this module takes its lexicon, emoji
descriptions and constants from it (an analyzer built by the package reads the files) and
replays its algorithm step for step, in the same order of float operations and with the same
Python types (VADER mixes ``int`` and ``float`` valences, and ``sum()`` treats them apart), so
every score is the same float. What it saves is the package's repeated work, not any of its
rules:

* each distinct whitespace token is stripped, lower-cased and looked up once per process
  (lexicon value, booster value, ALL CAPS, negation), not once per rule that reads it;
* the emoji pass is one set look-up over the text's characters, and goes character by
  character only through a text that has an emoji;
* a text with no lexicon word is neutral without going through the rules (the package gives
  it ``neu = 1.0`` and zeros, or all zeros when it has no token);
* the idiom and "kind of" / "sort of" look-ups compare token tuples instead of formatting
  strings, which is the same test because tokens hold no whitespace.

Where the package's rules are odd (``_but_check`` looks sentiments up by value; the idiom
check runs only three words into a text), the oddity is kept: the point is the package's
scores. If the installed package ever disagrees with this module on the probe sentences
checked when an analyzer is made, every text goes to the package instead.
"""

from __future__ import annotations

import functools
import math
import re
import string

from vaderSentiment import vaderSentiment as _vader

Scores = tuple[float, float, float, float]  # compound, pos, neu, neg

_N_SCALAR = _vader.N_SCALAR
_C_INCR = _vader.C_INCR
_BOOSTERS = _vader.BOOSTER_DICT
_NEGATE = frozenset(_vader.NEGATE)
_PUNCT = string.punctuation
_SPECIAL = {tuple(k.split(" ")): v for k, v in _vader.SPECIAL_CASES.items() if " " in k}
_BOOSTER_NGRAMS = {tuple(k.split(" ")): v for k, v in _vader.BOOSTER_DICT.items() if " " in k}
_SO_THIS = ("so", "this")
# Markers in ExactVader._fast (see _token)
_RULE = object()  # outside the lexicon; a rule looks at it when it is before a lexicon word
_LEX_RULE = object()  # a lexicon word whose value a rule may change wherever it is
_BUT = object()  # "but": _but_check scales the whole text
#: Words a rule looks for next to a lexicon word (besides boosters and negations): a word
#: that is none of these, nor part of an idiom, is "plain".
_RULE_WORDS = frozenset(
    ["no", "or", "nor", "kind", "of", "least", "at", "very", "never", "so", "this", "without", "doubt", "but"]
    + [w for k in (*_SPECIAL, *_BOOSTER_NGRAMS) for w in k]
)
#: Words that change a lexicon word's value from up to three words before it (besides
#: boosters and negations): "no", "least", "so"/"this" (the 1.25 rule), and the last word of
#: an idiom or a booster phrase (an idiom wholly before the word ends in one of the three).
#: "or"/"nor", "at"/"very" and "doubt" act only beside "no", "least" or "without", which are
#: here or negations.
_BEFORE_WORDS = frozenset(["no", "least", "so", "this"] + [k[-1] for k in (*_SPECIAL, *_BOOSTER_NGRAMS)])
#: Lexicon words a rule treats apart wherever they are: "no", "kind" (of), idiom words.
_LEX_RULE_WORDS = frozenset(["no", "kind"] + [w for k in (*_SPECIAL, *_BOOSTER_NGRAMS) for w in k])

#: The per-token cache is emptied when it grows past this (a few hundred MB at most).
_CACHE_LIMIT = 1_000_000

#: Sentences that exercise every rule, scored by both at start-up (see ``ExactVader.exact``).
PROBES = (
    "VADER is smart, handsome, and funny.",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Sentiment analysis has never been this good!",
    "With VADER, sentiment analysis is the shit!",
    "On the other hand, VADER is quite bad ass",
    "Without a doubt, an excellent idea.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "no good, no no bad, no love or hate, no fun nor joy",
    "It is not so good that it is sort of great, hardly AMAZING??",
    "the kiss of death is to die for, bus stop yeah right ????",
    "I don't NOT like it but I DO hate it, kind of",
    "😁😁x😁 ok",
    "",
)


@functools.cache
def _process_scorer() -> ExactVader:
    return ExactVader()


def init_process() -> None:
    """Make this process's scorer (a worker's initializer)."""
    _process_scorer()


def score_batch(texts: list[str]) -> list[Scores]:
    """(compound, pos, neu, neg) for each text, with this process's scorer."""
    return _process_scorer().score_many(texts)


def score_chunk(keys: list, texts: list[str]) -> tuple[list, list[Scores]]:
    """A chunk's keys and its texts' scores: the work :mod:`.chunks` sends to a worker."""
    return keys, score_batch(texts)


class ExactVader:
    """Scores texts exactly as ``SentimentIntensityAnalyzer().polarity_scores`` does."""

    def __init__(self, reference: _vader.SentimentIntensityAnalyzer | None = None) -> None:
        self.reference = reference or _vader.SentimentIntensityAnalyzer()
        self._lexicon = self.reference.lexicon
        self._emojis = self.reference.emojis
        # the package replaces emoji one character at a time: longer keys never match
        self._emoji_chars = frozenset(k for k in self._emojis if len(k) == 1)
        # every emoji character is outside ASCII: a regular expression finds the non-ASCII
        # characters (a class of all 1,200 emoji is 200 times slower)
        self._emoji_re = re.compile("[^\x00-\x7f]") if all(ord(c) > 0x7F for c in self._emoji_chars) else None
        self._tokens: dict[str, tuple] = {}
        # per token: its lexicon value if no rule can change it, None for a word outside the
        # lexicon that no rule looks at, else a marker (_RULE, _LEX_RULE, _BUT)
        self._fast: dict[str, float | object | None] = {}
        self.exact = True
        self.exact = all(self.scores(t) == self._reference_scores(t) for t in PROBES)

    # -- public -------------------------------------------------------------------------

    def polarity_scores(self, text: str) -> dict[str, float]:
        """The package's dict, in its key order."""
        compound, pos, neu, neg = self.scores(text)
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    def score_many(self, texts: list[str]) -> list[Scores]:
        """(compound, pos, neu, neg) for each text, in order."""
        score = self.scores if self.exact else self._reference_scores
        return [score(t) for t in texts]

    def scores(self, text: object) -> Scores:
        """(compound, pos, neu, neg) of one text (anything but a str goes to the package)."""
        if not isinstance(text, str) or not self.exact:
            return self._reference_scores(text)
        if not text.isascii() and not self._emoji_chars.isdisjoint(text):
            text = self._describe_emoji(text)
        # the package strips the text first: split() and the '!'/'?' counts ignore the ends
        tokens = text.split()
        if not tokens:
            return (0.0, 0.0, 0.0, 0.0)
        try:
            fast = list(map(self._fast.__getitem__, tokens))
        except KeyError:
            for t in tokens:
                if t not in self._fast:
                    self._token(t)
            fast = list(map(self._fast.__getitem__, tokens))
        if _LEX_RULE not in fast and _BUT not in fast and not _rule_reaches_a_word(fast):
            # no rule reaches a lexicon word: each keeps its value, the others are 0
            values = [v for v in fast if v is not None and v is not _RULE]
            if not values:
                return (0.0, 0.0, 1.0, 0.0)
            return _score_values(values, len(tokens), text)
        infos = list(map(self._tokens.__getitem__, tokens))
        hits = [i for i, f in enumerate(infos) if f[1] is not None]
        if not hits:
            return (0.0, 0.0, 1.0, 0.0)
        return _score_tokens(text, infos, hits)

    # -- the steps ----------------------------------------------------------------------

    def _reference_scores(self, text) -> Scores:
        s = self.reference.polarity_scores(text)
        return (s["compound"], s["pos"], s["neu"], s["neg"])

    def _describe_emoji(self, text: str) -> str:
        """polarity_scores' first step: each emoji character replaced by its description,
        with a space before it unless the text starts there or a space comes before (an
        emoji before it counts as not a space)."""
        if self._emoji_re is not None:
            return self._emoji_re.sub(self._describe, text)
        emojis = self._emojis
        out = []
        prev_space = True
        for ch in text:
            if ch in emojis:
                if not prev_space:
                    out.append(" ")
                out.append(emojis[ch])
                prev_space = False
            else:
                out.append(ch)
                prev_space = ch == " "
        return "".join(out)

    def _describe(self, m: re.Match) -> str:
        ch = m.group()
        description = self._emojis.get(ch)
        if description is None:
            return ch
        at = m.start()
        return description if at == 0 or m.string[at - 1] == " " else " " + description

    def _token(self, token: str) -> tuple:
        """What the rules ask of one whitespace token, as SentiText makes it a word:
        (lower, lexicon value or None, ALL CAPS, booster value or None, negation word,
        plain: no rule looks at it as a neighbour)."""
        stripped = token.strip(_PUNCT)
        word = token if len(stripped) <= 2 else stripped
        lower = word.lower()
        # negated() lower-cases its words again
        again = lower.lower()
        negation = again in _NEGATE or "n't" in again
        booster = _BOOSTERS.get(lower)
        info = (
            lower,
            self._lexicon.get(lower),
            word.isupper(),
            booster,
            negation,
            booster is None and not negation and lower not in _RULE_WORDS,
        )
        if len(self._tokens) >= _CACHE_LIMIT:
            self._tokens.clear()
            self._fast.clear()
        self._tokens[token] = info
        if lower == "but":
            self._fast[token] = _BUT
        elif info[1] is not None:
            special = info[2] or lower in _LEX_RULE_WORDS or lower in _BEFORE_WORDS
            self._fast[token] = _LEX_RULE if special or booster is not None or negation else info[1]
        elif booster is not None or negation or lower in _BEFORE_WORDS:
            self._fast[token] = _RULE
        else:
            self._fast[token] = None
        return info


def _rule_reaches_a_word(fast: list) -> bool:
    """Whether a _RULE token stands up to three tokens before a lexicon word's value."""
    try:
        i = fast.index(_RULE)
    except ValueError:
        return False
    n = len(fast)
    while True:
        for v in fast[i + 1 : i + 4]:
            if v is not None and v is not _RULE:
                return True
        i += 1
        if i >= n:
            return False
        try:
            i = fast.index(_RULE, i)
        except ValueError:
            return False


def _score_tokens(text: str, infos: list[tuple], hits: list[int]) -> Scores:
    """polarity_scores from the tokens on, for a text with lexicon words at ``hits``."""
    n = len(infos)
    lw = [f[0] for f in infos]
    cap_diff = _cap_differential(infos)
    sentiments: list = [0] * n  # boosters, "kind of" and words outside the lexicon: int 0

    for i in hits:
        f = infos[i]
        # a plain word with plain words before it: no rule changes its lexicon value (the
        # additions of 0.0 leave a non-zero float as it is)
        if (
            f[5]
            and not f[2]
            and (i == 0 or infos[i - 1][5])
            and (i < 2 or infos[i - 2][5])
            and (i < 3 or infos[i - 3][5])
        ):
            sentiments[i] = f[1]
            continue
        item = f[0]
        if f[3] is not None:  # a booster word
            continue
        if i < n - 1 and item == "kind" and lw[i + 1] == "of":
            continue
        # sentiment_valence
        valence = f[1]
        if item == "no" and i != n - 1 and infos[i + 1][1] is not None:
            valence = 0.0
        if (
            (i > 0 and lw[i - 1] == "no")
            or (i > 1 and lw[i - 2] == "no")
            or (i > 2 and lw[i - 3] == "no" and lw[i - 1] in ("or", "nor"))
        ):
            valence = f[1] * _N_SCALAR
        if f[2] and cap_diff:
            valence = _emphasised(valence, valence)
        for start_i in (0, 1, 2):
            if i <= start_i:
                break
            g = infos[i - (start_i + 1)]
            if g[1] is not None:
                continue
            # scalar_inc_dec
            s = 0.0
            if g[3] is not None:
                s = g[3]
                if valence < 0:
                    s *= -1
                if g[2] and cap_diff:
                    s = _emphasised(s, valence)
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            # _negation_check
            if start_i == 0:
                if g[4]:
                    valence = valence * _N_SCALAR
            elif start_i == 1:
                if lw[i - 2] == "never" and (lw[i - 1] == "so" or lw[i - 1] == "this"):
                    valence = valence * 1.25
                elif lw[i - 2] == "without" and lw[i - 1] == "doubt":
                    pass
                elif g[4]:
                    valence = valence * _N_SCALAR
            else:
                if (lw[i - 3] == "never" and lw[i - 2] in _SO_THIS) or lw[i - 1] in _SO_THIS:
                    valence = valence * 1.25
                elif lw[i - 3] == "without" and (lw[i - 2] == "doubt" or lw[i - 1] == "doubt"):
                    pass
                elif g[4]:
                    valence = valence * _N_SCALAR
                valence = _idioms(valence, lw, i, n)
        # _least_check
        if i > 1 and infos[i - 1][1] is None and lw[i - 1] == "least":
            if lw[i - 2] != "at" and lw[i - 2] != "very":
                valence = valence * _N_SCALAR
        elif i > 0 and infos[i - 1][1] is None and lw[i - 1] == "least":
            valence = valence * _N_SCALAR
        sentiments[i] = valence

    if "but" in lw:
        _but_check(lw.index("but"), sentiments)
    return _score_values([sentiments[i] for i in hits], n, text)


def _emphasised(x: float, valence: float) -> float:
    """``x`` with the ALL CAPS emphasis added, away from zero by the valence's sign (0 counts
    as negative), as sentiment_valence and scalar_inc_dec do."""
    return x + _C_INCR if valence > 0 else x - _C_INCR


def _cap_differential(infos: list[tuple]) -> bool:
    """allcap_differential: some words but not all are ALL CAPS."""
    ups = sum(1 for f in infos if f[2])
    return 0 < len(infos) - ups < len(infos)


def _idioms(valence, lw: list[str], i: int, n: int):
    """_special_idioms_check, on token tuples."""
    w3, w2, w1, w0 = lw[i - 3], lw[i - 2], lw[i - 1], lw[i]
    special = _SPECIAL
    for seq in ((w1, w0), (w2, w1, w0), (w2, w1), (w3, w2, w1), (w3, w2)):
        if seq in special:
            valence = special[seq]
            break
    if n - 1 > i:
        seq = (w0, lw[i + 1])
        if seq in special:
            valence = special[seq]
    if n - 1 > i + 1:
        seq = (w0, lw[i + 1], lw[i + 2])
        if seq in special:
            valence = special[seq]
    for seq in ((w3, w2, w1), (w3, w2), (w2, w1)):
        if seq in _BOOSTER_NGRAMS:
            valence = valence + _BOOSTER_NGRAMS[seq]
    return valence


def _but_check(bi: int, sentiments: list) -> None:
    """The package's _but_check, as written: it finds each sentiment again by its value, so
    equal sentiments are scaled at the first one's place."""
    for sentiment in sentiments:
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 0.5)
        elif si > bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 1.5)


def _score_values(values: list, n: int, text: str) -> Scores:
    """score_valence with _punctuation_emphasis and _sift_sentiment_scores, in the same
    order of float operations, from the sentiments that can be other than 0 (those of the
    lexicon words, in order) and the number of words ``n``. The other sentiments are 0 (an int,
    or 0.0 after ``_but_check``): they change neither ``sum()`` (the float sum adds 0.0 and
    leaves its compensation alone) nor the positive and negative sums, only the neutral count."""
    sum_s = float(sum(values))
    ep_count = text.count("!")
    if ep_count > 4:
        ep_count = 4
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier: float = 0  # an int 0, as in the package
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    punct_emph_amplifier = ep_amplifier + qm_amplifier
    if sum_s > 0:
        sum_s += punct_emph_amplifier
    elif sum_s < 0:
        sum_s -= punct_emph_amplifier

    compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
    if compound < -1.0:
        compound = -1.0
    elif compound > 1.0:
        compound = 1.0

    pos_sum = 0.0
    neg_sum = 0.0
    neu_count = n
    for s in values:
        if s > 0:
            pos_sum += float(s) + 1
            neu_count -= 1
        elif s < 0:
            neg_sum += float(s) - 1
            neu_count -= 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += punct_emph_amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= punct_emph_amplifier

    total = pos_sum + math.fabs(neg_sum) + neu_count
    return (
        _round(compound, 10000.0, 4),
        _round(math.fabs(pos_sum / total), 1000.0, 3),
        _round(math.fabs(neu_count / total), 1000.0, 3),
        _round(math.fabs(neg_sum / total), 1000.0, 3),
    )


def _round(x: float, scale: float, digits: int) -> float:
    """round(x, digits), for |x| <= 1, twice as fast. When x * scale is clearly nearer one
    integer k than any other (the product's error is below 1e-12 here), round() gives the
    double nearest k / 10**digits, which is what the IEEE division k / scale returns; ties,
    near-ties and zeros (whose sign round() keeps) go to round() itself."""
    y = x * scale
    k = math.floor(y + 0.5)
    d = y - k
    if k and -0.4999 < d < 0.4999:
        return k / scale
    return round(x, digits)
