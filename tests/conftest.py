"""Shared fixtures: every test gets its own MIM Desk home, database and controllable clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from mimdesk.app import App, open_app
from tests.support import pg_restart_lock


class FakeClock:
    """A clock tests move by hand; every use case reads time through it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private MIMDESK_HOME so no test touches the real profile."""
    monkeypatch.setenv("MIMDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MIMDESK_SITE_CONFIG", str(tmp_path / "no-site.toml"))
    return tmp_path / "home"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(home: Path, tmp_path: Path, clock: FakeClock) -> Iterator[App]:
    application = open_app(db=tmp_path / "desk.sqlite3", env=os.environ, now=clock)
    application.set_display_name("Test Desk")
    yield application
    application.close()


@pytest.fixture
def ctx(app: App):
    return app.ctx


# The tests of one database server run one after another on one pytest-xdist worker
# (`--dist loadgroup` in pyproject.toml), the PostgreSQL tests beside the MariaDB ones: one
# test restarts the PostgreSQL cluster, which would cut the connections of another PostgreSQL
# test running beside it, and the two servers' tests are the slowest half of the run.
_POSTGRESQL_TESTS = (
    "tests/gui/test_sync_status.py",
    "tests/gui/test_shared_db_dialog.py",
    "tests/comms/test_no_secret_in_record.py",
    "tests/sync/test_role_not_made.py",
)


def _server_group(item: pytest.Item, where: str) -> str | None:
    callspec = getattr(item, "callspec", None)
    kind = callspec.params.get("server") if callspec is not None else None
    if kind == "mysql":
        return "mariadb"
    if kind == "pg" or where.startswith(_POSTGRESQL_TESTS):
        return "postgresql"
    return None


# tryfirst: pytest-xdist reads the groups in its own hook of this name. (Under pytest 9.2 it
# cannot apply them: see tests/support/pg_restart_lock.py, which keeps the server safe instead.)
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(str(config.rootpath))
    for item in items:
        group = _server_group(item, Path(str(item.path)).relative_to(root).as_posix())
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(autouse=True)
def _postgresql_held(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that uses the PostgreSQL server holds it: the one test that restarts the server
    waits for it to finish (tests/support/pg_restart_lock.py)."""
    marks = [m.args[0] for m in request.node.iter_markers("xdist_group") if m.args]
    if "postgresql" not in marks:
        yield
        return
    with pg_restart_lock.using():
        yield


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI's MIMDESK_REQUIRE_TOOLS=1 and MIMDESK_REQUIRE_SERVERS=1 every test must run:
    a skip there means something was not installed or started, and the run fails."""
    if not (
        os.environ.get("MIMDESK_REQUIRE_TOOLS") == "1"
        and os.environ.get("MIMDESK_REQUIRE_SERVERS") == "1"
    ):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if skipped and session.exitstatus == 0:
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(
                f"{skipped} test(s) skipped although MIMDESK_REQUIRE_TOOLS=1 and "
                "MIMDESK_REQUIRE_SERVERS=1: every test must run here",
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
