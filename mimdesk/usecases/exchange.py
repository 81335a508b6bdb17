"""Export an incident to JSON, import one (or a back-filled incident) from JSON.

The format is described in :mod:`mimdesk.exchange` and
``resources/schemas/incident-export-v1.md``. Import checks the whole file first and writes
all of it in one transaction or nothing; events already in the database (by their ids) are
skipped, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mimdesk import exchange as fmt
from mimdesk import outputs
from mimdesk.domain.events import Event
from mimdesk.errors import InvalidInput, MimDeskError, Refused
from mimdesk.usecases import untrusted_file
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import resolve

Progress = Callable[[int, int], None]
MAX_FILE_BYTES = 200 * 1024 * 1024  # bytes read, not the size the file claims
MAX_DEPTH = untrusted_file.MAX_DEPTH


class ImportRefused(InvalidInput):
    """The file cannot be imported. ``problems`` lists each bad field by its JSON path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        shown = problems[:20]
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(
            f"{source} was not imported: {'; '.join(shown)}{more}.",
            "Nothing was imported. Correct the file and import it again.",
        )
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    reference: str
    stream_id: str
    imported: int  # events added
    already_present: int  # events skipped: the database had them already
    kind: str  # "mimdesk.incident" or "mimdesk.backfill"
    file_reference: str  # the reference the file gave; differs if it was taken here
    changes: Changes

    def sentence(self) -> str:
        if self.imported == 0:
            return (
                f"{self.reference}: already present, nothing imported "
                f"({self.already_present} events already in the database)."
            )
        text = f"Imported {self.reference}: {self.imported} events"
        if self.already_present:
            text += f" ({self.already_present} already present, skipped)"
        text += "."
        if self.file_reference and self.file_reference != self.reference:
            text += (
                f" The file calls it {self.file_reference}, which another incident here has;"
                f" here it is {self.reference}."
            )
        return text


# ---- export -------------------------------------------------------------------------------


def export_document(ctx: Context, *, reference: str) -> dict[str, Any]:
    summary = resolve(ctx, reference)
    events = ctx.log.stream(summary.stream_id)
    return fmt.build_document(events, summary.reference)


def export_json(ctx: Context, *, reference: str, out: Path, force: bool = False) -> Path:
    """Write the incident's export to ``out`` (UTF-8 JSON); returns the path.

    An existing ``out`` is replaced only with ``force``; the database, a folder or a device
    never is (see :mod:`mimdesk.outputs`)."""
    protected = outputs.database_files(ctx.log.engine.url.database)
    outputs.check_output_path(out, force=force, protected=protected)
    data = fmt.dumps(export_document(ctx, reference=reference)).encode("utf-8")
    return outputs.write_atomically(out, lambda f: f.write(data), force=force, protected=protected)


# ---- import -------------------------------------------------------------------------------


def read_file(path: Path) -> Any:
    """The JSON in a file, or an error naming the line and column where it stops being JSON.

    Bounded work whatever the file holds: only a regular file, at most MAX_FILE_BYTES read,
    nested at most MAX_DEPTH deep (see :mod:`mimdesk.usecases.untrusted_file`)."""
    path = Path(path)
    raw = untrusted_file.read_bytes(path, MAX_FILE_BYTES, what="an incident file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            str(path), [f"(file): not UTF-8 text (byte {exc.start}); save it as UTF-8"]
        ) from None
    # Before parsing: the parser recurses once a level, and a deep enough file would exhaust
    # the stack instead of being refused.
    if untrusted_file.nesting_depth(raw) > MAX_DEPTH:
        raise InvalidInput(
            f"{path} nests arrays or objects more than {MAX_DEPTH} deep; an incident file "
            "nests a few levels.",
            "Check that this is an incident export.",
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            str(path), [f"(file): not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]
        ) from None


def import_file(ctx: Context, *, path: Path, progress: Progress | None = None) -> ImportResult:
    data = read_file(Path(path))
    return import_document(ctx, data, source=str(path), progress=progress)


def check_document(ctx: Context, data: Any, *, source: str = "The file") -> fmt.Parsed:
    """Check a document without importing it; raises ImportRefused naming every problem."""
    try:
        return fmt.parse(data, now=ctx.now(), author=ctx.author, desk_id=ctx.log.desk_id)
    except fmt.InvalidDocument as exc:
        raise ImportRefused(source, exc.problems) from None


def import_document(
    ctx: Context,
    data: Any,
    *,
    source: str = "The file",
    progress: Progress | None = None,
) -> ImportResult:
    """Import an incident export or a back-fill. All or nothing; ids already here are skipped."""
    report = progress or (lambda done, total: None)
    report(0, 100)
    parsed = check_document(ctx, data, source=source)
    report(30, 100)
    known = ctx.log.streams_of(e.event_id for e in parsed.events)
    clash = sorted({stream for stream in known.values() if stream != parsed.stream_id})
    if clash:
        raise ImportRefused(
            source,
            [
                f"events: {sum(1 for s in known.values() if s != parsed.stream_id)} event ids "
                f"belong to another incident here ({clash[0]})"
            ],
        )
    present = {e.event_id: e for e in ctx.log.stream(parsed.stream_id)}
    problems = []
    for i, event in enumerate(parsed.events):
        mine = present.get(event.event_id)
        if mine is not None and not _same(mine, event):
            problems.append(
                f"events[{i}].id: already present here with different content ({event.event_id})"
            )
    if problems:
        raise ImportRefused(source, problems)
    if present and not any(e.type == "incident.reported" for e in present.values()):
        raise Refused(
            f"{source}: this database holds part of the incident without its report.",
            "Import the complete export.",
        )
    new = [e for e in parsed.events if e.event_id not in present]
    report(50, 100)
    if new:
        ctx.log.append(new)
    report(95, 100)
    summary = ctx.log.summary(parsed.stream_id)
    if summary is None:  # pragma: no cover - the projection always holds an imported incident
        raise MimDeskError(f"{source}: the incident was written but cannot be read back.")
    report(100, 100)
    return ImportResult(
        reference=summary.reference,
        stream_id=parsed.stream_id,
        imported=len(new),
        already_present=len(parsed.events) - len(new),
        kind=parsed.kind,
        file_reference=parsed.reference,
        changes=(Changes(frozenset({parsed.stream_id}), incidents_list=True) if new else Changes()),
    )


def _same(stored: Event, incoming: Event) -> bool:
    """Whether an event in the file is the one already stored (from an import done before).

    What the person wrote is compared, not the stamps: a hand-written file's events get the
    time of the import as their recorded time, which differs from one import to the next.
    Payloads are compared as read, so a file that spells out a default ("kind":
    "observation") holds the same note as the database that leaves it out."""
    return (
        stored.type == incoming.type
        and stored.payload == incoming.payload
        and stored.occurred_at == incoming.occurred_at
        and stored.author.name == incoming.author.name
    )
