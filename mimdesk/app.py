"""The composition root: settings, the store and the use-case context, built once.

Both the GUI and the CLI start here; nothing else constructs these objects, so there are no
import-time side effects or singletons to reset in tests.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mimdesk import config
from mimdesk.config import Settings
from mimdesk.domain.events import Author
from mimdesk.errors import DatabaseMissing
from mimdesk.paths import Paths, default_paths
from mimdesk.store.eventlog import EventLog
from mimdesk.store.fileguard import write_guard
from mimdesk.store.sqlite import open_database
from mimdesk.usecases.context import Context, os_login, system_now
from mimdesk.usecases.desk_key import LazySigner

if TYPE_CHECKING:
    from mimdesk.sync import SyncService


@dataclass
class App:
    paths: Paths
    settings: Settings
    database: Path
    log: EventLog
    ctx: Context
    backup: Path | None = None
    # The shared database named for this run (--shared URL), over the environment and settings.
    shared: str | None = None

    def sync_service(self, **options: Any) -> SyncService:
        """The sync worker for this desk (LOCAL_ONLY without a shared database). Building it
        touches no network: the worker connects on its own thread once started."""
        from mimdesk.sync import SyncService, resolve

        target = resolve(self.settings, self.shared)
        options.setdefault("label", f"{self.settings.display_name or os_login()}")
        return SyncService(self.log, target, **options)

    def set_display_name(self, name: str) -> None:
        config.save_user_setting(self.paths, "user", "display_name", name)
        self.settings.display_name = name
        self.ctx.author = Author(name, self.ctx.author.login)

    def swapped(self) -> str | None:
        """ "moved" or "overwritten" once the database file was found swapped underneath
        (nothing more is written to it), else None. See :class:`mimdesk.store.fileguard.FileGuard`.
        """
        guard = write_guard(self.log.engine)
        if guard is None or guard.failure is None:
            return None
        return "overwritten" if guard.overwritten else "moved"

    def close(self) -> None:
        self.log.close()


def database_path(paths: Paths, settings: Settings, db: Path | str | None) -> Path:
    """The database to open: the one asked for, else the configured one, else the default.

    The configured one is expanded already (:func:`mimdesk.paths.expand_path`); one naming a
    variable this machine does not set is refused here, saying so. Its folder is made when
    the folder above it exists, as the default's is: ``%LOCALAPPDATA%\\MIMDesk\\x.sqlite3``
    works on a desk where MIM Desk never ran. A deeper missing path (a typo, a share not
    connected) is left for opening to report.
    """
    if db:
        return Path(db).expanduser()
    if settings.database:
        problem = settings.unresolved.get("app.database")
        if problem:
            raise DatabaseMissing(
                Path(settings.database),
                f"The database file {settings.database} cannot be found on this computer: "
                f"{problem}.",
                "Ask IT to set the variable or change the setting, or open another "
                "database with --db.",
            )
        configured = Path(settings.database)
        if not configured.parent.exists() and configured.parent.parent.is_dir():
            with contextlib.suppress(OSError):  # opening says why the folder is missing
                configured.parent.mkdir()
        return configured
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    return paths.default_database


def locate_database(
    db: Path | str | None = None, env: Mapping[str, str] = os.environ
) -> tuple[Paths, Path]:
    """This user's folders and the database :func:`open_app` would open, without opening it."""
    paths = default_paths(env)
    return paths, database_path(paths, config.load_settings(paths, env), db)


def open_app(
    *,
    db: Path | str | None = None,
    env: Mapping[str, str] = os.environ,
    now: Callable[[], datetime] = system_now,
    shared: str | None = None,
    read_only: bool = False,
) -> App:
    """Open MIM Desk's state. Raises :class:`mimdesk.errors.DatabaseError` on a bad database.

    ``read_only`` opens an existing database without writing anything to it or beside it;
    every write then fails with :class:`mimdesk.errors.DatabaseUnwritable`.
    """
    paths = default_paths(env)
    settings = config.load_settings(paths, env)
    database = database_path(paths, settings, db)
    engine, backup = open_database(database, read_only=read_only)
    log = EventLog(engine)
    if not read_only:
        log.file.signer = LazySigner(paths.data_dir, log.desk_id)
    if backup is not None:
        # An upgrade may add projection columns; the log is the truth they are filled from.
        log.rebuild_projections()
    login = os_login()
    author = Author(settings.display_name or login or "Unknown", login)
    ctx = Context(log, author, now, vocab=settings.vocabularies(), timers=settings.timers)
    return App(paths, settings, database, log, ctx, backup, shared)
