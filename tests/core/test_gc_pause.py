"""The cycle collector's pause during an analysis (app.core.gc_pause): off inside, back on
after the last of overlapping pauses (threads included), and left off if it was off."""

from __future__ import annotations

import gc
import threading

import pytest

from app.core import gc_pause
from app.core.analysis import suggest


@pytest.fixture(autouse=True)
def _collector_on():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_inside_and_on_after():
    with gc_pause.paused():
        assert not gc.isenabled()
        with gc_pause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause is still under way
    assert gc.isenabled()


def test_an_error_inside_resumes_the_collector():
    with pytest.raises(ValueError, match="analysis failed"), gc_pause.paused():
        raise ValueError("the analysis failed")
    assert gc.isenabled()


def test_a_collector_switched_off_elsewhere_stays_off():
    gc.disable()
    with gc_pause.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_overlapping_pauses_on_two_threads_resume_at_the_last_end():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with gc_pause.paused():
            first_in.set()
            second_in.wait(10)
        first_out.set()

    def second():
        first_in.wait(10)
        with gc_pause.paused():
            second_in.set()
            first_out.wait(10)
            seen["after the first ended"] = gc.isenabled()
        seen["after both"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert seen == {"after the first ended": False, "after both": True}


def test_the_suggestions_run_with_the_collector_paused(monkeypatch, tmp_path):
    from tests.core import incident_factory as factory

    states = []
    real = suggest.detectors

    def watched():
        return [("watch", lambda ctx: states.append(gc.isenabled()) or []), *real()]

    monkeypatch.setattr(suggest, "detectors", watched)
    incident = factory.calm(tmp_path)
    with incident.open() as ws:
        assert suggest.find(ws)
    assert states == [False]
    assert gc.isenabled()
