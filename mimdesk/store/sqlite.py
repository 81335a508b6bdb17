"""Opening the local SQLite database safely.

Before anything is written, the file is checked with a read-only connection: is it SQLite at
all, is it readable, is it locked by another program, was it written by a newer MIM Desk. Any
problem raises a :class:`mimdesk.errors.DatabaseError` and leaves the file exactly as it was.
Only then is it opened for writing, in WAL mode with full sync, so that an append is on disk
when it returns.

A path that cannot hold a database (a FIFO, a device, a name too long) is refused before
anything opens it. A file this user may not write can still be opened read-only.

While it is open, a :class:`FileGuard` checks before each write that the file at the path is
still the one opened, with the content this desk knows (see :class:`FileGuard`).
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import sqlite3
import stat
import struct
import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, ClassVar, NoReturn
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry

from mimdesk import errors
from mimdesk.store import migrate

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
BUSY_TIMEOUT_MS = 5000
CHECK_TIMEOUT_S = 2.0
NAME_MAX = 255


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_kind(path: Path) -> None:
    """Refuse a path that cannot hold a database before anything opens it: opening a FIFO
    waits for a writer forever, and a device reads as an endless or empty file."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return  # a new database; whether it can be made there is check_writable's question
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            longest = max(path.parts, key=len, default=str(path))
            if len(longest) > NAME_MAX:
                message = (
                    f"The name {longest[:40]}… is too long: {len(longest)} characters, "
                    f"where a file system allows {NAME_MAX}."
                )
            else:
                message = f"The path of the database is too long ({len(str(path))} characters)."
            raise errors.DatabaseMissing(
                path, message, "Choose a shorter name or a folder nearer the top."
            ) from None
        if isinstance(exc, PermissionError):
            raise errors.DatabaseUnwritable(
                path,
                f"MIM Desk may not open {path}.",
                "Ask IT for access to the file, or open another database.",
            ) from None
        raise errors.DatabaseError(
            path, f"The database {path} cannot be opened ({exc.strerror}).", "Open another one."
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise errors.NotADatabase(
            path, f"{path} is a folder, not a database file.", "Choose a database file."
        )
    if not stat.S_ISREG(st.st_mode):
        raise errors.NotADatabase(
            path,
            f"{path} is {_kind_of(st.st_mode)}, not a database file.",
            "Choose a database file.",
        )


def read_only_uri(path: Path) -> str:
    """The URI of a read-only connection that creates nothing beside the file.

    Without a -wal or -shm file the whole database is in the main file, and nobody has it
    open for writing: ``immutable`` then reads it without the shared-memory file, which a
    read-only connection could not create in a folder it may not write.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists():
        uri += "&immutable=1"
    return uri


def check_file(path: Path, *, read_only: bool = False) -> str | None:
    """Check an existing database without changing it; return its schema revision."""
    check_kind(path)
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_MAGIC))
    except PermissionError:
        raise errors.DatabaseUnwritable(
            path,
            f"MIM Desk may not read {path}.",
            "Ask IT for access to the file, or open another database.",
        ) from None
    if header and header != SQLITE_MAGIC:
        raise errors.NotADatabase(
            path,
            f"{path} is not a MIM Desk database (it is not an SQLite file).",
            "Open another database, or create a new one.",
        )
    if not header:
        return None  # an empty file is an empty database
    uri = read_only_uri(path) if read_only else f"{path.resolve().as_uri()}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=CHECK_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise translate(path, exc) from None
    try:
        ok = con.execute("PRAGMA quick_check(1)").fetchone()
        if not ok or ok[0] != "ok":
            raise errors.DatabaseCorrupt(
                path,
                f"The database {path} is damaged ({ok[0] if ok else 'no answer'}).",
                "Open a backup copy (MIM Desk keeps one beside the file before each upgrade), "
                "or create a new database.",
            )
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return None
        if "alembic_version" not in tables or "event" not in tables:
            raise errors.NotADatabase(
                path,
                f"{path} is an SQLite file, but not a MIM Desk database.",
                "Open another database, or create a new one.",
            )
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise translate(path, exc) from None
    finally:
        con.close()
    revision = row[0] if row else None
    if revision is not None and revision not in migrate.KNOWN_REVISIONS:
        raise errors.SchemaTooNew(
            path,
            f"The database {path} was written by a newer MIM Desk (schema {revision}).",
            "Install the newer MIM Desk to open it, or open another database.",
        )
    return revision


def translate(path: Path, exc: BaseException) -> errors.DatabaseError:
    """Turn a driver error into a message a person can act on."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return errors.DatabaseLocked(
            path,
            f"The database {path} is locked by another program.",
            "Close the other program (or the other MIM Desk that holds it) and try again.",
        )
    if "not a database" in text or "file is encrypted" in text:
        return errors.NotADatabase(
            path,
            f"{path} is not a MIM Desk database.",
            "Open another database, or create a new one.",
        )
    if "malformed" in text or "corrupt" in text:
        return errors.DatabaseCorrupt(
            path,
            f"The database {path} is damaged.",
            "Open a backup copy (MIM Desk keeps one beside the file before each upgrade), "
            "or create a new database.",
        )
    if (
        "readonly" in text
        or "read-only" in text
        or "unable to open" in text
        or "permission" in text
    ):
        return errors.DatabaseUnwritable(
            path,
            f"MIM Desk cannot write to {path}.",
            "Choose a folder you can write to, or ask IT for write access.",
        )
    if "disk" in text and ("full" in text or "i/o" in text):
        return errors.DatabaseUnwritable(
            path,
            f"The disk holding {path} is full or failing.",
            "Free some space or move the database, then try again.",
        )
    return errors.DatabaseError(
        path, f"The database {path} could not be used: {exc}.", "Open another database."
    )


def check_writable(path: Path) -> None:
    folder = path.parent
    if not folder.exists():
        raise errors.DatabaseMissing(
            path,
            f"The folder {folder} does not exist.",
            "Choose an existing folder for the database, or create the folder first.",
        )
    if not folder.is_dir():
        raise errors.DatabaseUnwritable(
            path,
            f"MIM Desk cannot write in {folder}: it is a file, not a folder.",
            "Choose a folder for the database.",
        )
    # WAL mode writes two files beside the database, so the folder must be writable too.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise errors.DatabaseUnwritable(
            path,
            f"MIM Desk cannot write in {folder}.",
            "Choose a folder you can write to, or ask IT for write access.",
        )
    if path.exists() and not os.access(path, os.W_OK):
        raise errors.DatabaseUnwritable(
            path,
            f"MIM Desk cannot write to {path}: the file is read-only.",
            "Ask IT for write access to the file, or open another database.",
        )


def backup(path: Path, revision: str | None) -> Path:
    """A consistent copy of the database beside it, taken before a schema upgrade.

    The copy gets an instance id of its own: copied back over the open file, it is noticed
    as another file (see :class:`FileGuard`).
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.before-upgrade-{revision or 'none'}-{stamp}{path.suffix}")
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.execute(f"PRAGMA user_version = {new_instance_id()}")
        dest.close()
    finally:
        source.close()
    return target


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    if read_only:
        uri = read_only_uri(path)
        engine = create_engine(
            f"sqlite:///{path}",  # only names the file in messages: the creator connects
            creator=lambda: sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            ),
        )
    else:
        engine = create_engine(
            f"sqlite:///{path}",
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: sqlite3.Connection, _rec: ConnectionPoolEntry) -> None:
        # We issue BEGIN ourselves (below): pysqlite's implicit transactions would start
        # write transactions as readers and fail with "database is locked" under contention.
        dbapi_con.isolation_level = None
        cur = dbapi_con.cursor()
        if read_only:
            cur.execute("PRAGMA query_only=ON")
        else:
            cur.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit is on disk when it returns (NORMAL could lose the last commits
            # on power loss). The cost is measured in tests/benchmarks.
            cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


# ---- the file stays the one that was opened ----------------------------------------------


def new_instance_id() -> int:
    """A random id for one database file, kept in the header's user_version (a signed 32-bit
    field that SQLite never sets itself and MIM Desk uses for nothing else)."""
    return secrets.randbelow(2**31 - 1) + 1


def file_identity(path: Path) -> tuple[int, int]:
    """(device, file number) of the file at ``path``: which file it is, not what it holds.

    POSIX: st_dev and st_ino. Windows: Python's os.stat gives the volume serial number as
    st_dev and the file id (the NTFS file index) as st_ino; that is untested here (the tests
    run on Linux only). A file system without stable file numbers gives 0, which
    :meth:`FileGuard.check` does not compare.
    """
    st = os.stat(path)
    return st.st_dev, st.st_ino


@dataclass(frozen=True, slots=True)
class Header:
    """The fields of SQLite's 100-byte file header that tell one database from another."""

    page_size: int
    change_counter: int
    instance_id: int

    @classmethod
    def parse(cls, data: bytes) -> Header | None:
        if len(data) < HEADER_SIZE or not data.startswith(SQLITE_MAGIC):
            return None
        (page_size,) = struct.unpack_from(">H", data, 16)
        (counter,) = struct.unpack_from(">I", data, 24)
        (user_version,) = struct.unpack_from(">i", data, 60)
        return cls(page_size, counter, user_version)


class FileGuard:
    """Checks, before each write, that the database file was not swapped underneath.

    A folder-sync client or a copy can replace the file while it is open. SQLite notices
    none of it: its handles still reach the old file, or, when the new content was copied
    into the same file, its -wal still holds pages of the old content, which the next
    checkpoint (or the next start, replaying the -wal) writes into the new one. Two checks,
    each cheap enough for every write (one stat, one 100-byte read):

    - identity: the file at the path is still the file opened (:func:`file_identity`);
      this catches a rename over it, a move and a delete;
    - content: the main file's header still carries this database's instance id (see
      :func:`new_instance_id`), and SQLite's file change counter has not gone back. The
      header is read from the main file itself, never through SQLite, whose -wal would
      answer with the old content's pages.

    The change counter alone proves little here: in WAL mode SQLite bumps it on no commit
    and no checkpoint, only on a VACUUM (measured with SQLite 3.40), so it is checked only
    for going back, which no writer does. The instance id is what tells another database
    apart; VACUUM keeps it. Not caught: an older copy of this same database (the same id),
    copied into the same file. A copy MIM Desk makes (:func:`backup`) has an id of its own.

    Once a swap is seen, every later write fails the same way, and the -wal at the path,
    which belongs to the old file, is made harmless for whatever file is there now (see
    :meth:`_disarm`).

    The file is read through a handle held open from :func:`open_database` until the engine
    is closed (see :class:`_HeldFile`).
    """

    def __init__(self, path: Path, instance_id: int, engine: Engine) -> None:
        self.path = path
        self.instance_id = instance_id
        self._engine = weakref.ref(engine)
        held = _HeldFile.take(path)
        self._file = held.file
        self.identity = held.identity
        # Given back by close(), or when the engine (and so this guard) is collected
        # unclosed (a test disposing its engine itself).
        self._give_back = weakref.finalize(self, held.give_back)
        self._read_lock = threading.Lock()
        header = self._header()
        # Until a checkpoint has put the id into the main file, it may still show 0 there.
        self._confirmed = header is not None and header.instance_id == instance_id
        self._counter = header.change_counter if header else 0
        self.failure: errors.DatabaseSwapped | None = None
        # The file at the path is this file, with other content: this desk's -wal must
        # never be checkpointed into it, so its connections are never closed (close_engine).
        self.overwritten = False

    @property
    def confirmed(self) -> bool:
        return self._confirmed

    def _header(self) -> Header | None:
        fd = self._file.fileno()
        if hasattr(os, "pread"):
            return Header.parse(os.pread(fd, HEADER_SIZE, 0))
        with self._read_lock:  # Windows: no pread; seek and read must not interleave
            self._file.seek(0)
            return Header.parse(self._file.read(HEADER_SIZE))

    def check(self) -> None:
        """Raise :class:`mimdesk.errors.DatabaseSwapped` if the file is not the one opened.

        Call it outside a transaction: after a swap it checkpoints (see :meth:`_disarm`).
        """
        if self.failure is not None:
            raise self.failure
        try:
            dev, ino = file_identity(self.path)
        except (FileNotFoundError, NotADirectoryError):
            self._swapped()
        except OSError as exc:
            # Not proof of a swap (a network share that went away): refuse this write only.
            raise errors.DatabaseUnwritable(
                self.path,
                f"MIM Desk cannot reach {self.path} ({exc.strerror}).",
                "Check that the drive or share is there, then try again.",
            ) from None
        else:
            same_ino = ino == self.identity[1] or not ino or not self.identity[1]
            if dev != self.identity[0] or not same_ino:
                self._swapped()
        header = self._header()
        ids = (self.instance_id,) if self._confirmed else (0, self.instance_id)
        if header is None or header.instance_id not in ids or header.change_counter < self._counter:
            self.overwritten = True
            self._swapped()
        assert header is not None
        self._confirmed = header.instance_id == self.instance_id
        self._counter = header.change_counter

    def _swapped(self) -> NoReturn:
        kept = self._disarm()
        hint = (
            "Copy anything you typed to keep it, find out which program changed the file "
            "(a folder-sync client, a copy over it), then start MIM Desk again."
        )
        if kept:
            hint += f" This desk's last changes were set aside in {', '.join(kept)}."
        self.failure = errors.DatabaseSwapped(
            self.path,
            f"The database file {self.path} was replaced or moved by another program; "
            "MIM Desk stopped writing to it.",
            hint,
        )
        raise self.failure

    def _disarm(self) -> list[str]:
        """Leave no -wal at the path that a later start would replay into the file there.

        Moved or replaced by a rename: this desk's handles reach the old file, wherever it
        went. A checkpoint through them completes it with the -wal and empties the -wal.
        Overwritten in place: the old pages must not reach the file, so the -wal and -shm
        are renamed away (and kept: they hold this desk's last changes). Returns the names
        of what was set aside.
        """
        engine = self._engine()
        if not self.overwritten and engine is not None:
            try:
                with engine.connect() as conn:
                    busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
                if busy is not None and not busy[0]:
                    return []
            except Exception:  # a failed checkpoint leaves the -wal full: set it aside
                pass
        return _set_aside(self.path)

    def close(self) -> None:
        self._give_back()


class _HeldFile:
    """One read handle per database file and process, shared by the guards on it.

    On POSIX, closing any handle on a file drops every lock the process holds on it,
    SQLite's included. So the file is opened once, never per check, and closed only when
    the last guard on it lets go, after its engine has closed its connections.
    """

    _open: ClassVar[dict[tuple[int, int], _HeldFile]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, file: IO[bytes], identity: tuple[int, int]) -> None:
        self.file = file
        self.identity = identity
        self.users = 1

    @classmethod
    def take(cls, path: Path) -> _HeldFile:
        with cls._lock:
            held = cls._open.get(file_identity(path))
            if held is not None:
                held.users += 1
                return held
            file = open(path, "rb", buffering=0)  # noqa: SIM115 - held: see the class
            st = os.fstat(file.fileno())
            held = cls(file, (st.st_dev, st.st_ino))
            cls._open[held.identity] = held
            return held

    def give_back(self) -> None:
        with self._lock:
            self.users -= 1
            if self.users:
                return
            if self._open.get(self.identity) is self:
                del self._open[self.identity]
            self.file.close()


def _set_aside(path: Path) -> list[str]:
    """Rename this desk's -wal and -shm away from the path; their handles in this process
    follow the rename. Returns the new names."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = []
    for suffix in ("-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        target = source.with_name(f"{source.name}.set-aside-{stamp}")
        try:
            os.rename(source, target)
        except OSError:
            continue  # gone already, or (Windows) held open without sharing: nothing to do
        kept.append(target.name)
    return kept


_GUARDS: WeakKeyDictionary[Engine, FileGuard] = WeakKeyDictionary()
# Engines over a file that was overwritten in place: never closed, never collected.
_ABANDONED: list[Engine] = []


def write_guard(engine: Engine) -> FileGuard | None:
    """The guard of an engine made by :func:`open_database` for writing, else None."""
    return _GUARDS.get(engine)


def close_engine(engine: Engine) -> None:
    """Close an engine made by :func:`open_database`.

    Closing the last connection to a WAL database checkpoints its -wal into the file. When
    the file was overwritten in place that would write the old content's pages into the new
    one, so those connections stay open until the process ends (Python 3.11's sqlite3
    cannot turn that checkpoint off).
    """
    guard = _GUARDS.pop(engine, None)
    if guard is not None and guard.overwritten:
        _ABANDONED.append(engine)
        # Also past the interpreter's own teardown, which would otherwise close them.
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(engine))
    else:
        engine.dispose()
    if guard is not None:
        # Only now: closing a handle on the file drops this process's locks on it.
        guard.close()


def _instance_id(engine: Engine) -> int:
    """This database's instance id, given one on first open (by whichever process comes
    first: the write transaction makes two starts agree)."""
    with engine.connect() as conn:
        current = conn.exec_driver_sql("PRAGMA user_version").scalar()
    if current:
        return int(current)
    with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
        current = conn.exec_driver_sql("PRAGMA user_version").scalar()
        if not current:
            current = new_instance_id()
            conn.exec_driver_sql(f"PRAGMA user_version = {int(current)}")
    return int(current)


def open_database(path: Path, *, read_only: bool = False) -> tuple[Engine, Path | None]:
    """Check, back up if an upgrade is due, upgrade, and return an engine.

    Returns the engine and the path of the backup copy, if one was made. ``read_only``
    opens an existing database for reading only, with nothing written or created beside it
    (for a file or folder this user may not write).
    """
    path = Path(path)
    check_kind(path)
    if read_only:
        return _open_read_only(path), None
    check_writable(path)
    revision = check_file(path) if path.exists() else None
    backup_path = None
    if revision is not None and revision != migrate.HEAD:
        backup_path = backup(path, revision)
    engine = make_engine(path)
    try:
        if revision != migrate.HEAD:
            with engine.begin() as conn:
                migrate.upgrade(conn)
        instance_id = _instance_id(engine)
        guard = FileGuard(path, instance_id, engine)
        if not guard.confirmed:
            # Put the id into the main file's header, where the guard reads it.
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            guard.check()
    except Exception as exc:
        engine.dispose()
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError) and exc.orig is not None:
            raise translate(path, exc.orig) from None
        if isinstance(exc, OSError):
            raise translate(path, exc) from None
        raise
    _GUARDS[engine] = guard
    return engine, backup_path


def _open_read_only(path: Path) -> Engine:
    if not path.exists():
        raise errors.DatabaseMissing(
            path, f"There is no database at {path}.", "Check the path, or open another database."
        )
    revision = check_file(path, read_only=True)
    if revision != migrate.HEAD:
        raise errors.DatabaseUnwritable(
            path,
            f"The database {path} needs an upgrade, and MIM Desk may not write to it.",
            "Ask IT for write access to the file and its folder, or open it with a MIM Desk "
            "of its own version.",
        )
    return make_engine(path, read_only=True)
