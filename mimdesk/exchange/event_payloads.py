"""An imported event's payload: checked for what the store can hold, then read by the schema.

What each event type's payload holds is the schema's knowledge
(:mod:`mimdesk.domain.schema`), not this module's. An import refuses a payload only when the
store cannot keep it (text it cannot hold, text past the size limit) or when it does not have
its type's shape (a missing required key, text where a number belongs), which the schema
reports as a :class:`~mimdesk.domain.payloads.MalformedPayload`. A value outside a vocabulary
(a note kind, a status, a postmortem field this desk does not know) is kept as recorded: the
fold flags it where it does not apply, the same as for an event pulled from another desk.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mimdesk.domain import schema
from mimdesk.domain.payloads import MalformedPayload, Payload
from mimdesk.exchange.validation import MAX_TEXT, Checker, join, unstorable


def read_payload(c: Checker, etype: str, version: int, data: Any, path: str) -> Payload | None:
    """The typed payload of an imported event, or None (with the problems noted in ``c``)
    when it cannot be stored or does not have its type's shape. An event type this desk does
    not know gives an :class:`~mimdesk.domain.payloads.UnknownPayload`, kept as it came."""
    before = len(c.problems)
    check_storable(c, data, path)
    if len(c.problems) > before:
        return None
    payload = schema.decode(etype, version, data)
    if isinstance(payload, MalformedPayload):
        c.bad(path, payload.problem)
        return None
    return payload


def check_storable(c: Checker, value: Any, path: str) -> None:
    """Every text anywhere in ``value``, keys included, must be one the store can hold and
    within the size limit; each one that is not is named by its path."""
    if isinstance(value, str):
        _check_text(c, value, path)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            name = str(key)
            if unstorable(name):
                # Named in escapes: the path is printed, and these characters cannot be.
                name = ascii(name)
                c.bad(join(path, name), "is a key that holds characters that cannot be stored")
            check_storable(c, item, join(path, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_storable(c, item, f"{path}[{i}]")


def _check_text(c: Checker, value: str, where: str) -> None:
    if unstorable(value):
        c.bad(where, "holds characters that cannot be stored (a NUL or a lone surrogate)")
    elif len(value) > MAX_TEXT:
        c.bad(where, f"is {len(value):,} characters long; the limit is {MAX_TEXT:,}")
