"""People and rota: add, edit and retire people; the duty MIM per week prefills the MIM."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mimdesk.domain.directory import iso_week
from mimdesk.gui.directory_dialog import DirectoryDialog
from mimdesk.gui.roles_tab import RolesTab
from mimdesk.usecases import declaration, directory
from tests.gui.conftest import wait_written

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def dialog(qtbot, workspace) -> DirectoryDialog:
    assert workspace.window.directory_action in workspace.window.tools_menu.actions()
    workspace.window.directory_action.trigger()
    found = workspace.window.findChild(DirectoryDialog)
    qtbot.waitExposed(found)
    return found


def tick_role(dialog: DirectoryDialog, label: str) -> None:
    roles = dialog.ui.rolesList
    for i in range(roles.count()):
        if roles.item(i).text() == label:
            roles.item(i).setCheckState(Qt.CheckState.Checked)


def add_person(qtbot, workspace, dialog, name, email="", roles=()):
    qtbot.mouseClick(dialog.ui.newButton, LEFT)
    qtbot.keyClicks(dialog.ui.nameEdit, name)
    qtbot.keyClicks(dialog.ui.teamEdit, "Service Desk")
    qtbot.keyClicks(dialog.ui.emailEdit, email)
    qtbot.keyClicks(dialog.ui.phoneEdit, "+44 20 7946 0000")
    for label in roles:
        tick_role(dialog, label)
    qtbot.mouseClick(dialog.ui.saveButton, LEFT)
    wait_written(qtbot, workspace)


def test_add_a_person(qtbot, app, workspace, dialog):
    add_person(
        qtbot, workspace, dialog, "Priya Raman", "priya@example.org", ["Major Incident Manager"]
    )
    person = directory.directory(app.ctx).person("Priya Raman")
    assert person is not None
    assert (person.team, person.email, person.phone, person.roles) == (
        "Service Desk",
        "priya@example.org",
        "+44 20 7946 0000",
        ("mim",),
    )
    table = dialog.ui.peopleTable
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in (0, 4)] == ["Priya Raman", "Major Incident Manager"]
    assert dialog.ui.retireButton.isEnabled()  # the saved person stays selected


def test_bad_email_says_what_to_do(qtbot, app, workspace, dialog):
    add_person(qtbot, workspace, dialog, "Tom Becker", "tom at example")
    assert dialog.error.isVisible()
    assert "not an e-mail address" in dialog.error.text()
    assert directory.people(app.ctx) == []


def test_edit_and_retire(qtbot, app, workspace, dialog):
    add_person(qtbot, workspace, dialog, "Tom Becker")
    dialog.ui.peopleTable.selectRow(0)
    dialog.ui.teamEdit.clear()
    qtbot.keyClicks(dialog.ui.teamEdit, "Infrastructure")
    qtbot.mouseClick(dialog.ui.saveButton, LEFT)
    wait_written(qtbot, workspace)
    assert [(p.name, p.team) for p in directory.people(app.ctx)] == [
        ("Tom Becker", "Infrastructure")
    ]
    qtbot.mouseClick(dialog.ui.retireButton, LEFT)
    wait_written(qtbot, workspace)
    assert directory.people(app.ctx) == []
    qtbot.waitUntil(lambda: dialog.ui.peopleTable.rowCount() == 0)


def test_rota_sets_the_suggested_mim(qtbot, app, clock, reported, workspace, dialog):
    add_person(qtbot, workspace, dialog, "Priya Raman", roles=["Major Incident Manager"])
    dialog.ui.tabs.setCurrentIndex(1)
    this_week = iso_week(clock.now.astimezone())
    assert dialog.ui.weekCombo.currentData() == this_week
    assert [dialog.ui.dutyCombo.itemText(i) for i in range(dialog.ui.dutyCombo.count())] == [
        "Priya Raman"
    ]
    dialog.ui.dutyCombo.setCurrentIndex(0)
    qtbot.mouseClick(dialog.ui.setDutyButton, LEFT)
    wait_written(qtbot, workspace)
    assert directory.on_duty(app.ctx, "mim") == "Priya Raman"
    assert declaration.suggested_mim(app.ctx) == "Priya Raman"
    qtbot.waitUntil(lambda: dialog.ui.rotaTable.item(0, 2).text() == "Priya Raman")
    assert dialog.ui.rotaTable.item(1, 2).text() == "Nobody"

    # The Roles tab offers the duty MIM for an incident that has none.
    tab = workspace.window.findChild(RolesTab)
    tab.select_role("mim")
    assign = tab.assign_selected()
    assert assign.ui.personEdit.text() == "Priya Raman"
    assert not assign.ui.rememberCheck.isVisibleTo(assign)
