"""Notes, corrections and roles through the use cases, and the text checks behind them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mimdesk.domain.events import EventType
from mimdesk.domain.vocabulary import NOTE_KINDS
from mimdesk.errors import InvalidInput, NotFound, Refused
from mimdesk.usecases import incidents, maintenance, roles, timeline
from mimdesk.usecases.context import Changes
from mimdesk.usecases.validate import MAX_NOTE, check_time, clean_text

H = timedelta(hours=1)


@pytest.fixture
def ref(ctx) -> str:
    summary, _ = incidents.report(ctx, title="Mail is down")
    return summary.reference


def entries(ctx, ref):
    return {t.event_id: t for t in incidents.get(ctx, ref).timeline}


# ---- notes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", NOTE_KINDS)
def test_note_of_every_kind(ctx, ref, kind):
    event_id, changes = timeline.add_note(ctx, reference=ref, text=f"a {kind}", kind=kind)
    entry = entries(ctx, ref)[event_id]
    assert (entry.kind, entry.text, entry.is_note) == (kind, f"a {kind}", True)
    assert changes.incidents_list and len(changes.streams) == 1


def test_back_dated_note(ctx, ref, clock):
    event_id, _ = timeline.add_note(
        ctx, reference=ref, text="Alert fired", occurred_at=clock.now - H
    )
    first = incidents.get(ctx, ref).timeline[0]
    assert first.event_id == event_id
    assert first.occurred_at == clock.now - H
    assert first.backdated


def test_note_text_is_cleaned(app, ctx, ref):
    raw = "\x00\x07 Cafe\u0301 ok\x1b[31m\r\n second line \t\n"
    event_id, _ = timeline.add_note(ctx, reference=ref, text=raw)
    text = entries(ctx, ref)[event_id].text
    assert text == "Café ok[31m\r\n second line"
    assert "\u0301" not in text  # NFC: one character, as typed on another keyboard


def test_lone_surrogates_are_replaced_not_fatal(app, ctx, ref):
    """What Python makes of bytes that are not UTF-8 on a command line."""
    event_id, _ = timeline.add_note(ctx, reference=ref, text="Stra\udcdfe office")
    assert entries(ctx, ref)[event_id].text == "Stra\ufffde office"
    incidents.change_field(ctx, reference=ref, field="title", value="Caf\udce9 down")
    assert app.log.summaries()[0].title == "Caf\ufffd down"


def test_note_limits(app, ctx, ref):
    before = app.log.count_events()
    with pytest.raises(InvalidInput, match="The note is empty"):
        timeline.add_note(ctx, reference=ref, text=" \n\t ")
    with pytest.raises(InvalidInput, match="100,001 characters long; the limit is 100,000"):
        timeline.add_note(ctx, reference=ref, text="x" * (MAX_NOTE + 1))
    with pytest.raises(InvalidInput, match="no note kind 'gossip'"):
        timeline.add_note(ctx, reference=ref, text="x", kind="gossip")
    assert app.log.count_events() == before
    event_id, _ = timeline.add_note(ctx, reference=ref, text="y" * MAX_NOTE)
    assert len(entries(ctx, ref)[event_id].text) == MAX_NOTE


# ---- corrections ------------------------------------------------------------------------------


def test_reword_retract_and_move(app, ctx, ref, clock):
    a, _ = timeline.add_note(ctx, reference=ref, text="Restarted the DB")
    b, _ = timeline.add_note(ctx, reference=ref, text="Vendor says fixed")
    c, _ = timeline.add_note(ctx, reference=ref, text="Paged Bo")
    changes = timeline.correct(ctx, reference=ref, target=a, text="Restarted the mail DB")
    assert changes == Changes(changes.streams)
    timeline.correct(ctx, reference=ref, target=b, retract=True, text="wrong incident")
    timeline.correct(ctx, reference=ref, target=c, occurred_at=clock.now - H, kind="action")
    shown = entries(ctx, ref)
    assert (shown[a].text, shown[a].original_text) == ("Restarted the mail DB", "Restarted the DB")
    assert shown[b].retracted
    assert shown[b].text == "Vendor says fixed"  # the reason is the correction's text
    assert (shown[c].occurred_at, shown[c].kind) == (clock.now - H, "action")
    corrections = [t for t in shown.values() if t.corrects]
    assert {t.corrects for t in corrections} == {a, b, c}
    assert app.log.count_events() == 7  # nothing was changed in place


def test_corrections_refused(app, ctx, ref, clock):
    note, _ = timeline.add_note(ctx, reference=ref, text="x")
    report_id = app.log.stream(incidents.resolve(ctx, ref).stream_id)[0].event_id
    with pytest.raises(NotFound):
        timeline.correct(ctx, reference=ref, target="no-such-entry", text="y")
    with pytest.raises(InvalidInput, match="changes nothing"):
        timeline.correct(ctx, reference=ref, target=note)
    with pytest.raises(InvalidInput, match="Only notes can be reworded"):
        timeline.correct(ctx, reference=ref, target=report_id, text="y")
    with pytest.raises(InvalidInput, match="Only notes can be withdrawn"):
        timeline.correct(ctx, reference=ref, target=report_id, retract=True)
    with pytest.raises(InvalidInput, match="no note kind"):
        timeline.correct(ctx, reference=ref, target=note, kind="gossip")
    with pytest.raises(InvalidInput, match="in the future"):
        timeline.correct(ctx, reference=ref, target=note, occurred_at=clock.now + H)
    timeline.correct(ctx, reference=ref, target=note, text="z")
    correction = next(t for t in incidents.get(ctx, ref).timeline if t.corrects == note)
    with pytest.raises(InvalidInput, match="A correction cannot itself be corrected"):
        timeline.correct(ctx, reference=ref, target=correction.event_id, occurred_at=clock.now)
    # The time of a non-note entry may be corrected.
    timeline.correct(ctx, reference=ref, target=report_id, occurred_at=clock.now - H)
    assert entries(ctx, ref)[report_id].occurred_at == clock.now - H


# ---- roles ------------------------------------------------------------------------------------


def test_assign_release_and_hand_over(app, ctx, ref):
    roles.assign(ctx, reference=ref, role="mim", person=" Ann  Lee ")
    assert roles.assign(ctx, reference=ref, role="mim", person="Ann Lee") == Changes()
    roles.assign(ctx, reference=ref, role="mim", person="Bo Chan", note="handover at 10:00")
    state = incidents.get(ctx, ref).state
    assert state.holder("mim") == "Bo Chan"
    assert state.roles["mim"].note == "handover at 10:00"
    assert app.log.summaries()[0].mim == "Bo Chan"
    roles.release(ctx, reference=ref, role="mim", note="stood down")
    state = incidents.get(ctx, ref).state
    assert state.holder("mim") == ""
    released = state.role_history[-1]
    assert (released.person, released.assigned, released.note) == ("Bo Chan", False, "stood down")
    assert app.log.summaries()[0].mim == ""


def test_roles_refused(app, ctx, ref):
    with pytest.raises(Refused, match="Nobody holds the role 'scribe'"):
        roles.release(ctx, reference=ref, role="scribe")
    with pytest.raises(InvalidInput, match="person's name is empty"):
        roles.assign(ctx, reference=ref, role="mim", person="  ")
    with pytest.raises(InvalidInput, match="No role given"):
        roles.assign(ctx, reference=ref, role="", person="Ann")
    assert [e.type for e in app.log.stream(incidents.resolve(ctx, ref).stream_id)] == [
        EventType.INCIDENT_REPORTED
    ]


# ---- maintenance ------------------------------------------------------------------------------


def test_rebuild_and_upgrade_message(app, ctx, ref):
    assert maintenance.rebuild(ctx) == 1
    assert maintenance.rebuild_changes().incidents_list
    assert "the newest this MIM Desk knows" in maintenance.upgrade_message(app)


# ---- the checks themselves --------------------------------------------------------------------


def test_clean_text_single_line_and_limits():
    assert clean_text(" a \n b\tc ", what="title", limit=10, single_line=True) == "a b c"
    assert clean_text("", what="impact", limit=10) == ""
    with pytest.raises(InvalidInput) as caught:
        clean_text("abc", what="title", limit=2)
    assert caught.value.message == "The title is 3 characters long; the limit is 2."


def test_check_time_tolerates_small_clock_drift(clock):
    assert check_time(clock.now + timedelta(minutes=4), what="t", now=clock.now)
    with pytest.raises(InvalidInput):
        check_time(clock.now + timedelta(minutes=6), what="t", now=clock.now)
