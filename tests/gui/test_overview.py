"""The Overview tab: status moves, key times, roles, and editing the details."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mimdesk.domain.lifecycle import Status
from mimdesk.gui.decision_dialog import DecisionDialog
from mimdesk.gui.dialogs import AssignRoleDialog
from mimdesk.usecases import incidents
from tests.gui.conftest import clock_text
from tests.support.decided import declare

from .conftest import wait_written


def state(app, window):
    return incidents.get(app.ctx, window.current.reference).state


def test_status_buttons_offer_only_the_allowed_next_statuses(opened):
    overview = opened.window.overview
    assert set(overview.status.buttons) == {Status.DECLARED, Status.REJECTED}
    assert overview.status.chip.text() == "Candidate"


def test_declared_on_the_overview_opens_the_declare_dialog(qtbot, opened, app):
    """Declaring is one deliberate act: the status button opens the Declaration tab's dialog,
    and nothing is written until it is filled in."""
    window = opened.window
    overview = window.overview
    before = len(incidents.get(app.ctx, window.current.reference).events)
    button = overview.status.buttons[Status.DECLARED]
    assert button.text() == "Declare…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.tabs.currentWidget().dialog
    assert isinstance(dialog, DecisionDialog)
    assert window.tabs.currentWidget() is window.tabs.widget(window.decisions._index)
    assert dialog.windowTitle().startswith("Declare ")
    assert dialog.ui.severityCombo.isVisible() and dialog.ui.mimEdit.isVisible()
    assert len(incidents.get(app.ctx, window.current.reference).events) == before
    assert state(app, window).status is Status.CANDIDATE

    dialog.ui.mimEdit.setText("Alex Morgan")
    dialog.ui.rationaleEdit.setPlainText("Whole company affected")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.header.status_chip.text() == "Declared")
    declared = state(app, window)
    assert declared.status is Status.DECLARED
    assert declared.holder("mim") == "Alex Morgan"
    assert declared.decision is not None and declared.decision.rationale == (
        "Whole company affected"
    )
    assert overview.status.chip.text() == "Declared"
    assert set(overview.status.buttons) == {
        Status.INVESTIGATING,
        Status.IDENTIFIED,
        Status.MITIGATED,
        Status.RESOLVED,
    }
    # Declaring stamps the declared time, which the header clock runs from.
    assert overview.times.edits["declared_at"].value() is not None
    assert clock_text(window, "declared") == "00:00:00"
    # Once declared, the declared time can be moved but not removed (issue 14).
    clear = overview.times.clear_buttons["declared_at"]
    assert not clear.isEnabled() and "can be moved, not removed" in clear.toolTip()


def test_rejected_on_the_overview_opens_the_reject_dialog(qtbot, opened, app):
    window = opened.window
    qtbot.mouseClick(window.overview.status.buttons[Status.REJECTED], Qt.MouseButton.LeftButton)
    dialog = window.tabs.currentWidget().dialog
    assert isinstance(dialog, DecisionDialog)
    assert dialog.windowTitle().startswith("Handle ")
    assert not dialog.ui.mimEdit.isVisible()
    dialog.reject()
    wait_written(qtbot, opened)
    assert state(app, window).status is Status.CANDIDATE


def test_the_menu_and_shortcuts_open_the_same_dialogs(qtbot, opened, app):
    window = opened.window
    decisions = window.decisions
    assert decisions.declare_action in window.edit_menu.actions()
    assert decisions.declare_action.shortcut().toString() == "Ctrl+Shift+D"
    assert decisions.reject_action.shortcut().toString() == "Ctrl+Shift+H"
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(
        window.overview,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DecisionDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog.windowTitle().startswith("Declare ")
    dialog.reject()
    decisions.reject_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DecisionDialog))
    assert QApplication.activeModalWidget().windowTitle().startswith("Handle ")
    QApplication.activeModalWidget().reject()
    # Declared: neither is offered any more.
    declare(app.ctx, window.current.reference)
    window.refresh()
    assert not decisions.declare_action.isEnabled()
    assert not decisions.reject_action.isEnabled()
    assert decisions.open_declare() is None


def test_assign_and_release_a_role(qtbot, opened, app):
    window = opened.window
    overview = window.overview
    declare(app.ctx, window.current.reference)
    window.incident_list.set_filter("all")  # declared: no longer among the candidates
    window.refresh()
    qtbot.mouseClick(overview.roles.release_buttons["mim"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.header.mim_warning)

    qtbot.mouseClick(overview.roles.assign_buttons["mim"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AssignRoleDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog.ui.personEdit.text() == "Test Desk", "offers the user to take the role"
    dialog.ui.personEdit.setText("Alex Morgan")
    dialog.ui.noteEdit.setPlainText("Took over from the night shift")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: overview.roles.holders["mim"].text() == "Alex Morgan")
    assert window.header.mim_label.text() == "Alex Morgan"
    assert not window.header.mim_warning
    assert overview.roles.release_buttons["mim"].isEnabled()
    assert overview.roles.assign_buttons["mim"].text() == "Hand over…"
    assert window.incident_list.proxy.index(0, 4).data() == "Alex Morgan"

    qtbot.mouseClick(overview.roles.release_buttons["mim"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: overview.roles.holders["mim"].text() == "—")
    assert window.header.mim_warning
    assert state(app, window).holder("mim") == ""


def test_key_time_set_and_validation_error_shown(qtbot, opened, app, clock):
    window = opened.window
    times = window.overview.times
    impact = clock.now - timedelta(hours=2)
    times.edits["impact_started_at"].set_value(impact)
    assert times.set_buttons["impact_started_at"].isEnabled()
    qtbot.mouseClick(times.set_buttons["impact_started_at"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state(app, window).key_times["impact_started_at"] == impact)
    qtbot.waitUntil(lambda: not times.set_buttons["impact_started_at"].isEnabled())
    assert times.clear_buttons["impact_started_at"].isEnabled()
    assert not times.clear_buttons["reported_at"].isEnabled()

    # Detected before the impact started: refused, and said next to the times.
    times.edits["detected_at"].set_value(impact - timedelta(hours=1))
    qtbot.mouseClick(times.set_buttons["detected_at"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: times.error.isVisible())
    assert "Detected" in times.error.text()
    assert "cannot be after" in times.error.text()
    assert state(app, window).key_times["detected_at"] is None
    # What was typed stays, to be fixed rather than typed again.
    assert times.edits["detected_at"].value() == impact - timedelta(hours=1)

    qtbot.mouseClick(times.clear_buttons["impact_started_at"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state(app, window).key_times["impact_started_at"] is None)
    qtbot.waitUntil(lambda: times.edits["impact_started_at"].is_unset())
    assert times.edits["impact_started_at"].text() == "not set"


def test_edit_details_and_save(qtbot, opened, app):
    window = opened.window
    details = window.overview.details
    assert not details.save_button.isEnabled()
    details.title.setText("E-mail down for all staff and partners")
    details.users.setText("1200")
    details.services.setText("Exchange, Outlook on the web")
    details.bridge.setPlainText("Teams: MI bridge")
    details.severity.setCurrentIndex(details.severity.findData("SEV2"))
    assert details.save_button.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(details.title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_written(qtbot, opened)
    assert not details.save_button.isEnabled()
    saved = state(app, window)
    assert saved.title == "E-mail down for all staff and partners"
    assert saved.users_affected == 1200
    assert saved.services == ["Exchange", "Outlook on the web"]
    assert saved.bridge == "Teams: MI bridge"
    assert saved.severity == "SEV2"
    assert window.header.title_label.text() == "E-mail down for all staff and partners"
    assert window.header.severity_chip.text() == "SEV2"


def test_a_refresh_keeps_a_field_being_edited(qtbot, opened, app):
    window = opened.window
    details = window.overview.details
    details.workaround.setPlainText("Use webmail")
    # Someone else changes the impact meanwhile.
    incidents.change_field(
        app.ctx, reference=window.current.reference, field="impact", value="Mail queues full"
    )
    window.refresh()
    assert details.impact.toPlainText() == "Mail queues full"
    assert details.workaround.toPlainText() == "Use webmail"
    assert details.dirty() == {"workaround": "Use webmail"}


def test_an_empty_title_is_refused_and_shown(qtbot, opened, app):
    window = opened.window
    details = window.overview.details
    details.title.setText("   ")
    window.overview.save()
    qtbot.waitUntil(lambda: details.error.isVisible())
    assert "title is empty" in details.error.text()
    wait_written(qtbot, opened)
    assert state(app, window).title == "E-mail down for all staff"
