"""The timeline: add notes (back-dated when needed) and correct entries."""

from __future__ import annotations

from datetime import datetime

from mimdesk.domain.events import format_time
from mimdesk.domain.payloads import Corrected, NoteAdded
from mimdesk.errors import InvalidInput, NotFound
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import resolve, view
from mimdesk.usecases.validate import MAX_NOTE, check_time, choose, clean_text


def add_note(
    ctx: Context,
    *,
    reference: str,
    text: str,
    kind: str = "observation",
    occurred_at: datetime | None = None,
) -> tuple[str, Changes]:
    """Add a note; returns its event id."""
    summary = resolve(ctx, reference)
    kind = choose(ctx.vocab.note_kinds, kind)
    text = clean_text(text, what="note", limit=MAX_NOTE, required=True)
    if occurred_at is not None:
        check_time(occurred_at, what="time of the note", now=ctx.now())
    event = ctx.event(summary.stream_id, NoteAdded(text=text, kind=kind), occurred_at)
    ctx.log.append([event])
    return event.event_id, Changes(frozenset({summary.stream_id}), incidents_list=True)


def correct(
    ctx: Context,
    *,
    reference: str,
    target: str,
    text: str | None = None,
    kind: str | None = None,
    occurred_at: datetime | None = None,
    retract: bool = False,
) -> Changes:
    """Correct an earlier entry. The original stays in the log and the timeline shows both."""
    summary = resolve(ctx, reference)
    incident = view(ctx, summary.stream_id, summary.reference)
    entry = next((t for t in incident.timeline if t.event_id == target), None)
    if entry is None:
        raise NotFound(f"{summary.reference} has no entry {target}.", "Pick an entry to correct.")
    if entry.corrects is not None:
        raise InvalidInput(
            "A correction cannot itself be corrected.", "Correct the original entry again instead."
        )
    if text is not None:
        if not entry.is_note:
            raise InvalidInput("Only notes can be reworded.", "Add a note that explains instead.")
        text = clean_text(text, what="note", limit=MAX_NOTE, required=not retract)
    if kind is not None:
        kind = choose(ctx.vocab.note_kinds, kind)
    if occurred_at is not None:
        check_time(occurred_at, what="corrected time", now=ctx.now())
    if retract and not entry.is_note:
        raise InvalidInput("Only notes can be withdrawn.", "Add a note that explains instead.")
    if text is None and kind is None and occurred_at is None and not retract:
        raise InvalidInput("The correction changes nothing.", "Change the text or the time.")
    correction = Corrected(
        target=target,
        text=text,
        kind=kind,
        retract=retract,
        occurred_at=format_time(occurred_at),
    )
    ctx.log.append([ctx.event(summary.stream_id, correction)])
    return Changes(frozenset({summary.stream_id}))
