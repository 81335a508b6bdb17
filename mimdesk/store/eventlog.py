"""The event log repository: append events, read streams; the store's one entry point.

Statement-based; returns domain objects (never live ORM rows), so callers on any thread hold
plain data. Each append is one transaction holding the events, the summary rows and the
desk's clock, so a crash leaves either all of it or none.

EventLog is the log itself and the front of its two companions, which share its file
(logfile.py): the incident summaries (projection.py) and the replication ledger
(replication.py). Their methods are reached through it, so callers hold one object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from mimdesk.domain.events import Event
from mimdesk.domain.hlc import HybridClock
from mimdesk.domain.summary import IncidentSummary
from mimdesk.store.event_rows import EVENT_COLUMNS, to_event, to_row
from mimdesk.store.fileguard import close_engine
from mimdesk.store.logfile import CHUNK, LogFile, driver, read_stream
from mimdesk.store.models import UTCDateTime, event_table, time_to_text
from mimdesk.store.projection import SummaryProjection
from mimdesk.store.replication import ReplicationLedger

# (name, whether it holds a time) of every column an append writes; seq is SQLite's.
_COLUMNS = [
    (c.name, isinstance(c.type, UTCDateTime)) for c in event_table.columns if c.name != "seq"
]
_INSERT = (
    f"INSERT INTO event ({', '.join(name for name, _ in _COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_COLUMNS))})"
)


def _bound(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """An event row as sqlite3 binds it in _INSERT (times as the column stores them)."""
    return tuple(time_to_text(row[name]) if is_time else row[name] for name, is_time in _COLUMNS)


class EventLog:
    """The local log. Thread-safe: one lock serialises this desk's writers."""

    def __init__(self, engine: Engine, *, before_write: Callable[[], None] | None = None) -> None:
        self.file = LogFile(engine, before_write=before_write)
        self.projection = SummaryProjection(self.file)
        self.ledger = ReplicationLedger(self.file, self.projection)
        self.file.clock_offset_ms = self.ledger.stored_clock_offset()

    @property
    def engine(self) -> Engine:
        return self.file.engine

    @property
    def desk_id(self) -> str:
        return self.file.desk_id

    @property
    def clock(self) -> HybridClock:
        return self.file.clock

    @property
    def clock_offset_ms(self) -> int:
        return self.file.clock_offset_ms

    # ---- writing ------------------------------------------------------------------------

    def tick(self, now_ms: int) -> int:
        """The HLC of a new event of this desk at wall time ``now_ms``."""
        return self.file.tick(now_ms)

    def append(self, events: Sequence[Event]) -> None:
        """Write events durably, with their summaries, in one transaction."""
        if not events:
            return
        with self.projection.updating(), self.file.translated(), self.file.write() as conn:
            driver(conn).executemany(_INSERT, [_bound(to_row(e)) for e in events])
            for stream_id in {e.stream_id for e in events}:
                self.projection.project(
                    conn, stream_id, [e for e in events if e.stream_id == stream_id]
                )
            self.file.advance_clock(conn, (e.hlc for e in events))

    # ---- reading ------------------------------------------------------------------------

    def stream(self, stream_id: str) -> list[Event]:
        with self.file.translated(), self.file.read() as conn:
            return read_stream(conn, stream_id)

    def count_events(self) -> int:
        with self.file.read() as conn:
            return conn.execute(select(func.count()).select_from(event_table)).scalar() or 0

    def streams_of(self, event_ids: Iterable[str]) -> dict[str, str]:
        """Which of these event ids the log holds, each with its stream id."""
        wanted = list(event_ids)
        found: dict[str, str] = {}
        with self.file.read() as conn:
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                rows = conn.execute(
                    select(event_table.c.event_id, event_table.c.stream_id).where(
                        event_table.c.event_id.in_(chunk)
                    )
                )
                found.update({row[0]: row[1] for row in rows})
        return found

    def streams_holding(self, types: Iterable[str], among: Iterable[str]) -> set[str]:
        """Which of the streams ``among`` hold an event of one of ``types``: asked of the
        database, without reading and decoding their events."""
        wanted, kinds = list(among), list(types)
        found: set[str] = set()
        with self.file.read() as conn:
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                rows = conn.execute(
                    select(event_table.c.stream_id)
                    .where(event_table.c.stream_id.in_(chunk), event_table.c.type.in_(kinds))
                    .distinct()
                )
                found.update(row[0] for row in rows)
        return found

    def all_events(self) -> Iterable[Event]:
        """Every event, in local arrival order."""
        with self.file.read() as conn:
            yield from (
                to_event(r)
                for r in conn.execute(select(*EVENT_COLUMNS).order_by(event_table.c.seq))
            )

    def close(self) -> None:
        close_engine(self.file.engine)

    # ---- the incident summaries (projection.py) -------------------------------------------

    def summary(self, stream_id: str) -> IncidentSummary | None:
        return self.projection.summary(stream_id)

    def summaries(
        self,
        filter: str = "all",
        search: str = "",
        *,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[IncidentSummary]:
        """Incident summaries, most recently updated first."""
        return self.projection.summaries(filter, search, since=since, limit=limit)

    def find(self, reference: str) -> list[IncidentSummary]:
        """Incidents whose reference (or id) matches what a person typed."""
        return self.projection.find(reference)

    def rebuild_projections(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Throw the summaries away and build them again from the log; returns incidents."""
        return self.projection.rebuild(progress)

    # ---- replication (replication.py, for mimdesk.sync) -------------------------------------

    def sync_state(self) -> dict[str, str]:
        return self.ledger.sync_state()

    def set_sync_state(self, values: Mapping[str, str | None]) -> None:
        self.ledger.set_sync_state(values)

    def pending_count(self) -> int:
        return self.ledger.pending_count()

    def pending_rows(self, limit: int) -> list[dict[str, Any]]:
        return self.ledger.pending_rows(limit)

    def mark_pushed(self, seqs: Mapping[str, int]) -> None:
        self.ledger.mark_pushed(seqs)

    def apply_pulled(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        state: Mapping[str, str | None] | None = None,
        before_commit: Callable[[], None] | None = None,
    ) -> list[str]:
        return self.ledger.apply_pulled(rows, state=state, before_commit=before_commit)

    def reset_sync(self, values: Mapping[str, str | None]) -> None:
        self.ledger.reset_sync(values)

    def acknowledged_pairs(self) -> Iterable[tuple[str, str, int]]:
        return self.ledger.acknowledged_pairs()

    def acknowledged_ids(self, stream_id: str) -> dict[str, int]:
        return self.ledger.acknowledged_ids(stream_id)

    def unacknowledge(self, event_ids: Sequence[str]) -> int:
        return self.ledger.unacknowledge(event_ids)

    def restamp_pending(self, newest_ms: int, now_ms: int) -> int:
        return self.ledger.restamp_pending(newest_ms, now_ms)
