#!/usr/bin/env python3
"""Set up and run Incident Timeline Explorer from a source checkout, with nothing but Python 3.

    python3 dev.py run     set everything up, then open the app on the bundled sample incident
    python3 dev.py test    set everything up, then run the whole test suite
    python3 dev.py check   set everything up, then run the static checks: ruff (lint and format),
                           mypy (the core and the CLI) and import-linter (the layers' contracts)
    python3 dev.py bundle  set everything up, then build the one-folder bundle (PyInstaller) in
                           dist/incident-timeline/ (its tests are in the suite: tests/e2e/test_bundle.py)
    python3 dev.py setup   only set up (system packages, .venv, the app and its test tools)

System packages (the Qt runtime libraries, fonts, python3-venv) are installed with apt-get when
run as root; otherwise the exact apt-get line is printed. Python packages go into ./.venv and
are reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")

# What PySide6's wheels need from the system to draw (offscreen included) and to find fonts.
APT_PACKAGES = [
    "libegl1",
    "libgl1",
    "libglib2.0-0",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libx11-xcb1",
    "fonts-dejavu-core",
    # Chinese, Japanese and Korean text in the window and the PDF (the PDF's CJK check needs it)
    "fonts-noto-cjk",
]

# The static checks, each a command of the venv's tools (pyproject.toml holds their settings).
CHECKS = [
    ("ruff lint", ["ruff", "check", "."]),
    ("ruff format", ["ruff", "format", "--check", "."]),
    ("mypy", ["mypy"]),
    ("import contracts", ["lint-imports", "--no-cache"]),
]


def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def missing_apt_packages() -> list[str]:
    if not shutil.which("dpkg-query"):
        return []  # not Debian/Ubuntu: the user knows their system's packages
    wanted = list(APT_PACKAGES)
    probe = subprocess.run([sys.executable, "-c", "import ensurepip, venv"], capture_output=True, check=False)
    if probe.returncode != 0:
        wanted.append("python3-venv")
    missing = []
    for pkg in wanted:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in out.stdout:
            missing.append(pkg)
    return missing


def ensure_system_packages() -> None:
    missing = missing_apt_packages()
    if not missing:
        return
    line = "apt-get install -y --no-install-recommends " + " ".join(missing)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        say(f"installing system packages: {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(line.split(), check=True, env=env)
    else:
        say("these system packages are needed; install them with:")
        print(f"\n    sudo {line}\n", flush=True)
        sys.exit(1)


def ensure_venv(extras: tuple[str, ...] = ("test", "lint")) -> None:
    """The app (editable) and the tools of ``extras`` (pyproject.toml's optional dependencies)
    in .venv, installed again whenever pyproject.toml or the extras change."""
    if not PY.exists():
        say("creating .venv")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    stamp = VENV / ".installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    installed = stamp.read_text().split() if stamp.exists() else []
    if installed[:1] == [digest] and set(extras) <= set(installed[1:]):
        return
    wanted = sorted(set(extras) | (set(installed[1:]) if installed[:1] == [digest] else set()))
    say(f"installing the app and its {', '.join(wanted)} tools into .venv (first run takes a minute)")
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[{','.join(wanted)}]"], check=True)
    stamp.write_text(" ".join([digest, *wanted]))


def setup() -> None:
    if sys.version_info < (3, 10):  # noqa: UP036 - dev.py runs on any python3 and says when it is too old
        say(f"Python 3.10 or newer is needed; this is {sys.version.split()[0]}.")
        sys.exit(1)
    ensure_system_packages()
    ensure_venv()


def check() -> int:
    """Run every static check, each to the end; 1 if any failed."""
    failed = []
    for name, (tool, *args) in CHECKS:
        say(f"{name}: {tool} {' '.join(args)}")
        if subprocess.call([str(BIN / tool), *args], cwd=ROOT) != 0:
            failed.append(name)
    if failed:
        say(f"FAILED: {', '.join(failed)}")
        return 1
    say("all checks passed")
    return 0


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command == "setup":
        setup()
        return 0
    if command == "run":
        setup()
        return subprocess.call([str(PY), "-m", "app", "demo", *rest])
    if command == "check":
        setup()
        return check()
    if command == "bundle":
        setup()
        ensure_venv(("test", "lint", "bundle"))
        return subprocess.call([str(PY), str(ROOT / "packaging" / "build.py"), *rest], cwd=ROOT)
    if command == "test":
        setup()
        env = dict(os.environ)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT, env=env)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
