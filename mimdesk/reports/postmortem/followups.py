"""Section 8: the follow-up actions, and their order and numbering (the summary shows the
top ones).
"""

from __future__ import annotations

from typing import Any

from mimdesk.domain.incident import FollowUp, followups_in_order
from mimdesk.domain.wording import counted
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS

# A priority nobody gave (a back-fill that did not say) ranks after every given one.
PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}

DONE = ("done", "cancelled")


def ordered_followups(b: Builder) -> list[FollowUp]:
    return followups_in_order(b.state.followups)


def followup_number(b: Builder, fu: FollowUp) -> str:
    return f"F{ordered_followups(b).index(fu) + 1}"


def priority_text(fu: FollowUp) -> str:
    return fu.priority or "not set"


def ranked_followups(items: list[FollowUp]) -> list[FollowUp]:
    """The actions to read first: open before finished, then by priority (high first, then
    any the site named otherwise, then none given), then by due date (none last), then in
    the order they were written or imported."""
    written = {fu.id: n for n, fu in enumerate(items)}
    return sorted(
        items,
        key=lambda f: (
            f.status in DONE,
            PRIORITY_RANK.get(f.priority, 3 if f.priority else 4),
            f.due or "9999",
            written[f.id],
        ),
    )


def top_followups(b: Builder, count: int) -> list[FollowUp]:
    return ranked_followups(ordered_followups(b))[:count]


def due_markup(b: Builder, fu: FollowUp) -> str:
    if not fu.due:
        return "—"
    today = b.data.generated_at.astimezone(b.zone).date()
    overdue = fu.status not in DONE and fu.due < today.isoformat()
    if overdue:
        return f'<font color="#b00020"><b>{b.t(fu.due)}</b> overdue</font>'
    return b.t(fu.due)


def followups(b: Builder) -> list[Any]:
    st = b.st
    parts: list[Any] = [b.h1(SECTIONS[7])]
    items = ordered_followups(b)
    if not items:
        parts.append(b.p("<i>No follow-up actions recorded.</i>"))
        return parts
    done = sum(1 for f in items if f.status in DONE)
    parts.append(
        b.p(
            f"{counted(len(items), 'action')}, {len(items) - done} still open, numbered in "
            "the order they were written. Kinds: prevent (stop it happening again), mitigate "
            "(make it hurt less), detect (notice it sooner), process (how we run incidents).",
            st.muted,
        )
    )
    rows = []
    for n, fu in enumerate(items, 1):
        rows.append(
            [
                b.cell(f"F{n}", st.cell_bold),
                b.cell(b.t(fu.title)),
                b.cell(b.t(fu.kind)),
                b.cell(b.t(priority_text(fu))),
                b.cell(b.t(fu.owner) or "—"),
                b.cell(due_markup(b, fu)),
                b.cell(b.t(fu.status)),
                b.cell(b.t(fu.ticket) or "—"),
            ]
        )
    parts.append(
        b.table(
            ["#", "Action", "Kind", "Priority", "Owner", "Due", "Status", "Ticket"],
            rows,
            [0.05, 0.26, 0.09, 0.1, 0.13, 0.13, 0.11, 0.13],
        )
    )
    return parts
