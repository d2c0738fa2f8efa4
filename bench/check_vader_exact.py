#!/usr/bin/env python3
"""Compare app.core.sentiment.vader_exact with the vaderSentiment package on many texts, bit for bit.

    python bench/check_vader_exact.py --texts 1000000 [--seed 1] [--workers 2]
        [--extra FILE ...]

Generates ``--texts`` texts rich in what VADER treats specially (tests/core/vader_texts.py:
negations, boosters, ALL CAPS, "but", "least", idioms, "kind of", emoticons, emoji,
punctuation emphasis, contractions, hyphens, unicode), in chunks of 50,000 with seeds
``seed``, ``seed + 1``, ... spread over ``--workers`` processes, and compares every score of
``ExactVader().polarity_scores`` with ``SentimentIntensityAnalyzer().polarity_scores``: keys,
order, types and the bits of each float. ``--extra`` adds the texts of other files (a
tab-separated file's third column if it has one, else each line): e.g. the ground-truth
sentences of the package's repository (additional_resources/hutto_ICWSM_2014.tar.gz).

Also prints the CPU time each took on the same texts (a ratio from one run; both
single-threaded in the same process). Exit status 1 on any mismatch. Run by hand; the test suite runs 20,000
texts (tests/core/test_vader_exact.py).
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, machine

CHUNK = 50_000


def _bits(scores: dict) -> list:
    return [(k, type(v).__name__, struct.pack("<d", v).hex()) for k, v in scores.items()]


def compare(texts: list[str]) -> dict:
    from app.core.sentiment.vader_exact import ExactVader

    exact = ExactVader()
    assert exact.exact, "the scorer fell back to the package: nothing would be compared"
    # CPU time of this process: the machine is shared, wall time says more about the others
    t = time.process_time()
    want = [exact.reference.polarity_scores(x) for x in texts]
    ref_s = time.process_time() - t
    t = time.process_time()
    got = [exact.polarity_scores(x) for x in texts]
    exact_s = time.process_time() - t
    bad = [
        {"text": x, "package": w, "exact": g}
        for x, w, g in zip(texts, want, got, strict=True)
        if _bits(w) != _bits(g)
    ]
    return {"texts": len(texts), "mismatches": bad[:20], "bad": len(bad), "ref_s": ref_s, "exact_s": exact_s}


def generated_chunk(count: int, seed: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.core.vader_texts import generate

    return compare(list(generate(count, seed)))


def extra_texts(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        out.append(parts[2] if len(parts) >= 3 else line)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--extra", type=Path, nargs="*", default=[])
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()

    print(machine())
    print(f"load at start {os.getloadavg()[0]:.1f}", flush=True)
    t0 = time.perf_counter()
    results = []
    sizes = [min(CHUNK, args.texts - i) for i in range(0, args.texts, CHUNK)]
    with ProcessPoolExecutor(args.workers) as pool:
        futures = [pool.submit(generated_chunk, n, args.seed + i) for i, n in enumerate(sizes)]
        for i, f in enumerate(futures):
            r = f.result()
            results.append(r)
            print(
                f"chunk {i + 1}/{len(sizes)} (seed {args.seed + i}): {r['texts']:,} texts, "
                f"{r['bad']} mismatches, package {r['ref_s']:.1f} s, exact {r['exact_s']:.1f} s of CPU",
                flush=True,
            )
    for path in args.extra:
        r = compare(extra_texts(path))
        r["file"] = str(path)
        results.append(r)
        print(f"{path.name}: {r['texts']:,} texts, {r['bad']} mismatches", flush=True)

    texts = sum(r["texts"] for r in results)
    bad = sum(r["bad"] for r in results)
    ref_s = sum(r["ref_s"] for r in results)
    exact_s = sum(r["exact_s"] for r in results)
    print()
    print(
        f"{texts:,} texts compared in {time.perf_counter() - t0:.0f} s, load at end {os.getloadavg()[0]:.1f}"
    )
    print(
        f"package {ref_s:.1f} s, exact {exact_s:.1f} s of CPU on the same texts: "
        f"{ref_s / exact_s:.2f}x (these texts are denser in rule words than posts)"
    )
    if bad:
        print(f"MISMATCH: {bad:,} texts differ, e.g.:")
        for r in results:
            for m in r["mismatches"][:3]:
                print("   ", json.dumps(m, ensure_ascii=False))
    else:
        print("every score identical, bit for bit")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"args": vars(args) | {"extra": [str(p) for p in args.extra]}, "results": results},
                indent=1,
                ensure_ascii=False,
            )
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
