"""The core of the postmortem PDF: the report data, styles and the building blocks every
section uses (paragraphs, headings, cells, tables), and the page furniture.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from mimdesk.domain.review import is_approved
from mimdesk.reports import pm_figures
from mimdesk.reports.pm_figures import KeyFigures
from mimdesk.reports.postmortem.data import ReportData
from mimdesk.reports.postmortem.markup import Band, Highlight, chunk_limit, chunks, clip


class Builder:
    """What every section builds with: the report data, the styles, and the flowables of
    paragraphs, cells and tables."""

    def __init__(
        self, data: ReportData, zone: tzinfo | None, width: float, *, split_in_row: bool = False
    ) -> None:
        from mimdesk.reports import pm_layout

        self.split_in_row = split_in_row
        self.data = data
        self.state = data.state
        self.zone = zone
        self.width = width
        self.st = pm_layout.styles()
        self.layout = pm_layout
        self.figures: KeyFigures = pm_figures.key_figures(
            data.state, data.events, data.policy, data.generated_at, entries=len(data.timeline)
        )
        self.pages = 0
        self.message_numbers = {m.event_id: f"A.{n}" for n, m in enumerate(self.messages(), 1)}

    def messages(self) -> list[Any]:
        return sorted(self.state.messages, key=lambda m: (m.at, m.event_id))

    def local(self, when: datetime | None, *, date_: bool = True) -> str:
        if when is None:
            return "—"
        value = when.astimezone(self.zone)
        return value.strftime("%Y-%m-%d %H:%M %Z" if date_ else "%H:%M %Z")

    def zone_name(self) -> str:
        when = self.state.key_times["reported_at"] or self.data.generated_at
        return when.astimezone(self.zone).strftime("%Z") or "local time"

    def p(self, markup: str, style: Any = None) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, style or self.st.body)

    def cell(self, markup: str, style: Any = None) -> Any:
        return self.layout.CellParagraph(markup, style or self.st.cell)

    def t(self, value: str | None) -> str:
        return self.layout.text(value)

    def h1(self, title: str) -> Any:
        para = self.p(self.t(title), self.st.h1)
        para._pm_outline = (title, 0)
        return para

    def h2(self, title: str, outline: bool = False) -> Any:
        para = self.p(self.t(title), self.st.h2)
        if outline:
            para._pm_outline = (title, 1)
        return para

    def h3(self, title: str) -> Any:
        return self.p(self.t(title), self.st.h3)

    def long(
        self, value: str | None, fraction: float, style: Any = None, wrap: Any = None
    ) -> list[Any]:
        """A long user text as a cell in pieces, one table row each (see :func:`chunks`), so
        that a row never outgrows a page and a long entry can continue on the next one."""
        return [self.cell(m, style) for m in self.pieces(value, fraction, wrap)]

    def pieces(self, value: str | None, fraction: float, wrap: Any = None) -> list[str]:
        """A long user text as markup pieces (see :func:`chunks`)."""
        out = [self.t(p) for p in chunks(value or "", chunk_limit(fraction))]
        return [wrap(m) for m in out] if wrap else out

    def table(
        self,
        header: Sequence[str] | None,
        rows: Sequence[Sequence[Any] | Band | Highlight],
        fractions: Sequence[float],
        *,
        zebra: bool = True,
        lines: bool = False,
    ) -> Any:
        """A table whose header repeats on every page it runs onto.

        A row's cell is a flowable, "" or a list of flowables (the pieces of a long text,
        from :meth:`long`): such a row becomes as many table rows as it has pieces, shaded
        as one. A :class:`Band` is a full-width row (the date in the timeline); a
        :class:`Highlight` a row that stands out (a milestone).
        """
        from reportlab.platypus import Table, TableStyle

        pm = self.layout
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        if header is not None:
            data.append([self.cell(self.t(h), self.st.head_cell) for h in header])
            commands += [
                ("BACKGROUND", (0, 0), (-1, 0), pm.HEAD_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, pm.RULE),
            ]
        shade = False
        for row in rows:
            if isinstance(row, Band):
                r = len(data)
                data.append([pm.RowLabel(row.label)] + [""] * (len(fractions) - 1))
                commands.append(("BACKGROUND", (0, r), (-1, r), pm.DATE_FILL))
                shade = False
                continue
            marked = isinstance(row, Highlight)
            if isinstance(row, Highlight):
                row = row.cells
            height = max((len(c) for c in row if isinstance(c, list)), default=1)
            first = len(data)
            for i in range(height):
                out = []
                for n, c in enumerate(row):
                    if isinstance(c, list):
                        out.append(c[i] if i < len(c) else "")
                    elif i == 0:
                        out.append(c)
                    elif n == 0:
                        out.append(self.cell("<i>continued</i>", self.st.cell_muted))
                    else:
                        out.append("")
                data.append(out)
            last = len(data) - 1
            if marked:
                commands.append(("BACKGROUND", (0, first), (-1, last), pm.MILESTONE_FILL))
            elif zebra and shade:
                commands.append(("BACKGROUND", (0, first), (-1, last), pm.ZEBRA))
            if lines:
                commands.append(("LINEBELOW", (0, last), (-1, last), 0.3, pm.RULE))
            shade = not shade
        if data:
            commands.append(("LINEBELOW", (0, -1), (-1, -1), 0.6, pm.RULE))
        widths = self.layout.fitted_widths(data, [self.width * f for f in fractions])
        # Rows are kept shorter than a page (long texts come in pieces). Splitting inside rows
        # is the fallback for a row that still does not fit: reportlab then repeats the header
        # where a row was cut, even mid-page, so it is not the default.
        table = Table(
            data,
            colWidths=widths,
            repeatRows=1 if header is not None else 0,
            splitInRow=1 if self.split_in_row else 0,
        )
        table.setStyle(TableStyle(commands))
        table.hAlign = "LEFT"
        return table

    def kv_table(self, rows: list[tuple[str, Any]], label_fraction: float = 0.3) -> Any:
        """Label and value pairs; a value is markup, or a list of pieces from :meth:`long`."""
        data = [
            [
                self.cell(self.t(k), self.st.cell_muted),
                v if isinstance(v, list) else self.cell(v),
            ]
            for k, v in rows
        ]
        return self.table(None, data, [label_fraction, 1 - label_fraction], zebra=False, lines=True)

    def people(self, role_id: str) -> list[str]:
        """Everyone who held a role, in the order they took it."""
        names: list[str] = []
        for change in self.state.role_history:
            if change.role == role_id and change.assigned and change.person not in names:
                names.append(change.person)
        return names

    def pm(self, name: str) -> str:
        return self.state.postmortem.get(name, "")

    def authors(self) -> list[str]:
        return [a for a in self.pm("authors").split("\n") if a.strip()]

    def approved(self) -> bool:
        return is_approved(self.state.postmortem)

    def status_word(self) -> str:
        """FINAL only when the review is marked final and someone approved it: a review an
        older desk marked final without an approval is still a draft to its readers."""
        return "FINAL" if self.pm("status") == "final" and self.approved() else "DRAFT"

    def root_cause_markup(self, limit: int | None = None, where: str = "") -> str:
        cause = self.pm("root_cause")
        if limit and cause:
            cause = clip(cause, limit, where)
        if self.pm("root_cause_status") == "under investigation":
            ref = self.pm("problem_ref")
            head = "<b>Under investigation</b>" + (
                f" in problem record <b>{self.t(ref)}</b>" if ref else ""
            )
            return head + (f". Working theory: {self.t(cause)}" if cause else ".")
        if cause:
            ref = self.pm("problem_ref")
            tail = f" (problem record {self.t(ref)})" if ref else ""
            return self.t(cause) + tail
        return "<i>Not written yet.</i>"

    def estimated_pages(self, frame_height: float) -> int:
        rows = len(self.data.timeline) + len(self.state.messages) + len(self.state.followups)
        chars = sum(len(m.body) for m in self.state.messages)
        return 6 + rows // 30 + chars // 3500

    def furniture(self, canvas: Any, page: int, pages: int) -> None:
        from reportlab.lib.units import mm
        from reportlab.pdfbase.pdfmetrics import stringWidth

        from mimdesk.reports import fonts

        pm = self.layout
        self.pages = pages
        width, height = canvas._pagesize
        left, right = pm.MARGIN_X, width - pm.MARGIN_X
        for title, level in canvas._pm_marks.get(page, ()):
            key = f"pm-{page}-{title}"
            canvas.bookmarkPage(key)
            canvas.addOutlineEntry(title, key, level=level)
        canvas.saveState()
        marking = self.data.classification.strip().upper()
        top = height - 11 * mm
        bottom = 9 * mm
        canvas.setStrokeColor(pm.RULE)
        canvas.setLineWidth(0.5)
        canvas.line(left, top - 2.5 * mm, right, top - 2.5 * mm)
        canvas.line(left, bottom + 4 * mm, right, bottom + 4 * mm)
        canvas.setFillColor(pm.MUTED)
        canvas.setFont(fonts.REGULAR, 7.5)
        head = f"{self.data.reference} · Postmortem · {self.state.title}"
        room = (right - left) / 2 - 30
        while stringWidth(head, fonts.REGULAR, 7.5) > room and len(head) > 10:
            head = head[:-2].rstrip() + "…"
        canvas.drawString(left, top, head)
        canvas.drawRightString(right, top, f"{self.status_word()}")
        canvas.drawString(left, bottom, self.data.organisation[:120])
        canvas.drawRightString(right, bottom, f"Page {page} of {pages}")
        if marking:
            canvas.setFillColor(pm.ALERT)
            canvas.setFont(fonts.BOLD, 8.5)
            canvas.drawCentredString(width / 2, top, marking)
            canvas.drawCentredString(width / 2, bottom, marking)
        canvas.restoreState()
