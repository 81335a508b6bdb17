"""``mimdesk backup OUT``, ``mimdesk restore FILE`` and ``mimdesk verify``: this desk's
database, copied, put back and checked. The window takes its own backups (on start and
daily); these are for a person or a script, and for the day a laptop's file must come back."""

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

    p = sub.add_parser(
        "verify",
        help="check this desk's file: SQLite integrity, every event's signature, the summaries",
    )
    p.add_argument("--json", action="store_true", help="print the findings as JSON")

    return {"backup": _cmd_backup, "restore": _cmd_restore, "verify": _cmd_verify}


def _cmd_verify(app: Any, args: argparse.Namespace) -> int:
    import json

    from mimdesk import exitcodes
    from mimdesk.usecases import verify

    found = verify.verify(app.ctx, app.database)
    if args.json:
        print(
            json.dumps(
                {
                    "database": str(found.database),
                    "integrity": found.integrity,
                    "events": found.events,
                    "signatures": {k.value: n for k, n in found.verdicts.items()},
                    "failing": [
                        {"event_id": e, "desk_id": d, "verdict": v.value}
                        for e, d, v in found.failing
                    ],
                    "summaries": found.projection,
                    "alarms": len(found.alarms),
                    "ok": found.ok,
                },
                indent=2,
            )
        )
    else:
        print("\n".join(found.lines()))
    return exitcodes.OK if found.ok else exitcodes.FAILED


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
