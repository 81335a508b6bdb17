"""Events built by hand for the domain tests: explicit HLCs, desks, ids and times.

Not collected by pytest (no ``test_`` prefix); the domain test modules import it by name.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from mimdesk.domain import hlc, schema
from mimdesk.domain.events import Author, Event, EventType, format_time
from mimdesk.domain.incident import IncidentState

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
STREAM = "019ac9b0-1000-7abc-8def-0123456789ab"


def ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def iso(when: datetime | None) -> str | None:
    return format_time(when)


class Stream:
    """Appends events to a list, one minute apart unless told otherwise.

    Event ids are made from a counter so that tests can predict how ties sort.
    """

    def __init__(self, stream_id: str = STREAM, desk: str = "desk-a", start: datetime = T0):
        self.stream_id = stream_id
        self.desk = desk
        self.now = start
        self.count = 0
        self.events: list[Event] = []

    def add(
        self,
        type: str,
        payload: dict[str, Any] | None = None,
        *,
        occurred: datetime | None = None,
        desk: str | None = None,
        hlc_value: int | None = None,
        event_id: str | None = None,
        author: str = "Ann",
    ) -> Event:
        self.count += 1
        self.now += timedelta(minutes=1)
        event = Event(
            event_id=event_id or f"00000000-0000-7000-8000-{self.count:012d}",
            stream_id=self.stream_id,
            type=type,
            # Built from JSON through the codec, as the store reads it.
            payload=schema.decode(type, 1, payload or {}),
            author=Author(author, author.lower()),
            desk_id=desk or self.desk,
            hlc=hlc.pack(ms(self.now), 0) if hlc_value is None else hlc_value,
            occurred_at=occurred or self.now,
            recorded_at=self.now,
        )
        self.events.append(event)
        return event

    # ---- one method per event type ----------------------------------------------------

    def reported(self, title: str = "Mail is down", **payload: Any) -> Event:
        return self.add(EventType.INCIDENT_REPORTED, {"title": title, **payload})

    def field(self, name: str, value: Any, **kw: Any) -> Event:
        return self.add(EventType.FIELD_CHANGED, {"field": name, "value": value}, **kw)

    def time(self, name: str, when: datetime | None, **kw: Any) -> Event:
        return self.field(name, iso(when), **kw)

    def status(self, to: str, **kw: Any) -> Event:
        return self.add(EventType.STATUS_CHANGED, {"to": to}, **kw)

    def note(self, text: str, kind: str = "observation", **kw: Any) -> Event:
        return self.add(EventType.NOTE_ADDED, {"text": text, "kind": kind}, **kw)

    def assign(self, role: str, person: str, note: str = "", **kw: Any) -> Event:
        payload = {"role": role, "person": person} | ({"note": note} if note else {})
        return self.add(EventType.ROLE_ASSIGNED, payload, **kw)

    def release(self, role: str, person: str | None = None, **kw: Any) -> Event:
        payload: dict[str, Any] = {"role": role}
        if person is not None:
            payload["person"] = person
        return self.add(EventType.ROLE_RELEASED, payload, **kw)

    def correct(self, target: str, **payload: Any) -> Event:
        return self.add(EventType.CORRECTED, {"target": target, **payload})


def normalised(state: IncidentState) -> dict[str, Any]:
    """The whole state as plain, comparable data (sets sorted so diffs read well)."""
    data = asdict(state)
    data["explicit_times"] = sorted(state.explicit_times)
    return data
