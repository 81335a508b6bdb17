"""Webhooks: Microsoft Teams (Workflows), Slack (incoming webhook) and a generic JSON POST.

The URLs carry their own credential (a token in the path or query), so they live in the
keyring as ``webhook:teams``, ``webhook:slack`` and ``webhook:generic`` and are never
written to a reason, a log or an event: the log names the channel, not the address.

The generic webhook POSTs this JSON object (UTF-8, ``Content-Type: application/json``)::

    {
      "event": "mimdesk.message",      # always this value
      "version": 1,                     # bumped if a field changes meaning
      "reference": "MI-7KQ4F",
      "title": "E-mail down",          # the incident's title (internal)
      "severity": "SEV1",
      "status": "Investigating",        # the incident's status
      "public_status": "Investigating", # Investigating, Identified, Monitoring, Resolved
      "kind": "update",                 # initial, scoping, update, long_running, mitigated,
                                        # resolved, downgraded, post_incident
      "audience": "executives",
      "subject": "...",                 # the exact approved subject
      "body": "...",                    # the exact approved body, plain text, \\n line breaks
      "sent_at": "2026-11-28T09:00:00+00:00",  # ISO-8601, UTC
      "sent_by": "Ana Costa"
    }

Any 2xx answer is success. 408, 429 and 5xx answers, refused connections, timeouts and
failed name lookups are retried from the outbox; any other answer is a permanent failure.
Redirects are not followed: following would turn the POST into a GET and drop the message.
Certificates are checked against the OS trust store, or ``[comms] ca_file`` alone when set
(:mod:`mimdesk.comms.tls`); a proxy is used as :mod:`mimdesk.comms.proxy` chooses.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from mimdesk import __version__
from mimdesk.comms import proxy
from mimdesk.comms.channels.base import (
    Delivery,
    DeliveryError,
    NotConfigured,
    OutgoingMessage,
    Rejected,
    Unreachable,
    redact,
)
from mimdesk.comms.settings import ProxySettings
from mimdesk.comms.templates import paragraphs
from mimdesk.comms.tls import context as tls_context

ADAPTIVE_CARD_VERSION = "1.5"
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_SLACK_SECTION = 3000  # characters Slack allows in one section's text
_SLACK_HEADER = 150


def teams_payload(message: OutgoingMessage) -> dict[str, Any]:
    """A message with one Adaptive Card, as a Teams Workflows webhook expects."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": message.subject,
            "size": "Large",
            "weight": "Bolder",
            "wrap": True,
            "style": "heading",
        },
        {
            "type": "FactSet",
            "facts": [
                {"title": "Incident", "value": message.reference},
                {"title": "Severity", "value": message.severity_label or message.severity},
                {"title": "Status", "value": message.status},
                {"title": "Audience", "value": message.audience_label},
            ],
        },
    ]
    # One TextBlock per line keeps line breaks, which Teams' markdown would otherwise join.
    for n, paragraph in enumerate(paragraphs(message.body)):
        for m, line in enumerate(paragraph):
            block: dict[str, Any] = {"type": "TextBlock", "text": line, "wrap": True}
            if m == 0:
                block["spacing"] = "Medium" if n else "Large"
            else:
                block["spacing"] = "None"
            body.append(block)
    body.append(
        {
            "type": "TextBlock",
            "text": f"Sent by {message.sender} with MIM Desk",
            "isSubtle": True,
            "size": "Small",
            "wrap": True,
            "spacing": "Large",
        }
    )
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": ADAPTIVE_CARD_VERSION,
                    "body": body,
                    "msteams": {"width": "Full"},
                },
            }
        ],
    }


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn reads these three as markup; everything else is shown as typed.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chunks(text: str, size: int) -> list[str]:
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > size:
            if current:
                out.append(current)
                current = ""
            out.append(line[:size])
            line = line[size:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > size:
            out.append(current)
            current = line
        else:
            current = candidate
    if current:
        out.append(current)
    return out


def slack_payload(message: OutgoingMessage) -> dict[str, Any]:
    """Text for notifications, blocks for the message: header, sections, context."""
    header = message.subject
    if len(header) > _SLACK_HEADER:
        header = header[: _SLACK_HEADER - 1] + "…"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header, "emoji": False}}
    ]
    for chunk in _chunks(_slack_escape(message.body), _SLACK_SECTION):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    context = " · ".join(
        x
        for x in (
            message.reference,
            message.severity_label or message.severity,
            message.status,
            f"to {message.audience_label}",
            f"sent by {message.sender}",
        )
        if x
    )
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _slack_escape(context)}]}
    )
    return {"text": _slack_escape(message.plain_text), "blocks": blocks}


def generic_payload(message: OutgoingMessage) -> dict[str, Any]:
    return {
        "event": "mimdesk.message",
        "version": 1,
        "reference": message.reference,
        "title": message.title,
        "severity": message.severity,
        "status": message.status,
        "public_status": message.public_status,
        "kind": message.kind,
        "audience": message.audience,
        "subject": message.subject,
        "body": message.body,
        "sent_at": message.sent_at.isoformat(),
        "sent_by": message.sender,
    }


def check_url(url: str, secret_name: str) -> str:
    """An https URL (http only to this computer, for tests and local relays)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        host, parts = "", None
    if parts is None or not host:
        raise NotConfigured(f"the address stored as {secret_name} is not a URL")
    if parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK):
        return url.strip()
    raise NotConfigured(f"the address stored as {secret_name} must start with https://")


def post_json(
    url: str,
    payload: dict[str, Any],
    *,
    label: str,
    secret_name: str,
    timeout: float,
    ca_file: str = "",
    proxy_settings: ProxySettings | None = None,
    secret: proxy.Secret | None = None,
) -> int:
    """POST ``payload``; the HTTP status on success, :class:`DeliveryError` otherwise.

    ``proxy_settings`` and ``secret`` (the keyring, for the proxy's password) choose the proxy
    (:func:`mimdesk.comms.proxy.choose`); by default the system's.
    """
    url = check_url(url, secret_name)
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"MIMDesk/{__version__}",
    }
    route: proxy.Proxy | None = None
    try:
        context = tls_context(ca_file)
        route = proxy.choose(
            url, proxy_settings or ProxySettings(), secret or _no_secret, timeout=timeout
        )
        conn = proxy.connection(url, route, timeout=timeout, context=context)
        try:
            conn.request("POST", target, body=data, headers=headers)
            response = conn.getresponse()
            # The answer's body is never read into the reason: a receiver may echo the
            # request's path and query, which hold the token, and the reason goes to every
            # desk's log. A redirect is not followed: it would have to drop the message.
            code = response.status
            response.close()
        finally:
            conn.close()
    except DeliveryError:
        raise
    except OSError as exc:
        status = proxy.tunnel_status(exc) if route is not None else None
        if route is not None and status is not None:
            raise _proxy_refused(status, label, route) from None
        raise _network(exc, label, route) from None
    except (http.client.InvalidURL, ValueError):
        raise NotConfigured(f"the address stored as {secret_name} is not a usable URL") from None
    except http.client.HTTPException as exc:
        raise _network(exc, label, route) from None
    if 200 <= code < 300:
        return code
    if code in (408, 429) or code >= 500:
        raise Unreachable(f"{label} answered HTTP {code}; will retry")
    if 300 <= code < 400:
        raise Rejected(f"{label} answered with a redirect (HTTP {code}); check {secret_name}")
    raise Rejected(f"{label} refused the message (HTTP {code})")


def _no_secret(name: str) -> str | None:
    return None


def _proxy_refused(status: int, label: str, route: proxy.Proxy) -> DeliveryError:
    """The proxy said no to CONNECT. Its reason text is not repeated: it is the proxy's."""
    where = f"the proxy {route.host}:{route.port}"
    if status == 407:
        if route.user:
            # Not retried: each try with a wrong password counts towards a lock-out.
            return Rejected(
                f"{where} refused the user name or password (HTTP 407); check "
                f"[comms.proxy] user and 'mimdesk secret set {route.secret_name}'"
            )
        return Rejected(
            f"{where} asks for a login (HTTP 407); set [comms.proxy] user and run "
            f"'mimdesk secret set {route.secret_name}'"
        )
    if status in (408, 429) or status >= 500:
        return Unreachable(f"{where} could not reach {label} (HTTP {status}); will retry")
    return Rejected(f"{where} refused the connection to {label} (HTTP {status})")


# What OpenSSL's verify codes mean, in words that name no host: the host is part of the
# webhook's URL, which is the secret.
_CERTIFICATE_PROBLEMS = {
    9: "it is not valid yet",
    10: "it has expired",
    18: "it is self-signed",
    19: "a self-signed certificate is in its chain",
    20: "its issuer is not trusted",
    21: "its chain is incomplete",
    62: "it is for another host name",
    64: "it is for another IP address",
}


def _network(reason: object, label: str, route: proxy.Proxy | None = None) -> DeliveryError:
    if route is not None and isinstance(reason, socket.gaierror):
        return Unreachable(f"the name of the proxy {route.host} could not be looked up")
    error = _network_error(reason, label)
    if route is None or isinstance(reason, ssl.SSLError):
        return error
    # Through a proxy, a refused or broken connection is the proxy's: say which.
    return type(error)(f"{error.reason} (through the proxy {route.host}:{route.port})")


def _network_error(reason: object, label: str) -> DeliveryError:
    if isinstance(reason, ssl.SSLCertVerificationError):
        code = getattr(reason, "verify_code", None)  # the macOS and Windows checks may not set it
        problem = _CERTIFICATE_PROBLEMS.get(code or 0, f"verify code {code}")
        return Rejected(
            f"the certificate of {label} could not be verified ({problem}); if a "
            "proxy inspects TLS, put its CA in this computer's trust store or set [comms] ca_file"
        )
    if isinstance(reason, ssl.SSLError):
        return Rejected(f"the TLS connection to {label} failed ({reason.reason or 'SSL error'})")
    if isinstance(reason, socket.gaierror):
        return Unreachable(f"the name of {label}'s server could not be looked up")
    if isinstance(reason, TimeoutError):
        return Unreachable(f"{label} did not answer in time")
    if isinstance(reason, ConnectionError):
        return Unreachable(f"could not connect to {label} ({type(reason).__name__})")
    if isinstance(reason, OSError):
        return Unreachable(f"the network failed reaching {label} ({type(reason).__name__})")
    if isinstance(reason, http.client.HTTPException):
        return Unreachable(f"{label} broke off the answer ({type(reason).__name__})")
    return Unreachable(f"could not reach {label}")


class WebhookChannel:
    """One webhook kind: its payload builder, its keyring name, the label people read."""

    def __init__(
        self,
        name: str,
        label: str,
        build: Callable[[OutgoingMessage], dict[str, Any]],
        url: str | None,
        *,
        timeout: float,
        ca_file: str = "",
        proxy_settings: ProxySettings | None = None,
        secret: proxy.Secret | None = None,
    ) -> None:
        self.name = name
        self.label = label
        self.build = build
        self.secret_name = f"webhook:{name if name != 'webhook' else 'generic'}"
        self._url = url
        self.timeout = timeout
        self.ca_file = ca_file
        self.proxy_settings = proxy_settings or ProxySettings()
        self._secret = secret

    def deliver(self, message: OutgoingMessage) -> Delivery:
        if not self._url:
            raise NotConfigured(
                f"{self.label} is not set up: run 'mimdesk secret set {self.secret_name}' and "
                "paste the webhook address"
            )
        try:
            post_json(
                self._url,
                self.build(message),
                label=self.label,
                secret_name=self.secret_name,
                timeout=self.timeout,
                ca_file=self.ca_file,
                proxy_settings=self.proxy_settings,
                secret=self._secret,
            )
        except DeliveryError as exc:
            # Belt and braces: whatever went into the reason, the URL does not leave here.
            raise type(exc)(redact(exc.reason, [self._url])) from None
        return Delivery(self.name, (self.label,))


# The webhook kinds: channel name -> the label people read, and its payload builder.
KINDS: dict[str, tuple[str, Callable[[OutgoingMessage], dict[str, Any]]]] = {
    "teams": ("Teams", teams_payload),
    "slack": ("Slack", slack_payload),
    "webhook": ("the webhook", generic_payload),
}


def channel(
    name: str,
    url: str | None,
    *,
    timeout: float,
    ca_file: str = "",
    proxy_settings: ProxySettings | None = None,
    secret: proxy.Secret | None = None,
) -> WebhookChannel:
    """The webhook channel ``name`` (one of :data:`KINDS`) posting to ``url``."""
    label, build = KINDS[name]
    return WebhookChannel(
        name,
        label,
        build,
        url,
        timeout=timeout,
        ca_file=ca_file,
        proxy_settings=proxy_settings,
        secret=secret,
    )
