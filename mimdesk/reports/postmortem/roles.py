"""Section 5: who held each role, and every assignment and handover (the responders and their
times are in the review, section 3)."""

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
    if not rows or not s.role_history:
        # One line, not a heading over nothing (a back-fill may name no roles at all).
        parts.append(b.p("<i>No roles were recorded.</i>"))
        return parts
    parts.append(b.table(["Role", "Held by, in turn", "At the end"], rows, [0.25, 0.4, 0.35]))
    parts.append(b.h2("Assignments and handovers"))
    notes = any(c.note for c in s.role_history)
    rows = []
    for c in s.role_history:
        role = b.data.role(c.role)
        if c.assigned and c.handed_over_from:
            what = f"Handed over from {b.t(c.handed_over_from)} to <b>{b.t(c.person)}</b>"
        elif c.assigned:
            what = f"<b>{b.t(c.person)}</b> assigned"
        else:
            what = f"{b.t(c.person)} released"
        row = [b.cell(b.t(b.local(c.at))), b.cell(b.t(role)), b.cell(what)]
        if notes:
            row.append(b.long(c.note, 0.28) if c.note else "")
        rows.append([*row, b.cell(b.t(c.by.name))])
    if notes:
        header = ["When", "Role", "Change", "Handover note", "Recorded by"]
        widths = [0.2, 0.15, 0.22, 0.28, 0.15]
    else:
        # No handover says anything: no column of dashes.
        header, widths = ["When", "Role", "Change", "Recorded by"], [0.22, 0.22, 0.36, 0.2]
    parts.append(b.table(header, rows, widths))
    return parts
