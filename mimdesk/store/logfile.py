"""The database file as the event log's three parts share it.

The log (eventlog.py), the summary projection (projection.py) and the replication ledger
(replication.py) all write through one LogFile: its lock serialises this desk's writers, each
write transaction is BEGIN IMMEDIATE behind the file guard, driver errors become messages a
person can act on, and the desk's id and hybrid logical clock are kept in desk_meta.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from threading import RLock

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from mimdesk import errors
from mimdesk.domain.events import Event
from mimdesk.domain.hlc import HybridClock
from mimdesk.domain.ids import new_id
from mimdesk.store.event_rows import COLUMN_NAMES, driver_row_to_event
from mimdesk.store.fileguard import write_guard
from mimdesk.store.signatures import Signer
from mimdesk.store.sqlite import translate

# Ids per statement where a list of them is bound: SQLite caps the parameters of one.
CHUNK = 500

# Raised by statements sent through SQLAlchemy and by those sent to sqlite3 directly.
DRIVER_ERRORS = (DBAPIError, sqlite3.Error)

# Sent to sqlite3 directly: opening a long incident is mostly reading its rows, and
# SQLAlchemy's result rows cost more than SQLite takes to return them.
_STREAM = f"SELECT {COLUMN_NAMES} FROM event WHERE stream_id = ? ORDER BY hlc, desk_id, event_id"
_NEWER = f"SELECT {COLUMN_NAMES} FROM event WHERE stream_id = ? AND seq > ?"


def driver(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under ``conn``, in the same transaction.

    For the few statements of every append: SQLAlchemy's work per statement (building it,
    its cache key, the result set-up) costs several times what SQLite takes to run it
    (tests/benchmarks, append).
    """
    dbapi = conn.connection.driver_connection
    assert isinstance(dbapi, sqlite3.Connection)
    return dbapi


def read_stream(conn: Connection, stream_id: str) -> list[Event]:
    """One stream's events in the order every desk agrees on."""
    return [driver_row_to_event(r) for r in driver(conn).execute(_STREAM, (stream_id,))]


def read_newer(conn: Connection, stream_id: str, seq: int) -> list[Event]:
    """The events of one stream this file took in after local insertion number ``seq``."""
    return [driver_row_to_event(r) for r in driver(conn).execute(_NEWER, (stream_id, seq))]


class LogFile:
    """Transactions, errors, the desk id and the clock. Thread-safe."""

    def __init__(self, engine: Engine, *, before_write: Callable[[], None] | None = None) -> None:
        self.engine = engine
        self.lock = RLock()
        self._immediate = engine.execution_options(sqlite_begin="IMMEDIATE")
        # Runs before every write transaction (by default the engine's FileGuard: the file
        # must still be the one opened).
        guard = write_guard(engine)
        self._before_write = before_write or (guard.check if guard is not None else None)
        with engine.begin() as conn:
            raw = driver(conn)
            self.desk_id = _meta(raw, "desk_id") or _init_meta(raw, "desk_id", new_id())
            self.clock = HybridClock(int(_meta(raw, "hlc") or _init_meta(raw, "hlc", "0")))
        # The last measured offset of this desk's clock to the shared database's (set by the
        # replication ledger): new events are stamped with wall time + offset, so a wrong OS
        # clock does little harm.
        self.clock_offset_ms = 0
        # The desk's key (mimdesk.store.signatures): None leaves new events unsigned (a log
        # opened by a tool, not by a desk).
        self.signer: Signer | None = None
        self.own_key_pinned = False

    # ---- transactions -------------------------------------------------------------------

    def read(self) -> AbstractContextManager[Connection]:
        return self.engine.begin()

    @contextmanager
    def driver_read(self) -> Iterator[sqlite3.Connection]:
        """A pooled sqlite3 connection, outside any transaction, for a lookup that every
        command makes: each statement is atomic on its own, and SQLAlchemy's work around a
        transaction costs several times the lookup (see :func:`driver`)."""
        pooled = self.engine.raw_connection()
        try:
            dbapi = pooled.driver_connection
            assert isinstance(dbapi, sqlite3.Connection)
            yield dbapi
        finally:
            pooled.close()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction, holding the lock."""
        with self.lock:
            if self._before_write is not None:
                # Before BEGIN: after a swap the guard checkpoints, which a transaction blocks.
                self._before_write()
            with self._immediate.begin() as conn:
                yield conn

    @contextmanager
    def translated(self) -> Iterator[None]:
        """Driver errors raised inside become :class:`mimdesk.errors.MimDeskError`."""
        try:
            yield
        except DRIVER_ERRORS as exc:
            raise self.translate(exc) from None

    def translate(self, exc: BaseException) -> errors.MimDeskError:
        """A driver error (through SQLAlchemy or not) as a message a person can act on."""
        orig = exc.orig if isinstance(exc, DBAPIError) else None
        return translate(Path(self.engine.url.database or "?"), orig or exc)

    # ---- the clock ----------------------------------------------------------------------

    def tick(self, now_ms: int) -> int:
        with self.lock:
            return self.clock.tick(now_ms + self.clock_offset_ms)

    def advance_clock(self, conn: Connection, hlcs: Iterable[int]) -> None:
        """Move the clock past these events (some come from other desks) and past what
        another process on this file stored, and store it; it never moves back."""
        raw = driver(conn)
        stored = int(_meta(raw, "hlc") or 0)
        self.clock.last = max(self.clock.last, stored, *hlcs)
        self.store_clock(conn)

    def store_clock(self, conn: Connection) -> None:
        raw = driver(conn)
        value = str(self.clock.last)
        if not raw.execute("UPDATE desk_meta SET value = ? WHERE key = 'hlc'", (value,)).rowcount:
            _init_meta(raw, "hlc", value)


def _meta(raw: sqlite3.Connection, key: str) -> str | None:
    row = raw.execute("SELECT value FROM desk_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _init_meta(raw: sqlite3.Connection, key: str, value: str) -> str:
    raw.execute("INSERT INTO desk_meta (key, value) VALUES (?, ?)", (key, value))
    return value
