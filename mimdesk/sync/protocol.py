"""The replication protocol (SYNC.md, section 4): push, pull, and the checks on connect.

**Push.** Up to 500 pending events per batch, in one server transaction: lock the head row
(``SELECT last_seq ... FOR UPDATE``), find which ids the server already has (a lost
acknowledgement, another desk's relay), insert the rest as ``last_seq+1 ...``, move the head,
commit. Then one local transaction records each event's seq. The same statements run on
PostgreSQL and MariaDB (no ``INSERT IGNORE``, which on MariaDB downgrades every error).

**Pull.** ``seq > cursor ORDER BY seq LIMIT 500``; one local transaction inserts the batch
(skipping ids already here), folds the projections and moves the cursor. Seqs are handed out
and committed under the one row lock, so they become visible in order: a reader never sees
seq N+1 before N. A hole therefore means a row was removed on the server; it is waited for
once, then stepped over and reported.

**On connect.** The shared schema version (a newer one: refuse, say which), the log epoch
(another database, or one restored from an older copy: every local event becomes pending
again and the pull starts over, both idempotent), and the clock offset to the server.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from mimdesk import __version__
from mimdesk.store import shared
from mimdesk.store.eventlog import EventLog
from mimdesk.sync import faults, repair
from mimdesk.sync.target import Timeouts, Watchdog

log = logging.getLogger(__name__)

BATCH = 500
SKEW_WARNING_MS = 5 * 60 * 1000
# Pending events stamped further ahead of the server's clock than this are stamped again.
RESTAMP_AHEAD_MS = SKEW_WARNING_MS

_PULL_COLUMNS = [shared.event.c.seq, *(shared.event.c[name] for name in shared.EVENT_COLUMNS)]


class Incompatible(Exception):
    """The shared database cannot be used by this MIM Desk; the message says why and what to
    do. Nothing was written to it."""


@dataclass
class Progress:
    phase: str  # "push" or "pull"
    done: int
    total: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.total <= 0 else min(1.0, self.done / self.total)


@dataclass
class Outcome:
    pushed: int = 0  # events the server took from this desk
    acknowledged: int = 0  # events that left the outbox (includes ones the server had)
    pulled: int = 0  # events new to this desk
    head: int = 0
    cursor: int = 0
    # The incidents (stream ids) that pulled events changed: the views to refresh.
    streams: frozenset[str] = frozenset()
    # Anti-entropy (mimdesk.sync.repair), when it ran: events fetched, events pushed again.
    repaired: tuple[int, int] = (0, 0)


def _utc_ms(value: datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp() * 1000


def measure_offset(conn: Connection, wall: Callable[[], float] = time.time) -> int:
    """Milliseconds to add to this desk's clock to get the server's (its CURRENT_TIMESTAMP,
    in UTC), taking the middle of the round trip."""
    sql = (
        "SELECT statement_timestamp()"
        if conn.dialect.name == "postgresql"
        else "SELECT UTC_TIMESTAMP(6)"
    )
    before = wall()
    server = conn.execute(text(sql)).scalar_one()
    after = wall()
    return round(_utc_ms(server) - (before + after) / 2 * 1000)


class Replicator:
    """One desk's link to the shared database. Not thread-safe: one worker uses it."""

    def __init__(
        self,
        log_: EventLog,
        engine_factory: Callable[[], Engine],
        *,
        timeouts: Timeouts | None = None,
        label: str = "",
        wall: Callable[[], float] = time.time,
        batch: int = BATCH,
    ) -> None:
        self.log = log_
        self.engine_factory = engine_factory
        self.timeouts = timeouts or Timeouts()
        self.label = label
        self.wall = wall
        self.batch = batch
        self.engine: Engine | None = None
        self.conn: Connection | None = None
        self.clock_offset_ms: int | None = None
        self.server_schema: int | None = None
        self.holes: list[int] = []
        self._hole_waited: int | None = None
        self.restamped = 0
        self.pulled_streams: set[str] = set()
        self._repaired_at: float | None = None
        self.fetched = 0  # rows read by pulls, kept or not (a killed pull reads a batch again)

    # ---- connection --------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self.conn is not None

    def connect(self) -> None:
        """Open a connection and check the shared database; raises on any problem."""
        self.close()
        if self.engine is None:
            self.engine = self.engine_factory()
        self._repaired_at = None  # compare again on every connect
        self.conn = self.engine.connect()
        try:
            self.check()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except Exception:
                pass

    def dispose(self) -> None:
        self.close()
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None

    def _tx(self) -> tuple[Any, Watchdog]:
        assert self.conn is not None, "not connected"
        return self.conn.begin(), Watchdog(self.conn, self.timeouts.transaction)

    # ---- checks ------------------------------------------------------------------------

    def check(self) -> None:
        """Schema version, log epoch, clock offset; records this desk on the server."""
        conn = self.conn
        assert conn is not None
        tx, dog = self._tx()
        with dog, tx:
            meta = shared.read_meta(conn)
            version = shared.schema_version(meta)
            self.server_schema = version
            if version is None:
                raise Incompatible(
                    "The shared database has no MIM Desk schema. "
                    "IT creates it with 'mimdesk db init --shared URL'."
                )
            if version > shared.SCHEMA_VERSION:
                raise Incompatible(
                    f"The shared database has schema version {version}, newer than this "
                    f"MIM Desk knows (version {shared.SCHEMA_VERSION}). Work continues on this "
                    "desk; install the newer MIM Desk to share again."
                )
            if version < shared.SCHEMA_VERSION:
                raise Incompatible(
                    f"The shared database has schema version {version}, older than this "
                    f"MIM Desk needs (version {shared.SCHEMA_VERSION}). IT upgrades it with "
                    "'mimdesk db init --shared URL'."
                )
            epoch = meta.get("log_epoch", "")
            head = self._head(conn, lock=False)
            offset = self._measure_offset(conn)
        self.clock_offset_ms = offset
        state = self.log.sync_state()
        cursor = int(state.get("pull_cursor", "0") or 0)
        values: dict[str, str | None] = {
            "clock_offset_ms": str(offset),
            "server_schema": str(version),
        }
        if state.get("log_epoch") != epoch or head < cursor:
            if state.get("log_epoch"):
                log.warning("shared log changed (epoch or head < cursor): starting over")
            self.log.reset_sync({**values, "log_epoch": epoch, "pull_cursor": "0"})
        else:
            self.log.set_sync_state(values)
        self._record_desk(offset)

    def _measure_offset(self, conn: Connection) -> int:
        return measure_offset(conn, self.wall)

    def _record_desk(self, offset: int) -> None:
        conn = self.conn
        assert conn is not None
        values = {
            "label": self.label[:200],
            "app_version": __version__[:40],
            "last_seen_at": datetime.now(UTC),
            "clock_offset_ms": offset,
        }
        tx, dog = self._tx()
        try:
            with dog, tx:
                found = conn.execute(
                    update(shared.desk)
                    .where(shared.desk.c.desk_id == self.log.desk_id)
                    .values(**values)
                ).rowcount
                if not found:
                    conn.execute(insert(shared.desk).values(desk_id=self.log.desk_id, **values))
        except IntegrityError:
            pass  # another process of this desk recorded it at the same moment

    @staticmethod
    def _head(conn: Connection, *, lock: bool) -> int:
        query = select(shared.sync_head.c.last_seq).where(shared.sync_head.c.id == 1)
        if lock:
            query = query.with_for_update()
        return int(conn.execute(query).scalar_one())

    def head(self) -> int:
        tx, dog = self._tx()
        with dog, tx:
            assert self.conn is not None
            return self._head(self.conn, lock=False)

    def skew_warning(self) -> bool:
        return self.clock_offset_ms is not None and abs(self.clock_offset_ms) > SKEW_WARNING_MS

    # ---- push --------------------------------------------------------------------------

    def push(self, progress: Callable[[Progress], None] | None = None) -> tuple[int, int]:
        """Push every pending event; returns (taken by the server, left the outbox)."""
        self._restamp_future()
        total = self.log.pending_count()
        pushed = acked = 0
        while True:
            rows = self.log.pending_rows(self.batch)
            if not rows:
                return pushed, acked
            taken, seqs = self.push_batch(rows)
            pushed += taken
            acked += len(seqs)
            if progress:
                progress(Progress("push", acked, max(total, acked)))

    def _restamp_future(self) -> None:
        if self.clock_offset_ms is None:
            return
        server_now = int(self.wall() * 1000) + self.clock_offset_ms
        n = self.log.restamp_pending(server_now + RESTAMP_AHEAD_MS, server_now)
        if n:
            log.warning("stamped %d pending events again: this desk's clock runs ahead", n)
            self.restamped += n

    def push_batch(self, rows: list[dict[str, Any]]) -> tuple[int, dict[str, int]]:
        """One server transaction under the head lock, then one local transaction."""
        conn = self.conn
        assert conn is not None
        ids = [r["event_id"] for r in rows]
        tx, dog = self._tx()
        with dog, tx:
            last = self._head(conn, lock=True)
            seqs: dict[str, int] = dict(
                conn.execute(
                    select(shared.event.c.event_id, shared.event.c.seq).where(
                        shared.event.c.event_id.in_(ids)
                    )
                ).all()
            )
            fresh = [r for r in rows if r["event_id"] not in seqs]
            if fresh:
                received = datetime.now(UTC)
                values = []
                for n, row in enumerate(fresh, 1):
                    seqs[row["event_id"]] = last + n
                    values.append(
                        {
                            **{name: row[name] for name in shared.EVENT_COLUMNS},
                            "seq": last + n,
                            "app_version": __version__[:40],
                            "received_at": received,
                        }
                    )
                conn.execute(insert(shared.event), values)
                conn.execute(
                    update(shared.sync_head)
                    .where(shared.sync_head.c.id == 1)
                    .values(last_seq=last + len(fresh))
                )
            faults.point("push.before_server_commit")
        faults.point("push.after_server_commit")
        self.log.mark_pushed(seqs)
        faults.point("push.after_local_ack")
        return len(fresh), seqs

    # ---- pull --------------------------------------------------------------------------

    def pull(self, progress: Callable[[Progress], None] | None = None) -> tuple[int, int, int]:
        """Pull until the cursor reaches the head; returns (new events, cursor, head)."""
        start = cursor = int(self.log.sync_state().get("pull_cursor", "0") or 0)
        head = self.head()
        inserted = 0
        while True:
            got, cursor, more = self.pull_batch(cursor)
            inserted += got
            if progress and head > start:
                progress(Progress("pull", min(cursor, head) - start, head - start))
            if not more:
                return inserted, cursor, max(head, cursor)

    def pull_batch(self, cursor: int) -> tuple[int, int, bool]:
        """One batch; returns (new events, new cursor, whether to go on)."""
        conn = self.conn
        assert conn is not None
        tx, dog = self._tx()
        with dog, tx:
            fetched = conn.execute(
                select(*_PULL_COLUMNS)
                .where(shared.event.c.seq > cursor)
                .order_by(shared.event.c.seq)
                .limit(self.batch)
            ).all()
        self.fetched += len(fetched)
        faults.point("pull.after_fetch")
        if not fetched:
            return 0, cursor, False
        rows = []
        expected = cursor + 1
        for r in fetched:
            if r.seq != expected:
                if rows:
                    break  # apply what is contiguous; the next batch meets the hole first
                if self._hole_waited != expected:
                    # Cannot happen under the head lock unless a row was removed: look again
                    # on the next cycle before stepping over it.
                    self._hole_waited = expected
                    log.warning(
                        "shared log: seq %d missing after %d; waiting once", expected, cursor
                    )
                    return 0, cursor, False
                log.error("shared log: seqs %d..%d are missing; stepping over", expected, r.seq - 1)
                self.holes.extend(range(expected, r.seq))
            row = dict(r._mapping)
            row["server_seq"] = row.pop("seq")
            rows.append(row)
            expected = row["server_seq"] + 1
        new_cursor = rows[-1]["server_seq"]
        inserted = self.log.apply_pulled(
            rows,
            state={"pull_cursor": str(new_cursor)},
            before_commit=lambda: faults.point("pull.mid_apply"),
        )
        faults.point("pull.after_commit")
        fresh = set(inserted)
        self.pulled_streams.update(r["stream_id"] for r in rows if r["event_id"] in fresh)
        return len(inserted), new_cursor, len(fetched) == self.batch or len(rows) < len(fetched)

    # ---- both --------------------------------------------------------------------------

    def sync(self, progress: Callable[[Progress], None] | None = None) -> Outcome:
        """Push, then pull; the caller connected first."""
        self.pulled_streams = set()
        pushed, acked = self.push(progress)
        pulled, cursor, head = self.pull(progress)
        repaired = (0, 0)
        now = time.monotonic()
        if self._repaired_at is None or now - self._repaired_at >= repair.INTERVAL_S:
            assert self.conn is not None
            found = repair.repair(self.conn, self.log)
            self._repaired_at = now
            repaired = (found.fetched, found.repushed)
            self.pulled_streams |= found.differing
            if found.differing:
                log.warning("anti-entropy: %d streams differed; %s", len(found.differing), found)
            if found.repushed:
                more, more_acked = self.push(progress)
                pushed, acked = pushed + more, acked + more_acked
        return Outcome(
            pushed, acked, pulled, head, cursor, frozenset(self.pulled_streams), repaired
        )


@dataclass
class Probe:
    """What ``mimdesk doctor`` learns from the shared database without writing to it."""

    ok: bool
    error: str = ""
    connect_ms: float = 0.0
    revision: str | None = None
    schema_version: int | None = None
    head: int | None = None
    clock_offset_ms: int | None = None
    server: str = ""


def probe(engine: Engine, wall: Callable[[], float] = time.time) -> Probe:
    started = time.perf_counter()
    try:
        with engine.connect() as conn:
            connect_ms = (time.perf_counter() - started) * 1000
            server = str(conn.execute(text("SELECT version()")).scalar() or "")
            meta = shared.read_meta(conn)
            revision = shared.current_revision(conn)
            head = None
            if meta:
                head = Replicator._head(conn, lock=False)
            offset = measure_offset(conn, wall)
            conn.rollback()
    except Exception as exc:
        return Probe(False, " ".join(str(getattr(exc, "orig", None) or exc).split())[:300])
    return Probe(
        True,
        connect_ms=connect_ms,
        revision=revision,
        schema_version=shared.schema_version(meta),
        head=head,
        clock_offset_ms=offset,
        server=server.split("\n")[0][:80],
    )
