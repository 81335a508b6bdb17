"""An incident's state: what the fold of its events makes (:mod:`mimdesk.domain.folding`).

The state is plain data: the fields, roles, notes, messages, drafts, follow-ups and decisions
in force, and the events the fold did not apply (conflicts) with the reason, so that nothing
is silently lost. Also here: the incident's reference and the fields a change may set.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mimdesk.domain import keytimes, lifecycle
from mimdesk.domain.events import Author
from mimdesk.domain.ids import crockford
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.payloads import (
    RecommendationRecord,
)

REFERENCE_PREFIX = "MI-"
REFERENCE_LENGTH = 5

# Fields a field-changed event may set, with the type its value must have.
TEXT_FIELDS = ("title", "impact", "severity", "bridge", "external_ref", "workaround")
FIELDS: dict[str, type | tuple[type, ...]] = {
    **dict.fromkeys(TEXT_FIELDS, str),
    "users_affected": (int, type(None)),
    "services": list,
    # key time -> how precisely it is known (mimdesk.domain.precision); a change merges.
    "time_precision": dict,
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
    precision: str = ""  # see mimdesk.domain.precision; "" is to the minute


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
    precision: str = ""  # see mimdesk.domain.precision; "" is to the minute


DRAFT_STATES = ("drafted", "approved", "handed", "queued", "sent", "failed")


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
    # For an approval given by voice: who at the desk recorded it ("" for one given here).
    approval_recorded_by: str = ""


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
    # What the well-known templates (Google SRE, Atlassian, PagerDuty) ask for besides.
    "trigger",
    "detection",
    "resolution",
    "lead_up",
    "fault",
    "response",
    "recovery",
    "five_whys",
    "related_incidents",
    "links",  # one a line
    # The impact in numbers (mimdesk.domain.impact): each a line holding a number or a range.
    "impact_users",
    "impact_customers",
    "impact_transactions",
    "impact_support_contacts",
    "impact_data_lost",
    "impact_money",
    # The duration the organisation published, as it was published ("about 24 hours").
    "published_duration",
    # Who approved the review and when (YYYY-MM-DD): it is final only when approved.
    "approver",
    "approved_on",
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


def followups_in_order(followups: Mapping[str, FollowUp]) -> list[FollowUp]:
    """Follow-ups in the order they were added, which numbers them F1, F2, ... everywhere:
    by the time added, and ties (several added in one minute, or by a script) in the log's
    agreed order, which the fold keeps in ``followups``. Their random ids would number them
    differently from one copy of a report to the next."""
    return sorted(followups.values(), key=lambda f: (f.added_at is None, f.added_at or _EPOCH))


_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Assessment:
    event_id: str
    answers: dict[str, Any]
    recommendation: RecommendationRecord
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
    # key time -> its precision when coarser than the minute (mimdesk.domain.precision)
    time_precision: dict[str, str] = field(default_factory=dict)
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
    # False when the incident was handled as major without a formal declaration (a
    # back-fill says so): it has no declared time.
    declared_formally: bool = True
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
