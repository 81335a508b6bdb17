"""Section 6: the declaration checklist as assessed, and the decision.

What the record does not hold is left out rather than printed as an absence: an incident
back-filled from before the desk had a checklist has no assessment and often no rationale,
and its readers need no line saying so."""

from __future__ import annotations

from typing import Any

from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS
from mimdesk.reports.postmortem.markup import answer_text


def declaration(b: Builder) -> list[Any]:
    st, s = b.st, b.state
    parts: list[Any] = [b.h1(SECTIONS[5])]
    a = s.assessment
    if a is not None:
        rec = a.recommendation
        outcome = "declare" if rec.outcome == "declare" else "not declare"
        sev = rec.severity
        parts.append(
            b.p(
                f"Assessed by <b>{b.t(a.by.name)}</b> at {b.t(b.local(a.at))}. "
                f"The checklist recommended: <b>{outcome}</b>"
                + (f" as {b.t(b.data.severity_labels.get(sev, sev))}" if sev else "")
                + f" (score {rec.score}; {rec.threshold} declares)."
            )
        )
        if len(s.assessments) > 1:
            parts.append(
                b.p(
                    f"{len(s.assessments)} assessments were recorded; the latest is shown.",
                    st.muted,
                )
            )
        if rec.reasons:
            parts.append(b.h3("Criteria met"))
            for reason in rec.reasons:
                parts.append(b.p("• " + b.t(reason)))
        rows = []
        for criterion, answer in a.answers.items():
            question = b.data.questions.get(criterion, criterion.replace("_", " "))
            words = b.data.answers.get(criterion) or answer_text(answer)
            rows.append([b.long(question, 0.6), b.long(words, 0.4)])
        if rows:
            parts.append(b.h3("Answers"))
            parts.append(b.table(["Question", "Answer"], rows, [0.72, 0.28]))
        if rec.unanswered:
            shown = ", ".join(b.data.questions.get(u, u) for u in rec.unanswered)
            parts.append(b.p(f"Not answered: {b.t(shown)}", st.muted))
    if not s.decisions:
        if a is None:
            parts.append(b.p("<i>No decision was recorded.</i>"))
        return parts
    parts.append(b.h2("Decision"))
    rationale = any(d.rationale for d in s.decisions)
    rows = []
    for d in s.decisions:
        what = "Declared a major incident" if d.decision == "declare" else "Not declared"
        if d.overrides_recommendation:
            what += " <b>(against the checklist's recommendation)</b>"
        row = [
            b.cell(b.t(b.local(d.at))),
            b.cell(what),
            b.cell(b.t(b.data.severity_labels.get(d.severity, d.severity)) or "—"),
            b.cell(b.t(d.by.name)),
        ]
        if rationale:
            row.append(b.long(d.rationale, 0.33) if d.rationale else "")
        rows.append(row)
    if rationale:
        header = ["When", "Decision", "Severity", "By", "Rationale"]
        widths = [0.2, 0.2, 0.13, 0.14, 0.33]
    else:
        # No decision gives a rationale: no column of blanks.
        header, widths = ["When", "Decision", "Severity", "By"], [0.25, 0.35, 0.2, 0.2]
    parts.append(b.table(header, rows, widths))
    return parts
