"""The database file swapped underneath the window: the note is not taken, nor lost.

Before the file guard the note was acknowledged (and the field cleared) into the old file's
-wal, which then overwrote the file copied in its place.
"""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from mimdesk.app import open_app
from mimdesk.errors import DatabaseSwapped
from mimdesk.usecases import incidents

from .conftest import wait_written


def test_a_note_typed_after_the_file_was_copied_over_stays_typed_and_says_why(
    qtbot, opened, app, tmp_path
):
    other_path = tmp_path / "other.sqlite3"
    other = open_app(db=other_path)
    incidents.report(other.ctx, title="The other desk's incident")
    other.close()
    shutil.copyfile(other_path, app.database)  # a sync client writing into the open file
    copied = app.database.read_bytes()

    # A laptop's screen: the message is longer than the room the note's pane has there.
    opened.window.resize(1366, 768)
    opened.window.show()
    qtbot.waitExposed(opened.window)
    opened.window.tabs.setCurrentWidget(opened.window.timeline)
    note = opened.window.timeline.quick_note
    note.edit.setPlainText("Exchange queues growing on MX2")
    qtbot.mouseClick(note.add_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)

    # Shown in the note's panel (whichever tab is in front).
    qtbot.waitUntil(lambda: note.error.isVisibleTo(note))
    assert (
        f"The database file {app.database} was replaced or moved by another program; "
        "MIM Desk stopped writing to it." in note.error.text()
    )
    assert "Your note is kept here." in note.error.text()
    # The long message is read whole: its pane grows until the label is not clipped.
    qtbot.waitUntil(lambda: note.error.height() >= note.error.heightForWidth(note.error.width()))
    assert note.edit.toPlainText() == "Exchange queues growing on MX2"
    assert not note.edit.isReadOnly()
    assert app.database.read_bytes() == copied


def test_after_a_swap_the_window_opens_no_other_database_in_this_process(
    qtbot, home, tmp_path, app, monkeypatch
):
    """This process still holds the swapped file's -wal and -shm: a new start is clean."""
    from PySide6.QtWidgets import QMessageBox

    from mimdesk.gui import startup
    from mimdesk.gui.main import Session, application

    asked: list[object] = []
    monkeypatch.setattr(
        startup, "ask_open_path", lambda parent, start: asked.append(start) or tmp_path / "x"
    )
    session = Session(application())
    session._show(app)
    first = session.workspace
    try:
        (tmp_path / "elsewhere").mkdir()
        app.database.rename(tmp_path / "elsewhere" / app.database.name)
        with pytest.raises(DatabaseSwapped):  # any write notices the move
            incidents.report(app.ctx, title="After the move")
        assert app.swapped() == "moved"

        first.window.open_db_action.trigger()
        qtbot.waitUntil(lambda: first.window.findChild(QMessageBox, "errorBox") is not None)
        box = first.window.findChild(QMessageBox, "errorBox")
        assert box.text() == f"{app.database} was replaced or moved while it was open."
        assert box.informativeText() == (
            "Quit MIM Desk and start it again, then open the database you want."
        )
        box.accept()
        assert asked == []
        assert session.workspace is first
    finally:
        session.close()
