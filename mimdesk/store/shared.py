"""The shared database (PostgreSQL or MariaDB): its schema, its migrations, its engine.

The shared database holds the one log every desk replicates (SYNC.md, section 4):

- ``sync_meta``: key/value facts: ``schema_version`` (an integer desks compare with the one
  they know), ``min_client_schema`` (the oldest desk version that may still write here),
  ``log_epoch`` (a new id when the log is created, so a desk pointed at another database, or
  at one restored from an older dump, notices), ``desk_roles`` (roles made by
  ``--create-role``, granted again after each upgrade);
- ``sync_head``: one row, ``last_seq``: the counter that hands out the gapless ``seq`` numbers.
  Only the server-side append step (``mimdesk_append``, revision s0002) moves it: it locks the
  row, assigns the seqs, inserts and commits within one call, so seqs become visible in order,
  a rollback gives its numbers back, and no client round trip ever happens under the lock.
  Desks read it through the ``log_head`` view;
- ``event``: the envelope columns and the payload stored verbatim as text (at most
  :data:`PAYLOAD_LIMIT` bytes), with the ``seq``;
- ``desk``: who synchronised when, and their clock offset (written by ``mimdesk_desk_seen``).

Its Alembic scripts live in ``shared_migrations/``, apart from the local ones: the two schemas
evolve separately, and only ``mimdesk db init --shared URL`` / ``mimdesk db upgrade --shared
URL`` change the shared one, under an advisory lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
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
    bindparam,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from mimdesk.store.models import NAMING_CONVENTION, UTCDateTime

# The shared schema version this MIM Desk writes and understands. A database whose
# ``min_client_schema`` is larger was upgraded by a newer MIM Desk that changed how desks
# write: this one keeps working locally and does not sync. A database with a smaller version
# needs ``mimdesk db upgrade --shared URL`` first.
SCHEMA_VERSION = 3
# Every Alembic revision of the shared schema this version knows, oldest first.
KNOWN_REVISIONS: tuple[str, ...] = (
    "s0001_shared_log",
    "s0002_append_function",
    "s0003_history_guard",
    "s0004_signed_log",
)
HEAD = KNOWN_REVISIONS[-1]
# Bytes of payload (UTF-8) one event may carry: enforced by the server (a CHECK constraint and
# the append step), and a desk skips any larger row it meets instead of loading it.
PAYLOAD_LIMIT = 1_048_576
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
    Column("signature", String(100), nullable=False, server_default=""),
    # The login that inserted the row, stamped by the server (revision s0004).
    Column("db_login", String(128), nullable=False, server_default=""),
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

desk_key = Table(
    "desk_key",
    metadata,
    Column("desk_id", String(36), primary_key=True),
    Column("public_key", String(100), nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    Column("db_login", String(128), nullable=False, server_default=""),
    **_TABLE_OPTIONS,
)

# The head counter as desks see it (revision s0002): a view, so that reading it needs no
# privilege on sync_head. Not in ``metadata``: the migration creates it.
log_head = Table("log_head", MetaData(), Column("last_seq", BigInteger))

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
    "signature",
)


def now_utc() -> datetime:
    return datetime.now(UTC)


def payload_size(dialect: str) -> ColumnElement[int]:
    """The payload's size in bytes, computed by the server (so the payload itself need not
    travel to be measured)."""
    if dialect == "postgresql":
        return func.octet_length(event.c.payload)
    return func.length(event.c.payload)  # MariaDB: LENGTH counts bytes


def append_sql(dialect: str) -> str:
    """The one statement that appends a batch (JSON text) and returns (event_id, seq, fresh)
    for each event of the batch, old or new (``fresh``: inserted by this call). Run it outside
    any client transaction (autocommit), so that the server commits before it answers."""
    if dialect == "postgresql":
        return "SELECT id, assigned, fresh FROM mimdesk_append(:batch, :version)"
    return "CALL mimdesk_append(:batch, :version)"


def run_raw(conn: Connection, sql: str) -> None:
    """Run SQL as written, past the driver's parameter formatting: MariaDB's host '%' and
    PostgreSQL's ``$$`` bodies reach the server as they are."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def publish_key_sql(dialect: str) -> str:
    """Publish this desk's public key; answers the key the server keeps for the desk (the
    first one published: a later, different one is not taken)."""
    if dialect == "postgresql":
        return "SELECT mimdesk_publish_key(:desk_id, :public_key)"
    return "CALL mimdesk_publish_key(:desk_id, :public_key)"


def desk_seen_sql(dialect: str) -> str:
    if dialect == "postgresql":
        return "SELECT mimdesk_desk_seen(:desk_id, :label, :app_version, :offset)"
    return "CALL mimdesk_desk_seen(:desk_id, :label, :app_version, :offset)"


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


UPGRADE_LOCK_KEY = 0x4D494D4445534B  # "MIMDESK": PostgreSQL advisory locks are per database


class UpgradeBusy(Exception):
    """Another ``db init`` / ``db upgrade`` holds the upgrade lock of this database."""


def _try_upgrade_lock(connection: Connection) -> bool:
    if connection.dialect.name == "postgresql":
        got = connection.execute(
            text("SELECT pg_try_advisory_lock(:k)"), {"k": UPGRADE_LOCK_KEY}
        ).scalar()
    else:
        got = connection.execute(
            text("SELECT GET_LOCK(CONCAT('mimdesk-upgrade:', DATABASE()), 0)")
        ).scalar()
    connection.commit()  # the lock belongs to the session, not to this transaction
    return bool(got)


def _release_upgrade_lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": UPGRADE_LOCK_KEY})
    else:
        connection.execute(text("SELECT RELEASE_LOCK(CONCAT('mimdesk-upgrade:', DATABASE()))"))
    connection.commit()


def locked_upgrade(
    connection: Connection,
    *,
    wait_s: float = 120.0,
    on_wait: Callable[[], None] | None = None,
    body: Callable[[], None] | None = None,
) -> None:
    """Run ``body`` (default: :func:`upgrade` to head) holding the database's upgrade lock, so
    two administrators never migrate the same database at once. Waits up to ``wait_s`` for the
    other one to finish (calling ``on_wait`` once), then raises :class:`UpgradeBusy`."""
    deadline = time.monotonic() + wait_s
    told = False
    while not _try_upgrade_lock(connection):
        if time.monotonic() > deadline:
            raise UpgradeBusy
        if not told and on_wait is not None:
            on_wait()
        told = True
        time.sleep(0.5)
    try:
        (body or (lambda: upgrade(connection)))()
        connection.commit()
    finally:
        connection.rollback()
        _release_upgrade_lock(connection)


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


def min_client_schema(meta: dict[str, str]) -> int | None:
    """The oldest desk schema version that may still write to this database."""
    try:
        return int(meta["min_client_schema"])
    except (KeyError, ValueError):
        return schema_version(meta)


# ---- server defaults ----------------------------------------------------------------------

# The session timeouts every desk sets for itself (mimdesk.sync.target.Timeouts), as server
# defaults, so that a desk that does not (an older MIM Desk, a desk login in psql) gets them.
SESSION_DEFAULTS = {
    "lock_timeout": "5s",
    "statement_timeout": "30s",
    "idle_in_transaction_session_timeout": "30s",
}


def session_defaults_sql(connection: Connection) -> list[str]:
    """PostgreSQL: ``ALTER DATABASE ... SET`` for :data:`SESSION_DEFAULTS`. Per database rather
    than ``ALTER ROLE desk_role SET``: a role's settings apply only to sessions that log in as
    that very role, never to the logins it is granted to. MariaDB has no per-user or
    per-database session defaults: ``mimdesk_append`` sets its lock and idle-transaction
    timeouts for the session that calls it, and IT may cap statements per login with
    ``ALTER USER ... WITH MAX_STATEMENT_TIME 30``. Returns nothing there."""
    if connection.dialect.name != "postgresql":
        return []
    database = connection.execute(text("SELECT quote_ident(current_database())")).scalar_one()
    return [
        f"ALTER DATABASE {database} SET {name} = '{value}'"
        for name, value in SESSION_DEFAULTS.items()
    ]


# ---- the desk role --------------------------------------------------------------------

# What a desk role may do, and nothing else: read events, the meta facts and the head; call
# the append and desk-record steps. It has no privilege on sync_head, desk or any table that
# holds state, so it cannot move the counter, and it cannot INSERT an event directly.
DESK_SELECT = ("event", "sync_meta", VERSION_TABLE, "log_head", "desk_key")
DESK_REVOKE = (
    "event",
    "sync_head",
    "sync_meta",
    "desk",
    VERSION_TABLE,
    "log_head",
    "desk_key",
)
PG_FUNCTIONS = (
    "mimdesk_append(text, text)",
    "mimdesk_desk_seen(text, text, text, bigint)",
    "mimdesk_publish_key(text, text)",
)
MY_PROCEDURES = ("mimdesk_append", "mimdesk_desk_seen", "mimdesk_publish_key")
# Tables whose write privileges a desk must not hold (older versions granted the first three
# to desk roles, revision s0001).
_WRITABLE = ("event", "sync_head", "desk", "desk_key")


def check_role_name(role: str) -> str:
    if not role or len(role) > 63 or not role.replace("_", "").isalnum() or not role.isascii():
        raise ValueError(f"{role!r} is not a plain role name (letters, digits, _)")
    return role


def desk_role_sql(role: str, database: str, dialect: str, schema: str = "public") -> list[str]:
    """Statements creating (if needed) a group role for desk logins and giving it exactly the
    desk rights: SELECT on events, meta facts and the head view; EXECUTE on the append and
    desk-record steps. Anything it held before on these objects is revoked first."""
    check_role_name(role)
    if dialect == "postgresql":
        return [
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') "
            f'THEN CREATE ROLE "{role}" NOLOGIN; END IF; END $$',
            f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
            f'GRANT USAGE ON SCHEMA {schema} TO "{role}"',
            f'REVOKE ALL ON {", ".join(DESK_REVOKE)} FROM "{role}"',
            f'GRANT SELECT ON {", ".join(DESK_SELECT)} TO "{role}"',
            f'GRANT EXECUTE ON FUNCTION {", ".join(PG_FUNCTIONS)} TO "{role}"',
        ]
    db = f"`{database}`"
    return [
        f"CREATE ROLE IF NOT EXISTS `{role}`",
        *(f"GRANT SELECT ON {db}.`{table}` TO `{role}`" for table in DESK_SELECT),
        *(f"GRANT EXECUTE ON PROCEDURE {db}.`{p}` TO `{role}`" for p in MY_PROCEDURES),
    ]


def _quote_grantee(grantee: str, dialect: str) -> str:
    if dialect == "postgresql":
        return '"' + grantee.replace('"', '""') + '"'
    # information_schema spells a user 'name'@'host', ready to use, and a role 'name'@''.
    return grantee.removesuffix("@''")


def write_grantees(connection: Connection) -> dict[str, set[str]]:
    """Who, besides the owner, may write event, sync_head or desk directly: grantee -> the
    privileges. Older versions gave desk roles INSERT on event and UPDATE on sync_head."""
    found: dict[str, set[str]] = {}
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT g.grantee, g.table_name, g.privilege_type "
                "FROM information_schema.role_table_grants g "
                "JOIN pg_tables t ON t.schemaname = g.table_schema AND t.tablename = g.table_name "
                "WHERE g.table_schema = current_schema() AND g.table_name IN :tables "
                "AND g.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') "
                "AND g.grantee NOT IN (t.tableowner, current_user, 'PUBLIC')"
            ).bindparams(bindparam("tables", expanding=True)),
            {"tables": _WRITABLE},
        ).all()
    else:
        rows = connection.execute(
            text(
                "SELECT GRANTEE, TABLE_NAME, PRIVILEGE_TYPE "
                "FROM information_schema.TABLE_PRIVILEGES "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN :tables "
                "AND PRIVILEGE_TYPE IN ('INSERT', 'UPDATE', 'DELETE')"
            ).bindparams(bindparam("tables", expanding=True)),
            {"tables": _WRITABLE},
        ).all()
    connection.rollback()
    for grantee, table, privilege in rows:
        found.setdefault(grantee, set()).add(f"{privilege} ON {table}")
    return found


def harden_grants(connection: Connection, roles: list[str]) -> dict[str, set[str]]:
    """Take direct write privileges on event, sync_head and desk away from everyone but the
    owner (an older version's desk role, a login given them by hand), and give desk rights to
    ``roles`` and to every grantee that lost a write right. Returns what was taken, by whom."""
    dialect = connection.dialect.name
    taken = write_grantees(connection)
    database = connection.execute(
        text("SELECT current_database()" if dialect == "postgresql" else "SELECT DATABASE()")
    ).scalar_one()
    schema = "public"
    if dialect == "postgresql":
        schema = connection.execute(text("SELECT quote_ident(current_schema())")).scalar_one()
    for grantee in taken:
        who = _quote_grantee(grantee, dialect)
        # Everything on the tables that hold state goes; reading events comes back below.
        for table in _WRITABLE:
            if dialect == "postgresql":
                connection.exec_driver_sql(f"REVOKE ALL ON {table} FROM {who}")
                continue
            try:
                connection.exec_driver_sql(
                    f"REVOKE ALL PRIVILEGES ON `{database}`.`{table}` FROM {who}"
                )
            except DBAPIError as exc:
                if "no such grant" not in str(exc.orig).lower():
                    raise
        if dialect == "postgresql":
            connection.exec_driver_sql(f"GRANT SELECT ON {', '.join(DESK_SELECT)} TO {who}")
            functions = ", ".join(PG_FUNCTIONS)
            connection.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {functions} TO {who}")
        else:
            for table in DESK_SELECT:
                connection.exec_driver_sql(f"GRANT SELECT ON `{database}`.`{table}` TO {who}")
            for procedure in MY_PROCEDURES:
                connection.exec_driver_sql(
                    f"GRANT EXECUTE ON PROCEDURE `{database}`.`{procedure}` TO {who}"
                )
    for role in roles:
        for statement in desk_role_sql(role, database, dialect, schema):
            connection.exec_driver_sql(statement)
    connection.commit()
    return taken


def record_desk_role(connection: Connection, role: str) -> list[str]:
    """Remember ``role`` in sync_meta, so that later upgrades grant it the new objects too;
    returns every recorded role."""
    meta = read_meta(connection)
    roles = [r for r in meta.get("desk_roles", "").split(",") if r]
    if role not in roles:
        roles.append(role)
        value = ",".join(roles)
        if "desk_roles" in meta:
            connection.execute(
                sync_meta.update().where(sync_meta.c.key == "desk_roles").values(value=value)
            )
        else:
            connection.execute(sync_meta.insert().values(key="desk_roles", value=value))
        connection.commit()
    return roles


def desk_roles(connection: Connection) -> list[str]:
    return [r for r in read_meta(connection).get("desk_roles", "").split(",") if r]
