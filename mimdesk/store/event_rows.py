"""Events as the event table holds them, and back.

The only place in the store where a payload becomes JSON text or is read back from it (through
the schema's codec).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mimdesk.domain import schema
from mimdesk.domain.events import Author, Event
from mimdesk.store.models import event_table

# The envelope columns, in the order to_event reads them; server_seq is last, so that
# EVENT_COLUMNS[:-1] is an event as another desk relays it (the server stamps db_login again).
EVENT_COLUMNS = (
    event_table.c.event_id,
    event_table.c.stream_id,
    event_table.c.type,
    event_table.c.payload,
    event_table.c.author_name,
    event_table.c.author_login,
    event_table.c.desk_id,
    event_table.c.hlc,
    event_table.c.occurred_at,
    event_table.c.recorded_at,
    event_table.c.payload_v,
    event_table.c.signature,
    event_table.c.db_login,
    event_table.c.server_seq,
)


# What a signature covers, and the signature (mimdesk.store.signatures).
SIGNED_COLUMNS = EVENT_COLUMNS[:-2]


def to_event(row: Sequence[Any]) -> Event:
    """An event from a row selected with EVENT_COLUMNS."""
    return _event(row, row[8], row[9])


# The same columns by name, for statements sent straight to SQLite (the read model's).
COLUMN_NAMES = ", ".join(c.name for c in EVENT_COLUMNS)


def driver_row_to_event(row: Sequence[Any]) -> Event:
    """An event from a row of COLUMN_NAMES read straight from the driver: its times are the
    stored text (models.UTCDateTime), parsed here instead of by SQLAlchemy's result."""
    return _event(row, datetime.fromisoformat(row[8]), datetime.fromisoformat(row[9]))


def _event(row: Sequence[Any], occurred_at: datetime, recorded_at: datetime) -> Event:
    return Event(
        event_id=row[0],
        stream_id=row[1],
        type=row[2],
        payload=schema.loads(row[2], row[10], row[3]),
        author=Author(row[4], row[5]),
        desk_id=row[6],
        hlc=row[7],
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        payload_v=row[10],
        signature=row[11],
        db_login=row[12],
        server_seq=row[13],
    )


def dict_to_event(r: Mapping[str, Any]) -> Event:
    """An event from a row keyed by column name (as pulled from the shared database)."""
    return Event(
        event_id=r["event_id"],
        stream_id=r["stream_id"],
        type=r["type"],
        payload=schema.loads(r["type"], r["payload_v"], r["payload"]),
        author=Author(r["author_name"], r["author_login"]),
        desk_id=r["desk_id"],
        hlc=r["hlc"],
        occurred_at=r["occurred_at"],
        recorded_at=r["recorded_at"],
        payload_v=r["payload_v"],
        signature=r.get("signature", ""),
        db_login=r.get("db_login", ""),
        server_seq=r.get("server_seq"),
    )


def to_row(e: Event) -> dict[str, Any]:
    """The event's row keyed by column name; times stay datetimes (the column type, or
    models.time_to_text, writes them)."""
    version, payload = schema.dumps(e.payload)
    return {
        "event_id": e.event_id,
        "stream_id": e.stream_id,
        "type": e.type,
        "payload_v": version,
        "payload": payload,
        "hlc": e.hlc,
        "desk_id": e.desk_id,
        "author_name": e.author.name,
        "author_login": e.author.login,
        "occurred_at": e.occurred_at,
        "recorded_at": e.recorded_at,
        "signature": e.signature,
        "server_seq": e.server_seq,
        # Stamped by the shared database on its copy; this desk's own row has none.
        "db_login": e.db_login,
    }
