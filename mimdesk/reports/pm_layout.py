"""Page furniture and styles of the postmortem PDF.

Every page carries the organisation's name, the classification marking (top and bottom, as
markings are printed) and "Page X of Y". Y is only known once every page is laid out, so the
canvas keeps each page's drawing and stamps the furniture when the document is saved (the
"numbered canvas": one layout pass, not two).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from mimdesk.reports import fonts

INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#5f6368")
RULE = colors.HexColor("#b0b4b8")
HEAD_FILL = colors.HexColor("#e6e9ed")
ZEBRA = colors.HexColor("#f6f7f9")
DATE_FILL = colors.HexColor("#d7dee6")
MILESTONE_FILL = colors.HexColor("#fbeed5")
ALERT = colors.HexColor("#b00020")
GOOD = colors.HexColor("#1e7b34")
FINAL_COLOUR = colors.HexColor("#1e7b34")
DRAFT_COLOUR = colors.HexColor("#b45309")

MARGIN_X = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 18 * mm


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_muted: ParagraphStyle
    head_cell: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    figure: ParagraphStyle
    figure_label: ParagraphStyle
    message: ParagraphStyle
    message_meta: ParagraphStyle


def styles() -> Styles:
    fonts.register()
    body = _body()
    cell = ParagraphStyle("pm-cell", parent=body, fontSize=8, leading=10, spaceAfter=0)
    return Styles(
        body=body,
        small=ParagraphStyle("pm-small", parent=body, fontSize=8, leading=10.5),
        muted=ParagraphStyle(
            "pm-muted", parent=body, fontSize=8.5, leading=11, textColor=MUTED, spaceBefore=3
        ),
        cell=cell,
        cell_bold=ParagraphStyle("pm-cell-bold", parent=cell, fontName=fonts.BOLD),
        cell_muted=ParagraphStyle("pm-cell-muted", parent=cell, textColor=MUTED),
        head_cell=ParagraphStyle("pm-head-cell", parent=cell, fontName=fonts.BOLD),
        h1=_heading("pm-h1", body, size=15, leading=19, before=16, after=8),
        h2=_heading("pm-h2", body, size=11.5, leading=15, before=9, after=4),
        h3=_heading("pm-h3", body, size=9.5, leading=13, before=6, after=2),
        title=ParagraphStyle(
            "pm-title", parent=body, fontName=fonts.BOLD, fontSize=22, leading=28, spaceAfter=6
        ),
        subtitle=ParagraphStyle(
            "pm-subtitle", parent=body, fontSize=12, leading=16, textColor=MUTED, spaceAfter=4
        ),
        figure=ParagraphStyle(
            "pm-figure", parent=body, fontName=fonts.BOLD, fontSize=14, leading=17, spaceAfter=0
        ),
        figure_label=ParagraphStyle(
            "pm-figure-label",
            parent=body,
            fontSize=7.5,
            leading=9.5,
            textColor=MUTED,
            spaceAfter=0,
        ),
        message=ParagraphStyle("pm-message", parent=body, fontSize=9, leading=12.5, leftIndent=10),
        message_meta=ParagraphStyle(
            "pm-message-meta",
            parent=body,
            fontSize=8.5,
            leading=11,
            textColor=MUTED,
            leftIndent=10,
        ),
    )


def _body() -> ParagraphStyle:
    """The running text, and the parent of every other style."""
    return ParagraphStyle(
        "pm-body",
        fontName=fonts.REGULAR,
        fontSize=9.5,
        leading=13,
        textColor=INK,
        spaceAfter=4,
        # Unbroken strings (URLs, hashes) longer than a line are split rather than overflow.
        splitLongWords=1,
        allowWidows=0,
    )


def _heading(
    name: str, body: ParagraphStyle, *, size: float, leading: float, before: float, after: float
) -> ParagraphStyle:
    """A bold section heading, kept on the page of what follows it."""
    return ParagraphStyle(
        name,
        parent=body,
        fontName=fonts.BOLD,
        fontSize=size,
        leading=leading,
        spaceBefore=before,
        spaceAfter=after,
        keepWithNext=1,
    )


def text(value: str | None) -> str:
    """User text as paragraph markup: escaped, with its line breaks kept. Unbroken runs longer
    than a line (URLs, paths) are split by the styles' splitLongWords, so nothing overflows."""
    if not value:
        return ""
    return escape(value).replace("\r\n", "\n").replace("\n", "<br/>")


# A word longer than this is an unbroken string (a URL, a hash, a path): it is split where the
# line ends (splitLongWords) rather than given a column of its own.
LONGEST_WORD = 30
CELL_PADDING = 6  # left and right, as Builder.table sets them
_TAG = re.compile(r"<[^>]*>")
_BREAKS = re.compile(r"[ \t\r\n]+")


def longest_word(cell: Paragraph) -> float:
    """The printed width of the widest word in a cell (of at most LONGEST_WORD characters)."""
    # A no-break space (&nbsp;) joins words: "09:55 CET" is measured whole.
    plain = unescape(_TAG.sub(" ", cell.text))
    words = {w for w in _BREAKS.split(plain) if w and len(w) <= LONGEST_WORD}
    if not words:
        return 0.0
    style = cell.style
    # Bold runs print wider: measure in bold whenever the cell has any.
    font = fonts.BOLD if "<b>" in cell.text or style.fontName == fonts.BOLD else style.fontName
    widest = sorted(words, key=len)[-3:]
    return max(stringWidth(w, font, style.fontSize) for w in widest)


def fitted_widths(rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> list[float]:
    """Column widths in which every word of every cell fits on a line.

    A column narrower than its longest word splits the word where the line ends ("s hakespear
    e"). Such a column takes the width it needs from the columns with room to spare; when
    there is not enough to spare it takes what there is.
    """
    total = sum(widths)
    need = [0.0] * len(widths)
    for row in rows:
        for i, cell in enumerate(row):
            if isinstance(cell, Paragraph) and i < len(need):
                need[i] = max(need[i], longest_word(cell) + CELL_PADDING + 1)
    need = [min(n, total * 0.45) for n in need]
    short = [max(0.0, n - w) for n, w in zip(need, widths, strict=True)]
    spare = [max(0.0, w - n) for n, w in zip(need, widths, strict=True)]
    missing, room = sum(short), sum(spare)
    if missing <= 0 or room <= 0:
        return list(widths)
    moved = min(missing, room)
    return [
        w + s * moved / missing - r * moved / room
        for w, s, r in zip(widths, short, spare, strict=True)
    ]


class CellParagraph(Paragraph):
    """A table-cell paragraph that remembers its layout for a width.

    A long table is split page by page, and each remainder is measured again from the first
    row; without this every cell would be wrapped once per page that follows it.
    """

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        cached = getattr(self, "_pm_wrapped", None)
        # A failed split drops the layout (blPara): measure again then.
        if cached is not None and cached[0] == availWidth and "blPara" in self.__dict__:
            return cached[1]
        size = super().wrap(availWidth, availHeight)
        self._pm_wrapped = (availWidth, size)
        return size


class RowLabel(Flowable):
    """One line of bold text drawn across a whole table row from its first cell: the date
    band of the timeline. A SPAN would do the same, but reportlab then recomputes the spans
    of the whole remaining table at every page break, a fifth of the time of a long PDF."""

    def __init__(self, label: str, size: float = 8) -> None:
        super().__init__()
        self.label = label
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, self.size * 1.3

    def draw(self) -> None:
        self.canv.setFont(fonts.BOLD, self.size)
        self.canv.setFillColor(INK)
        self.canv.drawString(0, self.size * 0.3, self.label)


class NumberedCanvas(Canvas):
    """Holds every page until the end, then stamps the furniture with the page count."""

    furniture: Any = None  # set per document: callable(canvas, page, pages)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pm_pages: list[dict[str, Any]] = []
        # page number -> (title, level) outline entries, bookmarked when the page is stamped
        self._pm_marks: dict[int, list[tuple[str, int]]] = {}

    def showPage(self) -> None:
        self._pm_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pm_pages)
        for number, state in enumerate(self._pm_pages, 1):
            self.__dict__.update(state)
            if self.furniture is not None:
                self.furniture(self, number, total)
            super().showPage()
        super().save()


def canvas_class(furniture: Any) -> type[NumberedCanvas]:
    return type("PostmortemCanvas", (NumberedCanvas,), {"furniture": staticmethod(furniture)})


def document_options(
    size: tuple[float, float], *, title: str, organisation: str, subject: str
) -> dict[str, Any]:
    """The page and metadata every MIM Desk PDF is made with (the postmortem, the brief)."""
    return {
        "pagesize": size,
        "leftMargin": MARGIN_X,
        "rightMargin": MARGIN_X,
        "topMargin": MARGIN_TOP,
        "bottomMargin": MARGIN_BOTTOM,
        "title": title,
        "author": organisation or "MIM Desk",
        "subject": subject,
        "creator": "MIM Desk",
        # The PDF's creation date is when it was made (invariant mode wrote 2000-01-01).
        "invariant": 0,
    }


def body_frame(doc: Any) -> Any:
    """The one frame of a page: the area inside the margins, with no padding."""
    from reportlab.platypus import Frame

    return Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
