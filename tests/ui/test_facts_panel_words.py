"""The window's facts page prints the phases' times as the report does: the last phase ends at
the archive's last post, one moment printed one way (review #18)."""

from __future__ import annotations

from app.core.facts import clear_cache, incident_facts
from app.core.narrative import words
from app.core.store import Workspace
from app.ui.facts_panel import FactsView


def test_the_last_phase_ends_at_the_archives_last_post(sample_workspace):
    clear_cache()
    with Workspace.open(sample_workspace, read_only=True) as ws:
        f = incident_facts(ws)
    view = FactsView.of(f)
    last = words.when(float(f.archive.last.value), f.zone)
    assert words.when(f.phases[-1].range.b, f.zone) != last
    assert view.phases[-1][1].endswith(" to " + last)
