"""What each event says: one frozen, typed payload class per event type.

An event's payload is one of these classes, never a dict: the dict form exists only inside
the JSON codec (:mod:`mimdesk.domain.schema`), which reads and writes them, upgrades an older
payload version when it reads one, and keeps what it cannot read (a newer desk's event type,
or a payload of a known type that does not have the recorded shape) as
:class:`UnknownPayload` or :class:`MalformedPayload`, so that nothing recorded is lost.

Defaults are the meaning of an absent key, the same as every earlier release read it, so an
old payload and a new one without the key mean the same. A default of ``None`` marks a key
whose presence matters (``prev``, a correction's ``text``): absent is not the same as empty.
A payload that was read is written back with the keys it was recorded with.
Times are kept as the ISO-8601 text that was recorded (checked when read); the properties
ending in ``_time`` give them as datetimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from mimdesk.domain.events import EventType, parse_time

# Any JSON value: what a free-form part of a payload (a field change's value, an answer to a
# checklist question) may hold.
JsonValue = Any

# field(metadata=...) keys the codec reads.
TIME = "time"  # the text must be an ISO-8601 time with a zone (or None where allowed)
KEY = "key"  # the JSON key, where it is not the attribute's name ("from" is a keyword)
SPARSE = "sparse"  # written only when set: absent has always meant the default


def _sparse(default: Any) -> Any:
    return field(default=default, metadata={SPARSE: True})


def _time(default: str | None = None) -> Any:
    return field(default=default, metadata={TIME: True})


def _required_time() -> Any:
    return field(metadata={TIME: True})


@dataclass(frozen=True, slots=True)
class Payload:
    """The base of every payload. ``extras`` holds keys this release does not know (from a
    newer desk), kept so that re-writing the event loses nothing."""

    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1

    extras: Mapping[str, JsonValue] = field(default_factory=dict, kw_only=True)
    # The JSON keys as recorded, in order, for a payload that was read: writing it again
    # gives the same keys. Empty for a payload this desk makes. Not part of its meaning.
    recorded_keys: tuple[str, ...] = field(default=(), kw_only=True, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class UnknownPayload(Payload):
    """An event type this release does not know (a newer desk's): kept and relayed as it
    came, skipped by the fold and counted."""

    type_name: str = ""
    version: int = 1
    data: JsonValue = None


@dataclass(frozen=True, slots=True)
class MalformedPayload(Payload):
    """A known event type whose payload does not have the recorded shape (a hand-made file,
    a bug in another desk): kept as recorded, shown as a conflict, never applied."""

    type_name: str = ""
    version: int = 1
    data: JsonValue = None
    problem: str = ""


# --- the incident ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IncidentReported(Payload):
    TYPE = EventType.INCIDENT_REPORTED
    title: str = ""
    reference: str = ""
    impact: str = ""
    severity: str = ""
    users_affected: int | None = None
    services: tuple[str, ...] = ()
    reported_at: str | None = _time()
    impact_started_at: str | None = _time()
    detected_at: str | None = _time()


@dataclass(frozen=True, slots=True)
class FieldChanged(Payload):
    """For key times the value is an ISO-8601 UTC text or None. ``prev`` is the change its
    author saw in force ("" for the reported value); absent in changes written before it
    existed, which say nothing about what was seen."""

    TYPE = EventType.FIELD_CHANGED
    field: str
    value: JsonValue
    reason: str = _sparse("")
    prev: str | None = None
    # For a severity change: the update interval per audience (minutes) the new severity puts
    # in force, as the desk's settings gave them then; None: not recorded.
    cadences: Mapping[str, int] | None = _sparse(None)


@dataclass(frozen=True, slots=True)
class StatusChanged(Payload):
    """The previous status is not stored: the fold decides what applies."""

    TYPE = EventType.STATUS_CHANGED
    to: str
    reason: str = _sparse("")


@dataclass(frozen=True, slots=True)
class Corrected(Payload):
    """Fixes an earlier entry; the original stays. With ``retract`` the text is the reason
    for the withdrawal, not a new wording."""

    TYPE = EventType.CORRECTED
    target: str
    text: str | None = None
    kind: str | None = None
    retract: bool = _sparse(False)
    occurred_at: str | None = _time()

    @property
    def occurred_time(self) -> datetime | None:
        return parse_time(self.occurred_at)


@dataclass(frozen=True, slots=True)
class NoteAdded(Payload):
    TYPE = EventType.NOTE_ADDED
    text: str
    kind: str = "observation"
    # How precisely the entry's time is known (mimdesk.domain.precision): a back-filled entry
    # may know only the hour or the day. Empty: to the minute, as a desk writes it.
    precision: str = _sparse("")


@dataclass(frozen=True, slots=True)
class RecommendationRecord:
    """What the declaration checklist recommended, as recorded with the assessment."""

    outcome: str = ""
    score: int = 0
    threshold: int = 0
    severity: str = ""
    reasons: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessed(Payload):
    """The answers to the declaration checklist (criterion id -> answer) and what it
    recommended."""

    TYPE = EventType.ASSESSED
    answers: Mapping[str, JsonValue]
    recommendation: RecommendationRecord


@dataclass(frozen=True, slots=True)
class Decided(Payload):
    """Declare or reject, and what the checklist had recommended ("" or None: decided
    without one); ``assessment`` is the event id of the assessment it followed."""

    TYPE = EventType.DECIDED
    decision: str
    severity: str = _sparse("")
    rationale: str = ""
    recommendation: str | None = None
    assessment: str | None = None
    # False: handled as a major incident but never formally declared (a back-fill of an
    # incident from before the desk had a declaration says so); then there is no declared
    # time, and no time-to-declare figure.
    formal: bool = _sparse(True)
    # The update interval per audience (minutes) in force from this decision, as the desk's
    # settings gave them then; None: not recorded (a decision written before this was kept).
    cadences: Mapping[str, int] | None = _sparse(None)


# --- roles ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoleAssigned(Payload):
    """With ``handed_over_from`` (the previous holder; "from" in JSON) it is a handover."""

    TYPE = EventType.ROLE_ASSIGNED
    role: str
    person: str
    note: str = _sparse("")
    handed_over_from: str = field(default="", metadata={KEY: "from", SPARSE: True})


@dataclass(frozen=True, slots=True)
class RoleReleased(Payload):
    TYPE = EventType.ROLE_RELEASED
    role: str
    person: str = ""
    note: str = _sparse("")


@dataclass(frozen=True, slots=True)
class DutyTicked(Payload):
    """A duty of the role's checklist ticked (or unticked)."""

    TYPE = EventType.DUTY_TICKED
    role: str
    duty: str
    done: bool = True


# --- communications -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CadenceSet(Payload):
    """This incident's update interval for an audience; 0 switches it off."""

    TYPE = EventType.CADENCE_SET
    audience: str
    minutes: int


@dataclass(frozen=True, slots=True)
class Drafted(Payload):
    TYPE = EventType.DRAFTED
    draft_id: str
    kind: str = ""
    audience: str = ""
    subject: str = ""
    body: str = ""
    recipients: tuple[str, ...] = ()
    channel: str = ""


@dataclass(frozen=True, slots=True)
class Approved(Payload):
    """The Major Incident Manager approved the draft (when the site requires approval)."""

    TYPE = EventType.APPROVED
    draft_id: str


@dataclass(frozen=True, slots=True)
class ApprovedVerbally(Payload):
    """A person at the desk records that a named approver approved the draft by voice (on
    the phone, on the bridge). The event's author is who recorded it; ``approver`` is who
    approved, as the directory names them."""

    TYPE = EventType.APPROVED_VERBALLY
    draft_id: str
    approver: str
    note: str = _sparse("")


@dataclass(frozen=True, slots=True)
class HandedToMailClient(Payload):
    """The draft was written as an .eml file and handed to the person's mail client. Nothing
    has left the building: it is not sent, resets no timer and counts as no update, until a
    person records how it went out (MESSAGE_SENT by other means)."""

    TYPE = EventType.HANDED_TO_MAIL_CLIENT
    draft_id: str
    recipients: tuple[str, ...] = ()
    # The file's name only: its folder names the person's profile, which the log need not keep.
    file: str = ""


@dataclass(frozen=True, slots=True)
class Queued(Payload):
    """Waiting in the outbox for its channel to come back; only the desk that queued it
    retries it."""

    TYPE = EventType.QUEUED
    draft_id: str
    channel: str = ""
    recipients: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class MessageSent(Payload):
    """The event's occurred_at is when it went out. The recipients of a webhook name the
    channel, never its URL (a secret)."""

    TYPE = EventType.MESSAGE_SENT
    audience: str
    channel: str = ""
    recipients: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""
    draft_id: str | None = None
    kind: str = _sparse("")
    # Recorded by a person (Mark sent) while the site required an approval the draft lacked:
    # what happened is recorded, and the timeline and the PDF say it went out unapproved.
    without_approval: bool = _sparse(False)
    # How precisely the time it went out is known (mimdesk.domain.precision); an update whose
    # time is not known is shown so, and is not counted as on time or late.
    precision: str = _sparse("")


@dataclass(frozen=True, slots=True)
class SendFailed(Payload):
    """The draft is kept."""

    TYPE = EventType.SEND_FAILED
    draft_id: str
    channel: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Snoozed(Payload):
    """The reminder for an audience put off until a time."""

    TYPE = EventType.SNOOZED
    audience: str
    until: str = _required_time()

    @property
    def until_time(self) -> datetime:
        when = parse_time(self.until)
        assert when is not None  # the codec refuses a snooze without a time
        return when


# --- after the incident ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostmortemChanged(Payload):
    TYPE = EventType.POSTMORTEM_CHANGED
    field: str
    value: str


@dataclass(frozen=True, slots=True)
class FollowUpAdded(Payload):
    TYPE = EventType.FOLLOWUP_ADDED
    id: str
    title: str
    owner: str = ""
    due: str = ""  # ISO date
    priority: str = "medium"
    kind: str = "prevent"
    status: str = "open"
    ticket: str = ""


@dataclass(frozen=True, slots=True)
class FollowUpUpdated(Payload):
    """Only the fields that changed are set."""

    TYPE = EventType.FOLLOWUP_UPDATED
    id: str
    title: str | None = None
    owner: str | None = None
    due: str | None = None
    priority: str | None = None
    kind: str | None = None
    status: str | None = None
    ticket: str | None = None

    def changes(self) -> dict[str, str]:
        """The fields set, in the order they were recorded (a new one's in field order)."""
        names = ("title", "owner", "due", "priority", "kind", "status", "ticket")
        order = [k for k in self.recorded_keys if k in names] or list(names)
        return {n: v for n in order if (v := getattr(self, n)) is not None}


# --- the directory stream -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceUpserted(Payload):
    TYPE = EventType.SERVICE_UPSERTED
    id: str
    name: str
    tier: int = 3
    owner: str = ""
    critical: bool = False
    revenue: bool = False
    external: bool = False
    users: int | None = None


@dataclass(frozen=True, slots=True)
class ServiceRetired(Payload):
    TYPE = EventType.SERVICE_RETIRED
    id: str


@dataclass(frozen=True, slots=True)
class PersonUpserted(Payload):
    TYPE = EventType.PERSON_UPSERTED
    id: str
    name: str
    team: str = ""
    email: str = ""
    phone: str = ""
    roles: tuple[str, ...] = ()
    # The OS accounts that are this person (DOMAIN\\user on Windows); written only when set,
    # so entries of earlier releases read the same.
    accounts: tuple[str, ...] = _sparse(())


@dataclass(frozen=True, slots=True)
class PersonRetired(Payload):
    TYPE = EventType.PERSON_RETIRED
    id: str


@dataclass(frozen=True, slots=True)
class RotaSet(Payload):
    """Who is on duty for a role in an ISO week ("2026-W48"); no person clears it."""

    TYPE = EventType.ROTA_SET
    week: str
    role: str
    person: str = ""


@dataclass(frozen=True, slots=True)
class DistributionSet(Payload):
    """An audience's distribution list; an empty one clears it."""

    TYPE = EventType.DISTRIBUTION_SET
    audience: str
    addresses: tuple[str, ...] = ()


# Every payload class, one per event type: the codec's registry is built from this.
PAYLOAD_CLASSES: tuple[type[Payload], ...] = (
    IncidentReported,
    FieldChanged,
    StatusChanged,
    Corrected,
    NoteAdded,
    Assessed,
    Decided,
    RoleAssigned,
    RoleReleased,
    DutyTicked,
    CadenceSet,
    Drafted,
    Approved,
    Queued,
    MessageSent,
    SendFailed,
    Snoozed,
    HandedToMailClient,
    ApprovedVerbally,
    PostmortemChanged,
    FollowUpAdded,
    FollowUpUpdated,
    ServiceUpserted,
    ServiceRetired,
    PersonUpserted,
    PersonRetired,
    RotaSet,
    DistributionSet,
)
