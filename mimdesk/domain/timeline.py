"""The timeline: every event of an incident as an entry a person can read.

The timeline is built from the same log as the state. Entries are in the order things
happened (the time the user gave, so back-filled entries land in their place), ties broken by
the log order. Corrections are entries of their own and mark the entry they correct; events the
fold did not apply say so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from mimdesk.domain import keytimes
from mimdesk.domain.events import Author, Event, EventType, parse_time
from mimdesk.domain.incident import ConcurrentChange, IncidentState
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.roles import role_label


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    event_id: str
    occurred_at: datetime
    recorded_at: datetime
    author: Author
    desk_id: str
    kind: str  # note kind, or "status", "field", "role", "correction", "report", "other"
    text: str
    is_note: bool = False
    corrected_by: str | None = None
    corrects: str | None = None
    retracted: bool = False
    not_applied: str | None = None
    original_text: str | None = None
    # A field change made without seeing another desk's change to the same field.
    concurrent: ConcurrentChange | None = None

    @property
    def backdated(self) -> bool:
        return (self.recorded_at - self.occurred_at).total_seconds() > 60


def _describe(e: Event) -> tuple[str, str]:
    p = e.payload
    match e.type:
        case EventType.INCIDENT_REPORTED:
            return "report", f"Reported: {p.get('title', '')}"
        case EventType.FIELD_CHANGED:
            name, value = str(p.get("field")), p.get("value")
            if name in keytimes.KEY_TIMES:
                when = parse_time(value)
                shown = f"{when:%Y-%m-%d %H:%M} UTC" if when else "cleared"
                return "field", f"Time {keytimes.label(name)} set to {shown}"
            if isinstance(value, list):
                value = ", ".join(map(str, value)) or "none"
            reason = f". Rationale: {p['reason']}" if p.get("reason") else ""
            return "field", f"{name.replace('_', ' ').capitalize()} set to {value}{reason}"
        case EventType.STATUS_CHANGED:
            try:
                label = Status(p.get("to", "")).label
            except ValueError:
                label = str(p.get("to"))
            reason = f" ({p['reason']})" if p.get("reason") else ""
            return "status", f"Status: {label}{reason}"
        case EventType.ROLE_ASSIGNED:
            note = f": {p['note']}" if p.get("note") else ""
            role = role_label(str(p.get("role")))
            if p.get("from"):
                return "role", f"Handover of {role} from {p['from']} to {p.get('person')}{note}"
            return "role", f"{p.get('person')} is {role}{note}"
        case EventType.DUTY_TICKED:
            done = "done" if p.get("done", True) else "not done"
            return "role", f"{role_label(str(p.get('role')))} duty {done}: {p.get('duty')}"
        case EventType.CADENCE_SET:
            audience = str(p.get("audience", "")).replace("_", " ")
            minutes = p.get("minutes")
            if not minutes:
                return "comms", f"Updates to {audience} switched off"
            return "comms", f"Updates to {audience} every {minutes} min"
        case EventType.MESSAGE_SENT:
            audience = str(p.get("audience", "")).replace("_", " ")
            channel = str(p.get("channel") or "other means")
            subject = f": {p['subject']}" if p.get("subject") else ""
            return "update", f"Update sent to {audience} by {channel}{subject}"
        case EventType.DRAFTED:
            audience = str(p.get("audience", "")).replace("_", " ")
            kind = str(p.get("kind", "")).replace("_", " ")
            return "comms", f"Draft {kind} for {audience}: {p.get('subject', '')}"
        case EventType.APPROVED:
            return "comms", "Draft approved for sending"
        case EventType.QUEUED:
            return "comms", f"Queued in the outbox for {p.get('channel', '?')}"
        case EventType.SEND_FAILED:
            return "comms", f"Sending by {p.get('channel', '?')} failed: {p.get('reason', '')}"
        case EventType.POSTMORTEM_CHANGED:
            name = str(p.get("field", "")).replace("_", " ")
            return "postmortem", f"Postmortem {name} edited"
        case EventType.FOLLOWUP_ADDED:
            owner = f" (owner {p['owner']})" if p.get("owner") else ""
            return "follow-up", f"Follow-up added: {p.get('title', '')}{owner}"
        case EventType.FOLLOWUP_UPDATED:
            changed = ", ".join(f"{k} {v}" for k, v in p.items() if k != "id")
            return "follow-up", f"Follow-up updated: {changed}"
        case EventType.SNOOZED:
            audience = str(p.get("audience", "")).replace("_", " ")
            until = parse_time(p.get("until"))
            shown = f"{until:%H:%M} UTC" if until else "?"
            return "comms", f"Reminder for {audience} snoozed until {shown}"
        case EventType.ROLE_RELEASED:
            note = f": {p['note']}" if p.get("note") else ""
            who = p.get("person") or "Holder"
            return "role", f"{who} released as {role_label(str(p.get('role')))}{note}"
        case EventType.ASSESSED:
            rec = p.get("recommendation") or {}
            outcome = "declare" if rec.get("outcome") == "declare" else "do not declare"
            reasons = "; ".join(rec.get("reasons") or []) or "no criterion met"
            return "assessment", f"Assessed: recommends {outcome} ({reasons})"
        case EventType.DECIDED:
            rationale = f". Rationale: {p['rationale']}" if p.get("rationale") else ""
            if p.get("decision") == "declare":
                sev = f" as {p['severity']}" if p.get("severity") else ""
                head = f"Declared a major incident{sev}"
            else:
                head = "Not declared: handled as a normal incident"
            against = ""
            if p.get("recommendation") and p.get("recommendation") != p.get("decision"):
                against = " (against the checklist's recommendation)"
            return "decision", f"{head}{against}{rationale}"
        case EventType.CORRECTED:
            if p.get("retract"):
                return "correction", "Entry withdrawn" + (f": {p['text']}" if p.get("text") else "")
            if "text" in p:
                return "correction", f"Corrected to: {p['text']}"
            return "correction", "Entry time corrected"
        case _:
            return "other", f"({e.type}: written by a newer MIM Desk)"


def build(events: Iterable[Event], state: IncidentState) -> list[TimelineEntry]:
    events = list(events)
    conflicts = {c.event_id: c.reason for c in state.conflicts}
    concurrent = {c.event_id: c for c in state.concurrent}
    notes = {n.event_id: n for n in state.notes}
    # Corrections that change only the time move the corrected non-note entry too.
    corrected_by: dict[str, str] = {}
    moved: dict[str, datetime] = {}
    for e in sorted(events, key=lambda e: e.sort_key):
        if e.type == EventType.CORRECTED and e.payload.get("target"):
            corrected_by[str(e.payload["target"])] = e.event_id
            when = parse_time(e.payload.get("occurred_at"))
            if when:
                moved[str(e.payload["target"])] = when
    entries = []
    for e in events:
        note = notes.get(e.event_id)
        if note is not None:
            entries.append(
                TimelineEntry(
                    event_id=e.event_id,
                    occurred_at=note.occurred_at,
                    recorded_at=e.recorded_at,
                    author=e.author,
                    desk_id=e.desk_id,
                    kind=note.kind,
                    text=note.text,
                    is_note=True,
                    corrected_by=note.corrected_by,
                    retracted=note.retracted,
                    original_text=note.original_text,
                )
            )
            continue
        kind, text = _describe(e)
        entries.append(
            TimelineEntry(
                event_id=e.event_id,
                occurred_at=moved.get(e.event_id, e.occurred_at),
                recorded_at=e.recorded_at,
                author=e.author,
                desk_id=e.desk_id,
                kind=kind,
                text=text,
                corrected_by=corrected_by.get(e.event_id),
                corrects=str(e.payload.get("target")) if e.type == EventType.CORRECTED else None,
                not_applied=conflicts.get(e.event_id),
                concurrent=concurrent.get(e.event_id),
            )
        )
    order = {e.event_id: e.sort_key for e in events}
    entries.sort(key=lambda t: (t.occurred_at, order[t.event_id]))
    return entries
