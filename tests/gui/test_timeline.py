"""The Timeline tab: quick notes, back-dated notes, corrections, and never losing a note."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from mimdesk.app import open_app
from mimdesk.domain import schema
from mimdesk.domain.clock import format_local
from mimdesk.gui.main import Workspace
from mimdesk.gui.timeline import AUTHOR, KIND, TEXT, TIME, CorrectEntryDialog, EntryRole
from mimdesk.gui.widgets import set_edit_time
from mimdesk.store import sqlite as store_sqlite
from mimdesk.usecases import incidents, timeline

from .conftest import wait_written


def texts(model) -> list[str]:
    return [model.index(row, TEXT).data() for row in range(model.rowCount())]


def type_note(qtbot, window, text: str) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    edit = window.timeline.quick_note.edit
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, text)


def test_ctrl_enter_adds_the_note_to_the_timeline(qtbot, opened, app):
    window = opened.window
    type_note(qtbot, window, "Exchange queues growing on MX2")
    window.timeline.quick_note.kind.setCurrentIndex(
        window.timeline.quick_note.kind.findData("action")
    )
    qtbot.keyClick(
        window.timeline.quick_note.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    model = window.timeline.model
    qtbot.waitUntil(lambda: "Exchange queues growing on MX2" in texts(model))
    row = texts(model).index("Exchange queues growing on MX2")
    assert model.index(row, AUTHOR).data() == "Test Desk"
    assert model.index(row, KIND).data() == "Action"
    assert window.timeline.quick_note.edit.toPlainText() == ""
    assert window.timeline.count_label.text() == f"{model.rowCount()} entries"
    assert model.rowCount() == 2, "the report and the note"
    # A plain Return is a new line in the note, not "add".
    qtbot.keyClicks(window.timeline.quick_note.edit, "line one")
    qtbot.keyClick(window.timeline.quick_note.edit, Qt.Key.Key_Return)
    qtbot.keyClicks(window.timeline.quick_note.edit, "line two")
    wait_written(qtbot, opened)
    assert window.timeline.quick_note.edit.toPlainText() == "line one\nline two"
    assert len(incidents.get(app.ctx, window.current.reference).state.notes) == 1


def test_a_back_dated_note_lands_at_its_time(qtbot, opened, app, clock):
    window = opened.window
    ref = window.current.reference
    timeline.add_note(app.ctx, reference=ref, text="Bridge opened")  # at 09:00
    clock.advance(minutes=30)
    window.refresh()
    note = window.timeline.quick_note
    type_note(qtbot, window, "Users first complained to the desk")
    note.backdate.setChecked(True)
    assert note.when.isEnabled()
    earlier = clock.now - timedelta(hours=2)
    set_edit_time(note.when, earlier)
    qtbot.mouseClick(note.add_button, Qt.MouseButton.LeftButton)

    model = window.timeline.model
    qtbot.waitUntil(lambda: "Users first complained to the desk" in texts(model))
    rows = texts(model)
    assert rows.index("Users first complained to the desk") < rows.index("Bridge opened")
    entry = model.index(rows.index("Users first complained to the desk"), 0).data(EntryRole)
    assert entry.occurred_at == earlier
    assert entry.backdated
    shown = model.index(rows.index("Users first complained to the desk"), TIME).data()
    assert shown == format_local(earlier, date=False)
    assert (
        model.index(rows.index("Users first complained to the desk"), TIME)
        .data(Qt.ItemDataRole.FontRole)
        .italic()
    )
    assert not note.backdate.isChecked(), "the next note is not back-dated by accident"


def test_time_shows_the_date_once_the_incident_spans_days(qtbot, opened, app, clock):
    window = opened.window
    model = window.timeline.model
    assert model.index(0, TIME).data() == format_local(clock.now, date=False)
    clock.advance(days=1)
    timeline.add_note(app.ctx, reference=window.current.reference, text="Next morning")
    window.refresh()
    assert model.index(0, TIME).data() == format_local(clock.now - timedelta(days=1))


def select_text(qtbot, window, text: str) -> None:
    model = window.timeline.model
    qtbot.waitUntil(lambda: text in texts(model))
    window.timeline.table.selectRow(texts(model).index(text))


def test_correct_an_entry_shows_both_wordings(qtbot, opened, app):
    window = opened.window
    timeline.add_note(app.ctx, reference=window.current.reference, text="Restarted MX1")
    window.refresh()
    select_text(qtbot, window, "Restarted MX1")
    assert window.timeline.correct_action.isEnabled()
    dialog = window.timeline.correct_selected()
    assert isinstance(dialog, CorrectEntryDialog)
    dialog.ui.textEdit.setPlainText("Restarted MX2")
    dialog.ui.kindCombo.setCurrentIndex(dialog.ui.kindCombo.findData("action"))
    qtbot.mouseClick(
        dialog.ui.buttonBox.button(dialog.ui.buttonBox.StandardButton.Ok),
        Qt.MouseButton.LeftButton,
    )
    model = window.timeline.model
    qtbot.waitUntil(lambda: "Restarted MX2  (corrected; was: Restarted MX1)" in texts(model))
    assert any(t == "Corrected to: Restarted MX2" for t in texts(model))
    correction_row = texts(model).index("Corrected to: Restarted MX2")
    assert model.index(correction_row, TEXT).data(Qt.ItemDataRole.FontRole).italic()
    # A correction itself cannot be corrected.
    window.timeline.table.selectRow(correction_row)
    assert not window.timeline.correct_action.isEnabled()
    assert window.timeline.correct_selected() is None


def test_withdraw_and_retime_an_entry(qtbot, opened, app, clock):
    window = opened.window
    ref = window.current.reference
    timeline.add_note(app.ctx, reference=ref, text="Wrong incident, sorry")
    clock.advance(minutes=5)
    timeline.add_note(app.ctx, reference=ref, text="Failover started")
    clock.advance(minutes=5)
    window.refresh()

    select_text(qtbot, window, "Wrong incident, sorry")
    dialog = window.timeline.correct_selected()
    dialog.ui.withdrawCheck.setChecked(True)
    assert not dialog.ui.textEdit.isEnabled()
    dialog.submit()
    model = window.timeline.model
    qtbot.waitUntil(lambda: "Wrong incident, sorry  (withdrawn)" in texts(model))
    row = texts(model).index("Wrong incident, sorry  (withdrawn)")
    font: QFont = model.index(row, TEXT).data(Qt.ItemDataRole.FontRole)
    assert font.strikeOut()
    assert model.index(row, TEXT).data(Qt.ItemDataRole.ForegroundRole) is not None

    select_text(qtbot, window, "Failover started")
    dialog = window.timeline.correct_selected()
    dialog.ui.timeCheck.setChecked(True)
    set_edit_time(dialog.ui.timeEdit, clock.now - timedelta(hours=1))
    dialog.submit()
    qtbot.waitUntil(lambda: "Failover started  (corrected)" in texts(model))
    entry = model.index(texts(model).index("Failover started  (corrected)"), 0).data(EntryRole)
    assert entry.occurred_at == clock.now - timedelta(hours=1)


def test_a_correction_that_changes_nothing_is_refused_in_the_dialog(qtbot, opened, app):
    window = opened.window
    timeline.add_note(app.ctx, reference=window.current.reference, text="Vendor called back")
    window.refresh()
    select_text(qtbot, window, "Vendor called back")
    dialog = window.timeline.correct_selected()
    dialog.submit()
    assert dialog.error.isVisible()
    assert "changes nothing" in dialog.error.text()
    dialog.reject()


@pytest.fixture
def quick_lock_app(home, tmp_path, clock, monkeypatch):
    # A locked database answers after the busy timeout; shorten it so the test is quick.
    monkeypatch.setattr(store_sqlite, "BUSY_TIMEOUT_MS", 300)
    application = open_app(db=tmp_path / "locked.sqlite3", now=clock)
    application.set_display_name("Test Desk")
    yield application
    application.close()


def test_note_is_kept_when_the_database_is_locked(qtbot, quick_lock_app):
    app = quick_lock_app
    incidents.report(app.ctx, title="Storage array degraded")
    ws = Workspace(app)
    qtbot.addWidget(ws.window)
    ws.window.show()
    qtbot.waitExposed(ws.window)
    window = ws.window
    note = window.timeline.quick_note
    type_note(qtbot, window, "Controller B failed over to A")

    other = sqlite3.connect(app.database, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        qtbot.keyClick(note.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert note.edit.isReadOnly(), "no typing into a note that is being written"
        qtbot.waitUntil(lambda: note.error.isVisible(), timeout=10_000)
        assert "locked" in note.error.text()
        assert note.edit.toPlainText() == "Controller B failed over to A"
        assert not note.edit.isReadOnly()
        assert "Controller B failed over to A" not in texts(window.timeline.model)
    finally:
        other.execute("ROLLBACK")
        other.close()

    # Once the lock is gone the same keystroke adds it, and only then is the field emptied.
    qtbot.keyClick(note.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Controller B failed over to A" in texts(window.timeline.model))
    assert note.edit.toPlainText() == ""
    assert not note.error.isVisible()
    window.close()
    ws.runner.wait()


def test_closing_with_an_unsaved_note_asks_first(qtbot, opened, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window = opened.window
    window.timeline.quick_note.edit.setPlainText("Half-typed note")
    asked = []

    def answer(*args, **kwargs):
        asked.append(args)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert not window.close()
    assert asked
    assert window.isVisible()
    assert QApplication.activeModalWidget() is None


def test_entries_the_fold_did_not_apply_are_marked(qtbot, opened, app):
    from mimdesk.domain.events import EventType

    window = opened.window
    # Another desk's change that arrived out of order: a candidate cannot be closed.
    stream_id = window.current.stream_id
    app.ctx.log.append(
        [app.ctx.event(stream_id, schema.decode(EventType.STATUS_CHANGED, 1, {"to": "closed"}))]
    )
    window.refresh()
    model = window.timeline.model
    row = next(i for i, t in enumerate(texts(model)) if t.startswith("Not applied"))
    assert "Status: Closed" in model.index(row, TEXT).data()
    assert model.index(row, TEXT).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(row, TEXT).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "Not applied:" in model.index(row, TEXT).data(Qt.ItemDataRole.ToolTipRole)
    assert window.header.status_chip.text() == "Candidate"
