"""The incident summary: what lists and search show, kept in a projection table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mimdesk.domain.incident import IncidentState
from mimdesk.domain.lifecycle import ACTIVE, MAJOR, Status
from mimdesk.domain.roles import MIM


@dataclass(frozen=True, slots=True)
class IncidentSummary:
    stream_id: str
    reference: str
    title: str
    status: Status
    severity: str
    mim: str
    reported_at: datetime | None
    declared_at: datetime | None
    resolved_at: datetime | None
    updated_at: datetime | None
    event_count: int
    decision: str = ""
    decided_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_major(self) -> bool:
        return self.status in MAJOR

    @property
    def is_candidate(self) -> bool:
        return self.status is Status.CANDIDATE


def summarise(state: IncidentState, reference: str | None = None) -> IncidentSummary:
    return IncidentSummary(
        stream_id=state.stream_id,
        reference=reference or state.reference,
        title=state.title,
        status=state.status,
        severity=state.severity,
        mim=state.holder(MIM),
        reported_at=state.key_times["reported_at"],
        declared_at=state.key_times["declared_at"],
        resolved_at=state.key_times["resolved_at"],
        updated_at=state.updated_at,
        event_count=state.event_count,
        decision=state.decision.decision if state.decision else "",
        decided_at=state.decisions[0].at if state.decisions else None,
    )


def search_text(state: IncidentState) -> str:
    """What the search box matches: reference, title, impact, services, people in roles."""
    parts = [state.reference, state.title, state.impact, state.external_ref, *state.services]
    parts += [holder.person for holder in state.roles.values()]
    return " ".join(p for p in parts if p).casefold()
