"""What a shared-database error means for the sync: another desk is writing (wait a moment),
the server refused what this desk sent (set that event aside), this login may not write (IT
must grant the desk role), or anything else (treated as a network fault: back off, retry).

PostgreSQL says it with a SQLSTATE; MariaDB with an error number (``mimdesk_append`` signals
its refusals with SQLSTATE 22023, which PyMySQL reports as error 1644).
"""

from __future__ import annotations

from typing import Any, Literal

Kind = Literal["busy", "timeout", "refused", "denied", "other"]

_PG_BUSY = {"55P03", "40P01", "40001"}  # lock_not_available, deadlock, serialization
_PG_TIMEOUT = {"57014"}  # query_canceled: the statement timeout
_PG_DENIED = {"42501"}  # insufficient_privilege
_MY_BUSY = {1205, 1213}  # lock wait timeout, deadlock
_MY_TIMEOUT = {1969, 3024}  # max_statement_time exceeded
_MY_REFUSED = {1644, 4025, 1406, 1366, 1292, 1264, 1048, 4037, 4038}
_MY_DENIED = {1142, 1143, 1370, 1044, 1045}


class Busy(Exception):
    """Another desk held the shared log's head lock for longer than this desk waits."""


class Refused(Exception):
    """The shared database refused the batch for what is in it; nothing was written."""


def classify(exc: BaseException) -> Kind:
    """``timeout``: the server cancelled the statement (its statement timeout): the server is
    there, only slow or waiting; what the caller makes of it depends on the statement."""
    orig = getattr(exc, "orig", None) or exc
    args: tuple[Any, ...] = getattr(orig, "args", ())
    if args and isinstance(args[0], int):  # PyMySQL: (errno, message)
        code = args[0]
        if code in _MY_BUSY:
            return "busy"
        if code in _MY_TIMEOUT:
            return "timeout"
        if code in _MY_DENIED:
            return "denied"
        if code in _MY_REFUSED:
            return "refused"
        return "other"
    sqlstate = getattr(orig, "sqlstate", None)  # psycopg
    if not isinstance(sqlstate, str):
        return "other"
    if sqlstate in _PG_BUSY:
        return "busy"
    if sqlstate in _PG_TIMEOUT:
        return "timeout"
    if sqlstate in _PG_DENIED:
        return "denied"
    if sqlstate[:2] in ("22", "23") or sqlstate == "54000":
        return "refused"
    return "other"


def server_words(exc: BaseException) -> str:
    """The server's message on one line, without driver noise (never holds the URL)."""
    orig = getattr(exc, "orig", None) or exc
    args: tuple[Any, ...] = getattr(orig, "args", ())
    if len(args) >= 2 and isinstance(args[0], int):
        text = str(args[1])
    else:
        text = str(orig).split("\nCONTEXT:")[0]
    return " ".join(text.split())[:300]
