"""The TLS context of SMTP, webhooks and MariaDB: the OS trust store through truststore
unless a ca_file is given, which then is the only thing trusted.

The servers are real, on 127.0.0.1, with a certificate signed by a CA made in the test that
no trust store holds: refused with a clear reason without the ca_file, accepted with it.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pymysql
import pytest
import truststore
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from mimdesk import secrets
from mimdesk.comms import tls
from mimdesk.comms.channels.base import NotConfigured, Rejected
from mimdesk.comms.channels.webhook import post_json
from mimdesk.sync import target as shared
from tests.comms.conftest import SMTP_PASSWORD, Certs
from tests.comms.test_smtp import configure, draft_and_send


class HttpsReceiver:
    """An HTTPS server on 127.0.0.1 that answers every POST with 202 and counts them."""

    def __init__(self, certs: Certs) -> None:
        self.posts = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.posts += 1
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = certs.server_context()
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/workflows/abc/invoke?sig=tok"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(certs: Certs) -> Iterator[HttpsReceiver]:
    server = HttpsReceiver(certs)
    yield server
    server.stop()


def post(url: str, ca_file: str = "") -> int:
    return post_json(
        url,
        {"x": 1},
        label="the webhook",
        secret_name="webhook:generic",
        timeout=5,
        ca_file=ca_file,
    )


# -- the context ------------------------------------------------------------------------


def test_without_a_ca_file_the_context_is_truststores_and_verifies():
    context = tls.context()
    assert isinstance(context, truststore.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert tls.describe() == "the operating system's trust store"


def test_a_ca_file_is_the_only_thing_trusted(certs: Certs):
    context = tls.context(str(certs.ca))
    assert not isinstance(context, truststore.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    names = [dict(x[0] for x in ca["subject"])["commonName"] for ca in context.get_ca_certs()]
    assert names == ["MIM Desk test CA"]  # not the system's roots beside it
    assert tls.describe(str(certs.ca)) == f"only the CA file {certs.ca}"


def test_an_unreadable_ca_file_is_named(tmp_path: Path):
    missing = tmp_path / "nowhere.pem"
    with pytest.raises(NotConfigured) as caught:
        tls.context(str(missing))
    assert caught.value.reason == f"the CA file {missing} could not be read (FileNotFoundError)"


def test_verify_false_encrypts_but_checks_nothing():
    context = tls.context(verify=False)
    assert context.verify_mode == ssl.CERT_NONE and not context.check_hostname
    assert tls.describe(verify=False) == "certificates are not checked (verify = false)"


def test_the_system_bundle_is_a_file_of_certificates():
    bundle = tls.system_bundle()
    assert bundle, "this Linux has a CA bundle (ca-certificates)"
    assert "-----BEGIN CERTIFICATE-----" in Path(bundle).read_text("ascii", errors="replace")


# -- webhooks ---------------------------------------------------------------------------


def test_webhook_to_an_untrusted_ca_fails_clearly_then_the_ca_file_wins(
    receiver: HttpsReceiver, certs: Certs
):
    with pytest.raises(Rejected) as caught:
        post(receiver.url())
    reason = caught.value.reason
    assert reason.startswith(
        "the certificate of the webhook could not be verified (its issuer is not trusted)"
    )
    assert "ca_file" in reason and "\n" not in reason
    assert "127.0.0.1" not in reason and "tok" not in reason  # the host is part of the secret
    assert receiver.posts == 0

    assert post(receiver.url(), str(certs.ca)) == 202
    assert receiver.posts == 1


# -- SMTP -------------------------------------------------------------------------------


def test_smtp_uses_the_trust_store_then_the_ca_file(app, incident, smtps_server, certs, tmp_path):
    secrets.set_secret("smtp:127.0.0.1", SMTP_PASSWORD)
    configure(app, tmp_path, smtps_server.port, security="tls")
    _, result = draft_and_send(app, incident.reference)
    assert result.outcome == "failed"
    assert result.reason.startswith(
        f"the certificate of 127.0.0.1:{smtps_server.port} could not be verified "
        "(unable to get local issuer certificate)"
    )
    assert smtps_server.messages == []

    configure(app, tmp_path, smtps_server.port, security="tls", ca=certs.ca)
    _, result = draft_and_send(app, incident.reference)
    assert result.outcome == "sent", result.reason
    assert len(smtps_server.messages) == 1


# -- MariaDB (PyMySQL) and PostgreSQL (libpq) --------------------------------------------


def mariadb(tls_mode: str, ca_file: str = "", port: int = 3306) -> shared.SharedTarget:
    return shared.parse_url(f"mariadb://mim@127.0.0.1:{port}/mimdesk", "test", tls_mode, ca_file)


def postgres(tls_mode: str, ca_file: str = "") -> shared.SharedTarget:
    return shared.parse_url("postgresql://mim@db.example/mimdesk", "test", tls_mode, ca_file)


def test_mariadb_contexts_follow_the_tls_setting(certs: Certs):
    full = shared.mysql_tls(mariadb("verify-full"))
    assert isinstance(full, truststore.SSLContext) and full.check_hostname
    assert full.verify_mode == ssl.CERT_REQUIRED
    with_ca = shared.mysql_tls(mariadb("verify-ca", str(certs.ca)))
    assert not isinstance(with_ca, truststore.SSLContext)
    assert with_ca.verify_mode == ssl.CERT_REQUIRED and not with_ca.check_hostname
    required = shared.mysql_tls(mariadb("require"))
    assert required.verify_mode == ssl.CERT_NONE


def settled(record: list[bool], count: int) -> list[bool]:
    """``record`` once the server thread has written its ``count``-th entry (or 5 s passed):
    the client may see its failure before the server thread notes its side."""
    deadline = time.monotonic() + 5
    while len(record) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return record


class FakeMariaDB:
    """Speaks the start of MariaDB's handshake: a greeting that offers TLS, then TLS with the
    certificate of the test CA. Records whether the client completed the TLS handshake."""

    def __init__(self, certs: Certs) -> None:
        self.context = certs.server_context()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.tls_done: list[bool] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _greeting(self) -> bytes:
        ssl_caps = 0x0200 | 0x0800 | 0x8000 | 0x80000  # PROTOCOL_41, SSL, SECURE, PLUGIN_AUTH
        body = (
            b"\x0a5.5.5-10.11.6-MariaDB\x00"
            + struct.pack("<I", 7)
            + b"abcdefgh\x00"
            + struct.pack("<H", ssl_caps & 0xFFFF)
            + b"\x2d"
            + struct.pack("<H", 2)
            + struct.pack("<H", ssl_caps >> 16)
            + bytes([21])
            + b"\x00" * 10
            + b"ijklmnopqrst\x00"
            + b"mysql_native_password\x00"
        )
        return struct.pack("<I", len(body))[:3] + b"\x00" + body

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    conn.sendall(self._greeting())
                    conn.recv(36)  # the client's SSL request
                    with self.context.wrap_socket(conn, server_side=True):
                        self.tls_done.append(True)
                except (OSError, ssl.SSLError):
                    self.tls_done.append(False)

    def stop(self) -> None:
        self.listener.close()


@pytest.fixture
def fake_mariadb(certs: Certs) -> Iterator[FakeMariaDB]:
    server = FakeMariaDB(certs)
    yield server
    server.stop()


def connect(target: shared.SharedTarget) -> None:
    engine = shared.make_engine(target, use_keyring=False)
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()


def test_mariadb_without_a_ca_file_refuses_the_untrusted_server_then_trusts_the_ca_file(
    fake_mariadb: FakeMariaDB, certs: Certs
):
    with pytest.raises(OperationalError) as caught:
        connect(mariadb("verify-full", port=fake_mariadb.port))
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    assert settled(fake_mariadb.tls_done, 1) == [False]

    # With the CA the handshake completes; the fake server then hangs up before the login.
    with pytest.raises(OperationalError) as caught:
        connect(mariadb("verify-full", str(certs.ca), port=fake_mariadb.port))
    assert "CERTIFICATE_VERIFY_FAILED" not in str(caught.value)
    assert settled(fake_mariadb.tls_done, 2) == [False, True]
    assert isinstance(getattr(caught.value, "orig", None), pymysql.err.OperationalError)


def test_mariadb_require_insists_on_tls(fake_mariadb: FakeMariaDB):
    """Before, 'require' without a ca_file gave PyMySQL an empty option set: TLS only if the
    server offered it. Now the context makes TLS required (and checks nothing)."""
    engine = shared.make_engine(mariadb("require", port=fake_mariadb.port), use_keyring=False)
    seen: list[Any] = []
    event.listen(engine, "do_connect", lambda d, r, a, kw: seen.append(kw["ssl"]))
    with pytest.raises(OperationalError), engine.connect():  # the fake hangs up after TLS
        pass
    engine.dispose()
    assert isinstance(seen[0], ssl.SSLContext) and seen[0].verify_mode == ssl.CERT_NONE
    assert settled(fake_mariadb.tls_done, 1) == [True]


def test_libpq_gets_the_ca_file_or_the_systems_roots(monkeypatch, certs: Certs):
    assert shared.libpq_root_cert(postgres("verify-ca", str(certs.ca))) == str(certs.ca)
    assert shared.libpq_root_cert(postgres("verify-full", str(certs.ca))) == str(certs.ca)
    assert shared.libpq_root_cert(postgres("require")) == ""
    assert shared.libpq_root_cert(postgres("verify-full")) == tls.system_bundle() != ""
    # Where the OS keeps no bundle file (Windows): libpq 16 reads OpenSSL's default store.
    monkeypatch.setattr(tls, "system_bundle", lambda: "")
    assert shared.libpq_root_cert(postgres("verify-full"), 160002) == "system"
    assert shared.libpq_root_cert(postgres("verify-full"), 150008) == ""
    assert shared.libpq_version() >= 160000  # the psycopg here: 'system' is what it gets
    assert "sslrootcert=system" in shared.describe_tls(postgres("verify-full"))


def test_postgres_connect_args_carry_the_root_cert(certs: Certs):
    seen: list[dict[str, Any]] = []
    engine = shared.make_engine(postgres("verify-full"), use_keyring=False)

    def capture(dialect: Any, record: Any, args: Any, kwargs: dict[str, Any]) -> Any:
        seen.append(dict(kwargs))
        raise RuntimeError("captured")

    event.listen(engine, "do_connect", capture)
    with pytest.raises(RuntimeError, match="captured"):
        engine.connect()
    engine.dispose()
    assert seen[0]["sslmode"] == "verify-full"
    assert seen[0]["sslrootcert"] == tls.system_bundle()
    assert "the system's roots in" in shared.describe_tls(postgres("verify-full"))


class FakePostgres:
    """Answers libpq's SSLRequest with 'S' and does TLS with the test CA's certificate;
    records whether the client completed the handshake, then hangs up."""

    def __init__(self, certs: Certs) -> None:
        self.context = certs.server_context()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.tls_done: list[bool] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    if conn.recv(8)[4:] != struct.pack("!I", 80877103):
                        self.tls_done.append(False)
                        continue
                    conn.sendall(b"S")
                    with self.context.wrap_socket(conn, server_side=True):
                        self.tls_done.append(True)
                except (OSError, ssl.SSLError):
                    self.tls_done.append(False)


@pytest.fixture
def fake_postgres(certs: Certs) -> Iterator[FakePostgres]:
    server = FakePostgres(certs)
    yield server
    server.listener.close()


def test_libpq_checks_against_the_systems_roots_then_the_ca_file(
    fake_postgres: FakePostgres, certs: Certs, monkeypatch
):
    def local(tls_mode: str, ca_file: str = "") -> shared.SharedTarget:
        url = f"postgresql://mim@127.0.0.1:{fake_postgres.port}/mimdesk"
        return shared.parse_url(url, "test", tls_mode, ca_file)

    with pytest.raises(OperationalError) as caught:
        connect(local("verify-full"))  # the system's roots: the test CA is not among them
    assert "certificate verify failed" in str(caught.value)
    assert settled(fake_postgres.tls_done, 1) == [False]

    with pytest.raises(OperationalError) as caught:
        connect(local("verify-full", str(certs.ca)))
    assert "certificate verify failed" not in str(caught.value)
    assert settled(fake_postgres.tls_done, 2) == [False, True]

    # Where the OS keeps no bundle file, 'system' reads the store SSL_CERT_FILE names.
    monkeypatch.setattr(tls, "system_bundle", lambda: "")
    monkeypatch.setenv("SSL_CERT_FILE", str(certs.ca))
    with pytest.raises(OperationalError) as caught:
        connect(local("verify-full"))
    assert "certificate verify failed" not in str(caught.value)
    assert settled(fake_postgres.tls_done, 3) == [False, True, True]
