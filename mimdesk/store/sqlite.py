"""Opening the local SQLite database safely.

Before anything is written, the file is checked with a read-only connection: is it SQLite at
all, is it readable, is it locked by another program, was it written by a newer MIM Desk. Any
problem raises a :class:`mimdesk.errors.DatabaseError` and leaves the file exactly as it was.
Only then is it opened for writing, in WAL mode with full sync, so that an append is on disk
when it returns.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry

from mimdesk import errors
from mimdesk.store import migrate

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
CHECK_TIMEOUT_S = 2.0


def check_file(path: Path) -> str | None:
    """Check an existing database without changing it; return its schema revision."""
    if path.is_dir():
        raise errors.NotADatabase(
            path, f"{path} is a folder, not a database file.", "Choose a database file."
        )
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
    uri = f"{path.resolve().as_uri()}?mode=ro"
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
    """A consistent copy of the database beside it, taken before a schema upgrade."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.before-upgrade-{revision or 'none'}-{stamp}{path.suffix}")
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
    finally:
        source.close()
    return target


def make_engine(path: Path) -> Engine:
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
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk when it returns (NORMAL could lose the last commits on
        # power loss). The cost is measured in tests/benchmarks.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def open_database(path: Path) -> tuple[Engine, Path | None]:
    """Check, back up if an upgrade is due, upgrade, and return an engine.

    Returns the engine and the path of the backup copy, if one was made.
    """
    path = Path(path)
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
    except Exception as exc:
        engine.dispose()
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError) and exc.orig is not None:
            raise translate(path, exc.orig) from None
        raise
    return engine, backup_path
