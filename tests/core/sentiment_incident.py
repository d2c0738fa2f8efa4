"""A generated incident whose true sentiment is known, with VADER's bias built in.

Each post has a true class (what a person reads) and a text that VADER reads in a known way:
clear complaints VADER gets right, sarcastic "great job" complaints it reads as praise, flat
complaints it reads as neutral, neutral news about fraud and lawsuits it reads as negative.
VADER's error rates given the true class are fixed (:data:`ERRORS`), while the true mix shifts
from calm to angry over the incident (the escalation), as in a real crisis. A share of the
posts is German (half with the platform's ``lang``, half without, for the detector), and
some posts are retweeted. The archive is written as Twitter v1.1 lines and imported and
scored by the real importer and scorer.

``truth`` maps every English post (retweets included) to its true class, so the true shares
of any range are known exactly.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from app.core.ingest import import_paths
from app.core.sentiment import score_missing
from app.core.store import Workspace

T0 = 1636329600  # Mon 2021-11-08 00:00 UTC
DAY = 86400
CLASSES = ("negative", "neutral", "positive")

#: texts by (true class, VADER's class)
TEXTS = {
    ("negative", "negative"): (
        "This is a disgrace, terrible and awful service",
        "I hate this bank, they are liars and thieves",
        "Horrible, angry and furious about these fees",
        "What a shameful, pathetic mess. Worst bank ever",
        "Disgusting behaviour, I am so angry and upset",
        "Terrible news, this is a total failure and a fraud",
    ),
    ("negative", "positive"): (  # sarcasm
        "Great job, another fee I never agreed to. Love it, thanks",
        "Wow, thanks for the wonderful foreclosure, so kind",
        "Brilliant, just brilliant. Best customer service ever lol",
        "Thanks for nothing, really appreciate it",
        "Love how you answer every question except mine, amazing",
        "Great job on the new fees, love it",
    ),
    ("negative", "neutral"): (
        "Still waiting for my refund since Monday",
        "Day 3 without access to my money",
        "They froze my card without telling me",
        "Closing my account tomorrow, enough is enough",
        "Been on hold for an hour now",
        "Why does nobody answer the phone at the branch",
    ),
    ("neutral", "neutral"): (
        "The branch opens at nine on Monday",
        "Meeting notes from the quarterly call are posted",
        "The report is on page four of the document",
        "New office address is on the website",
        "Schedule for the week is in the calendar",
        "Live Q&A starts at noon Eastern",
    ),
    ("neutral", "negative"): (
        "The fraud desk is open until six",
        "Hearing on the foreclosure lawsuit is on Tuesday",
        "Article on the bank's fines and the crisis, page 3",
        "Report on the crisis team meeting this afternoon",
    ),
    ("neutral", "positive"): (
        "Thanks, the branch address is on the website",
        "Please see the FAQ for the schedule",
    ),
    ("positive", "positive"): (
        "Thanks, great help and lovely people, happy with it",
        "Love the new app, wonderful and excellent",
        "Good news, really happy with the service today",
        "Great team, thank you for the amazing support",
    ),
    ("positive", "neutral"): (
        "Finally got my card back, sorted in ten minutes",
        "The new branch staff sorted it out on the spot",
    ),
}

#: P(VADER's class | true class): the bias built in, the same all through the incident
ERRORS = {
    "negative": {"negative": 0.5, "neutral": 0.2, "positive": 0.3},
    "neutral": {"negative": 0.15, "neutral": 0.8, "positive": 0.05},
    "positive": {"negative": 0.0, "neutral": 0.2, "positive": 0.8},
}

GERMAN = (
    "Die Bank hat mein Konto gesperrt und niemand ruft zurück",
    "Was für eine Frechheit, seit drei Wochen warte ich auf mein Geld",
    "Das war die schlechteste Beratung meines Lebens",
    "Wir gehen morgen alle auf die Straße, kommt mit",
    "Die Polizei war heute auch da, alles friedlich",
    "Ich kündige, das reicht mir jetzt endgültig",
    "Die Gebühren sind schon wieder gestiegen, unglaublich",
    "Der Krieg war Thema der Rede, die Stimmung war gut",
)


def true_mix(x: float) -> np.ndarray:
    """The true (negative, neutral, positive) mix at ``x`` (0 = start, 1 = end)."""
    neg = 0.25 + 0.5 * x
    pos = 0.25 * (1 - x) + 0.05
    return np.array([neg, 1 - neg - pos, pos])


@dataclass
class Generated:
    path: Path
    start: float
    end: float
    #: post id -> true class, for every English post (retweets included)
    truth: dict[str, str] = field(default_factory=dict)
    #: post id -> time (Unix seconds)
    times: dict[str, float] = field(default_factory=dict)
    german: set[str] = field(default_factory=set)

    def true_shares(self, start: float | None = None, end: float | None = None) -> np.ndarray:
        picked = [
            c
            for pid, c in self.truth.items()
            if (start is None or self.times[pid] >= start) and (end is None or self.times[pid] < end)
        ]
        counts = np.array([picked.count(c) for c in CLASSES], dtype=float)
        return counts / counts.sum()


def _time(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y")


def _status(post_id: int, t: float, handle: str, text: str, lang: str | None) -> dict:
    s = {
        "created_at": _time(t),
        "id_str": str(post_id),
        "text": text,
        "user": {
            "id_str": str(zlib.crc32(handle.encode())),
            "screen_name": handle,
            "name": handle,
            "followers_count": 100,
        },
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
    }
    if lang is not None:
        s["lang"] = lang
    return s


def build(
    folder: Path,
    seed: int,
    posts: int = 2000,
    days: int = 3,
    german_share: float = 0.12,
    retweet_share: float = 0.12,
    timezone_name: str = "America/New_York",
) -> Generated:
    """Write, import and score one incident; ``folder`` gets the archive and the workspace."""
    rng = np.random.default_rng(seed)
    start, end = float(T0), float(T0 + days * DAY)
    times = np.sort(rng.uniform(start, end, posts))
    gen = Generated(path=folder / f"incident-{seed}.duckdb", start=start, end=end)
    statuses = []
    originals: list[tuple[dict, str]] = []
    for i, t in enumerate(times):
        post_id = 10_000_000 + i
        handle = f"user{rng.integers(0, 5000)}"
        pid = str(post_id)
        gen.times[pid] = float(t)
        if originals and rng.random() < retweet_share:
            orig, truth = originals[int(rng.integers(0, len(originals)))]
            s = _status(
                post_id, t, handle, f"RT @{orig['user']['screen_name']}: {orig['text']}", orig.get("lang")
            )
            s["retweeted_status"] = orig
            statuses.append(s)
            if truth == "de":
                gen.german.add(pid)
            else:
                gen.truth[pid] = truth
            continue
        if rng.random() < german_share:
            text = f"{GERMAN[rng.integers(0, len(GERMAN))]} #Bank {i}"
            s = _status(post_id, t, handle, text, "de" if rng.random() < 0.5 else None)
            gen.german.add(pid)
            originals.append((s, "de"))
        else:
            x = (t - start) / (end - start)
            truth = CLASSES[rng.choice(3, p=true_mix(x))]
            errs = ERRORS[truth]
            vader = CLASSES[rng.choice(3, p=[errs[c] for c in CLASSES])]
            pool = TEXTS[(truth, vader)]
            text = f"{pool[rng.integers(0, len(pool))]} #AcmeBank ref{i}"
            s = _status(post_id, t, handle, text, "en")
            gen.truth[pid] = truth
            originals.append((s, truth))
        statuses.append(s)
    archive = folder / f"incident-{seed}.jsonl"
    archive.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in statuses), encoding="utf-8")
    with Workspace.open(gen.path, create=True) as ws:
        (report,) = import_paths(ws, [archive])
        assert report.ok and report.added == posts, report.summary()
        ws.configure(timezone=timezone_name)
        score_missing(ws, workers=1)
    return gen


def label_sample(ws: Workspace, gen: Generated, n: int, seed: int) -> int:
    """Label ``n`` posts of the labelling sample with their true class, as a careful person
    would; returns how many were labelled."""
    from app.core.sentiment import labels as lb

    sample = lb.sample_for_labelling(ws, n=n, seed=seed)
    rows = [(p.platform, p.post_id, gen.truth[p.post_id]) for p in sample]
    return lb.set_labels(ws, rows, source="test")
