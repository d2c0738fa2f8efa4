"""The fonts that ship with the app (``resources/fonts/``), registered with Qt so that text
prints the same on any machine.

Today one: Noto Emoji, Google's monochrome emoji font (SIL Open Font License 1.1, its text in
``resources/fonts/OFL.txt``). Without an emoji font Qt's PDF output prints emoji as empty
boxes; with this one they print as vector outlines. (They do not copy out of the PDF as text:
Qt maps glyphs back to characters for the Basic Multilingual Plane only.) QtGui only, no
widgets, so the headless report renderer can use it.
"""

from __future__ import annotations

import functools

from PySide6.QtGui import QFontDatabase

from app.paths import bundled_fonts

#: the family name of the bundled emoji font
EMOJI_FAMILY = "Noto Emoji"


@functools.cache
def register_bundled_fonts() -> tuple[str, ...]:
    """Register every bundled font with Qt, once per process (a Qt application must exist);
    return the families they add."""
    families: list[str] = []
    for path in bundled_fonts():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise RuntimeError(f"Qt could not load the bundled font {path}")
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return tuple(families)
