"""What every channel shares: the message handed to it, and the two ways delivery fails.

A channel either delivers and returns a :class:`Delivery`, or raises :class:`Unreachable`
(connection refused, timeout, name lookup: try again later; the outbox keeps the message) or
:class:`Rejected` (the other side said no, or the setup is wrong: retrying will not help).
Their ``reason`` is for people and for the event log, so it is built from facts the channel
chose to say, never from a raw exception text that may carry a URL with a token in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """The exact, approved text and what the channels need to label it."""

    reference: str
    title: str
    severity: str
    severity_label: str
    status: str  # the incident's status label, e.g. "Investigating"
    public_status: str  # Investigating / Identified / Monitoring / Resolved
    kind: str
    audience: str
    audience_label: str
    subject: str
    body: str
    recipients: tuple[str, ...]
    sent_at: datetime
    sender: str  # the person sending it (the event's author)
    draft_id: str = ""

    @property
    def plain_text(self) -> str:
        """Subject, blank line, body: what the clipboard and chat fallbacks carry."""
        return f"{self.subject}\n\n{self.body}"


@dataclass(frozen=True, slots=True)
class Delivery:
    channel: str
    # What the log records as the recipients: addresses, or the channel's name for a webhook
    # (never its URL: that is a secret).
    recipients: tuple[str, ...]
    detail: str = ""  # e.g. the .eml file written


class DeliveryError(Exception):
    transient = False

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unreachable(DeliveryError):
    """The channel cannot be reached now; the message waits in the outbox."""

    transient = True


class Rejected(DeliveryError):
    """Delivery failed for good; the draft is kept and the reason shown."""


class NotConfigured(Rejected):
    """The channel is not set up on this desk (no server, no URL in the keyring)."""


_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Text fit for a log or an event: every URL and every given secret taken out."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[secret]")
    return _URL.sub("[address]", text)
