"""The main window: reporting an incident, the header, shortcuts, about."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from mimdesk import __version__
from mimdesk.gui.dialogs import AboutDialog, NewIncidentDialog
from mimdesk.gui.incident_list import REFERENCE, TITLE
from mimdesk.gui.mainwindow import OVERVIEW_TAB, TIMELINE_TAB
from mimdesk.gui.widgets import set_edit_time
from mimdesk.usecases import incidents

from .conftest import wait_written


def open_dialog(qtbot, window, cls):
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), cls))
    return QApplication.activeModalWidget()


def test_report_through_the_dialog_shows_it_in_list_and_header(qtbot, workspace, app):
    window = workspace.window
    assert window.incident_list.model.rowCount() == 0
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(qtbot, window, NewIncidentDialog)
    assert not dialog.ok_button.isEnabled(), "the title is required"
    qtbot.keyClicks(dialog.ui.titleEdit, "Payroll system unreachable")
    dialog.ui.impactEdit.setPlainText("HR cannot run payroll")
    dialog.ui.severityCombo.setCurrentIndex(dialog.ui.severityCombo.findData("SEV2"))
    dialog.ui.usersEdit.setText("40")
    dialog.ui.servicesEdit.setText("Payroll, HR portal")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: window.incident_list.model.rowCount() == 1)
    model = window.incident_list.proxy
    assert model.index(0, TITLE).data() == "Payroll system unreachable"
    reference = model.index(0, REFERENCE).data()
    assert reference.startswith("MI-")
    qtbot.waitUntil(lambda: window.header.reference_label.text() == reference)
    assert window.header.title_label.text() == "Payroll system unreachable"
    assert window.header.status_chip.text() == "Candidate"
    assert window.header.severity_chip.text() == "SEV2"
    assert window.tabs.currentIndex() == OVERVIEW_TAB
    state = incidents.get(app.ctx, reference).state
    assert state.users_affected == 40
    assert state.services == ["Payroll", "HR portal"]
    assert QApplication.activeModalWidget() is None, "the dialog closes once written"


def test_a_refused_report_keeps_the_form_and_says_why(qtbot, workspace, clock):
    window = workspace.window
    dialog = window.new_incident()
    dialog.ui.titleEdit.setText("Wi-Fi down in building B")
    # Detected before the impact started cannot be right.
    dialog.ui.impactStartedCheck.setChecked(True)
    dialog.ui.detectedCheck.setChecked(True)
    set_edit_time(dialog.ui.impactStartedEdit, clock.now - timedelta(minutes=10))
    set_edit_time(dialog.ui.detectedEdit, clock.now - timedelta(hours=1))
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "cannot be after" in dialog.error.text()
    assert dialog.isVisible()
    assert dialog.ui.titleEdit.text() == "Wi-Fi down in building B"
    assert window.incident_list.model.rowCount() == 0
    dialog.reject()


def test_header_without_incident_says_what_to_do(workspace):
    header = workspace.window.header
    assert "Ctrl+N" in header.title_label.text()
    assert header.connectivity_label.chip.text() == "Local only"
    assert not header.status_chip.isVisible()


def test_shortcuts_switch_tabs_and_focus_fields(qtbot, opened):
    window = opened.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == TIMELINE_TAB
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == OVERVIEW_TAB
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.incident_list.search.hasFocus())
    # The quick note is one key away from anywhere, even from another tab.
    qtbot.keyClick(window.incident_list.search, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == TIMELINE_TAB
    qtbot.waitUntil(lambda: window.timeline.quick_note.edit.hasFocus())


def test_every_menu_action_shows_its_shortcut(window):
    shortcuts = {
        action.text().replace("&", ""): action.shortcut().toString()
        for menu in window.menuBar().findChildren(QMenu)
        for action in menu.actions()
    }
    assert shortcuts["New incident…"] == "Ctrl+N"
    assert shortcuts["Quick note"] == "Ctrl+L"
    assert shortcuts["Find incident"] == "Ctrl+F"
    assert shortcuts["Overview"] == "Ctrl+1"
    assert shortcuts["Timeline"] == "Ctrl+2"
    assert shortcuts["Refresh"] == "F5"
    assert shortcuts["Open another database…"] == "Ctrl+Shift+O"
    assert shortcuts["Quick guide"] == "F1"
    assert shortcuts["About MIM Desk"] == ""
    assert shortcuts["Quit"] == "Ctrl+Q"
    assert shortcuts["Add note"] == "Ctrl+Return"
    assert shortcuts["Correct entry…"] == "Ctrl+E"


def test_about_shows_version_and_database(qtbot, window, app):
    window.about_action.trigger()
    dialog = open_dialog(qtbot, window, AboutDialog)
    assert dialog.ui.versionLabel.text() == __version__
    assert dialog.ui.databaseLabel.text() == str(app.database)
    dialog.reject()


def test_refresh_shows_changes_made_elsewhere(qtbot, opened, app):
    window = opened.window
    # Another program (the CLI) writes to the same database: F5 picks it up.
    incidents.report(app.ctx, title="Phones down at the call centre")
    assert window.incident_list.model.rowCount() == 1
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.incident_list.model.rowCount() == 2
    wait_written(qtbot, opened)


def test_rebuild_the_lists_runs_in_the_background(qtbot, opened):
    window = opened.window
    window.rebuild_action.trigger()
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage() == "Rebuilt the lists from the log: 1 incident",
        timeout=10_000,
    )
    assert window.incident_list.model.rowCount() == 1


def test_open_another_database_while_running(qtbot, home, tmp_path, app, monkeypatch):
    from mimdesk.gui import startup
    from mimdesk.gui.main import Session, application

    other = tmp_path / "other.sqlite3"
    monkeypatch.setattr(startup, "ask_open_path", lambda parent, start: other)
    session = Session(application())
    session._show(app)
    first = session.workspace
    try:
        first.window.open_db_action.trigger()
        assert session.workspace is not first
        assert session.workspace.app.database == other
        assert session.workspace.window.isVisible()
        assert not first.window.isVisible()
        assert session.workspace.window.database_label.text() == str(other)
    finally:
        session.close()


def test_a_bad_database_picked_while_running_keeps_the_current_one(
    qtbot, home, tmp_path, app, monkeypatch
):
    from mimdesk.gui import startup
    from mimdesk.gui.main import Session, application

    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not sqlite" * 50)
    monkeypatch.setattr(startup, "ask_open_path", lambda parent, start: bad)
    session = Session(application())
    session._show(app)
    first = session.workspace
    try:
        first.window.open_db_action.trigger()
        qtbot.waitUntil(lambda: first.window.findChild(QMessageBox, "errorBox") is not None)
        box = first.window.findChild(QMessageBox, "errorBox")
        assert "not a MIM Desk database" in box.text()
        box.accept()
        assert session.workspace is first
        assert first.window.isVisible()
    finally:
        session.close()
        first.window.close()


def test_quitting_with_unsaved_work_lists_it_and_can_be_cancelled(qtbot, opened):
    window = opened.window
    window.overview.details.impact.setPlainText("Payroll cannot run")
    qtbot.keyClicks(window.timeline.quick_note.edit, "Vendor called back")
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            asked.append(box.text())
            box.button(button).click()
        else:
            QTimer.singleShot(20, lambda: answer(button))

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Cancel))
    window.close()
    qtbot.waitUntil(lambda: bool(asked))
    assert window.isVisible(), "Cancel keeps the window and what was typed"
    assert "quick note" in asked[0] and "Overview (impact)" in asked[0]
    assert window.overview.details.impact.toPlainText() == "Payroll cannot run"

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Discard))
    window.close()
    qtbot.waitUntil(lambda: len(asked) == 2)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_unsaved_postmortem_and_draft_text_count_as_unsaved_work(qtbot, opened):
    window = opened.window
    assert window.unsaved_work() == []
    tabs = {window.tabs.tabText(i): window.tabs.widget(i) for i in range(window.tabs.count())}
    window.tabs.setCurrentWidget(tabs["Postmortem"])
    tabs["Postmortem"].texts["summary"].setPlainText("Mail was down for two hours.")
    window.tabs.setCurrentWidget(tabs["Communications"])
    tabs["Communications"].body_edit.setPlainText("Mail is back for everyone.")
    unsaved = " | ".join(window.unsaved_work())
    assert "postmortem changes" in unsaved and "Summary" in unsaved
    assert "message being drafted" in unsaved
