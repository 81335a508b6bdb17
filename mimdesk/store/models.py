"""The local database's tables: the event log, the summary projection, desk metadata, sync
state; and how a UTC instant is stored."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# Stable constraint names on every database, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def time_to_text(value: datetime | None) -> str | None:
    """A UTC instant as UTCDateTime stores it, for statements sent to the driver directly."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime reached the database")
    return value.astimezone(UTC).strftime(TIME_FORMAT)


def time_from_text(value: str | None) -> datetime | None:
    """What :func:`time_to_text` wrote, read back."""
    return None if value is None else datetime.fromisoformat(value)


class UTCDateTime(TypeDecorator[datetime]):
    """A UTC instant stored as fixed-width ISO-8601 text ending in Z.

    Text rather than a native type: it means the same on SQLite, PostgreSQL and MariaDB, sorts
    correctly as a string, and parses with ``datetime.fromisoformat`` (far faster than the
    SQLite dialect's regular expression), which matters when folding thousands of events.
    """

    impl = String(27)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return time_to_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return time_from_text(value)


metadata = MetaData(naming_convention=NAMING_CONVENTION)

# SQLAlchemy Core tables, not ORM classes: nothing here maps rows to objects (events are
# immutable values made by event_rows), and importing sqlalchemy.orm would cost every command
# and the window's start about a third more than SQLAlchemy itself (tests/benchmarks, cli).

event_table = Table(
    "event",
    metadata,
    # Local insertion order; the shared order is (hlc, desk_id, event_id).
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("stream_id", String(36), nullable=False),
    Column("type", String(64), nullable=False),
    Column("payload_v", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("hlc", BigInteger, nullable=False),
    Column("desk_id", String(36), nullable=False),
    Column("author_name", String(200), nullable=False),
    Column("author_login", String(200), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    # Set once the shared database has acknowledged the event (sync, a later issue).
    Column("server_seq", BigInteger, nullable=True),
    # The writing desk's Ed25519 signature over the immutable fields (store/signatures.py);
    # "" for an event written before desks signed.
    Column("signature", String(100), nullable=False, server_default=""),
    # The database login the shared database stamped on the row ("" until it is shared, or
    # when it came from a server that does not stamp).
    Column("db_login", String(128), nullable=False, server_default=""),
    Index("ix_event_stream_hlc", "stream_id", "hlc"),
    # The outbox: events the shared database has not acknowledged have no server_seq.
    Index("ix_event_server_seq", "server_seq"),
)

summary_table = Table(
    "incident_summary",
    metadata,
    Column("stream_id", String(36), primary_key=True),
    Column("reference", String(20), nullable=False, unique=True),
    Column("base_reference", String(20), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("severity", String(20), nullable=False),
    Column("mim", String(200), nullable=False),
    Column("reported_at", UTCDateTime, nullable=True),
    Column("declared_at", UTCDateTime, nullable=True),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("decision", String(10), nullable=False, server_default=""),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=True),
    Column("event_count", Integer, nullable=False),
    Column("last_hlc", BigInteger, nullable=False),
    Column("search_text", Text, nullable=False),
)

# Desk-local facts: the desk id, the last HLC issued.
meta_table = Table(
    "desk_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Where this desk stands with the shared database: pull cursor, log epoch, last sync, clock
# offset (mimdesk.sync). Key/value, so that the sync can grow without a migration.
sync_state_table = Table(
    "sync_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# The public keys of the desks this desk has met: the first key seen for a desk is pinned
# (trust on first use); any other key later presented for it is kept beside it, unpinned,
# and raises an alarm.
desk_key_table = Table(
    "desk_key",
    metadata,
    Column("desk_id", String(36), primary_key=True),
    Column("public_key", String(100), primary_key=True),
    Column("pinned", Integer, nullable=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
)

# What this desk found wrong with the record: an event whose signature does not verify, a
# desk presenting a changed key, the shared copy of an event differing from this desk's.
# Kept until someone looks into it; never deleted by the sync.
record_alarm_table = Table(
    "record_alarm",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("desk_id", String(36), nullable=False),
    # JSON: what this desk holds and what it was shown, field by field.
    Column("detail", Text, nullable=False),
    Column("found_at", UTCDateTime, nullable=False),
    UniqueConstraint("kind", "event_id", "desk_id", name="uq_record_alarm_what"),
)
