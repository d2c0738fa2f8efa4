"""The headless command line, run as a user would: a real process, a real workspace file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def assert_all_scored_in_scope(info: dict) -> None:
    """Every post of ``info`` is scored but those outside the sentiment's scope."""
    sentiment = info["sentiment"]
    assert sentiment["not_scored"]["pending"] == 0
    assert info["scored_share"] == sentiment["scored"] / info["posts"]
    out_of_scope = sentiment["not_scored"]["language"] + sentiment["not_scored"]["no_text"]
    assert sentiment["scored"] + out_of_scope == info["posts"]


def test_version():
    assert cli("--version").stdout.startswith("incident-timeline ")


def test_import_info_config_round_trip(tmp_path):
    ws = tmp_path / "incident.duckdb"
    out = cli("import", str(ws), str(FIXTURES / "twarc-csv" / "noflat.jsonl"), "--json").stdout
    report = json.loads(out)
    assert report["files"][0]["added"] == 100
    assert report["texts_scored"] > 0

    again = json.loads(cli("import", str(ws), str(FIXTURES / "twarc-csv" / "flat.jsonl"), "--json").stdout)
    assert again["files"][0]["added"] == 0 and again["files"][0]["already_in_workspace"] == 100

    info = json.loads(cli("info", str(ws), "--json").stdout)
    assert info["posts"] == 100
    assert_all_scored_in_scope(info)
    assert [i["format"] for i in info["imports"]] == ["twitter-v2", "twitter-v2"]

    settings = json.loads(
        cli(
            "config",
            str(ws),
            "--name",
            "Test incident",
            "--timezone",
            "America/New_York",
            "--brand",
            "@JPMorgan",
            "chase",
            "--json",
        ).stdout
    )
    assert settings == {
        "incident_name": "Test incident",
        "timezone": "America/New_York",
        "brand_handles": ["chase", "jpmorgan"],
    }
    text = cli("info", str(ws)).stdout
    assert "Test incident" in text and "@jpmorgan" in text

    with duckdb.connect(str(ws), read_only=True) as con:
        assert (
            con.execute("SELECT count(*) FROM posts_scored WHERE compound IS NOT NULL").fetchone()[0]
            == info["sentiment"]["scored"]
        )


def test_errors_are_one_line_and_non_zero(tmp_path):
    bad_zone = cli("config", str(tmp_path / "x.duckdb"), check=False)
    assert bad_zone.returncode != 0
    assert "no workspace" in bad_zone.stderr.lower()
    assert len(bad_zone.stderr.strip().splitlines()) == 1

    ws = tmp_path / "w.duckdb"
    cli("import", str(ws), str(FIXTURES / "twarc-csv" / "two_tweets.jsonl"))
    result = cli("config", str(ws), "--timezone", "Europe/Londn", check=False)
    assert result.returncode == 1
    assert "Europe/London" in result.stderr  # the hint names the likely zone

    empty = cli("import", str(ws), str(FIXTURES / "twarc-csv" / "empty.json"), check=False)
    assert empty.returncode == 1
    assert "empty" in empty.stdout


def test_csv_mapping_from_the_command_line(tmp_path):
    csv_file = tmp_path / "export.csv"
    csv_file.write_text(
        "Tweet ID,When,Who,Body\n1400000000000000001,2013-11-13 21:03:07,@someone,Hello #AskJPM\n",
        encoding="utf-8",
    )
    ws = tmp_path / "m.duckdb"
    out = cli(
        "import",
        str(ws),
        str(csv_file),
        "--map",
        "Tweet ID=post_id",
        "--map",
        "When=created_at",
        "--map",
        "Who=author_handle",
        "--map",
        "Body=text",
        "--timezone",
        "UTC",
        "--json",
    ).stdout
    assert json.loads(out)["files"][0]["added"] == 1
    with duckdb.connect(str(ws), read_only=True) as con:
        row = con.execute(
            "SELECT post_id, author_handle, hashtags, created_at::VARCHAR FROM posts"
        ).fetchone()
    # no hashtag column: the hashtags come from the text
    assert row == ("1400000000000000001", "someone", ["AskJPM"], "2013-11-13 21:03:07")


def test_demo_builds_the_sample_without_a_window(tmp_path):
    ws = tmp_path / "demo.duckdb"
    out = json.loads(cli("demo", str(ws), "--no-gui", "--json").stdout)
    assert out["files"][0]["added"] > 10_000
    info = json.loads(cli("info", str(ws), "--json").stdout)
    assert info["timezone"] == "America/New_York"
    assert info["brand_handles"] == ["jpmorgan"]
    assert_all_scored_in_scope(info)
    # building it again adds nothing
    again = json.loads(cli("demo", str(ws), "--no-gui", "--json").stdout)
    assert again["files"][0]["added"] == 0
