"""A finding in words: its label (a few words on a plot), its explanation (one or two
sentences with its figures) and its evidence (lines a reader can check), for the window, the
CLI and the report alike.

Each kind of finding has a writer here that reads the figures and particulars its detector
documents (:mod:`app.core.analysis`); flags add the caveats a reader must be told.
"""

from __future__ import annotations

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
