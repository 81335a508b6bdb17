"""One window per database file.

Two windows on one file would run two outbox workers (a queued message sent twice) and both
write the settings. The window that opens a database holds a lock file named after it (a
hash of its resolved path, so other databases open side by side) and listens on a local
socket of the same name. A second start on that file asks the first to come to the front
and exits; if nobody answers (the holder hangs, or is stopped), it says which process holds
the file. A lock left by a process that died is taken over: :class:`QLockFile` checks that
its process still runs (same host) or runs under another name (its pid was reused).

Headless commands (``mimdesk note …``) take no lock: the event log serialises their writes
with the window's.

Protocol on the socket: one line from the client, ``raise`` (bring the window to the front)
or ``ping`` (is the window's event loop running?); one line back, ``raised`` or ``pong``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from mimdesk import errors

LOCK_FOLDER = "instances"
RAISE = b"raise"
RAISED = b"raised"
PING = b"ping"
PONG = b"pong"
# "open:" and a path in URL-safe base64 (a path may hold any character, even a line break):
# bring the window forward and offer to import that incident file.
OPEN = b"open:"


def open_request(path: Path) -> bytes:
    return OPEN + base64.urlsafe_b64encode(str(path).encode("utf-8", "surrogateescape"))


def _opened_path(request: bytes) -> str | None:
    try:
        return base64.urlsafe_b64decode(request[len(OPEN) :]).decode("utf-8", "surrogateescape")
    except (ValueError, UnicodeDecodeError):
        return None


CONNECT_TIMEOUT_MS = 1000
# A window busy for longer (a modal dialog does not block it: its loop runs) is treated as
# not answering, and the second start says who holds the file.
ANSWER_TIMEOUT_MS = 3000


class HandedOver(Exception):
    """The window that holds the database answered and came to the front."""

    def __init__(self, database: Path) -> None:
        super().__init__(f"{database} is open in another MIM Desk window")
        self.database = database


def instance_key(database: Path, lock_folder: Path) -> str:
    """The name of the lock and the socket for one database file, for one user.

    The resolved path names the file whichever way it was given (a link, ``..``, another
    case on Windows); the lock folder (per user) keeps two users' sockets apart in a shared
    temporary folder.
    """
    resolved = os.path.normcase(str(Path(database).expanduser().resolve()))
    digest = hashlib.sha256(f"{resolved}\0{lock_folder}".encode()).hexdigest()
    return f"mimdesk-{digest[:32]}"


def ask(name: str, request: bytes, timeout_ms: int = ANSWER_TIMEOUT_MS) -> bytes | None:
    """Send one request line to the window listening on ``name``; its answer, or None."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    try:
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return None
        socket.write(request + b"\n")
        if not socket.waitForBytesWritten(CONNECT_TIMEOUT_MS):
            return None
        answer = b""
        while b"\n" not in answer:
            if not socket.waitForReadyRead(timeout_ms):
                return None
            answer += bytes(socket.readAll().data())
        return answer.split(b"\n", 1)[0].strip()
    finally:
        socket.abort()


class InstanceLock(QObject):
    """This process's hold on one database file, and the socket other starts ask.

    Signals:
    raise_requested(): another start on the same file asked for the window.
    """

    raise_requested = Signal()
    # another start on the same file handed over an incident file to import
    open_requested = Signal(str)

    def __init__(self, database: Path, lock: QLockFile, name: str) -> None:
        super().__init__()
        self.database = database
        self.name = name
        self._lock = lock
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        # A socket file left by a process that died would make listen() fail; the lock,
        # held now, says that no live window owns it.
        QLocalServer.removeServer(name)
        if not self._server.listen(name):
            # The lock still keeps a second window out; it just cannot be brought forward.
            print(
                f"mimdesk: other starts on {database} cannot reach this window "
                f"({self._server.errorString()})",
                file=sys.stderr,
            )

    @Slot()
    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_request(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_request(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        request = bytes(socket.readLine().data()).strip()
        if request == RAISE:
            self.raise_requested.emit()
            socket.write(RAISED + b"\n")
        elif request.startswith(OPEN):
            path = _opened_path(request)
            self.raise_requested.emit()
            if path:
                self.open_requested.emit(path)
            socket.write(RAISED + b"\n")
        elif request == PING:
            socket.write(PONG + b"\n")
        socket.flush()
        socket.disconnectFromServer()

    def release(self) -> None:
        """Let the file go: stop listening, remove the lock file."""
        self._server.close()
        self._lock.unlock()


def claim(database: Path, lock_folder: Path, hand_over: Path | None = None) -> InstanceLock:
    """Hold ``database`` for this window.

    Raises :class:`HandedOver` when another window holds it and came to the front (with
    ``hand_over``, an incident file that window then offers to import), and
    :class:`mimdesk.errors.DatabaseInUse` when it holds it and does not answer.
    """
    try:
        lock_folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _no_lock_folder(database, lock_folder, exc.strerror or str(exc)) from None
    name = instance_key(database, lock_folder)
    lock = QLockFile(str(lock_folder / f"{name}.lock"))
    # Stale only when its process is gone: a window may hold the file for weeks.
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        return InstanceLock(database, lock, name)
    if lock.error() != QLockFile.LockError.LockFailedError:
        raise _no_lock_folder(database, lock_folder, "the lock file cannot be made")
    request = RAISE if hand_over is None else open_request(hand_over.resolve())
    if ask(name, request) == RAISED:
        raise HandedOver(database)
    # No answer: the holder may have quit meanwhile (its lock is then stale or gone).
    if lock.tryLock(0):
        return InstanceLock(database, lock, name)
    raise _in_use(database, lock)


@contextmanager
def held_quietly(database: Path, lock_folder: Path) -> Iterator[None]:
    """Hold ``database`` while a command replaces it (``mimdesk restore``), without asking a
    window to come forward: a window that has it open refuses the command, and no window can
    open it meanwhile. Raises :class:`mimdesk.errors.DatabaseInUse` naming the holder."""
    try:
        lock_folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _no_lock_folder(database, lock_folder, exc.strerror or str(exc)) from None
    lock = QLockFile(str(lock_folder / f"{instance_key(database, lock_folder)}.lock"))
    lock.setStaleLockTime(0)
    if not lock.tryLock(0):
        error = _in_use(database, lock)
        raise errors.DatabaseInUse(
            database, error.message, "Close the MIM Desk window that has it open, then try again."
        )
    try:
        yield
    finally:
        lock.unlock()


def _in_use(database: Path, lock: QLockFile) -> errors.DatabaseInUse:
    info = lock.getLockInfo()
    if isinstance(info, tuple) and len(info) == 3:
        pid, host, _app = info
        holder = f"process {pid} on {host or 'this computer'}"
    else:
        holder = "another process"
    return errors.DatabaseInUse(
        database,
        f"{database} is in use by MIM Desk ({holder}).",
        "That window does not answer: switch to it, or end that process, then start again; "
        "or open another database.",
    )


def _no_lock_folder(database: Path, folder: Path, reason: str) -> errors.DatabaseError:
    return errors.DatabaseError(
        database,
        f"MIM Desk cannot keep its lock for {database.name} in {folder} ({reason}).",
        "Check that your profile folder can be written, then start again.",
    )
