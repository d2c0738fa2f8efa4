"""Sentiment you can trust: VADER where it applies, human labels at scale, calibrated shares
with their uncertainty.

Modules:

* :mod:`.scoring`: VADER scores per distinct text, on all cores, resumable
  (:func:`score_missing`, :func:`score_texts`, :func:`missing_count`: stable entry points);
* :mod:`.scope`: which posts VADER may judge (English, or of a language no one can tell),
  the language detector for posts that came without a language;
* :mod:`.labels`: people's labels, the sample to label, agreement of VADER (and of a
  vendor's sentiment) with the labels;
* :mod:`.spreadsheet`: the labelling sample written to a CSV and the labelled CSV read back;
* :mod:`.calibration`: adjusted classify-and-count with a bootstrap interval (numpy only);
* :mod:`.figures`: the typed figures every reader of the sentiment renders.

The API for renderers (report, chronicle, turning points, window, command line)::

    from app.core.sentiment import figures, binned_figures, label_summary

    f = figures(ws)                          # SentimentFigures of the whole archive
    f = figures(ws, start, end, flt)         # ... of [start, end) (Unix s, UTC) under a PostFilter
    f.coverage.posts, f.coverage.scored      # ints
    f.coverage.not_scored                    # {"language": n, "no_text": n, "pending": n}
    f.coverage.undetermined                  # scored posts of undeterminable language
    f.coverage.languages                     # (("en", n), ("de", n), ("unknown", n)), most first
    f.raw                                    # ClassShares(negative, neutral, positive) | None
    f.calibrated                             # CalibratedShares | None
    f.calibrated.shares.negative             # the corrected share (0..1)
    f.calibrated.low.negative, .high.negative  # its 95% interval
    f.calibrated.labels                      # labelled texts behind it
    f.not_calibrated                         # why f.calibrated is None ("" otherwise)

    bins = binned_figures(ws, start, end, 3600, flt)   # [SentimentFigures], bins in the
                                                       # display zone; .start/.end per bin
    s = label_summary(ws)                    # LabelSummary: labelled texts, VADER's
                                             # Agreement (accuracy, kappa, confusion),
                                             # the vendor's (or None), the calibration

Shares are fractions of the scored posts. Posts in another language are "not scored:
language", counted in the coverage and never in a share.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.label_values import CLASSES
from app.core.sentiment.calibration import Calibration, NotCalibrated
from app.core.sentiment.figures import (
    NOT_SCORED_REASONS,
    CalibratedSeries,
    CalibratedShares,
    ClassShares,
    Coverage,
    LabelCheck,
    SentimentFigures,
    binned_figures,
    blind_spot,
    calibrate,
    calibrated_series,
    figures,
    figures_of,
    label_check,
)
from app.core.sentiment.labels import Agreement
from app.core.sentiment.scoring import missing_count, score_missing, score_texts
from app.core.store.db import Connection
from app.core.store.workspace import Workspace


@dataclass(frozen=True)
class LabelSummary:
    """The human check of the sentiment in one place."""

    #: labelled texts, in scope or not
    labelled: int
    #: VADER against the labels (over the labelled texts it scored)
    agreement: Agreement
    #: the vendor's sentiment against the labels; None when the archive has none
    vendor: Agreement | None
    calibration: Calibration | NotCalibrated
    #: the whole archive's figures (raw and, with enough labels, calibrated)
    overall: SentimentFigures


def label_summary(ws: Workspace, con: Connection | None = None) -> LabelSummary:
    from app.core.sentiment import labels as lb

    con = con or ws.cursor()
    texts = lb.labelled_texts(ws, con)
    return LabelSummary(
        labelled=texts.total,
        agreement=texts.vader(),
        vendor=texts.vendor(),
        calibration=calibrate(ws, con),
        overall=figures(ws, con=con),
    )


__all__ = [
    "CLASSES",
    "NOT_SCORED_REASONS",
    "Agreement",
    "CalibratedSeries",
    "CalibratedShares",
    "Calibration",
    "ClassShares",
    "Coverage",
    "LabelCheck",
    "LabelSummary",
    "NotCalibrated",
    "SentimentFigures",
    "binned_figures",
    "blind_spot",
    "calibrate",
    "calibrated_series",
    "figures",
    "figures_of",
    "label_check",
    "label_summary",
    "missing_count",
    "score_missing",
    "score_texts",
]
