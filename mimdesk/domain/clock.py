"""Clock arithmetic and how times are shown. Pure: ``now`` and the zone are arguments."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo


def minute_up(when: datetime) -> datetime:
    """``when`` rounded up to the whole minute: how a promised or due time is shown, so that
    a promise ("next update by 10:33") is never earlier than the moment it names and the
    message and the countdown name the same minute."""
    if when.second or when.microsecond:
        return when.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return when


def elapsed(start: datetime | None, now: datetime, end: datetime | None = None) -> timedelta | None:
    """Time from ``start`` until ``end`` (or ``now`` while it runs); None before it started."""
    if start is None:
        return None
    return max((end or now) - start, timedelta(0))


def format_duration(span: timedelta | None) -> str:
    """``1d 02:03:04`` style, the way incident clocks are read aloud."""
    if span is None:
        return "--:--:--"
    total = int(span.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{sign}{days}d {clock}" if days else f"{sign}{clock}"


def format_local(when: datetime | None, zone: tzinfo | None = None, *, date: bool = True) -> str:
    """A time in the desk's zone, always with the zone's name, e.g. ``2026-11-28 14:05 CET``."""
    if when is None:
        return "—"
    local = when.astimezone(zone)
    pattern = "%Y-%m-%d %H:%M %Z" if date else "%H:%M %Z"
    return local.strftime(pattern)
