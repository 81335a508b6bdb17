"""Database maintenance: upgrade, rebuild the projections."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mimdesk.store import migrate
from mimdesk.usecases.context import Changes, Context

if TYPE_CHECKING:
    from mimdesk.app import App


def upgrade_message(app: App) -> str:
    """The local database is upgraded when it is opened; say what happened."""
    if app.backup:
        return (
            f"Upgraded {app.database} to schema {migrate.HEAD}; "
            f"the copy from before is {app.backup}."
        )
    return f"{app.database} is at schema {migrate.HEAD}, the newest this MIM Desk knows."


def rebuild(ctx: Context, progress: Callable[[int, int], None] | None = None) -> int:
    return ctx.log.rebuild_projections(progress)


def rebuild_changes() -> Changes:
    return Changes(incidents_list=True)
