"""Checks shared by the exchange formats: a checker that collects every problem with its JSON
path, the result of a successful read, and the small readers both formats use."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mimdesk.domain.events import Author, Event, parse_time

# Names derived from a file's content live under this namespace (uuid5).
NAMESPACE = uuid.UUID("6f0b8f5e-3c1d-5b7a-9e2f-4d8c1a7b6e90")

# The version of both formats this desk writes, and the newest it reads.
VERSION = 1

MAX_TEXT = 100_000
MAX_NAME = 200
# A time in a file may be this far in the future (clock drift between desks), no more.
FUTURE_TOLERANCE = timedelta(minutes=5)


class InvalidDocument(Exception):
    """The document cannot be imported; ``problems`` name each bad field by its JSON path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Parsed:
    """A checked document, ready to append: the incident's id, its events, and what it says
    its reference is."""

    kind: str  # FORMAT or BACKFILL_FORMAT
    stream_id: str
    reference: str
    events: list[Event]
    notes: list[str] = field(default_factory=list)


class Checker:
    """Collects problems with their JSON paths while reading a document."""

    def __init__(self, now: datetime) -> None:
        self.problems: list[str] = []
        self.now = now
        # A hand-written back-fill may not hold times in the future (a mistyped year); an
        # export may, when the desk that wrote it had a clock ahead of this one.
        self.refuse_future = False

    def bad(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.bad(path, f"must be an object, not {describe(value)}")
            return None
        return value

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        limit: int = MAX_TEXT,
        default: str = "",
    ) -> str:
        where = join(path, key)
        if key not in data or data[key] is None:
            if required:
                self.bad(where, "missing (required)")
            return default
        value = data[key]
        if not isinstance(value, str):
            self.bad(where, f"must be text, not {describe(value)}")
            return default
        if required and not value.strip():
            self.bad(where, "is empty")
        if len(value) > limit:
            self.bad(where, f"is {len(value):,} characters long; the limit is {limit:,}")
        if unstorable(value):
            self.bad(where, "holds characters that cannot be stored (a NUL or a lone surrogate)")
        return value

    def time(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> datetime | None:
        where = join(path, key)
        if key not in data or data[key] is None:
            if required:
                self.bad(where, "missing (required)")
            return None
        return self.time_value(data[key], where)

    def time_value(self, value: Any, where: str) -> datetime | None:
        parsed = iso_time(value)
        if parsed is None:
            self.bad(where, "not an ISO-8601 time with a zone (e.g. 2026-11-28T21:52:00+01:00)")
            return None
        if self.refuse_future and parsed > self.now + FUTURE_TOLERANCE:
            self.bad(where, f"{value} is in the future")
            return None
        return parsed

    def integer(
        self, data: Mapping[str, Any], key: str, path: str, *, minimum: int = 0
    ) -> int | None:
        where = join(path, key)
        if key not in data or data[key] is None:
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.bad(where, f"must be a whole number of {minimum} or more, not {value!r}")
            return None
        return value

    def one_of(
        self, data: Mapping[str, Any], key: str, path: str, options: Sequence[str], default: str
    ) -> str:
        where = join(path, key)
        value = data.get(key, default)
        if value is None:
            return default
        if value not in options:
            self.bad(where, f"{value!r} is not one of {', '.join(options)}")
            return default
        return str(value)

    def texts(
        self, data: Mapping[str, Any], key: str, path: str, limit: int = MAX_NAME
    ) -> list[str]:
        where = join(path, key)
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(where, f"must be a list of texts, not {describe(value)}")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.bad(f"{where}[{i}]", f"must be text, not {describe(item)}")
            elif len(item) > limit:
                self.bad(f"{where}[{i}]", f"is longer than {limit} characters")
            elif unstorable(item):
                self.bad(
                    f"{where}[{i}]",
                    "holds characters that cannot be stored (a NUL or a lone surrogate)",
                )
            else:
                out.append(item)
        return out


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def unstorable(value: str) -> bool:
    return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)


def iso_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) < 16:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    return parse_time(value)


def as_uuid(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return str(parsed) if str(parsed) == value.lower() else None


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def derived_id(*parts: str) -> str:
    """A name-based UUID (version 5) for these parts: uuid5's, but one a lone surrogate from a
    file's "\\udc80" cannot break (the file is refused for it after, with its path)."""
    name = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    digest = hashlib.sha1(NAMESPACE.bytes + name, usedforsecurity=False).digest()
    return str(uuid.UUID(bytes=digest[:16], version=5))


def read_author(c: Checker, value: Any, where: str) -> Author | None:
    if isinstance(value, str):
        if not value.strip() or len(value) > MAX_NAME:
            c.bad(where, "must be a name of 1 to 200 characters")
            return None
        return Author(value, "")
    data = c.obj(value, where)
    if data is None:
        return None
    name = c.text(data, "name", where, required=True, limit=MAX_NAME)
    login = c.text(data, "login", where, limit=MAX_NAME)
    return Author(name, login) if name else None


def read_hlc(c: Checker, value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit() and value.isascii():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        c.bad(where, f"must be a string of digits, not {describe(value)}")
        return None
    if not 0 <= number < 2**63:
        c.bad(where, "is out of range (0 to 2^63-1)")
        return None
    return number


def read_list(c: Checker, root: Mapping[str, Any], key: str) -> list[Any]:
    value = root.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        c.bad(key, f"must be a list, not {describe(value)}")
        return []
    return value
