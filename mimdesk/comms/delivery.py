"""One try of one channel, and the back-off between tries: the mechanics the outbox uses.

:func:`attempt` builds the message, hands it to the channel once and says how it went:
delivered, the channel unreachable (connection refused, timeout, name lookup, a 5xx: worth
trying again later) or refused for good (with a reason fit for the record: no secret in it).
It records nothing and keeps no state; what is not sent, when to try again and what the log
says are the outbox use case's (:mod:`mimdesk.usecases.outbox`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from mimdesk import secrets
from mimdesk.comms import channels
from mimdesk.comms.channels.base import DeliveryError, OutgoingMessage, Unreachable, redact
from mimdesk.comms.context import PUBLIC_STATUS
from mimdesk.domain.incident import Draft, IncidentState
from mimdesk.errors import InvalidInput, MimDeskError

if TYPE_CHECKING:
    from mimdesk.config import Settings

SecretLookup = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Attempt:
    """How one try went. ``recipients`` and ``detail`` are the channel's, when delivered."""

    outcome: Literal["delivered", "unreachable", "refused"]
    reason: str = ""
    recipients: tuple[str, ...] = ()
    detail: str = ""  # e.g. the .eml file written


@dataclass
class RetrySchedule:
    """Backoff per message, kept in memory by a long-lived caller: 30 s, 1 min, 2 min, ...
    up to 10 min between attempts. A new desk session starts again at the first step."""

    first: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(minutes=10)
    _next: dict[str, tuple[datetime, int]] = field(default_factory=dict)

    def due(self, draft_id: str, now: datetime) -> bool:
        entry = self._next.get(draft_id)
        return entry is None or now >= entry[0]

    def failed(self, draft_id: str, now: datetime) -> datetime:
        _, tries = self._next.get(draft_id, (now, 0))
        wait = min(self.first * (2**tries), self.cap)
        self._next[draft_id] = (now + wait, tries + 1)
        return now + wait

    def forget(self, draft_id: str) -> None:
        self._next.pop(draft_id, None)


def outgoing(
    state: IncidentState,
    *,
    reference: str,
    draft: Draft,
    recipients: tuple[str, ...],
    settings: Settings,
    sender: str,
    sent_at: datetime,
) -> OutgoingMessage:
    return OutgoingMessage(
        reference=reference,
        title=state.title,
        severity=state.severity,
        severity_label=settings.severity_label(state.severity) if state.severity else "",
        status=state.status.label,
        public_status=PUBLIC_STATUS.get(state.status, "Investigating"),
        kind=draft.kind,
        audience=draft.audience,
        audience_label=settings.timers.audience_label(draft.audience),
        subject=draft.subject,
        body=draft.body,
        recipients=recipients,
        sent_at=sent_at,
        sender=sender,
        draft_id=draft.draft_id,
    )


def attempt(
    settings: Settings,
    *,
    channel: str,
    state: IncidentState,
    reference: str,
    draft: Draft,
    recipients: tuple[str, ...],
    sender: str,
    sent_at: datetime,
    out: Path | None = None,
    secret: SecretLookup = secrets.get_secret,
) -> Attempt:
    """Hand the draft to ``channel`` once; every way it can go wrong becomes a reason."""
    known_secrets: list[str] = []

    def lookup(name: str) -> str | None:
        value = secret(name)
        if value:
            known_secrets.append(value)
        return value

    # Jinja2 only once a message is rendered: `mimdesk outbox` lists without it.
    from mimdesk.comms.templates import Templates

    try:
        templates = Templates(settings.comms.templates_dir)
        chan = channels.make(
            channel, settings.comms, templates, lookup, out=out, folder=settings.files.path
        )
        message = outgoing(
            state,
            reference=reference,
            draft=draft,
            recipients=recipients,
            settings=settings,
            sender=sender,
            sent_at=sent_at,
        )
        delivery = chan.deliver(message)
    except Unreachable as exc:
        return Attempt("unreachable", redact(exc.reason, known_secrets))
    except (DeliveryError, MimDeskError) as exc:
        # MimDeskError covers a missing keyring and a bad address: permanent until fixed.
        reason = exc.reason if isinstance(exc, DeliveryError) else _error_kind(exc, channel)
        return Attempt("refused", redact(reason, known_secrets))
    return Attempt("delivered", "", tuple(delivery.recipients), delivery.detail)


def _error_kind(exc: MimDeskError, channel: str) -> str:
    """The failure's kind in our words. Its own text was not written for the log, which every
    desk keeps for good, and may quote what it was given."""
    if isinstance(exc, secrets.SecretStoreUnavailable):
        return f"No keyring is available to read the secret of the {channel} channel"
    if isinstance(exc, InvalidInput):
        # What the person gave (an address, a file name) and why it cannot be used: the
        # reason is then one they can act on; redact() still takes out any URL.
        return exc.message
    return f"the {channel} channel could not be used ({type(exc).__name__})"


__all__ = ["Attempt", "RetrySchedule", "SecretLookup", "attempt", "outgoing"]
