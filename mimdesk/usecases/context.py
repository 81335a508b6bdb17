"""What every use case needs: the log, the clock, who is acting, the site's vocabularies, and
how to make an event."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from mimdesk.config import builtin_vocabularies
from mimdesk.domain.events import Author, Event
from mimdesk.domain.ids import new_id
from mimdesk.domain.payloads import Payload
from mimdesk.domain.schema import payload_type
from mimdesk.domain.vocabulary import Vocabularies
from mimdesk.store.eventlog import EventLog


def system_now() -> datetime:
    return datetime.now(UTC)


def os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a service account, a container)
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
