"""The Overview's Status, Key times and Roles boxes: the widgets, laid out, and no more.

What the buttons in these boxes do, and what the boxes show, is the Overview tab's work
(:mod:`mimdesk.gui.overview`): each box only builds its rows and hands out its buttons and
labels by name (status target, key-time name, role id).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mimdesk.config import Settings
from mimdesk.domain import keytimes
from mimdesk.domain.lifecycle import Status
from mimdesk.gui.dialogs import unlisted
from mimdesk.gui.widgets import (
    Chip,
    ErrorLabel,
    edit_time,
    muted,
    plain_label,
    set_edit_time,
    setup_datetime_edit,
)

UNSET_TIME = QDateTime.fromSecsSinceEpoch(946684800)  # 2000-01-01: shown as "not set"


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
