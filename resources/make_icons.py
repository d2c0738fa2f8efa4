#!/usr/bin/env python3
"""Render the app icon (resources/incident-timeline.svg) to the PNG sizes desktops want, and
pack them into a Windows .ico and a macOS .icns, with Qt only (QtSvg + QImage).

    python resources/make_icons.py            # writes resources/icons/
    python resources/make_icons.py --check    # exit 1 if the icons are missing or out of date

Output, laid out like the XDG icon theme so it can be copied into ~/.local/share/icons as is:

    resources/icons/hicolor/<N>x<N>/apps/incident-timeline.png   N = 16 22 24 32 48 64 128 256 512
    resources/icons/hicolor/scalable/apps/incident-timeline.svg
    resources/icons/incident-timeline.ico    16-256 px, PNG-compressed entries (Windows Vista+)
    resources/icons/incident-timeline.icns   16-1024 px, PNG entries (macOS 10.7+)

Runs without a screen (QT_QPA_PLATFORM=offscreen is set if no platform is).
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE / "incident-timeline.svg"
OUT = HERE / "icons"
NAME = "incident-timeline"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns types holding PNG data, by pixel size (a 1024 entry is the 512@2x)
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
)


def render(size: int) -> bytes:
    """PNG bytes of the SVG drawn at size x size."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise SystemExit(f"could not encode the {size} px icon as PNG")
    buf.close()
    return bytes(data)


def ico(pngs: dict[int, bytes]) -> bytes:
    sizes = [s for s in ICO_SIZES if s in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for s in sizes:
        data = pngs[s]
        dim = 0 if s >= 256 else s  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[s])) + pngs[s] for kind, s in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def build() -> dict[Path, bytes]:
    """Every output file and its bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    pngs = {s: render(s) for s in sorted(set(SIZES) | set(ICO_SIZES) | {s for _, s in ICNS_TYPES})}
    files = {OUT / "hicolor" / f"{s}x{s}" / "apps" / f"{NAME}.png": pngs[s] for s in SIZES}
    files[OUT / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"] = SVG.read_bytes()
    files[OUT / f"{NAME}.ico"] = ico(pngs)
    files[OUT / f"{NAME}.icns"] = icns(pngs)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that resources/icons/ is up to date")
    args = parser.parse_args(argv)
    files = build()
    if args.check:
        stale = [p for p, data in files.items() if not p.exists() or p.read_bytes() != data]
        for p in stale:
            print(f"out of date: {p.relative_to(HERE.parent)}")
        return 1 if stale else 0
    if OUT.exists():
        shutil.rmtree(OUT)
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(HERE.parent)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
