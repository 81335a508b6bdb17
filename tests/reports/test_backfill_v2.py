"""Version 2 of the back-fill (issue 16, point 8): each element a real incident needs, the
example the format's document gives, the checks that name what is wrong, and version 1 files
read exactly as before."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mimdesk import exchange as fmt
from mimdesk.cli import main
from mimdesk.domain.payloads import CadenceSet, Decided, FollowUpAdded, MessageSent, NoteAdded
from mimdesk.resources import resource_path
from mimdesk.usecases import exchange, incidents
from mimdesk.usecases.exchange import ImportRefused
from tests.reports.test_export import BACKFILL

LONDON = ZoneInfo("Europe/London")
DOCUMENT = resource_path("schemas", "incident-export-v1.md")


def _v2(**more: Any) -> dict[str, Any]:
    """A small version 2 back-fill of a resolved major incident, with ``more`` over it."""
    doc: dict[str, Any] = {
        "format": "mimdesk.backfill",
        "version": 2,
        "zone": "Europe/London",
        "title": "Card payments failing",
        "status": "resolved",
        "reported_at": "2025-06-08T14:00:00+01:00",
        "declared_at": "2025-06-08T14:20:00+01:00",
        "mitigated_at": "2025-06-08T16:00:00+01:00",
        "resolved_at": "2025-06-08T17:00:00+01:00",
    }
    doc.update(more)
    return doc


def _problems(ctx: Any, doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        exchange.import_document(ctx, doc)
    return caught.value.problems


def _example_from_the_document() -> dict[str, Any]:
    text = DOCUMENT.read_text("utf-8")
    section = text[text.index("### 2.1 Version 2") :]
    block = re.search(r"```json\n(.*?)```", section, re.DOTALL)
    assert block is not None
    example: dict[str, Any] = json.loads(block.group(1))
    return example


def test_the_documented_example_imports_with_each_new_element(ctx, tmp_path, capsys):
    example = _example_from_the_document()
    assert example["version"] == 2
    path = tmp_path / "example.json"
    path.write_text(json.dumps(example, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", str(ctx.log.engine.url.database), "import", str(path)]) == 0
    ref = capsys.readouterr().out.split()[1].rstrip(":")
    view = incidents.get(ctx, ref)
    s = view.state
    assert not s.conflicts, [c.reason for c in s.conflicts]
    assert s.declared_formally is False and s.key_times["declared_at"] is None
    assert s.time_precision == {
        "impact_started_at": "day",
        "reported_at": "hour",
        "impact_ended_at": "hour",
    }
    assert s.users_affected is None  # "about 1,000-5,000": a range is not a count
    assert s.postmortem["impact_users"] == "about 1,000-5,000 EU customers"
    assert s.postmortem["related_incidents"] == "MI-7KQ4F"
    assert s.postmortem["links"].count("\n") == 1
    assert s.cadence == {"executives": 60, "customers": 30}
    assert s.roles["SRE on call for pg_dump"].note == "Took over from the night shift."
    assert {n.kind for n in s.notes} == {
        "detection",
        "escalation",
        "communication",
        "status",
        "decision",
        "other",
    }
    priorities = sorted(f.priority for f in s.followups.values())
    assert priorities == ["", "high"]
    # As the document says it is shown.
    first = view.timeline[0]
    assert first.text == "Customers report failed payments on social media."
    assert first.when(LONDON) == "8 June 2025, time not known"
    update = next(t for t in view.timeline if t.text.startswith("Update sent to executives"))
    assert update.when(LONDON) == "time not known"
    assert main(["--db", str(ctx.log.engine.url.database), "show", ref, "--timeline"]) == 0
    shown = capsys.readouterr().out
    assert "8 June 2025, time not known" in shown
    assert "SRE on call for pg_dump" in shown and "Sre on call" not in shown


def test_a_role_is_kept_exactly_as_written_up_to_200_characters(ctx):
    role = "SRE on call for pg_dump"
    long_role = "R" * 200
    doc = _v2(
        roles=[
            {"role": role, "person": "Ana Costa", "note": "Took the bridge."},
            {"role": long_role, "person": "Ben Okafor", "at": "2025-06-08T14:30:00+01:00"},
        ]
    )
    view = incidents.get(ctx, exchange.import_document(ctx, doc).reference)
    assert set(view.state.roles) == {role, long_role}
    texts = [t.text for t in view.timeline if t.kind == "role"]
    assert "Ana Costa is SRE on call for pg_dump: Took the bridge." in texts
    assert view.state.roles[long_role].since == datetime(2025, 6, 8, 13, 30, tzinfo=UTC)
    # Without a time of its own, a role is held from the declaration.
    assert view.state.roles[role].since == view.state.key_times["declared_at"]
    too_long = _v2(roles=[{"role": "R" * 201, "person": "Ana Costa"}])
    assert any(p.startswith("roles[0].role: is 201 characters") for p in _problems(ctx, too_long))


def test_never_declared_needs_saying_so_and_has_no_declared_time(ctx):
    missing = _v2()
    del missing["declared_at"]
    (problem,) = _problems(ctx, missing)
    assert problem == (
        "declared_at: missing (required when status is resolved; if it was never formally "
        'declared, write "declared": false)'
    )
    assert any(
        p.startswith('declared_at: given, but "declared" is false')
        for p in _problems(ctx, _v2(declared=False))
    )
    assert any(
        p.startswith("declared: false is for a major incident")
        for p in _problems(ctx, {**missing, "status": "candidate", "declared": False})
    )
    assert "declared: must be true or false, not the text 'no'" in _problems(
        ctx, {**missing, "declared": "no"}
    )
    informal = exchange.import_document(ctx, {**missing, "declared": False})
    view = incidents.get(ctx, informal.reference)
    assert view.state.declared_formally is False
    assert view.state.key_times["declared_at"] is None
    assert view.state.severity == ""  # a severity may be unknown in version 2
    decision = next(e for e in view.events if isinstance(e.payload, Decided))
    assert decision.payload.formal is False
    assert decision.occurred_at == view.state.key_times["reported_at"]
    assert "Handled as a major incident, never formally declared" in [t.text for t in view.timeline]


def test_times_with_a_precision_and_updates_nobody_timed(ctx):
    doc = _v2(
        impact_started_at={"at": "2025-06-08", "precision": "day"},
        detected_at={"at": "2025-06-08T13:40:00+01:00", "precision": "hour"},
        entries=[
            {"at": "2025-06-08", "precision": "day", "text": "Complaints on social media."},
            {"at": "2025-06-08T15:10:00+01:00", "precision": "minute", "text": "Failover."},
        ],
        updates=[
            {"precision": "unknown", "audience": "executives", "subject": "Payments"},
            {"at": "2025-06-08T15:00:00+01:00", "precision": "hour", "audience": "customers"},
        ],
    )
    view = incidents.get(ctx, exchange.import_document(ctx, doc).reference)
    s = view.state
    assert s.time_precision == {"impact_started_at": "day", "detected_at": "hour"}
    # A day without a time sorts at noon in the file's zone.
    assert s.key_times["impact_started_at"] == datetime(2025, 6, 8, 11, 0, tzinfo=UTC)
    notes = {n.text: n for n in s.notes}
    assert notes["Complaints on social media."].precision == "day"
    assert notes["Failover."].precision == ""  # "minute" is what no precision means
    by_audience = {m.audience: m for m in s.messages}
    assert by_audience["executives"].precision == "unknown"
    assert by_audience["executives"].at == s.key_times["declared_at"]
    assert by_audience["customers"].precision == "hour"
    shown = {t.text: t.when(LONDON) for t in view.timeline}
    assert shown["Complaints on social media."] == "8 June 2025, time not known"
    assert shown["Update sent to executives by other means: Payments"] == "time not known"
    assert shown["Update sent to customers by other means"] == (
        "2025-06-08 around 15:00 BST (to the hour)"
    )
    assert shown["Failover."] == "2025-06-08 15:10 BST"
    # The precision change reads in words, in the key times' order.
    assert (
        "How precisely key times are known: impact started to the day; detected to the hour"
        in shown
    )
    # Only the rough ones are rough: the report's entry is to the minute.
    assert shown["Reported: Card payments failing"] == "2025-06-08 14:00 BST"


def test_rough_times_are_checked_with_their_path(ctx):
    doc = _v2(
        zone="Mars/Olympus",
        impact_started_at={"at": "2025-06-08", "precision": "week"},
        detected_at={"at": "2025-06-08", "precision": "day", "why": "x"},
        entries=[
            {"at": "2025-06-08T10:00:00+01:00", "precision": "unknown", "text": "x"},
            {"precision": "hour", "text": "y"},
            {"at": "2025-06-08", "text": "no precision, so a day is not a time"},
            {"at": "2025-06-08T10:00:00+01:00", "txt": "typo"},
        ],
        updates=[
            {"at": "2025-06-08T10:00:00+01:00", "precision": "unknown", "audience": "x"},
            {"at": "2025-06-08T09:00:00+01:00", "precision": "hour", "audience": "x"},
        ],
        closed_at={"at": "2025-06-09T10:00:00+01:00", "precision": "hour"},
        status="closed",
    )
    problems = _problems(ctx, doc)
    expected_starts = [
        "zone: 'Mars/Olympus' is not a time zone's name",
        "impact_started_at.precision: the text 'week' is not one of minute, hour, day",
        "detected_at.why: is not a field of a time",
        'detected_at.at: a day without a time needs the file\'s "zone"',
        "entries[0].precision: the text 'unknown' is not one of minute, hour, day",
        "entries[1].at: missing (required)",
        "entries[2].at: not an ISO-8601 time with a zone",
        "entries[3].txt: is not a field of an entry",
        'updates[0].at: given, but the precision is "unknown": leave the time out',
        "updates[1].at: 2025-06-08T08:00:00+00:00, where this update sorts, is before the "
        "declaration",
        "closed_at: give it to the minute, or leave it out",
    ]
    for start in expected_starts:
        assert any(p.startswith(start) for p in problems), (start, problems)
    assert ctx.log.count_events() == 0


def test_users_affected_as_a_number_or_a_line_with_a_number(ctx):
    plain = incidents.get(
        ctx, exchange.import_document(ctx, _v2(users_affected="3,000 EU customers")).reference
    )
    assert plain.state.users_affected == 3000
    assert plain.state.postmortem["impact_users"] == "3,000 EU customers"
    estimate = incidents.get(
        ctx,
        exchange.import_document(
            ctx, _v2(title="Another", users_affected="about 1,000–5,000 EU customers")
        ).reference,
    )
    assert estimate.state.users_affected is None
    assert estimate.state.postmortem["impact_users"] == "about 1,000–5,000 EU customers"
    (problem,) = _problems(ctx, _v2(title="Third", users_affected="lots of them"))
    assert problem.startswith("users_affected: Users affected 'lots of them' holds no number")
    twice = _v2(title="Fourth", users_affected="about 10", postmortem={"impact_users": "10"})
    assert _problems(ctx, twice) == [
        "postmortem.impact_users: given, and users_affected is a text too: give the users "
        "affected once"
    ]


def test_postmortem_measures_lists_and_dates(ctx):
    doc = _v2(
        postmortem={
            "impact_data_lost": "about 6 hours of database data",
            "published_duration": "about 18 hours",
            "links": ["https://example.org/a", "  ", "https://example.org/b"],
            "approved_on": "2025-06-20",
            "approver": "Priya Raman",
        }
    )
    s = incidents.get(ctx, exchange.import_document(ctx, doc).reference).state
    assert s.postmortem["links"] == "https://example.org/a\nhttps://example.org/b"
    assert s.postmortem["impact_data_lost"] == "about 6 hours of database data"
    assert s.postmortem["published_duration"] == "about 18 hours"
    bad = _v2(
        title="Bad",
        postmortem={"impact_money": "a lot", "approved_on": "20 June", "links": [1]},
    )
    problems = _problems(ctx, bad)
    assert any(
        p.startswith("postmortem.impact_money: Money 'a lot' holds no number") for p in problems
    )
    assert "postmortem.approved_on: the text '20 June' is not a date in the form YYYY-MM-DD" in (
        problems
    )
    assert "postmortem.links: must be text, not a list" in problems


def test_cadences_are_written_only_when_the_file_gives_them(ctx):
    with_cadences = incidents.get(
        ctx,
        exchange.import_document(ctx, _v2(cadences={"executives": 60, "it_staff": 0})).reference,
    )
    sets = [e for e in with_cadences.events if isinstance(e.payload, CadenceSet)]
    declared = with_cadences.state.key_times["declared_at"]
    assert [(e.payload.audience, e.payload.minutes, e.occurred_at) for e in sets] == [
        ("executives", 60, declared),
        ("it_staff", 0, declared),
    ]
    decision = next(e for e in with_cadences.events if isinstance(e.payload, Decided))
    assert decision.payload.cadences == {"executives": 60, "it_staff": 0}
    without = incidents.get(ctx, exchange.import_document(ctx, _v2(title="Other")).reference)
    assert not [e for e in without.events if isinstance(e.payload, CadenceSet)]
    decision = next(e for e in without.events if isinstance(e.payload, Decided))
    assert decision.payload.cadences is None
    assert (
        "cadences"
        not in exchange.export_document(ctx, reference=without.reference)["events"][1]["payload"]
    )
    problems = _problems(ctx, _v2(title="Bad", cadences={"executives": -5, "x": "hourly"}))
    assert "cadences.executives: must be whole minutes (0 for none), not the number -5" in problems


def test_version_1_keeps_its_meaning_and_refuses_what_version_2_added(ctx):
    v1 = copy.deepcopy(BACKFILL)
    v1["follow_ups"][0].pop("priority", None)
    parsed = fmt.parse(v1, now=ctx.now(), author=ctx.author, desk_id=ctx.log.desk_id)
    (follow_up,) = [e.payload for e in parsed.events if isinstance(e.payload, FollowUpAdded)]
    assert follow_up.priority == "medium"  # as version 1 always recorded it
    as_v2 = fmt.parse(
        {**v1, "version": 2}, now=ctx.now(), author=ctx.author, desk_id=ctx.log.desk_id
    )
    (follow_up,) = [e.payload for e in as_v2.events if isinstance(e.payload, FollowUpAdded)]
    assert follow_up.priority == ""
    # A version 1 file writes no key version 2 added, so its ids are the release's.
    for event in parsed.events:
        if isinstance(event.payload, NoteAdded | MessageSent):
            assert event.payload.precision == ""
            assert "precision" not in fmt.event_record(event)["payload"]
    newer = {
        **copy.deepcopy(BACKFILL),
        "declared": False,
        "zone": "UTC",
        "users_affected": "about 300",
        "impact_started_at": {"at": "2025-06-10T07:50:00+00:00", "precision": "hour"},
    }
    newer["roles"][0]["note"] = "x"
    problems = _problems(ctx, newer)
    for path in ("declared", "zone", "roles[0].note"):
        assert any(
            p.startswith(f"{path}: ")
            and 'new in version 2 of the back-fill: write "version": 2' in p
            for p in problems
        ), (path, problems)
    assert any(p.startswith("users_affected: must be a whole number") for p in problems)
    assert any(p.startswith("impact_started_at: not an ISO-8601 time") for p in problems)


def test_a_file_in_another_format_is_pointed_to_the_document(ctx, tmp_path, capsys):
    (problem,) = _problems(ctx, {"format": "pagerduty.postmortem", "version": 1})
    assert problem.startswith(
        'format: must be "mimdesk.incident" or "mimdesk.backfill", not the text '
        "'pagerduty.postmortem'; both are described in resources/schemas/incident-export-v1.md"
    )
    # The path of the copy this installation holds, which a person can open.
    held = Path(problem.split("(")[-1].rstrip(")"))
    assert held == DOCUMENT and held.is_file()
    assert "### 2.1 Version 2" in held.read_text("utf-8")
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"title": "An incident from another tool"}), encoding="utf-8")
    assert main(["--db", str(ctx.log.engine.url.database), "import", str(path)]) == 2
    assert "resources/schemas/incident-export-v1.md" in capsys.readouterr().err
    # A newer back-fill than this desk reads says which it reads; the incident format is 1.
    assert _problems(ctx, _v2(version=3)) == [
        "version: 3 is newer than this MIM Desk reads (2); update MIM Desk"
    ]
    assert _problems(ctx, {"format": "mimdesk.incident", "version": 2}) == [
        "version: 2 is newer than this MIM Desk reads (1); update MIM Desk"
    ]
