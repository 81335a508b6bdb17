"""JSON export and import: a lossless round trip, checks that name the bad field, back-fills."""

from __future__ import annotations

import copy
import json
import os
from datetime import UTC, datetime, timedelta

import pytest

from mimdesk import exchange as fmt
from mimdesk.app import open_app
from mimdesk.cli import main
from mimdesk.domain.events import EventType
from mimdesk.domain.lifecycle import Status
from mimdesk.usecases import exchange, incidents
from mimdesk.usecases.exchange import ImportRefused
from tests.reports.test_postmortem_pdf import DMITRY, ELENI, build_incident


@pytest.fixture
def other(tmp_path, home, clock):
    """A second, empty database on another desk."""
    app = open_app(db=tmp_path / "other.sqlite3", env=os.environ, now=clock)
    app.set_display_name("Other Desk")
    yield app
    app.close()


@pytest.fixture
def incident(app, clock):
    return build_incident(app, clock)


def test_round_trip_is_byte_identical(app, ctx, incident, other, tmp_path):
    first = tmp_path / "first.json"
    exchange.export_json(ctx, reference=incident, out=first)
    result = exchange.import_file(other.ctx, path=first)
    assert result.reference == incident
    assert result.imported == len(incidents.get(ctx, incident).events)
    second = tmp_path / "second.json"
    exchange.export_json(other.ctx, reference=incident, out=second)
    assert first.read_bytes() == second.read_bytes()
    # And the same once keys are sorted, for a tool that rewrites the file.
    a, b = (json.loads(p.read_text("utf-8")) for p in (first, second))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    # The incident is the same incident: same state, same timeline, same reference.
    mine, theirs = incidents.get(ctx, incident), incidents.get(other.ctx, incident)
    assert theirs.state.postmortem == mine.state.postmortem
    assert [t.text for t in theirs.timeline] == [t.text for t in mine.timeline]
    assert theirs.state.status is Status.RESOLVED


def test_the_document_holds_events_in_full_and_a_readable_summary(ctx, incident):
    doc = exchange.export_document(ctx, reference=incident)
    assert doc["format"] == "mimdesk.incident" and doc["version"] == 1
    assert doc["incident"]["reference"] == incident
    event = doc["events"][0]
    assert set(event) == {
        "id",
        "type",
        "occurred_at",
        "recorded_at",
        "author",
        "desk_id",
        "hlc",
        "payload_v",
        "payload",
    }
    assert event["type"] == "incident.reported"
    assert isinstance(event["hlc"], str) and event["hlc"].isdigit()
    summary = doc["summary"]
    assert summary["title"] == "Payroll export failing for every site"
    assert summary["key_times"]["declared_at"] == "2026-11-28T09:10:00+00:00"
    assert any(r["person"] == ELENI and r["role"] == "mim" for r in summary["roles"])
    assert summary["postmortem"]["authors"] == [ELENI, DMITRY]
    assert [f["number"] for f in summary["follow_ups"]] == ["F1", "F2", "F3"]
    assert len(summary["communications"]) == 3
    assert summary["communications"][0]["body"].startswith("Dear all,")
    entry = next(t for t in summary["timeline"] if t["text"].startswith("First call"))
    assert entry["at"] == "2026-11-28T08:55:00+00:00" and entry["author"] == "Test Desk"
    assert summary["not_applied"][0]["reason"].startswith("cannot go from Resolved")


def test_importing_twice_adds_nothing(ctx, incident, other, tmp_path):
    path = exchange.export_json(ctx, reference=incident, out=tmp_path / "x.json")
    exchange.import_file(other.ctx, path=path)
    count = other.log.count_events()
    again = exchange.import_file(other.ctx, path=path)
    assert again.imported == 0 and again.already_present == count
    assert "already present" in again.sentence()
    assert other.log.count_events() == count
    # Into the database it came from: nothing new either.
    assert exchange.import_file(ctx, path=path).imported == 0


def test_import_names_every_bad_field_and_imports_nothing(ctx, incident, other):
    doc = exchange.export_document(ctx, reference=incident)
    bad = copy.deepcopy(doc)
    bad["events"][12]["occurred_at"] = "2026-11-28 10:00"
    bad["events"][3]["type"] = 42
    bad["events"][5]["payload"] = "text"
    bad["events"][7]["hlc"] = -4
    bad["events"][8]["author"] = {"login": "x"}
    bad["events"][9]["id"] = bad["events"][2]["id"]
    note = next(i for i, e in enumerate(bad["events"]) if e["type"] == "note.added")
    bad["events"][note]["payload"]["kind"] = 7
    with pytest.raises(ImportRefused) as caught:
        exchange.import_document(other.ctx, bad, source="bad.json")
    problems = caught.value.problems
    assert "events[12].occurred_at: not an ISO-8601 time with a zone" in problems[-1] or any(
        p.startswith("events[12].occurred_at: not an ISO-8601 time with a zone") for p in problems
    )
    assert "events[3].type: must be an event type such as note.added, not the number 42" in problems
    assert "events[5].payload: must be an object, not the text 'text'" in problems
    assert "events[7].hlc: is out of range (0 to 2^63-1)" in problems
    assert "events[8].author.name: missing (required)" in problems
    assert "events[9].id: the same id as events[2]" in problems
    # A payload without its type's shape is named with the schema's words for what is wrong
    # (an out-of-vocabulary kind is imported as recorded: test_import_as_recorded.py).
    assert f"events[{note}].payload: kind must be text, not a number" in problems
    assert "Nothing was imported" in str(caught.value)
    assert other.log.count_events() == 0


def test_import_refuses_a_future_format_and_other_documents(ctx, other, tmp_path):
    with pytest.raises(ImportRefused, match="version: 2 is newer than this MIM Desk reads"):
        exchange.import_document(other.ctx, {"format": "mimdesk.incident", "version": 2})
    with pytest.raises(ImportRefused, match=r'format: must be "mimdesk\.incident"'):
        exchange.import_document(other.ctx, {"title": "x"})
    with pytest.raises(ImportRefused, match=r"\(document\): must be an object, not a list"):
        exchange.import_document(other.ctx, [])
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "mimdesk.incident",\n "version": 1,,}', encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"not JSON: .* at line 2, column 15"):
        exchange.import_file(other.ctx, path=broken)


def test_report_must_come_first_and_one_incident_a_file(ctx, incident, other):
    doc = exchange.export_document(ctx, reference=incident)
    late = copy.deepcopy(doc)
    late["events"][4]["hlc"] = "1"
    with pytest.raises(ImportRefused, match=r"events\[4\].hlc: sorts before the incident.reported"):
        exchange.import_document(other.ctx, late)
    two = copy.deepcopy(doc)
    extra = copy.deepcopy(two["events"][0])
    extra["id"] = "01900000-0000-7000-8000-000000000001"
    two["events"].append(extra)
    with pytest.raises(ImportRefused, match=r"a second incident\.reported"):
        exchange.import_document(other.ctx, two)
    changed = copy.deepcopy(doc)
    exchange.import_document(other.ctx, doc)
    changed["events"][1]["payload"]["text"] = "Something else"
    with pytest.raises(ImportRefused, match=r"events\[1\].id: already present here with different"):
        exchange.import_document(other.ctx, changed)


def test_a_minimal_hand_written_events_file(other):
    doc = {
        "format": "mimdesk.incident",
        "version": 1,
        "events": [
            {
                "type": "incident.reported",
                "occurred_at": "2025-03-02T08:10:00+01:00",
                "author": "Chris Doyle",
                "payload": {"title": "Payroll export failed", "severity": "SEV2"},
            },
            {
                "type": "note.added",
                "occurred_at": "2025-03-02T08:05:00+01:00",
                "author": {"name": "Priya Raman", "login": "praman"},
                "payload": {"text": "Job PX-17 failed.", "kind": "observation"},
            },
            {
                "type": "incident.decided",
                "occurred_at": "2025-03-02T08:20:00+01:00",
                "payload": {"decision": "declare", "severity": "SEV2", "rationale": "Payday"},
            },
            {
                "type": "incident.status_changed",
                "occurred_at": "2025-03-02T10:00:00+01:00",
                "payload": {"to": "resolved"},
            },
        ],
    }
    result = exchange.import_document(other.ctx, doc)
    view = incidents.get(other.ctx, result.reference)
    assert view.state.status is Status.RESOLVED
    assert view.state.key_times["declared_at"] == datetime(2025, 3, 2, 7, 20, tzinfo=UTC)
    assert view.timeline[0].text == "Job PX-17 failed."  # it happened first
    assert view.timeline[0].author.name == "Priya Raman"
    assert view.state.reported_by.name == "Chris Doyle"
    assert exchange.import_document(other.ctx, doc).imported == 0  # ids derived from content


BACKFILL = {
    "format": "mimdesk.backfill",
    "version": 1,
    "title": "Email outage at the Leeds office",
    "reported_at": "2025-06-10T09:12:00+01:00",
    "reported_by": "Chris Doyle",
    "severity": "SEV2",
    "impact": "Nobody in Leeds can send or receive e-mail.",
    "users_affected": 300,
    "services": ["E-mail"],
    "impact_started_at": "2025-06-10T08:50:00+01:00",
    "declared_at": "2025-06-10T09:20:00+01:00",
    "mim": "Priya Raman",
    "declaration_rationale": "A whole site without e-mail.",
    "mitigated_at": "2025-06-10T10:05:00+01:00",
    "resolved_at": "2025-06-10T11:30:00+01:00",
    "status": "resolved",
    "external_ref": "INC0012345",
    "roles": [
        {"role": "tech_lead", "person": "Марина Соколова", "at": "2025-06-10T09:25:00+01:00"}
    ],
    "entries": [
        {"at": "2025-06-10T08:55:00+01:00", "author": "Chris Doyle", "text": "First call."},
        {
            "at": "2025-06-10T09:40:00+01:00",
            "author": "Марина Соколова",
            "text": "Mail relay certificate expired; renewing.",
            "kind": "action",
        },
    ],
    "updates": [
        {
            "at": "2025-06-10T09:30:00+01:00",
            "author": "Priya Raman",
            "audience": "executives",
            "channel": "email",
            "subject": "Leeds e-mail down",
            "body": "We are on it.",
        }
    ],
    "postmortem": {"summary": "Expired certificate.", "authors": ["Priya Raman"]},
    "follow_ups": [
        {
            "title": "Monitor certificate expiry",
            "owner": "Марина Соколова",
            "due": "2025-07-01",
            "priority": "high",
            "kind": "detect",
        }
    ],
}


def test_a_backfill_becomes_the_events_a_desk_would_have_written(app, other, tmp_path):
    path = tmp_path / "backfill.json"
    path.write_text(json.dumps(BACKFILL, ensure_ascii=False), encoding="utf-8")
    result = exchange.import_file(other.ctx, path=path)
    assert result.kind == "mimdesk.backfill"
    view = incidents.get(other.ctx, result.reference)
    s = view.state
    assert s.title == "Email outage at the Leeds office"
    assert s.status is Status.RESOLVED and s.severity == "SEV2"
    assert s.holder("mim") == "Priya Raman" and s.holder("tech_lead") == "Марина Соколова"
    assert s.external_ref == "INC0012345"
    assert s.key_times["reported_at"] == datetime(2025, 6, 10, 8, 12, tzinfo=UTC)
    assert s.key_times["declared_at"] == datetime(2025, 6, 10, 8, 20, tzinfo=UTC)
    assert s.key_times["mitigated_at"] == datetime(2025, 6, 10, 9, 5, tzinfo=UTC)
    assert s.key_times["resolved_at"] == datetime(2025, 6, 10, 10, 30, tzinfo=UTC)
    assert s.key_times["impact_started_at"] == datetime(2025, 6, 10, 7, 50, tzinfo=UTC)
    assert s.messages[0].at == datetime(2025, 6, 10, 8, 30, tzinfo=UTC)
    assert s.postmortem["summary"] == "Expired certificate."
    assert [f.title for f in s.followups.values()] == ["Monitor certificate expiry"]
    # Past due: a person could not set it today, a back-fill records it as it was.
    assert [f.due for f in s.followups.values()] == ["2025-07-01"]
    assert not s.conflicts
    notes = {n.text: n for n in s.notes}
    assert notes["Mail relay certificate expired; renewing."].author.name == "Марина Соколова"
    assert notes["First call."].occurred_at == datetime(2025, 6, 10, 7, 55, tzinfo=UTC)
    # Every entry is back-dated: written at the import, with the time it happened.
    assert all(t.backdated for t in view.timeline)
    again = exchange.import_file(other.ctx, path=path)
    assert again.imported == 0 and again.reference == result.reference
    # It exports, and the export round-trips like any other incident.
    out = exchange.export_json(other.ctx, reference=result.reference, out=tmp_path / "e.json")
    assert exchange.import_file(app.ctx, path=out).reference == result.reference
    back = exchange.export_json(app.ctx, reference=result.reference, out=tmp_path / "f.json")
    assert out.read_bytes() == back.read_bytes()


def test_backfill_checks_name_each_bad_field(other):
    bad = copy.deepcopy(BACKFILL)
    bad["entries"][1]["at"] = "yesterday"
    bad["entries"][0]["kind"] = 7
    del bad["resolved_at"]
    bad["users_affected"] = -3
    bad["follow_ups"][0]["due"] = "1 July"
    bad["colour"] = "blue"
    bad["declared_at"] = "2025-06-10T09:00:00+01:00"  # before the report
    with pytest.raises(ImportRefused) as caught:
        exchange.import_document(other.ctx, bad)
    problems = caught.value.problems
    assert any(p.startswith("entries[1].at: not an ISO-8601 time with a zone") for p in problems)
    # A kind this desk does not know is kept as recorded; one that is not text is refused.
    assert "entries[0].kind: must be text, not the number 7" in problems
    assert "resolved_at: missing (required when status is resolved)" in problems
    assert any(p.startswith("users_affected: must be a whole number") for p in problems)
    assert any(p.startswith("follow_ups[0].due:") for p in problems)
    assert any(p.startswith("colour: is not a field of a back-fill") for p in problems)
    assert any(p.startswith("declared_at: is before reported_at") for p in problems)
    assert other.log.count_events() == 0
    future = copy.deepcopy(BACKFILL)
    future["reported_at"] = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    with pytest.raises(ImportRefused, match=r"reported_at: .* is in the future"):
        exchange.import_document(other.ctx, future)


def test_cli_export_import_and_check(app, ctx, incident, other, tmp_path, capsys):
    db, other_db = str(app.database), str(other.database)
    out = tmp_path / "cli.json"
    assert main(["--db", db, "export", incident, "--json", str(out)]) == 0
    assert main(["--db", other_db, "import", str(out), "--check"]) == 0
    assert "OK" in capsys.readouterr().out
    assert main(["--db", other_db, "import", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"Imported {incident}:")
    assert main(["--db", other_db, "import", str(out)]) == 0
    assert "already present" in capsys.readouterr().out
    bad = json.loads(out.read_text("utf-8"))
    bad["events"][2]["occurred_at"] = "noon"
    out.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["--db", other_db, "import", str(out)]) == 2
    err = capsys.readouterr().err
    assert "events[2].occurred_at: not an ISO-8601 time with a zone" in err
    assert "nothing was imported" in err


def test_the_format_is_documented_beside_the_code():
    from mimdesk.resources import resource_path

    doc = resource_path("schemas", "incident-export-v1.md").read_text("utf-8")
    for word in ("mimdesk.incident", "mimdesk.backfill", "occurred_at", "hlc", "already present"):
        assert word in doc
    assert "mimdesk.backfill" in (fmt.__doc__ or "")
    assert set(fmt.INCIDENT_TYPES) >= {EventType.NOTE_ADDED, EventType.FOLLOWUP_ADDED}


def test_a_reference_taken_here_is_lengthened_and_said(ctx, incident, other):
    import uuid

    doc = exchange.export_document(ctx, reference=incident)
    exchange.import_document(other.ctx, doc)
    # Another incident that picked the same short reference offline (its id sorts later).
    twin = copy.deepcopy(doc)
    twin["incident"]["id"] = "ffffffff-ffff-7fff-bfff-ffffffffffff"
    for event in twin["events"]:
        event["id"] = str(uuid.uuid4())
    seen = []
    result = exchange.import_document(
        other.ctx, twin, progress=lambda done, total: seen.append(done)
    )
    assert result.reference != incident
    assert f"The file calls it {incident}" in result.sentence()
    assert incidents.get(other.ctx, incident).state.stream_id == doc["incident"]["id"]
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
