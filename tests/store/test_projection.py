"""The summary projection kept current event by event: always what a full fold gives."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event

from mimdesk.domain import hlc
from mimdesk.domain.events import EventType
from mimdesk.domain.folding import fold
from mimdesk.domain.ids import new_id
from mimdesk.domain.summary import summarise
from mimdesk.store.eventlog import EventLog

BASE = hlc.pack(1_900_000_000_000, 0)
PEOPLE = ["Ana Costa", "Ben Carter", "Lucy Tran"]


def table(path: Path) -> list[tuple[object, ...]]:
    """Every summary row as stored, every column (last_hlc and search_text too)."""
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT * FROM incident_summary ORDER BY stream_id").fetchall()
    finally:
        con.close()


def random_events(rng: random.Random, make_event, sid: str, count: int) -> list:
    """An incident's events from three desks, with HLCs that interleave and tie."""
    events = [make_event(sid, EventType.INCIDENT_REPORTED, desk="desk-a", hlc_value=BASE)]
    for n in range(count):
        desk = rng.choice(["desk-a", "desk-b", "desk-c"])
        at = BASE + rng.randint(1, count * 2)
        kind = rng.random()
        if kind < 0.25:
            type, payload = EventType.FIELD_CHANGED, {"field": "title", "value": f"Title {n}"}
        elif kind < 0.4:
            to = rng.choice(["declared", "investigating", "resolved"])
            type, payload = EventType.STATUS_CHANGED, {"to": to}
        elif kind < 0.55:
            type, payload = EventType.ROLE_ASSIGNED, {"role": "mim", "person": rng.choice(PEOPLE)}
        else:
            type, payload = EventType.NOTE_ADDED, None
        events.append(make_event(sid, type, payload, desk=desk, hlc_value=at))
    return events


@pytest.mark.parametrize("seed", range(6))
def test_appends_in_any_order_leave_the_summary_a_full_fold_gives(
    open_log, make_event, tmp_path, seed
):
    """Mostly in order (the fast path), with late events, events before the report, and a
    second log on the same file appending in between (another process)."""
    rng = random.Random(seed)
    path = tmp_path / "store.sqlite3"
    one, other = open_log(path), open_log(path)
    ordered, late = [], []
    for sid in (new_id(), new_id()):
        events = sorted(random_events(rng, make_event, sid, 60), key=lambda e: e.sort_key)
        # A few arrive last, sorting before what is already there.
        late += [events.pop(rng.randrange(1, len(events))) for _ in range(6)]
        ordered += events
    ordered.sort(key=lambda e: e.sort_key)  # the two incidents interleave
    first = ordered[:20]  # these in any order, the reports among them
    rng.shuffle(first)
    pending = first + ordered[20:] + late
    while pending:
        size = rng.choice([1, 1, 1, 2, 5])
        batch, pending = pending[:size], pending[size:]
        log = one if rng.random() < 0.8 else other
        log.append(batch)
        for sid in {e.stream_id for e in batch}:
            stored = log.summary(sid)
            stream = log.stream(sid)
            if stored is None:
                assert all(e.type != EventType.INCIDENT_REPORTED for e in stream)
                continue
            assert stored == summarise(fold(stream), stored.reference)
    kept = table(path)
    assert len(kept) == 2
    assert one.rebuild_projections() == 2
    assert table(path) == kept


@contextmanager
def statements(log: EventLog) -> Iterator[list[str]]:
    """The SQL statements SQLite runs for ``log`` inside the block, as sqlite3 traces them."""
    seen: list[str] = []

    def trace(dbapi_con: sqlite3.Connection, _record: object, _proxy: object) -> None:
        dbapi_con.set_trace_callback(seen.append)

    event.listen(log.engine, "checkout", trace)
    try:
        yield seen
    finally:
        event.remove(log.engine, "checkout", trace)


def test_appending_to_a_folded_incident_reads_no_event_back(open_log, make_event):
    log = open_log()
    sid = new_id()
    log.append([make_event(sid, EventType.INCIDENT_REPORTED)])
    log.append([make_event(sid) for _ in range(50)])
    with statements(log) as seen:
        log.append([make_event(sid)])
    selects = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert not [s for s in selects if " FROM event" in s], seen
    # The clock stored by another process on the file is the one thing read.
    assert len(selects) == 1, seen
    # A note changes no indexed column of the summary, so no index entry is written again.
    (summary_update,) = [s for s in seen if s.startswith("UPDATE incident_summary")]
    assert "status" not in summary_update.split("WHERE")[0]
    assert log.summary(sid).event_count == 52
