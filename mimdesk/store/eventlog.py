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
from sqlalchemy.engine import Connection

from mimdesk.domain.events import Author, Event
from mimdesk.domain.hlc import HybridClock
from mimdesk.domain.summary import IncidentSummary
from mimdesk.store import record_trust, signatures
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
        rows = [to_row(e) for e in events]
        with self.projection.updating(), self.file.translated(), self.file.write() as conn:
            self._sign(conn, rows)
            driver(conn).executemany(_INSERT, [_bound(r) for r in rows])
            for stream_id in {e.stream_id for e in events}:
                self.projection.project(
                    conn, stream_id, [e for e in events if e.stream_id == stream_id]
                )
            self.file.advance_clock(conn, (e.hlc for e in events))

    def _sign(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Sign this desk's new events. Another desk's (from an import) keep the signature
        they came with: this desk cannot sign for another."""
        signer = self.file.signer
        if signer is None:
            return
        mine = [r for r in rows if r["desk_id"] == self.desk_id and not r["signature"]]
        if not mine or not signer.public_key:
            return  # no key to sign with: the entries are kept all the same
        if not self.file.own_key_pinned:
            now = max(r["recorded_at"] for r in mine)
            if not record_trust.pin(conn, self.desk_id, signer.public_key, now):
                record_trust.raise_alarm(
                    conn,
                    record_trust.AlarmKind.KEY_CHANGED,
                    desk_id=self.desk_id,
                    shown={"public_key": signer.public_key},
                    found_at=now,
                )
            self.file.own_key_pinned = True
        for row in mine:
            row["signature"] = signer.sign(signatures.signed_bytes(row))

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

    # ---- the record's authenticity (record_trust.py) ----------------------------------------

    def alarms(self) -> list[record_trust.Alarm]:
        with self.file.translated(), self.file.read() as conn:
            return record_trust.alarms(conn)

    def alarm_count(self) -> int:
        with self.file.translated(), self.file.read() as conn:
            return record_trust.alarm_count(conn)

    def desk_keys(self) -> dict[str, record_trust.DeskKeys]:
        with self.file.translated(), self.file.read() as conn:
            return record_trust.desk_keys(conn)

    def check_signatures(
        self,
    ) -> tuple[dict[record_trust.Verdict, int], list[tuple[str, str, record_trust.Verdict]]]:
        with self.file.translated(), self.file.read() as conn:
            return record_trust.check_log(conn)

    def stamped_logins(self) -> list[tuple[str, Author, str]]:
        """(event id, author, login) of every event the shared database stamped a login on."""
        with self.file.translated(), self.file.read() as conn:
            rows = conn.execute(
                select(
                    event_table.c.event_id,
                    event_table.c.author_name,
                    event_table.c.author_login,
                    event_table.c.db_login,
                ).where(event_table.c.db_login != "")
            ).all()
        return [(r[0], Author(r[1], r[2]), r[3]) for r in rows]

    def integrity(self) -> str:
        """SQLite's full integrity check: "ok", or the first problem it names."""
        with self.file.translated(), self.file.driver_read() as raw:
            row = raw.execute("PRAGMA integrity_check(1)").fetchone()
        return str(row[0]) if row else "no answer"

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

    def compare_shared(self, rows: Sequence[Mapping[str, Any]]) -> int:
        return self.ledger.compare_shared(rows)

    def unacknowledge(self, event_ids: Sequence[str]) -> int:
        return self.ledger.unacknowledge(event_ids)

    def restamp_pending(self, newest_ms: int, now_ms: int) -> int:
        return self.ledger.restamp_pending(newest_ms, now_ms)
