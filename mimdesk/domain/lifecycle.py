"""The incident lifecycle: which status may follow which."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    CANDIDATE = "candidate"
    DECLARED = "declared"
    REJECTED = "rejected"
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


ACTIVE = frozenset({Status.DECLARED, Status.INVESTIGATING, Status.IDENTIFIED, Status.MITIGATED})
MAJOR = ACTIVE | {Status.RESOLVED, Status.CLOSED}

# Forward moves may skip steps (a fix found while investigating goes straight to mitigated
# or resolved); backward moves are not transitions but a reopen.
_ORDER = [
    Status.DECLARED,
    Status.INVESTIGATING,
    Status.IDENTIFIED,
    Status.MITIGATED,
    Status.RESOLVED,
]

ALLOWED: dict[Status, frozenset[Status]] = {
    Status.CANDIDATE: frozenset({Status.DECLARED, Status.REJECTED}),
    # A rejected candidate may be reconsidered when the picture changes.
    Status.REJECTED: frozenset({Status.CANDIDATE, Status.DECLARED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.INVESTIGATING}),
    Status.CLOSED: frozenset({Status.INVESTIGATING}),
}
for _i, _s in enumerate(_ORDER[:-1]):
    ALLOWED[_s] = frozenset(_ORDER[_i + 1 :])

REOPEN_FROM = frozenset({Status.RESOLVED, Status.CLOSED})


def can_move(current: Status, target: Status) -> bool:
    return target in ALLOWED.get(current, frozenset())


def is_reopen(current: Status, target: Status) -> bool:
    return current in REOPEN_FROM and target is Status.INVESTIGATING


def why_not(current: Status, target: Status) -> str:
    """A sentence for a person, saying why a move is refused and what is allowed."""
    if current == target:
        return f"already {current.label}"
    allowed = ", ".join(s.label for s in sorted(ALLOWED.get(current, ()), key=_rank))
    if not allowed:
        return f"{current.label} is final"
    return f"cannot go from {current.label} to {target.label}; allowed next: {allowed}"


def _rank(status: Status) -> int:
    return list(Status).index(status)
