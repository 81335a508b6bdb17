"""A lock between the tests that use the PostgreSQL server and the one test that restarts it
(tests/sync/test_multidesk.py), across pytest-xdist's worker processes.

Every test (and module fixture) that talks to PostgreSQL holds the lock shared; the restart
takes it exclusive, so it waits until no other worker is in the middle of a PostgreSQL test,
and they wait until the server is back. Keeping all PostgreSQL tests on one worker would do
the same, but pytest-xdist 3.8's ``xdist_group`` does not hold under pytest 9.2: the group is
written into ``Item._nodeid``, which pytest 9.2 no longer reads, so the groups are silently
ignored and the tests spread over both workers.

One open file per process, counted: flock locks belong to the open file, so a second one in
the same process would wait for the first.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PATH = Path(tempfile.gettempdir()) / "mimdesk-tests-postgresql.lock"

_fd: int | None = None
_holders = 0


def _open() -> int:
    global _fd
    if _fd is None:
        _fd = os.open(PATH, os.O_RDWR | os.O_CREAT, 0o666)
    return _fd


def _close_if_unused() -> None:
    global _fd
    if _holders == 0 and _fd is not None:
        fcntl.flock(_fd, fcntl.LOCK_UN)
        os.close(_fd)
        _fd = None


@contextmanager
def using() -> Iterator[None]:
    """Hold the server (shared) for the duration: no restart meanwhile."""
    global _holders
    if _holders == 0:
        fcntl.flock(_open(), fcntl.LOCK_SH)
    _holders += 1
    try:
        yield
    finally:
        _holders -= 1
        _close_if_unused()


@contextmanager
def restarting() -> Iterator[None]:
    """Hold the server alone (exclusive) while it restarts; the shared hold this process had
    comes back afterwards."""
    fd = _open()
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        if _holders:
            fcntl.flock(fd, fcntl.LOCK_SH)
        else:
            _close_if_unused()
