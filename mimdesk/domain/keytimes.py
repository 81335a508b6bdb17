"""Key times of an incident, kept apart and checked against each other.

Each key time may be set after the fact. The order rules below are the ones that cannot be
wrong in any incident: nothing is detected, reported, mitigated or resolved before the impact
started, nothing is resolved before it was mitigated, nothing is declared before it was reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

KEY_TIMES: dict[str, str] = {
    "impact_started_at": "impact started",
    "detected_at": "detected",
    "reported_at": "reported",
    "declared_at": "declared",
    "mitigated_at": "mitigated",
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
)


def label(name: str) -> str:
    return KEY_TIMES[name]


def violations(times: Mapping[str, datetime | None]) -> list[str]:
    """Sentences naming every broken order rule; empty when the times are consistent."""
    problems = []
    for earlier, later in ORDER_RULES:
        a, b = times.get(earlier), times.get(later)
        if a is not None and b is not None and a > b:
            problems.append(
                f"{label(earlier).capitalize()} ({a:%Y-%m-%d %H:%M} UTC) cannot be after "
                f"{label(later)} ({b:%Y-%m-%d %H:%M} UTC)"
            )
    return problems


def check_change(
    times: Mapping[str, datetime | None], name: str, value: datetime | None
) -> list[str]:
    """The violations that setting ``name`` to ``value`` would introduce."""
    if name not in KEY_TIMES:
        raise KeyError(name)
    before = set(violations(times))
    after = violations({**times, name: value})
    return [p for p in after if p not in before]
