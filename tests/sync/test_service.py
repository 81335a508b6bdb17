"""The sync worker and its states against real servers through a fault proxy: cold start with
the database black-holed, offline work, recovery without user action, a newer shared schema,
the fault matrix."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import update

from mimdesk.domain import schema
from mimdesk.store import shared
from mimdesk.sync import State, Status, SyncService
from tests.support.faultproxy import FaultProxy
from tests.sync.conftest import FAST
from tests.sync.helpers import assert_converged, converge, random_edit, sync
from tests.sync.test_protocol import new_incident, notes


class Recorder:
    def __init__(self) -> None:
        self.statuses: list[Status] = []
        self.changed = threading.Condition()

    def __call__(self, status: Status) -> None:
        with self.changed:
            self.statuses.append(status)
            self.changed.notify_all()

    def wait_for(self, check: Callable[[Status], bool], timeout: float = 30.0) -> Status:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                if self.statuses and check(self.statuses[-1]):
                    return self.statuses[-1]
                left = deadline - time.monotonic()
                if left <= 0:
                    last = self.statuses[-1] if self.statuses else None
                    raise AssertionError(f"timed out; last status {last}")
                self.changed.wait(left)

    def states(self) -> list[State]:
        return [s.state for s in self.statuses]


@pytest.fixture
def proxy(shared_db):
    p = FaultProxy(shared_db.host, shared_db.port).start()
    yield p
    p.stop()


def service(app, target, **options) -> tuple[SyncService, Recorder]:
    options.setdefault("timeouts", FAST)
    options.setdefault("poll_interval", 0.2)
    options.setdefault("backoff_base", 0.2)
    options.setdefault("backoff_cap", 2.0)
    svc = SyncService(app.log, target, **options)
    rec = Recorder()
    svc.add_listener(rec)
    return svc, rec


def test_without_a_shared_database_the_desk_is_local_only(desks):
    app = desks["ana"]
    svc = app.sync_service()
    svc.start()
    assert svc.status().state is State.LOCAL_ONLY
    svc.stop()


def test_cold_start_with_the_database_black_holed(shared_db, proxy, desks, tmp_path):
    """The desk opens and lists its incidents at once; the worker connects on its own thread
    and reports OFFLINE; local work piles up as pending; when the database answers again the
    worker catches up without anyone asking."""
    a = desks["ana"]
    sid = new_incident(a, "Known before the outage")
    a.close()
    proxy.blackhole()
    from mimdesk.app import open_app

    started = time.perf_counter()
    app = open_app(db=tmp_path / "ana.sqlite3", shared=shared_db.url_text(proxy.port))
    rec = Recorder()
    svc = app.sync_service(timeouts=FAST, poll_interval=0.2, backoff_base=0.2, backoff_cap=2.0)
    svc.add_listener(rec)
    svc.start()
    titles = [s.title for s in app.log.summaries()]
    opened = time.perf_counter() - started
    assert titles == ["Known before the outage"]
    assert opened < 2.0, "opening must not wait for the shared database"
    try:
        rec.wait_for(lambda s: s.state is State.OFFLINE, timeout=20)
        assert svc.status().pending == 1
        app.log.append(
            [
                app.ctx.event(
                    sid,
                    schema.decode("note.added", 1, {"text": "offline note", "kind": "observation"}),
                )
            ]
        )
        rec.wait_for(lambda s: s.pending == 2, timeout=10)
        proxy.pass_()
        svc.sync_now()
        done = rec.wait_for(lambda s: s.state is State.ONLINE, timeout=30)
        assert done.pending == 0 and done.last_good_sync is not None
        assert shared_db.count() == 2
    finally:
        svc.stop()
        app.close()
    assert State.CONNECTING in rec.states()


def test_recovers_without_user_action_and_reports_progress(shared_db, proxy, desks):
    a, b = desks["ana"], desks["ben"]
    notes(b, new_incident(b), 1499)
    sync(b, shared_db.target())
    proxy.refuse()
    svc, rec = service(a, shared_db.target(proxy.port))
    svc.start()
    try:
        offline = rec.wait_for(lambda s: s.state is State.OFFLINE)
        assert offline.next_retry is not None and offline.message
        proxy.pass_()
        online = rec.wait_for(lambda s: s.state is State.ONLINE, timeout=30)
        assert online.missed == 0 and online.pending == 0
    finally:
        svc.stop()
    syncing = [s for s in rec.statuses if s.state is State.SYNCING and s.progress]
    assert syncing, "a 1,500-event backlog should show progress"
    done = [s.progress.done for s in syncing if s.progress.phase == "pull"]
    assert done == sorted(done)
    assert a.log.count_events() == 1500


def test_a_newer_shared_schema_is_refused_and_named(shared_db, desks):
    a = desks["ana"]
    new_incident(a)
    with shared_db.engine.begin() as conn:
        for key in ("schema_version", "min_client_schema"):
            conn.execute(
                update(shared.sync_meta).where(shared.sync_meta.c.key == key).values(value="7")
            )
    svc, rec = service(a, shared_db.target(), incompatible_recheck=300.0)
    svc.start()
    try:
        status = rec.wait_for(lambda s: s.state is State.INCOMPATIBLE)
        assert "version 7 or newer" in status.message and "install the newer" in status.message
        checks = svc.cycles
        svc.sync_now()
        svc.sync_now()
        time.sleep(1.0)
        assert svc.cycles == checks, "at most one check per five minutes"
        # Local work goes on; nothing reached the server.
        new_incident(a, "still works")
        assert shared_db.count() == 0
        assert len(a.log.summaries()) == 2
    finally:
        svc.stop()


def test_an_older_shared_schema_asks_for_db_upgrade(shared_db, desks):
    a = desks["ana"]
    with shared_db.engine.begin() as conn:
        conn.execute(
            update(shared.sync_meta)
            .where(shared.sync_meta.c.key == "schema_version")
            .values(value="0")
        )
    svc, rec = service(a, shared_db.target())
    svc.start()
    try:
        status = rec.wait_for(lambda s: s.state is State.INCOMPATIBLE)
        assert "'mimdesk db upgrade --shared URL'" in status.message
        assert "Work continues on this desk" in status.message
    finally:
        svc.stop()


FAULTS = ["refuse", "reset", "blackhole", "latency", "cut", "kill"]


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_matrix(shared_db, proxy, desks, fault):
    """Each fault strikes while a desk pushes 1,200 events and pulls 600; once it clears the
    worker is ONLINE again by itself, and nothing is lost or doubled."""
    a, b = desks["ana"], desks["ben"]
    notes(b, new_incident(b), 599)
    sync(b, shared_db.target())
    notes(a, new_incident(a), 1199)
    svc, rec = service(a, shared_db.target(proxy.port))
    if fault == "cut":
        proxy.cut_after(60_000)  # mid-batch: a 500-event batch is larger than this
    elif fault == "latency":
        proxy.latency(0.05)
    svc.start()
    try:
        if fault in ("refuse", "reset", "blackhole"):
            time.sleep(0.3)
            getattr(proxy, fault)()
            time.sleep(2.5)
        elif fault == "kill":
            time.sleep(0.3)
            shared_db.kill_sync_connections()
            time.sleep(0.5)
            shared_db.kill_sync_connections()
        else:
            time.sleep(2.0)
        proxy.pass_()
        rec.wait_for(
            lambda s: s.state is State.ONLINE and s.pending == 0 and s.missed == 0, timeout=45
        )
    finally:
        svc.stop()
    converge([a, b], shared_db.target())
    assert shared_db.count() == 1800
    assert_converged([a, b], shared_db.engine)


def test_random_edits_while_the_worker_runs(shared_db, proxy, desks):
    a, b = desks["ana"], desks["ben"]
    rng = random.Random(5)
    sa, ra = service(a, shared_db.target(proxy.port))
    sb, rb = service(b, shared_db.target())
    sa.start()
    sb.start()
    try:
        for i in range(80):
            random_edit(a if i % 2 else b, rng)
            if i == 30:
                proxy.reset()
            if i == 50:
                proxy.pass_()
            time.sleep(0.01)
        for rec in (ra, rb):
            rec.wait_for(lambda s: s.state is State.ONLINE and s.pending == 0, timeout=30)
    finally:
        sa.stop()
        sb.stop()
    converge([a, b], shared_db.target())
    assert_converged([a, b], shared_db.engine)
