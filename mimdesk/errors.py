"""Errors a person can act on: what is wrong, and what to do about it.

Every error that can reach a user carries a ``message`` (what is wrong, naming the file or
thing) and a ``hint`` (what to do). The CLI prints them on one line and exits 2; the GUI shows
them in a dialog. They never carry a secret.
"""

from __future__ import annotations

from pathlib import Path


class MimDeskError(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class DatabaseError(MimDeskError):
    """The local database cannot be used as it is. The file is left untouched."""

    def __init__(self, path: Path, message: str, hint: str) -> None:
        super().__init__(message, hint)
        self.path = path


class NotADatabase(DatabaseError):
    pass


class DatabaseCorrupt(DatabaseError):
    pass


class DatabaseLocked(DatabaseError):
    pass


class DatabaseInUse(DatabaseLocked):
    """Another MIM Desk window holds the file (and did not answer a request to show itself)."""


class DatabaseSwapped(DatabaseError):
    """The open file was replaced, moved or overwritten by another program: nothing more is
    written to it."""


class DatabaseUnwritable(DatabaseError):
    pass


class DatabaseMissing(DatabaseError):
    pass


class SchemaTooNew(DatabaseError):
    pass


class NotFound(MimDeskError):
    pass


class NotInDirectory(NotFound):
    """A name that should be a person of the directory is not one; the window offers to add
    them (``person`` is the name as typed, cleaned)."""

    def __init__(self, person: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.person = person


class InvalidInput(MimDeskError):
    pass


class Refused(MimDeskError):
    """A valid request the incident's current state does not allow."""


class NotEntitled(Refused):
    """This OS account may not do what was asked (:mod:`mimdesk.domain.entitlement`).
    ``overridable``: a reason for acting anyway would let it through, and be recorded."""

    def __init__(self, message: str, hint: str = "", *, overridable: bool = False) -> None:
        super().__init__(message, hint)
        self.overridable = overridable
