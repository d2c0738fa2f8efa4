"""The window's look: the system's palette, or a light or dark one (View > Theme), and the
colours the plots take from it, so that every line, box and label stays readable in both.

:func:`apply` sets the application's palette (Qt's Fusion style for the light and dark
themes, whose palettes it follows everywhere) and pyqtgraph's defaults; widgets that draw
with their own colours ask :func:`colours` and redraw when the palette changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("system", "light", "dark")
THEME_NAMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}

_original: dict[str, object] = {}


@dataclass(frozen=True)
class Colours:
    """What the plots draw with, for the palette in force."""

    dark: bool
    background: QColor
    foreground: QColor
    #: the mean-sentiment line: the strongest contrast with the background
    mean: QColor
    #: the boxes behind labels drawn over the plots
    label_fill: QColor
    #: text of lesser importance (the "few posts" note, empty-state words)
    muted: QColor
    zero_line: QColor


def is_dark(palette: QPalette | None = None) -> bool:
    app = QApplication.instance()
    if palette is None:
        if app is None:
            return False
        palette = app.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def colours(palette: QPalette | None = None) -> Colours:
    app = QApplication.instance()
    if palette is None:
        palette = app.palette() if app is not None else QPalette()
    dark = is_dark(palette)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    fill = QColor(base)
    fill.setAlpha(225)
    muted = QColor(text)
    muted.setAlpha(150)
    zero = QColor(text)
    zero.setAlpha(110)
    return Colours(
        dark=dark,
        background=base,
        foreground=text,
        mean=QColor("#f2f5f9") if dark else QColor("#1f2d3d"),
        label_fill=fill,
        muted=muted,
        zero_line=zero,
    )


def light_palette() -> QPalette:
    p = QStyleFactory.create("Fusion").standardPalette()
    return p


def dark_palette() -> QPalette:
    p = QPalette()
    window, base, alt, text = QColor("#2b2d31"), QColor("#1e1f22"), QColor("#26282c"), QColor("#e6e6e6")
    disabled = QColor("#7d7f84")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: alt,
        QPalette.ColorRole.ToolTipBase: QColor("#3a3d42"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: disabled,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#35373c"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"),
        QPalette.ColorRole.Light: QColor("#45484e"),
        QPalette.ColorRole.Midlight: QColor("#3a3d42"),
        QPalette.ColorRole.Mid: QColor("#2f3136"),
        QPalette.ColorRole.Dark: QColor("#191a1c"),
        QPalette.ColorRole.Shadow: QColor("#000000"),
        QPalette.ColorRole.Highlight: QColor("#3d6fb6"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#7fb0ff"),
        QPalette.ColorRole.LinkVisited: QColor("#c0a0ff"),
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def apply(theme: str, app: QApplication | None = None) -> Colours:
    """Put a theme in force (``system``, ``light`` or ``dark``); returns its plot colours."""
    app = app or QApplication.instance()
    if app is None:
        raise RuntimeError("no QApplication")
    if not _original:
        _original["style"] = app.style().name()
        _original["palette"] = QPalette(app.palette())
    if theme == "light":
        app.setStyle("Fusion")
        app.setPalette(light_palette())
    elif theme == "dark":
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    else:
        app.setStyle(str(_original["style"]))
        app.setPalette(QPalette(_original["palette"]))  # type: ignore[arg-type]
    c = colours(app.palette())
    pg.setConfigOptions(background=c.background, foreground=c.foreground)
    return c
