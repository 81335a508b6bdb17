"""Update timers and incident clocks: pure arithmetic on stored UTC times and ``now``.

Nothing here keeps time. Every figure is computed from timestamps in the log and the ``now``
the caller passes, so the same countdown shows after a restart, after the PC sleeps, and on a
second desk reading the same events. Arithmetic is in UTC, so daylight-saving changes in the
desk's zone cannot stretch or shrink an interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from mimdesk.domain.incident import IncidentState
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.wording import audience_title


class Level(StrEnum):
    OK = "ok"
    AMBER = "amber"
    RED = "red"
    PAUSED = "paused"  # not running: not declared yet, mitigated (by policy), or resolved


@dataclass(frozen=True, slots=True)
class Audience:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class TimerPolicy:
    audiences: tuple[Audience, ...] = ()
    # severity id -> audience id -> minutes between updates
    cadence: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # severity id -> clock name ("declare", "restore", "resolve") -> minutes
    targets: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    run_after_mitigation: bool = False
    amber_minutes: int = 5
    remind_every_minutes: int = 5
    mim_reminder_minutes: int = 3
    # The initial notification goes out within this many minutes of declaring.
    first_notification_minutes: int = 15

    def audience_label(self, audience_id: str) -> str:
        for a in self.audiences:
            if a.id == audience_id:
                return a.label
        return audience_title(audience_id)


@dataclass(frozen=True, slots=True)
class UpdateTimer:
    audience: str
    interval: timedelta
    last_sent: datetime | None
    due_at: datetime | None
    remaining: timedelta | None  # negative when overdue
    level: Level
    snoozed_until: datetime | None = None

    @property
    def overdue(self) -> bool:
        return self.level is Level.RED


def intervals(state: IncidentState, policy: TimerPolicy) -> dict[str, int]:
    """Minutes between updates per audience: the severity's defaults, then the incident's
    own changes (a cadence set to 0 switches that audience off)."""
    merged = dict(policy.cadence.get(state.severity, {}))
    merged.update(state.cadence)
    return {audience: minutes for audience, minutes in merged.items() if minutes > 0}


def _running(state: IncidentState, policy: TimerPolicy) -> bool:
    if state.status in (Status.CANDIDATE, Status.REJECTED, Status.RESOLVED, Status.CLOSED):
        return False
    if state.key_times["declared_at"] is None:
        return False
    return not (state.status is Status.MITIGATED and not policy.run_after_mitigation)


def update_timers(state: IncidentState, policy: TimerPolicy, now: datetime) -> list[UpdateTimer]:
    """One timer per audience with a cadence, in the policy's audience order.

    Next update due = the last update sent to that audience + its interval; before the first
    update, the declaration time + the interval. A snooze moves the due time to its end when
    that is later.
    """
    declared = state.key_times["declared_at"]
    running = _running(state, policy)
    amber = timedelta(minutes=policy.amber_minutes)
    order = {a.id: i for i, a in enumerate(policy.audiences)}
    timers = []
    for audience, minutes in sorted(
        intervals(state, policy).items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])
    ):
        interval = timedelta(minutes=minutes)
        last = state.last_sent.get(audience)
        base = last or declared
        # Add in UTC: on an aware local time Python adds wall-clock time, and an interval
        # across a daylight-saving change would come out an hour off.
        due = base.astimezone(UTC) + interval if base is not None else None
        snooze = state.snoozed.get(audience)
        if due is not None and snooze is not None and snooze > due:
            due = snooze
        if not running or due is None:
            timers.append(UpdateTimer(audience, interval, last, due, None, Level.PAUSED, snooze))
            continue
        remaining = due - now
        level = (
            Level.RED
            if remaining <= timedelta(0)
            else (Level.AMBER if remaining <= amber else Level.OK)
        )
        timers.append(UpdateTimer(audience, interval, last, due, remaining, level, snooze))
    return timers


def should_remind(
    timer: UpdateTimer, last_reminded: datetime | None, now: datetime, every: timedelta
) -> bool:
    """Raise a notification when an update falls due, then again every ``every`` while it is
    overdue. ``last_reminded`` is kept by the caller (it is not part of the incident)."""
    if timer.level is not Level.RED or timer.due_at is None:
        return False
    if last_reminded is None or last_reminded < timer.due_at:
        return True
    return now - last_reminded >= every


@dataclass(frozen=True, slots=True)
class IncidentClock:
    name: str  # "reported", "declared", "mitigated"
    label: str
    started: datetime | None
    elapsed: timedelta | None
    target: timedelta | None  # the severity's target for this clock, if any
    level: Level
    stopped: bool
    # Targets run from the report: the business felt the outage from then, not from when the
    # desk declared it. This is the time counted against the target.
    against_target: timedelta | None = None

    @property
    def progress(self) -> float | None:
        """Share of the target used (1.0 = at the target), for a progress bar."""
        if self.against_target is None or not self.target:
            return None
        return self.against_target / self.target


_CLOCKS = (
    # name, label, start key time, stop key time, target name
    ("reported", "Since reported", "reported_at", "resolved_at", "resolve"),
    ("declared", "Since declared", "declared_at", "mitigated_at", "restore"),
    ("mitigated", "Since mitigated", "mitigated_at", "resolved_at", ""),
)


def incident_clocks(
    state: IncidentState, policy: TimerPolicy, now: datetime
) -> list[IncidentClock]:
    """The incident clocks with their targets. A clock stops when what it measures is done
    (the declared clock stops at mitigation: service was restored)."""
    targets = policy.targets.get(state.severity, {})
    amber_share = 0.8
    clocks = []
    reported = state.key_times["reported_at"]
    for name, label, start_key, stop_key, target_name in _CLOCKS:
        start = state.key_times[start_key]
        # Resolved means restored too, even where nobody recorded a mitigation time first.
        stop = state.key_times[stop_key] or state.key_times["resolved_at"]
        elapsed = None if start is None else max((stop or now) - start, timedelta(0))
        minutes = targets.get(target_name) if target_name else None
        target = timedelta(minutes=minutes) if minutes else None
        measured = None
        if target is not None and reported is not None and start is not None:
            measured = max((stop or now) - reported, timedelta(0))
        level = Level.OK
        if start is None:
            level = Level.PAUSED
        elif measured is not None and target is not None:
            if measured > target:
                level = Level.RED
            elif measured >= target * amber_share:
                level = Level.AMBER
        clocks.append(
            IncidentClock(name, label, start, elapsed, target, level, stop is not None, measured)
        )
    return clocks


def mim_missing(state: IncidentState) -> bool:
    """A declared, running major incident with nobody steering it."""
    return state.is_active and not state.holder("mim")
