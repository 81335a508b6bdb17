"""The Settings dialog: the user's own settings, one page per area, secrets to the keyring.

Values go to the user's settings file through :func:`mimdesk.config.save_user_settings`;
passwords and webhook addresses go to the OS keyring through :mod:`mimdesk.secrets` and never
to a file. A setting IT locked by managed policy is shown disabled, with the reason. After a
save the settings are read again from every layer, in place, so every view that holds the
settings object sees the new values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from mimdesk import config, secrets
from mimdesk.app import App
from mimdesk.comms.channels import WEBHOOK_SECRETS
from mimdesk.comms.channels.base import DeliveryError
from mimdesk.comms.channels.webhook import check_url
from mimdesk.comms.settings import APPROVAL_LABELS, APPROVAL_MODES, SECURITIES
from mimdesk.errors import InvalidInput, MimDeskError
from mimdesk.gui.forms.ui_settings_dialog import Ui_SettingsDialog
from mimdesk.gui.signals import emit
from mimdesk.gui.widgets import describe, muted, plain_labels, style_error
from mimdesk.paths import files_folder

LOCKED_NOTE = "Set by your organisation"
SECURITY_LABELS = {
    "starttls": "STARTTLS (usually port 587)",
    "tls": "TLS from the start (usually port 465)",
    "none": "None: a relay inside the network, without login",
}


class SettingsDialog(QDialog):
    """Signals:
    saved(): the settings were written and read again.
    """

    saved = Signal()

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_SettingsDialog()
        self.ui.setupUi(self)
        plain_labels(self)  # errors quote what was typed; notes name files
        self._app = app
        self._extra_saves: list[Callable[[], None]] = []
        ui = self.ui
        for security in SECURITIES:
            ui.smtpSecurityCombo.addItem(SECURITY_LABELS[security], security)
        for mode in APPROVAL_MODES:
            ui.approvalCombo.addItem(APPROVAL_LABELS[mode], mode)
        ui.filesFolderEdit.setPlaceholderText(f"Empty: {files_folder('')}")
        ui.verifyCheck.setToolTip(
            "On by default. For an internal CA, give its PEM file below rather than turning "
            "this off: without it, a machine on the path could pose as the mail server."
        )
        muted(ui.secretsNote)
        style_error(ui.errorLabel)
        ui.errorLabel.hide()
        ui.statusPageBrowseButton.clicked.connect(self._browse_status_page)
        ui.filesFolderBrowseButton.clicked.connect(self._browse_files_folder)
        ui.buttonBox.accepted.connect(self.save)
        ui.buttonBox.rejected.connect(self.reject)
        # Widget -> the dotted key it edits, for saving and for the policy lock.
        self._keys: dict[QWidget, str] = {
            ui.displayNameEdit: "user.display_name",
            ui.approvalCombo: "comms.approval",
            ui.statusPageDirEdit: "comms.status_page_dir",
            ui.filesFolderEdit: "files.folder",
            ui.smtpHostEdit: "comms.smtp.host",
            ui.smtpPortSpin: "comms.smtp.port",
            ui.smtpSecurityCombo: "comms.smtp.security",
            ui.caFileEdit: "comms.smtp.ca_file",
            ui.verifyCheck: "comms.smtp.verify",
            ui.smtpUserEdit: "comms.smtp.username",
        }
        self._webhooks: dict[str, QLineEdit] = {
            "teams": ui.teamsUrlEdit,
            "slack": ui.slackUrlEdit,
            "webhook": ui.genericUrlEdit,
        }
        self._load()

    # ---- pages -----------------------------------------------------------------------------

    def add_page(self, widget: QWidget, title: str, save: Callable[[], None] | None = None) -> int:
        """Add a page; ``save()`` runs when the user saves (raise MimDeskError to refuse)."""
        if save is not None:
            self._extra_saves.append(save)
        return self.ui.pages.addTab(widget, title)

    # ---- showing ---------------------------------------------------------------------------

    def _load(self) -> None:
        ui = self.ui
        s = self._app.settings
        smtp = s.comms.smtp
        ui.displayNameEdit.setText(s.display_name)
        ui.approvalCombo.setCurrentIndex(max(0, ui.approvalCombo.findData(s.comms.approval)))
        ui.statusPageDirEdit.setText(s.comms.status_page_dir)
        ui.filesFolderEdit.setText(s.files.folder)
        ui.smtpHostEdit.setText(smtp.host)
        ui.smtpPortSpin.setValue(smtp.port)
        ui.smtpSecurityCombo.setCurrentIndex(max(0, ui.smtpSecurityCombo.findData(smtp.security)))
        ui.caFileEdit.setText(smtp.ca_file)
        ui.verifyCheck.setChecked(smtp.verify)
        ui.smtpUserEdit.setText(smtp.username)
        stored = self._stored_secrets()
        if smtp.host and stored.get(smtp.secret_name):
            ui.smtpPasswordEdit.setPlaceholderText("Stored in the keyring; type to replace it")
        for channel, edit in self._webhooks.items():
            if stored.get(WEBHOOK_SECRETS[channel]):
                edit.setPlaceholderText("Stored in the keyring; type to replace it")
        locked = []
        for widget, key in self._keys.items():
            if s.is_locked(key):
                widget.setEnabled(False)
                source = s.sources.get(key, "").removeprefix(f"{config.MANAGED} ")
                widget.setToolTip(f"{LOCKED_NOTE} {source}".strip() + ".")
                locked.append(key)
        if locked:
            ui.policyNote.setText(
                f"{LOCKED_NOTE}: the settings shown greyed out ({', '.join(locked)}) are locked "
                "by IT policy and cannot be changed here."
            )
        ui.policyNote.setVisible(bool(locked))

    def _stored_secrets(self) -> dict[str, bool]:
        names = [*WEBHOOK_SECRETS.values()]
        if self._app.settings.comms.smtp.host:
            names.append(self._app.settings.comms.smtp.secret_name)
        found: dict[str, bool] = {}
        for name in names:
            try:
                found[name] = bool(secrets.get_secret(name))
            except MimDeskError:
                found[name] = False  # no keyring: saving will say so
        return found

    def locked_widgets(self) -> list[QWidget]:
        return [w for w in self._keys if not w.isEnabled()]

    # ---- saving ----------------------------------------------------------------------------

    def _value(self, widget: QWidget) -> Any:
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QSpinBox):
            return widget.value()
        if isinstance(widget, QLineEdit):
            return widget.text().strip()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        raise TypeError(f"no value for {type(widget).__name__}")

    def _new_secrets(self) -> dict[str, str]:
        """The secrets typed in, checked; nothing is stored before all of them pass."""
        out: dict[str, str] = {}
        password = self.ui.smtpPasswordEdit.text()
        if password:
            host = self.ui.smtpHostEdit.text().strip()
            if not host:
                raise InvalidInput(
                    "An SMTP password needs the server it belongs to.", "Fill in the server."
                )
            out[f"smtp:{host}"] = password
        for channel, edit in self._webhooks.items():
            url = edit.text().strip()
            if not url:
                continue
            name = WEBHOOK_SECRETS[channel]
            try:
                check_url(url, name)
            except DeliveryError as exc:
                raise InvalidInput(
                    f"That is not a webhook address: {exc.reason}.",
                    "Paste the address exactly as the service gave it (https://…).",
                ) from None
            out[name] = url
        return out

    @Slot()
    def save(self) -> None:
        try:
            new_secrets = self._new_secrets()
            values = {
                key: self._value(widget)
                for widget, key in self._keys.items()
                if widget.isEnabled() and key != "user.display_name"
            }
            name = self.ui.displayNameEdit.text().strip()
            if not name and self.ui.displayNameEdit.isEnabled():
                raise InvalidInput(
                    "Your name is empty.", "It is written on every entry you make; fill it in."
                )
            for secret_name, value in new_secrets.items():
                secrets.set_secret(secret_name, value)
            if "comms.approval" in values:
                # The earlier yes/no key would be read instead, were it left in the file.
                values["comms.require_approval"] = ""
            config.save_user_settings(self._app.paths, values)
            for extra in self._extra_saves:
                extra()
            if name and name != self._app.settings.display_name:
                self._app.set_display_name(name)
            self._reload()
        except MimDeskError as exc:
            self.ui.errorLabel.setText(describe(exc))
            self.ui.errorLabel.show()
            return
        except OSError as exc:
            self.ui.errorLabel.setText(
                f"The settings could not be written ({exc.strerror or type(exc).__name__}). "
                "Check that your settings folder can be written to."
            )
            self.ui.errorLabel.show()
            return
        # Typed secrets leave the widgets as soon as they are stored.
        self.ui.smtpPasswordEdit.clear()
        for edit in self._webhooks.values():
            edit.clear()
        emit(self.saved)
        self.accept()

    def _reload(self) -> None:
        fresh = config.load_settings(self._app.paths)
        target = self._app.settings
        for f in fields(fresh):
            setattr(target, f.name, getattr(fresh, f.name))

    @Slot()
    def _browse_files_folder(self) -> None:
        start = self.ui.filesFolderEdit.text() or str(files_folder(""))
        dialog = QFileDialog(self, "Folder for the files MIM Desk writes", start)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(self.ui.filesFolderEdit.setText)
        self.files_dialog = dialog
        dialog.open()

    @Slot()
    def _browse_status_page(self) -> None:
        dialog = QFileDialog(self, "Folder for the status page", self.ui.statusPageDirEdit.text())
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(self.ui.statusPageDirEdit.setText)
        dialog.open()
