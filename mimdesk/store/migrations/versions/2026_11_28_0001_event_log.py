"""The event log, the incident summary projection and desk metadata.

Revision ID: 0001_event_log
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mimdesk.store.models import UTCDateTime

revision = "0001_event_log"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("stream_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("payload_v", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("desk_id", sa.String(36), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("author_login", sa.String(200), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_event")),
        sa.UniqueConstraint("event_id", name=op.f("uq_event_event_id")),
    )
    op.create_index("ix_event_stream_hlc", "event", ["stream_id", "hlc"])
    op.create_table(
        "incident_summary",
        sa.Column("stream_id", sa.String(36), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("base_reference", sa.String(20), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("mim", sa.String(200), nullable=False),
        sa.Column("reported_at", UTCDateTime(), nullable=True),
        sa.Column("declared_at", UTCDateTime(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("last_hlc", sa.BigInteger(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("stream_id", name=op.f("pk_incident_summary")),
        sa.UniqueConstraint("reference", name=op.f("uq_incident_summary_reference")),
    )
    op.create_index(
        op.f("ix_incident_summary_base_reference"), "incident_summary", ["base_reference"]
    )
    op.create_index(op.f("ix_incident_summary_status"), "incident_summary", ["status"])
    op.create_table(
        "desk_meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_desk_meta")),
    )


def downgrade() -> None:
    op.drop_table("desk_meta")
    op.drop_index(op.f("ix_incident_summary_status"), table_name="incident_summary")
    op.drop_index(op.f("ix_incident_summary_base_reference"), table_name="incident_summary")
    op.drop_table("incident_summary")
    op.drop_index("ix_event_stream_hlc", table_name="event")
    op.drop_table("event")
