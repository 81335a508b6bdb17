"""Section 4: every entry of the log, with corrections, withdrawals and changes not applied.

The table reads in one pass: time, who, what, one line per entry where the text fits. A note's
kind goes before its text (an observation, the usual kind, says nothing); the milestones (the
report, the declaration, mitigation, resolution, and the key times of impact and detection)
stand out; an entry written later than it happened says when it was written, and a back-fill
written in one go says so once instead of on every line.

Edits to the review itself are not the incident's: they are listed with the review (section 3,
"Review history")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mimdesk.domain import keytimes, precision
from mimdesk.domain.payloads import Decided, IncidentReported, StatusChanged
from mimdesk.domain.timeline import TimelineEntry, incident_entries
from mimdesk.domain.vocabulary import NOTE_KINDS
from mimdesk.domain.wording import counted
from mimdesk.reports.postmortem.builder import Builder
from mimdesk.reports.postmortem.data import SECTIONS
from mimdesk.reports.postmortem.markup import (
    Band,
    Highlight,
    chunk_limit,
    grey,
    grey_struck,
    small,
    small_struck,
)

TIMELINE_COLUMNS = (0.1, 0.19, 0.71)
# The key times shown as rows of their own, unless an entry already says the same.
KEY_TIME_ROWS = ("impact_started_at", "detected_at", "impact_ended_at")
# The status changes that are milestones.
MILESTONE_STATUSES = frozenset({"declared", "mitigated", "resolved", "closed"})
# This many entries written at the same instant, all later than they happened: a back-fill.
BATCH = 3


@dataclass(frozen=True, slots=True)
class _KeyTime:
    """A key time shown as a row: when the impact started, when it was detected."""

    name: str
    at: datetime
    precision: str


def timeline(b: Builder) -> list[Any]:
    st = b.st
    entries = incident_entries(b.data.timeline)
    batches = _batches(entries)
    key_rows = _key_time_rows(b, entries)
    intro = (
        f"Every entry in the incident's log ({len(entries):,}), in the order things "
        f"happened, in {b.t(b.zone_name())}. A note's kind is shown before its text; "
        "milestones are shaded"
    )
    if key_rows:
        named = ", ".join(keytimes.label(k.name) for k in key_rows)
        intro += f"; the key times ({named}) are rows of their own"
    rough = [e for e in entries if not precision.is_exact(getattr(e, "precision", ""))]
    if rough or any(not precision.is_exact(k.precision) for k in key_rows):
        intro += (
            "; a time known only to the hour reads <i>around</i> that hour, and one known only "
            "to the day, or not at all, reads <i>time not known</i>"
        )
    intro += (
        ". An entry written later than it happened says when it was written; a withdrawn "
        "entry is struck through; a change the log kept but did not apply is marked <b>not "
        "applied</b>; an entry signed with a name other than its account's person in the "
        "directory says whose account wrote it."
    )
    parts: list[Any] = [b.h1(SECTIONS[3]), b.p(intro, st.muted)]
    for when, count in sorted(batches.items()):
        parts.append(
            b.p(
                f"{counted(count, 'entry', 'entries')} were written together on "
                f"{b.t(b.local(when))}, after the incident (a back-fill); their times are when "
                "things happened.",
                st.muted,
            )
        )
    if not entries:
        return [*parts, b.p("<i>The timeline is empty.</i>")]
    by_id = {e.event_id: e for e in entries}
    milestones = _milestones(b)
    merged: list[tuple[datetime, int, TimelineEntry | _KeyTime]] = [(k.at, 0, k) for k in key_rows]
    merged += [(e.occurred_at, 1, e) for e in entries]
    # Stable: entries keep the log's order; a key time goes before an entry of its instant.
    merged.sort(key=lambda item: (item[0], item[1]))
    rows: list[Any] = []
    last_day: date | None = None
    for when, _, item in merged:
        local = when.astimezone(b.zone)
        if local.date() != last_day:
            last_day = local.date()
            rows.append(Band(f"{local:%A %d %B %Y}"))
        if isinstance(item, _KeyTime):
            rows.append(Highlight(key_time_row(b, item)))
            continue
        milestone = item.event_id in milestones and not item.not_applied
        row = timeline_row(b, item, by_id, batched=item.recorded_at in batches, milestone=milestone)
        rows.append(Highlight(row) if milestone else row)
    parts.append(b.table(["Time", "Who", "What happened"], rows, TIMELINE_COLUMNS))
    return parts


def _batches(entries: list[TimelineEntry]) -> dict[datetime, int]:
    """The instants at which several back-dated entries were written at once (a back-fill or an
    import), with how many: their "written" is said once, not on every line."""
    counts = Counter(e.recorded_at for e in entries if e.backdated)
    return {when: n for when, n in counts.items() if n >= BATCH}


def _milestones(b: Builder) -> set[str]:
    """The events that are milestones: the report, the declaration, mitigation, resolution."""
    out = set()
    for event in b.data.events:
        p = event.payload
        if (
            isinstance(p, IncidentReported)
            or (isinstance(p, StatusChanged) and p.to in MILESTONE_STATUSES)
            or (isinstance(p, Decided) and p.decision == "declare")
        ):
            out.add(event.event_id)
    return out


def _key_time_rows(b: Builder, entries: list[TimelineEntry]) -> list[_KeyTime]:
    """The impact's start and end and the detection as rows, unless an entry of that minute
    already records it (a detection note at the detection time)."""
    s = b.state
    out = []
    for name in KEY_TIME_ROWS:
        when = s.key_times.get(name)
        if when is None:
            continue
        label = keytimes.label(name)
        minute = when.replace(second=0, microsecond=0)
        if any(
            e.occurred_at.replace(second=0, microsecond=0) == minute
            and (
                e.text.casefold().startswith(label)
                or (name == "detected_at" and e.kind == "detection")
            )
            for e in entries
        ):
            continue
        out.append(_KeyTime(name, when, s.time_precision.get(name, "")))
    return out


def time_shown(b: Builder, when: datetime, precision_: str) -> str:
    """The time of a row: "09:55 CET", or as precisely as it is known ("around 14:00 CET (to
    the hour)", "time not known"); the date is in the band above."""
    if precision.is_exact(precision_):
        return b.local(when, date_=False)
    if precision_ == precision.HOUR:
        # "(to the hour)" is said once, in the section's introduction: the column stays narrow.
        local = when.astimezone(b.zone)
        return f"around {local:%H}:00 {local:%Z}".strip()
    return "time not known"


def time_markup(b: Builder, when: datetime, precision_: str) -> str:
    """The time cell: a time to the minute never breaks before its zone (the column is made
    wide enough for it); a coarser one wraps between its words."""
    shown = b.t(time_shown(b, when, precision_))
    return shown.replace(" ", "&nbsp;") if precision.is_exact(precision_) else shown


def key_time_row(b: Builder, k: _KeyTime) -> list[Any]:
    st = b.st
    what = f"<b>{b.t(keytimes.label(k.name).capitalize())}</b>"
    if k.name == "impact_ended_at":
        what += " " + small("(customers no longer affected)")
    return [
        b.cell(time_markup(b, k.at, k.precision)),
        b.cell("key time", st.cell_muted),
        [b.cell(what)],
    ]


def kind_label(e: TimelineEntry) -> str:
    """A note's kind, shown before its text; none for an observation (the usual kind) or an
    entry that is not a note (its text says what it is)."""
    if not e.is_note or e.kind in ("", "observation"):
        return ""
    return NOTE_KINDS.label(e.kind).replace("_", " ")


def written_markup(b: Builder, e: TimelineEntry) -> str:
    """ "written 10:02", "written 29 Nov 10:02", "written 8 Dec 2026 00:30": the day when it
    differs from the entry's own, the year only when that differs too."""
    written = e.recorded_at.astimezone(b.zone)
    own = e.occurred_at.astimezone(b.zone)
    if written.date() == own.date():
        shown = f"{written:%H:%M}"
    elif written.year == own.year:
        shown = f"{written.day} {written:%b %H:%M}"
    else:
        shown = f"{written.day} {written:%b %Y %H:%M}"
    return small(f"written {b.t(shown)}")


def timeline_row(
    b: Builder,
    e: TimelineEntry,
    by_id: Mapping[str, TimelineEntry],
    *,
    batched: bool = False,
    milestone: bool = False,
) -> list[Any]:
    st = b.st
    fraction = TIMELINE_COLUMNS[-1]
    time_cell = time_markup(b, e.occurred_at, getattr(e, "precision", ""))
    style = st.cell_muted if (e.retracted or e.not_applied) else st.cell
    if milestone and style is st.cell:
        style = st.cell_bold
    wrap = None
    if e.retracted:
        wrap = grey_struck
    elif e.not_applied:
        wrap = grey
    text = b.pieces(e.text, fraction, wrap)
    kind = kind_label(e)
    if kind:
        text[0] = f'<font color="#5f6368">{b.t(kind)} ·</font> {text[0]}'
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
    if e.backdated and not batched:
        # On the entry's line, after its text: it stays one line when there is room.
        text[-1] = f"{text[-1]} &nbsp;{written_markup(b, e)}"
    author = b.t(e.author.name)
    owner = b.data.signed_by_another.get(e.event_id)
    if owner:
        # Signed with one name by the account of another: leadership reads both.
        author += "<br/>" + small(f"written by account {b.t(e.author.login)}, {b.t(owner)}'s")
    return [
        b.cell(time_cell),
        b.cell(author),
        [b.cell(m, style) for m in text],
    ]
