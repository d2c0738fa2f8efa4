#!/usr/bin/env python3
"""Write a large synthetic Twitter archive for the benchmarks (standard library only).

    python bench/generate_archive.py --posts 1000000 --format v1 -o bench/data/v1_1m.jsonl
    python bench/generate_archive.py --posts 1000000 --format v2 --gzip -o bench/data/v2_1m.jsonl.gz

Formats
  v1  Twitter API v1.1 streaming: one status object per line, with the full user object,
      entities, ``retweeted_status`` on retweets and ``quoted_status`` on quotes, and the
      filler fields real statuses carry (profile colours and image URLs, ``source`` HTML,
      ``place``: null, ...), so a status is 2-3 KB and a retweet about twice that.
  v2  Twitter API v2 as twarc2 writes it: one response page per line,
      ``{"data": [<= 100 tweets], "includes": {"users", "tweets"}, "meta", "__twarc"}``.

What the archive looks like
  * ``--posts`` posts (v1 lines, or v2 ``data`` tweets), in time order, over ``--days`` days
    from ``--start`` with a diurnal cycle and an incident burst (a sharp rise about 40% of the
    way in, decaying over ~10 hours; the peak minute is ~20x a quiet one).
  * Ids are 19-digit snowflakes (ms since the Twitter epoch << 22 | random low bits), all
    above 2**53 and strictly increasing with time.
  * A pool of ~posts/10 accounts (account 0 is the brand, @NorthwindBank) with log-normal
    follower counts (median ~300, a long tail to millions); heavy posters are few.
  * ``--retweet-share`` of posts (default 0.5) are retweets of earlier originals. Which
    original is retweeted is drawn by weight from a bounded pool of the most "famous" recent
    originals: fame is Pareto-distributed, higher during the burst and for big accounts, and
    decays over ~12 hours, so a few originals get thousands of retweets and most get none.
    A retweet's text is ``("RT @handle: " + original text)`` cut to 140 characters (no ellipsis).
  * About 1% of posts are replies and 3% quotes (of earlier originals); the rest are originals
    built from ~50 templates plus random words, hashtags, mentions, emoji and links, so
    originals are almost all distinct. Texts are HTML-escaped (``&amp;``, ``&lt;``) as Twitter
    sends them; ~8% are in other languages.

Memory stays bounded whatever ``--posts`` is: accounts are derived from a hash of their number
(with a small cache), and only the retweet pool (a few thousand originals) is kept. The same
``--seed`` and arguments always give byte-identical output.
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import hashlib
import heapq
import json
import math
import os
import random
import sys
import time
from datetime import datetime, timezone
from functools import lru_cache
from statistics import NormalDist

TWITTER_EPOCH_MS = 1288834974657
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

BRAND = "NorthwindBank"
BRAND_NAME = "Northwind Bank"

# ---------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------
WORDS = [
    "account",
    "app",
    "access",
    "balance",
    "bank",
    "branch",
    "card",
    "cash",
    "charge",
    "check",
    "code",
    "customer",
    "data",
    "day",
    "deposit",
    "desk",
    "direct",
    "email",
    "error",
    "fee",
    "fix",
    "friday",
    "glitch",
    "help",
    "hold",
    "hour",
    "info",
    "issue",
    "line",
    "link",
    "loan",
    "login",
    "machine",
    "manager",
    "message",
    "minute",
    "money",
    "monday",
    "morning",
    "night",
    "notice",
    "online",
    "order",
    "page",
    "password",
    "payment",
    "payroll",
    "people",
    "phone",
    "problem",
    "queue",
    "rent",
    "reply",
    "screen",
    "server",
    "service",
    "site",
    "staff",
    "status",
    "support",
    "system",
    "team",
    "text",
    "thing",
    "time",
    "today",
    "transfer",
    "transaction",
    "update",
    "user",
    "wallet",
    "week",
    "weekend",
    "while",
    "window",
    "work",
    "year",
    "again",
    "already",
    "always",
    "anyone",
    "anything",
    "ever",
    "everyone",
    "finally",
    "just",
    "maybe",
    "never",
    "now",
    "once",
    "only",
    "really",
    "seriously",
    "somehow",
    "still",
    "today",
    "tonight",
    "totally",
    "very",
    "yet",
    "actually",
    "apparently",
    "basically",
    "clearly",
    "honestly",
    "literally",
    "obviously",
    "probably",
    "simply",
    "surely",
    "afternoon",
    "airport",
    "bill",
    "budget",
    "bus",
    "car",
    "child",
    "coffee",
    "dinner",
    "doctor",
    "family",
    "flight",
    "food",
    "grocery",
    "holiday",
    "house",
    "kid",
    "landlord",
    "lunch",
    "mortgage",
    "office",
    "paycheck",
    "pharmacy",
    "school",
    "shop",
    "store",
    "student",
    "taxi",
    "train",
    "trip",
    "uber",
    "vacation",
    "wedding",
    "wife",
    "husband",
    "mom",
    "dad",
    "sister",
    "brother",
    "friend",
    "boss",
    "colleague",
    "neighbour",
    "amount",
    "cent",
    "dollar",
    "euro",
    "pound",
    "thousand",
    "hundred",
    "million",
    "number",
    "percent",
    "price",
    "rate",
    "total",
    "zero",
    "again",
    "back",
    "down",
    "off",
    "on",
    "out",
    "over",
    "through",
    "up",
    "away",
    "around",
    "across",
    "along",
    "behind",
    "between",
    "inside",
    "about",
    "above",
    "after",
    "against",
    "among",
    "before",
    "below",
    "beside",
    "beyond",
    "during",
    "except",
    "following",
    "near",
    "since",
    "until",
    "upon",
    "within",
    "without",
    "big",
    "small",
    "long",
    "short",
    "new",
    "old",
    "high",
    "low",
    "early",
    "late",
    "fast",
    "slow",
    "full",
    "empty",
    "open",
    "closed",
    "main",
    "same",
    "other",
    "next",
    "last",
    "first",
    "second",
    "third",
    "whole",
    "entire",
    "simple",
    "public",
    "private",
    "local",
    "global",
    "digital",
    "mobile",
    "central",
    "national",
    "regional",
    "weekly",
    "monthly",
    "daily",
    "annual",
    "morning",
    "tomorrow",
    "yesterday",
    "tuesday",
    "wednesday",
    "thursday",
    "saturday",
    "sunday",
    "january",
    "november",
    "december",
    "spring",
    "summer",
    "autumn",
    "winter",
    "north",
    "south",
    "east",
    "west",
    "city",
    "town",
    "street",
    "road",
    "avenue",
    "minutes",
    "hours",
    "days",
    "weeks",
    "months",
    "calls",
    "emails",
    "texts",
    "screens",
    "codes",
    "errors",
    "accounts",
    "payments",
    "cards",
    "fees",
    "branches",
    "systems",
    "updates",
    "messages",
    "customers",
    "users",
    "people",
    "folks",
    "everybody",
    "nobody",
    "somebody",
    "something",
    "nothing",
    "everything",
    "someone",
    "whatever",
    "however",
    "therefore",
    "meanwhile",
]

POSITIVE = [
    "good",
    "great",
    "love",
    "thanks",
    "thank",
    "happy",
    "glad",
    "awesome",
    "amazing",
    "excellent",
    "fantastic",
    "helpful",
    "nice",
    "kind",
    "perfect",
    "relieved",
    "resolved",
    "fixed",
    "brilliant",
    "appreciate",
    "wonderful",
    "best",
    "better",
    "smooth",
    "fast",
    "pleased",
    "impressed",
    "calm",
    "patient",
    "fair",
    "reliable",
    "quick",
    "friendly",
    "super",
    "cool",
    "lovely",
    "superb",
]

NEGATIVE = [
    "bad",
    "terrible",
    "awful",
    "hate",
    "angry",
    "furious",
    "broken",
    "useless",
    "disgusting",
    "horrible",
    "worst",
    "worse",
    "ridiculous",
    "pathetic",
    "shocking",
    "unacceptable",
    "frustrated",
    "annoyed",
    "scam",
    "fraud",
    "stolen",
    "lost",
    "disappointed",
    "disaster",
    "nightmare",
    "outrageous",
    "stupid",
    "slow",
    "failed",
    "failing",
    "fail",
    "mess",
    "chaos",
    "incompetent",
    "joke",
    "sad",
    "upset",
    "scared",
    "worried",
    "stressed",
    "crash",
    "crashed",
    "down",
    "dead",
    "missing",
    "rude",
]

HASHTAGS = [
    "NorthwindDown",
    "NorthwindOutage",
    "BankOutage",
    "outage",
    "fail",
    "banking",
    "fintech",
    "help",
    "customerservice",
    "mondaymotivation",
    "money",
    "payday",
    "rent",
    "crisis",
    "breaking",
    "news",
    "update",
    "cybersecurity",
    "databreach",
    "fraud",
    "scam",
    "boycott",
    "StillDown",
    "fixit",
    "tech",
    "uk",
    "us",
    "finance",
    "personalfinance",
]

EMOJI = ["😡", "🤬", "😤", "😭", "😂", "🙄", "💸", "🔥", "👍", "👎", "❤️", "🙏", "😱", "💀", "✅", "⚠️"]

OTHER_LANGS = {
    "es": [
        "banco",
        "cuenta",
        "tarjeta",
        "dinero",
        "error",
        "servicio",
        "cliente",
        "problema",
        "hoy",
        "otra",
        "vez",
        "nunca",
        "siempre",
        "gracias",
        "malo",
        "terrible",
        "horrible",
        "bien",
        "muy",
        "por",
        "favor",
        "ayuda",
        "caído",
        "pago",
    ],
    "fr": [
        "banque",
        "compte",
        "carte",
        "argent",
        "erreur",
        "service",
        "client",
        "problème",
        "encore",
        "jamais",
        "toujours",
        "merci",
        "nul",
        "horrible",
        "bien",
        "très",
        "aide",
        "panne",
        "paiement",
        "aujourd'hui",
    ],
    "de": [
        "Bank",
        "Konto",
        "Karte",
        "Geld",
        "Fehler",
        "Dienst",
        "Kunde",
        "Problem",
        "heute",
        "wieder",
        "nie",
        "immer",
        "danke",
        "schlecht",
        "schrecklich",
        "gut",
        "sehr",
        "Hilfe",
        "Ausfall",
        "Zahlung",
    ],
    "pt": [
        "banco",
        "conta",
        "cartão",
        "dinheiro",
        "erro",
        "serviço",
        "cliente",
        "problema",
        "hoje",
        "de",
        "novo",
        "nunca",
        "sempre",
        "obrigado",
        "ruim",
        "péssimo",
        "bom",
        "muito",
        "ajuda",
        "fora",
        "pagamento",
    ],
    "ja": [
        "銀行",
        "口座",
        "カード",
        "お金",
        "エラー",
        "サービス",
        "障害",
        "今日",
        "また",
        "ひどい",
        "最悪",
        "ありがとう",
        "助けて",
        "支払い",
    ],
}
LANG_WEIGHTS = [("en", 0.92), ("es", 0.03), ("fr", 0.015), ("de", 0.015), ("pt", 0.01), ("ja", 0.01)]

# Placeholders: {b} brand mention, {m} other mention, {h} hashtag, {w} random word,
# {p} positive word, {n} negative word, {e} emoji, {d} number, {u} link.
TEMPLATES = [
    "{b} my card got declined again at the {w} {n} {h}",
    "{b} app is {n} for the third time this {w}. {w} {w} {e}",
    "Is {b} down for everyone or just me? {w} {w} {h}",
    "Still can't log in to {b}. {d} minutes on hold {e} {h} {h}",
    "{b} where is my money?? payroll {w} {w} {n} {h}",
    "Wow, {b} really {n} this one. {w} {w} {w} {u}",
    "Thanks {b} for the quick {p} reply, {w} {w} sorted {e}",
    "{b} I have rent due {w} and my transfer is just gone {n} {h}",
    "Breaking: {b} customers report {w} outage across {w} {u} {h}",
    "If you bank with {b} maybe hold off on {w} today {e}",
    "Day {d} of the {b} {w}. {n} {n} {h}",
    "{m} did your {w} go through? mine is {n} {e}",
    "lol {b} {w} {w} {w} {e}{e}",
    "{b} {p} news, the app is back, {w} {w} {h}",
    "Honestly {p} staff at the {w} branch today, {w} {w} {b}",
    '{b} statement on the {w} {w}: "we are sorry" {u}',
    "Cannot believe {b} charged me a {w} fee during their own outage {n} {h}",
    "Who else got a {n} {w} email from {b}? {w} {h}",
    "{b} this is {n} & {n}. fix it {h}",
    "{b} <3 finally {p} service {e}",
    "3 hours on the phone with {b} and {w} {w} {n} {e} {h}",
    "Northwind customers: check your {w} for duplicate {w} {u}",
    "The {b} outage explained {w} {w} {w} {u} {h}",
    "{m} {m} same here, {w} {w} {n}",
    "My {w} couldn't pay for {w} because of {b} {n} {e}",
    "{b} any ETA on the fix? {w} {w} {h}",
    "Moving my {w} to another bank after this {n} {w} {b} {h}",
    "Kudos to {b} support, {p} and {p} {w} {e}",
    "{b} {d} failed payments and counting {h} {h}",
    "Reminder: never share your {w} code, {b} will not ask {w} {u}",
    "Scammers are texting {b} customers about the {w} {n} {u} {h}",
    "{b} please just tell us {w} {w} is happening {e}",
    "Can't even {w} {w} right now thanks {b} {e}",
    "Apparently {b} blamed a {w} update {w} {n} {u}",
    "{b} Q&A says {w} {w} will be refunded {p} {h}",
    "Grocery shop, card {n}, {w} {w}. {b} {e}",
    "{b} the {w} page says all systems {w}. they are not {n}",
    "Is it just me or is {b} {w} {w} again {h}",
    "{b} shoutout to {m} for the {p} tip {w} {e}",
    "Twitter is the only way to reach {b} apparently {w} {n}",
    "{b} {w}?\n{w} {w}\n{n} {h}",
    "So {b} took my {w} and gave me a {w} {n} {e}",
    "{b} back up for me now {p} {w} {h}",
    "Northwind Bank share price {w} after {w} outage {u} {h}",
    "{m} told you {b} was {n} {w} {w}",
    "{b} {d} days. {d} DAYS. {n} {e}{e}",
    "New: {b} says {w} {w} affected {d} customers {u}",
    "{b} still {n} and {n} {w} {w} {w} {e}",
    "Spent my lunch break in the {b} queue {w} {n} {h}",
    "All I wanted was a {w} {w} {b} {e}",
]

SOURCES = [
    ('<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>', 0.45),
    ('<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>', 0.35),
    ('<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>', 0.15),
    ('<a href="https://about.twitter.com/products/tweetdeck" rel="nofollow">TweetDeck</a>', 0.03),
    ('<a href="https://www.hootsuite.com" rel="nofollow">Hootsuite Inc.</a>', 0.02),
]
SOURCE_HTML = [s for s, _ in SOURCES]
SOURCE_CUM = list(__import__("itertools").accumulate(w for _, w in SOURCES))
LANG_CODES = [c for c, _ in LANG_WEIGHTS]
LANG_CUM = list(__import__("itertools").accumulate(w for _, w in LANG_WEIGHTS))

FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Chris",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Paul",
    "Ashley",
    "Steven",
    "Emily",
    "Andrew",
    "Kimberly",
    "Josh",
    "Donna",
    "Kevin",
    "Michelle",
    "Brian",
    "Carol",
    "George",
    "Amanda",
    "Aisha",
    "Mohammed",
    "Priya",
    "Wei",
    "Yuki",
    "Olu",
    "Sofia",
    "Lucas",
    "Emma",
    "Noah",
    "Olivia",
    "Liam",
    "Ava",
    "Mateo",
    "Chloe",
    "Zoe",
    "Ravi",
    "Ines",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Okafor",
    "Patel",
    "Kim",
    "Chen",
    "Singh",
]
HANDLE_PARTS = [
    "the",
    "real",
    "its",
    "just",
    "not",
    "mr",
    "ms",
    "dr",
    "big",
    "lil",
    "im",
    "sky",
    "sun",
    "moon",
    "star",
    "cat",
    "dog",
    "fox",
    "wolf",
    "bear",
    "red",
    "blue",
    "gold",
    "jade",
    "neo",
    "max",
    "pro",
    "top",
    "fan",
    "ace",
    "art",
    "bit",
    "bot",
    "cap",
    "cup",
    "dev",
    "eco",
    "gym",
    "jet",
    "joy",
    "kid",
    "lab",
    "law",
]
LOCATIONS = [
    "",
    "",
    "",
    "London, England",
    "New York, NY",
    "Manchester",
    "Leeds, UK",
    "Glasgow",
    "Bristol",
    "Dublin, Ireland",
    "Los Angeles, CA",
    "Toronto",
    "Earth",
    "somewhere",
    "United Kingdom",
    "she/her",
    "Birmingham, UK",
    "Cardiff, Wales",
    "Sydney",
    "Lagos",
]
COLOURS = ["1DA1F2", "F5F8FA", "000000", "C0DEED", "FFFFFF", "E81C4F", "794BC4", "17BF63", "FAB81E"]
NEWS_SITES = [
    "www.example-news.com",
    "news.example.org",
    "status.northwind-bank.example",
    "www.example-times.co.uk",
    "blog.example.net",
    "www.example-tv.com",
]
_NORMAL = NormalDist()


def _pick_cum(rng: random.Random, cum: list[float], items: list):
    return items[bisect.bisect_left(cum, rng.random() * cum[-1])]


def fmt_v1_time(ms: int) -> str:
    t = time.gmtime(ms // 1000)
    return (
        f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000 {t.tm_year}"
    )


def fmt_v2_time(ms: int) -> str:
    t = time.gmtime(ms // 1000)
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.000Z"
    )


def tco(rng: random.Random) -> str:
    return "https://t.co/" + "".join(
        rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(10)
    )


# ---------------------------------------------------------------------------------------
# Accounts: derived from (seed, number) by hashing, so no table of them is ever kept.
# ---------------------------------------------------------------------------------------
class Accounts:
    def __init__(self, seed: int, count: int, start_ms: int) -> None:
        self.seed, self.count, self.start_ms = seed, count, start_ms

    @lru_cache(maxsize=50_000)  # noqa: B019 - one Accounts per run: the cache outlives nothing
    def get(self, idx: int) -> dict:
        if idx == 0:
            return {
                "idx": 0,
                "id": 1_234_567_890,
                "screen_name": BRAND,
                "name": BRAND_NAME,
                "followers": 1_284_301,
                "friends": 912,
                "statuses": 48_213,
                "listed": 2_104,
                "favourites": 3_310,
                "verified": True,
                "created_ms": 1_235_000_000_000,
                "description": "Official account of Northwind Bank. We're here to help 8am-8pm, 7 days a week.",
                "location": "London, England",
                "url": "https://www.northwind-bank.example",
                "colour": "1DA1F2",
                "img": "northwind_logo",
                "default": False,
                "protected": False,
            }
        h = hashlib.blake2b(f"{self.seed}/{idx}".encode(), digest_size=32).digest()
        r = random.Random(h)  # seeded from bytes: deterministic, independent of call order
        z = _NORMAL.inv_cdf(min(max(r.random(), 1e-12), 1 - 1e-12))
        followers = int(math.exp(5.7 + 1.9 * z))
        friends = int(math.exp(5.9 + 1.1 * r.gauss(0, 1)))
        created_ms = int(
            1_170_000_000_000 + r.random() * (self.start_ms - 30 * 86_400_000 - 1_170_000_000_000)
        )
        if created_ms > 1_420_000_000_000:  # newer accounts have snowflake ids
            uid = ((created_ms - TWITTER_EPOCH_MS) << 22) | r.getrandbits(22)
        else:
            uid = (
                10_000
                + int((created_ms - 1_170_000_000_000) / 250_000_000_000 * 3_000_000_000)
                + r.randrange(1000)
            )
        suffix = str(idx)
        prefix = r.choice(HANDLE_PARTS) + r.choice(HANDLE_PARTS) + r.choice(["", "_"])
        prefix = prefix[: 15 - len(suffix)]
        first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        name = r.choice(
            [
                f"{first} {last}",
                first,
                f"{first} {last[0]}.",
                f"{first} {r.choice(EMOJI)}",
                f"{first.lower()}{last.lower()}",
            ]
        )
        desc_words = r.sample(WORDS, r.randrange(0, 12))
        return {
            "idx": idx,
            "id": uid,
            "screen_name": prefix + suffix,
            "name": name,
            "followers": followers,
            "friends": friends,
            "statuses": int(math.exp(7 + 1.5 * r.gauss(0, 1))),
            "listed": followers // 150,
            "favourites": int(math.exp(7 + 1.7 * r.gauss(0, 1))),
            "verified": (followers > 200_000 and r.random() < 0.6) or r.random() < 0.001,
            "created_ms": created_ms,
            "description": " ".join(desc_words).capitalize(),
            "location": r.choice(LOCATIONS),
            "url": f"https://{prefix.strip('_')}{suffix}.example.com" if r.random() < 0.15 else None,
            "colour": r.choice(COLOURS),
            "img": f"{r.getrandbits(64):016x}",
            "default": r.random() < 0.2,
            "protected": False,
        }

    @lru_cache(maxsize=50_000)  # noqa: B019 - as above
    def v1_json(self, idx: int) -> str:
        a = self.get(idx)
        img = f"http://pbs.twimg.com/profile_images/{a['img'][:12]}/{a['img']}_normal.jpg"
        return json.dumps(
            {
                "id": a["id"],
                "id_str": str(a["id"]),
                "name": a["name"],
                "screen_name": a["screen_name"],
                "location": a["location"] or None,
                "url": a["url"],
                "description": a["description"] or None,
                "translator_type": "none",
                "protected": a["protected"],
                "verified": a["verified"],
                "followers_count": a["followers"],
                "friends_count": a["friends"],
                "listed_count": a["listed"],
                "favourites_count": a["favourites"],
                "statuses_count": a["statuses"],
                "created_at": fmt_v1_time(a["created_ms"]),
                "utc_offset": None,
                "time_zone": None,
                "geo_enabled": False,
                "lang": None,
                "contributors_enabled": False,
                "is_translator": False,
                "profile_background_color": a["colour"],
                "profile_background_image_url": "http://abs.twimg.com/images/themes/theme1/bg.png",
                "profile_background_image_url_https": "https://abs.twimg.com/images/themes/theme1/bg.png",
                "profile_background_tile": False,
                "profile_link_color": a["colour"],
                "profile_sidebar_border_color": "C0DEED",
                "profile_sidebar_fill_color": "DDEEF6",
                "profile_text_color": "333333",
                "profile_use_background_image": True,
                "profile_image_url": img,
                "profile_image_url_https": img.replace("http:", "https:"),
                "profile_banner_url": f"https://pbs.twimg.com/profile_banners/{a['id']}/{a['created_ms'] // 1000}",
                "default_profile": a["default"],
                "default_profile_image": False,
                "following": None,
                "follow_request_sent": None,
                "notifications": None,
                "withheld_in_countries": [],
            },
            ensure_ascii=False,
        )

    @lru_cache(maxsize=50_000)  # noqa: B019 - as above
    def v2_user(self, idx: int) -> dict:
        a = self.get(idx)
        return {
            "id": str(a["id"]),
            "username": a["screen_name"],
            "name": a["name"],
            "created_at": fmt_v2_time(a["created_ms"]),
            "description": a["description"],
            "location": a["location"] or None,
            "protected": a["protected"],
            "verified": a["verified"],
            "profile_image_url": f"https://pbs.twimg.com/profile_images/{a['img'][:12]}/{a['img']}_normal.jpg",
            "url": a["url"] or "",
            "public_metrics": {
                "followers_count": a["followers"],
                "following_count": a["friends"],
                "tweet_count": a["statuses"],
                "listed_count": a["listed"],
            },
        }


# ---------------------------------------------------------------------------------------
# The timeline: when posts happen (diurnal cycle + a burst), inverted from a per-minute CDF.
# ---------------------------------------------------------------------------------------
class Timeline:
    def __init__(self, days: float, burst_at: float = 0.4) -> None:
        minutes = int(days * 1440)
        t0 = burst_at * minutes
        cum, total = [], 0.0
        for m in range(minutes):
            hour = (m / 60.0) % 24
            rate = 1.0 + 0.6 * math.sin(2 * math.pi * (hour - 14) / 24)  # busiest ~20:00 UTC
            if m >= t0:
                dt = m - t0
                rate += 25.0 * (1 - math.exp(-dt / 20.0)) * math.exp(-dt / 600.0)
                rate += 3.0 * math.exp(-dt / 2880.0)  # a long tail of interest
            total += rate
            cum.append(total)
        self.cum, self.minutes = cum, minutes

    def at(self, q: float) -> float:
        """Minutes from the start at which fraction q of all posts have happened."""
        target = q * self.cum[-1]
        m = bisect.bisect_left(self.cum, target)
        if m >= self.minutes:
            return float(self.minutes) - 1e-6
        lo = self.cum[m - 1] if m else 0.0
        return m + (target - lo) / (self.cum[m] - lo)


# ---------------------------------------------------------------------------------------
# Posts, in an internal form both writers render.
# ---------------------------------------------------------------------------------------
class Generator:
    POOL_SIZE = 3000
    REBUILD_EVERY = 500
    FAME_DECAY_MS = 12 * 3600 * 1000

    def __init__(
        self,
        posts: int,
        seed: int,
        retweet_share: float,
        start: datetime,
        days: float,
        reply_share: float = 0.01,
        quote_share: float = 0.03,
    ) -> None:
        self.n = posts
        self.rng = random.Random(seed)
        self.start_ms = int(start.timestamp() * 1000)
        self.span_ms = int(days * 86_400_000)
        self.timeline = Timeline(days)
        self.accounts = Accounts(seed, max(50, posts // 10), self.start_ms)
        rt = max(0.0, min(1.0, retweet_share))
        rest = 1.0 - rt
        reply, quote = min(reply_share, rest), min(quote_share, max(0.0, rest - reply_share))
        self.cut_rt, self.cut_reply, self.cut_quote = rt, rt + reply, rt + reply + quote
        self.last_id = 0
        self.pool: list[dict] = []  # the retweetable originals, with cumulative weights below
        self.pool_cum: list[float] = []
        self.pending: list[dict] = []
        self.since_rebuild = 0
        self.peak_rate = max(
            self.timeline.cum[i] - self.timeline.cum[i - 1] for i in range(1, len(self.timeline.cum))
        )

    # -- helpers --------------------------------------------------------------------------
    def _author(self) -> int:
        r = self.rng.random()
        if r < 0.0015:
            return 0
        n = self.accounts.count
        return 1 + int((n - 1) * self.rng.random() ** 2.5)

    def _rate_at(self, minute: float) -> float:
        c, m = self.timeline.cum, int(minute)
        return c[m] - (c[m - 1] if m else 0.0)

    def _text(self, lang: str, author: int, reply_to: dict | None) -> tuple[str, list, list, list]:
        """(text, hashtags, mentions as account numbers, urls as (t.co, expanded))."""
        rng = self.rng
        hashtags: list[str] = []
        mentions: list[int] = []
        urls: list[tuple[str, str]] = []
        if lang != "en":
            vocab = OTHER_LANGS[lang]
            words = [rng.choice(vocab) for _ in range(rng.randrange(4, 14))]
            sep = "" if lang == "ja" else " "
            parts = [f"@{BRAND}"] if rng.random() < 0.7 else []
            if parts:
                mentions.append(0)
            parts.append(sep.join(words))
            if rng.random() < 0.5:
                tag = rng.choice(HASHTAGS)
                hashtags.append(tag)
                parts.append("#" + tag)
            text = " ".join(parts)
        else:
            tpl = TEMPLATES[rng.randrange(len(TEMPLATES))]
            out: list[str] = []
            i = 0
            while i < len(tpl):
                ch = tpl[i]
                if ch == "{" and i + 2 < len(tpl) and tpl[i + 2] == "}":
                    k = tpl[i + 1]
                    i += 3
                    if k == "w":
                        out.append(rng.choice(WORDS))
                    elif k == "b":
                        out.append("@" + BRAND)
                        mentions.append(0)
                    elif k == "m":
                        who = 1 + int((self.accounts.count - 1) * rng.random() ** 1.5)
                        out.append("@" + self.accounts.get(who)["screen_name"])
                        mentions.append(who)
                    elif k == "h":
                        tag = rng.choice(HASHTAGS)
                        out.append("#" + tag)
                        hashtags.append(tag)
                    elif k == "p":
                        out.append(rng.choice(POSITIVE))
                    elif k == "n":
                        out.append(rng.choice(NEGATIVE))
                    elif k == "e":
                        out.append(rng.choice(EMOJI))
                    elif k == "d":
                        out.append(str(rng.choice((2, 3, 4, 5, 10, 12, 20, 30, 45, 50, 90, 100, 250, 1000))))
                    elif k == "u":
                        site = rng.choice(NEWS_SITES)
                        expanded = f"https://{site}/2021/11/{rng.choice(WORDS)}-{rng.choice(WORDS)}-{rng.randrange(10**6)}"
                        link = tco(rng)
                        urls.append((link, expanded))
                        out.append(link)
                else:
                    out.append(ch)
                    i += 1
            # a random tail so that originals from the same template differ
            tail = [rng.choice(WORDS) for _ in range(rng.randrange(1, 6))]
            if rng.random() < 0.3:
                tail.append(rng.choice(NEGATIVE if rng.random() < 0.7 else POSITIVE))
            if rng.random() < 0.25:
                tail.append(rng.choice(EMOJI))
            text = "".join(out) + " " + " ".join(tail)
            if rng.random() < 0.1 and not hashtags:
                tag = rng.choice(HASHTAGS)
                hashtags.append(tag)
                text += " #" + tag
        if reply_to is not None:
            target = reply_to["author"]
            text = "@" + self.accounts.get(target)["screen_name"] + " " + text
            mentions.insert(0, target)
        return text, hashtags, mentions, urls

    def _new_id(self, ms: int) -> int:
        pid = ((ms - TWITTER_EPOCH_MS) << 22) | self.rng.getrandbits(22)
        if pid <= self.last_id:
            pid = self.last_id + 1 + self.rng.randrange(4096)
        self.last_id = pid
        return pid

    def _rebuild_pool(self, now_ms: int) -> None:
        decay = self.FAME_DECAY_MS

        def score(p: dict) -> float:
            return p["fame"] * math.exp(-(now_ms - p["ms"]) / decay)

        cands = self.pool + self.pending
        self.pool = heapq.nlargest(self.POOL_SIZE, cands, key=score) if len(cands) > self.POOL_SIZE else cands
        acc, cum = 0.0, []
        for p in self.pool:
            acc += score(p)
            cum.append(acc)
        self.pool_cum = cum
        self.pending = []
        self.since_rebuild = 0

    def _pick_original(self) -> dict | None:
        if not self.pool:
            return None
        return self.pool[bisect.bisect_left(self.pool_cum, self.rng.random() * self.pool_cum[-1])]

    # -- the stream -----------------------------------------------------------------------
    def posts(self):
        rng, n = self.rng, self.n
        for i in range(n):
            minute = self.timeline.at((i + rng.random()) / n)
            ms = self.start_ms + int(minute * 60_000)
            if self.since_rebuild >= self.REBUILD_EVERY or (not self.pool and self.pending):
                self._rebuild_pool(ms)
            self.since_rebuild += 1
            r = rng.random()
            ref = self._pick_original() if r < self.cut_quote else None
            if ref is None:
                kind = "original"
            elif r < self.cut_rt:
                kind = "retweet"
            elif r < self.cut_reply:
                kind = "reply"
            else:
                kind = "quote"
            author = self._author()
            pid = self._new_id(ms)
            post = {
                "id": pid,
                "ms": ms,
                "author": author,
                "kind": kind,
                "ref": ref,
                "source": _pick_cum(rng, SOURCE_CUM, SOURCE_HTML),
            }
            if kind == "retweet":
                ref["rts"] += 1
                post["lang"] = ref["lang"]
                post["text"] = (
                    "RT @" + self.accounts.get(ref["author"])["screen_name"] + ": " + ref["text"]
                )[:140]
                post["hashtags"] = [h for h in ref["hashtags"] if "#" + h in post["text"]]
                post["mentions"] = [ref["author"]] + [
                    m for m in ref["mentions"] if "@" + self.accounts.get(m)["screen_name"] in post["text"]
                ]
                post["urls"] = [u for u in ref["urls"] if u[0] in post["text"]]
                post["likes"] = 0
            else:
                lang = _pick_cum(rng, LANG_CUM, LANG_CODES)
                text, tags, ments, urls = self._text(lang, author, ref if kind == "reply" else None)
                if kind == "quote":
                    ref["quotes"] += 1
                    handle = self.accounts.get(ref["author"])["screen_name"]
                    link = tco(rng)
                    urls.append((link, f"https://twitter.com/{handle}/status/{ref['id']}"))
                    text += " " + link
                elif kind == "reply":
                    ref["replies"] += 1
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                post.update(
                    lang=lang,
                    text=text,
                    hashtags=tags,
                    mentions=ments,
                    urls=urls,
                    likes=int(math.exp(rng.gauss(0.5, 1.5))) if rng.random() < 0.6 else 0,
                )
                if kind == "original":
                    burst = self._rate_at(minute) / self.peak_rate  # 0..1
                    followers = self.accounts.get(author)["followers"]
                    post["fame"] = (
                        (rng.random() ** (-1 / 1.25)) * (1 + 6 * burst) * math.log10(followers + 10)
                    )
                    post.update(rts=0, quotes=0, replies=0)
                    self.pending.append(post)
            yield post


# ---------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------
def _indices(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    at = text.find(needle, start)
    if at < 0:
        return (0, 0)
    return (at, at + len(needle))


class V1Writer:
    def __init__(self, accounts: Accounts) -> None:
        self.acc = accounts

    def status(self, p: dict, embedded: bool = False) -> str:
        acc = self.acc
        text = p["text"]
        mentions = []
        pos = 0
        for m in p["mentions"]:
            a = acc.get(m)
            s, e = _indices(text, "@" + a["screen_name"], pos)
            pos = e or pos
            mentions.append(
                {
                    "screen_name": a["screen_name"],
                    "name": a["name"],
                    "id": a["id"],
                    "id_str": str(a["id"]),
                    "indices": [s, e],
                }
            )
        hashtags = []
        for h in p["hashtags"]:
            s, e = _indices(text, "#" + h)
            hashtags.append({"text": h, "indices": [s, e]})
        urls = []
        for link, expanded in p["urls"]:
            s, e = _indices(text, link)
            display = expanded.split("://", 1)[-1]
            urls.append(
                {
                    "url": link,
                    "expanded_url": expanded,
                    "display_url": display[:26] + "…" if len(display) > 26 else display,
                    "indices": [s, e],
                }
            )
        kind, ref = p["kind"], p["ref"]
        reply = kind == "reply"
        ra = acc.get(ref["author"]) if reply else None
        d = {
            "created_at": fmt_v1_time(p["ms"]),
            "id": p["id"],
            "id_str": str(p["id"]),
            "text": text,
            "source": p["source"],
            "truncated": False,
            "in_reply_to_status_id": ref["id"] if reply else None,
            "in_reply_to_status_id_str": str(ref["id"]) if reply else None,
            "in_reply_to_user_id": ra["id"] if reply else None,
            "in_reply_to_user_id_str": str(ra["id"]) if reply else None,
            "in_reply_to_screen_name": ra["screen_name"] if reply else None,
            "user": "__USER__",
            "geo": None,
            "coordinates": None,
            "place": None,
            "contributors": None,
        }
        if kind == "retweet":
            d["retweeted_status"] = "__RT__"
        d["is_quote_status"] = kind == "quote"
        if kind == "quote":
            d["quoted_status_id"] = ref["id"]
            d["quoted_status_id_str"] = str(ref["id"])
            d["quoted_status"] = "__QT__"
            d["quoted_status_permalink"] = {
                "url": p["urls"][-1][0],
                "expanded": p["urls"][-1][1],
                "display": p["urls"][-1][1].split("://", 1)[-1][:26] + "…",
            }
        if embedded:
            counts = (
                p.get("quotes", 0),
                p.get("replies", 0),
                p.get("rts", 0),
                p["likes"] + 2 * p.get("rts", 0),
            )
        else:
            counts = (0, 0, 0, 0)
        d.update(
            {
                "quote_count": counts[0],
                "reply_count": counts[1],
                "retweet_count": counts[2],
                "favorite_count": counts[3],
                "entities": {"hashtags": hashtags, "urls": urls, "user_mentions": mentions, "symbols": []},
                "favorited": False,
                "retweeted": False,
            }
        )
        if urls:
            d["possibly_sensitive"] = False
        d["filter_level"] = "low"
        d["lang"] = p["lang"]
        if not embedded:
            d["timestamp_ms"] = str(p["ms"])
        out = json.dumps(d, ensure_ascii=False).replace('"__USER__"', acc.v1_json(p["author"]), 1)
        if kind == "retweet":
            out = out.replace('"__RT__"', self.status(ref, embedded=True), 1)
        elif kind == "quote":
            out = out.replace('"__QT__"', self.status(ref, embedded=True), 1)
        return out

    def write(self, gen: Generator, out) -> int:
        buf: list[str] = []
        count = 0
        for p in gen.posts():
            buf.append(self.status(p))
            count += 1
            if len(buf) >= 2000:
                buf.append("")
                out.write("\n".join(buf))
                buf = []
        if buf:
            buf.append("")
            out.write("\n".join(buf))
        return count


class V2Writer:
    def __init__(
        self, accounts: Accounts, page_size: int = 100, query: str = "NorthwindBank OR #NorthwindDown"
    ) -> None:
        self.acc, self.page_size, self.query = accounts, page_size, query

    def tweet(self, p: dict, with_metrics_of_ref: bool = True) -> dict:
        acc = self.acc
        text = p["text"]
        ents: dict = {}
        pos = 0
        if p["mentions"]:
            ms = []
            for m in p["mentions"]:
                a = acc.get(m)
                s, e = _indices(text, "@" + a["screen_name"], pos)
                pos = e or pos
                ms.append({"start": s, "end": e, "username": a["screen_name"], "id": str(a["id"])})
            ents["mentions"] = ms
        if p["hashtags"]:
            ents["hashtags"] = []
            for h in p["hashtags"]:
                s, e = _indices(text, "#" + h)
                ents["hashtags"].append({"start": s, "end": e, "tag": h})
        if p["urls"]:
            ents["urls"] = []
            for link, expanded in p["urls"]:
                s, e = _indices(text, link)
                display = expanded.split("://", 1)[-1]
                ents["urls"].append(
                    {
                        "start": s,
                        "end": e,
                        "url": link,
                        "expanded_url": expanded,
                        "display_url": display[:26] + "…" if len(display) > 26 else display,
                    }
                )
        kind, ref = p["kind"], p["ref"]
        src = ref if kind == "retweet" else p
        metrics = {
            "retweet_count": src.get("rts", 0),
            "reply_count": src.get("replies", 0),
            "like_count": src["likes"] + 2 * src.get("rts", 0),
            "quote_count": src.get("quotes", 0),
        }
        t = {
            "id": str(p["id"]),
            "text": text,
            "created_at": fmt_v2_time(p["ms"]),
            "author_id": str(acc.get(p["author"])["id"]),
            "lang": p["lang"],
            "conversation_id": str(ref["id"] if kind == "reply" else p["id"]),
            "edit_history_tweet_ids": [str(p["id"])],
            "public_metrics": metrics,
            "possibly_sensitive": False,
            "reply_settings": "everyone",
        }
        if ents:
            t["entities"] = ents
        if kind != "original":
            typ = {"retweet": "retweeted", "quote": "quoted", "reply": "replied_to"}[kind]
            t["referenced_tweets"] = [{"type": typ, "id": str(ref["id"])}]
        if kind == "reply":
            t["in_reply_to_user_id"] = str(acc.get(ref["author"])["id"])
        return t

    def write(self, gen: Generator, out) -> int:
        count = 0
        page: list[dict] = []
        retrieved = "2021-11-20T09:14:%02d.%03dZ"
        pages = 0

        def flush() -> None:
            nonlocal page, pages
            users: dict[int, dict] = {}
            refs: dict[int, dict] = {}
            for p in page:
                users.setdefault(p["author"], None)
                for m in p["mentions"]:
                    users.setdefault(m, None)
                if p["ref"] is not None:
                    refs.setdefault(p["ref"]["id"], p["ref"])
                    users.setdefault(p["ref"]["author"], None)
            obj = {
                "data": [self.tweet(p) for p in page],
                "includes": {
                    "users": [self.acc.v2_user(u) for u in users],
                    "tweets": [self.tweet(r) for r in refs.values()],
                },
                "meta": {
                    "newest_id": str(page[-1]["id"]),
                    "oldest_id": str(page[0]["id"]),
                    "result_count": len(page),
                    "next_token": "b26v89c19zqg8o3f%016x" % (page[0]["id"] & 0xFFFFFFFFFFFFFFFF),
                },
                "__twarc": {
                    "url": "https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Creferenced_tweets.id"
                    "%2Creferenced_tweets.id.author_id%2Centities.mentions.username%2Cin_reply_to_user_id"
                    "&tweet.fields=public_metrics%2Centities%2Ccreated_at%2Clang%2Cconversation_id"
                    "&user.fields=public_metrics%2Cverified%2Cdescription&max_results=100"
                    f"&query={self.query.replace(' ', '+').replace('#', '%23')}",
                    "version": "2.14.0",
                    "retrieved_at": retrieved % (pages % 60, (pages * 37) % 1000),
                },
            }
            if not obj["includes"]["tweets"]:
                del obj["includes"]["tweets"]
            out.write(json.dumps(obj, ensure_ascii=False))
            out.write("\n")
            pages += 1
            page = []

        for p in gen.posts():
            page.append(p)
            count += 1
            if len(page) >= self.page_size:
                flush()
        if page:
            flush()
        return count


class CountingWriter:
    """A text sink that counts the UTF-8 bytes it is given."""

    def __init__(self, raw) -> None:
        self.raw, self.bytes = raw, 0

    def write(self, s: str) -> None:
        b = s.encode("utf-8")
        self.bytes += len(b)
        self.raw.write(b)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--format", choices=("v1", "v2"), default="v1")
    ap.add_argument("--gzip", action="store_true", help="gzip the output (level --gzip-level)")
    ap.add_argument("--gzip-level", type=int, default=6)
    ap.add_argument("--retweet-share", type=float, default=0.5)
    ap.add_argument("--reply-share", type=float, default=0.01)
    ap.add_argument("--quote-share", type=float, default=0.03)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2021-11-08T00:00:00", help="UTC start of the archive")
    ap.add_argument("--days", type=float, default=6.0)
    ap.add_argument("--page-size", type=int, default=100, help="v2: tweets per response page")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    start = datetime.fromisoformat(args.start).replace(tzinfo=timezone.utc)
    gen = Generator(
        args.posts, args.seed, args.retweet_share, start, args.days, args.reply_share, args.quote_share
    )
    writer = V1Writer(gen.accounts) if args.format == "v1" else V2Writer(gen.accounts, args.page_size)

    t0 = time.perf_counter()
    tmp = args.output + ".part"
    with open(tmp, "wb") as raw:
        if args.gzip:
            # mtime=0 and no file name keep the output byte-identical from run to run
            with gzip.GzipFile(
                filename="", mode="wb", fileobj=raw, compresslevel=args.gzip_level, mtime=0
            ) as gz:
                sink = CountingWriter(gz)
                n = writer.write(gen, sink)
        else:
            sink = CountingWriter(raw)
            n = writer.write(gen, sink)
    os.replace(tmp, args.output)
    secs = time.perf_counter() - t0
    size = os.path.getsize(args.output)
    if not args.quiet:
        extra = f" ({sink.bytes:,} uncompressed)" if args.gzip else ""
        print(
            f"posts written: {n:,}  bytes: {size:,}{extra}  seconds: {secs:.1f}  "
            f"({n / secs:,.0f} posts/s)  -> {args.output}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
