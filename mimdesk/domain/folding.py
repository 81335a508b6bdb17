"""The fold: an incident's state made from its events, one event at a time.

Rules (DESIGN.md, "Fold rules"): events are applied in (hlc, desk id, event id) order whatever
order they arrived in; fields are last-writer-wins; notes only accumulate; a status change the
lifecycle does not allow, or a key time that contradicts the others, is *not applied* and is
kept as a conflict so the timeline can show it. Nothing is silently lost. What the state holds
is in :mod:`mimdesk.domain.incident`; how each event type changes it is here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields, replace
from typing import Any

from mimdesk.domain import keytimes, lifecycle
from mimdesk.domain.events import Event, EventType, parse_time
from mimdesk.domain.incident import (
    FIELDS,
    POSTMORTEM_FIELDS,
    Assessment,
    ConcurrentChange,
    Conflict,
    Decision,
    Draft,
    FieldWrite,
    FollowUp,
    IncidentState,
    Note,
    RoleChange,
    RoleHolder,
    SentMessage,
    reference_for,
)
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.payloads import (
    Approved,
    ApprovedVerbally,
    Assessed,
    CadenceSet,
    Corrected,
    Decided,
    Drafted,
    DutyTicked,
    FieldChanged,
    FollowUpAdded,
    FollowUpUpdated,
    HandedToMailClient,
    IncidentReported,
    MalformedPayload,
    MessageSent,
    NoteAdded,
    Payload,
    PostmortemChanged,
    Queued,
    RoleAssigned,
    RoleReleased,
    SendFailed,
    Snoozed,
    StatusChanged,
    UnknownPayload,
)


def copy_state(state: IncidentState) -> IncidentState:
    """A copy that applying more events to leaves ``state`` as it was (its containers are
    copied; what they hold is immutable)."""
    copied = replace(state)
    for f in fields(IncidentState):
        value = getattr(state, f.name)
        if f.name == "duties_done":
            setattr(copied, f.name, {role: set(done) for role, done in value.items()})
        elif isinstance(value, list | dict | set):
            setattr(copied, f.name, type(value)(value))
    return copied


def fold(events: Iterable[Event]) -> IncidentState:
    ordered = sorted(events, key=lambda e: e.sort_key)
    if not ordered:
        raise ValueError("an incident needs at least its reported event")
    state = IncidentState(stream_id=ordered[0].stream_id)
    for event in ordered:
        apply(state, event)
    return state


def apply(state: IncidentState, event: Event) -> None:
    """Apply one event that sorts after every event already folded into ``state``.

    Callers holding a state for a live incident use this to stay current without a full fold;
    an event that sorts earlier (a late arrival from another desk) needs a full :func:`fold`.
    """
    if event.sort_key <= state.last_key:
        raise ValueError("event sorts before the state; fold the stream again")
    state.last_key = event.sort_key
    state.event_count += 1
    state.last_hlc = event.hlc
    state.updated_at = event.recorded_at
    p = event.payload
    if isinstance(p, UnknownPayload):
        # A newer desk's event: kept and relayed by the store, skipped here, counted.
        state.unknown_events += 1
        return
    if isinstance(p, MalformedPayload):
        if p.type_name == EventType.INCIDENT_REPORTED:
            _reported(state, event, IncidentReported())
        state.conflicts.append(Conflict(event.event_id, f"malformed {p.type_name}: {p.problem}"))
        return
    handler = _HANDLERS.get(type(p))
    if handler is None:
        # A payload of the directory stream (or any not about an incident): not this fold's.
        state.unknown_events += 1
        return
    handler(state, event, p)


def _reported(state: IncidentState, e: Event, p: IncidentReported) -> None:
    state.reference = p.reference or reference_for(e.stream_id)
    state.title = p.title
    state.impact = p.impact
    state.severity = p.severity
    state.users_affected = p.users_affected
    state.services = list(p.services)
    state.reported_by = e.author
    state.key_times["reported_at"] = parse_time(p.reported_at) or e.occurred_at
    for name, value in (
        ("impact_started_at", p.impact_started_at),
        ("detected_at", p.detected_at),
    ):
        if value:
            state.key_times[name] = parse_time(value)
            state.explicit_times.add(name)


def _field_changed(state: IncidentState, e: Event, p: FieldChanged) -> None:
    name, value = p.field, p.value
    if name in keytimes.KEY_TIMES:
        try:
            if value is not None and not isinstance(value, str):
                raise ValueError(value)
            when = parse_time(value)
        except ValueError:
            state.conflicts.append(Conflict(e.event_id, f"{name} is not a time: {value!r:.60}"))
            return
        problems = keytimes.check_change(state.key_times, name, when, status=state.status)
        if problems:
            state.conflicts.append(Conflict(e.event_id, "; ".join(problems)))
            return
        state.key_times[name] = when
        state.explicit_times.add(name)
        if name in state.time_precision and not keytimes.back_dated(e.occurred_at, e.recorded_at):
            # A person set it at the desk, to the minute: what a back-fill said of how roughly
            # the old time was known no longer holds.
            state.time_precision = {k: v for k, v in state.time_precision.items() if k != name}
        return
    expected = FIELDS.get(name)
    if expected is None or not isinstance(value, expected):
        state.conflicts.append(Conflict(e.event_id, f"unknown or malformed field {name!r}"))
        return
    old = getattr(state, name)
    writer = state.field_writers.get(name)
    in_force = writer.event_id if writer else ""
    # Changes written before "prev" existed (or by a script) say nothing about what was seen.
    seen = in_force if p.prev is None else p.prev
    if seen != in_force and old != value:
        state.concurrent.append(
            ConcurrentChange(
                e.event_id,
                name,
                list(value) if isinstance(value, list) else value,
                in_force,
                list(old) if isinstance(old, list) else old,
                writer.author if writer else state.reported_by,
            )
        )
    state.field_writers[name] = FieldWrite(e.event_id, e.author)
    if isinstance(value, dict):
        # The precision of each key time: a change names the times it is about.
        state.time_precision = {
            **state.time_precision,
            **{str(k): str(v) for k, v in value.items() if isinstance(v, str)},
        }
        return
    setattr(state, name, list(value) if isinstance(value, list) else value)


_AUTO_TIME = {
    Status.DECLARED: "declared_at",
    Status.MITIGATED: "mitigated_at",
    Status.RESOLVED: "resolved_at",
}


def _status_changed(state: IncidentState, e: Event, p: StatusChanged) -> None:
    try:
        target = Status(p.to)
    except ValueError:
        state.conflicts.append(Conflict(e.event_id, f"unknown status {p.to!r}"))
        return
    current = state.status
    if not lifecycle.can_move(current, target):
        state.conflicts.append(Conflict(e.event_id, lifecycle.why_not(current, target)))
        return
    early = _dated_too_early("A status change", e, state)
    if early:
        state.conflicts.append(Conflict(e.event_id, early))
        return
    if lifecycle.is_reopen(current, target):
        state.reopened += 1
        for name in ("mitigated_at", "resolved_at"):
            state.key_times[name] = None
            state.explicit_times.discard(name)
    state.status = target
    # Moving straight past "mitigated" (a fix found at once) means it was mitigated then too.
    auto = [_AUTO_TIME[target]] if target in _AUTO_TIME else []
    if target is Status.RESOLVED and state.key_times["mitigated_at"] is None:
        auto.append("mitigated_at")
    for name in auto:
        if name not in state.explicit_times and not keytimes.check_change(
            state.key_times, name, e.occurred_at
        ):
            state.key_times[name] = e.occurred_at


def _role_assigned(state: IncidentState, e: Event, p: RoleAssigned) -> None:
    if not p.role or not p.person:
        state.conflicts.append(Conflict(e.event_id, "role assignment without role or person"))
        return
    previous = state.roles.get(p.role)
    state.roles[p.role] = RoleHolder(p.role, p.person, e.occurred_at, e.event_id, p.note)
    state.role_history.append(
        RoleChange(
            e.event_id,
            p.role,
            p.person,
            True,
            e.occurred_at,
            e.author,
            p.note,
            handed_over_from=previous.person if previous else "",
        )
    )


def _role_released(state: IncidentState, e: Event, p: RoleReleased) -> None:
    held = state.roles.get(p.role)
    if held is None or (p.person and p.person != held.person):
        who = f"{p.person} does not hold" if p.person else "nobody holds"
        state.conflicts.append(Conflict(e.event_id, f"not applied: {who} {p.role}"))
        return
    del state.roles[p.role]
    state.role_history.append(
        RoleChange(e.event_id, p.role, held.person, False, e.occurred_at, e.author, p.note)
    )


def _note_added(state: IncidentState, e: Event, p: NoteAdded) -> None:
    state.note_index[e.event_id] = len(state.notes)
    state.notes.append(
        Note(
            event_id=e.event_id,
            text=p.text,
            kind=p.kind,
            author=e.author,
            occurred_at=e.occurred_at,
            recorded_at=e.recorded_at,
            precision=p.precision,
        )
    )


def _corrected(state: IncidentState, e: Event, p: Corrected) -> None:
    index = state.note_index.get(p.target)
    if index is None:
        # Corrections of non-note entries only change how the timeline shows them.
        return
    note = state.notes[index]
    changes: dict[str, Any] = {"corrected_by": e.event_id}
    # With a withdrawal the text is the reason ("Entry withdrawn: ..."), not a new wording.
    if p.text is not None and not p.retract:
        changes["text"] = p.text
        changes["original_text"] = note.original_text or note.text
    if p.kind is not None:
        changes["kind"] = p.kind
    if p.occurred_at:
        changes["occurred_at"] = p.occurred_time
    if p.retract:
        changes["retracted"] = True
    state.notes[index] = replace(note, **changes)


def _assessed(state: IncidentState, e: Event, p: Assessed) -> None:
    state.assessments.append(
        Assessment(e.event_id, dict(p.answers), p.recommendation, e.author, e.occurred_at)
    )


def _duty_ticked(state: IncidentState, e: Event, p: DutyTicked) -> None:
    done = state.duties_done.setdefault(p.role, set())
    if p.done:
        done.add(p.duty)
    else:
        done.discard(p.duty)


def _cadence_set(state: IncidentState, e: Event, p: CadenceSet) -> None:
    if not p.audience or p.minutes < 0:
        state.conflicts.append(Conflict(e.event_id, "malformed cadence"))
        return
    state.cadence[p.audience] = p.minutes


def _dated_too_early(
    what: str, e: Event, state: IncidentState, *, before_declaration: bool = False
) -> str | None:
    """For an entry a person dated (back-dated), why that date cannot be; None otherwise.
    An entry dated by the desk's clock as it was written is a fact, whatever another desk's
    clock said."""
    if not keytimes.back_dated(e.occurred_at, e.recorded_at):
        return None
    return keytimes.dated_too_early(
        what, e.occurred_at, state.key_times, before_declaration=before_declaration
    )


def _message_sent(state: IncidentState, e: Event, p: MessageSent) -> None:
    draft = state.drafts.get(p.draft_id or "")
    if draft is not None:
        # Sent, whatever its date: an outbox must never send it again.
        state.drafts[draft.draft_id] = replace(draft, state="sent", channel=p.channel)
    early = _dated_too_early("An update", e, state, before_declaration=True)
    if early:
        # Not counted by the timers or as an update on time; the timeline says why.
        state.conflicts.append(Conflict(e.event_id, early))
        return
    state.messages.append(
        SentMessage(
            event_id=e.event_id,
            audience=p.audience,
            channel=p.channel,
            recipients=p.recipients,
            subject=p.subject,
            body=p.body,
            at=e.occurred_at,
            by=e.author,
            precision=p.precision,
        )
    )
    # A back-filled message older than the last one does not move the timer back.
    last = state.last_sent.get(p.audience)
    if last is None or e.occurred_at > last:
        state.last_sent[p.audience] = e.occurred_at


def _snoozed(state: IncidentState, e: Event, p: Snoozed) -> None:
    if not p.audience:
        state.conflicts.append(Conflict(e.event_id, "malformed snooze"))
        return
    state.snoozed[p.audience] = p.until_time


def _drafted(state: IncidentState, e: Event, p: Drafted) -> None:
    if not p.draft_id:
        state.conflicts.append(Conflict(e.event_id, "draft without an id"))
        return
    previous = state.drafts.get(p.draft_id)
    if previous is not None and previous.state == "sent":
        state.conflicts.append(Conflict(e.event_id, "not applied: the message was already sent"))
        return
    state.drafts[p.draft_id] = Draft(
        draft_id=p.draft_id,
        kind=p.kind,
        audience=p.audience,
        subject=p.subject,
        body=p.body,
        recipients=p.recipients,
        channel=p.channel,
        # Editing a draft after approval needs approving again.
        state="drafted",
        drafted_by=e.author,
        drafted_at=e.occurred_at,
    )


def _draft_moved(
    state: IncidentState,
    e: Event,
    p: Approved | ApprovedVerbally | HandedToMailClient | Queued | SendFailed,
) -> None:
    draft = state.drafts.get(p.draft_id)
    if draft is None:
        state.conflicts.append(Conflict(e.event_id, "not applied: no such draft"))
        return
    if draft.state == "sent":
        state.conflicts.append(Conflict(e.event_id, "not applied: the message was already sent"))
        return
    if isinstance(p, Approved):
        draft = replace(draft, state="approved", approved_by=e.author.name)
    elif isinstance(p, ApprovedVerbally):
        draft = replace(
            draft, state="approved", approved_by=p.approver, approval_recorded_by=e.author.name
        )
    elif isinstance(p, HandedToMailClient):
        # Not sent: the person sends it from the mail client and then records it.
        draft = replace(draft, state="handed", channel="eml")
    elif isinstance(p, Queued):
        draft = replace(draft, state="queued", channel=p.channel or draft.channel)
    else:
        draft = replace(
            draft, state="failed", last_error=p.reason, channel=p.channel or draft.channel
        )
    state.drafts[draft.draft_id] = draft


def _postmortem_changed(state: IncidentState, e: Event, p: PostmortemChanged) -> None:
    if p.field not in POSTMORTEM_FIELDS:
        state.conflicts.append(Conflict(e.event_id, f"unknown postmortem field {p.field!r}"))
        return
    state.postmortem[p.field] = p.value


def _followup_added(state: IncidentState, e: Event, p: FollowUpAdded) -> None:
    if not p.id or not p.title or p.id in state.followups:
        state.conflicts.append(Conflict(e.event_id, "malformed or repeated follow-up"))
        return
    state.followups[p.id] = FollowUp(
        id=p.id,
        title=p.title,
        owner=p.owner,
        due=p.due,
        priority=p.priority,
        kind=p.kind,
        status=p.status,
        ticket=p.ticket,
        added_at=e.occurred_at,
    )


def _followup_updated(state: IncidentState, e: Event, p: FollowUpUpdated) -> None:
    current = state.followups.get(p.id)
    if current is None:
        state.conflicts.append(Conflict(e.event_id, "not applied: no such follow-up"))
        return
    state.followups[p.id] = FollowUp(
        id=current.id,
        title=current.title if p.title is None else p.title,
        owner=current.owner if p.owner is None else p.owner,
        due=current.due if p.due is None else p.due,
        priority=current.priority if p.priority is None else p.priority,
        kind=current.kind if p.kind is None else p.kind,
        status=current.status if p.status is None else p.status,
        ticket=current.ticket if p.ticket is None else p.ticket,
        added_at=current.added_at,
    )


_DECISION_STATUS = {"declare": Status.DECLARED, "reject": Status.REJECTED}


def _decided(state: IncidentState, e: Event, p: Decided) -> None:
    target = _DECISION_STATUS.get(p.decision)
    if target is None:
        state.conflicts.append(Conflict(e.event_id, f"unknown decision {p.decision!r}"))
        return
    if not lifecycle.can_move(state.status, target):
        state.conflicts.append(Conflict(e.event_id, lifecycle.why_not(state.status, target)))
        return
    state.status = target
    if p.severity:
        state.severity = p.severity
        state.field_writers["severity"] = FieldWrite(e.event_id, e.author)
    if not p.formal:
        state.declared_formally = False
    elif (
        target is Status.DECLARED
        and "declared_at" not in state.explicit_times
        and not keytimes.check_change(state.key_times, "declared_at", e.occurred_at)
    ):
        state.key_times["declared_at"] = e.occurred_at
    state.decisions.append(
        Decision(
            event_id=e.event_id,
            decision=p.decision,
            severity=p.severity,
            rationale=p.rationale,
            recommended=p.recommendation or "",
            by=e.author,
            at=e.occurred_at,
        )
    )


_Handler = Callable[[IncidentState, Event, Any], None]
_HANDLERS: dict[type[Payload], _Handler] = {
    Drafted: _drafted,
    Approved: _draft_moved,
    ApprovedVerbally: _draft_moved,
    HandedToMailClient: _draft_moved,
    Queued: _draft_moved,
    SendFailed: _draft_moved,
    PostmortemChanged: _postmortem_changed,
    FollowUpAdded: _followup_added,
    FollowUpUpdated: _followup_updated,
    DutyTicked: _duty_ticked,
    CadenceSet: _cadence_set,
    MessageSent: _message_sent,
    Snoozed: _snoozed,
    Assessed: _assessed,
    Decided: _decided,
    IncidentReported: _reported,
    FieldChanged: _field_changed,
    StatusChanged: _status_changed,
    RoleAssigned: _role_assigned,
    RoleReleased: _role_released,
    NoteAdded: _note_added,
    Corrected: _corrected,
}
