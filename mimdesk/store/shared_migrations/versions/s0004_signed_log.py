"""Signed events, published desk keys, and the login that wrote each row.

- ``event.signature``: the writing desk's Ed25519 signature over the event's immutable fields
  (mimdesk.store.signatures), carried by ``mimdesk_append`` as the desk sent it.
- ``event.db_login``: the database login that inserted the row, stamped by a BEFORE INSERT
  trigger from the session's login (PostgreSQL ``session_user``, MariaDB ``USER()``): the
  append step runs with its owner's rights, but the session is still the desk's, and no
  value a client sends survives the trigger.
- ``desk_key``: each desk's public key, first come first kept (``mimdesk_publish_key``
  inserts, never replaces), append-only like ``event``, with the login that published it.
- ``min_client_schema`` becomes 3: a desk that does not sign must not write here any more.

Revision ID: s0004_signed_log
Revises: s0003_history_guard
Create Date: 2026-12-07
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import op
from sqlalchemy import Connection

from mimdesk.store.shared import run_raw

revision = "s0004_signed_log"
down_revision = "s0003_history_guard"
branch_labels = None
depends_on = None

STAMP_FORMAT_PG = (
    """to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
)
STAMP_FORMAT_MY = "DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ')"


def _revision(name: str) -> ModuleType:
    """An earlier revision's module: its SQL is history, so what changes here is written as
    a change to it."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_mimdesk_shared_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _changed(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise RuntimeError(f"s0004: the append step's SQL is not as s0002 wrote it ({old[:40]})")
    return text.replace(old, new)


def _append_sql(dialect: str) -> str:
    """s0002's append step, carrying each event's signature."""
    s0002 = _revision("s0002_append_function")
    if dialect == "postgresql":
        sql = s0002.PG_APPEND
        sql = _changed(sql, "app_version, received_at)", "app_version, received_at, signature)")
        return _changed(
            sql,
            f"{STAMP_FORMAT_PG}\n    FROM jsonb_array_elements(items) WITH ORDINALITY",
            f"{STAMP_FORMAT_PG},\n           left(coalesce(b.j->>'signature', ''), 100)\n"
            "    FROM jsonb_array_elements(items) WITH ORDINALITY",
        )
    sql = s0002.MY_APPEND
    sql = _changed(sql, "app_version, received_at)", "app_version, received_at, signature)")
    sql = _changed(
        sql,
        f"{STAMP_FORMAT_MY}\n    FROM JSON_TABLE(batch, '$[*]' COLUMNS (\n        n FOR",
        f"{STAMP_FORMAT_MY}, j.signature\n    FROM JSON_TABLE(batch, '$[*]' COLUMNS (\n"
        "        n FOR",
    )
    return _changed(
        sql,
        "recorded_at VARCHAR(255) PATH '$.recorded_at' ERROR ON EMPTY\n",
        "recorded_at VARCHAR(255) PATH '$.recorded_at' ERROR ON EMPTY,\n"
        "        signature VARCHAR(100) PATH '$.signature' DEFAULT '' ON EMPTY\n",
    )


# ---- PostgreSQL ------------------------------------------------------------------------

PG_STAMP_LOGIN = """
CREATE OR REPLACE FUNCTION mimdesk_stamp_login() RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
    -- session_user: the login, even inside the append step (which runs as its owner).
    NEW.db_login := left(session_user::text, 128);
    RETURN NEW;
END
$fn$
"""

PG_PUBLISH_KEY = """
CREATE OR REPLACE FUNCTION mimdesk_publish_key(p_desk_id text, p_public_key text)
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = {schema}, pg_temp
AS $fn$
BEGIN
    IF p_desk_id IS NULL OR length(p_desk_id) > 36 OR p_public_key IS NULL
       OR length(p_public_key) > 100 THEN
        RAISE EXCEPTION 'mimdesk_publish_key: not a desk id and key' USING ERRCODE = '22023';
    END IF;
    INSERT INTO desk_key (desk_id, public_key, published_at)
    VALUES (p_desk_id, p_public_key, {stamp})
    ON CONFLICT (desk_id) DO NOTHING;
    RETURN (SELECT k.public_key FROM desk_key k WHERE k.desk_id = p_desk_id);
END
$fn$
"""

# ---- MariaDB ---------------------------------------------------------------------------


def _my_stamp_login(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_stamp_login BEFORE INSERT ON {table} FOR EACH ROW
    SET NEW.db_login = LEFT(SUBSTRING_INDEX(USER(), '@', 1), 128)
"""


MY_PUBLISH_KEY = f"""
CREATE PROCEDURE mimdesk_publish_key(IN p_desk_id VARCHAR(36), IN p_public_key VARCHAR(100))
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
    COMMENT 'MIM Desk: publish a desk key (the first one for a desk is kept)'
BEGIN
    INSERT IGNORE INTO desk_key (desk_id, public_key, published_at)
    VALUES (p_desk_id, p_public_key, {STAMP_FORMAT_MY});
    SELECT public_key FROM desk_key WHERE desk_id = p_desk_id;
END
"""

REFUSAL = "mimdesk: the shared log is append-only; events are never changed or deleted"


def _my_guard(table: str, verb: str) -> str:
    return f"""
CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} FOR EACH ROW
BEGIN
    IF SUBSTRING_INDEX(USER(), '@', 1) <> SUBSTRING_INDEX(CURRENT_USER(), '@', 1) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{REFUSAL}';
    END IF;
END
"""


# SQL as written: no bind-parameter or ``%`` processing.
_raw = run_raw


def _set_meta(conn: Connection, key: str, value: str) -> None:
    quoted = '"key"' if conn.dialect.name == "postgresql" else "`key`"
    _raw(conn, f"UPDATE sync_meta SET value = '{value}' WHERE {quoted} = '{key}'")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        schema = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
        _raw(
            conn,
            "ALTER TABLE event ADD COLUMN signature varchar(100) NOT NULL DEFAULT '', "
            "ADD COLUMN db_login varchar(128) NOT NULL DEFAULT ''",
        )
        _raw(
            conn,
            "CREATE TABLE desk_key (desk_id varchar(36) NOT NULL, "
            "public_key varchar(100) NOT NULL, published_at varchar(27) NOT NULL, "
            "db_login varchar(128) NOT NULL DEFAULT '', "
            "CONSTRAINT pk_desk_key PRIMARY KEY (desk_id))",
        )
        _raw(conn, PG_STAMP_LOGIN)
        for table in ("event", "desk_key"):
            _raw(
                conn,
                f"CREATE TRIGGER {table}_stamp_login BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION mimdesk_stamp_login()",
            )
        # s0003's guard: no UPDATE, DELETE or TRUNCATE but by the owner.
        _raw(
            conn,
            "CREATE TRIGGER desk_key_append_only BEFORE UPDATE OR DELETE ON desk_key "
            "FOR EACH ROW EXECUTE FUNCTION mimdesk_refuse_rewrite()",
        )
        _raw(
            conn,
            "CREATE TRIGGER desk_key_no_truncate BEFORE TRUNCATE ON desk_key "
            "FOR EACH STATEMENT EXECUTE FUNCTION mimdesk_refuse_rewrite()",
        )
        _raw(conn, _append_sql("postgresql").replace("{schema}", schema))
        _raw(
            conn,
            PG_PUBLISH_KEY.replace("{schema}", schema).replace("{stamp}", STAMP_FORMAT_PG),
        )
        _raw(conn, "REVOKE ALL ON FUNCTION mimdesk_publish_key(text, text) FROM PUBLIC")
    else:
        _raw(
            conn,
            "ALTER TABLE event ADD COLUMN signature VARCHAR(100) NOT NULL DEFAULT '', "
            "ADD COLUMN db_login VARCHAR(128) NOT NULL DEFAULT ''",
        )
        _raw(
            conn,
            "CREATE TABLE desk_key (desk_id VARCHAR(36) NOT NULL, "
            "public_key VARCHAR(100) NOT NULL, published_at VARCHAR(27) NOT NULL, "
            "db_login VARCHAR(128) NOT NULL DEFAULT '', PRIMARY KEY (desk_id)) "
            "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        )
        for table in ("event", "desk_key"):
            _raw(conn, _my_stamp_login(table))
        _raw(conn, _my_guard("desk_key", "UPDATE"))
        _raw(conn, _my_guard("desk_key", "DELETE"))
        _raw(conn, "DROP PROCEDURE IF EXISTS mimdesk_append")
        _raw(conn, _append_sql("mariadb"))
        _raw(conn, MY_PUBLISH_KEY)
    _set_meta(conn, "schema_version", "3")
    _set_meta(conn, "min_client_schema", "3")


def downgrade() -> None:
    conn = op.get_bind()
    s0002 = _revision("s0002_append_function")
    if conn.dialect.name == "postgresql":
        schema = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
        _raw(conn, "DROP FUNCTION IF EXISTS mimdesk_publish_key(text, text)")
        _raw(conn, s0002.PG_APPEND.replace("{schema}", schema))
        _raw(conn, "DROP TRIGGER IF EXISTS event_stamp_login ON event")
        _raw(conn, "DROP TABLE IF EXISTS desk_key")
        _raw(conn, "DROP FUNCTION IF EXISTS mimdesk_stamp_login()")
    else:
        _raw(conn, "DROP PROCEDURE IF EXISTS mimdesk_publish_key")
        _raw(conn, "DROP PROCEDURE IF EXISTS mimdesk_append")
        _raw(conn, s0002.MY_APPEND)
        _raw(conn, "DROP TRIGGER IF EXISTS event_stamp_login")
        _raw(conn, "DROP TABLE IF EXISTS desk_key")
    _raw(conn, "ALTER TABLE event DROP COLUMN db_login")
    _raw(conn, "ALTER TABLE event DROP COLUMN signature")
    _set_meta(conn, "schema_version", "2")
    _set_meta(conn, "min_client_schema", "2")
