"""The incident document (``"format": "mimdesk.incident"``): one incident's events in full,
written by export and read back by import. The format is described in
``resources/schemas/incident-export-v1.md`` and in :mod:`mimdesk.exchange`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mimdesk.domain import folding, schema
from mimdesk.domain import hlc as hlc_mod
from mimdesk.domain import incident as incident_mod
from mimdesk.domain import timeline as timeline_mod
from mimdesk.domain.events import PAYLOAD_VERSION, Author, Event, EventType, format_time
from mimdesk.domain.incident import FollowUp, IncidentState, followups_in_order
from mimdesk.domain.keytimes import KEY_TIMES
from mimdesk.domain.payloads import IncidentReported, Payload, UnknownPayload
from mimdesk.domain.roles import role_label
from mimdesk.exchange.event_payloads import read_payload
from mimdesk.exchange.validation import (
    VERSION,
    Checker,
    Parsed,
    as_uuid,
    canonical,
    derived_id,
    describe,
    read_author,
    read_hlc,
)

FORMAT = "mimdesk.incident"
MAX_EVENTS = 200_000

INCIDENT_TYPES = tuple(
    t
    for t in EventType
    if t
    not in (
        EventType.SERVICE_UPSERTED,
        EventType.SERVICE_RETIRED,
        EventType.PERSON_UPSERTED,
        EventType.PERSON_RETIRED,
        EventType.ROTA_SET,
    )
)
# The longest event type name the shared database holds (its "type" column).
MAX_TYPE = 64
# How every event type is named ("note.added"), a newer desk's included.
TYPE_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


# ---- export ---------------------------------------------------------------------------------


def event_record(e: Event) -> dict[str, Any]:
    version, data = schema.encode(e.payload)
    return {
        "id": e.event_id,
        "type": e.type,
        "occurred_at": format_time(e.occurred_at),
        "recorded_at": format_time(e.recorded_at),
        "author": {"name": e.author.name, "login": e.author.login},
        "desk_id": e.desk_id,
        "hlc": str(e.hlc),
        "payload_v": version,
        "payload": data,
    }


def build_document(events: Sequence[Event], reference: str) -> dict[str, Any]:
    """The export of one incident: its events in the log's order and a readable summary."""
    ordered = sorted(events, key=lambda e: e.sort_key)
    if not ordered:
        raise ValueError("an incident has at least one event")
    state = folding.fold(ordered)
    entries = timeline_mod.build(ordered, state)
    return {
        "format": FORMAT,
        "version": VERSION,
        "incident": {"id": ordered[0].stream_id, "reference": reference},
        "summary": summary(state, entries, reference),
        "events": [event_record(e) for e in ordered],
    }


def dumps(document: Mapping[str, Any]) -> str:
    """The document as text: UTF-8 JSON, indented, one final newline. Deterministic."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _t(value: datetime | None) -> str | None:
    return format_time(value)


def summary(
    state: IncidentState, entries: Sequence[timeline_mod.TimelineEntry], reference: str
) -> dict[str, Any]:
    """The incident for people and other tools. Derived from the events; never imported."""
    s = state
    pm: dict[str, Any] = dict(s.postmortem)
    if "authors" in pm:
        pm["authors"] = [a for a in pm["authors"].split("\n") if a.strip()]
    # Numbered as everywhere else: in the order written or imported, not by random id.
    followups = followups_in_order(s.followups)
    return {
        "reference": reference,
        "title": s.title,
        "status": s.status.value,
        "severity": s.severity,
        "impact": s.impact,
        "users_affected": s.users_affected,
        "services": list(s.services),
        "bridge": s.bridge,
        "external_ref": s.external_ref,
        "workaround": s.workaround,
        "reported_by": s.reported_by.name if s.reported_by else "",
        "reopened": s.reopened,
        "key_times": {name: _t(s.key_times[name]) for name in KEY_TIMES},
        # Only for an incident that knows some key time roughly (a back-fill): the others'
        # summaries stay as they were.
        **(
            {"key_time_precision": dict(sorted(s.time_precision.items()))}
            if s.time_precision
            else {}
        ),
        **({} if s.declared_formally else {"declared_formally": False}),
        "roles": _roles(s),
        "role_history": _role_history(s),
        "timeline": _timeline(entries),
        "communications": _communications(s),
        "assessment": _assessment(s),
        "decisions": _decisions(s),
        "postmortem": pm,
        "follow_ups": _follow_ups(followups),
        "not_applied": [{"event_id": c.event_id, "reason": c.reason} for c in s.conflicts],
    }


def _roles(s: IncidentState) -> list[dict[str, Any]]:
    return [
        {
            "role": h.role,
            "label": role_label(h.role),
            "person": h.person,
            "since": _t(h.since),
        }
        for h in sorted(s.roles.values(), key=lambda h: (h.since, h.role))
    ]


def _role_history(s: IncidentState) -> list[dict[str, Any]]:
    return [
        {
            "at": _t(c.at),
            "role": c.role,
            "person": c.person,
            "change": (
                "released" if not c.assigned else ("handover" if c.handed_over_from else "assigned")
            ),
            "from": c.handed_over_from,
            "note": c.note,
            "by": c.by.name,
        }
        for c in s.role_history
    ]


def _timeline(entries: Sequence[timeline_mod.TimelineEntry]) -> list[dict[str, Any]]:
    return [
        {
            "event_id": e.event_id,
            "at": _t(e.occurred_at),
            "recorded_at": _t(e.recorded_at),
            "author": e.author.name,
            "kind": e.kind,
            "text": e.text,
            "corrected_by": e.corrected_by,
            "corrects": e.corrects,
            "original_text": e.original_text,
            "retracted": e.retracted,
            "not_applied": e.not_applied,
        }
        for e in entries
    ]


def _communications(s: IncidentState) -> list[dict[str, Any]]:
    return [
        {
            "event_id": m.event_id,
            "at": _t(m.at),
            "audience": m.audience,
            "channel": m.channel,
            "recipients": list(m.recipients),
            "subject": m.subject,
            "body": m.body,
            "by": m.by.name,
        }
        for m in sorted(s.messages, key=lambda m: (m.at, m.event_id))
    ]


def _assessment(s: IncidentState) -> dict[str, Any] | None:
    if s.assessment is None:
        return None
    rec = s.assessment.recommendation
    return {
        "at": _t(s.assessment.at),
        "by": s.assessment.by.name,
        "answers": s.assessment.answers,
        "recommendation": {
            "outcome": rec.outcome,
            "score": rec.score,
            "threshold": rec.threshold,
            "severity": rec.severity,
            "reasons": list(rec.reasons),
            "unanswered": list(rec.unanswered),
        },
    }


def _decisions(s: IncidentState) -> list[dict[str, Any]]:
    return [
        {
            "at": _t(d.at),
            "decision": d.decision,
            "severity": d.severity,
            "rationale": d.rationale,
            "recommended": d.recommended,
            "by": d.by.name,
        }
        for d in s.decisions
    ]


def _follow_ups(followups: Sequence[FollowUp]) -> list[dict[str, Any]]:
    return [
        {
            "number": f"F{n}",
            "id": f.id,
            "title": f.title,
            "owner": f.owner,
            "due": f.due,
            "priority": f.priority,
            "kind": f.kind,
            "status": f.status,
            "ticket": f.ticket,
            "added_at": _t(f.added_at),
        }
        for n, f in enumerate(followups, 1)
    ]


# ---- import ---------------------------------------------------------------------------------


def parse_incident(
    c: Checker, root: Mapping[str, Any], *, now: datetime, author: Author, desk_id: str
) -> Parsed | None:
    head = root.get("incident", {})
    head = c.obj(head, "incident") or {}
    raw_events = _raw_events(c, root)
    if raw_events is None:
        return None
    stream_id = None
    if "id" in head and head["id"] is not None:
        stream_id = as_uuid(head["id"])
        if stream_id is None:
            c.bad(
                "incident.id", f"{describe(head['id'])} is not a UUID in its usual lower-case form"
            )
    if stream_id is None:
        stream_id = derived_id("incident", canonical(raw_events))
    reference = c.text(head, "reference", "incident", limit=20)
    reader = _EventReader(c, stream_id, now=now, author=author, desk_id=desk_id)
    events: list[Event] = []
    for i, raw in enumerate(raw_events):
        event = reader.read(i, raw)
        if event is not None:
            events.append(event)
    if c.problems:
        return None
    report = _the_one_report(c, events, reader)
    if report is None:
        return None
    reported = report.payload
    recorded = reported.reference if isinstance(reported, IncidentReported) else ""
    reference = reference or recorded or incident_mod.reference_for(stream_id)
    return Parsed(FORMAT, stream_id, reference, events)


def _raw_events(c: Checker, root: Mapping[str, Any]) -> list[Any] | None:
    """The document's list of events, if it is one of a size a file may hold."""
    raw_events = root.get("events")
    if not isinstance(raw_events, list) or not raw_events:
        c.bad("events", "must be a list of the incident's events, with at least one")
        return None
    if len(raw_events) > MAX_EVENTS:
        c.bad(
            "events",
            f"{len(raw_events):,} events is more than the {MAX_EVENTS:,} one file may hold",
        )
        return None
    if (
        "summary" in root
        and root["summary"] is not None
        and not isinstance(root["summary"], Mapping)
    ):
        c.bad("summary", f"must be an object, not {describe(root['summary'])}")
    return raw_events


class _EventReader:
    """Reads a document's events one by one, remembering what the next one is checked against:
    the ids seen so far, the last clock stamp, and where the incident.reported events are."""

    def __init__(
        self, c: Checker, stream_id: str, *, now: datetime, author: Author, desk_id: str
    ) -> None:
        self.c = c
        self.stream_id = stream_id
        self.now = now
        self.author = author
        self.desk_id = desk_id
        self.seen: dict[str, int] = {}
        self.last_hlc = 0
        self.base_hlc = hlc_mod.pack(int(now.timestamp() * 1000), 0)
        self.reported: list[tuple[int, Event]] = []
        self.index_of: dict[str, int] = {}

    def read(self, i: int, raw: Any) -> Event | None:
        c = self.c
        path = f"events[{i}]"
        e = c.obj(raw, path)
        if e is None:
            return None
        etype = _event_type(c, e, path)
        if etype is None:
            return None
        raw_payload = e.get("payload", None)
        if not isinstance(raw_payload, Mapping):
            c.bad(f"{path}.payload", f"must be an object, not {describe(raw_payload)}")
            return None
        version = c.integer(e, "payload_v", path, minimum=1) or PAYLOAD_VERSION
        payload = read_payload(c, etype, version, raw_payload, f"{path}.payload")
        occurred = c.time(e, "occurred_at", path, required=True)
        recorded = c.time(e, "recorded_at", path) if "recorded_at" in e else self.now
        if "stream_id" in e and e["stream_id"] != self.stream_id:
            c.bad(f"{path}.stream_id", "differs from incident.id: one file holds one incident")
        event_id = self._event_id(i, e, etype, raw_payload, path)
        if event_id is None:
            return None
        who = self.author
        if "author" in e and e["author"] is not None:
            who = read_author(c, e["author"], f"{path}.author") or self.author
        desk = c.text(e, "desk_id", path, limit=36, default=self.desk_id) or self.desk_id
        stamp = read_hlc(c, e.get("hlc"), f"{path}.hlc")
        if stamp is None:
            stamp = max(self.base_hlc + i, self.last_hlc + 1)
        self.last_hlc = max(self.last_hlc, stamp)
        if occurred is None or recorded is None or payload is None:
            return None
        event = Event(
            event_id=event_id,
            stream_id=self.stream_id,
            type=etype,
            payload=payload,
            author=who,
            desk_id=desk,
            hlc=stamp,
            occurred_at=occurred,
            recorded_at=recorded,
            payload_v=_version_of(payload),
        )
        if etype == EventType.INCIDENT_REPORTED:
            self.reported.append((i, event))
        self.index_of[event_id] = i
        return event

    def _event_id(
        self, i: int, e: Mapping[str, Any], etype: str, payload: Mapping[str, Any], path: str
    ) -> str | None:
        """The event's id, or one derived from its content; None when it is bad or repeated."""
        c = self.c
        if "id" in e and e["id"] is not None:
            event_id = as_uuid(e["id"])
            if event_id is None:
                c.bad(
                    f"{path}.id", f"{describe(e['id'])} is not a UUID in its usual lower-case form"
                )
                return None
        else:
            event_id = derived_id(
                self.stream_id, str(i), etype, str(e.get("occurred_at")), canonical(payload)
            )
        if event_id in self.seen:
            c.bad(f"{path}.id", f"the same id as events[{self.seen[event_id]}]")
            return None
        self.seen[event_id] = i
        return event_id


def _event_type(c: Checker, e: Mapping[str, Any], path: str) -> str | None:
    """The event's type. A type this desk does not know (a newer desk's) is kept as it came,
    as the sync keeps it; a directory type has no place in an incident's file."""
    etype = e.get("type")
    where = f"{path}.type"
    if etype in INCIDENT_TYPES:
        return str(etype)
    if not isinstance(etype, str) or not etype.strip():
        c.bad(where, f"must be an event type such as note.added, not {describe(etype)}")
    elif etype in {t.value for t in EventType}:
        c.bad(where, f"{etype!r} belongs to the directory, not to an incident")
    elif len(etype) > MAX_TYPE:
        c.bad(where, f"is {len(etype)} characters long; an event type has at most {MAX_TYPE}")
    elif not TYPE_NAME.fullmatch(etype):
        c.bad(where, f"{describe(etype)} is not an event type's name (such as note.added)")
    else:
        return etype
    return None


def _version_of(payload: Payload) -> int:
    """The payload version the event now has: its type's, once read (and upgraded if it was
    older), or the recorded one for a type this desk does not know."""
    if isinstance(payload, UnknownPayload):
        return payload.version
    return type(payload).VERSION


def _the_one_report(c: Checker, events: list[Event], reader: _EventReader) -> Event | None:
    """The incident.reported event, when there is exactly one and it comes first in the log."""
    reported = reader.reported
    if not reported:
        c.bad("events", "no incident.reported event: an incident starts with one")
        return None
    if len(reported) > 1:
        c.bad(
            f"events[{reported[1][0]}].type",
            "a second incident.reported: one file holds one incident",
        )
        return None
    first = min(events, key=lambda e: e.sort_key)
    if first.event_id != reported[0][1].event_id:
        c.bad(
            f"events[{reader.index_of[first.event_id]}].hlc",
            "sorts before the incident.reported event: the report must come first in the log",
        )
        return None
    return reported[0][1]
