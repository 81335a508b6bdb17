"""The declaration checklist: agreed criteria, evaluated the same way whoever is on shift.

Criteria and the decision rule are configuration (``resources/defaults/declaration.toml``,
overridden by the site file). :func:`evaluate` turns answers into a recommendation with its
reasons in plain words. The decision stays a person's: see ``usecases.declaration``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mimdesk.domain.payloads import RecommendationRecord
from mimdesk.domain.wording import counted

KINDS = ("yesno", "number", "choice")
RULES = ("decisive-or-score", "score", "decisive")


class Outcome(StrEnum):
    DECLARE = "declare"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    weight: int = 0
    decisive: bool = False


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    question: str
    kind: str
    help: str = ""
    weight: int = 0
    decisive: bool = False
    threshold: float | None = None
    choices: tuple[Choice, ...] = ()
    severity: str = ""
    prefill: str = ""
    reason: str = ""
    # A yes/no question is met by this answer: a question asked plainly ("Is there a
    # workaround?") may be met by "no", so that no question needs a double negative.
    met_when: bool = True

    def choice(self, value: Any) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)

    def answer_label(self, answer: Any) -> str:
        """An answer in words, as the question offers it: never a stored value such as
        ``over_4h``."""
        return answer_label(self, answer)


def answer_label(criterion: Criterion | None, answer: Any) -> str:
    """An answer in words: yes or no, a number with separators, a choice's label. A choice
    the site's checklist no longer offers is shown as recorded, made readable."""
    if answer is None:
        return "not answered"
    if answer is True:
        return "yes"
    if answer is False:
        return "no"
    if isinstance(answer, int | float):
        return f"{answer:,.0f}"
    choice = criterion.choice(answer) if criterion is not None else None
    if choice is not None:
        return choice.label
    return str(answer).replace("_", " ")


@dataclass(frozen=True, slots=True)
class DecisionRule:
    rule: str = "decisive-or-score"
    score_threshold: int = 3
    default_severity: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One criterion met, with what it adds and the sentence that explains it."""

    criterion: str
    decisive: bool
    weight: int
    reason: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    outcome: Outcome
    score: int
    threshold: int
    findings: tuple[Finding, ...]
    severity: str
    unanswered: tuple[str, ...] = ()

    @property
    def reasons(self) -> list[str]:
        return [f.reason for f in self.findings]

    def sentence(self) -> str:
        """E.g. 'Declare: business-critical service Payments is down; about 1,200 users
        affected.'"""
        if self.outcome is Outcome.DECLARE:
            head = "Declare a major incident"
        else:
            head = "Handle as a normal high-priority incident"
        detail = "; ".join(self.reasons) if self.reasons else "no criterion is met"
        if any(f.decisive for f in self.findings):
            tail = ""
        else:
            tail = f" (score {self.score}; {self.threshold} or more declares)"
        if self.unanswered:
            tail += f"; {counted(len(self.unanswered), 'question')} not answered yet"
        return f"{head}: {detail}{tail}."

    def as_record(self) -> RecommendationRecord:
        """What an assessment records of this recommendation."""
        return RecommendationRecord(
            outcome=self.outcome.value,
            score=self.score,
            threshold=self.threshold,
            severity=self.severity,
            reasons=tuple(self.reasons),
            unanswered=self.unanswered,
        )


@dataclass(frozen=True, slots=True)
class Checklist:
    criteria: tuple[Criterion, ...]
    rule: DecisionRule = field(default_factory=DecisionRule)
    # Severity ids, most severe first: a recommendation takes the most severe one named.
    severities: tuple[str, ...] = ()

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)


def _is_met(criterion: Criterion, answer: Any) -> tuple[bool, int, bool, str]:
    """Whether an answer meets the criterion: (met, weight, decisive, label for the reason)."""
    if criterion.kind == "yesno":
        if not isinstance(answer, bool):
            return False, 0, False, ""
        met = answer is criterion.met_when
        return met, criterion.weight, criterion.decisive, answer_label(criterion, answer)
    if criterion.kind == "number":
        if isinstance(answer, bool) or not isinstance(answer, int | float):
            return False, 0, False, ""
        met = criterion.threshold is not None and answer >= criterion.threshold
        return met, criterion.weight, criterion.decisive, f"{answer:,.0f}"
    choice = criterion.choice(answer)
    if choice is None:
        return False, 0, False, ""
    met = choice.weight > 0 or choice.decisive
    return met, choice.weight, choice.decisive, choice.label


def evaluate(
    checklist: Checklist,
    answers: Mapping[str, Any],
    context: Mapping[str, str] | None = None,
) -> Recommendation:
    """Recommend declaring or not, from the answers given so far.

    ``context`` fills the reason sentences (``{services}``, for example); ``{value}`` and
    ``{label}`` come from the answer itself.
    """
    findings: list[Finding] = []
    unanswered: list[str] = []
    severities: list[str] = []
    for criterion in checklist.criteria:
        answer = answers.get(criterion.id)
        if answer is None:
            unanswered.append(criterion.id)
            continue
        met, weight, decisive, label = _is_met(criterion, answer)
        if not met:
            continue
        words = _Blank({**(context or {}), "value": label, "label": label})
        reason = (criterion.reason or criterion.question).format_map(words)
        findings.append(Finding(criterion.id, decisive, weight, reason))
        if criterion.severity:
            severities.append(criterion.severity)
    rule = checklist.rule
    score = sum(f.weight for f in findings)
    decisive_met = any(f.decisive for f in findings)
    by_score = score >= rule.score_threshold
    if rule.rule == "decisive":
        declare = decisive_met
    elif rule.rule == "score":
        declare = by_score
    else:
        declare = decisive_met or by_score
    # Decisive findings explain a declaration best, so they come first.
    findings.sort(key=lambda f: (not f.decisive, -f.weight))
    order = {sid: i for i, sid in enumerate(checklist.severities)}
    severity = (
        min(severities, key=lambda s: order.get(s, len(order)))
        if severities
        else rule.default_severity
    )
    return Recommendation(
        outcome=Outcome.DECLARE if declare else Outcome.REJECT,
        score=score,
        threshold=rule.score_threshold,
        findings=tuple(findings),
        severity=severity if declare else "",
        unanswered=tuple(unanswered),
    )


class _Blank(dict[str, str]):
    """format_map helper: an unknown placeholder prints as nothing rather than failing."""

    def __missing__(self, key: str) -> str:
        return "the affected service" if key == "services" else ""
