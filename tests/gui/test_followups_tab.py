"""The Follow-ups tab: adding and editing actions through the dialog, and overdue ones."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from mimdesk.domain.events import EventType
from mimdesk.gui import theme
from mimdesk.gui.followups_tab import DUE, STATUS, TITLE, FollowupDialog, FollowupsTab
from mimdesk.usecases import followups, incidents
from tests.support.recorded import as_json

from .conftest import wait_written


def open_tab(window) -> FollowupsTab:
    for i in range(window.tabs.count()):
        tab = window.tabs.widget(i)
        if isinstance(tab, FollowupsTab):
            window.tabs.setCurrentIndex(i)
            return tab
    raise AssertionError("no Follow-ups tab")


def active_dialog(qtbot) -> FollowupDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), FollowupDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, FollowupDialog)
    return dialog


def followup_events(app, reference: str) -> list:
    stream = incidents.resolve(app.ctx, reference).stream_id
    kinds = (EventType.FOLLOWUP_ADDED, EventType.FOLLOWUP_UPDATED)
    return [e for e in app.ctx.log.stream(stream) if e.type in kinds]


def test_add_a_followup_through_the_dialog(qtbot, opened, app):
    window = opened.window
    tab = open_tab(window)
    reference = window.current.reference
    assert tab.model.rowCount() == 0
    assert "No follow-up actions yet" in tab.summary.text()

    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = active_dialog(qtbot)
    assert not dialog.ok_button.isEnabled(), "an action needs a title"
    qtbot.keyClicks(dialog.ui.titleEdit, "Alert 30 days before a certificate expires")
    qtbot.keyClicks(dialog.ui.ownerEdit, "Chris Doyle")
    dialog.ui.dueEdit.setDate(QDate(2027, 1, 15))
    dialog.ui.priorityCombo.setCurrentIndex(dialog.ui.priorityCombo.findData("high"))
    dialog.ui.kindCombo.setCurrentIndex(dialog.ui.kindCombo.findData("detect"))
    qtbot.keyClicks(dialog.ui.ticketEdit, "CHG0042117")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)

    [stored] = followups.list_followups(app.ctx, reference=reference)
    assert (stored.title, stored.owner, stored.due) == (
        "Alert 30 days before a certificate expires",
        "Chris Doyle",
        "2027-01-15",
    )
    assert (stored.priority, stored.kind, stored.status, stored.ticket) == (
        "high",
        "detect",
        "open",
        "CHG0042117",
    )
    assert tab.model.index(0, TITLE).data() == stored.title
    assert tab.model.index(0, 0).data() == "F1"
    assert tab.selected() == stored, "the new action is selected"
    assert tab.summary.text().startswith("1 action, 1 open")


def test_a_refused_followup_keeps_the_dialog_open(qtbot, opened, app):
    tab = open_tab(opened.window)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = active_dialog(qtbot)
    dialog.ui.titleEdit.setText("x" * 1000)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)
    qtbot.waitUntil(dialog.error.isVisible)
    assert "limit" in dialog.error.text()
    assert dialog.isVisible()
    assert followup_events(app, opened.window.current.reference) == []
    dialog.reject()


def test_edit_writes_only_what_changed(qtbot, opened, app):
    window = opened.window
    reference = window.current.reference
    _id, changes = followups.add(
        app.ctx, reference=reference, title="Approver cover", owner="Ana", due="2026-12-10"
    )
    opened.hub.publish(changes)
    tab = open_tab(window)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)

    qtbot.waitUntil(tab.table.isVisible)
    rect = tab.table.visualRect(tab.model.index(0, TITLE))
    # QTest's double-click alone never presses, which the view needs to know the item.
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = active_dialog(qtbot)
    assert len(tab.findChildren(FollowupDialog)) == 1, "one double-click, one dialog"
    assert dialog.ui.titleEdit.text() == "Approver cover"
    assert dialog.ui.dueEdit.date() == QDate(2026, 12, 10)
    dialog.ui.statusCombo.setCurrentIndex(dialog.ui.statusCombo.findData("in progress"))
    dialog.ui.ownerEdit.clear()
    qtbot.keyClicks(dialog.ui.ownerEdit, "Ana Souza")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)
    qtbot.waitUntil(lambda: tab.model.index(0, STATUS).data() == "In progress")

    updated = followup_events(app, reference)[-1]
    assert updated.type == EventType.FOLLOWUP_UPDATED
    assert {k for k in as_json(updated.payload) if k != "id"} == {"owner", "status"}
    [stored] = followups.list_followups(app.ctx, reference=reference)
    assert (stored.owner, stored.status, stored.due) == ("Ana Souza", "in progress", "2026-12-10")


def test_overdue_followups_are_highlighted_until_done(qtbot, opened, app, clock):
    window = opened.window
    reference = window.current.reference
    # Added on 2026-11-28 (the fake clock), one due the next day; three days later it is past
    # due, the other is not.
    opened.hub.publish(
        followups.add(app.ctx, reference=reference, title="Late one", due="2026-11-29")[1]
    )
    opened.hub.publish(
        followups.add(app.ctx, reference=reference, title="On time", due="2026-12-31")[1]
    )
    clock.advance(days=3)
    tab = open_tab(window)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2)
    red = theme.error_colour(QApplication.palette())
    assert tab.model.index(0, DUE).data() == "2026-11-29  overdue"
    assert QColor(tab.model.index(0, DUE).data(Qt.ItemDataRole.ForegroundRole)) == red
    assert "Overdue" in tab.model.index(0, TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert tab.model.index(1, DUE).data() == "2026-12-31"
    assert tab.model.index(1, DUE).data(Qt.ItemDataRole.ForegroundRole) is None
    assert "1 overdue" in tab.summary.text()

    tab.table.selectRow(0)
    qtbot.mouseClick(tab.done_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)
    qtbot.waitUntil(lambda: tab.model.index(0, STATUS).data() == "Done")
    assert tab.model.index(0, DUE).data() == "2026-11-29"
    assert "overdue" not in tab.summary.text()
    assert followups.list_followups(app.ctx, reference=reference)[0].status == "done"
    assert not tab.done_button.isEnabled(), "the selection stays on the action, now done"
