"""Issue 17, point 1: the icon files the executables and the window use are rendered from
``resources/icons/mimdesk.svg`` by ``packaging/make_icons.py``, and read back whole.

The script runs here as the build would run it: a new process with no display.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
SCRIPT = ROOT / "packaging" / "make_icons.py"
SPEC = ROOT / "packaging" / "mimdesk.spec"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)


def make_icons(out: Path, source: Path | None = None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    command = [sys.executable, str(SCRIPT), "--out", str(out)]
    if source is not None:
        command += ["--source", str(source)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return sorted(Path(line).name for line in done.stdout.splitlines())


def ico_sizes(path: Path) -> set[int]:
    with Image.open(path) as image:
        assert image.format == "ICO"
        return {w for w, h in image.ico.sizes() if w == h}


def test_the_ico_holds_the_sizes_windows_shows():
    sizes = ico_sizes(ICONS / "mimdesk.ico")
    assert {16, 32, 48, 256} <= sizes
    with Image.open(ICONS / "mimdesk.ico") as image:
        for size in (16, 32, 48, 256):
            picture = image.ico.getimage((size, size)).convert("RGBA")
            assert picture.size == (size, size)
            # Drawn, not empty: the red square fills most of it.
            opaque = picture.getchannel("A").histogram()[255]
            assert opaque > size * size * 0.7


def test_the_icns_reads_back_up_to_1024_pixels():
    with Image.open(ICONS / "mimdesk.icns") as image:
        assert image.format == "ICNS"
        sizes = set(image.info["sizes"])
        assert {(16, 16, 2), (128, 128, 1), (256, 256, 1), (512, 512, 2)} <= sizes
        image.size = (512, 512)
        image.load(scale=2)
        assert image.size == (1024, 1024)
        # Near the bottom edge: the square's darker red.
        red, green, _blue, alpha = image.convert("RGBA").getpixel((512, 960))
        assert alpha == 255 and red > 150 and green < 60


def test_the_script_regenerates_the_committed_icons(tmp_path):
    written = make_icons(tmp_path)
    committed = sorted(p.name for p in ICONS.iterdir() if p.suffix in (".png", ".ico", ".icns"))
    assert written == committed
    for size in PNG_SIZES:
        name = f"mimdesk-{size}.png"
        with Image.open(ICONS / name) as old, Image.open(tmp_path / name) as new:
            assert new.size == old.size == (size, size)
            difference = ImageChops.difference(old.convert("RGBA"), new.convert("RGBA"))
            # The same pixels, give or take the rounding of another Qt build.
            assert max(high for _low, high in difference.getextrema()) <= 8, name
    assert ico_sizes(tmp_path / "mimdesk.ico") == ico_sizes(ICONS / "mimdesk.ico")
    with Image.open(tmp_path / "mimdesk.icns") as new, Image.open(ICONS / "mimdesk.icns") as old:
        assert new.info["sizes"] == old.info["sizes"]


def test_the_icons_come_from_the_svg(tmp_path):
    """Another colour in the SVG gives another icon: nothing is copied from the committed ones."""
    svg = (ICONS / "mimdesk.svg").read_text(encoding="utf-8")
    blue = svg.replace("#e53935", "#1e88e5").replace("#b71c1c", "#0d47a1")
    assert blue != svg
    source = tmp_path / "blue.svg"
    source.write_text(blue, encoding="utf-8")
    make_icons(tmp_path / "out", source)
    with Image.open(tmp_path / "out" / "mimdesk-32.png") as image:
        red, _green, blue_value, alpha = image.convert("RGBA").getpixel((4, 28))
    assert alpha == 255 and blue_value > 150 and red < 60


def test_the_executables_and_the_bundle_carry_the_icon():
    spec = SPEC.read_text(encoding="utf-8")
    assert re.search(r'ICONS = ROOT / "resources" / "icons"', spec)
    assert re.search(r'"mimdesk\.icns" if IS_MACOS else "mimdesk\.ico"', spec)
    # Both executables (EXE) and the macOS bundle (BUNDLE).
    assert spec.count("icon=ICON") == 2
    assert (ICONS / "mimdesk.ico").is_file() and (ICONS / "mimdesk.icns").is_file()
