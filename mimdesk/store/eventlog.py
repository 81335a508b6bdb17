"""The event log repository: append events, read streams, keep the summary projection.

Statement-based; returns domain objects (never live ORM rows), so callers on any thread hold
plain data. Each append is one transaction holding the events, the projection rows and the
desk's clock, so a crash leaves either all of it or none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from threading import RLock
from typing import Any

from sqlalchemy import Engine, Row, bindparam, delete, func, insert, inspect, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from mimdesk import errors
from mimdesk.domain import incident, schema
from mimdesk.domain.events import Author, Event, EventType
from mimdesk.domain.hlc import COUNTER_MASK, HybridClock, pack
from mimdesk.domain.ids import new_id
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.lifecycle import ACTIVE, Status
from mimdesk.domain.summary import IncidentSummary, search_text
from mimdesk.store.fileguard import close_engine, write_guard
from mimdesk.store.models import EventRow, IncidentSummaryRow, MetaRow, SyncStateRow
from mimdesk.store.sqlite import translate

LONG_REFERENCE = 7

_EVENT_COLUMNS = (
    EventRow.event_id,
    EventRow.stream_id,
    EventRow.type,
    EventRow.payload,
    EventRow.author_name,
    EventRow.author_login,
    EventRow.desk_id,
    EventRow.hlc,
    EventRow.occurred_at,
    EventRow.recorded_at,
    EventRow.payload_v,
    EventRow.server_seq,
)

_SUMMARY = IncidentSummaryRow.__table__

# Filters of the incident list.
FILTERS = ("active", "candidates", "recent", "all")


def _to_event(row: Sequence[Any]) -> Event:
    return Event(
        event_id=row[0],
        stream_id=row[1],
        type=row[2],
        payload=schema.loads(row[2], row[10], row[3]),
        author=Author(row[4], row[5]),
        desk_id=row[6],
        hlc=row[7],
        occurred_at=row[8],
        recorded_at=row[9],
        payload_v=row[10],
        server_seq=row[11],
    )


def _dict_to_event(r: Mapping[str, Any]) -> Event:
    return Event(
        event_id=r["event_id"],
        stream_id=r["stream_id"],
        type=r["type"],
        payload=schema.loads(r["type"], r["payload_v"], r["payload"]),
        author=Author(r["author_name"], r["author_login"]),
        desk_id=r["desk_id"],
        hlc=r["hlc"],
        occurred_at=r["occurred_at"],
        recorded_at=r["recorded_at"],
        payload_v=r["payload_v"],
        server_seq=r.get("server_seq"),
    )


def _to_row(e: Event) -> dict[str, Any]:
    version, payload = schema.dumps(e.payload)
    return {
        "event_id": e.event_id,
        "stream_id": e.stream_id,
        "type": e.type,
        "payload_v": version,
        "payload": payload,
        "hlc": e.hlc,
        "desk_id": e.desk_id,
        "author_name": e.author.name,
        "author_login": e.author.login,
        "occurred_at": e.occurred_at,
        "recorded_at": e.recorded_at,
        "server_seq": e.server_seq,
    }


def _to_summary(row: Row[Any]) -> IncidentSummary:
    return IncidentSummary(
        stream_id=row.stream_id,
        reference=row.reference,
        title=row.title,
        status=Status(row.status),
        severity=row.severity,
        mim=row.mim,
        reported_at=row.reported_at,
        declared_at=row.declared_at,
        resolved_at=row.resolved_at,
        updated_at=row.updated_at,
        event_count=row.event_count,
        decision=row.decision,
        decided_at=row.decided_at,
    )


class EventLog:
    """The local log. Thread-safe: one lock serialises this desk's writers."""

    def __init__(self, engine: Engine, *, before_write: Callable[[], None] | None = None) -> None:
        self.engine = engine
        self._lock = RLock()
        # Runs inside every write transaction before anything is written (by default the
        # engine's FileGuard: the file must still be the one opened).
        guard = write_guard(engine)
        self._before_write = before_write or (guard.check if guard is not None else None)
        # Folded states of incidents this process has projected, so that appending a note
        # to a long incident does not fold it again from the start.
        self._states: dict[str, IncidentState] = {}
        with self._begin() as conn:
            self.desk_id = self._meta(conn, "desk_id") or self._init_meta(conn, "desk_id", new_id())
            hlc = self._meta(conn, "hlc") or self._init_meta(conn, "hlc", "0")
            self.clock = HybridClock(int(hlc))
            # The last measured offset of this desk's clock to the shared database's: new
            # events are stamped with wall time + offset, so a wrong OS clock does little harm.
            offset = self._sync_values(conn).get("clock_offset_ms") or "0"
            self.clock_offset_ms = int(offset) if offset.lstrip("-").isdigit() else 0

    # ---- transactions -------------------------------------------------------------------

    def _begin(self, write: bool = False):  # noqa: ANN202
        if write:
            return self._write_transaction()
        return self.engine.begin()

    @contextmanager
    def _write_transaction(self) -> Iterator[Connection]:
        if self._before_write is not None:
            # Before BEGIN: after a swap the guard checkpoints, which a transaction would block.
            self._before_write()
        with self.engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
            yield conn

    def _guard(self, exc: DBAPIError) -> errors.MimDeskError:
        return translate(Path(self.engine.url.database or "?"), exc.orig or exc)

    @staticmethod
    def _meta(conn: Connection, key: str) -> str | None:
        return conn.execute(select(MetaRow.value).where(MetaRow.key == key)).scalar()

    @staticmethod
    def _init_meta(conn: Connection, key: str, value: str) -> str:
        conn.execute(insert(MetaRow).values(key=key, value=value))
        return value

    # ---- writing ------------------------------------------------------------------------

    def tick(self, now_ms: int) -> int:
        with self._lock:
            return self.clock.tick(now_ms + self.clock_offset_ms)

    def append(self, events: Sequence[Event]) -> None:
        """Write events durably, with their projections, in one transaction."""
        if not events:
            return
        streams = {e.stream_id for e in events}
        with self._lock:
            try:
                with self._begin(write=True) as conn:
                    conn.execute(insert(EventRow), [_to_row(e) for e in events])
                    for stream_id in streams:
                        self._project(
                            conn, stream_id, [e for e in events if e.stream_id == stream_id]
                        )
                    # The clock moves past every event appended (some come from other desks)
                    # and past what another process on this file stored; it never moves back.
                    stored = int(self._meta(conn, "hlc") or 0)
                    self.clock.last = max(self.clock.last, stored, *(e.hlc for e in events))
                    hlc = str(self.clock.last)
                    conn.execute(update(MetaRow).where(MetaRow.key == "hlc").values(value=hlc))
                    if conn.execute(select(func.count()).where(MetaRow.key == "hlc")).scalar() == 0:
                        self._init_meta(conn, "hlc", hlc)
            except DBAPIError as exc:
                for stream_id in streams:
                    self._states.pop(stream_id, None)
                raise self._guard(exc) from None
            except Exception:
                for stream_id in streams:
                    self._states.pop(stream_id, None)
                raise

    def _project(self, conn: Connection, stream_id: str, new: list[Event]) -> None:
        state = self._states.get(stream_id)
        new.sort(key=lambda e: e.sort_key)
        if state is not None and not self._is_current(conn, state):
            state = None  # another process on this file (the CLI, a second window) appended
        if state is not None and new[0].sort_key > state.last_key:
            for e in new:
                incident.apply(state, e)
        else:
            stream = self._read_stream(conn, stream_id)
            if not any(e.type == EventType.INCIDENT_REPORTED for e in stream):
                return  # not an incident, or its first event has not arrived yet
            state = incident.fold(stream)
            self._states[stream_id] = state
        self._upsert_summary(conn, state)

    @staticmethod
    def _is_current(conn: Connection, state: IncidentState) -> bool:
        """Whether a cached state has folded every event the projection has seen."""
        stored = conn.execute(
            select(IncidentSummaryRow.event_count).where(
                IncidentSummaryRow.stream_id == state.stream_id
            )
        ).scalar()
        return stored == state.event_count

    def _upsert_summary(self, conn: Connection, state: IncidentState) -> None:
        if not state.reference:
            return
        values = {
            "title": state.title[:300],
            "status": state.status.value,
            "severity": state.severity[:20],
            "mim": state.holder("mim")[:200],
            "reported_at": state.key_times["reported_at"],
            "declared_at": state.key_times["declared_at"],
            "resolved_at": state.key_times["resolved_at"],
            "decision": state.decision.decision if state.decision else "",
            "decided_at": state.decisions[0].at if state.decisions else None,
            "updated_at": state.updated_at,
            "event_count": state.event_count,
            "last_hlc": state.last_hlc,
            "search_text": search_text(state),
        }
        found = conn.execute(
            update(IncidentSummaryRow)
            .where(IncidentSummaryRow.stream_id == state.stream_id)
            .values(**values)
        ).rowcount
        if found:
            return
        base = state.reference
        clashing = list(
            conn.execute(
                select(IncidentSummaryRow.stream_id).where(
                    IncidentSummaryRow.base_reference == base
                )
            ).scalars()
        )
        conn.execute(
            insert(IncidentSummaryRow).values(
                stream_id=state.stream_id,
                base_reference=base,
                # A placeholder that cannot clash, settled just below.
                reference=f"~{state.stream_id[-19:]}",
                **values,
            )
        )
        # Two desks picked the same short reference offline: the incident whose id sorts
        # first keeps it and the others take a longer one, the same on every desk.
        owners = sorted([*clashing, state.stream_id])
        # Every owner lets go of its reference before any takes its new one: the incident
        # arriving now may sort first and take the short reference another one held.
        for sid in owners:
            conn.execute(
                update(IncidentSummaryRow)
                .where(IncidentSummaryRow.stream_id == sid)
                .values(reference=f"~{sid[-19:]}")
            )
        for position, sid in enumerate(owners):
            ref = base if position == 0 else incident.reference_for(sid, LONG_REFERENCE)
            conn.execute(
                update(IncidentSummaryRow)
                .where(IncidentSummaryRow.stream_id == sid)
                .values(reference=ref)
            )

    def rebuild_projections(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Throw the projection away and build it again from the log; returns incidents."""
        with self._lock:
            self._states.clear()
            try:
                with self._begin(write=True) as conn:
                    conn.execute(delete(IncidentSummaryRow))
                    streams = list(
                        conn.execute(
                            select(EventRow.stream_id)
                            .where(EventRow.type == EventType.INCIDENT_REPORTED.value)
                            .order_by(EventRow.seq)
                        ).scalars()
                    )
                    for done, stream_id in enumerate(streams, 1):
                        state = incident.fold(self._read_stream(conn, stream_id))
                        self._upsert_summary(conn, state)
                        if progress:
                            progress(done, len(streams))
            except DBAPIError as exc:
                # A full disk fails the commit; the transaction rolls back, so the old
                # projection stands, and the cache (cleared above) refills as it is read.
                raise self._guard(exc) from None
            return len(streams)

    # ---- reading ------------------------------------------------------------------------

    @staticmethod
    def _read_stream(conn: Connection, stream_id: str) -> list[Event]:
        rows = conn.execute(
            select(*_EVENT_COLUMNS)
            .where(EventRow.stream_id == stream_id)
            .order_by(EventRow.hlc, EventRow.desk_id, EventRow.event_id)
        )
        return [_to_event(r) for r in rows]

    def stream(self, stream_id: str) -> list[Event]:
        try:
            with self._begin() as conn:
                return self._read_stream(conn, stream_id)
        except DBAPIError as exc:
            raise self._guard(exc) from None

    def summary(self, stream_id: str) -> IncidentSummary | None:
        with self._begin() as conn:
            row = conn.execute(
                select(_SUMMARY).where(IncidentSummaryRow.stream_id == stream_id)
            ).first()
            return _to_summary(row) if row else None

    def summaries(
        self,
        filter: str = "all",
        search: str = "",
        *,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[IncidentSummary]:
        """Incident summaries, most recently updated first."""
        query = select(_SUMMARY)
        if filter == "active":
            query = query.where(IncidentSummaryRow.status.in_([s.value for s in ACTIVE]))
        elif filter == "candidates":
            query = query.where(IncidentSummaryRow.status == Status.CANDIDATE.value)
        elif filter == "recent" and since is not None:
            query = query.where(IncidentSummaryRow.updated_at >= since)
        elif filter not in FILTERS:
            raise ValueError(f"unknown filter {filter!r}")
        for word in search.casefold().split():
            # The search text is stored case-folded; escape LIKE's wildcards in what was typed.
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(
                or_(IncidentSummaryRow.search_text.like(f"%{escaped}%", escape="\\"))
            )
        query = query.order_by(IncidentSummaryRow.updated_at.desc())
        if limit:
            query = query.limit(limit)
        try:
            with self._begin() as conn:
                return [_to_summary(r) for r in conn.execute(query)]
        except DBAPIError as exc:
            raise self._guard(exc) from None

    def find(self, reference: str) -> list[IncidentSummary]:
        """Incidents whose reference (or id) matches what a person typed."""
        with self._begin() as conn:
            rows = conn.execute(
                select(_SUMMARY).where(
                    or_(
                        IncidentSummaryRow.reference == reference,
                        IncidentSummaryRow.stream_id == reference.lower(),
                    )
                )
            ).all()
            if not rows and len(reference) >= 4:
                # A prefix of a reference, typed: its % and _ are characters, not wildcards
                # ("show %" found any incident).
                typed = reference.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                rows = conn.execute(
                    select(_SUMMARY).where(
                        IncidentSummaryRow.reference.like(f"{typed}%", escape="\\")
                    )
                ).all()
            return [_to_summary(r) for r in rows]

    def count_events(self) -> int:
        with self._begin() as conn:
            return conn.execute(select(func.count()).select_from(EventRow)).scalar() or 0

    def streams_of(self, event_ids: Iterable[str]) -> dict[str, str]:
        """Which of these event ids the log holds, each with its stream id."""
        wanted = list(event_ids)
        found: dict[str, str] = {}
        with self._begin() as conn:
            # Chunked: SQLite caps the number of bound parameters in one statement.
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows = conn.execute(
                    select(EventRow.event_id, EventRow.stream_id).where(
                        EventRow.event_id.in_(chunk)
                    )
                )
                found.update({row[0]: row[1] for row in rows})
        return found

    def all_events(self) -> Iterable[Event]:
        with self._begin() as conn:
            yield from (
                _to_event(r) for r in conn.execute(select(*_EVENT_COLUMNS).order_by(EventRow.seq))
            )

    # ---- replication (mimdesk.sync) --------------------------------------------------------
    #
    # An event is "pending" until the shared database has acknowledged it: its server_seq is
    # NULL. Pulled events arrive with their server_seq. Every method is one local transaction.

    @staticmethod
    def _sync_values(conn: Connection) -> dict[str, str]:
        if not inspect(conn).has_table(SyncStateRow.__tablename__):
            return {}
        return dict(conn.execute(select(SyncStateRow.key, SyncStateRow.value)).all())

    @staticmethod
    def _put_sync_values(conn: Connection, values: Mapping[str, str | None]) -> None:
        for key, value in values.items():
            if value is None:
                conn.execute(delete(SyncStateRow).where(SyncStateRow.key == key))
                continue
            stmt = sqlite_insert(SyncStateRow).values(key=key, value=str(value))
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["key"], set_={"value": stmt.excluded.value}
                )
            )

    def sync_state(self) -> dict[str, str]:
        """This desk's sync bookkeeping (pull_cursor, log_epoch, last_ok_at, ...)."""
        with self._begin() as conn:
            return self._sync_values(conn)

    def set_sync_state(self, values: Mapping[str, str | None]) -> None:
        """Set (or, with None, remove) sync bookkeeping values, in one transaction."""
        with self._lock:
            try:
                with self._begin(write=True) as conn:
                    self._put_sync_values(conn, values)
            except DBAPIError as exc:
                raise self._guard(exc) from None
        if "clock_offset_ms" in values:
            self.clock_offset_ms = int(values["clock_offset_ms"] or 0)

    def pending_count(self) -> int:
        """Events not yet acknowledged by the shared database."""
        with self._begin() as conn:
            return (
                conn.execute(
                    select(func.count()).select_from(EventRow).where(EventRow.server_seq.is_(None))
                ).scalar()
                or 0
            )

    def pending_rows(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` pending events, oldest first, as stored (the payload is the JSON
        text exactly as written, so it is relayed verbatim)."""
        with self._begin() as conn:
            rows = conn.execute(
                select(*_EVENT_COLUMNS[:-1])
                .where(EventRow.server_seq.is_(None))
                .order_by(EventRow.seq)
                .limit(limit)
            )
            return [dict(r._mapping) for r in rows]

    def mark_pushed(self, seqs: Mapping[str, int]) -> None:
        """Record the shared database's seq of each pushed event (it left the outbox)."""
        if not seqs:
            return
        with self._lock:
            try:
                with self._begin(write=True) as conn:
                    self._ack(conn, seqs)
            except DBAPIError as exc:
                raise self._guard(exc) from None

    @staticmethod
    def _ack(conn: Connection, seqs: Mapping[str, int]) -> None:
        conn.execute(
            update(EventRow)
            .where(EventRow.event_id == bindparam("b_event_id"))
            .where(EventRow.server_seq.is_(None))
            .values(server_seq=bindparam("b_server_seq")),
            [{"b_event_id": k, "b_server_seq": v} for k, v in seqs.items()],
        )

    def apply_pulled(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        state: Mapping[str, str | None] | None = None,
        before_commit: Callable[[], None] | None = None,
    ) -> list[str]:
        """Insert events pulled from the shared database, in one transaction with ``state``
        (the moved pull cursor): ids already here are skipped (an UPSERT on event_id), and
        this desk's own events coming back get their server_seq. The projections of the
        streams touched are brought up to date (folded again when an event sorts before what
        was folded) and the HLC moves past every event. Returns the ids inserted.

        Each row has the envelope columns (``payload`` as JSON text) and ``server_seq``.
        """
        with self._lock:
            streams: set[str] = set()
            try:
                with self._begin(write=True) as conn:
                    known: dict[str, int | None] = {}
                    ids = [r["event_id"] for r in rows]
                    for start in range(0, len(ids), 500):
                        known.update(
                            conn.execute(
                                select(EventRow.event_id, EventRow.server_seq).where(
                                    EventRow.event_id.in_(ids[start : start + 500])
                                )
                            ).all()
                        )
                    new = [dict(r) for r in rows if r["event_id"] not in known]
                    acks = {
                        r["event_id"]: r["server_seq"]
                        for r in rows
                        if r["event_id"] in known and known[r["event_id"]] is None
                    }
                    if new:
                        conn.execute(
                            sqlite_insert(EventRow).on_conflict_do_nothing(
                                index_elements=["event_id"]
                            ),
                            new,
                        )
                    if acks:
                        self._ack(conn, acks)
                    events = [_dict_to_event(r) for r in new]
                    streams = {e.stream_id for e in events}
                    for stream_id in streams:
                        self._project(
                            conn, stream_id, [e for e in events if e.stream_id == stream_id]
                        )
                    if events:
                        stored = int(self._meta(conn, "hlc") or 0)
                        self.clock.last = max(self.clock.last, stored, *(e.hlc for e in events))
                        conn.execute(
                            update(MetaRow)
                            .where(MetaRow.key == "hlc")
                            .values(value=str(self.clock.last))
                        )
                    if state:
                        self._put_sync_values(conn, state)
                    if before_commit is not None:
                        before_commit()
            except DBAPIError as exc:
                for stream_id in streams:
                    self._states.pop(stream_id, None)
                raise self._guard(exc) from None
            except BaseException:
                for stream_id in streams:
                    self._states.pop(stream_id, None)
                raise
            return [r["event_id"] for r in new]

    def reset_sync(self, values: Mapping[str, str | None]) -> None:
        """Forget what the shared database acknowledged (another database, or one restored
        from an older copy): every event is pending again (pushing is idempotent) and the
        pull starts over. ``values`` (the new log epoch, cursor 0) are set in the same
        transaction."""
        with self._lock, self._begin(write=True) as conn:
            conn.execute(update(EventRow).values(server_seq=None))
            self._put_sync_values(conn, values)
        if "clock_offset_ms" in values:
            self.clock_offset_ms = int(values["clock_offset_ms"] or 0)

    def acknowledged_pairs(self) -> Iterable[tuple[str, str, int]]:
        """(stream id, event id, server seq) of every event the shared database acknowledged,
        for anti-entropy to compare with the server."""
        with self._begin() as conn:
            rows = conn.execute(
                select(EventRow.stream_id, EventRow.event_id, EventRow.server_seq).where(
                    EventRow.server_seq.is_not(None)
                )
            )
            yield from ((r[0], r[1], int(r[2])) for r in rows)

    def acknowledged_ids(self, stream_id: str) -> dict[str, int]:
        """The acknowledged events of one stream: event id -> server seq."""
        with self._begin() as conn:
            rows = conn.execute(
                select(EventRow.event_id, EventRow.server_seq).where(
                    EventRow.stream_id == stream_id, EventRow.server_seq.is_not(None)
                )
            ).all()
        return {r[0]: int(r[1]) for r in rows}

    def unacknowledge(self, event_ids: Sequence[str]) -> int:
        """Make these events pending again (the shared database lost them): the next push
        sends them, which is idempotent. Returns how many changed."""
        if not event_ids:
            return 0
        changed = 0
        with self._lock:
            try:
                with self._begin(write=True) as conn:
                    for start in range(0, len(event_ids), 500):
                        chunk = list(event_ids[start : start + 500])
                        changed += conn.execute(
                            update(EventRow)
                            .where(EventRow.event_id.in_(chunk))
                            .values(server_seq=None)
                        ).rowcount
            except DBAPIError as exc:
                raise self._guard(exc) from None
        return changed

    def restamp_pending(self, newest_ms: int, now_ms: int) -> int:
        """Stamp again the pending (never shared) events whose HLC is past ``newest_ms``, in
        their order, from ``now_ms`` on, and move the clock back to match: a desk whose clock
        ran fast must not push events that would win every later edit. Returns how many."""
        limit = pack(newest_ms, COUNTER_MASK)
        with self._lock, self._begin(write=True) as conn:
            rows = conn.execute(
                select(EventRow.seq, EventRow.stream_id)
                .where(EventRow.server_seq.is_(None), EventRow.hlc > limit)
                .order_by(EventRow.hlc, EventRow.desk_id, EventRow.event_id)
            ).all()
            if not rows:
                return 0
            floor = conn.execute(
                select(func.max(EventRow.hlc)).where(
                    or_(EventRow.server_seq.is_not(None), EventRow.hlc <= limit)
                )
            ).scalar()
            clock = HybridClock(floor or 0)
            conn.execute(
                update(EventRow)
                .where(EventRow.seq == bindparam("b_seq"))
                .values(hlc=bindparam("b_hlc")),
                [{"b_seq": r.seq, "b_hlc": clock.tick(now_ms)} for r in rows],
            )
            self.clock.last = clock.last
            conn.execute(update(MetaRow).where(MetaRow.key == "hlc").values(value=str(clock.last)))
            for stream_id in {r.stream_id for r in rows}:
                self._states.pop(stream_id, None)
                self._refold(conn, stream_id)
            return len(rows)

    def _refold(self, conn: Connection, stream_id: str) -> None:
        stream = self._read_stream(conn, stream_id)
        if any(e.type == EventType.INCIDENT_REPORTED for e in stream):
            state = incident.fold(stream)
            self._states[stream_id] = state
            self._upsert_summary(conn, state)

    def close(self) -> None:
        close_engine(self.engine)
