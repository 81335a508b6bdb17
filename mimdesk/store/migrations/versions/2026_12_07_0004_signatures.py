"""Signed events: each event's signature and the login the shared database stamped; the
desk keys this desk has pinned; the alarms it raised about the record.

Revision ID: 0004_signatures
Revises: 0003_sync_state
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mimdesk.store.models import UTCDateTime

revision = "0004_signatures"
down_revision = "0003_sync_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite adds a column with a constant default in place: no copy of a long log.
    op.add_column(
        "event", sa.Column("signature", sa.String(100), nullable=False, server_default="")
    )
    op.add_column("event", sa.Column("db_login", sa.String(128), nullable=False, server_default=""))
    op.create_table(
        "desk_key",
        sa.Column("desk_id", sa.String(36), nullable=False),
        sa.Column("public_key", sa.String(100), nullable=False),
        sa.Column("pinned", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("desk_id", "public_key", name=op.f("pk_desk_key")),
    )
    op.create_table(
        "record_alarm",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("desk_id", sa.String(36), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("found_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_alarm")),
        sa.UniqueConstraint("kind", "event_id", "desk_id", name="uq_record_alarm_what"),
    )


def downgrade() -> None:
    op.drop_table("record_alarm")
    op.drop_table("desk_key")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("db_login")
        batch.drop_column("signature")
