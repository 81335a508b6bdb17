"""The database file stays the one that was opened: a guard checked before every write.

A folder-sync client or a copy over the file can replace the database under an open
connection. Before each write the guard compares the file's identity (device and file number)
and a random instance id kept in the header's user_version, read through a handle held open,
and stops every later write with :class:`mimdesk.errors.DatabaseSwapped` once they differ.
SQLite's own change counter does not move on commits in WAL mode, and after a copy over the
file SQL still answers from the old -wal, so neither alone would notice.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import struct
import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, ClassVar, NoReturn
from weakref import WeakKeyDictionary

from sqlalchemy import Engine

from mimdesk import errors

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100


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


def register(engine: Engine, guard: FileGuard) -> None:
    """Make ``guard`` the one :func:`write_guard` and :func:`close_engine` find for ``engine``."""
    _GUARDS[engine] = guard
