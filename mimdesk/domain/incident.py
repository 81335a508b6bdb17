"""The incident as a pure, deterministic fold of its events.

Rules (DESIGN.md, "Fold rules"): events are applied in (hlc, desk id, event id) order whatever
order they arrived in; fields are last-writer-wins; notes only accumulate; a status change the
lifecycle does not allow, or a key time that contradicts the others, is *not applied* and is
kept as a conflict so the timeline can show it. Nothing is silently lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from mimdesk.domain import keytimes, lifecycle
from mimdesk.domain.events import Author, Event, EventType, parse_time
from mimdesk.domain.ids import crockford
from mimdesk.domain.lifecycle import Status

REFERENCE_PREFIX = "MI-"
REFERENCE_LENGTH = 5

# Fields a field-changed event may set, with the type its value must have.
TEXT_FIELDS = ("title", "impact", "severity", "bridge", "external_ref", "workaround")
FIELDS: dict[str, type | tuple[type, ...]] = {
    **dict.fromkeys(TEXT_FIELDS, str),
    "users_affected": (int, type(None)),
    "services": list,
}


def reference_for(stream_id: str, length: int = REFERENCE_LENGTH) -> str:
    """A short reference from the random bits of the incident's id (UUIDv7: low 62 bits).

    Desks create incidents offline without asking anyone, so the reference cannot be a shared
    counter. Twenty-five random bits make a clash rare; the projection settles a clash by
    lengthening the later incident's reference (:func:`disambiguate`).
    """
    random_bits = uuid.UUID(stream_id).int & ((1 << 62) - 1)
    return REFERENCE_PREFIX + crockford(random_bits, length)


@dataclass(frozen=True, slots=True)
class RoleHolder:
    role: str
    person: str
    since: datetime
    event_id: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class RoleChange:
    event_id: str
    role: str
    person: str
    assigned: bool
    at: datetime
    by: Author
    note: str = ""
    handed_over_from: str = ""


@dataclass(frozen=True, slots=True)
class Note:
    event_id: str
    text: str
    kind: str
    author: Author
    occurred_at: datetime
    recorded_at: datetime
    corrected_by: str | None = None
    retracted: bool = False
    original_text: str | None = None


@dataclass(frozen=True, slots=True)
class SentMessage:
    event_id: str
    audience: str
    channel: str
    recipients: tuple[str, ...]
    subject: str
    body: str
    at: datetime
    by: Author


DRAFT_STATES = ("drafted", "approved", "queued", "sent", "failed")


@dataclass(frozen=True, slots=True)
class Draft:
    draft_id: str
    kind: str
    audience: str
    subject: str
    body: str
    recipients: tuple[str, ...]
    channel: str
    state: str  # one of DRAFT_STATES
    drafted_by: Author
    drafted_at: datetime
    approved_by: str = ""
    last_error: str = ""


POSTMORTEM_FIELDS = (
    "summary",
    "business_impact",
    "root_cause",
    "root_cause_status",  # "known" or "under investigation"
    "problem_ref",
    "contributing_factors",
    "went_well",
    "went_badly",
    "got_lucky",
    "lessons",
    "status",  # "draft" or "final"
    "owner",
    "authors",
    "meeting_date",
)
FOLLOWUP_FIELDS = ("title", "owner", "due", "priority", "kind", "status", "ticket")


@dataclass(frozen=True, slots=True)
class FollowUp:
    id: str
    title: str
    owner: str = ""
    due: str = ""  # ISO date
    priority: str = "medium"
    kind: str = "prevent"  # prevent, mitigate, detect, process
    status: str = "open"  # open, in progress, done, cancelled
    ticket: str = ""
    added_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    event_id: str
    answers: dict[str, Any]
    recommendation: dict[str, Any]
    by: Author
    at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    event_id: str
    decision: str  # "declare" or "reject"
    severity: str
    rationale: str
    recommended: str  # what the checklist recommended, "" when decided without one
    by: Author
    at: datetime

    @property
    def overrides_recommendation(self) -> bool:
        return bool(self.recommended) and self.recommended != self.decision


@dataclass(frozen=True, slots=True)
class FieldWrite:
    """The field change whose value is in force (no entry: the value from the report)."""

    event_id: str
    author: Author


@dataclass(frozen=True, slots=True)
class ConcurrentChange:
    """Two desks changed one field without seeing each other's change.

    ``event_id`` is the change that won (it sorts later: last writer wins), ``other_*`` the
    change it replaced. Detected when a change's ``prev`` (the change its author saw as in
    force) is not the change in force when it is folded, and the two values differ.
    """

    event_id: str
    field: str
    value: Any
    other_event_id: str  # "" when the other value came with the report
    other_value: Any
    other_author: Author | None


@dataclass(frozen=True, slots=True)
class Conflict:
    """An event that was kept in the log but not applied to the state, and why."""

    event_id: str
    reason: str


@dataclass
class IncidentState:
    stream_id: str
    reference: str = ""
    title: str = ""
    impact: str = ""
    severity: str = ""
    bridge: str = ""
    external_ref: str = ""
    workaround: str = ""
    users_affected: int | None = None
    services: list[str] = field(default_factory=list)
    status: Status = Status.CANDIDATE
    reported_by: Author | None = None
    key_times: dict[str, datetime | None] = field(
        default_factory=lambda: dict.fromkeys(keytimes.KEY_TIMES)
    )
    roles: dict[str, RoleHolder] = field(default_factory=dict)
    role_history: list[RoleChange] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    messages: list[SentMessage] = field(default_factory=list)
    drafts: dict[str, Draft] = field(default_factory=dict)
    postmortem: dict[str, str] = field(default_factory=dict)
    followups: dict[str, FollowUp] = field(default_factory=dict)
    # audience -> minutes, set on this incident (over the severity's defaults)
    cadence: dict[str, int] = field(default_factory=dict)
    # audience -> when the last update to it went out
    last_sent: dict[str, datetime] = field(default_factory=dict)
    snoozed: dict[str, datetime] = field(default_factory=dict)
    # role -> duties ticked
    duties_done: dict[str, set[str]] = field(default_factory=dict)
    assessments: list[Assessment] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    # field -> the change in force, and the concurrent changes found (see ConcurrentChange)
    field_writers: dict[str, FieldWrite] = field(default_factory=dict)
    concurrent: list[ConcurrentChange] = field(default_factory=list)
    reopened: int = 0
    last_hlc: int = 0
    updated_at: datetime | None = None
    event_count: int = 0
    unknown_events: int = 0
    # Fold bookkeeping, kept on the state so that events can be applied one at a time.
    explicit_times: set[str] = field(default_factory=set, repr=False)
    note_index: dict[str, int] = field(default_factory=dict, repr=False)
    last_key: tuple[int, str, str] = field(default=(0, "", ""), repr=False)

    @property
    def is_major(self) -> bool:
        return self.status in lifecycle.MAJOR

    @property
    def is_active(self) -> bool:
        return self.status in lifecycle.ACTIVE

    @property
    def assessment(self) -> Assessment | None:
        return self.assessments[-1] if self.assessments else None

    @property
    def decision(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None

    def holder(self, role: str) -> str:
        held = self.roles.get(role)
        return held.person if held else ""


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
    handler = _HANDLERS.get(event.type)
    if handler is None:
        # A newer desk's event: kept and relayed by the store, skipped here, counted.
        state.unknown_events += 1
        return
    handler(state, event)


def _reported(state: IncidentState, e: Event) -> None:
    p = e.payload
    state.reference = p.get("reference") or reference_for(e.stream_id)
    state.title = p.get("title", "")
    state.impact = p.get("impact", "")
    state.severity = p.get("severity", "")
    state.users_affected = p.get("users_affected")
    state.services = list(p.get("services", []))
    state.reported_by = e.author
    state.key_times["reported_at"] = parse_time(p.get("reported_at")) or e.occurred_at
    for name in ("impact_started_at", "detected_at"):
        if p.get(name):
            state.key_times[name] = parse_time(p[name])
            state.explicit_times.add(name)


def _field_changed(
    state: IncidentState,
    e: Event,
) -> None:
    name, value = e.payload.get("field"), e.payload.get("value")
    if name in keytimes.KEY_TIMES:
        when = parse_time(value)
        problems = keytimes.check_change(state.key_times, name, when)
        if problems:
            state.conflicts.append(Conflict(e.event_id, "; ".join(problems)))
            return
        state.key_times[name] = when
        state.explicit_times.add(name)
        return
    expected = FIELDS.get(str(name))
    if expected is None or not isinstance(value, expected):
        state.conflicts.append(Conflict(e.event_id, f"unknown or malformed field {name!r}"))
        return
    name = str(name)
    old = getattr(state, name)
    writer = state.field_writers.get(name)
    in_force = writer.event_id if writer else ""
    # Changes written before "prev" existed (or by a script) say nothing about what was seen.
    seen = str(e.payload.get("prev") or "") if "prev" in e.payload else in_force
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
    setattr(state, name, list(value) if isinstance(value, list) else value)


_AUTO_TIME = {
    Status.DECLARED: "declared_at",
    Status.MITIGATED: "mitigated_at",
    Status.RESOLVED: "resolved_at",
}


def _status_changed(
    state: IncidentState,
    e: Event,
) -> None:
    try:
        target = Status(e.payload.get("to", ""))
    except ValueError:
        state.conflicts.append(Conflict(e.event_id, f"unknown status {e.payload.get('to')!r}"))
        return
    current = state.status
    if not lifecycle.can_move(current, target):
        state.conflicts.append(Conflict(e.event_id, lifecycle.why_not(current, target)))
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


def _role_assigned(
    state: IncidentState,
    e: Event,
) -> None:
    role, person = str(e.payload.get("role", "")), str(e.payload.get("person", ""))
    if not role or not person:
        state.conflicts.append(Conflict(e.event_id, "role assignment without role or person"))
        return
    note = str(e.payload.get("note", ""))
    previous = state.roles.get(role)
    state.roles[role] = RoleHolder(role, person, e.occurred_at, e.event_id, note)
    state.role_history.append(
        RoleChange(
            e.event_id,
            role,
            person,
            True,
            e.occurred_at,
            e.author,
            note,
            handed_over_from=previous.person if previous else "",
        )
    )


def _role_released(
    state: IncidentState,
    e: Event,
) -> None:
    role = str(e.payload.get("role", ""))
    held = state.roles.get(role)
    named = e.payload.get("person")
    if held is None or (named and named != held.person):
        who = f"{named} does not hold" if named else "nobody holds"
        state.conflicts.append(Conflict(e.event_id, f"not applied: {who} {role}"))
        return
    del state.roles[role]
    note = str(e.payload.get("note", ""))
    state.role_history.append(
        RoleChange(e.event_id, role, held.person, False, e.occurred_at, e.author, note)
    )


def _note_added(state: IncidentState, e: Event) -> None:
    state.note_index[e.event_id] = len(state.notes)
    state.notes.append(
        Note(
            event_id=e.event_id,
            text=str(e.payload.get("text", "")),
            kind=str(e.payload.get("kind", "observation")),
            author=e.author,
            occurred_at=e.occurred_at,
            recorded_at=e.recorded_at,
        )
    )


def _corrected(state: IncidentState, e: Event) -> None:
    target = e.payload.get("target")
    index = state.note_index.get(str(target))
    if index is None:
        # Corrections of non-note entries only change how the timeline shows them.
        return
    note = state.notes[index]
    changes: dict[str, Any] = {"corrected_by": e.event_id}
    # With a withdrawal the text is the reason ("Entry withdrawn: ..."), not a new wording.
    if "text" in e.payload and not e.payload.get("retract"):
        changes["text"] = str(e.payload["text"])
        changes["original_text"] = note.original_text or note.text
    if "kind" in e.payload:
        changes["kind"] = str(e.payload["kind"])
    if e.payload.get("occurred_at"):
        changes["occurred_at"] = parse_time(e.payload["occurred_at"])
    if e.payload.get("retract"):
        changes["retracted"] = True
    state.notes[index] = replace(note, **changes)


def _assessed(state: IncidentState, e: Event) -> None:
    answers = e.payload.get("answers")
    recommendation = e.payload.get("recommendation")
    if not isinstance(answers, dict) or not isinstance(recommendation, dict):
        state.conflicts.append(Conflict(e.event_id, "malformed assessment"))
        return
    state.assessments.append(
        Assessment(e.event_id, dict(answers), dict(recommendation), e.author, e.occurred_at)
    )


def _duty_ticked(state: IncidentState, e: Event) -> None:
    role, duty = str(e.payload.get("role", "")), str(e.payload.get("duty", ""))
    done = state.duties_done.setdefault(role, set())
    if e.payload.get("done", True):
        done.add(duty)
    else:
        done.discard(duty)


def _cadence_set(state: IncidentState, e: Event) -> None:
    minutes = e.payload.get("minutes")
    audience = str(e.payload.get("audience", ""))
    if not audience or isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
        state.conflicts.append(Conflict(e.event_id, "malformed cadence"))
        return
    state.cadence[audience] = minutes


def _message_sent(state: IncidentState, e: Event) -> None:
    p = e.payload
    audience = str(p.get("audience", ""))
    state.messages.append(
        SentMessage(
            event_id=e.event_id,
            audience=audience,
            channel=str(p.get("channel", "")),
            recipients=tuple(str(r) for r in p.get("recipients", [])),
            subject=str(p.get("subject", "")),
            body=str(p.get("body", "")),
            at=e.occurred_at,
            by=e.author,
        )
    )
    draft = state.drafts.get(str(p.get("draft_id", "")))
    if draft is not None:
        state.drafts[draft.draft_id] = replace(draft, state="sent", channel=str(p.get("channel")))
    # A back-filled message older than the last one does not move the timer back.
    last = state.last_sent.get(audience)
    if last is None or e.occurred_at > last:
        state.last_sent[audience] = e.occurred_at


def _snoozed(state: IncidentState, e: Event) -> None:
    until = parse_time(e.payload.get("until"))
    audience = str(e.payload.get("audience", ""))
    if until is None or not audience:
        state.conflicts.append(Conflict(e.event_id, "malformed snooze"))
        return
    state.snoozed[audience] = until


def _drafted(state: IncidentState, e: Event) -> None:
    p = e.payload
    draft_id = str(p.get("draft_id", ""))
    if not draft_id:
        state.conflicts.append(Conflict(e.event_id, "draft without an id"))
        return
    previous = state.drafts.get(draft_id)
    if previous is not None and previous.state == "sent":
        state.conflicts.append(Conflict(e.event_id, "not applied: the message was already sent"))
        return
    state.drafts[draft_id] = Draft(
        draft_id=draft_id,
        kind=str(p.get("kind", "")),
        audience=str(p.get("audience", "")),
        subject=str(p.get("subject", "")),
        body=str(p.get("body", "")),
        recipients=tuple(str(r) for r in p.get("recipients", [])),
        channel=str(p.get("channel", "")),
        # Editing a draft after approval needs approving again.
        state="drafted",
        drafted_by=e.author,
        drafted_at=e.occurred_at,
    )


def _draft_moved(state: IncidentState, e: Event) -> None:
    p = e.payload
    draft = state.drafts.get(str(p.get("draft_id", "")))
    if draft is None:
        state.conflicts.append(Conflict(e.event_id, "not applied: no such draft"))
        return
    if draft.state == "sent":
        state.conflicts.append(Conflict(e.event_id, "not applied: the message was already sent"))
        return
    if e.type == EventType.APPROVED:
        draft = replace(draft, state="approved", approved_by=e.author.name)
    elif e.type == EventType.QUEUED:
        draft = replace(draft, state="queued", channel=str(p.get("channel", draft.channel)))
    else:
        draft = replace(
            draft,
            state="failed",
            last_error=str(p.get("reason", "")),
            channel=str(p.get("channel", draft.channel)),
        )
    state.drafts[draft.draft_id] = draft


def _postmortem_changed(state: IncidentState, e: Event) -> None:
    name, value = e.payload.get("field"), e.payload.get("value")
    if name not in POSTMORTEM_FIELDS or not isinstance(value, str):
        state.conflicts.append(Conflict(e.event_id, f"unknown postmortem field {name!r}"))
        return
    state.postmortem[str(name)] = value


def _followup(state: IncidentState, e: Event) -> None:
    p = e.payload
    fid = str(p.get("id", ""))
    changes: dict[str, Any] = {
        k: str(v) for k, v in p.items() if k in FOLLOWUP_FIELDS and v is not None
    }
    if e.type == EventType.FOLLOWUP_ADDED:
        if not fid or not changes.get("title") or fid in state.followups:
            state.conflicts.append(Conflict(e.event_id, "malformed or repeated follow-up"))
            return
        state.followups[fid] = FollowUp(id=fid, added_at=e.occurred_at, **changes)
        return
    current = state.followups.get(fid)
    if current is None:
        state.conflicts.append(Conflict(e.event_id, "not applied: no such follow-up"))
        return
    state.followups[fid] = replace(current, **changes)


_DECISION_STATUS = {"declare": Status.DECLARED, "reject": Status.REJECTED}


def _decided(state: IncidentState, e: Event) -> None:
    p = e.payload
    target = _DECISION_STATUS.get(str(p.get("decision")))
    if target is None:
        state.conflicts.append(Conflict(e.event_id, f"unknown decision {p.get('decision')!r}"))
        return
    if not lifecycle.can_move(state.status, target):
        state.conflicts.append(Conflict(e.event_id, lifecycle.why_not(state.status, target)))
        return
    state.status = target
    severity = str(p.get("severity") or "")
    if severity:
        state.severity = severity
        state.field_writers["severity"] = FieldWrite(e.event_id, e.author)
    if (
        target is Status.DECLARED
        and "declared_at" not in state.explicit_times
        and not keytimes.check_change(state.key_times, "declared_at", e.occurred_at)
    ):
        state.key_times["declared_at"] = e.occurred_at
    state.decisions.append(
        Decision(
            event_id=e.event_id,
            decision=str(p["decision"]),
            severity=severity,
            rationale=str(p.get("rationale", "")),
            recommended=str(p.get("recommendation") or ""),
            by=e.author,
            at=e.occurred_at,
        )
    )


_HANDLERS: dict[str, Callable[[IncidentState, Event], None]] = {
    EventType.DRAFTED: _drafted,
    EventType.APPROVED: _draft_moved,
    EventType.QUEUED: _draft_moved,
    EventType.SEND_FAILED: _draft_moved,
    EventType.POSTMORTEM_CHANGED: _postmortem_changed,
    EventType.FOLLOWUP_ADDED: _followup,
    EventType.FOLLOWUP_UPDATED: _followup,
    EventType.DUTY_TICKED: _duty_ticked,
    EventType.CADENCE_SET: _cadence_set,
    EventType.MESSAGE_SENT: _message_sent,
    EventType.SNOOZED: _snoozed,
    EventType.ASSESSED: _assessed,
    EventType.DECIDED: _decided,
    EventType.INCIDENT_REPORTED: _reported,
    EventType.FIELD_CHANGED: _field_changed,
    EventType.STATUS_CHANGED: _status_changed,
    EventType.ROLE_ASSIGNED: _role_assigned,
    EventType.ROLE_RELEASED: _role_released,
    EventType.NOTE_ADDED: _note_added,
    EventType.CORRECTED: _corrected,
}
