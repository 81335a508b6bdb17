"""The postmortem's figures: how long each stage took, and whether updates went out on time.

Pure functions of the incident's events and the timer policy, so the PDF, the GUI and the
tests agree on every number.

Durations
---------
The stage durations run from the report (the moment the desk knew), the way the incident clocks
count them against their targets: time to declare = reported → declared, time to mitigate =
reported → mitigated (service restored, a workaround counts), time to resolve = reported →
resolved.

The two headline figures say what they measure, with the definition printed under each:

* Customer impact = impact started → impact ended. Without an impact start, it runs from the
  detection, else the report, and says so; without an impact-ended time, it ends at the
  mitigation (the report reads an unset impact end as the mitigation) and says so.
* Incident open = reported → resolved.

An incident handled as major but never formally declared (``state.declared_formally`` False)
has no time to declare at all: no figure, no target met. Nor is a zero time to declare shown
when the declared time was never recorded on its own (a back-filled decision dated at the report,
with no declared time given): "0 min, target met" is printed only for times both recorded.

Precision: a key time may be known only to the hour, to the day, or not at all
(:mod:`mimdesk.domain.precision`). A duration is as precise as its coarser end, never more:

* both ends to the minute: the duration as it is ("17 h 05 min");
* an end known to the hour: rounded to the hour, "about 18 hours" ("less than an hour");
* an end known to the day: rounded to the day, "about 2 days" ("less than a day");
* an end whose time is not known: no figure ("not known").

A target is judged met or missed only when the uncertainty (an hour, or a day, for each coarse
end) cannot change the verdict; otherwise the verdict is left open.

Updates on time
---------------
The cadence (minutes between updates, per audience) is the one the incident recorded: the
decision to declare records the intervals in force for its severity (``Decided.cadences``), and
a cadence set on the incident (``CadenceSet``) changes an audience's from then on. An incident
whose decision recorded none was either declared live on this desk before it was kept (then the
desk's current settings stand in, and the figures say so) or back-filled (then no cadence: its
updates are not tracked). After a severity change to a severity the incident recorded no
cadences for, the same rule applies to the change (live: the settings, said so; back-dated:
none). A severity change does not record cadences of its own (its payload has no room for
them), so a live one after the declaration reads the settings, and the figures say so.

Every update sent falls in exactly one of these counts:

* *on time*: it went out by its due time. It falls due one interval after the previous update
  to that audience (before the first, after the declaration); one whose due time came after the
  timers stopped is on time;
* *late*: it went out after it fell due;
* *not tracked, no cadence*: its audience had no cadence when it went out;
* *not tracked, before the declaration*: no update was due yet (and none is, for an incident
  never formally declared);
* *time not known*: its time is not known to the minute (precision hour, day or unknown); it is
  counted as sent, neither on time nor late, and does not restart its audience's clock.

Besides, an audience *missed* an update when one fell due while the timers ran and none
followed before they stopped (at mitigation, or at resolution when the policy keeps timers
running after mitigation). A missed update was not sent, so it is not among the sent.

Updates due = on time + late + missed; share on time = on time ÷ updates due. So the card reads
"5 of 8 updates on time, in the 3 audiences with a cadence (2 late, 1 missed)", and sent =
on time + late + not tracked + time not known.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from mimdesk.domain import folding, keytimes, precision
from mimdesk.domain.cadence import TimerPolicy
from mimdesk.domain.events import Event
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.payloads import CadenceSet, Decided, FieldChanged, IncidentReported
from mimdesk.domain.wording import counted

# How far off a time known only to the hour or the day may be.
_WIDTH = {precision.HOUR: timedelta(hours=1), precision.DAY: timedelta(days=1)}
_ORDER = {"": 0, precision.MINUTE: 0, precision.HOUR: 1, precision.DAY: 2, precision.UNKNOWN: 3}

# Where the cadences came from (KeyFigures.cadence_source).
RECORDED = "recorded"  # the incident recorded them (or recorded none at all: see NONE)
SETTINGS = "settings"  # the desk's current settings stood in for some or all of them
NONE = "none"  # a back-fill that recorded none: no update is tracked
PARTLY = "partly"  # recorded at the declaration; the settings after a severity change
SETTINGS_NOTE = "Cadences from this desk's current settings; the incident did not record its own."
PARTLY_NOTE = (
    "Cadences after the severity change from this desk's current settings; the incident "
    "recorded only those in force when it was declared."
)


def coarsest(*precisions: str) -> str:
    """The coarsest of some precisions ("" when all are to the minute)."""
    worst = max(precisions, key=lambda p: _ORDER.get(p, 3), default="")
    return "" if precision.is_exact(worst) else worst


@dataclass(frozen=True, slots=True)
class Span:
    name: str  # declare, mitigate, resolve, impact, detect
    label: str
    start: datetime | None
    end: datetime | None
    target: timedelta | None = None
    # "impact started → impact ended": the key times it runs between, as the page prints it
    definition: str = ""
    # The coarser precision of its two ends ("" to the minute); see the module's rules.
    precision: str = ""
    # Why there is no figure although the times are set ("" when there is one, or none is due)
    withheld: str = ""

    @property
    def value(self) -> timedelta | None:
        """The duration; None when an end is missing or not known, or the figure is withheld."""
        if self.start is None or self.end is None or self.withheld:
            return None
        if self.precision == precision.UNKNOWN:
            return None
        return max(self.end - self.start, timedelta(0))

    @property
    def exact(self) -> bool:
        return precision.is_exact(self.precision)

    @property
    def uncertainty(self) -> timedelta:
        return _WIDTH.get(self.precision, timedelta(0)) * 2 if not self.exact else timedelta(0)

    @property
    def met(self) -> bool | None:
        """Whether the target was met; None without a target or a value, or when the times'
        precision leaves it open."""
        if self.value is None or self.target is None:
            return None
        if self.value + self.uncertainty <= self.target:
            return True
        if self.value - self.uncertainty > self.target:
            return False
        return None


def approximate(span: Span) -> str | None:
    """The duration in words when its times are coarse ("about 18 hours", "less than a day"),
    None when it is exact or has no value. See the module's rules."""
    value = span.value
    if value is None or span.exact:
        return None
    if span.precision == precision.HOUR:
        hours = round(value / timedelta(hours=1))
        return "less than an hour" if hours == 0 else f"about {counted(hours, 'hour')}"
    days = round(value / timedelta(days=1))
    return "less than a day" if days == 0 else f"about {counted(days, 'day')}"


@dataclass(frozen=True, slots=True)
class Headline:
    """A headline figure with its definition: what the cover and the summary print."""

    label: str  # "Customer impact"
    span: Span
    definition: str  # "customer impact: impact started → impact ended"
    published: str = ""  # the duration the organisation published, as published


@dataclass(frozen=True, slots=True)
class AudienceUpdates:
    """One audience's updates; the counts are defined in the module's docstring."""

    audience: str
    label: str
    interval: int | None  # minutes between updates at the end (None: no cadence)
    sent: int
    on_time: int
    late: int
    missed: int
    scheduled: bool  # whether the audience had a cadence while the timers ran
    no_cadence: int = 0  # sent while the audience had no cadence: not tracked
    before_declaration: int = 0  # sent before any update was due: not tracked
    time_unknown: int = 0  # sent at a time not known to the minute: not judged

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missed

    @property
    def share(self) -> float | None:
        """Share of updates due that went out on time, 0..1; None when none fell due."""
        return self.on_time / self.due if self.due else None


@dataclass(frozen=True, slots=True)
class KeyFigures:
    """Every figure of the postmortem.

    ``spans``: the stage durations (declare — absent when not formally declared —, mitigate,
    resolve, impact, and detect when the impact start is known). ``customer_impact`` and
    ``incident_open``: the headline figures. ``updates``: per audience. The aggregates below
    add up as the module's docstring says; :func:`updates_summary` puts them in words.
    """

    spans: tuple[Span, ...]
    updates: tuple[AudienceUpdates, ...]
    timer_stop: datetime | None  # when the update timers stopped (None: still running)
    entries: int
    notes: int
    people: int  # distinct people who wrote to the log or held a role
    customer_impact: Headline | None = None
    incident_open: Headline | None = None
    declared_formally: bool = True
    back_filled: bool = False  # the incident was recorded after the fact
    cadence_source: str = RECORDED

    def span(self, name: str) -> Span | None:
        return next((s for s in self.spans if s.name == name), None)

    @property
    def sent(self) -> int:
        return sum(u.sent for u in self.updates)

    @property
    def on_time(self) -> int:
        return sum(u.on_time for u in self.updates)

    @property
    def late(self) -> int:
        return sum(u.late for u in self.updates)

    @property
    def missed(self) -> int:
        return sum(u.missed for u in self.updates)

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missed

    @property
    def no_cadence(self) -> int:
        return sum(u.no_cadence for u in self.updates)

    @property
    def before_declaration(self) -> int:
        return sum(u.before_declaration for u in self.updates)

    @property
    def time_unknown(self) -> int:
        return sum(u.time_unknown for u in self.updates)

    @property
    def audiences_with_cadence(self) -> int:
        return sum(1 for u in self.updates if u.scheduled)

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due if self.due else None


def updates_summary(f: KeyFigures) -> str:
    """The updates figure in words that add up, e.g. "5 of 8 updates on time, in the 3
    audiences with a cadence (2 late, 1 missed); 2 updates to audiences with no cadence, not
    tracked." Plain text."""
    if not f.declared_formally:
        head = (
            f"{counted(f.sent, 'update')} sent; not tracked: the incident was not formally "
            "declared, so no update fell due"
            if f.sent
            else "No updates sent; the incident was not formally declared"
        )
        return head + "."
    if f.cadence_source == NONE and not f.audiences_with_cadence:
        sent = f"{counted(f.sent, 'update')} sent" if f.sent else "No updates sent"
        return f"{sent}; not tracked: the incident recorded no update cadence."
    if not f.sent and not f.audiences_with_cadence:
        return "No updates sent, and no audience had an update cadence."
    parts = []
    audiences = counted(f.audiences_with_cadence, "audience")
    if f.due:
        parts.append(
            f"{f.on_time} of {counted(f.due, 'update')} due on time, in the {audiences} with "
            f"a cadence ({f.late} late, {f.missed} missed)"
        )
    elif f.audiences_with_cadence:
        parts.append(f"No update fell due in the {audiences} with a cadence")
    if f.no_cadence:
        no_cadence = counted(f.no_cadence, "update")
        parts.append(f"{no_cadence} to audiences with no cadence, not tracked")
    if f.before_declaration:
        parts.append(
            f"{counted(f.before_declaration, 'update')} before the declaration, not tracked"
        )
    if f.time_unknown:
        whose = "update whose" if f.time_unknown == 1 else "updates whose"
        parts.append(f"{f.time_unknown} {whose} exact time is not known, not tracked")
    text = "; ".join(parts) + "."
    if f.cadence_source in (SETTINGS, PARTLY):
        text += " " + (SETTINGS_NOTE if f.cadence_source == SETTINGS else PARTLY_NOTE)
    return text


def _targets(state: IncidentState, policy: TimerPolicy) -> Mapping[str, int]:
    return policy.targets.get(state.severity, {})


def _declared_on_its_own(state: IncidentState, events: Iterable[Event]) -> bool:
    """Whether the declared time was recorded as such: set explicitly, or by a decision made
    live, or by a back-dated decision at a time other than the report's."""
    t = state.key_times
    if "declared_at" in state.explicit_times or t["declared_at"] != t["reported_at"]:
        return True
    for e in events:
        p = e.payload
        if isinstance(p, Decided) and p.decision == "declare" and e.occurred_at == t["declared_at"]:
            return not keytimes.back_dated(e.occurred_at, e.recorded_at)
    return False


def spans(
    state: IncidentState, policy: TimerPolicy, events: Iterable[Event] = ()
) -> tuple[Span, ...]:
    t = state.key_times
    exactness = state.time_precision
    targets = _targets(state, policy)

    def target(name: str) -> timedelta | None:
        minutes = targets.get(name)
        return timedelta(minutes=minutes) if minutes else None

    def span(name: str, label: str, start: str, end: str, goal: str = "") -> Span:
        return Span(
            name,
            label,
            t[start],
            t[end],
            target(goal) if goal else None,
            definition=f"{keytimes.label(start)} → {keytimes.label(end)}",
            precision=coarsest(exactness.get(start, ""), exactness.get(end, "")),
        )

    out = []
    if state.declared_formally and t["declared_at"] is not None:
        declare = span("declare", "Time to declare", "reported_at", "declared_at", "declare")
        if not _declared_on_its_own(state, list(events)):
            declare = replace(declare, withheld="the declared time was not recorded")
        out.append(declare)
    out += [
        span("mitigate", "Time to mitigate", "reported_at", "mitigated_at", "restore"),
        span("resolve", "Time to resolve", "reported_at", "resolved_at", "resolve"),
    ]
    start = _impact_start(state)
    end = "impact_ended_at" if t["impact_ended_at"] is not None else "mitigated_at"
    out.append(span("impact", "Customer impact", start, end))
    if t["impact_started_at"] is not None and (t["detected_at"] or t["reported_at"]):
        found = "detected_at" if t["detected_at"] else "reported_at"
        out.append(span("detect", "Time to detect", "impact_started_at", found))
    return tuple(out)


def _impact_start(state: IncidentState) -> str:
    t = state.key_times
    if t["impact_started_at"] is not None:
        return "impact_started_at"
    return "detected_at" if t["detected_at"] is not None else "reported_at"


def headlines(state: IncidentState, all_spans: tuple[Span, ...]) -> tuple[Headline, Headline]:
    """Customer impact and incident open, each with the definition to print under it."""
    t = state.key_times
    impact = next(s for s in all_spans if s.name == "impact")
    start = _impact_start(state)
    end = "impact_ended_at" if t["impact_ended_at"] is not None else "mitigated_at"
    definition = f"customer impact: {keytimes.label(start)} → {keytimes.label(end)}"
    notes = []
    if start != "impact_started_at":
        noun = {"detected_at": "detection", "reported_at": "report"}[start]
        notes.append(f"the impact start was not recorded, so from the {noun}")
    if end != "impact_ended_at" and t["mitigated_at"] is not None:
        notes.append("no impact-ended time was recorded, so to the mitigation")
    if notes:
        definition += f" ({'; '.join(notes)})"
    published = state.postmortem.get("published_duration", "").strip()
    resolve = next(s for s in all_spans if s.name == "resolve")
    open_span = replace(resolve, name="open", label="Incident open", target=None)
    return (
        Headline("Customer impact", impact, definition, published),
        Headline("Incident open", open_span, "incident open: reported → resolved"),
    )


class _Cadence:
    """The update interval per audience as it stood at any moment of the incident, from what
    the incident recorded (see the module's rules). ``source`` says where they came from."""

    def __init__(self, events: Iterable[Event], policy: TimerPolicy) -> None:
        ordered = sorted(events, key=lambda e: e.sort_key)
        self.times: list[datetime] = []
        self.maps: list[dict[str, int]] = []
        self.source = RECORDED
        if not ordered:
            return
        # Severity -> the cadences the incident recorded for it; severity -> whether the
        # event that put the incident at that severity was written live (not back-dated).
        recorded: dict[str, dict[str, int]] = {}
        live_for: dict[str, bool] = {}
        state = IncidentState(stream_id=ordered[0].stream_id)
        for e in ordered:
            folding.apply(state, e)
            p = e.payload
            live = not keytimes.back_dated(e.occurred_at, e.recorded_at)
            if isinstance(p, Decided) and p.decision == "declare":
                if p.cadences is not None:
                    recorded[p.severity or state.severity] = {
                        str(k): int(v) for k, v in p.cadences.items()
                    }
                elif not live and not recorded:
                    self.source = NONE
                live_for[state.severity] = live
            elif isinstance(p, FieldChanged) and p.field == "severity":
                if p.cadences is not None:
                    recorded[state.severity] = {str(k): int(v) for k, v in p.cadences.items()}
                live_for.setdefault(state.severity, live)
            elif not isinstance(p, CadenceSet):
                continue
            declared = state.key_times["declared_at"]
            if declared is None or not state.declared_formally:
                continue
            base = recorded.get(state.severity)
            if base is None:
                base = {}
                if live_for.get(state.severity):
                    base = dict(policy.cadence.get(state.severity, {}))
                    if base:
                        self.source = PARTLY if recorded else SETTINGS
            merged = {**base, **state.cadence}
            now = {a: m for a, m in merged.items() if m > 0}
            # The first cadences are in force from the declaration, even one dated before
            # the decision was written.
            when = e.occurred_at if self.times else min(e.occurred_at, declared)
            if not self.maps or now != self.maps[-1]:
                # Snapshots must be in time order for the look-up; a change recorded with
                # an earlier time than the one before it counts from the later time.
                when = max(when, self.times[-1]) if self.times else when
                if self.times and when == self.times[-1]:
                    # Changed at the same moment (a cadence switched off as the incident
                    # is declared): the one before was never in force.
                    self.maps[-1] = now
                    continue
                self.times.append(when)
                self.maps.append(now)
        if self.source == NONE and any(self.maps):
            self.source = RECORDED  # a cadence set on the back-filled incident counts

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


def _declared_at(state: IncidentState) -> datetime | None:
    """When the update timers started: the declaration, for a formally declared incident."""
    return state.key_times["declared_at"] if state.declared_formally else None


def _plan(events: Iterable[Event], policy: TimerPolicy) -> tuple[_Cadence, str]:
    plan = _Cadence(events, policy)
    return plan, plan.source


def updates(
    state: IncidentState, events: Iterable[Event], policy: TimerPolicy, now: datetime
) -> tuple[AudienceUpdates, ...]:
    """Updates sent per audience, counted by the module's rules."""
    return _updates(state, _plan(events, policy)[0], policy, now)


def _updates(
    state: IncidentState, plan: _Cadence, policy: TimerPolicy, now: datetime
) -> tuple[AudienceUpdates, ...]:
    declared = _declared_at(state)
    stop = timer_stop(state, policy) or now
    by_audience: dict[str, list[tuple[datetime, str]]] = {}
    for m in state.messages:
        by_audience.setdefault(m.audience, []).append((m.at, m.precision))
    scheduled = {a for m in plan.maps for a in m} if declared is not None else set()
    audiences = set(by_audience) | scheduled
    order = {a.id: i for i, a in enumerate(policy.audiences)}
    out = []
    for audience in sorted(audiences, key=lambda a: (order.get(a, len(order)), a)):
        sent = sorted(by_audience.get(audience, []))
        on_time = late = missed = no_cadence = early = unknown = 0
        base = declared
        for at, exactness in sent:
            if not precision.is_exact(exactness):
                unknown += 1
                continue
            if base is None or at < base:
                early += 1  # before the declaration: no update was due yet
                continue
            interval = plan.at(audience, at)
            if not interval:
                no_cadence += 1
            elif base + timedelta(minutes=interval) > stop or at <= base + timedelta(
                minutes=interval
            ):
                on_time += 1
            else:
                late += 1
            base = at
        if base is not None and base < stop:
            interval = plan.at(audience, stop)
            if interval and base + timedelta(minutes=interval) <= stop:
                missed += 1
        out.append(
            AudienceUpdates(
                audience=audience,
                label=policy.audience_label(audience),
                interval=plan.last(audience) if declared is not None else None,
                sent=len(sent),
                on_time=on_time,
                late=late,
                missed=missed,
                scheduled=audience in scheduled,
                no_cadence=no_cadence,
                before_declaration=early,
                time_unknown=unknown,
            )
        )
    return tuple(out)


def back_filled(events: Iterable[Event]) -> bool:
    """Whether the incident was recorded after the fact: its report was back-dated."""
    for e in events:
        if isinstance(e.payload, IncidentReported):
            return keytimes.back_dated(e.occurred_at, e.recorded_at)
    return False


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
    all_spans = spans(state, policy, events)
    impact, open_ = headlines(state, all_spans)
    plan, source = _plan(events, policy)
    declared_formally = state.declared_formally and state.key_times["declared_at"] is not None
    return KeyFigures(
        spans=all_spans,
        updates=_updates(state, plan, policy, now),
        timer_stop=timer_stop(state, policy),
        entries=entries or len(events),
        notes=len(state.notes),
        people=len(people),
        customer_impact=impact,
        incident_open=open_,
        declared_formally=declared_formally,
        back_filled=back_filled(events),
        cadence_source=source if declared_formally else RECORDED,
    )
