"""Typed SQLAlchemy models: the event log, the summary projection, desk metadata."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Index, Integer, MetaData, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class EventRow(Base):
    __tablename__ = "event"

    # Local insertion order; the shared order is (hlc, desk_id, event_id).
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    stream_id: Mapped[str] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(64))
    payload_v: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    hlc: Mapped[int] = mapped_column(BigInteger)
    desk_id: Mapped[str] = mapped_column(String(36))
    author_name: Mapped[str] = mapped_column(String(200))
    author_login: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set once the shared database has acknowledged the event (sync, a later issue).
    server_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (
        Index("ix_event_stream_hlc", "stream_id", "hlc"),
        # The outbox: events the shared database has not acknowledged have no server_seq.
        Index("ix_event_server_seq", "server_seq"),
    )


class IncidentSummaryRow(Base):
    __tablename__ = "incident_summary"

    stream_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    base_reference: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), index=True)
    severity: Mapped[str] = mapped_column(String(20))
    mim: Mapped[str] = mapped_column(String(200))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision: Mapped[str] = mapped_column(String(10), server_default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    event_count: Mapped[int] = mapped_column(Integer)
    last_hlc: Mapped[int] = mapped_column(BigInteger)
    search_text: Mapped[str] = mapped_column(Text)


class MetaRow(Base):
    """Desk-local facts: the desk id, the last HLC issued."""

    __tablename__ = "desk_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncStateRow(Base):
    """Where this desk stands with the shared database: pull cursor, log epoch, last sync,
    clock offset (mimdesk.sync). Key/value, so that the sync can grow without a migration."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
