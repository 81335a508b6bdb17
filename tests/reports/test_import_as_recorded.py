"""Import and back-fill keep what was recorded (issue 13, point 2): a value outside a
vocabulary is imported as it is, exported again unchanged and shown as not applied; an event
type this desk does not know is kept as it came; only a payload without its type's shape, or
text the store cannot hold, is refused."""

from __future__ import annotations

import copy
import os
from datetime import UTC, datetime
from typing import Any

import pytest

from mimdesk import exchange as fmt
from mimdesk.app import open_app
from mimdesk.cli import main
from mimdesk.domain.events import Author
from mimdesk.domain.payloads import NoteAdded, UnknownPayload
from mimdesk.exchange.validation import MAX_TEXT
from mimdesk.usecases import exchange, incidents
from mimdesk.usecases.exchange import ImportRefused
from tests.reports.test_export import BACKFILL


def _event(n: int, etype: str, payload: Any, **more: Any) -> dict[str, Any]:
    return {
        "id": f"01900000-0000-7000-8000-{n:012d}",
        "type": etype,
        "occurred_at": f"2025-03-02T08:{10 + n:02d}:00+01:00",
        "author": "Chris Doyle",
        "payload": payload,
        **more,
    }


def _document(*events: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "mimdesk.incident",
        "version": 1,
        "incident": {"id": "01900000-0000-7000-8000-aaaaaaaaaaaa", "reference": "MI-OLD01"},
        "events": [
            _event(0, "incident.reported", {"title": "Payroll export failed"}),
            *events,
        ],
    }


# Values another desk or an older file may hold that this desk's vocabularies do not.
OUT_OF_VOCABULARY = [
    _event(1, "note.added", {"text": "Heard from the vendor", "kind": "rumour"}),
    _event(2, "incident.decided", {"decision": "escalate"}),
    _event(3, "incident.decided", {"decision": "declare", "severity": "SEV2"}),
    _event(4, "incident.status_changed", {"to": "paused"}),
    _event(5, "postmortem.field_changed", {"field": "retrospective", "value": "Went fine."}),
    _event(6, "incident.field_changed", {"field": "colour", "value": "blue"}),
    _event(7, "followup.added", {"id": "f1", "title": "Renew", "priority": "urgent"}),
]


def _payloads_by_id(document: dict[str, Any]) -> dict[str, Any]:
    return {e["id"]: e["payload"] for e in document["events"]}


def test_out_of_vocabulary_values_are_imported_as_recorded_and_flagged(app, ctx, capsys):
    doc = _document(*copy.deepcopy(OUT_OF_VOCABULARY))
    result = exchange.import_document(ctx, doc)
    assert result.imported == len(doc["events"])
    view = incidents.get(ctx, result.reference)
    assert [n.kind for n in view.state.notes] == ["rumour"]
    assert view.state.followups["f1"].priority == "urgent"
    # Exported again, each payload is the one the file held.
    again = exchange.export_document(ctx, reference=result.reference)
    exported = _payloads_by_id(again)
    for event in OUT_OF_VOCABULARY:
        assert exported[event["id"]] == event["payload"]
    # Where a value cannot apply, the incident says so, and the timeline names the entry.
    reasons = {c.reason for c in view.state.conflicts}
    assert {
        "unknown decision 'escalate'",
        "unknown status 'paused'",
        "unknown postmortem field 'retrospective'",
        "unknown or malformed field 'colour'",
    } <= reasons
    assert main(["--db", str(app.database), "show", result.reference, "--timeline"]) == 0
    shown = capsys.readouterr().out
    assert "Not applied: 4 entries" in shown
    assert "[not applied: unknown status 'paused']" in shown
    assert "[not applied: unknown decision 'escalate']" in shown
    assert "Heard from the vendor" in shown


def test_an_event_type_from_a_newer_desk_is_kept_and_exported_unchanged(ctx, tmp_path):
    future = _event(1, "future.widget_set", {"widget": 3, "ü": ["✓"]}, payload_v=2)
    result = exchange.import_document(ctx, _document(future))
    view = incidents.get(ctx, result.reference)
    kept = [e for e in view.events if e.type == "future.widget_set"]
    assert [e.payload for e in kept] == [
        UnknownPayload(type_name="future.widget_set", version=2, data={"widget": 3, "ü": ["✓"]})
    ]
    assert any("future.widget_set: written by a newer MIM Desk" in t.text for t in view.timeline)
    exported = exchange.export_document(ctx, reference=result.reference)["events"]
    record = next(e for e in exported if e["type"] == "future.widget_set")
    assert (record["id"], record["payload_v"], record["payload"]) == (
        future["id"],
        2,
        future["payload"],
    )


@pytest.mark.parametrize(
    ("etype", "payload", "problem"),
    [
        ("note.added", {"text": 5}, "events[1].payload: text must be text, not a number"),
        ("note.added", {"kind": "action"}, "events[1].payload: text is missing (required)"),
        ("comms.cadence_set", {"audience": "staff", "minutes": "ten"}, "minutes must be a whole"),
        ("comms.snoozed", {"audience": "staff", "until": "tomorrow"}, "is not a time"),
        ("incident.assessed", {"answers": [], "recommendation": {}}, "answers must be an object"),
        ("role.assigned", {"role": "mim"}, "events[1].payload: person is missing (required)"),
    ],
)
def test_a_payload_without_its_shape_is_refused_at_its_path(ctx, etype, payload, problem):
    with pytest.raises(ImportRefused) as caught:
        exchange.import_document(ctx, _document(_event(1, etype, payload)))
    assert any(problem in p for p in caught.value.problems), caught.value.problems
    assert all(p.startswith("events[1].payload") for p in caught.value.problems)
    assert ctx.log.count_events() == 0


def test_text_the_store_cannot_hold_is_refused_wherever_it_is(ctx):
    answers = {"q1": {"detail": "bad\x00byte"}, "q2\udc80": True}
    doc = _document(
        _event(
            1,
            "incident.assessed",
            {"answers": answers, "recommendation": {"outcome": "declare"}},
        ),
        _event(2, "note.added", {"text": "x" * (MAX_TEXT + 1)}),
        _event(3, "future.widget_set", {"note": "lone \ud800 surrogate"}),
    )
    with pytest.raises(ImportRefused) as caught:
        exchange.import_document(ctx, doc)
    problems = caught.value.problems
    assert "events[1].payload.answers.q1.detail: holds characters that cannot be stored " in (
        "\n".join(problems)
    )
    assert any(p.startswith("events[1].payload.answers.'q2\\udc80': is a key") for p in problems)
    assert "events[2].payload.text: is 100,001 characters long; the limit is 100,000" in problems
    assert any(p.startswith("events[3].payload.note: holds characters") for p in problems)
    # Every problem can be printed, whatever the file held.
    "\n".join(problems).encode("utf-8")
    assert ctx.log.count_events() == 0


def test_a_file_that_spells_out_defaults_is_the_same_incident_when_imported_again(ctx):
    doc = _document(_event(1, "note.added", {"text": "First call.", "kind": "observation"}))
    assert exchange.import_document(ctx, doc).imported == 2
    again = exchange.import_document(ctx, doc)
    assert (again.imported, again.already_present) == (0, 2)
    view = incidents.get(ctx, again.reference)
    assert [e.payload for e in view.events if isinstance(e.payload, NoteAdded)] == [
        NoteAdded(text="First call.", kind="observation")
    ]


def test_a_backfill_keeps_words_this_desk_does_not_know(ctx):
    doc = copy.deepcopy(BACKFILL)
    doc["entries"][0]["kind"] = "gossip"
    doc["follow_ups"][0].update(priority="urgent", kind="fix", status="parked")
    doc["postmortem"]["retrospective"] = "Held on Friday."
    result = exchange.import_document(ctx, doc)
    state = incidents.get(ctx, result.reference).state
    assert {n.text: n.kind for n in state.notes}["First call."] == "gossip"
    followup = next(iter(state.followups.values()))
    assert (followup.priority, followup.kind, followup.status) == ("urgent", "fix", "parked")
    assert [c.reason for c in state.conflicts] == ["unknown postmortem field 'retrospective'"]
    assert state.postmortem["summary"] == "Expired certificate."


# The ids the first release gave the events of BACKFILL (the incident's id is derived from the
# file, each event's from its payload as that release wrote it): a back-fill imported again
# after an upgrade must find its events already present.
RELEASE_1_IDS = {
    "bfecca5c-ddbe-5af4-ba4f-5b5977c266b7": "stream",
    "99e18782-f772-5a05-9e51-b6b5941002f5": "incident.reported",
    "68d28239-8100-58f5-9b06-6de8857ea89a": "note.added",
    "c069ec0f-c721-596a-990f-630d06f63909": "incident.field_changed",
    "b6191eb2-5f63-5c3f-a490-501680dfda0d": "incident.decided",
    "e86aaa59-b3b6-59df-b7e8-f5e415c36946": "role.assigned",
    "5dbb977e-7e65-5ce7-b4f3-c71cb5016061": "role.assigned",
    "9633f02c-e603-5d80-8f9d-a9042b1fa900": "comms.sent",
    "aa09f4d9-6cc1-5d0c-adec-e6549e3e6ab5": "note.added",
    "ce33d7e6-0787-5fc1-bfc4-b713fabc2d84": "incident.status_changed",
    "485d3ba9-d931-56c3-9a1f-a8dccc075550": "incident.status_changed",
    "26c278cb-04b3-50bf-9085-df1580556ef0": "postmortem.field_changed",
    "a425878c-146b-5c24-ae5c-c9ffcc4e5ace": "postmortem.field_changed",
    "9bc3b5b7-32b5-533e-aa44-2e8f6d9494bc": "followup.added",
}


def test_backfill_event_ids_are_the_ones_the_first_release_gave():
    parsed = fmt.parse(
        BACKFILL,
        now=datetime(2026, 1, 1, tzinfo=UTC),
        author=Author("Someone", "someone"),
        desk_id="01900000-0000-7000-8000-00000000d35c",
    )
    got = {parsed.stream_id: "stream", **{e.event_id: e.type for e in parsed.events}}
    assert got == RELEASE_1_IDS


def test_an_export_holding_a_newer_desks_event_imports_on_another_desk(ctx, tmp_path, home, clock):
    future = _event(1, "future.widget_set", {"widget": 3})
    result = exchange.import_document(ctx, _document(future))
    out = exchange.export_json(ctx, reference=result.reference, out=tmp_path / "x.json")
    other = open_app(db=tmp_path / "other.sqlite3", env=os.environ, now=clock)
    try:
        again = exchange.import_file(other.ctx, path=out)
        assert again.imported == 2
        back = exchange.export_json(other.ctx, reference=again.reference, out=tmp_path / "y.json")
        assert back.read_bytes() == out.read_bytes()
    finally:
        other.close()


def test_a_lone_surrogate_in_a_file_without_ids_is_refused_not_a_crash(ctx):
    """Ids of a hand-written file are derived from its text; a "\\udc80" escape in it once
    broke that derivation (UnicodeEncodeError) instead of being named."""
    doc = {
        "format": "mimdesk.incident",
        "version": 1,
        "events": [
            {
                "type": "incident.reported",
                "occurred_at": "2025-03-02T08:10:00+01:00",
                "payload": {"title": "Mail \udc80 down"},
            }
        ],
    }
    with pytest.raises(ImportRefused) as caught:
        exchange.import_document(ctx, doc)
    assert caught.value.problems == [
        "events[0].payload.title: holds characters that cannot be stored "
        "(a NUL or a lone surrogate)"
    ]


@pytest.mark.parametrize(
    ("etype", "problem"),
    [
        ("Note Added", "the text 'Note Added' is not an event type's name (such as note.added)"),
        ("note.\udc80", "the text 'note.\\udc80' is not an event type's name"),
        ("a." + "b" * 70, "is 72 characters long; an event type has at most 64"),
        ("directory.rota_set", "'directory.rota_set' belongs to the directory"),
        (None, "must be an event type such as note.added, not null"),
    ],
)
def test_an_event_type_must_be_a_name_a_desk_could_have_written(ctx, etype, problem):
    with pytest.raises(ImportRefused) as caught:
        exchange.import_document(ctx, _document(_event(1, etype, {})))
    problems = caught.value.problems
    assert any(p.startswith(f"events[1].type: {problem}") for p in problems), problems
    assert ctx.log.count_events() == 0
