"""The next-step guide: one rule, one test, on events folded as the store folds them."""

from __future__ import annotations

from datetime import timedelta

from evfactory import Stream

from mimdesk.domain import next_step as ns
from mimdesk.domain.cadence import Audience, Level, TimerPolicy
from mimdesk.domain.events import EventType
from mimdesk.domain.folding import fold
from mimdesk.domain.next_step import NextStep, next_step, when_due

POLICY = TimerPolicy(
    audiences=(Audience("executives", "Executives"), Audience("it_staff", "IT staff")),
    cadence={"SEV1": {"executives": 30, "it_staff": 60}},
    targets={"SEV1": {"restore": 240}},
    amber_minutes=5,
    first_notification_minutes=15,
)


def reported() -> Stream:
    s = Stream()
    s.reported(severity="SEV1")
    return s


def assessed(s: Stream, outcome: str = "declare") -> None:
    s.add(
        EventType.ASSESSED,
        {"answers": {"users": 900}, "recommendation": {"outcome": outcome, "severity": "SEV1"}},
    )


def declared(s: Stream, mim: str = "Ana Costa") -> None:
    assessed(s)
    s.add(EventType.DECIDED, {"decision": "declare", "severity": "SEV1"})
    s.assign("mim", mim)


def sent(s: Stream, audience: str = "executives") -> None:
    s.add(EventType.MESSAGE_SENT, {"audience": audience, "channel": "smtp"})


def step(s: Stream, after: timedelta = timedelta(0)) -> NextStep | None:
    return next_step(fold(s.events), POLICY, s.now + after)


def test_after_a_report_assess_it():
    assert step(reported()) == NextStep(
        "Assess the report: answer the checklist to see whether it is a major incident.",
        ns.ASSESS,
    )


def test_assessed_and_undecided_decide_as_the_checklist_says():
    s = reported()
    assessed(s, "reject")
    got = step(s)
    assert got is not None and got.action == ns.DECIDE
    assert got.text == "Decide: the checklist recommends handling it as a normal incident."


def test_after_declaring_the_initial_notification_is_due_within_the_target():
    s = reported()
    declared(s)
    declared_at = fold(s.events).key_times["declared_at"]
    assert declared_at is not None
    now = declared_at + timedelta(minutes=4, seconds=10)
    got = next_step(fold(s.events), POLICY, now)
    # 10 min 50 s left: promised as 11 min, rounded up, never in the past.
    assert got == NextStep(
        "Send the initial notification: due in 11 min (within 15 min of declaring).",
        ns.INITIAL_NOTIFICATION,
    )
    late = next_step(fold(s.events), POLICY, declared_at + timedelta(minutes=17, seconds=30))
    assert late is not None and "overdue by 2 min" in late.text
    state = fold(s.events)
    assert ns.initial_notification_due(state, POLICY) == declared_at + timedelta(minutes=15)
    assert ns.initial_notification_level(declared_at + timedelta(minutes=15), POLICY, now) is (
        Level.OK
    )
    # The site's own target.
    site = TimerPolicy(
        audiences=POLICY.audiences, cadence=POLICY.cadence, first_notification_minutes=5
    )
    assert ns.initial_notification_due(state, site) == declared_at + timedelta(minutes=5)


def test_the_initial_notification_sent_stops_its_countdown():
    s = reported()
    declared(s)
    sent(s)
    assert ns.initial_notification_due(fold(s.events), POLICY) is None
    assert step(s) is None  # the next update is half an hour away


def test_no_mim_assign_one():
    s = reported()
    declared(s)
    s.release("mim", "Ana Costa")
    assert step(s) == NextStep(
        "Name a Major Incident Manager: nobody is steering this incident.", ns.ASSIGN_MIM
    )


def test_an_update_due_draft_it():
    s = reported()
    declared(s)
    sent(s, "executives")
    sent(s, "it_staff")
    # Executives every 30 min: due 30 min after the last one; amber in its last 5 minutes.
    assert step(s, timedelta(minutes=20)) is None
    got = step(s, timedelta(minutes=27))
    assert got == NextStep("Draft the update to Executives: due in 2 min.", ns.UPDATE)
    overdue = step(s, timedelta(minutes=40))
    assert overdue == NextStep("Draft the update to Executives: overdue by 11 min.", ns.UPDATE)


def test_after_mitigating_confirm_recovery_and_send_the_resolution_notice():
    s = reported()
    declared(s)
    sent(s)
    s.status("mitigated")
    assert step(s) == NextStep(
        "Confirm recovery with the service owner, then send the resolution notice.",
        ns.RESOLUTION,
    )


def test_after_resolving_name_the_postmortem_owner_and_review_date():
    s = reported()
    declared(s)
    sent(s)
    s.status("resolved")
    assert step(s) == NextStep("Name the postmortem owner and the review date.", ns.POSTMORTEM)
    s.add(EventType.POSTMORTEM_CHANGED, {"field": "owner", "value": "Ben Okafor"})
    assert step(s) == NextStep("Name the review date.", ns.POSTMORTEM)
    s.add(EventType.POSTMORTEM_CHANGED, {"field": "meeting_date", "value": "2026-12-03"})
    assert step(s) is None


def test_follow_ups_with_no_owner():
    s = reported()
    declared(s)
    sent(s)
    s.status("resolved")
    s.add(EventType.POSTMORTEM_CHANGED, {"field": "owner", "value": "Ben Okafor"})
    s.add(EventType.POSTMORTEM_CHANGED, {"field": "meeting_date", "value": "2026-12-03"})
    s.add(EventType.FOLLOWUP_ADDED, {"id": "F1", "title": "Renew the certificate"})
    s.add(EventType.FOLLOWUP_ADDED, {"id": "F2", "title": "Alert on expiry", "owner": "Jo"})
    s.add(EventType.FOLLOWUP_ADDED, {"id": "F3", "title": "Old idea", "status": "cancelled"})
    assert step(s) == NextStep(
        "Give an owner to each follow-up: 1 follow-up has none.", ns.FOLLOWUPS
    )


def test_rejected_needs_nothing():
    s = reported()
    assessed(s, "reject")
    s.add(EventType.DECIDED, {"decision": "reject", "rationale": "one user"})
    assert step(s) is None


def test_when_due_rounds_a_promise_up_and_a_delay_down():
    now = fold(reported().events).key_times["reported_at"]
    assert now is not None
    assert when_due(now + timedelta(seconds=1), now) == "due in 1 min"
    assert when_due(now + timedelta(minutes=75), now) == "due in 1 h 15 min"
    assert when_due(now, now) == "overdue by 1 min"
    assert when_due(now - timedelta(minutes=120, seconds=59), now) == "overdue by 2 h"
