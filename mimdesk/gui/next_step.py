"""The next-step strip under the header: what the process expects now, and one button there.

The step is worked out by :func:`mimdesk.domain.next_step.next_step` from the incident in
memory and the UI clock's ``now`` (on every load and every tick: a pure function, cheap), so it
says the same as ``mimdesk show``. The strip keeps its height when nothing is waiting, so the
tabs under it never move.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from mimdesk.config import Settings
from mimdesk.domain import next_step as rules
from mimdesk.domain.next_step import NextStep
from mimdesk.domain.roles import MIM
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.uiclock import UiClock
from mimdesk.gui.widgets import muted, plain_labels, plain_tip
from mimdesk.usecases.incidents import IncidentView

if TYPE_CHECKING:
    from mimdesk.gui.mainwindow import MainWindow

SHORTCUT = "Ctrl+J"  # "jump to the next step"
NOTHING = "Nothing is waiting on the process now: record what is found and done on the Timeline."

# The button's words for each action (the domain says what, the window says where).
BUTTONS = {
    rules.ASSESS: "Open the checklist",
    rules.DECIDE: "Decide…",
    rules.ASSIGN_MIM: "Assign a manager…",
    rules.INITIAL_NOTIFICATION: "Draft it",
    rules.UPDATE: "Draft it",
    rules.RESOLUTION: "Draft the notice",
    rules.POSTMORTEM: "Open the postmortem",
    rules.FOLLOWUPS: "Open the follow-ups",
}


class NextStepStrip(QFrame):
    """One line: the next step in words, and a button that goes there (``go(action)``)."""

    def __init__(
        self,
        current: CurrentIncident,
        clock: UiClock,
        settings: Settings,
        go: Callable[[str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("nextStepStrip")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._settings = settings
        self._clock = clock
        self._go = go
        self._view: IncidentView | None = None
        self.step: NextStep | None = None

        self.caption = QLabel("Next step:")
        muted(self.caption)
        self.text = QLabel()
        self.text.setObjectName("nextStepText")
        self.text.setWordWrap(False)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.button = QPushButton()
        self.button.setObjectName("nextStepButton")
        self.button.clicked.connect(self.go)
        # Hidden when nothing is waiting, but its room is kept: nothing jumps.
        policy = self.button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.button.setSizePolicy(policy)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        plain_labels(self)  # the step names the site's audiences

        current.loaded.connect(self.show_incident)
        clock.tick.connect(self.update_step)
        self.show_incident(current.view)

    @Slot(object)
    def show_incident(self, view: IncidentView | None) -> None:
        self._view = view
        self.setVisible(view is not None)
        self.update_step(self._clock.now())

    @Slot(object)
    def update_step(self, now: datetime) -> None:
        view = self._view
        step = rules.next_step(view.state, self._settings.timers, now) if view else None
        if step == self.step and self.text.text():
            return
        self.step = step
        text = step.text if step else NOTHING
        self.text.setText(text)
        self.text.setToolTip(plain_tip(text))  # the whole sentence where the strip is narrow
        self.button.setVisible(step is not None)
        if step is not None:
            self.button.setText(BUTTONS.get(step.action, "Go"))
            # setText takes the button's shortcut from its text (none here): set it again.
            self.button.setShortcut(QKeySequence(SHORTCUT))
            self.button.setToolTip(f"{BUTTONS.get(step.action, 'Go')} ({SHORTCUT})")

    @Slot()
    def go(self) -> None:
        if self.step is not None:
            self._go(self.step.action)


def install(window: MainWindow) -> NextStepStrip:
    """The strip under the header's rows, its button wired to the window's tabs and dialogs."""
    strip = NextStepStrip(
        window.current, window.clock, window.app.settings, lambda action: go(window, action)
    )
    window.header.add_row(strip)
    return strip


TABS = {
    rules.ASSESS: "Declaration",
    rules.INITIAL_NOTIFICATION: "Communications",
    rules.UPDATE: "Communications",
    rules.RESOLUTION: "Communications",
    rules.POSTMORTEM: "Postmortem",
    rules.FOLLOWUPS: "Follow-ups",
}


def go(window: MainWindow, action: str) -> object:
    """Where each action takes the desk: a tab in front, or the dialog that does it."""
    view = window.current.view
    if view is None:
        return None
    if action == rules.DECIDE:
        assessment = view.state.assessment
        declare = assessment is None or assessment.recommendation.outcome == "declare"
        return window.decisions.open_declare() if declare else window.decisions.open_reject()
    if action == rules.ASSIGN_MIM:
        window.tabs.setCurrentWidget(window.overview)
        return window.overview.assign_role(MIM)
    title = TABS.get(action)
    for index in range(window.tabs.count()):
        if window.tabs.tabText(index) == title:
            window.tabs.setCurrentIndex(index)
            return window.tabs.widget(index)
    return None
