"""The cover page: title, reference, severity, dates, the people, DRAFT or FINAL, contents."""

from __future__ import annotations

from typing import Any

from mimdesk.domain import precision
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS
from mimdesk.reports.postmortem.figures import headline_cards
from mimdesk.reports.postmortem.markup import small


def cover(b: Builder) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame, Spacer

    st, s = b.st, b.state
    word = b.status_word()
    stamp = _stamp(b, word)
    rows = [
        ("Reference", f"<b>{b.t(b.data.reference)}</b>"),
        ("Severity", b.t(b.data.severity())),
        ("Incident status", b.t(s.status.label)),
        *_times(b),
        *[
            (
                label,
                f"<b>{b.t(value)}</b>"
                + (f" ({b.t(published)})" if published else "")
                + f"<br/>{small(b.t(words))}",
            )
            for label, value, published, words in headline_cards(b)
        ],
        *_people(b),
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


def _times(b: Builder) -> list[tuple[str, str]]:
    """The key times, as precisely as they are known. A back-filled incident shows only the
    times it recorded; a live one shows a dash for one not reached yet."""
    t, exactness = b.state.key_times, b.state.time_precision
    rows = []
    for name, label in (
        ("impact_started_at", "Impact started"),
        ("reported_at", "Reported"),
        ("declared_at", "Declared"),
        ("mitigated_at", "Mitigated"),
        ("impact_ended_at", "Impact ended"),
        ("resolved_at", "Resolved"),
    ):
        when = t[name]
        if name == "declared_at" and not b.figures.declared_formally:
            rows.append((label, "<i>Not formally declared</i>"))
        elif when is not None:
            rows.append((label, b.t(precision.shown(when, exactness.get(name, ""), b.zone))))
        elif name == "impact_ended_at" or b.figures.back_filled:
            continue  # unset, the impact end is the mitigation: the definition says so
        elif name == "impact_started_at":
            rows.append((label, "<i>not recorded</i>"))
        else:
            rows.append((label, "—"))
    return rows


def _people(b: Builder) -> list[tuple[str, str]]:
    """The Major Incident Manager and the review's people. A live incident with nobody named
    says so (that is a finding); a back-filled one leaves out what it did not record."""
    quiet = b.figures.back_filled
    mims = b.people("mim")
    rows = []
    for label, value, missing in (
        ("Major Incident Manager", ", ".join(mims), "None recorded"),
        ("Postmortem owner", b.pm("owner"), "Not named"),
        ("Authors", ", ".join(b.authors()), "Not named"),
        ("Review meeting", b.pm("meeting_date"), "Not held yet"),
    ):
        if value:
            rows.append((label, b.t(value)))
        elif not quiet:
            rows.append((label, f"<i>{missing}</i>"))
    return rows


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
