"""``mimdesk backup OUT`` and ``mimdesk restore FILE`` as a person or a script runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mimdesk import exitcodes
from mimdesk.app import locate_database, open_app
from mimdesk.usecases import incidents


def mimdesk(env, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mimdesk", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_backup_then_restore_and_what_it_refuses(cli_env, tmp_path):
    db = tmp_path / "desk.sqlite3"
    app = open_app(db=db, env=cli_env)
    incidents.report(app.ctx, title="Kept in the backup")
    app.close()

    out = tmp_path / "saved.sqlite3"
    done = mimdesk(cli_env, "--db", db, "backup", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Backed up {db} to {out}.\n"
    again = mimdesk(cli_env, "--db", db, "backup", out)
    assert again.returncode == exitcodes.USER_ERROR
    assert "does not write over a database" in again.stderr
    assert len(again.stderr.splitlines()) == 1

    app = open_app(db=db, env=cli_env)
    incidents.report(app.ctx, title="Made after the backup")
    app.close()

    # A window that has the file open keeps it: restore refuses, and changes nothing.
    from mimdesk.gui import single_instance

    paths, database = locate_database(db, cli_env)
    with single_instance.held_quietly(database, paths.data_dir / single_instance.LOCK_FOLDER):
        refused = mimdesk(cli_env, "--db", db, "restore", out)
    assert refused.returncode == exitcodes.USER_ERROR, refused.stderr
    assert "is in use by MIM Desk" in refused.stderr and "Close the MIM Desk window" in (
        refused.stderr
    )

    done = mimdesk(cli_env, "--db", db, "restore", out)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Restored {db} from {out}."
    kept = Path(lines[1].removeprefix("What it held before is kept in ").rstrip("."))
    assert kept.exists()
    listed = mimdesk(cli_env, "--db", db, "list").stdout
    assert "Kept in the backup" in listed and "Made after the backup" not in listed
    # What the file held before the restore is a database of its own, whole.
    before = mimdesk(cli_env, "--db", kept, "list").stdout
    assert "Made after the backup" in before


def test_doctor_shows_whether_backups_can_be_taken(cli_env, tmp_path):
    import json

    db = tmp_path / "desk.sqlite3"
    done = mimdesk(cli_env, "--db", db, "doctor", "--json")
    assert done.returncode == 0, done.stderr
    ready = json.loads(done.stdout)["backups"]
    assert ready["count"] == 0 and ready["problem"] == "" and ready["keep"] == 7
    assert mimdesk(cli_env, "--db", db, "backup", tmp_path / "one.sqlite3").returncode == 0

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    site = tmp_path / "site.toml"
    site.write_text(f'[backups]\nfolder = "{(blocked / "backups").as_posix()}"\n')
    env = {**cli_env, "MIMDESK_SITE_CONFIG": str(site)}
    done = mimdesk(env, "--db", db, "doctor")
    assert done.returncode == exitcodes.FAILED
    assert f"PROBLEM: {blocked} is not a folder, so backups cannot go in" in done.stdout
