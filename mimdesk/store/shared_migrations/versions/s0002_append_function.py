"""Appends go through one server-side step; the payload has a size limit; desks read the head
through a view and record themselves through a function.

- ``mimdesk_append(batch, client_version)``: a PostgreSQL SECURITY DEFINER function, a MariaDB
  SQL SECURITY DEFINER procedure. It checks the whole batch, then locks the head row, assigns
  the next seqs, inserts, moves the head and commits, all inside the one call: the head lock
  is never held while a client sends or reads, so a desk that vanishes mid-push holds nothing.
- ``mimdesk_desk_seen(...)``: records a desk (label, version, clock offset) without any
  privilege on the ``desk`` table.
- ``log_head``: a view of the head counter, the only way a desk login reads it.
- ``ck_event_payload_size``: at most 1 MiB of payload per event (UTF-8 bytes). Rows already
  larger are left alone (PostgreSQL: NOT VALID; MariaDB: not checked while adding); desks skip
  them when pulling.
- ``min_client_schema`` becomes 2: a desk that pushes with plain INSERTs (version 1) must not
  write to this database; it says so and keeps working locally.

Revision ID: s0002_append_function
Revises: s0001_shared_log
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection

revision = "s0002_append_function"
down_revision = "s0001_shared_log"
branch_labels = None
depends_on = None

PAYLOAD_LIMIT = 1_048_576  # bytes; mimdesk.store.shared.PAYLOAD_LIMIT
# Events per call: bounds how long one call holds the head lock (desks send at most 500).
MAX_BATCH = 1000
LOCK_WAIT_S = 5
IDLE_TRANSACTION_S = 30
STAMP = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{6}Z"

_COLUMNS = (
    "event_id, seq, stream_id, type, payload_v, payload, hlc, desk_id, author_name, "
    "author_login, occurred_at, recorded_at, app_version, received_at"
)

# ---- PostgreSQL ------------------------------------------------------------------------

PG_APPEND = f"""
CREATE OR REPLACE FUNCTION mimdesk_append(batch text, client_version text)
RETURNS TABLE (id varchar, assigned bigint, fresh boolean)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = {{schema}}, pg_temp
SET lock_timeout = '{LOCK_WAIT_S}s'
AS $fn$
#variable_conflict use_column
DECLARE
    items jsonb;
    bad record;
    last_ bigint;
    added bigint;
BEGIN
    -- Everything about the batch is checked before the head is locked.
    BEGIN
        items := batch::jsonb;
    EXCEPTION WHEN others THEN
        RAISE EXCEPTION 'mimdesk_append: the batch is not JSON' USING ERRCODE = '22023';
    END;
    IF jsonb_typeof(items) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'mimdesk_append: the batch is not a JSON array' USING ERRCODE = '22023';
    END IF;
    IF jsonb_array_length(items) > {MAX_BATCH} THEN
        RAISE EXCEPTION 'mimdesk_append: more than {MAX_BATCH} events in one call'
            USING ERRCODE = '54000';
    END IF;
    SELECT b.j->>'event_id' AS event_id, octet_length(b.j->>'payload') AS size INTO bad
    FROM jsonb_array_elements(items) AS b(j)
    WHERE jsonb_typeof(b.j) IS DISTINCT FROM 'object'
       OR b.j->>'payload' IS NULL
       OR octet_length(b.j->>'payload') > {PAYLOAD_LIMIT}
       OR coalesce(b.j->>'occurred_at', '') !~ '^{STAMP}$'
       OR coalesce(b.j->>'recorded_at', '') !~ '^{STAMP}$'
    LIMIT 1;
    IF FOUND THEN
        IF bad.size > {PAYLOAD_LIMIT} THEN
            RAISE EXCEPTION 'mimdesk_append: event % has % bytes of payload, over the limit of %',
                bad.event_id, bad.size, {PAYLOAD_LIMIT} USING ERRCODE = '54000';
        END IF;
        RAISE EXCEPTION 'mimdesk_append: event % is malformed (no payload, or a bad time)',
            bad.event_id USING ERRCODE = '22023';
    END IF;
    BEGIN
        SELECT b.j->>'event_id' AS event_id INTO bad
        FROM jsonb_array_elements(items) AS b(j)
        WHERE json_typeof((b.j->>'payload')::json) IS DISTINCT FROM 'object'
        LIMIT 1;
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'mimdesk_append: a payload is not JSON' USING ERRCODE = '22023';
    END;
    IF FOUND THEN
        RAISE EXCEPTION 'mimdesk_append: event % has a payload that is not a JSON object',
            bad.event_id USING ERRCODE = '22023';
    END IF;

    SELECT h.last_seq INTO last_ FROM sync_head h WHERE h.id = 1 FOR UPDATE;
    -- A row past the head (put there by hand) must not stop every push for good.
    last_ := greatest(last_, coalesce((SELECT max(e.seq) FROM event e), 0));
    INSERT INTO event ({_COLUMNS})
    SELECT b.j->>'event_id', last_ + row_number() OVER (ORDER BY b.n), b.j->>'stream_id',
           b.j->>'type', (b.j->>'payload_v')::integer, b.j->>'payload', (b.j->>'hlc')::bigint,
           b.j->>'desk_id', b.j->>'author_name', b.j->>'author_login', b.j->>'occurred_at',
           b.j->>'recorded_at', left(coalesce(client_version, ''), 40),
           to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    FROM jsonb_array_elements(items) WITH ORDINALITY AS b(j, n)
    WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.event_id = b.j->>'event_id');
    GET DIAGNOSTICS added = ROW_COUNT;
    UPDATE sync_head h SET last_seq = last_ + added WHERE h.id = 1;
    RETURN QUERY
        SELECT e.event_id, e.seq, e.seq > last_ FROM event e
        WHERE e.event_id IN (SELECT b.j->>'event_id' FROM jsonb_array_elements(items) AS b(j));
END
$fn$
"""

PG_DESK_SEEN = """
CREATE OR REPLACE FUNCTION mimdesk_desk_seen(
    p_desk_id text, p_label text, p_app_version text, p_clock_offset_ms bigint
)
RETURNS void
LANGUAGE sql
SECURITY DEFINER
SET search_path = {schema}, pg_temp
AS $fn$
INSERT INTO desk (desk_id, label, app_version, last_seen_at, clock_offset_ms)
VALUES (
    p_desk_id, left(coalesce(p_label, ''), 200), left(coalesce(p_app_version, ''), 40),
    to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    p_clock_offset_ms
)
ON CONFLICT (desk_id) DO UPDATE SET
    label = EXCLUDED.label,
    app_version = EXCLUDED.app_version,
    last_seen_at = EXCLUDED.last_seen_at,
    clock_offset_ms = EXCLUDED.clock_offset_ms
$fn$
"""

# ---- MariaDB ---------------------------------------------------------------------------

MY_APPEND = f"""
CREATE PROCEDURE mimdesk_append(IN batch LONGTEXT, IN client_version VARCHAR(40))
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
    COMMENT 'MIM Desk: append a batch of events under the head lock, in one call'
BEGIN
    DECLARE last_ BIGINT;
    DECLARE top_ BIGINT;
    DECLARE added BIGINT;
    DECLARE bad_found INT DEFAULT 0;
    DECLARE bad_id VARCHAR(255);
    DECLARE bad_size BIGINT;
    DECLARE bad_why VARCHAR(100);
    DECLARE message VARCHAR(255);
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;
    -- MariaDB has no per-user session defaults: each session that appends gets them here.
    SET SESSION innodb_lock_wait_timeout = {LOCK_WAIT_S};
    SET SESSION idle_transaction_timeout = {IDLE_TRANSACTION_S};
    IF batch IS NULL OR NOT JSON_VALID(batch) OR JSON_TYPE(batch) <> 'ARRAY' THEN
        SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = 'mimdesk_append: the batch is not a JSON array';
    END IF;
    IF JSON_LENGTH(batch) > {MAX_BATCH} THEN
        SIGNAL SQLSTATE '22023'
            SET MESSAGE_TEXT = 'mimdesk_append: more than {MAX_BATCH} events in one call';
    END IF;
    SELECT 1, j.event_id, LENGTH(j.payload),
           CASE
               WHEN j.payload IS NULL THEN 'has no payload'
               WHEN NOT JSON_VALID(j.payload) THEN 'has a payload that is not JSON'
               WHEN JSON_TYPE(j.payload) <> 'OBJECT'
                   THEN 'has a payload that is not a JSON object'
               ELSE 'is malformed (a bad time)'
           END
    INTO bad_found, bad_id, bad_size, bad_why
    FROM JSON_TABLE(batch, '$[*]' COLUMNS (
        event_id VARCHAR(255) PATH '$.event_id',
        payload LONGTEXT PATH '$.payload',
        occurred_at VARCHAR(255) PATH '$.occurred_at',
        recorded_at VARCHAR(255) PATH '$.recorded_at'
    )) AS j
    WHERE j.payload IS NULL
       OR LENGTH(j.payload) > {PAYLOAD_LIMIT}
       OR NOT JSON_VALID(j.payload)
       OR JSON_TYPE(j.payload) <> 'OBJECT'
       OR COALESCE(j.occurred_at, '') NOT REGEXP '^{STAMP}$'
       OR COALESCE(j.recorded_at, '') NOT REGEXP '^{STAMP}$'
    LIMIT 1;
    IF bad_size > {PAYLOAD_LIMIT} THEN
        SET message = CONCAT('mimdesk_append: event ', bad_id, ' has ', bad_size,
                             ' bytes of payload, over the limit of {PAYLOAD_LIMIT}');
        SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = message;
    ELSEIF bad_found = 1 THEN
        SET message = CONCAT('mimdesk_append: event ', COALESCE(bad_id, '?'), ' ', bad_why);
        SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = message;
    END IF;

    START TRANSACTION;
    SELECT last_seq INTO last_ FROM sync_head WHERE id = 1 FOR UPDATE;
    SELECT COALESCE(MAX(seq), 0) INTO top_ FROM event;
    -- A row past the head (put there by hand) must not stop every push for good.
    SET last_ = GREATEST(last_, top_);
    INSERT INTO event ({_COLUMNS})
    SELECT j.event_id, last_ + ROW_NUMBER() OVER (ORDER BY j.n), j.stream_id, j.type,
           j.payload_v, j.payload, j.hlc, j.desk_id, j.author_name, j.author_login,
           j.occurred_at, j.recorded_at, LEFT(COALESCE(client_version, ''), 40),
           DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ')
    FROM JSON_TABLE(batch, '$[*]' COLUMNS (
        n FOR ORDINALITY,
        event_id VARCHAR(255) PATH '$.event_id' ERROR ON EMPTY,
        stream_id VARCHAR(255) PATH '$.stream_id' ERROR ON EMPTY,
        type VARCHAR(255) PATH '$.type' ERROR ON EMPTY,
        payload_v INT PATH '$.payload_v' ERROR ON EMPTY,
        payload LONGTEXT PATH '$.payload' ERROR ON EMPTY,
        hlc BIGINT PATH '$.hlc' ERROR ON EMPTY,
        desk_id VARCHAR(255) PATH '$.desk_id' ERROR ON EMPTY,
        author_name VARCHAR(1000) PATH '$.author_name' ERROR ON EMPTY,
        author_login VARCHAR(1000) PATH '$.author_login' ERROR ON EMPTY,
        occurred_at VARCHAR(255) PATH '$.occurred_at' ERROR ON EMPTY,
        recorded_at VARCHAR(255) PATH '$.recorded_at' ERROR ON EMPTY
    )) AS j
    WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.event_id = j.event_id);
    SET added = ROW_COUNT();
    UPDATE sync_head SET last_seq = last_ + added WHERE id = 1;
    COMMIT;
    SELECT e.event_id AS id, e.seq AS assigned, e.seq > last_ AS fresh
    FROM event e
    JOIN JSON_TABLE(batch, '$[*]' COLUMNS (event_id VARCHAR(255) PATH '$.event_id')) AS k
      ON e.event_id = k.event_id;
END
"""

MY_DESK_SEEN = """
CREATE PROCEDURE mimdesk_desk_seen(
    IN p_desk_id VARCHAR(36), IN p_label VARCHAR(1000), IN p_app_version VARCHAR(255),
    IN p_clock_offset_ms BIGINT
)
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
    COMMENT 'MIM Desk: record a desk (label, version, clock offset)'
BEGIN
    INSERT INTO desk (desk_id, label, app_version, last_seen_at, clock_offset_ms)
    VALUES (p_desk_id, LEFT(COALESCE(p_label, ''), 200), LEFT(COALESCE(p_app_version, ''), 40),
            DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ'), p_clock_offset_ms)
    ON DUPLICATE KEY UPDATE
        label = VALUES(label),
        app_version = VALUES(app_version),
        last_seen_at = VALUES(last_seen_at),
        clock_offset_ms = VALUES(clock_offset_ms);
END
"""

HEAD_VIEW = "CREATE VIEW log_head AS SELECT last_seq FROM sync_head WHERE id = 1"


def _raw(conn: Connection, sql: str) -> None:
    """Run SQL as written: no bind-parameter or ``%`` processing of ``:MI`` or ``%Y``."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def _set_meta(conn: Connection, key: str, value: str) -> None:
    _raw(conn, f"UPDATE sync_meta SET value = '{value}' WHERE {_key()} = '{key}'")


def _key() -> str:
    return '"key"' if op.get_context().dialect.name == "postgresql" else "`key`"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        schema = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
        _raw(
            conn,
            "ALTER TABLE event ADD CONSTRAINT ck_event_payload_size "
            f"CHECK (octet_length(payload) <= {PAYLOAD_LIMIT}) NOT VALID",
        )
        _raw(conn, PG_APPEND.replace("{schema}", schema))
        _raw(conn, PG_DESK_SEEN.replace("{schema}", schema))
        # Functions are executable by PUBLIC unless revoked: only desk roles may call these.
        _raw(conn, "REVOKE ALL ON FUNCTION mimdesk_append(text, text) FROM PUBLIC")
        _raw(
            conn,
            "REVOKE ALL ON FUNCTION mimdesk_desk_seen(text, text, text, bigint) FROM PUBLIC",
        )
    else:
        # Rows already over the limit stay (desks skip them); new ones are refused.
        _raw(conn, "SET SESSION check_constraint_checks = 0")
        try:
            _raw(
                conn,
                "ALTER TABLE event ADD CONSTRAINT ck_event_payload_size "
                f"CHECK (LENGTH(payload) <= {PAYLOAD_LIMIT})",
            )
        finally:
            _raw(conn, "SET SESSION check_constraint_checks = 1")
        _raw(conn, MY_APPEND)
        _raw(conn, MY_DESK_SEEN)
    _raw(conn, HEAD_VIEW)
    _set_meta(conn, "schema_version", "2")
    _set_meta(conn, "min_client_schema", "2")


def downgrade() -> None:
    conn = op.get_bind()
    _raw(conn, "DROP VIEW IF EXISTS log_head")
    if conn.dialect.name == "postgresql":
        _raw(conn, "DROP FUNCTION IF EXISTS mimdesk_desk_seen(text, text, text, bigint)")
        _raw(conn, "DROP FUNCTION IF EXISTS mimdesk_append(text, text)")
    else:
        _raw(conn, "DROP PROCEDURE IF EXISTS mimdesk_desk_seen")
        _raw(conn, "DROP PROCEDURE IF EXISTS mimdesk_append")
    _raw(conn, "ALTER TABLE event DROP CONSTRAINT ck_event_payload_size")
    _set_meta(conn, "schema_version", "1")
    _set_meta(conn, "min_client_schema", "1")
