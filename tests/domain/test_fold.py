"""The incident fold: what each event does to the state, and what it refuses to do."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from evfactory import T0, Stream, normalised

from mimdesk.domain import hlc, incident
from mimdesk.domain.events import Author, EventType
from mimdesk.domain.folding import apply, fold
from mimdesk.domain.incident import Conflict, IncidentState, reference_for
from mimdesk.domain.lifecycle import Status
from tests.support.recorded import as_json

M = timedelta(minutes=1)
H = timedelta(hours=1)


@pytest.fixture
def s() -> Stream:
    stream = Stream()
    stream.reported(
        "Mail is down",
        impact="Nobody can send mail",
        severity="P1",
        users_affected=1200,
        services=["Exchange", "SMTP relay"],
    )
    return stream


def conflict_for(state: IncidentState, event_id: str) -> Conflict:
    found = [c for c in state.conflicts if c.event_id == event_id]
    assert len(found) == 1, state.conflicts
    return found[0]


# ---- reporting ---------------------------------------------------------------------------


def test_reported_sets_the_fields_and_times(s):
    state = fold(s.events)
    assert state.stream_id == s.stream_id
    assert state.title == "Mail is down"
    assert state.impact == "Nobody can send mail"
    assert (state.severity, state.users_affected) == ("P1", 1200)
    assert state.services == ["Exchange", "SMTP relay"]
    assert state.status is Status.CANDIDATE
    assert state.reported_by == Author("Ann", "ann")
    assert state.key_times["reported_at"] == s.events[0].occurred_at
    assert state.reference == reference_for(s.stream_id)
    assert state.event_count == 1
    assert state.conflicts == []


def test_reported_keeps_the_reference_written_in_the_event():
    s = Stream()
    s.reported(reference="MI-ABCDE")
    assert fold(s.events).reference == "MI-ABCDE"


def test_reported_times_in_the_payload_are_explicit():
    s = Stream()
    s.reported(
        reported_at=(T0 - H).isoformat(),
        impact_started_at=(T0 - 3 * H).isoformat(),
        detected_at=(T0 - 2 * H).isoformat(),
    )
    state = fold(s.events)
    assert state.key_times["reported_at"] == T0 - H
    assert state.key_times["impact_started_at"] == T0 - 3 * H
    assert state.key_times["detected_at"] == T0 - 2 * H
    assert state.explicit_times == {"impact_started_at", "detected_at"}


def test_fold_of_nothing_is_refused():
    with pytest.raises(ValueError):
        fold([])


# ---- fields: last writer wins ------------------------------------------------------------


def test_last_writer_wins_by_hlc_whatever_the_arrival_order(s):
    late = s.field("title", "Mail down for everyone", desk="desk-b")
    early = s.field("title", "Mail slow", desk="desk-c", hlc_value=late.hlc - 1)
    for events in (s.events, [*reversed(s.events)], [s.events[0], early, late]):
        assert fold(events).title == "Mail down for everyone"


def test_same_hlc_is_decided_by_desk_then_event_id(s):
    base = hlc.pack(1_900_000_000_000, 0)
    s.field("severity", "P2", desk="desk-b", hlc_value=base)
    s.field("severity", "P3", desk="desk-a", hlc_value=base)
    assert fold(s.events).severity == "P2"  # desk-b sorts after desk-a
    s.field("severity", "P4", desk="desk-z", hlc_value=base + 1, event_id="ffffffff-0-0-0-0")
    s.field("severity", "P1", desk="desk-z", hlc_value=base + 1, event_id="00000001-0-0-0-0")
    assert fold(s.events).severity == "P4"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("bridge", "https://meet.example/mi"),
        ("external_ref", "INC0012345"),
        ("workaround", "Use webmail"),
        ("users_affected", None),
        ("users_affected", 5),
        ("services", ["VPN"]),
    ],
)
def test_each_field_can_be_set(s, name, value):
    s.field(name, value)
    state = fold(s.events)
    assert getattr(state, name) == value
    assert state.conflicts == []


@pytest.mark.parametrize(
    ("name", "value"),
    [("colour", "red"), ("users_affected", "many"), ("services", "VPN"), ("title", 7)],
)
def test_unknown_or_malformed_field_is_a_conflict_not_a_change(s, name, value):
    before = normalised(fold(s.events))
    bad = s.field(name, value)
    state = fold(s.events)
    assert "unknown or malformed field" in conflict_for(state, bad.event_id).reason
    after = normalised(state)
    for key in ("conflicts", "event_count", "last_hlc", "updated_at", "last_key"):
        after.pop(key)
        before.pop(key)
    assert after == before


def test_services_are_copied_not_shared(s):
    event = s.field("services", ["A"])
    state = fold(s.events)
    state.services.append("B")
    assert as_json(event.payload)["value"] == ["A"]


# ---- notes -------------------------------------------------------------------------------


def test_notes_accumulate_in_log_order(s):
    a = s.note("Users report bounces", desk="desk-b")
    b = s.note("Queue is growing", kind="action")
    c = s.note("Restarted transport", kind="decision", hlc_value=a.hlc - 1, desk="desk-c")
    state = fold(s.events)
    assert [n.event_id for n in state.notes] == [c.event_id, a.event_id, b.event_id]
    assert [n.kind for n in state.notes] == ["decision", "observation", "action"]
    assert state.event_count == 4


def test_a_note_keeps_its_back_dated_time(s):
    note = s.note("Monitoring alerted", occurred=T0 - 2 * H)
    (n,) = fold(s.events).notes
    assert n.occurred_at == T0 - 2 * H
    assert n.recorded_at == note.recorded_at


# ---- status ------------------------------------------------------------------------------


def test_status_walks_the_lifecycle_and_sets_key_times(s):
    d = s.status("declared")
    s.status("investigating")
    m = s.status("mitigated")
    r = s.status("resolved")
    state = fold(s.events)
    assert state.status is Status.RESOLVED
    assert state.key_times["declared_at"] == d.occurred_at
    assert state.key_times["mitigated_at"] == m.occurred_at
    assert state.key_times["resolved_at"] == r.occurred_at
    assert state.conflicts == []
    assert state.is_major and not state.is_active


def test_resolving_straight_away_also_sets_mitigated(s):
    s.status("declared")
    r = s.status("resolved")
    state = fold(s.events)
    assert state.key_times["mitigated_at"] == state.key_times["resolved_at"] == r.occurred_at


def test_invalid_transition_is_a_conflict_and_never_applies(s):
    bad = s.status("resolved")
    state = fold(s.events)
    assert state.status is Status.CANDIDATE
    assert state.key_times["resolved_at"] is None
    assert conflict_for(state, bad.event_id).reason == (
        "cannot go from Candidate to Resolved; allowed next: Declared, Rejected"
    )


def test_repeated_status_is_a_conflict(s):
    s.status("declared")
    again = s.status("declared")
    state = fold(s.events)
    assert conflict_for(state, again.event_id).reason == "already Declared"


def test_unknown_status_is_a_conflict(s):
    bad = s.status("on fire")
    state = fold(s.events)
    assert state.status is Status.CANDIDATE
    assert "unknown status" in conflict_for(state, bad.event_id).reason


def test_concurrent_moves_from_two_desks_keep_the_first_and_show_the_second(s):
    s.status("declared")
    s.status("investigating")
    # Two desks, offline, both act on "investigating"; desk-b's event sorts later.
    a = s.status("resolved", desk="desk-a")
    b = s.status("identified", desk="desk-b", hlc_value=a.hlc)
    state = fold([*reversed(s.events)])
    assert state.status is Status.RESOLVED
    assert "cannot go from Resolved to Identified" in conflict_for(state, b.event_id).reason


def test_explicit_key_time_is_not_overwritten_by_a_status_change(s):
    when = s.now + timedelta(seconds=30)  # after reported, before the status change
    s.time("declared_at", when)
    d = s.status("declared")
    state = fold(s.events)
    assert state.conflicts == []
    assert state.key_times["declared_at"] == when != d.occurred_at


def test_automatic_time_is_skipped_when_it_would_contradict(s):
    s.status("declared")
    s.time("detected_at", T0 + 40 * M)
    # Mitigated at a time before the detection: the status moves, the time does not.
    m = s.status("mitigated", occurred=T0 + 30 * M)
    state = fold(s.events)
    assert state.status is Status.MITIGATED
    assert state.key_times["mitigated_at"] is None
    assert all(c.event_id != m.event_id for c in state.conflicts)


def test_a_status_change_dated_before_the_report_is_kept_and_not_applied(s):
    """Recorded elsewhere (an import, another desk): kept, shown, not applied."""
    d = s.status("declared", occurred=T0 - 2 * H)
    state = fold(s.events)
    assert state.status is Status.CANDIDATE
    (conflict,) = [c for c in state.conflicts if c.event_id == d.event_id]
    assert conflict.reason == (
        "A status change cannot be dated 2026-11-28 07:00 UTC, "
        "before the report (2026-11-28 09:01 UTC)"
    )


def test_an_update_dated_before_the_declaration_is_not_counted(s):
    s.now = T0 + 2 * H  # written later, dated by a person
    s.status("declared", occurred=T0 + 30 * M)
    early = s.add(
        EventType.MESSAGE_SENT, {"audience": "executives", "channel": "phone"}, occurred=T0 + 20 * M
    )
    on_time = s.add(EventType.MESSAGE_SENT, {"audience": "executives", "channel": "phone"})
    state = fold(s.events)
    assert [m.event_id for m in state.messages] == [on_time.event_id]
    assert state.last_sent["executives"] == on_time.occurred_at
    (conflict,) = [c for c in state.conflicts if c.event_id == early.event_id]
    assert "An update cannot be dated 2026-11-28 09:20 UTC, before the declaration" in (
        conflict.reason
    )


def test_reopen_clears_mitigated_and_resolved(s):
    s.status("declared")
    s.time("mitigated_at", s.now)
    s.status("resolved")
    s.status("closed")
    s.status("investigating")
    state = fold(s.events)
    assert state.status is Status.INVESTIGATING
    assert state.reopened == 1
    assert state.key_times["mitigated_at"] is None
    assert state.key_times["resolved_at"] is None
    assert "mitigated_at" not in state.explicit_times
    assert state.key_times["declared_at"] is not None
    # Resolving again sets the new times.
    r = s.status("resolved")
    s.status("investigating")
    s.status("resolved")
    state = fold(s.events)
    assert state.reopened == 2
    assert state.key_times["resolved_at"] == s.events[-1].occurred_at != r.occurred_at


# ---- key times ---------------------------------------------------------------------------


def test_key_time_contradicting_others_is_a_conflict(s):
    s.status("declared")
    s.status("resolved")
    resolved = fold(s.events).key_times["resolved_at"]
    bad = s.time("impact_started_at", resolved + H)
    state = fold(s.events)
    assert state.key_times["impact_started_at"] is None
    reason = conflict_for(state, bad.event_id).reason
    assert "Impact started" in reason and "resolved" in reason


def test_key_time_can_be_cleared_and_set(s):
    s.time("detected_at", T0 - H)
    s.time("detected_at", None)
    state = fold(s.events)
    assert state.key_times["detected_at"] is None
    assert state.conflicts == []


# ---- roles -------------------------------------------------------------------------------


def test_assign_release_and_handover(s):
    a = s.assign("mim", "Ann Lee", note="on call")
    s.assign("scribe", "Bo Chan")
    state = fold(s.events)
    assert state.holder("mim") == "Ann Lee"
    assert state.roles["mim"].since == a.occurred_at
    assert state.roles["mim"].note == "on call"
    # A handover is a release and an assignment, appended together.
    s.release("mim", "Ann Lee")
    s.assign("mim", "Cy Diaz", note="handover: bridge open, comms due 10:30")
    s.release("scribe")
    state = fold(s.events)
    assert state.holder("mim") == "Cy Diaz"
    assert state.holder("scribe") == ""
    assert [(c.role, c.person, c.assigned) for c in state.role_history] == [
        ("mim", "Ann Lee", True),
        ("scribe", "Bo Chan", True),
        ("mim", "Ann Lee", False),
        ("mim", "Cy Diaz", True),
        ("scribe", "Bo Chan", False),
    ]
    assert state.conflicts == []


def test_release_by_someone_who_does_not_hold_the_role_is_a_conflict(s):
    s.assign("mim", "Ann Lee")
    wrong = s.release("mim", "Bo Chan")
    nobody = s.release("tech_lead")
    state = fold(s.events)
    assert state.holder("mim") == "Ann Lee"
    assert conflict_for(state, wrong.event_id).reason == "not applied: Bo Chan does not hold mim"
    assert conflict_for(state, nobody.event_id).reason == "not applied: nobody holds tech_lead"


def test_assignment_without_person_is_a_conflict(s):
    bad = s.add("role.assigned", {"role": "mim"})
    state = fold(s.events)
    assert state.roles == {}
    conflict_for(state, bad.event_id)


# ---- corrections -------------------------------------------------------------------------


def test_reword_keeps_the_first_original(s):
    n = s.note("Restarted the DB")
    c1 = s.correct(n.event_id, text="Restarted the mail DB")
    c2 = s.correct(n.event_id, text="Restarted the mailbox DB")
    (note,) = fold(s.events).notes
    assert note.text == "Restarted the mailbox DB"
    assert note.original_text == "Restarted the DB"
    assert note.corrected_by == c2.event_id != c1.event_id
    assert not note.retracted


def test_retract_and_move_and_rekind(s):
    n = s.note("Vendor called")
    m = s.note("Failover started", kind="observation")
    s.correct(n.event_id, retract=True, text="wrong incident")
    s.correct(m.event_id, occurred_at=(T0 - H).isoformat(), kind="action")
    state = fold(s.events)
    notes = {x.event_id: x for x in state.notes}
    assert notes[n.event_id].retracted
    assert notes[m.event_id].occurred_at == T0 - H
    assert notes[m.event_id].kind == "action"
    assert notes[m.event_id].text == "Failover started"
    assert notes[m.event_id].original_text is None


def test_correction_of_something_that_is_not_a_note_leaves_the_state_alone(s):
    st = s.status("declared")
    before = normalised(fold(s.events))
    s.correct(st.event_id, occurred_at=(T0 - H).isoformat())
    s.correct("no-such-event", text="x")
    after = normalised(fold(s.events))
    assert after["event_count"] == before["event_count"] + 2
    for key in ("event_count", "last_hlc", "updated_at", "last_key"):
        after.pop(key)
        before.pop(key)
    assert after == before


# ---- unknown events, apply() ---------------------------------------------------------------


def test_unknown_event_types_are_counted_not_fatal(s):
    s.add("incident.teleported", {"where": "Mars"})
    s.add("zz.future_kind", {"channel": "pigeon"})
    s.note("still here")
    state = fold(s.events)
    assert state.unknown_events == 2
    assert state.event_count == 4
    assert state.conflicts == []
    assert [n.text for n in state.notes] == ["still here"]


def test_apply_refuses_an_event_that_sorts_earlier(s):
    later = s.note("later")
    state = fold(s.events)
    early = s.note("early", hlc_value=later.hlc - 1)
    with pytest.raises(ValueError):
        apply(state, early)
    with pytest.raises(ValueError):
        apply(state, later)  # the same event twice


def test_apply_one_by_one_equals_fold(s):
    s.status("declared")
    n = s.note("x")
    s.assign("mim", "Ann")
    s.correct(n.event_id, text="y")
    s.status("closed")  # refused
    s.add("future.kind", {})
    events = list(s.events)
    random.Random(4).shuffle(events)
    state = IncidentState(stream_id=s.stream_id)
    for e in sorted(events, key=lambda e: e.sort_key):
        apply(state, e)
    assert normalised(state) == normalised(fold(events))


def test_bookkeeping_follows_the_last_event(s):
    last = s.note("x")
    state = fold(s.events)
    assert state.last_hlc == last.hlc
    assert state.updated_at == last.recorded_at
    assert state.last_key == last.sort_key


def test_reference_constants():
    assert incident.REFERENCE_PREFIX == "MI-"
    assert incident.REFERENCE_LENGTH == 5
