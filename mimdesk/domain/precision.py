"""How precisely a time is known.

A desk's own entries are stamped to the second. A back-filled incident often knows a time only to
the hour ("around 14:00") or the day ("8 June"), and sometimes not at all ("an update went out;
nobody noted when"). The precision is recorded beside the time, so that the report prints what
is known and no more, instead of inventing a minute.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

MINUTE = "minute"
HOUR = "hour"
DAY = "day"
UNKNOWN = "unknown"
# The precisions a time may have, finest first. "" (nothing recorded) means MINUTE.
PRECISIONS = (MINUTE, HOUR, DAY, UNKNOWN)


def is_exact(precision: str) -> bool:
    """Whether a time with this precision may be used as a minute (in a duration, a figure,
    or an on-time count). A precision this desk does not know is treated as not exact."""
    return precision in ("", MINUTE)


def shown(
    when: datetime | None,
    precision: str = "",
    zone: tzinfo | None = None,
    *,
    with_year: bool = True,
    with_zone: bool = True,
) -> str:
    """A time as precisely as it is known: "2025-06-08 14:05 BST", "2025-06-08 around 14:00
    BST (to the hour)", "8 June 2025, time not known", "time not known"."""
    if when is None:
        return "—"
    local = when.astimezone(zone)
    zone_name = f" {local.strftime('%Z')}" if with_zone and local.strftime("%Z") else ""
    day = local.strftime("%Y-%m-%d") if with_year else local.strftime("%m-%d")
    if precision == UNKNOWN:
        return "time not known"
    if precision == DAY:
        year = f" {local.year}" if with_year else ""
        return f"{local.day} {local.strftime('%B')}{year}, time not known"
    if precision == HOUR:
        return f"{day} around {local.strftime('%H')}:00{zone_name} (to the hour)"
    return f"{day} {local.strftime('%H:%M')}{zone_name}"
