"""Another desk is writing is not unreachable (issue 12, point 1), and the server sets the
session timeouts for desks that do not (older ones, a desk login in a SQL shell).

Another writer is modelled by an administrator's session that holds the head row locked, as
a writer inside the append step does for a few milliseconds.
"""

from __future__ import annotations

import threading

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from mimdesk.app import open_app
from mimdesk.sync import State
from mimdesk.sync.service import BUSY_MESSAGE
from mimdesk.sync.target import Timeouts
from tests.sync.conftest import FAST
from tests.sync.desk_logins import desk_login, drop_role, new_role_name
from tests.sync.desk_procs import desk_env, mimdesk, sync_once
from tests.sync.test_protocol import new_incident
from tests.sync.test_service import service


class HeadHolder:
    """An open transaction holding the head row (FOR UPDATE) until released."""

    def __init__(self, db) -> None:
        self.engine = create_engine(db.target().url, poolclass=NullPool)
        self.conn = self.engine.connect()
        self.conn.execute(text("SELECT last_seq FROM sync_head WHERE id = 1 FOR UPDATE"))

    def release(self) -> None:
        if self.conn is not None:
            self.conn.rollback()
            self.conn.close()
            self.conn = None
            self.engine.dispose()


def test_a_held_head_lock_reads_another_desk_is_writing(shared_db, tmp_path, home):
    path = tmp_path / "ben.sqlite3"
    app = open_app(db=path)
    try:
        new_incident(app, "Ben's incident")
    finally:
        app.close()
    holder = HeadHolder(shared_db)
    try:
        run = sync_once(path, shared_db.url_text(), desk_env())
    finally:
        holder.release()
    assert run.code == 5, (run.code, run.err)
    assert "Another desk is writing to the shared database; try again." in run.err
    assert "unreachable" not in run.err
    # Once the other writer is done, the same command shares.
    again = sync_once(path, shared_db.url_text(), desk_env())
    assert again.code == 0 and "Pushed 1 events" in again.out, again.err


def test_the_worker_shows_busy_then_goes_online_by_itself(shared_db, desks):
    a = desks["ana"]
    new_incident(a, "Ana's incident")
    holder = HeadHolder(shared_db)
    # As shipped, the client waits longer for a statement (30 s) than the append step waits
    # for the head lock (5 s); FAST's 5 s would race it.
    patient = Timeouts(connect=2, statement=10, lock=3, idle_transaction=10, transaction=12)
    svc, rec = service(a, shared_db.target(), busy_retry_cap=1.0, timeouts=patient)
    svc.start()
    try:
        busy = rec.wait_for(lambda s: s.state is State.BUSY, timeout=30)
        assert busy.message == BUSY_MESSAGE
        assert "busy" in busy.describe() and "retry at" in busy.describe()
        assert shared_db.count() == 0
        threading.Timer(0.5, holder.release).start()
        online = rec.wait_for(lambda s: s.state is State.ONLINE and s.pending == 0, timeout=30)
        assert online.message == ""
    finally:
        holder.release()
        svc.stop()
    assert shared_db.count() == 1
    states = rec.states()
    assert State.OFFLINE not in states, "a busy server is not an unreachable one"


def test_db_init_sets_server_side_session_timeouts(blank_db, home, tmp_path):
    """PostgreSQL: every login of the database gets lock, statement and idle-transaction
    timeouts by default. MariaDB (no per-user defaults): the append step sets the lock wait
    and idle-transaction timeouts of the session that calls it."""
    role = new_role_name()
    run = mimdesk("db", "init", "--shared", blank_db.url_text(), "--create-role", role)
    assert run.code == 0, run.err
    try:
        with desk_login(blank_db, role) as login:
            engine = login.engine()
            try:
                with engine.connect() as conn:
                    if blank_db.kind == "pg":
                        assert "session defaults for every login" in run.out
                        found = {
                            name: conn.execute(text(f"SHOW {name}")).scalar()
                            for name in (
                                "lock_timeout",
                                "statement_timeout",
                                "idle_in_transaction_session_timeout",
                            )
                        }
                        assert found == {
                            "lock_timeout": "5s",
                            "statement_timeout": "30s",
                            "idle_in_transaction_session_timeout": "30s",
                        }
                    else:
                        conn.execute(text("CALL mimdesk_append('[]', 'probe')")).all()
                        found = conn.execute(
                            text(
                                "SELECT @@session.innodb_lock_wait_timeout, "
                                "@@session.idle_transaction_timeout"
                            )
                        ).one()
                        assert tuple(found) == (5, 30)
            finally:
                engine.dispose()
            # A desk through that login shares, with its own (shorter) timeouts as before.
            path = tmp_path / "desk.sqlite3"
            app = open_app(db=path)
            try:
                new_incident(app)
            finally:
                app.close()
            timeouts = ",".join(
                str(x)
                for x in (
                    FAST.connect,
                    FAST.statement,
                    FAST.lock,
                    FAST.idle_transaction,
                    FAST.transaction,
                )
            )
            done = sync_once(path, login.url_text(), desk_env(MIMDESK_SYNC_TIMEOUTS=timeouts))
            assert done.code == 0, done.err
    finally:
        drop_role(blank_db, role)


def test_the_header_chip_says_another_desk_is_writing_not_offline():
    from mimdesk.gui.sync_status import COLOURS, describe
    from mimdesk.sync import Status

    words, detail = describe(Status(State.BUSY, pending=3, message=BUSY_MESSAGE))
    assert words == "Another desk is writing" and detail == "3 changes not shared · retrying"
    assert COLOURS[State.BUSY] != COLOURS[State.OFFLINE]
    offline, _ = describe(Status(State.OFFLINE, pending=3, message="OperationalError: refused"))
    assert offline == "Offline"
