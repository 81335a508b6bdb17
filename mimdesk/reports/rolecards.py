"""Role cards: one printed page per role, for desks that lose their screens.

Each card holds what the person in the role needs on paper: the incident, who holds the role,
the role's duties as tick boxes, the bridge details, and how to reach everyone else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from xml.sax.saxutils import escape

from mimdesk import outputs
from mimdesk.domain.clock import format_local
from mimdesk.domain.directory import Directory
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.roles import RoleDef
from mimdesk.reports import fonts

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable


@dataclass(frozen=True, slots=True)
class CardData:
    reference: str
    state: IncidentState
    roles: tuple[RoleDef, ...]
    directory: Directory
    severity_label: str
    printed_at: datetime


def _contact(directory: Directory, name: str) -> str:
    person = directory.person(name)
    if person is None:
        return ""
    return " · ".join(x for x in (person.phone, person.email, person.team) if x)


def write_cards(
    data: CardData,
    out: Path,
    page_size: str = "A4",
    *,
    force: bool = False,
    protected: Iterable[Path] = (),
) -> Path:
    """Write one page per role in ``data.roles`` to ``out``.

    The cards are built beside ``out`` and renamed over it, so a full disk keeps the cards
    printed before; an existing ``out`` is replaced only with ``force``, and never when it is
    a database in ``protected`` (see :mod:`mimdesk.outputs`)."""
    fonts.register()
    # Into the open file, not by its name: the cards' folder is the shared temporary folder,
    # where a name can be swapped for a link between two opens.
    return outputs.write_atomically(
        out, lambda f: _build(data, f, page_size), force=force, protected=protected
    )


@dataclass(frozen=True, slots=True)
class _CardStyles:
    """The cards' paragraph styles, made once for the whole file."""

    base: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    head: ParagraphStyle


def _styles() -> _CardStyles:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=10.5, leading=14)
    return _CardStyles(
        base=base,
        small=ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=colors.grey),
        title=ParagraphStyle("title", parent=base, fontName=fonts.BOLD, fontSize=20, leading=24),
        head=ParagraphStyle(
            "head",
            parent=base,
            fontName=fonts.BOLD,
            fontSize=12.5,
            leading=16,
            spaceBefore=8,
            spaceAfter=3,
        ),
    )


def _build(data: CardData, out: BinaryIO, page_size: str) -> None:
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame, PageBreak, SimpleDocTemplate

    size = LETTER if page_size.upper() == "LETTER" else A4
    styles = _styles()
    doc = SimpleDocTemplate(
        out,
        pagesize=size,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"Role cards {data.reference}",
        author="MIM Desk",
    )
    width = size[0] - 36 * mm
    height = size[1] - 32 * mm
    story: list[Flowable] = []
    for n, role in enumerate(data.roles):
        # One page per role, whatever the length: shrink rather than spill onto a second page.
        story.append(KeepInFrame(width, height, _card(data, role, styles, width), mode="shrink"))
        if n < len(data.roles) - 1:
            story.append(PageBreak())
    doc.build(story)


def _card(data: CardData, role: RoleDef, styles: _CardStyles, width: float) -> list[Flowable]:
    """One role's card: the incident, the holder, the duties, the bridge and the contacts."""
    from reportlab.platypus import Paragraph, Spacer

    state = data.state
    base, head = styles.base, styles.head
    return [
        Paragraph(escape(role.label), styles.title),
        Paragraph(
            f"<b>{escape(data.reference)}</b> · {escape(state.title)}<br/>"
            f"{escape(data.severity_label)} · {escape(state.status.label)} · printed "
            f"{escape(format_local(data.printed_at))}",
            base,
        ),
        Paragraph("Who holds this role", head),
        Paragraph(_holder_line(data, state.holder(role.id)), base),
        Paragraph("Duties", head),
        *_duty_lines(state, role, base),
        Paragraph("Bridge", head),
        Paragraph(
            escape(state.bridge)
            if state.bridge
            else "<i>No bridge details recorded: write them here.</i>",
            base,
        ),
        Paragraph("Contacts", head),
        _contacts_table(data, base, width),
        Spacer(1, 6),
        Paragraph(
            "Keep this card with you. If the screens are down, keep the timeline on paper "
            "(time, who, what) and type it in later with the time it happened.",
            styles.small,
        ),
    ]


def _holder_line(data: CardData, holder: str) -> str:
    """Who holds the role and how to reach them, as paragraph markup."""
    if not holder:
        return "<i>Nobody yet: the Major Incident Manager assigns it.</i>"
    contact = _contact(data.directory, holder)
    return escape(holder) + (f" — {escape(contact)}" if contact else "")


def _duty_lines(state: IncidentState, role: RoleDef, style: ParagraphStyle) -> list[Flowable]:
    """The role's duties as tick boxes, those already done ticked."""
    from reportlab.platypus import Paragraph

    if not role.duties:
        return [Paragraph("<i>No duties are listed for this role.</i>", style)]
    done = state.duties_done.get(role.id, set())
    return [
        Paragraph(f"{'☑' if duty in done else '☐'}  {escape(duty)}", style) for duty in role.duties
    ]


def _contacts_table(data: CardData, style: ParagraphStyle, width: float) -> Flowable:
    """Every role, who holds it and how to reach them."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    state = data.state
    rows = [
        [
            Paragraph("<b>Role</b>", style),
            Paragraph("<b>Name</b>", style),
            Paragraph("<b>Phone · e-mail · team</b>", style),
        ]
    ]
    for other in data.roles:
        name = state.holder(other.id)
        rows.append(
            [
                Paragraph(escape(other.label), style),
                Paragraph(escape(name) if name else "—", style),
                Paragraph(escape(_contact(data.directory, name)) if name else "", style),
            ]
        )
    table = Table(rows, colWidths=[width * 0.3, width * 0.3, width * 0.4], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table
