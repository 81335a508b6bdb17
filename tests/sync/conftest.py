"""Shared-database fixtures: a fresh database per test module on each real server.

Servers come from ``MIMDESK_TEST_PG_URL`` and ``MIMDESK_TEST_MYSQL_URL``; without one, its
tests skip with the reason, unless ``MIMDESK_REQUIRE_SERVERS=1`` (CI), when they fail.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, delete, text, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from mimdesk.app import App, open_app
from mimdesk.domain.ids import new_id
from mimdesk.store import shared
from mimdesk.sync.target import SharedTarget, Timeouts, parse_url
from tests.support import pg_restart_lock
from tests.system_tools import server_missing

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

SERVERS = {"pg": "MIMDESK_TEST_PG_URL", "mysql": "MIMDESK_TEST_MYSQL_URL"}
# Short, so that faults show within seconds in tests.
FAST = Timeouts(connect=2.0, statement=5.0, lock=3.0, idle_transaction=10.0, transaction=6.0)
PG_VERSION = "15"


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("MIMDESK_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{reason} (MIMDESK_REQUIRE_SERVERS=1)")
    pytest.skip(reason)


@dataclass
class Server:
    kind: str  # "pg" or "mysql"
    admin_url: URL
    url: URL  # the test database
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.url.database or ""

    @property
    def port(self) -> int:
        return self.url.port or (5432 if self.kind == "pg" else 3306)

    @property
    def host(self) -> str:
        return self.url.host or "127.0.0.1"

    def url_text(self, port: int | None = None) -> str:
        """The URL as a desk would be given it (plain scheme), optionally through a proxy."""
        scheme = "postgresql" if self.kind == "pg" else "mariadb"
        user = self.url.username or ""
        return f"{scheme}://{user}@127.0.0.1:{port or self.port}/{self.name}"

    def target(self, port: int | None = None) -> SharedTarget:
        return parse_url(self.url_text(port), "test")

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(
                self.target().url, poolclass=NullPool, isolation_level="READ COMMITTED"
            )
        return self._engine

    def init(self) -> None:
        with self.engine.connect() as conn:
            shared.upgrade(conn)
            conn.commit()

    def reset(self) -> None:
        """An empty log with a new epoch (desks from before start over)."""
        with self.engine.begin() as conn:
            conn.execute(delete(shared.event))
            conn.execute(delete(shared.desk))
            conn.execute(delete(shared.desk_key))
            conn.execute(update(shared.sync_head).values(last_seq=0))
            conn.execute(
                update(shared.sync_meta)
                .where(shared.sync_meta.c.key == "log_epoch")
                .values(value=new_id())
            )
            for key in ("schema_version", "min_client_schema"):
                conn.execute(
                    update(shared.sync_meta)
                    .where(shared.sync_meta.c.key == key)
                    .values(value=str(shared.SCHEMA_VERSION))
                )

    def kill_sync_connections(self) -> int:
        """Terminate every desk connection to the test database (server side)."""
        with self.engine.connect() as conn:
            if self.kind == "pg":
                n = conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = :db AND application_name LIKE 'mimdesk-sync:%'"
                    ),
                    {"db": self.name},
                ).scalar()
                return int(n or 0)
            ids = conn.execute(
                text(
                    "SELECT id FROM information_schema.PROCESSLIST "
                    "WHERE db = :db AND id <> CONNECTION_ID()"
                ),
                {"db": self.name},
            ).scalars()
            killed = 0
            for pid in list(ids):
                try:
                    conn.execute(text(f"KILL CONNECTION {int(pid)}"))
                    killed += 1
                except Exception:
                    pass  # it ended by itself meanwhile
            return killed

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM event")).scalar() or 0)


def _admin_engine(url: URL) -> Engine:
    if url.get_backend_name() == "postgresql":
        return create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    return create_engine(url, poolclass=NullPool)


def pg_is_up() -> bool:
    return (
        subprocess.run(
            ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False
        ).returncode
        == 0
    )


def ensure_pg_up(timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not pg_is_up():
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", "start"],
            check=False,
            capture_output=True,
        )
        if time.monotonic() > deadline:
            raise RuntimeError("PostgreSQL did not come back")
        time.sleep(0.5)


def restart_pg() -> None:
    """Restart the PostgreSQL cluster (fast shutdown); it is up again when this returns. Waits
    until no other worker is in a PostgreSQL test, and holds them off meanwhile."""
    with pg_restart_lock.restarting():
        _restart_pg()


def _restart_pg() -> None:
    try:
        subprocess.run(
            [
                "pg_ctlcluster",
                "--skip-systemctl-redirect",
                PG_VERSION,
                "main",
                "restart",
                "-m",
                "fast",
            ],
            check=False,
            capture_output=True,
            timeout=60,
        )
    finally:
        ensure_pg_up()


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    if request.param == "pg":
        # From the database's creation to its removal: no restart by another worker between.
        with pg_restart_lock.using():
            yield from _server(request)
    else:
        yield from _server(request)


def _server(request: pytest.FixtureRequest) -> Iterator[Server]:
    variable = SERVERS[request.param]
    raw = os.environ.get(variable)
    if not raw:
        _skip_or_fail(server_missing(request.param))
    admin_url = make_url(raw)
    name = f"mimdesk_t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(admin_url)
    try:
        with admin.connect() as conn:
            if request.param == "pg":
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
                conn.commit()
    except Exception as exc:
        admin.dispose()
        _skip_or_fail(f"cannot create a test database on {variable}: {exc}")
    srv = Server(request.param, admin_url, admin_url.set(database=name))
    srv.init()
    try:
        yield srv
    finally:
        if srv._engine is not None:
            srv._engine.dispose()
        if request.param == "pg":
            ensure_pg_up()
        try:
            with admin.connect() as conn:
                if request.param == "pg":
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                else:
                    srv.kill_sync_connections()
                    conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
                    conn.commit()
        finally:
            admin.dispose()


def create_database(kind: str, admin_url: URL, prefix: str = "mimdesk_b") -> Server:
    """A new, empty database on the server (no shared schema)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine(admin_url)
    try:
        with admin.connect() as conn:
            quoted = f'"{name}"' if kind == "pg" else f"`{name}` CHARACTER SET utf8mb4"
            conn.execute(text(f"CREATE DATABASE {quoted}"))
            conn.commit()
    finally:
        admin.dispose()
    return Server(kind, admin_url, admin_url.set(database=name))


def drop_database(db: Server) -> None:
    if db._engine is not None:
        db._engine.dispose()
    admin = _admin_engine(db.admin_url)
    try:
        with admin.connect() as conn:
            if db.kind == "pg":
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)'))
            else:
                db.kill_sync_connections()
                conn.execute(text(f"DROP DATABASE IF EXISTS `{db.name}`"))
                conn.commit()
    finally:
        admin.dispose()


@pytest.fixture
def blank_db(server: Server) -> Iterator[Server]:
    """A database of this test's own on the module's server, without the shared schema (for
    tests that create, upgrade or grant on it)."""
    db = create_database(server.kind, server.admin_url)
    try:
        yield db
    finally:
        drop_database(db)


@pytest.fixture
def shared_db(server: Server) -> Server:
    """The module's database, emptied for this test."""
    server.reset()
    return server


@pytest.fixture
def desks(home: Path, tmp_path: Path) -> Iterator[dict[str, App]]:
    """Open desks by name, each with its own SQLite file; closed at the end."""
    opened: dict[str, App] = {}

    class Desks(dict):
        def __missing__(self, name: str) -> App:
            app = open_app(db=tmp_path / f"{name}.sqlite3", env=os.environ)
            app.set_display_name(name.title())
            opened[name] = app
            self[name] = app
            return app

    yield Desks()
    for app in opened.values():
        app.close()
