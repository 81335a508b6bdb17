"""The headline figures of the one-page brief, each with the definition printed under it.

The same words as the cover and the summary (:func:`figures.headline_cards`): customer impact
and incident open, then time to declare and to mitigate. A figure the record has no times for
is left out, never shown as zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.figures import declare_value, duration_text, headline_cards


@dataclass(frozen=True, slots=True)
class HeadlineFigure:
    label: str
    value: str
    definition: str


def headline_figures(b: Builder) -> list[HeadlineFigure]:
    out = []
    for label, value, published, definition in headline_cards(b):
        if value in ("—", "not recorded"):
            continue
        said = definition.split(": ", 1)[-1]
        # The published figure goes under the value, beside the definition: the value stays
        # one line at the figure's size.
        out.append(HeadlineFigure(label, value, f"{said}; {published}" if published else said))
    if not b.figures.declared_formally and b.state.is_major:
        out.append(HeadlineFigure("Time to declare", declare_value(b), "no declaration recorded"))
    declare = b.figures.span("declare")
    if declare is not None and declare.value is not None:
        out.append(HeadlineFigure("Time to declare", duration_text(declare), "reported → declared"))
    mitigate = b.figures.span("mitigate")
    if mitigate is not None and mitigate.value is not None:
        out.append(
            HeadlineFigure("Time to mitigate", duration_text(mitigate), "reported → mitigated")
        )
    return out
