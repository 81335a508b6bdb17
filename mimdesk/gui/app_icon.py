"""MIM Desk's icon, for the window, the tray and the About box.

Drawn from ``resources/icons/`` (PNGs rendered from ``mimdesk.svg`` by
``packaging/make_icons.py``): PNGs rather than the SVG, because they need no image plugin in
the frozen build and each size was drawn for its size.
"""

from __future__ import annotations

from PySide6.QtGui import QIcon

from mimdesk.resources import resource_path

# The sizes packaging/make_icons.py writes (mimdesk-16.png … mimdesk-256.png).
SIZES = (16, 24, 32, 48, 64, 128, 256)

_icon: QIcon | None = None


def app_icon() -> QIcon:
    """The app's icon with every size it ships; null only if the installation lost them."""
    global _icon
    if _icon is None or _icon.isNull():
        icon = QIcon()
        for size in SIZES:
            path = resource_path("icons", f"mimdesk-{size}.png")
            if path.is_file():
                icon.addFile(str(path))
        _icon = icon
    return _icon
