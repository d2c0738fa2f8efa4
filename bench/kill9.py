"""kill -9 at random moments of a large import and of scoring: the workspace must open with
the posts it had before or with all of the file's posts (never a part), no scoring worker may
outlive its parent, the next start must remove the killed run's temporary folder, and a
re-run must complete the import and the scores.

Run by hand (minutes to an hour; not in CI):

    python bench/kill9.py --posts 300000 --rounds 20 --seed 1 [--json bench/out/kill9.json]

Each round copies a base workspace, starts the real command (``incident-timeline import``),
kills it with SIGKILL after a random delay drawn over the command's measured duration, then
checks. The outcome goes to docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
sys.path.insert(0, str(ROOT))

from tests.reliability.processes import alive, descendants  # noqa: E402


def cli(*args: str, env: dict, check: bool = True, timeout: float = 3600) -> subprocess.CompletedProcess:
    p = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and p.returncode != 0:
        raise SystemExit(f"{args[0]} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def counts(ws: Path) -> tuple[int, int]:
    """(posts, texts a scoring run still has to look at), as the app counts them (texts in
    the sentiment's scope without scores, and texts whose language is not checked yet)."""
    from app.core.sentiment import missing_count
    from app.core.store import Workspace

    with Workspace.open(ws, read_only=True) as w:
        posts = w.cursor().execute("SELECT count(*) FROM posts").fetchone()[0]
        return posts, missing_count(w)


def timed(args: list[str], env: dict) -> float:
    t = time.perf_counter()
    cli(*args, env=env)
    return time.perf_counter() - t


def kill_round(args: list[str], env: dict, delay: float) -> dict:
    p = subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(delay)
    family = descendants(p.pid)
    finished_first = p.poll() is not None
    p.send_signal(signal.SIGKILL)
    p.communicate()
    t = time.monotonic()
    while any(alive(k) for k in family) and time.monotonic() - t < 30:
        time.sleep(0.05)
    return {
        "delay_s": round(delay, 2),
        "finished_before_kill": finished_first,
        "children": len(family),
        "children_gone_after_s": round(time.monotonic() - t, 2),
        "children_left": sum(alive(k) for k in family),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=300_000)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--stages", nargs="+", choices=["import", "scoring"], default=["import", "scoring"])
    args = ap.parse_args()
    rng = random.Random(args.seed)
    DATA.mkdir(parents=True, exist_ok=True)
    archive = DATA / f"v1_{args.posts}_s{args.seed}_kill9.jsonl"
    if not archive.exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "generate_archive.py"),
                "--posts",
                str(args.posts),
                "--format",
                "v1",
                "--seed",
                str(args.seed),
                "-o",
                str(archive),
                "--quiet",
            ],
            check=True,
        )
    work = Path(tempfile.mkdtemp(prefix="kill9-", dir=DATA))
    tmp = work / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    small = ROOT / "tests" / "fixtures" / "twarc-csv" / "noflat.jsonl"

    # the workspaces each round starts from: a small incident, and the same with the big file
    # imported but not scored
    base = work / "base.duckdb"
    cli("import", str(base), str(small), env=env)
    before, _ = counts(base)
    imported = work / "imported.duckdb"
    shutil.copy(base, imported)
    t_import = timed(["import", str(imported), str(archive), "--no-sentiment"], env)
    after, unscored_after = counts(imported)
    assert after == before + args.posts, (after, before)
    scored = work / "scored.duckdb"
    shutil.copy(imported, scored)
    t_score = timed(["import", str(scored), str(small)], env)  # imports nothing, scores everything
    print(
        f"{args.posts:,} posts: import {t_import:.1f} s, scoring {unscored_after:,} texts {t_score:.1f} s",
        flush=True,
    )

    results = {
        "posts": args.posts,
        "import_s": round(t_import, 1),
        "score_s": round(t_score, 1),
        "rounds": [],
    }
    failures = 0
    for stage, source, command, duration in (
        ("import", base, ["import", "{ws}", str(archive)], t_import),
        ("scoring", imported, ["import", "{ws}", str(small)], t_score),
    ):
        if stage not in args.stages:
            continue
        for i in range(args.rounds):
            ws = work / f"{stage}-{i}.duckdb"
            shutil.copy(source, ws)
            delay = rng.uniform(0.2, duration * 1.05)
            r = kill_round([a.replace("{ws}", str(ws)) for a in command], env, delay)
            left_tmp = sorted(p.name for p in tmp.iterdir())
            info = cli("info", str(ws), "--json", env=env, check=False)  # the next start
            r["opens"] = info.returncode == 0
            r["temp_left_after_next_start"] = sorted(p.name for p in tmp.iterdir())
            r["temp_left_by_kill"] = len(left_tmp)
            posts, missing = counts(ws)
            r["posts"] = posts
            r["posts_ok"] = posts in ((before, after) if stage == "import" else (after,))
            r["unscored_after_kill"] = missing
            rerun = cli(*[a.replace("{ws}", str(ws)) for a in command], env=env, check=False)
            posts2, missing2 = counts(ws)
            r["rerun_ok"] = rerun.returncode == 0 and posts2 == after and missing2 == 0
            ok = (
                r["opens"]
                and r["posts_ok"]
                and r["rerun_ok"]
                and not r["children_left"]
                and not r["temp_left_after_next_start"]
            )
            r["ok"] = ok
            failures += not ok
            r["stage"] = stage
            results["rounds"].append(r)
            print(
                f"{stage:8} round {i + 1:2}: kill at {delay:6.2f} s  posts {posts:>8,} "
                f"({'before' if posts == before else 'after' if posts == after else 'PART'})  unscored {missing:>7,}  "
                f"workers {r['children']} gone in {r['children_gone_after_s']} s  temp left by kill {r['temp_left_by_kill']}, "
                f"after next start {len(r['temp_left_after_next_start'])}  re-run {'completes' if r['rerun_ok'] else 'FAILS'}"
                + ("" if ok else "  <-- FAILED"),
                flush=True,
            )
            ws.unlink(missing_ok=True)
            Path(str(ws) + ".wal").unlink(missing_ok=True)
    print(f"{failures} of {2 * args.rounds} rounds failed")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
