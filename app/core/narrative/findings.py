"""A finding in words: its label (a few words on a plot), its explanation (one or two
sentences with its figures) and its evidence (lines a reader can check), for the window, the
CLI and the report alike.

Each kind of finding has a writer here that reads the figures and particulars its detector
documents (:mod:`app.core.analysis`); flags add the caveats a reader must be told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from app.core.model import Claim, Finding
from app.core.narrative.claims import Writer

#: what each kind is called when nothing more specific can be said
KIND_TITLES = {
    "volume_change": "Change in volume",
    "sentiment_shift": "Shift in sentiment",
    "influencer_entry": "Influential account joins",
    "amplification": "Post amplified",
    "press_pickup": "Press pickup",
    "brand_action": "The brand posts",
    "peak": "Peak",
    "early_warning": "Early warning",
}


def label(f: Finding) -> str:
    """A few words for a plot or a list."""
    return KIND_TITLES.get(f.kind, f.kind.replace("_", " ").capitalize())


def explanation(f: Finding, zone: ZoneInfo) -> Claim:
    """One or two sentences with the finding's figures."""
    w = Writer(zone)
    return w.say("{title} at {t}.", title=label(f), t=w_time(f))


def w_time(f: Finding):
    from app.core.narrative.claims import Time

    return Time(f.time, "when")


def turning_point_label(tp) -> str:
    """The label of a numbered turning point: the team's own for an annotation, the
    finding's otherwise."""
    if tp.annotation is not None or tp.finding is None:
        return tp.label
    return label(tp.finding)


def evidence(f: Finding, zone: ZoneInfo) -> Claim:
    """The posts and accounts behind a finding, as a reader checks them."""
    w = Writer(zone)
    from app.core.narrative.claims import Name, plain

    if not f.accounts:
        return plain("")
    shown = ", ".join("@" + a for a in f.accounts[:4]) + (" …" if len(f.accounts) > 4 else "")
    return w.say("Accounts: {a}", a=Name(shown))


@dataclass(frozen=True)
class Suggestion:
    """A finding in words: what the window lists, the CLI prints and an accepted turning point
    keeps (its label, explanation and evidence)."""

    finding: Finding
    label: str
    explanation: str
    evidence_text: str

    @property
    def kind(self) -> str:
        return self.finding.kind

    @property
    def time(self) -> float:
        return self.finding.time

    @property
    def end(self) -> float | None:
        return self.finding.end

    @property
    def score(self) -> float:
        return self.finding.score

    def key(self) -> str:
        return self.finding.key()

    @property
    def evidence(self) -> dict[str, Any]:
        """The finding's evidence as plain data: its posts and accounts, its figures (with
        their sources), its particulars and caveats."""
        f = self.finding
        return {
            "post_ids": [p.post_id for p in f.posts],
            "platforms": sorted({p.platform for p in f.posts}),
            "accounts": list(f.accounts),
            "figures": {k: v.as_dict() for k, v in f.figures.items()},
            "flags": sorted(f.flags),
            **{k: _plain(v) for k, v in f.detail.items()},
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "time": _iso(self.time),
            "end": _iso(self.end) if self.end is not None else None,
            "kind": self.kind,
            "label": self.label,
            "explanation": self.explanation,
            "evidence_text": self.evidence_text,
            "score": round(float(self.score), 3),
            "key": self.key(),
            "evidence": self.evidence,
        }


def in_words(f: Finding, zone: ZoneInfo) -> Suggestion:
    return Suggestion(f, label(f), explanation(f, zone).text, evidence(f, zone).text)


def _iso(t: float) -> str:
    return datetime.fromtimestamp(round(float(t)), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain(v: Any) -> Any:
    if isinstance(v, tuple | list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if hasattr(v, "as_dict"):
        return v.as_dict()
    return v


def suggestions(ws: Any, con: Any = None, progress: Any = None) -> list[Suggestion]:
    """Every finding of the workspace in words, most important first (those the team
    dismissed included: ``app.core.annotations.dismissed_keys`` tells them apart)."""
    from app.core.facts import incident_facts

    f = incident_facts(ws, con, progress)
    return [in_words(x, f.zone) for x in f.all_findings]
