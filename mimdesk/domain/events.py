"""Events: the immutable facts an incident is made of.

Every change is an :class:`Event` appended to the log. An incident's state is a fold of its
events (:mod:`mimdesk.domain.incident`); the timeline, the audit trail and the sync all read
the same log. Each event type's payload is a typed class (:mod:`mimdesk.domain.payloads`);
only the codec (:mod:`mimdesk.domain.schema`) sees it as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mimdesk.domain.payloads import Payload

PAYLOAD_VERSION = 1


class EventType(StrEnum):
    """Every event type; what each one says is its payload class in
    :mod:`mimdesk.domain.payloads`."""

    INCIDENT_REPORTED = "incident.reported"
    FIELD_CHANGED = "incident.field_changed"
    STATUS_CHANGED = "incident.status_changed"
    CORRECTED = "incident.corrected"
    ROLE_ASSIGNED = "role.assigned"
    ROLE_RELEASED = "role.released"
    NOTE_ADDED = "note.added"
    ASSESSED = "incident.assessed"
    DECIDED = "incident.decided"
    DUTY_TICKED = "role.duty_ticked"
    CADENCE_SET = "comms.cadence_set"
    DRAFTED = "comms.drafted"
    APPROVED = "comms.approved"
    QUEUED = "comms.queued"
    MESSAGE_SENT = "comms.sent"
    SEND_FAILED = "comms.failed"
    SNOOZED = "comms.snoozed"
    HANDED_TO_MAIL_CLIENT = "comms.handed_to_mail_client"
    APPROVED_VERBALLY = "comms.approved_verbally"
    POSTMORTEM_CHANGED = "postmortem.field_changed"
    FOLLOWUP_ADDED = "followup.added"
    FOLLOWUP_UPDATED = "followup.updated"
    SERVICE_UPSERTED = "directory.service_upserted"
    SERVICE_RETIRED = "directory.service_retired"
    PERSON_UPSERTED = "directory.person_upserted"
    PERSON_RETIRED = "directory.person_retired"
    ROTA_SET = "directory.rota_set"
    DISTRIBUTION_SET = "directory.distribution_set"


# The stream that holds the shared directory (services; people in a later version).
DIRECTORY_STREAM = "directory"


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
    payload: Payload
    author: Author
    desk_id: str
    hlc: int
    occurred_at: datetime
    recorded_at: datetime
    payload_v: int = PAYLOAD_VERSION
    # The writing desk's signature (mimdesk.store.signatures): evidence about the event, not
    # part of it, so two copies that differ only here are the same fact.
    signature: str = field(default="", compare=False, repr=False)
    # The database login the shared database stamped on its copy ("" on this desk's own
    # copy, and from a server that does not stamp): who wrote it, as the server saw it.
    db_login: str = field(default="", compare=False, repr=False)
    server_seq: int | None = field(default=None, compare=False)
    # The one total order every desk agrees on. Kept, not computed on each use: sorting,
    # folding and building the timeline of a long incident ask for it several times an event.
    sort_key: tuple[int, str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.payload, dict):
            raise TypeError("an event's payload is a typed class (mimdesk.domain.payloads)")
        object.__setattr__(self, "sort_key", (self.hlc, self.desk_id, self.event_id))


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
