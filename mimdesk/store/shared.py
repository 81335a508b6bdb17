"""The shared database (PostgreSQL or MariaDB): its schema, its migrations, its engine.

The shared database holds the one log every desk replicates (SYNC.md, section 4):

- ``sync_meta``: key/value facts: ``schema_version`` (an integer desks compare with the one
  they know), ``min_client_schema``, ``log_epoch`` (a new id when the log is created, so a desk
  pointed at another database, or at one restored from an older dump, notices);
- ``sync_head``: one row, ``last_seq``: the counter that hands out the gapless ``seq`` numbers.
  A push holds this row locked (``FOR UPDATE``) from allocation to commit, so seqs become
  visible in order and a rollback gives its numbers back;
- ``event``: the envelope columns and the payload stored verbatim as text, with the ``seq``;
- ``desk``: who synchronised when, and their clock offset.

Its Alembic scripts live in ``shared_migrations/``, apart from the local ones: the two schemas
evolve separately, and only ``mimdesk db init --shared URL`` changes the shared one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects import mysql

from mimdesk.store.models import NAMING_CONVENTION, UTCDateTime

# The shared schema version this MIM Desk writes and understands. A database with a larger
# number was upgraded by a newer MIM Desk: this one keeps working locally and does not sync.
SCHEMA_VERSION = 1
# Every Alembic revision of the shared schema this version knows, oldest first.
KNOWN_REVISIONS: tuple[str, ...] = ("s0001_shared_log",)
HEAD = KNOWN_REVISIONS[-1]
VERSION_TABLE = "mimdesk_schema_version"
SCRIPT_LOCATION = Path(__file__).parent / "shared_migrations"

# Payloads may be large (a pasted log excerpt): MariaDB's TEXT stops at 64 KiB.
LONG_TEXT = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
_TABLE_OPTIONS: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

sync_meta = Table(
    "sync_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    **_TABLE_OPTIONS,
)

sync_head = Table(
    "sync_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
    **_TABLE_OPTIONS,
)

event = Table(
    "event",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("stream_id", String(36), nullable=False),
    Column("type", String(64), nullable=False),
    Column("payload_v", Integer, nullable=False),
    Column("payload", LONG_TEXT, nullable=False),
    Column("hlc", BigInteger, nullable=False),
    Column("desk_id", String(36), nullable=False),
    Column("author_name", String(200), nullable=False),
    Column("author_login", String(200), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("app_version", String(40), nullable=False, server_default=""),
    Column("received_at", UTCDateTime, nullable=False),
    Index("ix_event_stream_seq", "stream_id", "seq"),
    **_TABLE_OPTIONS,
)

desk = Table(
    "desk",
    metadata,
    Column("desk_id", String(36), primary_key=True),
    Column("label", String(200), nullable=False, server_default=""),
    Column("app_version", String(40), nullable=False, server_default=""),
    Column("last_seen_at", UTCDateTime, nullable=True),
    Column("clock_offset_ms", BigInteger, nullable=True),
    **_TABLE_OPTIONS,
)

# The columns a desk sends and receives, in this order.
EVENT_COLUMNS = (
    "event_id",
    "stream_id",
    "type",
    "payload_v",
    "payload",
    "hlc",
    "desk_id",
    "author_name",
    "author_login",
    "occurred_at",
    "recorded_at",
)


def now_utc() -> datetime:
    return datetime.now(UTC)


# ---- migrations ------------------------------------------------------------------------


def alembic_config():  # noqa: ANN201 (alembic is imported lazily; its type too)
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Create or upgrade the shared schema (``mimdesk db init --shared URL``)."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def read_meta(connection: Connection) -> dict[str, str]:
    """The ``sync_meta`` facts, or an empty dict on a database without the schema."""
    if not inspect(connection).has_table("sync_meta"):
        return {}
    return {k: v for k, v in connection.execute(select(sync_meta.c.key, sync_meta.c.value))}


def schema_version(meta: dict[str, str]) -> int | None:
    try:
        return int(meta["schema_version"])
    except (KeyError, ValueError):
        return None


# ---- the append-only role --------------------------------------------------------------


def create_role_sql(role: str, database: str) -> list[str]:
    """PostgreSQL statements creating a group role that may add and read events, never change
    or delete them: the audit trail is append-only in the database itself.

    Desks also need to move the head counter and record themselves, so the role may UPDATE
    ``sync_head`` and INSERT/UPDATE ``desk``; ``sync_meta`` is read-only to it.
    """
    if not role.replace("_", "").isalnum():
        raise ValueError(f"{role!r} is not a plain role name (letters, digits, _)")
    return [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') "
        f'THEN CREATE ROLE "{role}" NOLOGIN; END IF; END $$',
        f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'REVOKE ALL ON event, sync_head, sync_meta, desk, {VERSION_TABLE} FROM "{role}"',
        f'GRANT SELECT, INSERT ON event TO "{role}"',
        f'GRANT SELECT, UPDATE ON sync_head TO "{role}"',
        f'GRANT SELECT ON sync_meta, {VERSION_TABLE} TO "{role}"',
        f'GRANT SELECT, INSERT, UPDATE ON desk TO "{role}"',
    ]
