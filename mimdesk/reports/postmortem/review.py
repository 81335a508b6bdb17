"""Section 3: the review, as written by its authors, and the incident as recorded."""

from __future__ import annotations

from typing import Any

from mimdesk.domain.timeline import review_history
from mimdesk.domain.wording import counted
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS

HISTORY_COLUMNS = (0.2, 0.22, 0.58)

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


def review(b: Builder) -> list[Any]:
    st, s = b.st, b.state
    parts: list[Any] = [b.h1(SECTIONS[2])]
    if b.pm("status") != "final":
        parts.append(b.p("This review is a <b>draft</b>: its findings may still change.", st.muted))
    for name, heading in REVIEW_FIELDS:
        parts.append(b.h2(heading))
        if name == "root_cause":
            parts.append(b.p(b.root_cause_markup()))
            continue
        value = b.pm(name)
        parts.append(b.p(b.t(value) if value else "<i>Not written yet.</i>"))
    parts.append(b.h2("The incident as recorded"))
    # The value column of kv_table: what the label column (0.3) leaves.
    value_width = 1 - 0.3
    rows: list[tuple[str, Any]] = [
        ("Impact as recorded", b.long(s.impact or "—", value_width)),
        (
            "Users affected",
            f"{s.users_affected:,}" if s.users_affected is not None else "unknown",
        ),
        ("Services", b.long(", ".join(s.services) or "—", value_width)),
        ("Workaround", b.long(s.workaround or "—", value_width)),
        ("Bridge", b.long(s.bridge or "—", value_width)),
        ("External ticket", b.t(s.external_ref) or "—"),
        ("Reported by", b.t(s.reported_by.name) if s.reported_by else "—"),
    ]
    if s.reopened:
        rows.append(("Reopened", counted(s.reopened, "time")))
    parts.append(b.kv_table(rows))
    parts += history(b)
    return parts


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
