"""Tools > Shared database…: where this desk shares incidents, with a connection test.

The URL and TLS settings go to the user's settings file; the password goes to the OS keyring
and nowhere else (not the file, not a log, not an error message). Settings IT locks by policy
are shown, disabled. "Test connection" runs on the task runner's pool, never the UI thread.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QWidget

from mimdesk import config
from mimdesk.app import App
from mimdesk.errors import InvalidInput, MimDeskError
from mimdesk.gui.forms.ui_shared_db_dialog import Ui_SharedDatabaseDialog
from mimdesk.gui.signals import emit
from mimdesk.gui.tasks import TaskRunner
from mimdesk.gui.widgets import ErrorLabel, muted, plain_labels, plain_tip
from mimdesk.sync.check import ConnectionCheck, check_connection
from mimdesk.sync.target import (
    ENV_URL,
    SharedTarget,
    Timeouts,
    parse_url,
    password,
    store_password,
)

TLS_CHOICES = (
    ("Off", ""),
    ("Require encryption", "require"),
    ("Verify the server's certificate (CA file)", "verify-ca"),
    ("Verify the certificate and host name (CA file)", "verify-full"),
)
LOCKED_TIP = "Set by your organisation's policy; ask IT to change it."
SOURCE = "the Shared database dialog"


class SharedDatabaseDialog(QDialog):
    """Signals:
    saved(): the settings were saved (the window starts a new sync worker).
    tested(object): a connection test finished, with its ConnectionCheck.
    """

    saved = Signal()
    tested = Signal(object)

    def __init__(
        self, app: App, parent: QWidget | None = None, runner: TaskRunner | None = None
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_SharedDatabaseDialog()
        self.ui.setupUi(self)
        plain_labels(self)  # a server's answer is shown as it came
        self.app = app
        self.runner = runner or TaskRunner(self)
        self.testing = False
        self.last_check: ConnectionCheck | None = None
        self.error = ErrorLabel(self)
        self.error.setObjectName("sharedDbError")
        self.ui.errorLabel.hide()
        self.ui.mainLayout.replaceWidget(self.ui.errorLabel, self.error)
        muted(self.ui.policyLabel)
        for text, value in TLS_CHOICES:
            self.ui.tlsCombo.addItem(text, value)

        settings = app.settings
        self.ui.urlEdit.setText(settings.shared_url)
        tls = settings.shared_tls if settings.shared_tls != "disable" else ""
        self.ui.tlsCombo.setCurrentIndex(max(0, self.ui.tlsCombo.findData(tls)))
        self.ui.caEdit.setText(settings.shared_ca_file)
        self._show_stored_password()
        self._apply_policy()
        self._on_tls_changed()

        self.ui.tlsCombo.currentIndexChanged.connect(self._on_tls_changed)
        self.ui.browseButton.clicked.connect(self.browse_ca)
        self.ui.testButton.clicked.connect(self.test_connection)
        self.ui.urlEdit.textChanged.connect(self._forget_result)
        self.ui.passwordEdit.textChanged.connect(self._forget_result)
        self.ui.buttonBox.accepted.connect(self.save)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.save_button = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)

    # ---- what the form shows ---------------------------------------------------------------

    def _show_stored_password(self) -> None:
        target = self._saved_target()
        if target is not None and password(target):
            self.ui.passwordEdit.setPlaceholderText("Stored in the keyring; type to replace it")
        else:
            self.ui.passwordEdit.setPlaceholderText("Kept in this computer's keyring")

    def _saved_target(self) -> SharedTarget | None:
        s = self.app.settings
        if not s.shared_url:
            return None
        try:
            return parse_url(s.shared_url, SOURCE, s.shared_tls, s.shared_ca_file)
        except MimDeskError:
            return None

    def _apply_policy(self) -> None:
        settings = self.app.settings
        locked = []
        for key, widgets in (
            ("shared.url", (self.ui.urlEdit,)),
            ("shared.tls", (self.ui.tlsCombo,)),
            ("shared.ca_file", (self.ui.caEdit, self.ui.browseButton)),
        ):
            if settings.is_locked(key):
                locked.append(key)
                for widget in widgets:
                    widget.setEnabled(False)
                    widget.setToolTip(LOCKED_TIP)
        notes = []
        if locked:
            notes.append(
                "Some of these settings are set by your organisation and cannot be changed here."
            )
        if self.app.shared:
            notes.append(
                f"This run uses {self.app.shared} (given with --shared); what is saved "
                "here applies when MIM Desk is started without it."
            )
        elif os.environ.get(ENV_URL):
            notes.append(
                f"This run uses the database in {ENV_URL}; what is saved here "
                "applies when that variable is not set."
            )
        self.ui.policyLabel.setText(" ".join(notes))
        self.ui.policyLabel.setVisible(bool(notes))

    @Slot()
    def _on_tls_changed(self) -> None:
        verify = str(self.ui.tlsCombo.currentData()).startswith("verify")
        unlocked = not self.app.settings.is_locked("shared.ca_file")
        self.ui.caEdit.setEnabled(verify and unlocked)
        self.ui.browseButton.setEnabled(verify and unlocked)
        self.ui.caLabel.setEnabled(verify)

    @Slot()
    def _forget_result(self) -> None:
        if not self.testing:
            self.ui.resultLabel.clear()

    @Slot()
    def browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "CA certificate",
            self.ui.caEdit.text(),
            "Certificates (*.pem *.crt *.cer);;All files (*)",
        )
        if path:
            self.ui.caEdit.setText(path)

    # ---- reading the form ------------------------------------------------------------------

    def tls(self) -> str:
        return str(self.ui.tlsCombo.currentData())

    def ca_file(self) -> str:
        return self.ui.caEdit.text().strip() if self.tls().startswith("verify") else ""

    def target(self) -> SharedTarget | None:
        """The target the form describes, or None for "work alone"; raises InvalidInput."""
        url = self.ui.urlEdit.text().strip()
        if not url:
            return None
        tls, ca_file = self.tls(), self.ca_file()
        if tls.startswith("verify") and not ca_file:
            raise InvalidInput(
                "Verifying the server's certificate needs the CA certificate file.",
                "Choose the file with Browse…, or pick another encryption setting.",
            )
        return parse_url(url, SOURCE, tls, ca_file)

    # ---- actions ---------------------------------------------------------------------------

    @Slot()
    def test_connection(self) -> None:
        if self.testing:
            return
        try:
            target = self.target()
        except MimDeskError as error:
            self.error.show_error(error)
            return
        if target is None:
            self.error.show_error("Type the database URL to test.")
            return
        self.error.clear_error()
        secret = self.ui.passwordEdit.text() or None
        timeouts = Timeouts.from_env()
        self.testing = True
        self.ui.testButton.setEnabled(False)
        self.ui.resultLabel.setStyleSheet("")
        self.ui.resultLabel.setText(f"Connecting to {target.display}…")
        self.runner.run(
            lambda: check_connection(target, secret, timeouts),
            done=self._tested,
            failed=self._test_failed,
            lane="pool",
        )

    def _tested(self, check: ConnectionCheck) -> None:
        self.testing = False
        self.ui.testButton.setEnabled(True)
        self.last_check = check
        colour = "#1a7f37" if check.ok else "#b42318"
        self.ui.resultLabel.setStyleSheet(f"QLabel {{ color: {colour}; }}")
        self.ui.resultLabel.setText(("✔ " if check.ok else "✘ ") + check.message)
        self.ui.resultLabel.setToolTip(plain_tip(check.detail))
        emit(self.tested, check)

    def _test_failed(self, error: BaseException) -> None:
        # Not a crash: a bad TLS file or driver option ends up here. Say it, keep the form.
        self._tested(ConnectionCheck("failed", f"The test could not run: {error}"))

    @Slot()
    def save(self) -> None:
        try:
            target = self.target()
        except MimDeskError as error:
            self.error.show_error(error)
            return
        secret = self.ui.passwordEdit.text()
        if target is not None and secret:
            try:
                store_password(target, secret)
            except Exception as exc:  # no keyring backend, a locked keyring
                self.error.show_error(
                    f"The password could not be kept in the keyring ({type(exc).__name__}). "
                    "Unlock the keyring or ask IT; nothing was saved."
                )
                return
        settings = self.app.settings
        values = {
            "shared.url": self.ui.urlEdit.text().strip() if target else "",
            "shared.tls": self.tls() if target else "",
            "shared.ca_file": self.ca_file() if target else "",
        }
        # What policy locks is not the user's to write (and would be ignored anyway).
        values = {k: v for k, v in values.items() if not settings.is_locked(k)}
        try:
            config.save_user_settings(self.app.paths, values)
        except OSError as exc:
            self.error.show_error(f"The settings could not be saved: {exc}.")
            return
        # Read back through every layer: an emptied key gives the site's value back.
        fresh = config.load_settings(self.app.paths)
        settings.shared_url = fresh.shared_url
        settings.shared_tls = fresh.shared_tls
        settings.shared_ca_file = fresh.shared_ca_file
        settings.sources.update({k: v for k, v in fresh.sources.items() if k.startswith("shared.")})
        emit(self.saved)
        self.accept()
