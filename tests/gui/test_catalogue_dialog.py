"""The service catalogue dialog, opened from Tools, and what it changes in the directory."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from mimdesk.usecases import directory, incidents
from tests.gui.conftest import wait_written


def open_catalogue(window):
    action = next(a for a in window.tools_menu.actions() if a.text() == "Service &catalogue…")
    action.trigger()
    dialog = window.tabs.widget(2).catalogue.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_add_edit_and_retire_a_service(qtbot, app, workspace):
    dialog = open_catalogue(workspace.window)
    ui = dialog.ui
    assert ui.serviceTable.rowCount() == 0
    assert not ui.saveButton.isEnabled()
    qtbot.keyClicks(ui.nameEdit, "Payments")
    ui.tierCombo.setCurrentIndex(ui.tierCombo.findData(1))
    qtbot.keyClicks(ui.ownerEdit, "Finance IT")
    qtbot.keyClicks(ui.usersEdit, "1,200")
    qtbot.mouseClick(ui.revenueCheck, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(ui.externalCheck, Qt.MouseButton.LeftButton)
    assert ui.saveButton.text() == "&Add service"
    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)

    [service] = directory.services(app.ctx)
    assert (service.name, service.tier, service.owner, service.users) == (
        "Payments",
        1,
        "Finance IT",
        1200,
    )
    assert service.revenue and service.external and not service.critical
    qtbot.waitUntil(lambda: ui.serviceTable.rowCount() == 1)
    assert ui.serviceTable.item(0, 0).text() == "Payments"
    assert ui.serviceTable.item(0, 4).text() == "1,200"
    assert ui.saveButton.text() == "&Save"  # the saved service stays in the form

    ui.ownerEdit.clear()
    qtbot.keyClicks(ui.ownerEdit, "Payments squad")
    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)
    [service] = directory.services(app.ctx)
    assert service.owner == "Payments squad"

    box = dialog.ask_retire()
    assert isinstance(box, QMessageBox) and "Retire Payments" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)
    assert directory.services(app.ctx) == []
    qtbot.waitUntil(lambda: ui.serviceTable.rowCount() == 0)
    assert ui.serviceBox.title() == "New service"


def test_bad_input_is_explained_and_nothing_is_written(qtbot, app, workspace):
    directory.save_service(app.ctx, name="E-mail", tier=2)
    dialog = open_catalogue(workspace.window)
    ui = dialog.ui
    qtbot.keyClicks(ui.nameEdit, "Intranet")
    qtbot.keyClicks(ui.usersEdit, "lots")
    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    assert "Users served must be a whole number, not 'lots'" in dialog.error.text()
    ui.usersEdit.clear()
    ui.nameEdit.clear()
    qtbot.keyClicks(ui.nameEdit, "e-mail")  # the same name, another case
    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)
    qtbot.waitUntil(dialog.error.isVisible)
    assert "exists already" in dialog.error.text()
    assert [s.name for s in directory.services(app.ctx)] == ["E-mail"]


def test_a_catalogue_service_prefills_the_checklist(qtbot, app, workspace):
    window = workspace.window
    summary, _ = incidents.report(app.ctx, title="Shop down", services=["Shop"])
    window.refresh_action.trigger()
    window.open_incident(summary.stream_id)
    tab = window.tabs.widget(2)
    window.tabs.setCurrentWidget(tab)
    assert tab.questions["critical_service"].buttons["unknown"].isChecked()

    dialog = open_catalogue(window)
    qtbot.keyClicks(dialog.ui.nameEdit, "Shop")
    qtbot.mouseClick(dialog.ui.criticalCheck, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.ui.saveButton, Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)
    dialog.close()
    # The incident is read again (F5) and the untouched answers follow the catalogue.
    window.refresh_action.trigger()
    assert tab.questions["critical_service"].buttons["yes"].isChecked()
    assert tab.recommendation_box.outcome_chip.text() == "Declare a major incident"
