"""One vanished desk blocks nobody (issue 12, point 1).

Desk A pushes a large backlog through its own proxy process; the proxy SIGSTOPs itself in the
middle of a batch, so the server holds A's session with half a request received, and the
proxy's kernel still answers keepalives. Desks B and C, separate ``mimdesk sync --once``
processes, must still share their events (the head lock is never held while a client sends).
Once the proxy resumes, A's events arrive, once each.
"""

from __future__ import annotations

import subprocess
import sys
import time

from sqlalchemy import select

from mimdesk.app import open_app
from mimdesk.domain import schema
from mimdesk.domain.events import EventType
from mimdesk.store import shared
from mimdesk.sync.digest import local_digest, server_digest
from tests.sync.desk_procs import ROOT, ProxyProcess, desk_env, retry_until_ok, sync_once
from tests.sync.test_protocol import new_incident

BACKLOG = 3000
NOTE = "x" * 2000  # ~2 kB each: a batch is about a megabyte on the wire
# Well past the connect and the checks, inside the first batch of the push.
FREEZE_AFTER = 400_000
ONCE = ("sync", "--once")


def _fill(path, title: str, notes: int, text: str = "note") -> None:
    app = open_app(db=path)
    try:
        app.set_display_name(title)
        sid = new_incident(app, title)
        ctx = app.ctx
        events = [
            ctx.event(
                sid,
                schema.decode(
                    EventType.NOTE_ADDED, 1, {"text": f"{text} {i}", "kind": "observation"}
                ),
            )
            for i in range(notes)
        ]
        for start in range(0, len(events), 500):
            ctx.log.append(events[start : start + 500])
    finally:
        app.close()


def test_a_desk_frozen_mid_push_blocks_nobody(shared_db, tmp_path, home):
    dbs = {n: tmp_path / f"{n}.sqlite3" for n in ("ana", "ben", "cleo")}
    _fill(dbs["ana"], "Ana", BACKLOG, NOTE)
    _fill(dbs["ben"], "Ben", 3)
    _fill(dbs["cleo"], "Cleo", 4)
    env = desk_env()
    direct = shared_db.url_text()
    proxy = ProxyProcess(shared_db.port, freeze_after=FREEZE_AFTER)
    ana_url = shared_db.url_text(proxy.port)
    ana = subprocess.Popen(
        [sys.executable, "-m", "mimdesk", "--db", str(dbs["ana"]), "--shared", ana_url, *ONCE],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proxy.wait_frozen(60), "Ana's proxy never froze: the push did not start"
        assert ana.poll() is None
        # Ana's push is stuck mid-batch. Ben and Cleo share anyway, at the first attempt.
        started = time.monotonic()
        for name in ("ben", "cleo", "ben"):
            result, attempts = retry_until_ok(
                lambda name=name: sync_once(dbs[name], direct, env), started + 30
            )
            failures = [a.err.strip()[-300:] for a in attempts if a.code]
            assert result.code == 0 and not failures, (name, failures)
        elapsed = time.monotonic() - started
        assert proxy.state() == "T" and ana.poll() is None, "Ana was frozen all along"
        proxy.sigcont()
        ana.communicate(timeout=120)
    finally:
        proxy.kill()
        if ana.poll() is None:
            ana.kill()
            ana.communicate()
    # A's events arrive once it resumes (a fresh run finishes what the frozen one left).
    result, attempts = retry_until_ok(
        lambda: sync_once(dbs["ana"], direct, env), time.monotonic() + 60
    )
    assert result.code == 0, [a.err[-300:] for a in attempts]
    for name in ("ben", "cleo", "ana"):
        assert sync_once(dbs[name], direct, env).code == 0
    total = BACKLOG + 1 + 4 + 5
    with shared_db.engine.connect() as conn:
        srv = server_digest(conn)
        ids = conn.execute(select(shared.event.c.event_id)).scalars().all()
    assert len(ids) == len(set(ids)) == total
    assert srv["contiguous"], srv
    for name, path in dbs.items():
        app = open_app(db=path)
        try:
            d = local_digest(app.log)
        finally:
            app.close()
        assert (d["events"], d["ids"], d["seqs"], d["pending"]) == (
            total,
            srv["ids"],
            srv["seqs"],
            0,
        ), name
    print(f"\n{shared_db.kind}: B and C shared in {elapsed:.1f} s while A was frozen")
