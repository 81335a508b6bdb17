"""Which shared database, how to reach it, and with what patience.

The URL is a SQLAlchemy URL *without* a password (``postgresql://mim@db.example/mimdesk``,
``mariadb://mim@db.example/mimdesk``). It comes, first match wins, from ``--shared URL``, the
environment variable ``MIMDESK_SHARED_URL``, or the ``[shared] url`` setting (user, then site).
The password is in the OS keyring: service ``MIMDesk``, name ``db:<host>/<user>``.

Timeouts are short, so that a lost network shows as *offline* within seconds instead of a
hung worker: connect 5 s, statement 30 s, lock 5 s, TCP keepalives, and a watchdog that
shuts the socket of a server transaction that runs past its limit (a black-holed link
delivers neither an answer nor an error).
"""

from __future__ import annotations

import math
import os
import socket
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from mimdesk.errors import InvalidInput

KEYRING_SERVICE = "MIMDesk"
ENV_URL = "MIMDESK_SHARED_URL"
TLS_MODES = ("", "disable", "require", "verify-ca", "verify-full")


@dataclass(frozen=True)
class Timeouts:
    """Seconds. ``transaction`` bounds one server transaction (the watchdog)."""

    connect: float = 5.0
    statement: float = 30.0
    lock: float = 5.0
    idle_transaction: float = 30.0
    transaction: float = 35.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Timeouts:
        """``MIMDESK_SYNC_TIMEOUTS=connect,statement,lock,idle,transaction`` (tests)."""
        spec = env.get("MIMDESK_SYNC_TIMEOUTS", "")
        if not spec:
            return cls()
        return cls(*(float(x) for x in spec.split(",")))


@dataclass(frozen=True)
class SharedTarget:
    url: URL  # without password
    source: str  # where the URL came from: "--shared", the environment, a settings layer
    tls: str = ""
    ca_file: str = ""

    @property
    def display(self) -> str:
        return self.url.render_as_string(hide_password=True)

    @property
    def keyring_name(self) -> str:
        return f"db:{self.url.host or 'localhost'}/{self.url.username or ''}"

    @property
    def dialect(self) -> str:
        return "postgresql" if self.url.get_backend_name() == "postgresql" else "mysql"


def parse_url(text: str, source: str, tls: str = "", ca_file: str = "") -> SharedTarget:
    try:
        url = make_url(text.strip())
    except ArgumentError:
        raise InvalidInput(
            f"{text!r} is not a database URL.",
            "Write it like postgresql://user@host/dbname or mariadb://user@host/dbname.",
        ) from None
    if url.password:
        raise InvalidInput(
            f"The shared database URL from {source} holds a password.",
            "Remove it from the URL; MIM Desk reads the password from the OS keyring "
            "('mimdesk db password').",
        )
    backend = url.get_backend_name()
    if backend == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    elif backend in ("mysql", "mariadb"):
        url = url.set(drivername="mysql+pymysql")
        url = url.update_query_dict({"charset": "utf8mb4"})
    else:
        raise InvalidInput(
            f"MIM Desk shares through PostgreSQL or MariaDB, not {backend!r} ({source}).",
            "Use a postgresql:// or mariadb:// URL.",
        )
    if tls not in TLS_MODES:
        raise InvalidInput(f"[shared] tls must be one of {', '.join(TLS_MODES[1:])}.", "")
    if tls == "verify-ca" and not ca_file:
        raise InvalidInput("[shared] tls = 'verify-ca' needs ca_file.", "Name the CA file.")
    return SharedTarget(url, source, tls, ca_file)


def resolve(
    settings: Any, cli_value: str | None = None, env: Mapping[str, str] = os.environ
) -> SharedTarget | None:
    """The shared database for this run, or None when the desk works alone."""
    tls = str(getattr(settings, "shared_tls", "") or "")
    ca_file = str(getattr(settings, "shared_ca_file", "") or "")
    if cli_value:
        return parse_url(cli_value, "--shared", tls, ca_file)
    if env.get(ENV_URL):
        return parse_url(env[ENV_URL], ENV_URL, tls, ca_file)
    url = str(getattr(settings, "shared_url", "") or "")
    if url:
        source = getattr(settings, "sources", {}).get("shared.url", "settings")
        return parse_url(url, source, tls, ca_file)
    return None


def password(target: SharedTarget) -> str | None:
    """The password from the OS keyring, or None (none stored, or no keyring here)."""
    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, target.keyring_name)
    except Exception:  # no backend, a locked keyring: connect without, the server says no
        return None
    from mimdesk import logs

    logs.hide(value)  # never written to the log from here on
    return value


def store_password(target: SharedTarget, secret: str) -> None:
    import keyring

    keyring.set_password(KEYRING_SERVICE, target.keyring_name, secret)


def make_engine(
    target: SharedTarget,
    *,
    application_name: str = "mimdesk",
    timeouts: Timeouts | None = None,
    use_keyring: bool = True,
) -> Engine:
    """An engine that opens a fresh connection each time (NullPool): after a network fault no
    half-dead pooled connection is handed out again."""
    t = timeouts or Timeouts()
    url = target.url
    secret = password(target) if use_keyring else None
    if secret:
        url = url.set(password=secret)
    args: dict[str, Any]
    if target.dialect == "postgresql":
        ms = lambda s: int(s * 1000)  # noqa: E731
        args = {
            "connect_timeout": max(1, math.ceil(t.connect)),
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "tcp_user_timeout": 20000,
            "application_name": application_name[:63],
            "options": (
                f"-c statement_timeout={ms(t.statement)} -c lock_timeout={ms(t.lock)} "
                f"-c idle_in_transaction_session_timeout={ms(t.idle_transaction)}"
            ),
        }
        if target.tls and target.tls != "disable":
            args["sslmode"] = target.tls
            root = libpq_root_cert(target)
            if root:
                args["sslrootcert"] = root
    else:
        args = {
            "connect_timeout": t.connect,
            "read_timeout": t.statement,
            "write_timeout": t.statement,
            "program_name": application_name[:63],
            "init_command": (
                f"SET SESSION innodb_lock_wait_timeout={max(1, math.ceil(t.lock))}, "
                f"SESSION idle_transaction_timeout={max(1, math.ceil(t.idle_transaction))}, "
                f"SESSION max_statement_time={t.statement}"
            ),
        }
        if target.tls and target.tls != "disable":
            # A context, not PyMySQL's ssl_* options: those build a context from OpenSSL's
            # files alone, and an empty option set meant "TLS if the server offers it".
            args["ssl"] = mysql_tls(target)
    return create_engine(
        url, poolclass=NullPool, connect_args=args, isolation_level="READ COMMITTED"
    )


def mysql_tls(target: SharedTarget) -> ssl.SSLContext:
    """PyMySQL's context for ``[shared] tls``; without a ca_file, the OS trust store.

    ``require`` encrypts and checks nothing, as libpq's ``require`` does; ``verify-ca`` checks
    the chain against the ca_file but not the name; ``verify-full`` checks both.
    """
    from mimdesk.comms import tls

    if target.tls == "require":
        return tls.context(verify=False)
    context = tls.context(target.ca_file)
    context.check_hostname = target.tls == "verify-full"
    # MariaDB's own generated certificates lack extensions that Python 3.13's strict mode
    # demands; PyMySQL clears the flag in its own contexts for the same reason.
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    return context


def libpq_version() -> int:
    """libpq's version as a number (160002 is 16.2); 0 when psycopg is not installed."""
    try:
        import psycopg

        return int(psycopg.pq.version())
    except Exception:  # no psycopg: the connection will say so
        return 0


def libpq_root_cert(target: SharedTarget, version: int | None = None) -> str:
    """The ``sslrootcert`` for libpq, or "" for libpq's default (``~/.postgresql/root.crt``).

    truststore cannot reach libpq: it verifies with its own OpenSSL (bundled in psycopg's
    binary wheel, whose compiled-in certificate folder does not exist on a user's computer).
    So, for ``verify-full`` without a ca_file, libpq is given the OS's roots as a file where
    the OS keeps one (Linux, macOS's system roots: :func:`mimdesk.comms.tls.system_bundle`);
    where none exists (Windows), libpq 16 or later is told ``sslrootcert=system``, which it
    reads as OpenSSL's default store and which works only when SSL_CERT_FILE or SSL_CERT_DIR
    names one. Otherwise the ca_file is needed, and the failed connection says so.
    ``verify-ca`` always has its ca_file; ``require`` checks nothing.
    """
    if target.ca_file:
        return target.ca_file
    if target.tls != "verify-full":
        return ""
    from mimdesk.comms import tls

    bundle = tls.system_bundle()
    if bundle:
        return bundle
    found = libpq_version() if version is None else version
    return "system" if found >= 160000 else ""


def describe_tls(target: SharedTarget) -> str:
    """What the shared database's certificate is checked against, for ``mimdesk doctor``."""
    if not target.tls or target.tls == "disable":
        return "no TLS" if target.tls == "disable" else "TLS as the driver defaults to"
    if target.tls == "require":
        return "TLS, the certificate not checked (tls = 'require')"
    if target.dialect == "mysql":
        from mimdesk.comms import tls

        return f"TLS ({target.tls}) against {tls.describe(target.ca_file)}"
    root = libpq_root_cert(target)
    if root == target.ca_file:
        return f"TLS ({target.tls}) against only the CA file {root}"
    if root == "system":
        return f"TLS ({target.tls}) against OpenSSL's default store (libpq's sslrootcert=system)"
    if root:
        return f"TLS ({target.tls}) against the system's roots in {root}"
    return f"TLS ({target.tls}) against ~/.postgresql/root.crt (libpq's default); set ca_file"


def _socket_fd(conn: Connection) -> int | None:
    try:
        raw = conn.connection.dbapi_connection
        if raw is None:
            return None
        pgconn = getattr(raw, "pgconn", None)
        if pgconn is not None:
            return int(pgconn.socket)
        sock = getattr(raw, "_sock", None)
        return sock.fileno() if sock is not None else None
    except Exception:
        return None


class Watchdog:
    """Shuts a connection's socket down if the block it guards runs past ``seconds``.

    The blocked driver call then fails at once with a connection error, which the sync
    treats like any other network fault.
    """

    def __init__(self, conn: Connection, seconds: float) -> None:
        self.conn = conn
        self.seconds = seconds
        self.fired = False
        self._timer: threading.Timer | None = None

    def _fire(self) -> None:
        fd = _socket_fd(self.conn)
        if fd is None or fd < 0:
            return
        self.fired = True
        try:
            dup = socket.socket(fileno=os.dup(fd))
            try:
                dup.shutdown(socket.SHUT_RDWR)
            finally:
                dup.close()
        except OSError:
            pass

    def __enter__(self) -> Watchdog:
        self._timer = threading.Timer(self.seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
