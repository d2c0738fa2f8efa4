"""Recompute a Figure from its Source with SQL of the test's own, independent of
:mod:`app.core.metrics` and the rollups: counts straight from ``posts`` / ``posts_scored``,
bins in the display zone with Python's zoneinfo. Used to check that every figure the analysis
prints is true of the data and says exactly how it was measured (see
:data:`app.core.model.SOURCE_QUERIES`)."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from app.core.model import SOURCE_QUERIES, Figure, Source

_EPOCH = datetime(1970, 1, 1)


def _ts(seconds: float) -> datetime:
    return _EPOCH + timedelta(seconds=float(seconds))


def _where(src: Source) -> tuple[str, list]:
    clauses, params = ["created_at >= ?", "created_at < ?"], [_ts(src.get("start")), _ts(src.get("end"))]
    kinds = src.get("kinds")
    if kinds:
        clauses.append("list_contains(?, kind)")
        params.append(list(kinds))
    return " AND ".join(clauses), params


_CLASSES = {
    "negative": "compound <= -0.05",
    "positive": "compound >= 0.05",
    "neutral": "compound > -0.05 AND compound < 0.05",
}


def recompute(con, src: Source) -> float:
    """The value ``src`` says a figure has, measured afresh."""
    q = src.query
    assert q in SOURCE_QUERIES, q
    if q == "posts":
        where, params = _where(src)
        return float(con.execute(f"SELECT count(*) FROM posts WHERE {where}", params).fetchone()[0])
    if q == "scored":
        where, params = _where(src)
        sql = f"SELECT count(*) FROM posts_scored WHERE compound IS NOT NULL AND {where}"
        return float(con.execute(sql, params).fetchone()[0])
    if q == "sentiment_class":
        where, params = _where(src)
        cls = _CLASSES[src.get("label")]
        sql = f"SELECT count(*) FROM posts_scored WHERE compound IS NOT NULL AND {cls} AND {where}"
        return float(con.execute(sql, params).fetchone()[0])
    if q == "share" or q == "ratio":
        a = recompute(con, src.get("num") if q == "share" else src.get("a"))
        b = recompute(con, src.get("den") if q == "share" else src.get("b"))
        return a / b
    if q == "rate":
        return recompute(con, src.get("posts")) / float(src.get("hours"))
    if q == "difference":
        return recompute(con, src.get("a")) - recompute(con, src.get("b"))
    if q == "constant":
        return float(src.get("value"))
    if q == "median":
        return float(np.median([recompute(con, s) for s in src.get("of")]))
    if q == "expected":
        return recompute(con, src.get("rate")) * float(src.get("hours"))
    if q == "chance_of_none":
        return math.exp(-recompute(con, src.get("expected")))
    if q in ("first_post", "last_post"):
        agg = "min" if q == "first_post" else "max"
        return float(con.execute(f"SELECT epoch_us({agg}(created_at)) FROM posts").fetchone()[0]) / 1e6
    if q in ("bin_max", "bin_start", "bin_median"):
        return _bins(con, src)
    raise AssertionError(f"no recomputation for {q}")


def _bins(con, src: Source) -> float:
    zone = ZoneInfo(src.get("tz") or "UTC")
    width = int(src.get("bin_seconds"))
    start, end = float(src.get("start")), float(src.get("end"))
    times = [
        r[0] / 1e6
        for r in con.execute(
            "SELECT epoch_us(created_at) FROM posts WHERE created_at >= ? AND created_at < ?",
            [_ts(start), _ts(end)],
        ).fetchall()
    ]

    def bucket(t: float) -> int:
        local = datetime.fromtimestamp(t, zone).replace(tzinfo=None)
        return math.floor((local - _EPOCH).total_seconds() / width)

    def bucket_start(k: int) -> float:
        return (_EPOCH + timedelta(seconds=k * width)).replace(tzinfo=zone).timestamp()

    counts = Counter(bucket(t) for t in times)
    if src.query == "bin_median":
        ks = range(bucket(start), bucket(end) + 1)
        whole = [k for k in ks if bucket_start(k) >= start and bucket_start(k + 1) <= end]
        return float(np.median([counts.get(k, 0) for k in whole]))
    top = max(counts.values())
    if src.query == "bin_max":
        return float(top)
    return bucket_start(min(k for k, n in counts.items() if n == top))


def check(con, figure: Figure, what: str = "") -> None:
    """Assert that ``figure`` is what its Source recomputes to (unknown figures say why)."""
    assert figure.source is not None, f"{what}: a figure without a source"
    if figure.value is None:
        assert figure.unknown, what
        return
    expected = recompute(con, figure.source)
    if figure.unit == "count":
        assert round(float(figure.value), 9) == round(expected, 9), (
            what,
            figure.value,
            expected,
            figure.source,
        )
    else:
        assert math.isclose(float(figure.value), expected, rel_tol=1e-9, abs_tol=1e-6), (
            what,
            figure.value,
            expected,
            figure.source,
        )
