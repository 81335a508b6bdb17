"""Declaring through the use cases: assess, decide, queue and the over-escalation signal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mimdesk.domain.lifecycle import Status
from mimdesk.errors import InvalidInput, Refused
from mimdesk.usecases import declaration, directory, incidents


@pytest.fixture
def checklist(app):
    return app.settings.checklist


def new(ctx, title="Card payments failing", **kw):
    summary, _ = incidents.report(ctx, title=title, **kw)
    return summary.reference


def test_catalogue_prefills_answers(ctx, checklist):
    directory.save_service(ctx, name="Payments", tier=1, revenue=True, external=True, users=1200)
    ref = new(ctx, services=["Payments"])
    answers = declaration.suggested_answers(ctx, reference=ref, checklist=checklist)
    assert answers == {"critical_service": True, "users_affected": 1200, "external_customers": True}
    rec = declaration.recommend(ctx, reference=ref, checklist=checklist, answers=answers)
    assert rec.outcome.value == "declare"
    assert rec.reasons[:2] == [
        "business-critical service Payments is down or badly degraded",
        "about 1,200 users affected",
    ]


def test_incident_users_beat_catalogue_users(ctx, checklist):
    directory.save_service(ctx, name="Email", tier=2, users=3000)
    ref = new(ctx, services=["Email"], users_affected=40)
    answers = declaration.suggested_answers(ctx, reference=ref, checklist=checklist)
    assert answers["users_affected"] == 40
    assert answers["critical_service"] is False


def test_declare_is_one_step_with_mim_and_clock(app, ctx, checklist, clock):
    ref = new(ctx)
    clock.advance(minutes=7)
    declaration.assess(ctx, reference=ref, checklist=checklist, answers={"critical_service": True})
    clock.advance(minutes=1)
    declaration.declare(ctx, reference=ref, settings=app.settings, severity="SEV1", mim="Ana Costa")
    state = incidents.get(ctx, ref).state
    assert state.status is Status.DECLARED
    assert state.severity == "SEV1"
    assert state.holder("mim") == "Ana Costa"
    assert state.key_times["declared_at"] == clock.now
    assert state.decision.recommended == "declare"
    kinds = [t.kind for t in incidents.get(ctx, ref).timeline]
    assert kinds == ["report", "assessment", "decision", "role"]


def test_rationale_needed_against_recommendation_or_without_assessment(app, ctx, checklist):
    ref = new(ctx)
    with pytest.raises(InvalidInput, match="without an assessment needs a rationale"):
        declaration.declare(ctx, reference=ref, settings=app.settings, severity="SEV1", mim="A")
    declaration.assess(
        ctx,
        reference=ref,
        checklist=checklist,
        answers={"critical_service": False, "users_affected": 3},
    )
    with pytest.raises(InvalidInput, match="recommends not declaring"):
        declaration.declare(ctx, reference=ref, settings=app.settings, severity="SEV2", mim="A")
    declaration.declare(
        ctx,
        reference=ref,
        settings=app.settings,
        severity="SEV2",
        mim="A",
        rationale="The CEO's board pack cannot be printed",
    )
    decision = incidents.get(ctx, ref).state.decision
    assert decision.overrides_recommendation
    assert decision.rationale == "The CEO's board pack cannot be printed"


def test_reject_and_reconsider(app, ctx, checklist):
    ref = new(ctx)
    declaration.assess(ctx, reference=ref, checklist=checklist, answers={"site_down": True})
    with pytest.raises(InvalidInput, match="recommends declaring"):
        declaration.reject(ctx, reference=ref)
    declaration.reject(ctx, reference=ref, rationale="Only the test site; nobody works there")
    assert incidents.get(ctx, ref).state.status is Status.REJECTED
    with pytest.raises(Refused):
        declaration.reject(ctx, reference=ref, rationale="again")
    # a reassessment adds a new assessment; the earlier one stays in the record
    declaration.assess(
        ctx,
        reference=ref,
        checklist=checklist,
        answers={"site_down": True, "critical_service": True},
    )
    declaration.declare(ctx, reference=ref, settings=app.settings, severity="SEV1", mim="B")
    state = incidents.get(ctx, ref).state
    assert len(state.assessments) == 2
    assert [d.decision for d in state.decisions] == ["reject", "declare"]


def test_severity_must_be_major_and_downgrade_needs_rationale(app, ctx):
    ref = new(ctx)
    with pytest.raises(InvalidInput, match="not a major-incident severity"):
        declaration.declare(
            ctx, reference=ref, settings=app.settings, severity="SEV3", mim="A", rationale="x"
        )
    declaration.declare(
        ctx,
        reference=ref,
        settings=app.settings,
        severity="SEV1",
        mim="A",
        rationale="obvious outage",
    )
    with pytest.raises(InvalidInput, match="needs a rationale"):
        declaration.change_severity(ctx, reference=ref, settings=app.settings, severity="SEV2")
    declaration.change_severity(
        ctx,
        reference=ref,
        settings=app.settings,
        severity="SEV2",
        rationale="Only one office affected after all",
    )
    view = incidents.get(ctx, ref)
    assert view.state.severity == "SEV2"
    assert "Rationale: Only one office affected after all" in view.timeline[-1].text
    # raising needs no rationale
    declaration.change_severity(ctx, reference=ref, settings=app.settings, severity="SEV1")


def test_answers_are_checked(ctx, checklist):
    ref = new(ctx)
    with pytest.raises(InvalidInput, match="no question 'bogus'"):
        declaration.assess(ctx, reference=ref, checklist=checklist, answers={"bogus": True})
    with pytest.raises(InvalidInput, match="needs yes or no"):
        declaration.assess(ctx, reference=ref, checklist=checklist, answers={"site_down": "yes"})
    with pytest.raises(InvalidInput, match="not an answer"):
        declaration.assess(
            ctx, reference=ref, checklist=checklist, answers={"expected_duration": "forever"}
        )


def test_candidate_queue_oldest_first_with_age(ctx, clock):
    first = new(ctx, "Old one")
    clock.advance(minutes=30)
    second = new(ctx, "New one")
    clock.advance(minutes=5)
    queue = declaration.candidate_queue(ctx)
    assert [q.summary.reference for q in queue] == [first, second]
    assert [q.age for q in queue] == [timedelta(minutes=35), timedelta(minutes=5)]


def test_escalation_stats(app, ctx, clock):
    start = clock.now
    for minutes, decide in ((10, "declare"), (20, "reject"), (40, "reject"), (0, None)):
        ref = new(ctx, f"Candidate {minutes}")
        clock.advance(minutes=minutes)
        if decide == "declare":
            declaration.declare(
                ctx, reference=ref, settings=app.settings, severity="SEV2", mim="A", rationale="r"
            )
        elif decide == "reject":
            declaration.reject(ctx, reference=ref, rationale="r")
    stats = declaration.escalation_stats(ctx, since=start)
    assert (stats.declared, stats.rejected, stats.undecided) == (1, 2, 1)
    assert stats.median_to_decision == timedelta(minutes=20)
    assert stats.sentence().startswith("1 of 3 candidates declared (33%), 2 rejected")
    later = declaration.escalation_stats(ctx, since=clock.now + timedelta(minutes=1))
    assert later.declared == later.rejected == 0


def test_recommend_for_a_view_read_once_matches_recommend(ctx, checklist):
    directory.save_service(ctx, name="Payments", tier=1, users=1200)
    ref = new(ctx, services=["Payments"])
    incident = incidents.get(ctx, ref)
    answers = {"critical_service": True, "users_affected": 1200}
    live = declaration.recommend_for(incident, checklist, answers)
    assert live == declaration.recommend(ctx, reference=ref, checklist=checklist, answers=answers)
    assert live.reasons[0] == "business-critical service Payments is down or badly degraded"
    with pytest.raises(InvalidInput, match="needs a number"):
        declaration.recommend_for(incident, checklist, {"users_affected": "many"})
