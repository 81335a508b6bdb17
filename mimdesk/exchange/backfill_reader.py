"""Reading a back-fill's own terms: its version (what version 2 added is refused in a
version 1 file, with the words to fix it), its zone, and its times with the precision beside
each ("" to the minute, "hour", "day", "unknown")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mimdesk.domain import precision as precision_mod
from mimdesk.exchange.validation import Checker, describe, join

# Where a person reads the format: named by the import's errors.
FORMAT_DOCUMENT = "resources/schemas/incident-export-v1.md"
# Where a day given without a time sorts: its middle, so it is the same date wherever the
# report is read (a zone is at most 14 hours from UTC).
_DAY_SORTS_AT = time(12)


class Reader:
    """The checker, with what the file says of itself: its version and its zone."""

    def __init__(self, c: Checker, version: int) -> None:
        self.c = c
        self.version = version
        self.zone: ZoneInfo | None = None

    @property
    def v2(self) -> bool:
        return self.version >= 2

    def new(self, path: str, what: str) -> bool:
        """Whether the file may use what version 2 added; says so when it may not."""
        if not self.v2:
            self.c.bad(
                path,
                f'{what} is new in version 2 of the back-fill: write "version": 2 '
                f"(see {FORMAT_DOCUMENT})",
            )
        return self.v2

    def read_zone(self, root: Mapping[str, Any]) -> None:
        name = root.get("zone")
        if name is None or not self.v2:
            return
        if not isinstance(name, str) or not name.strip():
            self.c.bad("zone", f"must be the name of a time zone, not {describe(name)}")
            return
        try:
            self.zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.c.bad("zone", f"{name[:60]!r} is not a time zone's name (e.g. Europe/London, UTC)")

    def key_time(
        self, root: Mapping[str, Any], name: str, *, required: bool = False
    ) -> tuple[datetime | None, str]:
        """A key time and its precision ("" to the minute): a time, or in version 2 an object
        {"at": ..., "precision": ...}."""
        value = root.get(name)
        if value is None:
            if required:
                self.c.bad(name, "missing (required)")
            return None, ""
        if not (self.v2 and isinstance(value, Mapping)):
            return self.c.time_value(value, name), ""
        for key in value:
            if key not in ("at", "precision"):
                self.c.bad(f"{name}.{key}", "is not a field of a time (fields: at, precision)")
        return self.moment(value, name, unknown_ok=False)

    def moment(
        self, data: Mapping[str, Any], path: str, *, unknown_ok: bool
    ) -> tuple[datetime | None, str]:
        """The time ``data["at"]`` with the precision ``data["precision"]`` beside it."""
        c = self.c
        precision = self.precision(data, path, unknown_ok=unknown_ok)
        at, where = data.get("at"), join(path, "at")
        if precision == precision_mod.UNKNOWN:
            if at is not None:
                c.bad(where, 'given, but the precision is "unknown": leave the time out')
            return None, precision
        if at is None:
            hint = ' (or "precision": "unknown" when nobody noted it)' if unknown_ok else ""
            c.bad(where, f"missing (required){hint}")
            return None, precision
        if precision == precision_mod.DAY and isinstance(at, str) and len(at) == 10:
            return self.day(at, where), precision
        return c.time_value(at, where), precision

    def precision(self, data: Mapping[str, Any], path: str, *, unknown_ok: bool) -> str:
        """The precision written beside a time: "" (to the minute), "hour", "day", "unknown"."""
        where = join(path, "precision")
        value = data.get("precision")
        if value is None:
            return ""
        allowed = [p for p in precision_mod.PRECISIONS if unknown_ok or p != precision_mod.UNKNOWN]
        if value not in allowed:
            self.c.bad(where, f"{describe(value)} is not one of {', '.join(allowed)}")
            return ""
        # To the minute is what a time without a precision means: nothing is written for it.
        return "" if value == precision_mod.MINUTE else str(value)

    def day(self, text: str, where: str) -> datetime | None:
        """A day given without a time, in the file's zone, as the time it sorts at."""
        try:
            day = date.fromisoformat(text)
        except ValueError:
            self.c.bad(where, f"{describe(text)} is not a date in the form YYYY-MM-DD")
            return None
        if self.zone is None:
            self.c.bad(
                where,
                'a day without a time needs the file\'s "zone" (e.g. "zone": "Europe/London") '
                "to say which day it is",
            )
            return None
        at = datetime.combine(day, _DAY_SORTS_AT, tzinfo=self.zone)
        return self.c.time_value(at.isoformat(), where)

    def keys(self, data: Mapping[str, Any], path: str, known: tuple[str, ...], what: str) -> None:
        """Version 2 refuses a field it does not know, so that a typo does not drop data."""
        if not self.v2:
            return
        for key in data:
            if key not in known:
                self.c.bad(f"{path}.{key}", f"is not a field of {what} ({', '.join(known)})")
