"""The sync chip in the header, against the real PostgreSQL server (MIMDESK_TEST_PG_URL):
online, the count not shared, Sync now, views refreshed by another desk's events, and a
window that opens at once and stays usable with the shared database black-holed."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from mimdesk.app import App, open_app
from mimdesk.gui.main import Workspace, application
from mimdesk.gui.sync_status import SyncChip
from mimdesk.store import shared
from mimdesk.sync import State
from mimdesk.usecases import incidents
from tests.gui.conftest import wait_written
from tests.support.faultproxy import FaultProxy
from tests.sync.conftest import SERVERS, Server, _admin_engine, _skip_or_fail
from tests.sync.helpers import sync
from tests.system_tools import server_missing

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
# connect, statement, lock, idle transaction, transaction: short, so faults show in seconds.
FAST_TIMEOUTS = "1,5,3,10,6"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(scope="module")
def pg() -> Iterator[Server]:
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    raw = os.environ.get(SERVERS["pg"])
    if not raw:
        _skip_or_fail(server_missing("pg"))
    admin_url = make_url(str(raw))
    name = f"mimdesk_gui_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine(admin_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    srv = Server("pg", admin_url, admin_url.set(database=name))
    srv.init()
    try:
        yield srv
    finally:
        srv.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def shared_pg(pg: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    pg.reset()
    monkeypatch.setenv("MIMDESK_SYNC_TIMEOUTS", FAST_TIMEOUTS)
    monkeypatch.setenv("MIMDESK_SHARED_URL", pg.url_text())
    return pg


def chip_of(ws: Workspace) -> SyncChip:
    chip = ws.window.header.connectivity_label
    assert isinstance(chip, SyncChip)
    return chip


def wait_state(qtbot, ws: Workspace, state: State, timeout: int = 15_000) -> None:
    qtbot.waitUntil(lambda: ws.sync.bridge.status.state is state, timeout=timeout)


def test_without_a_shared_database_the_chip_says_local_only(workspace: Workspace) -> None:
    chip = chip_of(workspace)
    assert chip.chip.text() == "Local only"
    assert chip.button.isHidden()
    tools = [a.text() for a in workspace.window.tools_menu.actions()]
    assert "S&ync now" in tools and "Shared &database…" in tools
    assert not chip.sync_now_action.isEnabled()


def test_goes_online_shares_everything_and_sync_now_works(
    qtbot, shared_pg: Server, reported, workspace: Workspace
) -> None:
    ws = workspace
    chip = chip_of(ws)
    qtbot.waitUntil(lambda: chip.chip.text() == "Online" and "all shared" in chip.detail.text())
    assert shared_pg.count() == 1
    assert "last sync" in chip.detail.text() and "never" not in chip.detail.text()

    # A note typed now goes up without anyone asking (the hub wakes the worker).
    ws.window.timeline.quick_note.edit.setPlainText("Mail queue drained")
    qtbot.mouseClick(ws.window.timeline.quick_note.add_button, LEFT)
    wait_written(qtbot, ws)
    qtbot.waitUntil(lambda: shared_pg.count() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: ws.sync.bridge.status.pending == 0)

    cycles = ws.sync.bridge.service.cycles
    qtbot.mouseClick(chip.button, LEFT)
    qtbot.waitUntil(lambda: ws.sync.bridge.service.cycles > cycles, timeout=5_000)
    wait_state(qtbot, ws, State.ONLINE)


def test_another_desks_event_refreshes_the_open_incident(
    qtbot, shared_pg: Server, reported, workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    wait_state(qtbot, ws, State.ONLINE)
    qtbot.waitUntil(lambda: shared_pg.count() == 1)
    other = open_app(db=tmp_path / "ben.sqlite3", env=os.environ)
    try:
        other.set_display_name("Ben")
        target = shared_pg.target()
        sync(other, target)  # Ben's desk gets the incident
        incidents.change_field(
            other.ctx, reference=reported.reference, field="impact", value="Half of EMEA"
        )
        sync(other, target)
    finally:
        other.close()
    qtbot.mouseClick(chip_of(ws).button, LEFT)
    overview_shows = lambda: ws.window.current.view.state.impact == "Half of EMEA"  # noqa: E731
    qtbot.waitUntil(overview_shows, timeout=10_000)
    texts = [e.text for e in ws.window.current.view.timeline]
    assert "Impact set to Half of EMEA" in texts
    model = ws.window.timeline.model
    assert any("Half of EMEA" in model.entry(row).text for row in range(model.rowCount())), (
        "the Timeline tab shows Ben's change"
    )


def test_a_newer_shared_schema_shows_not_sharing_with_the_reason(
    qtbot, shared_pg: Server, workspace: Workspace
) -> None:
    with shared_pg.engine.begin() as conn:
        conn.execute(
            update(shared.sync_meta)
            .where(shared.sync_meta.c.key.in_(("schema_version", "min_client_schema")))
            .values(value="99")
        )
    ws = workspace
    ws.sync.restart()  # the workspace came up before the schema changed
    wait_state(qtbot, ws, State.INCOMPATIBLE)
    chip = chip_of(ws)
    assert chip.chip.text() == "Not sharing"
    assert "newer (schema 99)" in chip.detail.text()
    assert "schema version 99" in chip.toolTip()
    assert not chip.sync_now_action.isEnabled()


def test_cold_start_black_holed_opens_at_once_shows_offline_and_stays_usable(
    qtbot, pg: Server, app: App, reported, monkeypatch: pytest.MonkeyPatch
) -> None:
    pg.reset()
    proxy = FaultProxy(pg.host, pg.port).start()
    proxy.blackhole()
    monkeypatch.setenv("MIMDESK_SYNC_TIMEOUTS", FAST_TIMEOUTS)
    monkeypatch.setenv("MIMDESK_SHARED_URL", pg.url_text(proxy.port))
    application()
    started = time.perf_counter()
    ws = Workspace(app)
    ws.window.show()
    qtbot.waitExposed(ws.window)
    first_paint = time.perf_counter() - started
    try:
        assert first_paint < 1.5, f"first paint took {first_paint:.2f} s"
        assert ws.window.current.reference == reported.reference  # local incident listed
        chip = chip_of(ws)
        qtbot.waitUntil(lambda: chip.chip.text() == "Offline", timeout=10_000)
        assert "retry" in chip.detail.text()
        assert "2 changes not shared" not in chip.detail.text()

        # Usable: a note is written and counted as not shared yet.
        ws.window.timeline.quick_note.edit.setPlainText("Working offline")
        qtbot.mouseClick(ws.window.timeline.quick_note.add_button, LEFT)
        wait_written(qtbot, ws)
        assert "Working offline" in [e.text for e in ws.window.current.view.timeline]
        qtbot.waitUntil(lambda: "2 changes not shared" in chip.detail.text(), timeout=10_000)

        # The network comes back: Sync now shares what piled up.
        proxy.pass_()
        proxy.kill_all()
        qtbot.mouseClick(chip.button, LEFT)
        qtbot.waitUntil(lambda: chip.chip.text() == "Online", timeout=15_000)
        qtbot.waitUntil(lambda: pg.count() == 2, timeout=10_000)
    finally:
        ws.window.close()
        ws.sync.stop()
        ws.clock.stop()
        ws.runner.wait()
        ws.window.deleteLater()
        proxy.stop()
    print(f"first paint with the shared database black-holed: {first_paint * 1000:.0f} ms")
