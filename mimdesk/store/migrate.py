"""Schema migrations with Alembic, run by MIM Desk itself.

Alembic is imported only when a migration has to run, so that a normal start (schema already
at head) does not pay for it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Connection

# Every revision this version of MIM Desk knows, oldest first; the last is the head.
# tests/store/test_migrations.py checks this list against the Alembic scripts.
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_event_log",
    "0002_summary_decision",
    "0003_sync_state",
    "0004_signatures",
)
HEAD = KNOWN_REVISIONS[-1]

SCRIPT_LOCATION = Path(__file__).parent / "migrations"


def alembic_config():  # noqa: ANN201 (alembic is imported lazily; its type too)
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


def upgrade(connection: Connection, revision: str = "head") -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def current_revision(connection: Connection) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
