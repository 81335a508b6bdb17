"""Gaps heal (issue 12, point 3), on PostgreSQL and MariaDB.

A row is deleted on the server. Desk A keeps writing (busy), desk B has nothing to do (idle);
both run ``mimdesk sync-agent`` with a short anti-entropy period. Desk C is new and only ever
runs ``mimdesk sync --once``, each run a new process. The hole is waited for once, the wait is
remembered from one process to the next, and then stepped over; the desks that held the
deleted event push it back (it gets a new seq), and every desk ends with every event, under
the server's seq, within about one anti-entropy period.
"""

from __future__ import annotations

import time

from sqlalchemy import delete, select

from mimdesk.app import open_app
from mimdesk.store import shared
from mimdesk.sync.digest import local_digest, server_digest
from tests.sync.desk_procs import Agent, desk_env, sync_once
from tests.sync.helpers import converge
from tests.sync.test_protocol import new_incident, notes

PERIOD = 4.0  # seconds between anti-entropy runs of the agents


def digest_of(path) -> dict:
    app = open_app(db=path)
    try:
        return local_digest(app.log)
    finally:
        app.close()


def server_state(db) -> tuple[dict, set[str]]:
    with db.engine.connect() as conn:
        return server_digest(conn), set(conn.execute(select(shared.event.c.event_id)).scalars())


def wait_until(check, timeout: float) -> float | None:
    """Seconds until ``check()`` held, or None."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def test_a_deleted_row_heals_on_busy_idle_and_once_only_desks(shared_db, tmp_path, home):
    url = shared_db.url_text()
    target = shared_db.target()
    paths = {n: tmp_path / f"{n}.sqlite3" for n in ("ana", "ben", "cleo")}
    ana, ben = open_app(db=paths["ana"]), open_app(db=paths["ben"])
    try:
        sid = new_incident(ana, "Mail down")
        notes(ana, sid, 29)
        converge([ana, ben], target)
    finally:
        ana.close()
        ben.close()
    with shared_db.engine.begin() as conn:
        victim = conn.execute(
            select(shared.event.c.event_id).where(shared.event.c.seq == 10)
        ).scalar_one()
    options = ("--poll", "0.3", "--anti-entropy", str(PERIOD))
    env = desk_env()
    agents = {n: Agent(paths[n], url, *options, env=env) for n in ("ana", "ben")}
    writer = None
    try:
        for agent in agents.values():
            assert agent.wait_for_line("online", 30), agent.lines
        time.sleep(1.0)  # past the comparison each agent makes when it connects
        with shared_db.engine.begin() as conn:
            conn.execute(delete(shared.event).where(shared.event.c.seq == 10))
        deleted_at = time.monotonic()

        # C, new: the first run stops at the hole and says so; nothing after it is loaded.
        first = sync_once(paths["cleo"], url, env)
        assert first.code == 0, first.err
        assert "waiting once for seq 10" in first.err, first.err
        assert digest_of(paths["cleo"])["events"] == 9

        # A goes on writing while the hole heals.
        writer = open_app(db=paths["ana"])

        def busy_and_back() -> bool:
            notes(writer, sid, 1, prefix="busy")
            return victim in server_state(shared_db)[1]

        back = wait_until(busy_and_back, 2 * PERIOD + 20)
        assert back is not None, (agents["ana"].lines[-5:], agents["ben"].lines[-5:])
        writer.close()
        writer = None

        # C's second run, another process: the hole was waited for already; step over it.
        second = sync_once(paths["cleo"], url, env)
        assert second.code == 0, second.err
        srv, ids = server_state(shared_db)
        cleo = digest_of(paths["cleo"])
        assert (cleo["events"], cleo["ids"], cleo["seqs"]) == (
            srv["events"],
            srv["ids"],
            srv["seqs"],
        )
        assert victim in ids and len(ids) == srv["events"]

        # A and B hold the event under the new seq within a period, idle or not.
        def agents_agree() -> bool:
            srv_now, _ = server_state(shared_db)
            return all(
                (d := digest_of(paths[n]))["seqs"] == srv_now["seqs"] and d["pending"] == 0
                for n in ("ana", "ben")
            )

        agreed = wait_until(agents_agree, 2 * PERIOD + 20)
        assert agreed is not None, (agents["ana"].lines[-5:], agents["ben"].lines[-5:])
    finally:
        if writer is not None:
            writer.close()
        for agent in agents.values():
            agent.stop()
    print(
        f"\n{shared_db.kind}: deleted event back on the server after {back:.1f} s, "
        f"busy and idle desks in step {agreed:.1f} s later (anti-entropy every {PERIOD} s; "
        f"{time.monotonic() - deleted_at:.1f} s in all)"
    )


def test_a_deleted_last_row_heals_with_sync_once_only(shared_db, tmp_path, home):
    """The hole is at the head (nothing after it to show it): a new desk waits once, then
    moves its cursor to the head; the desk that held the event pushes it back on its next
    run (anti-entropy on connect). Every process is a separate ``sync --once``."""
    url = shared_db.url_text()
    env = desk_env()
    ana_path, dara_path = tmp_path / "ana.sqlite3", tmp_path / "dara.sqlite3"
    ana = open_app(db=ana_path)
    try:
        notes(ana, new_incident(ana, "VPN down"), 4)
    finally:
        ana.close()
    assert sync_once(ana_path, url, env).code == 0
    with shared_db.engine.begin() as conn:
        conn.execute(delete(shared.event).where(shared.event.c.seq == 5))
    first = sync_once(dara_path, url, env)
    assert first.code == 0 and "waiting once for seq 5" in first.err, first.err
    assert digest_of(dara_path)["events"] == 4
    second = sync_once(dara_path, url, env)
    assert second.code == 0 and "waiting once" not in second.err, second.err
    assert "shared log at 5" in second.out, second.out  # the cursor reached the head
    # Ana's next run compares, finds the event gone, and pushes it back.
    healed = sync_once(ana_path, url, env, "--json")
    assert healed.code == 0, healed.err
    assert '"repaired": [0, 1]' in healed.out, healed.out
    third = sync_once(dara_path, url, env)
    assert third.code == 0, third.err
    srv, _ids = server_state(shared_db)
    for path in (ana_path, dara_path):
        d = digest_of(path)
        assert (d["events"], d["ids"], d["seqs"], d["pending"]) == (
            5,
            srv["ids"],
            srv["seqs"],
            0,
        )
