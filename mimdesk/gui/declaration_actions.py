"""Declaring and rejecting from anywhere in the window: one deliberate act, one dialog.

The Overview's "Move to: Declared" and "Rejected" buttons, the Edit menu's entries and their
shortcuts, and the next-step strip all come here. Each brings the Declaration tab to the
front, so the checklist is in view, and opens its decision dialog (severity, Major Incident
Manager, a rationale where the decision goes against the checklist). No path sets the status
on its own: the use case refuses that too (``incidents.change_status``).

The Declaration tab is built when first asked for; this module does not import it at start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence

from mimdesk.domain.lifecycle import Status
from mimdesk.usecases.incidents import IncidentView

if TYPE_CHECKING:
    from mimdesk.gui.decision_dialog import DecisionDialog
    from mimdesk.gui.mainwindow import MainWindow

DECLARE, REJECT = "declare", "reject"  # the decision dialog's modes
DECLARE_FROM = frozenset({Status.CANDIDATE, Status.REJECTED})
REJECT_FROM = frozenset({Status.CANDIDATE})


class DecisionOpener(QObject):
    """Opens the declare or reject dialog of the Declaration tab at ``index``."""

    def __init__(self, window: MainWindow, index: int) -> None:
        super().__init__(window)
        self._window = window
        self._index = index
        self.declare_action = QAction("&Declare major incident…", window)
        self.declare_action.setObjectName("declareAction")
        self.declare_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.declare_action.setToolTip(
            "Declare with the checklist, a severity and a Major Incident Manager"
        )
        self.declare_action.triggered.connect(self.open_declare)
        self.reject_action = QAction("&Handle as normal incident…", window)
        self.reject_action.setObjectName("rejectAction")
        self.reject_action.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.reject_action.setToolTip("Record that it is not a major incident, and why")
        self.reject_action.triggered.connect(self.open_reject)
        for action in (self.declare_action, self.reject_action):
            window.addAction(action)
        window.edit_menu.addSeparator()
        window.edit_menu.addAction(self.declare_action)
        window.edit_menu.addAction(self.reject_action)
        window.overview.open_decision = self.open
        window.current.loaded.connect(self._update)
        self._update(window.current.view)

    @Slot(object)
    def _update(self, view: IncidentView | None) -> None:
        status = view.state.status if view else None
        self.declare_action.setEnabled(status in DECLARE_FROM)
        self.reject_action.setEnabled(status in REJECT_FROM)

    def open(self, mode: str) -> DecisionDialog | None:
        """The Declaration tab in front, and its dialog for ``mode`` open over it."""
        from mimdesk.gui.declaration_tab import DeclarationTab

        view = self._window.current.view
        allowed = DECLARE_FROM if mode == DECLARE else REJECT_FROM
        if view is None or view.state.status not in allowed:
            return None
        tabs = self._window.tabs
        tabs.setCurrentIndex(self._index)
        tab = tabs.widget(self._index)
        assert isinstance(tab, DeclarationTab)
        return tab.open_declare() if mode == DECLARE else tab.open_reject()

    @Slot()
    def open_declare(self) -> DecisionDialog | None:
        return self.open(DECLARE)

    @Slot()
    def open_reject(self) -> DecisionDialog | None:
        return self.open(REJECT)
