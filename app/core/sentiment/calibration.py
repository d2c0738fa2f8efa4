"""Calibrated shares: the true shares of negative, neutral and positive posts estimated from
VADER's shares and how VADER errs on the texts people labelled.

The method is adjusted classify-and-count (Forman 2008), a standard quantification method.
VADER's share of class *j* is what the true shares π make of VADER's error rates:

    raw_j = Σ_h P(VADER says j | truly h) · π_h

so with the error rates M[j, h] = P(VADER says j | truly h) measured on the labelled texts,
π solves the 3x3 system M π = raw; negative solutions are clipped to 0 and the rest
renormalised to sum to 1. Error rates conditional on the *true* class carry over from the
whole archive to a time bin whose mix of classes differs (the escalation is more negative
than the launch); that is why the same correction serves every bin.

The labelling sample draws even numbers of texts per VADER class, not the archive's mix, so
the labels are weighted back to it (post-stratification): a labelled text of VADER class *j*
stands for N_j / n_j texts, N_j being the archive's scored texts of that class and n_j the
labelled ones. Labels from any source (the sample, a spreadsheet, a column at import) are
weighed the same way, which is right as long as, within one VADER class, the labelled texts
are a fair draw of that class's texts.

The interval is a bootstrap (:data:`REPLICATES` replicates, a fixed seed so that the same
workspace always prints the same interval): within each VADER class the labelled texts are
redrawn with replacement (stratified, as the sample was drawn), and the posts a share rests
on are redrawn too (a bin of 20 posts cannot pin a share down to two points however good
the labels). The 2.5th and 97.5th percentiles of the replicates bound the 95% interval.

Nothing here touches the workspace: :mod:`app.core.sentiment.figures` gathers the counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.label_values import CLASSES

#: Calibration needs at least this many labelled texts in scope, scored ...
MIN_LABELS = 100
#: ... and at least this many of each human class and of each VADER class the archive has.
MIN_PER_CLASS = 5
REPLICATES = 1000
LEVEL = 0.95
SEED = 20131113
#: A system this ill-conditioned cannot be solved meaningfully.
MAX_CONDITION = 1e6


@dataclass(frozen=True)
class Calibration:
    """VADER's error rates on the labelled texts, and their bootstrap replicates."""

    #: labelled texts behind it
    labels: int
    #: labelled texts: rows human class, columns VADER class (CLASSES order)
    counts: np.ndarray
    #: the archive's scored texts in scope per VADER class
    population: np.ndarray
    #: M[j, h] = P(VADER says j | truly h), post-stratified
    error_rates: np.ndarray
    #: replicates of the inverse of M, shape (REPLICATES, 3, 3); replicates whose system
    #: could not be solved (a class drawn away) are left out
    inverses: np.ndarray

    def estimate(self, raw_counts: np.ndarray, replicates: int | None = None, seed: int = SEED) -> Estimate:
        """Calibrated shares of every row of ``raw_counts`` (shape (n, 3): posts VADER put in
        each class, per bin), with their interval (from the first ``replicates`` of the
        bootstrap, all by default: fewer make a quicker, slightly rougher interval)."""
        raw = np.atleast_2d(np.asarray(raw_counts, dtype=np.float64))
        totals = raw.sum(axis=1)
        nothing = totals <= 0
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = raw / np.where(nothing, 1, totals)[:, None]
        point = _clip_renormalise(shares @ np.linalg.inv(self.error_rates).T)
        # replicates: the labels redrawn (in the inverses), and each bin's posts redrawn
        rng = np.random.default_rng(seed)
        inverses = self.inverses[:replicates] if replicates else self.inverses
        b = len(inverses)
        n = totals.astype(np.int64)
        safe = np.where(nothing[:, None], 1.0 / 3.0, shares)
        drawn = rng.multinomial(n[None, :], np.broadcast_to(safe, (b, *safe.shape)))  # (b, bins, 3)
        with np.errstate(invalid="ignore", divide="ignore"):
            drawn_shares = drawn / np.where(n > 0, n, 1)[None, :, None]
        reps = _clip_renormalise(np.einsum("bkc,bhc->bkh", drawn_shares, inverses))
        tail = (1 - LEVEL) / 2
        low, high = np.quantile(reps, [tail, 1 - tail], axis=0)
        point[nothing] = np.nan
        low[nothing] = np.nan
        high[nothing] = np.nan
        return Estimate(point=point, low=low, high=high)


@dataclass(frozen=True)
class Estimate:
    """Calibrated shares per row (bin): ``point``, ``low`` and ``high``, each of shape (n, 3)
    in :data:`CLASSES` order; NaN where a row has no scored posts."""

    point: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class NotCalibrated:
    """Why there is no calibration: the reason in words a reader understands."""

    labels: int
    reason: str


def fit(
    counts: np.ndarray, population: np.ndarray, replicates: int = REPLICATES, seed: int = SEED
) -> Calibration | NotCalibrated:
    """The calibration from labelled texts ``counts`` (rows human class, columns VADER class)
    and the archive's texts per VADER class ``population``; or why there is none."""
    counts = np.asarray(counts, dtype=np.int64).reshape(3, 3)
    population = np.asarray(population, dtype=np.int64).reshape(3)
    n = int(counts.sum())
    refusal = _refusal(counts, population)
    if refusal:
        return NotCalibrated(n, refusal)
    rates = error_rates(counts, population)
    if not np.all(np.isfinite(rates)) or np.linalg.cond(rates) > MAX_CONDITION:
        return NotCalibrated(
            n,
            "VADER's classes do not tell the labelled classes apart, so its shares cannot be "
            "corrected (label more posts of every kind)",
        )
    return Calibration(
        labels=n,
        counts=counts,
        population=population,
        error_rates=rates,
        inverses=_bootstrap_inverses(counts, population, replicates, seed),
    )


def error_rates(counts: np.ndarray, population: np.ndarray) -> np.ndarray:
    """M[j, h] = P(VADER says j | truly h) from labelled texts weighted back to the archive's
    mix of VADER classes (see the module's notes)."""
    counts = np.asarray(counts, dtype=np.float64)
    labelled = counts.sum(axis=0)  # per VADER class
    with np.errstate(invalid="ignore", divide="ignore"):
        weights = np.where(labelled > 0, np.asarray(population, dtype=np.float64) / labelled, 0.0)
        joint = counts * weights[None, :]  # estimated texts: truly h, VADER j
        per_true = joint.sum(axis=1, keepdims=True)
        return (joint / per_true).T


def _refusal(counts: np.ndarray, population: np.ndarray) -> str:
    n = int(counts.sum())
    if n == 0:
        return "no post is labelled yet"
    if n < MIN_LABELS:
        return (
            f"only {n:,} labelled post{'s' if n != 1 else ''} in scope; correcting VADER needs "
            f"at least {MIN_LABELS}"
        )
    for i, c in enumerate(CLASSES):
        k = int(counts[i].sum())
        if k < MIN_PER_CLASS:
            return (
                f"only {k} of the labelled posts {'is' if k == 1 else 'are'} {c}; correcting VADER "
                f"needs at least {MIN_PER_CLASS} of each class"
            )
    for j, c in enumerate(CLASSES):
        k = int(counts[:, j].sum())
        if population[j] > 0 and k < MIN_PER_CLASS:
            return (
                f"only {k} of the labelled posts {'is' if k == 1 else 'are'} one{'' if k == 1 else 's'} "
                f"VADER calls {c}; correcting VADER needs at least {MIN_PER_CLASS} of each "
                "(the labelling sample draws them evenly)"
            )
    return ""


def _bootstrap_inverses(counts: np.ndarray, population: np.ndarray, replicates: int, seed: int) -> np.ndarray:
    """Inverses of M for labels redrawn within each VADER class. Only counts matter, so a
    class's redraw is one multinomial draw of its labelled texts over the human classes."""
    rng = np.random.default_rng(seed + 1)
    drawn = np.zeros((replicates, 3, 3), dtype=np.int64)
    for j in range(3):
        n_j = int(counts[:, j].sum())
        if n_j:
            drawn[:, :, j] = rng.multinomial(n_j, counts[:, j] / n_j, size=replicates)
    inverses = []
    for rep in drawn:
        rates = error_rates(rep, population)
        if np.all(np.isfinite(rates)) and np.linalg.cond(rates) <= MAX_CONDITION:
            inverses.append(np.linalg.inv(rates))
    return np.array(inverses).reshape(-1, 3, 3)


def _clip_renormalise(shares: np.ndarray) -> np.ndarray:
    clipped = np.clip(shares, 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        return clipped / clipped.sum(axis=-1, keepdims=True)
