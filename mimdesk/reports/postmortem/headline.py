"""The headline figures a leader reads first, each with the definition printed under it."""

from __future__ import annotations

from dataclasses import dataclass

from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.markup import duration


@dataclass(frozen=True, slots=True)
class HeadlineFigure:
    label: str
    value: str
    definition: str


def headline_figures(b: Builder) -> list[HeadlineFigure]:
    """Customer impact, incident open, time to declare and to mitigate: only those the record
    has the times for."""
    out = []
    for name, label, definition in (
        ("impact", "Customer impact", "impact start → impact ended"),
        ("resolve", "Incident open", "reported → resolved"),
        ("declare", "Time to declare", "reported → declared"),
        ("mitigate", "Time to mitigate", "reported → mitigated"),
    ):
        span = b.figures.span(name)
        if span is None or span.value is None:
            continue
        out.append(HeadlineFigure(label, duration(span.value), definition))
    return out
