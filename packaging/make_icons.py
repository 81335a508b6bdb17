"""Render MIM Desk's icon from its SVG source into the files the app and its builds use.

    uv run python packaging/make_icons.py            # regenerate resources/icons/
    uv run python packaging/make_icons.py --out DIR  # somewhere else (tests compare)

From ``resources/icons/mimdesk.svg`` it writes:

    mimdesk-16.png … mimdesk-256.png   the window, the tray and the About box (Qt picks a size)
    mimdesk.ico                        the Windows executables (16 to 256 px)
    mimdesk.icns                       the macOS bundle (16 to 1024 px)

Each size is drawn from the SVG, never scaled down from a bigger picture, so small sizes stay
sharp. The files are committed: the build and the tests need neither this script nor Qt's SVG
module. Runs headless (no display needed).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# Before Qt loads: rendering needs no display, and a build machine or CI runner has none.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SOURCE = ICONS / "mimdesk.svg"
NAME = "mimdesk"

# The window and tray icon's sizes (small ones for title bars and trays, 256 for the About
# box and high-density screens).
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Windows shows 16 to 48 in lists and title bars, 256 in large icon views.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# What an .icns holds (Pillow writes the 2x variants from the same pictures).
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    """The SVG drawn at ``size`` × ``size`` pixels, as an RGBA Pillow image."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Image.open(io.BytesIO(bytes(data.data()))).convert("RGBA")


def save_png(image: Image.Image, path: Path) -> None:
    # No time or software stamps: regenerating an unchanged SVG gives the same bytes.
    image.save(path, format="PNG", optimize=True)


def make_icons(source: Path = SOURCE, out: Path = ICONS) -> list[Path]:
    """Write the PNGs, the .ico and the .icns for ``source`` into ``out``; returns the files."""
    if QGuiApplication.instance() is None:
        # Kept in a global so that it outlives this call (Qt wants one for its whole life).
        global _QAPP
        _QAPP = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"{source} is not an SVG Qt can draw")
    out.mkdir(parents=True, exist_ok=True)
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *ICNS_SIZES})
    images = {size: render(renderer, size) for size in sizes}
    written = []
    for size in PNG_SIZES:
        path = out / f"{NAME}-{size}.png"
        save_png(images[size], path)
        written.append(path)

    ico = out / f"{NAME}.ico"
    largest = max(ICO_SIZES)
    images[largest].save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != largest],
    )
    written.append(ico)

    icns = out / f"{NAME}.icns"
    largest = max(ICNS_SIZES)
    images[largest].save(
        icns,
        format="ICNS",
        append_images=[images[s] for s in ICNS_SIZES if s != largest],
    )
    written.append(icns)
    return written


_QAPP: QGuiApplication | None = None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="the SVG to render")
    parser.add_argument("--out", type=Path, default=ICONS, help="the folder to write into")
    args = parser.parse_args(argv)
    for path in make_icons(args.source, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
