"""The shared log: meta facts, the head counter, events, desks.

Revision ID: s0001_shared_log
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mimdesk.domain.ids import new_id
from mimdesk.store.models import UTCDateTime
from mimdesk.store.shared import LONG_TEXT

revision = "s0001_shared_log"
down_revision = None
branch_labels = None
depends_on = None

OPTIONS = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def upgrade() -> None:
    meta = op.create_table(
        "sync_meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_meta")),
        **OPTIONS,
    )
    head = op.create_table(
        "sync_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_head")),
        **OPTIONS,
    )
    op.create_table(
        "event",
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("stream_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("payload_v", sa.Integer(), nullable=False),
        sa.Column("payload", LONG_TEXT, nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("desk_id", sa.String(36), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("author_login", sa.String(200), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("app_version", sa.String(40), server_default="", nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event")),
        sa.UniqueConstraint("seq", name=op.f("uq_event_seq")),
        **OPTIONS,
    )
    op.create_index("ix_event_stream_seq", "event", ["stream_id", "seq"])
    op.create_table(
        "desk",
        sa.Column("desk_id", sa.String(36), nullable=False),
        sa.Column("label", sa.String(200), server_default="", nullable=False),
        sa.Column("app_version", sa.String(40), server_default="", nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=True),
        sa.Column("clock_offset_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("desk_id", name=op.f("pk_desk")),
        **OPTIONS,
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0}])
    op.bulk_insert(
        meta,
        [
            {"key": "schema_version", "value": "1"},
            {"key": "min_client_schema", "value": "1"},
            {"key": "log_epoch", "value": new_id()},
        ],
    )


def downgrade() -> None:
    op.drop_table("desk")
    op.drop_index("ix_event_stream_seq", table_name="event")
    op.drop_table("event")
    op.drop_table("sync_head")
    op.drop_table("sync_meta")
