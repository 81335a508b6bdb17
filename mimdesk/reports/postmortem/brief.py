"""The one-page brief: what an executive reads about a major incident, on one A4 page.

The title and severity, the headline figures each with its definition, the impact in numbers,
the root cause in three lines, the top follow-up actions with their owners, and where the
review stands. Everything on it is in the full postmortem; the brief says where, and never
prints what the record does not hold (a figure with no time behind it is left out, not
zero).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from pathlib import Path
from typing import Any

from mimdesk import outputs
from mimdesk.domain import impact
from mimdesk.domain.review import is_approved
from mimdesk.domain.wording import counted
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import ReportData
from mimdesk.reports.postmortem.followups import (
    DONE,
    followup_number,
    priority_text,
    top_followups,
)
from mimdesk.reports.postmortem.headline import headline_figures

ROOT_CAUSE_LINES = 3
TOP_ACTIONS = 5


def write_brief(
    data: ReportData,
    out: Path,
    *,
    page_size: str = "A4",
    zone: tzinfo | None = None,
    force: bool = False,
    protected: Iterable[Path] = (),
) -> int:
    """Write the brief to ``out`` (built beside it and renamed over it, as the postmortem
    is); returns its number of pages, which is one."""
    return outputs.build_atomically(
        out, lambda part: _build(data, part, page_size, zone), force=force, protected=protected
    )


def _build(data: ReportData, out: Path, page_size: str, zone: tzinfo | None) -> int:
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.platypus import KeepInFrame, PageTemplate
    from reportlab.platypus.doctemplate import BaseDocTemplate

    from mimdesk.reports import pm_layout

    size = LETTER if page_size.casefold() == "letter" else A4
    b = Builder(data, zone, size[0] - 2 * pm_layout.MARGIN_X)
    doc = BaseDocTemplate(
        str(out),
        **pm_layout.document_options(
            size,
            title=f"Brief {data.reference}: {data.state.title}",
            organisation=data.organisation,
            subject=f"One-page brief on major incident {data.reference}",
        ),
    )
    frame = pm_layout.body_frame(doc)
    pages = [0]

    def furniture(canvas: Any, _doc: Any) -> None:
        pages[0] = canvas.getPageNumber()
        _furniture(b, canvas)

    doc.addPageTemplates([PageTemplate(id="brief", frames=[frame], onPage=furniture)])
    # One page whatever the incident holds: what does not fit is shrunk, never carried over.
    doc.build([KeepInFrame(doc.width, doc.height, story(b), mode="shrink")])
    return pages[0]


def story(b: Builder) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    st, s = b.st, b.state
    parts: list[Any] = [
        b.p("Incident brief", st.subtitle),
        b.p(b.t(s.title) or "<i>Untitled incident</i>", st.title),
        b.p(
            f"{b.t(b.data.reference)} · {b.t(b.data.severity())} · {b.t(s.status.label)}",
            st.subtitle,
        ),
        Spacer(1, 3 * mm),
    ]
    parts += _figures(b)
    parts += _impact(b)
    parts += _root_cause(b)
    parts += _actions(b)
    parts += _review(b)
    parts.append(Spacer(1, 3 * mm))
    parts.append(
        b.p(
            f"Times in {b.t(b.zone_name())}. Printed {b.t(b.local(b.data.generated_at))}. "
            f"The full postmortem: <b>mimdesk report {b.t(b.data.reference)} --pdf FILE</b>, "
            "or File › Export postmortem PDF.",
            st.muted,
        )
    )
    return parts


def _figures(b: Builder) -> list[Any]:
    """The headline figures side by side, each with its definition under it."""
    figures = headline_figures(b)
    if not figures:
        return []
    cells = [
        [
            b.cell(b.t(f.label), b.st.figure_label),
            b.cell(b.t(f.value), b.st.figure),
            b.cell(b.t(f.definition), b.st.figure_label),
        ]
        for f in figures
    ]
    share = 1 / len(cells)
    return [b.h2("Headline figures"), b.table(None, [cells], [share] * len(cells), zebra=False)]


def _impact(b: Builder) -> list[Any]:
    """The impact in numbers, as the review wrote them; the reported user count when the
    review gave none."""
    rows: list[list[Any]] = []
    for name, label in impact.MEASURES.items():
        measure = impact.parse(b.pm(name))
        if measure is None:
            continue
        number = " ".join(p for p in (measure.qualifier, measure.number) if p)
        rows.append(
            [b.cell(b.t(label)), b.cell(f"<b>{b.t(number)}</b>"), b.cell(b.t(measure.note))]
        )
    users = b.state.users_affected
    if users is not None and not b.pm("impact_users"):
        rows.insert(
            0, [b.cell("Users affected"), b.cell(f"<b>{users:,}</b>"), b.cell("as reported")]
        )
    services = ", ".join(b.state.services)
    if services:
        rows.append([b.cell("Services"), b.cell(b.t(services)), b.cell("")])
    if not rows and not b.state.impact:
        return []
    parts: list[Any] = [b.h2("Impact")]
    if b.state.impact:
        parts.append(b.p(b.t(_lines(b, b.state.impact, 2, b.st.body))))
    if rows:
        parts.append(b.table(None, rows, [0.3, 0.25, 0.45], zebra=True))
    return parts


def _root_cause(b: Builder) -> list[Any]:
    cause = b.pm("root_cause")
    investigating = b.pm("root_cause_status") == "under investigation"
    if not cause and not investigating:
        return []
    parts: list[Any] = [b.h2("Root cause")]
    shown = _lines(b, cause, ROOT_CAUSE_LINES, b.st.body) if cause else ""
    markup = b.t(shown)
    if shown != cause:
        markup += " <i>(in full in the postmortem)</i>"
    if investigating:
        ref = b.pm("problem_ref")
        head = "<b>Under investigation</b>" + (
            f" in problem record <b>{b.t(ref)}</b>" if ref else ""
        )
        markup = head + (f". Working theory: {markup}" if cause else ".")
    parts.append(b.p(markup))
    return parts


def _actions(b: Builder) -> list[Any]:
    st = b.st
    top = [f for f in top_followups(b, TOP_ACTIONS) if f.status not in DONE]
    if not top:
        return []
    rows = [
        [
            b.cell(b.t(followup_number(b, fu)), st.cell_bold),
            b.cell(b.t(fu.title)),
            b.cell(b.t(fu.owner) or "<b>no owner</b>"),
            b.cell(b.t(fu.due) or "no due date"),
            b.cell(b.t(priority_text(fu))),
        ]
        for fu in top
    ]
    parts: list[Any] = [
        b.h2("Top follow-up actions"),
        b.table(["#", "Action", "Owner", "Due", "Priority"], rows, [0.07, 0.5, 0.19, 0.13, 0.11]),
    ]
    still_open = [f for f in b.state.followups.values() if f.status not in DONE]
    unowned = sum(1 for f in still_open if not f.owner.strip())
    said = [f"{counted(len(still_open), 'open action')} in all"]
    if unowned:
        said.append(f"<b>{counted(unowned, 'with no owner', 'with no owner')}</b>")
    parts.append(b.p("; ".join(said) + ".", st.muted))
    return parts


def _review(b: Builder) -> list[Any]:
    fields = b.state.postmortem
    if fields.get("status") == "final" and is_approved(fields):
        said = (
            f"<b>Final</b>, approved by {b.t(fields['approver'])} on {b.t(fields['approved_on'])}."
        )
    elif fields.get("status") == "final":
        said = "<b>Draft</b>: marked final, but no approval is recorded."
    else:
        said = "<b>Draft</b>: not yet approved."
    meeting = fields.get("meeting_date", "")
    said += f" Review meeting: {b.t(meeting)}." if meeting else " No review meeting recorded."
    owner = fields.get("owner", "")
    if owner:
        said += f" Owner: {b.t(owner)}."
    return [b.h2("Review"), b.p(said)]


def _lines(b: Builder, text: str, count: int, style: Any) -> str:
    """The start of ``text`` that fits ``count`` lines of the page's width, cut between
    words and ended with an ellipsis when cut."""
    from reportlab.platypus import Paragraph

    flat = " ".join(text.split())

    def fits(candidate: str) -> bool:
        para = Paragraph(b.t(candidate), style)
        para.wrap(b.width, 10_000)
        return len(para.blPara.lines) <= count

    if fits(flat):
        return flat
    words = flat.split(" ")
    low, high = 0, len(words)
    while low < high:  # the most words that still fit, with the ellipsis
        mid = (low + high + 1) // 2
        if fits(" ".join(words[:mid]) + "…"):
            low = mid
        else:
            high = mid - 1
    return " ".join(words[:low]).rstrip(" ,;:.") + "…"


def _furniture(b: Builder, canvas: Any) -> None:
    from reportlab.lib.units import mm

    from mimdesk.reports import fonts

    pm = b.layout
    width, height = canvas._pagesize
    left, right = pm.MARGIN_X, width - pm.MARGIN_X
    top, bottom = height - 11 * mm, 9 * mm
    canvas.saveState()
    canvas.setFillColor(pm.MUTED)
    canvas.setFont(fonts.REGULAR, 7.5)
    canvas.drawString(left, top, f"{b.data.reference} · Brief"[:120])
    canvas.drawRightString(right, top, b.status_word())
    canvas.drawString(left, bottom, b.data.organisation[:120])
    marking = b.data.classification.strip().upper()
    if marking:
        canvas.setFillColor(pm.ALERT)
        canvas.setFont(fonts.BOLD, 8.5)
        canvas.drawCentredString(width / 2, top, marking)
        canvas.drawCentredString(width / 2, bottom, marking)
    canvas.restoreState()
