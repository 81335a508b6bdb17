"""Identifiers made where an event is created, unique without asking anyone."""

from __future__ import annotations

import os
import time
import uuid

# Crockford's base32: no I, L, O or U, so a reference read aloud on a bridge call is unambiguous.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def uuid7(now_ms: int | None = None) -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7); the standard library has it only from 3.14."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def new_id() -> str:
    return str(uuid7())


def crockford(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(CROCKFORD[number & 31])
        number >>= 5
    return "".join(reversed(chars))


def normalise_crockford(text: str) -> str:
    """Read Crockford base32 typed by a person: case-insensitive, O->0, I/L->1, and dashes
    and spaces ignored. Give it the code only: the I of an "MI-" prefix would become a 1."""
    table = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})
    return text.strip().upper().translate(table)
