"""Exchange formats: incident export and import, and back-fill import, as versioned JSON.

An export holds one incident's events in full, so that importing it elsewhere rebuilds exactly
the same incident, and beside them a readable summary for people and other tools. The full
description, with examples, is in ``resources/schemas/incident-export-v1.md``; in short:

The incident document (``"format": "mimdesk.incident"``, ``"version": 1``)::

    {
      "format": "mimdesk.incident",
      "version": 1,
      "incident": {"id": "<uuid>", "reference": "MI-7KQ4F"},
      "summary": { ... },                    # derived from the events; ignored on import
      "events": [
        {
          "id": "<uuid>",                    # unique everywhere: importing twice adds nothing
          "type": "note.added",              # an event type (mimdesk.domain.events.EventType)
          "occurred_at": "2026-11-28T21:44:00+00:00",  # when it happened (ISO-8601, with zone)
          "recorded_at": "2026-11-28T21:54:12.345678+00:00",  # when a desk wrote it
          "author": {"name": "Chris Doyle", "login": "cdoyle"},
          "desk_id": "<uuid>",               # the installation that wrote it
          "hlc": "112233445566778899",       # hybrid logical clock, a decimal string
          "payload_v": 1,                    # the payload's version in the schema
          "payload": {"text": "..."}         # as mimdesk.domain.schema writes it
        }
      ]
    }

Events are listed in the log's order (hlc, desk id, event id). The export is a pure function
of the incident's events and its reference, with no export time in it, so exporting,
importing into an empty database and exporting again gives the same bytes. ``hlc`` is written
as a string because it does not fit the 53 bits a JavaScript number holds; import takes a
string of digits or a whole number.

For a hand-written file only ``type``, ``occurred_at`` and ``payload`` are required in each
event: a missing ``id`` is derived from the event's content (so importing the same file twice
still adds nothing), a missing ``recorded_at`` is the time of the import, a missing ``author``
is the person importing, a missing ``desk_id`` is this desk, and a missing ``hlc`` keeps the
events in the file's order. ``incident.id`` may be left out too.

The back-fill document (``"format": "mimdesk.backfill"``, ``"version": 1``) records an incident
handled before the desk had MIM Desk, in the words a person would use::

    {
      "format": "mimdesk.backfill", "version": 1,
      "title": "Payroll export failed", "reported_at": "2026-03-02T08:10:00+01:00",
      "reported_by": "Chris Doyle", "severity": "SEV2", "impact": "...",
      "users_affected": 300, "services": ["Payroll"],
      "impact_started_at": "...", "detected_at": "...",
      "declared_at": "...", "mim": "Priya Raman", "declaration_rationale": "...",
      "mitigated_at": "...", "resolved_at": "...", "closed_at": "...",
      "status": "resolved",
      "external_ref": "INC0012345",
      "roles": [{"role": "tech_lead", "person": "Marcus Oyelaran", "at": "..."}],
      "entries": [{"at": "...", "author": "Chris Doyle", "text": "...", "kind": "observation"}],
      "updates": [{"at": "...", "author": "...", "audience": "executives", "channel": "email",
                   "subject": "...", "body": "...", "recipients": ["..."]}],
      "postmortem": {"summary": "...", "root_cause": "...", "authors": ["..."]},
      "follow_ups": [{"title": "...", "owner": "...", "due": "2026-04-01",
                      "priority": "high", "kind": "prevent", "status": "open"}]
    }

Only ``title``, ``reported_at`` and ``status`` are required; each entry needs ``at`` and
``text``. It becomes the events a desk would have written, each with the time it happened.

Version 2 of the back-fill (``"version": 2``) holds what published postmortems hold without an
invented value: ``"declared": false`` (handled as major, never formally declared: no declared
time, and severity may be left out); a time as ``{"at": "...", "precision": "hour"}`` (or
``"day"``, with ``"at": "2025-06-08"`` read in the file's ``"zone"``), entries and updates with
``"precision"`` beside their ``"at"``, and an update with ``"precision": "unknown"`` and no time;
``impact_ended_at``; ``users_affected`` as a line ("about 1,000-5,000 EU customers");
``"cadences": {"executives": 60}``; roles of up to 200 characters with a ``note``; a follow-up
without a priority recorded as none (version 1 made it "medium"). A version 1 file reads as it
always did, to the same event ids.

Import checks the whole document before writing anything and names the JSON path of every bad
field (``events[12].occurred_at: not an ISO-8601 time with a zone``).

Each payload is read by the one schema of event payloads (:mod:`mimdesk.domain.schema`): a
payload without its type's shape is refused, with the schema's words for what is wrong. What
was recorded is never refused or changed for its words: a value outside a vocabulary (a note
kind, a status, a postmortem field, a follow-up's priority this desk does not know) is
imported as recorded, exported again unchanged, and shown as not applied where it cannot
apply, the same as an event pulled from another desk. An event type this desk does not know
(a newer desk's) is kept as it came and exported again unchanged. Export writes each payload
as the schema encodes it.

The incident format lives in :mod:`mimdesk.exchange.incident_format` (with the reading of an
imported payload in :mod:`mimdesk.exchange.event_payloads`), the back-fill format in
:mod:`mimdesk.exchange.backfill_format` (its version, zone and rough times read by
:mod:`mimdesk.exchange.backfill_reader`), and the checks both share in
:mod:`mimdesk.exchange.validation`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mimdesk.domain.events import Author
from mimdesk.exchange.backfill_format import BACKFILL_FORMAT, BACKFILL_VERSION, parse_backfill
from mimdesk.exchange.backfill_reader import FORMAT_DOCUMENT
from mimdesk.exchange.incident_format import (
    FORMAT,
    INCIDENT_TYPES,
    build_document,
    dumps,
    event_record,
    parse_incident,
    summary,
)
from mimdesk.exchange.validation import VERSION, Checker, InvalidDocument, Parsed, describe
from mimdesk.resources import resource_path

__all__ = [
    "BACKFILL_FORMAT",
    "BACKFILL_VERSION",
    "FORMAT",
    "FORMAT_DOCUMENT",
    "INCIDENT_TYPES",
    "VERSION",
    "InvalidDocument",
    "Parsed",
    "build_document",
    "dumps",
    "event_record",
    "format_document",
    "parse",
    "summary",
]


def parse(data: Any, *, now: datetime, author: Author, desk_id: str) -> Parsed:
    """Check a document and turn it into events; raises InvalidDocument listing every problem.

    ``now``, ``author`` and ``desk_id`` fill what a hand-written file leaves out.
    """
    c = Checker(now)
    root = c.obj(data, "(document)")
    if root is None:
        raise InvalidDocument(c.problems)
    fmt = root.get("format")
    if fmt not in (FORMAT, BACKFILL_FORMAT):
        c.bad(
            "format",
            f'must be "{FORMAT}" or "{BACKFILL_FORMAT}", not {describe(fmt)}; both are '
            f"described in {format_document()}",
        )
        raise InvalidDocument(c.problems)
    version = root.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        c.bad("version", f"must be a whole number, not {describe(version)}")
        raise InvalidDocument(c.problems)
    newest = BACKFILL_VERSION if fmt == BACKFILL_FORMAT else VERSION
    if version > newest:
        c.bad(
            "version",
            f"{version} is newer than this MIM Desk reads ({newest}); update MIM Desk",
        )
        raise InvalidDocument(c.problems)
    if version < 1:
        c.bad("version", f"{version} is not a version of the format")
        raise InvalidDocument(c.problems)
    if fmt == BACKFILL_FORMAT:
        c.refuse_future = True
        parsed = parse_backfill(c, root, now=now, author=author, desk_id=desk_id)
    else:
        parsed = parse_incident(c, root, now=now, author=author, desk_id=desk_id)
    if c.problems or parsed is None:
        raise InvalidDocument(c.problems)
    return parsed


def format_document() -> str:
    """Where a person reads the formats: the document's place in MIM Desk's sources, and the
    file this installation holds (which an installed or frozen copy keeps elsewhere)."""
    try:
        held = resource_path(*FORMAT_DOCUMENT.split("/")[1:])
    except FileNotFoundError:
        return FORMAT_DOCUMENT
    return f"{FORMAT_DOCUMENT} ({held})"
