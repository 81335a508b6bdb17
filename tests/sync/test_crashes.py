"""A desk killed (os._exit(137), as SIGKILL) at each named point of a sync, in a real
subprocess running ``mimdesk sync --once``: after a clean run, the desk and the server hold
the same events, once each, and the projection equals a rebuild."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mimdesk.sync import faults
from mimdesk.sync.digest import local_digest
from tests.sync.helpers import assert_converged, sync
from tests.sync.test_protocol import new_incident, notes

ROOT = Path(__file__).resolve().parents[2]


def run_sync(db: Path, url: str, env: dict[str, str], fault: str = "") -> int:
    env = {k: v for k, v in env.items() if k != "MIMDESK_FAULT"}
    if fault:
        env["MIMDESK_FAULT"] = fault
    proc = subprocess.run(
        [sys.executable, "-m", "mimdesk", "--db", str(db), "--shared", url, "sync", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode not in (0, faults.EXIT_CODE):
        raise AssertionError(f"sync failed ({proc.returncode}): {proc.stderr}")
    return proc.returncode


def test_killed_at_every_fault_point(shared_db, desks, tmp_path, home):
    a, b = desks["ana"], desks["ben"]
    notes(b, new_incident(b, "Ben's"), 699)
    sync(b, shared_db.target())
    notes(a, new_incident(a, "Ana's"), 1199)
    db = Path(a.database)
    a.close()
    url = shared_db.url_text()
    env = {
        **os.environ,
        "MIMDESK_HOME": str(home),
        "MIMDESK_SYNC_TIMEOUTS": "2,5,3,10,6",
    }

    from mimdesk.app import open_app

    def state() -> tuple[int, int]:
        app = open_app(db=db)
        try:
            return app.log.pending_count(), app.log.count_events()
        finally:
            app.close()

    # Push, batch 1 of 3: dies before the server commits: nothing shared.
    assert run_sync(db, url, env, "push.before_server_commit") == 137
    assert shared_db.count() == 700 and state() == (1200, 1200)
    # Dies after the server committed batch 1, before recording it: a lost acknowledgement.
    assert run_sync(db, url, env, "push.after_server_commit") == 137
    assert shared_db.count() == 1200 and state() == (1200, 1200)
    # The retry finds batch 1 on the server; dies after recording batch 2.
    assert run_sync(db, url, env, "push.after_local_ack:2") == 137
    assert shared_db.count() == 1700 and state() == (200, 1200)
    # Pull, batch 1 of 4: dies after fetching, in the middle of applying, after committing.
    assert run_sync(db, url, env, "pull.after_fetch") == 137
    assert shared_db.count() == 1900 and state() == (0, 1200)
    assert run_sync(db, url, env, "pull.mid_apply") == 137
    assert state() == (0, 1200)
    assert run_sync(db, url, env, "pull.after_commit:2") == 137
    assert state() == (0, 1900)
    assert run_sync(db, url, env) == 0
    a = open_app(db=db)
    try:
        sync(b, shared_db.target())
        assert_converged([a, b], shared_db.engine)
        assert local_digest(a.log)["events"] == 1900
    finally:
        a.close()
