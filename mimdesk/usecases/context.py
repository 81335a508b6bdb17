"""What every use case needs: the log, the clock, who is acting, the site's vocabularies, and
how to make an event."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from mimdesk.config import builtin_vocabularies
from mimdesk.domain.cadence import TimerPolicy
from mimdesk.domain.events import Author, Event
from mimdesk.domain.ids import new_id
from mimdesk.domain.payloads import Payload
from mimdesk.domain.schema import payload_type
from mimdesk.domain.vocabulary import Vocabularies
from mimdesk.store.eventlog import EventLog


def system_now() -> datetime:
    return datetime.now(UTC)


def os_login(platform: str = sys.platform) -> str:
    """The account this process runs as, as the system names it: ``DOMAIN\\user`` on
    Windows, the user name elsewhere. Asked of the system, not of environment variables a
    person can set in a shell; "" when there is none (a service account, a container)."""
    if platform == "win32":
        return _windows_account() or _from_environment()
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, OSError):
        return _from_environment()


def _windows_account() -> str:  # pragma: no cover - Windows only; the seam is tested
    """GetUserNameExW(NameSamCompatible): DOMAIN\\user, or COMPUTER\\user off a domain."""
    import ctypes

    size = ctypes.c_ulong(0)
    secur32 = ctypes.WinDLL("secur32")  # type: ignore[attr-defined]
    secur32.GetUserNameExW(2, None, ctypes.byref(size))
    buffer = ctypes.create_unicode_buffer(size.value or 256)
    if not secur32.GetUserNameExW(2, buffer, ctypes.byref(size)):
        return ""
    return str(buffer.value)


def _from_environment() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


@dataclass(frozen=True, slots=True)
class Changes:
    """What a use case changed; views refresh when it concerns what they show."""

    streams: frozenset[str] = frozenset()
    incidents_list: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.streams | other.streams, self.incidents_list or other.incidents_list)


@dataclass
class Context:
    log: EventLog
    author: Author
    now: Callable[[], datetime] = system_now
    # The closed lists what a person types is checked against: the site's (the composition
    # root passes them), else the built-in settings'.
    vocab: Vocabularies = field(default_factory=builtin_vocabularies)
    # The site's update cadences, recorded with a severity change so that the postmortem
    # judges updates by the cadences in force then (None: not recorded).
    timers: TimerPolicy | None = None
    # Writing what others did, under their names (the demo's script): the account check
    # (mimdesk.usecases.entitlement) does not apply, since they are not at this desk.
    replaying: bool = False

    def event(
        self,
        stream_id: str,
        payload: Payload,
        occurred_at: datetime | None = None,
    ) -> Event:
        """A new event of this desk; its type is the payload's."""
        now = self.now()
        return Event(
            event_id=new_id(),
            stream_id=stream_id,
            type=payload_type(payload),
            payload=payload,
            author=self.author,
            desk_id=self.log.desk_id,
            hlc=self.log.tick(int(now.timestamp() * 1000)),
            occurred_at=(occurred_at or now).astimezone(UTC),
            recorded_at=now.astimezone(UTC),
            payload_v=type(payload).VERSION,
        )
