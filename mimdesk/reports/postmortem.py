"""The postmortem PDF: what leadership reads after a major incident.

Built with reportlab's platypus from the incident's log. Sections, in order:

- a cover: title, reference, severity, dates, the Major Incident Manager, authors, DRAFT/FINAL;
- 1 Executive summary, on one page: impact, duration, key figures, the top follow-ups;
- 2 Key times and figures: time to declare, mitigate, resolve; updates per audience and the
  share sent on time against the cadence; the timeline chart;
- 3 The review: summary, business impact, root cause, contributing factors, what went well and
  badly, where we got lucky, lessons;
- 4 Timeline: every entry, in local time with its zone, its author and kind; corrections shown,
  withdrawn entries struck through, changes the log kept but did not apply marked;
- 5 Roles and handovers; 6 Declaration record; 7 Communications log; 8 Follow-up actions;
- Appendix A: every message sent, in full.

Every page carries the organisation, the classification marking and "Page X of Y". Text is set
in DejaVu Sans, embedded, so Latin, Greek and Cyrillic names print; every table cell is a
paragraph, so long text wraps and long tables continue on the next page under their header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from mimdesk import outputs
from mimdesk.domain.cadence import TimerPolicy
from mimdesk.domain.events import Event
from mimdesk.domain.incident import FollowUp, IncidentState
from mimdesk.domain.keytimes import KEY_TIMES
from mimdesk.domain.roles import role_label
from mimdesk.domain.timeline import TimelineEntry
from mimdesk.reports import pm_chart, pm_figures
from mimdesk.reports.pm_figures import KeyFigures

Progress = Callable[[int, int], None]

SECTIONS = (
    "1 Executive summary",
    "2 Key times and figures",
    "3 The review",
    "4 Timeline",
    "5 Roles and handovers",
    "6 Declaration record",
    "7 Communications log",
    "8 Follow-up actions",
    "Appendix A Messages in full",
)
REVIEW_FIELDS = (
    ("summary", "Summary"),
    ("business_impact", "Business impact"),
    ("root_cause", "Root cause"),
    ("contributing_factors", "Contributing factors"),
    ("went_well", "What went well"),
    ("went_badly", "What went badly"),
    ("got_lucky", "Where we got lucky"),
    ("lessons", "Lessons learned"),
)
TIMELINE_COLUMNS = (0.13, 0.17, 0.12, 0.58)
PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}
DONE = ("done", "cancelled")
# How much of a long text the one-page executive summary shows before pointing to section 3.
EXEC_CLIP = {"summary": 1100, "business_impact": 700, "root_cause": 600}


@dataclass(frozen=True)
class ReportData:
    """Everything the PDF shows, as plain data (the use case gathers it)."""

    reference: str
    state: IncidentState
    events: Sequence[Event]
    timeline: Sequence[TimelineEntry]
    generated_at: datetime
    policy: TimerPolicy = field(default_factory=TimerPolicy)
    organisation: str = ""
    classification: str = ""
    severity_labels: Mapping[str, str] = field(default_factory=dict)
    role_labels: Mapping[str, str] = field(default_factory=dict)
    questions: Mapping[str, str] = field(default_factory=dict)  # criterion id -> question

    def severity(self) -> str:
        sev = self.state.severity
        return self.severity_labels.get(sev, sev) if sev else "No severity"

    def role(self, role_id: str) -> str:
        return self.role_labels.get(role_id) or role_label(role_id)


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
    from reportlab.platypus import Frame, PageTemplate
    from reportlab.platypus.doctemplate import BaseDocTemplate

    from mimdesk.reports import pm_layout

    size = LETTER if page_size.casefold() == "letter" else A4
    builder = _Builder(data, zone, size[0] - 2 * pm_layout.MARGIN_X, split_in_row=split_in_row)
    story = builder.story()
    report(10, 100)

    class _Doc(BaseDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:
            outline = getattr(flowable, "_pm_outline", None)
            if outline:
                marks = self.canv._pm_marks.setdefault(self.canv.getPageNumber(), [])
                marks.append(outline)

    doc = _Doc(
        str(out),
        pagesize=size,
        leftMargin=pm_layout.MARGIN_X,
        rightMargin=pm_layout.MARGIN_X,
        topMargin=pm_layout.MARGIN_TOP,
        bottomMargin=pm_layout.MARGIN_BOTTOM,
        title=f"Postmortem {data.reference}: {data.state.title}",
        author=data.organisation or "MIM Desk",
        subject=f"Postmortem of major incident {data.reference}",
        creator="MIM Desk",
        invariant=1,
    )
    frame = Frame(
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
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    expected_pages = builder.estimated_pages(doc.height)

    def on_progress(kind: str, value: int) -> None:
        if kind == "PAGE":
            report(10 + min(85, int(85 * value / max(expected_pages, 1))), 100)

    doc.setProgressCallBack(on_progress)
    doc.build(story, canvasmaker=pm_layout.canvas_class(builder.furniture))
    return builder.pages


def _clip(value: str, limit: int, where: str) -> str:
    if len(value) <= limit:
        return value
    cut = value[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + f"… (in full in {where})"


class _Builder:
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
        self.message_numbers = {m.event_id: f"A.{n}" for n, m in enumerate(self._messages(), 1)}

    # ---- helpers ------------------------------------------------------------------------

    def _messages(self) -> list[Any]:
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

    def long(
        self, value: str | None, fraction: float, style: Any = None, wrap: Any = None
    ) -> list[Any]:
        """A long user text as a cell in pieces, one table row each (see :func:`chunks`), so
        that a row never outgrows a page and a long entry can continue on the next one."""
        return [self.cell(m, style) for m in self.pieces(value, fraction, wrap)]

    def table(
        self,
        header: Sequence[str] | None,
        rows: Sequence[Sequence[Any] | Band],
        fractions: Sequence[float],
        *,
        zebra: bool = True,
        lines: bool = False,
    ) -> Any:
        """A table whose header repeats on every page it runs onto.

        A row's cell is a flowable, "" or a list of flowables (the pieces of a long text,
        from :meth:`long`): such a row becomes as many table rows as it has pieces, shaded
        as one. A :class:`Band` is a full-width row (the date in the timeline).
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
            if zebra and shade:
                commands.append(("BACKGROUND", (0, first), (-1, last), pm.ZEBRA))
            if lines:
                commands.append(("LINEBELOW", (0, last), (-1, last), 0.3, pm.RULE))
            shade = not shade
        if data:
            commands.append(("LINEBELOW", (0, -1), (-1, -1), 0.6, pm.RULE))
        widths = [self.width * f for f in fractions]
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

    def status_word(self) -> str:
        return "FINAL" if self.pm("status") == "final" else "DRAFT"

    def root_cause_markup(self, limit: int | None = None, where: str = "") -> str:
        cause = self.pm("root_cause")
        if limit and cause:
            cause = _clip(cause, limit, where)
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

    # ---- page furniture -------------------------------------------------------------------

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

    # ---- the story ------------------------------------------------------------------------

    def story(self) -> list[Any]:
        from reportlab.platypus import PageBreak

        parts: list[Any] = []
        parts += self.cover()
        parts.append(PageBreak())
        parts += self.executive()
        parts.append(PageBreak())
        parts += self.key_figures()
        parts.append(PageBreak())
        parts += self.review()
        parts.append(PageBreak())
        parts += self.timeline()
        parts += self.roles()
        parts += self.declaration()
        parts += self.communications()
        parts += self.followups()
        parts.append(PageBreak())
        parts += self.appendix()
        return parts

    # ---- cover ----------------------------------------------------------------------------

    def cover(self) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import KeepInFrame, Spacer, Table, TableStyle

        pm, st, s, t = self.layout, self.st, self.state, self.state.key_times
        word = self.status_word()
        stamp = Table(
            [[self.p(f'<font color="white"><b>{word}</b></font>', st.subtitle)]],
            colWidths=[32 * mm],
        )
        stamp.setStyle(
            TableStyle(
                [
                    (
                        "BACKGROUND",
                        (0, 0),
                        (-1, -1),
                        pm.FINAL_COLOUR if word == "FINAL" else pm.DRAFT_COLOUR,
                    ),
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        stamp.hAlign = "LEFT"
        mims = self.people("mim")
        outage = self.figures.span("impact").value
        rows = [
            ("Reference", f"<b>{self.t(self.data.reference)}</b>"),
            ("Severity", self.t(self.data.severity())),
            ("Incident status", self.t(s.status.label)),
            (
                "Impact started",
                self.t(self.local(t["impact_started_at"]))
                if t["impact_started_at"]
                else "<i>not recorded</i>",
            ),
            ("Reported", self.t(self.local(t["reported_at"]))),
            ("Declared", self.t(self.local(t["declared_at"]))),
            ("Mitigated", self.t(self.local(t["mitigated_at"]))),
            ("Resolved", self.t(self.local(t["resolved_at"]))),
            ("Impact duration", self.t(_duration(outage))),
            (
                "Major Incident Manager",
                self.t(", ".join(mims)) if mims else "<i>None recorded</i>",
            ),
            ("Postmortem owner", self.t(self.pm("owner")) or "<i>Not named</i>"),
            ("Authors", self.t(", ".join(self.authors())) or "<i>Not named</i>"),
            (
                "Review meeting",
                self.t(self.pm("meeting_date")) or "<i>Not held yet</i>",
            ),
            ("Status of this review", f"<b>{word.capitalize()}</b>"),
            ("Printed", self.t(self.local(self.data.generated_at))),
        ]
        if self.pm("problem_ref"):
            rows.insert(-1, ("Problem record", self.t(self.pm("problem_ref"))))
        contents = "<br/>".join(self.t(h) for h in SECTIONS)
        parts = [
            self.p(self.t(self.data.organisation) or "&nbsp;", st.subtitle),
            Spacer(1, 18 * mm),
            self.p("Postmortem of a major incident", st.subtitle),
            self.p(self.t(s.title) or "<i>Untitled incident</i>", st.title),
            self.p(f"{self.t(self.data.reference)} · {self.t(self.data.severity())}", st.subtitle),
            Spacer(1, 4 * mm),
            stamp,
            Spacer(1, 8 * mm),
            self.kv_table(rows),
            Spacer(1, 8 * mm),
            self.p("<b>Contents</b>", st.small),
            self.p(contents, st.small),
            Spacer(1, 4 * mm),
            self.p(
                f"All times are in {self.t(self.zone_name())}, the zone of the desk that printed "
                "this report.",
                st.muted,
            ),
        ]
        return [KeepInFrame(self.width, 230 * mm, parts, mode="shrink")]

    # ---- 1 executive summary ---------------------------------------------------------------

    def executive(self) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import KeepInFrame, Spacer, Table, TableStyle

        pm, st, s = self.layout, self.st, self.state
        f = self.figures
        where = "section 3"
        summary = self.pm("summary")
        impact = self.pm("business_impact") or s.impact
        share = f.on_time_share
        cards = [
            ("Impact duration", _duration(f.span("impact").value)),
            ("Time to declare", _duration(f.span("declare").value)),
            ("Time to mitigate", _duration(f.span("mitigate").value)),
            ("Time to resolve", _duration(f.span("resolve").value)),
            (
                "Users affected",
                f"{s.users_affected:,}" if s.users_affected is not None else "unknown",
            ),
            (
                f"Updates on time ({f.sent} sent, {sum(u.missed for u in f.updates)} missed)",
                _percent(share) if f.sent or share is not None else "none sent",
            ),
        ]
        card_cells = [
            [self.cell(self.t(v), st.figure), self.cell(self.t(k), st.figure_label)]
            for k, v in cards
        ]
        grid = Table(
            [
                [card_cells[0], card_cells[1], card_cells[2]],
                [card_cells[3], card_cells[4], card_cells[5]],
            ],
            colWidths=[self.width / 3] * 3,
        )
        grid.hAlign = "LEFT"
        grid.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.5, pm.RULE),
                    ("INNERGRID", (0, 0), (-1, -1), 0.5, pm.RULE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        parts: list[Any] = [
            self.h1(SECTIONS[0]),
            self.p(
                f"<b>{self.t(s.title)}</b> ({self.t(self.data.reference)}, "
                f"{self.t(self.data.severity())}, {self.t(s.status.label.lower())}). "
                f"Reported {self.t(self.local(s.key_times['reported_at']))}; "
                + (
                    f"resolved {self.t(self.local(s.key_times['resolved_at']))}."
                    if s.key_times["resolved_at"]
                    else "not resolved when this report was printed."
                ),
                st.body,
            ),
            self.h2("Summary"),
            self.p(
                self.t(_clip(summary, EXEC_CLIP["summary"], where))
                if summary
                else "<i>No summary written yet.</i>"
            ),
            self.h2("Impact"),
            self.p(
                self.t(_clip(impact, EXEC_CLIP["business_impact"], where))
                if impact
                else "<i>Not written yet.</i>"
            ),
            Spacer(1, 2 * mm),
            grid,
            self.h2("Root cause"),
            self.p(self.root_cause_markup(EXEC_CLIP["root_cause"], where)),
            self.h2("Top follow-up actions"),
        ]
        top = self.top_followups(5)
        if top:
            rows = [
                [
                    self.cell(self.t(self.followup_number(fu)), st.cell_bold),
                    self.cell(self.t(fu.title)),
                    self.cell(self.t(fu.owner) or "—"),
                    self.cell(self.due_markup(fu)),
                    self.cell(self.t(fu.priority)),
                    self.cell(self.t(fu.status)),
                ]
                for fu in top
            ]
            parts.append(
                self.table(
                    ["#", "Action", "Owner", "Due", "Priority", "Status"],
                    rows,
                    [0.06, 0.42, 0.18, 0.14, 0.1, 0.1],
                )
            )
            more = len(self.state.followups) - len(top)
            if more > 0:
                parts.append(self.p(f"and {more} more in section 8.", st.muted))
        else:
            parts.append(self.p("<i>No follow-up actions recorded yet.</i>"))
        return [KeepInFrame(self.width, 245 * mm, parts, mode="shrink")]

    # ---- 2 key times and figures ------------------------------------------------------------

    def key_figures(self) -> list[Any]:
        st, s = self.st, self.state
        t = s.key_times
        f = self.figures
        parts: list[Any] = [self.h1(SECTIONS[1]), self.h2("Key times")]
        reported = t["reported_at"]
        rows = []
        for name, label in KEY_TIMES.items():
            when = t[name]
            after = ""
            if when is not None and reported is not None:
                delta = when - reported
                if delta == timedelta(0):
                    after = "—"
                else:
                    sign = "before" if delta < timedelta(0) else "after"
                    after = f"{_duration(abs(delta))} {sign}"
            rows.append(
                [
                    self.cell(self.t(label.capitalize())),
                    self.cell(self.t(self.local(when))),
                    self.cell(self.t(after or "—")),
                ]
            )
        parts.append(self.table(["Milestone", "When", "From the report"], rows, [0.3, 0.4, 0.3]))
        parts.append(self.h2("Durations"))
        rows = []
        for span in f.spans:
            target = _duration(span.target) if span.target else "—"
            met = {True: "met", False: "<b>missed</b>", None: "—"}[span.met]
            if span.met is False:
                met = f'<font color="#b00020">{met}</font>'
            rows.append(
                [
                    self.cell(self.t(span.label)),
                    self.cell(self.t(self._span_words(span.name))),
                    self.cell(self.t(_duration(span.value))),
                    self.cell(self.t(target)),
                    self.cell(met),
                ]
            )
        parts.append(
            self.table(
                ["Measure", "From → to", "Duration", "Target", "Target met"],
                rows,
                [0.22, 0.34, 0.16, 0.14, 0.14],
            )
        )
        parts.append(self.h2("Updates to each audience"))
        if f.updates:
            rows = []
            for u in f.updates:
                rows.append(
                    [
                        self.cell(self.t(u.label)),
                        self.cell(self.t(f"every {u.interval} min" if u.interval else "none")),
                        self.cell(str(u.sent)),
                        self.cell(str(u.on_time)),
                        self.cell(str(u.late)),
                        self.cell(str(u.missed)),
                        self.cell(self.t(_percent(u.share))),
                    ]
                )
            rows.append(
                [
                    self.cell("<b>All audiences</b>"),
                    self.cell(""),
                    self.cell(f"<b>{f.sent}</b>"),
                    self.cell(f"<b>{sum(u.on_time for u in f.updates)}</b>"),
                    self.cell(f"<b>{sum(u.late for u in f.updates)}</b>"),
                    self.cell(f"<b>{sum(u.missed for u in f.updates)}</b>"),
                    self.cell(f"<b>{self.t(_percent(f.on_time_share))}</b>"),
                ]
            )
            parts.append(
                self.table(
                    ["Audience", "Cadence", "Sent", "On time", "Late", "Missed", "On time share"],
                    rows,
                    [0.26, 0.16, 0.1, 0.1, 0.1, 0.1, 0.18],
                )
            )
            parts.append(
                self.p(
                    "An update is on time when it went out before the previous update to that "
                    "audience (or the declaration) plus the cadence in force. Updates sent before "
                    "the declaration, or while the audience had no cadence, cannot be late. A "
                    "missed update fell due while the timer ran and none followed before the "
                    "timer stopped. Share on time = on time ÷ (sent + missed).",
                    st.muted,
                )
            )
        else:
            parts.append(self.p("<i>No updates were sent and no audience had a cadence.</i>"))
        parts.append(self.h2("Timeline chart", outline=True))
        parts += self.chart()
        return parts

    def _span_words(self, name: str) -> str:
        t = self.state.key_times
        start = (
            "impact started"
            if t["impact_started_at"]
            else ("detected" if t["detected_at"] else "reported")
        )
        return {
            "declare": "reported → declared",
            "mitigate": "reported → mitigated",
            "resolve": "reported → resolved",
            "impact": f"{start} → mitigated",
            "detect": "impact started → " + ("detected" if t["detected_at"] else "reported"),
        }[name]

    def chart(self) -> list[Any]:
        from reportlab.platypus import Spacer

        known = [(a.id, a.label) for a in self.data.policy.audiences]
        rows = [(u.audience, u.label) for u in self.figures.updates if u.sent or u.scheduled]
        ids = {a for a, _ in rows}
        ordered = [(a, label) for a, label in known if a in ids]
        ordered += [r for r in rows if r[0] not in {a for a, _ in ordered}]
        end = self.state.key_times["resolved_at"] or self.data.generated_at
        drawing = pm_chart.chart(
            self.state, width=self.width, audiences=ordered, end=end, zone=self.zone
        )
        note = (
            "The coloured band shows the incident's phases; below it, one row per audience "
            "with a tick for every update sent to it."
        )
        if not self.state.key_times["resolved_at"]:
            note += " The incident was still open when this report was printed."
        return [drawing, Spacer(1, 4), self.p(note, self.st.muted)]

    # ---- 3 the review ---------------------------------------------------------------------

    def review(self) -> list[Any]:
        st, s = self.st, self.state
        parts: list[Any] = [self.h1(SECTIONS[2])]
        if self.pm("status") != "final":
            parts.append(
                self.p("This review is a <b>draft</b>: its findings may still change.", st.muted)
            )
        for name, heading in REVIEW_FIELDS:
            parts.append(self.h2(heading))
            if name == "root_cause":
                parts.append(self.p(self.root_cause_markup()))
                continue
            value = self.pm(name)
            parts.append(self.p(self.t(value) if value else "<i>Not written yet.</i>"))
        parts.append(self.h2("The incident as recorded"))
        value = 1 - 0.3
        rows: list[tuple[str, Any]] = [
            ("Impact as recorded", self.long(s.impact or "—", value)),
            (
                "Users affected",
                f"{s.users_affected:,}" if s.users_affected is not None else "unknown",
            ),
            ("Services", self.long(", ".join(s.services) or "—", value)),
            ("Workaround", self.long(s.workaround or "—", value)),
            ("Bridge", self.long(s.bridge or "—", value)),
            ("External ticket", self.t(s.external_ref) or "—"),
            ("Reported by", self.t(s.reported_by.name) if s.reported_by else "—"),
        ]
        if s.reopened:
            rows.append(("Reopened", f"{s.reopened} time(s)"))
        parts.append(self.kv_table(rows))
        return parts

    # ---- 4 timeline -----------------------------------------------------------------------

    def timeline(self) -> list[Any]:
        st = self.st
        entries = self.data.timeline
        parts: list[Any] = [
            self.h1(SECTIONS[3]),
            self.p(
                f"Every entry in the incident's log ({len(entries):,}), in the order things "
                f"happened, in {self.t(self.zone_name())}. An entry written later than it "
                "happened shows when it was written; a withdrawn entry is struck through; a "
                "change the log kept but did not apply is marked <b>not applied</b>.",
                st.muted,
            ),
        ]
        if not entries:
            return [*parts, self.p("<i>The timeline is empty.</i>")]
        by_id = {e.event_id: e for e in entries}
        rows: list[Any] = []
        last_day: date | None = None
        for e in entries:
            local = e.occurred_at.astimezone(self.zone)
            if local.date() != last_day:
                last_day = local.date()
                rows.append(Band(f"{local:%A %d %B %Y}"))
            rows.append(self.timeline_row(e, by_id))
        parts.append(self.table(["Time", "Who", "Kind", "What happened"], rows, TIMELINE_COLUMNS))
        return parts

    def pieces(self, value: str | None, fraction: float, wrap: Any = None) -> list[str]:
        """A long user text as markup pieces (see :func:`chunks`)."""
        out = [self.t(p) for p in chunks(value or "", _chunk_limit(fraction))]
        return [wrap(m) for m in out] if wrap else out

    def timeline_row(self, e: TimelineEntry, by_id: Mapping[str, TimelineEntry]) -> list[Any]:
        st = self.st
        fraction = TIMELINE_COLUMNS[-1]
        time_cell = self.t(self.local(e.occurred_at, date_=False))
        if e.backdated:
            written = e.recorded_at.astimezone(self.zone)
            same_day = written.date() == e.occurred_at.astimezone(self.zone).date()
            shown = f"{written:%H:%M}" if same_day else f"{written:%d %b %H:%M}"
            time_cell += f'<br/><font size="6.5" color="#5f6368">written {self.t(shown)}</font>'
        kind = e.kind.replace("-", " ").replace("_", " ").capitalize()
        style = st.cell_muted if (e.retracted or e.not_applied) else st.cell
        wrap = None
        if e.retracted:
            wrap = _grey_struck
        elif e.not_applied:
            wrap = _grey
        text = self.pieces(e.text, fraction, wrap)
        notes: list[str] = []
        if e.retracted:
            notes.append('<font size="7" color="#b00020">Withdrawn</font>')
        elif e.original_text is not None:
            first, *more = self.pieces(e.original_text, fraction, _small_struck)
            notes.append(_small("Corrected; it first read: ") + first)
            notes += more
        elif e.corrected_by and not e.is_note:
            notes.append(_small("Its time was corrected."))
        if e.corrects:
            target = by_id.get(e.corrects)
            if target is not None:
                notes.append(
                    _small(
                        f"Corrects the entry of {self.t(self.local(target.occurred_at))} by "
                        f"{self.t(target.author.name)}"
                    )
                )
        if e.not_applied:
            notes.append(
                f'<font size="7" color="#b00020"><b>Not applied:</b> {self.t(e.not_applied)}</font>'
            )
        number = self.message_numbers.get(e.event_id)
        if number:
            notes.append(_small(f"In full in appendix {number}"))
        # Short notes go under the text in the same cell; long ones continue below it.
        limit = _chunk_limit(fraction) * 2
        for note in notes:
            if len(text[-1]) + len(note) < limit:
                text[-1] = f"{text[-1]}<br/>{note}" if text[-1] else note
            else:
                text.append(note)
        return [
            self.cell(time_cell),
            self.cell(self.t(e.author.name)),
            self.cell(self.t(kind), st.cell_muted),
            [self.cell(m, style) for m in text],
        ]

    # ---- 5 roles --------------------------------------------------------------------------

    def roles(self) -> list[Any]:
        st, s = self.st, self.state
        parts: list[Any] = [self.h1(SECTIONS[4])]
        role_ids = list(self.data.role_labels) or []
        for change in s.role_history:
            if change.role not in role_ids:
                role_ids.append(change.role)
        rows = []
        for role_id in role_ids:
            held = self.people(role_id)
            if not held:
                continue
            current = s.roles.get(role_id)
            rows.append(
                [
                    self.cell(self.t(self.data.role(role_id)), st.cell_bold),
                    self.cell(self.t(" → ".join(held))),
                    self.cell(
                        self.t(f"{current.person} since {self.local(current.since)}")
                        if current
                        else "<i>released</i>"
                    ),
                ]
            )
        if rows:
            parts.append(
                self.table(["Role", "Held by, in turn", "At the end"], rows, [0.25, 0.4, 0.35])
            )
        else:
            parts.append(self.p("<i>Nobody was assigned a role.</i>"))
        parts.append(self.h2("Assignments and handovers"))
        if not s.role_history:
            parts.append(self.p("<i>None recorded.</i>"))
            return parts
        rows = []
        for c in s.role_history:
            role = self.data.role(c.role)
            if c.assigned and c.handed_over_from:
                what = f"Handed over from {self.t(c.handed_over_from)} to <b>{self.t(c.person)}</b>"
            elif c.assigned:
                what = f"<b>{self.t(c.person)}</b> assigned"
            else:
                what = f"{self.t(c.person)} released"
            rows.append(
                [
                    self.cell(self.t(self.local(c.at))),
                    self.cell(self.t(role)),
                    self.cell(what),
                    self.long(c.note or "—", 0.28),
                    self.cell(self.t(c.by.name)),
                ]
            )
        parts.append(
            self.table(
                ["When", "Role", "Change", "Handover note", "Recorded by"],
                rows,
                [0.2, 0.15, 0.22, 0.28, 0.15],
            )
        )
        return parts

    # ---- 6 declaration --------------------------------------------------------------------

    def declaration(self) -> list[Any]:
        st, s = self.st, self.state
        parts: list[Any] = [self.h1(SECTIONS[5])]
        a = s.assessment
        if a is None:
            parts.append(
                self.p("<i>The incident was not assessed against the declaration checklist.</i>")
            )
        else:
            rec = a.recommendation
            outcome = "declare" if rec.get("outcome") == "declare" else "not declare"
            sev = rec.get("severity")
            parts.append(
                self.p(
                    f"Assessed by <b>{self.t(a.by.name)}</b> at {self.t(self.local(a.at))}. "
                    f"The checklist recommended: <b>{outcome}</b>"
                    + (f" as {self.t(self.data.severity_labels.get(sev, sev))}" if sev else "")
                    + f" (score {rec.get('score', 0)}; {rec.get('threshold', '?')} declares)."
                )
            )
            if len(s.assessments) > 1:
                parts.append(
                    self.p(
                        f"{len(s.assessments)} assessments were recorded; the latest is shown.",
                        st.muted,
                    )
                )
            reasons = rec.get("reasons") or []
            if reasons:
                parts.append(self.h3("Criteria met"))
                for reason in reasons:
                    parts.append(self.p("• " + self.t(str(reason))))
            rows = []
            for criterion, answer in a.answers.items():
                question = self.data.questions.get(criterion, criterion.replace("_", " "))
                rows.append([self.long(question, 0.6), self.long(_answer(answer), 0.4)])
            if rows:
                parts.append(self.h3("Answers"))
                parts.append(self.table(["Question", "Answer"], rows, [0.72, 0.28]))
            unanswered = rec.get("unanswered") or []
            if unanswered:
                shown = ", ".join(self.data.questions.get(u, u) for u in unanswered)
                parts.append(self.p(f"Not answered: {self.t(shown)}", st.muted))
        parts.append(self.h2("Decision"))
        if not s.decisions:
            parts.append(self.p("<i>No decision was recorded.</i>"))
            return parts
        rows = []
        for d in s.decisions:
            what = "Declared a major incident" if d.decision == "declare" else "Not declared"
            if d.overrides_recommendation:
                what += " <b>(against the checklist's recommendation)</b>"
            rows.append(
                [
                    self.cell(self.t(self.local(d.at))),
                    self.cell(what),
                    self.cell(self.t(self.data.severity_labels.get(d.severity, d.severity)) or "—"),
                    self.cell(self.t(d.by.name)),
                    self.long(d.rationale, 0.33) if d.rationale else self.cell("<i>none given</i>"),
                ]
            )
        parts.append(
            self.table(
                ["When", "Decision", "Severity", "By", "Rationale"],
                rows,
                [0.2, 0.2, 0.13, 0.14, 0.33],
            )
        )
        return parts

    def h3(self, title: str) -> Any:
        return self.p(self.t(title), self.st.h3)

    # ---- 7 communications -----------------------------------------------------------------

    def communications(self) -> list[Any]:
        st, s = self.st, self.state
        parts: list[Any] = [self.h1(SECTIONS[6])]
        messages = self._messages()
        if not messages:
            parts.append(self.p("<i>No updates were recorded as sent.</i>"))
        else:
            audiences = {m.audience for m in messages}
            parts.append(
                self.p(
                    f"{len(messages)} update(s) went to {len(audiences)} audience(s). Each is "
                    "printed in full in appendix A.",
                    st.muted,
                )
            )
            rows = []
            for m in messages:
                subject = [self.t(m.subject) or "<i>no subject</i>"]
                if m.recipients:
                    to = self.pieces("To: " + ", ".join(m.recipients), 0.34, _small)
                    subject = [f"{subject[0]}<br/>{to[0]}", *to[1:]]
                rows.append(
                    [
                        self.cell(self.message_numbers[m.event_id], st.cell_bold),
                        self.cell(self.t(self.local(m.at))),
                        self.cell(self.t(self.data.policy.audience_label(m.audience))),
                        self.cell(self.t(m.channel)),
                        self.cell(self.t(m.by.name)),
                        [self.cell(x) for x in subject],
                    ]
                )
            parts.append(
                self.table(
                    ["#", "Sent", "Audience", "Channel", "By", "Subject"],
                    rows,
                    [0.06, 0.2, 0.14, 0.1, 0.16, 0.34],
                )
            )
        unsent = [d for d in s.drafts.values() if d.state != "sent"]
        if unsent:
            parts.append(self.h2("Drafts never sent"))
            rows = [
                [
                    self.cell(self.t(self.local(d.drafted_at))),
                    self.cell(self.t(self.data.policy.audience_label(d.audience))),
                    self.cell(self.t(d.state)),
                    self.cell(
                        self.t(d.subject)
                        + (
                            f'<br/><font size="7" color="#b00020">{self.t(d.last_error[:500])}'
                            "</font>"
                            if d.last_error
                            else ""
                        )
                    ),
                ]
                for d in sorted(unsent, key=lambda d: (d.drafted_at, d.draft_id))
            ]
            parts.append(
                self.table(
                    ["Drafted", "Audience", "State", "Subject"], rows, [0.2, 0.2, 0.12, 0.48]
                )
            )
        return parts

    # ---- 8 follow-ups ---------------------------------------------------------------------

    def ordered_followups(self) -> list[FollowUp]:
        return sorted(
            self.state.followups.values(),
            key=lambda f: (f.added_at is None, f.added_at or self.data.generated_at, f.id),
        )

    def followup_number(self, fu: FollowUp) -> str:
        return f"F{self.ordered_followups().index(fu) + 1}"

    def top_followups(self, count: int) -> list[FollowUp]:
        items = self.ordered_followups()
        open_first = sorted(
            items,
            key=lambda f: (
                f.status in DONE,
                PRIORITY_RANK.get(f.priority, 3),
                f.due or "9999",
                items.index(f),
            ),
        )
        return open_first[:count]

    def due_markup(self, fu: FollowUp) -> str:
        if not fu.due:
            return "—"
        today = self.data.generated_at.astimezone(self.zone).date()
        overdue = fu.status not in DONE and fu.due < today.isoformat()
        if overdue:
            return f'<font color="#b00020"><b>{self.t(fu.due)}</b> overdue</font>'
        return self.t(fu.due)

    def followups(self) -> list[Any]:
        st = self.st
        parts: list[Any] = [self.h1(SECTIONS[7])]
        items = self.ordered_followups()
        if not items:
            parts.append(self.p("<i>No follow-up actions recorded.</i>"))
            return parts
        done = sum(1 for f in items if f.status in DONE)
        parts.append(
            self.p(
                f"{len(items)} action(s), {len(items) - done} still open. Kinds: prevent "
                "(stop it happening again), mitigate (make it hurt less), detect (notice it "
                "sooner), process (how we run incidents).",
                st.muted,
            )
        )
        rows = []
        for n, fu in enumerate(items, 1):
            rows.append(
                [
                    self.cell(f"F{n}", st.cell_bold),
                    self.cell(self.t(fu.title)),
                    self.cell(self.t(fu.kind)),
                    self.cell(self.t(fu.priority)),
                    self.cell(self.t(fu.owner) or "—"),
                    self.cell(self.due_markup(fu)),
                    self.cell(self.t(fu.status)),
                    self.cell(self.t(fu.ticket) or "—"),
                ]
            )
        parts.append(
            self.table(
                ["#", "Action", "Kind", "Priority", "Owner", "Due", "Status", "Ticket"],
                rows,
                [0.05, 0.26, 0.09, 0.1, 0.13, 0.13, 0.11, 0.13],
            )
        )
        return parts

    # ---- appendix -------------------------------------------------------------------------

    def appendix(self) -> list[Any]:
        from reportlab.platypus import KeepTogether, Spacer

        st = self.st
        parts: list[Any] = [self.h1(SECTIONS[8])]
        messages = self._messages()
        if not messages:
            parts.append(self.p("<i>No updates were recorded as sent.</i>"))
            return parts
        for m in messages:
            number = self.message_numbers[m.event_id]
            audience = self.data.policy.audience_label(m.audience)
            head = self.p(
                f"{number} · {self.t(self.local(m.at))} · {self.t(audience)} · "
                f"by {self.t(m.channel or 'other means')}",
                st.h3,
            )
            meta = [f"Sent by {self.t(m.by.name)}."]
            if m.recipients:
                meta.append(f"To: {self.t(', '.join(m.recipients))}.")
            meta_p = self.p(" ".join(meta), st.message_meta)
            subject = self.p(
                f"<b>Subject:</b> {self.t(m.subject)}" if m.subject else "<i>No subject.</i>",
                st.message,
            )
            body = [self.p(self.t(chunk), st.message) for chunk in _paragraphs(m.body)] or [
                self.p("<i>The text of this update was not recorded.</i>", st.message)
            ]
            # The heading stays with the start of the message.
            parts.append(KeepTogether([head, meta_p, subject, body[0]]))
            parts += body[1:]
            parts.append(Spacer(1, 6))
        return parts


def _small(markup: str) -> str:
    return f'<font size="7" color="#5f6368">{markup}</font>'


def _grey(markup: str) -> str:
    return f'<font color="#8a8a8a">{markup}</font>'


def _grey_struck(markup: str) -> str:
    return f'<font color="#8a8a8a"><strike>{markup}</strike></font>'


def _small_struck(markup: str) -> str:
    return f'<font size="7" color="#5f6368"><strike>{markup}</strike></font>'


@dataclass(frozen=True, slots=True)
class Band:
    """A full-width row in a table: the date where the timeline crosses into a new day."""

    label: str


CHUNK_LINES = 25


def _chunk_limit(fraction: float) -> int:
    """How many characters of text a piece of a cell holds, by the column's share of the
    width: about 20 printed lines, well under a page."""
    return max(300, min(1500, int(4000 * fraction)))


def chunks(value: str, limit: int, max_lines: int = CHUNK_LINES) -> list[str]:
    """Cut a text into pieces of at most ``limit`` characters and ``max_lines`` lines, at
    line breaks where it can and between words otherwise (inside a word only when a single
    word is longer than a piece)."""
    if len(value) <= limit and value.count("\n") < max_lines:
        return [value]
    lines: list[str] = []
    for line in value.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            if cut < limit // 2:
                cut = limit
            lines.append(line[:cut])
            line = line[cut:].lstrip(" ")
        lines.append(line)
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and (size + len(line) + 1 > limit or len(current) >= max_lines):
            pieces.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        pieces.append("\n".join(current))
    return [p for p in pieces if p.strip()] or [""]


def _paragraphs(body: str) -> list[str]:
    """A message's paragraphs (blank-line separated), so a long one can break between them."""
    chunks = [c.strip("\n") for c in body.replace("\r\n", "\n").split("\n\n")]
    return [c for c in chunks if c.strip()]


def _duration(span: timedelta | None) -> str:
    """``2 h 05 min``, ``3 d 4 h``, ``45 min``: durations as leadership reads them."""
    if span is None:
        return "—"
    minutes = int(span.total_seconds() // 60)
    if minutes == 0 and span.total_seconds() > 0:
        return "under 1 min"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h {mins:02d} min"
    if hours:
        return f"{hours} h {mins:02d} min"
    return f"{mins} min"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def _answer(answer: Any) -> str:
    if answer is True:
        return "yes"
    if answer is False:
        return "no"
    if answer is None:
        return "not answered"
    if isinstance(answer, int):
        return f"{answer:,}"
    return str(answer)
