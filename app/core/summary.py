"""What the posts in view are made of, for the summary panels: the top hashtags, the accounts
that posted most and whose posts were shared most, the linked domains, the languages, and the
share of voice of the brand, the press and everyone else.

"In view" is a time range and a filter, the same as the plots'. Every list counts posts, so
that its figures add up with the timeline's; reach is exposure (followers summed over posts)
where the followers are known, and says how many posts it could not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from app.core import account_types
from app.core.metrics import PostFilter, to_timestamp
from app.core.store import summary_sql as q
from app.core.store.db import Connection
from app.core.store.workspace import Workspace

TOP = 15


@dataclass(frozen=True)
class Entry:
    """One line of a list: ``key`` is what a click filters on, ``label`` what is shown."""

    key: str
    label: str
    count: int
    #: for accounts whose posts were shared: how many of the shares were quotes
    quotes: int = 0


@dataclass(frozen=True)
class Voice:
    """The posts of one kind of account (``brand``, ``press``, ``others``)."""

    account_type: str
    posts: int
    share: float
    #: followers summed over the posts whose author's followers are known
    exposure: int
    #: posts whose author's followers are unknown (not counted in ``exposure``)
    unknown_reach: int


@dataclass(frozen=True)
class Summary:
    posts: int
    hashtags: list[Entry] = field(default_factory=list)
    accounts: list[Entry] = field(default_factory=list)
    shared: list[Entry] = field(default_factory=list)
    domains: list[Entry] = field(default_factory=list)
    languages: list[Entry] = field(default_factory=list)
    voice: list[Voice] = field(default_factory=list)


def summarise(
    ws: Workspace,
    start: float,
    end: float,
    flt: PostFilter | None = None,
    top: int = TOP,
    con: Connection | None = None,
) -> Summary:
    """The posts of [start, end) (Unix seconds, UTC) that pass ``flt``, summed up."""
    con = con or ws.cursor()
    flt = flt or PostFilter()
    brand = [h.lower() for h in ws.brand_handles]
    names, params = flt.sql(brand)
    press = sorted(account_types.press_handles())
    rows = con.execute(
        q.summary(names), [to_timestamp(start), to_timestamp(end), *params, brand, press, int(top)]
    ).fetchall()
    lists: dict[str, list[Entry]] = {"hashtag": [], "account": [], "shared": [], "domain": [], "lang": []}
    voice_rows: dict[str, tuple[int, int, int]] = {}
    total = 0
    for what, key, label, n, n2, n3 in rows:
        if what == "total":
            total = int(n)
        elif what == "voice":
            voice_rows[key] = (int(n), int(n2 or 0), int(n3 or 0))
        else:
            quotes = int(n2 or 0) if what == "shared" else 0
            lists[what].append(Entry(key, label, int(n), quotes))
    for entries in lists.values():
        entries.sort(key=lambda e: (-e.count, e.key))
    voice = []
    for t in account_types.ACCOUNT_TYPES:
        n, exposure, unknown = voice_rows.get(t, (0, 0, 0))
        voice.append(Voice(t, n, n / total if total else 0.0, exposure, unknown))
    return Summary(
        total, lists["hashtag"], lists["account"], lists["shared"], lists["domain"], lists["lang"], voice
    )


def filter_for(flt: PostFilter, what: str, entry_key: str, label: str = "") -> PostFilter:
    """``flt`` narrowed to one line of a list (what a click on it means)."""
    if what == "hashtag":
        return replace(flt, hashtag=entry_key)
    if what == "account":
        return replace(flt, author=label or entry_key, author_spread=False)
    if what == "shared":
        return replace(flt, author=label or entry_key, author_spread=True)
    if what == "domain":
        return replace(flt, domain=entry_key)
    if what == "lang":
        return replace(flt, lang=entry_key)
    if what == "voice":
        if entry_key == "brand":
            return replace(flt, brand="only", press="all")
        if entry_key == "press":
            return replace(flt, press="only", brand="all")
        return replace(flt, brand="exclude", press="exclude")
    raise ValueError(f"not a summary list: {what}")
