"""The incident summary records the declaration decision and when it was made.

Revision ID: 0002_summary_decision
Revises: 0001_event_log
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mimdesk.store.models import UTCDateTime

revision = "0002_summary_decision"
down_revision = "0001_event_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident_summary") as batch:
        batch.add_column(sa.Column("decision", sa.String(10), nullable=False, server_default=""))
        batch.add_column(sa.Column("decided_at", UTCDateTime(), nullable=True))
    # The new columns are filled from the log: the app rebuilds the projection after upgrading.
    op.execute("DELETE FROM incident_summary")


def downgrade() -> None:
    with op.batch_alter_table("incident_summary") as batch:
        batch.drop_column("decided_at")
        batch.drop_column("decision")
