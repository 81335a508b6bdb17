"""Incident export and import: a documented, versioned JSON format.

An export holds one incident's events in full, so that importing it elsewhere rebuilds exactly
the same incident, and beside them a readable summary for people and other tools. The full
description, with examples, is in ``resources/schemas/incident-export-v1.md``; in short:

The incident document (``"format": "mimdesk.incident"``, ``"version": 1``)::

    {
      "format": "mimdesk.incident",
      "version": 1,
      "incident": {"id": "<uuid>", "reference": "MI-7KQ4F"},
      "summary": { ... },                    # derived from the events; ignored on import
      "events": [
        {
          "id": "<uuid>",                    # unique everywhere: importing twice adds nothing
          "type": "note.added",              # one of mimdesk.domain.events.EventType
          "occurred_at": "2026-11-28T21:44:00+00:00",  # when it happened (ISO-8601, with zone)
          "recorded_at": "2026-11-28T21:54:12.345678+00:00",  # when a desk wrote it
          "author": {"name": "Chris Doyle", "login": "cdoyle"},
          "desk_id": "<uuid>",               # the installation that wrote it
          "hlc": "112233445566778899",       # hybrid logical clock, a decimal string
          "payload_v": 1,
          "payload": {"text": "...", "kind": "observation"}
        }
      ]
    }

Events are listed in the log's order (hlc, desk id, event id). The export is a pure function
of the incident's events and its reference, with no export time in it, so exporting,
importing into an empty database and exporting again gives the same bytes. ``hlc`` is written
as a string because it does not fit the 53 bits a JavaScript number holds; import takes a
string of digits or a whole number.

For a hand-written file only ``type``, ``occurred_at`` and ``payload`` are required in each
event: a missing ``id`` is derived from the event's content (so importing the same file twice
still adds nothing), a missing ``recorded_at`` is the time of the import, a missing ``author``
is the person importing, a missing ``desk_id`` is this desk, and a missing ``hlc`` keeps the
events in the file's order. ``incident.id`` may be left out too.

The back-fill document (``"format": "mimdesk.backfill"``, ``"version": 1``) records an incident
handled before the desk had MIM Desk, in the words a person would use::

    {
      "format": "mimdesk.backfill", "version": 1,
      "title": "Payroll export failed", "reported_at": "2026-03-02T08:10:00+01:00",
      "reported_by": "Chris Doyle", "severity": "SEV2", "impact": "...",
      "users_affected": 300, "services": ["Payroll"],
      "impact_started_at": "...", "detected_at": "...",
      "declared_at": "...", "mim": "Priya Raman", "declaration_rationale": "...",
      "mitigated_at": "...", "resolved_at": "...", "closed_at": "...",
      "status": "resolved",
      "external_ref": "INC0012345",
      "roles": [{"role": "tech_lead", "person": "Marcus Oyelaran", "at": "..."}],
      "entries": [{"at": "...", "author": "Chris Doyle", "text": "...", "kind": "observation"}],
      "updates": [{"at": "...", "author": "...", "audience": "executives", "channel": "email",
                   "subject": "...", "body": "...", "recipients": ["..."]}],
      "postmortem": {"summary": "...", "root_cause": "...", "authors": ["..."]},
      "follow_ups": [{"title": "...", "owner": "...", "due": "2026-04-01",
                      "priority": "high", "kind": "prevent", "status": "open"}]
    }

Only ``title``, ``reported_at`` and ``status`` are required; each entry needs ``at`` and
``text``. It becomes the events a desk would have written, each with the time it happened.

Import checks the whole document before writing anything and names the JSON path of every bad
field (``events[12].occurred_at: not an ISO-8601 time with a zone``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from mimdesk.domain import hlc as hlc_mod
from mimdesk.domain import incident as incident_mod
from mimdesk.domain import timeline as timeline_mod
from mimdesk.domain.events import (
    NOTE_KINDS,
    PAYLOAD_VERSION,
    Author,
    Event,
    EventType,
    format_time,
    parse_time,
)
from mimdesk.domain.incident import FOLLOWUP_FIELDS, POSTMORTEM_FIELDS, IncidentState
from mimdesk.domain.keytimes import KEY_TIMES, ORDER_RULES
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.roles import role_label

FORMAT = "mimdesk.incident"
BACKFILL_FORMAT = "mimdesk.backfill"
VERSION = 1
# Names derived from a file's content live under this namespace (uuid5).
NAMESPACE = uuid.UUID("6f0b8f5e-3c1d-5b7a-9e2f-4d8c1a7b6e90")

MAX_TEXT = 100_000
MAX_NAME = 200
MAX_EVENTS = 200_000
# A time in a file may be this far in the future (clock drift between desks), no more.
FUTURE_TOLERANCE = timedelta(minutes=5)

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


# ---- export ---------------------------------------------------------------------------------


def event_record(e: Event) -> dict[str, Any]:
    return {
        "id": e.event_id,
        "type": e.type,
        "occurred_at": format_time(e.occurred_at),
        "recorded_at": format_time(e.recorded_at),
        "author": {"name": e.author.name, "login": e.author.login},
        "desk_id": e.desk_id,
        "hlc": str(e.hlc),
        "payload_v": e.payload_v,
        "payload": e.payload,
    }


def build_document(events: Sequence[Event], reference: str) -> dict[str, Any]:
    """The export of one incident: its events in the log's order and a readable summary."""
    ordered = sorted(events, key=lambda e: e.sort_key)
    if not ordered:
        raise ValueError("an incident has at least one event")
    state = incident_mod.fold(ordered)
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
    pm = dict(s.postmortem)
    if "authors" in pm:
        pm["authors"] = [a for a in pm["authors"].split("\n") if a.strip()]
    followups = sorted(
        s.followups.values(), key=lambda f: (f.added_at is None, _t(f.added_at) or "", f.id)
    )
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
        "roles": [
            {
                "role": h.role,
                "label": role_label(h.role),
                "person": h.person,
                "since": _t(h.since),
            }
            for h in sorted(s.roles.values(), key=lambda h: (h.since, h.role))
        ],
        "role_history": [
            {
                "at": _t(c.at),
                "role": c.role,
                "person": c.person,
                "change": (
                    "released"
                    if not c.assigned
                    else ("handover" if c.handed_over_from else "assigned")
                ),
                "from": c.handed_over_from,
                "note": c.note,
                "by": c.by.name,
            }
            for c in s.role_history
        ],
        "timeline": [
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
        ],
        "communications": [
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
        ],
        "assessment": (
            {
                "at": _t(s.assessment.at),
                "by": s.assessment.by.name,
                "answers": s.assessment.answers,
                "recommendation": s.assessment.recommendation,
            }
            if s.assessment
            else None
        ),
        "decisions": [
            {
                "at": _t(d.at),
                "decision": d.decision,
                "severity": d.severity,
                "rationale": d.rationale,
                "recommended": d.recommended,
                "by": d.by.name,
            }
            for d in s.decisions
        ],
        "postmortem": pm,
        "follow_ups": [
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
        ],
        "not_applied": [{"event_id": c.event_id, "reason": c.reason} for c in s.conflicts],
    }


# ---- import: checking -----------------------------------------------------------------------


class InvalidDocument(Exception):
    """The document cannot be imported; ``problems`` name each bad field by its JSON path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Parsed:
    """A checked document, ready to append: the incident's id, its events, and what it says
    its reference is."""

    kind: str  # FORMAT or BACKFILL_FORMAT
    stream_id: str
    reference: str
    events: list[Event]
    notes: list[str] = field(default_factory=list)


class _Checker:
    """Collects problems with their JSON paths while reading a document."""

    def __init__(self, now: datetime) -> None:
        self.problems: list[str] = []
        self.now = now
        # A hand-written back-fill may not hold times in the future (a mistyped year); an
        # export may, when the desk that wrote it had a clock ahead of this one.
        self.refuse_future = False

    def bad(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.bad(path, f"must be an object, not {_kind(value)}")
            return None
        return value

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        limit: int = MAX_TEXT,
        default: str = "",
    ) -> str:
        where = _join(path, key)
        if key not in data or data[key] is None:
            if required:
                self.bad(where, "missing (required)")
            return default
        value = data[key]
        if not isinstance(value, str):
            self.bad(where, f"must be text, not {_kind(value)}")
            return default
        if required and not value.strip():
            self.bad(where, "is empty")
        if len(value) > limit:
            self.bad(where, f"is {len(value):,} characters long; the limit is {limit:,}")
        if _unstorable(value):
            self.bad(where, "holds characters that cannot be stored (a NUL or a lone surrogate)")
        return value

    def time(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> datetime | None:
        where = _join(path, key)
        if key not in data or data[key] is None:
            if required:
                self.bad(where, "missing (required)")
            return None
        return self.time_value(data[key], where)

    def time_value(self, value: Any, where: str) -> datetime | None:
        parsed = _iso_time(value)
        if parsed is None:
            self.bad(where, "not an ISO-8601 time with a zone (e.g. 2026-11-28T21:52:00+01:00)")
            return None
        if self.refuse_future and parsed > self.now + FUTURE_TOLERANCE:
            self.bad(where, f"{value} is in the future")
            return None
        return parsed

    def integer(
        self, data: Mapping[str, Any], key: str, path: str, *, minimum: int = 0
    ) -> int | None:
        where = _join(path, key)
        if key not in data or data[key] is None:
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.bad(where, f"must be a whole number of {minimum} or more, not {value!r}")
            return None
        return value

    def one_of(
        self, data: Mapping[str, Any], key: str, path: str, options: Sequence[str], default: str
    ) -> str:
        where = _join(path, key)
        value = data.get(key, default)
        if value is None:
            return default
        if value not in options:
            self.bad(where, f"{value!r} is not one of {', '.join(options)}")
            return default
        return str(value)

    def texts(
        self, data: Mapping[str, Any], key: str, path: str, limit: int = MAX_NAME
    ) -> list[str]:
        where = _join(path, key)
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(where, f"must be a list of texts, not {_kind(value)}")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.bad(f"{where}[{i}]", f"must be text, not {_kind(item)}")
            elif len(item) > limit:
                self.bad(f"{where}[{i}]", f"is longer than {limit} characters")
            else:
                out.append(item)
        return out


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _unstorable(value: str) -> bool:
    return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)


def _iso_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) < 16:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    return parse_time(value)


def _uuid(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return str(parsed) if str(parsed) == value.lower() else None


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _derived_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


# What each event type's payload must hold: field -> (required, check), where check is a
# kind: "text", "texts", "time", "int", "bool", "object", "any".
_PAYLOADS: dict[str, dict[str, tuple[bool, str]]] = {
    EventType.INCIDENT_REPORTED: {
        "title": (True, "text"),
        "reference": (False, "text"),
        "impact": (False, "text"),
        "severity": (False, "text"),
        "users_affected": (False, "int?"),
        "services": (False, "texts"),
        "reported_at": (False, "time"),
        "impact_started_at": (False, "time"),
        "detected_at": (False, "time"),
    },
    EventType.FIELD_CHANGED: {
        "field": (True, "text"),
        "value": (True, "any"),
        "reason": (False, "text"),
    },
    EventType.STATUS_CHANGED: {"to": (True, "status"), "reason": (False, "text")},
    EventType.CORRECTED: {
        "target": (True, "text"),
        "text": (False, "text"),
        "kind": (False, "text"),
        "retract": (False, "bool"),
        "occurred_at": (False, "time"),
    },
    EventType.ROLE_ASSIGNED: {
        "role": (True, "text"),
        "person": (True, "text"),
        "note": (False, "text"),
        "from": (False, "text"),
    },
    EventType.ROLE_RELEASED: {
        "role": (True, "text"),
        "person": (False, "text"),
        "note": (False, "text"),
    },
    EventType.NOTE_ADDED: {"text": (True, "text"), "kind": (False, "note_kind")},
    EventType.ASSESSED: {"answers": (True, "object"), "recommendation": (True, "object")},
    EventType.DECIDED: {
        "decision": (True, "decision"),
        "severity": (False, "text"),
        "rationale": (False, "text"),
        "recommendation": (False, "text?"),
        "assessment": (False, "text?"),
    },
    EventType.DUTY_TICKED: {
        "role": (True, "text"),
        "duty": (True, "text"),
        "done": (False, "bool"),
    },
    EventType.CADENCE_SET: {"audience": (True, "text"), "minutes": (True, "int")},
    EventType.DRAFTED: {
        "draft_id": (True, "text"),
        "kind": (False, "text"),
        "audience": (False, "text"),
        "subject": (False, "text"),
        "body": (False, "text"),
        "recipients": (False, "texts"),
        "channel": (False, "text"),
    },
    EventType.APPROVED: {"draft_id": (True, "text")},
    EventType.QUEUED: {"draft_id": (True, "text"), "channel": (False, "text")},
    EventType.MESSAGE_SENT: {
        "audience": (True, "text"),
        "channel": (False, "text"),
        "recipients": (False, "texts"),
        "subject": (False, "text"),
        "body": (False, "text"),
        "draft_id": (False, "text?"),
    },
    EventType.SEND_FAILED: {
        "draft_id": (True, "text"),
        "channel": (False, "text"),
        "reason": (False, "text"),
    },
    EventType.SNOOZED: {"audience": (True, "text"), "until": (True, "time")},
    EventType.POSTMORTEM_CHANGED: {"field": (True, "pm_field"), "value": (True, "text")},
    EventType.FOLLOWUP_ADDED: {
        "id": (True, "text"),
        **{name: (name == "title", "text") for name in FOLLOWUP_FIELDS},
    },
    EventType.FOLLOWUP_UPDATED: {
        "id": (True, "text"),
        **{name: (False, "text") for name in FOLLOWUP_FIELDS},
    },
}


def _check_payload(c: _Checker, etype: str, payload: Mapping[str, Any], path: str) -> None:
    spec = _PAYLOADS.get(etype, {})
    for key, (required, kind) in spec.items():
        where = _join(path, key)
        if key not in payload:
            if required:
                c.bad(where, "missing (required)")
            continue
        value = payload[key]
        if kind in ("text?",) and value is None:
            continue
        if kind in ("text", "text?"):
            if not isinstance(value, str):
                c.bad(where, f"must be text, not {_kind(value)}")
            elif _unstorable(value):
                c.bad(where, "holds characters that cannot be stored (a NUL or a lone surrogate)")
            elif len(value) > MAX_TEXT:
                c.bad(where, f"is {len(value):,} characters long; the limit is {MAX_TEXT:,}")
            elif required and not value.strip() and key in ("title", "text", "role", "person"):
                c.bad(where, "is empty")
        elif kind == "texts":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                c.bad(where, "must be a list of texts")
        elif kind == "time":
            if value is not None:
                c.time_value(value, where)
        elif kind in ("int", "int?"):
            if value is None and kind == "int?":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                c.bad(where, f"must be a whole number of 0 or more, not {_kind(value)}")
        elif kind == "bool":
            if not isinstance(value, bool):
                c.bad(where, f"must be true or false, not {_kind(value)}")
        elif kind == "object":
            if not isinstance(value, Mapping):
                c.bad(where, f"must be an object, not {_kind(value)}")
        elif kind == "status":
            if value not in {s.value for s in Status}:
                c.bad(where, f"{value!r} is not a status ({', '.join(s.value for s in Status)})")
        elif kind == "decision":
            if value not in ("declare", "reject"):
                c.bad(where, f"{value!r} is not a decision (declare or reject)")
        elif kind == "note_kind":
            if value not in NOTE_KINDS:
                c.bad(where, f"{value!r} is not a note kind ({', '.join(NOTE_KINDS)})")
        elif kind == "pm_field" and value not in POSTMORTEM_FIELDS:
            c.bad(where, f"{value!r} is not a postmortem field ({', '.join(POSTMORTEM_FIELDS)})")
    if etype == EventType.FIELD_CHANGED and isinstance(payload.get("field"), str):
        name, value = payload["field"], payload.get("value")
        if name in KEY_TIMES:
            if value is not None:
                c.time_value(value, _join(path, "value"))
        elif name not in incident_mod.FIELDS:
            known = ", ".join([*incident_mod.FIELDS, *KEY_TIMES])
            c.bad(_join(path, "field"), f"{name!r} is not a field ({known})")
        elif not isinstance(value, incident_mod.FIELDS[name]):
            c.bad(_join(path, "value"), f"{_kind(value)} is not a value for {name}")
    if isinstance(payload, Mapping):
        _walk_strings(c, payload, path)


def _walk_strings(c: _Checker, value: Any, path: str) -> None:
    """Strings anywhere in a payload (answers, recommendations) must be storable."""
    if isinstance(value, str):
        if _unstorable(value):
            c.bad(path, "holds characters that cannot be stored (a NUL or a lone surrogate)")
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(v, Mapping | list) or (isinstance(v, str) and _unstorable(v)):
                _walk_strings(c, v, _join(path, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _walk_strings(c, v, f"{path}[{i}]")


def parse(data: Any, *, now: datetime, author: Author, desk_id: str) -> Parsed:
    """Check a document and turn it into events; raises InvalidDocument listing every problem.

    ``now``, ``author`` and ``desk_id`` fill what a hand-written file leaves out.
    """
    c = _Checker(now)
    root = c.obj(data, "(document)")
    if root is None:
        raise InvalidDocument(c.problems)
    fmt = root.get("format")
    if fmt not in (FORMAT, BACKFILL_FORMAT):
        c.bad("format", f'must be "{FORMAT}" or "{BACKFILL_FORMAT}", not {_kind(fmt)}')
        raise InvalidDocument(c.problems)
    version = root.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        c.bad("version", f"must be a whole number, not {_kind(version)}")
        raise InvalidDocument(c.problems)
    if version > VERSION:
        c.bad(
            "version",
            f"{version} is newer than this MIM Desk reads ({VERSION}); update MIM Desk",
        )
        raise InvalidDocument(c.problems)
    if version < 1:
        c.bad("version", f"{version} is not a version of the format")
        raise InvalidDocument(c.problems)
    if fmt == BACKFILL_FORMAT:
        c.refuse_future = True
        parsed = _parse_backfill(c, root, now=now, author=author, desk_id=desk_id)
    else:
        parsed = _parse_incident(c, root, now=now, author=author, desk_id=desk_id)
    if c.problems or parsed is None:
        raise InvalidDocument(c.problems)
    return parsed


def _parse_incident(
    c: _Checker, root: Mapping[str, Any], *, now: datetime, author: Author, desk_id: str
) -> Parsed | None:
    head = root.get("incident", {})
    head = c.obj(head, "incident") or {}
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
        c.bad("summary", f"must be an object, not {_kind(root['summary'])}")
    stream_id = None
    if "id" in head and head["id"] is not None:
        stream_id = _uuid(head["id"])
        if stream_id is None:
            c.bad("incident.id", f"{_kind(head['id'])} is not a UUID in its usual lower-case form")
    if stream_id is None:
        stream_id = _derived_id("incident", _canonical(raw_events))
    reference = c.text(head, "reference", "incident", limit=20)
    events: list[Event] = []
    seen: dict[str, int] = {}
    last_hlc = 0
    base_hlc = hlc_mod.pack(int(now.timestamp() * 1000), 0)
    reported = []
    index_of: dict[str, int] = {}
    for i, raw in enumerate(raw_events):
        path = f"events[{i}]"
        e = c.obj(raw, path)
        if e is None:
            continue
        etype = e.get("type")
        if etype not in INCIDENT_TYPES:
            if isinstance(etype, str) and etype in {t.value for t in EventType}:
                c.bad(f"{path}.type", f"{etype!r} belongs to the directory, not to an incident")
            else:
                c.bad(
                    f"{path}.type",
                    f"{_kind(etype)} is not an event type this MIM Desk knows "
                    f"(one of {', '.join(INCIDENT_TYPES)})",
                )
            continue
        payload = e.get("payload", None)
        if not isinstance(payload, Mapping):
            c.bad(f"{path}.payload", f"must be an object, not {_kind(payload)}")
            continue
        _check_payload(c, etype, payload, f"{path}.payload")
        occurred = c.time(e, "occurred_at", path, required=True)
        recorded = c.time(e, "recorded_at", path) if "recorded_at" in e else now
        if "stream_id" in e and e["stream_id"] != stream_id:
            c.bad(f"{path}.stream_id", "differs from incident.id: one file holds one incident")
        event_id = None
        if "id" in e and e["id"] is not None:
            event_id = _uuid(e["id"])
            if event_id is None:
                c.bad(f"{path}.id", f"{_kind(e['id'])} is not a UUID in its usual lower-case form")
                continue
        else:
            event_id = _derived_id(
                stream_id, str(i), etype, str(e.get("occurred_at")), _canonical(payload)
            )
        if event_id in seen:
            c.bad(f"{path}.id", f"the same id as events[{seen[event_id]}]")
            continue
        seen[event_id] = i
        who = author
        if "author" in e and e["author"] is not None:
            who = _author(c, e["author"], f"{path}.author") or author
        desk = c.text(e, "desk_id", path, limit=36, default=desk_id) or desk_id
        version = c.integer(e, "payload_v", path, minimum=1) or PAYLOAD_VERSION
        stamp = _hlc(c, e.get("hlc"), f"{path}.hlc")
        if stamp is None:
            stamp = max(base_hlc + i, last_hlc + 1)
        last_hlc = max(last_hlc, stamp)
        if occurred is None or recorded is None:
            continue
        event = Event(
            event_id=event_id,
            stream_id=stream_id,
            type=etype,
            payload=dict(payload),
            author=who,
            desk_id=desk,
            hlc=stamp,
            occurred_at=occurred,
            recorded_at=recorded,
            payload_v=version,
        )
        if etype == EventType.INCIDENT_REPORTED:
            reported.append((i, event))
        index_of[event_id] = i
        events.append(event)
    if c.problems:
        return None
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
            f"events[{index_of[first.event_id]}].hlc",
            "sorts before the incident.reported event: the report must come first in the log",
        )
        return None
    reference = (
        reference
        or str(reported[0][1].payload.get("reference") or "")
        or (incident_mod.reference_for(stream_id))
    )
    return Parsed(FORMAT, stream_id, reference, events)


def _author(c: _Checker, value: Any, where: str) -> Author | None:
    if isinstance(value, str):
        if not value.strip() or len(value) > MAX_NAME:
            c.bad(where, "must be a name of 1 to 200 characters")
            return None
        return Author(value, "")
    data = c.obj(value, where)
    if data is None:
        return None
    name = c.text(data, "name", where, required=True, limit=MAX_NAME)
    login = c.text(data, "login", where, limit=MAX_NAME)
    return Author(name, login) if name else None


def _hlc(c: _Checker, value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit() and value.isascii():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        c.bad(where, f"must be a string of digits, not {_kind(value)}")
        return None
    if not 0 <= number < 2**63:
        c.bad(where, "is out of range (0 to 2^63-1)")
        return None
    return number


# ---- import: back-fill ------------------------------------------------------------------------

BACKFILL_STATUSES = (
    "candidate",
    "rejected",
    "declared",
    "investigating",
    "identified",
    "mitigated",
    "resolved",
    "closed",
)
BACKFILL_KEYS = {
    "format",
    "version",
    "title",
    "reported_at",
    "reported_by",
    "severity",
    "impact",
    "users_affected",
    "services",
    "impact_started_at",
    "detected_at",
    "declared_at",
    "mim",
    "declaration_rationale",
    "rejection_rationale",
    "mitigated_at",
    "resolved_at",
    "closed_at",
    "status",
    "external_ref",
    "workaround",
    "bridge",
    "roles",
    "entries",
    "updates",
    "postmortem",
    "follow_ups",
}


def _parse_backfill(
    c: _Checker, root: Mapping[str, Any], *, now: datetime, author: Author, desk_id: str
) -> Parsed | None:
    for key in root:
        if key not in BACKFILL_KEYS:
            c.bad(
                str(key),
                f"is not a field of a back-fill (fields: {', '.join(sorted(BACKFILL_KEYS))})",
            )
    digest = hashlib.sha256(_canonical(root).encode("utf-8", "surrogatepass")).hexdigest()
    stream_id = _derived_id("backfill", digest)
    title = c.text(root, "title", "", required=True, limit=MAX_NAME)
    reported_at = c.time(root, "reported_at", "", required=True)
    reporter = _author(c, root["reported_by"], "reported_by") if root.get("reported_by") else None
    reporter = reporter or author
    status = c.one_of(root, "status", "", BACKFILL_STATUSES, "")
    if "status" not in root:
        c.bad("status", f"missing (required: one of {', '.join(BACKFILL_STATUSES)})")
    times = {
        name: c.time(root, name, "")
        for name in (
            "impact_started_at",
            "detected_at",
            "declared_at",
            "mitigated_at",
            "resolved_at",
            "closed_at",
        )
    }
    major = status not in ("", "candidate", "rejected")
    needs = {
        "declared_at": major,
        "mitigated_at": status == "mitigated",
        "resolved_at": status in ("resolved", "closed"),
    }
    for name, needed in needs.items():
        if needed and times[name] is None and name not in {p.split(":")[0] for p in c.problems}:
            c.bad(name, f"missing (required when status is {status})")
    known_times = {**times, "reported_at": reported_at}
    for earlier, later in ORDER_RULES:
        a, b = known_times.get(earlier), known_times.get(later)
        if a is not None and b is not None and a > b:
            c.bad(later, f"is before {earlier}: {later.removesuffix('_at')} cannot come first")
    users = c.integer(root, "users_affected", "")
    services = c.texts(root, "services", "")
    severity = c.text(root, "severity", "", limit=20)
    if major and not severity:
        c.bad("severity", f"missing (required when status is {status})")
    mim = _author(c, root["mim"], "mim") if root.get("mim") else None
    # (time, order, type, payload, author): sorted by time, then as listed, to become the log.
    planned: list[tuple[datetime, int, str, dict[str, Any], Author]] = []
    order = 0

    def plan(when: datetime | None, etype: str, payload: dict[str, Any], who: Author) -> None:
        nonlocal order
        if when is None:
            return
        order += 1
        planned.append((when, order, etype, payload, who))

    reported_payload: dict[str, Any] = {
        "title": title,
        "impact": c.text(root, "impact", ""),
        "severity": severity,
        "users_affected": users,
        "services": services,
        "reported_at": format_time(reported_at) if reported_at else None,
    }
    for name in ("impact_started_at", "detected_at"):
        if times[name] is not None:
            reported_payload[name] = format_time(times[name])
    for name in ("external_ref", "workaround", "bridge"):
        value = c.text(root, name, "", limit=MAX_TEXT if name != "external_ref" else 100)
        if value:
            plan(reported_at, EventType.FIELD_CHANGED, {"field": name, "value": value}, reporter)
    if major:
        who = mim or reporter
        payload = {"decision": "declare", "severity": severity}
        rationale = c.text(root, "declaration_rationale", "")
        if rationale:
            payload["rationale"] = rationale
        plan(times["declared_at"], EventType.DECIDED, payload, who)
        if mim is not None:
            plan(
                times["declared_at"],
                EventType.ROLE_ASSIGNED,
                {"role": "mim", "person": mim.name},
                who,
            )
    elif status == "rejected":
        payload = {"decision": "reject"}
        rationale = c.text(root, "rejection_rationale", "")
        if rationale:
            payload["rationale"] = rationale
        plan(reported_at, EventType.DECIDED, payload, reporter)
    flow = {
        "mitigated": ("mitigated_at", Status.MITIGATED),
        "resolved": ("resolved_at", Status.RESOLVED),
        "closed": ("closed_at", Status.CLOSED),
    }
    reached = BACKFILL_STATUSES.index(status) if status else 0
    if status in ("investigating", "identified"):
        plan(times["declared_at"], EventType.STATUS_CHANGED, {"to": status}, mim or reporter)
    for name, (key, target) in flow.items():
        if BACKFILL_STATUSES.index(name) <= reached and times[key] is not None:
            plan(times[key], EventType.STATUS_CHANGED, {"to": target.value}, mim or reporter)
    if status == "closed" and times["closed_at"] is None and times["resolved_at"] is not None:
        plan(
            times["resolved_at"],
            EventType.STATUS_CHANGED,
            {"to": Status.CLOSED.value},
            mim or reporter,
        )
    for i, raw in enumerate(_list(c, root, "roles")):
        path = f"roles[{i}]"
        r = c.obj(raw, path)
        if r is None:
            continue
        role = c.text(r, "role", path, required=True, limit=64)
        person = c.text(r, "person", path, required=True, limit=MAX_NAME)
        at = c.time(r, "at", path) or times["declared_at"] or reported_at
        plan(at, EventType.ROLE_ASSIGNED, {"role": role, "person": person}, mim or reporter)
    for i, raw in enumerate(_list(c, root, "entries")):
        path = f"entries[{i}]"
        r = c.obj(raw, path)
        if r is None:
            continue
        at = c.time(r, "at", path, required=True)
        text = c.text(r, "text", path, required=True)
        kind = c.one_of(r, "kind", path, NOTE_KINDS, "observation")
        who = _author(c, r["author"], f"{path}.author") if r.get("author") else reporter
        plan(at, EventType.NOTE_ADDED, {"text": text, "kind": kind}, who or reporter)
    for i, raw in enumerate(_list(c, root, "updates")):
        path = f"updates[{i}]"
        r = c.obj(raw, path)
        if r is None:
            continue
        at = c.time(r, "at", path, required=True)
        payload = {
            "audience": c.text(r, "audience", path, required=True, limit=64),
            "channel": c.text(r, "channel", path, limit=50) or "other",
            "subject": c.text(r, "subject", path, limit=300),
            "body": c.text(r, "body", path),
            "recipients": c.texts(r, "recipients", path, limit=320),
        }
        who = _author(c, r["author"], f"{path}.author") if r.get("author") else reporter
        plan(at, EventType.MESSAGE_SENT, payload, who or reporter)
    last = max([t for t in (reported_at, *times.values()) if t is not None], default=now)
    last = max([last, *(p[0] for p in planned)])
    if "postmortem" in root and root["postmortem"] is not None:
        pm = c.obj(root["postmortem"], "postmortem") or {}
        for key, value in pm.items():
            where = f"postmortem.{key}"
            if key not in POSTMORTEM_FIELDS:
                c.bad(where, f"is not a postmortem field ({', '.join(POSTMORTEM_FIELDS)})")
                continue
            if (
                key == "authors"
                and isinstance(value, list)
                and all(isinstance(v, str) for v in value)
            ):
                value = "\n".join(v.strip() for v in value if v.strip())
            if not isinstance(value, str):
                c.bad(where, f"must be text, not {_kind(value)}")
                continue
            if len(value) > MAX_TEXT:
                c.bad(where, f"is longer than {MAX_TEXT:,} characters")
                continue
            plan(last, EventType.POSTMORTEM_CHANGED, {"field": key, "value": value}, author)
    for i, raw in enumerate(_list(c, root, "follow_ups")):
        path = f"follow_ups[{i}]"
        r = c.obj(raw, path)
        if r is None:
            continue
        payload = {"id": _derived_id(stream_id, "follow-up", str(i))}
        for key in r:
            if key not in FOLLOWUP_FIELDS:
                c.bad(f"{path}.{key}", f"is not a follow-up field ({', '.join(FOLLOWUP_FIELDS)})")
        payload["title"] = c.text(r, "title", path, required=True, limit=MAX_NAME)
        payload["owner"] = c.text(r, "owner", path, limit=MAX_NAME)
        payload["ticket"] = c.text(r, "ticket", path, limit=100)
        payload["priority"] = c.one_of(r, "priority", path, ("low", "medium", "high"), "medium")
        payload["kind"] = c.one_of(
            r, "kind", path, ("prevent", "mitigate", "detect", "process"), "prevent"
        )
        payload["status"] = c.one_of(
            r, "status", path, ("open", "in progress", "done", "cancelled"), "open"
        )
        due = r.get("due")
        if due not in (None, ""):
            try:
                ok = isinstance(due, str) and len(due) == 10 and bool(date.fromisoformat(due))
            except ValueError:
                ok = False
            if not ok:
                c.bad(f"{path}.due", f"{_kind(due)} is not a date in the form YYYY-MM-DD")
            payload["due"] = due
        plan(last, EventType.FOLLOWUP_ADDED, payload, author)
    if c.problems or reported_at is None:
        return None
    planned.sort(key=lambda p: (p[0], p[1]))
    base = hlc_mod.pack(int(now.timestamp() * 1000), 0)
    events = [
        Event(
            event_id=_derived_id(stream_id, "reported"),
            stream_id=stream_id,
            type=EventType.INCIDENT_REPORTED,
            payload={
                **{k: v for k, v in reported_payload.items() if v is not None},
                "reference": incident_mod.reference_for(stream_id),
            },
            author=reporter,
            desk_id=desk_id,
            hlc=base,
            occurred_at=reported_at,
            recorded_at=now,
        )
    ]
    for n, (when, _, etype, payload, who) in enumerate(planned, 1):
        events.append(
            Event(
                event_id=_derived_id(
                    stream_id, str(n), etype, format_time(when) or "", _canonical(payload)
                ),
                stream_id=stream_id,
                type=etype,
                payload=payload,
                author=who,
                desk_id=desk_id,
                hlc=base + n,
                occurred_at=when,
                recorded_at=max(now, when),
            )
        )
    return Parsed(BACKFILL_FORMAT, stream_id, incident_mod.reference_for(stream_id), events)


def _list(c: _Checker, root: Mapping[str, Any], key: str) -> list[Any]:
    value = root.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        c.bad(key, f"must be a list, not {_kind(value)}")
        return []
    return value
