"""Backups of the local database: consistent copies taken with SQLite's online backup API.

A laptop's disk fails, a file is deleted, a restore goes wrong: the desk keeps copies of its
own. The window takes one when it opens and every day while it runs, an upgrade takes one
before it changes the schema, and ``mimdesk backup OUT`` takes one by hand. The automatic ones
go to a folder (the data folder's ``backups``, or one IT names) and the newest ``keep`` of
them are kept. Each copy is read while the desk keeps writing (the online backup API copies
a consistent snapshot) and is written under a temporary name, then renamed: a half-written
copy never carries a backup's name.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mimdesk.errors import MimDeskError
from mimdesk.store.fileguard import new_instance_id
from mimdesk.store.sqlite import check_file

# <database stem>-<UTC time>-<why>.sqlite3, e.g. mimdesk-20261207T201500Z-start.sqlite3
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}Z)-(?P<why>start|daily|manual)\.sqlite3$")
_STAMP = "%Y%m%dT%H%M%SZ"


class BackupFailed(MimDeskError):
    pass


DAILY = timedelta(days=1)


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    why: str  # start, daily or manual


def copy(database: Path, target: Path) -> Path:
    """A consistent copy of ``database`` at ``target`` (a new file), through a temporary
    name. The copy gets an instance id of its own, so that a copy put back while a desk has
    the file open is noticed as another file (store.fileguard)."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(partial)
        try:
            with dest:
                source.backup(dest)
            dest.execute(f"PRAGMA user_version = {new_instance_id()}")
            # One file, no -wal beside it: a backup is moved and mailed as it is.
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    os.replace(partial, target)
    return target


def take(database: Path, folder: Path, *, why: str, now: datetime | None = None) -> Path:
    """A backup of ``database`` in ``folder``, named for when and why it was taken. A disk,
    folder or database that will not let it be taken raises :class:`BackupFailed`."""
    when = (now or datetime.now(UTC)).astimezone(UTC)
    target = folder / f"{database.stem}-{when.strftime(_STAMP)}-{why}.sqlite3"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return copy(database, target)
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BackupFailed(
            f"No backup of {database.name} could be written in {folder} ({reason}).",
            "Check that the folder exists, can be written and has room; [backups] folder "
            "in the site file names another.",
        ) from None


def found(database: Path, folder: Path) -> list[Backup]:
    """The automatic and manual backups of ``database`` in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    out = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None or match["stem"] != database.stem:
            continue
        taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        out.append(Backup(path, taken, match["why"]))
    return sorted(out, key=lambda b: (b.taken_at, b.path.name))


def prune(database: Path, folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` automatic backups; manual ones stay. Returns what
    was removed."""
    automatic = [b for b in found(database, folder) if b.why != "manual"]
    gone = [b.path for b in automatic[: max(len(automatic) - keep, 0)]]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def due(backups: Sequence[Backup], now: datetime) -> bool:
    """Whether a daily backup is due: none yet, or the newest is a day old."""
    return not backups or now - backups[-1].taken_at >= DAILY


def check_restorable(path: Path) -> str:
    """The schema revision of a file that can be restored; raises the store's DatabaseError
    naming what is wrong (not a database, corrupt, from a newer MIM Desk)."""
    return check_file(path) or ""


def desk_of(path: Path) -> str:
    """The desk id a database file holds (desk_meta), "" when it has none yet."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT value FROM desk_meta WHERE key = 'desk_id'").fetchone()
    except sqlite3.Error:
        return ""
    finally:
        con.close()
    return str(row[0]) if row else ""
