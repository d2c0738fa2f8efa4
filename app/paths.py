"""Where the app finds its bundled files (resources, the sample incident) and keeps its own.

Works from a source checkout, an installed package and a PyInstaller bundle alike.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _roots() -> list[Path]:
    roots = []
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        roots.append(Path(sys._MEIPASS))
    roots.append(Path(__file__).resolve().parent.parent)
    return roots


def bundled(name: str) -> Path:
    """The folder ``resources`` or ``sample_data`` that ships with the app."""
    for root in _roots():
        if (root / name).is_dir():
            return root / name
    raise FileNotFoundError(f"The app's {name} folder is missing from this installation.")


def bundled_fonts() -> list[Path]:
    """The font files in ``resources/fonts`` (see :mod:`app.fonts`), in name order."""
    folder = bundled("resources") / "fonts"
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".ttf", ".otf"))


def sample_archive() -> Path:
    return bundled("sample_data") / "askjpm_sample.jsonl.gz"


def user_data_dir() -> Path:
    """The per-user folder for the demo workspace and the like."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    path = base / "incident-timeline"
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_log_dir() -> Path:
    """The per-user folder where an unexpected error's details are written."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "incident-timeline"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Logs" / "incident-timeline"
    else:
        base = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state")) / "incident-timeline"
    path = base / "logs" if sys.platform != "darwin" else base
    path.mkdir(parents=True, exist_ok=True)
    return path
