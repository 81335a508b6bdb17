"""The shared log is append-only for every login but its owner, whatever was granted.

Desk roles never had UPDATE or DELETE on ``event``; these triggers are the second line, for a
login someone granted more by hand:

- PostgreSQL: ``mimdesk_refuse_rewrite()`` refuses UPDATE, DELETE and TRUNCATE of ``event``
  unless the login is the table's owner (who can also drop the triggers: the owner is the one
  login to keep to IT).
- MariaDB: BEFORE UPDATE and BEFORE DELETE triggers refuse unless the login is the triggers'
  definer (the administrator who ran ``db init``). MariaDB runs no trigger on TRUNCATE, which
  needs the DROP privilege no desk role has.

Desks need nothing of this: the schema version stays 2, and desks of earlier releases keep
sharing.

Revision ID: s0003_history_guard
Revises: s0002_append_function
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection

revision = "s0003_history_guard"
down_revision = "s0002_append_function"
branch_labels = None
depends_on = None

REFUSAL = "mimdesk: the shared log is append-only; events are never changed or deleted"

PG_GUARD = f"""
CREATE OR REPLACE FUNCTION mimdesk_refuse_rewrite() RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
    IF current_user <> (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
        RAISE EXCEPTION '{REFUSAL} (% by %)', TG_OP, current_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_LEVEL = 'STATEMENT' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$fn$
"""


def _my_guard(verb: str) -> str:
    return f"""
CREATE TRIGGER event_no_{verb.lower()} BEFORE {verb} ON event FOR EACH ROW
BEGIN
    IF SUBSTRING_INDEX(USER(), '@', 1) <> SUBSTRING_INDEX(CURRENT_USER(), '@', 1) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{REFUSAL}';
    END IF;
END
"""


def _raw(conn: Connection, sql: str) -> None:
    """Run SQL as written: no bind-parameter or ``%`` processing."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _raw(conn, PG_GUARD)
        _raw(
            conn,
            "CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event "
            "FOR EACH ROW EXECUTE FUNCTION mimdesk_refuse_rewrite()",
        )
        _raw(
            conn,
            "CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event "
            "FOR EACH STATEMENT EXECUTE FUNCTION mimdesk_refuse_rewrite()",
        )
    else:
        _raw(conn, _my_guard("UPDATE"))
        _raw(conn, _my_guard("DELETE"))


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _raw(conn, "DROP TRIGGER IF EXISTS event_no_truncate ON event")
        _raw(conn, "DROP TRIGGER IF EXISTS event_append_only ON event")
        _raw(conn, "DROP FUNCTION IF EXISTS mimdesk_refuse_rewrite()")
    else:
        _raw(conn, "DROP TRIGGER IF EXISTS event_no_delete")
        _raw(conn, "DROP TRIGGER IF EXISTS event_no_update")
