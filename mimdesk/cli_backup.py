"""``mimdesk backup OUT`` and ``mimdesk restore FILE``: this desk's database, copied and put
back. The window takes its own backups (on start and daily); these are for a person or a
script, and for the day a laptop's file must come back."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

Handler = Callable[[Any, argparse.Namespace], int]

# restore runs without opening the database: it replaces the file.
STANDALONE = ("restore",)


def add_parsers(sub: Any) -> dict[str, Handler]:
    p = sub.add_parser(
        "backup", help="copy this desk's database to a new file, safely while in use"
    )
    p.add_argument("out", help="the file to write (a new one)")

    p = sub.add_parser(
        "restore", help="put a backup in the place of the database (the window must be closed)"
    )
    p.add_argument("file", help="the backup to restore")

    return {"backup": _cmd_backup, "restore": _cmd_restore}


def _cmd_backup(app: Any, args: argparse.Namespace) -> int:
    from mimdesk.usecases import backups

    out = backups.manual(app.database, Path(args.out))
    print(f"Backed up {app.database} to {out}.")
    return 0


def _cmd_restore(app: None, args: argparse.Namespace) -> int:
    from mimdesk import config
    from mimdesk.app import locate_database
    from mimdesk.gui import single_instance
    from mimdesk.usecases import backups

    paths, database = locate_database(args.db)
    settings = config.load_settings(paths)
    with single_instance.held_quietly(database, paths.data_dir / single_instance.LOCK_FOLDER):
        kept = backups.restore(database, Path(args.file), paths, settings)
    print(f"Restored {database} from {args.file}.")
    if kept is not None:
        print(f"What it held before is kept in {kept}.")
    if settings.shared_url or args.shared:
        print("At the next sync it takes from the shared database what is newer than the backup.")
    return 0
