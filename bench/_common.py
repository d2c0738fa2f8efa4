"""Helpers shared by the benchmark scripts (not part of the app)."""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
OUT = BENCH / "out"
# both are git-ignored, so a fresh clone has neither: every script imports this module first
DATA.mkdir(parents=True, exist_ok=True)
OUT.mkdir(parents=True, exist_ok=True)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def archive_path(posts: int, fmt: str, seed: int = 1, retweet_share: float = 0.5, gz: bool = False) -> Path:
    name = f"{fmt}_{posts}_s{seed}_rt{round(retweet_share * 100)}.jsonl" + (".gz" if gz else "")
    return DATA / name


def ensure_archive(posts: int, fmt: str, seed: int = 1, retweet_share: float = 0.5, gz: bool = False) -> Path:
    """The generated archive for these arguments, generated now if it is not there yet."""
    path = archive_path(posts, fmt, seed, retweet_share, gz)
    if path.exists():
        print(f"reusing {path} ({path.stat().st_size / 1e9:.2f} GB)", flush=True)
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    per_post = (4000 if fmt == "v1" else 1700) * (0.25 if gz else 1.0)
    need = posts * per_post * 1.1
    free = shutil.disk_usage(DATA).free
    if need > free - 5e9:
        sys.exit(f"not enough disk for {path.name}: needs ~{need / 1e9:.1f} GB, {free / 1e9:.1f} GB free")
    cmd = [
        sys.executable,
        str(BENCH / "generate_archive.py"),
        "--posts",
        str(posts),
        "--format",
        fmt,
        "--seed",
        str(seed),
        "--retweet-share",
        str(retweet_share),
        "-o",
        str(path),
    ]
    if gz:
        # level 1: generating 10M posts at level 6 would take ~10 more minutes; DuckDB reads
        # either at about the same speed
        cmd += ["--gzip", "--gzip-level", "1"]
    print("generating:", " ".join(cmd[1:]), flush=True)
    subprocess.run(cmd, check=True)
    return path


def warm_page_cache(path: Path) -> float:
    """Read the file once so every timed run finds it in the page cache alike."""
    t = time.perf_counter()
    with open(path, "rb") as fh:
        while fh.read(1 << 24):
            pass
    return time.perf_counter() - t


def remove_db(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal"), Path(str(path) + ".tmp")):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        elif p.exists():
            p.unlink()


def run_child(
    args: list[str],
    sample_rss: bool = True,
    watch: list[Path] | None = None,
    max_rss_gb: float = 20.0,
    min_free_disk_gb: float = 12.0,
    min_available_gb: float = 1.5,
) -> dict:
    """Run ``python <args>`` as a child; return the JSON it prints last, plus the peak RSS
    seen by sampling /proc every 0.2 s and the largest size of the ``watch`` paths.

    The machine is shared: the child is killed (and RuntimeError raised) if its RSS passes
    ``max_rss_gb``, the disk's free space falls under ``min_free_disk_gb`` or the machine's
    available memory under ``min_available_gb`` (so that the OOM killer never has to choose)."""
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True)
    peak = {"rss_kb": 0, "disk": 0, "min_free": float("inf"), "killed": None}
    stop = threading.Event()

    def sampler() -> None:
        n = 0
        while not stop.is_set():
            rss = _tree_rss_kb(proc.pid)
            peak["rss_kb"] = max(peak["rss_kb"], rss)
            if watch and n % 5 == 0:
                peak["disk"] = max(peak["disk"], sum(_du(p) for p in watch))
            free = shutil.disk_usage(DATA).free / 1e9
            peak["min_free"] = min(peak["min_free"], free)
            why = None
            if rss / 2**20 > max_rss_gb:
                why = f"RSS {rss / 2**20:.1f} GB passed the {max_rss_gb} GB guard"
            elif free < min_free_disk_gb:
                why = f"free disk {free:.1f} GB fell under the {min_free_disk_gb} GB guard"
            elif _mem_available_gb() < min_available_gb:
                why = f"the machine's available memory fell under {min_available_gb} GB"
            if why and peak["killed"] is None:
                peak["killed"] = why
                proc.kill()
            n += 1
            stop.wait(0.2)

    th = threading.Thread(target=sampler, daemon=True)
    if sample_rss:
        th.start()
    out, _ = proc.communicate()
    stop.set()
    if sample_rss:
        th.join()
    if peak["killed"]:
        raise RuntimeError(
            f"child {' '.join(args)} killed: {peak['killed']} "
            f"(peak RSS so far {peak['rss_kb'] / 2**20:.1f} GB)"
        )
    if proc.returncode != 0:
        raise RuntimeError(f"child {' '.join(args)} failed with exit code {proc.returncode}\n{out}")
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    result = json.loads(lines[-1])
    result["sampled_peak_rss_mb"] = peak["rss_kb"] / 1024
    result["peak_disk_gb"] = peak["disk"] / 1e9
    result["min_free_disk_gb"] = peak["min_free"]
    return result


def _mem_available_gb() -> float:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("inf")


def _tree_rss_kb(pid: int) -> int:
    """VmRSS of a process and its children (score_missing's workers, if any)."""
    total = 0
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            pids += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def _du(path: Path) -> int:
    if path.is_dir():
        return sum(_du(p) for p in path.iterdir())
    try:
        return path.stat().st_size
    except OSError:
        return 0


def self_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def machine() -> str:
    import duckdb

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, {platform.system()} {platform.release()}\n"
        f"core: {core_fingerprint()}; load average {os.getloadavg()[0]:.1f}"
    )


CORE_FILES = (
    "app/core/ingest",
    "app/core/store/ingest_sql.py",
    "app/core/sentiment/scoring.py",
    "app/core/sentiment/chunks.py",
    "app/core/sentiment/vader_exact.py",
    "app/core/store/sentiment_sql.py",
    "app/core/store/workspace.py",
)


def core_code_hash() -> str:
    """A hash of the import and scoring code as it is in the work tree."""
    import hashlib

    h = hashlib.sha256()
    for name in CORE_FILES:
        p = ROOT / name
        for f in sorted(p.rglob("*.py")) if p.is_dir() else [p]:
            if f.exists():
                h.update(f.name.encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:12]


def core_fingerprint() -> str:
    """Which core the figures belong to: git HEAD, and a hash of the import and scoring code
    as it is in the work tree (the core changes while benchmarks run)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", *CORE_FILES],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        head, dirty = "?", ""
    return f"HEAD {head or '?'}{' + uncommitted changes' if dirty else ''}, import/scoring code {core_code_hash()}"


class TimedConnection:
    """Wraps a DuckDB connection and records how long each ``execute`` takes (bench only:
    the core is used as it is, only watched)."""

    def __init__(self, con, log: list) -> None:
        self._con, self._log = con, log

    def execute(self, sql, *args, **kw):
        t = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kw)
        finally:
            self._log.append((label_sql(sql), time.perf_counter() - t))

    def __getattr__(self, name):
        return getattr(self._con, name)


def label_sql(sql: str) -> str:
    words = " ".join(str(sql).split())
    for key, label in (
        ("CREATE TEMP TABLE itx_stage AS", "stage (parse file into itx_stage)"),
        ("CREATE TEMP TABLE itx_v2_lines", "stage v2 lines (parse pages)"),
        ("INSERT INTO posts", "finish insert (dedup + insert into posts)"),
        ("SELECT verdict, count(*)", "verdict counts"),
        ("INSERT INTO sentiment", "insert scores"),
    ):
        if words.startswith(key) or key in words[:200]:
            return label
    return words[:60]
