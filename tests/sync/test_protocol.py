"""Push and pull against real PostgreSQL and MariaDB: round trips, idempotency, a lost
acknowledgement, the commit-order race a naive cursor loses, verbatim relay, clock skew,
a new log epoch."""

from __future__ import annotations

import random
import threading
import time

import pytest
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, insert, select, text

from mimdesk.domain import hlc, schema
from mimdesk.domain.events import EventType
from mimdesk.domain.ids import new_id
from mimdesk.store import shared
from mimdesk.sync import faults
from mimdesk.sync.protocol import Progress
from mimdesk.sync.target import Timeouts
from tests.support.faultproxy import FaultProxy
from tests.support.recorded import as_json
from tests.sync.helpers import assert_converged, converge, random_edit, replicator, sync


def notes(app, sid, n, prefix="note"):
    ctx = app.ctx
    events = [
        ctx.event(
            sid,
            schema.decode(
                EventType.NOTE_ADDED, 1, {"text": f"{prefix} {i}", "kind": "observation"}
            ),
        )
        for i in range(n)
    ]
    for start in range(0, n, 500):
        ctx.log.append(events[start : start + 500])
    return events


def new_incident(app, title="Mail down"):
    sid = new_id()
    app.ctx.log.append(
        [app.ctx.event(sid, schema.decode(EventType.INCIDENT_REPORTED, 1, {"title": title}))]
    )
    return sid


def test_two_desks_converge(shared_db, desks):
    a, b = desks["ana"], desks["ben"]
    target = shared_db.target()
    rng = random.Random(1)
    for _ in range(60):
        random_edit(a, rng)
        random_edit(b, rng)
    first = sync(a, target)
    assert first.pushed == a.log.count_events()
    converge([a, b], target)
    assert_converged([a, b], shared_db.engine)
    # Nothing left: a further sync moves nothing.
    again = sync(b, target)
    assert (again.pushed, again.pulled) == (0, 0)


def test_pushing_twice_stores_once(shared_db, desks):
    a = desks["ana"]
    sid = new_incident(a)
    notes(a, sid, 700)
    rows = a.log.pending_rows(500)
    rep = replicator(a, shared_db.target())
    rep.connect()
    try:
        taken, seqs = rep.push_batch(rows)
        assert taken == 500
        a.log.set_sync_state({})
        # The same rows again (an acknowledgement lost before mark_pushed): all found.
        retaken, reseqs = rep.push_batch(rows)
        assert retaken == 0 and reseqs == seqs
        rep.push()
    finally:
        rep.dispose()
    assert shared_db.count() == 701
    assert a.log.pending_count() == 0


def test_lost_acknowledgement_is_harmless(shared_db, desks):
    """The line drops the server's answers just as a 500-event push commits: the desk never
    hears of the commit, retries, and the server still holds each event once."""
    a = desks["ana"]
    sid = new_incident(a)
    notes(a, sid, 499)
    proxy = FaultProxy(shared_db.host, shared_db.port).start()
    fast = Timeouts(connect=2, statement=5, lock=3, idle_transaction=10, transaction=2)
    rep = replicator(a, shared_db.target(proxy.port), fast)

    def hook(point: str) -> None:
        if point == "push.before_server_commit":
            proxy.drop_replies()

    try:
        rep.connect()
        faults.set_hook(hook)
        with pytest.raises(Exception):  # noqa: B017 (whatever the driver raises)
            rep.push()
        faults.set_hook(None)
        assert shared_db.count() == 500  # committed...
        assert a.log.pending_count() == 500  # ...but this desk could not know
        proxy.pass_()
        rep.connect()
        pushed, acked = rep.push()
        assert (pushed, acked) == (0, 500)
    finally:
        faults.set_hook(None)
        rep.dispose()
        proxy.stop()
    assert shared_db.count() == 500
    assert a.log.pending_count() == 0


# ---- never miss ------------------------------------------------------------------------


def _naive_table(metadata: MetaData) -> Table:
    return Table(
        "naive_event",
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
        Column("event_id", String(36), nullable=False),
    )


def test_a_naive_autoincrement_cursor_loses_what_ours_keeps(shared_db, desks):
    """Two writers; the one holding the lower number commits later. A reader paging by an
    autoincrement id passes over it for good. Under the head lock the second writer cannot
    commit first: it waits, and the reader sees both, in order."""
    engine = shared_db.engine
    metadata = MetaData()
    naive = _naive_table(metadata)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    try:
        with engine.connect() as w1, engine.connect() as w2, engine.connect() as reader:
            w1.begin()
            w1.execute(insert(naive).values(event_id="first"))  # takes id 1, not committed
            w2.begin()
            w2.execute(insert(naive).values(event_id="second"))  # takes id 2
            w2.commit()
            seen = [r.event_id for r in reader.execute(select(naive).where(naive.c.id > 0))]
            cursor = reader.execute(select(naive.c.id).order_by(naive.c.id.desc())).scalar()
            reader.rollback()
            w1.commit()
            seen += [r.event_id for r in reader.execute(select(naive).where(naive.c.id > cursor))]
            reader.rollback()
        assert seen == ["second"], "the naive cursor should have missed 'first'"
    finally:
        metadata.drop_all(engine)

    # Ours: a seq is allocated and committed inside one server-side call, under the head
    # lock. A writer that stalls before its call (here: held just before sending) holds no
    # lock: the second writer commits first and takes seq 1; the stalled one takes seq 2 when
    # it goes on. The reader never sees a seq before the ones below it are visible.
    a, b, c = desks["ana"], desks["ben"], desks["cleo"]
    target = shared_db.target()
    new_incident(a, "from Ana")
    new_incident(b, "from Ben")
    holding, release = threading.Event(), threading.Event()

    def hook(point: str) -> None:
        if point == "push.before_server_commit" and threading.current_thread().name == "ana":
            holding.set()
            release.wait(10)

    faults.set_hook(hook)
    errors: list[BaseException] = []

    def push(app):
        try:
            sync(app, target)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    try:
        t_a = threading.Thread(target=push, args=(a,), name="ana")
        t_a.start()
        assert holding.wait(10)
        t_b = threading.Thread(target=push, args=(b,), name="ben")
        t_b.start()
        t_b.join(15)
        assert not t_b.is_alive(), "Ben must not wait for a writer that stalled"
        sync(c, target)
        assert [s.title for s in c.log.summaries()] == ["from Ben"]
        release.set()
        t_a.join(15)
    finally:
        faults.set_hook(None)
        release.set()
    assert not errors, errors
    sync(c, target)
    assert c.log.count_events() == 2
    converge([a, b, c], target)
    assert_converged([a, b, c], shared_db.engine)


def slow_inserts(server) -> tuple[list[str], list[str]]:
    """A trigger that sleeps inside the append step's transaction, after the seqs are taken
    and before the commit (where a commit-order race would open): install, then remove."""
    if server.kind == "pg":
        return (
            [
                "CREATE FUNCTION zz_slow() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN PERFORM pg_sleep(random() * 0.02); RETURN NULL; END $$",
                "CREATE TRIGGER zz_slow AFTER INSERT ON event "
                "FOR EACH STATEMENT EXECUTE FUNCTION zz_slow()",
            ],
            ["DROP TRIGGER IF EXISTS zz_slow ON event", "DROP FUNCTION IF EXISTS zz_slow()"],
        )
    return (
        ["CREATE TRIGGER zz_slow AFTER INSERT ON event FOR EACH ROW DO SLEEP(RAND() * 0.0004)"],
        ["DROP TRIGGER IF EXISTS zz_slow"],
    )


def test_concurrent_writers_and_a_busy_reader_miss_nothing(shared_db, desks):
    """Three writers push 3 x 400 events in batches of 50, the server sleeping up to 20 ms
    inside each append (after the seqs are taken, before the commit), while a reader pulls in
    a loop. The reader ends with every event, and the server's seqs are contiguous."""
    install, remove = slow_inserts(shared_db)
    with shared_db.engine.begin() as conn:
        for statement in install:
            conn.exec_driver_sql(statement)
    try:
        _writers_and_a_reader(shared_db, desks)
    finally:
        with shared_db.engine.begin() as conn:
            for statement in remove:
                conn.exec_driver_sql(statement)


def _writers_and_a_reader(shared_db, desks):
    writers = [desks[n] for n in ("ana", "ben", "cleo")]
    reader = desks["reader"]
    target = shared_db.target()
    for w in writers:
        notes(w, new_incident(w), 399)
    rng = random.Random(7)

    def hook(point: str) -> None:
        if point == "push.before_server_commit":
            time.sleep(rng.random() * 0.02)

    stop = threading.Event()
    errors: list[BaseException] = []

    def write(app):
        rep = replicator(app, target)
        rep.batch = 50
        try:
            rep.connect()
            rep.push()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            rep.dispose()

    def read():
        rep = replicator(reader, target)
        try:
            rep.connect()
            while not stop.is_set():
                rep.pull()
                time.sleep(0.01)
            rep.pull()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            rep.dispose()

    faults.set_hook(hook)
    try:
        threads = [threading.Thread(target=write, args=(w,)) for w in writers]
        r = threading.Thread(target=read)
        r.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        stop.set()
        r.join(60)
    finally:
        faults.set_hook(None)
    assert not errors, errors
    assert reader.log.count_events() == 1200
    assert reader.log.pending_count() == 0
    converge([*writers, reader], target)
    assert_converged([*writers, reader], shared_db.engine)


# ---- relay, progress, skew, epoch ------------------------------------------------------


def test_unknown_event_types_are_relayed_verbatim(shared_db, desks):
    a, b, c = desks["ana"], desks["ben"], desks["cleo"]
    target = shared_db.target()
    sid = new_incident(a)
    odd = {"z": 1, "a": ["é", "🔥", "\u202e"], "nested": {"k": None}}
    a.log.append([a.ctx.event(sid, schema.decode("incident.hologram_added", 1, odd))])
    sync(a, target)
    sync(b, target)
    sync(c, target)
    with shared_db.engine.connect() as conn:
        stored = conn.execute(
            select(shared.event.c.payload).where(shared.event.c.type == "incident.hologram_added")
        ).scalar_one()
    local = next(e for e in a.log.stream(sid) if e.type == "incident.hologram_added")
    assert stored == schema.dumps(local.payload)[1]
    relayed = [e for e in c.log.stream(sid) if e.type == "incident.hologram_added"]
    assert relayed and as_json(relayed[0].payload) == odd
    from mimdesk.usecases import incidents

    view = incidents.view(c.ctx, sid)
    assert view.state.unknown_events == 1


def test_a_backlog_reports_monotonic_progress(shared_db, desks):
    a, b = desks["ana"], desks["ben"]
    target = shared_db.target()
    notes(a, new_incident(a), 1299)
    seen: list[Progress] = []
    rep = replicator(a, target)
    try:
        rep.connect()
        rep.push(lambda p: seen.append(Progress(p.phase, p.done, p.total)))
    finally:
        rep.dispose()
    assert [p.done for p in seen] == [500, 1000, 1300]
    seen.clear()
    rep = replicator(b, target)
    try:
        rep.connect()
        rep.pull(lambda p: seen.append(Progress(p.phase, p.done, p.total)))
    finally:
        rep.dispose()
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert b.log.count_events() == 1300


def test_a_fast_clock_is_reported_and_its_events_restamped(shared_db, desks, monkeypatch):
    """A desk whose clock runs 10 minutes fast edits offline, then syncs: a skew warning, no
    event on the server more than 5 minutes ahead, and an edit made elsewhere afterwards
    still wins."""
    from datetime import UTC, datetime, timedelta

    a, b = desks["fast"], desks["ben"]
    target = shared_db.target()
    ahead = timedelta(minutes=10)
    a.ctx.now = lambda: datetime.now(UTC) + ahead
    sid = new_incident(a, "Fast desk's incident")
    a.log.append(
        [
            a.ctx.event(
                sid,
                schema.decode(
                    EventType.FIELD_CHANGED, 1, {"field": "title", "value": "fast title"}
                ),
            )
        ]
    )
    rep = replicator(a, target)
    rep.wall = lambda: time.time() + ahead.total_seconds()
    try:
        rep.connect()
        assert rep.skew_warning()
        assert rep.clock_offset_ms is not None and rep.clock_offset_ms < -9 * 60 * 1000
        rep.sync()
    finally:
        rep.dispose()
    assert rep.restamped == 2
    limit = hlc.pack(int((time.time() + 5 * 60) * 1000), 0)
    with shared_db.engine.connect() as conn:
        assert conn.execute(select(shared.event.c.hlc)).scalars().all()
        assert max(conn.execute(select(shared.event.c.hlc)).scalars()) < limit
    # The fast desk now stamps with the measured offset applied.
    assert abs(a.log.clock_offset_ms + ahead.total_seconds() * 1000) < 5000
    sync(b, target)
    b.log.append(
        [
            b.ctx.event(
                sid,
                schema.decode(
                    EventType.FIELD_CHANGED, 1, {"field": "title", "value": "later title"}
                ),
            )
        ]
    )
    converge([a, b], target)
    assert a.log.summary(sid).title == b.log.summary(sid).title == "later title"
    # Restamped events were signed again: their new HLCs verify on the other desk.
    assert b.log.check_signatures()[1] == [] and b.log.alarms() == []


def test_a_new_log_epoch_makes_desks_push_everything_again(shared_db, desks):
    """The server was replaced by an empty one (or restored from an old dump): desks notice
    the new epoch, push all they hold, and nothing is lost."""
    a, b = desks["ana"], desks["ben"]
    target = shared_db.target()
    rng = random.Random(3)
    for _ in range(30):
        random_edit(a, rng)
        random_edit(b, rng)
    converge([a, b], target)
    total = a.log.count_events()
    shared_db.reset()
    assert shared_db.count() == 0
    converge([a, b], target)
    assert shared_db.count() == total
    assert_converged([a, b], shared_db.engine)


def test_server_side_head_and_rows_agree(shared_db, desks):
    a = desks["ana"]
    notes(a, new_incident(a), 10)
    sync(a, shared_db.target())
    with shared_db.engine.connect() as conn:
        head = conn.execute(text("SELECT last_seq FROM sync_head")).scalar()
        seqs = conn.execute(select(shared.event.c.seq).order_by(shared.event.c.seq)).scalars()
        assert list(seqs) == list(range(1, head + 1))
