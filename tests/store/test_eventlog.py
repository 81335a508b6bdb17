"""The event log on a real SQLite file: round trips, order, atomicity, the projection, the HLC."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from mimdesk.app import open_app
from mimdesk.domain import hlc
from mimdesk.domain.events import Author, EventType
from mimdesk.domain.folding import fold
from mimdesk.domain.ids import new_id
from mimdesk.domain.summary import summarise
from mimdesk.errors import MimDeskError
from mimdesk.store.eventlog import EventLog
from mimdesk.store.sqlite import open_database
from mimdesk.usecases import incidents, roles, timeline
from tests.support.decided import declare, reject
from tests.support.recorded import as_json

ODD_TEXTS = {
    "emoji": "🔥 Mail down 👩🏽‍💻🏳️‍🌈 ✅",
    "rtl": "البريد لا يعمل \u200f שלום עולם \u202eevil\u202c",
    "combining": "Zoe\u0308 Cafe\u0301 \u1100\u1161\u11a8",
    "zero_width": "a\u200bb\u200dc\ufeffd",
    "control": "".join(chr(c) for c in range(1, 32)) + "\x7f\u0085\u2028\u2029",
    "quotes": "'\"\\ `$(rm -rf /)` ; DROP TABLE event; --",
    "astral": "𝔐𝔦𝔪 \U0010fffd \U0001f600",
    "huge": "x" * 40_000 + "ü" * 30_000 + "漢" * 30_000,
}


@pytest.mark.parametrize("name", list(ODD_TEXTS))
def test_payload_round_trips_exactly(open_log, make_event, name):
    log = open_log()
    text = ODD_TEXTS[name]
    sid = new_id()
    payload = {
        "text": text,
        "kind": "decision",  # not the default, which the codec leaves out
        "nested": {"list": [text, 1, 2.5, None, True, {"k": text}], "big": 2**62},
        text[:50]: "a key that is odd too",
    }
    reported = make_event(sid, EventType.INCIDENT_REPORTED, {"title": text[:200]})
    note = make_event(sid, payload=payload, author=Author(text[:200], "lögin"))
    log.append([reported, note])
    log.close()
    reopened = open_log()
    assert reopened.stream(sid) == [reported, note]
    stored = reopened.stream(sid)[1]
    assert as_json(stored.payload) == payload
    assert stored.occurred_at == note.occurred_at
    assert stored.occurred_at.utcoffset() == timedelta(0)


def test_huge_text_is_stored_whole(open_log, make_event):
    log = open_log()
    sid = new_id()
    text = "".join(chr(0x41 + i % 26) for i in range(100_000))
    log.append([make_event(sid, payload={"text": text, "kind": "observation"})])
    (stored,) = log.stream(sid)
    assert len(as_json(stored.payload)["text"]) == 100_000
    assert as_json(stored.payload)["text"] == text


def test_stream_reads_in_sort_order_whatever_the_append_order(open_log, make_event):
    log = open_log()
    sid = new_id()
    base = hlc.pack(1_900_000_000_000, 0)
    late = make_event(sid, desk="desk-a", hlc_value=base + 5)
    tie_b = make_event(sid, desk="desk-b", hlc_value=base + 1)
    tie_a = make_event(sid, desk="desk-a", hlc_value=base + 1)
    first = make_event(sid, EventType.INCIDENT_REPORTED, desk="desk-z", hlc_value=base)
    log.append([late])
    log.append([tie_b, tie_a])
    log.append([first])
    assert log.stream(sid) == [first, tie_a, tie_b, late]
    # all_events keeps the local arrival order.
    assert [e.event_id for e in log.all_events()] == [
        e.event_id for e in (late, tie_b, tie_a, first)
    ]
    assert log.count_events() == 4


def test_a_batch_is_all_or_nothing(open_log, make_event):
    log = open_log()
    sid = new_id()
    reported = make_event(sid, EventType.INCIDENT_REPORTED)
    log.append([reported])
    before = log.summary(sid)
    fresh = make_event(sid)
    with pytest.raises(MimDeskError):
        log.append([fresh, reported])  # the second is already in the log
    assert [e.event_id for e in log.stream(sid)] == [reported.event_id]
    assert log.summary(sid) == before
    # The log is still usable and its projection still right.
    log.append([fresh])
    assert log.summary(sid).event_count == 2


def test_an_empty_append_writes_nothing(open_log):
    log = open_log()
    log.append([])
    assert log.count_events() == 0


def projection(log: EventLog):
    return sorted(log.summaries(), key=lambda s: s.stream_id)


def busy_desk(ctx, clock) -> list[str]:
    """A few incidents taken through statuses, roles, fields and notes."""
    refs = []
    for n in range(4):
        summary, _ = incidents.report(ctx, title=f"Incident {n}", severity="SEV2")
        refs.append(summary.reference)
        clock.advance(minutes=1)
    declare(ctx, refs[0])
    incidents.change_status(ctx, reference=refs[0], to="resolved")
    reject(ctx, refs[1])
    roles.assign(ctx, reference=refs[2], role="mim", person="Ann Lee")
    incidents.change_field(ctx, reference=refs[2], field="title", value="Renamed")
    for i in range(5):
        timeline.add_note(ctx, reference=refs[3], text=f"note {i}")
        clock.advance(seconds=20)
    return refs


def test_projection_is_kept_current_and_equals_a_rebuild(app, ctx, clock):
    busy_desk(ctx, clock)
    current = projection(app.log)
    for summary in current:
        events = app.log.stream(summary.stream_id)
        assert summarise(fold(events), summary.reference) == summary
    assert app.log.rebuild_projections() == 4
    assert projection(app.log) == current


def test_rebuild_reports_progress(app, ctx, clock):
    busy_desk(ctx, clock)
    seen = []
    app.log.rebuild_projections(lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_two_logs_on_one_file_keep_the_projection_right(app, ctx, clock):
    """The GUI and the CLI (or two windows) append to the same file."""
    other = open_app(db=app.database, env=os.environ, now=clock)
    try:
        summary, _ = incidents.report(ctx, title="Shared")
        ref = summary.reference
        timeline.add_note(ctx, reference=ref, text="from the first")
        timeline.add_note(other.ctx, reference=ref, text="from the second")
        declare(other.ctx, ref, mim="Bo Chan")
        clock.advance(seconds=1)
        timeline.add_note(ctx, reference=ref, text="first again")
        current = app.log.summary(summary.stream_id)
        assert current.event_count == 6
        assert current.status.value == "declared"
        assert current.mim == "Bo Chan"
        assert projection(app.log) == projection(other.log)
        app.log.rebuild_projections()
        assert app.log.summary(summary.stream_id) == current
    finally:
        other.close()


def test_a_late_event_that_sorts_earlier_is_folded_in_its_place(open_log, make_event):
    log = open_log()
    sid = new_id()
    base = hlc.pack(1_900_000_000_000, 0)
    log.append([make_event(sid, EventType.INCIDENT_REPORTED, hlc_value=base)])
    log.append(
        [
            make_event(
                sid,
                EventType.FIELD_CHANGED,
                {"field": "title", "value": "New"},
                hlc_value=base + 10,
            )
        ]
    )
    # A desk that was offline wrote an older title change; it sorts before the newer one.
    log.append(
        [
            make_event(
                sid,
                EventType.FIELD_CHANGED,
                {"field": "title", "value": "Old"},
                desk="desk-offline",
                hlc_value=base + 5,
            )
        ]
    )
    assert log.summary(sid).title == "New"
    assert log.summary(sid).event_count == 3
    before = projection(log)
    log.rebuild_projections()
    assert projection(log) == before


def test_events_before_their_report_are_kept_and_projected_once_it_arrives(open_log, make_event):
    log = open_log()
    sid = new_id()
    base = hlc.pack(1_900_000_000_000, 0)
    note = make_event(sid, hlc_value=base + 2)
    log.append([note])
    assert log.summary(sid) is None
    log.append([make_event(sid, EventType.INCIDENT_REPORTED, hlc_value=base + 1)])
    assert log.summary(sid).event_count == 2


def test_summaries_filter_and_search(app, ctx, clock):
    a, _ = incidents.report(ctx, title="Straße closed: 100% of users")
    b, _ = incidents.report(ctx, title="user_db down")
    c, _ = incidents.report(ctx, title="Printer jam", services=["Floor 3"])
    declare(ctx, a.reference)
    reject(ctx, c.reference)

    def refs(**kw):
        return {s.reference for s in app.log.summaries(**kw)}

    assert refs(filter="active") == {a.reference}
    assert refs(filter="candidates") == {b.reference}
    assert refs(filter="all") == {a.reference, b.reference, c.reference}
    assert refs(search="STRASSE") == {a.reference}
    assert refs(search="100%") == {a.reference}
    assert refs(search="%") == {a.reference}
    assert refs(search="_") == {b.reference}
    assert refs(search="floor printer") == {c.reference}
    assert refs(search="floor mail") == set()
    assert refs(filter="recent", since=clock.now + timedelta(days=1)) == set()
    assert len(app.log.summaries(limit=2)) == 2
    with pytest.raises(ValueError):
        app.log.summaries(filter="everything")


def test_desk_id_is_kept_and_differs_per_database(open_log, tmp_path):
    first = open_log(tmp_path / "one.sqlite3")
    desk = first.desk_id
    first.close()
    assert open_log(tmp_path / "one.sqlite3").desk_id == desk
    assert open_log(tmp_path / "two.sqlite3").desk_id != desk


# ---- the desk's clock, persisted ----------------------------------------------------------


def test_hlc_continues_above_the_last_value_after_reopening(app, ctx, clock):
    summary, _ = incidents.report(ctx, title="Clock test")
    for _ in range(3):
        timeline.add_note(ctx, reference=summary.reference, text="same millisecond")
    last = max(e.hlc for e in app.log.stream(summary.stream_id))
    assert hlc.counter(last) == 3
    app.close()
    # The wall clock was set back an hour while the app was closed.
    clock.advance(hours=-1)
    again = open_app(db=app.database, env=os.environ, now=clock)
    try:
        assert again.log.clock.last == last
        event_id, _ = timeline.add_note(again.ctx, reference=summary.reference, text="after")
        new = {e.event_id: e for e in again.log.stream(summary.stream_id)}[event_id]
        assert new.hlc > last
        assert again.log.stream(summary.stream_id)[-1].event_id == event_id
    finally:
        again.close()


def test_an_event_from_a_desk_ahead_moves_the_clock_on(app, ctx, clock, make_event):
    summary, _ = incidents.report(ctx, title="Skewed desks")
    ahead = hlc.pack(int((clock.now + timedelta(hours=2)).timestamp() * 1000), 7)
    app.log.append([make_event(summary.stream_id, desk="desk-ahead", hlc_value=ahead)])
    event_id, _ = timeline.add_note(ctx, reference=summary.reference, text="written after")
    stream = app.log.stream(summary.stream_id)
    assert stream[-1].event_id == event_id  # what was written after sorts after
    app.close()
    engine, _ = open_database(app.database)
    reopened = EventLog(engine)
    try:
        assert reopened.clock.last > ahead
    finally:
        reopened.close()


def test_persisted_hlc_never_moves_back_with_two_logs_on_one_file(open_log, tmp_path, make_event):
    path = tmp_path / "shared.sqlite3"
    a, b = open_log(path), open_log(path)
    sid = new_id()
    high = hlc.pack(1_990_000_000_000, 0)
    a.append([make_event(sid, EventType.INCIDENT_REPORTED, hlc_value=high)])
    # b's own clock knows nothing of a's; its next event is older by its wall clock.
    b.append([make_event(sid, hlc_value=b.tick(1_900_000_000_000))])
    assert open_log(path).clock.last >= high
