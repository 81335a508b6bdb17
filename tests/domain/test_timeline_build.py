"""The timeline: every event once, in the order things happened, corrections visible."""

from __future__ import annotations

from datetime import timedelta

from evfactory import T0, Stream

from mimdesk.domain import timeline
from mimdesk.domain.folding import fold
from mimdesk.domain.payloads import Corrected

H = timedelta(hours=1)


def build(s: Stream):
    return timeline.build(s.events, fold(s.events))


def by_id(entries):
    return {t.event_id: t for t in entries}


def test_every_event_appears_once():
    s = Stream()
    s.reported()
    s.note("a")
    s.status("declared")
    s.add("future.kind", {})
    entries = build(s)
    assert sorted(t.event_id for t in entries) == sorted(e.event_id for e in s.events)


def test_back_dated_entries_sort_by_when_they_happened():
    s = Stream()
    rep = s.reported()
    late = s.note("Restarted the relay")
    early = s.note("Monitoring alerted at 07:00", occurred=T0 - 2 * H)
    middle = s.note("First user call", occurred=T0 - H)
    entries = build(s)
    assert [t.event_id for t in entries] == [
        early.event_id,
        middle.event_id,
        rep.event_id,
        late.event_id,
    ]
    flags = {t.event_id: t.backdated for t in entries}
    assert flags[early.event_id] and flags[middle.event_id]
    assert not flags[late.event_id] and not flags[rep.event_id]


def test_same_time_is_ordered_by_the_log():
    s = Stream()
    s.reported()
    a = s.note("two", occurred=T0, desk="desk-b")
    b = s.note("one", occurred=T0, desk="desk-a", hlc_value=a.hlc)
    entries = [t for t in build(s) if t.is_note]
    assert [t.event_id for t in entries] == [b.event_id, a.event_id]


def test_correction_marks_its_target_and_shows_itself():
    s = Stream()
    s.reported()
    n = s.note("Restarted the DB")
    c = s.correct(n.event_id, text="Restarted the mail DB")
    entries = by_id(build(s))
    assert entries[n.event_id].text == "Restarted the mail DB"
    assert entries[n.event_id].original_text == "Restarted the DB"
    assert entries[n.event_id].corrected_by == c.event_id
    assert entries[c.event_id].kind == "correction"
    assert entries[c.event_id].corrects == n.event_id
    assert entries[c.event_id].text == "Corrected to: Restarted the mail DB"


def test_retracted_note_stays_in_the_timeline_marked_withdrawn():
    s = Stream()
    s.reported()
    n = s.note("Wrong incident")
    c = s.correct(n.event_id, retract=True, text="posted here by mistake")
    entries = by_id(build(s))
    assert entries[n.event_id].retracted
    assert entries[n.event_id].text == "Wrong incident"
    assert entries[c.event_id].text == "Entry withdrawn: posted here by mistake"


def test_moving_a_time_moves_the_entry_note_or_not():
    s = Stream()
    s.reported()
    st = s.status("declared")
    n = s.note("Engineer paged")
    s.correct(n.event_id, occurred_at=(T0 - 2 * H).isoformat())
    s.correct(st.event_id, occurred_at=(T0 - H).isoformat())
    entries = build(s)
    assert [t.event_id for t in entries][:2] == [n.event_id, st.event_id]
    moved = by_id(entries)
    assert moved[st.event_id].occurred_at == T0 - H
    assert moved[st.event_id].corrected_by is not None
    assert moved[n.event_id].occurred_at == T0 - 2 * H


def test_events_not_applied_say_why():
    s = Stream()
    s.reported()
    bad_status = s.status("closed")
    bad_time = s.time("impact_started_at", T0 + 10 * H)
    good = s.status("declared")
    entries = by_id(build(s))
    assert entries[bad_status.event_id].not_applied.startswith("cannot go from Candidate")
    assert "Impact started" in entries[bad_time.event_id].not_applied
    assert entries[good.event_id].not_applied is None
    assert entries[bad_status.event_id].text == "Status: Closed"


def test_descriptions_read_as_sentences():
    s = Stream()
    rep = s.reported("VPN down")
    sv = s.field("services", ["VPN", "RADIUS"])
    none = s.field("services", [])
    kt = s.time("detected_at", T0 - H)
    cl = s.time("detected_at", None)
    st = s.add("incident.status_changed", {"to": "declared", "reason": "CAB agreed"})
    a = s.assign("tech_lead", "Bo Chan", note="VPN expert")
    r = s.release("tech_lead")
    u = s.add("zz.future_kind", {})
    text = {t.event_id: (t.kind, t.text) for t in build(s)}
    assert text[rep.event_id] == ("report", "Reported: VPN down")
    assert text[sv.event_id] == ("field", "Services set to VPN, RADIUS")
    assert text[none.event_id] == ("field", "Services set to none")
    assert text[kt.event_id] == ("field", "Time detected set to 2026-11-28 08:00 UTC")
    assert text[cl.event_id] == ("field", "Time detected set to cleared")
    assert text[st.event_id] == ("status", "Status: Declared (CAB agreed)")
    assert text[a.event_id] == ("role", "Bo Chan is Technical Lead: VPN expert")
    assert text[r.event_id] == ("role", "Holder released as Technical Lead")
    assert text[u.event_id][0] == "other"
    assert "newer MIM Desk" in text[u.event_id][1]


def _every_split(s: Stream) -> None:
    """At every point of the stream, the timeline built so far plus the rest added with
    timeline.extended is the timeline built whole (or None where the rest holds a correction)."""
    whole = build(s)
    state = fold(s.events)
    for k in range(1, len(s.events)):
        earlier, rest = s.events[:k], s.events[k:]
        built = timeline.build(earlier, fold(earlier))
        added = timeline.extended(built, rest, state)
        if any(isinstance(e.payload, Corrected) for e in rest):
            assert added is None, k
        else:
            assert added == whole, k


def test_added_entries_land_where_a_whole_build_puts_them():
    s = Stream()
    s.reported()
    s.note("first")
    s.note("back-dated to before the report", occurred=T0 - 2 * H)
    s.status("declared")
    s.status("closed")  # not applied: a conflict on the new entry
    s.field("severity", "SEV1")
    s.note("same minute as the next", occurred=T0 + H)
    s.note("same minute as the one before", occurred=T0 + H)
    s.note("back-dated between the two", occurred=T0 + H / 2)
    s.add("future.kind", {})
    _every_split(s)


def test_a_correction_among_the_added_events_asks_for_a_whole_build():
    s = Stream()
    s.reported()
    note = s.note("typo")
    s.correct(note.event_id, text="fixed")
    s.note("after the fix")
    _every_split(s)
