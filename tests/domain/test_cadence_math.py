"""Timer math with a controlled clock: due times, levels, DST, sleep/wake, snoozes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from mimdesk.domain import cadence, schema
from mimdesk.domain.cadence import Audience, Level, TimerPolicy
from mimdesk.domain.events import Author, Event, EventType
from mimdesk.domain.folding import fold
from mimdesk.domain.timeline import build

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
STREAM = "0197c0de-0000-7000-8000-000000000001"
POLICY = TimerPolicy(
    audiences=(Audience("executives", "Executives"), Audience("service_desk", "Service desk")),
    cadence={"SEV1": {"executives": 30, "service_desk": 15}},
    targets={"SEV1": {"restore": 240, "resolve": 480}},
    amber_minutes=5,
)


class Stream:
    def __init__(self, start: datetime = T0) -> None:
        self.events: list[Event] = []
        self.hlc = 0
        self.start = start

    def add(self, type: str, payload: dict, at: datetime) -> Event:
        self.hlc += 1
        decoded = schema.decode(type, 1, payload)
        e = Event(f"e{self.hlc:04d}", STREAM, type, decoded, Author("A"), "desk", self.hlc, at, at)
        self.events.append(e)
        return e

    def state(self):
        return fold(self.events)


def declared(start: datetime = T0) -> Stream:
    s = Stream(start)
    s.add(EventType.INCIDENT_REPORTED, {"title": "x", "severity": "SEV1"}, start)
    s.add(EventType.STATUS_CHANGED, {"to": "declared"}, start + timedelta(minutes=2))
    return s


def timer(state, audience, now):
    return next(t for t in cadence.update_timers(state, POLICY, now) if t.audience == audience)


def test_first_update_due_from_declaration_then_from_last_sent():
    s = declared()
    sd = timer(s.state(), "service_desk", T0 + timedelta(minutes=3))
    assert sd.due_at == T0 + timedelta(minutes=17)
    assert sd.remaining == timedelta(minutes=14)
    assert sd.level is Level.OK
    s.add(
        EventType.MESSAGE_SENT,
        {"audience": "service_desk", "channel": "phone"},
        T0 + timedelta(minutes=10),
    )
    sd = timer(s.state(), "service_desk", T0 + timedelta(minutes=11))
    assert sd.due_at == T0 + timedelta(minutes=25)
    # the other audience is not reset by it
    assert timer(s.state(), "executives", T0 + timedelta(minutes=11)).due_at == T0 + timedelta(
        minutes=32
    )


def test_levels_amber_at_five_minutes_red_when_overdue():
    state = declared().state()
    due = T0 + timedelta(minutes=17)
    assert timer(state, "service_desk", due - timedelta(minutes=5, seconds=1)).level is Level.OK
    assert timer(state, "service_desk", due - timedelta(minutes=5)).level is Level.AMBER
    assert timer(state, "service_desk", due - timedelta(seconds=1)).level is Level.AMBER
    red = timer(state, "service_desk", due)
    assert red.level is Level.RED and red.overdue
    assert timer(state, "service_desk", due + timedelta(hours=3)).remaining == -timedelta(hours=3)


def test_sleep_and_wake_jump_shows_overdue_at_once():
    state = declared().state()
    before = timer(state, "executives", T0 + timedelta(minutes=5))
    after_sleep = timer(state, "executives", T0 + timedelta(hours=2, minutes=5))
    assert before.level is Level.OK
    assert after_sleep.level is Level.RED
    assert after_sleep.due_at == before.due_at  # nothing was lost or re-based by the jump


def test_daylight_saving_change_does_not_stretch_the_interval():
    berlin = ZoneInfo("Europe/Berlin")
    # 2026-03-29 02:00 local jumps to 03:00; declare at 01:50 local (00:50 UTC).
    start = datetime(2026, 3, 29, 1, 40, tzinfo=berlin)
    s = Stream(start)
    s.add(EventType.INCIDENT_REPORTED, {"title": "x", "severity": "SEV1"}, start)
    s.add(EventType.STATUS_CHANGED, {"to": "declared"}, datetime(2026, 3, 29, 1, 50, tzinfo=berlin))
    t = timer(s.state(), "executives", datetime(2026, 3, 29, 3, 0, tzinfo=berlin))
    # 30 real minutes after 01:50 CET is 03:20 CEST on the wall clock
    assert t.due_at.astimezone(berlin).strftime("%H:%M %Z") == "03:20 CEST"
    assert t.remaining == timedelta(minutes=20)
    # and in autumn (2026-10-25 03:00 CEST -> 02:00 CET) 02:40 CEST + 30 min = 02:10 CET
    autumn = Stream()
    a0 = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    autumn.add(EventType.INCIDENT_REPORTED, {"title": "x", "severity": "SEV1"}, a0)
    autumn.add(EventType.STATUS_CHANGED, {"to": "declared"}, a0 + timedelta(minutes=10))
    t = timer(autumn.state(), "executives", a0 + timedelta(minutes=11))
    assert t.due_at.astimezone(berlin).strftime("%H:%M %Z") == "02:10 CET"
    assert t.remaining == timedelta(minutes=29)


def test_timers_pause_before_declaring_after_mitigation_and_when_resolved():
    s = Stream()
    s.add(EventType.INCIDENT_REPORTED, {"title": "x", "severity": "SEV1"}, T0)
    assert {t.level for t in cadence.update_timers(s.state(), POLICY, T0)} == {Level.PAUSED}
    s.add(EventType.STATUS_CHANGED, {"to": "declared"}, T0)
    s.add(EventType.STATUS_CHANGED, {"to": "mitigated"}, T0 + timedelta(minutes=40))
    late = T0 + timedelta(hours=5)
    assert {t.level for t in cadence.update_timers(s.state(), POLICY, late)} == {Level.PAUSED}
    running = replace(POLICY, run_after_mitigation=True)
    assert {t.level for t in cadence.update_timers(s.state(), running, late)} == {Level.RED}
    s.add(EventType.STATUS_CHANGED, {"to": "resolved"}, T0 + timedelta(hours=1))
    assert {t.level for t in cadence.update_timers(s.state(), running, late)} == {Level.PAUSED}


def test_incident_cadence_overrides_and_switches_off():
    s = declared()
    s.add(
        EventType.CADENCE_SET, {"audience": "executives", "minutes": 10}, T0 + timedelta(minutes=3)
    )
    s.add(
        EventType.CADENCE_SET, {"audience": "service_desk", "minutes": 0}, T0 + timedelta(minutes=3)
    )
    s.add(
        EventType.CADENCE_SET, {"audience": "customers", "minutes": 60}, T0 + timedelta(minutes=3)
    )
    timers = cadence.update_timers(s.state(), POLICY, T0 + timedelta(minutes=5))
    assert [(t.audience, t.interval) for t in timers] == [
        ("executives", timedelta(minutes=10)),
        ("customers", timedelta(minutes=60)),
    ]


def test_snooze_moves_due_time_and_is_on_the_timeline():
    s = declared()
    due = T0 + timedelta(minutes=17)
    s.add(
        EventType.SNOOZED,
        {"audience": "service_desk", "until": (due + timedelta(minutes=5)).isoformat()},
        due,
    )
    t = timer(s.state(), "service_desk", due + timedelta(minutes=1))
    assert t.level is Level.AMBER
    assert t.due_at == due + timedelta(minutes=5)
    assert "snoozed until 09:22 UTC" in build(s.events, s.state())[-1].text


def test_reminders_on_falling_due_then_every_interval():
    state = declared().state()
    every = timedelta(minutes=5)
    due = T0 + timedelta(minutes=17)
    t = timer(state, "service_desk", due - timedelta(seconds=1))
    assert not cadence.should_remind(t, None, due - timedelta(seconds=1), every)
    t = timer(state, "service_desk", due)
    assert cadence.should_remind(t, None, due, every)
    assert not cadence.should_remind(t, due, due + timedelta(minutes=4), every)
    assert cadence.should_remind(t, due, due + timedelta(minutes=5), every)


def test_back_filled_older_message_does_not_move_timer_back():
    s = declared()
    s.add(EventType.MESSAGE_SENT, {"audience": "executives"}, T0 + timedelta(minutes=20))
    s.add(EventType.MESSAGE_SENT, {"audience": "executives"}, T0 + timedelta(minutes=5))
    assert timer(s.state(), "executives", T0 + timedelta(minutes=21)).last_sent == T0 + timedelta(
        minutes=20
    )


def test_incident_clocks_against_targets_and_stop():
    s = declared()
    clocks = {
        c.name: c
        for c in cadence.incident_clocks(s.state(), POLICY, T0 + timedelta(hours=3, minutes=30))
    }
    assert clocks["reported"].elapsed == timedelta(hours=3, minutes=30)
    assert clocks["declared"].elapsed == timedelta(hours=3, minutes=28)
    assert clocks["declared"].level is Level.AMBER  # 3.5 h of a 4 h restore target (amber from 80%)
    assert clocks["mitigated"].level is Level.PAUSED
    late = {c.name: c for c in cadence.incident_clocks(s.state(), POLICY, T0 + timedelta(hours=5))}
    assert late["declared"].level is Level.RED
    assert late["declared"].progress > 1
    s.add(EventType.STATUS_CHANGED, {"to": "mitigated"}, T0 + timedelta(hours=1))
    done = {c.name: c for c in cadence.incident_clocks(s.state(), POLICY, T0 + timedelta(hours=9))}
    assert done["declared"].stopped and done["declared"].level is Level.OK
    assert done["declared"].elapsed == timedelta(minutes=58)
    assert done["mitigated"].elapsed == timedelta(hours=8)


def test_mim_missing_and_handover_history():
    s = declared()
    assert cadence.mim_missing(s.state())
    s.add(EventType.ROLE_ASSIGNED, {"role": "mim", "person": "Ana"}, T0 + timedelta(minutes=3))
    assert not cadence.mim_missing(s.state())
    s.add(
        EventType.ROLE_ASSIGNED,
        {"role": "mim", "person": "Ben", "from": "Ana", "note": "shift change"},
        T0 + timedelta(hours=8),
    )
    history = s.state().role_history
    assert [(c.person, c.handed_over_from, c.note) for c in history] == [
        ("Ana", "", ""),
        ("Ben", "Ana", "shift change"),
    ]
    assert "Handover of Major Incident Manager from Ana to Ben: shift change" in [
        e.text for e in build(s.events, s.state())
    ]
