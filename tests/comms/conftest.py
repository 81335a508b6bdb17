"""Real servers for the comms tests: an SMTP server (aiosmtpd), an HTTP server that receives
webhooks, TLS certificates made here, and a keyring that lives in memory."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import keyring
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mimdesk.domain.events import Author
from mimdesk.usecases import declaration, directory, incidents, timeline
from tests.support.memory_keyring import MemoryKeyring


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the incident ------------------------------------------------------------------------


@dataclass
class Incident:
    reference: str
    mim: str = "Ana Costa"


@pytest.fixture
def incident(app, ctx, clock) -> Incident:
    """A declared SEV1 with an MIM in the directory, notes with an internal host name."""
    directory.save_person(ctx, name="Ana Costa", email="ana@example.org", phone="+44 20 7946 0000")
    summary, _ = incidents.report(
        ctx,
        title="Email down for all staff",
        impact="Staff cannot send or receive email; order confirmations are delayed",
        severity="SEV1",
        users_affected=1200,
        services=["Email", "Order portal"],
    )
    declaration.declare(
        ctx,
        reference=summary.reference,
        settings=app.settings,
        severity="SEV1",
        mim="Ana Costa",
        rationale="All mail is down",
    )
    clock.advance(minutes=5)
    timeline.add_note(
        ctx,
        reference=summary.reference,
        text="Restarted the transport service on mx01.corp.example.org",
        kind="action",
    )
    timeline.add_note(
        ctx, reference=summary.reference, text="Failing over to the second gateway", kind="decision"
    )
    ctx.author = Author("Ana Costa", "ana")
    return Incident(summary.reference)


# -- TLS ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certs:
    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_certs(folder: Path, host: str, names: list[x509.GeneralName]) -> Certs:
    """A private CA, and a certificate it signed for a server called ``host`` (with the
    subject alternative ``names``), written as PEM files in ``folder``."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "MIM Desk test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = Certs(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    """A private CA and a server certificate it signed, for 127.0.0.1 and localhost."""
    return make_certs(
        tmp_path_factory.mktemp("tls"),
        "127.0.0.1",
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))],
    )


# -- SMTP --------------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class MailServer:
    port: int
    messages: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 Message accepted"


SMTP_USER = "mimdesk"
SMTP_PASSWORD = "pw-Zq8!s3cret-smtp"


def _authenticator(server: MailServer):
    def authenticate(smtp, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == SMTP_USER
            and auth_data.password.decode() == SMTP_PASSWORD
        )
        if ok:
            server.logins.append(SMTP_USER)
        # handled=False makes the server answer 535 itself (True would leave the client hanging).
        return AuthResult(success=ok, handled=False)

    return authenticate


def start_smtp(certs: Certs, *, implicit_tls: bool = False) -> MailServer:
    server = MailServer(free_port())
    tls = certs.server_context()
    kwargs: dict[str, Any] = {"authenticator": _authenticator(server)}
    if implicit_tls:
        # aiosmtpd does not count implicit TLS as TLS for AUTH; the whole session is TLS here.
        kwargs["ssl_context"] = tls
        kwargs["auth_require_tls"] = False
    else:
        kwargs["tls_context"] = tls
        kwargs["require_starttls"] = True
        kwargs["auth_require_tls"] = True
    server.controller = Controller(server, hostname="127.0.0.1", port=server.port, **kwargs)
    server.controller.start()
    return server


@pytest.fixture
def smtp_server(certs: Certs) -> Iterator[MailServer]:
    server = start_smtp(certs)
    yield server
    server.controller.stop()


@pytest.fixture
def smtps_server(certs: Certs) -> Iterator[MailServer]:
    server = start_smtp(certs, implicit_tls=True)
    yield server
    server.controller.stop()


# -- HTTP webhooks -----------------------------------------------------------------------


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class WebhookServer:
    """Receives POSTs on 127.0.0.1:port; can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.requests: list[Request] = []
        self.status = 202
        self.answer = b""
        self.location = ""
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                outer.requests.append(
                    Request(self.path, dict(self.headers.items()), self.rfile.read(length))
                )
                self.send_response(outer.status)
                if outer.location:
                    self.send_header("Location", outer.location)
                self.send_header("Content-Length", str(len(outer.answer)))
                self.end_headers()
                self.wfile.write(outer.answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        # A short poll keeps shutdown() quick: it waits for the loop's next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def webhooks() -> Iterator[WebhookServer]:
    server = WebhookServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def webhooks_down() -> Iterator[WebhookServer]:
    """A port with nothing listening yet; the test starts the server when it wants."""
    server = WebhookServer()
    yield server
    server.stop()
