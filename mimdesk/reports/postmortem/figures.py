"""Section 2: key times, durations against targets, updates per audience, the chart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mimdesk.domain.keytimes import KEY_TIMES
from mimdesk.reports import pm_chart
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS
from mimdesk.reports.postmortem.markup import duration, percent


def key_figures(b: Builder) -> list[Any]:
    parts: list[Any] = [b.h1(SECTIONS[1]), b.h2("Key times")]
    parts += _key_times(b)
    parts.append(b.h2("Durations"))
    parts += _durations(b)
    parts.append(b.h2("Updates to each audience"))
    parts += _updates(b)
    parts.append(b.h2("Timeline chart", outline=True))
    parts += chart(b)
    return parts


def _key_times(b: Builder) -> list[Any]:
    """Each milestone, and how long before or after the report it came."""
    t = b.state.key_times
    parts: list[Any] = []
    reported = t["reported_at"]
    rows = []
    for name, label in KEY_TIMES.items():
        when = t[name]
        after = ""
        if when is not None and reported is not None:
            delta = when - reported
            if delta == timedelta(0):
                after = "—"
            else:
                sign = "before" if delta < timedelta(0) else "after"
                after = f"{duration(abs(delta))} {sign}"
        rows.append(
            [
                b.cell(b.t(label.capitalize())),
                b.cell(b.t(b.local(when))),
                b.cell(b.t(after or "—")),
            ]
        )
    parts.append(b.table(["Milestone", "When", "From the report"], rows, [0.3, 0.4, 0.3]))
    return parts


def _durations(b: Builder) -> list[Any]:
    """Each measured span against its target."""
    f = b.figures
    parts: list[Any] = []
    rows = []
    for span in f.spans:
        target = duration(span.target) if span.target else "—"
        met = {True: "met", False: "<b>missed</b>", None: "—"}[span.met]
        if span.met is False:
            met = f'<font color="#b00020">{met}</font>'
        rows.append(
            [
                b.cell(b.t(span.label)),
                b.cell(b.t(span_words(b, span.name))),
                b.cell(b.t(duration(span.value))),
                b.cell(b.t(target)),
                b.cell(met),
            ]
        )
    parts.append(
        b.table(
            ["Measure", "From → to", "Duration", "Target", "Target met"],
            rows,
            [0.22, 0.34, 0.16, 0.14, 0.14],
        )
    )
    return parts


def _updates(b: Builder) -> list[Any]:
    """Updates sent to each audience, on time, late and missed against the cadence."""
    st, f = b.st, b.figures
    parts: list[Any] = []
    if f.updates:
        rows = []
        for u in f.updates:
            rows.append(
                [
                    b.cell(b.t(u.label)),
                    b.cell(b.t(f"every {u.interval} min" if u.interval else "none")),
                    b.cell(str(u.sent)),
                    b.cell(str(u.on_time)),
                    b.cell(str(u.late)),
                    b.cell(str(u.missed)),
                    b.cell(b.t(percent(u.share))),
                ]
            )
        rows.append(
            [
                b.cell("<b>All audiences</b>"),
                b.cell(""),
                b.cell(f"<b>{f.sent}</b>"),
                b.cell(f"<b>{sum(u.on_time for u in f.updates)}</b>"),
                b.cell(f"<b>{sum(u.late for u in f.updates)}</b>"),
                b.cell(f"<b>{sum(u.missed for u in f.updates)}</b>"),
                b.cell(f"<b>{b.t(percent(f.on_time_share))}</b>"),
            ]
        )
        parts.append(
            b.table(
                ["Audience", "Cadence", "Sent", "On time", "Late", "Missed", "On time share"],
                rows,
                [0.26, 0.16, 0.1, 0.1, 0.1, 0.1, 0.18],
            )
        )
        parts.append(
            b.p(
                "An update is on time when it went out before the previous update to that "
                "audience (or the declaration) plus the cadence in force. Updates sent before "
                "the declaration, or while the audience had no cadence, cannot be late. A "
                "missed update fell due while the timer ran and none followed before the "
                "timer stopped. Share on time = on time ÷ (sent + missed).",
                st.muted,
            )
        )
    else:
        parts.append(b.p("<i>No updates were sent and no audience had a cadence.</i>"))
    return parts


def span_words(b: Builder, name: str) -> str:
    t = b.state.key_times
    start = (
        "impact started"
        if t["impact_started_at"]
        else ("detected" if t["detected_at"] else "reported")
    )
    return {
        "declare": "reported → declared",
        "mitigate": "reported → mitigated",
        "resolve": "reported → resolved",
        "impact": f"{start} → mitigated",
        "detect": "impact started → " + ("detected" if t["detected_at"] else "reported"),
    }[name]


def chart(b: Builder) -> list[Any]:
    from reportlab.platypus import Spacer

    known = [(a.id, a.label) for a in b.data.policy.audiences]
    rows = [(u.audience, u.label) for u in b.figures.updates if u.sent or u.scheduled]
    ids = {a for a, _ in rows}
    ordered = [(a, label) for a, label in known if a in ids]
    ordered += [r for r in rows if r[0] not in {a for a, _ in ordered}]
    end = b.state.key_times["resolved_at"] or b.data.generated_at
    drawing = pm_chart.chart(b.state, width=b.width, audiences=ordered, end=end, zone=b.zone)
    note = (
        "The coloured band shows the incident's phases; below it, one row per audience "
        "with a tick for every update sent to it."
    )
    if not b.state.key_times["resolved_at"]:
        note += " The incident was still open when this report was printed."
    return [drawing, Spacer(1, 4), b.p(note, b.st.muted)]
