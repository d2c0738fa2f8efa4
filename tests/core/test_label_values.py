"""The one reader of sentiment labels, whatever words they come in."""

import math

import pytest

from app.core.label_values import parse_label


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("negative", "negative"),
        ("NEGATIVE", "negative"),
        (" Neg ", "negative"),
        ("-1", "negative"),
        (-1, "negative"),
        (-1.0, "negative"),
        ("neutral", "neutral"),
        ("NEU", "neutral"),
        ("0", "neutral"),
        (0, "neutral"),
        ("Positive", "positive"),
        ("pos", "positive"),
        ("1", "positive"),
        ("+1", "positive"),
        (1, "positive"),
        (None, None),
        ("", None),
        ("   ", None),
        (math.nan, None),
    ],
)
def test_reads_the_usual_spellings(value, expected):
    assert parse_label(value) == expected


@pytest.mark.parametrize("value", ["bad", "2", "mixed", True, 0.5])
def test_refuses_anything_else_quoting_it(value):
    with pytest.raises(ValueError, match="not a sentiment label") as err:
        parse_label(value)
    assert str(value).strip() in str(err.value) or repr(float(value)) in str(err.value)
