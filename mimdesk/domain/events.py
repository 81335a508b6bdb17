"""Events: the immutable facts an incident is made of.

Every change is an :class:`Event` appended to the log. An incident's state is a fold of its
events (:mod:`mimdesk.domain.incident`); the timeline, the audit trail and the sync all read
the same log. Payloads are plain JSON-able dicts; each type's payload is documented beside its
name below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

PAYLOAD_VERSION = 1


class EventType(StrEnum):
    # {reference, title, impact?, severity?, users_affected?, services?, reported_at?}
    INCIDENT_REPORTED = "incident.reported"
    # {field, value, reason?}; for key times the value is an ISO-8601 UTC string or None
    FIELD_CHANGED = "incident.field_changed"
    # {to, reason?}  the previous status is not stored: the fold decides what applies
    STATUS_CHANGED = "incident.status_changed"
    # {target, text?, retract?, occurred_at?}  fixes an earlier entry; the original stays
    CORRECTED = "incident.corrected"
    # {role, person, note?, from?}  with "from" (the previous holder) it is a handover
    ROLE_ASSIGNED = "role.assigned"
    # {role, person?, note?}
    ROLE_RELEASED = "role.released"
    # {text, kind}  kind is one of NOTE_KINDS
    NOTE_ADDED = "note.added"
    # {answers: {criterion id: answer}, recommendation: Recommendation.as_payload()}
    ASSESSED = "incident.assessed"
    # {decision: "declare"|"reject", severity?, rationale?, recommendation?, assessment?}
    DECIDED = "incident.decided"
    # {role, duty, done}  a duty of the role's checklist ticked or unticked
    DUTY_TICKED = "role.duty_ticked"
    # {audience, minutes}  this incident's cadence for an audience (0 switches it off)
    CADENCE_SET = "comms.cadence_set"
    # {draft_id, kind, audience, subject, body, recipients, channel?}
    DRAFTED = "comms.drafted"
    # {draft_id}  the MIM approved the draft (when the site requires approval)
    APPROVED = "comms.approved"
    # {draft_id, channel, recipients?, reason?}  waiting in the outbox for its channel to come
    # back; only the desk that queued it retries it (mimdesk.comms.outbox)
    QUEUED = "comms.queued"
    # {audience, channel, recipients?, subject?, body?, draft_id?, kind?}  occurred_at: when it
    # went out; recipients of a webhook name the channel, never its URL (a secret)
    MESSAGE_SENT = "comms.sent"
    # {draft_id, channel, reason}  the draft is kept
    SEND_FAILED = "comms.failed"
    # {audience, until}  the reminder for an audience put off until a time
    SNOOZED = "comms.snoozed"
    # {field, value}  a postmortem field (POSTMORTEM_FIELDS)
    POSTMORTEM_CHANGED = "postmortem.field_changed"
    # {id, title, owner, due?, priority, kind, status, ticket?}
    FOLLOWUP_ADDED = "followup.added"
    # {id, <changed fields>}
    FOLLOWUP_UPDATED = "followup.updated"
    # {id, name, tier, owner, critical, revenue, external, users}  in the directory stream
    SERVICE_UPSERTED = "directory.service_upserted"
    # {id}
    SERVICE_RETIRED = "directory.service_retired"
    # {id, name, team, email, phone, roles: [role ids]}
    PERSON_UPSERTED = "directory.person_upserted"
    # {id}
    PERSON_RETIRED = "directory.person_retired"
    # {week: "2026-W48", role, person}  who is on duty for a role that ISO week
    ROTA_SET = "directory.rota_set"
    # {audience, addresses: [..]}  the audience's distribution list; empty clears it
    DISTRIBUTION_SET = "directory.distribution_set"


# The stream that holds the shared directory (services; people in a later version).
DIRECTORY_STREAM = "directory"


NOTE_KINDS = ("observation", "decision", "action", "workaround", "update")


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    login: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """One immutable fact.

    ``hlc`` orders events across desks. ``occurred_at`` is when the user says it happened (it
    may be back-dated); ``recorded_at`` is when the desk wrote it. Both are timezone-aware UTC.
    """

    event_id: str
    stream_id: str
    type: str
    payload: dict[str, Any]
    author: Author
    desk_id: str
    hlc: int
    occurred_at: datetime
    recorded_at: datetime
    payload_v: int = PAYLOAD_VERSION
    server_seq: int | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple[int, str, str]:
        """The one total order every desk agrees on."""
        return (self.hlc, self.desk_id, self.event_id)


def utc(dt: datetime) -> datetime:
    """Refuse naive datetimes: a time without a zone is a bug waiting for daylight saving."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware time")
    return dt.astimezone(UTC)


def parse_time(value: str | None) -> datetime | None:
    if value is None or value == "":
        return None
    return utc(datetime.fromisoformat(value))


def format_time(value: datetime | None) -> str | None:
    return None if value is None else utc(value).isoformat()
