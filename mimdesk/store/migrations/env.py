"""Alembic environment. MIM Desk runs migrations itself (``mimdesk db upgrade``, and at start
for the local database), passing an open connection in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from mimdesk.store.models import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through mimdesk.store.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=metadata,
    compare_type=True,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
