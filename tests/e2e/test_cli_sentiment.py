"""The sentiment and labels commands as a script runs them: a generated incident with a known
truth, labelled through the spreadsheet workflow, then read back as JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.core import sentiment_incident as si
from tests.e2e.test_cli import cli

KEYS = {"posts", "scored", "not_scored", "raw", "calibrated"}


def test_sentiment_and_labels_commands_from_sample_to_calibration(tmp_path):
    gen = si.build(tmp_path, 11, posts=1500)
    ws = str(gen.path)

    # no labels: raw shares only, nothing calibrated
    before = json.loads(cli("sentiment", ws, "--json").stdout)
    assert before["timezone"] == "America/New_York"
    assert set(before["overall"]) == KEYS
    overall = before["overall"]
    assert overall["posts"] == 1500 and overall["scored"] == len(gen.truth)
    assert overall["not_scored"] == {"language": len(gen.german), "no_text": 0, "pending": 0}
    assert overall["calibrated"] is None and before["not_calibrated"] == "no post is labelled yet"
    assert abs(sum(overall["raw"].values()) - 1) < 1e-9
    assert all(item["calibrated"] is None for item in before["series"])
    assert "calibrated" not in cli("sentiment", ws).stdout.split("Not calibrated")[0].lower()

    # a sample for colleagues; never written over an existing file
    sample = tmp_path / "sample.csv"
    out = cli("labels", ws, "sample", "-n", "300", "-o", str(sample)).stdout
    assert out.startswith("Wrote 300 posts to")
    again = cli("labels", ws, "sample", "-n", "10", "-o", str(sample), check=False)
    assert again.returncode != 0 and "already exists" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1

    # labelled in a spreadsheet and saved back
    rows = list(csv.reader(io.StringIO(sample.read_bytes().decode("utf-8-sig"), newline="")))
    edited = io.StringIO(newline="")
    writer = csv.writer(edited, lineterminator="\r\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([*row[:5], gen.truth[row[0]]])
    writer.writerow(["12345", "twitter", "", "", "", "negative"])  # an id from elsewhere
    labelled = tmp_path / "labelled.csv"
    labelled.write_bytes(("\ufeff" + edited.getvalue()).encode("utf-8"))
    report = json.loads(cli("labels", ws, "import", str(labelled), "--json").stdout)
    assert report["labelled"] == 300 and report["unknown_ids"]["count"] == 1
    assert report["unknown_ids"]["first"] == [{"row": 302, "value": "12345"}]
    text = cli("labels", ws, "import", str(labelled)).stdout
    assert "300 labels kept from 301 rows" in text and "row 302: “12345”" in text

    summary = json.loads(cli("labels", ws, "--json").stdout)
    assert summary["labelled"] == 300
    a = summary["agreement"]
    assert a["labelled"] == 300 and 0 < a["accuracy"] < 0.8 and a["kappa"] is not None
    assert sum(sum(row.values()) for row in a["confusion"].values()) == 300
    assert summary["vendor_agreement"] is None
    c = summary["calibrated"]
    truth = gen.true_shares()
    assert c["labels"] == 300 and c["negative_ci"][0] <= c["negative"] <= c["negative_ci"][1]
    assert abs(c["negative"] - truth[0]) < 0.08
    assert summary["raw"]["negative"] < truth[0] - 0.1

    after = json.loads(cli("sentiment", ws, "--json", "--bin", "hour").stdout)
    cal = after["overall"]["calibrated"]
    assert set(cal) >= {"negative", "neutral", "positive", "negative_ci", "labels"} and cal["labels"] == 300
    assert cal == c
    zone = ZoneInfo("America/New_York")
    series = after["series"]
    assert sum(item["posts"] for item in series) == 1500
    for item in series:
        assert item["start"].endswith("Z")
        local = datetime.fromisoformat(item["start"].replace("Z", "+00:00")).astimezone(zone)
        assert (local.minute, local.second) == (0, 0)
        if item["calibrated"] is not None:
            assert item["raw"] is not None and item["calibrated"]["labels"] == 300
    days = json.loads(cli("sentiment", ws, "--json", "--bin", "day").stdout)["series"]
    assert all(
        datetime.fromisoformat(d["start"].replace("Z", "+00:00")).astimezone(zone).hour == 0 for d in days
    )
    text = cli("sentiment", ws).stdout
    assert "Calibrated with 300 labelled posts" in text and "English only" in text

    info = json.loads(cli("info", ws, "--json").stdout)["sentiment"]
    assert info["not_scored"]["language"] == len(gen.german)
    assert info["calibrated"]["labels"] == 300
    assert "Sentiment covers" in cli("info", ws).stdout
