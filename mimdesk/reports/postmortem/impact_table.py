"""The impact in numbers: one row per measure the review gives, exactly as written.

"about 3,000 | EU customers only": the qualifier stays with the number, so the table never
claims more precision than the authors did (mimdesk.domain.impact).
"""

from __future__ import annotations

from typing import Any

from mimdesk.domain import impact
from mimdesk.reports.postmortem.builder import Builder

COLUMNS = (0.3, 0.25, 0.45)


def impact_rows(b: Builder) -> list[tuple[str, str, str]]:
    """(label, number with its qualifier, note) of every measure written."""
    rows = []
    for name, label in impact.MEASURES.items():
        text = b.pm(name)
        measure = impact.parse(text) if text.strip() else None
        if measure is None:
            if text.strip():
                # Not a number (an older record): print it as written rather than drop it.
                rows.append((label, "", text.strip()))
            continue
        number = " ".join(part for part in (measure.qualifier, measure.number) if part)
        rows.append((label, number, measure.note))
    return rows


def impact_section(b: Builder, title: str) -> list[Any]:
    rows = impact_rows(b)
    if not rows:
        return []
    st = b.st
    table = b.table(
        ["Measure", "Number", "Note"],
        [
            [
                b.cell(b.t(label), st.cell_bold),
                b.cell(b.t(number) or "—"),
                b.cell(b.t(note)),
            ]
            for label, number, note in rows
        ],
        COLUMNS,
        zebra=False,
        lines=True,
    )
    return [b.h2(title), table]
