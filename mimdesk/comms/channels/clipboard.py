"""Copy-ready renderings for when every integration is down: the GUI puts them on the
clipboard (plain text, and HTML for rich editors) and the person pastes them anywhere."""

from __future__ import annotations

from mimdesk.comms.channels.base import OutgoingMessage
from mimdesk.comms.channels.mail import html_body
from mimdesk.comms.templates import Templates


def plain_text(message: OutgoingMessage) -> str:
    return message.plain_text


def html(message: OutgoingMessage, templates: Templates) -> str:
    """The same words as HTML, every character of the text escaped."""
    return html_body(message, templates)
