"""Section 4: every entry of the log, with corrections, withdrawals and changes not applied.

Edits to the review itself are not the incident's: they are listed with the review (section 3,
"Review history")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from mimdesk.domain.timeline import TimelineEntry, incident_entries
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS
from mimdesk.reports.postmortem.markup import (
    Band,
    chunk_limit,
    grey,
    grey_struck,
    small,
    small_struck,
)

TIMELINE_COLUMNS = (0.13, 0.17, 0.12, 0.58)


def timeline(b: Builder) -> list[Any]:
    st = b.st
    entries = incident_entries(b.data.timeline)
    parts: list[Any] = [
        b.h1(SECTIONS[3]),
        b.p(
            f"Every entry in the incident's log ({len(entries):,}), in the order things "
            f"happened, in {b.t(b.zone_name())}. An entry written later than it "
            "happened shows when it was written; a withdrawn entry is struck through; a "
            "change the log kept but did not apply is marked <b>not applied</b>; an entry "
            "signed with a name other than its account's person in the directory says whose "
            "account wrote it.",
            st.muted,
        ),
    ]
    if not entries:
        return [*parts, b.p("<i>The timeline is empty.</i>")]
    by_id = {e.event_id: e for e in entries}
    rows: list[Any] = []
    last_day: date | None = None
    for e in entries:
        local = e.occurred_at.astimezone(b.zone)
        if local.date() != last_day:
            last_day = local.date()
            rows.append(Band(f"{local:%A %d %B %Y}"))
        rows.append(timeline_row(b, e, by_id))
    parts.append(b.table(["Time", "Who", "Kind", "What happened"], rows, TIMELINE_COLUMNS))
    return parts


def timeline_row(b: Builder, e: TimelineEntry, by_id: Mapping[str, TimelineEntry]) -> list[Any]:
    st = b.st
    fraction = TIMELINE_COLUMNS[-1]
    time_cell = b.t(b.local(e.occurred_at, date_=False))
    if e.backdated:
        written = e.recorded_at.astimezone(b.zone)
        same_day = written.date() == e.occurred_at.astimezone(b.zone).date()
        shown = f"{written:%H:%M}" if same_day else f"{written:%d %b %H:%M}"
        time_cell += f'<br/><font size="6.5" color="#5f6368">written {b.t(shown)}</font>'
    kind = e.kind.replace("-", " ").replace("_", " ").capitalize()
    style = st.cell_muted if (e.retracted or e.not_applied) else st.cell
    wrap = None
    if e.retracted:
        wrap = grey_struck
    elif e.not_applied:
        wrap = grey
    text = b.pieces(e.text, fraction, wrap)
    notes: list[str] = []
    if e.retracted:
        notes.append('<font size="7" color="#b00020">Withdrawn</font>')
    elif e.original_text is not None:
        first, *more = b.pieces(e.original_text, fraction, small_struck)
        notes.append(small("Corrected; it first read: ") + first)
        notes += more
    elif e.corrected_by and not e.is_note:
        notes.append(small("Its time was corrected."))
    if e.corrects:
        target = by_id.get(e.corrects)
        if target is not None:
            notes.append(
                small(
                    f"Corrects the entry of {b.t(b.local(target.occurred_at))} by "
                    f"{b.t(target.author.name)}"
                )
            )
    if e.not_applied:
        notes.append(
            f'<font size="7" color="#b00020"><b>Not applied:</b> {b.t(e.not_applied)}</font>'
        )
    number = b.message_numbers.get(e.event_id)
    if number:
        notes.append(small(f"In full in appendix {number}"))
    # Short notes go under the text in the same cell; long ones continue below it.
    limit = chunk_limit(fraction) * 2
    for note in notes:
        if len(text[-1]) + len(note) < limit:
            text[-1] = f"{text[-1]}<br/>{note}" if text[-1] else note
        else:
            text.append(note)
    author = b.t(e.author.name)
    owner = b.data.signed_by_another.get(e.event_id)
    if owner:
        # Signed with one name by the account of another: leadership reads both.
        author += "<br/>" + small(f"written by account {b.t(e.author.login)}, {b.t(owner)}'s")
    return [
        b.cell(time_cell),
        b.cell(author),
        b.cell(b.t(kind), st.cell_muted),
        [b.cell(m, style) for m in text],
    ]
