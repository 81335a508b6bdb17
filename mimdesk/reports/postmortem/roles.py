"""Section 5: who held each role, and every assignment and handover."""

from __future__ import annotations

from typing import Any

from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS


def roles(b: Builder) -> list[Any]:
    st, s = b.st, b.state
    parts: list[Any] = [b.h1(SECTIONS[4])]
    role_ids = list(b.data.role_labels) or []
    for change in s.role_history:
        if change.role not in role_ids:
            role_ids.append(change.role)
    rows = []
    for role_id in role_ids:
        held = b.people(role_id)
        if not held:
            continue
        current = s.roles.get(role_id)
        rows.append(
            [
                b.cell(b.t(b.data.role(role_id)), st.cell_bold),
                b.cell(b.t(" → ".join(held))),
                b.cell(
                    b.t(f"{current.person} since {b.local(current.since)}")
                    if current
                    else "<i>released</i>"
                ),
            ]
        )
    if rows:
        parts.append(b.table(["Role", "Held by, in turn", "At the end"], rows, [0.25, 0.4, 0.35]))
    else:
        parts.append(b.p("<i>Nobody was assigned a role.</i>"))
    parts.append(b.h2("Assignments and handovers"))
    if not s.role_history:
        parts.append(b.p("<i>None recorded.</i>"))
        return parts
    rows = []
    for c in s.role_history:
        role = b.data.role(c.role)
        if c.assigned and c.handed_over_from:
            what = f"Handed over from {b.t(c.handed_over_from)} to <b>{b.t(c.person)}</b>"
        elif c.assigned:
            what = f"<b>{b.t(c.person)}</b> assigned"
        else:
            what = f"{b.t(c.person)} released"
        rows.append(
            [
                b.cell(b.t(b.local(c.at))),
                b.cell(b.t(role)),
                b.cell(what),
                b.long(c.note or "—", 0.28),
                b.cell(b.t(c.by.name)),
            ]
        )
    parts.append(
        b.table(
            ["When", "Role", "Change", "Handover note", "Recorded by"],
            rows,
            [0.2, 0.15, 0.22, 0.28, 0.15],
        )
    )
    return parts
