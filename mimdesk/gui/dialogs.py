"""Dialogs built on the Designer forms in ui/: new incident, first run, about, assign role."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QComboBox, QCompleter, QDialog, QDialogButtonBox, QWidget

from mimdesk import __version__
from mimdesk.config import Settings
from mimdesk.domain.summary import IncidentSummary
from mimdesk.domain.vocabulary import Vocabulary
from mimdesk.errors import InvalidInput, MimDeskError, NotEntitled
from mimdesk.gui.forms.ui_about_dialog import Ui_AboutDialog
from mimdesk.gui.forms.ui_assign_role_dialog import Ui_AssignRoleDialog
from mimdesk.gui.forms.ui_first_run_dialog import Ui_FirstRunDialog
from mimdesk.gui.forms.ui_new_incident_dialog import Ui_NewIncidentDialog
from mimdesk.gui.operations import Operations
from mimdesk.gui.signals import emit
from mimdesk.gui.widgets import (
    ErrorLabel,
    edit_time,
    plain_labels,
    plain_tip,
    rich_label,
    setup_datetime_edit,
)
from mimdesk.usecases import incidents, roles

MAX_USERS = 2_000_000_000


def parse_users(text: str) -> int | None:
    text = text.strip().replace(",", "").replace(" ", "")
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput(
            f"Users affected must be a whole number, not {text!r}.",
            "Give an estimate such as 250, or leave it empty.",
        )
    return int(text)


def parse_services(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


# How a recorded value this site's list lacks is marked where it is shown.
UNLISTED = "not in this site's list"


def unlisted(value: str) -> str:
    return f"{value} ({UNLISTED})"


def fill_choices(combo: QComboBox, vocabulary: Vocabulary, current: str = "") -> None:
    """A closed list's terms, shown by label, each carrying its id. A current value the list
    lacks (from an import or another desk) is shown as recorded, flagged, and selected, so
    that saving the form keeps it rather than silently picking the first term."""
    combo.clear()
    for term in vocabulary.terms:
        combo.addItem(term.label, term.id)
    if current and combo.findData(current) < 0:
        combo.addItem(unlisted(current), current)
    combo.setCurrentIndex(max(0, combo.findData(current)))


def fill_severities(combo: QComboBox, settings: Settings, current: str = "") -> None:
    """Severity choices from the settings, with 'not set' first."""
    combo.clear()
    combo.addItem("Not set yet", "")
    for s in settings.severities:
        combo.addItem(f"{s.id}  {s.label}", s.id)
        combo.setItemData(combo.count() - 1, plain_tip(s.description), Qt.ItemDataRole.ToolTipRole)
    if current and combo.findData(current) < 0:
        # A severity the settings no longer list must still show as what it is.
        combo.addItem(unlisted(current), current)
    combo.setCurrentIndex(max(0, combo.findData(current)))


class NewIncidentDialog(QDialog):
    """Report a new incident. Closes once it is written; on failure the form stays filled.

    Signals:
        reported(IncidentSummary): the incident was written.
    """

    reported = Signal(object)

    def __init__(
        self,
        ops: Operations,
        settings: Settings,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_NewIncidentDialog()
        self.ui.setupUi(self)
        plain_labels(self)
        self._ops = ops
        self.error = ErrorLabel(self)
        self.error.setObjectName("newIncidentError")
        self.ui.mainLayout.replaceWidget(self.ui.errorLabel, self.error)
        self.ui.errorLabel.hide()
        fill_severities(self.ui.severityCombo, settings)
        lines = self.ui.impactEdit.fontMetrics().lineSpacing()
        self.ui.impactEdit.setFixedHeight(lines * 4 + 14)
        self.ui.usersEdit.setValidator(QIntValidator(0, MAX_USERS, self))
        for check, edit in (
            (self.ui.impactStartedCheck, self.ui.impactStartedEdit),
            (self.ui.detectedCheck, self.ui.detectedEdit),
        ):
            setup_datetime_edit(edit, now())
            check.toggled.connect(edit.setEnabled)
        self.ok_button = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Report incident")
        self.ok_button.setEnabled(False)
        self.ui.titleEdit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip()))
        )
        self.ui.buttonBox.accepted.connect(self.submit)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.titleEdit.setFocus()
        # Wide enough for the hints in the fields, in characters so it holds at any scale.
        width = self.fontMetrics().averageCharWidth() * 90
        self.resize(max(width, self.sizeHint().width()), self.sizeHint().height())

    @Slot()
    def submit(self) -> None:
        ui = self.ui
        try:
            users = parse_users(ui.usersEdit.text())
        except MimDeskError as exc:
            self.error.show_error(exc)
            ui.usersEdit.setFocus()
            return
        fields: dict[str, Any] = {
            "title": ui.titleEdit.text(),
            "impact": ui.impactEdit.toPlainText(),
            "severity": str(ui.severityCombo.currentData() or ""),
            "users_affected": users,
            "services": parse_services(ui.servicesEdit.text()),
            "impact_started_at": (
                edit_time(ui.impactStartedEdit) if ui.impactStartedCheck.isChecked() else None
            ),
            "detected_at": edit_time(ui.detectedEdit) if ui.detectedCheck.isChecked() else None,
        }
        self.error.clear_error()
        self.ui.buttonBox.setEnabled(False)
        self._ops.mutate(
            lambda ctx: incidents.report(ctx, **fields),
            done=self._done,
            failed=self._failed,
        )

    def _done(self, result: tuple[IncidentSummary, object]) -> None:
        emit(self.reported, result[0])
        self.accept()

    def _failed(self, error: MimDeskError) -> None:
        self.ui.buttonBox.setEnabled(True)
        self.error.show_error(error)


class FirstRunDialog(QDialog):
    """Asks the name every entry will carry, and whether to add demo incidents."""

    def __init__(self, login: str, demo_available: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_FirstRunDialog()
        self.ui.setupUi(self)
        rich_label(self.ui.welcomeLabel)  # the form's own heading
        plain_labels(self)
        self.ui.nameEdit.setText(login)
        self.ui.nameEdit.selectAll()
        self.ok_button = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Start")
        self.ok_button.setEnabled(bool(login.strip()))
        self.ui.nameEdit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip()))
        )
        if not demo_available:
            self.ui.demoCheck.setEnabled(False)
            self.ui.demoNoteLabel.setText("Demo incidents are not part of this version.")
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)

    @property
    def name(self) -> str:
        return " ".join(self.ui.nameEdit.text().split())

    @property
    def wants_demo(self) -> bool:
        return self.ui.demoCheck.isEnabled() and self.ui.demoCheck.isChecked()


class AboutDialog(QDialog):
    def __init__(self, database: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_AboutDialog()
        self.ui.setupUi(self)
        rich_label(self.ui.titleLabel)  # the form's own heading
        plain_labels(self)  # the database's path is shown as it is
        self.ui.versionLabel.setText(__version__)
        self.ui.databaseLabel.setText(str(database))
        self.ui.qtLabel.setText(f"PySide6 {pyside_version}")
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.buttonBox.accepted.connect(self.accept)


class AssignRoleDialog(QDialog):
    """Put a person in a role (a handover when someone holds it already)."""

    def __init__(
        self,
        ops: Operations,
        reference: str,
        role_id: str,
        role_label: str,
        holder: str,
        suggestion: str,
        parent: QWidget | None = None,
        people: Sequence[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_AssignRoleDialog()
        self.ui.setupUi(self)
        rich_label(self.ui.roleLabel)  # the role in bold; the holder's name escaped
        plain_labels(self)
        self._ops = ops
        self._reference = reference
        self._role = role_id
        self.error = ErrorLabel(self)
        self.ui.mainLayout.replaceWidget(self.ui.errorLabel, self.error)
        self.ui.errorLabel.hide()
        if holder:
            self.setWindowTitle(f"Hand over: {role_label}")
            self.ui.roleLabel.setText(
                f"<b>{escape(role_label)}</b> on {escape(reference)} is held by "
                f"{escape(holder)}. Who takes over?"
            )
        else:
            self.setWindowTitle(f"Assign: {role_label}")
            self.ui.roleLabel.setText(f"Who is <b>{escape(role_label)}</b> on {escape(reference)}?")
            self.ui.personEdit.setText(suggestion)
            self.ui.personEdit.selectAll()
        self.ok_button = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        # Says what pressing it does: a handover when someone holds the role.
        self.ok_button.setText("Hand &over" if holder else "&Assign")
        self.ok_button.setEnabled(bool(self.ui.personEdit.text().strip()))
        # A handover note is a few lines (state, open actions, who to call), not one.
        lines = self.ui.noteEdit.fontMetrics().lineSpacing()
        self.ui.noteEdit.setFixedHeight(lines * 4 + 14)
        self.ui.personEdit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip()))
        )
        self.ui.buttonBox.accepted.connect(self.submit)
        self.ui.buttonBox.rejected.connect(self.reject)
        # With the directory's names: pick from them, or save a name typed in that is new.
        self._known = {name.casefold() for name in people or ()}
        if people is not None:
            completer = QCompleter(list(people), self)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.ui.personEdit.setCompleter(completer)
            self.ui.personEdit.textChanged.connect(self._show_remember)
        self._show_remember(self.ui.personEdit.text() if people is not None else "")
        # Asked for only when this account may not move the role without a reason.
        self._show_override(False)

    def _show_override(self, shown: bool) -> None:
        self.ui.overrideLabel.setVisible(shown)
        self.ui.overrideEdit.setVisible(shown)

    def _show_remember(self, text: str) -> None:
        name = " ".join(text.split()).casefold()
        self.ui.rememberCheck.setVisible(bool(name) and name not in self._known)

    @Slot()
    def submit(self) -> None:
        person, note = self.ui.personEdit.text(), self.ui.noteEdit.toPlainText()
        reference, role = self._reference, self._role
        remember = self.ui.rememberCheck.isVisibleTo(self) and self.ui.rememberCheck.isChecked()
        override = self.ui.overrideEdit.text() if self.ui.overrideEdit.isVisibleTo(self) else ""
        self.ui.buttonBox.setEnabled(False)
        self._ops.mutate(
            lambda ctx: roles.assign(
                ctx,
                reference=reference,
                role=role,
                person=person,
                note=note,
                remember=remember,
                override=override,
            ),
            done=lambda _changes: self.accept(),
            failed=self._failed,
        )

    def _failed(self, error: MimDeskError) -> None:
        self.ui.buttonBox.setEnabled(True)
        if isinstance(error, NotEntitled) and error.overridable:
            self._show_override(True)
            self.ui.overrideEdit.setFocus()
            error = NotEntitled(
                error.message,
                "Ask them, or give your reason for taking it over below: the handover note "
                "records it.",
                overridable=True,
            )
        self.error.show_error(error)
