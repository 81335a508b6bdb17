"""The declaration rule: table-driven cases, then properties over random answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mimdesk.domain.declaration import (
    Checklist,
    Choice,
    Criterion,
    DecisionRule,
    Outcome,
    evaluate,
)

CRITERIA = (
    Criterion(
        "critical",
        "Critical service down?",
        "yesno",
        decisive=True,
        severity="SEV1",
        reason="business-critical service {services} is down",
    ),
    Criterion(
        "users",
        "How many users?",
        "number",
        threshold=500,
        weight=2,
        reason="about {value} users affected",
    ),
    Criterion("no_workaround", "No workaround?", "yesno", weight=1, reason="no workaround"),
    Criterion("external", "Customers?", "yesno", weight=2, reason="external customers"),
    Criterion(
        "duration",
        "How long?",
        "choice",
        choices=(Choice("short", "under an hour", 0), Choice("long", "over four hours", 2)),
        reason="expected to last {label}",
    ),
)


def checklist(rule: str = "decisive-or-score", threshold: int = 3) -> Checklist:
    return Checklist(CRITERIA, DecisionRule(rule, threshold, "SEV2"), ("SEV1", "SEV2", "SEV3"))


@pytest.mark.parametrize(
    ("answers", "rule", "outcome", "score", "severity"),
    [
        ({}, "decisive-or-score", Outcome.REJECT, 0, ""),
        ({"critical": True}, "decisive-or-score", Outcome.DECLARE, 0, "SEV1"),
        ({"critical": False, "users": 499}, "decisive-or-score", Outcome.REJECT, 0, ""),
        ({"users": 500}, "decisive-or-score", Outcome.REJECT, 2, ""),
        ({"users": 500, "no_workaround": True}, "decisive-or-score", Outcome.DECLARE, 3, "SEV2"),
        ({"external": True, "duration": "long"}, "decisive-or-score", Outcome.DECLARE, 4, "SEV2"),
        ({"duration": "short", "no_workaround": True}, "decisive-or-score", Outcome.REJECT, 1, ""),
        ({"critical": True}, "score", Outcome.REJECT, 0, ""),
        ({"users": 900, "external": True}, "decisive", Outcome.REJECT, 4, ""),
        ({"critical": True, "users": 10}, "decisive", Outcome.DECLARE, 0, "SEV1"),
    ],
)
def test_rule_table(answers, rule, outcome, score, severity):
    rec = evaluate(checklist(rule), answers, {"services": "Payments"})
    assert rec.outcome is outcome
    assert rec.score == score
    assert rec.severity == severity


def test_reasons_in_plain_words():
    rec = evaluate(checklist(), {"critical": True, "users": 1200}, {"services": "Payments"})
    assert rec.reasons == [
        "business-critical service Payments is down",
        "about 1,200 users affected",
    ]
    assert rec.sentence().startswith(
        "Declare a major incident: business-critical service Payments is down; about 1,200 users"
    )
    assert "3 questions not answered yet" in rec.sentence()


def test_unknown_placeholder_does_not_break_reason():
    odd = Criterion("x", "Q?", "yesno", decisive=True, reason="{nonsense} happened {services}")
    rec = evaluate(Checklist((odd,)), {"x": True})
    assert rec.reasons == [" happened the affected service"]


def test_most_severe_named_severity_wins():
    a = Criterion("a", "A?", "yesno", decisive=True, severity="SEV2")
    b = Criterion("b", "B?", "yesno", decisive=True, severity="SEV1")
    rec = evaluate(Checklist((a, b), severities=("SEV1", "SEV2")), {"a": True, "b": True})
    assert rec.severity == "SEV1"


answer_values = st.fixed_dictionaries(
    {},
    optional={
        "critical": st.booleans(),
        "users": st.integers(min_value=0, max_value=100_000),
        "no_workaround": st.booleans(),
        "external": st.booleans(),
        "duration": st.sampled_from(["short", "long"]),
    },
)


@given(answer_values, st.integers(min_value=0, max_value=8))
def test_score_is_sum_of_met_weights_and_rule_holds(answers, threshold):
    rec = evaluate(checklist(threshold=threshold), answers)
    expected = 0
    if answers.get("users", 0) >= 500:
        expected += 2
    expected += 1 if answers.get("no_workaround") else 0
    expected += 2 if answers.get("external") else 0
    expected += 2 if answers.get("duration") == "long" else 0
    assert rec.score == expected
    should = answers.get("critical") is True or expected >= threshold
    assert (rec.outcome is Outcome.DECLARE) == should
    assert set(rec.unanswered) == {c.id for c in CRITERIA} - set(answers)


@given(answer_values, st.sampled_from(["users", "no_workaround", "external", "critical"]))
def test_meeting_one_more_criterion_never_turns_declare_into_reject(answers, extra):
    before = evaluate(checklist(), answers)
    more = dict(answers)
    more[extra] = 100_000 if extra == "users" else True
    after = evaluate(checklist(), more)
    assert after.score >= before.score
    if before.outcome is Outcome.DECLARE:
        assert after.outcome is Outcome.DECLARE
