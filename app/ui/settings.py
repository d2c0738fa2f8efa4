"""The app's own preferences, kept between runs with QSettings.

Recent workspaces, the main window's size and dock layout, and a few small values (the
cursor's window, the playback speed, the folder of the last import). Everything about one
incident lives in its workspace file instead (see ``Workspace.configure``): these are the
user's habits on this computer, not facts about an incident.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

log = logging.getLogger(__name__)

ORGANISATION = "Incident Timeline"
APPLICATION = "Incident Timeline Explorer"

MAX_RECENT = 10

KEY_RECENT = "workspaces/recent"
KEY_GEOMETRY = "window/geometry"
KEY_STATE = "window/state"
KEY_CURSOR_WINDOW_MINUTES = "timeline/cursor_window_minutes"
KEY_PLAYBACK_SPEED = "timeline/playback_speed"
KEY_LAST_IMPORT_FOLDER = "import/last_folder"
KEY_THEME = "view/theme"
KEY_TOUR_SHOWN = "help/tour_shown"
KEY_REOPEN = "workspaces/reopen_last"

DEFAULT_CURSOR_WINDOW_MINUTES = 15
#: seconds of incident time played per second of real time
DEFAULT_PLAYBACK_SPEED = 3600.0

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class AppSettings:
    """Typed access to the app's QSettings.

    ``AppSettings()`` uses the user's settings (organisation "Incident Timeline", application
    "Incident Timeline Explorer"); ``AppSettings(path)`` uses that INI file, so tests and
    portable installs never touch the user's own.
    """

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._s = QSettings(ORGANISATION, APPLICATION)
        else:
            self._s = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def qsettings(self) -> QSettings:
        return self._s

    def sync(self) -> None:
        self._s.sync()

    # ---- recent workspaces -------------------------------------------------------------
    def _stored_recent(self) -> list[str]:
        raw = self._s.value(KEY_RECENT)
        # An INI file gives back a one-item list as a bare string, and an empty one as None.
        if raw is None:
            return []
        if isinstance(raw, str):
            return [raw] if raw else []
        return [str(p) for p in raw if p]

    def _store_recent(self, paths: list[str]) -> None:
        self._s.setValue(KEY_RECENT, paths[:MAX_RECENT])
        self._s.sync()

    def recent_workspaces(self) -> list[Path]:
        """The workspaces opened lately, most recent first; files that are gone are left out."""
        out = [Path(p) for p in self._stored_recent() if Path(p).is_file()]
        return out[:MAX_RECENT]

    def add_recent(self, path: str | Path) -> None:
        key = _canonical(path)
        kept = [p for p in self._stored_recent() if p != key and Path(p).is_file()]
        self._store_recent([key, *kept])

    def remove_recent(self, path: str | Path) -> None:
        key = _canonical(path)
        self._store_recent([p for p in self._stored_recent() if p != key])

    def clear_recent(self) -> None:
        self._s.remove(KEY_RECENT)
        self._s.sync()

    # ---- the main window ---------------------------------------------------------------
    def save_window(self, window: QMainWindow) -> None:
        self._s.setValue(KEY_GEOMETRY, window.saveGeometry())
        self._s.setValue(KEY_STATE, window.saveState())
        self._s.sync()

    def restore_window(self, window: QMainWindow) -> bool:
        """Put the window back as it was saved; False (window untouched) if nothing was saved
        or the saved layout is unusable (written by another version of Qt, say)."""
        geometry = self._s.value(KEY_GEOMETRY)
        if not isinstance(geometry, QByteArray) or geometry.isEmpty():
            return False
        if not window.restoreGeometry(geometry):
            return False
        state = self._s.value(KEY_STATE)
        if isinstance(state, QByteArray) and not state.isEmpty():
            return bool(window.restoreState(state))
        return True

    # ---- small typed values ------------------------------------------------------------
    def value(self, key: str, default: T, type_: type[T] | None = None) -> T:
        """The stored value converted to ``type_`` (the default's type if not given); the
        default when it is missing or cannot be read as that type."""
        raw = self._s.value(key)
        if raw is None:
            return default
        type_ = type_ or type(default)
        try:
            return _convert(raw, type_)
        except (TypeError, ValueError):
            log.warning("setting %s has an unreadable value %r; using %r", key, raw, default)
            return default

    def set_value(self, key: str, value: Any) -> None:
        if isinstance(value, Path):
            value = str(value)
        self._s.setValue(key, value)
        self._s.sync()

    @property
    def cursor_window_minutes(self) -> int:
        minutes = self.value(KEY_CURSOR_WINDOW_MINUTES, DEFAULT_CURSOR_WINDOW_MINUTES, int)
        return minutes if minutes > 0 else DEFAULT_CURSOR_WINDOW_MINUTES

    @cursor_window_minutes.setter
    def cursor_window_minutes(self, minutes: int) -> None:
        self.set_value(KEY_CURSOR_WINDOW_MINUTES, int(minutes))

    @property
    def playback_speed(self) -> float:
        speed = self.value(KEY_PLAYBACK_SPEED, DEFAULT_PLAYBACK_SPEED, float)
        return speed if speed > 0 else DEFAULT_PLAYBACK_SPEED

    @playback_speed.setter
    def playback_speed(self, seconds_per_second: float) -> None:
        self.set_value(KEY_PLAYBACK_SPEED, float(seconds_per_second))

    @property
    def last_import_folder(self) -> Path | None:
        folder = self.value(KEY_LAST_IMPORT_FOLDER, "", str)
        return Path(folder) if folder and Path(folder).is_dir() else None

    @last_import_folder.setter
    def last_import_folder(self, folder: str | Path | None) -> None:
        self.set_value(KEY_LAST_IMPORT_FOLDER, str(folder) if folder else "")

    @property
    def theme(self) -> str:
        theme = self.value(KEY_THEME, "system", str)
        return theme if theme in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, theme: str) -> None:
        self.set_value(KEY_THEME, theme)

    @property
    def tour_shown(self) -> bool:
        return self.value(KEY_TOUR_SHOWN, False, bool)

    @tour_shown.setter
    def tour_shown(self, shown: bool) -> None:
        self.set_value(KEY_TOUR_SHOWN, bool(shown))

    @property
    def reopen_last(self) -> bool:
        """Whether the window opens the last workspace when started without one."""
        return self.value(KEY_REOPEN, True, bool)

    @reopen_last.setter
    def reopen_last(self, on: bool) -> None:
        self.set_value(KEY_REOPEN, bool(on))

    # ---- where the user was in each workspace ------------------------------------------
    def _place_key(self, path: str | Path) -> str:
        return "places/" + hashlib.sha1(_canonical(path).encode("utf-8")).hexdigest()[:16]

    def save_place(self, path: str | Path, cursor: float | None, view: tuple[float, float] | None) -> None:
        """The cursor and the visible range in a workspace, to go back to them next time."""
        self.set_value(
            self._place_key(path),
            json.dumps({"cursor": cursor, "view": list(view) if view else None}),
        )

    def place(self, path: str | Path) -> tuple[float | None, tuple[float, float] | None]:
        raw = self.value(self._place_key(path), "", str)
        try:
            data = json.loads(raw) if raw else {}
            cursor = data.get("cursor")
            view = data.get("view")
            return (
                float(cursor) if cursor is not None else None,
                (float(view[0]), float(view[1])) if view and len(view) == 2 else None,
            )
        except (ValueError, TypeError, AttributeError):
            return None, None


def _canonical(path: str | Path) -> str:
    # One entry per file however it was reached (relative path, symlink, "~").
    return str(Path(path).expanduser().resolve())


def _convert(raw: Any, type_: type) -> Any:
    # The INI backend hands every scalar back as a string, the native ones keep the type.
    if type_ is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(raw)
    if type_ is int:
        return int(float(raw)) if isinstance(raw, str) else int(raw)
    if type_ is list:
        if isinstance(raw, str):
            return [raw] if raw else []
        return list(raw)
    if type_ is Path:
        return Path(str(raw))
    if isinstance(raw, type_):
        return raw
    return type_(raw)
