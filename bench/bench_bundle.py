#!/usr/bin/env python3
"""The built bundle: its size on disk and its cold start until the sample is drawn.

    python bench/bench_bundle.py [--bundle dist/incident-timeline] [--runs 7] [--json bench/out/bundle.json]

Cold start = from spawning the process to the moment the window has drawn the sample
incident (``--self-test WORKSPACE`` prints "drew ..." then; the bench reads stdout as it
comes). Measured in the same run, with the same number of runs and the same warm-up:

* baseline: ``python -c "import PySide6.QtWidgets"`` (the venv's interpreter), the least any
  PySide6 app pays before it can show a widget;
* the source tree: ``python -m app --self-test WORKSPACE`` with the same workspace.

The first run of each is reported on its own ("first"), then the median of the rest. With
``--drop-caches`` (root, and a kernel that lets this container write
/proc/sys/vm/drop_caches) the page cache is dropped before every run, so each is truly cold;
otherwise the figures are warm-cache starts. The workspace is built once with the bundle
(``demo --no-gui``) in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine  # bench/, the script's folder, is on sys.path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def bundle_size(folder: Path) -> dict:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    total = sum(p.stat().st_size for p in files)
    parts: dict[str, int] = {}
    internal = folder / "_internal"
    for p in files:
        rel = p.relative_to(internal) if internal in p.parents else Path(p.name)
        key = (
            rel.parts[0]
            if len(rel.parts) > 1
            else (
                "(top-level libraries)"
                if ".so" in p.name or p.suffix in (".dll", ".dylib")
                else "(other top-level files)"
            )
        )
        if rel.parts[0] == "PySide6" and len(rel.parts) > 2 and rel.parts[1] == "Qt":
            key = "PySide6/Qt/" + rel.parts[2]
        parts[key] = parts.get(key, 0) + p.stat().st_size
    return {"bytes": total, "files": len(files), "parts": dict(sorted(parts.items(), key=lambda kv: -kv[1]))}


def drop_caches() -> bool:
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as fh:
            fh.write("3\n")
        return True
    except OSError:
        return False


def time_until(cmd: list[str], marker: str | None, env: dict) -> tuple[float, str]:
    """Seconds from spawning ``cmd`` until ``marker`` appears on its stdout (or it exits)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=tempfile.gettempdir()
    )
    seen = None
    out = []
    assert proc.stdout is not None
    for line in proc.stdout:
        out.append(line)
        if seen is None and marker and marker in line:
            seen = time.perf_counter() - t0
    rc = proc.wait()
    total = time.perf_counter() - t0
    if rc != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit status {rc}:\n{''.join(out)}")
    return (seen if seen is not None else total), "".join(out)


def series(label: str, cmd: list[str], marker: str | None, runs: int, env: dict, cold: bool) -> dict:
    times, reported = [], []
    for i in range(runs):
        if cold:
            drop_caches()
        t, out = time_until(cmd, marker, env)
        times.append(t)
        for line in out.splitlines():
            if line.startswith("self-test timings: "):
                reported.append(json.loads(line.split(": ", 1)[1]))
        print(f"  {label:<34} run {i + 1}: {t * 1000:7.0f} ms", flush=True)
    rest = times[1:] or times
    result = {"first_s": times[0], "median_s": statistics.median(rest), "min_s": min(times), "runs_s": times}
    if reported:
        result["self_reported_median"] = {
            k: statistics.median(r[k] for r in reported[1:] or reported)
            for k in reported[0]
            if all(k in r for r in reported)
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "incident-timeline")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--drop-caches", action="store_true", help="drop the page cache before each run (root)"
    )
    parser.add_argument("--json", type=Path, default=BENCH / "out" / "bundle.json")
    args = parser.parse_args(argv)

    exe = args.bundle / ("incident-timeline.exe" if sys.platform == "win32" else "incident-timeline")
    if not exe.exists():
        print(f"no bundle at {args.bundle}: build it first (make bundle)", file=sys.stderr)
        return 1
    cold = args.drop_caches and drop_caches()
    if args.drop_caches and not cold:
        print("cannot drop the page cache here: measuring warm-cache starts", flush=True)

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    size = bundle_size(args.bundle)
    print(f"bundle: {size['bytes'] / 2**20:.1f} MiB in {size['files']} files", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        ws = Path(tmp) / "sample.duckdb"
        subprocess.run([str(exe), "demo", "--no-gui", str(ws)], check=True, env=env, capture_output=True)
        results = {
            "baseline_import_qtwidgets": series(
                "python -c 'import PySide6.QtWidgets'",
                [sys.executable, "-c", "import PySide6.QtWidgets"],
                None,
                args.runs,
                env,
                cold,
            ),
            "bundle_self_test": series(
                "bundle --self-test (until drawn)",
                [str(exe), "--self-test", str(ws)],
                "self-test: drew",
                args.runs,
                env,
                cold,
            ),
            "source_self_test": series(
                "source --self-test (until drawn)",
                [sys.executable, "-m", "app", "--self-test", str(ws)],
                "self-test: drew",
                args.runs,
                dict(env, PYTHONPATH=str(ROOT)),
                cold,
            ),
        }
    base = results["baseline_import_qtwidgets"]["median_s"]
    for key in ("bundle_self_test", "source_self_test"):
        results[key]["ratio_to_baseline"] = results[key]["median_s"] / base
        results[key]["first_ratio_to_baseline"] = (
            results[key]["first_s"] / results["baseline_import_qtwidgets"]["first_s"]
        )

    report = {
        "machine": machine(),
        "cold_page_cache": bool(cold),
        "runs": args.runs,
        "bundle": str(args.bundle),
        "size": size,
        "results": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    print()
    print(f"{'':<36}{'first':>9}{'median':>9}{'x baseline':>12}")
    for key, r in results.items():
        ratio = f"{r['ratio_to_baseline']:.1f}" if "ratio_to_baseline" in r else "1.0"
        print(f"{key:<36}{r['first_s'] * 1000:8.0f}ms{r['median_s'] * 1000:7.0f}ms{ratio:>12}")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
