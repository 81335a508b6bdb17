"""Tools > Shared database…: the connection test says clearly what is wrong, the password goes
to the keyring only, the URL to the user's settings, and what policy locks is shown disabled."""

from __future__ import annotations

import os
import socket
import tomllib
from collections.abc import Iterator

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import update

from mimdesk.gui.main import Workspace
from mimdesk.gui.shared_db_dialog import SharedDatabaseDialog
from mimdesk.store import shared
from mimdesk.sync import State
from mimdesk.sync.check import AUTH, NEWER, OK, UNREACHABLE
from tests.gui.test_sync_status import FAST_TIMEOUTS, pg  # noqa: F401  (module fixture)
from tests.support.memory_keyring import MemoryKeyring
from tests.sync.conftest import SERVERS, Server, _skip_or_fail
from tests.system_tools import server_missing

LEFT = Qt.MouseButton.LeftButton
SECRET = "correct horse battery staple"


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.setenv("MIMDESK_SYNC_TIMEOUTS", FAST_TIMEOUTS)
    monkeypatch.delenv("MIMDESK_SHARED_URL", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def open_dialog(qtbot, ws: Workspace) -> SharedDatabaseDialog:
    ws.sync.shared_action.trigger()
    dialog = ws.window.findChild(SharedDatabaseDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def run_test(qtbot, dialog: SharedDatabaseDialog, url: str, password: str = "") -> str:
    dialog.ui.urlEdit.setText(url)
    dialog.ui.passwordEdit.setText(password)
    with qtbot.waitSignal(dialog.tested, timeout=15_000) as blocker:
        qtbot.mouseClick(dialog.ui.testButton, LEFT)
        # Off the UI thread: the dialog is still answering while the test runs.
        assert dialog.testing and not dialog.ui.testButton.isEnabled()
    return blocker.args[0].verdict


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_test_then_save_keeps_the_password_in_the_keyring_only(
    qtbot,
    pg: Server,  # noqa: F811  (the module's PostgreSQL database)
    workspace: Workspace,
    memory_keyring: MemoryKeyring,
) -> None:
    pg.reset()
    ws = workspace
    assert ws.sync.bridge.status.state is State.LOCAL_ONLY
    dialog = open_dialog(qtbot, ws)
    assert run_test(qtbot, dialog, pg.url_text(), SECRET) == OK
    assert "Connected" in dialog.ui.resultLabel.text()
    assert "schema" in dialog.ui.resultLabel.text()

    qtbot.mouseClick(dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save), LEFT)
    assert not dialog.isVisible()
    saved = ws.app.paths.user_settings.read_text(encoding="utf-8")
    assert SECRET not in saved
    assert tomllib.loads(saved)["shared"]["url"] == pg.url_text()
    assert memory_keyring.store == {("MIMDesk", "db:127.0.0.1/postgres"): SECRET}
    assert ws.app.settings.shared_url == pg.url_text()
    # The window shares from now on, without a restart.
    qtbot.waitUntil(lambda: ws.sync.bridge.status.state is State.ONLINE, timeout=15_000)
    assert ws.sync.chip.chip.text() == "Online"

    # Emptying the URL goes back to working alone.
    dialog = open_dialog(qtbot, ws)
    assert dialog.ui.passwordEdit.placeholderText().startswith("Stored in the keyring")
    dialog.ui.urlEdit.clear()
    qtbot.mouseClick(dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save), LEFT)
    qtbot.waitUntil(lambda: ws.sync.chip.chip.text() == "Local only")
    assert not tomllib.loads(ws.app.paths.user_settings.read_text("utf-8")).get("shared")


def test_unreachable_and_newer_schema_are_told_apart(
    qtbot,
    pg: Server,  # noqa: F811  (the module's PostgreSQL database)
    workspace: Workspace,
) -> None:
    pg.reset()
    dialog = open_dialog(qtbot, workspace)
    assert run_test(qtbot, dialog, f"postgresql://postgres@127.0.0.1:{free_port()}/x") == (
        UNREACHABLE
    )
    assert "Cannot reach 127.0.0.1" in dialog.ui.resultLabel.text()

    with pg.engine.begin() as conn:
        conn.execute(
            update(shared.sync_meta)
            .where(shared.sync_meta.c.key.in_(("schema_version", "min_client_schema")))
            .values(value="42")
        )
    assert run_test(qtbot, dialog, pg.url_text()) == NEWER
    assert "schema version 42, newer" in dialog.ui.resultLabel.text()
    pg.reset()


def test_a_wrong_password_is_named_as_such(qtbot, workspace: Workspace) -> None:
    raw = os.environ.get(SERVERS["mysql"])
    if not raw:
        _skip_or_fail(server_missing("mysql"))
    from sqlalchemy.engine import make_url

    url = make_url(raw)
    dialog = open_dialog(qtbot, workspace)
    text = f"mariadb://{url.username}@127.0.0.1:{url.port or 3306}/{url.database}"
    assert run_test(qtbot, dialog, text, "not-the-password") == AUTH
    assert "refused user" in dialog.ui.resultLabel.text()
    assert "not-the-password" not in dialog.ui.resultLabel.text()
    assert "not-the-password" not in dialog.ui.resultLabel.toolTip()


def test_bad_input_is_explained_and_nothing_is_saved(qtbot, workspace: Workspace) -> None:
    dialog = open_dialog(qtbot, workspace)
    dialog.ui.urlEdit.setText("postgresql://mim:hunter2@db.example/mimdesk")
    dialog.save()
    assert "holds a password" in dialog.error.text() and dialog.isVisible()
    dialog.ui.urlEdit.setText("postgresql://mim@db.example/mimdesk")
    dialog.ui.tlsCombo.setCurrentIndex(dialog.ui.tlsCombo.findData("verify-ca"))
    assert dialog.ui.caEdit.isEnabled()
    dialog.save()
    assert "CA certificate file" in dialog.error.text()
    assert not workspace.app.paths.user_settings.exists() or "shared" not in (
        workspace.app.paths.user_settings.read_text("utf-8")
    )
    dialog.ui.tlsCombo.setCurrentIndex(dialog.ui.tlsCombo.findData(""))
    assert not dialog.ui.caEdit.isEnabled()


def test_settings_locked_by_policy_are_shown_disabled(qtbot, workspace: Workspace) -> None:
    settings = workspace.app.settings
    settings.shared_url = "postgresql://mim@db.example/mimdesk"
    settings.locked |= {"shared.url", "shared.tls"}
    dialog = open_dialog(qtbot, workspace)
    assert dialog.ui.urlEdit.text() == settings.shared_url
    assert not dialog.ui.urlEdit.isEnabled() and not dialog.ui.tlsCombo.isEnabled()
    assert "organisation" in dialog.ui.urlEdit.toolTip()
    assert dialog.ui.passwordEdit.isEnabled()
    assert "set by your organisation" in dialog.ui.policyLabel.text()
