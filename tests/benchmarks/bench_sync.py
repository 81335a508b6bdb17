"""Sync figures on loopback: push and pull of 10,000 events, and how long a desk takes to
notice that the shared database is back.

    uv run python -m tests.benchmarks.bench_sync            # both servers, 10,000 events
    uv run python -m tests.benchmarks.bench_sync --quick    # 1,000 events, one recovery

``run()`` is what ``python -m tests.benchmarks`` calls. Servers come from
``MIMDESK_TEST_PG_URL`` / ``MIMDESK_TEST_MYSQL_URL`` (defaults: the local ones); each run
uses a database of its own, dropped afterwards.

- **push**: ``Replicator.push()`` of 10,000 pending events (20 batches of 500, each one server
  transaction under the head lock plus one local transaction). Floor: the same rows inserted
  with one bare ``executemany`` into a plain table of the same columns, one transaction.
- **pull**: a fresh desk's ``Replicator.pull()`` of those 10,000 (20 batches, each one local
  transaction that inserts, folds the projection and moves the cursor). Floor: one SELECT of
  the rows and a bare ``sqlite3`` executemany into a table of the same columns.
- **back online**: a desk's worker is offline (connections refused) long enough for its
  back-off to reach the 10 s cap; the database comes back; the time until the worker reports
  ONLINE. Default timeouts and back-off, as the app uses them.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import Column, MetaData, Table, create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from mimdesk.app import open_app
from mimdesk.domain import schema
from mimdesk.domain.events import EventType
from mimdesk.domain.ids import new_id
from mimdesk.store import shared
from mimdesk.sync import State, SyncService
from mimdesk.sync.protocol import Replicator
from mimdesk.sync.target import make_engine, parse_url
from tests.support.faultproxy import FaultProxy

from .common import Figure, render

SERVERS = {
    "PostgreSQL": ("MIMDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "MariaDB": ("MIMDESK_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}
TRANSFER_TARGET_S = 3.0
RECOVERY_TARGET_S = 15.0


class Database:
    def __init__(self, label: str, raw: str) -> None:
        self.label = label
        self.admin_url = make_url(raw)
        self.kind = "pg" if self.admin_url.get_backend_name() == "postgresql" else "mysql"
        self.name = f"mimdesk_bench_{uuid.uuid4().hex[:10]}"
        isolation = "AUTOCOMMIT" if self.kind == "pg" else None
        options = {"isolation_level": isolation} if isolation else {}
        self.admin = create_engine(self.admin_url, poolclass=NullPool, **options)
        q = '"' if self.kind == "pg" else "`"
        with self.admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {q}{self.name}{q}"))
            conn.commit()
        scheme = "postgresql" if self.kind == "pg" else "mariadb"
        self.host = self.admin_url.host or "127.0.0.1"
        self.port = self.admin_url.port or (5432 if self.kind == "pg" else 3306)
        self.user = self.admin_url.username or ""
        self.url = f"{scheme}://{self.user}@{self.host}:{self.port}/{self.name}"
        self.engine = make_engine(parse_url(self.url, "bench"), application_name="bench")
        with self.engine.connect() as conn:
            shared.upgrade(conn)
            conn.commit()

    def url_via(self, port: int) -> str:
        scheme = "postgresql" if self.kind == "pg" else "mariadb"
        return f"{scheme}://{self.user}@127.0.0.1:{port}/{self.name}"

    def drop(self) -> None:
        self.engine.dispose()
        q = '"' if self.kind == "pg" else "`"
        force = " WITH (FORCE)" if self.kind == "pg" else ""
        with self.admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {q}{self.name}{q}{force}"))
            conn.commit()
        self.admin.dispose()


def _replicator(app, url: str) -> Replicator:
    target = parse_url(url, "bench")
    return Replicator(app.log, lambda: make_engine(target, application_name="bench"))


def _fill(app, events: int) -> None:
    ctx = app.ctx
    sid = new_id()
    batch = [
        ctx.event(sid, schema.decode(EventType.INCIDENT_REPORTED, 1, {"title": "Sync benchmark"}))
    ]
    for i in range(events - 1):
        batch.append(
            ctx.event(
                sid,
                schema.decode(
                    EventType.NOTE_ADDED,
                    1,
                    {"text": f"Checked the mail relay again, attempt {i}", "kind": "observation"},
                ),
            )
        )
        if len(batch) == 500:
            ctx.log.append(batch)
            batch = []
    if batch:
        ctx.log.append(batch)


def bench_transfer(db: Database, root: Path, events: int) -> list[Figure]:
    env = {**os.environ, "MIMDESK_HOME": str(root / "home")}
    pusher = open_app(db=root / f"{db.kind}-push.sqlite3", env=env)
    puller = open_app(db=root / f"{db.kind}-pull.sqlite3", env=env)
    try:
        _fill(pusher, events)
        rows = pusher.log.pending_rows(events)
        rep = _replicator(pusher, db.url)
        rep.connect()
        start = time.perf_counter()
        rep.push()
        push_s = time.perf_counter() - start
        rep.dispose()

        # Floor: the same rows, one bare executemany into a plain table, one transaction.
        meta = MetaData()
        floor_table = Table(
            "bench_floor", meta, *(Column(c.name, c.type) for c in shared.event.columns)
        )
        meta.create_all(db.engine)
        values = [
            {**r, "seq": n, "app_version": "", "received_at": shared.now_utc()}
            for n, r in enumerate(rows, 1)
        ]
        with db.engine.connect() as conn:
            start = time.perf_counter()
            conn.execute(insert(floor_table), values)
            conn.commit()
            push_floor = time.perf_counter() - start
        meta.drop_all(db.engine)

        rep = _replicator(puller, db.url)
        rep.connect()
        start = time.perf_counter()
        pulled, _, _ = rep.pull()
        pull_s = time.perf_counter() - start
        rep.dispose()
        assert pulled == events, (pulled, events)

        # Floor: one SELECT, then a bare sqlite3 executemany of the rows, one commit.
        lite = sqlite3.connect(root / f"{db.kind}-floor.sqlite3")
        cols = [c.name for c in shared.event.columns]
        lite.execute(f"CREATE TABLE event ({', '.join(cols)})")
        start = time.perf_counter()
        with db.engine.connect() as conn:
            fetched = conn.execute(select(shared.event).order_by(shared.event.c.seq)).all()
        with lite:
            lite.executemany(
                f"INSERT INTO event VALUES ({', '.join('?' * len(cols))})",
                [tuple(str(v) if hasattr(v, "isoformat") else v for v in r) for r in fetched],
            )
        pull_floor = time.perf_counter() - start
        lite.close()
    finally:
        pusher.close()
        puller.close()
    n = f"{events:,}"
    return [
        Figure(f"{db.label}: push {n} events", "s", push_s, push_floor, TRANSFER_TARGET_S),
        Figure(f"{db.label}: pull {n} events", "s", pull_s, pull_floor, TRANSFER_TARGET_S),
    ]


def bench_recovery(db: Database, root: Path, trials: int, offline_s: float) -> list[Figure]:
    env = {**os.environ, "MIMDESK_HOME": str(root / "home")}
    app = open_app(db=root / f"{db.kind}-recover.sqlite3", env=env)
    proxy = FaultProxy(db.host, db.port).start()
    samples: list[float] = []
    try:
        service = SyncService(app.log, parse_url(db.url_via(proxy.port), "bench"))
        online = threading.Event()
        service.add_listener(lambda s: online.set() if s.state is State.ONLINE else None)
        service.start()
        online.wait(30)
        for _ in range(trials):
            proxy.refuse()
            time.sleep(offline_s)  # the back-off grows to its cap meanwhile
            online.clear()
            app.log.append(
                [
                    app.ctx.event(
                        new_id(),
                        schema.decode(EventType.INCIDENT_REPORTED, 1, {"title": "offline"}),
                    )
                ]
            )
            start = time.perf_counter()
            proxy.pass_()
            online.wait(60)
            samples.append(time.perf_counter() - start)
        service.stop()
    finally:
        proxy.stop()
        app.close()
    return [
        Figure(
            f"{db.label}: database back -> ONLINE (max of {trials})",
            "s",
            max(samples),
            None,
            RECOVERY_TARGET_S,
            note=f"samples {', '.join(f'{s:.1f}' for s in samples)} s; "
            f"median {statistics.median(samples):.1f} s; offline {offline_s:.0f} s before each",
        )
    ]


def figures(quick: bool = False) -> list[Figure]:
    out: list[Figure] = []
    events = 1_000 if quick else 10_000
    trials, offline = (1, 5.0) if quick else (3, 20.0)
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    with tempfile.TemporaryDirectory(prefix="mimdesk-bench-sync-") as tmp:
        root = Path(tmp)
        for label, (variable, default) in SERVERS.items():
            try:
                db = Database(label, os.environ.get(variable, default))
            except Exception as exc:
                out.append(Figure(f"{label}: sync", "s", None, note=f"no server: {exc}"[:200]))
                continue
            try:
                out += bench_transfer(db, root, events)
                out += bench_recovery(db, root, trials, offline)
            finally:
                db.drop()
    return out


def run(quick: bool = False) -> list[Figure]:
    """Measure and print the sync figures; returns them for the caller's table too."""
    result = figures(quick)
    print(render(result))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_sync")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    run(args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
