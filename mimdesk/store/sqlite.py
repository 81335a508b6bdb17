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

import errno
import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry

from mimdesk import errors
from mimdesk.store import migrate
from mimdesk.store.fileguard import (
    SQLITE_MAGIC,
    FileGuard,
    new_instance_id,
    register,
)

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
    from mimdesk.store.backups import copy  # backups reads files through this module

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.before-upgrade-{revision or 'none'}-{stamp}{path.suffix}")
    return copy(path, target)


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
    register(engine, guard)
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
