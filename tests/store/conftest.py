"""Store fixtures: real SQLite files opened the way the app opens them."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mimdesk.domain import hlc, schema
from mimdesk.domain.events import Author, Event, EventType
from mimdesk.domain.ids import new_id
from mimdesk.store.eventlog import EventLog
from mimdesk.store.sqlite import open_database

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
REMOTE = Author("Remote Desk", "remote")


@pytest.fixture
def open_log(tmp_path: Path) -> Iterator[Callable[..., EventLog]]:
    """Open (or reopen) an event log on a database file; all are closed at the end."""
    logs: list[EventLog] = []

    def _open(path: Path | None = None) -> EventLog:
        engine, _backup = open_database(path or tmp_path / "store.sqlite3")
        log = EventLog(engine)
        logs.append(log)
        return log

    yield _open
    for log in logs:
        log.close()


@pytest.fixture
def make_event() -> Callable[..., Event]:
    """Events from any desk, one second apart unless an HLC is given."""
    counter = itertools.count(1)

    def _make(
        stream_id: str,
        type: str = EventType.NOTE_ADDED,
        payload: dict[str, Any] | None = None,
        *,
        desk: str = "desk-far",
        hlc_value: int | None = None,
        author: Author = REMOTE,
        occurred: datetime | None = None,
    ) -> Event:
        n = next(counter)
        when = T0 + timedelta(seconds=n)
        if payload is None:
            payload = (
                {"title": f"Incident {n}"}
                if type == EventType.INCIDENT_REPORTED
                else {"text": f"note {n}", "kind": "observation"}
            )
        return Event(
            event_id=new_id(),
            stream_id=stream_id,
            type=type,
            payload=schema.decode(type, 1, payload),
            author=author,
            desk_id=desk,
            hlc=hlc.pack(int(when.timestamp() * 1000), 0) if hlc_value is None else hlc_value,
            occurred_at=occurred or when,
            recorded_at=when,
        )

    return _make
