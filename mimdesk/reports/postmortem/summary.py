"""Section 1, the executive summary, on one page."""

from __future__ import annotations

from typing import Any

from mimdesk.domain import precision
from mimdesk.domain.wording import counted
from mimdesk.reports.pm_figures import updates_summary
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS
from mimdesk.reports.postmortem.figures import declare_value, duration_text, headline_cards
from mimdesk.reports.postmortem.followups import (
    DONE,
    due_markup,
    followup_number,
    priority_text,
    top_followups,
)
from mimdesk.reports.postmortem.markup import clip, percent, small

# How much of a long text the one-page executive summary shows before pointing to section 3.
EXEC_CLIP = {"summary": 1100, "business_impact": 700, "root_cause": 600}


def executive(b: Builder) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame, Spacer

    st, s = b.st, b.state
    where = "section 3"
    summary = b.pm("summary")
    impact = b.pm("business_impact") or s.impact
    grid = _figure_cards(b)
    parts: list[Any] = [
        b.h1(SECTIONS[0]),
        b.p(
            f"<b>{b.t(s.title)}</b> ({b.t(b.data.reference)}, "
            f"{b.t(b.data.severity())}, {b.t(s.status.label.lower())}). "
            f"Reported {b.t(_when(b, 'reported_at'))}; "
            + (
                f"resolved {b.t(_when(b, 'resolved_at'))}."
                if s.key_times["resolved_at"]
                else "not resolved when this report was printed."
            ),
            st.body,
        ),
    ]
    # A review being written says what it still lacks; a back-filled incident shows only what
    # its record holds (nothing was going to be written here).
    quiet = b.figures.back_filled
    if summary or not quiet:
        parts += [
            b.h2("Summary"),
            b.p(
                b.t(clip(summary, EXEC_CLIP["summary"], where))
                if summary
                else "<i>No summary written yet.</i>"
            ),
        ]
    if impact or not quiet:
        parts += [
            b.h2("Impact"),
            b.p(
                b.t(clip(impact, EXEC_CLIP["business_impact"], where))
                if impact
                else "<i>Not written yet.</i>"
            ),
        ]
    parts += [Spacer(1, 2 * mm), grid]
    if b.pm("root_cause") or b.pm("root_cause_status") == "under investigation" or not quiet:
        parts += [b.h2("Root cause"), b.p(b.root_cause_markup(EXEC_CLIP["root_cause"], where))]
    if b.state.followups or not quiet:
        parts.append(b.h2("Top follow-up actions"))
        parts += _top_followups(b)
    return [KeepInFrame(b.width, 245 * mm, parts, mode="shrink")]


def _when(b: Builder, name: str) -> str:
    return precision.shown(b.state.key_times[name], b.state.time_precision.get(name, ""), b.zone)


def _figure_cards(b: Builder) -> Any:
    """The key figures as a grid of cards, each with what it measures under it."""
    from reportlab.platypus import Table, TableStyle

    pm, st, s = b.layout, b.st, b.state
    f = b.figures
    # (value, label, definition): the definition in small print under the label.
    cards: list[tuple[str, str, str]] = [
        (value, label, f"{published.capitalize()}. {words}" if published else words)
        for label, value, published, words in headline_cards(b)
    ]
    declare = f.span("declare")
    cards.append((declare_value(b), "Time to declare", declare.definition if declare else ""))
    mitigate = f.span("mitigate")
    cards.append(
        (duration_text(mitigate), "Time to mitigate", mitigate.definition if mitigate else "")
    )
    if s.users_affected is not None:
        cards.append((f"{s.users_affected:,}", "Users affected", ""))
    elif not f.back_filled:
        cards.append(("unknown", "Users affected", ""))
    share = f.on_time_share
    if share is not None:
        value = percent(share)
    elif f.sent:
        value = "not tracked"
    else:
        value = "none sent"
    cards.append((value, "Updates on time", updates_summary(f)))
    card_cells = [
        [
            b.cell(b.t(v), st.figure),
            b.cell(b.t(k), st.figure_label),
            *([b.cell(small(b.t(words)))] if words else []),
        ]
        for v, k, words in cards
    ]
    while len(card_cells) % 3:
        card_cells.append([])
    grid = Table(
        [card_cells[i : i + 3] for i in range(0, len(card_cells), 3)],
        colWidths=[b.width / 3] * 3,
    )
    grid.hAlign = "LEFT"
    grid.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, pm.RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, pm.RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return grid


def _top_followups(b: Builder) -> list[Any]:
    """The five follow-ups to read first: open ones, by priority and due date."""
    st = b.st
    parts: list[Any] = []
    top = top_followups(b, 5)
    if top:
        rows = [
            [
                b.cell(b.t(followup_number(b, fu)), st.cell_bold),
                b.cell(b.t(fu.title)),
                b.cell(b.t(fu.owner) or "—"),
                b.cell(due_markup(b, fu)),
                b.cell(b.t(priority_text(fu))),
                b.cell(b.t(fu.status)),
            ]
            for fu in top
        ]
        parts.append(
            b.table(
                ["#", "Action", "Owner", "Due", "Priority", "Status"],
                rows,
                [0.06, 0.42, 0.18, 0.14, 0.1, 0.1],
            )
        )
        more = len(b.state.followups) - len(top)
        if more > 0:
            parts.append(b.p(f"and {more} more in section 8.", st.muted))
        unowned = [
            f for f in b.state.followups.values() if f.status not in DONE and not f.owner.strip()
        ]
        if unowned:
            # An action nobody owns is the one that does not get done: leadership sees how many.
            parts.append(
                b.p(f"<b>{counted(len(unowned), 'open action')} with no owner.</b>", st.muted)
            )
    else:
        parts.append(b.p("<i>No follow-up actions recorded yet.</i>"))
    return parts
