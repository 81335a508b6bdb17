"""The replication ledger: what this desk has shared with the shared database (mimdesk.sync).

An event is "pending" until the shared database has acknowledged it: its server_seq is NULL.
Pulled events arrive with their server_seq. The sync's own bookkeeping (pull cursor, log
epoch, clock offset, ...) is kept in sync_state. Every method is one local transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import bindparam, delete, func, inspect, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from mimdesk.domain.hlc import COUNTER_MASK, HybridClock, pack
from mimdesk.store import record_trust, signatures
from mimdesk.store.event_rows import EVENT_COLUMNS, SIGNED_COLUMNS, dict_to_event
from mimdesk.store.logfile import CHUNK, LogFile
from mimdesk.store.models import event_table, sync_state_table
from mimdesk.store.projection import SummaryProjection


class ReplicationLedger:
    def __init__(self, file: LogFile, projection: SummaryProjection) -> None:
        self._file = file
        self._projection = projection

    # ---- sync bookkeeping ---------------------------------------------------------------

    def sync_state(self) -> dict[str, str]:
        """This desk's sync bookkeeping (pull_cursor, log_epoch, last_ok_at, ...)."""
        with self._file.read() as conn:
            return _sync_values(conn)

    def set_sync_state(self, values: Mapping[str, str | None]) -> None:
        """Set (or, with None, remove) sync bookkeeping values, in one transaction."""
        with self._file.translated(), self._file.write() as conn:
            _put_sync_values(conn, values)
        self._set_offset(values)

    def stored_clock_offset(self) -> int:
        """The clock offset the last sync measured (0 if none)."""
        offset = self.sync_state().get("clock_offset_ms") or "0"
        return int(offset) if offset.lstrip("-").isdigit() else 0

    def _set_offset(self, values: Mapping[str, str | None]) -> None:
        if "clock_offset_ms" in values:
            self._file.clock_offset_ms = int(values["clock_offset_ms"] or 0)

    # ---- pushing ------------------------------------------------------------------------

    def pending_count(self) -> int:
        """Events not yet acknowledged by the shared database."""
        with self._file.read() as conn:
            return (
                conn.execute(
                    select(func.count())
                    .select_from(event_table)
                    .where(event_table.c.server_seq.is_(None))
                ).scalar()
                or 0
            )

    def pending_rows(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` pending events, oldest first, as stored (the payload is the JSON
        text exactly as written, so it is relayed verbatim)."""
        with self._file.read() as conn:
            rows = conn.execute(
                select(*EVENT_COLUMNS[:-1])
                .where(event_table.c.server_seq.is_(None))
                .order_by(event_table.c.seq)
                .limit(limit)
            )
            return [dict(r._mapping) for r in rows]

    def mark_pushed(self, seqs: Mapping[str, int]) -> None:
        """Record the shared database's seq of each pushed event (it left the outbox)."""
        if not seqs:
            return
        with self._file.translated(), self._file.write() as conn:
            _ack(conn, seqs)

    # ---- pulling ------------------------------------------------------------------------

    def apply_pulled(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        state: Mapping[str, str | None] | None = None,
        before_commit: Callable[[], None] | None = None,
    ) -> list[str]:
        """Insert events pulled from the shared database, in one transaction with ``state``
        (the moved pull cursor): ids already here are skipped (an UPSERT on event_id), and
        this desk's own events coming back get their server_seq. The summaries of the
        streams touched are brought up to date (folded again when an event sorts before what
        was folded) and the HLC moves past every event. Returns the ids inserted.

        Each row has the envelope columns (``payload`` as JSON text) and ``server_seq``.
        """
        with self._projection.updating(), self._file.translated(), self._file.write() as conn:
            known: dict[str, int | None] = {}
            ids = [r["event_id"] for r in rows]
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                known.update(
                    conn.execute(
                        select(event_table.c.event_id, event_table.c.server_seq).where(
                            event_table.c.event_id.in_(chunk)
                        )
                    ).all()
                )
            new = [dict(r) for r in rows if r["event_id"] not in known]
            self._check_pulled(conn, new, [r for r in rows if r["event_id"] in known])
            acks = {
                r["event_id"]: r["server_seq"]
                for r in rows
                if r["event_id"] in known and known[r["event_id"]] is None
            }
            if new:
                conn.execute(
                    sqlite_insert(event_table).on_conflict_do_nothing(index_elements=["event_id"]),
                    new,
                )
            if acks:
                _ack(conn, acks)
            events = [dict_to_event(r) for r in new]
            for stream_id in {e.stream_id for e in events}:
                self._projection.project(
                    conn, stream_id, [e for e in events if e.stream_id == stream_id]
                )
            if events:
                self._file.advance_clock(conn, (e.hlc for e in events))
            if state:
                _put_sync_values(conn, state)
            if before_commit is not None:
                before_commit()
        return [r["event_id"] for r in new]

    def _check_pulled(
        self,
        conn: Connection,
        new: Sequence[Mapping[str, Any]],
        known: Sequence[Mapping[str, Any]],
    ) -> None:
        """Raise an alarm for each pulled event whose signature does not hold, and for each
        whose shared copy differs from the one this desk holds (which it keeps)."""
        now = datetime.now(UTC)
        keys = record_trust.desk_keys(conn)
        record_trust.check_rows(conn, new, found_at=now, keys=keys)
        if known:
            compare_copies(conn, known, found_at=now, keys=keys)

    def pin_keys(self, published: Mapping[str, str], own: str = "") -> list[str]:
        """Pin the keys the shared database publishes (desk id -> public key); a desk that
        presents a key other than the one pinned raises an alarm. ``own`` is the key the
        server keeps for this desk: another than this desk's is an alarm too. Returns the
        desks whose key changed."""
        signer = self._file.signer
        mine = signer.public_key if signer is not None else ""
        with self._file.read() as conn:
            pinned = record_trust.desk_keys(conn)
        if all(pinned.get(d) and pinned[d].pinned == k for d, k in published.items()) and (
            not own or not mine or own == mine
        ):
            return []  # nothing new: no write transaction on every pull
        now = datetime.now(UTC)
        changed = []
        with self._file.translated(), self._file.write() as conn:
            for desk_id, key in published.items():
                if not record_trust.pin(conn, desk_id, key, now):
                    changed.append(desk_id)
                    record_trust.raise_alarm(
                        conn,
                        record_trust.AlarmKind.KEY_CHANGED,
                        desk_id=desk_id,
                        here={"public_key": record_trust.desk_keys(conn)[desk_id].pinned},
                        shown={"public_key": key},
                        found_at=now,
                    )
            if own and mine and own != mine:
                changed.append(self._file.desk_id)
                record_trust.raise_alarm(
                    conn,
                    record_trust.AlarmKind.KEY_CHANGED,
                    desk_id=self._file.desk_id,
                    here={"public_key": mine},
                    shown={"public_key": own},
                    found_at=now,
                )
        return changed

    def compare_shared(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Anti-entropy's check of shared copies against this desk's (:func:`compare_copies`)."""
        with self._file.translated(), self._file.write() as conn:
            return compare_copies(conn, rows, found_at=datetime.now(UTC))

    def acknowledged_rows(self) -> Iterable[Mapping[str, Any]]:
        """Every acknowledged event's signed fields and signature, for anti-entropy's
        content digest."""
        with self._file.read() as conn:
            rows = conn.execute(
                select(*SIGNED_COLUMNS).where(event_table.c.server_seq.is_not(None))
            )
            yield from (dict(r._mapping) for r in rows)

    # ---- repair ---------------------------------------------------------------------------

    def reset_sync(self, values: Mapping[str, str | None]) -> None:
        """Forget what the shared database acknowledged (another database, or one restored
        from an older copy): every event is pending again (pushing is idempotent) and the
        pull starts over. ``values`` (the new log epoch, cursor 0) are set in the same
        transaction."""
        with self._file.write() as conn:
            conn.execute(update(event_table).values(server_seq=None))
            _put_sync_values(conn, values)
        self._set_offset(values)

    def acknowledged_pairs(self) -> Iterable[tuple[str, str, int]]:
        """(stream id, event id, server seq) of every event the shared database acknowledged,
        for anti-entropy to compare with the server."""
        with self._file.read() as conn:
            rows = conn.execute(
                select(
                    event_table.c.stream_id, event_table.c.event_id, event_table.c.server_seq
                ).where(event_table.c.server_seq.is_not(None))
            )
            # The WHERE clause leaves no NULL server_seq.
            yield from ((r[0], r[1], cast(int, r[2])) for r in rows)

    def acknowledged_ids(self, stream_id: str) -> dict[str, int]:
        """The acknowledged events of one stream: event id -> server seq."""
        with self._file.read() as conn:
            rows = conn.execute(
                select(event_table.c.event_id, event_table.c.server_seq).where(
                    event_table.c.stream_id == stream_id, event_table.c.server_seq.is_not(None)
                )
            ).all()
        return {r[0]: cast(int, r[1]) for r in rows}

    def unacknowledge(self, event_ids: Sequence[str]) -> int:
        """Make these events pending again (the shared database lost them): the next push
        sends them, which is idempotent. Returns how many changed."""
        if not event_ids:
            return 0
        changed = 0
        with self._file.translated(), self._file.write() as conn:
            for start in range(0, len(event_ids), CHUNK):
                chunk = list(event_ids[start : start + CHUNK])
                changed += conn.execute(
                    update(event_table)
                    .where(event_table.c.event_id.in_(chunk))
                    .values(server_seq=None)
                ).rowcount
        return changed

    def restamp_pending(self, newest_ms: int, now_ms: int) -> int:
        """Stamp again the pending (never shared) events whose HLC is past ``newest_ms``, in
        their order, from ``now_ms`` on, and move the clock back to match: a desk whose clock
        ran fast must not push events that would win every later edit. Returns how many.

        Only this desk's own events: another desk's (pending again after a reset) carry that
        desk's signature over their HLC. Each restamped event is signed again."""
        limit = pack(newest_ms, COUNTER_MASK)
        with self._projection.updating(), self._file.write() as conn:
            rows = conn.execute(
                select(event_table.c.seq, *SIGNED_COLUMNS)
                .where(
                    event_table.c.server_seq.is_(None),
                    event_table.c.hlc > limit,
                    event_table.c.desk_id == self._file.desk_id,
                )
                .order_by(event_table.c.hlc, event_table.c.desk_id, event_table.c.event_id)
            ).all()
            if not rows:
                return 0
            floor = conn.execute(
                select(func.max(event_table.c.hlc)).where(
                    or_(event_table.c.server_seq.is_not(None), event_table.c.hlc <= limit)
                )
            ).scalar()
            clock = HybridClock(floor or 0)
            signer = self._file.signer
            changes = []
            for r in rows:
                row = {**r._mapping, "hlc": clock.tick(now_ms)}
                if signer is not None and row["signature"] and signer.public_key:
                    row["signature"] = signer.sign(signatures.signed_bytes(row))
                changes.append({"b_seq": r.seq, "b_hlc": row["hlc"], "b_sig": row["signature"]})
            conn.execute(
                update(event_table)
                .where(event_table.c.seq == bindparam("b_seq"))
                .values(hlc=bindparam("b_hlc"), signature=bindparam("b_sig")),
                changes,
            )
            self._file.clock.last = clock.last
            self._file.store_clock(conn)
            for stream_id in {r.stream_id for r in rows}:
                self._projection.refold(conn, stream_id)
            return len(rows)


def compare_copies(
    conn: Connection,
    shown: Sequence[Mapping[str, Any]],
    *,
    found_at: datetime,
    keys: Mapping[str, record_trust.DeskKeys] | None = None,
) -> int:
    """Compare the shared copies of events this desk holds with its own: each that differs
    in a signed field or its signature raises an alarm naming both versions, and this
    desk's copy stays as it is. The shared copy's own signature is checked too. Returns how
    many differed."""
    mine: dict[str, Mapping[str, Any]] = {}
    ids = [r["event_id"] for r in shown]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = conn.execute(select(*SIGNED_COLUMNS).where(event_table.c.event_id.in_(chunk)))
        mine.update({r.event_id: r._mapping for r in rows})
    differing = 0
    for row in shown:
        here = mine.get(row["event_id"])
        if here is None:
            continue
        same = signatures.signed_bytes(here) == signatures.signed_bytes(row)
        if same and (here["signature"] or "") == (row.get("signature") or ""):
            continue
        differing += 1
        record_trust.raise_alarm(
            conn,
            record_trust.AlarmKind.ALTERED,
            event_id=row["event_id"],
            desk_id=row["desk_id"],
            here=record_trust.version_of(here),
            shown=record_trust.version_of(row),
            found_at=found_at,
        )
        record_trust.check_rows(conn, [row], found_at=found_at, keys=keys)
    return differing


def _sync_values(conn: Connection) -> dict[str, str]:
    if not inspect(conn).has_table(sync_state_table.name):
        return {}
    return dict(conn.execute(select(sync_state_table.c.key, sync_state_table.c.value)).all())


def _put_sync_values(conn: Connection, values: Mapping[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            conn.execute(delete(sync_state_table).where(sync_state_table.c.key == key))
            continue
        stmt = sqlite_insert(sync_state_table).values(key=key, value=str(value))
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value})
        )


def _ack(conn: Connection, seqs: Mapping[str, int]) -> None:
    conn.execute(
        update(event_table)
        .where(event_table.c.event_id == bindparam("b_event_id"))
        .where(event_table.c.server_seq.is_(None))
        .values(server_seq=bindparam("b_server_seq")),
        [{"b_event_id": k, "b_server_seq": v} for k, v in seqs.items()],
    )
