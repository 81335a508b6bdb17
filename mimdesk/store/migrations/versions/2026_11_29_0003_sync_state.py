"""Sync bookkeeping: the sync_state table and an index finding events not yet shared.

Revision ID: 0003_sync_state
Revises: 0002_summary_decision
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_sync_state"
down_revision = "0002_summary_decision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_state")),
    )
    op.create_index("ix_event_server_seq", "event", ["server_seq"])


def downgrade() -> None:
    op.drop_index("ix_event_server_seq", table_name="event")
    op.drop_table("sync_state")
