"""The Overview tab: the incident's fields, status, key times and roles, all editable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Slot
from PySide6.QtGui import QFocusEvent, QIntValidator, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mimdesk.config import Settings
from mimdesk.domain import keytimes, lifecycle
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.vocabulary import describe_unlisted, out_of_vocabulary
from mimdesk.errors import MimDeskError
from mimdesk.gui import theme
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.dialogs import (
    MAX_USERS,
    AssignRoleDialog,
    fill_severities,
    parse_services,
    unlisted,
)
from mimdesk.gui.operations import Operations
from mimdesk.gui.widgets import (
    Chip,
    ErrorLabel,
    edit_time,
    muted,
    plain_label,
    plain_labels,
    set_edit_time,
    setup_datetime_edit,
)
from mimdesk.usecases import incidents, roles
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView

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
UNSET_TIME = QDateTime.fromSecsSinceEpoch(946684800)  # 2000-01-01: shown as "not set"


def _rank(status: Status) -> int:
    return list(Status).index(status)


class KeyTimeEdit(QDateTimeEdit):
    """A date-time editor that can be empty ("not set"), starting from now when touched."""

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        setup_datetime_edit(self)
        self.setMinimumDateTime(UNSET_TIME)
        self.setSpecialValueText("not set")

    def is_unset(self) -> bool:
        return self.dateTime() <= self.minimumDateTime()

    def value(self) -> datetime | None:
        return None if self.is_unset() else edit_time(self)

    def set_value(self, when: datetime | None) -> None:
        if when is None:
            self.setDateTime(self.minimumDateTime())
        else:
            set_edit_time(self, when)

    def focusInEvent(self, event: QFocusEvent) -> None:
        # Stepping from the "not set" year 2000 would be useless: start from now instead.
        if self.is_unset() and self.isEnabled():
            set_edit_time(self, self._now())
        super().focusInEvent(event)


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

        title_row = QFormLayout()
        title_row.addRow("&Title:", self.title)
        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        left.addRow("Se&verity:", self.severity)
        left.addRow("&Users affected:", self.users)
        left.addRow("S&ervices:", self.services)
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


class StatusBox(QGroupBox):
    """The status, and one button for each status it may move to next."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Status", parent)
        self.chip = Chip()
        self.chip.setObjectName("overviewStatusChip")
        self.reason = QLineEdit()
        self.reason.setObjectName("statusReasonEdit")
        self.reason.setPlaceholderText("Reason (optional), recorded with the change")
        self.buttons_row = QHBoxLayout()
        self.buttons: dict[Status, QPushButton] = {}
        self.error = ErrorLabel()
        # Values from an import or another desk that this site's lists lack: kept, flagged.
        self.unlisted = plain_label("")
        self.unlisted.setObjectName("unlistedLabel")
        self.unlisted.setWordWrap(True)
        self.unlisted.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel("Now:"))
        top.addWidget(self.chip)
        top.addSpacing(12)
        self.move_label = QLabel("Move to:")
        top.addWidget(self.move_label)
        top.addLayout(self.buttons_row)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.unlisted)


class KeyTimesBox(QGroupBox):
    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__("Key times", parent)
        self.edits: dict[str, KeyTimeEdit] = {}
        self.set_buttons: dict[str, QPushButton] = {}
        self.clear_buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        for row, (name, label) in enumerate(keytimes.KEY_TIMES.items()):
            caption = QLabel(label.capitalize() + ":")
            edit = KeyTimeEdit(now)
            edit.setObjectName(f"time_{name}")
            caption.setBuddy(edit)
            set_button = QPushButton("Set")
            set_button.setObjectName(f"set_{name}")
            set_button.setToolTip(f"Record the time {label}")
            clear_button = QPushButton("Clear")
            clear_button.setObjectName(f"clear_{name}")
            clear_button.setToolTip(f"Remove the time {label}")
            grid.addWidget(caption, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(set_button, row, 2)
            grid.addWidget(clear_button, row, 3)
            self.edits[name] = edit
            self.set_buttons[name] = set_button
            self.clear_buttons[name] = clear_button
        self.error = ErrorLabel()
        self.error.setObjectName("keyTimesError")
        note = QLabel("Times are in this computer's time zone.")
        muted(note)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addStretch(1)


class RolesBox(QGroupBox):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Roles", parent)
        self._settings = settings
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        self.holders: dict[str, QLabel] = {}
        self.assign_buttons: dict[str, QPushButton] = {}
        self.release_buttons: dict[str, QPushButton] = {}
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(self.grid)
        layout.addWidget(self.error)
        layout.addStretch(1)
        for role in settings.roles:
            self.add_row(role.id, role.label)

    def add_row(self, role_id: str, label: str) -> None:
        row = len(self.holders)
        holder = plain_label("—")  # the holder's name is as typed
        holder.setObjectName(f"holder_{role_id}")
        holder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        assign = QPushButton("Assign…")
        assign.setObjectName(f"assign_{role_id}")
        release = QPushButton("Release")
        release.setObjectName(f"release_{role_id}")
        self.grid.addWidget(plain_label(label + ":"), row, 0)
        self.grid.addWidget(holder, row, 1)
        self.grid.addWidget(assign, row, 2)
        self.grid.addWidget(release, row, 3)
        self.holders[role_id] = holder
        self.assign_buttons[role_id] = assign
        self.release_buttons[role_id] = release

    def label_of(self, role_id: str) -> str:
        role = self._settings.role(role_id)
        return role.label if role is not None else unlisted(role_id)


class OverviewTab(QScrollArea):
    def __init__(
        self,
        current: CurrentIncident,
        ops: Operations,
        settings: Settings,
        now: Callable[[], datetime],
        display_name: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._current = current
        self._ops = ops
        self._display_name = display_name
        self._view: IncidentView | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

        self._vocab = settings.vocabularies()
        self.details = DetailsBox(settings)
        self.status = StatusBox()
        self.times = KeyTimesBox(now)
        self.roles = RolesBox(settings)
        self.placeholder = QLabel("Open an incident from the list, or report one with Ctrl+N.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        muted(self.placeholder)

        body = QWidget()
        self.grid = QGridLayout(body)
        self.grid.addWidget(self.placeholder, 0, 0, 1, 2)
        self.grid.addWidget(self.status, 1, 0, 1, 2)
        self.grid.addWidget(self.details, 2, 0, 1, 2)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        self.grid.setRowStretch(5, 1)
        self.side_by_side: bool | None = None
        self._arrange(True)
        self.setWidget(body)
        plain_labels(body)

        self.details.save_button.clicked.connect(self.save)
        for name in keytimes.KEY_TIMES:
            self.times.set_buttons[name].clicked.connect(lambda _c=False, n=name: self.set_time(n))
            self.times.clear_buttons[name].clicked.connect(
                lambda _c=False, n=name: self.clear_time(n)
            )
            self.times.edits[name].dateTimeChanged.connect(lambda _v: self._update_time_buttons())
        for role_id in self.roles.holders:
            self._connect_role(role_id)

        current.loaded.connect(self.show_incident)
        self.show_incident(current.view)

    def _arrange(self, side_by_side: bool) -> None:
        """Key times beside the roles when there is room, else the roles below."""
        if side_by_side == self.side_by_side:
            return
        self.side_by_side = side_by_side
        self.grid.removeWidget(self.times)
        self.grid.removeWidget(self.roles)
        if side_by_side:
            self.grid.addWidget(self.times, 3, 0)
            self.grid.addWidget(self.roles, 3, 1)
        else:
            self.grid.addWidget(self.times, 3, 0, 1, 2)
            self.grid.addWidget(self.roles, 4, 0, 1, 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        spacing = self.grid.horizontalSpacing() + self.grid.contentsMargins().left() * 2
        needed = self.times.sizeHint().width() + self.roles.sizeHint().width() + spacing
        self._arrange(self.viewport().width() >= needed)
        super().resizeEvent(event)

    def _connect_role(self, role_id: str) -> None:
        self.roles.assign_buttons[role_id].clicked.connect(
            lambda _c=False, r=role_id: self.assign_role(r)
        )
        self.roles.release_buttons[role_id].clicked.connect(
            lambda _c=False, r=role_id: self.release_role(r)
        )

    # ---- showing --------------------------------------------------------------------------

    @Slot(object)
    def unsaved_work(self) -> str | None:
        """What closing the window now would lose, in words; None when nothing."""
        dirty = self.details.dirty()
        if not dirty or self._view is None:
            return None
        names = ", ".join(name.replace("_", " ") for name in dirty)
        return f"changes to {self._view.reference} on the Overview ({names})"

    def show_incident(self, view: IncidentView | None) -> None:
        same = (
            view is not None
            and self._view is not None
            and view.state.stream_id == self._view.state.stream_id
        )
        previous = self._view.state if same and self._view else None
        self._view = view
        self.placeholder.setVisible(view is None)
        for box in (self.status, self.details, self.times, self.roles):
            box.setVisible(view is not None)
        self.details.show_state(view.state if view else None, same_incident=same)
        if view is None:
            return
        state = view.state
        self._show_status(state)
        self._show_unlisted(state)
        self._show_times(state, previous)
        self._show_roles(state)
        if not same:
            for box in (self.status, self.times, self.roles):
                box.error.clear_error()

    def _show_status(self, state: IncidentState) -> None:
        box = self.status
        box.chip.set_chip(state.status.label, theme.status_colour(state.status))
        for button in box.buttons.values():
            box.buttons_row.removeWidget(button)
            # Hidden now: deleteLater alone leaves it painted over the new buttons until then.
            button.hide()
            button.deleteLater()
        box.buttons.clear()
        allowed = sorted(lifecycle.ALLOWED.get(state.status, ()), key=_rank)
        for target in allowed:
            label = (
                "Reopen (Investigating)"
                if lifecycle.is_reopen(state.status, target)
                else (target.label)
            )
            button = QPushButton(label)
            button.setObjectName(f"status_{target.value}")
            button.setToolTip(f"Move {state.reference} to {target.label}")
            button.clicked.connect(lambda _c=False, t=target: self.change_status(t))
            box.buttons_row.addWidget(button)
            box.buttons[target] = button
        box.move_label.setVisible(bool(allowed))

    def _show_unlisted(self, state: IncidentState) -> None:
        found = out_of_vocabulary(state, self._vocab)
        self.status.unlisted.setText(
            f"Kept as recorded, {describe_unlisted(found)}." if found else ""
        )
        self.status.unlisted.setVisible(bool(found))

    def _show_times(self, state: IncidentState, previous: IncidentState | None) -> None:
        for name, edit in self.times.edits.items():
            value = state.key_times[name]
            # Keep a time being edited; take the stored one otherwise.
            if previous is None or edit.value() == _minute(previous.key_times[name]):
                edit.set_value(value)
        self._update_time_buttons()

    def _update_time_buttons(self) -> None:
        state = self._view.state if self._view else None
        for name, edit in self.times.edits.items():
            stored = state.key_times[name] if state else None
            value = edit.value()
            self.times.set_buttons[name].setEnabled(value is not None and value != _minute(stored))
            # The reported time is part of the report: it can be moved but not removed.
            self.times.clear_buttons[name].setEnabled(stored is not None and name != "reported_at")

    def _show_roles(self, state: IncidentState) -> None:
        for role_id in state.roles:
            if role_id not in self.roles.holders:
                self.roles.add_row(role_id, self.roles.label_of(role_id))
                self._connect_role(role_id)
        for role_id, label in self.roles.holders.items():
            person = state.holder(role_id)
            label.setText(person or "—")
            self.roles.release_buttons[role_id].setEnabled(bool(person))
            self.roles.assign_buttons[role_id].setText("Hand over…" if person else "Assign…")

    # ---- changing -------------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        reference = self._current.reference
        dirty = self.details.dirty()
        if reference is None or not dirty:
            return
        self.details.save_button.setEnabled(False)

        def action(ctx: Context) -> tuple[Changes, MimDeskError | None]:
            # One event per field; stop at the first refusal and say which field it was.
            total = Changes()
            for name, value in dirty.items():
                try:
                    total |= incidents.change_field(
                        ctx, reference=reference, field=name, value=value
                    )
                except MimDeskError as exc:
                    return total, exc
            return total, None

        self._ops.mutate(action, done=self._saved, failed=self._save_failed)

    def _saved(self, result: tuple[Changes, MimDeskError | None]) -> None:
        error = result[1]
        if error is not None:
            self._save_failed(error)
        else:
            self.details.error.clear_error()
        self.details._update_buttons()

    def _save_failed(self, error: MimDeskError) -> None:
        self.details.error.show_error(error)
        self.details._update_buttons()

    def change_status(self, target: Status) -> None:
        reference = self._current.reference
        if reference is None:
            return
        reason = self.status.reason.text()
        for button in self.status.buttons.values():
            button.setEnabled(False)
        self.status.error.clear_error()

        def done(_changes: Changes) -> None:
            self.status.reason.clear()

        def failed(error: MimDeskError) -> None:
            self.status.error.show_error(error)
            for button in self.status.buttons.values():
                button.setEnabled(True)

        self._ops.mutate(
            lambda ctx: incidents.change_status(ctx, reference=reference, to=target, reason=reason),
            done=done,
            failed=failed,
        )

    def set_time(self, name: str) -> None:
        self._change_time(name, self.times.edits[name].value())

    def clear_time(self, name: str) -> None:
        self._change_time(name, None)

    def _change_time(self, name: str, when: datetime | None) -> None:
        reference = self._current.reference
        if reference is None:
            return
        self.times.error.clear_error()

        def failed(error: MimDeskError) -> None:
            self.times.error.show_error(
                f"{keytimes.label(name).capitalize()}: {error.message} {error.hint}"
            )
            self.times.edits[name].setFocus()

        self._ops.mutate(
            lambda ctx: incidents.set_key_time(ctx, reference=reference, name=name, when=when),
            failed=failed,
        )

    def assign_role(self, role_id: str) -> AssignRoleDialog | None:
        view = self._view
        if view is None:
            return None
        dialog = AssignRoleDialog(
            self._ops,
            view.reference,
            role_id,
            self.roles.label_of(role_id),
            view.state.holder(role_id),
            self._display_name(),
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def release_role(self, role_id: str) -> None:
        reference = self._current.reference
        if reference is None:
            return
        self.roles.error.clear_error()
        self._ops.mutate(
            lambda ctx: roles.release(ctx, reference=reference, role=role_id),
            failed=self.roles.error.show_error,
        )


def _minute(when: datetime | None) -> datetime | None:
    return when.replace(second=0, microsecond=0) if when else None
