"""Section 2: key times, durations against targets, updates per audience, the chart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mimdesk.domain import precision
from mimdesk.domain.keytimes import KEY_TIMES
from mimdesk.reports import pm_chart
from mimdesk.reports.pm_figures import (
    AudienceUpdates,
    Headline,
    Span,
    approximate,
    updates_summary,
)
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
    from reportlab.platypus import KeepTogether

    # The heading, the chart and its note on one page: a chart without its key reads wrong.
    parts.append(KeepTogether([b.h2("Timeline chart", outline=True), *chart(b)]))
    return parts


def duration_text(span: Span | None) -> str:
    """A span's duration as honest words: exact, "about 18 hours" for coarse times, or why
    there is no figure."""
    if span is None:
        return "—"
    if span.withheld:
        return "not recorded"
    if span.precision == precision.UNKNOWN and span.start and span.end:
        return "not known"
    return approximate(span) or duration(span.value)


def headline_value(h: Headline, *, open_words: str) -> str:
    """A headline figure's value; ``open_words`` when it has not ended ("still open")."""
    if h.span.start is not None and h.span.end is None:
        return open_words
    return duration_text(h.span)


def headline_cards(b: Builder) -> list[tuple[str, str, str, str]]:
    """(label, value, published, definition) for customer impact and incident open, as the
    cover and the summary print them; ``published`` is the duration the organisation
    published ("published: about 24 hours"), "" when none was recorded."""
    f = b.figures
    out = []
    if f.customer_impact is not None:
        h = f.customer_impact
        published = f"published: {h.published}" if h.published else ""
        out.append(
            (h.label, headline_value(h, open_words="not ended yet"), published, h.definition)
        )
    if f.incident_open is not None:
        h = f.incident_open
        out.append((h.label, headline_value(h, open_words="still open"), "", h.definition))
    return out


def declare_value(b: Builder) -> str:
    """Time to declare in words, or why there is none."""
    if not b.figures.declared_formally:
        return "Not formally declared"
    return duration_text(b.figures.span("declare"))


def _key_times(b: Builder) -> list[Any]:
    """Each milestone, as precisely as it is known, and how long before or after the report
    it came."""
    t = b.state.key_times
    exactness = b.state.time_precision
    parts: list[Any] = []
    reported = t["reported_at"]
    rows = []
    for name, label in KEY_TIMES.items():
        when = t[name]
        after = ""
        exact = precision.is_exact(exactness.get(name, "")) and precision.is_exact(
            exactness.get("reported_at", "")
        )
        if when is not None and reported is not None and exact:
            delta = when - reported
            if delta == timedelta(0):
                after = "—"
            else:
                sign = "before" if delta < timedelta(0) else "after"
                after = f"{duration(abs(delta))} {sign}"
        if when is not None:
            shown = b.t(precision.shown(when, exactness.get(name, ""), b.zone))
        elif name == "declared_at" and not b.figures.declared_formally:
            shown = "<i>Not formally declared</i>"
        elif name == "impact_ended_at" and t["mitigated_at"] is not None:
            shown = "<i>Not recorded: read as the mitigation</i>"
        else:
            shown = "—"
        rows.append([b.cell(b.t(label.capitalize())), b.cell(shown), b.cell(b.t(after or "—"))])
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
        if span.met is None and span.target and span.value is not None and not span.exact:
            met = "cannot tell (times approximate)"
        if span.met is False:
            met = f'<font color="#b00020">{met}</font>'
        rows.append(
            [
                b.cell(b.t(span.label)),
                b.cell(b.t(span.definition)),
                b.cell(b.t(duration_text(span))),
                b.cell(b.t(target)),
                b.cell(met),
            ]
        )
    if not f.declared_formally:
        rows.insert(
            0,
            [
                b.cell(b.t("Time to declare")),
                b.cell(b.t("reported → declared")),
                b.cell(b.t("Not formally declared")),
                b.cell("—"),
                b.cell("—"),
            ],
        )
    parts.append(
        b.table(
            ["Measure", "From → to", "Duration", "Target", "Target met"],
            rows,
            [0.18, 0.3, 0.18, 0.16, 0.18],
        )
    )
    if f.customer_impact is not None and "(" in f.customer_impact.definition:
        # Say what stood in for a missing impact start or end.
        parts.append(b.p(b.t(f.customer_impact.definition.capitalize() + "."), b.st.muted))
    if any(not s.exact for s in f.spans if s.value is not None):
        parts.append(
            b.p(
                "A duration between times known only to the hour or the day is rounded to "
                "the hour or the day (“about 18 hours”); a target is judged only where that "
                "rounding cannot change the verdict.",
                b.st.muted,
            )
        )
    return parts


def _updates(b: Builder) -> list[Any]:
    """Updates sent to each audience: on time, late and missed against the cadence, and those
    not tracked; the sentence under the table adds them up."""
    from reportlab.platypus import Spacer

    st, f = b.st, b.figures
    parts: list[Any] = []
    if not f.updates:
        return [b.p(b.t(updates_summary(f)), st.body)]

    def untracked(u: AudienceUpdates) -> int:
        return u.no_cadence + u.before_declaration + u.time_unknown

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
                b.cell(str(untracked(u))),
                b.cell(b.t(percent(u.share))),
            ]
        )
    rows.append(
        [
            b.cell("<b>All audiences</b>"),
            b.cell(""),
            b.cell(f"<b>{f.sent}</b>"),
            b.cell(f"<b>{f.on_time}</b>"),
            b.cell(f"<b>{f.late}</b>"),
            b.cell(f"<b>{f.missed}</b>"),
            b.cell(f"<b>{sum(untracked(u) for u in f.updates)}</b>"),
            b.cell(f"<b>{b.t(percent(f.on_time_share))}</b>"),
        ]
    )
    parts.append(
        b.table(
            ["Audience", "Cadence", "Sent", "On time", "Late", "Missed", "Not tracked", "Share"],
            rows,
            [0.22, 0.15, 0.08, 0.1, 0.08, 0.1, 0.14, 0.13],
        )
    )
    parts += [Spacer(1, 3), b.p(b.t(updates_summary(f)), st.body)]
    parts.append(
        b.p(
            "An update falls due one cadence interval after the previous update to its "
            "audience (the first, after the declaration); the cadences are those the incident "
            "recorded. On time: sent by then. Late: sent after. Missed: fell due while the "
            "timers ran and none followed before they stopped; a missed update was not sent. "
            "Not tracked: sent while its audience had no cadence, before the declaration, or "
            "at a time not known to the minute. Sent = on time + late + not tracked; "
            "share = on time ÷ (on time + late + missed).",
            st.muted,
        )
    )
    return parts


def chart(b: Builder) -> list[Any]:
    from reportlab.platypus import Spacer

    known = [(a.id, a.label) for a in b.data.policy.audiences]
    rows = [(u.audience, u.label) for u in b.figures.updates if u.sent or u.scheduled]
    ids = {a for a, _ in rows}
    ordered = [(a, label) for a, label in known if a in ids]
    ordered += [r for r in rows if r[0] not in {a for a, _ in ordered}]
    end = b.data.generated_at  # closes the axis only of an incident still open
    severity_labels = b.data.severity_labels
    drawing = pm_chart.chart(
        b.state,
        width=b.width,
        audiences=ordered,
        end=end,
        zone=b.zone,
        events=b.data.events,
        role_name=b.data.role,
        severity_name=lambda s: severity_labels.get(s, s),
    )
    note = (
        "The coloured band shows the incident's phases, and the red bar under it the "
        "customer impact; below, one row per audience with a tick for every update sent to "
        "it. The axis runs from the impact start to the resolution (or the impact end, if "
        "later); updates sent after that are counted at its right edge."
    )
    if not b.state.key_times["resolved_at"]:
        note += " The incident was still open when this report was printed."
    unknown = pm_chart.unplaced_updates(b.state)
    if unknown:
        whose = (
            "update whose time is not known is"
            if unknown == 1
            else "updates whose time is not known are"
        )
        note += f" {unknown} {whose} not drawn."
    return [drawing, Spacer(1, 4), b.p(note, b.st.muted)]
