"""What the major-incident process expects of the desk now: one next step, or none.

A pure function of the incident's state, the site's timer policy and ``now``. The window's
next-step strip and ``mimdesk show`` both print it, so they always agree. The rules follow an
incident through its life (DOMAIN.md): assess the report, decide, steer it with a Major
Incident Manager, tell people within the first-notification target and then on the cadence,
confirm recovery and say so, then name who runs the review and give the follow-ups owners.
The first rule that applies wins: the earlier in the process, the more it matters now.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mimdesk.domain import cadence
from mimdesk.domain.cadence import Level, TimerPolicy
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.roles import MIM

# Action ids: where the strip's one button goes (the GUI maps each to a tab or a dialog).
ASSESS = "assess"  # the Declaration tab's checklist
DECIDE = "decide"  # the declare dialog (the checklist's outcome in view)
ASSIGN_MIM = "assign_mim"  # the dialog that names the Major Incident Manager
INITIAL_NOTIFICATION = "initial_notification"  # Communications, the initial notification
UPDATE = "update"  # Communications, an update
RESOLUTION = "resolution"  # Communications, the resolution notice
POSTMORTEM = "postmortem"  # the Postmortem tab
FOLLOWUPS = "followups"  # the Follow-ups tab

ACTIONS = (
    ASSESS,
    DECIDE,
    ASSIGN_MIM,
    INITIAL_NOTIFICATION,
    UPDATE,
    RESOLUTION,
    POSTMORTEM,
    FOLLOWUPS,
)

# Follow-ups that still need doing: only these need an owner.
OPEN_FOLLOWUP = frozenset({"open", "in progress"})


@dataclass(frozen=True, slots=True)
class NextStep:
    text: str  # one sentence for the desk
    action: str  # one of ACTIONS


def initial_notification_due(state: IncidentState, policy: TimerPolicy) -> datetime | None:
    """When the initial notification is due: the declaration plus the site's first-notification
    target, while the incident is running and nothing has gone out since it was declared.
    None once a message went out (or when there is nothing to notify)."""
    declared = state.key_times["declared_at"]
    if declared is None or not state.is_active or state.status is Status.MITIGATED:
        return None
    if any(message.at >= declared for message in state.messages):
        return None
    return declared.astimezone(UTC) + timedelta(minutes=policy.first_notification_minutes)


def initial_notification_level(due: datetime, policy: TimerPolicy, now: datetime) -> Level:
    """Red once past due, amber in its last minutes, as the update countdowns."""
    remaining = due - now
    if remaining <= timedelta(0):
        return Level.RED
    return Level.AMBER if remaining <= timedelta(minutes=policy.amber_minutes) else Level.OK


def when_due(due: datetime, now: datetime) -> str:
    """ "due in 12 min" or "overdue by 3 min": whole minutes, a promise rounded up so it is
    never in the past, a delay rounded down so it is never overstated."""
    seconds = (due - now).total_seconds()
    if seconds > 0:
        return f"due in {_minutes(math.ceil(seconds / 60))}"
    return f"overdue by {_minutes(max(1, math.floor(-seconds / 60)))}"


def _minutes(count: int) -> str:
    hours, minutes = divmod(count, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def next_step(state: IncidentState, policy: TimerPolicy, now: datetime) -> NextStep | None:
    """The one thing the process expects now, or None when nothing is waiting."""
    for rule in (_undecided, _running, _mitigated, _review):
        step = rule(state, policy, now)
        if step is not None:
            return step
    return _followups(state)


def _undecided(state: IncidentState, _policy: TimerPolicy, _now: datetime) -> NextStep | None:
    if state.status is not Status.CANDIDATE:
        return None
    assessment = state.assessment
    if assessment is None:
        return NextStep(
            "Assess the report: answer the checklist to see whether it is a major incident.",
            ASSESS,
        )
    advice = (
        "declaring it a major incident"
        if assessment.recommendation.outcome == "declare"
        else "handling it as a normal incident"
    )
    return NextStep(f"Decide: the checklist recommends {advice}.", DECIDE)


def _running(state: IncidentState, policy: TimerPolicy, now: datetime) -> NextStep | None:
    if not state.is_active:
        return None
    if not state.holder(MIM):
        return NextStep(
            "Name a Major Incident Manager: nobody is steering this incident.", ASSIGN_MIM
        )
    due = initial_notification_due(state, policy)
    if due is not None:
        return NextStep(
            f"Send the initial notification: {when_due(due, now)} "
            f"(within {_minutes(policy.first_notification_minutes)} of declaring).",
            INITIAL_NOTIFICATION,
        )
    pressing = [
        t
        for t in cadence.update_timers(state, policy, now)
        if t.level in (Level.RED, Level.AMBER) and t.due_at is not None
    ]
    if pressing:
        timer = min(pressing, key=lambda t: t.due_at or now)
        assert timer.due_at is not None
        label = policy.audience_label(timer.audience)
        return NextStep(f"Draft the update to {label}: {when_due(timer.due_at, now)}.", UPDATE)
    return None


def _mitigated(state: IncidentState, _policy: TimerPolicy, _now: datetime) -> NextStep | None:
    if state.status is not Status.MITIGATED:
        return None
    return NextStep(
        "Confirm recovery with the service owner, then send the resolution notice.",
        RESOLUTION,
    )


def _review(state: IncidentState, _policy: TimerPolicy, _now: datetime) -> NextStep | None:
    if state.status not in (Status.RESOLVED, Status.CLOSED):
        return None
    missing = [
        what
        for key, what in (("owner", "the postmortem owner"), ("meeting_date", "the review date"))
        if not state.postmortem.get(key, "").strip()
    ]
    if not missing:
        return None
    return NextStep(f"Name {' and '.join(missing)}.", POSTMORTEM)


def _followups(state: IncidentState) -> NextStep | None:
    unowned = [
        f for f in state.followups.values() if f.status in OPEN_FOLLOWUP and not f.owner.strip()
    ]
    if not unowned:
        return None
    count = len(unowned)
    what = "follow-up has" if count == 1 else "follow-ups have"
    return NextStep(f"Give an owner to each follow-up: {count} {what} none.", FOLLOWUPS)
