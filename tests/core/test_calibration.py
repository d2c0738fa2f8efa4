"""Calibrated shares: adjusted classify-and-count with a bootstrap interval.

The method is checked against a brute-force reference on small tables, then end to end on
generated incidents whose true sentiment is known and whose VADER bias is built in (sarcastic
"great job" complaints read as praise, flat complaints read as neutral, German posts): with
500 labels the calibrated negative share lands within a few points of the truth and its
interval covers the truth in most of 20 seeds, overall and per local day; without enough
labels nothing claims calibration and the reason is given.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from app.core.sentiment import binned_figures, calibrate, figures, figures_of, label_summary
from app.core.sentiment import calibration as cal
from app.core.sentiment import labels as lb
from app.core.store import Workspace
from tests.core import sentiment_incident as si

SEEDS = range(20)
LABELS = 500


# ---- the method ---------------------------------------------------------------------------------


def brute_force_error_rates(counts, population):
    """P(VADER j | truly h) by listing every labelled text with its weight N_j / n_j."""
    texts = []
    for h, j in itertools.product(range(3), range(3)):
        texts += [(h, j)] * int(counts[h][j])
    n_j = [sum(1 for _, jj in texts if jj == j) for j in range(3)]
    rates = np.zeros((3, 3))
    for h in range(3):
        mine = [(hh, j) for hh, j in texts if hh == h]
        total = sum(population[j] / n_j[j] for _, j in mine)
        for j in range(3):
            rates[j, h] = sum(population[jj] / n_j[jj] for _, jj in mine if jj == j) / total
    return rates


def test_error_rates_are_weighted_back_to_the_archives_mix():
    counts = np.array([[40, 20, 30], [5, 70, 10], [1, 10, 60]])
    population = np.array([3000, 9000, 2000])
    assert np.allclose(cal.error_rates(counts, population), brute_force_error_rates(counts, population))
    # a labelled sample in the archive's own mix needs no weighting
    rates = cal.error_rates(counts, counts.sum(axis=0))
    assert np.allclose(rates, (counts / counts.sum(axis=1, keepdims=True)).T)


def test_the_true_shares_are_recovered_exactly_when_the_error_rates_are_exact():
    # labels in proportion to the truth: the table is the joint distribution itself
    true = np.array([0.6, 0.25, 0.15])
    rates = np.array([[0.55, 0.15, 0.0], [0.15, 0.8, 0.2], [0.3, 0.05, 0.8]])  # columns: truth
    joint = rates * true[None, :] * 1000  # texts: VADER j (rows), truly h (columns)
    counts = np.rint(joint.T).astype(int)
    fitted = cal.fit(counts, counts.sum(axis=0))
    assert isinstance(fitted, cal.Calibration)
    raw = rates @ true * 10_000
    est = fitted.estimate(raw[None, :])
    assert np.allclose(est.point[0], true, atol=1e-3)
    assert est.low[0][0] <= true[0] <= est.high[0][0]
    # a bin with no scored post has no share, not a zero
    empty = fitted.estimate(np.array([[0, 0, 0], raw]))
    assert np.isnan(empty.point[0]).all() and np.allclose(empty.point[1], true, atol=1e-3)


def test_impossible_solutions_are_clipped_and_renormalised():
    counts = np.array([[60, 20, 20], [10, 80, 10], [5, 15, 80]])
    fitted = cal.fit(counts, counts.sum(axis=0))
    # VADER found almost no negative posts: the raw solution has a negative share below 0
    est = fitted.estimate(np.array([[0, 500, 500]]))
    assert (est.point >= 0).all() and np.isclose(est.point.sum(), 1.0)
    assert est.point[0][0] == 0.0


@pytest.mark.parametrize(
    ("counts", "population", "reason"),
    [
        (np.zeros((3, 3)), [10, 10, 10], "no post is labelled yet"),
        (
            np.full((3, 3), 5),
            [10, 10, 10],
            "only 45 labelled posts in scope; correcting VADER needs at least 100",
        ),
        (
            np.array([[40, 30, 30], [20, 30, 20], [2, 0, 1]]),
            [10, 10, 10],
            "only 3 of the labelled posts are positive",
        ),
        (
            np.array([[40, 3, 30], [20, 0, 20], [20, 1, 30]]),
            [10, 10, 10],
            "only 4 of the labelled posts are ones VADER calls neutral",
        ),
        (
            np.array([[30, 30, 30], [30, 30, 30], [30, 30, 30]]),
            [10, 10, 10],
            "VADER's classes do not tell the labelled classes apart",
        ),
    ],
)
def test_without_enough_labels_there_is_no_calibration_and_the_reason_is_given(counts, population, reason):
    fitted = cal.fit(np.asarray(counts), np.asarray(population))
    assert isinstance(fitted, cal.NotCalibrated)
    assert fitted.reason.startswith(reason)


def test_a_vader_class_the_archive_lacks_needs_no_labels_but_two_classes_cannot_tell_three():
    counts = np.array([[60, 40, 0], [10, 60, 0], [10, 30, 0]])
    fitted = cal.fit(counts, np.array([500, 900, 0]))
    # not refused for want of labels: three true shares cannot be solved from two classes
    assert isinstance(fitted, cal.NotCalibrated)
    assert fitted.reason.startswith("VADER's classes do not tell the labelled classes apart")


# ---- generated incidents --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def incidents(tmp_path_factory):
    """Twenty generated incidents, each labelled with 500 posts of the labelling sample."""
    folder = tmp_path_factory.mktemp("calibration")
    built = []
    for seed in SEEDS:
        gen = si.build(folder, seed)
        with Workspace.open(gen.path) as ws:
            assert si.label_sample(ws, gen, LABELS, seed) == LABELS
        built.append(gen)
    return built


def test_the_generated_texts_are_read_by_vader_as_built():
    from app.core.sentiment import score_texts

    for (truth, vader), pool in si.TEXTS.items():
        for text in pool:
            compound = score_texts([f"{text} #AcmeBank ref123"])[0][0]
            assert lb.vader_class(compound) == vader, (truth, text)
    # and the German posts would mostly read as negative English
    german = [lb.vader_class(c) for c, *_ in score_texts(list(si.GERMAN))]
    assert german.count("negative") >= 5


def test_with_500_labels_the_calibrated_share_lands_near_the_truth_and_its_interval_covers_it(incidents):
    close = covered = 0
    for gen in incidents:
        with Workspace.open(gen.path, read_only=True) as ws:
            f = figures(ws)
        truth = gen.true_shares()
        # the bias is real: VADER misses a third of the negative posts and more
        assert truth[0] - f.raw.negative > 0.12
        # German posts are out, every one of them, whether the platform named the language or not
        assert f.coverage.not_scored["language"] == len(gen.german)
        assert f.coverage.scored == len(gen.truth)
        c = f.calibrated
        assert c is not None and c.labels == LABELS and f.not_calibrated == ""
        assert c.low.negative <= c.shares.negative <= c.high.negative
        assert np.isclose(c.shares.negative + c.shares.neutral + c.shares.positive, 1.0)
        close += abs(c.shares.negative - truth[0]) <= 0.05
        covered += c.low.negative <= truth[0] <= c.high.negative
    assert close >= 18, close
    assert covered >= 17, covered  # a 95% interval: most seeds, not one lucky one


def test_a_range_is_calibrated_alike_alone_and_with_others(incidents):
    """The report reads the whole archive's and the wave's figures in one pass: each range's
    calibrated shares and interval are those it gets alone (as the window shows them)."""
    gen = incidents[0]
    with Workspace.open(gen.path, read_only=True) as ws:
        middle = (gen.start + gen.end) / 2
        ranges = [(None, None), (gen.start, middle), (middle, None)]
        together = figures_of(ws, ranges)
        alone = [figures(ws, a, b) for a, b in ranges]
    assert all(f.calibrated is not None for f in together)
    assert together == alone


def test_the_correction_holds_per_local_day_as_the_mix_shifts(incidents):
    bins = close = covered = 0
    for gen in incidents:
        with Workspace.open(gen.path, read_only=True) as ws:
            days = binned_figures(ws, gen.start, gen.end, 86400)
            zone = ZoneInfo(ws.timezone)
        for day in days:
            local = datetime.fromtimestamp(day.start, timezone.utc).astimezone(zone)
            assert (local.hour, local.minute) == (0, 0)  # days begin at local midnight
            if day.coverage.scored < 100:
                continue
            truth = gen.true_shares(day.start, day.end)
            c = day.calibrated
            assert c is not None
            bins += 1
            close += abs(c.shares.negative - truth[0]) <= 0.12
            covered += c.low.negative <= truth[0] <= c.high.negative
    assert bins >= 3 * len(incidents)
    assert close / bins >= 0.85, (close, bins)
    assert covered / bins >= 0.85, (covered, bins)


def test_the_first_and_last_day_differ_as_built_and_the_calibration_sees_it(incidents):
    gen = incidents[0]
    with Workspace.open(gen.path, read_only=True) as ws:
        days = [d for d in binned_figures(ws, gen.start, gen.end, 86400) if d.coverage.scored >= 100]
    first, last = days[0].calibrated.shares.negative, days[-1].calibrated.shares.negative
    assert last - first > 0.15  # the escalation, which VADER's raw share understates
    assert last - first > days[-1].raw.negative - days[0].raw.negative


def test_without_labels_nothing_says_calibrated(tmp_path):
    gen = si.build(tmp_path, 99, posts=600)
    with Workspace.open(gen.path) as ws:
        f = figures(ws)
        assert f.calibrated is None and f.not_calibrated == "no post is labelled yet"
        assert all(b.calibrated is None for b in binned_figures(ws, gen.start, gen.end, 3600))
        # too few labels: still nothing calibrated, and the reason says how many are needed
        si.label_sample(ws, gen, 60, 0)
        f = figures(ws)
        assert f.calibrated is None
        assert f.not_calibrated == "only 60 labelled posts in scope; correcting VADER needs at least 100"
        assert isinstance(calibrate(ws), cal.NotCalibrated)
        summary = label_summary(ws)
        assert summary.labelled == 60 and summary.agreement.n == 60
        assert summary.overall.calibrated is None


def test_labels_on_posts_out_of_scope_do_not_calibrate(tmp_path):
    gen = si.build(tmp_path, 7, posts=600)
    with Workspace.open(gen.path) as ws:
        german = sorted(gen.german)[:20]
        lb.set_labels(ws, [("twitter", pid, "negative") for pid in german], source="test")
        a = lb.agreement(ws)
        assert a.n == 0 and a.out_of_scope == len({_text(ws, pid) for pid in german})
        assert figures(ws).not_calibrated == "no post is labelled yet"


def _text(ws, post_id: str) -> str:
    return ws.con.execute("SELECT text FROM posts WHERE post_id = ?", [post_id]).fetchone()[0]
