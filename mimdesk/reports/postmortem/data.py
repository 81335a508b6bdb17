"""What the postmortem PDF shows, as plain data, and the sections it has."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mimdesk.domain.cadence import TimerPolicy
from mimdesk.domain.events import Event
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.report_sections import SectionSettings
from mimdesk.domain.roles import role_label
from mimdesk.domain.timeline import TimelineEntry

Progress = Callable[[int, int], None]

SECTIONS = (
    "1 Executive summary",
    "2 Key times and figures",
    "3 The review",
    "4 Timeline",
    "5 Roles and handovers",
    "6 Declaration record",
    "7 Communications log",
    "8 Follow-up actions",
    "Appendix A Messages in full",
)


@dataclass(frozen=True)
class ReportData:
    """Everything the PDF shows, as plain data (the use case gathers it)."""

    reference: str
    state: IncidentState
    events: Sequence[Event]
    timeline: Sequence[TimelineEntry]
    generated_at: datetime
    policy: TimerPolicy = field(default_factory=TimerPolicy)
    organisation: str = ""
    classification: str = ""
    severity_labels: Mapping[str, str] = field(default_factory=dict)
    role_labels: Mapping[str, str] = field(default_factory=dict)
    questions: Mapping[str, str] = field(default_factory=dict)  # criterion id -> question
    # criterion id -> the last assessment's answer in words (a choice's label, yes, no)
    answers: Mapping[str, str] = field(default_factory=dict)
    # Entries signed with a name that is not their account's person: event id -> that person
    # (the directory gives the account to them). The timeline flags each.
    signed_by_another: Mapping[str, str] = field(default_factory=dict)
    # The site's order, headings and hidden sections of the review ([report.sections]).
    sections: SectionSettings = field(default_factory=SectionSettings)

    def severity(self) -> str:
        sev = self.state.severity
        return self.severity_labels.get(sev, sev) if sev else "No severity"

    def role(self, role_id: str) -> str:
        return self.role_labels.get(role_id) or role_label(role_id)
