#!/usr/bin/env python3
"""Write the #AskJPM sample archive that ships with Incident Timeline Explorer.

The file is a *reconstruction* of the #AskJPM Twitter incident of November 2013 (J.P. Morgan's
"#TwitterTakeover" Q&A that was hijacked by critics and cancelled the night before it was due),
made for demonstrations, tutorials and end-to-end tests. It is not the real archive: apart from
the posts quoted in the published chronicles, every text, account and number is invented; the
timeline, the actors and the shape of the crisis follow the chronology in the project's seed
documents hour by hour (see sample_data/README.md).

Output: ``sample_data/askjpm_sample.jsonl.gz``, a Twitter API v1.1 streaming archive as a 2013
collector would have saved it (track=askjpm,jpmorgan plus follow=@jpmorgan): one JSON object per
line in time order (statuses, a few ``delete`` notices and ``limit`` notices), gzip-compressed.

    python sample_data/generate.py               # seed 2013, the shipped file
    python sample_data/generate.py --seed 7 -o /tmp/other.jsonl.gz

Standard library only. The same seed always gives byte-identical output.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import datetime as dt
import gzip
import itertools
import json
import math
import os
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SEED = 2013
DEFAULT_OUT = Path(__file__).resolve().parent / "askjpm_sample.jsonl.gz"

# The archive covers Thu 2013-11-07 00:00 to Sun 2013-11-17 00:00 US Eastern. Internally a time
# is a float number of hours since the start, so "EST wall clock" is simple arithmetic; EST was
# UTC-5 throughout (DST ended on 2013-11-03).
START_UTC = dt.datetime(2013, 11, 7, 5, 0, tzinfo=dt.timezone.utc)
START_MS = calendar.timegm(START_UTC.timetuple()) * 1000
WINDOW_H = 240.0
MINUTES = int(WINDOW_H * 60)
TWITTER_EPOCH_MS = 1288834974657


def est(day: int, hour: int, minute: int = 0, second: int = 0) -> float:
    """Hours since the start for a November 2013 EST wall-clock time."""
    return (day - 7) * 24 + hour + minute / 60 + second / 3600


T_ANNOUNCE = est(7, 10, 2)
T_FIRST_JOKE = est(11, 11, 12)
T_STORM = est(13, 16, 0)
T_HUFFPOST = est(13, 18, 2)
T_CANCEL = est(13, 23, 26, 41)
T_QA = est(14, 13, 0)

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def twitter_time(d: dt.datetime) -> str:
    # strftime's %a/%b follow the locale; v1.1 is always English.
    return (
        f"{_DAYS[d.weekday()]} {_MONTHS[d.month - 1]} {d.day:02d} "
        f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} +0000 {d.year}"
    )


def ms_of(h: float) -> int:
    return START_MS + round(h * 3_600_000)


def sigmoid(x: float) -> float:
    if x < -60:
        return 0.0
    if x > 60:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


# --------------------------------------------------------------------------------------------
# Intensity: when people post
# --------------------------------------------------------------------------------------------


def diurnal(h: float) -> float:
    """Relative activity of a mostly US audience at EST hour h (1.0 = weekday afternoon)."""
    hod = h % 24.0
    day = int(h // 24)
    base = 0.5 - 0.5 * math.cos(2 * math.pi * (hod - 4.5) / 24)
    weekend = 0.62 if day in (2, 3, 9) else 1.0  # 11-09, 11-10 and 11-16
    return (0.1 + 0.9 * base**0.8) * weekend


def original_rate(h: float) -> float:
    """Expected non-retweet posts per hour at full daytime activity (diurnal() scales it).

    A smooth sum of the story's phases, so the curve has no steps: the quiet invitation days,
    the slow negative drift from the first joke on 11-11, the burst at 16:00 on 11-13, the
    cancellation at night, the 11-14 wave around the planned 1 pm Q&A, and a power-law tail.
    """
    r = 1.4 * sigmoid((h - T_ANNOUNCE) / 0.3)
    r += 13.0 * sigmoid((h - 107.5) / 1.2) * (0.2 + 0.8 * sigmoid((h - 126.0) / 5.0))
    # The storm: a soft onset around 16:00 (the first aggressive questions trickle in from
    # ~15:40), a peak in the early evening, then fast and slow decays.
    x = max(0.0, h - T_STORM)
    onset = sigmoid((h - T_STORM - 0.45) / 0.2)
    r += 2450.0 * onset * (0.45 * math.exp(-x / 4.5) + 0.55 * (1.0 + x / 5.0) ** -1.7)
    r += 260.0 * math.exp(-(((h - est(13, 19, 30)) / 1.6) ** 2))  # press pickup
    xc = h - T_CANCEL
    if xc > 0:
        r += 380.0 * (1.0 - math.exp(-xc / 0.15)) * math.exp(-xc / 2.5)
    r += 140.0 * math.exp(-(((h - est(14, 8, 30)) / 2.5) ** 2))  # morning press wave
    r += 300.0 * math.exp(-(((h - est(14, 13, 0)) / 2.2) ** 2))  # the hour the Q&A was due
    return r


# --------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------

_SOURCES = {
    "web": '<a href="http://twitter.com" rel="nofollow">Twitter Web Client</a>',
    "iphone": '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
    "android": '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>',
    "ipad": '<a href="http://twitter.com/#!/download/ipad" rel="nofollow">Twitter for iPad</a>',
    "tweetdeck": '<a href="http://www.tweetdeck.com" rel="nofollow">TweetDeck</a>',
    "hootsuite": '<a href="http://www.hootsuite.com" rel="nofollow">HootSuite</a>',
    "tweetbot": '<a href="http://tapbots.com/tweetbot" rel="nofollow">Tweetbot for iOS</a>',
    "echofon": '<a href="http://www.echofon.com/" rel="nofollow">Echofon</a>',
    "blackberry": '<a href="http://blackberry.com/twitter" rel="nofollow">Twitter for BlackBerry\u00ae</a>',
    "buffer": '<a href="http://bufferapp.com" rel="nofollow">Buffer</a>',
    "button": '<a href="http://twitter.com/tweetbutton" rel="nofollow">Tweet Button</a>',
    "socialflow": '<a href="http://www.socialflow.com" rel="nofollow">SocialFlow</a>',
    "sprinklr": '<a href="http://www.sprinklr.com" rel="nofollow">Sprinklr</a>',
    "twitterfeed": '<a href="http://twitterfeed.com" rel="nofollow">twitterfeed</a>',
}
_PERSONAL_SOURCES = (
    ("web", 30),
    ("iphone", 27),
    ("android", 16),
    ("tweetdeck", 8),
    ("hootsuite", 5),
    ("ipad", 4),
    ("tweetbot", 4),
    ("echofon", 2),
    ("blackberry", 3),
    ("buffer", 1),
)

_FIRST = (
    "Mike",
    "Sarah",
    "David",
    "Jen",
    "Chris",
    "Amanda",
    "Matt",
    "Jessica",
    "Ryan",
    "Emily",
    "Josh",
    "Ashley",
    "Dan",
    "Megan",
    "Kevin",
    "Laura",
    "Brian",
    "Rachel",
    "Tom",
    "Lisa",
    "Nick",
    "Katie",
    "Steve",
    "Nicole",
    "Jason",
    "Heather",
    "Eric",
    "Melissa",
    "Andy",
    "Beth",
    "Greg",
    "Kim",
    "Paul",
    "Amy",
    "Mark",
    "Erin",
    "Jeff",
    "Tara",
    "Sam",
    "Carrie",
    "Marcus",
    "Aisha",
    "Darnell",
    "Keisha",
    "Raj",
    "Priya",
    "Wei",
    "Mei",
    "Omar",
    "Fatima",
    "Luis",
    "Maria",
    "Tyler",
    "Brittany",
    "Alex",
    "Jordan",
    "Casey",
    "Morgan",
    "Pat",
    "Frank",
    "Joan",
    "Walt",
    "Ruth",
    "Hank",
    "Gloria",
    "Zoë",
    "Noah",
    "Olivia",
    "Ethan",
    "Grace",
    "Liam",
    "Chloe",
    "Ben",
    "Hannah",
    "Will",
    "Molly",
    "Jack",
    "Claire",
    "Sean",
    "Fiona",
    "Ian",
    "Siobhan",
    "Callum",
    "Isla",
    "Rhys",
    "Ellie",
)
_LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Moore",
    "Taylor",
    "Anderson",
    "Thomas",
    "Jackson",
    "White",
    "Harris",
    "Martin",
    "Thompson",
    "Garcia",
    "Martinez",
    "Robinson",
    "Clark",
    "Lewis",
    "Lee",
    "Walker",
    "Hall",
    "Allen",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Carter",
    "Phillips",
    "Evans",
    "Turner",
    "Torres",
    "Parker",
    "Collins",
    "Edwards",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Cooper",
    "Reed",
    "Bailey",
    "Bell",
    "Kelly",
    "Howard",
    "Ward",
    "Cox",
    "Diaz",
    "Richardson",
    "Wood",
    "Watson",
    "Brooks",
    "Bennett",
    "Gray",
    "James",
    "Reyes",
    "Cruz",
    "Hughes",
    "Price",
    "Myers",
    "Long",
    "Foster",
    "Sanders",
    "Ross",
    "Patel",
    "Nguyen",
    "Kim",
    "Chen",
    "Singh",
    "O'Brien",
    "McCarthy",
    "Sullivan",
    "Kowalski",
    "Novak",
    "Schwartz",
    "Goldberg",
    "Okafor",
    "Mensah",
)
_WORDS = (
    "angry",
    "tired",
    "quiet",
    "loud",
    "real",
    "just",
    "the",
    "mr",
    "ms",
    "doc",
    "urban",
    "lazy",
    "happy",
    "grumpy",
    "indie",
    "retired",
    "proud",
    "free",
    "radical",
    "honest",
    "skeptic",
    "taxpayer",
    "voter",
    "citizen",
    "reader",
    "writer",
    "wonk",
    "nerd",
    "geek",
    "runner",
    "cyclist",
    "teacher",
    "nurse",
    "coder",
    "maker",
    "dad",
    "mom",
    "granny",
    "owl",
    "fox",
    "bear",
    "wolf",
    "hawk",
    "falcon",
    "otter",
    "panda",
    "tiger",
    "whale",
    "coffee",
    "bagel",
    "pizza",
    "taco",
    "blue",
    "red",
    "green",
    "gold",
    "silver",
    "river",
    "hudson",
    "brooklyn",
    "jersey",
    "chicago",
    "austin",
    "oakland",
    "denver",
    "ohio",
)
_FOREIGN_NAMES = {
    "es": (
        ("Carlos", "Lucía", "Javier", "María José", "Pablo", "Ana", "Diego", "Sofía", "Andrés", "Valentina"),
        ("García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz", "Díaz", "Muñoz"),
    ),
    "fr": (
        ("François", "Camille", "Julien", "Élodie", "Mathieu", "Chloé", "Nicolas", "Léa", "Thomas", "Hélène"),
        (
            "Martin",
            "Bernard",
            "Dubois",
            "Lefèvre",
            "Moreau",
            "Laurent",
            "Girard",
            "Roux",
            "Fournier",
            "Mercier",
        ),
    ),
    "de": (
        ("Jürgen", "Katrin", "Stefan", "Sabine", "Tobias", "Anja", "Florian", "Jana", "Matthias", "Sören"),
        (
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Hoffmann",
            "Schäfer",
        ),
    ),
    "pt": (
        ("João", "Ana", "Rafael", "Beatriz", "Lucas", "Mariana", "Thiago", "Camila", "Gustavo", "Larissa"),
        (
            "Silva",
            "Santos",
            "Oliveira",
            "Souza",
            "Lima",
            "Pereira",
            "Costa",
            "Carvalho",
            "Almeida",
            "Gonçalves",
        ),
    ),
    "ja": (
        ("健", "さくら", "大輔", "由美", "翔太", "愛", "拓也", "美咲", "直樹", "結衣"),
        ("田中", "鈴木", "高橋", "佐藤", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"),
    ),
}
_ROMAJI = (
    "tanaka",
    "suzuki",
    "takahashi",
    "sato",
    "ito",
    "watanabe",
    "yamamoto",
    "nakamura",
    "kobayashi",
    "kato",
    "ken",
    "sakura",
    "daisuke",
    "yumi",
    "shota",
    "takuya",
)
# Approximate Twitter user id at each account creation date: ids grew with sign-ups, so a
# realistic id and "created_at" agree with each other.
_ID_BY_DATE = (
    (dt.date(2006, 7, 1), 10_000),
    (dt.date(2007, 3, 1), 1_000_000),
    (dt.date(2008, 1, 1), 12_000_000),
    (dt.date(2009, 1, 1), 18_500_000),
    (dt.date(2009, 6, 1), 45_000_000),
    (dt.date(2010, 1, 1), 100_000_000),
    (dt.date(2011, 1, 1), 230_000_000),
    (dt.date(2012, 1, 1), 460_000_000),
    (dt.date(2012, 7, 1), 620_000_000),
    (dt.date(2013, 1, 1), 1_100_000_000),
    (dt.date(2013, 7, 1), 1_550_000_000),
    (dt.date(2013, 11, 7), 2_100_000_000),
)


@dataclass(eq=False)
class Account:
    uid: int
    handle: str
    name: str
    persona: str
    lang: str
    followers: int
    friends: int
    statuses: int
    created: dt.datetime
    verified: bool
    source: str
    growth: float  # relative follower change per day
    posted: int = 0

    def followers_at(self, h: float) -> int:
        day = int(h // 24)
        wobble = ((self.uid * 2654435761 + day * 40503) >> 9) % 7 - 3
        scale = max(1, self.followers // 40000)
        return max(0, int(self.followers * (1.0 + self.growth * h / 24.0)) + wobble * scale)

    def to_json(self, h: float) -> dict:
        return {
            "id": self.uid,
            "id_str": str(self.uid),
            "name": self.name,
            "screen_name": self.handle,
            "followers_count": self.followers_at(h),
            "friends_count": self.friends,
            "created_at": twitter_time(self.created),
            "verified": self.verified,
            "statuses_count": self.statuses + self.posted,
            "lang": self.lang,
        }


class WeightedPicker:
    """random.choices with precomputed cumulative weights, for repeated draws."""

    def __init__(self, items: list, weights: list[float]):
        self.items = items
        self.cum = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


class Accounts:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.by_handle: dict[str, Account] = {}
        self.used_ids: set[int] = set()
        self.pool: list[Account] = []
        self.activity: list[float] = []

    def _uid_for(self, created: dt.date) -> int:
        pts = _ID_BY_DATE
        for (d0, i0), (d1, i1) in itertools.pairwise(pts):
            if d0 <= created <= d1:
                f = (created - d0).days / max(1, (d1 - d0).days)
                base = int(i0 + f * (i1 - i0))
                break
        else:
            base = pts[-1][1]
        while True:
            uid = base + self.rng.randrange(0, 400_000)
            if uid not in self.used_ids:
                self.used_ids.add(uid)
                return uid

    def _created(self, earliest: dt.date = dt.date(2007, 3, 1)) -> dt.datetime:
        rng = self.rng
        # Sign-ups peaked in 2009-2012; a few accounts were made for this very incident.
        years = ((2007, 3), (2008, 8), (2009, 24), (2010, 22), (2011, 20), (2012, 16), (2013, 7))
        year = rng.choices([y for y, _ in years], [w for _, w in years])[0]
        lo = max(dt.date(year, 1, 1), earliest)
        hi = dt.date(2013, 11, 6) if year == 2013 else dt.date(year, 12, 31)
        day = lo + dt.timedelta(days=rng.randrange(0, max(1, (hi - lo).days)))
        return dt.datetime(
            day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), rng.randrange(60)
        )

    def add(
        self,
        handle: str,
        name: str,
        persona: str,
        followers: int,
        *,
        lang: str = "en",
        verified: bool = False,
        source: str = "web",
        created: dt.datetime | None = None,
        growth: float = 0.0005,
        friends: int | None = None,
        statuses: int | None = None,
    ) -> Account:
        rng = self.rng
        created = created or self._created()
        acct = Account(
            uid=self._uid_for(created.date()),
            handle=handle,
            name=name,
            persona=persona,
            lang=lang,
            followers=followers,
            friends=friends if friends is not None else int(rng.lognormvariate(math.log(300), 1.0)),
            statuses=statuses if statuses is not None else int(rng.lognormvariate(math.log(3000), 1.2)),
            created=created,
            verified=verified,
            source=_SOURCES[source],
            growth=growth,
        )
        assert handle.lower() not in self.by_handle, handle
        assert re.fullmatch(r"\w{1,15}", handle), handle
        self.by_handle[handle.lower()] = acct
        return acct

    def get(self, handle: str) -> Account:
        return self.by_handle[handle.lower()]

    def _handle(self, first: str, last: str) -> str:
        rng = self.rng
        given = re.sub(r"[^A-Za-z]", "", first) or rng.choice(_ROMAJI)
        family = re.sub(r"[^A-Za-z]", "", last) or rng.choice(_ROMAJI)
        for _ in range(50):
            r = rng.random()
            if r < 0.22:
                h = given + family
            elif r < 0.38:
                h = f"{given}_{family}"
            elif r < 0.55:
                h = given + family + str(rng.randrange(1, 100))
            elif r < 0.65:
                h = given[0] + family + str(rng.choice(("", rng.randrange(1, 1000))))
            elif r < 0.75:
                h = given + "_" + family[0] + str(rng.randrange(10, 99))
            elif r < 0.88:
                h = rng.choice(_WORDS) + rng.choice(_WORDS) + str(rng.choice(("", rng.randrange(1, 100))))
            else:
                h = rng.choice(_WORDS) + "_" + given + str(rng.choice(("", rng.randrange(60, 99))))
            style = rng.random()
            h = h.lower() if style < 0.55 else (h if style < 0.9 else h.capitalize())
            h = h[:15]
            if h.lower() not in self.by_handle and len(h) >= 4:
                return h
        raise RuntimeError("could not find a free handle")

    def build_pool(self, n: int) -> None:
        rng = self.rng
        personas = (
            ("general", 58),
            ("activist", 13),
            ("finance", 10),
            ("student", 6),
            ("pr", 6),
            ("journo", 3),
        )
        langs = (("en", 92), ("es", 2.6), ("pt", 1.6), ("fr", 1.5), ("de", 1.3), ("ja", 1.0))
        follower_params = {
            "general": (250, 1.4),
            "activist": (600, 1.5),
            "finance": (500, 1.5),
            "student": (160, 1.0),
            "pr": (1100, 1.2),
            "journo": (2600, 1.3),
        }
        for _ in range(n):
            lang = rng.choices([x for x, _ in langs], [w for _, w in langs])[0]
            persona = rng.choices([x for x, _ in personas], [w for _, w in personas])[0]
            if lang == "en":
                first, last = rng.choice(_FIRST), rng.choice(_LAST)
            else:
                firsts, lasts = _FOREIGN_NAMES[lang]
                first, last = rng.choice(firsts), rng.choice(lasts)
            handle = self._handle(first, last)
            r = rng.random()
            if lang == "ja":
                name = f"{last} {first}" if r < 0.7 else handle
            elif r < 0.68:
                name = f"{first} {last}"
            elif r < 0.78:
                name = first
            elif r < 0.88:
                name = f"{first} {last[0]}."
            elif r < 0.95:
                name = handle
            else:
                name = f"{first} {last} " + rng.choice(
                    ("\u270c", "\u2615", "\u26be", "\U0001f30a", "\u2728", "\U0001f3b8")
                )
            mu, sigma = follower_params[persona]
            followers = int(rng.lognormvariate(math.log(mu), sigma))
            src = rng.choices([s for s, _ in _PERSONAL_SOURCES], [w for _, w in _PERSONAL_SOURCES])[0]
            if persona in ("pr", "journo") and rng.random() < 0.4:
                src = rng.choice(("tweetdeck", "hootsuite", "buffer"))
            acct = self.add(
                handle,
                name,
                persona,
                followers,
                lang=lang,
                source=src,
                verified=persona == "journo" and followers > 30000 and rng.random() < 0.6,
                growth=rng.gauss(0.0006, 0.0015),
            )
            self.pool.append(acct)
            # Pareto activity: most accounts post once, a few dozen post all evening.
            self.activity.append(min(60.0, rng.paretovariate(1.25)))
        self._pickers: dict[tuple, WeightedPicker] = {}

    def picker(self, personas: tuple[str, ...], langs: tuple[str, ...] = ("en",)) -> WeightedPicker:
        key = (personas, langs)
        if key not in self._pickers:
            idx = [i for i, a in enumerate(self.pool) if a.persona in personas and a.lang in langs]
            self._pickers[key] = WeightedPicker([self.pool[i] for i in idx], [self.activity[i] for i in idx])
        return self._pickers[key]

    def retweeter_picker(self) -> WeightedPicker:
        key = ("rt",)
        if key not in self._pickers:
            # Retweeting is cheaper than writing: flatten the activity tail so more distinct
            # accounts appear, as in real retweet cascades.
            self._pickers[key] = WeightedPicker(self.pool, [a**0.6 for a in self.activity])
        return self._pickers[key]


# --------------------------------------------------------------------------------------------
# Posts
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Post:
    h: float
    author: Account
    text: str = ""
    kind: str = "original"  # original | reply | quote | retweet
    lang: str = "en"
    urls: list = field(default_factory=list)  # [(t.co url, expanded url)]
    ref: Post | None = None  # reply target, quoted or retweeted status
    reply_to: Account | None = None  # "@handle ..." without a status to reply to
    n_rt: int = 0  # retweets this post will receive
    rt_median: float = 0.7  # retweet delay, activity-hours
    rt_sigma: float = 1.2
    revive: float = 0.0  # share of retweets that come in the storm
    fav_ratio: float = 0.6
    source: str = ""
    category: str = ""
    label: str = ""  # anchor name, for the README
    id: int = 0
    ms: int = 0
    rt_seen: int = 0
    fav_seen: int = 0
    delete_after: float | None = None


class Links:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def tco(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        while True:
            code = "".join(self.rng.choice(alphabet) for _ in range(10))
            if code not in self.used:
                self.used.add(code)
                return "http://t.co/" + code


class Text:
    """A post text under construction: literal text plus links that become t.co URLs."""

    def __init__(self, links: Links):
        self.links = links
        self.urls: list[tuple[str, str]] = []

    def link(self, expanded: str) -> str:
        t = self.links.tco()
        self.urls.append((t, expanded))
        return t


def display_url(expanded: str) -> str:
    d = re.sub(r"^https?://(www\.)?", "", expanded)
    return d if len(d) <= 26 else d[:25] + "\u2026"


# Verbatim posts from the chronology (the published chronicles quote them).
ANCHOR_JOKE = '@jpmorgan Is it true "JPM stands for "Just Pay More"? #AskJPM \U0001f609'
ANCHOR_APOLOGY = "@jpmorgan Oh, come on. I was teasing! #AskJPM \U0001f642"
ANCHOR_HEAVEN = (
    "#AskJPM What is the maximum amount of material wealth that a person can "
    "accumulate and still be allowed into Heaven?"
)
ANCHOR_RAPSHEET = (
    "Anyone thinking of doing #AskJPM might want to familiarise themselves with "
    "Jamie Dimon's rap sheet: {url}"
)
RAPSHEET_URL = "http://www.scribd.com/doc/130290952/Gf-Co-Executive-Summary-JPM-Out-of-Control"
HOSTILE_ANCHORS = (
    # (label, EST h:m, text, final retweets in the archive, handle, display name, followers)
    (
        "fines",
        (13, 16, 6),
        "At what number of Billions of Dollars in fines will it no longer be "
        "profitable to run your criminal enterprise? #askjpm",
        560,
        "marcy_dolan",
        "Marcy Dolan",
        3120,
    ),
    (
        "homeless",
        (13, 16, 14),
        "How many homeless people did you create in '08? #AskJPM",
        440,
        "vinnie_b_nyc",
        "Vinnie B",
        1480,
    ),
    (
        "escaped",
        (13, 16, 27),
        "Hey, @jpmorgan: What's it like knowing that you've escaped "
        "punishment for securities fraud again & again? #AskJPM {url}",
        310,
        "fairbanksnow",
        "Fair Banking Now",
        24300,
    ),
    (
        "bell",
        (13, 16, 41),
        "Every time another person loses their home to an illegal foreclosure, does a bell ring? #AskJPM",
        380,
        "ruthann_k",
        "Ruth Ann Kowalczyk",
        2210,
    ),
    (
        "lives",
        (13, 16, 58),
        "Did you have a specific number of people's lives you needed to ruin "
        "before you considered your model a success? #AskJPM",
        260,
        "d_okafor_writes",
        "Dele Okafor",
        5400,
    ),
    (
        "detached",
        (13, 17, 35),
        "How detached from reality do you have to be to think that an "
        "#AskJPM hashtag is going to elicit anything but anger and mockery?",
        490,
        "pfreiberg",
        "Paula Freiberg",
        8900,
    ),
)
ANCHOR_REGRET = (
    "So @jpmorgan really created a hash tag (#AskJPM) where anyone can tweet them "
    "ANY question? I'm guessing they're regretting that about now."
)
ANCHOR_ECONOMIST = (
    "How are you planning to spend the savings made from firing your social media team? #askJPM"
)
CANCEL_TEXT = "Tomorrow's Q&A is cancelled. Bad Idea. Back to the drawing board."

BRAND_POSTS = (
    (
        (7, 10, 2),
        "What would you ask a leader of a global firm? Ask Jimmy Lee, Vice Chairman of "
        "J.P. Morgan, with #AskJPM. #TwitterTakeover Thu 11/14 1pm ET",
        9,
    ),
    (
        (7, 15, 40),
        "Ever wanted career advice from one of Wall Street's top dealmakers? Tweet your "
        "questions with #AskJPM for Jimmy Lee's #TwitterTakeover",
        5,
    ),
    (
        (8, 10, 15),
        "Meet Jimmy Lee: decades of deals, and he's taking your questions live on 11/14 "
        "at 1pm ET. Ask now with #AskJPM #TwitterTakeover",
        6,
    ),
    (
        (8, 16, 5),
        "Students & young professionals: what do you want to know about a career in "
        "banking? Ask Jimmy Lee with #AskJPM. Thu 11/14, 1pm ET",
        4,
    ),
    (
        (9, 12, 0),
        "Reminder: send your questions for Jimmy Lee with #AskJPM. He takes over our feed "
        "this Thursday at 1pm ET. #TwitterTakeover",
        2,
    ),
    (
        (10, 14, 0),
        "What's the best career advice you've ever received? Jimmy Lee will share his on "
        "11/14. Send your questions now with #AskJPM",
        3,
    ),
    (
        (11, 9, 45),
        "Jimmy Lee has advised on some of the biggest deals of the past three decades. "
        "What would you ask him? Use #AskJPM #TwitterTakeover",
        4,
    ),
)

CAREER_QUESTIONS = (
    "What skills matter most for a first-year analyst?",
    "How did you get your start in banking?",
    "What do you look for in a summer intern?",
    "Is an MBA still worth it for a career in banking?",
    "How do you keep work/life balance on a deal team?",
    "What was the toughest deal you ever worked on?",
    "Any advice for a liberal arts major who wants to get into finance?",
    "What's the one book every young banker should read?",
    "How do you see technology changing investment banking?",
    "What would you tell your 22-year-old self?",
    "How do you build client relationships early in your career?",
    "Do you still hire from non-target schools?",
    "What's the best way to prepare for a superday?",
    "How do you handle it when a big deal falls apart?",
    "What makes a great mentor?",
    "Is it better to start in sales & trading or in IBD?",
    "How important is networking vs. grades?",
    "What does a typical day look like for a vice chairman?",
    "How do you stay motivated after so many years in the business?",
    "What's the biggest misconception about working at a big bank?",
    "How can women in finance find sponsors, not just mentors?",
    "Would you recommend starting in a regional office?",
    "What's one habit that made you a better dealmaker?",
    "Do you need to know how to code to work in banking now?",
)
NEUTRAL_SHARES = (
    "JPMorgan is hosting a Twitter Q&A with Vice Chairman Jimmy Lee on 11/14 at 1pm ET. Questions via {tag}",
    "Interesting: JPMorgan doing a #TwitterTakeover with Jimmy Lee next Thursday. {tag}",
    "Banks on Twitter: JPMorgan's Jimmy Lee takes questions via {tag} on Nov 14",
    "Anyone planning to ask something at {tag} on Thursday?",
    "Set a reminder: {tag} Q&A with Jimmy Lee, Thurs 1pm ET",
    "A big bank doing a live Twitter Q&A. Brave. {tag}",
    "JPMorgan wants your questions for Jimmy Lee {tag} {url}",
    "Curious to see how {tag} goes next week. Banks and social media, hmm.",
)
POSITIVE_POSTS = (
    "Great idea from @jpmorgan, real execs answering real questions. {tag}",
    "Looking forward to {tag}, Jimmy Lee is a legend of Wall St dealmaking",
    "Nice to see a big bank talking to students directly {tag}",
    "Already sent my question for Jimmy Lee {tag} :)",
    "Can't wait for the {tag} #TwitterTakeover on Thursday!",
    "Good on @jpmorgan for opening up to questions {tag}",
)
IRONIC_QUESTIONS = (
    "Do you offer a frequent-fine program?",
    "Is the London Whale available for a Q&A too?",
    "What's your favorite color of parachute: gold or platinum?",
    "Can I get an internship in the foreclosure department? Asking for a friend.",
    "How do you pronounce 'fiduciary duty'?",
    "Is 'too big to fail' a job title or a lifestyle?",
    "Is there a dress code for Senate hearings?",
    "Which is cheaper: a lawyer or a congressman?",
    "Can Jimmy Lee explain the $13 billion settlement in 140 characters?",
    "If I rob a bank, can I settle without admitting wrongdoing?",
    "Do bonuses come before or after the fines?",
    "Is the Chief Investment Office hiring? I'm great with whales.",
    "Does Jamie Dimon still think it was a tempest in a teapot?",
    "How many compliance officers does it take to change a light bulb?",
    "Do you validate parking for regulators?",
    "What's the dress code for a perp walk? Asking for a CEO.",
    "Do interns get their own offshore account or do they share?",
    "Is 'neither admit nor deny' on the company crest?",
    "How do I become a whale? Is there a training program?",
    "Will there be snacks at the Q&A, or just settlements?",
    "Is it true you keep a regulator in the break room?",
    "Can I pay my overdraft fee in Bitcoin?",
    "When's the next #TwitterTakeover by the Justice Department?",
    "Does the Q&A count as community service?",
    "Is it true the fines come out of the petty cash drawer?",
    "Can the London Whale do the next #TwitterTakeover?",
    "Do you validate parking at the Justice Department?",
    "Is 'Just Pay More' the new company motto?",
    "What's the best way to get a job at a bank: Harvard, or a congressman for a dad?",
    "How many settlements until I get a free coffee?",
    "Does Jimmy Lee do birthday parties?",
    "If I open a checking account, do I get a toaster or a subpoena?",
)
HOSTILE_QUESTIONS = (
    "How much of the {amt} settlement comes out of bonuses?",
    "Do you ever think about the families you foreclosed on?",
    "Which regulator is easiest to buy lunch for?",
    "How does it feel to be too big to jail?",
    "When will any of your executives actually go to jail?",
    "What's cheaper: obeying the law or paying the fine?",
    "How many robo-signers does it take to evict a veteran?",
    "Is 'fraud' a line item in your annual budget?",
    "Did the bailout money come with a thank-you card?",
    "How do you sleep at night? On a mattress stuffed with our money?",
    "How many lobbyists do you employ per member of Congress?",
    "Can I pay my mortgage with your settlement money?",
    "Do you have a whole department for manipulating energy prices?",
    "What's the over/under on your fines next year?",
    "How many times can you say 'we neither admit nor deny' in one year?",
    "Does Jamie Dimon's bonus go up with every fine?",
    "Who do I talk to about the pension fund you wiped out?",
    "How many of your clients did you bet against this week?",
    "Why should anyone trust you with their savings?",
    "What's your plan for the next financial crisis you cause?",
    "What's the ROI on a Senator these days?",
    "Ever thought about paying back the taxpayers, with interest?",
    "Will the Q&A be moderated by your legal department?",
    "How long did your lawyers take to pre-approve the answers?",
    "What's the going rate for a princeling internship in Beijing?",
    "How many billions in fines before someone loses their job?",
    "Are the fines tax deductible, or just morally?",
    "Is robo-signing a career path I could get into?",
    "How do you decide which laws are optional?",
    "Is there a loyalty card for repeat offenders?",
    "Who will you blame for this hashtag: an intern or a whale?",
    "When you say 'clients', do you mean 'marks'?",
    "How many {victims} did you {harm} in {year}?",
    "Is {amt} in fines a lot for you, or just a rounding error?",
    "Will Jimmy Lee answer questions about {scandal}?",
    "On a scale from 1 to {amt}, how sorry are you about {scandal}?",
    "How much did you pay in fines {period}, and was it more than {person}'s bonus?",
    "Which is bigger: your legal budget or your {budget}?",
    "Is {scandal} covered in new-hire training?",
    "Do you think fines > profits will ever happen?",
    "Do you charge overdraft fees on moral bankruptcy too?",
    "Why are your fines < your bonuses, every single year?",
    "How do you say 'sorry' in {amt}?",
    "Did {person} personally approve this hashtag?",
    "What did you learn from {scandal}? Anything?",
    "Is {scandal} something you'd put on a resume?",
    "How many {victims} does it take to fund one bonus pool?",
    "When do the {victims} you hurt in {year} get their Q&A?",
    "Would you like to answer for {scandal} first?",
    "Has anyone at the top ever paid personally for {scandal}?",
    "Can we ask about {scandal}, or is that off-limits?",
    "What's the career path from intern to unindicted co-conspirator?",
    "Do you offer internships in regulatory capture?",
    "How do you explain {scandal} to your kids?",
    "Is there a bonus for every family you foreclose on?",
    "Who exactly signed off on {scandal}?",
    "What's your favorite loophole and why?",
    "If {amt} is a slap on the wrist, what would it take to hurt?",
)
SLOTS = {
    "amt": (
        "$13 billion",
        "$13bn",
        "$920 million",
        "$410 million",
        "$5.1 billion",
        "$4 billion",
        "$2 billion",
        "$1.7 billion",
        "$6 billion",
    ),
    "victims": (
        "families",
        "homeowners",
        "veterans",
        "retirees",
        "small businesses",
        "pensioners",
        "students",
    ),
    "harm": ("foreclose on", "evict", "overcharge", "rip off", "mislead", "kick out"),
    "year": ("'08", "2008", "2009", "2010", "2012", "the last decade"),
    "scandal": (
        "the London Whale",
        "robo-signing",
        "Madoff",
        "energy market manipulation",
        "the princelings hiring",
        "credit card collections",
        "the $13bn settlement",
        "LIBOR",
        "mortgage fraud",
        "the 2008 bailout",
    ),
    "period": ("this year", "since 2009", "this quarter", "since the bailout"),
    "person": ("Jamie Dimon", "Jimmy Lee", "your CEO"),
    "budget": ("marketing budget", "social media budget", "charity budget", "tax bill"),
}
HOSTILE_LEADS = (
    "Hey @jpmorgan, ",
    "Dear @jpmorgan: ",
    "Q for Jimmy Lee: ",
    "Serious question: ",
    "Jimmy, ",
    "Mr. Lee, ",
    "Question: ",
    "Honest question, @jpmorgan: ",
    "@jpmorgan ",
    "@jpmorgan ",
    "@jpmorgan ",
)
CRITICAL_LINKS = (
    ("Before you {tag}, read this: {url}", RAPSHEET_URL),
    ("Some background for {tag}: {url}", "http://en.wikipedia.org/wiki/2012_JPMorgan_Chase_trading_loss"),
    ("{tag} Here's a handy list of JPMorgan's settlements: {url}", "http://other98.com/dont-negotiate"),
    (
        "Homework before {tag} on Thursday {url}",
        "http://www.rollingstone.com/politics/news/the-last-mystery-of-the-financial-crisis-20130619",
    ),
    (
        "{tag} Suggested reading for Jimmy Lee: {url}",
        "http://www.nytimes.com/2013/10/20/business/jpmorgan-in-tentative-deal-on-13-billion-settlement.html",
    ),
    (
        "If you want to {tag}, start here {url}",
        "http://www.levin.senate.gov/newsroom/press/release/senate-investigations-subcommittee-releases-report-on-jpmorgan-chase-whale-trades",
    ),
    (
        "Ask them about this {url} {tag}",
        "http://www.bloomberg.com/news/2013-09-19/jpmorgan-chase-to-pay-920-million-over-london-whale-trades.html",
    ),
)
MOCK_POSTS = (
    "The {tag} hashtag is going exactly as well as you'd expect.",
    "Whoever approved {tag} is having a very long evening.",
    "Grab the popcorn, {tag} is a masterclass in how not to do social media",
    "{tag} is the best thing on Twitter tonight",
    "Somewhere a JPMorgan social media intern is updating their LinkedIn. {tag}",
    "Lesson one of social media: never open a Q&A when everyone hates you. {tag}",
    "Reading {tag} is better than anything on TV tonight",
    "JPMorgan asked for questions. Twitter delivered. {tag}",
    "Hashtag hijacked in record time. {tag} joins #McDStories in the hall of fame",
    "{tag} reminds me of #AskBG last month. Do brands ever learn?",
    "Not sure who at @jpmorgan thought {tag} was a good idea, but thanks for the entertainment",
    "Dear brands: check your reputation before you open the floor. {tag}",
    "I'd pay to sit in on the JPMorgan comms meeting tomorrow morning. {tag}",
    "The {tag} questions are coming in faster than I can read them",
    "Trending right now: {tag}, and not in the way they hoped",
    "Refreshing {tag} like it's election night",
    "{tag} is what happens when the marketing dept doesn't talk to legal",
    "Pretty sure nobody at @jpmorgan expected this. {tag}",
    "How many of these will Jimmy Lee answer tomorrow? My guess: zero. {tag}",
    "Brands: a hashtag is not a press release. {tag}",
    "This {tag} thread is a public service",
    "{tag} is 95% rage and 5% people asking about internships",
    "RIP @jpmorgan's social media calendar {tag}",
    "{tag} is peak Twitter",
    "Somebody at JPMorgan is updating their resume right now. {tag}",
    "The social media team at @jpmorgan needs a hug. {tag}",
    "Watching {tag} unfold in real time. Incredible.",
    "The best questions on {tag} are the ones they'll never answer",
    "If you need a laugh tonight, search {tag}",
    "{tag} is a reminder that the internet never forgets",
    "Who had 'bank opens Q&A, gets roasted' on their bingo card? {tag}",
    "My timeline is 100% {tag} right now",
    "PR students: bookmark {tag}. This is your final exam.",
    "Imagine being the intern monitoring {tag} tonight",
)
PRESS_SHARES = (
    "{headline} {url} {tag}",
    "{headline} {url} via @{press}",
    "LOL: {url} {tag}",
    "This is amazing {url} {tag}",
    "Worth a read: {headline} {url}",
    "{url} {tag} well, that escalated quickly",
    '"{headline}" {url}',
    "The {tag} fallout, summed up: {url}",
    "Of course this happened {url} {tag}",
)
CANCEL_REACTIONS = (
    "JPMorgan cancels {tag}. Shocked, shocked I tell you.",
    '"Bad idea." Finally something we can all agree on with @jpmorgan {tag}',
    "Q&A cancelled, but the questions remain. {tag}",
    "They cancelled {tag}? But I had so many more questions",
    "Back to the drawing board, or back to the settlement table? {tag}",
    "First honest tweet from @jpmorgan in years: 'Bad idea.' {tag}",
    "{tag} lasted less than a week. The fines last forever.",
    "Can we still {tag} if we promise to be nice? No? OK.",
    "Cancelled! The internet 1, JPMorgan 0 {tag}",
    "JPMorgan has officially cancelled {tag}. Best social media fail of 2013?",
    '"Back to the drawing board" sounds like a new-hire training program. {tag}',
    "So no Jimmy Lee tomorrow? {tag} was more fun anyway",
)
SECOND_WAVE = (
    "It's 1pm ET. Where's Jimmy? {tag}",
    "Today was supposed to be {tag} day. The questions came early.",
    "Happy {tag} day, everyone",
    "Still waiting for answers. {tag}",
    "1pm on Thursday. Jimmy Lee, the floor is yours. {tag}",
    "Did anyone tell Jimmy Lee the Q&A is off? {tag}",
    "{tag} was scheduled for right now. Moment of silence.",
    "Still have questions. Still no answers. {tag}",
)
LESSONS = (
    "Lessons from {tag}: listen before you broadcast. The warning signs were there days ago.",
    "{tag} is a case study for every comms team: know your reputation before opening a Q&A",
    "Hashtag campaigns need a risk assessment. {tag} #socialmedia #PR",
    "What the {tag} fail teaches brands about social listening {url}",
    "Would {tag} have worked on LinkedIn? Different audience, same reputation.",
    "5 lessons from {tag} for anyone running a brand account {url}",
    "The {tag} mess was predictable: the first snarky questions showed up on Monday.",
    "Social media is a listening post, not a megaphone. {tag}",
    "Don't let the intern run the hashtag. {tag} #crisiscomms",
    "{tag}: the case study my students will read next semester",
    "Crisis comms 101, as taught by {tag} {url}",
    "Before your next Twitter Q&A, read about {tag} {url}",
)
FOREIGN = {
    "es": (
        "JPMorgan abrió un Q&A en Twitter y recibió una lluvia de críticas {tag}",
        "¿Cuántas multas más antes de que alguien vaya a la cárcel? {tag}",
        "El community manager de JPMorgan está teniendo una noche difícil {tag}",
        "Lección de redes sociales: {tag} \U0001f602",
        "Qué desastre lo de {tag} {url}",
        "JPMorgan cancela su Q&A en Twitter tras las críticas {url} {tag}",
    ),
    "fr": (
        "JP Morgan lance un Q&A sur Twitter… et se fait démolir {tag}",
        "Quand une banque dit « posez-nous vos questions » {tag}",
        "Le bad buzz de la semaine : {tag} {url}",
        "Belle leçon de community management avec {tag}",
        "JPMorgan annule sa séance de questions sur Twitter {url} {tag}",
    ),
    "de": (
        "JPMorgan wollte Fragen auf Twitter beantworten. Das ging schief. {tag}",
        "Shitstorm für JPMorgan: {tag} {url}",
        "Wie viele Milliarden Strafe sind es dieses Jahr? {tag}",
        "Social-Media-Lektion des Tages: {tag}",
    ),
    "pt": (
        "JPMorgan abre perguntas no Twitter e leva uma enxurrada de críticas {tag}",
        "Quantos bilhões em multas até alguém ser preso? {tag}",
        "Aula de como não fazer marketing digital: {tag} {url}",
        "JPMorgan cancela sessão de perguntas no Twitter {tag}",
    ),
    "ja": (
        "JPモルガンがTwitterで質問を募集したら批判が殺到 {tag}",
        "{tag} 炎上中。銀行が公開Q&Aをやるとこうなる",
        "ソーシャルメディアの失敗例として残りそう {tag}",
        "JPモルガン、Twitter質問会を中止 {url} {tag}",
    ),
}
FOREIGN_LINKS = {
    "es": (
        "http://www.expansion.com/2013/11/14/empresas/banca/jpmorgan-twitter.html",
        "http://economia.elpais.com/economia/2013/11/14/actualidad/jpmorgan-twitter.html",
    ),
    "fr": (
        "http://www.lesechos.fr/finance-marches/banque-assurances/jpmorgan-twitter.htm",
        "http://www.latribune.fr/entreprises-finance/banques-finance/jpmorgan-askjpm.html",
    ),
    "de": (
        "http://www.spiegel.de/wirtschaft/unternehmen/jpmorgan-twitter-askjpm.html",
        "http://www.handelsblatt.com/unternehmen/banken/jpmorgan-twitter-fragestunde.html",
    ),
    "pt": ("http://exame.abril.com.br/negocios/noticias/jpmorgan-twitter",),
    "ja": ("http://jp.reuters.com/article/2013/11/14/jpmorgan-twitter-idJPTYE9AD0",),
}
NOISE = (
    ("JPMorgan Chase is hiring: {job} in {city} {url} #jobs #finance", "twitterfeed"),
    ("#job {job} - JPMorgan Chase - {city} {url}", "twitterfeed"),
    ("$JPM {move} at ${price} in {session} trading", "twitterfeed"),
    ("JPMorgan said to be close to $13 billion mortgage accord with U.S. {url}", "twitterfeed"),
    ("JPMorgan Chase names new head of {desk} {url}", "twitterfeed"),
    ("Analysts trim JPMorgan profit estimates ahead of legal costs {url} $JPM", "twitterfeed"),
)
NOISE_SLOTS = {
    "job": (
        "Analyst",
        "Software Engineer",
        "Branch Manager",
        "Client Service Associate",
        "Risk Analyst",
        "Teller",
        "Vice President, Operations",
        "Java Developer",
    ),
    "city": (
        "Columbus, OH",
        "New York, NY",
        "Chicago, IL",
        "Houston, TX",
        "Wilmington, DE",
        "Tampa, FL",
        "Jersey City, NJ",
        "Phoenix, AZ",
    ),
    "move": ("up 0.4%", "down 0.6%", "up 1.1%", "down 0.3%", "flat", "up 0.2%"),
    "price": ("52.61", "53.08", "52.94", "53.37", "52.40", "53.12"),
    "session": ("morning", "midday", "afternoon", "late"),
    "desk": ("mortgage banking", "commodities trading", "Asia equities", "treasury services"),
}
CONVERSATION = (
    "@{h} \U0001f602\U0001f602",
    "@{h} this is the best one",
    "@{h} brilliant",
    "@{h} exactly this",
    "@{h} they'll never answer that",
    "@{h} asking the real questions",
    "@{h} Winner.",
    "@{h} I'm dying \U0001f602",
    "@{h} Don't hold your breath",
    "@{h} +1",
    "@{h} nailed it",
    "@{h} ha! {tag}",
    "@{h} this should be the first question tomorrow {tag}",
    "@{h} I have the same question {tag}",
    "@{h} perfect",
    "@{h} so much this",
    "@{h} lol, they won't touch that one",
    "@{h} the answer is 'no comment'",
)
QUOTE_COMMENTS = (
    "This.",
    "Can't stop laughing {tag}",
    "The internet wins again {tag}",
    "Hard to argue with this one {tag}",
    "\U0001f44f\U0001f44f\U0001f44f",
    "Best {tag} so far",
    "Still the best one {tag}",
    "Somebody answer this {tag}",
    "\U0001f602",
    "Good question, @jpmorgan {tag}",
)
QUOTE_CANCEL = (
    "Bad idea indeed. {tag}",
    "Understatement of the year {tag}",
    "First thing they've admitted in years {tag}",
    "'Back to the drawing board' \U0001f602 {tag}",
    "Took them long enough {tag}",
    "And the drawing board is where, exactly? {tag}",
    "We'll always have {tag}",
    "Tweet of the year {tag}",
    "Honest, at least. {tag}",
    "Shortest Q&A in history {tag}",
    "RIP {tag}, we hardly knew ye",
    "Smart move, finally. {tag}",
    "Lesson learned? {tag}",
)
QUOTE_BRAND = (
    "Famous last words. {tag}",
    "What could possibly go wrong? {tag}",
    "How's this going, @jpmorgan? {tag}",
    "In hindsight... {tag}",
    "Oh no. {tag}",
)
REPLY_CANCEL = (
    "@jpmorgan but I had more questions {tag}",
    "@jpmorgan coward {tag}",
    "@jpmorgan Bad idea? You don't say. {tag}",
    "@jpmorgan will you refund my questions? {tag}",
    "@jpmorgan too late, the questions are out there {tag}",
    "@jpmorgan you can cancel the Q&A, not the questions {tag}",
    "@jpmorgan at least you listened once {tag}",
    "@jpmorgan respect for admitting it",
)
EMOJI = (
    "\U0001f602",
    "\U0001f612",
    "\U0001f621",
    "\U0001f633",
    "\U0001f4b0",
    "\U0001f4b8",
    "\U0001f433",
    "\U0001f525",
    "\U0001f44f",
    "\U0001f60f",
    "\U0001f606",
    ":)",
    ";)",
    ":-(",
    "\u2665",
)
COMMENT_OPENERS = (
    "lol ",
    "Wow. ",
    "Ha! ",
    "Yikes. ",
    "Well. ",
    "Oof. ",
    "Haha ",
    "Ouch. ",
    "OMG ",
    "Oh dear. ",
    "Amazing: ",
    "Welp. ",
    "LOL. ",
    "Bahaha ",
    "Ok this is great: ",
)
COMMENT_CLOSERS = (
    " lol",
    " \U0001f602",
    " #fail",
    " #socialmedia",
    " Popcorn time.",
    " Brilliant.",
    " Oof.",
    " SMH",
    " Amazing.",
    " #PRfail",
    " Bravo, Twitter.",
    " \U0001f602\U0001f602",
    " Priceless.",
    " Epic.",
    " I can't stop reading.",
    " #hashtagfail",
    "!!",
)
QUESTION_CLOSERS = (
    " Asking for a friend.",
    " Just curious.",
    " Serious question.",
    " lol",
    " Inquiring minds want to know.",
    " #justasking",
    " Thanks in advance!",
    " Asking for the 99%.",
    " Be honest.",
    " We'll wait.",
    " Answer pls.",
    "??",
)
LESSON_CLOSERS = (
    " #PR",
    " #socialmedia",
    " #crisiscomms",
    " #smm",
    " Worth a read.",
    " Great case study.",
    " #reputation",
)
CAREER_CLOSERS = (
    " Thanks!",
    " Thank you!",
    " Would love to hear his take.",
    " Thanks in advance",
    " Great initiative.",
    " :)",
)
EXTRA_TAGS = (
    "#occupy",
    "#OWS",
    "#bankers",
    "#toobigtojail",
    "#WallStreet",
    "#fail",
    "#banksters",
    "#1percent",
    "#99percent",
    "#epicfail",
    "$JPM",
    "#TwitterTakeover",
)


@dataclass
class PressItem:
    handle: str
    when: tuple
    headline: str
    url: str
    n_rt: int


PRESS_ACCOUNTS = (
    # handle, name, followers (Nov 2013, approximate), created year, source
    ("HuffingtonPost", "Huffington Post", 4_620_000, 2007, "socialflow"),
    ("zerohedge", "zerohedge", 175_000, 2009, "web"),
    ("AmerBanker", "American Banker", 31_500, 2009, "hootsuite"),
    ("BuzzFeedNews", "BuzzFeed News", 118_000, 2012, "socialflow"),
    ("dealbook", "DealBook", 412_000, 2008, "socialflow"),
    ("FT", "Financial Times", 1_640_000, 2009, "socialflow"),
    ("business", "Bloomberg News", 1_270_000, 2009, "socialflow"),
    ("CNBC", "CNBC", 1_520_000, 2009, "socialflow"),
    ("mashable", "Mashable", 4_790_000, 2007, "socialflow"),
    ("Reuters", "Reuters Top News", 3_910_000, 2007, "socialflow"),
)
PRESS = (
    PressItem(
        "HuffingtonPost",
        (13, 18, 2),
        "JPMorgan's Twitter Q&A goes horribly wrong",
        "http://www.huffingtonpost.com/2013/11/13/jpmorgan-twitter-askjpm_n_4271334.html",
        250,
    ),
    PressItem(
        "zerohedge",
        (13, 19, 4),
        "#AskJPM: JPMorgan's Twitter Q&A backfires",
        "http://www.zerohedge.com/news/2013-11-13/askjpm-jpmorgans-twitter-qa-backfires",
        200,
    ),
    PressItem(
        "AmerBanker",
        (13, 19, 37),
        "JPMorgan's #AskJPM Twitter session hijacked by critics",
        "http://www.americanbanker.com/issues/178_219/jpmorgan-twitter-askjpm-1063712-1.html",
        40,
    ),
    PressItem(
        "BuzzFeedNews",
        (13, 20, 6),
        "The 25 best questions from JPMorgan's disastrous #AskJPM Q&A",
        "http://www.buzzfeed.com/jpmorgan-askjpm-twitter-qa-best-questions",
        200,
    ),
    PressItem(
        "dealbook",
        (13, 20, 41),
        "JPMorgan's Twitter outreach meets a chorus of critics",
        "http://dealbook.nytimes.com/2013/11/13/jpmorgans-twitter-outreach-meets-a-chorus-of-critics/",
        100,
    ),
    PressItem(
        "mashable",
        (13, 21, 15),
        "JPMorgan's #AskJPM Twitter chat turns into PR nightmare",
        "http://mashable.com/2013/11/13/jpmorgan-askjpm-twitter/",
        210,
    ),
    PressItem(
        "FT",
        (14, 7, 22),
        "JPMorgan cancels Twitter Q&A after barrage of abuse",
        "http://www.ft.com/cms/s/0/5c3b9e7a-4d2f-11e3-9f40-00144feabdc0.html",
        140,
    ),
    PressItem(
        "business",
        (14, 8, 43),
        "JPMorgan cancels #AskJPM Twitter chat after backlash",
        "http://www.bloomberg.com/news/2013-11-14/jpmorgan-cancels-twitter-q-a-after-backlash.html",
        120,
    ),
    PressItem(
        "CNBC",
        (14, 9, 55),
        "JPMorgan's Twitter Q&A cancelled: 'Bad idea'",
        "http://www.cnbc.com/id/101197421",
        90,
    ),
    PressItem(
        "Reuters",
        (14, 10, 40),
        "JPMorgan scraps Twitter Q&A after social media backlash",
        "http://www.reuters.com/article/2013/11/14/us-jpmorgan-twitter-idUSBRE9AD0XY20131114",
        110,
    ),
    PressItem(
        "mashable",
        (14, 13, 5),
        "It's 1 p.m. Thursday, when #AskJPM was supposed to happen. Here's what happened instead",
        "http://mashable.com/2013/11/14/askjpm-what-happened/",
        120,
    ),
    PressItem(
        "HuffingtonPost",
        (14, 14, 32),
        "JPMorgan cancels #AskJPM after Twitter backlash: 'Bad idea'",
        "http://www.huffingtonpost.com/2013/11/14/jpmorgan-cancels-askjpm_n_4275170.html",
        140,
    ),
    PressItem(
        "business",
        (14, 15, 20),
        "WATCH: Why #AskJPM backfired on JPMorgan",
        "http://www.bloomberg.com/video/why-askjpm-backfired-on-jpmorgan-8sZ1uHqpTwW0Z~Yw.html",
        60,
    ),
    PressItem(
        "CNBC",
        (14, 16, 12),
        "VIDEO: The #AskJPM Twitter fail, explained",
        "http://video.cnbc.com/gallery/?video=3000219861",
        50,
    ),
    PressItem(
        "dealbook",
        (15, 7, 50),
        "Morning Agenda: JPMorgan's Twitter misstep",
        "http://dealbook.nytimes.com/2013/11/15/morning-agenda-jpmorgans-twitter-misstep/",
        30,
    ),
    PressItem(
        "FT",
        (15, 11, 10),
        "Lombard: The lesson of #AskJPM",
        "http://www.ft.com/cms/s/0/b1a27c5e-4e0a-11e3-8fa5-00144feabdc0.html",
        30,
    ),
)

ACTIVIST_POSTS = (
    # handle, EST time, text, retweets
    (
        "kevinroose",
        (13, 16, 38),
        "JPMorgan opened up a Twitter Q&A with the hashtag #AskJPM. You can probably guess how it's going.",
        190,
    ),
    (
        "alexisgoldstein",
        (13, 16, 52),
        "#AskJPM When Jamie Dimon called the London Whale a 'tempest in a teapot', how big was the teapot?",
        220,
    ),
    (
        "OccupyWallSt",
        (13, 17, 18),
        "#AskJPM Can we get a refund on the bailout, or is it store credit only?",
        620,
    ),
    (
        "alexisgoldstein",
        (13, 17, 40),
        "#AskJPM How much did the $920 million in London Whale fines cost your shareholders, and how much did it cost you?",
        100,
    ),
    (
        "OccupyWallStNYC",
        (13, 17, 46),
        "#AskJPM How many families did you foreclose on while taking bailout money? #OWS",
        490,
    ),
    (
        "OccupyWallSt",
        (13, 18, 7),
        "#AskJPM Did you budget for this hashtag the way you budget for fines?",
        450,
    ),
    (
        "kevinroose",
        (13, 18, 26),
        "The #AskJPM questions are getting darker by the minute. Some of the best so far: {url}",
        130,
    ),
    (
        "OccupyWallStNYC",
        (13, 18, 51),
        "#AskJPM When you say 'careers in banking', do you include the people you laid off? #occupy",
        310,
    ),
    (
        "OccupyWallSt",
        (13, 19, 22),
        "#AskJPM What percentage of your profits comes from breaking the law vs. lobbying to change it?",
        290,
    ),
    (
        "alexisgoldstein",
        (13, 20, 12),
        "Reminder that #AskJPM was supposed to be about careers. Career question: how many execs went to jail after 2008?",
        80,
    ),
    (
        "OccupyWallStNYC",
        (13, 20, 33),
        "Keep the questions coming: #AskJPM is trending and @jpmorgan can't stop it. #OWS",
        210,
    ),
    (
        "OccupyWallSt",
        (13, 21, 4),
        "#AskJPM is proof you can't PR your way out of a $13 billion settlement. #occupy",
        220,
    ),
    (
        "OccupyWallSt",
        (14, 0, 9),
        "JPMorgan just cancelled #AskJPM. The 99% had too many questions. #OWS",
        260,
    ),
    (
        "OccupyWallStNYC",
        (14, 12, 55),
        "It's almost 1pm. Remember when @jpmorgan thought #AskJPM was a good idea? #OWS",
        140,
    ),
    (
        "kevinroose",
        (15, 11, 5),
        "We asked an actor to read the best #AskJPM tweets aloud. Worth two minutes of your day: {url}",
        160,
    ),
)
ACTIVIST_URLS = {
    "kevinroose": (
        "http://nymag.com/daily/intelligencer/2013/11/best-questions-from-jpmorgans-twitter-q-a.html",
        "http://nymag.com/daily/intelligencer/2013/11/askjpm-tweets-read-aloud.html",
    ),
}


# How each category of background post gets varied (openers, closers).
CASUAL = {
    "career": ((), CAREER_CLOSERS),
    "positive": ((), CAREER_CLOSERS),
    "ironic": ((), QUESTION_CLOSERS),
    "hostile": ((), QUESTION_CLOSERS),
    "critical": ((), ()),
    "neutral": ((), ()),
    "mock": (COMMENT_OPENERS, COMMENT_CLOSERS),
    "cancel": (COMMENT_OPENERS, COMMENT_CLOSERS),
    "second": (COMMENT_OPENERS, COMMENT_CLOSERS),
    "press_share": (COMMENT_OPENERS, COMMENT_CLOSERS),
    "lessons": ((), LESSON_CLOSERS),
}


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.links = Links(self.rng)
        self.accounts = Accounts(self.rng)
        self.posts: list[Post] = []
        self._build_activity_clock()

    # -- helpers --------------------------------------------------------------------------

    def _build_activity_clock(self) -> None:
        # Retweet delays run on an "activity clock" that slows at night, so a cascade started
        # at 11 pm resumes in the morning instead of finishing while America sleeps.
        self.act = [0.0]
        self.act_rate = []
        for m in range(MINUTES):
            r = diurnal((m + 0.5) / 60)
            self.act_rate.append(r)
            self.act.append(self.act[-1] + r / 60)

    def to_act(self, h: float) -> float:
        m = min(MINUTES - 1, max(0, int(h * 60)))
        return self.act[m] + (h * 60 - m) * self.act_rate[m] / 60

    def from_act(self, a: float) -> float | None:
        m = bisect.bisect_right(self.act, a) - 1
        if m >= MINUTES:
            return None
        return (m + (a - self.act[m]) / (self.act_rate[m] / 60)) / 60

    def poisson(self, lam: float) -> int:
        if lam <= 0:
            return 0
        if lam > 40:
            return max(0, round(self.rng.gauss(lam, math.sqrt(lam))))
        limit, k, p = math.exp(-lam), 0, self.rng.random()
        while p > limit:
            k += 1
            p *= self.rng.random()
        return k

    def tag(self) -> str:
        return self.rng.choices(
            ("#AskJPM", "#askjpm", "#AskJpm", "#ASKJPM", "#askJPM", "#Askjpm"), (62, 22, 4, 4, 5, 3)
        )[0]

    def fill(self, template: str, t: Text, url: str | None = None, **extra: str) -> str:
        rng = self.rng
        values = {k: rng.choice(v) for k, v in SLOTS.items()}
        values.update({k: rng.choice(v) for k, v in NOISE_SLOTS.items()})
        values.update(extra)
        values["tag"] = extra.get("tag") or self.tag()
        if "{url}" in template:
            values["url"] = t.link(url) if url else ""
        return template.format(**values)

    def decorate(self, text: str, p_extra: float = 0.12, p_emoji: float = 0.07) -> str:
        rng = self.rng
        if rng.random() < p_extra:
            text += " " + rng.choice(EXTRA_TAGS)
        if rng.random() < p_emoji:
            text += " " + rng.choice(EMOJI)
        if rng.random() < 0.015:
            # The #AskJPMorgan variant rides along with the real tag, as people hedged.
            text += " #AskJPMorgan"
        return text

    def casual(
        self,
        text: str,
        openers: tuple[str, ...],
        closers: tuple[str, ...],
        p_open: float = 0.18,
        p_close: float = 0.2,
    ) -> str:
        """Vary a templated text the way people do: an aside, a tag-on, lower case."""
        rng = self.rng
        if openers and rng.random() < p_open and not text.startswith("@"):
            text = rng.choice(openers) + text
        if closers and rng.random() < p_close:
            text = text.rstrip() + rng.choice(closers)
        if rng.random() < 0.12:
            # Lower-case everything but the t.co links, whose codes are case-sensitive.
            parts = re.split(r"(http://t\.co/\w+)", text)
            text = "".join(part if part.startswith("http://t.co/") else part.lower() for part in parts)
        if text.endswith(".") and rng.random() < 0.3:
            text = text[:-1]
        return text

    def new_text(self) -> Text:
        return Text(self.links)

    def post(self, h: float, author: Account, text: str, t: Text | None = None, **kw) -> Post:
        assert len(text) <= 140, (len(text), text)
        p = Post(h=h, author=author, text=text, urls=t.urls if t else [], source=author.source, **kw)
        self.posts.append(p)
        return p

    # -- the cast ---------------------------------------------------------------------------

    def build_cast(self) -> None:
        acc, rng = self.accounts, self.rng
        self.brand = acc.add(
            "jpmorgan",
            "J.P. Morgan",
            "brand",
            200_412,
            verified=True,
            source="sprinklr",
            created=dt.datetime(2009, 2, 26, 15, 42, 10),
            growth=0.0012,
            friends=412,
            statuses=1840,
        )
        for handle, name, followers, year, src in PRESS_ACCOUNTS:
            acc.add(
                handle,
                name,
                "press",
                followers,
                verified=True,
                source=src,
                created=dt.datetime(
                    year,
                    rng.randrange(1, 13),
                    rng.randrange(1, 28),
                    rng.randrange(24),
                    rng.randrange(60),
                    rng.randrange(60),
                ),
                growth=0.0009,
                friends=rng.randrange(100, 1200),
                statuses=rng.randrange(30_000, 150_000),
            )
        acc.add(
            "kevinroose",
            "Kevin Roose",
            "journo",
            61_300,
            verified=True,
            source="web",
            created=dt.datetime(2008, 5, 14, 2, 11, 40),
            growth=0.004,
            friends=1200,
            statuses=14_200,
        )
        acc.add(
            "alexisgoldstein",
            "Alexis Goldstein",
            "activist",
            27_800,
            verified=False,
            source="tweetdeck",
            created=dt.datetime(2009, 3, 2, 18, 30, 5),
            growth=0.004,
            friends=2100,
            statuses=31_000,
        )
        acc.add(
            "OccupyWallSt",
            "#OccupyWallStreet",
            "activist",
            189_500,
            source="tweetdeck",
            created=dt.datetime(2011, 7, 13, 19, 2, 11),
            growth=0.0025,
            friends=900,
            statuses=16_500,
        )
        acc.add(
            "OccupyWallStNYC",
            "Occupy Wall Street",
            "activist",
            155_600,
            source="hootsuite",
            created=dt.datetime(2011, 9, 20, 22, 14, 3),
            growth=0.0025,
            friends=3100,
            statuses=41_000,
        )
        # Invented stand-ins for the private people the chronicles mention.
        acc.add("fin_joker", "Sam Okonkwo", "general", 640, source="iphone")
        acc.add("heavenly_q", "Brother Tom", "general", 1_230, source="web")
        acc.add("dimonwatch", "Dimon Watch", "activist", 4_350, source="tweetdeck")
        acc.add("laura_d_nyc", "Laura D.", "general", 2_050, source="iphone")
        acc.add("gtrent_jpm", "Greg Trent", "pr", 1_480, source="web")
        acc.add("regret_o_meter", "Nina Park", "pr", 6_900, source="tweetdeck")
        acc.add("econ_corresp", "Adam S.", "journo", 7_800, source="web")
        for _, _, _, _, handle, name, followers in HOSTILE_ANCHORS:
            acc.add(handle, name, "activist", followers, source=rng.choice(("web", "iphone", "tweetdeck")))
        self.students: list[Account] = []
        for i, (handle, name) in enumerate(
            (("kfinance15", "Kyle R."), ("jess_analyst", "Jessica Ma"), ("future_ib_guy", "Omar H."))
        ):
            self.students.append(acc.add(handle, name, "student", 140 + 90 * i, source="iphone"))
        self.noise_accounts = [
            acc.add("NYCFinanceJobs", "NYC Finance Jobs", "bot", 3_900, source="twitterfeed"),
            acc.add("BankJobsDaily", "Bank Jobs Daily", "bot", 1_700, source="twitterfeed"),
            acc.add("StreetTickWire", "Street Tick Wire", "bot", 12_400, source="twitterfeed"),
            acc.add("BankNewsFeed", "Bank News Feed", "bot", 5_600, source="twitterfeed"),
        ]
        acc.build_pool(21_000)

    # -- scripted story -----------------------------------------------------------------------

    def script(self) -> None:
        acc, rng = self.accounts, self.rng
        brand = self.brand
        self.brand_posts: list[Post] = []
        for when, text, n_rt in BRAND_POSTS:
            p = self.post(
                self.at(*when),
                brand,
                text,
                category="brand",
                n_rt=n_rt,
                rt_median=1.5,
                rt_sigma=1.0,
                fav_ratio=0.8,
                label="invitation",
            )
            self.brand_posts.append(p)
        # Genuine career questions answered by the brand.
        answers = (
            (
                (8, 11, 48),
                (8, 13, 20),
                self.students[0],
                "@jpmorgan How did Jimmy Lee get his start in banking? #AskJPM",
                "Great question! Jimmy will talk about how he got his start, tune in 11/14 at 1pm ET. #AskJPM",
            ),
            (
                (10, 13, 5),
                (10, 15, 12),
                self.students[1],
                "@jpmorgan Is the #AskJPM Q&A open to students or only to clients?",
                "Open to everyone, just use #AskJPM. See you Thursday 11/14 at 1pm ET! #TwitterTakeover",
            ),
            (
                (11, 9, 58),
                (11, 10, 31),
                self.students[2],
                "@jpmorgan Would Jimmy Lee recommend starting in a regional office? #AskJPM",
                "Thanks for the question, it's on the list for Jimmy. #AskJPM",
            ),
        )
        for qwhen, awhen, student, q, a in answers:
            qh = self.at(*qwhen)
            qp = self.post(qh, student, q, kind="reply", ref=self._latest_brand(qh), category="career")
            ap = self.post(
                self.at(*awhen),
                brand,
                f"@{student.handle} {a}",
                kind="reply",
                ref=qp,
                category="brand",
                n_rt=1,
                rt_median=1.0,
            )
            self.brand_posts.append(ap)
        self.brand_posts.sort(key=lambda p: p.h)

        # 11-11: the first weak signal, then the drift.
        joke_h = T_FIRST_JOKE + rng.random() / 60
        self.post(
            joke_h,
            acc.get("fin_joker"),
            ANCHOR_JOKE,
            kind="reply",
            ref=self._latest_brand(joke_h),
            category="ironic",
            n_rt=3,
            label="first weak signal",
        )
        self.post(
            joke_h + 2.7 / 60,
            acc.get("fin_joker"),
            ANCHOR_APOLOGY,
            kind="reply",
            ref=self._latest_brand(joke_h),
            category="positive",
            label="the apology",
        )
        self.post(
            est(11, 13, 41, 12),
            acc.get("heavenly_q"),
            ANCHOR_HEAVEN,
            category="ironic",
            n_rt=46,
            rt_median=2.0,
            revive=0.75,
            label="heaven",
        )
        t = self.new_text()
        self.post(
            est(11, 14, 56, 3),
            acc.get("dimonwatch"),
            ANCHOR_RAPSHEET.format(url=t.link(RAPSHEET_URL)),
            t,
            category="critical",
            n_rt=31,
            rt_median=2.0,
            revive=0.6,
            label="rap sheet",
        )
        ask = self.post(
            est(12, 15, 18, 40),
            acc.get("laura_d_nyc"),
            "@gtrent_jpm is the #AskJPM Q&A with Jimmy Lee on Thursday at 1pm ET? want to tell a few friends",
            kind="reply",
            reply_to=acc.get("gtrent_jpm"),
            category="neutral",
            label="relative asks the time",
        )
        self.post(
            est(12, 15, 33, 2),
            acc.get("gtrent_jpm"),
            "@laura_d_nyc Yes! Thursday 11/14, 1pm ET. Questions with #AskJPM",
            kind="reply",
            ref=ask,
            category="neutral",
        )

        # 11-13 from 16:00: the anchors of the storm.
        for label, when, template, n_rt, handle, _, _ in HOSTILE_ANCHORS:
            t = self.new_text()
            text = template
            if "{url}" in template:
                text = template.format(url=t.link("http://other98.com/dont-negotiate"))
            self.post(
                self.at(*when),
                acc.get(handle),
                text,
                t,
                category="hostile",
                n_rt=n_rt,
                rt_median=1.4,
                rt_sigma=1.0,
                fav_ratio=rng.uniform(0.5, 0.9),
                label=label,
            )
        self.post(
            est(13, 17, 12, 30),
            acc.get("regret_o_meter"),
            ANCHOR_REGRET,
            category="mock",
            n_rt=370,
            rt_median=1.3,
            rt_sigma=1.0,
            fav_ratio=0.7,
            label="regretting",
        )
        self.post(
            est(13, 17, 48, 9),
            acc.get("econ_corresp"),
            ANCHOR_ECONOMIST,
            category="mock",
            n_rt=430,
            rt_median=1.5,
            rt_sigma=1.0,
            fav_ratio=0.8,
            label="economist",
        )
        urls_used: dict[str, int] = {}
        for handle, when, template, n_rt in ACTIVIST_POSTS:
            t = self.new_text()
            text = template
            if "{url}" in template:
                i = urls_used.get(handle, 0)
                urls_used[handle] = i + 1
                text = template.format(url=t.link(ACTIVIST_URLS[handle][i]))
            self.post(
                self.at(*when),
                acc.get(handle),
                text,
                t,
                category="activist",
                n_rt=n_rt,
                rt_median=1.2,
                rt_sigma=1.0,
                fav_ratio=rng.uniform(0.4, 0.8),
                label=f"@{handle}",
            )
        self.press_items: list[tuple[float, PressItem]] = []
        for item in PRESS:
            t = self.new_text()
            h = self.at(*item.when)
            text = f"{item.headline} {t.link(item.url)}"
            self.post(
                h,
                acc.get(item.handle),
                text,
                t,
                category="press",
                n_rt=item.n_rt,
                rt_median=1.0,
                rt_sigma=1.1,
                fav_ratio=0.3,
                label=f"@{item.handle}",
            )
            self.press_items.append((h, item))
        self.cancel = self.post(
            T_CANCEL,
            self.brand,
            CANCEL_TEXT,
            category="brand",
            n_rt=1050,
            rt_median=1.1,
            rt_sigma=1.15,
            fav_ratio=0.55,
            label="cancellation",
        )
        self.brand_posts.append(self.cancel)

    def at(self, day: int, hour: int, minute: int) -> float:
        """A scripted minute, at a random second."""
        return est(day, hour, minute) + self.rng.random() / 60

    def _latest_brand(self, h: float) -> Post:
        best = self.brand_posts[0]
        for p in self.brand_posts:
            if p.h < h and not p.text.startswith("@"):
                best = p
        return best

    # -- background -----------------------------------------------------------------------

    def category_weights(self, h: float) -> dict[str, float]:
        pre = 1.0 - sigmoid((h - 110.0) / 5.0)
        neg = sigmoid((h - 107.5) / 1.0)
        storm = sigmoid((h - T_STORM - 0.1) / 0.15)
        late = math.exp(-max(0.0, h - 168.0) / 14.0)
        press = sigmoid((h - T_HUFFPOST) / 0.2)
        cancel = sigmoid((h - T_CANCEL) / 0.03)
        return {
            "career": 3.0 * pre + 0.08 * (1.0 - cancel),
            "neutral": 2.0 * pre + 0.06 * (1.0 - cancel),
            "positive": 1.2 * pre + 0.02 * (1.0 - cancel),
            "ironic": 4.0 * neg * (1.0 - 0.7 * storm),
            "critical": 1.0 * neg * (1.0 - 0.6 * storm),
            "hostile": 7.5 * storm * (0.35 + 0.65 * late),
            "mock": 2.6 * storm,
            "press_share": press * (0.8 + 2.5 * math.exp(-(((h - 176.0) / 7.0) ** 2))),
            "cancel": 5.0 * cancel * math.exp(-max(0.0, h - T_CANCEL) / 12.0),
            "second": 3.0 * math.exp(-(((h - T_QA) / 1.6) ** 2)),
            "lessons": 2.6 * sigmoid((h - 174.0) / 2.0),
            "foreign": 0.5 * storm + 1.6 * math.exp(-(((h - 173.0) / 4.0) ** 2)),
            "conversation": 1.6 * storm * (0.4 + 0.6 * late),
        }

    def background(self) -> None:
        rng = self.rng
        scripted = sorted(self.posts, key=lambda p: p.h)
        self.candidates: list[Post] = []
        si = 0
        for m in range(MINUTES):
            h0 = m / 60
            while si < len(scripted) and scripted[si].h < h0 + 1 / 60:
                if scripted[si].n_rt >= 15:
                    self.candidates.append(scripted[si])
                si += 1
            d = diurnal(h0 + 1 / 120)
            lam = original_rate(h0 + 1 / 120) * d / 60
            # Unrelated "jpmorgan" chatter (jobs, share price) that the track keyword also
            # catches: a steady trickle the analyst has to filter out.
            for _ in range(self.poisson(0.45 * d / 60)):
                self.make_noise(h0 + rng.random() / 60)
            n = self.poisson(lam)
            if not n:
                continue
            weights = self.category_weights(h0 + 1 / 120)
            cats, ws = list(weights), list(weights.values())
            for _ in range(n):
                h = h0 + rng.random() / 60
                cat = rng.choices(cats, ws)[0]
                p = self.make(cat, h)
                if p is not None and p.n_rt >= 15 and p.kind != "quote":
                    self.candidates.append(p)

    def heat(self, h: float) -> float:
        """Mean retweets a 300-follower account's post gets at time h."""
        storm = sigmoid((h - T_STORM) / 0.2)
        return 0.05 + 0.2 * storm * (0.3 + 0.7 * math.exp(-max(0.0, h - T_STORM) / 10.0))

    def assign_retweets(self, p: Post, factor: float) -> None:
        rng = self.rng
        mu = self.heat(p.h) * factor * (max(p.author.followers, 10) / 300.0) ** 0.55
        p.n_rt = min(500, self.poisson(mu * rng.gammavariate(0.28, 1 / 0.28)))
        p.rt_median = rng.uniform(0.3, 1.0)
        p.rt_sigma = rng.uniform(0.9, 1.4)
        p.fav_ratio = rng.uniform(0.3, 1.0)

    def pick_author(self, cat: str, lang: str = "en") -> Account:
        rng = self.rng
        mix = {
            "career": (("student", "finance", "general"), (70, 20, 10)),
            "neutral": (("finance", "general", "journo"), (40, 45, 15)),
            "positive": (("student", "finance", "general"), (40, 30, 30)),
            "ironic": (("general", "activist", "finance"), (60, 30, 10)),
            "critical": (("activist", "general"), (70, 30)),
            "hostile": (("general", "activist", "finance"), (60, 35, 5)),
            "mock": (("general", "pr", "journo", "finance"), (50, 20, 15, 15)),
            "press_share": (("general", "journo", "finance", "pr"), (60, 15, 15, 10)),
            "cancel": (("general", "pr", "journo", "activist"), (60, 15, 10, 15)),
            "second": (("general", "activist"), (70, 30)),
            "lessons": (("pr", "journo", "general"), (70, 10, 20)),
            "conversation": (("general", "activist"), (70, 30)),
        }
        if lang != "en":
            return self.accounts.picker(
                ("general", "activist", "finance", "student", "pr", "journo"), (lang,)
            ).pick(rng)
        personas, weights = mix[cat]
        persona = rng.choices(personas, weights)[0]
        return self.accounts.picker((persona,)).pick(rng)

    def make_noise(self, h: float) -> None:
        rng = self.rng
        template, src = rng.choice(NOISE)
        t = self.new_text()
        author = rng.choice(self.noise_accounts)
        text = self.fill(
            template,
            t,
            url="http://bit.ly/"
            + "".join(
                rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(7)
            ),
        )
        p = self.post(h, author, text, t, category="noise")
        p.source = _SOURCES[src]
        p.n_rt = 1 if rng.random() < 0.05 else 0

    def _question(self, pool: tuple[str, ...], t: Text) -> tuple[str, bool]:
        """A question post and whether it opens with @jpmorgan."""
        rng = self.rng
        q = self.fill(rng.choice(pool), t)
        tag = self.tag()
        r = rng.random()
        if r < 0.5:
            text = f"{q} {tag}"
        elif r < 0.68:
            text = f"{tag} {q}"
        else:
            lead = rng.choice(HOSTILE_LEADS)
            if lead.endswith(", ") and q[:2] not in ("I'", "I "):
                q = q[0].lower() + q[1:]
            text = f"{lead}{q} {tag}"
        return self.decorate(text), text.startswith("@jpmorgan")

    def _press_share(self, h: float, t: Text) -> str:
        rng = self.rng
        published = [(ph, item) for ph, item in self.press_items if ph < h]
        if not published:
            return self.fill(rng.choice(MOCK_POSTS), t)
        # Fresh stories get shared most; older ones keep trickling.
        ws = [
            math.exp(-(h - ph) / 8.0) * (1 + math.log10(self.accounts.get(i.handle).followers))
            for ph, i in published
        ]
        _, item = rng.choices(published, ws)[0]
        template = rng.choice(PRESS_SHARES)
        url = item.url
        if "via @" not in template and rng.random() < 0.25:
            url = "http://bit.ly/" + "".join(
                rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(7)
            )
        return self.fill(template, t, url=url, headline=item.headline, press=item.handle)

    def make(self, cat: str, h: float) -> Post | None:
        rng = self.rng
        for _ in range(30):
            t = self.new_text()
            kind, ref, reply_to, lang = "original", None, None, "en"
            factor = 1.0
            if cat == "career":
                text, lead = self._question(CAREER_QUESTIONS, t)
                factor = 0.3
            elif cat == "neutral":
                text = self.fill(rng.choice(NEUTRAL_SHARES), t, url=self.brand_link())
                lead = False
                factor = 0.5
            elif cat == "positive":
                text, lead, factor = self.fill(rng.choice(POSITIVE_POSTS), t), False, 0.3
            elif cat == "ironic":
                text, lead = self._question(IRONIC_QUESTIONS, t)
            elif cat == "hostile":
                text, lead = self._question(HOSTILE_QUESTIONS, t)
                factor = 1.2
            elif cat == "critical":
                template, url = rng.choice(CRITICAL_LINKS)
                text, lead = self.decorate(self.fill(template, t, url=url)), False
            elif cat == "mock":
                text, lead = self.decorate(self.fill(rng.choice(MOCK_POSTS), t), 0.06, 0.1), False
            elif cat == "press_share":
                text, lead, factor = self._press_share(h, t), False, 0.4
            elif cat == "cancel":
                if h < T_CANCEL:
                    return None
                # The cancellation itself drew a crowd of quotes and replies.
                r = rng.random()
                if r < 0.45:
                    return self.make_conversation(h, self.cancel, quote=r < 0.3)
                text, lead, factor = (
                    self.decorate(self.fill(rng.choice(CANCEL_REACTIONS), t), 0.08, 0.12),
                    False,
                    0.8,
                )
            elif cat == "second":
                text, lead = self.decorate(self.fill(rng.choice(SECOND_WAVE), t), 0.08, 0.1), False
            elif cat == "lessons":
                text, lead, factor = self.fill(rng.choice(LESSONS), t, url=self.blog_link()), False, 0.5
            elif cat == "foreign":
                lang = rng.choices(("es", "fr", "de", "pt", "ja"), (30, 22, 18, 18, 12))[0]
                text = self.fill(
                    rng.choice(FOREIGN[lang]),
                    t,
                    url=rng.choice(FOREIGN_LINKS[lang]),
                    tag=rng.choice(("#AskJPM", "#AskJPM", "#askjpm")),
                )
                lead, factor = False, 0.8
            elif cat == "conversation":
                return self.make_conversation(h)
            else:
                raise ValueError(cat)
            if cat in CASUAL:
                text = self.casual(text, *CASUAL[cat])
            if len(text) > 140:
                continue
            author = self.pick_author(cat, lang)
            if lead:
                # A tweet opening with @jpmorgan is a reply in v1.1 even without a target
                # status; about half were sent with the reply button, which adds one.
                if rng.random() < 0.55:
                    kind, ref = "reply", self._latest_brand(h)
                else:
                    kind, reply_to = "reply", self.brand
            p = self.post(h, author, text, t, kind=kind, ref=ref, reply_to=reply_to, lang=lang, category=cat)
            if rng.random() < 0.0012 and cat in ("hostile", "ironic") and h > T_STORM:
                # Second thoughts: a few hostile posts are deleted minutes later.
                p.delete_after = rng.uniform(0.05, 1.5)
            else:
                self.assign_retweets(p, factor)
            return p
        return None

    def brand_link(self) -> str:
        return "http://www.jpmorgan.com/pages/jpmorgan/twittertakeover"

    def blog_link(self) -> str:
        rng = self.rng
        slug = rng.choice(
            (
                "lessons-from-askjpm",
                "askjpm-social-media-fail",
                "what-brands-can-learn-from-askjpm",
                "askjpm-hashtag-hijack",
                "jpmorgan-twitter-qa-crisis",
            )
        )
        site = rng.choice(
            (
                "http://www.prdaily.com/Main/Articles/",
                "http://www.ragan.com/Main/Articles/",
                "http://www.socialmediatoday.com/content/",
                "http://blogs.hbr.org/2013/11/",
                "http://www.forbes.com/sites/",
                "http://www.fastcompany.com/",
            )
        )
        return f"{site}{slug}"

    def make_conversation(
        self, h: float, target: Post | None = None, quote: bool | None = None
    ) -> Post | None:
        """A reply to, or a quote of, a post people are talking about (by default, one picked
        by how much it is being retweeted and how fresh it is)."""
        rng = self.rng
        if target is None:
            live = [c for c in self.candidates if 0.01 < h - c.h < 30]
            if not live:
                return None
            ws = [c.n_rt * math.exp(-(h - c.h) / 3.0) for c in live]
            target = rng.choices(live, ws)[0]
        author = self.pick_author("conversation")
        if author is target.author:
            return None
        t = self.new_text()
        is_brand = target.author is self.brand
        if quote is None:
            quote = rng.random() < 0.33
        if quote:
            if target is self.cancel:
                comment = self.fill(rng.choice(QUOTE_CANCEL), t)
            elif is_brand:
                comment = self.fill(rng.choice(QUOTE_BRAND), t)
            else:
                comment = self.fill(rng.choice(QUOTE_COMMENTS), t)
            # Later-format quote: the comment carries a link to the quoted status, whose id
            # is only known once ids are assigned; the t.co url is fixed now.
            comment = self.casual(comment, COMMENT_OPENERS, COMMENT_CLOSERS, 0.15, 0.15)
            link = t.link("QUOTED")
            text = f"{comment} {link}"
            if len(text) > 140:
                return None
            p = self.post(h, author, text, t, kind="quote", ref=target, category="conversation")
            return p
        if target is self.cancel:
            text = self.casual(self.fill(rng.choice(REPLY_CANCEL), t), (), COMMENT_CLOSERS, 0.0, 0.2)
        elif is_brand:
            text, _ = self._question(HOSTILE_QUESTIONS, t)
            if not text.startswith("@jpmorgan"):
                text = "@jpmorgan " + text
        else:
            text = self.casual(
                self.fill(rng.choice(CONVERSATION), t, h=target.author.handle), (), COMMENT_CLOSERS, 0.0, 0.25
            )
        if len(text) > 140:
            return None
        p = self.post(h, author, text, t, kind="reply", ref=target, category="conversation")
        self.assign_retweets(p, 0.1)
        return p

    # -- retweet cascades ------------------------------------------------------------------

    def cascades(self) -> None:
        rng = self.rng
        picker = self.accounts.retweeter_picker()
        storm_act = self.to_act(T_STORM + 0.5)
        retweets: list[Post] = []
        for p in list(self.posts):
            if p.n_rt <= 0 or p.kind == "quote":
                continue
            seen = {id(p.author)}
            a0 = self.to_act(p.h)
            for _ in range(p.n_rt):
                if p.revive and rng.random() < p.revive:
                    # Early critical posts were rediscovered and passed on once the storm began.
                    a = max(a0, storm_act) + rng.lognormvariate(math.log(0.8), 1.0)
                else:
                    a = a0 + rng.lognormvariate(math.log(p.rt_median), p.rt_sigma)
                h = self.from_act(a)
                if h is None or h >= WINDOW_H:
                    continue
                # Nobody retweets within two seconds; it also keeps ids after the original's.
                h = max(h, p.h + 2 / 3600)
                for _ in range(20):
                    who = picker.pick(rng)
                    if id(who) not in seen:
                        break
                seen.add(id(who))
                retweets.append(
                    Post(
                        h=h,
                        author=who,
                        kind="retweet",
                        ref=p,
                        lang=p.lang,
                        text=p.text,
                        source=who.source,
                        category="retweet",
                    )
                )
        self.posts.extend(retweets)

    # -- output ----------------------------------------------------------------------------

    def assign_ids(self) -> None:
        rng = self.rng
        self.posts.sort(key=lambda p: p.h)
        used: set[int] = set()
        last_ms, seq = -1, 0
        for p in self.posts:
            p.ms = ms_of(p.h)
            seq = seq + 1 if p.ms == last_ms else rng.randrange(0, 4)
            last_ms = p.ms
            pid = ((p.ms - TWITTER_EPOCH_MS) << 22) | (rng.randrange(0, 1024) << 12) | seq
            while pid in used:
                pid += 1
            used.add(pid)
            p.id = pid
        # Within a millisecond the random worker bits may reorder ids; keep the file sorted by
        # id, which is also time order at millisecond resolution.
        self.posts.sort(key=lambda p: p.id)

    def run(self) -> list[Post]:
        self.build_cast()
        self.script()
        self.background()
        self.cascades()
        self.assign_ids()
        return self.posts


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------

_HASHTAG = re.compile(r"(?<![\w&])#(\w*[^\W\d]\w*)")
_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")
_SYMBOL = re.compile(r"(?<![\w$])\$([A-Za-z]{1,6})(?![\w])")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escaped_offsets(text: str) -> list[int]:
    """Map a code-point index in the raw text to its index in the HTML-escaped text.

    v1.1 entity indices count code points of the escaped ``text`` as delivered.
    """
    out, pos = [0], 0
    for ch in text:
        pos += 5 if ch == "&" else 4 if ch in "<>" else 1
        out.append(pos)
    return out


def raw_entities(text: str, urls: list[tuple[str, str]], accounts: Accounts) -> list[tuple]:
    """Entities of a raw text as (kind, start, end, payload), in raw code-point indices."""
    found = []
    url_spans = []
    for tco, expanded in urls:
        i = text.find(tco)
        if i >= 0:
            found.append(("url", i, i + len(tco), (tco, expanded)))
            url_spans.append((i, i + len(tco)))

    def inside_url(i: int) -> bool:
        return any(a <= i < b for a, b in url_spans)

    for m in _HASHTAG.finditer(text):
        if not inside_url(m.start()):
            found.append(("hashtag", m.start(), m.end(), m.group(1)))
    for m in _MENTION.finditer(text):
        if not inside_url(m.start()):
            acct = accounts.by_handle.get(m.group(1).lower())
            if acct is not None:
                found.append(("mention", m.start(), m.end(), acct))
    for m in _SYMBOL.finditer(text):
        found.append(("symbol", m.start(), m.end(), m.group(1)))
    found.sort(key=lambda e: e[1])
    return found


def entities_json(text: str, found: list[tuple]) -> dict:
    off = escaped_offsets(text)
    ent = {"hashtags": [], "symbols": [], "urls": [], "user_mentions": []}
    for kind, a, b, payload in found:
        idx = [off[a], off[b]]
        if kind == "hashtag":
            ent["hashtags"].append({"text": payload, "indices": idx})
        elif kind == "symbol":
            ent["symbols"].append({"text": payload, "indices": idx})
        elif kind == "mention":
            ent["user_mentions"].append(
                {
                    "screen_name": payload.handle,
                    "name": payload.name,
                    "id": payload.uid,
                    "id_str": str(payload.uid),
                    "indices": idx,
                }
            )
        else:
            tco, expanded = payload
            ent["urls"].append(
                {"url": tco, "expanded_url": expanded, "display_url": display_url(expanded), "indices": idx}
            )
    return ent


class Writer:
    def __init__(self, gen: Generator):
        self.gen = gen
        self.accounts = gen.accounts
        self._raw_cache: dict[int, list[tuple]] = {}

    def urls_of(self, p: Post) -> list[tuple[str, str]]:
        if p.kind == "quote":
            return [
                (
                    tco,
                    f"https://twitter.com/{p.ref.author.handle}/status/{p.ref.id}"
                    if exp == "QUOTED"
                    else exp,
                )
                for tco, exp in p.urls
            ]
        return p.urls

    def found(self, p: Post) -> list[tuple]:
        key = id(p)
        if key not in self._raw_cache:
            self._raw_cache[key] = raw_entities(p.text, self.urls_of(p), self.accounts)
        return self._raw_cache[key]

    def status(self, p: Post, h: float) -> dict:
        """The status object of a non-retweet post, as seen at time h (counts drift)."""
        rt = p.rt_seen if h > p.h else 0
        fav = p.fav_seen if h > p.h else 0
        reply_status = p.ref if p.kind == "reply" else None
        reply_user = reply_status.author if reply_status else p.reply_to
        d = {
            "created_at": twitter_time(dt.datetime.fromtimestamp(p.ms / 1000, dt.timezone.utc)),
            "id": p.id,
            "id_str": str(p.id),
            "text": escape(p.text),
            "source": p.source,
            "truncated": False,
            "in_reply_to_status_id": reply_status.id if reply_status else None,
            "in_reply_to_status_id_str": str(reply_status.id) if reply_status else None,
            "in_reply_to_user_id_str": str(reply_user.uid) if reply_user else None,
            "in_reply_to_screen_name": reply_user.handle if reply_user else None,
            "user": p.author.to_json(h),
        }
        if p.kind == "quote":
            d["quoted_status_id"] = p.ref.id
            d["quoted_status_id_str"] = str(p.ref.id)
            d["quoted_status"] = self.status(p.ref, h)
        d["is_quote_status"] = p.kind == "quote"
        d["retweet_count"] = rt
        d["favorite_count"] = fav
        d["entities"] = entities_json(p.text, self.found(p))
        d["lang"] = p.lang
        return d

    def retweet(self, p: Post) -> dict:
        orig = p.ref
        prefix = f"RT @{orig.author.handle}: "
        full = prefix + orig.text
        keep = len(full)
        text = full
        if len(full) > 140:
            # v1.1 cuts the retweet text to 140 characters; the whole original is only in
            # retweeted_status.
            keep = 139
            text = full[:139] + "\u2026"
        found = [("mention", 3, 3 + 1 + len(orig.author.handle), orig.author)]
        for kind, a, b, payload in self.found(orig):
            a2, b2 = a + len(prefix), b + len(prefix)
            if b2 <= keep:
                found.append((kind, a2, b2, payload))
        inner = self.status(orig, p.h + 1e-9)
        return {
            "created_at": twitter_time(dt.datetime.fromtimestamp(p.ms / 1000, dt.timezone.utc)),
            "id": p.id,
            "id_str": str(p.id),
            "text": escape(text),
            "source": p.source,
            "truncated": False,
            "in_reply_to_status_id": None,
            "in_reply_to_status_id_str": None,
            "in_reply_to_user_id_str": None,
            "in_reply_to_screen_name": None,
            "user": p.author.to_json(p.h),
            "retweeted_status": inner,
            "is_quote_status": False,
            "retweet_count": orig.rt_seen,
            "favorite_count": 0,
            "entities": entities_json(text, found),
            "lang": orig.lang,
        }

    def lines(self):
        """Yield the archive's JSON objects in file order: statuses, delete and limit notices."""
        rng = self.gen.rng
        posts = self.gen.posts
        notices: list[tuple[int, dict]] = []
        for p in posts:
            if p.delete_after is not None:
                notices.append(
                    (
                        ms_of(p.h + p.delete_after),
                        {
                            "delete": {
                                "status": {
                                    "id": p.id,
                                    "id_str": str(p.id),
                                    "user_id": p.author.uid,
                                    "user_id_str": str(p.author.uid),
                                }
                            }
                        },
                    )
                )
        # Un-retweets also arrive as deletes, and the stream sends deletes for statuses the
        # collector never saw.
        rts = [p for p in posts if p.kind == "retweet" and T_STORM < p.h < T_CANCEL]
        for p in rng.sample(rts, 2):
            notices.append(
                (
                    ms_of(p.h + rng.uniform(0.1, 2.0)),
                    {
                        "delete": {
                            "status": {
                                "id": p.id,
                                "id_str": str(p.id),
                                "user_id": p.author.uid,
                                "user_id_str": str(p.author.uid),
                            }
                        }
                    },
                )
            )
        for h in (est(13, 19, 41, 7), est(14, 9, 3, 55)):
            ghost = ((ms_of(h) - 86_400_000 * 3 - TWITTER_EPOCH_MS) << 22) | (rng.randrange(1024) << 12)
            user = rng.choice(self.accounts.pool)
            notices.append(
                (
                    ms_of(h),
                    {
                        "delete": {
                            "status": {
                                "id": ghost,
                                "id_str": str(ghost),
                                "user_id": user.uid,
                                "user_id_str": str(user.uid),
                            }
                        }
                    },
                )
            )
        for h, n in ((est(13, 18, 47, 12), 12), (est(13, 19, 58, 30), 57)):
            ms = ms_of(h) + rng.randrange(1000)
            notices.append((ms, {"limit": {"track": n, "timestamp_ms": str(ms)}}))
        notices.sort(key=lambda x: x[0])

        ni = 0
        for p in posts:
            while ni < len(notices) and notices[ni][0] <= p.ms:
                yield notices[ni][1]
                ni += 1
            p.author.posted += 1
            if p.kind == "retweet":
                orig = p.ref
                orig.rt_seen += 1
                orig.fav_seen = max(orig.fav_seen, int(orig.rt_seen * orig.fav_ratio + rng.random()))
                yield self.retweet(p)
            else:
                yield self.status(p, p.h)
        for _, n in notices[ni:]:
            yield n


def dumps(obj: dict) -> str:
    # Twitter's JSON was compact, ASCII-only (emoji as surrogate-pair escapes) and escaped "/".
    return json.dumps(obj, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


def generate(path: str | os.PathLike = DEFAULT_OUT, seed: int = DEFAULT_SEED) -> dict:
    """Write the archive to ``path``; return a few counts for the caller to report."""
    path = Path(path)
    gen = Generator(seed)
    posts = gen.run()
    writer = Writer(gen)
    tmp = path.with_name(path.name + ".tmp")
    lines = 0
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        for obj in writer.lines():
            gz.write(dumps(obj).encode("ascii") + b"\n")
            lines += 1
    os.replace(tmp, path)
    kinds: dict[str, int] = {}
    categories: dict[str, int] = {}
    for p in posts:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
        if p.kind != "retweet":
            categories[p.category] = categories.get(p.category, 0) + 1
    anchors = [
        (
            p.label,
            p.author.handle,
            twitter_time(dt.datetime.fromtimestamp(p.ms / 1000, dt.timezone.utc)),
            p.rt_seen,
            p.text,
        )
        for p in posts
        if p.label
    ]
    return {
        "path": str(path),
        "lines": lines,
        "posts": len(posts),
        "kinds": kinds,
        "categories": categories,
        "anchors": anchors,
        "bytes": path.stat().st_size,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    ap.add_argument("-o", "--out", default=str(DEFAULT_OUT), help="output file (default: %(default)s)")
    args = ap.parse_args(argv)
    info = generate(args.out, args.seed)
    print(
        f"wrote {info['path']}: {info['posts']} posts ({', '.join(f'{k} {v}' for k, v in sorted(info['kinds'].items()))}), "
        f"{info['lines']} lines, {info['bytes'] / 1e6:.2f} MB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
