"""The cover page: title, reference, severity, dates, the people, DRAFT or FINAL, contents."""

from __future__ import annotations

from typing import Any

from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS
from mimdesk.reports.postmortem.markup import duration


def cover(b: Builder) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame, Spacer

    st, s, t = b.st, b.state, b.state.key_times
    word = b.status_word()
    stamp = _stamp(b, word)
    mims = b.people("mim")
    outage = b.figures.span("impact").value
    rows = [
        ("Reference", f"<b>{b.t(b.data.reference)}</b>"),
        ("Severity", b.t(b.data.severity())),
        ("Incident status", b.t(s.status.label)),
        (
            "Impact started",
            b.t(b.local(t["impact_started_at"]))
            if t["impact_started_at"]
            else "<i>not recorded</i>",
        ),
        ("Reported", b.t(b.local(t["reported_at"]))),
        ("Declared", b.t(b.local(t["declared_at"]))),
        ("Mitigated", b.t(b.local(t["mitigated_at"]))),
        ("Resolved", b.t(b.local(t["resolved_at"]))),
        ("Impact duration", b.t(duration(outage))),
        (
            "Major Incident Manager",
            b.t(", ".join(mims)) if mims else "<i>None recorded</i>",
        ),
        ("Postmortem owner", b.t(b.pm("owner")) or "<i>Not named</i>"),
        ("Authors", b.t(", ".join(b.authors())) or "<i>Not named</i>"),
        (
            "Review meeting",
            b.t(b.pm("meeting_date")) or "<i>Not held yet</i>",
        ),
        ("Status of this review", f"<b>{word.capitalize()}</b>"),
        ("Printed", b.t(b.local(b.data.generated_at))),
    ]
    if b.pm("problem_ref"):
        rows.insert(-1, ("Problem record", b.t(b.pm("problem_ref"))))
    contents = "<br/>".join(b.t(h) for h in SECTIONS)
    parts = [
        b.p(b.t(b.data.organisation) or "&nbsp;", st.subtitle),
        Spacer(1, 18 * mm),
        b.p("Postmortem of a major incident", st.subtitle),
        b.p(b.t(s.title) or "<i>Untitled incident</i>", st.title),
        b.p(f"{b.t(b.data.reference)} · {b.t(b.data.severity())}", st.subtitle),
        Spacer(1, 4 * mm),
        stamp,
        Spacer(1, 8 * mm),
        b.kv_table(rows),
        Spacer(1, 8 * mm),
        b.p("<b>Contents</b>", st.small),
        b.p(contents, st.small),
        Spacer(1, 4 * mm),
        b.p(
            f"All times are in {b.t(b.zone_name())}, the zone of the desk that printed "
            "this report.",
            st.muted,
        ),
    ]
    return [KeepInFrame(b.width, 230 * mm, parts, mode="shrink")]


def _stamp(b: Builder, word: str) -> Any:
    """DRAFT or FINAL, white on colour."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    pm, st = b.layout, b.st
    stamp = Table(
        [[b.p(f'<font color="white"><b>{word}</b></font>', st.subtitle)]],
        colWidths=[32 * mm],
    )
    stamp.setStyle(
        TableStyle(
            [
                (
                    "BACKGROUND",
                    (0, 0),
                    (-1, -1),
                    pm.FINAL_COLOUR if word == "FINAL" else pm.DRAFT_COLOUR,
                ),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    stamp.hAlign = "LEFT"
    return stamp
