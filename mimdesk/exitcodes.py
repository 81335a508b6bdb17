"""The exit status of every ``mimdesk`` command and of the window: one table, the README's.

Scripts and IT's monitoring branch on these, so a code keeps its meaning from one release to
the next. Every command returns one of these names, never a bare number
(``tests/cli/test_exit_codes.py`` reads the source and the README).
"""

from __future__ import annotations

from typing import NamedTuple

OK = 0
# The command ran, and what it checks or hands on did not pass: a site file with problems, a
# message its channel refused, a secret that is not set, a self-test that failed.
FAILED = 1
# Nothing was done: a wrong argument, reference or value, or a database that cannot be used
# as it is. One line on stderr says what is wrong and what to do.
USER_ERROR = 2
# sync: this MIM Desk cannot use the shared database (its schema or this login's rights).
INCOMPATIBLE = 3
# sync: the shared database cannot be reached.
UNREACHABLE = 4
# sync: another desk was writing; try again.
BUSY = 5
# The window stopped on an unexpected error (EX_SOFTWARE); the crash report names its file.
CRASHED = 70
# Queued in the outbox: the channel is down; the message goes when it is back (EX_TEMPFAIL).
QUEUED = 75
# Interrupted with Ctrl+C (128 + SIGINT).
INTERRUPTED = 130
# The reader of the output went away (`mimdesk list | head`): 128 + SIGPIPE, what a shell
# reports for a program the closed pipe stopped. What was written is complete up to there.
PIPE_CLOSED = 141


class Code(NamedTuple):
    code: int
    name: str
    meaning: str


TABLE: tuple[Code, ...] = (
    Code(OK, "OK", "done"),
    Code(FAILED, "FAILED", "ran, and what it checks or hands on did not pass"),
    Code(USER_ERROR, "USER_ERROR", "nothing done: one line on stderr says what is wrong"),
    Code(INCOMPATIBLE, "INCOMPATIBLE", "sync: cannot use the shared database (schema, rights)"),
    Code(UNREACHABLE, "UNREACHABLE", "sync: the shared database cannot be reached"),
    Code(BUSY, "BUSY", "sync: another desk was writing; try again"),
    Code(CRASHED, "CRASHED", "the window stopped on an unexpected error"),
    Code(QUEUED, "QUEUED", "queued in the outbox; sent when the channel is back"),
    Code(INTERRUPTED, "INTERRUPTED", "interrupted (Ctrl+C)"),
    Code(PIPE_CLOSED, "PIPE_CLOSED", "the reader of the output went away"),
)
