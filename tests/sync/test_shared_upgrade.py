"""Shared-schema upgrades in place, with old and new desks in use (issue 12, point 4), on
PostgreSQL and MariaDB.

The old desk is the real previous release: the committed tree of :data:`OLD_RELEASE` (whose
desks know shared revision s0001 only and push with plain INSERTs), extracted with
``git archive`` and run as ``python -m mimdesk`` from that tree. IT creates the shared
database with it, desks share, then IT upgrades in place with ``mimdesk db upgrade --shared
URL`` while a second administrator's upgrade holds the lock. Every refusal says what is
needed, each desk keeps working locally meanwhile, and nothing is lost.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from mimdesk.app import open_app
from mimdesk.store import shared
from mimdesk.sync.digest import local_digest, server_digest
from tests.sync.conftest import _skip_or_fail
from tests.sync.desk_procs import ROOT, desk_env, mimdesk, sync_once

# The last commit before shared revision s0002: its desks know s0001 only.
OLD_RELEASE = "402a046c4d38453114def56d2a6d4fb7c201305a"


@pytest.fixture(scope="session")
def old_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("old-release")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", OLD_RELEASE, "mimdesk", "resources", "ui"],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        _skip_or_fail(f"the previous release {OLD_RELEASE[:10]} is not in this checkout's git")
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def old_mimdesk(tree: Path, *args: str):
    """The previous release's ``mimdesk``: run from its own tree, which comes first on
    sys.path (python -m), before the installed (current) package."""
    return mimdesk(*args, cwd=tree)


def revision(db) -> str | None:
    with db.engine.connect() as conn:
        return shared.current_revision(conn)


def digest(path: Path) -> dict:
    app = open_app(db=path)
    try:
        return local_digest(app.log)
    finally:
        app.close()


def test_an_s0001_server_upgrades_in_place_while_old_and_new_desks_work(
    blank_db, old_release, tmp_path, home
):
    url = blank_db.url_text()
    old_db, new_db = tmp_path / "old.sqlite3", tmp_path / "new.sqlite3"
    # IT set the shared database up with the previous release (its README form).
    made = old_mimdesk(old_release, "--shared", url, "db", "init")
    assert made.code == 0 and "created the shared schema (s0001_shared_log)" in made.out, made.err
    assert revision(blank_db) == "s0001_shared_log"

    # An old desk shares, as it always did.
    ref = old_mimdesk(old_release, "--db", str(old_db), "new", "Payroll down").out.strip()
    assert old_mimdesk(old_release, "--db", str(old_db), "note", ref, "old note 1").code == 0
    pushed = old_mimdesk(old_release, "--db", str(old_db), "--shared", url, "sync", "--once")
    assert pushed.code == 0 and "Pushed 2 events" in pushed.out, pushed.err

    # A new desk meets the old server: it says what IT must run, and works on locally.
    assert mimdesk("--db", str(new_db), "new", "VPN down").code == 0
    refused = sync_once(new_db, url)
    assert refused.code == 3, refused.err
    assert (
        f"schema version 1, older than this MIM Desk needs (version {shared.SCHEMA_VERSION})"
        in refused.err
    )
    assert "Work continues on this desk" in refused.err
    assert "'mimdesk db upgrade --shared URL'" in refused.err
    listed = mimdesk("--db", str(new_db), "list")
    assert "VPN down" in listed.out
    assert blank_db.count() == 2

    # IT upgrades in place, while another administrator's upgrade holds the lock.
    holder = blank_db.engine.connect()
    try:
        assert shared._try_upgrade_lock(holder)
        upgrade = subprocess.Popen(
            [sys.executable, "-m", "mimdesk", "db", "upgrade", "--shared", url],
            cwd=ROOT,
            env=desk_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert upgrade.stderr is not None
        first_line = upgrade.stderr.readline()
        assert "another administrator is upgrading it; waiting" in first_line, first_line
        time.sleep(1.0)
        assert upgrade.poll() is None and revision(blank_db) == "s0001_shared_log"
    finally:
        shared._release_upgrade_lock(holder)
        holder.close()
    out, err = upgrade.communicate(timeout=120)
    assert upgrade.returncode == 0, err
    assert f"upgraded the shared schema s0001_shared_log -> {shared.HEAD}" in out
    assert revision(blank_db) == shared.HEAD
    again = mimdesk("db", "upgrade", "--shared", url)
    assert again.code == 0 and f"shared schema {shared.HEAD} is current" in again.out
    assert blank_db.count() == 2  # the upgrade moved nothing

    # The new desk shares now: its incident goes up, the old desk's events come down.
    shared_now = sync_once(new_db, url)
    assert shared_now.code == 0 and "Pushed 1 events, fetched 2" in shared_now.out

    # The old desk meets the upgraded server: it refuses, names the version, works on.
    assert old_mimdesk(old_release, "--db", str(old_db), "note", ref, "old note 2").code == 0
    stale = old_mimdesk(old_release, "--db", str(old_db), "--shared", url, "sync", "--once")
    assert stale.code == 3, stale.err
    assert (
        f"schema version {shared.SCHEMA_VERSION}, newer than this MIM Desk knows (version 1)"
        in stale.err
    )
    assert "install the newer MIM Desk" in stale.err
    assert blank_db.count() == 3  # nothing from the old desk's refused run

    # Once that desk runs the new MIM Desk on the same file, its pending note goes up.
    upgraded = sync_once(old_db, url)
    assert upgraded.code == 0 and "Pushed 1 events" in upgraded.out, upgraded.err
    assert sync_once(new_db, url).code == 0
    with blank_db.engine.connect() as conn:
        srv = server_digest(conn)
        ids = conn.execute(select(shared.event.c.event_id)).scalars().all()
    assert srv["contiguous"] and srv["events"] == 4 and len(set(ids)) == 4
    for path in (old_db, new_db):
        d = digest(path)
        assert (d["events"], d["ids"], d["seqs"], d["pending"]) == (
            4,
            srv["ids"],
            srv["seqs"],
            0,
        )


def test_db_init_in_the_readme_form_and_the_old_roles_rights_taken_away(
    blank_db, old_release, home
):
    """``mimdesk db init --shared URL`` (the README's form) works; an upgrade takes from a
    desk role of the previous release (PostgreSQL: INSERT on event, UPDATE on sync_head) the
    rights to write directly and leaves it desk rights only."""
    url = blank_db.url_text()
    if blank_db.kind == "pg":
        role = f"zz_old_{os.getpid()}_{int(time.time()) % 100000}"
        made = old_mimdesk(old_release, "--shared", url, "db", "init", "--create-role", role)
        assert made.code == 0, made.err
    else:
        role = None
        made = old_mimdesk(old_release, "--shared", url, "db", "init")
        assert made.code == 0, made.err
    try:
        run = mimdesk("db", "init", "--shared", url)
        assert run.code == 0, run.err
        assert f"upgraded the shared schema s0001_shared_log -> {shared.HEAD}" in run.out
        if role is None:
            return
        took = "took away INSERT ON desk, INSERT ON event, UPDATE ON desk, UPDATE ON sync_head"
        assert f"{role}: {took}" in run.out, run.out
        with blank_db.engine.connect() as conn:
            rights = conn.execute(
                text(
                    "SELECT has_table_privilege(:r, 'event', 'INSERT'), "
                    "has_table_privilege(:r, 'sync_head', 'UPDATE'), "
                    "has_table_privilege(:r, 'sync_head', 'SELECT'), "
                    "has_table_privilege(:r, 'event', 'SELECT'), "
                    "has_function_privilege(:r, 'mimdesk_append(text, text)', 'EXECUTE')"
                ),
                {"r": role},
            ).one()
        assert tuple(rights) == (False, False, False, True, True)
    finally:
        if role is not None:
            from tests.sync.desk_logins import drop_role

            drop_role(blank_db, role)
