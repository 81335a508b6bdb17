"""The Overview's Details box: the incident's fields as one form, saved together.

It lives apart from the tab because it is the one part of the Overview with state of its
own: it knows which fields hold an edit not yet saved (:meth:`DetailsBox.dirty`) and keeps
them when another desk's change comes in. The tab only asks it what to save.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mimdesk.config import Settings
from mimdesk.domain.incident import IncidentState
from mimdesk.gui.dialogs import MAX_USERS, fill_severities, parse_services
from mimdesk.gui.widgets import ErrorLabel

# The order fields are shown and saved in.
FIELDS = (
    "title",
    "severity",
    "impact",
    "users_affected",
    "services",
    "bridge",
    "external_ref",
    "workaround",
)


class DetailsBox(QGroupBox):
    """The incident's fields, saved together; incoming changes never overwrite what is
    being typed."""

    # The title line edit hides QGroupBox.title(), which this box never calls (its caption
    # is fixed); tests and callers reach the edit by this name.
    title: QLineEdit  # type: ignore[assignment]

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Details", parent)
        self._settings = settings
        self.state: IncidentState | None = None
        self._build_fields(settings)
        title_row = QFormLayout()
        title_row.addRow("Tit&le:", self.title)
        columns = self._build_columns()
        buttons = self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addLayout(title_row)
        layout.addLayout(columns)
        layout.addLayout(buttons)

        for line in (self.title, self.users, self.services, self.external_ref):
            line.textChanged.connect(self._update_buttons)
        for box in (self.impact, self.bridge, self.workaround):
            box.textChanged.connect(self._update_buttons)
        self.severity.currentIndexChanged.connect(self._update_buttons)
        self._update_buttons()

    def _build_fields(self, settings: Settings) -> None:
        """One editor per field of :data:`FIELDS`, named for the tests and the style sheet."""
        self.title = QLineEdit()
        self.title.setObjectName("titleEdit")
        self.severity = QComboBox()
        self.severity.setObjectName("severityCombo")
        fill_severities(self.severity, settings)
        self.impact = _text_box("Who cannot do what, and how badly")
        self.impact.setObjectName("impactEdit")
        self.users = QLineEdit()
        self.users.setObjectName("usersEdit")
        self.users.setValidator(QIntValidator(0, MAX_USERS, self))
        self.users.setPlaceholderText("unknown")
        self.services = QLineEdit()
        self.services.setObjectName("servicesEdit")
        self.services.setPlaceholderText("Separated by commas")
        self.bridge = _text_box("Dial-in, meeting link, room")
        self.bridge.setObjectName("bridgeEdit")
        self.external_ref = QLineEdit()
        self.external_ref.setObjectName("externalRefEdit")
        self.external_ref.setPlaceholderText("e.g. INC0012345")
        self.workaround = _text_box("What users can do meanwhile")
        self.workaround.setObjectName("workaroundEdit")

    def _build_columns(self) -> QHBoxLayout:
        """The short fields on the left, the three text boxes on the right."""
        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        left.addRow("Severit&y:", self.severity)
        left.addRow("&Users affected:", self.users)
        left.addRow("Servi&ces:", self.services)
        left.addRow("Tic&ket ref:", self.external_ref)
        right = QFormLayout()
        right.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        right.addRow("&Impact:", self.impact)
        right.addRow("&Bridge:", self.bridge)
        right.addRow("&Workaround:", self.workaround)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(12)
        columns.addLayout(right, 1)
        return columns

    def _build_buttons(self) -> QHBoxLayout:
        """Save and Revert, with the reason a save was refused beside them."""
        self.save_button = QPushButton("&Save changes")
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip("Save the changed fields (Ctrl+S)")
        self.revert_button = QPushButton("&Revert")
        self.revert_button.setToolTip("Throw away what you changed here")
        self.revert_button.clicked.connect(self.revert)
        self.error = ErrorLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        return buttons

    def form_value(self, name: str) -> Any:
        match name:
            case "title":
                return " ".join(self.title.text().split())
            case "severity":
                return str(self.severity.currentData() or "")
            case "users_affected":
                text = self.users.text().strip()
                return int(text) if text.isdigit() else None
            case "services":
                return parse_services(self.services.text())
            case "external_ref":
                return self.external_ref.text().strip()
            case _:
                return getattr(self, name).toPlainText().strip()

    def set_form_value(self, name: str, value: Any) -> None:
        match name:
            case "title":
                self.title.setText(value)
                self.title.setCursorPosition(0)
            case "severity":
                fill_severities(self.severity, self._settings, value)
            case "users_affected":
                self.users.setText("" if value is None else str(value))
            case "services":
                self.services.setText(", ".join(value))
            case "external_ref":
                self.external_ref.setText(value)
                self.external_ref.setCursorPosition(0)
            case _:
                getattr(self, name).setPlainText(value)

    def dirty(self) -> dict[str, Any]:
        """The fields whose form value differs from the incident's."""
        if self.state is None:
            return {}
        return {
            name: self.form_value(name)
            for name in FIELDS
            if self.form_value(name) != getattr(self.state, name)
        }

    def show_state(self, state: IncidentState | None, *, same_incident: bool) -> None:
        previous = self.state if same_incident else None
        self.state = state
        self.setEnabled(state is not None)
        for name in FIELDS:
            new = getattr(state, name) if state else ("" if name != "services" else [])
            if name == "users_affected" and state is None:
                new = None
            # Leave a field alone while it holds an edit not yet saved.
            if previous is None or self.form_value(name) == getattr(previous, name):
                self.set_form_value(name, new)
        if not same_incident:
            self.error.clear_error()
        self._update_buttons()

    @Slot()
    def revert(self) -> None:
        if self.state is not None:
            for name in FIELDS:
                self.set_form_value(name, getattr(self.state, name))
        self.error.clear_error()

    @Slot()
    def _update_buttons(self) -> None:
        changed = bool(self.dirty())
        self.save_button.setEnabled(changed)
        self.revert_button.setEnabled(changed)


def _text_box(placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    lines = 3
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box
