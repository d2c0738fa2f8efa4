"""The window's sentiment: the calibrated line with its band and legend once the team has
labelled enough posts, the blind-spot tooltip, and the labelling dialog in local time."""

from __future__ import annotations

import numpy as np


def label_like_a_team(ws, n: int) -> int:
    """Label ``n`` posts of the labelling sample: VADER's class, except that every third post
    VADER calls positive is read as the sarcasm it is."""
    from app.core.sentiment import labels

    rows = []
    for i, p in enumerate(labels.sample_for_labelling(ws, n=n, seed=1)):
        cls = labels.vader_class(p.compound)
        if cls == "positive" and i % 3 == 0:
            cls = "negative"
        rows.append((p.platform, p.post_id, cls))
    return labels.set_labels(ws, rows, source="test")


def key_text(w) -> str:
    return w.timeline.p_sentiment.titleLabel.text


def test_without_labels_the_plot_claims_no_calibration_and_says_why(qtbot, window):
    w = window
    assert "Not calibrated (0 labels)" in key_text(w)
    assert w.timeline.p_sentiment.toolTip().startswith("Not calibrated: no post is labelled yet.")
    assert "Calibrated on" not in key_text(w)
    for curve in w.timeline.calibrated_curves.values():
        assert len(curve.getData()[0] or []) == 0
    tip = w.timeline.p_sentiment.toolTip()
    assert "Sarcasm and irony are VADER's blind spot" in tip and "No post is labelled yet" in tip
    # the coverage of the posts in view, in the tooltip and the status bar
    s = w.timeline.series
    assert f"({int(s.scored.sum()):,} of {int(s.total.sum()):,}): English only" in tip
    assert "(English only)" in w.status_posts.text() and "sentiment on" in w.status_posts.text()


def test_after_labelling_the_plot_shows_the_calibrated_shares_with_their_band(qtbot, window, wait_idle):
    w = window
    assert label_like_a_team(w.ws, 180) == 180
    w.session.bump("labels")  # what the labelling dialog does when it closes
    wait_idle(w)
    assert "Calibrated on 180 labels (band 95%)" in key_text(w)
    assert "for bins of 10 or more scored posts" in w.timeline.p_sentiment.toolTip()
    assert "Negative (VADER)" in key_text(w)
    calibrated = w.timeline.calibrated
    assert calibrated is not None and calibrated.labels == 180
    x, y = w.timeline.calibrated_curves["negative"].getData()
    s = w.timeline.series
    assert len(x) == len(s.t)
    shown = np.isfinite(y)
    assert shown.any() and (y[shown] <= 0).all()  # negative shares are drawn downwards
    assert not shown[s.scored < 10].any()
    # the band holds the line, bin by bin
    point, low, high = calibrated.share("negative")
    ok = np.isfinite(point) & (s.scored >= 10)  # few-post bins are left undrawn
    assert ((low[ok] <= point[ok] + 1e-9) & (point[ok] <= high[ok] + 1e-9)).all()
    band = w.timeline.calibrated_bands["negative"].opts
    assert len(band["x"]) == int(ok.sum())
    # sarcasm read as negative: the calibrated negative share exceeds VADER's over the incident
    scored = s.scored.astype(float)
    raw = np.nansum(s.neg_share * scored) / scored.sum()
    cal = np.nansum(np.where(ok, point, 0) * scored) / scored[ok].sum()
    assert cal > raw
    tip = w.timeline.p_sentiment.toolTip()
    assert "agrees with the team's labels on" in tip and "of 180 labelled posts" in tip


def test_the_labelling_dialog_shows_times_in_the_display_zone(qtbot, window, wait_idle):
    from app.core.metrics import to_unix
    from app.ui.labelling_dialog import LabellingDialog
    from app.ui.timeline.time_axis import format_time

    w = window
    assert w.ws.timezone == "America/New_York"
    dialog = LabellingDialog(w.runner, w.ws, w, sample_size=3)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: bool(dialog.posts), timeout=20000)
    first = dialog.posts[0]
    meta = dialog.meta.text()
    assert format_time(to_unix(first.created_at), "America/New_York") in meta
    assert "UTC" not in meta and ("EST" in meta or "EDT" in meta)
    dialog.label("negative")
    dialog.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: "negative" in dialog.summary.text(), timeout=20000)
    assert "Not corrected yet: only 1 labelled post in scope" in dialog.summary.text()
    dialog.close()
    wait_idle(w)
