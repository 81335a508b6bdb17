"""The replication protocol (SYNC.md, section 4): push, pull, and the checks on connect.

**Push.** Pending events go in batches (at most 500 events and about 1 MiB) as one JSON
document to the server-side append step, ``mimdesk_append`` (shared revision s0002), in one
autocommit statement. The server has the whole batch before it does anything; then, inside the
one call, it locks the head row, skips ids it already has (a lost acknowledgement, another
desk's relay), inserts the rest as ``last_seq+1 ...``, moves the head and commits. The head
lock is never held while a client sends or waits: a desk that vanishes mid-push holds nothing.
One local transaction then records each event's seq. An event the server refuses (over the
payload limit, malformed) is set aside with an alarm, so it does not hold back the others.

**Pull.** ``seq > cursor ORDER BY seq LIMIT 500``, with each payload's size measured by the
server and the payload itself left behind when it is over :data:`shared.PAYLOAD_LIMIT`; one
local transaction inserts the batch (skipping ids already here), folds the projections and
moves the cursor. A row too large, or unreadable, is skipped with an alarm (it is never
loaded). Seqs are handed out and committed under the one row lock, so they become visible in
order: a reader never sees seq N+1 before N. A hole therefore means a row was removed on the
server; it is waited for once (remembered in the local ledger, so across processes too), then
stepped over and reported; anti-entropy on the desks that hold the event pushes it back.

**On connect.** The shared schema (none, or older than this desk's: refuse and say that IT
runs ``mimdesk db upgrade --shared URL``; a ``min_client_schema`` newer than this desk: refuse
and say which version is needed), the log epoch (another database, or one restored from an
older copy: every local event becomes pending again and the pull starts over, both
idempotent), and the clock offset to the server.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DBAPIError

from mimdesk import __version__
from mimdesk.store import shared
from mimdesk.store.eventlog import EventLog
from mimdesk.sync import faults, ledger, person_logins, repair
from mimdesk.sync.rows import payload_bytes, pull_columns, readable, wire
from mimdesk.sync.server_errors import Busy, Refused, classify, server_words
from mimdesk.sync.target import Timeouts, Watchdog

log = logging.getLogger(__name__)

BATCH = 500
# Bytes of JSON per push call (at least one event): keeps each call well under MariaDB's
# max_allowed_packet and a stalled call small.
BATCH_BYTES = 1_048_576
SKEW_WARNING_MS = 5 * 60 * 1000
# Pending events stamped further ahead of the server's clock than this are stamped again.
RESTAMP_AHEAD_MS = SKEW_WARNING_MS


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


def read_head(conn: Connection, meta: dict[str, str] | None = None) -> int:
    """The head counter: through the ``log_head`` view (all a desk login may read), or the
    table itself on a database older than revision s0002."""
    version = shared.schema_version(meta) if meta is not None else shared.SCHEMA_VERSION
    if version is not None and version >= 2:
        return int(conn.execute(select(shared.log_head.c.last_seq)).scalar_one())
    query = select(shared.sync_head.c.last_seq).where(shared.sync_head.c.id == 1)
    return int(conn.execute(query).scalar_one())


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
        batch_bytes: int = BATCH_BYTES,
        repair_interval: float = repair.INTERVAL_S,
    ) -> None:
        self.log = log_
        self.engine_factory = engine_factory
        self.timeouts = timeouts or Timeouts()
        self.label = label
        self.wall = wall
        self.batch = batch
        self.batch_bytes = batch_bytes
        self.repair_interval = repair_interval
        self.engine: Engine | None = None
        self.conn: Connection | None = None
        self.clock_offset_ms: int | None = None
        self.server_schema: int | None = None
        self.holes: list[int] = []  # seqs stepped over by this process
        self.gap_waiting: int | None = None  # the hole the last pull waited for
        self.restamped = 0
        self.pulled_streams: set[str] = set()
        self._repaired_at: float | None = None
        self._refused_retried = False  # events refused earlier are tried once per process
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
            needed = shared.min_client_schema(meta) or version
            if needed > shared.SCHEMA_VERSION:
                raise Incompatible(
                    f"The shared database has schema version {version}, newer than this "
                    f"MIM Desk knows (version {shared.SCHEMA_VERSION}), and needs MIM Desk "
                    f"schema version {needed} or newer to share. Work continues on this desk; "
                    "install the newer MIM Desk to share again."
                )
            if version < shared.SCHEMA_VERSION:
                raise Incompatible(
                    f"The shared database has schema version {version}, older than this "
                    f"MIM Desk needs (version {shared.SCHEMA_VERSION}). Work continues on this "
                    "desk; IT upgrades the shared database in place with "
                    "'mimdesk db upgrade --shared URL'."
                )
            epoch = meta.get("log_epoch", "")
            head = read_head(conn, meta)
            offset = self._measure_offset(conn)
        self.clock_offset_ms = offset
        state = self.log.sync_state()
        cursor = int(state.get("pull_cursor", "0") or 0)
        values: dict[str, str | None] = {
            "clock_offset_ms": str(offset),
            "server_schema": str(version),
            # Whether each person has a login of their own (db init --per-person).
            "login_mode": person_logins.login_mode(meta),
        }
        if state.get("log_epoch") != epoch or head < cursor:
            if state.get("log_epoch"):
                log.warning("shared log changed (epoch or head < cursor): starting over")
            self.log.reset_sync(
                {**values, **ledger.forget_all(), "log_epoch": epoch, "pull_cursor": "0"}
            )
        else:
            self.log.set_sync_state(values)
        self._record_desk(offset)
        self._publish_key()

    def _publish_key(self) -> None:
        """Publish this desk's public key (the server keeps the first one a desk publishes)
        and pin every desk's."""
        conn = self.conn
        assert conn is not None
        signer = self.log.file.signer
        mine = signer.public_key if signer is not None else ""
        kept = ""
        if mine:
            tx, dog = self._tx()
            with dog, tx:
                kept = str(
                    conn.execute(
                        text(shared.publish_key_sql(conn.dialect.name)),
                        {"desk_id": self.log.desk_id, "public_key": mine},
                    ).scalar()
                    or ""
                )
        self._pin_keys(own=kept)

    def _pin_keys(self, own: str = "") -> None:
        conn = self.conn
        assert conn is not None
        tx, dog = self._tx()
        with dog, tx:
            published = dict(
                conn.execute(select(shared.desk_key.c.desk_id, shared.desk_key.c.public_key)).all()
            )
        changed = self.log.ledger.pin_keys(published, own=own)
        if changed:
            log.error("shared record: %d desk(s) present a changed key", len(changed))

    def _measure_offset(self, conn: Connection) -> int:
        return measure_offset(conn, self.wall)

    def _record_desk(self, offset: int) -> None:
        conn = self.conn
        assert conn is not None
        values = {
            "desk_id": self.log.desk_id,
            "label": self.label[:200],
            "app_version": __version__[:40],
            "offset": offset,
        }
        tx, dog = self._tx()
        try:
            with dog, tx:
                conn.execute(text(shared.desk_seen_sql(conn.dialect.name)), values)
        except DBAPIError as exc:
            if classify(exc) == "denied":
                raise Incompatible(_denied_message()) from None
            raise

    def head(self) -> int:
        tx, dog = self._tx()
        with dog, tx:
            assert self.conn is not None
            return read_head(self.conn)

    def skew_warning(self) -> bool:
        return self.clock_offset_ms is not None and abs(self.clock_offset_ms) > SKEW_WARNING_MS

    # ---- push --------------------------------------------------------------------------

    def push(self, progress: Callable[[Progress], None] | None = None) -> tuple[int, int]:
        """Push every pending event but those set aside; returns (taken by the server, left
        the outbox)."""
        self._restamp_future()
        held = set() if not self._refused_retried else set(ledger.refused(self.log.sync_state()))
        self._refused_retried = True
        refused_before = set(ledger.refused(self.log.sync_state()))
        total = self.log.pending_count() - len(held)
        pushed = acked = 0
        while True:
            rows = [
                r
                for r in self.log.pending_rows(self.batch + len(held))
                if r["event_id"] not in held
            ][: self.batch]
            batch = self._fit(rows, held)
            if not batch:
                if rows:
                    continue  # every row left was set aside: look again without them
                return pushed, acked
            taken, seqs = self._push_isolating(batch, held)
            if refused_before & seqs.keys():  # refused once, taken now (a newer server)
                ledger.clear_refused(self.log, refused_before & seqs.keys())
            pushed += taken
            acked += len(seqs)
            if progress:
                progress(Progress("push", acked, max(total, acked)))

    def _fit(self, rows: list[dict[str, Any]], held: set[str]) -> list[dict[str, Any]]:
        """The first rows that fit in one call; an event over the payload limit is set aside
        (the server would refuse it) without being sent."""
        batch: list[dict[str, Any]] = []
        size = 0
        for row in rows:
            nbytes = payload_bytes(row)
            if nbytes > shared.PAYLOAD_LIMIT:
                self._set_aside(
                    row["event_id"],
                    f"{nbytes / 1_048_576:.1f} MiB of payload, over the 1 MiB limit",
                    held,
                )
                continue
            if batch and size + nbytes + 512 > self.batch_bytes:
                break
            batch.append(row)
            size += nbytes + 512
        return batch

    def _set_aside(self, event_id: str, reason: str, held: set[str]) -> None:
        log.error("event %s set aside, not shared: %s", event_id, reason)
        ledger.set_refused(self.log, event_id, reason)
        held.add(event_id)

    def _push_isolating(
        self, rows: list[dict[str, Any]], held: set[str]
    ) -> tuple[int, dict[str, int]]:
        """Push ``rows``; when the server refuses the batch, push halves until the refused
        event is alone, and set it aside."""
        try:
            return self.push_batch(rows)
        except Refused as exc:
            if len(rows) == 1:
                self._set_aside(rows[0]["event_id"], str(exc), held)
                return 0, {}
        half = len(rows) // 2
        first = self._push_isolating(rows[:half], held)
        second = self._push_isolating(rows[half:], held)
        return first[0] + second[0], {**first[1], **second[1]}

    def _restamp_future(self) -> None:
        if self.clock_offset_ms is None:
            return
        server_now = int(self.wall() * 1000) + self.clock_offset_ms
        n = self.log.restamp_pending(server_now + RESTAMP_AHEAD_MS, server_now)
        if n:
            log.warning("stamped %d pending events again: this desk's clock runs ahead", n)
            self.restamped += n

    def push_batch(self, rows: list[dict[str, Any]]) -> tuple[int, dict[str, int]]:
        """One call of the server-side append step (it locks, assigns, inserts and commits
        on its own), then one local transaction. Returns (new on the server, event id ->
        seq for every row)."""
        conn = self.conn
        assert conn is not None
        document = json.dumps([wire(r) for r in rows], ensure_ascii=False, separators=(",", ":"))
        faults.point("push.before_server_commit")
        try:
            result = self._call_append(conn, document)
        except DBAPIError as exc:
            kind = classify(exc)
            # The append step waits for nothing but the head lock: cancelled, it was waiting.
            if kind in ("busy", "timeout"):
                raise Busy(server_words(exc)) from exc
            if kind == "refused":
                raise Refused(server_words(exc)) from exc
            if kind == "denied":
                raise Incompatible(_denied_message()) from None
            raise
        seqs = {str(r[0]): int(r[1]) for r in result}
        taken = sum(1 for r in result if r[2])
        faults.point("push.after_server_commit")
        self.log.mark_pushed(seqs)
        faults.point("push.after_local_ack")
        return taken, seqs

    def _call_append(self, conn: Connection, document: str) -> list[Any]:
        """The append step, so that the head lock is released before the server answers.
        PostgreSQL: one statement in autocommit (switching is local to the driver: no round
        trip), so the server commits at the end of the statement. MariaDB: the procedure
        commits inside itself (START TRANSACTION ... COMMIT), whatever the session does."""
        params = {"batch": document, "version": __version__[:40]}
        statement = text(shared.append_sql(conn.dialect.name))
        if conn.dialect.name != "postgresql":
            tx, dog = self._tx()
            with dog, tx:
                return list(conn.execute(statement, params).all())
        if conn.in_transaction():
            conn.rollback()
        conn.execution_options(isolation_level="AUTOCOMMIT")
        try:
            with Watchdog(conn, self.timeouts.transaction):
                return list(conn.execute(statement, params).all())
        finally:
            if not conn.invalidated and not conn.closed:
                # A broken connection fails here too: the caller closes it.
                with contextlib.suppress(DBAPIError):
                    conn.commit()  # ends SQLAlchemy's marker; the server committed already
                    conn.execution_options(isolation_level="READ COMMITTED")

    # ---- pull --------------------------------------------------------------------------

    def pull(self, progress: Callable[[Progress], None] | None = None) -> tuple[int, int, int]:
        """Pull until the cursor reaches the head; returns (new events, cursor, head)."""
        start = cursor = int(self.log.sync_state().get("pull_cursor", "0") or 0)
        # A desk that joined since the last pull publishes its key before it pushes.
        self._pin_keys()
        # Every seq up to this head was committed before it was read.
        head = self.head()
        inserted = 0
        while True:
            got, cursor, more = self.pull_batch(cursor)
            inserted += got
            if progress and head > start:
                progress(Progress("pull", min(cursor, head) - start, head - start))
            if not more:
                break
        if cursor < head and self.gap_waiting is None:
            cursor = self._trailing_gap(cursor, head)
        return inserted, cursor, max(head, cursor)

    def _trailing_gap(self, cursor: int, head: int) -> int:
        """Nothing after ``cursor`` is left, yet the head is further: the last rows were
        removed. Wait once, then move the cursor to the head."""
        state = self.log.sync_state()
        if not self._may_step(state, cursor + 1):
            return cursor
        self._step_over(state, cursor + 1, head, {"pull_cursor": str(head)})
        return head

    def _may_step(self, state: dict[str, str], expected: int) -> bool:
        """Whether the hole at ``expected`` was already waited for (by any process of this
        desk); if not, remember that it is being waited for now."""
        if ledger.gap_waited(state) == expected:
            return True
        self.log.set_sync_state({"gap_waited": str(expected)})
        self.gap_waiting = expected
        log.warning("shared log: seq %d is missing; waiting once", expected)
        return False

    def _step_over(
        self, state: dict[str, str], first: int, last: int, more: dict[str, str | None]
    ) -> None:
        log.error("shared log: seqs %d..%d are missing; stepping over", first, last)
        self.holes.extend(range(first, last + 1))
        self.log.apply_pulled(
            [],
            state={
                **more,
                "gap_waited": None,
                "holes": ledger.holes_value(state, first, last),
            },
        )

    def pull_batch(self, cursor: int) -> tuple[int, int, bool]:
        """One batch; returns (new events, new cursor, whether to go on)."""
        conn = self.conn
        assert conn is not None
        self.gap_waiting = None
        tx, dog = self._tx()
        with dog, tx:
            fetched = conn.execute(
                select(*pull_columns(conn.dialect.name))
                .where(shared.event.c.seq > cursor)
                .order_by(shared.event.c.seq)
                .limit(self.batch)
            ).all()
        self.fetched += len(fetched)
        faults.point("pull.after_fetch")
        if not fetched:
            return 0, cursor, False
        state = self.log.sync_state()
        rows: list[dict[str, Any]] = []
        skipped: list[ledger.SkippedRow] = []
        extra: dict[str, str | None] = {}
        expected = cursor + 1
        new_cursor = cursor
        for r in fetched:
            if r.seq != expected:
                if new_cursor > cursor:
                    break  # apply what is contiguous; the next batch meets the hole first
                # Cannot happen under the head lock unless a row was removed: wait once
                # (this process or another of this desk), then step over it.
                if not self._may_step(state, expected):
                    return 0, cursor, False
                log.error("shared log: seqs %d..%d are missing; stepping over", expected, r.seq - 1)
                self.holes.extend(range(expected, r.seq))
                extra = {
                    "gap_waited": None,
                    "holes": ledger.holes_value(state, expected, r.seq - 1),
                }
            row, why = readable(r)
            if row is None:
                log.error("shared log: seq %d (%s) skipped: %s", r.seq, r.event_id, why)
                skipped.append(ledger.SkippedRow(r.seq, r.event_id, r.stream_id, int(r.size), why))
            else:
                rows.append(row)
            new_cursor = r.seq
            expected = r.seq + 1
        if skipped:
            extra["skipped"] = ledger.skipped_value(state, skipped)
        inserted = self.log.apply_pulled(
            rows,
            state={"pull_cursor": str(new_cursor), **extra},
            before_commit=lambda: faults.point("pull.mid_apply"),
        )
        faults.point("pull.after_commit")
        fresh = set(inserted)
        self.pulled_streams.update(r["stream_id"] for r in rows if r["event_id"] in fresh)
        taken = sum(1 for r in fetched if r.seq <= new_cursor)
        return len(inserted), new_cursor, len(fetched) == self.batch or taken < len(fetched)

    # ---- anti-entropy ------------------------------------------------------------------

    def repair_due(self) -> bool:
        return (
            self._repaired_at is None
            or time.monotonic() - self._repaired_at >= self.repair_interval
        )

    def repair(self, progress: Callable[[Progress], None] | None = None) -> tuple[int, int, int]:
        """Compare with the server and heal now; returns (fetched, pushed again, of those the
        server took)."""
        assert self.conn is not None
        found = repair.repair(self.conn, self.log)
        self._repaired_at = time.monotonic()
        self.pulled_streams |= found.differing
        if found.differing:
            log.warning("anti-entropy: %d streams differed; %s", len(found.differing), found)
        taken = 0
        if found.repushed:
            taken, _acked = self.push(progress)
        return found.fetched, found.repushed, taken

    # ---- both --------------------------------------------------------------------------

    def sync(self, progress: Callable[[Progress], None] | None = None) -> Outcome:
        """Push, then pull, then anti-entropy when it is due; the caller connected first."""
        self.pulled_streams = set()
        pushed, acked = self.push(progress)
        pulled, cursor, head = self.pull(progress)
        repaired = (0, 0)
        if self.repair_due():
            fetched, repushed, taken = self.repair(progress)
            repaired = (fetched, repushed)
            pushed += taken
        return Outcome(
            pushed, acked, pulled, head, cursor, frozenset(self.pulled_streams), repaired
        )


def _denied_message() -> str:
    return (
        "This desk's database login may not write to the shared log. IT grants it the desk "
        "role: 'mimdesk db init --shared URL --create-role NAME', then GRANT NAME TO <login>."
    )


@dataclass
class Probe:
    """What ``mimdesk doctor`` learns from the shared database without writing to it."""

    ok: bool
    error: str = ""
    connect_ms: float = 0.0
    revision: str | None = None
    schema_version: int | None = None
    min_client_schema: int | None = None
    head: int | None = None
    clock_offset_ms: int | None = None
    server: str = ""
    login_mode: str = ""


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
                head = read_head(conn, meta)
            offset = measure_offset(conn, wall)
            conn.rollback()
    except Exception as exc:
        return Probe(False, " ".join(str(getattr(exc, "orig", None) or exc).split())[:300])
    return Probe(
        True,
        connect_ms=connect_ms,
        revision=revision,
        schema_version=shared.schema_version(meta),
        min_client_schema=shared.min_client_schema(meta),
        head=head,
        clock_offset_ms=offset,
        server=server.split("\n")[0][:80],
        login_mode=person_logins.login_mode(meta) if meta else "",
    )
