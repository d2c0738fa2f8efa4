"""Exact segmentation of a series: where its level changes.

Both costs here are minimised exactly (optimal partitioning, Jackson et al. 2005), with the
pruning of PELT (Killick, Fearnhead & Eckley 2012) made safe for minimum segment sizes:

* :func:`mean_shift`: a piecewise-constant mean under squared error (the volume detector runs
  it on log counts), each segment at least ``min_size`` points long;
* :func:`binomial`: a piecewise-constant share ``k / n`` under the binomial likelihood (the
  sentiment detector runs it on negative and scored posts per bin), each segment holding at
  least ``min_weight`` trials.

The objective is the sum of the segments' costs plus ``penalty`` per change point; the result
is the partition that minimises it, not an approximation (``tests/core/test_changepoints.py``
compares it with every partition of short random series).

Why not a library: ruptures does this job but pulls in scipy (a 35 MB wheel, 113 MB installed,
measured December 2026) for one function, and its PELT prunes the same way the old
``turning_points._pelt`` did, which is not exact when segments have a minimum length: a start
may be pruned at ``t`` although ``t`` itself cannot end a segment yet. Here a start pruned at
``t`` stays a candidate until the first end at which ``t`` could close an admissible segment.
Series are at most a few thousand bins, so the O(n^2) worst case costs milliseconds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from statistics import NormalDist

import numpy as np

#: a cost of segments [starts, t) for an array of starts and one end
Cost = Callable[[np.ndarray, int], np.ndarray]

# Floating error in the costs' additivity must not prune the best start: a start is pruned
# only when it is worse by more than this (relative to the costs at play).
_PRUNE_SLACK = 1e-9


def optimal_partition(cost: Cost, n: int, penalty: float, min_end: np.ndarray) -> list[int]:
    """The change points (segment starts other than 0) of the partition of ``range(n)``
    minimising the sum of ``cost`` over its segments plus ``penalty`` per change point.

    ``min_end[s]`` is the smallest end ``t`` for which ``[s, t)`` is an admissible segment
    (``n + 1`` or more: none is). ``cost`` must satisfy ``cost(s, u) + cost(u, t) <= cost(s, t)``
    (splitting a segment never costs more), as every likelihood cost does: that is what makes
    the pruning exact. Returns [] when no admissible partition exists."""
    if n <= 0:
        return []
    min_end = np.asarray(min_end, dtype=np.int64)
    best = np.full(n + 1, np.inf)
    best[0] = -penalty
    last = np.full(n + 1, -1, dtype=np.int64)
    # a start stops being a candidate for ends >= dead_from (set when it is pruned)
    dead_from = np.full(n + 1, np.iinfo(np.int64).max, dtype=np.int64)
    starts = np.arange(n + 1, dtype=np.int64)
    for t in range(1, n + 1):
        cand = starts[:t]
        cand = cand[(min_end[:t] <= t) & np.isfinite(best[:t]) & (dead_from[:t] > t)]
        if not len(cand):
            continue
        values = best[cand] + cost(cand, t)
        k = int(np.argmin(values))
        best[t] = values[k] + penalty
        last[t] = cand[k]
        # PELT: a start s with F(s) + C(s, t) > F(t) stays worse than t for every end at which
        # t can close a segment of its own (from min_end[t] on), but not before
        slack = _PRUNE_SLACK * (1.0 + abs(best[t]))
        worse = cand[values > best[t] + slack]
        if len(worse) and t < n:
            dead_from[worse] = np.minimum(dead_from[worse], min_end[t])
    if not np.isfinite(best[n]):
        return []
    out = []
    t = n
    while t > 0:
        t = int(last[t])
        if t > 0:
            out.append(t)
    return sorted(out)


def objective(cost: Cost, n: int, penalty: float, cps: list[int]) -> float:
    """The value :func:`optimal_partition` minimises, for the partition ``cps``."""
    bounds = [0, *cps, n]
    return float(
        sum(float(cost(np.array([a]), b)[0]) for a, b in itertools.pairwise(bounds)) + penalty * len(cps)
    )


# ---- a mean under squared error -------------------------------------------------------------


def squared_error(y: np.ndarray) -> Cost:
    """The squared error of each segment around its mean (prefix sums, vectorised)."""
    y = np.asarray(y, dtype=np.float64)
    s1 = np.concatenate(([0.0], np.cumsum(y)))
    s2 = np.concatenate(([0.0], np.cumsum(y * y)))

    def cost(starts: np.ndarray, t: int) -> np.ndarray:
        length = t - starts
        total = s1[t] - s1[starts]
        return np.maximum((s2[t] - s2[starts]) - total * total / length, 0.0)

    return cost


def mean_shift(y: np.ndarray, penalty: float, min_size: int = 1) -> list[int]:
    """Change points of the mean of ``y``: the exact minimiser of the squared error plus
    ``penalty`` per change, each segment at least ``min_size`` long."""
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    min_size = max(1, int(min_size))
    if n < min_size:
        return []
    return optimal_partition(squared_error(y), n, penalty, np.arange(n + 1) + min_size)


# ---- a share under the binomial likelihood --------------------------------------------------


def binomial_loglik(k: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """log L of ``k`` successes in ``n`` trials at their own share k / n (0 log 0 = 0)."""
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, k / np.where(n > 0, n, 1), 0.0)
        a = np.where(k > 0, k * np.log(np.where(p > 0, p, 1)), 0.0)
        b = np.where(n - k > 0, (n - k) * np.log(np.where(p < 1, 1 - p, 1)), 0.0)
    return a + b


def binomial_cost(k: np.ndarray, n: np.ndarray) -> Cost:
    """Twice the negative binomial log-likelihood of each segment (so that a change's gain is
    its likelihood-ratio statistic, chi-square with one degree of freedom under no change)."""
    ks = np.concatenate(([0.0], np.cumsum(np.asarray(k, dtype=np.float64))))
    ns = np.concatenate(([0.0], np.cumsum(np.asarray(n, dtype=np.float64))))

    def cost(starts: np.ndarray, t: int) -> np.ndarray:
        return -2.0 * binomial_loglik(ks[t] - ks[starts], ns[t] - ns[starts])

    return cost


def binomial(k: np.ndarray, n: np.ndarray, penalty: float, min_weight: float = 0.0) -> list[int]:
    """Change points of the share ``k / n``: the exact minimiser of twice the negative
    binomial log-likelihood plus ``penalty`` per change, each segment holding at least
    ``min_weight`` trials (and at least one bin)."""
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    m = len(k)
    if m == 0:
        return []
    ns = np.concatenate(([0.0], np.cumsum(n)))
    # the first end t with ns[t] - ns[s] >= min_weight (and t > s)
    ends = np.searchsorted(ns, ns + float(min_weight) - 1e-9, side="left")
    min_end = np.maximum(ends, np.arange(m + 1) + 1)
    return optimal_partition(binomial_cost(k, n), m, penalty, min_end)


def chi2_1_isf(p: float) -> float:
    """The chi-square value (one degree of freedom) exceeded with probability ``p``."""
    p = min(max(p, 1e-300), 1.0)
    return NormalDist().inv_cdf(1 - p / 2) ** 2 if p < 1 else 0.0


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's effect size for two proportions: the difference of their arcsine-root
    transforms (0.2 small, 0.5 medium, 0.8 large)."""

    def phi(p: float) -> float:
        return 2 * math.asin(math.sqrt(min(max(p, 0.0), 1.0)))

    return abs(phi(p2) - phi(p1))


def noise_sigma(z: np.ndarray, floor: float = 0.05) -> float:
    """The noise's standard deviation from the median absolute difference of neighbours
    (robust to the few large jumps that are the changes themselves), at least ``floor``
    (a series of perfectly steady counts has no noise to scale a penalty by)."""
    d = np.diff(np.asarray(z, dtype=np.float64))
    if not len(d):
        return 1.0
    mad = float(np.median(np.abs(d - np.median(d))))
    sigma = mad / (0.6745 * math.sqrt(2))
    if sigma <= 0:
        sigma = float(np.std(d)) / math.sqrt(2)
    return max(sigma, floor)
