"""From Ctrl+N to "declared with a MIM and the initial notification sent" by keyboard alone.

The test drives the window with QTest key events only (no clicks, no calls on widgets) and
counts the keys pressed, text typed apart, so a change that adds presses to the desk's most
urgent path shows in the figure it prints.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from mimdesk.domain.lifecycle import Status
from mimdesk.domain.next_step import initial_notification_due
from mimdesk.gui.main import Workspace

CTRL, ALT, NONE = (
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.NoModifier,
)
MAX_TABS = 40
ANIMATED_CLICK_MS = 150


class Keyboard:
    """Presses keys where the focus is, as a person would, and counts them."""

    def __init__(self, qtbot, workspace: Workspace) -> None:
        self.qtbot = qtbot
        self.ws = workspace
        self.presses = 0
        self.tabs = 0
        self.typed = 0

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        return widget if widget is not None else self.ws.window

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = NONE, *, counted: bool = True
    ) -> None:
        QTest.keyClick(self.focus(), key, modifier)
        self.presses += counted
        self.tabs += counted and key == Qt.Key.Key_Tab
        if modifier == ALT:
            # An access key presses its button as a click that shows (100 ms), then acts.
            self.qtbot.wait(ANIMATED_CLICK_MS)
        self.settle()

    def type(self, text: str) -> None:
        QTest.keyClicks(self.focus(), text)
        self.typed += len(text)
        self.settle()

    def tab_to(self, name: str) -> None:
        """Tab until the widget named ``name`` has the focus."""
        for _ in range(MAX_TABS):
            if self.focus().objectName() == name:
                return
            self.press(Qt.Key.Key_Tab)
        raise AssertionError(f"Tab never reached {name}; stuck at {self.focus()!r}")

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.ws.runner.busy, timeout=10_000)
        QApplication.processEvents()
        if QApplication.activeWindow() is None:
            # Offscreen has no window manager to give the window back its activation when a
            # dialog closes; a desktop does this on its own, without a key.
            self.ws.window.activateWindow()
            self.qtbot.waitUntil(lambda: QApplication.activeWindow() is not None)


def test_report_declare_and_notify_by_keyboard_alone(qtbot, workspace, capsys) -> None:
    window = workspace.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    keys = Keyboard(qtbot, workspace)

    # Report.
    keys.press(Qt.Key.Key_N, CTRL)
    keys.type("Mail down for all staff")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current.view is not None)
    assert window.current.view.state.status is Status.CANDIDATE

    # Assess: the checklist takes its answers from the keyboard.
    keys.press(Qt.Key.Key_3, CTRL)
    keys.tab_to("answer_critical_service_yes")
    keys.press(Qt.Key.Key_Space)
    assert QApplication.focusWidget().isChecked()
    # The arrow keys move the answer along (Yes, No, Not known); not part of the path.
    keys.press(Qt.Key.Key_Right, counted=False)
    assert QApplication.focusWidget().objectName() == "answer_critical_service_no"
    assert QApplication.focusWidget().isChecked()
    keys.press(Qt.Key.Key_Left, counted=False)
    assert QApplication.focusWidget().objectName() == "answer_critical_service_yes"
    keys.tab_to("answer_users_affected")
    keys.type("800")
    keys.tab_to("answer_site_down_yes")
    keys.press(Qt.Key.Key_Space)

    # Declare, with a MIM, in the declare dialog.
    keys.press(Qt.Key.Key_D, ALT)
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.objectName() != "mainWindow"
    keys.type("Priya Shah")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current.view.state.status is Status.DECLARED)
    state = window.current.view.state
    assert state.roles["mim"].person == "Priya Shah"

    # The initial notification: a draft from the template, recorded as sent.
    keys.press(Qt.Key.Key_5, CTRL)
    keys.press(Qt.Key.Key_W, ALT)  # New draft from template
    keys.press(Qt.Key.Key_M, ALT)  # Mark sent…
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.current.view.state.messages), timeout=10_000)
    state = window.current.view.state
    assert state.messages[0].at >= state.key_times["declared_at"]
    # Nothing more is due as the initial notification: the process has moved on.
    assert initial_notification_due(state, workspace.app.settings.timers) is None

    with capsys.disabled():
        print(
            f"\nKeyboard path Ctrl+N -> declared -> initial sent: {keys.presses} key presses, "
            f"{keys.tabs} of them Tab ({keys.typed} characters typed besides)"
        )
    # The figure the issue asked for; a rise shows here before it shows at a desk.
    assert keys.presses <= 18


def test_tab_leaves_the_incident_list(qtbot, opened) -> None:
    window = opened.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    table = window.incident_list.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    QTest.keyClick(table, Qt.Key.Key_Tab)
    # On to the workspace, not from cell to cell inside the list.
    assert not table.hasFocus()
    assert window.incident_list.isAncestorOf(QApplication.focusWidget()) is False
