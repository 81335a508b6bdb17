"""The responders: who held which role from when to when, and who wrote in the log when.

Built from the role history (an assignment holds until the role passes to another, is
released, or the incident is resolved) and the authors of the timeline's entries. One row per
person, so the table stays short.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mimdesk.domain.timeline import incident_entries
from mimdesk.domain.wording import counted
from mimdesk.reports.postmortem.builder import Builder

COLUMNS = (0.24, 0.48, 0.28)


@dataclass
class Responder:
    name: str
    first: datetime
    # (role label, from, until or None while still held)
    spells: list[tuple[str, datetime, datetime | None]] = field(default_factory=list)
    entries: list[datetime] = field(default_factory=list)


def responders(b: Builder) -> list[Responder]:
    """Everyone who held a role or wrote an entry, in the order they joined the incident."""
    people: dict[str, Responder] = {}

    def person(name: str, at: datetime) -> Responder:
        r = people.setdefault(name, Responder(name, at))
        r.first = min(r.first, at)
        return r

    s = b.state
    end = s.key_times.get("resolved_at")
    history = sorted(s.role_history, key=lambda c: c.at)
    for n, change in enumerate(history):
        if not change.assigned:
            continue
        until = next(
            (later.at for later in history[n + 1 :] if later.role == change.role),
            end,
        )
        person(change.person, change.at).spells.append((b.data.role(change.role), change.at, until))
    for entry in incident_entries(b.data.timeline):
        name = entry.author.name.strip()
        # Time on the incident: what was written until it was resolved, follow-ups aside
        # (they are the review's work, and a back-fill writes them as its importer).
        late = end is not None and entry.occurred_at > end
        if name and not late and entry.kind != "follow-up":
            person(name, entry.occurred_at).entries.append(entry.occurred_at)
    return sorted(people.values(), key=lambda r: r.first)


def span(b: Builder, start: datetime, until: datetime | None, *, resolved: bool) -> str:
    """ "10:10–10:50 CET on 2026-11-28", or across days both in full."""
    a = start.astimezone(b.zone)
    if until is None:
        return f"from {b.local(start)}, still held"
    z = until.astimezone(b.zone)
    tail = " (resolved)" if resolved else ""
    if a.date() == z.date():
        return f"{a:%Y-%m-%d %H:%M}–{z:%H:%M %Z}{tail}"
    return f"{b.local(start)} – {b.local(until)}{tail}"


def responders_section(b: Builder, title: str) -> list[Any]:
    people = responders(b)
    if not people:
        return []
    st = b.st
    end = b.state.key_times.get("resolved_at")
    rows = []
    for r in people:
        roles = "<br/>".join(
            f"<b>{b.t(role)}</b> {b.t(span(b, a, z, resolved=z is not None and z == end))}"
            for role, a, z in r.spells
        )
        if r.entries:
            first, last = min(r.entries), max(r.entries)
            when = span(b, first, last, resolved=False) if last != first else b.local(first)
            wrote = f"{counted(len(r.entries), 'entry', 'entries')}, {when}"
        else:
            wrote = ""
        rows.append(
            [
                b.cell(b.t(r.name), st.cell_bold),
                b.cell(roles or "—", st.cell),
                b.cell(b.t(wrote) or "—", st.cell),
            ]
        )
    table = b.table(["Who", "Roles held", "Entries written in the log"], rows, COLUMNS)
    return [b.h2(title), table]
