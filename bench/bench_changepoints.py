"""The exact segmentation (app.core.analysis.changepoints.mean_shift) against the old,
inexact PELT (app.core.turning_points._pelt) on the same series, in the same run: the price
of exactness. Prints seconds per call and their ratio for a few series lengths.

    python bench/bench_changepoints.py [--runs 5]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core import turning_points
from app.core.analysis import changepoints


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    for n in (400, 1000, 3000):
        # steps every ~50 bins and noise: the shape of a log volume series
        y = np.repeat(rng.normal(0, 1.5, n // 50 + 1), 50)[:n] + rng.normal(0, 0.4, n)
        beta = 3 * changepoints.noise_sigma(y) ** 2 * math.log(n)
        new, old = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            a = changepoints.mean_shift(y, beta, 2)
            t1 = time.perf_counter()
            b = turning_points._pelt(y, beta, 2)
            t2 = time.perf_counter()
            new.append(t1 - t0)
            old.append(t2 - t1)
        cost = changepoints.squared_error(y)
        gain = changepoints.objective(cost, n, beta, b) - changepoints.objective(cost, n, beta, a)
        print(
            f"n={n:5d}  exact {np.median(new) * 1e3:7.1f} ms  old PELT {np.median(old) * 1e3:7.1f} ms  "
            f"ratio {np.median(new) / np.median(old):.2f}  changes {len(a)} vs {len(b)}  "
            f"objective better by {gain:.3g}"
        )


if __name__ == "__main__":
    main()
