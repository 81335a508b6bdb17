"""Roles on an incident: assign, release."""

from __future__ import annotations

from mimdesk.domain.events import EventType
from mimdesk.errors import InvalidInput, Refused
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import resolve, view
from mimdesk.usecases.validate import MAX_FIELD, clean_text


def assign(ctx: Context, *, reference: str, role: str, person: str, note: str = "") -> Changes:
    summary = resolve(ctx, reference)
    role = clean_text(role, what="role", limit=64, required=True, single_line=True)
    person = clean_text(person, what="person's name", limit=200, required=True, single_line=True)
    note = clean_text(note, what="handover note", limit=MAX_FIELD)
    state = view(ctx, summary.stream_id).state
    if state.holder(role) == person:
        return Changes()
    payload = {"role": role, "person": person}
    if note:
        payload["note"] = note
    ctx.log.append([ctx.event(summary.stream_id, EventType.ROLE_ASSIGNED, payload)])
    return Changes(frozenset({summary.stream_id}), incidents_list=True)


def release(ctx: Context, *, reference: str, role: str, note: str = "") -> Changes:
    summary = resolve(ctx, reference)
    state = view(ctx, summary.stream_id).state
    holder = state.holder(role)
    if not holder:
        raise Refused(
            f"Nobody holds the role {role!r} on {summary.reference}.", "Assign someone first."
        )
    payload = {"role": role, "person": holder}
    note = clean_text(note, what="note", limit=MAX_FIELD)
    if note:
        payload["note"] = note
    if not role:
        raise InvalidInput("No role given.", "Name the role to release.")
    ctx.log.append([ctx.event(summary.stream_id, EventType.ROLE_RELEASED, payload)])
    return Changes(frozenset({summary.stream_id}), incidents_list=True)
