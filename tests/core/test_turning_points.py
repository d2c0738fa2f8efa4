"""Suggested turning points on generated incidents whose turning points are known.

Each shape of :mod:`tests.core.incident_factory` is built with the real importer and the real
VADER scorer, then :func:`app.core.turning_points.suggest` must find every planted event,
with the right kind, within the tolerance stated in each test (mostly one analysis bin), and
nothing where nothing happened (a calm archive must yield no escalation: false positives fail).
The CLI's ``turning-points --json`` is checked as a user would run it.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import turning_points as tp
from app.core.ingest import import_paths
from app.core.progress import Cancelled, CancelToken
from tests.core import incident_factory as factory

ROOT = Path(__file__).resolve().parents[2]
MIN = 60


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every shape built once for the module, with its suggestions."""
    folder = tmp_path_factory.mktemp("incidents")
    out = {}
    for name, make in (
        ("fast", factory.fast_escalation),
        ("slow", factory.slow_escalation),
        ("waves", factory.two_waves),
    ):
        inc = make(folder)
        with inc.open() as ws:
            out[name] = (inc, tp.suggest(ws))
    for seed in (4, 5):
        inc = factory.calm(folder, seed=seed)
        with inc.open() as ws:
            out[f"calm{seed}"] = (inc, tp.suggest(ws))
    return out


def of_kind(suggestions, kind, **evidence):
    return [
        s for s in suggestions if s.kind == kind and all(s.evidence.get(k) == v for k, v in evidence.items())
    ]


def near(suggestions, t, tolerance):
    return [s for s in suggestions if abs(s.time - t) <= tolerance]


def bin_of(suggestions):
    widths = {s.evidence["bin_seconds"] for s in suggestions if "bin_seconds" in s.evidence}
    assert len(widths) == 1, widths
    return widths.pop()


def test_generated_texts_read_as_intended():
    ranges = factory.check_texts()
    assert ranges["negative"][1] <= -0.05
    assert ranges["positive"][0] >= 0.05
    assert -0.05 < ranges["neutral"][0] <= ranges["neutral"][1] < 0.05


# ---- fast escalation ------------------------------------------------------------------------


def test_fast_escalation_volume_sentiment_and_alert_at_the_escalation(built):
    inc, found = built["fast"]
    esc = inc.planted["escalation"]
    width = bin_of(found)
    assert width == 900  # four days fit in 400 bins of 15 minutes
    rises = of_kind(found, "volume_change", direction="rise")
    assert near(rises, esc, width), [(s.time - esc, s.label) for s in rises]
    jump = near(rises, esc, width)[0]
    assert jump.evidence["ratio"] >= 10
    assert jump.score >= 0.6
    # nothing rose before the escalation
    assert all(s.time >= esc - width for s in rises)
    shifts = of_kind(found, "sentiment_shift", direction="rise")
    assert near(shifts, esc, width), [(s.time - esc, s.label) for s in shifts]
    assert all(s.time >= esc - width for s in shifts)
    (alert,) = of_kind(found, "early_warning")
    assert abs(alert.time - esc) <= width


def test_fast_escalation_peak_follows_the_escalation(built):
    inc, found = built["fast"]
    esc = inc.planted["escalation"]
    (top,) = of_kind(found, "peak", role="volume")
    assert esc <= top.time <= esc + 2 * 3600
    assert top.end > top.time
    (worst,) = of_kind(found, "peak", role="negative")
    assert esc <= worst.time <= esc + 3 * 3600
    assert worst.evidence["negative_share"] > 0.4


def test_fast_escalation_amplified_post(built):
    inc, found = built["fast"]
    amps = of_kind(found, "amplification", author="angry_ann")
    assert len(amps) == 1
    a = amps[0]
    # the burst starts within the hour after the post, and names it and its author
    assert inc.planted["viral"] <= a.time <= inc.planted["viral"] + 30 * MIN
    assert a.evidence["shares_in_window"] >= 200
    assert a.evidence["shares_total"] == 300
    assert "@angry_ann" in a.label and "@angry_ann" in a.explanation
    assert f"{a.evidence['shares_in_window']:,} times" in a.explanation
    assert a.evidence["post_ids"][0] == a.evidence["subject"]


def test_largest_bursts_are_exact(built):
    """Posts are counted slot by slot most shared first, and more only while one left out
    could still make the list: the result is the same as counting every post."""
    from app.core.store import turning_points_sql as q

    inc, _ = built["fast"]
    settings = tp.Settings(amplification_min_shares=1, amplification_max=30)
    with inc.open() as ws:
        found = of_kind(tp.suggest(ws, settings), "amplification")
        con = ws.cursor()
        everyone = con.execute(q.BURST_CANDIDATES["posts"], [1]).fetchall()
        assert len(everyone) > 100  # more than the first round takes
        brute = con.execute(
            q.BURSTS, [900_000, [p for p, _, _ in everyone], [i for _, i, _ in everyone], 3, 1, 30]
        ).fetchall()
    assert sorted(s.evidence["subject"] for s in found) == sorted(r[1] for r in brute)
    assert sorted(s.evidence["shares_in_window"] for s in found) == sorted(r[2] for r in brute)


def test_fast_escalation_influencer_entry(built):
    inc, found = built["fast"]
    entries = of_kind(found, "influencer_entry")
    big = [s for s in entries if s.evidence["accounts"] == ["BigVoice"]]
    assert len(big) == 1, [s.label for s in entries]
    s = big[0]
    assert abs(s.time - inc.planted["influencer"]) < 1
    assert s.evidence["followers"] == 500_000
    assert s.evidence["shares_in_window"] == 120
    # the exposure it brought: its own followers plus its retweeters'
    assert s.evidence["exposure"] == s.evidence["own_exposure"] + s.evidence["share_exposure"]
    assert s.evidence["own_exposure"] == 500_000
    assert "500,000 followers" in s.explanation
    assert f"{s.evidence['exposure']:,}" in s.explanation
    # the brand and the press are not influencer entries (they have kinds of their own)
    assert not [e for e in entries if e.evidence["accounts"][0].lower() in ("acmebank", "reuters")]


def test_fast_escalation_press(built):
    inc, found = built["fast"]
    press = of_kind(found, "press_pickup")
    first = [s for s in press if s.evidence["first_overall"]]
    assert len(first) == 1
    assert abs(first[0].time - inc.planted["press_link"]) < 1
    assert first[0].evidence["via"] == "link"
    assert first[0].evidence["outlet"] == inc.facts["press_link_outlet"]  # the subdomain's own entry
    reuters = of_kind(found, "press_pickup", outlet="Reuters")
    assert len(reuters) == 1
    assert abs(reuters[0].time - inc.planted["press_account"]) < 1
    assert reuters[0].evidence["via"] == "account"
    assert "@Reuters" in reuters[0].label
    # an article from 2019 linked the day before is old material, not coverage
    assert not of_kind(found, "press_pickup", outlet=inc.facts["old_article_outlet"])
    assert min(s.time for s in press) >= inc.planted["escalation"]


def test_fast_escalation_brand_actions_and_latency(built):
    inc, found = built["fast"]
    brand = of_kind(found, "brand_action")
    assert len(brand) == 5  # four daily posts and the answer
    answer = [s for s in brand if abs(s.time - inc.planted["brand_answer"]) < 1]
    assert len(answer) == 1
    a = answer[0]
    width = bin_of(found)
    expected = inc.planted["brand_answer"] - inc.planted["escalation"]
    assert abs(a.evidence["since_escalation_seconds"] - expected) <= width
    h, m = divmod(int(a.evidence["since_escalation_seconds"]) // 60, 60)
    assert f"{h} h {m} min after the escalation began" in a.explanation
    assert a.evidence["latency_from"] is not None
    assert a.evidence["latency_seconds"] <= a.evidence["since_escalation_seconds"]
    # posts before anything happened say so
    early = [s for s in brand if s.time < inc.planted["escalation"]]
    assert len(early) == 3
    assert all("before any turning point" in s.explanation for s in early)


# ---- slow escalation, quiet brand -----------------------------------------------------------


def test_slow_escalation_is_found_within_the_ramp(built):
    inc, found = built["slow"]
    a, b = inc.planted["ramp_start"], inc.planted["ramp_end"]
    width = bin_of(found)
    rises = of_kind(found, "volume_change", direction="rise")
    assert rises
    assert a - width <= rises[0].time <= b, [(s.time - a) / 3600 for s in rises]
    shifts = of_kind(found, "sentiment_shift", direction="rise")
    assert shifts and all(a - 12 * 3600 <= s.time <= b for s in shifts)
    (alert,) = of_kind(found, "early_warning")
    (top,) = of_kind(found, "peak", role="volume")
    assert a <= alert.time < top.time
    assert alert.evidence["lead_seconds"] == pytest.approx(top.time - alert.time, abs=width)


def test_quiet_brand_has_no_actions(built):
    inc, found = built["slow"]
    assert inc.brand == ["quietco"]
    assert not of_kind(found, "brand_action")


# ---- two waves ------------------------------------------------------------------------------


def test_two_waves_each_found(built):
    inc, found = built["waves"]
    width = bin_of(found)
    assert width == 3600
    rises = of_kind(found, "volume_change", direction="rise")
    shifts = of_kind(found, "sentiment_shift", direction="rise")
    for wave in ("wave1", "wave2"):
        t = inc.planted[wave]
        assert near(rises, t, width), (wave, [(s.time - t) / 3600 for s in rises])
        assert near(shifts, t, width), (wave, [(s.time - t) / 3600 for s in shifts])
    assert len(rises) == 2
    # the second wave is the bigger: the incident's peak; the first has a wave peak of its own
    (top,) = of_kind(found, "peak", role="volume")
    assert 0 <= top.time - inc.planted["wave2"] <= 2 * 3600
    waves = of_kind(found, "peak", role="wave")
    assert len(waves) == 1 and 0 <= waves[0].time - inc.planted["wave1"] <= 2 * 3600
    # the first wave's alert came days before the (second wave's) peak
    (alert,) = of_kind(found, "early_warning")
    assert abs(alert.time - inc.planted["wave1"]) <= width
    assert alert.evidence["lead_seconds"] > 2 * 86400


# ---- calm archives --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["calm4", "calm5"])
def test_calm_archive_yields_no_escalation(built, name):
    inc, found = built[name]
    assert inc.posts > 1500
    assert not of_kind(found, "volume_change", direction="rise"), [s.explanation for s in found]
    assert not of_kind(found, "sentiment_shift")
    assert not of_kind(found, "early_warning")
    assert not of_kind(found, "influencer_entry")
    assert not of_kind(found, "amplification")
    assert not of_kind(found, "press_pickup")
    # what is there: the busiest hour (there always is one) and the brand's daily posts
    assert len(of_kind(found, "brand_action")) == 7


# ---- what every suggestion is ---------------------------------------------------------------


def test_every_suggestion_is_well_formed(built):
    for name, (_inc, found) in built.items():
        assert [s.time for s in found] == sorted(s.time for s in found), name
        keys = [s.key() for s in found]
        assert len(keys) == len(set(keys)), name
        for s in found:
            assert s.kind in tp.KINDS
            assert 0.0 <= s.score <= 1.0
            assert s.label and s.explanation.endswith(".")
            assert isinstance(s.evidence["post_ids"], list) and isinstance(s.evidence["accounts"], list)
            assert s.end is None or s.end >= s.time
            json.dumps(s.as_json())  # plain JSON values only


def test_series_kinds_not_repeated_within_tolerance(built):
    for name, (_inc, found) in built.items():
        width = bin_of(found)
        for kind in ("volume_change", "sentiment_shift"):
            for direction in ("rise", "fall"):
                times = [s.time for s in of_kind(found, kind, direction=direction)]
                assert all(b - a > 2 * width for a, b in itertools.pairwise(times)), (name, kind, direction)


def test_explanations_carry_their_numbers(built):
    _inc, found = built["fast"]
    for s in of_kind(found, "volume_change"):
        assert f"{s.evidence['posts_first_bin']:,}" in s.explanation
        assert "EDT on Wed 6 Oct" in s.explanation or "EDT on Thu 7 Oct" in s.explanation
    for s in of_kind(found, "sentiment_shift"):
        e = s.evidence
        assert f"{e['negative_after']:,} of {e['scored_after']:,}" in s.explanation
        assert f"{e['negative_before']:,} of {e['scored_before']:,}" in s.explanation
        assert f"{round(e['negative_share_after'] * 100)}%" in s.explanation
    (top,) = of_kind(found, "peak", role="volume")
    assert f"{top.evidence['posts_peak_bin']:,} posts" in top.explanation
    (alert,) = of_kind(found, "early_warning")
    e = alert.evidence
    assert f"{e['negative']:,} of {e['scored']:,} posts were negative" in alert.explanation


def test_keys_are_stable_across_runs(built):
    inc, found = built["waves"]
    with inc.open() as ws:
        again = tp.suggest(ws)
    assert [s.key() for s in again] == [s.key() for s in found]
    assert [s.as_json() for s in again] == [s.as_json() for s in found]


def test_as_json_shape():
    s = tp.Suggestion(
        1384376400.0,
        None,
        "peak",
        "Peak",
        "Busiest hour.",
        0.81234,
        {"post_ids": ["1"], "accounts": ["a"], "subject": "volume"},
    )
    assert s.as_json() == {
        "time": "2013-11-13T21:00:00Z",
        "end": None,
        "kind": "peak",
        "label": "Peak",
        "explanation": "Busiest hour.",
        "score": 0.812,
        "evidence": {"post_ids": ["1"], "accounts": ["a"], "subject": "volume"},
    }
    assert s.key() == "peak:1384376400:volume"


# ---- settings are honoured ------------------------------------------------------------------


def test_settings_change_what_is_found(built):
    inc, _found = built["fast"]
    with inc.open() as ws:
        strict = tp.suggest(
            ws,
            tp.Settings(
                amplification_min_shares=1000,
                influencer_median_ratio=1e6,
                volume_min_ratio=100,
                alert=tp.AlertRule(volume_factor=1000),
            ),
        )
        hourly = tp.suggest(ws, tp.Settings(bin_seconds=3600))
    assert not of_kind(strict, "amplification")
    assert not of_kind(strict, "influencer_entry")
    assert not of_kind(strict, "volume_change")
    assert not of_kind(strict, "early_warning")
    assert bin_of(hourly) == 3600
    assert near(of_kind(hourly, "volume_change", direction="rise"), inc.planted["escalation"], 3600)


def test_cancel_stops_it(built):
    inc, _ = built["calm4"]
    token = CancelToken()
    token.cancel()
    with inc.open() as ws, pytest.raises(Cancelled):
        tp.suggest(ws, progress=token)


def test_read_only_workspace_gives_the_same(built):
    """Without its rollups (a read-only workspace cannot build them) the numbers come from
    the posts: the same suggestions."""
    inc, found = built["fast"]
    with inc.open(read_only=True) as ws:
        again = tp.suggest(ws)
    assert [s.as_json() for s in again] == [s.as_json() for s in found]


def test_unscored_workspace(built, new_workspace):
    """Before sentiment is scored there is nothing to say about it, and the rest still works."""
    inc, _found = built["fast"]
    ws = new_workspace("unscored")
    (report,) = import_paths(ws, [inc.path.with_suffix(".jsonl")])
    assert report.ok
    ws.configure(timezone=inc.timezone, brand_handles=inc.brand)
    plain = tp.suggest(ws)
    kinds = {s.kind for s in plain}
    assert not kinds & {"sentiment_shift", "early_warning"}
    assert not of_kind(plain, "peak", role="negative")
    assert {"volume_change", "influencer_entry", "amplification", "press_pickup", "brand_action"} <= kinds


def test_empty_workspace(workspace):
    assert tp.suggest(workspace) == []


# ---- the press list and dates in links ------------------------------------------------------


def test_bundled_press_list():
    press = tp.load_press_list()
    assert len(set(press.accounts.values())) >= 75
    assert all(h == h.lower() and not h.startswith("@") for h in press.accounts)
    assert press.accounts["reuters"] == "Reuters" and press.domains["reuters.com"] == "Reuters"
    assert press.domains["ft.com"] == "Financial Times"


def test_press_list_flat_form(tmp_path):
    path = tmp_path / "press.json"
    path.write_text(
        json.dumps({"accounts": ["@LocalNews"], "domains": {"https://www.local.example/": "Local News"}})
    )
    press = tp.load_press_list(path)
    assert press.accounts == {"localnews": "@LocalNews"}
    assert press.domains == {"local.example": "Local News"}


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("http://jp.reuters.com/article/2013/11/14/x", "reuters.com"),
        ("https://www.FT.com", "ft.com"),
        ("http://dealbook.nytimes.com/2013/11/13/x/", "dealbook.nytimes.com"),
        ("http://www.nytimes.com:80/2013/10/20/x.html", "nytimes.com"),
        ("https://user@news.bbc.co.uk/?q=1", "bbc.co.uk"),
        ("https://notft.com/x", None),
        ("https://ft.com.example.net/", None),
        ("http://example.com/?u=http://reuters.com/", None),
    ],
)
def test_press_domains_match_hosts_and_subdomains(url, domain):
    import duckdb

    pattern = tp.domains_pattern(
        ["reuters.com", "ft.com", "nytimes.com", "dealbook.nytimes.com", "bbc.co.uk"]
    )
    con = duckdb.connect()
    matched, got = con.execute(
        "SELECT regexp_matches(?, ?), lower(regexp_extract(?, ?, 1))", [url, pattern, url, pattern]
    ).fetchone()
    assert (got if matched else None) == domain


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.bloomberg.com/news/2013-09-19/jpmorgan-to-pay.html", "2013-09-19"),
        ("http://www.nytimes.com/2013/10/20/business/deal.html", "2013-10-20"),
        ("http://www.rollingstone.com/politics/news/the-last-mystery-20130619", "2013-06-19"),
        ("http://blogs.hbr.org/2013/11/jpmorgan-twitter/", "2013-11-30"),
        ("https://www.reuters.com/business/acme-bank-2021-10-06/", "2021-10-06"),
        ("https://www.ft.com/content/8a7b6c5d", None),
        ("https://example.com/item/123456789012", None),
        ("https://www.20131301.com/", None),
    ],
)
def test_url_date(url, expected):
    got = tp.url_date(url)
    assert (got.isoformat() if got else None) == expected


# ---- the command line -----------------------------------------------------------------------


def test_cli_json(built):
    inc, found = built["fast"]
    res = subprocess.run(
        [sys.executable, "-m", "app", "turning-points", str(inc.path), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert isinstance(data, list) and len(data) == len(found)
    iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    for obj in data:
        assert list(obj) == ["time", "end", "kind", "label", "explanation", "score", "evidence"]
        assert iso.match(obj["time"])
        assert obj["end"] is None or iso.match(obj["end"])
        assert obj["kind"] in tp.KINDS
        assert isinstance(obj["label"], str) and isinstance(obj["explanation"], str)
        assert isinstance(obj["score"], float | int) and 0 <= obj["score"] <= 1
        assert isinstance(obj["evidence"]["post_ids"], list)
        assert isinstance(obj["evidence"]["accounts"], list)
    assert [o["time"] for o in data] == sorted(o["time"] for o in data)
    assert data == [s.as_json() for s in found]
    assert {o["kind"] for o in data} == set(tp.KINDS)


def test_cli_readable(built):
    inc, found = built["fast"]
    res = subprocess.run(
        [sys.executable, "-m", "app", "turning-points", str(inc.path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert f"({len(found)}; times in America/New_York)" in out
    # times in the display zone: the escalation at 16:00 EDT
    assert re.search(r"Wed 06 Oct 2021 16:00 EDT  volume_change", out)
    assert "early_warning" in out and "brand_action" in out


def test_cli_missing_workspace(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "app", "turning-points", str(tmp_path / "none.duckdb")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 1
    assert "no workspace" in res.stderr
