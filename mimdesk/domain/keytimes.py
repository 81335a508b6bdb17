"""Key times of an incident, kept apart and checked against each other.

Each key time may be set after the fact. The order rules below are the ones that cannot be
wrong in any incident: nothing is detected, reported, mitigated or resolved before the impact
started, nothing is resolved before it was mitigated, nothing is declared before it was reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, tzinfo

from mimdesk.domain.lifecycle import MAJOR, Status

KEY_TIMES: dict[str, str] = {
    "impact_started_at": "impact started",
    "detected_at": "detected",
    "reported_at": "reported",
    "declared_at": "declared",
    "mitigated_at": "mitigated",
    # When customers stopped being affected: often the mitigation, sometimes long after it
    # (a backlog drained for a day). Unset, the report reads it as the mitigation.
    "impact_ended_at": "impact ended",
    "resolved_at": "resolved",
}

# (earlier, later): the first may not be after the second.
ORDER_RULES: tuple[tuple[str, str], ...] = (
    ("impact_started_at", "detected_at"),
    ("impact_started_at", "reported_at"),
    ("impact_started_at", "declared_at"),
    ("impact_started_at", "mitigated_at"),
    ("impact_started_at", "resolved_at"),
    ("detected_at", "mitigated_at"),
    ("detected_at", "resolved_at"),
    ("reported_at", "declared_at"),
    ("mitigated_at", "resolved_at"),
    ("impact_started_at", "impact_ended_at"),
)


def label(name: str) -> str:
    return KEY_TIMES[name]


def two_times(a: datetime, b: datetime, zone: tzinfo | None = UTC) -> tuple[str, str]:
    """Two times for one sentence, in ``zone`` (None: this computer's) with its name, as
    precise as needed to tell them apart: seconds when they share a minute, milliseconds
    when they share a second."""
    la, lb = a.astimezone(zone), b.astimezone(zone)
    pattern = "%Y-%m-%d %H:%M"
    if la.replace(second=0, microsecond=0) == lb.replace(second=0, microsecond=0):
        pattern += ":%S"
        if la.replace(microsecond=0) == lb.replace(microsecond=0):
            return _with_ms(la), _with_ms(lb)
    return la.strftime(pattern + " %Z"), lb.strftime(pattern + " %Z")


def _with_ms(when: datetime) -> str:
    return (
        when.strftime("%Y-%m-%d %H:%M:%S.")
        + f"{when.microsecond // 1000:03d} "
        + (when.strftime("%Z"))
    )


def violations(times: Mapping[str, datetime | None], zone: tzinfo | None = UTC) -> list[str]:
    """Sentences naming every broken order rule, times shown in ``zone`` (None: this
    computer's); empty when the times are consistent. The fold's reasons are in UTC, the
    same on every desk; a person entering a time reads the desk's zone."""
    problems = []
    for earlier, later in ORDER_RULES:
        a, b = times.get(earlier), times.get(later)
        if a is not None and b is not None and a > b:
            shown_a, shown_b = two_times(a, b, zone)
            problems.append(
                f"{label(earlier).capitalize()} ({shown_a}) cannot be after "
                f"{label(later)} ({shown_b})"
            )
    return problems


def required(status: Status) -> tuple[str, ...]:
    """The key times an incident in ``status`` must keep: reported always, declared once it
    was declared, mitigated and resolved once it got there. Clearing one would make the
    record say something that did not happen."""
    needed = ["reported_at"]
    if status in MAJOR:
        needed.append("declared_at")
    if status in (Status.MITIGATED, Status.RESOLVED, Status.CLOSED):
        needed.append("mitigated_at")
    if status in (Status.RESOLVED, Status.CLOSED):
        needed.append("resolved_at")
    return tuple(needed)


def check_change(
    times: Mapping[str, datetime | None],
    name: str,
    value: datetime | None,
    zone: tzinfo | None = UTC,
    *,
    status: Status | None = None,
) -> list[str]:
    """The violations that setting ``name`` to ``value`` would introduce; with ``status``,
    also clearing a time that status needs (:func:`required`)."""
    if name not in KEY_TIMES:
        raise KeyError(name)
    cleared = value is None and times.get(name) is not None
    if cleared and status is not None and name in required(status):
        return [f"The {label(name)} time cannot be cleared: the incident is {status.label.lower()}"]
    before = set(violations(times, zone))
    after = violations({**times, name: value}, zone)
    return [p for p in after if p not in before]


# An entry dated more than this before it was written was dated by a person (back-dated);
# within it, its time is the desk's clock when it was recorded.
BACK_DATED = timedelta(minutes=1)


def dated_too_early(
    what: str,
    when: datetime,
    times: Mapping[str, datetime | None],
    zone: tzinfo | None = UTC,
    *,
    before_declaration: bool = False,
) -> str | None:
    """Why ``what`` (a status change, an update) cannot be dated ``when``, or None: nothing
    about an incident happens before it was reported, and an update dated before the
    declaration would count as on time for a timer that had not started."""
    limits = [("reported_at", "the report")]
    if before_declaration:
        limits.append(("declared_at", "the declaration"))
    for name, event in limits:
        limit = times.get(name)
        if limit is not None and when < limit:
            shown, shown_limit = two_times(when, limit, zone)
            return f"{what} cannot be dated {shown}, before {event} ({shown_limit})"
    return None


def back_dated(occurred_at: datetime, recorded_at: datetime) -> bool:
    return recorded_at - occurred_at > BACK_DATED
