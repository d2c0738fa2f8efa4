"""What every detector reads, fetched once per run: the workspace, its span, the brand's
handles, the display time zone, and the incident's series at the analysis bin."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core import metrics, rollup
from app.core.analysis.settings import Settings
from app.core.early_warning import analysis_bin
from app.core.store import brand_sql
from app.core.store.workspace import Workspace

#: kinds of post that are a voice of their own (a retweet repeats another's)
RETWEETLESS = frozenset({"post", "reply", "quote"})


@dataclass
class Context:
    """The inputs of one run of the detectors. ``con`` is a cursor of the workspace (pass
    ``ws.cursor()`` from a worker thread); ``start``/``last`` the first and last post's times
    (Unix seconds, UTC); ``bin`` the analysis bin in seconds; ``series`` every post binned at
    it over the whole archive."""

    ws: Workspace
    con: Any
    settings: Settings
    start: float
    last: float
    brand: list[str]
    zone: ZoneInfo
    bin: int
    series: metrics.Series
    _retweetless: metrics.Series | None = field(default=None, repr=False)
    #: what one detector measured that others reuse in the same run, by name (the coverage,
    #: the series at other bins, the automated accounts, the press list, the incident's terms)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, ws: Workspace, con: Any, settings: Settings) -> Context | None:
        """The context of ``ws``, or None when it holds no posts."""
        span = metrics.incident_span(ws, con)
        if span is None:
            return None
        start, last = span
        st = rollup.state(ws, con)
        width = int(settings.bin_seconds or analysis_bin(last - start, settings.max_bins))
        return cls(
            ws=ws,
            con=con,
            settings=settings,
            start=start,
            last=last,
            brand=list(st.stamp["brand"]),
            zone=zone_of(st.timezone),
            bin=width,
            series=metrics.binned_series(ws, start, last + 1, width, con=con),
        )

    @property
    def tz(self) -> str:
        return self.zone.key

    def rollups_usable(self) -> bool:
        """Whether the rollup tables describe the posts as they are (a read-only workspace's
        may be stale or missing)."""
        return rollup.ensure(self.ws, con=self.con, scores_lag_factor=metrics.SCORES_LAG_FACTOR) is not None

    @property
    def rolled(self) -> bool:
        """Whether the queries of this run may read the rollup tables (asked once per run;
        the tables they read hold no scores, so rollups behind on scores only serve)."""
        if "rollups" not in self.memo:
            self.memo["rollups"] = self.rollups_usable()
        return bool(self.memo["rollups"])

    @property
    def retweetless(self) -> metrics.Series:
        """The series without retweets (a cascade repeats one voice)."""
        if self._retweetless is None:
            self._retweetless = metrics.binned_series(
                self.ws,
                self.start,
                self.last + 1,
                self.bin,
                metrics.PostFilter(kinds=RETWEETLESS),
                con=self.con,
            )
        return self._retweetless

    def brand_posts(self) -> list[brand_sql.BrandPost]:
        """Every post by the brand's accounts, in time order (kept for the run: the brand
        response, its visibility and the phases all read them)."""
        if "brand_posts" not in self.memo:
            self.memo["brand_posts"] = (
                brand_sql.brand_posts(self.con, self.brand, rollups=self.rolled) if self.brand else []
            )
        return self.memo["brand_posts"]

    def series_at(self, bin_seconds: int, flt: metrics.PostFilter | None = None) -> metrics.Series:
        """The whole archive binned at another width (answered from the rollups; kept for
        the run when unfiltered)."""
        if flt is not None and not flt.is_empty():
            return metrics.binned_series(
                self.ws, self.start, self.last + 1, int(bin_seconds), flt, con=self.con
            )
        key = f"series:{int(bin_seconds)}"
        if key not in self.memo:
            self.memo[key] = metrics.binned_series(
                self.ws, self.start, self.last + 1, int(bin_seconds), metrics.PostFilter(), con=self.con
            )
        return self.memo[key]


def zone_of(name: str | None) -> ZoneInfo:
    """The display zone; UTC when the setting is missing or damaged (the analysis must not
    stop on a bad setting)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
