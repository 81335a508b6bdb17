"""The timeline's sentence for each event type, read from the typed payloads.

The texts are the ones every earlier release showed for the same recorded JSON; a payload
that cannot be read is shown as it was recorded, with what is wrong with it.
"""

from __future__ import annotations

from typing import Any

import pytest
from evfactory import Stream

from mimdesk.domain import timeline
from mimdesk.domain.folding import fold

T = "2026-11-28T09:30:00+00:00"
RECOMMENDS = {
    "outcome": "declare",
    "score": 5,
    "threshold": 3,
    "severity": "SEV1",
    "reasons": ["Payments is down", "1,200 users"],
    "unanswered": [],
}

CASES: list[tuple[str, dict[str, Any], tuple[str, str]]] = [
    ("incident.reported", {}, ("report", "Reported: ")),
    ("incident.field_changed", {"field": "title", "value": "New"}, ("field", "Title set to New")),
    (
        "incident.field_changed",
        {"field": "services", "value": ["a", "b"], "reason": "because"},
        ("field", "Services set to a, b. Rationale: because"),
    ),
    (
        "incident.field_changed",
        {"field": "detected_at", "value": ""},
        ("field", "Time detected set to cleared"),
    ),
    ("incident.status_changed", {"to": "bogus"}, ("status", "Status: bogus")),
    ("incident.corrected", {"target": "x", "retract": True}, ("correction", "Entry withdrawn")),
    ("incident.corrected", {"target": "x", "text": ""}, ("correction", "Corrected to: ")),
    (
        "incident.corrected",
        {"target": "x", "occurred_at": T},
        ("correction", "Entry time corrected"),
    ),
    ("role.assigned", {"role": "mim", "person": "Mia"}, ("role", "Mia is Major Incident Manager")),
    (
        "role.assigned",
        {"role": "tech_lead", "person": "Bo", "note": "n", "from": "Al"},
        ("role", "Handover of Technical Lead from Al to Bo: n"),
    ),
    (
        "role.released",
        {"role": "mim", "person": "Mia", "note": "off shift"},
        ("role", "Mia released as Major Incident Manager: off shift"),
    ),
    (
        "role.duty_ticked",
        {"role": "mim", "duty": "Open bridge", "done": False},
        ("role", "Major Incident Manager duty not done: Open bridge"),
    ),
    (
        "comms.cadence_set",
        {"audience": "exec_team", "minutes": 30},
        ("comms", "Updates to exec team every 30 min"),
    ),
    (
        "comms.cadence_set",
        {"audience": "exec_team", "minutes": 0},
        ("comms", "Updates to exec team switched off"),
    ),
    (
        "comms.sent",
        {"audience": "exec_team", "channel": "email", "subject": "S"},
        ("update", "Update sent to exec team by e-mail: S"),  # issue 15: names, not ids
    ),
    ("comms.sent", {"audience": "users"}, ("update", "Update sent to users by other means")),
    (
        "comms.drafted",
        {"draft_id": "d", "kind": "first_update", "audience": "all_staff", "subject": "Hi"},
        ("comms", "Draft first update for all staff: Hi"),
    ),
    ("comms.approved", {"draft_id": "d"}, ("comms", "Draft approved for sending")),
    ("comms.queued", {"draft_id": "d"}, ("comms", "Queued in the outbox for ?")),
    (
        "comms.failed",
        {"draft_id": "d", "channel": "email", "reason": "refused"},
        ("comms", "Sending by e-mail failed: refused"),
    ),
    (
        "comms.snoozed",
        {"audience": "exec_team", "until": T},
        ("comms", "Reminder for exec team snoozed until 09:30 UTC"),
    ),
    (
        "postmortem.field_changed",
        {"field": "root_cause", "value": "x"},
        ("postmortem", "Postmortem root cause edited: x"),
    ),
    (
        "postmortem.field_changed",
        {"field": "authors", "value": "Ana Costa\nBen  Okafor\n"},
        ("postmortem", "Postmortem authors edited: Ana Costa; Ben Okafor"),
    ),
    (
        "followup.added",
        {"id": "f", "title": "Fix", "owner": "Bo"},
        ("follow-up", "Follow-up added: Fix (owner Bo)"),
    ),
    (
        "followup.updated",
        {"id": "f", "status": "done", "newer_key": 3},
        ("follow-up", "Follow-up updated: status done, newer_key 3"),
    ),
    (
        "incident.assessed",
        {"answers": {"a": True}, "recommendation": RECOMMENDS},
        ("assessment", "Assessed: recommends declaring (Payments is down; 1,200 users)"),
    ),
    (
        "incident.assessed",
        {"answers": {}, "recommendation": {"outcome": "no_declare", "threshold": 3}},
        (
            "assessment",
            ("Assessed: recommends handling it as a normal incident (no criterion met)"),
        ),
    ),
    (
        "incident.decided",
        {
            "decision": "declare",
            "severity": "SEV1",
            "rationale": "big",
            "recommendation": "declare",
        },
        ("decision", "Declared a major incident as SEV1. Rationale: big"),
    ),
    (
        "incident.decided",
        {"decision": "reject", "recommendation": "declare", "rationale": "small"},
        (
            "decision",
            "Not declared: handled as a normal incident "
            "(against the checklist's recommendation). Rationale: small",
        ),
    ),
    ("zz.future", {"a": 1}, ("other", "(zz.future: written by a newer MIM Desk)")),
]


def entry(s: Stream, event_id: str) -> timeline.TimelineEntry:
    return next(t for t in timeline.build(s.events, fold(s.events)) if t.event_id == event_id)


@pytest.mark.parametrize(("type", "payload", "expected"), CASES)
def test_each_event_type_reads_as_it_always_did(
    type: str, payload: dict[str, Any], expected: tuple[str, str]
) -> None:
    s = Stream()
    s.reported()
    e = s.add(type, payload)
    t = entry(s, e.event_id)
    assert (t.kind, t.text) == expected


def test_a_payload_that_cannot_be_read_is_shown_as_recorded_with_its_problem() -> None:
    s = Stream()
    s.reported()
    e = s.add("role.assigned", {"role": "mim", "who": "Mia"})
    t = entry(s, e.event_id)
    assert t.kind == "other"
    assert (
        t.text
        == '(role.assigned as recorded, person is missing (required): {"role":"mim","who":"Mia"})'
    )
    assert t.not_applied is not None and "person is missing" in t.not_applied


def test_a_key_time_that_is_not_a_time_is_shown_not_fatal() -> None:
    s = Stream()
    s.reported()
    number = s.field("detected_at", 1700000000)
    words = s.field("detected_at", "yesterday at noon")
    entries = {t.event_id: t for t in timeline.build(s.events, fold(s.events))}
    assert entries[number.event_id].text == "Time detected set to 1700000000"
    assert entries[words.event_id].text == "Time detected set to 'yesterday at noon'"
    assert entries[words.event_id].not_applied is not None


def test_a_correction_names_its_target_and_moves_it() -> None:
    s = Stream()
    s.reported()
    st = s.status("declared")
    c = s.correct(st.event_id, occurred_at=T)
    entries = {t.event_id: t for t in timeline.build(s.events, fold(s.events))}
    assert entries[c.event_id].corrects == st.event_id
    assert entries[st.event_id].corrected_by == c.event_id
    assert entries[st.event_id].occurred_at.isoformat() == T
