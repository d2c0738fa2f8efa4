"""The fonts the PDF report prints with: the bundled emoji font is found, registered and
embedded, so emoji print as glyphs on a machine without an emoji font.

(Qt's PDF writer maps glyphs back to text for the Basic Multilingual Plane only, so emoji,
which lie beyond it, print but do not copy out of the PDF as text.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pypdf
from PySide6.QtGui import QFontDatabase

from app import paths
from app.fonts import EMOJI_FAMILY, register_bundled_fonts

EMOJI = "🔥📉🙏"


def _glyphs_drawn_with(page: pypdf.PageObject, base_font: str) -> list[int]:
    """The glyph ids the page draws with the font whose name contains ``base_font`` (Qt
    writes one ``<gggg> Tj`` per glyph, numbered within the embedded subset)."""
    fonts = page["/Resources"]["/Font"]
    keys = [k for k, f in fonts.items() if base_font in str(f.get_object()["/BaseFont"])]
    content = page.get_contents().get_data().decode("latin-1")
    glyphs: list[int] = []
    for run in re.split(r"(?=/F\d+ [\d.]+ Tf)", content):
        if any(run.startswith(f"{k} ") for k in keys):
            glyphs += [int(g, 16) for g in re.findall(r"<([0-9A-Fa-f]{4})> Tj", run)]
    return glyphs


def test_the_emoji_font_ships_with_its_licence():
    fonts = paths.bundled_fonts()
    assert [f.name for f in fonts] == ["NotoEmoji-Regular.ttf"]
    licence = (fonts[0].parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


def test_the_emoji_font_registers_and_covers_emoji(qapp):
    assert EMOJI_FAMILY in register_bundled_fonts()
    assert EMOJI_FAMILY in QFontDatabase.families()
    assert register_bundled_fonts() == register_bundled_fonts()  # once per process


def test_emoji_in_the_report_print_with_the_bundled_font(sample_copy, tmp_path):
    out = tmp_path / "emoji.pdf"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    args = ["report", str(sample_copy), "-o", str(out), "--title", f"Launch day {EMOJI}"]
    r = subprocess.run(
        [sys.executable, "-m", "app", *args, "--sections", "cover", "summary"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    cover = pypdf.PdfReader(str(out)).pages[0]
    assert "Launch day" in " ".join(cover.extract_text().split())
    glyphs = _glyphs_drawn_with(cover, "NotoEmoji")
    # each emoji a glyph of its own from the bundled font, none the empty box (.notdef, 0);
    # the title is bold and the font has no bold, so Qt draws the run twice, offset
    assert len(set(glyphs)) == len(EMOJI) and 0 not in glyphs, glyphs
