"""The next-step strip under the header, and the initial notification's own countdown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mimdesk.domain.cadence import Level
from mimdesk.gui.decision_dialog import DecisionDialog
from mimdesk.gui.dialogs import AssignRoleDialog
from mimdesk.gui.signals import emit
from mimdesk.usecases import declaration, incidents, roles
from tests.support.decided import declare


def tab_title(window) -> str:
    return window.tabs.tabText(window.tabs.currentIndex())


def test_after_a_report_the_strip_says_assess_and_goes_to_the_checklist(qtbot, opened):
    window = opened.window
    strip = window.next_step
    assert strip.isVisible()
    assert strip.text.text().startswith("Assess the report: answer the checklist")
    assert strip.button.text() == "Open the checklist"
    assert tab_title(window) == "Overview"
    qtbot.mouseClick(strip.button, Qt.MouseButton.LeftButton)
    assert tab_title(window) == "Declaration"


def test_assessed_the_strip_opens_the_declare_dialog(qtbot, opened, app):
    window = opened.window
    declaration.assess(
        app.ctx,
        reference=window.current.reference,
        checklist=app.settings.checklist,
        answers={},
    )
    window.refresh()
    strip = window.next_step
    assert strip.text.text().startswith("Decide: the checklist recommends")
    assert strip.button.text() == "Decide…"
    strip.go()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DecisionDialog))
    QApplication.activeModalWidget().reject()


def test_declared_the_initial_notification_counts_down_in_the_header(qtbot, opened, app, clock):
    window = opened.window
    declare(app.ctx, window.current.reference, severity="SEV1")
    window.refresh()
    strip = window.next_step
    assert strip.text.text() == (
        "Send the initial notification: due in 15 min (within 15 min of declaring)."
    )
    assert strip.button.text() == "Draft it"
    initial = window.countdowns.initial
    assert initial.isVisible()
    assert initial.text() == "Initial notification: 00:15:00"
    assert "within 15 min of declaring" in initial.toolTip()

    clock.advance(minutes=11)
    emit(opened.clock.tick, clock.now)
    assert initial.text() == "Initial notification: 00:04:00"
    assert window.countdowns.initial_level is Level.AMBER
    assert strip.text.text().startswith("Send the initial notification: due in 4 min")
    clock.advance(minutes=5)
    emit(opened.clock.tick, clock.now)
    assert initial.text() == "Initial notification: overdue 00:01:00"
    assert window.countdowns.initial_level is Level.RED

    qtbot.mouseClick(strip.button, Qt.MouseButton.LeftButton)
    assert tab_title(window) == "Communications"


def test_no_mim_the_strip_opens_the_assign_dialog(qtbot, opened, app):
    window = opened.window
    declare(app.ctx, window.current.reference)
    roles.release(app.ctx, reference=window.current.reference, role="mim")
    window.refresh()
    strip = window.next_step
    assert strip.text.text() == "Name a Major Incident Manager: nobody is steering this incident."
    assert strip.button.text() == "Assign a manager…"
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.overview, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AssignRoleDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog.windowTitle() == "Assign: Major Incident Manager"
    dialog.reject()


def test_mitigated_then_resolved(qtbot, opened, app):
    window = opened.window
    reference = window.current.reference
    declare(app.ctx, reference)
    incidents.change_status(app.ctx, reference=reference, to="mitigated")
    window.refresh()
    strip = window.next_step
    assert strip.text.text() == (
        "Confirm recovery with the service owner, then send the resolution notice."
    )
    assert strip.button.text() == "Draft the notice"
    assert not window.countdowns.initial.isVisible()
    incidents.change_status(app.ctx, reference=reference, to="resolved")
    window.refresh()
    assert strip.text.text() == "Name the postmortem owner and the review date."
    qtbot.mouseClick(strip.button, Qt.MouseButton.LeftButton)
    assert tab_title(window) == "Postmortem"
