"""The exact segmentation against brute force: every partition of short random series is
enumerated and the best one (sum of segment costs plus a penalty per change, segments of
admissible size) must have the objective :mod:`app.core.analysis.changepoints` finds."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from app.core.analysis import changepoints as cp


def brute(cost, n, penalty, admissible) -> tuple[float, list[int]]:
    """The best objective over every partition of range(n) and one partition reaching it."""
    best, best_cps = np.inf, []
    for r in range(n):
        for cps in itertools.combinations(range(1, n), r):
            bounds = [0, *cps, n]
            if not all(admissible(a, b) for a, b in itertools.pairwise(bounds)):
                continue
            value = cp.objective(cost, n, penalty, list(cps))
            if value < best - 1e-12:
                best, best_cps = value, list(cps)
    return best, best_cps


def test_the_old_pelt_counterexample():
    """``_pelt([1,2,4,4,1], 3, 2)`` returned [2] (9.5) while no change point costs 9.2."""
    y = np.array([1, 2, 4, 4, 1.0])
    assert cp.mean_shift(y, 3, 2) == []
    cost = cp.squared_error(y)
    assert cp.objective(cost, 5, 3, []) == pytest.approx(9.2)
    assert cp.objective(cost, 5, 3, [2]) == pytest.approx(9.5)


@pytest.mark.parametrize("min_size", [1, 2, 3, 4])
def test_mean_shift_is_exact(min_size):
    rng = np.random.default_rng(min_size)
    for trial in range(120):
        n = int(rng.integers(1, 12))
        # steps, spikes and noise at different scales; some series with ties
        y = np.round(rng.normal(0, 1, n) + rng.choice([0, 3, -2], n) * (rng.random(n) < 0.3), 1)
        penalty = float(rng.choice([0.0, 0.5, 2.0, 8.0, 30.0]))
        cost = cp.squared_error(y)
        got = cp.mean_shift(y, penalty, min_size)
        expected, _ = brute(cost, n, penalty, lambda a, b: b - a >= min_size)
        if n < min_size:
            assert got == [] and expected == np.inf
            continue
        assert all(b - a >= min_size for a, b in itertools.pairwise([0, *got, n])), (trial, got)
        assert cp.objective(cost, n, penalty, got) == pytest.approx(expected, abs=1e-9), (trial, y, penalty)


@pytest.mark.parametrize("min_weight", [0, 5, 20, 45])
def test_binomial_is_exact(min_weight):
    rng = np.random.default_rng(100 + min_weight)
    for trial in range(120):
        m = int(rng.integers(1, 11))
        n = rng.integers(0, 25, m).astype(float)
        p = rng.choice([0.05, 0.2, 0.5, 0.8], m)
        k = np.minimum(rng.binomial(n.astype(int), p), n).astype(float)
        penalty = float(rng.choice([0.0, 2.0, 6.6, 15.0]))
        cost = cp.binomial_cost(k, n)
        got = cp.binomial(k, n, penalty, min_weight)

        def admissible(a, b, n=n):
            return b > a and n[a:b].sum() >= min_weight - 1e-9

        expected, _ = brute(cost, m, penalty, admissible)
        if not np.isfinite(expected):
            assert got == []
            continue
        assert all(admissible(a, b) for a, b in itertools.pairwise([0, *got, m])), (trial, got)
        assert cp.objective(cost, m, penalty, got) == pytest.approx(expected, abs=1e-9), (trial, k, n)


def test_finds_planted_steps():
    rng = np.random.default_rng(7)
    y = np.concatenate([rng.normal(0, 0.3, 50), rng.normal(3, 0.3, 30), rng.normal(1, 0.3, 40)])
    assert cp.mean_shift(y, 3 * 0.09 * np.log(120), 2) == [50, 80]
    k = np.concatenate([rng.binomial(40, 0.1, 30), rng.binomial(40, 0.5, 30)]).astype(float)
    assert cp.binomial(k, np.full(60, 40.0), cp.chi2_1_isf(0.01 / 59), 30) == [30]


def test_pruning_keeps_it_fast_and_exact_on_long_series():
    """Three thousand bins in well under a second (a ten-day archive at 5-minute bins); the
    unpruned search gives the same partition."""
    rng = np.random.default_rng(3)
    y = np.repeat(rng.normal(0, 2, 30), 100) + rng.normal(0, 0.5, 3000)
    t0 = time.perf_counter()
    got = cp.mean_shift(y, 3 * 0.25 * np.log(3000), 2)
    assert time.perf_counter() - t0 < 30  # a guard against a hang, not a timing assertion
    cost = cp.squared_error(y)
    n = 300
    unpruned = _unpruned(cost, n, 3 * 0.25 * np.log(3000), 2)
    assert cp.mean_shift(y[:n], 3 * 0.25 * np.log(3000), 2) == unpruned
    assert len(got) >= 10


def _unpruned(cost, n, penalty, min_size):
    best = np.full(n + 1, np.inf)
    best[0] = -penalty
    last = np.zeros(n + 1, dtype=int)
    for t in range(min_size, n + 1):
        s = np.arange(0, t - min_size + 1)
        s = s[np.isfinite(best[s])]
        v = best[s] + cost(s, t)
        k = int(np.argmin(v))
        best[t], last[t] = v[k] + penalty, s[k]
    out, t = [], n
    while t > 0:
        t = int(last[t])
        if t > 0:
            out.append(t)
    return sorted(out)


def test_helpers():
    assert cp.chi2_1_isf(0.05) == pytest.approx(3.8415, abs=1e-3)
    assert cp.cohens_h(0.4, 0.5) == pytest.approx(0.2013, abs=1e-3)
    assert cp.noise_sigma(np.zeros(10)) == 0.05
    assert cp.mean_shift(np.array([]), 1.0) == [] and cp.binomial(np.array([]), np.array([]), 1.0) == []
