"""The fonts embedded in every PDF, registered from ``resources/fonts`` by absolute path.

reportlab's own fonts cover Latin only and are not collected by the frozen build; DejaVu
Sans prints Latin, Greek and Cyrillic names correctly and ships with MIM Desk.
"""

from __future__ import annotations

from functools import cache

from mimdesk.resources import resource_path

REGULAR = "MIMDesk-Sans"
BOLD = "MIMDesk-Sans-Bold"
ITALIC = "MIMDesk-Sans-Italic"


@cache
def register() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file in (
        (REGULAR, "DejaVuSans.ttf"),
        (BOLD, "DejaVuSans-Bold.ttf"),
        (ITALIC, "DejaVuSans-Oblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    # So that <b> and <i> in paragraphs pick the right faces.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)
