"""Alembic environment of the shared database. ``mimdesk db init --shared URL`` runs it through
:func:`mimdesk.store.shared.upgrade`, which passes an open connection."""

from __future__ import annotations

from alembic import context

from mimdesk.store.shared import VERSION_TABLE, metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run shared migrations through mimdesk.store.shared.upgrade")

context.configure(
    connection=connection,
    target_metadata=metadata,
    compare_type=True,
    version_table=VERSION_TABLE,
    # On MariaDB DDL commits implicitly; one transaction per migration keeps Alembic honest.
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
