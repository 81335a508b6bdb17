"""The Overview tab: the incident's fields, status, key times and roles, all editable.

The boxes are built in :mod:`mimdesk.gui.overview_details` (the fields, a form with unsaved
edits of its own) and :mod:`mimdesk.gui.overview_boxes` (status, key times, roles); this module
arranges them, shows an incident in them and turns their buttons into use-case calls.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QScrollArea, QWidget

from mimdesk.config import Settings
from mimdesk.domain import keytimes, lifecycle
from mimdesk.domain.incident import IncidentState
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.vocabulary import describe_unlisted, out_of_vocabulary
from mimdesk.errors import MimDeskError
from mimdesk.gui import theme
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.dialogs import AssignRoleDialog
from mimdesk.gui.operations import Operations
from mimdesk.gui.overview_boxes import KeyTimesBox, RolesBox, StatusBox
from mimdesk.gui.overview_details import DetailsBox
from mimdesk.gui.widgets import muted, plain_labels
from mimdesk.usecases import incidents, roles
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView

# The statuses a decision sets: their buttons open the decision dialog (label, tooltip).
DECISIONS: dict[Status, tuple[str, str]] = {
    Status.DECLARED: (
        "Declare…",
        "Declare {reference} a major incident: severity, Major Incident Manager, and the "
        "checklist's outcome",
    ),
    Status.REJECTED: (
        "Handle as normal…",
        "Record that {reference} is not a major incident, and why",
    ),
}


def _rank(status: Status) -> int:
    return list(Status).index(status)


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
        # Declaring and rejecting open the Declaration tab's dialog (set by the window:
        # mimdesk.gui.declaration_actions); a status button never decides on its own.
        self.open_decision: Callable[[str], object] | None = None
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
            decision = DECISIONS.get(target)
            if decision is not None:
                label, tip = decision
                label = label.format(reference=state.reference)
                tip = tip.format(reference=state.reference)
            else:
                tip = f"Move {state.reference} to {target.label}"
            button = QPushButton(label)
            button.setObjectName(f"status_{target.value}")
            button.setToolTip(tip)
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
        # The times the status needs (reported always, declared once declared, ...) can be
        # moved but not removed: the use case refuses it, so the button is not offered.
        needed = keytimes.required(state.status) if state else ()
        for name, edit in self.times.edits.items():
            stored = state.key_times[name] if state else None
            value = edit.value()
            self.times.set_buttons[name].setEnabled(value is not None and value != _minute(stored))
            clear = self.times.clear_buttons[name]
            clear.setEnabled(stored is not None and name not in needed)
            clear.setToolTip(
                f"The incident is {state.status.label.lower()}: this time can be moved, not removed"
                if state and name in needed
                else f"Remove the time {keytimes.label(name)}"
            )

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
        if target in DECISIONS:
            if self.open_decision is not None:
                self.open_decision("declare" if target is Status.DECLARED else "reject")
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
