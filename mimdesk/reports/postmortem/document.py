"""The postmortem PDF as a document: its sections in order, laid out on pages, written
atomically.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from pathlib import Path
from typing import Any

from mimdesk import outputs
from mimdesk.reports.postmortem.appendix import appendix
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.communications import communications
from mimdesk.reports.postmortem.cover import cover
from mimdesk.reports.postmortem.data import Progress, ReportData
from mimdesk.reports.postmortem.declaration import declaration
from mimdesk.reports.postmortem.figures import key_figures
from mimdesk.reports.postmortem.followups import followups
from mimdesk.reports.postmortem.review import review
from mimdesk.reports.postmortem.roles import roles
from mimdesk.reports.postmortem.summary import executive
from mimdesk.reports.postmortem.timeline import timeline


def write_postmortem(
    data: ReportData,
    out: Path,
    *,
    page_size: str = "A4",
    zone: tzinfo | None = None,
    progress: Progress | None = None,
    force: bool = False,
    protected: Iterable[Path] = (),
) -> int:
    """Write the PDF to ``out``; returns its number of pages.

    ``zone`` is the zone every time is shown in (None: this computer's local zone);
    ``progress(done, total)`` reports the work done out of 100. The PDF is built beside
    ``out`` and renamed over it, so a failure keeps any earlier PDF; an existing ``out`` is
    replaced only with ``force``, and never when it is a database in ``protected`` (see
    :mod:`mimdesk.outputs`).
    """
    from reportlab.platypus.doctemplate import LayoutError

    highest = [0]

    def report(done: int, total: int) -> None:
        # Never backwards, even when the layout is done a second time.
        if progress is not None and done >= highest[0]:
            highest[0] = done
            progress(done, total)

    def build(part: Path) -> int:
        try:
            return _build(data, part, page_size, zone, report, split_in_row=False)
        except LayoutError:
            # A cell taller than a page (only a hand-written import can hold one, since the
            # app keeps its texts in pieces): lay it out again splitting inside rows.
            return _build(data, part, page_size, zone, report, split_in_row=True)

    report(0, 100)
    pages = outputs.build_atomically(out, build, force=force, protected=protected)
    report(100, 100)
    return pages


def _build(
    data: ReportData,
    out: Path,
    page_size: str,
    zone: tzinfo | None,
    report: Progress,
    *,
    split_in_row: bool,
) -> int:
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.platypus import PageTemplate
    from reportlab.platypus.doctemplate import BaseDocTemplate

    from mimdesk.reports import pm_layout

    size = LETTER if page_size.casefold() == "letter" else A4
    builder = Builder(data, zone, size[0] - 2 * pm_layout.MARGIN_X, split_in_row=split_in_row)
    story = build_story(builder)
    report(10, 100)

    class _Doc(BaseDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:
            outline = getattr(flowable, "_pm_outline", None)
            if outline:
                marks = self.canv._pm_marks.setdefault(self.canv.getPageNumber(), [])
                marks.append(outline)

    doc = _Doc(
        str(out),
        **pm_layout.document_options(
            size,
            title=f"Postmortem {data.reference}: {data.state.title}",
            organisation=data.organisation,
            subject=f"Postmortem of major incident {data.reference}",
        ),
    )
    frame = pm_layout.body_frame(doc)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    expected_pages = builder.estimated_pages(doc.height)

    def on_progress(kind: str, value: int) -> None:
        if kind == "PAGE":
            report(10 + min(85, int(85 * value / max(expected_pages, 1))), 100)

    doc.setProgressCallBack(on_progress)
    doc.build(story, canvasmaker=pm_layout.canvas_class(builder.furniture))
    return builder.pages


# The room a heading needs below it on the page, in points: the heading, a line or two of
# introduction and the first rows of what it heads. With less room left it starts the next
# page, so that no heading ends a page (keepWithNext alone does not hold when what follows is
# a table longer than a page: reportlab then splits it where the heading stands, and a table
# whose first row does not fit leaves the heading alone).
HEADING_ROOM = {"pm-h1": 150.0, "pm-h2": 90.0, "pm-h3": 60.0}


def keep_headings(parts: list[Any]) -> list[Any]:
    """The story with a conditional page break before each heading."""
    from reportlab.platypus import CondPageBreak

    out: list[Any] = []
    for flowable in parts:
        style = getattr(flowable, "style", None)
        room = HEADING_ROOM.get(getattr(style, "name", ""))
        if room:
            out.append(CondPageBreak(room))
        out.append(flowable)
    return out


def build_story(b: Builder) -> list[Any]:
    """Every section, in the order of SECTIONS, each after a page break where it starts one."""
    from reportlab.platypus import PageBreak

    parts: list[Any] = []
    parts += cover(b)
    parts.append(PageBreak())
    parts += executive(b)
    parts.append(PageBreak())
    parts += key_figures(b)
    parts.append(PageBreak())
    parts += review(b)
    parts.append(PageBreak())
    parts += timeline(b)
    parts += roles(b)
    parts += declaration(b)
    parts += communications(b)
    parts += followups(b)
    parts.append(PageBreak())
    parts += appendix(b)
    return keep_headings(parts)
