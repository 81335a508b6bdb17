"""Declaring a major incident: assess against the agreed criteria, then a person decides.

The checklist recommends; the decision is a person's. Where the decision differs from the
recommendation (or was made without one) a rationale is required, and so is one for
downgrading a major incident. Declaring is one step: the decision and the Major Incident
Manager are appended together, and the major-incident clock starts from the decision.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from mimdesk.config import Settings
from mimdesk.domain import cadence
from mimdesk.domain import declaration as rules
from mimdesk.domain.declaration import Checklist, Outcome, Recommendation
from mimdesk.domain.directory import prefill
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.payloads import Assessed, Decided, FieldChanged, RoleAssigned
from mimdesk.domain.roles import MIM
from mimdesk.domain.summary import IncidentSummary
from mimdesk.errors import InvalidInput, Refused
from mimdesk.usecases import directory as directory_uc
from mimdesk.usecases import entitlement
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView, resolve, view
from mimdesk.usecases.validate import MAX_FIELD, choose, clean_text


def check_answers(checklist: Checklist, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers of the right kind for each criterion; None (unanswered) is dropped."""
    clean: dict[str, Any] = {}
    for criterion_id, answer in answers.items():
        criterion = checklist.criterion(criterion_id)
        if criterion is None:
            raise InvalidInput(
                f"There is no question {criterion_id!r} in the checklist.",
                "The site's criteria may have changed; reassess with the current checklist.",
            )
        if answer is None:
            continue
        if criterion.kind == "yesno" and not isinstance(answer, bool):
            raise InvalidInput(f"{criterion.question} needs yes or no, not {answer!r}.", "")
        if criterion.kind == "number" and (
            isinstance(answer, bool) or not isinstance(answer, int | float) or answer < 0
        ):
            raise InvalidInput(f"{criterion.question} needs a number, not {answer!r}.", "")
        if criterion.kind == "choice" and criterion.choice(answer) is None:
            options = ", ".join(c.label for c in criterion.choices)
            raise InvalidInput(
                f"{answer!r} is not an answer to: {criterion.question}",
                f"Choose one of: {options}.",
            )
        clean[criterion_id] = answer
    return clean


def _context(incident: IncidentView) -> dict[str, str]:
    services = incident.state.services
    return {"services": ", ".join(services) if services else "the affected service"}


def recommend(
    ctx: Context, *, reference: str, checklist: Checklist, answers: Mapping[str, Any]
) -> Recommendation:
    """The live recommendation for answers being given; writes nothing."""
    summary = resolve(ctx, reference)
    incident = view(ctx, summary.stream_id, summary.reference)
    return recommend_for(incident, checklist, answers)


def recommend_for(
    incident: IncidentView, checklist: Checklist, answers: Mapping[str, Any]
) -> Recommendation:
    """:func:`recommend` for an incident already read: the GUI re-evaluates on every
    keystroke, and must not read the database each time."""
    return rules.evaluate(checklist, check_answers(checklist, answers), _context(incident))


def suggested_answers(ctx: Context, *, reference: str, checklist: Checklist) -> dict[str, Any]:
    """Answers to start from: the last assessment's, else what the catalogue and the incident
    say (a business-critical service picked, the users affected)."""
    summary = resolve(ctx, reference)
    state = view(ctx, summary.stream_id).state
    if state.assessment is not None:
        known = {c.id for c in checklist.criteria}
        return {k: v for k, v in state.assessment.answers.items() if k in known}
    catalogue = directory_uc.directory(ctx)
    picked = [s for s in (catalogue.by_name(n) for n in state.services) if s is not None]
    facts = prefill(picked, state.users_affected)
    answers: dict[str, Any] = {}
    for criterion in checklist.criteria:
        if criterion.prefill in facts:
            answers[criterion.id] = facts[criterion.prefill]
    return check_answers(checklist, answers)


def assess(
    ctx: Context, *, reference: str, checklist: Checklist, answers: Mapping[str, Any]
) -> tuple[Recommendation, Changes]:
    """Record the answers and the recommendation they give."""
    summary = resolve(ctx, reference)
    incident = view(ctx, summary.stream_id, summary.reference)
    clean = check_answers(checklist, answers)
    recommendation = rules.evaluate(checklist, clean, _context(incident))
    ctx.log.append(
        [
            ctx.event(
                summary.stream_id,
                Assessed(answers=clean, recommendation=recommendation.as_record()),
            )
        ]
    )
    return recommendation, Changes(frozenset({summary.stream_id}))


def _recommended(incident: IncidentView) -> tuple[str, str | None]:
    """What the last assessment recommended ("" if none) and that assessment's event id."""
    assessment = incident.state.assessment
    if assessment is None:
        return "", None
    return assessment.recommendation.outcome, assessment.event_id


def _need_rationale(decision: str, recommended: str, rationale: str, what: str) -> None:
    if rationale:
        return
    if not recommended:
        raise InvalidInput(
            f"{what} without an assessment needs a rationale.",
            "Answer the checklist first, or say why it was skipped.",
        )
    if recommended != decision:
        advice = "declaring" if recommended == "declare" else "not declaring"
        raise InvalidInput(
            f"The checklist recommends {advice}; {what.lower()} against it needs a rationale.",
            "Say why, in a sentence, for the postmortem.",
        )


def declare(
    ctx: Context,
    *,
    reference: str,
    settings: Settings,
    severity: str,
    mim: str,
    rationale: str = "",
) -> Changes:
    """Declare a major incident and name its Major Incident Manager, in one step."""
    summary = resolve(ctx, reference)
    incident = view(ctx, summary.stream_id, summary.reference)
    if incident.state.status not in (Status.CANDIDATE, Status.REJECTED):
        raise Refused(
            f"{summary.reference} is already {incident.state.status.label}.",
            "Change its severity instead.",
        )
    severity = choose(ctx.vocab.severities, severity)
    if not settings.is_major_severity(severity):
        majors = ", ".join(s.id for s in settings.severities if s.major)
        raise InvalidInput(
            f"{severity!r} is not a major-incident severity.", f"Choose one of: {majors}."
        )
    mim = clean_text(
        mim, what="Major Incident Manager's name", limit=200, required=True, single_line=True
    )
    rationale = clean_text(rationale, what="rationale", limit=MAX_FIELD)
    recommended, assessment = _recommended(incident)
    _need_rationale("declare", recommended, rationale, "Declaring")
    # Whoever this account is declares; the MIM it names may be anyone.
    entitlement.check(ctx)
    decided = Decided(
        decision="declare",
        severity=severity,
        rationale=rationale,
        # Only a recommendation that was made is recorded, with the assessment that made it.
        recommendation=recommended or None,
        assessment=assessment if recommended else None,
        cadences=_cadences_in_force(incident.state, settings, severity),
    )
    events = [ctx.event(summary.stream_id, decided)]
    if incident.state.holder(MIM) != mim:
        events.append(ctx.event(summary.stream_id, RoleAssigned(role=MIM, person=mim)))
    ctx.log.append(events)
    return Changes(frozenset({summary.stream_id}), incidents_list=True)


def _cadences_in_force(state: IncidentState, settings: Settings, severity: str) -> dict[str, int]:
    """The update intervals this declaration puts in force: recorded with it, so that the
    postmortem judges the updates by the cadences of the day, not by later settings."""
    return cadence.intervals(replace(state, severity=severity), settings.timers)


def reject(ctx: Context, *, reference: str, rationale: str = "") -> Changes:
    """Handle it as a normal (high-priority) incident instead of a major one."""
    summary = resolve(ctx, reference)
    incident = view(ctx, summary.stream_id, summary.reference)
    if incident.state.status is not Status.CANDIDATE:
        raise Refused(
            f"{summary.reference} is {incident.state.status.label}; only a candidate can be "
            "rejected.",
            "To downgrade a major incident, lower its severity with a rationale.",
        )
    rationale = clean_text(rationale, what="rationale", limit=MAX_FIELD)
    recommended, assessment = _recommended(incident)
    _need_rationale("reject", recommended, rationale, "Rejecting")
    decided = Decided(
        decision="reject",
        rationale=rationale,
        recommendation=recommended or None,
        assessment=assessment if recommended else None,
    )
    ctx.log.append([ctx.event(summary.stream_id, decided)])
    return Changes(frozenset({summary.stream_id}), incidents_list=True)


def change_severity(
    ctx: Context, *, reference: str, settings: Settings, severity: str, rationale: str = ""
) -> Changes:
    """Change the severity; downgrading a major incident needs a rationale."""
    summary = resolve(ctx, reference)
    state = view(ctx, summary.stream_id).state
    severity = choose(ctx.vocab.severities, severity)
    if severity == state.severity:
        return Changes()
    rationale = clean_text(rationale, what="rationale", limit=MAX_FIELD)
    lower = settings.severity_rank(severity) > settings.severity_rank(state.severity)
    if state.is_major and lower and not rationale:
        raise InvalidInput(
            f"Downgrading {summary.reference} from {state.severity} to {severity} needs a "
            "rationale.",
            "Say why the impact is smaller than first thought.",
        )
    change = FieldChanged(
        field="severity",
        value=severity,
        reason=rationale,
        # The cadences the new severity puts in force, recorded with it (issue 16).
        cadences=_cadences_in_force(state, settings, severity) if state.is_major else None,
    )
    ctx.log.append([ctx.event(summary.stream_id, change)])
    return Changes(frozenset({summary.stream_id}), incidents_list=True)


def suggested_mim(ctx: Context) -> str:
    """Who to prefill as Major Incident Manager: this week's duty MIM, else the user."""
    return directory_uc.on_duty(ctx, MIM) or ctx.author.name


@dataclass(frozen=True, slots=True)
class QueuedCandidate:
    summary: IncidentSummary
    age: timedelta


def candidate_queue(ctx: Context) -> list[QueuedCandidate]:
    """Incidents reported but not yet decided, oldest first."""
    now = ctx.now()
    rows = ctx.log.summaries("candidates")
    queue = [
        QueuedCandidate(s, now - s.reported_at if s.reported_at else timedelta(0)) for s in rows
    ]
    queue.sort(key=lambda q: q.age, reverse=True)
    return queue


@dataclass(frozen=True, slots=True)
class EscalationStats:
    since: datetime
    until: datetime
    declared: int
    rejected: int
    median_to_decision: timedelta | None
    undecided: int

    @property
    def declared_share(self) -> float | None:
        total = self.declared + self.rejected
        return self.declared / total if total else None

    def sentence(self) -> str:
        total = self.declared + self.rejected
        if not total:
            return "No candidates were decided in this period."
        median = self.median_to_decision
        minutes = f"{median.total_seconds() / 60:.0f} min" if median is not None else "—"
        return (
            f"{self.declared} of {total} candidates declared ({self.declared_share:.0%}), "
            f"{self.rejected} rejected; median time from report to decision {minutes}; "
            f"{self.undecided} waiting."
        )


def escalation_stats(
    ctx: Context, *, since: datetime, until: datetime | None = None
) -> EscalationStats:
    """Declared against rejected for decisions made in [since, until]: the over-escalation
    signal. If nearly everything is declared, the criteria are too loose."""
    until = until or ctx.now()
    declared = rejected = 0
    waits: list[float] = []
    for s in ctx.log.summaries("all"):
        if s.decided_at is None or not (since <= s.decided_at <= until):
            continue
        if s.decision == Outcome.DECLARE.value:
            declared += 1
        elif s.decision == Outcome.REJECT.value:
            rejected += 1
        if s.reported_at is not None:
            waits.append(max((s.decided_at - s.reported_at).total_seconds(), 0.0))
    median = timedelta(seconds=statistics.median(waits)) if waits else None
    undecided = len(ctx.log.summaries("candidates"))
    return EscalationStats(since, until, declared, rejected, median, undecided)
