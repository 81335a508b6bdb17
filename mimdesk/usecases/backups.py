"""Backups of this desk's database: where they go, when they are taken, and a restore that
loses nothing (what the file held is kept as a backup before it is replaced)."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mimdesk.config import Settings
from mimdesk.errors import DatabaseError, InvalidInput
from mimdesk.outputs import build_atomically, database_files
from mimdesk.paths import Paths
from mimdesk.store import backups
from mimdesk.store.backups import Backup


def folder(paths: Paths, settings: Settings) -> Path:
    """Where the automatic backups go: the folder IT named ([backups] folder), else the
    data folder's ``backups``."""
    named = settings.backups.folder.strip()
    if not named:
        return paths.data_dir / "backups"
    chosen = Path(os.path.expandvars(os.path.expanduser(named)))
    return chosen if chosen.is_absolute() else paths.data_dir / chosen


def automatic(
    database: Path, paths: Paths, settings: Settings, *, why: str, now: datetime | None = None
) -> Path:
    """Take a backup (``why``: start or daily) and keep the newest ``[backups] keep``."""
    where = folder(paths, settings)
    taken = backups.take(database, where, why=why, now=now)
    backups.prune(database, where, settings.backups.keep)
    return taken


def daily_if_due(
    database: Path, paths: Paths, settings: Settings, now: datetime | None = None
) -> Path | None:
    """The day's backup, if the newest is a day old (the window asks every hour)."""
    moment = now or datetime.now(UTC)
    if not backups.due(backups.found(database, folder(paths, settings)), moment):
        return None
    return automatic(database, paths, settings, why="daily", now=moment)


def manual(database: Path, out: Path) -> Path:
    """``mimdesk backup OUT``: a copy at a new path (never over a database or its files)."""
    build_atomically(
        out, lambda tmp: backups.copy(database, tmp), protected=database_files(database)
    )
    return out


@dataclass(frozen=True)
class Readiness:
    """What ``doctor`` says about backups."""

    folder: Path
    keep: int
    newest: Backup | None
    count: int
    problem: str  # "" when backups can be taken


def readiness(database: Path, paths: Paths, settings: Settings) -> Readiness:
    where = folder(paths, settings)
    found = backups.found(database, where)
    problem = ""
    # The folder is made at the first backup: where it does not exist yet, whether it can be
    # is up to the nearest folder above it that does.
    probe = where
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        problem = f"{probe} is not a folder, so backups cannot go in {where}"
    elif not os.access(probe, os.W_OK):
        problem = f"MIM Desk may not write in {probe}"
    return Readiness(
        where, settings.backups.keep, found[-1] if found else None, len(found), problem
    )


def restore(database: Path, source: Path, paths: Paths, settings: Settings) -> Path | None:
    """Put the backup ``source`` in the place of ``database``. What the file held is first
    kept as a backup of its own (returned; None when there was no file), so a restore never
    loses an entry. The caller holds the database (no window has it open)."""
    source = source.resolve()
    if source == database.resolve():
        raise InvalidInput(f"{source} is the database itself.", "Give a backup file to restore.")
    try:
        backups.check_restorable(source)
    except DatabaseError as exc:
        raise InvalidInput(
            f"{source} cannot be restored: {exc.message}",
            "Give a backup MIM Desk made ('mimdesk backup', or one from its backups folder).",
        ) from None
    if database.exists():
        mine, theirs = backups.desk_of(database), backups.desk_of(source)
        if mine and theirs and mine != theirs:
            # Two desks with one id would share as one: each would take the other's events
            # for its own, and the shared log could not tell them apart.
            raise InvalidInput(
                f"{source} is another desk's database, not a backup of this one.",
                "Restore a backup this desk made, or open that file as a database of its own.",
            )
    kept = None
    if database.exists():
        kept = backups.take(database, folder(paths, settings), why="manual")
    # The copy lands beside the database under a temporary name, then takes its place; the
    # old file's -wal and -shm (its, not the copy's) go before it does.
    incoming = database.with_name(database.name + ".restoring")
    backups.copy(source, incoming)
    _checkpoint(database)
    for sidecar in database_files(database)[1:]:
        sidecar.unlink(missing_ok=True)
    os.replace(incoming, database)
    return kept


def _checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the file, so that nothing is left in a -wal that is
    about to be removed (the backup taken before already holds it)."""
    if not database.exists():
        return
    con = sqlite3.connect(database)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
