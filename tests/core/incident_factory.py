"""Generated incidents with known turning points, for the turning-point and early-warning tests.

Each shape is a small archive (a few thousand posts) of Twitter API v1.1 lines, written to a
file and imported into a real workspace with the real importer, then scored with the real
VADER scorer, exactly as a user's archive would be. The generator is deterministic (a seed)
and plants events at known times: escalations of different shapes, a second wave, influential
accounts entering, a post retweeted hundreds of times within the hour, press accounts and
links to news sites, the brand's own posts. ``Incident.planted`` says when each happened.

Background chatter follows a daily rhythm (posts at night about a sixth of the afternoon's)
and is quieter at weekends, so a detector that mistakes mornings for escalations fails the
calm archive.

Texts come from small pools of clearly negative, positive and neutral sentences
(:data:`NEGATIVE`, :data:`POSITIVE`, :data:`NEUTRAL`), varied with neutral openers and
tags; :func:`check_texts` confirms that VADER reads every variant as intended.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from app.core.ingest import import_paths
from app.core.sentiment import score_missing
from app.core.store.workspace import Workspace

HOUR = 3600
DAY = 86400
_TWITTER_EPOCH_MS = 1288834974657

NEGATIVE = (
    "This is a disgrace, terrible and awful service",
    "I hate this company, they are liars and thieves",
    "Horrible, angry and furious about this scandal",
    "What a shameful, pathetic mess. Worst bank ever",
    "Disgusting behaviour, I am so angry and upset",
    "Terrible news, this is a total failure and a fraud",
    "Awful. They ruined my week and I am upset",
    "Fed up with the lies, this is a horrible disaster",
)
POSITIVE = (
    "Thanks, great help and lovely people, happy with it",
    "Love the new app, wonderful and excellent",
    "Good news, really happy with the service today",
    "Great team, thank you for the amazing support",
    "Brilliant idea, I love it and I am glad",
    "Nice work everyone, a fantastic and fun day",
)
NEUTRAL = (
    "The branch opens at nine on Monday",
    "Meeting notes from the quarterly call are posted",
    "Checking the statement for the month",
    "The report is on page four of the document",
    "Train to the city leaves at seven",
    "New office address is on the website",
    "The bus goes to the station on the hour",
    "Schedule for the week is in the calendar",
)
_OPENERS = ("", "Update:", "So", "Today:", "Also", "Note:")
_TAGS = ("AcmeBank", "acme", "banking", "news", "money", "city")


def texts(pool: tuple[str, ...]) -> list[str]:
    """Every variant the generator may write from a pool."""
    return [
        _text(pool, i, j, k)
        for i in range(len(pool))
        for j in range(len(_OPENERS))
        for k in range(len(_TAGS))
    ]


def _text(pool: tuple[str, ...], i: int, j: int, k: int) -> str:
    opener = _OPENERS[j]
    return f"{opener + ' ' if opener else ''}{pool[i]} #{_TAGS[k]}"


def check_texts() -> dict[str, tuple[float, float]]:
    """VADER's compound range over each pool's variants: negative pools must stay at or below
    -0.05, positive at or above 0.05, neutral strictly between."""
    from app.core.sentiment import score_texts

    out = {}
    for name, pool in (("negative", NEGATIVE), ("positive", POSITIVE), ("neutral", NEUTRAL)):
        scores = [s[0] for s in score_texts(texts(pool))]
        out[name] = (min(scores), max(scores))
    return out


# ---- what a generated incident is -----------------------------------------------------------


@dataclass
class Incident:
    """A built workspace and what was planted in it (times as Unix seconds, UTC)."""

    name: str
    path: Path
    timezone: str
    brand: list[str]
    planted: dict[str, float] = field(default_factory=dict)
    facts: dict = field(default_factory=dict)
    posts: int = 0

    def open(self, read_only: bool = False) -> Workspace:
        return Workspace.open(self.path, read_only=read_only)


class Builder:
    """Writes the statuses of one incident. Times are Unix seconds (UTC)."""

    def __init__(self, seed: int, start: float, days: float, accounts: int = 2500) -> None:
        self.rng = np.random.default_rng(seed)
        self.start, self.end = float(start), float(start) + days * DAY
        self.statuses: list[dict] = []
        self._seq = 0
        # followers: log-normal around a median of 300, capped well below the influencer
        # threshold so that the only "big" accounts are the planted ones
        followers = np.minimum(np.exp(self.rng.normal(math.log(300), 1.1, accounts)), 9000).astype(int)
        self.pool = [(f"user{i:05d}", int(f)) for i, f in enumerate(followers)]
        # who posts is skewed: a few accounts post a lot
        w = 1.0 / np.arange(1, accounts + 1) ** 0.6
        self.weights = w / w.sum()
        self.originals: list[dict] = []

    # ---- single statuses ---------------------------------------------------------------------
    def _id(self, t: float) -> str:
        self._seq += 1
        ms = round(t * 1000)
        return str(((ms - _TWITTER_EPOCH_MS) << 22) + (self._seq % (1 << 22)))

    def status(
        self,
        t: float,
        handle: str,
        followers: int | None,
        text: str,
        *,
        urls: tuple[str, ...] = (),
        reply_to: dict | None = None,
        retweet_of: dict | None = None,
        quote_of: dict | None = None,
    ) -> dict:
        user = {
            "id_str": str(zlib.crc32(handle.lower().encode())),
            "screen_name": handle,
            "name": handle.replace("_", " ").title(),
        }
        if followers is not None:
            user["followers_count"] = int(followers)
        s = {
            "created_at": datetime.fromtimestamp(t, timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "id_str": self._id(t),
            "text": text,
            "user": user,
            "lang": "en",
            "entities": {
                "hashtags": [],
                "user_mentions": [],
                "urls": [{"url": f"https://t.co/x{len(self.statuses)}", "expanded_url": u} for u in urls],
            },
        }
        if retweet_of is not None:
            s["text"] = f"RT @{retweet_of['user']['screen_name']}: {retweet_of['text']}"[:140]
            s["retweeted_status"] = retweet_of
        if reply_to is not None:
            s["in_reply_to_status_id_str"] = reply_to["id_str"]
            s["in_reply_to_screen_name"] = reply_to["user"]["screen_name"]
        if quote_of is not None:
            s["quoted_status_id_str"] = quote_of["id_str"]
            s["quoted_status"] = quote_of
        s["_t"] = t
        self.statuses.append(s)
        return s

    def someone(self) -> tuple[str, int]:
        return self.pool[int(self.rng.choice(len(self.pool), p=self.weights))]

    def retweets(self, original: dict, times: np.ndarray) -> None:
        for t in np.sort(times):
            handle, followers = self.someone()
            self.status(float(t), handle, followers, "", retweet_of=_embedded(original))

    # ---- chatter -----------------------------------------------------------------------------
    def chatter(
        self,
        t0: float,
        t1: float,
        rate: Callable[[np.ndarray], np.ndarray],
        negative: Callable[[np.ndarray], np.ndarray],
        positive: float = 0.25,
        retweet_share: float = 0.25,
        reply_share: float = 0.1,
        tz_offset_h: float = 0.0,
    ) -> int:
        """Posts between t0 and t1 at ``rate(t)`` posts an hour (a Poisson process evaluated on
        five-minute slots), with ``negative(t)`` of the originals negative. Retweets copy a
        recent original (so they share its sentiment); replies answer one."""
        slot = 300.0
        starts = np.arange(t0, t1, slot)
        lam = np.maximum(rate(starts + slot / 2), 0) * slot / HOUR
        counts = self.rng.poisson(lam)
        made = 0
        for s0, c in zip(starts, counts, strict=False):
            if not c:
                continue
            for at in np.sort(s0 + self.rng.uniform(0, slot, c)):
                t = float(at)
                u = self.rng.uniform()
                recent = [o for o in self.originals[-200:] if 0 < t - o["_t"] < 3 * HOUR]

                if u < retweet_share and recent:
                    handle, followers = self.someone()
                    self.status(t, handle, followers, "", retweet_of=_embedded(self._pick(recent)))
                else:
                    p_neg = float(negative(np.array([t]))[0])
                    v = self.rng.uniform()
                    pool = NEGATIVE if v < p_neg else POSITIVE if v < p_neg + positive else NEUTRAL
                    text = _text(
                        pool,
                        int(self.rng.integers(len(pool))),
                        int(self.rng.integers(len(_OPENERS))),
                        int(self.rng.integers(len(_TAGS))),
                    )
                    handle, followers = self.someone()
                    if u < retweet_share + reply_share and recent:
                        self.status(t, handle, followers, text, reply_to=self._pick(recent))
                    else:
                        self.originals.append(self.status(t, handle, followers, text))
                made += 1
        return made

    def _pick(self, items: list[dict]) -> dict:
        return items[int(self.rng.integers(len(items)))]

    # ---- planted events ------------------------------------------------------------------------
    def viral(
        self,
        t: float,
        handle: str,
        followers: int,
        text: str,
        shares: int,
        within: float = HOUR,
        urls: tuple[str, ...] = (),
    ) -> dict:
        """A post at ``t`` retweeted ``shares`` times, most of them within ``within`` seconds."""
        original = self.status(t, handle, followers, text, urls=urls)
        self.originals.append(original)
        delays = self.rng.exponential(within / 3, shares)
        self.retweets(original, t + 5 + np.minimum(delays, within - 10))
        return original

    def build(self, path: Path, name: str, tz: str, brand: list[str]) -> int:
        """Write the archive next to ``path`` and import it into a new workspace there."""
        lines = []
        for s in sorted(self.statuses, key=lambda s: (s["_t"], s["id_str"])):
            status = {k: v for k, v in s.items() if k != "_t"}
            lines.append(json.dumps(status, ensure_ascii=False))
        archive = path.with_suffix(".jsonl")
        archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with Workspace.open(path, create=True) as ws:
            (report,) = import_paths(ws, [archive])
            assert report.ok, report.error
            ws.configure(name=name, timezone=tz, brand_handles=brand)
            score_missing(ws, workers=1)
        return len(lines)


def _embedded(s: dict) -> dict:
    return {k: v for k, v in s.items() if k not in ("_t", "retweeted_status")}


# ---- rhythms --------------------------------------------------------------------------------


def diurnal(
    offset_hours: float = 0.0, peak_hour: float = 15.0, amplitude: float = 0.9, weekend: float = 0.7
) -> Callable[[np.ndarray], np.ndarray]:
    """A daily rhythm with its maximum (1.0) at ``peak_hour`` local time and its minimum
    e^(-2 amplitude) twelve hours away (0.9: night at a sixth of the afternoon), times
    ``weekend`` on Saturdays and Sundays. ``offset_hours`` is local time minus UTC."""

    def f(t: np.ndarray) -> np.ndarray:
        local = np.asarray(t, dtype=np.float64) + offset_hours * HOUR
        hour = (local % DAY) / HOUR
        weekday = ((local // DAY).astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        w = np.where(weekday >= 5, weekend, 1.0)
        return w * np.exp(amplitude * (np.cos(2 * np.pi * (hour - peak_hour) / 24) - 1))

    return f


def _const(x: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda t: np.full(np.shape(t), x, dtype=np.float64)


# ---- the shapes -----------------------------------------------------------------------------

# Mon 2021-10-04 00:00 UTC
MONDAY = datetime(2021, 10, 4, tzinfo=timezone.utc).timestamp()
NEW_YORK = -4.0  # EDT, all of October 2021


def fast_escalation(folder: Path, seed: int = 1) -> Incident:
    """Four days in New York time. Quiet chatter (about 12 posts an hour in the afternoon,
    8% negative) until Wednesday 16:00 local, when posts jump twenty-fold within minutes and
    turn mostly negative, then decay over the night. Planted: the escalation; a post by an
    ordinary account retweeted 300 times within the hour (40 min in); a 500,000-follower
    account entering (1 h 10 min in); a link to a news site's subdomain (1 h 30 min in) and a
    press account's post (2 h in); an old news article linked the day before (not coverage);
    the brand's daily posts and its answer 5 h 30 min in."""
    start = MONDAY - NEW_YORK * HOUR  # Monday 00:00 local
    b = Builder(seed, start, 4)
    esc = start + 2 * DAY + 16 * HOUR
    rhythm = diurnal(NEW_YORK)
    base = 12.0

    def rate(t):
        since = np.maximum(t - esc, 0)
        # the jump takes a few minutes, then the storm decays over the night
        surge = np.where(t >= esc, 240.0 * np.exp(-since / (8 * HOUR)) * (1 - np.exp(-since / 300)), 0.0)
        return base * rhythm(t) + surge

    def negative(t):
        surge = np.where(t >= esc, 240.0 * np.exp(-np.maximum(t - esc, 0) / (8 * HOUR)), 0.0)
        calm = base * rhythm(t)
        return (0.08 * calm + 0.6 * surge) / (calm + surge)

    b.chatter(b.start, b.end, rate, negative)
    brand = "acmebank"
    planted = {"escalation": esc}
    for day in range(4):
        t = start + day * DAY + 10 * HOUR
        b.status(t, "AcmeBank", 50000, f"{NEUTRAL[day % len(NEUTRAL)]} #AcmeBank")
        planted[f"brand_daily_{day}"] = t
    planted["viral"] = esc + 40 * 60
    b.viral(
        planted["viral"],
        "angry_ann",
        800,
        "Disgusting behaviour, I am so angry and upset about AcmeBank",
        300,
    )
    planted["influencer"] = esc + 70 * 60
    b.viral(
        planted["influencer"],
        "BigVoice",
        500_000,
        "Horrible, angry and furious about the AcmeBank scandal",
        120,
        within=4 * HOUR,
    )
    planted["press_link"] = esc + 90 * 60
    handle, followers = b.someone()
    b.status(
        planted["press_link"],
        handle,
        followers,
        "Worth reading #AcmeBank",
        urls=("https://dealbook.nytimes.com/2021/10/06/acme-bank-outage-anger/",),
    )
    for k in range(4):
        h2, f2 = b.someone()
        b.status(
            planted["press_link"] + 600 * (k + 1),
            h2,
            f2,
            "Worth reading #AcmeBank",
            urls=("https://dealbook.nytimes.com/2021/10/06/acme-bank-outage-anger/",),
        )
    planted["press_account"] = esc + 120 * 60
    b.viral(
        planted["press_account"],
        "Reuters",
        2_000_000,
        "Acme Bank customers report problems with accounts",
        40,
        within=2 * HOUR,
        urls=("https://www.reuters.com/business/acme-bank-2021-10-06/",),
    )
    planted["old_article"] = esc - 20 * HOUR
    b.status(
        planted["old_article"],
        "history_buff",
        400,
        "Remember this one #AcmeBank",
        urls=("https://www.bloomberg.com/news/articles/2019-05-02/acme-bank-fined",),
    )
    planted["brand_answer"] = esc + 5 * HOUR + 30 * 60
    b.status(
        planted["brand_answer"],
        "AcmeBank",
        50000,
        "We are sorry. Our team is working on the problem and we will update you here",
    )
    path = folder / "fast.duckdb"
    n = b.build(path, "Fast escalation", "America/New_York", [brand])
    return Incident(
        "fast",
        path,
        "America/New_York",
        [brand],
        planted,
        {
            "influencer": "BigVoice",
            "influencer_followers": 500_000,
            "viral_author": "angry_ann",
            "viral_shares": 300,
            "press_account": "Reuters",
            "press_link_outlet": "DealBook (The New York Times)",
            "old_article_outlet": "Bloomberg",
        },
        n,
    )


def slow_escalation(folder: Path, seed: int = 2) -> Incident:
    """Five days in UTC. From Tuesday 08:00 the volume grows steadily, twentyfold over 30
    hours, and the negative share climbs from 8% to 45% with it; it holds for six hours and
    decays. The brand (set in the workspace) never posts: a quiet brand."""
    start = MONDAY
    b = Builder(seed, start, 5)
    ramp0, ramp = start + DAY + 8 * HOUR, 30 * HOUR
    rhythm = diurnal(0.0)
    base = 10.0

    def growth(t):
        x = np.clip((t - ramp0) / ramp, 0, 1)
        hold_end = ramp0 + ramp + 6 * HOUR
        decay = np.where(t > hold_end, np.exp(-np.maximum(t - hold_end, 0) / (10 * HOUR)), 1.0)
        return 1 + (np.exp(math.log(20) * x) - 1) * decay

    def rate(t):
        # the daily rhythm shapes the chatter, not the storm (it runs day and night)
        g = growth(t)
        return base * (rhythm(t) + (g - 1) * 0.6)

    def negative(t):
        x = np.clip((t - ramp0) / ramp, 0, 1)
        return 0.08 + 0.37 * x

    b.chatter(b.start, b.end, rate, negative)
    path = folder / "slow.duckdb"
    n = b.build(path, "Slow escalation", "UTC", ["quietco"])
    return Incident("slow", path, "UTC", ["quietco"], {"ramp_start": ramp0, "ramp_end": ramp0 + ramp}, {}, n)


def two_waves(folder: Path, seed: int = 3) -> Incident:
    """Six days in UTC. A first wave on Tuesday 14:00 (about fifteen times the chatter, 45%
    negative, decaying over six hours) and a bigger second one on Friday 15:00 (thirty times,
    50% negative, over eight hours)."""
    start = MONDAY
    b = Builder(seed, start, 6)
    w1, w2 = start + DAY + 14 * HOUR, start + 4 * DAY + 15 * HOUR
    rhythm = diurnal(0.0)
    base = 10.0

    def surge(t):
        s1 = np.where(t >= w1, 150.0 * np.exp(-np.maximum(t - w1, 0) / (6 * HOUR)), 0.0)
        s2 = np.where(t >= w2, 300.0 * np.exp(-np.maximum(t - w2, 0) / (8 * HOUR)), 0.0)
        return s1, s2

    def rate(t):
        s1, s2 = surge(t)
        return base * rhythm(t) + s1 + s2

    def negative(t):
        s1, s2 = surge(t)
        calm = base * rhythm(t)
        return (0.10 * calm + 0.45 * s1 + 0.50 * s2) / (calm + s1 + s2)

    b.chatter(b.start, b.end, rate, negative)
    path = folder / "waves.duckdb"
    n = b.build(path, "Two waves", "UTC", ["acmebank"])
    return Incident("waves", path, "UTC", ["acmebank"], {"wave1": w1, "wave2": w2}, {}, n)


def calm(folder: Path, seed: int = 4, days: int = 7) -> Incident:
    """A week in London time of chatter with only its daily and weekly rhythm (about 30
    posts an hour in the afternoon, a sixth of that at night, less at the weekend), 12%
    negative throughout, small retweet cascades, and the brand posting daily."""
    start = MONDAY - 1 * HOUR  # Monday 00:00 BST
    b = Builder(seed, start, days)
    rhythm = diurnal(1.0)
    b.chatter(b.start, b.end, lambda t: 30.0 * rhythm(t), _const(0.12))
    for day in range(days):
        b.status(start + day * DAY + 11 * HOUR, "AcmeBank", 50000, f"{NEUTRAL[day % len(NEUTRAL)]} #AcmeBank")
    path = folder / f"calm{seed}.duckdb"
    n = b.build(path, "Calm archive", "Europe/London", ["acmebank"])
    return Incident("calm", path, "Europe/London", ["acmebank"], {}, {}, n)


SHAPES = {"fast": fast_escalation, "slow": slow_escalation, "waves": two_waves, "calm": calm}
