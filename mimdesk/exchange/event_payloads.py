"""What each incident event type's payload must hold, and the check an imported event's
payload goes through before it is written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mimdesk.domain import incident as incident_mod
from mimdesk.domain.events import NOTE_KINDS, EventType
from mimdesk.domain.incident import FOLLOWUP_FIELDS, POSTMORTEM_FIELDS
from mimdesk.domain.keytimes import KEY_TIMES
from mimdesk.domain.lifecycle import Status
from mimdesk.exchange.validation import MAX_TEXT, Checker, describe, join, unstorable

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


def check_payload(c: Checker, etype: str, payload: Mapping[str, Any], path: str) -> None:
    spec = _PAYLOADS.get(etype, {})
    for key, (required, kind) in spec.items():
        where = join(path, key)
        if key not in payload:
            if required:
                c.bad(where, "missing (required)")
            continue
        value = payload[key]
        if kind in ("text?",) and value is None:
            continue
        if kind in ("text", "text?"):
            if not isinstance(value, str):
                c.bad(where, f"must be text, not {describe(value)}")
            elif unstorable(value):
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
                c.bad(where, f"must be a whole number of 0 or more, not {describe(value)}")
        elif kind == "bool":
            if not isinstance(value, bool):
                c.bad(where, f"must be true or false, not {describe(value)}")
        elif kind == "object":
            if not isinstance(value, Mapping):
                c.bad(where, f"must be an object, not {describe(value)}")
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
                c.time_value(value, join(path, "value"))
        elif name not in incident_mod.FIELDS:
            known = ", ".join([*incident_mod.FIELDS, *KEY_TIMES])
            c.bad(join(path, "field"), f"{name!r} is not a field ({known})")
        elif not isinstance(value, incident_mod.FIELDS[name]):
            c.bad(join(path, "value"), f"{describe(value)} is not a value for {name}")
    if isinstance(payload, Mapping):
        _walk_strings(c, payload, path)


def _walk_strings(c: Checker, value: Any, path: str) -> None:
    """Strings anywhere in a payload (answers, recommendations) must be storable."""
    if isinstance(value, str):
        if unstorable(value):
            c.bad(path, "holds characters that cannot be stored (a NUL or a lone surrogate)")
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(v, Mapping | list) or (isinstance(v, str) and unstorable(v)):
                _walk_strings(c, v, join(path, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _walk_strings(c, v, f"{path}[{i}]")
