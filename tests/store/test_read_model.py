"""The read model: one cached view per incident, brought up to date without a re-fold.

The work is counted from outside the code under test: SQL statements through sqlite3's trace
callback, and folds through a counting wrapper around the domain's fold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from mimdesk.domain import folding, hlc
from mimdesk.domain.events import Event, EventType
from mimdesk.domain.ids import new_id
from mimdesk.store import read_model
from mimdesk.store.event_rows import to_row
from mimdesk.store.eventlog import EventLog
from tests.domain.evfactory import normalised
from tests.store.conftest import T0
from tests.support.statements import FULL_READ, NEW_ROWS


@dataclass
class Work:
    statements: list[str] = field(default_factory=list)
    folds: int = 0

    def full_reads(self) -> int:
        return sum(1 for s in self.statements if FULL_READ.search(s))

    def new_row_reads(self) -> int:
        return sum(1 for s in self.statements if NEW_ROWS.search(s))

    def clear(self) -> None:
        self.statements.clear()
        self.folds = 0


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Work:
    counted = Work()
    real_fold = folding.fold

    def counting_fold(events):
        counted.folds += 1
        return real_fold(events)

    monkeypatch.setattr(folding, "fold", counting_fold)
    return counted


def traced(log: EventLog, work: Work) -> None:
    @event.listens_for(log.engine, "connect")
    def _trace(dbapi_conn, _record):
        dbapi_conn.set_trace_callback(work.statements.append)

    log.engine.dispose()  # new connections get the callback


@pytest.fixture
def incident_log(
    open_log: Callable[..., EventLog], make_event: Callable[..., Event]
) -> Iterator[tuple[EventLog, str]]:
    log = open_log()
    sid = new_id()
    log.append([make_event(sid, EventType.INCIDENT_REPORTED)])
    log.append([make_event(sid) for _ in range(200)])
    yield log, sid


def test_a_view_is_read_and_folded_once_then_kept(
    incident_log: tuple[EventLog, str], work: Work
) -> None:
    log, sid = incident_log
    traced(log, work)
    model = read_model.ReadModel(log)
    first = model.incident(sid)
    assert first is not None
    assert (work.full_reads(), work.folds) == (1, 1)
    work.clear()
    again = model.incident(sid)
    assert again is first
    assert (work.full_reads(), work.new_row_reads(), work.folds) == (0, 0, 0)


def test_appended_events_are_applied_without_reading_or_folding_the_stream(
    incident_log: tuple[EventLog, str], work: Work, make_event: Callable[..., Event]
) -> None:
    log, sid = incident_log
    model = read_model.ReadModel(log)
    before = model.incident(sid)
    assert before is not None
    before_state = normalised(before.state)
    traced(log, work)
    log.append([make_event(sid, payload={"text": "new", "kind": "decision"})])
    work.clear()
    after = model.incident(sid)
    assert after is not None
    assert (work.full_reads(), work.new_row_reads(), work.folds) == (0, 1, 0)
    assert after.state.notes[-1].text == "new"
    assert normalised(after.state) == normalised(folding.fold(log.stream(sid)))
    # the earlier snapshot is untouched: a reader holding it sees what it saw
    assert normalised(before.state) == before_state
    assert len(after.events) == len(before.events) + 1


def test_a_late_event_from_another_desk_folds_again_in_memory(
    incident_log: tuple[EventLog, str], work: Work, make_event: Callable[..., Event]
) -> None:
    log, sid = incident_log
    model = read_model.ReadModel(log)
    assert model.incident(sid) is not None
    early = hlc.pack(int((T0 + timedelta(seconds=30)).timestamp() * 1000), 0)
    late = make_event(sid, payload={"text": "late", "kind": "observation"}, hlc_value=early)
    log.apply_pulled([{**to_row(late), "server_seq": 999}])  # as the sync hands it over
    traced(log, work)
    work.clear()
    after = model.incident(sid)
    assert after is not None
    assert work.full_reads() == 0  # the new row alone was read
    assert work.folds == 1
    assert [e.event_id for e in after.events] == [e.event_id for e in log.stream(sid)]
    assert normalised(after.state) == normalised(folding.fold(log.stream(sid)))


def test_another_process_writing_the_same_file_is_seen(
    incident_log: tuple[EventLog, str],
    open_log: Callable[..., EventLog],
    make_event: Callable[..., Event],
    tmp_path: Path,
) -> None:
    log, sid = incident_log
    model = read_model.ReadModel(log)
    assert model.incident(sid) is not None
    other = open_log(tmp_path / "store.sqlite3")
    other.append([make_event(sid, payload={"text": "from the CLI", "kind": "action"})])
    after = model.incident(sid)
    assert after is not None
    assert after.state.notes[-1].text == "from the CLI"


def test_restamped_events_are_read_again(
    open_log: Callable[..., EventLog], make_event: Callable[..., Event], work: Work
) -> None:
    log = open_log()
    sid = new_id()
    future = hlc.pack(int((T0 + timedelta(days=30)).timestamp() * 1000), 0)
    log.append([make_event(sid, EventType.INCIDENT_REPORTED, desk=log.desk_id)])
    log.append([make_event(sid, desk=log.desk_id, hlc_value=future + i) for i in range(3)])
    model = read_model.ReadModel(log)
    before = model.incident(sid)
    assert before is not None
    moved = log.restamp_pending(int((T0 + timedelta(days=1)).timestamp() * 1000), 0)
    assert moved == 3
    traced(log, work)
    work.clear()
    after = model.incident(sid)
    assert after is not None and after is not before
    assert work.full_reads() == 1
    assert [e.hlc for e in after.events] == [e.hlc for e in log.stream(sid)]


def test_the_timeline_is_built_only_when_asked_for_and_once(
    incident_log: tuple[EventLog, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log, sid = incident_log
    builds: list[int] = []
    real_build = read_model.timeline.build

    def counting_build(events, state):
        builds.append(len(events))
        return real_build(events, state)

    monkeypatch.setattr(read_model.timeline, "build", counting_build)
    snapshot = read_model.ReadModel(log).incident(sid)
    assert snapshot is not None
    assert builds == []
    assert len(snapshot.timeline) == len(snapshot.timeline) == 201
    assert builds == [201]


def test_an_unknown_stream_has_no_view(open_log: Callable[..., EventLog]) -> None:
    assert read_model.ReadModel(open_log()).incident(new_id()) is None
