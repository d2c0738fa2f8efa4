"""Sentiment labels as people and tools write them, read into the app's three classes.

A team labels posts in a spreadsheet, a CSV export carries a column of labels, and listening
tools export their own sentiment: all of them say "negative", "neutral" or "positive" in their
own words (``neg``, ``-1``, ``Negative``). One reader serves them all, so a label means the same
wherever it came from.
"""

from __future__ import annotations

import math

CLASSES = ("negative", "neutral", "positive")

_WORDS = {
    "negative": "negative",
    "neg": "negative",
    "-1": "negative",
    "-1.0": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "0": "neutral",
    "0.0": "neutral",
    "positive": "positive",
    "pos": "positive",
    "1": "positive",
    "+1": "positive",
    "1.0": "positive",
}


def parse_label(value: object) -> str | None:
    """``"Neg"`` -> ``"negative"``; empty (None, "", blanks, NaN) -> None (unlabelled).

    Raises :class:`ValueError`, whose message quotes the value, for anything else."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"“{value}” is not a sentiment label (use negative, neutral or positive)")
    if isinstance(value, int | float):
        value = repr(float(value)) if isinstance(value, float) else str(value)
    text = str(value).strip().lower()
    if not text:
        return None
    label = _WORDS.get(text)
    if label is None:
        raise ValueError(
            f"“{str(value).strip()}” is not a sentiment label "
            "(use negative, neutral or positive; neg/neu/pos or -1/0/1 also work)"
        )
    return label
