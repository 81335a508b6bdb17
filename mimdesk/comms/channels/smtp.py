"""E-mail sent by MIM Desk through the organisation's SMTP server.

TLS is on by default and the certificate is verified against the OS trust store
(:mod:`mimdesk.comms.tls`) unless the site sets ``[comms.smtp] verify = false``;
``[comms.smtp] ca_file`` names the internal CA to trust instead.
``security = "none"`` exists for an internal relay that needs no login, and refuses to send a
password over it. The password comes from the keyring (``smtp:HOST``), and no error message
ever contains it or the server's reply to a login.
"""

from __future__ import annotations

import smtplib
import socket
import ssl

from mimdesk.comms.addresses import parse_address
from mimdesk.comms.channels.base import (
    Delivery,
    DeliveryError,
    NotConfigured,
    OutgoingMessage,
    Rejected,
    Unreachable,
)
from mimdesk.comms.channels.mail import build_email
from mimdesk.comms.settings import CommsSettings, SmtpSettings
from mimdesk.comms.templates import Templates
from mimdesk.comms.tls import context as tls_context


class SmtpChannel:
    name = "smtp"

    def __init__(
        self, comms: CommsSettings, templates: Templates, password: str | None = None
    ) -> None:
        self.comms = comms
        self.smtp: SmtpSettings = comms.smtp
        self.templates = templates
        self._password = password

    def deliver(self, message: OutgoingMessage) -> Delivery:
        s = self.smtp
        if not s.host:
            raise NotConfigured("no SMTP server: set [comms.smtp] host in the site settings")
        if not message.recipients:
            raise Rejected("no recipients for this e-mail")
        if s.username and s.security == "none":
            raise NotConfigured("[comms.smtp] security 'none' would send the password in clear")
        if s.username and not self._password:
            raise NotConfigured(
                f"no SMTP password in the keyring: run 'mimdesk secret set {s.secret_name}'"
            )
        # Parsed once: the envelope below and the recipients recorded as sent are the same
        # addresses, in the canonical form the To header carries.
        parsed = [parse_address(r) for r in message.recipients]
        msg = build_email(message, self.comms, self.templates, draft=False, to=parsed)
        to = [a.addr_spec for a in parsed]
        try:
            refused = self._send(msg, to)
        except DeliveryError:
            raise
        except Exception as exc:  # classified below; anything unknown is said by its type only
            raise classify(exc, s) from None
        accepted = tuple(str(a) for a in parsed if a.addr_spec not in refused)
        detail = f"refused by the server: {', '.join(refused)}" if refused else ""
        return Delivery(self.name, accepted, detail)

    def _send(self, msg: object, to: list[str]) -> dict[str, object]:
        s = self.smtp
        context = tls_context(s.ca_file, verify=s.verify) if s.security != "none" else None
        client: smtplib.SMTP
        if s.security == "tls":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        with client:
            client.ehlo()
            if s.security == "starttls":
                if not client.has_extn("starttls"):
                    raise Rejected(
                        f"the SMTP server {s.host} does not offer STARTTLS; set [comms.smtp] "
                        "security to 'tls' if it expects TLS from the start"
                    )
                client.starttls(context=context)
                client.ehlo()
            if s.username:
                login(client, s.username, self._password or "")
            refused = client.send_message(msg, from_addr=self.comms.from_address, to_addrs=to)  # type: ignore[arg-type]
        return dict(refused)


# smtplib's order of preference, from its login().
_MECHANISMS = ("CRAM-MD5", "PLAIN", "LOGIN")


def login(client: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib's login, except that a refused password is the answer.

    smtplib tries every mechanism the server offers, so one wrong password costs the account
    several failed logins (lock-out counters), and a server that hangs up after the first
    refusal turns "wrong password" into "connection closed", which would be retried forever.
    Here a 535 ends the login at once, and a hang-up after a refusal reports the refusal.
    """
    client.ehlo_or_helo_if_needed()
    if not client.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    offered = client.esmtp_features["auth"].upper().split()
    mechanisms = [m for m in _MECHANISMS if m in offered]
    if not mechanisms:
        raise smtplib.SMTPException("No suitable authentication method found.")
    client.user, client.password = user, password
    refusal: smtplib.SMTPAuthenticationError | None = None
    for mechanism in mechanisms:
        method = getattr(client, "auth_" + mechanism.lower().replace("-", "_"))
        try:
            code, _ = client.auth(mechanism, method)
        except smtplib.SMTPAuthenticationError as exc:
            if exc.smtp_code == 535:  # "credentials invalid": another mechanism will not help
                raise exc from None
            if refusal is None or refusal.smtp_code < 500:
                # A permanent refusal outranks a later "try again" about another mechanism.
                refusal = exc
            continue
        except smtplib.SMTPServerDisconnected:
            if refusal is not None:
                raise refusal from None
            raise
        if code in (235, 503):
            return
    raise refusal or smtplib.SMTPException("No authentication method was accepted.")


def classify(exc: BaseException, s: SmtpSettings) -> DeliveryError:
    """Turn what smtplib, ssl and socket raise into a reason a person can act on."""
    server = f"{s.host}:{s.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # The server's reply to a login may echo what was sent: only its code is repeated.
        if 400 <= exc.smtp_code < 500:
            # 454 and the like: the server cannot check passwords right now, it did not say no.
            return Unreachable(
                f"the SMTP server {server} could not check the user name and password now "
                f"(code {exc.smtp_code}); will retry"
            )
        return Rejected(
            f"the SMTP server {server} refused the user name or password (code {exc.smtp_code})"
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return Rejected(f"the SMTP server refused every recipient: {', '.join(exc.recipients)}")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return Rejected(f"the SMTP server refused the sender address {exc.sender}")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return Rejected(f"the SMTP server {server} does not support what is needed: {exc}")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Unreachable(f"the SMTP server {server} closed the connection")
    if isinstance(exc, smtplib.SMTPResponseException):
        # The code only: the reply's text is the server's, and a server may echo what it got.
        if 400 <= exc.smtp_code < 500:
            return Unreachable(
                f"the SMTP server {server} asked to try later (code {exc.smtp_code})"
            )
        return Rejected(f"the SMTP server {server} refused the message (code {exc.smtp_code})")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Rejected(
            f"the certificate of {server} could not be verified ({exc.verify_message}); if the "
            "server uses an internal CA, set [comms.smtp] ca_file"
        )
    if isinstance(exc, ssl.SSLError):
        return Rejected(
            f"the TLS handshake with {server} failed ({exc.reason or 'SSL error'}); check "
            "[comms.smtp] security and port (465 is 'tls', 587 is 'starttls')"
        )
    if isinstance(exc, socket.gaierror):
        return Unreachable(f"the SMTP server name {s.host} could not be looked up")
    if isinstance(exc, TimeoutError):
        return Unreachable(f"the SMTP server {server} did not answer in time")
    if isinstance(exc, ConnectionError):
        return Unreachable(f"could not connect to the SMTP server {server} ({type(exc).__name__})")
    if isinstance(exc, OSError):
        return Unreachable(
            f"the network failed talking to {server} ({exc.strerror or type(exc).__name__})"
        )
    return Rejected(f"sending through {server} failed ({type(exc).__name__})")
