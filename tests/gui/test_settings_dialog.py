"""The Settings dialog: channel settings to the user's file, secrets to the keyring only,
settings IT locked shown disabled, and a page other features can add."""

from __future__ import annotations

import tomllib
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from mimdesk import config, secrets
from mimdesk.gui.settings_dialog import SettingsDialog

from .comms_support import memory_keyring  # noqa: F401  (fixture: an in-memory keyring)

PASSWORD = "Sm7p-Pa55!word-dialog"
TEAMS_URL = "https://example.webhook.office.com/workflows/abc?sig=T0ken-secret-9"


def save_button(dialog: SettingsDialog):
    return dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)


def every_file_holds(folder: Path, text: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def test_smtp_settings_go_to_the_user_file_and_the_password_to_the_keyring_only(
    qtbot, window, app, home, tmp_path
):
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "settings_dialog", None) is not None)
    dialog = window.settings_dialog
    assert dialog.isVisible() and dialog.ui.verifyCheck.isChecked()
    ui = dialog.ui
    qtbot.keyClicks(ui.smtpHostEdit, "mail.example.org")
    ui.smtpPortSpin.setValue(465)
    ui.smtpSecurityCombo.setCurrentIndex(ui.smtpSecurityCombo.findData("tls"))
    qtbot.keyClicks(ui.smtpUserEdit, "desk")
    qtbot.keyClicks(ui.smtpPasswordEdit, PASSWORD)
    qtbot.keyClicks(ui.teamsUrlEdit, TEAMS_URL)
    ui.approvalCombo.setCurrentIndex(ui.approvalCombo.findData("verbal"))
    qtbot.keyClicks(ui.filesFolderEdit, str(tmp_path / "desk files"))
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    assert secrets.get_secret("smtp:mail.example.org") == PASSWORD
    assert secrets.get_secret("webhook:teams") == TEAMS_URL
    data = tomllib.loads(app.paths.user_settings.read_text(encoding="utf-8"))
    assert data["comms"]["smtp"] == {
        "host": "mail.example.org",
        "port": 465,
        "security": "tls",
        "username": "desk",
        "verify": True,
    }
    assert data["comms"]["approval"] == "verbal"
    assert data["files"]["folder"] == str(tmp_path / "desk files")
    # The settings in force changed in place, for every view that holds them.
    assert app.settings.comms.smtp.host == "mail.example.org"
    assert app.settings.comms.approval == "verbal"
    assert app.settings.files.path == tmp_path / "desk files"
    # No secret in any file: settings, database, window state.
    for secret in (PASSWORD, "T0ken-secret-9"):
        assert every_file_holds(home, secret) == []
        assert every_file_holds(tmp_path, secret) == []

    # Opened again, the dialog says the secrets are stored without showing them.
    again = SettingsDialog(app, window)
    qtbot.addWidget(again)
    assert again.ui.smtpPasswordEdit.text() == ""
    assert "Stored in the keyring" in again.ui.smtpPasswordEdit.placeholderText()
    assert "Stored in the keyring" in again.ui.teamsUrlEdit.placeholderText()
    # A site with a self-signed relay turns verification off; it is saved and in force.
    assert again.ui.verifyCheck.isEnabled() and again.ui.verifyCheck.isChecked()
    again.ui.verifyCheck.setChecked(False)
    again.show()
    qtbot.mouseClick(save_button(again), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not again.isVisible())
    assert app.settings.comms.smtp.verify is False


def test_a_bad_webhook_address_is_refused_and_nothing_is_stored(qtbot, app):
    dialog = SettingsDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.ui.smtpPasswordEdit, PASSWORD)  # no server to go with it
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert "needs the server" in dialog.ui.errorLabel.text()
    dialog.ui.smtpPasswordEdit.clear()
    qtbot.keyClicks(dialog.ui.slackUrlEdit, "http://hooks.example.org/x")
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "must start with https://" in dialog.ui.errorLabel.text()
    assert secrets.get_secret("webhook:slack") is None
    assert not app.paths.user_settings.exists() or "comms" not in tomllib.loads(
        app.paths.user_settings.read_text(encoding="utf-8")
    )


def test_settings_locked_by_policy_are_disabled_with_a_note(qtbot, app, tmp_path, monkeypatch):
    managed = tmp_path / "managed"
    managed.mkdir()
    (managed / "policy.toml").write_text("[comms]\nrequire_approval = true\n", encoding="utf-8")
    monkeypatch.setenv("MIMDESK_MANAGED_DIR", str(managed))
    app.settings = config.load_settings(app.paths)
    # The earlier yes/no policy locks today's key, read as "mim".
    assert app.settings.is_locked("comms.approval")
    assert app.settings.comms.approval == "mim"
    dialog = SettingsDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    combo = dialog.ui.approvalCombo
    assert combo.currentData() == "mim" and not combo.isEnabled()
    assert "Set by your organisation" in combo.toolTip()
    assert dialog.ui.policyNote.isVisible()
    assert "comms.approval" in dialog.ui.policyNote.text()
    assert dialog.locked_widgets() == [combo]
    # Saving writes what the user may change, never the locked value.
    dialog.ui.smtpHostEdit.setText("relay.example.org")
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    data = tomllib.loads(app.paths.user_settings.read_text(encoding="utf-8"))
    assert "require_approval" not in data["comms"] and "approval" not in data["comms"]
    assert data["comms"]["smtp"]["host"] == "relay.example.org"


def test_another_feature_can_add_a_page_that_saves_with_the_dialog(qtbot, app):
    dialog = SettingsDialog(app)
    qtbot.addWidget(dialog)
    saved = []
    index = dialog.add_page(QLabel("Sync settings"), "Sharing", save=lambda: saved.append(1))
    assert dialog.ui.pages.tabText(index) == "Sharing"
    dialog.show()
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert saved == [1] and not dialog.isVisible()
