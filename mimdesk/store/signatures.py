"""Event signatures: what a desk's Ed25519 signature covers, and checking one.

A plain hash proves nothing: whoever edits a row can compute it again. A signature needs the
private half of the desk's key, which never leaves that desk (mimdesk.usecases.desk_key keeps
it). Every event is signed by the desk that wrote it over its immutable fields, exactly as the
event table stores them: the payload as its JSON text, the times as their stored text. The
shared database relays these verbatim, so every desk checks the same bytes.

Not covered: ``server_seq`` and the login the server stamps (the server assigns them after
the desk signed), and the signature itself.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from mimdesk.store.models import time_to_text

# Bumped only if what is signed changes; part of the signed bytes, so an old signature can
# never be read under a new rule.
DOMAIN = "mimdesk-event-v1"
# What the signature column holds for an event written before desks signed.
UNSIGNED = ""


class Signer(Protocol):
    """What the store needs of the desk's key: its public half and a way to sign."""

    @property
    def public_key(self) -> str: ...

    def sign(self, data: bytes) -> str: ...


def stamp(value: Any) -> str:
    if isinstance(value, datetime):
        return time_to_text(value) or ""
    return str(value)


def signed_bytes(row: Mapping[str, Any]) -> bytes:
    """The bytes an event's signature covers, from its row keyed by column name."""
    fields = [
        DOMAIN,
        row["event_id"],
        row["stream_id"],
        row["type"],
        int(row["payload_v"]),
        row["payload"],
        int(row["hlc"]),
        row["desk_id"],
        row["author_name"],
        row["author_login"],
        stamp(row["occurred_at"]),
        stamp(row["recorded_at"]),
    ]
    # A JSON array: every field delimited and escaped, so no two events share the bytes.
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


class Ed25519Signer:
    """A desk key held in memory: made from the 32 private bytes."""

    def __init__(self, private: bytes) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self._key = Ed25519PrivateKey.from_private_bytes(private)
        public = self._key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self._public = encode(public)

    @property
    def public_key(self) -> str:
        return self._public

    def sign(self, data: bytes) -> str:
        return encode(self._key.sign(data))


def new_private_key() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def verifies(public_key: str, row: Mapping[str, Any], signature: str) -> bool:
    """Whether ``signature`` is the holder of ``public_key`` signing this row."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw_key, raw_signature = decode(public_key), decode(signature)
    if raw_key is None or raw_signature is None or len(raw_key) != 32:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(raw_signature, signed_bytes(row))
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint(public_key: str) -> str:
    """A short name for a key people can compare by eye (the first 16 hex digits of its
    SHA-256)."""
    import hashlib

    return hashlib.sha256(public_key.encode("ascii", "replace")).hexdigest()[:16]
