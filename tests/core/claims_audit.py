"""The claims audit: every figure a user reads, recomputed with SQL of the test's own.

A :class:`~app.core.model.Claim` knows where each figure, time, quotation, name and constant
landed in its text. The audit checks two things of every claim:

1. every digit of its text lies inside one of those spans (a number outside them was written
   by hand, not from a fact);
2. every figure span holds a figure whose value this module recomputes from its Source with
   its own SQL over ``posts``, ``sentiment`` and ``imports`` (never the app's queries, the
   rollups or the series), and the printed text is the one style's rendering of it.

Unknown figures must say why, and must print as "unknown" (never "0").
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from app.core.model import Claim, Figure, Source
from app.core.narrative import words
from tests.core import source_audit

_DIGIT = re.compile(r"\d")

#: the bounds of a bootstrap interval: random by construction, so not recomputed here (the
#: sentiment tests check that such intervals cover the truth)
BOOTSTRAP = ("calibrated_low", "calibrated_high")


def _ts(t: float) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=float(t))


class Recompute:
    """Recomputes Sources over a workspace's connection, with SQL written here."""

    def __init__(self, con: Any, brand: list[str], tz: str) -> None:
        self.con = con
        self.brand = [b.lower() for b in brand]
        self.zone = ZoneInfo(tz)

    def _where(self, s: Source) -> tuple[str, list]:
        parts, params = ["TRUE"], []
        if s.get("start") is not None:
            parts.append("p.created_at >= ?")
            params.append(_ts(s.get("start")))
        if s.get("end") is not None:
            parts.append("p.created_at < ?")
            params.append(_ts(s.get("end")))
        if s.get("kinds"):
            parts.append("p.kind IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(s.get("kinds")))
        if s.get("brand") == "only":
            parts.append("lower(p.author_handle) IN (SELECT unnest(?::VARCHAR[]))")
            params.append(self.brand or ["\x00"])
        elif s.get("brand") == "exclude":
            parts.append(
                "(p.author_handle IS NULL OR lower(p.author_handle) NOT IN (SELECT unnest(?::VARCHAR[])))"
            )
            params.append(self.brand or ["\x00"])
        if s.get("author"):
            parts.append("lower(p.author_handle) = ?")
            params.append(str(s.get("author")).lower().lstrip("@"))
        return " AND ".join(parts), params

    def value(self, s: Source) -> float | None:
        q = s.query
        fn = getattr(self, "q_" + q, None)
        if fn is None:
            if q in source_audit.QUERIES:
                return self._posts_audit(s)
            raise AssertionError(f"the audit cannot recompute a {q!r} figure")
        return fn(s)

    def _posts_audit(self, s: Source) -> float | None:
        """The post- and account-based queries (shares, followers by the one rule, automated
        accounts, press, the brand's traces), recomputed by :mod:`tests.core.source_audit`
        from the posts read whole."""
        if getattr(self, "_posts", None) is None:
            self._posts = source_audit.Posts(self.con)
        return source_audit.recompute(self.con, s, self._posts)

    def _one(self, sql: str, params: list) -> Any:
        return self.con.execute(sql, params).fetchone()[0]

    def q_posts(self, s: Source) -> float:
        w, p = self._where(s)
        return self._one(f"SELECT count(*) FROM posts p WHERE {w}", p)

    def q_accounts(self, s: Source) -> float:
        w, p = self._where(s)
        return self._one(
            f"SELECT count(DISTINCT (p.platform, lower(p.author_handle))) FROM posts p WHERE {w} AND p.author_handle IS NOT NULL",
            p,
        )

    # Sentiment counts only the posts in the sentiment's scope (English, or of a language no
    # one can tell): the workspace's documented view ``posts_scored`` scores those only.
    def q_scored(self, s: Source) -> float:
        w, p = self._where(s)
        return self._one(f"SELECT count(*) FROM posts_scored p WHERE {w} AND p.compound IS NOT NULL", p)

    def q_sentiment_class(self, s: Source) -> float:
        w, p = self._where(s)
        cond = {"negative": "p.compound <= -0.05", "positive": "p.compound >= 0.05"}.get(
            s.get("label"), "p.compound > -0.05 AND p.compound < 0.05"
        )
        return self._one(f"SELECT count(*) FROM posts_scored p WHERE {w} AND {cond}", p)

    def q_exposure(self, s: Source) -> float:
        w, p = self._where(s)
        return self._one(f"SELECT coalesce(sum(p.author_followers), 0) FROM posts p WHERE {w}", p)

    def q_followers_known(self, s: Source) -> float:
        w, p = self._where(s)
        return self._one(f"SELECT count(p.author_followers) FROM posts p WHERE {w}", p)

    def q_unique_audience(self, s: Source) -> float:
        # accounts whose first post falls in the range, each with its highest count seen
        return self._one(
            """
            WITH acc AS (
                SELECT platform, lower(author_handle) AS h, min(created_at) AS first_at, max(author_followers) AS f
                FROM posts WHERE author_handle IS NOT NULL GROUP BY ALL
            )
            SELECT coalesce(sum(f), 0) FROM acc WHERE first_at >= ? AND first_at < ?
            """,
            [_ts(s.get("start")), _ts(s.get("end"))],
        )

    def q_followers(self, s: Source) -> float | None:
        # its own posts' highest count; an account with none in the archive: the highest
        # count the posts sharing its posts carry of it
        handle = str(s.get("handle")).lower().lstrip("@")
        return self._one(
            """
            SELECT CASE WHEN count(*) FILTER (WHERE lower(author_handle) = $1) > 0
                        THEN max(author_followers) FILTER (WHERE lower(author_handle) = $1)
                        ELSE max(ref_author_followers) FILTER (WHERE lower(ref_author_handle) = $1) END
            FROM posts
            """,
            [handle],
        )

    def q_post_time(self, s: Source) -> float:
        t = self._one(
            "SELECT created_at FROM posts WHERE post_id = ? AND platform = coalesce(?, platform)",
            [str(s.get("post_id")), s.get("platform")],
        )
        return t.replace(tzinfo=timezone.utc).timestamp()

    def q_first_post(self, s: Source) -> float:
        w, p = self._where(s)
        return (
            self._one(f"SELECT min(p.created_at) FROM posts p WHERE {w}", p)
            .replace(tzinfo=timezone.utc)
            .timestamp()
        )

    def q_last_post(self, s: Source) -> float:
        w, p = self._where(s)
        return (
            self._one(f"SELECT max(p.created_at) FROM posts p WHERE {w}", p)
            .replace(tzinfo=timezone.utc)
            .timestamp()
        )

    def _pieces(self, s: Source) -> list[tuple[float, int, bool]]:
        """(piece start, posts, whether it is a whole bin) for each display-zone bin of
        ``bin_seconds`` (an hour when absent) overlapping [start, end), cut to it. Bins fall
        where the local wall clock is a multiple of the width counted from local 1970-01-01
        (6-hour bins start at 00:00, 06:00, ... local), as the app's series do."""
        a, b = float(s.get("start")), float(s.get("end"))
        zone = ZoneInfo(s.get("tz") or self.zone.key)
        width = int(s.get("bin_seconds") or 3600)
        epoch = datetime(1970, 1, 1)

        def local_bin(t: float) -> int:
            local = datetime.fromtimestamp(t, zone).replace(tzinfo=None)
            return math.floor((local - epoch).total_seconds() / width)

        def start_of(k: int) -> float:
            return (epoch + timedelta(seconds=k * width)).replace(tzinfo=zone).timestamp()

        k = local_bin(a)
        out = []
        while start_of(k) < b:
            lo, hi = max(start_of(k), a), min(start_of(k + 1), b)
            n = self._one(
                "SELECT count(*) FROM posts WHERE created_at >= ? AND created_at < ?", [_ts(lo), _ts(hi)]
            )
            out.append((lo, n, lo == start_of(k) and hi == start_of(k + 1)))
            k += 1
        return out

    def _hour_pieces(self, s: Source) -> list[tuple[float, int]]:
        return [(t, n) for t, n, _ in self._pieces(s)]

    def q_bin_max(self, s: Source) -> float:
        return max(n for _, n in self._hour_pieces(s))

    def q_bin_start(self, s: Source) -> float:
        pieces = self._hour_pieces(s)
        top = max(n for _, n in pieces)
        return next(t for t, n in pieces if n == top)

    def q_bin_median(self, s: Source) -> float:
        return float(np.median([n for _, n, whole in self._pieces(s) if whole]))

    def q_median(self, s: Source) -> float:
        return float(np.median([self._operand(x) for x in s.get("of")]))

    def q_expected(self, s: Source) -> float:
        return self._operand(s.get("rate")) * float(s.get("hours"))

    def q_chance_of_none(self, s: Source) -> float:
        return math.exp(-self._operand(s.get("expected")))

    def q_share(self, s: Source) -> float | None:
        num, den = self.value(s.get("num")), self.value(s.get("den"))
        return None if not den else num / den

    def q_rate(self, s: Source) -> float:
        n = self.value(s.get("posts"))
        hours = float(s.get("hours"))
        return n / hours if hours else n

    def q_ratio(self, s: Source) -> float | None:
        a, b = self._operand(s.get("a")), self._operand(s.get("b"))
        return None if not b else a / b

    def q_difference(self, s: Source) -> float:
        return self._operand(s.get("a")) - self._operand(s.get("b"))

    def _operand(self, x: Any) -> float:
        return float(self.value(x)) if isinstance(x, Source) else float(x)

    def q_not_scored(self, s: Source) -> float:
        w, p = self._where(s)
        return self._one(
            f"SELECT count(*) FROM posts_scored p WHERE {w} AND p.not_scored = ?", [*p, s.get("reason")]
        )

    def q_undetermined_language(self, s: Source) -> float:
        w, p = self._where(s)
        return self._one(
            f"SELECT count(*) FROM posts_scored p WHERE {w} AND p.compound IS NOT NULL "
            "AND p.language_source = 'undetermined'",
            p,
        )

    # The team's labels judge texts: one row per labelled text in the sentiment's scope.
    _LABELLED = """
        SELECT text_key, any_value(human_label) AS human,
               CASE WHEN any_value(compound) <= -0.05 THEN 'negative'
                    WHEN any_value(compound) >= 0.05 THEN 'positive' ELSE 'neutral' END AS vader
        FROM posts_labelled WHERE human_label IS NOT NULL AND compound IS NOT NULL GROUP BY text_key
    """

    def q_labels(self, s: Source) -> float:
        return self._one(f"SELECT count(*) FROM ({self._LABELLED})", [])

    def q_agreement(self, s: Source) -> float | None:
        return self._one(f"SELECT avg((human = vader)::INT) FROM ({self._LABELLED})", [])

    def q_calibrated(self, s: Source) -> float | None:
        """Adjusted classify-and-count, written again here: VADER's error rates on the labelled
        texts weighted back to the archive's texts per VADER class, inverted against the range's
        raw VADER shares, clipped and renormalised."""
        import numpy as np

        classes = ["negative", "neutral", "positive"]
        counts = np.zeros((3, 3))
        for human, vader, n in self.con.execute(
            f"SELECT human, vader, count(*) FROM ({self._LABELLED}) GROUP BY ALL"
        ).fetchall():
            counts[classes.index(human), classes.index(vader)] = n
        population = np.zeros(3)
        for cls, n in self.con.execute(
            """
            SELECT CASE WHEN compound <= -0.05 THEN 'negative' WHEN compound >= 0.05 THEN 'positive'
                        ELSE 'neutral' END, count(DISTINCT text_key)
            FROM posts_scored WHERE compound IS NOT NULL GROUP BY 1
            """
        ).fetchall():
            population[classes.index(cls)] = n
        weights = np.where(counts.sum(axis=0) > 0, population / np.maximum(counts.sum(axis=0), 1), 0.0)
        joint = counts * weights[None, :]
        rates = (joint / joint.sum(axis=1, keepdims=True)).T
        w, p = self._where(s)
        raw = np.zeros(3)
        for cls, n in self.con.execute(
            f"""
            SELECT CASE WHEN p.compound <= -0.05 THEN 'negative' WHEN p.compound >= 0.05 THEN 'positive'
                        ELSE 'neutral' END, count(*)
            FROM posts_scored p WHERE {w} AND p.compound IS NOT NULL GROUP BY 1
            """,
            p,
        ).fetchall():
            raw[classes.index(cls)] = n
        shares = np.clip((raw / raw.sum()) @ np.linalg.inv(rates).T, 0, None)
        shares = shares / shares.sum()
        return float(shares[classes.index(s.get("label") or "negative")])

    def q_import(self, s: Source) -> float:
        column = str(s.get("column"))
        assert re.fullmatch(r"[a-z_]+", column)
        return self._one(
            f"SELECT coalesce({column}, 0) FROM imports WHERE import_id = ?", [s.get("import_id")]
        )

    def q_constant(self, s: Source) -> float | None:
        # a setting or a time the analysis placed: its value, when it carries one (a
        # duration between two placed times is their difference)
        v = s.get("value")
        return None if v is None else float(v)


def _close(a: float, b: float, unit: str) -> bool:
    if unit in ("count",):
        return round(a) == round(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def audit_claims(claims: list[Claim], r: Recompute) -> list[str]:
    """What is wrong with ``claims`` (nothing, for a true report)."""
    problems: list[str] = []
    for c in claims:
        text = c.text
        covered = [False] * len(text)
        for sp in c.spans:
            for i in range(sp.start, min(sp.end, len(text))):
                covered[i] = True
        stray = [m.start() for m in _DIGIT.finditer(text) if not covered[m.start()]]
        if stray:
            at = stray[0]
            problems.append(f"a number written by hand in “{text}” at “{text[max(0, at - 20) : at + 20]}”")
        for sp in c.spans:
            f = sp.figure
            if f is None or sp.what not in ("figure", "time"):
                continue
            problems += _check_figure(f, text[sp.start : sp.end], text, r)
    return problems


def _check_figure(f: Figure, printed: str, text: str, r: Recompute) -> list[str]:
    if f.value is None:
        if not f.unknown:
            return [f"an unknown figure with no reason in “{text}”"]
        if printed != words.UNKNOWN and _DIGIT.search(printed):
            return [f"an unknown figure printed as a number in “{text}”"]
        return []
    # a bare rate is per hour, or per day beside another below one an hour (words.rate_unit)
    bare_rates = (words.rate(f.value), words.rate_in(f.value, "day")) if f.unit == "rate" else ()
    if f.unit != "time" and printed not in (words.figure(f), words.big(f.value), *bare_rates):
        return [f"“{printed}” is not how {f} reads, in “{text}”"]
    if f.source is None:
        return [f"a figure without a source in “{text}”: {printed}"]
    if f.source.query in ("constant", "cut", *BOOTSTRAP):
        return []
    truth = r.value(f.source)
    if truth is None:
        return [f"“{printed}” in “{text}” has no value by its source ({f.source.as_dict()})"]
    if not _close(float(f.value), float(truth), f.unit):
        return [f"“{printed}” in “{text}”: the data say {truth} ({f.source.as_dict()})"]
    return []
