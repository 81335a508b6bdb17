"""Properties of the fold over random event sequences written by several desks.

The sequences mix every event type, refused status moves, contradictory key times,
corrections of anything (including events that do not exist) and event types from a newer
version, with HLCs drawn from a narrow range so that ties between desks are common.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from evfactory import STREAM, T0, iso, ms, normalised
from hypothesis import given, settings
from hypothesis import strategies as st

from mimdesk.domain import hlc, keytimes, lifecycle, schema, timeline
from mimdesk.domain.events import Author, Event, EventType
from mimdesk.domain.folding import apply, fold
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.payloads import FieldChanged, StatusChanged

DESKS = ("desk-a", "desk-b", "desk-c")
ROLES = ("mim", "tech_lead", "scribe")
PEOPLE = ("Ann", "Bo", "Cy")
STATUSES = [s.value for s in Status] + ["on-fire"]
KINDS = ("note", "field", "time", "status", "assign", "release", "correct", "unknown")

minutes = st.integers(-240, 480).map(lambda m: T0 + timedelta(minutes=m))


@st.composite
def payloads(draw: Any, kind: str, earlier: list[str]) -> tuple[str, dict[str, Any]]:
    match kind:
        case "note":
            return EventType.NOTE_ADDED, {"text": draw(st.text(max_size=8)), "kind": "action"}
        case "field":
            name, value = draw(
                st.sampled_from(
                    [
                        ("title", "Mail down"),
                        ("title", "Mail slow"),
                        ("severity", "P1"),
                        ("severity", "P2"),
                        ("users_affected", 40),
                        ("users_affected", None),
                        ("users_affected", "lots"),  # malformed
                        ("services", ["VPN"]),
                        ("colour", "red"),  # unknown
                    ]
                )
            )
            return EventType.FIELD_CHANGED, {"field": name, "value": value}
        case "time":
            name = draw(st.sampled_from(list(keytimes.KEY_TIMES)))
            when = draw(st.none() | minutes)
            return EventType.FIELD_CHANGED, {"field": name, "value": iso(when)}
        case "status":
            return EventType.STATUS_CHANGED, {"to": draw(st.sampled_from(STATUSES))}
        case "assign":
            role, person = draw(st.sampled_from(ROLES)), draw(st.sampled_from(PEOPLE))
            return EventType.ROLE_ASSIGNED, {"role": role, "person": person}
        case "release":
            payload: dict[str, Any] = {"role": draw(st.sampled_from(ROLES))}
            if draw(st.booleans()):
                payload["person"] = draw(st.sampled_from(PEOPLE))
            return EventType.ROLE_RELEASED, payload
        case "correct":
            target = draw(st.sampled_from([*earlier, "no-such-event"]))
            payload = {"target": target}
            choice = draw(st.sampled_from(["text", "retract", "time", "kind"]))
            if choice == "text":
                payload["text"] = draw(st.text(max_size=8))
            elif choice == "retract":
                payload["retract"] = True
            elif choice == "time":
                payload["occurred_at"] = iso(draw(minutes))
            else:
                payload["kind"] = "decision"
            return EventType.CORRECTED, payload
    return "zz.from_a_newer_desk", {"anything": draw(st.integers())}


@st.composite
def incident_streams(draw: Any) -> list[Event]:
    """One incident's events from several desks; the report may sort anywhere."""
    base = ms(T0)
    events: list[Event] = []
    count = draw(st.integers(0, 30))
    reported_at = draw(st.integers(0, count))
    for i in range(count + 1):
        if i == reported_at:
            type_: str = EventType.INCIDENT_REPORTED
            payload: dict[str, Any] = {"title": "Mail", "reference": "MI-TEST0"}
        else:
            type_, payload = draw(
                payloads(draw(st.sampled_from(KINDS)), [e.event_id for e in events])
            )
        # A random prefix gives a random order among equal (hlc, desk); the counter keeps
        # the id unique.
        prefix = draw(st.integers(0, 0xFFFFFFFF))
        occurred = draw(minutes)
        events.append(
            Event(
                event_id=f"{prefix:08x}-{i:04x}-7000-8000-000000000000",
                stream_id=STREAM,
                type=type_,
                payload=schema.decode(type_, 1, payload),
                author=Author(draw(st.sampled_from(PEOPLE))),
                desk_id=draw(st.sampled_from(DESKS)),
                hlc=hlc.pack(base + draw(st.integers(0, 20)), draw(st.integers(0, 2))),
                occurred_at=occurred,
                recorded_at=occurred + timedelta(minutes=draw(st.integers(0, 90))),
            )
        )
    return events


SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(st.data())
def test_every_order_of_arrival_folds_to_the_same_state(data):
    events = data.draw(incident_streams())
    shuffled = data.draw(st.permutations(events))
    assert normalised(fold(shuffled)) == normalised(fold(events))


@SETTINGS
@given(incident_streams())
def test_replaying_in_order(events):
    """Replaying the sorted events with apply() one at a time:

    - ends in the state fold() computes;
    - a status change either moves the status to its target or leaves a conflict about it,
      never neither, never both: an invalid transition never applies silently;
    - a key-time change either applies or leaves a conflict, and when the report sorts
      first the key times never contradict each other;
    - an event leaves at most one conflict, and only about itself;
    - the timeline holds every event once, in time order, showing every conflict.
    """
    ordered = sorted(events, key=lambda e: e.sort_key)
    reported_first = ordered[0].type == EventType.INCIDENT_REPORTED
    state = IncidentState(stream_id=STREAM)
    statuses = {s.value for s in Status}
    for e in ordered:
        before, conflicts_before = state.status, len(state.conflicts)
        apply(state, e)
        new = state.conflicts[conflicts_before:]
        assert len(new) <= 1
        assert all(c.event_id == e.event_id for c in new)
        if reported_first:
            assert keytimes.violations(state.key_times) == []
        if isinstance(e.payload, StatusChanged):
            target = e.payload.to
            moved = (
                target in statuses
                and lifecycle.can_move(before, Status(target))
                and state.status == Status(target)
            )
            refused = state.status == before and len(new) == 1
            assert moved != refused, (before, target, state.status, new)
        if isinstance(e.payload, FieldChanged) and e.payload.field in keytimes.KEY_TIMES:
            applied = iso(state.key_times[e.payload.field]) == e.payload.value
            assert applied != bool(new)
    assert state.event_count == len(events)
    assert normalised(state) == normalised(fold(events))

    entries = timeline.build(events, state)
    assert sorted(t.event_id for t in entries) == sorted(e.event_id for e in events)
    keys = {e.event_id: e.sort_key for e in events}
    order = [(t.occurred_at, keys[t.event_id]) for t in entries]
    assert order == sorted(order)
    not_applied = {t.event_id: t.not_applied for t in entries if t.not_applied}
    assert not_applied == {c.event_id: c.reason for c in state.conflicts}
