"""Delivery channels. Each is optional: a desk uses the ones its site set up.

:func:`make` builds a channel by name with its settings and, for those that need one, its
secret from the keyring (looked up only when that channel is used).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mimdesk.comms.channels.base import (
    Delivery,
    DeliveryError,
    NotConfigured,
    OutgoingMessage,
    Rejected,
    Unreachable,
)
from mimdesk.comms.settings import CommsSettings

if TYPE_CHECKING:
    # Jinja2, imported by whoever renders: listing the outbox renders nothing.
    from mimdesk.comms.templates import Templates

__all__ = [
    "Channel",
    "Delivery",
    "DeliveryError",
    "NotConfigured",
    "OutgoingMessage",
    "Rejected",
    "Unreachable",
    "make",
]

# Channels that hand the message to the person (nothing to queue: they never fail on a
# network). What they make is not sent: the person sends it and records that it went out.
LOCAL = frozenset({"eml"})
WEBHOOK_SECRETS = {"teams": "webhook:teams", "slack": "webhook:slack", "webhook": "webhook:generic"}


class Channel(Protocol):
    """What every channel offers."""

    name: str

    def deliver(self, message: OutgoingMessage) -> Delivery: ...


def make(
    name: str,
    comms: CommsSettings,
    templates: Templates,
    secret: Callable[[str], str | None],
    *,
    out: Path | None = None,
    folder: Path | None = None,
) -> Channel:
    """The channel ``name``; ``secret(name)`` reads the keyring when the channel needs it."""
    if name == "eml":
        from mimdesk.comms.channels.mail import EmlChannel

        return EmlChannel(comms, templates, out, folder)
    if name == "smtp":
        from mimdesk.comms.channels.smtp import SmtpChannel

        password = secret(comms.smtp.secret_name) if comms.smtp.username else None
        return SmtpChannel(comms, templates, password)
    if name in WEBHOOK_SECRETS:
        from mimdesk.comms.channels import webhook

        return webhook.channel(
            name,
            secret(WEBHOOK_SECRETS[name]),
            timeout=comms.http_timeout_seconds,
            ca_file=comms.ca_file,
            proxy_settings=comms.proxy,
            # The proxy's password is read only if the proxy chosen for the message needs one.
            secret=secret,
        )
    if name == "statuspage":
        from mimdesk.comms.channels.statuspage import StatusPageChannel

        return StatusPageChannel(comms, templates)
    raise NotConfigured(f"there is no channel {name!r}")
