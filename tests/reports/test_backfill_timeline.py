"""The timeline of a back-fill shows each time as precisely as it is known (issue 16, point 8),
and a time a person sets later on the desk is theirs, to the minute."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mimdesk.domain import timeline as timeline_mod
from mimdesk.domain.events import Author, Event
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.payloads import FieldChanged
from mimdesk.usecases import exchange, incidents
from mimdesk.usecases import timeline as timeline_usecase
from mimdesk.usecases.exchange import ImportRefused

LONDON = ZoneInfo("Europe/London")


def _backfill() -> dict[str, Any]:
    return {
        "format": "mimdesk.backfill",
        "version": 2,
        "zone": "Europe/London",
        "title": "Card payments failing",
        "status": "mitigated",
        "reported_at": "2025-06-08T14:00:00+01:00",
        "declared_at": {"at": "2025-06-08T14:20:00+01:00", "precision": "hour"},
        "mitigated_at": {"at": "2025-06-08T18:00:00+01:00", "precision": "day"},
        "mim": "Priya Raman",
        "entries": [
            {"at": "2025-06-08", "precision": "day", "text": "Complaints on social media."}
        ],
    }


def test_each_entry_says_how_precisely_its_time_is_known(ctx):
    view = incidents.get(ctx, exchange.import_document(ctx, _backfill()).reference)
    shown = {t.text: (t.precision, t.exact, t.when(LONDON)) for t in view.timeline}
    assert shown["Reported: Card payments failing"] == ("", True, "2025-06-08 14:00 BST")
    hour = ("hour", False, "2025-06-08 around 14:00 BST (to the hour)")
    # The declaration, and what was written with it (the MIM's assignment), share its time.
    assert shown["Declared a major incident"] == hour
    assert shown["Priya Raman is Major Incident Manager"] == hour
    day = ("day", False, "8 June 2025, time not known")
    assert shown["Status: Mitigated"] == day
    assert shown["Complaints on social media."] == day
    assert shown["How precisely key times are known: declared to the hour; mitigated to the day"]


def test_a_day_alone_that_would_sort_before_the_declaration_is_refused(ctx):
    # At noon, 8 June would come before the declaration at 14:20: the file must say where.
    early = {**_backfill(), "mitigated_at": {"at": "2025-06-08", "precision": "day"}}
    with pytest.raises(ImportRefused) as caught:
        exchange.import_document(ctx, early)
    assert caught.value.problems == [
        "mitigated_at: is before declared_at: the incident cannot reach it first (a day alone "
        "sorts at noon: give a time that day, with its precision)"
    ]
    assert ctx.log.count_events() == 0


def test_a_time_a_person_corrects_is_theirs_to_the_minute(ctx, clock):
    ref = exchange.import_document(ctx, _backfill()).reference
    note = next(t for t in incidents.get(ctx, ref).timeline if t.is_note)
    assert note.precision == "day"
    exact = datetime(2025, 6, 8, 12, 40, tzinfo=UTC)
    timeline_usecase.correct(ctx, reference=ref, target=note.event_id, occurred_at=exact)
    again = next(t for t in incidents.get(ctx, ref).timeline if t.event_id == note.event_id)
    assert again.occurred_at == exact
    assert (again.precision, again.when(LONDON)) == ("", "2025-06-08 13:40 BST")


def test_a_precision_change_reads_in_words_whatever_it_holds():
    state = IncidentState(stream_id="s")
    event = Event(
        event_id="e1",
        stream_id="s",
        type="incident.field_changed",
        payload=FieldChanged(
            field="time_precision", value={"impact_started_at": "day", "resolved_at": 3}
        ),
        author=Author("Ana Costa", ""),
        desk_id="d",
        hlc=1,
        occurred_at=datetime(2025, 6, 8, 12, 0, tzinfo=UTC),
        recorded_at=datetime(2025, 6, 9, 12, 0, tzinfo=UTC),
    )
    (entry,) = timeline_mod.build([event], state)
    assert entry.text == (
        "How precisely key times are known: impact started to the day; resolved as recorded, 3"
    )


def test_a_key_time_set_at_the_desk_is_known_to_the_minute_again(app, ctx, tmp_path):
    """A back-fill says the impact started some time on a day; a person who later sets the
    time at the desk gives it to the minute, and the rough precision goes."""
    import json

    from mimdesk.cli import main
    from mimdesk.usecases import incidents

    source = tmp_path / "rough.json"
    source.write_text(
        json.dumps(
            {
                "format": "mimdesk.backfill",
                "version": 2,
                "zone": "UTC",
                "title": "Rough start",
                "reported_at": "2025-06-08T12:00:00+00:00",
                "impact_started_at": {"at": "2025-06-08", "precision": "day"},
                "status": "candidate",
            }
        ),
        encoding="utf-8",
    )
    db = str(tmp_path / "desk.sqlite3")
    assert main(["--db", db, "import", str(source)]) == 0
    ref = incidents.list_incidents(ctx)[0].reference
    assert incidents.get(ctx, ref).state.time_precision == {"impact_started_at": "day"}
    assert main(["--db", db, "set", ref, "impact_started_at", "2025-06-08 09:40"]) == 0
    assert incidents.get(ctx, ref).state.time_precision == {}
