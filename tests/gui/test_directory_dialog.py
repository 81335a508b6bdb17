"""People and rota: add, edit and retire people; the duty MIM per week prefills the MIM."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from mimdesk.domain.directory import iso_week
from mimdesk.gui.directory_dialog import DirectoryDialog
from mimdesk.gui.roles_tab import RolesTab
from mimdesk.gui.widgets import join_addresses, split_addresses
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


def test_a_name_not_in_the_directory_is_offered_to_be_added(qtbot, app, workspace, dialog):
    """The rota is who to call: someone typed in who is not a person of the directory is
    not put on it silently; the dialog asks, and adds them only if told to."""
    dialog.ui.tabs.setCurrentIndex(1)
    dialog.ui.dutyCombo.setEditText("Mia Novak")
    qtbot.mouseClick(dialog.ui.setDutyButton, LEFT)
    qtbot.waitUntil(lambda: dialog.confirm_box is not None and dialog.confirm_box.isVisible())
    box = dialog.confirm_box
    assert "Mia Novak is not in the directory" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait(100)
    assert directory.on_duty(app.ctx, "mim") == "" and directory.people(app.ctx) == []

    qtbot.mouseClick(dialog.ui.setDutyButton, LEFT)
    qtbot.waitUntil(lambda: dialog.confirm_box is not box and dialog.confirm_box.isVisible())
    dialog.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    wait_written(qtbot, workspace)
    qtbot.waitUntil(lambda: directory.on_duty(app.ctx, "mim") == "Mia Novak")
    (added,) = directory.people(app.ctx)
    assert (added.name, added.roles) == ("Mia Novak", ("mim",))


def test_distribution_lists_are_kept_in_the_directory_and_used_for_new_drafts(
    qtbot, app, reported, workspace, dialog
):
    page = dialog.distribution
    executives = page.edits["executives"]
    qtbot.keyClicks(executives, "cio@example.org;")
    # QTest cannot type Greek; insert() edits as a paste would.
    executives.insert(" Ελένη Παπαδοπούλου <eleni@example.org>")
    qtbot.keyClicks(page.edits["business"], "not an address")
    qtbot.mouseClick(page.save_button, LEFT)
    wait_written(qtbot, workspace)
    # One bad address: nothing saved, and the message names it.
    assert "not an address" in page.error.text()
    assert directory.directory(app.ctx).distribution == {}
    page.edits["business"].clear()
    qtbot.mouseClick(page.save_button, LEFT)
    wait_written(qtbot, workspace)
    kept = directory.directory(app.ctx).distribution
    assert kept == {"executives": ("cio@example.org", "Ελένη Παπαδοπούλου <eleni@example.org>")}
    assert not page.save_button.isEnabled()

    # A new draft to executives starts from the directory's list, over the site file's.
    tabs = workspace.window.tabs
    comms_tab = next(
        tabs.widget(i) for i in range(tabs.count()) if tabs.tabText(i) == "Communications"
    )
    tabs.setCurrentWidget(comms_tab)
    comms_tab.set_audience("executives")
    comms_tab.new_from_template()
    assert comms_tab.recipients_edit.text() == (
        "cio@example.org, Ελένη Παπαδοπούλου <eleni@example.org>"
    )
    assert "cio@example.org" in comms_tab.recipients_note.text()

    # Cleared: back to the site file's list (none here).
    executives.clear()
    qtbot.mouseClick(page.save_button, LEFT)
    wait_written(qtbot, workspace)
    assert directory.directory(app.ctx).distribution == {}
    qtbot.waitUntil(lambda: "No distribution list" in comms_tab.recipients_note.text())


def test_addresses_pasted_from_outlook_keep_names_with_commas():
    pasted = "Doe, Jane <jane@example.org>; ops@example.org"
    assert split_addresses(pasted) == ["Doe, Jane <jane@example.org>", "ops@example.org"]
    assert split_addresses("a@example.org, b@example.org") == ["a@example.org", "b@example.org"]
    assert split_addresses(join_addresses(split_addresses(pasted))) == split_addresses(pasted)
    assert join_addresses(["a@example.org", "b@example.org"]) == "a@example.org, b@example.org"
