"""The Roles tab: holders, one-step handover with a note, duties, history, role cards."""

from __future__ import annotations

import tempfile

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QInputDialog

from mimdesk.domain.events import EventType
from mimdesk.gui.roles_tab import RolesTab
from mimdesk.usecases import declaration, directory, incidents
from tests.gui.conftest import wait_written
from tests.support.recorded import as_json

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def declared(app):
    summary, _ = incidents.report(app.ctx, title="E-mail down for all staff", severity="SEV1")
    declaration.declare(
        app.ctx,
        reference=summary.reference,
        settings=app.settings,
        severity="SEV1",
        mim="Ana Costa",
        rationale="All mail is down",
    )
    return summary


@pytest.fixture
def tab(declared, workspace) -> RolesTab:
    tab = workspace.window.findChild(RolesTab)
    workspace.window.tabs.setCurrentWidget(tab)
    return tab


def row_texts(tree, column):
    return [tree.topLevelItem(i).text(column) for i in range(tree.topLevelItemCount())]


def test_each_configured_role_with_its_holder_and_since(app, tab):
    assert row_texts(tab.holders, 0) == [r.label for r in app.settings.roles]
    assert row_texts(tab.holders, 1)[0] == "Ana Costa"
    assert row_texts(tab.holders, 2)[0] == "2026-11-28 09:00 UTC"  # local time with its zone
    assert row_texts(tab.holders, 1)[1] == "Nobody"
    assert tab.assign_button.text() == "&Hand over…"


def test_handover_in_one_action_with_a_note_appears_in_the_history(
    qtbot, app, tab, workspace, declared, clock
):
    clock.advance(hours=8)
    tab.select_role("mim")
    qtbot.mouseClick(tab.assign_button, LEFT)
    dialog = tab.findChild(QObject, "AssignRoleDialog")
    assert dialog.windowTitle() == "Hand over: Major Incident Manager"
    qtbot.keyClicks(dialog.ui.personEdit, "Ben Okafor")
    qtbot.keyClicks(dialog.ui.noteEdit, "Bridge open; vendor call at 18:00")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_written(qtbot, workspace)

    events = incidents.view(app.ctx, declared.stream_id).events
    handovers = [
        e for e in events if e.type == EventType.ROLE_ASSIGNED and "from" in as_json(e.payload)
    ]
    assert [
        (as_json(e.payload)["from"], as_json(e.payload)["person"], as_json(e.payload)["note"])
        for e in handovers
    ] == [("Ana Costa", "Ben Okafor", "Bridge open; vendor call at 18:00")]
    assert not any(e.type == EventType.ROLE_RELEASED for e in events)  # never empty between
    qtbot.waitUntil(lambda: row_texts(tab.holders, 1)[0] == "Ben Okafor", timeout=3000)
    assert row_texts(tab.holders, 2)[0] == "2026-11-28 17:00 UTC"
    top = tab.history.topLevelItem(0)
    assert top.text(2) == "Ana Costa handed over to Ben Okafor"
    assert top.text(4) == "Bridge open; vendor call at 18:00"
    assert top.text(3) == "Test Desk"
    assert tab.history.topLevelItemCount() == 2


def test_release_with_a_note(qtbot, app, tab, workspace, declared):
    tab.select_role("mim")
    qtbot.mouseClick(tab.release_button, LEFT)
    dialog = tab.findChild(QInputDialog, "releaseDialog")
    dialog.setTextValue("Stood down: incident handed to problem management")
    dialog.accept()
    wait_written(qtbot, workspace)
    assert incidents.view(app.ctx, declared.stream_id).state.holder("mim") == ""
    qtbot.waitUntil(lambda: row_texts(tab.holders, 1)[0] == "Nobody", timeout=3000)
    assert tab.history.topLevelItem(0).text(2) == "Ana Costa released the role"
    assert not tab.release_button.isEnabled()


def test_ticking_a_duty_is_stored(qtbot, app, tab, workspace, declared):
    tab.select_role("mim")
    first = tab.duties.item(0)
    duty = first.text()
    assert duty == app.settings.role("mim").duties[0]
    first.setCheckState(Qt.CheckState.Checked)
    wait_written(qtbot, workspace)
    view = incidents.view(app.ctx, declared.stream_id)
    assert view.state.duties_done["mim"] == {duty}
    ticks = [as_json(e.payload) for e in view.events if e.type == EventType.DUTY_TICKED]
    assert ticks == [{"role": "mim", "duty": duty, "done": True}]
    qtbot.waitUntil(lambda: tab.duties.item(0).checkState() == Qt.CheckState.Checked)
    tab.select_role("tech_lead")
    assert tab.duties.item(0).checkState() == Qt.CheckState.Unchecked


def test_people_come_from_the_directory_and_a_new_name_can_be_saved(
    qtbot, app, tab, workspace, declared
):
    directory.save_person(app.ctx, name="Priya Raman", roles=["tech_lead"])
    tab.select_role("tech_lead")
    dialog = tab.assign_selected()
    completer = dialog.ui.personEdit.completer()
    assert completer.model().stringList() == ["Priya Raman"]
    assert not dialog.ui.rememberCheck.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.ui.personEdit, "Zoe Newman")
    assert dialog.ui.rememberCheck.isVisibleTo(dialog)
    assert dialog.ui.rememberCheck.isChecked()
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_written(qtbot, workspace)
    saved = directory.directory(app.ctx).person("Zoe Newman")
    assert saved is not None and saved.roles == ("tech_lead",)


def test_print_role_cards_off_the_ui_thread_and_open_them(
    qtbot, app, tab, workspace, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    class Opener(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[QUrl] = []

        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            self.urls.append(url)

    opener = Opener()
    QDesktopServices.setUrlHandler("file", opener, "open")
    try:
        qtbot.mouseClick(tab.print_button, LEFT)
        qtbot.waitUntil(lambda: bool(opener.urls), timeout=20_000)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    path = opener.urls[0].toLocalFile()
    assert path.startswith(str(tmp_path))
    pages = PdfReader(path).pages
    assert len(pages) == len(app.settings.roles)
    assert "Ana Costa" in pages[0].extract_text()
    assert tab.print_button.isEnabled()


def test_taking_the_mim_role_over_asks_a_reason_and_records_it(
    qtbot, app, tab, workspace, declared
):
    """The desk's account is Test Desk's, who is neither Ana Costa (holding) nor Ben Okafor."""
    directory.save_person(app.ctx, name="Test Desk", accounts=[app.ctx.author.login])
    tab.select_role("mim")
    dialog = tab.assign_selected()
    assert not dialog.ui.overrideEdit.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.ui.personEdit, "Ben Okafor")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_written(qtbot, workspace)
    assert dialog.isVisible()
    assert "Test Desk may not hand over the Major Incident Manager role" in dialog.error.text()
    assert "give your reason for taking it over below" in dialog.error.text()
    assert dialog.ui.overrideEdit.isVisibleTo(dialog)
    assert incidents.get(app.ctx, declared.reference).state.holder("mim") == "Ana Costa"

    qtbot.keyClicks(dialog.ui.overrideEdit, "Ana unreachable since 09:10")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    wait_written(qtbot, workspace)
    held = incidents.get(app.ctx, declared.reference).state.roles["mim"]
    assert (held.person, held.note) == (
        "Ben Okafor",
        "Taken over without Ana Costa: Ana unreachable since 09:10",
    )
