"""The timeline: every event of an incident as an entry a person can read.

The timeline is built from the same log as the state. Entries are in the order things
happened (the time the user gave, so back-filled entries land in their place), ties broken by
the log order. Corrections are entries of their own and mark the entry they correct; events the
fold did not apply say so.

Edits to the postmortem's fields are the review's own history, not something that happened in
the incident: :func:`incident_entries` leaves them out of the timeline people read (the window,
the PDF), and :func:`review_history` gives them on their own.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from mimdesk.domain import keytimes, precision, schema
from mimdesk.domain.events import Author, Event, parse_time
from mimdesk.domain.incident import ConcurrentChange, IncidentState
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
    PostmortemChanged,
    Queued,
    RoleAssigned,
    RoleReleased,
    SendFailed,
    Snoozed,
    StatusChanged,
)
from mimdesk.domain.roles import role_label
from mimdesk.domain.wording import audience_name, channel_name

# The kind of a postmortem field edit: the review's history, kept apart from the incident's.
REVIEW_KIND = "postmortem"
# Status changes and decisions: what "milestones only" keeps (also the report, the
# declaration, mitigation and resolution, which are status changes).
MILESTONE_KINDS = frozenset({"report", "status", "decision"})
EXCERPT_CHARS = 80


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
    # The database login the shared database stamped (mimdesk.domain.events.Event.db_login).
    db_login: str = ""
    # How precisely its time is known (mimdesk.domain.precision): "" to the minute; a
    # back-filled entry may know only the hour or the day, an update sometimes nothing.
    precision: str = ""

    @property
    def exact(self) -> bool:
        """Whether its time is known to the minute (and may be used as one)."""
        return precision.is_exact(self.precision)

    def when(self, zone: tzinfo | None = None, *, with_year: bool = True) -> str:
        """Its time as precisely as it is known: "2025-06-08 14:05 BST", "8 June 2025, time
        not known", "time not known"."""
        return precision.shown(self.occurred_at, self.precision, zone, with_year=with_year)

    @property
    def backdated(self) -> bool:
        return (self.recorded_at - self.occurred_at).total_seconds() > 60

    @property
    def is_review(self) -> bool:
        return self.kind == REVIEW_KIND

    @property
    def is_milestone(self) -> bool:
        return self.kind in MILESTONE_KINDS


def incident_entries(entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """The incident's timeline as people read it: without the review's edits."""
    return [e for e in entries if not e.is_review]


def review_history(entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """Who edited which part of the postmortem, and when, in that order."""
    return [e for e in entries if e.is_review]


def _excerpt(text: str) -> str:
    # Lines become "; " (the authors, one a line, stay apart); other runs of space one space.
    line = "; ".join(" ".join(part.split()) for part in text.splitlines() if part.strip())
    return line if len(line) <= EXCERPT_CHARS else line[: EXCERPT_CHARS - 1].rstrip() + "…"


def _describe(e: Event, state: IncidentState | None = None) -> tuple[str, str]:
    match e.payload:
        case IncidentReported() as p:
            return "report", f"Reported: {p.title}"
        case FieldChanged() as p:
            return "field", _field_text(p, state)
        case StatusChanged() as p:
            try:
                label = Status(p.to).label
            except ValueError:
                label = p.to
            reason = f" ({p.reason})" if p.reason else ""
            return "status", f"Status: {label}{reason}"
        case RoleAssigned() as p:
            note = f": {p.note}" if p.note else ""
            role = role_label(p.role)
            if p.handed_over_from:
                return "role", f"Handover of {role} from {p.handed_over_from} to {p.person}{note}"
            return "role", f"{p.person} is {role}{note}"
        case DutyTicked() as p:
            done = "done" if p.done else "not done"
            return "role", f"{role_label(p.role)} duty {done}: {p.duty}"
        case CadenceSet() as p:
            audience = audience_name(p.audience)
            if not p.minutes:
                return "comms", f"Updates to {audience} switched off"
            return "comms", f"Updates to {audience} every {p.minutes} min"
        case MessageSent() as p:
            audience = audience_name(p.audience)
            channel = channel_name(p.channel) or "other means"
            subject = f": {p.subject}" if p.subject else ""
            unapproved = " (sent without approval)" if p.without_approval else ""
            return "update", f"Update sent to {audience} by {channel}{subject}{unapproved}"
        case Drafted() as p:
            audience = audience_name(p.audience)
            kind = p.kind.replace("_", " ")
            return "comms", f"Draft {kind} for {audience}: {p.subject}"
        case Approved():
            return "comms", "Draft approved for sending"
        case ApprovedVerbally() as p:
            return "comms", f"Draft approved for sending by {p.approver}, by voice (recorded here)"
        case HandedToMailClient() as p:
            to = f" for {', '.join(p.recipients)}" if p.recipients else ""
            return "comms", f"Draft handed to the mail client{to}: not sent until marked sent"
        # An empty channel is never written (it is the default), so "" means none was recorded.
        case Queued() as p:
            return "comms", f"Queued in the outbox for {channel_name(p.channel) or '?'}"
        case SendFailed() as p:
            return "comms", f"Sending by {channel_name(p.channel) or '?'} failed: {p.reason}"
        case PostmortemChanged() as p:
            what = f"Postmortem {p.field.replace('_', ' ')}"
            value = _excerpt(p.value)
            return REVIEW_KIND, f"{what} edited: {value}" if value else f"{what} cleared"
        case FollowUpAdded() as p:
            owner = f" (owner {p.owner})" if p.owner else ""
            return "follow-up", f"Follow-up added: {p.title}{owner}"
        case FollowUpUpdated() as p:
            # Keys a newer desk added are changes too: show them as that desk would.
            changes = [*p.changes().items(), *p.extras.items()]
            changed = ", ".join(f"{k} {v}" for k, v in changes)
            return "follow-up", f"Follow-up updated: {changed}"
        case Snoozed() as p:
            audience = audience_name(p.audience)
            return "comms", f"Reminder for {audience} snoozed until {p.until_time:%H:%M} UTC"
        case RoleReleased() as p:
            note = f": {p.note}" if p.note else ""
            who = p.person or "Holder"
            return "role", f"{who} released as {role_label(p.role)}{note}"
        case Assessed() as p:
            rec = p.recommendation
            outcome = (
                "declaring" if rec.outcome == "declare" else "handling it as a normal incident"
            )
            reasons = "; ".join(rec.reasons) or "no criterion met"
            return "assessment", f"Assessed: recommends {outcome} ({reasons})"
        case Decided() as p:
            return "decision", _decision_text(p)
        case Corrected() as p:
            return "correction", _correction_text(p)
        case MalformedPayload() as p:
            # Kept as recorded, never applied: show what was written and what is wrong with it.
            _version, recorded = schema.dumps(p)
            return "other", f"({p.type_name} as recorded, {p.problem}: {recorded})"
        case _:
            # A newer desk's event type (or one that does not belong in an incident).
            return "other", f"({e.type}: written by a newer MIM Desk)"


def _field_text(p: FieldChanged, state: IncidentState | None = None) -> str:
    name, value = p.field, p.value
    if name in keytimes.KEY_TIMES:
        label = keytimes.label(name)
        if value is None or value == "":
            return f"Time {label} set to cleared"
        try:
            when = parse_time(value) if isinstance(value, str) else None
        except ValueError:
            when = None
        if when is None:
            # Not a time: the fold did not apply it, so show what was recorded.
            return f"Time {label} set to {value!r:.60}"
        # Known only roughly (a back-fill says so) while it is still the time in force.
        known = state.time_precision.get(name, "") if state else ""
        if not precision.is_exact(known) and state and state.key_times.get(name) == when:
            return f"Time {label} set to {precision.shown(when, known, UTC)}"
        return f"Time {label} set to {when:%Y-%m-%d %H:%M} UTC"
    if name == "time_precision" and isinstance(value, dict):
        return _precision_text(value)
    if isinstance(value, list):
        value = ", ".join(map(str, value)) or "none"
    reason = f". Rationale: {p.reason}" if p.reason else ""
    return f"{name.replace('_', ' ').capitalize()} set to {value}{reason}"


# A precision in words, after a key time's label: "impact started to the day".
_PRECISION_WORDS = {
    "": "to the minute",
    precision.MINUTE: "to the minute",
    precision.HOUR: "to the hour",
    precision.DAY: "to the day",
    precision.UNKNOWN: "not known",
}


def _precision_text(value: dict[str, object]) -> str:
    """A change of the key times' precision in words, not as the dict it is recorded as:
    "How precisely key times are known: impact started to the day; reported to the hour"."""
    parts = []
    for name, known in value.items():
        label = keytimes.KEY_TIMES.get(str(name), str(name).removesuffix("_at").replace("_", " "))
        words = _PRECISION_WORDS.get(known) if isinstance(known, str) else None
        parts.append(f"{label} {words or f'as recorded, {known!r:.20}'}")
    return "How precisely key times are known: " + ("; ".join(parts) or "unchanged")


def _correction_text(p: Corrected) -> str:
    if p.retract:
        return "Entry withdrawn" + (f": {p.text}" if p.text else "")
    if p.text is not None:
        return f"Corrected to: {p.text}"
    return "Entry time corrected"


def _decision_text(p: Decided) -> str:
    rationale = f". Rationale: {p.rationale}" if p.rationale else ""
    if p.decision == "declare" and not p.formal:
        sev = f" ({p.severity})" if p.severity else ""
        head = f"Handled as a major incident{sev}, never formally declared"
    elif p.decision == "declare":
        sev = f" as {p.severity}" if p.severity else ""
        head = f"Declared a major incident{sev}"
    else:
        head = "Not declared: handled as a normal incident"
    against = ""
    if p.recommendation and p.recommendation != p.decision:
        against = " (against the checklist's recommendation)"
    return f"{head}{against}{rationale}"


def build(events: Iterable[Event], state: IncidentState) -> list[TimelineEntry]:
    events = list(events)
    # Corrections that change only the time move the corrected non-note entry too.
    corrected_by: dict[str, str] = {}
    moved: dict[str, datetime] = {}
    for e in sorted(events, key=lambda e: e.sort_key):
        p = e.payload
        if isinstance(p, Corrected) and p.target:
            corrected_by[p.target] = e.event_id
            when = p.occurred_time
            if when:
                moved[p.target] = when
    make = _EntryMaker(state, corrected_by, moved)
    entries = [make(e) for e in events]
    order = {e.event_id: e.sort_key for e in events}
    entries.sort(key=lambda t: (t.occurred_at, order[t.event_id]))
    return entries


def extended(
    entries: Sequence[TimelineEntry], new: Sequence[Event], state: IncidentState
) -> list[TimelineEntry] | None:
    """``entries`` (a timeline built for the events before ``new``) with ``new`` in their
    places, or None when ``new`` changes an entry already built (a correction): build it
    again then. ``new`` must sort after every earlier event and ``state`` include them.

    Only a correction changes another event's entry (a conflict or a concurrent change is
    about the event being applied), so an incident of thousands of entries takes one more
    without building the rest again.
    """
    if any(isinstance(e.payload, Corrected) for e in new):
        return None
    make = _EntryMaker(state, {}, {})
    merged = list(entries)
    for e in sorted(new, key=lambda e: e.sort_key):
        entry = make(e)
        # Ties on the time go after: the new event sorts after every earlier one.
        if not merged or merged[-1].occurred_at <= entry.occurred_at:
            merged.append(entry)
        else:
            at = bisect.bisect_right(merged, entry.occurred_at, key=lambda t: t.occurred_at)
            merged.insert(at, entry)
    return merged


class _EntryMaker:
    """Makes the entry of one event, given the fold's verdicts and the corrections known."""

    def __init__(
        self, state: IncidentState, corrected_by: dict[str, str], moved: dict[str, datetime]
    ) -> None:
        self._state = state
        self._conflicts = {c.event_id: c.reason for c in state.conflicts}
        self._concurrent = {c.event_id: c for c in state.concurrent}
        self._corrected_by = corrected_by
        self._moved = moved

    def __call__(self, e: Event) -> TimelineEntry:
        index = self._state.note_index.get(e.event_id)
        if index is not None:
            note = self._state.notes[index]
            return TimelineEntry(
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
                db_login=e.db_login,
                # A time a person corrected since is theirs, to the minute.
                precision=note.precision if note.occurred_at == e.occurred_at else "",
            )
        kind, text = _describe(e, self._state)
        occurred_at = self._moved.get(e.event_id, e.occurred_at)
        return TimelineEntry(
            event_id=e.event_id,
            occurred_at=occurred_at,
            recorded_at=e.recorded_at,
            author=e.author,
            desk_id=e.desk_id,
            kind=kind,
            text=text,
            corrected_by=self._corrected_by.get(e.event_id),
            corrects=e.payload.target if isinstance(e.payload, Corrected) else None,
            not_applied=self._conflicts.get(e.event_id),
            concurrent=self._concurrent.get(e.event_id),
            db_login=e.db_login,
            precision=self._precision(e, occurred_at),
        )

    def _precision(self, e: Event, occurred_at: datetime) -> str:
        """How precisely an entry's time is known: an update's own; for the report, a
        declaration, a status change or a key time's change (as a back-fill dates them), that
        of the key time it falls on, when that one is known only roughly."""
        p = e.payload
        if isinstance(p, MessageSent):
            return p.precision
        if isinstance(p, Corrected) or e.event_id in self._moved:
            return ""
        names = _key_times_of(p)
        rough = [
            known
            for name, known in self._state.time_precision.items()
            if (names is None or name in names)
            and known in precision.PRECISIONS
            and not precision.is_exact(known)
            and self._state.key_times.get(name) == occurred_at
        ]
        # Of two rough key times on one instant, the coarser says what is known.
        return max(rough, key=precision.PRECISIONS.index, default="")


# A status and the key time a status change to it is dated by.
_STATUS_TIMES = {
    Status.DECLARED.value: "declared_at",
    Status.INVESTIGATING.value: "declared_at",
    Status.IDENTIFIED.value: "declared_at",
    Status.MITIGATED.value: "mitigated_at",
    Status.RESOLVED.value: "resolved_at",
}


def _key_times_of(p: object) -> tuple[str, ...] | None:
    """The key times an event of this kind is dated by; None: any it falls on (an
    assignment or a cadence written with the declaration)."""
    match p:
        case IncidentReported():
            return ("reported_at",)
        case Decided() as d:
            # One never formally declared was handled as major from the report.
            return ("declared_at",) if d.formal else ("reported_at",)
        case StatusChanged() as s if s.to in _STATUS_TIMES:
            return (_STATUS_TIMES[s.to], "reported_at")
        case FieldChanged() as f if f.field in keytimes.KEY_TIMES:
            return (f.field,)
        case FieldChanged():
            return ("reported_at",)
    return None
