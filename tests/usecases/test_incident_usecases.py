"""Incidents through the use cases: validation, references, fields, key times, status."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest

from mimdesk.domain import schema
from mimdesk.domain.events import EventType
from mimdesk.domain.ids import crockford
from mimdesk.domain.incident import reference_for
from mimdesk.domain.lifecycle import Status
from mimdesk.errors import InvalidInput, NotFound, Refused
from mimdesk.usecases import incidents, report_text
from mimdesk.usecases.context import Changes
from tests.support.decided import declare
from tests.support.recorded import as_json

H = timedelta(hours=1)


def count(app) -> int:
    return app.log.count_events()


def test_report_returns_the_summary_and_what_changed(app, ctx, clock):
    summary, changes = incidents.report(
        ctx,
        title="  Mail \n is   down ",
        impact="Nobody can send",
        severity="SEV2",
        users_affected=0,
        services=["Exchange", "  ", "SMTP\trelay"],
        impact_started_at=clock.now - 2 * H,
        detected_at=clock.now - H,
    )
    assert summary.title == "Mail is down"
    assert summary.reference == reference_for(summary.stream_id)
    assert changes == Changes(frozenset({summary.stream_id}), incidents_list=True)
    (event,) = app.log.stream(summary.stream_id)
    assert event.type == EventType.INCIDENT_REPORTED
    assert event.author.name == "Test Desk"
    assert as_json(event.payload)["services"] == ["Exchange", "SMTP relay"]
    state = incidents.get(ctx, summary.reference).state
    assert state.users_affected == 0
    assert state.key_times["impact_started_at"] == clock.now - 2 * H
    assert state.key_times["reported_at"] == clock.now


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": ""}, "The title is empty."),
        ({"title": "x" * 201}, "The title is 201 characters long; the limit is 200."),
        ({"title": "t", "users_affected": -1}, "Users affected must be a whole number"),
        ({"title": "t", "users_affected": True}, "Users affected must be a whole number"),
        ({"title": "t", "severity": "SEV7"}, "There is no severity 'SEV7'."),
        ({"title": "t", "severity": "P" * 201}, "The severity is 201 characters long"),
        ({"title": "t", "impact": "i" * 10_001}, "The impact is 10,001 characters long"),
    ],
)
def test_report_refuses_bad_input_and_writes_nothing(app, ctx, kwargs, message):
    with pytest.raises(InvalidInput) as caught:
        incidents.report(ctx, **kwargs)
    assert caught.value.message.startswith(message)
    assert caught.value.hint
    assert count(app) == 0


def test_report_refuses_times_in_the_future_or_out_of_order(app, ctx, clock):
    with pytest.raises(InvalidInput, match="in the future"):
        incidents.report(ctx, title="t", detected_at=clock.now + H)
    with pytest.raises(InvalidInput, match=r"Impact started .* cannot be after detected"):
        incidents.report(
            ctx, title="t", impact_started_at=clock.now - H, detected_at=clock.now - 2 * H
        )
    with pytest.raises(InvalidInput, match="no time zone"):
        incidents.report(ctx, title="t", detected_at=clock.now.replace(tzinfo=None))
    assert count(app) == 0


# ---- references ---------------------------------------------------------------------------


def test_resolve_forgives_case_dashes_spaces_prefix_and_lookalikes(app, ctx):
    summary, _ = incidents.report(ctx, title="t")
    ref = summary.reference
    code = ref.removeprefix("MI-")
    lookalike = code.replace("0", "O").replace("1", "I")
    typed = [
        ref,
        ref.lower(),
        f"MI{code}",
        f"mi {code}",
        code,
        code.lower(),
        f"  {ref}\n",
        f"MI-{lookalike}",
        lookalike.lower(),
        summary.stream_id,
        summary.stream_id.upper(),
    ]
    for text in typed:
        assert incidents.resolve(ctx, text).stream_id == summary.stream_id, text


def test_resolve_says_what_is_wrong(app, ctx):
    with pytest.raises(InvalidInput, match="No incident reference given"):
        incidents.resolve(ctx, "   ")
    with pytest.raises(NotFound, match="No incident 'MI-ZZZZZ'"):
        incidents.resolve(ctx, "MI-ZZZZZ")


def crafted_id(low_bits: int) -> str:
    return str(uuid.UUID(int=(0x019AC9B01000 << 80) | (0x7 << 76) | (0b10 << 62) | low_bits))


def test_a_partial_reference_matching_two_incidents_is_ambiguous(app, ctx, clock):
    # Two incidents whose references share their first two characters.
    ids = [crafted_id((0b00111_01010 << 15) | tail) for tail in (0b00001, 0b00010)]
    for sid in ids:
        event = ctx.event(
            sid,
            schema.decode(
                EventType.INCIDENT_REPORTED, 1, {"title": sid, "reference": reference_for(sid)}
            ),
        )
        app.log.append([event])
    prefix = "MI-" + crockford(0b00111_01010, 2)
    assert all(reference_for(sid).startswith(prefix) for sid in ids)
    with pytest.raises(InvalidInput, match="matches several incidents"):
        incidents.resolve(ctx, prefix)
    assert incidents.resolve(ctx, reference_for(ids[1])).stream_id == ids[1]


# ---- fields and key times ------------------------------------------------------------------


def test_change_field_cleans_and_skips_what_does_not_change(app, ctx):
    summary, _ = incidents.report(ctx, title="t")
    ref = summary.reference
    assert incidents.change_field(ctx, reference=ref, field="title", value=" New\ttitle ") == (
        Changes(frozenset({summary.stream_id}), incidents_list=True)
    )
    before = count(app)
    assert incidents.change_field(ctx, reference=ref, field="title", value="New title") == Changes()
    assert count(app) == before
    incidents.change_field(ctx, reference=ref, field="services", value=["A", " ", "B"])
    incidents.change_field(ctx, reference=ref, field="users_affected", value=None)
    state = incidents.get(ctx, ref).state
    assert (state.title, state.services, state.users_affected) == ("New title", ["A", "B"], None)
    with pytest.raises(InvalidInput, match="There is no field 'colour'"):
        incidents.change_field(ctx, reference=ref, field="colour", value="red")


def test_key_time_contradicting_another_is_refused_and_not_written(app, ctx, clock):
    summary, _ = incidents.report(ctx, title="t", detected_at=clock.now - H)
    ref = summary.reference
    before = count(app)
    with pytest.raises(InvalidInput) as caught:
        incidents.set_key_time(
            ctx, reference=ref, name="impact_started_at", when=clock.now - 0.5 * H
        )
    assert caught.value.message == (
        "Impact started (2026-11-28 08:30 UTC) cannot be after detected (2026-11-28 08:00 UTC)."
    )
    assert count(app) == before
    # Through change_field, which hands key times over.
    with pytest.raises(InvalidInput, match="cannot be after"):
        incidents.change_field(ctx, reference=ref, field="impact_started_at", value=clock.now)
    incidents.set_key_time(ctx, reference=ref, name="impact_started_at", when=clock.now - 2 * H)
    incidents.set_key_time(ctx, reference=ref, name="detected_at", when=None)
    times = incidents.get(ctx, ref).state.key_times
    assert times["impact_started_at"] == clock.now - 2 * H
    assert times["detected_at"] is None
    with pytest.raises(InvalidInput, match="no key time 'lunch_at'"):
        incidents.set_key_time(ctx, reference=ref, name="lunch_at", when=clock.now)
    with pytest.raises(InvalidInput, match="in the future"):
        incidents.set_key_time(ctx, reference=ref, name="detected_at", when=clock.now + H)


def test_impact_after_resolved_is_refused(app, ctx, clock):
    summary, _ = incidents.report(ctx, title="t")
    ref = summary.reference
    declare(ctx, ref)
    clock.advance(minutes=30)
    incidents.change_status(ctx, reference=ref, to="resolved")
    clock.advance(minutes=30)
    before = count(app)
    with pytest.raises(InvalidInput, match=r"^Impact started .* cannot be after"):
        incidents.set_key_time(ctx, reference=ref, name="impact_started_at", when=clock.now)
    assert count(app) == before


# ---- status ---------------------------------------------------------------------------------


def test_status_refused_move_writes_nothing(app, ctx):
    summary, _ = incidents.report(ctx, title="t")
    before = count(app)
    with pytest.raises(Refused) as caught:
        incidents.change_status(ctx, reference=summary.reference, to="closed")
    assert "cannot go from Candidate to Closed" in caught.value.message
    with pytest.raises(InvalidInput, match="There is no status 'gone'"):
        incidents.change_status(ctx, reference=summary.reference, to="gone")
    assert count(app) == before


def test_a_status_change_cannot_declare_or_reject(app, ctx):
    summary, _ = incidents.report(ctx, title="t")
    ref = summary.reference
    before = count(app)
    with pytest.raises(Refused) as declared:
        incidents.change_status(ctx, reference=ref, to="Declared")
    assert declared.value.message == f"{ref}: Declared is a decision, not a status change."
    assert f"mimdesk declare {ref} --severity SEV --mim NAME" in declared.value.hint
    with pytest.raises(Refused) as rejected:
        incidents.change_status(ctx, reference=ref, to=Status.REJECTED)
    assert f"mimdesk reject {ref}" in rejected.value.hint
    assert count(app) == before
    assert incidents.get(ctx, ref).state.status is Status.CANDIDATE


def test_status_back_dated_and_reopened(app, ctx, clock):
    summary, _ = incidents.report(
        ctx, title="t", impact_started_at=clock.now - 3 * H, reported_at=clock.now - 2 * H
    )
    ref = summary.reference
    declared = clock.now - H
    declare(ctx, ref, rationale="CAB")
    incidents.set_key_time(ctx, reference=ref, name="declared_at", when=declared)
    clock.advance(hours=1)
    incidents.change_status(ctx, reference=ref, to="resolved")
    clock.advance(hours=1)
    incidents.change_status(ctx, reference=ref, to="closed")
    incidents.change_status(ctx, reference=ref, to="investigating", reason="came back")
    view = incidents.get(ctx, ref)
    assert view.state.status is Status.INVESTIGATING
    assert view.state.reopened == 1
    assert view.state.key_times["declared_at"] == declared
    assert view.state.key_times["resolved_at"] is None
    assert app.log.summary(summary.stream_id).status is Status.INVESTIGATING
    text = report_text.show(view, clock.now, app.settings, timeline=True)
    assert "Status:        Investigating (reopened 1x)" in text
    assert "Status: Investigating (came back)" in text


def test_list_incidents_filters(app, ctx, clock):
    a, _ = incidents.report(ctx, title="Mail")
    b, _ = incidents.report(ctx, title="Print")
    declare(ctx, a.reference)
    assert [s.reference for s in incidents.list_incidents(ctx, "active")] == [a.reference]
    assert [s.reference for s in incidents.list_incidents(ctx, "candidates")] == [b.reference]
    assert len(incidents.list_incidents(ctx, "recent")) == 2
    clock.advance(days=15)
    assert incidents.list_incidents(ctx, "recent") == []
    assert [s.reference for s in incidents.list_incidents(ctx, "all", "print")] == [b.reference]
    with pytest.raises(InvalidInput, match="Unknown filter"):
        incidents.list_incidents(ctx, "mine")


def test_conflicts_from_another_desk_show_in_the_report(app, ctx, clock):
    summary, _ = incidents.report(ctx, title="t")
    # A desk that was offline closes the incident: not a move the lifecycle allows.
    remote = ctx.event(
        summary.stream_id, schema.decode(EventType.STATUS_CHANGED, 1, {"to": "closed"})
    )
    app.log.append([remote])
    view = incidents.get(ctx, summary.reference)
    assert view.state.status is Status.CANDIDATE
    assert "Not applied: 1 entries (see the timeline)" in report_text.show(
        view, clock.now, app.settings
    )
    assert "[not applied: cannot go from Candidate to Closed" in report_text.show(
        view, clock.now, app.settings, timeline=True
    )
    assert report_text.as_dict(view, clock.now)["not_applied"] == [
        "cannot go from Candidate to Closed; allowed next: Declared, Rejected"
    ]


def test_a_code_that_itself_begins_with_mi_is_found_typed_bare(app, ctx):
    """MI-M1A99 typed as "mia99" (its code, with the 1 typed as an I) is that incident, not
    a search for references beginning MI-A99."""
    summary, _ = incidents.report(ctx, title="t")
    with app.log.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE incident_summary SET reference = 'MI-M1A99', base_reference = 'MI-M1A99' "
            "WHERE stream_id = ?",
            (summary.stream_id,),
        )
    for text in ("mia99", "M1A99", "MIM1A99", "mi-m1a99"):
        assert incidents.resolve(ctx, text).stream_id == summary.stream_id, text


# ---- what the record must keep (issue 14) ------------------------------------------------------


def test_a_time_the_status_needs_cannot_be_cleared(app, ctx, clock):
    summary, _ = incidents.report(ctx, title="t")
    ref = summary.reference
    with pytest.raises(InvalidInput, match="The reported time cannot be cleared: the incident"):
        incidents.set_key_time(ctx, reference=ref, name="reported_at", when=None)
    declare(ctx, ref)
    clock.advance(minutes=10)
    incidents.change_status(ctx, reference=ref, to="resolved")
    before = count(app)
    for name in ("reported_at", "declared_at", "mitigated_at", "resolved_at"):
        with pytest.raises(InvalidInput, match="cannot be cleared: the incident is resolved"):
            incidents.set_key_time(ctx, reference=ref, name=name, when=None)
    assert count(app) == before
    incidents.set_key_time(ctx, reference=ref, name="detected_at", when=None)  # not needed


def test_a_status_change_cannot_be_dated_before_the_report(app, ctx, clock):
    summary, _ = incidents.report(ctx, title="t", reported_at=clock.now - H)
    declare(ctx, summary.reference)
    before = count(app)
    with pytest.raises(InvalidInput) as caught:
        incidents.change_status(
            ctx, reference=summary.reference, to="investigating", occurred_at=clock.now - 2 * H
        )
    assert caught.value.message == (
        "A status change cannot be dated 2026-11-28 07:00 UTC, "
        "before the report (2026-11-28 08:00 UTC)."
    )
    assert count(app) == before


def test_times_in_messages_are_the_desks_and_as_precise_as_needed(app, ctx, clock, monkeypatch):
    """The desk's zone with its name (not its wall time labelled UTC), seconds when two
    times share a minute."""
    import time as time_module

    monkeypatch.setenv("TZ", "Europe/Paris")
    time_module.tzset()
    try:
        summary, _ = incidents.report(ctx, title="t", detected_at=clock.now - H)
        with pytest.raises(InvalidInput) as caught:
            incidents.set_key_time(
                ctx, reference=summary.reference, name="impact_started_at", when=clock.now - 0.5 * H
            )
        assert caught.value.message == (
            "Impact started (2026-11-28 09:30 CET) cannot be after detected (2026-11-28 09:00 CET)."
        )
        with pytest.raises(InvalidInput) as caught:
            incidents.set_key_time(
                ctx,
                reference=summary.reference,
                name="impact_started_at",
                when=clock.now - H + timedelta(seconds=20),
            )
        assert "(2026-11-28 09:00:20 CET) cannot be after detected (2026-11-28 09:00:00 CET)" in (
            caught.value.message
        )
    finally:
        monkeypatch.undo()
        time_module.tzset()


def test_the_os_account_is_asked_of_the_system(monkeypatch):
    """DOMAIN\\user on Windows (GetUserNameExW, behind a seam: no Windows here), the account
    name elsewhere, never an environment variable a shell can set."""
    from mimdesk.usecases import context

    monkeypatch.setenv("USER", "mallory")
    monkeypatch.setenv("LOGNAME", "mallory")
    import pwd

    assert context.os_login("linux") == pwd.getpwuid(os.geteuid()).pw_name
    monkeypatch.setattr(context, "_windows_account", lambda: "CORP\\ana.costa")
    assert context.os_login("win32") == "CORP\\ana.costa"
    monkeypatch.setattr(context, "_windows_account", lambda: "")
    assert context.os_login("win32") == "mallory"  # no answer from Windows: the login name
