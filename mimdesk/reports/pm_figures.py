"""The postmortem's figures: how long each stage took, and whether updates went out on time.

Pure functions of the incident's events and the timer policy, so the PDF, the GUI and the
tests agree on every number.

Durations run from the report (the moment the desk knew), the way the incident clocks count
them against their targets: time to declare = reported → declared, time to mitigate =
reported → mitigated (service restored, a workaround counts), time to resolve = reported →
resolved. The impact duration runs from when the impact started (else when it was detected,
else reported) to mitigation.

Updates on time, per audience: an update falls due one cadence interval after the previous
update to that audience (before the first, after the declaration). An update is *late* when it
went out after it fell due; one that went out before the declaration, or while the audience had
no cadence, cannot be late. An update is *missed* when it fell due while the timer ran and none
followed before the timer stopped (at mitigation, or at resolution when the policy keeps timers
running after mitigation). Share on time = on time / (sent + missed). The interval used is the
one in force when the update went out (a severity change or a cadence set on the incident
changes it), as the desk's countdown showed it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from mimdesk.domain import cadence, folding
from mimdesk.domain.cadence import TimerPolicy
from mimdesk.domain.events import Event, EventType
from mimdesk.domain.incident import IncidentState


@dataclass(frozen=True, slots=True)
class Span:
    name: str  # declare, mitigate, resolve, impact, detect
    label: str
    start: datetime | None
    end: datetime | None
    target: timedelta | None = None

    @property
    def value(self) -> timedelta | None:
        if self.start is None or self.end is None:
            return None
        return max(self.end - self.start, timedelta(0))

    @property
    def met(self) -> bool | None:
        """Whether the target was met; None without a target or a value."""
        if self.value is None or self.target is None:
            return None
        return self.value <= self.target


@dataclass(frozen=True, slots=True)
class AudienceUpdates:
    audience: str
    label: str
    interval: int | None  # minutes between updates at the end (None: no cadence)
    sent: int
    on_time: int
    late: int
    missed: int
    scheduled: bool  # whether the audience had a cadence at any time

    @property
    def share(self) -> float | None:
        """Share of updates on time, 0..1; None when the audience never had a cadence."""
        if not self.scheduled or self.sent + self.missed == 0:
            return None
        return self.on_time / (self.sent + self.missed)


@dataclass(frozen=True, slots=True)
class KeyFigures:
    spans: tuple[Span, ...]
    updates: tuple[AudienceUpdates, ...]
    timer_stop: datetime | None  # when the update timers stopped (None: still running)
    entries: int
    notes: int
    people: int  # distinct people who wrote to the log or held a role

    def span(self, name: str) -> Span:
        return next(s for s in self.spans if s.name == name)

    @property
    def sent(self) -> int:
        return sum(u.sent for u in self.updates)

    @property
    def on_time_share(self) -> float | None:
        scheduled = [u for u in self.updates if u.scheduled]
        total = sum(u.sent + u.missed for u in scheduled)
        return sum(u.on_time for u in scheduled) / total if total else None


def _targets(state: IncidentState, policy: TimerPolicy) -> Mapping[str, int]:
    return policy.targets.get(state.severity, {})


def spans(state: IncidentState, policy: TimerPolicy) -> tuple[Span, ...]:
    t = state.key_times
    targets = _targets(state, policy)

    def target(name: str) -> timedelta | None:
        minutes = targets.get(name)
        return timedelta(minutes=minutes) if minutes else None

    impact_start = t["impact_started_at"] or t["detected_at"] or t["reported_at"]
    out = [
        Span("declare", "Time to declare", t["reported_at"], t["declared_at"], target("declare")),
        Span(
            "mitigate", "Time to mitigate", t["reported_at"], t["mitigated_at"], target("restore")
        ),
        Span("resolve", "Time to resolve", t["reported_at"], t["resolved_at"], target("resolve")),
        Span("impact", "Impact duration", impact_start, t["mitigated_at"]),
    ]
    if t["impact_started_at"] is not None and (t["detected_at"] or t["reported_at"]):
        out.append(
            Span(
                "detect",
                "Time to detect",
                t["impact_started_at"],
                t["detected_at"] or t["reported_at"],
            )
        )
    return tuple(out)


class _Cadence:
    """The update interval per audience as it stood at any moment of the incident."""

    def __init__(self, events: Iterable[Event], policy: TimerPolicy) -> None:
        ordered = sorted(events, key=lambda e: e.sort_key)
        changes = (
            EventType.INCIDENT_REPORTED,
            EventType.CADENCE_SET,
            EventType.DECIDED,
            EventType.FIELD_CHANGED,
        )
        self.times: list[datetime] = []
        self.maps: list[dict[str, int]] = []
        if not ordered:
            return
        state = IncidentState(stream_id=ordered[0].stream_id)
        for e in ordered:
            folding.apply(state, e)
            if e.type in changes:
                now = cadence.intervals(state, policy)
                if not self.maps or now != self.maps[-1]:
                    # Snapshots must be in time order for the look-up; a change recorded with
                    # an earlier time than the one before it counts from the later time.
                    when = max(e.occurred_at, self.times[-1]) if self.times else e.occurred_at
                    if self.times and when == self.times[-1]:
                        # Changed at the same moment (a cadence switched off as the incident
                        # is declared): the one before was never in force.
                        self.maps[-1] = now
                        continue
                    self.times.append(when)
                    self.maps.append(now)

    def at(self, audience: str, when: datetime) -> int | None:
        i = bisect_right(self.times, when) - 1
        if i < 0:
            return None
        return self.maps[i].get(audience)

    def ever(self, audience: str) -> bool:
        return any(audience in m for m in self.maps)

    def last(self, audience: str) -> int | None:
        return self.maps[-1].get(audience) if self.maps else None


def timer_stop(state: IncidentState, policy: TimerPolicy) -> datetime | None:
    t = state.key_times
    stop = (
        t["resolved_at"] if policy.run_after_mitigation else t["mitigated_at"] or t["resolved_at"]
    )
    return stop


def updates(
    state: IncidentState, events: Iterable[Event], policy: TimerPolicy, now: datetime
) -> tuple[AudienceUpdates, ...]:
    """Updates sent per audience and how many went out on time (see the module's rules)."""
    plan = _Cadence(events, policy)
    declared = state.key_times["declared_at"]
    stop = timer_stop(state, policy) or now
    by_audience: dict[str, list[datetime]] = {}
    for m in state.messages:
        by_audience.setdefault(m.audience, []).append(m.at)
    audiences = set(by_audience) | {a for m in plan.maps for a in m}
    order = {a.id: i for i, a in enumerate(policy.audiences)}
    out = []
    for audience in sorted(audiences, key=lambda a: (order.get(a, len(order)), a)):
        sent = sorted(by_audience.get(audience, []))
        on_time = late = missed = 0
        base = declared
        for at in sent:
            if base is None or at < base:
                on_time += 1  # before the declaration: no update was due yet
                continue
            interval = plan.at(audience, at)
            due = base + timedelta(minutes=interval) if interval else None
            if due is None or due > stop or at <= due:
                on_time += 1
            else:
                late += 1
            base = at
        if base is not None and base < stop:
            interval = plan.at(audience, stop)
            if interval and base + timedelta(minutes=interval) <= stop and declared is not None:
                missed += 1
        out.append(
            AudienceUpdates(
                audience=audience,
                label=policy.audience_label(audience),
                interval=plan.last(audience),
                sent=len(sent),
                on_time=on_time,
                late=late,
                missed=missed,
                scheduled=plan.ever(audience),
            )
        )
    return tuple(out)


def key_figures(
    state: IncidentState,
    events: Iterable[Event],
    policy: TimerPolicy,
    now: datetime,
    *,
    entries: int = 0,
) -> KeyFigures:
    events = list(events)
    people = {e.author.name for e in events if e.author.name}
    people |= {c.person for c in state.role_history}
    return KeyFigures(
        spans=spans(state, policy),
        updates=updates(state, events, policy, now),
        timer_stop=timer_stop(state, policy),
        entries=entries or len(events),
        notes=len(state.notes),
        people=len(people),
    )
