""" "Test connection": can this desk use a shared database, and if not, why, in words.

Used by the shared-database dialog (on a worker thread) before the settings are saved. It
reads, never writes: the same look as ``mimdesk doctor`` (:func:`.protocol.probe`), then a
verdict a person can act on. The password is used for the one connection and not kept.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from mimdesk.store.shared import SCHEMA_VERSION
from mimdesk.sync.protocol import probe
from mimdesk.sync.target import SharedTarget, Timeouts, make_engine, password

OK, UNREACHABLE, AUTH, NO_DATABASE, TLS, NO_SCHEMA, NEWER, OLDER, FAILED = (
    "ok",
    "unreachable",
    "auth",
    "no-database",
    "tls",
    "no-schema",
    "newer",
    "older",
    "failed",
)

_PATTERNS = (
    (AUTH, ("password authentication failed", "access denied", "no password supplied")),
    (NO_DATABASE, ("does not exist", "unknown database")),
    (TLS, ("ssl", "certificate", "tls")),
    (
        UNREACHABLE,
        (
            "connection refused",
            "timeout expired",
            "timed out",
            "can't connect",
            "could not translate host name",
            "name or service not known",
            "no route to host",
            "network is unreachable",
            "connection reset",
            "server closed the connection",
            "lost connection",
        ),
    ),
)


@dataclass(frozen=True)
class ConnectionCheck:
    verdict: str  # one of OK, UNREACHABLE, AUTH, NO_DATABASE, TLS, NO_SCHEMA, NEWER, OLDER, FAILED
    message: str  # what was found and what to do
    detail: str = ""  # the server's own words, for IT

    @property
    def ok(self) -> bool:
        return self.verdict == OK


def classify(error: str) -> str:
    low = error.casefold()
    for verdict, needles in _PATTERNS:
        if any(n in low for n in needles):
            return verdict
    return FAILED


def check_connection(
    target: SharedTarget, secret: str | None = None, timeouts: Timeouts | None = None
) -> ConnectionCheck:
    """Connect once to ``target`` with ``secret`` (else the keyring's password) and say
    whether the desk can share through it. Blocks up to the connect timeout: call it off the
    UI thread."""
    secret = secret or password(target)
    with_password = replace(target, url=target.url.set(password=secret)) if secret else target
    engine = make_engine(
        with_password, application_name="mimdesk-check", timeouts=timeouts, use_keyring=False
    )
    try:
        found = probe(engine)
    finally:
        engine.dispose()
    where = f"{target.url.host or 'localhost'}:{target.url.port or ''}".rstrip(":")
    if not found.ok:
        verdict = classify(found.error)
        message = {
            UNREACHABLE: f"Cannot reach {where}: check the host name and port, the network, "
            "or whether the database server is running.",
            AUTH: f"{where} refused user {target.url.username!r}: check the password "
            "(and the user name).",
            NO_DATABASE: f"{where} has no database named {target.url.database!r}: check the "
            "name, or ask IT to create it.",
            TLS: "The encrypted connection failed: check the TLS setting and the CA file.",
            FAILED: "The connection failed.",
        }[verdict]
        return ConnectionCheck(verdict, message, found.error)
    server = found.server or "the server"
    version = found.schema_version
    if version is None:
        return ConnectionCheck(
            NO_SCHEMA,
            f"Connected to {server}, but it holds no MIM Desk schema yet: IT creates it "
            "with 'mimdesk db init --shared URL'.",
        )
    needed = found.min_client_schema or version
    if needed > SCHEMA_VERSION:
        return ConnectionCheck(
            NEWER,
            f"Connected, but the shared database has schema version {version}, newer than "
            f"this MIM Desk knows ({SCHEMA_VERSION}), and needs MIM Desk schema version "
            f"{needed} or newer. Install the newer MIM Desk to share.",
        )
    if version < SCHEMA_VERSION:
        return ConnectionCheck(
            OLDER,
            f"Connected, but the shared database has schema version {version}, older than "
            f"this MIM Desk needs ({SCHEMA_VERSION}). IT upgrades it in place with "
            "'mimdesk db upgrade --shared URL'.",
        )
    events = f"{found.head} events shared" if found.head is not None else "no events yet"
    return ConnectionCheck(
        OK,
        f"Connected to {server} in {found.connect_ms:.0f} ms: schema {version}, {events}.",
    )
