"""Small data shapes shared across the core: what an import reports, and the facts of an
incident (figures with their provenance, findings, claims) that every renderer words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rejection:
    """Records of one kind that were not imported: why, how many, where (first positions) and,
    when one value was to blame, the first offending values as the file wrote them."""

    reason: str
    count: int
    lines: tuple[int, ...] = ()
    values: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "reason": self.reason,
            "count": self.count,
            "lines": list(self.lines),
            "values": list(self.values),
        }


@dataclass(frozen=True)
class Conflict:
    """A post id the file holds more than once with a different text or author: the last copy
    was kept, the others (at ``lines``) were counted as conflicts."""

    post_id: str
    lines: tuple[int, ...]

    def as_dict(self) -> dict:
        return {"post_id": self.post_id, "lines": list(self.lines)}


@dataclass(frozen=True)
class Question:
    """What the user must answer before a file can be imported: ``mapping`` (which column
    holds what: ``columns``), ``sheet`` (``options``: the workbook's sheets with tables),
    ``timezone`` or ``date_order`` (``example``: a value from the file)."""

    kind: str
    options: tuple[str, ...] = ()
    example: str = ""
    columns: tuple[str, ...] = ()


@dataclass
class FileReport:
    """What importing one file did. ``error`` is set (and nothing was added) if it failed.

    The counts add up: ``read = added + already_in_workspace + duplicates_in_file + conflicts
    + rejected``. Records that are not posts at all (a stream's deletion notices) are not
    ``read`` posts: they are counted apart in ``skipped``.
    """

    path: str
    format: str | None = None
    format_label: str | None = None
    import_id: int | None = None
    read: int = 0
    added: int = 0
    already_in_workspace: int = 0
    duplicates_in_file: int = 0
    conflicts: int = 0
    rejected: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    conflict_ids: list[Conflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the zone times without one were read in (None when the file gave every zone)
    timezone: str | None = None
    #: human sentiment labels the file carried (``--map COLUMN=human_label``), written or updated
    labels: int = 0
    #: how the file counts its records: "line" (JSON lines, CSV), "row" (a workbook) or "record"
    position: str = "line"
    error: str | None = None
    #: set with ``error`` when the file can be imported once the user answers a question
    needs: Question | None = None
    sha256: str | None = None
    #: the import that brought in the same file (by content) before, if any
    seen_before: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def counts_add_up(self) -> bool:
        return self.read == (
            self.added + self.already_in_workspace + self.duplicates_in_file + self.conflicts + self.rejected
        )

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "format": self.format,
            "format_label": self.format_label,
            "import_id": self.import_id,
            "read": self.read,
            "added": self.added,
            "already_in_workspace": self.already_in_workspace,
            "duplicates_in_file": self.duplicates_in_file,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "rejections": [r.as_dict() for r in self.rejections],
            "conflict_ids": [c.as_dict() for c in self.conflict_ids],
            "skipped": dict(self.skipped),
            "warnings": list(self.warnings),
            "timezone": self.timezone,
            "labels": self.labels,
            "position": self.position,
            "error": self.error,
            "needs": self.needs.kind if self.needs else None,
            "sha256": self.sha256,
            "seen_before": self.seen_before,
        }

    def summary(self) -> str:
        """A few lines a PR analyst can read."""
        if self.error:
            text = f"{self.path}: not imported: {self.error}"
            if self.read:
                text += f"\n    ({self.read:,} records read, {self.rejected:,} of them rejected)"
            return text + self._rejection_lines()
        parts = [f"{self.read:,} read", f"{self.added:,} added"]
        parts.append(f"{self.already_in_workspace:,} already in the workspace")
        if self.duplicates_in_file:
            parts.append(f"{self.duplicates_in_file:,} repeated in the file")
        if self.conflicts:
            parts.append(f"{self.conflicts:,} conflicting copies")
        parts.append(f"{self.rejected:,} rejected")
        text = f"{self.path} ({self.format_label}): " + ", ".join(parts)
        text += self._rejection_lines()
        for c in self.conflict_ids[:5]:
            text += (
                f"\n    conflict: post {c.post_id} appears with a different text or author at "
                f"{self.position} {', '.join(str(n) for n in c.lines[:5])} (the last copy was kept)"
            )
        for what, n in self.skipped.items():
            text += f"\n    skipped {n:,} {what} (not posts)"
        if self.labels:
            text += f"\n    {self.labels:,} sentiment labels from the file were kept"
        if self.timezone:
            text += f"\n    times without a zone were read as {self.timezone} time"
        for w in self.warnings:
            text += f"\n    warning: {w}"
        if self.seen_before and not self.added:
            text += f"\n    (this file was already imported as import #{self.seen_before})"
        return text

    def _rejection_lines(self) -> str:
        text = ""
        for r in self.rejections:
            if r.values:
                where = ", ".join(
                    f"{self.position} {n}: “{_short(v)}”" for n, v in zip(r.lines, r.values[:3], strict=False)
                )
            else:
                where = f"{self.position} " + ", ".join(str(n) for n in r.lines[:5])
            more = ", …" if r.count > min(len(r.lines), 3 if r.values else 5) else ""
            text += f"\n    rejected {r.count:,}: {r.reason} ({where}{more})"
        return text


def _short(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


# ---- facts ----------------------------------------------------------------------------------
#
# The analysis measures; the narrative words. Between them sit these shapes: a Figure is one
# number (or time) with what it counts, why it may be unknown, and where it came from (a
# Source precise enough for a test to recompute it with its own SQL). Renderers print
# figures through app.core.narrative.words and never recompute them.

#: the units a Figure may be in, and what its value holds
FIGURE_UNITS = {
    "count": "a whole number of ``noun`` (posts, accounts, followers, retweets)",
    "share": "a fraction 0..1 (printed as a percentage)",
    "rate": "``noun`` per hour",
    "seconds": "a duration in seconds",
    "time": "a moment, Unix seconds (UTC)",
    "ratio": "how many times one figure is another",
    "score": "a strength 0..1",
}


@dataclass(frozen=True, slots=True)
class Source:
    """Where a figure comes from: a named measurement and its parameters.

    ``query`` names what was measured (``posts``: posts in a time range with a filter;
    ``exposure``: followers summed over those posts; ``followers``: an account's highest
    follower count seen; ...: the catalogue is :data:`SOURCE_QUERIES`); ``params`` are its
    inputs as sorted (name, value) pairs, values plain (numbers, strings, tuples, or other
    Sources for derived figures such as a share or a rate)."""

    query: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, query: str, **params: Any) -> Source:
        # a list sorted in place: the names are unique, so only they are compared; plain
        # values are kept as they are, and the fields are set without the frozen __init__
        # (this runs 100k times in one analysis of a busy archive: 0.21 s -> 0.15 s)
        items = [(k, v if type(v) in _PLAIN else _frozen(v)) for k, v in params.items() if v is not None]
        items.sort()
        made = object.__new__(cls)
        object.__setattr__(made, "query", query)
        object.__setattr__(made, "params", tuple(items))
        return made

    def get(self, name: str, default: Any = None) -> Any:
        return next((v for k, v in self.params if k == name), default)

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, **{k: _plain(v) for k, v in self.params}}


#: Every Source.query the analysis may use, with its meaning (the claims audit test recomputes
#: each with its own SQL). Ranges are [start, end) in Unix seconds (the whole archive when
#: absent); ``kinds`` a tuple of post kinds (all when absent); ``brand`` "exclude" or "only"
#: (all when absent); handles (``author``, ``handle``, ``exclude``, ``handles``) lower case.
SOURCE_QUERIES = {
    "posts": "posts in [start, end) (kinds, brand, author, platform, post_ids optional)",
    "accounts": "distinct authors of the posts in [start, end)",
    "scored": "posts in [start, end) with a sentiment score (in the sentiment's scope)",
    "sentiment_class": "scored posts in [start, end) of VADER class ``label``",
    "share": "``num`` / ``den`` (two Sources)",
    "rate": "``posts`` (a Source) / ``hours``",
    "ratio": "``a`` / ``b`` (two Sources)",
    "difference": "``a`` - ``b`` (two Sources, e.g. two times)",
    "exposure": "followers summed over the posts in [start, end) that carry a count (the ``posts`` filters optional)",
    "followers_known": "posts in [start, end) that carry a follower count (the ``posts`` filters optional)",
    "unique_audience": "the highest follower counts of the accounts whose first post falls in [start, end)",
    "followers": "the highest follower count seen on the posts of account ``handle`` (any case) on ``platform``",
    "median_followers": "the median, over the accounts (platform, handle in any case) with a follower count, "
    "of each one's highest count seen",
    "shares_in_archive": "retweets and quotes in the archive of post ``post_id`` on ``platform`` (of every post "
    "when absent; within [start, end) if given; ``kinds`` optional), not by the post's author, not by the "
    "accounts in ``exclude`` (lower-case handles) and not of their posts",
    "shares_collected": "the post's retweets and quotes as counted when collected: the highest retweet_count "
    "seen on post ``post_id``'s own row and on the archive's retweets of it (a retweet carries its "
    "original's count), plus its own row's quote_count (retweet_count alone when ``kinds`` is (retweet,))",
    "collected_count": "column ``column`` (retweet_count, quote_count, reply_count, like_count) of post "
    "``post_id``'s own row, as counted when collected",
    "replies_in_archive": "replies in the archive to post ``post_id`` on ``platform``, not by its author",
    "shares_received": "retweets and quotes in [start, end) (the whole archive when absent) of posts by "
    "account ``handle`` on ``platform``, not by that account and not by the accounts in ``exclude``; with "
    "``distinct_posts``, how many of its posts they share",
    "share_exposure": "followers summed over the shares of ``shares_received`` (of ``handle``'s posts), or of "
    "``shares_in_archive`` (of post ``post_id``), that carry a count",
    "shares_received_collected": "``shares_collected`` summed over the posts by account ``handle`` on "
    "``platform`` of [start, end): posted then (retweets left out), or, for posts the archive does not hold, "
    "retweeted or quoted then (those with a count above 0); with ``distinct_posts``, how many such posts",
    "archive_retweets_of_counted": "retweets in the archive of the posts whose collected retweet count "
    "(see ``shares_collected``) is above 0",
    "collected_retweets": "the collected retweet counts (see ``shares_collected``) summed over every post",
    "repeated_text": "the most posts by account ``handle`` on ``platform`` (retweets left out) that share one "
    "text once normalised: the @mentions that open it and every http(s) link removed, then the spaces at "
    "either end (case kept; empty texts left out)",
    "max_in_window": "the most posts by account ``handle`` on ``platform`` within ``seconds`` of one of its "
    "posts (the window [t, t + seconds], both ends included, t the time of one of its posts)",
    "reply_delay": "the median, over the replies by account ``handle`` on ``platform`` whose post replied to "
    "is in the archive, of the seconds between the two; with ``count``, how many such replies",
    "reply_targets": "the distinct accounts (ref_author_handle, any case) that account ``handle``'s replies "
    "answer",
    "accounts_with_followers": "distinct accounts (platform, handle in any case) with a post that carries a "
    "follower count",
    "own_voice_accounts": "accounts (platform, handle in any case) with a post that is not a retweet",
    "term_accounts": "accounts (platform, handle in any case) with a post other than a retweet whose hashtags "
    "(``hashtag``) or mentions (``handle``) hold the term in any case",
    "link_posts": "posts whose urls hold ``url`` exactly",
    "link_accounts": "distinct accounts (platform, handle in any case) of the posts whose urls hold ``url``",
    "references": "posts of ``kinds`` whose ref_author_handle is one of ``handles`` (any case), not by those "
    "accounts; with ``first``, the earliest one's time",
    "referenced_posts": "the distinct posts (platform, ref_post_id) the ``references`` point to; with "
    "``missing``, those the archive does not hold",
    "mentions": "posts whose mentions hold one of ``handles`` (any case)",
    "id_time": "the time a Twitter post id ``post_id`` carries (snowflake: milliseconds since "
    "1288834974657 in its bits above the 22nd)",
    "finding_time": "the time of finding ``finding`` (its key), as its detector placed it: ``value``",
    "sum": "``a`` + ``b`` (two Sources)",
    "post_time": "when post ``post_id`` (on ``platform`` if given) was posted",
    "first_post": "the first post's time (kinds, brand, author, platform optional)",
    "last_post": "the last post's time",
    "bin_max": "the most posts in one bin of ``bin_seconds`` (display zone ``tz``) within [start, end): value; ``at``: its start",
    "bin_start": "the start of that busiest bin",
    "bin_median": "the median posts per bin of ``bin_seconds`` (display zone ``tz``) over the bins wholly within [start, end)",
    "constant": "a setting or a fixed number, not measured",
    "median": "the median of the values of ``of`` (a tuple of Sources)",
    "expected": "``rate`` (a Source, per hour) times ``hours``: what that rate would bring",
    "chance_of_none": "exp(-``expected``) (a Source): the Poisson chance of no post where that many were expected",
    "cut": "a moment the analysis chose (a phase's or the main wave's boundary, by the rule ``rule``): "
    "not a measurement; the figures of the ranges it bounds are",
}


@dataclass(frozen=True, slots=True)
class Figure:
    """One number a user may read. ``value`` is None when it is unknown, and ``unknown`` then
    says why in plain words ("this archive has no follower counts"). ``note`` qualifies it
    and must be printed with it ("as counted by Twitter when collected")."""

    value: int | float | None
    unit: str = "count"
    noun: str = ""
    unknown: str = ""
    source: Source | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.unit not in FIGURE_UNITS:
            raise ValueError(f"unknown figure unit {self.unit!r}")
        if self.value is None and not self.unknown:
            raise ValueError("an unknown figure says why it is unknown")

    @property
    def known(self) -> bool:
        return self.value is not None

    @classmethod
    def missing(
        cls, reason: str, unit: str = "count", noun: str = "", source: Source | None = None
    ) -> Figure:
        return cls(None, unit, noun, reason, source)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "unit": self.unit}
        if self.noun:
            out["noun"] = self.noun
        if self.value is None:
            out["unknown"] = self.unknown
        if self.note:
            out["note"] = self.note
        if self.source is not None:
            out["source"] = self.source.as_dict()
        return out


@dataclass(frozen=True, slots=True)
class PostRef:
    """A post, unique by platform and id."""

    platform: str
    post_id: str


@dataclass(frozen=True, slots=True)
class Finding:
    """Something the analysis found at a moment of the incident: a candidate turning point.

    ``kind`` is one of the detectors' kinds (volume_change, sentiment_shift, influencer_entry,
    amplification, press_pickup, brand_action, peak, early_warning, ...); ``figures`` are its
    numbers by name; ``detail`` its words-free particulars (direction, role, handle, a post's
    text, an outlet's name, a URL); ``flags`` the caveats a reader must be told
    (``collection_start``: it may be where the archive's collection began; ...). The
    narrative turns a Finding into a label and an explanation."""

    kind: str
    time: float
    end: float | None
    score: float
    subject: str
    figures: Mapping[str, Figure] = field(default_factory=dict, compare=False, hash=False)
    posts: tuple[PostRef, ...] = ()
    accounts: tuple[str, ...] = ()
    detail: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    flags: frozenset[str] = frozenset()
    #: how much it matters to a post-mortem, 0..1 (set by :func:`app.core.analysis.ranking.rank`
    #: from the score, the activity around it and its flags): the default order everywhere
    importance: float = field(default=0.0, compare=False)

    def key(self) -> str:
        """A stable id (kind, time and subject): how a dismissal is remembered."""
        return f"{self.kind}:{round(self.time)}:{self.subject}"


@dataclass(frozen=True)
class Span:
    """Where in a claim's text a figure, a time, a quotation or a name was printed."""

    start: int
    end: int
    what: str  # "figure", "time", "quote", "name", "constant"
    figure: Figure | None = None


@dataclass(frozen=True)
class Claim:
    """A sentence a user reads, with what it prints: every number in ``text`` lies inside a
    figure or time span, or inside a quotation or name (post text, handles). The claims audit
    test checks both halves: the numbers come from figures, and the figures are true."""

    text: str
    spans: tuple[Span, ...] = ()

    def __str__(self) -> str:
        return self.text

    @property
    def figures(self) -> list[Figure]:
        return [s.figure for s in self.spans if s.figure is not None]


# tuples, not ``list | set``: a union written in the call is built anew on every call, and
# Source.of runs hundreds of thousands of times in one analysis of a large archive
_SETS = (set, frozenset)
_SEQUENCES = (list, set, frozenset)


#: the values Source.of keeps as they are (what _frozen returns unchanged)
_PLAIN = frozenset({str, int, float, bool, tuple, Source})


def _frozen(v: Any) -> Any:
    if isinstance(v, _SEQUENCES):
        return tuple(sorted(v) if isinstance(v, _SETS) else v)
    if isinstance(v, dict):
        return tuple(sorted(v.items()))
    return v


def _plain(v: Any) -> Any:
    if isinstance(v, Source):
        return v.as_dict()
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    return v
