"""Section 3: the review, as written by its authors, and the incident as recorded.

Its sections (mimdesk.domain.report_sections) are printed in the site's order with the
site's headings, each only when it holds something: an incident back-filled with a summary
and nothing else prints a summary, not a page of "not written yet".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mimdesk.domain import report_sections as sections
from mimdesk.domain.timeline import review_history
from mimdesk.domain.wording import counted
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS
from mimdesk.reports.postmortem.impact_table import impact_section
from mimdesk.reports.postmortem.narrative import written_section
from mimdesk.reports.postmortem.responders import responders_section

HISTORY_COLUMNS = (0.2, 0.22, 0.58)

# The sections that are tables; every other section is written text.
TABLES: dict[str, Callable[[Builder, str], list[Any]]] = {
    sections.IMPACT_NUMBERS: impact_section,
    sections.RESPONDERS: responders_section,
}


def review(b: Builder) -> list[Any]:
    parts: list[Any] = [b.h1(SECTIONS[2]), b.p(status_markup(b), b.st.muted)]
    config = b.data.sections
    printed = 0
    for name, title in sections.arranged(config.order, config.hide, config.titles):
        make = TABLES.get(name)
        block = make(b, title) if make else written_section(b, name, title)
        printed += bool(block)
        parts += block
    if not printed:
        parts.append(b.p("<i>Nothing of the review is written yet.</i>"))
    parts += as_recorded(b)
    parts += history(b)
    return parts


def status_markup(b: Builder) -> str:
    """Where the review stands: a draft, final and approved by whom and when, or marked final
    with no approval recorded (an older desk allowed it; it is still a draft)."""
    approval = ""
    if b.approved():
        approval = f"Approved by <b>{b.t(b.pm('approver'))}</b> on {b.t(b.pm('approved_on'))}."
    if b.status_word() == "FINAL":
        return f"This review is <b>final</b>. {approval}"
    if b.pm("status") == "final":
        return (
            "This review is a <b>draft</b>: it was marked final, but no approval is recorded "
            "(an approver and the approval date)."
        )
    draft = "This review is a <b>draft</b>: its findings may still change."
    return f"{draft} {approval}" if approval else draft


def as_recorded(b: Builder) -> list[Any]:
    """What the incident's record holds besides the review; a value it does not hold is left
    out, not printed as a dash."""
    s = b.state
    # The value column of kv_table: what the label column (0.3) leaves.
    value_width = 1 - 0.3
    rows: list[tuple[str, Any]] = []
    if s.impact:
        rows.append(("Impact as recorded", b.long(s.impact, value_width)))
    if s.users_affected is not None:
        rows.append(("Users affected", f"{s.users_affected:,}"))
    for label, value in (
        ("Services", ", ".join(s.services)),
        ("Workaround", s.workaround),
        ("Bridge", s.bridge),
    ):
        if value:
            rows.append((label, b.long(value, value_width)))
    if s.external_ref:
        rows.append(("External ticket", b.t(s.external_ref)))
    if s.reported_by:
        rows.append(("Reported by", b.t(s.reported_by.name)))
    if s.reopened:
        rows.append(("Reopened", counted(s.reopened, "time")))
    if b.pm("published_duration"):
        rows.append(("Published duration", b.t(b.pm("published_duration"))))
    if not rows:
        return []
    return [b.h2("The incident as recorded"), b.kv_table(rows)]


def history(b: Builder) -> list[Any]:
    """Who edited which part of the review, and when: the review's history, apart from the
    incident's timeline."""
    edits = review_history(b.data.timeline)
    parts: list[Any] = [b.h2("Review history")]
    if not edits:
        return [*parts, b.p("<i>The review has not been edited in MIM Desk.</i>")]
    rows = [
        [
            b.cell(b.t(b.local(e.occurred_at))),
            b.cell(b.t(e.author.name)),
            [b.cell(piece) for piece in b.pieces(e.text, HISTORY_COLUMNS[-1])],
        ]
        for e in edits
    ]
    parts.append(b.table(["When", "Who", "What changed"], rows, HISTORY_COLUMNS))
    return parts
