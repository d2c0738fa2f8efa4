#!/usr/bin/env python3
"""Build the one-folder bundle and (optionally) smoke-test it. Same on Linux, Windows, macOS.

    python packaging/build.py            # icons (if stale) + dist/incident-timeline/
    python packaging/build.py --test     # ... then run tests/e2e/test_bundle.py against it
    python packaging/build.py --clean    # remove build/ and dist/ first

Run it with the interpreter of the environment the app is installed in (the venv): the bundle
takes the Python, Qt and libraries of that environment. PyInstaller comes from the `bundle`
extra: `pip install -e .[bundle]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "incident-timeline.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build"
BUNDLE = DIST / "incident-timeline"


def say(msg: str) -> None:
    print(f"[bundle] {msg}", flush=True)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--test", action="store_true", help="run the bundle's smoke test afterwards")
    parser.add_argument("--clean", action="store_true", help="start from an empty build/ and dist/")
    args = parser.parse_args(argv)

    if importlib.util.find_spec("PyInstaller") is None:
        say("PyInstaller is missing: pip install -e .[bundle]  (or: pip install pyinstaller)")
        return 1
    if args.clean:
        for d in (WORK, DIST):
            shutil.rmtree(d, ignore_errors=True)

    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    icons = [sys.executable, str(ROOT / "resources" / "make_icons.py")]
    if subprocess.run([*icons, "--check"], cwd=ROOT, env=env, capture_output=True, check=False).returncode:
        say("rendering the icons from resources/incident-timeline.svg")
        subprocess.run(icons, cwd=ROOT, env=env, check=True)

    say(f"building {BUNDLE.relative_to(ROOT)} with PyInstaller")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(SPEC),
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK),
            "--noconfirm",
            "--log-level",
            "WARN",
        ],
        cwd=ROOT,
        check=True,
    )
    say(f"built {BUNDLE.relative_to(ROOT)}: {folder_size(BUNDLE) / 2**20:.1f} MiB")
    if args.test:
        say("smoke test: tests/e2e/test_bundle.py")
        return subprocess.call(
            [sys.executable, "-m", "pytest", "-q", "tests/e2e/test_bundle.py", "-rs"], cwd=ROOT, env=env
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
