"""Start-up: a database that cannot be opened, the crash dialog, the first run."""

from __future__ import annotations

import sqlite3
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from mimdesk.app import open_app
from mimdesk.errors import DatabaseLocked, NotADatabase
from mimdesk.gui import firstrun, startup
from mimdesk.gui.crash import CrashDialog, ExceptHook
from mimdesk.gui.dialogs import FirstRunDialog
from mimdesk.gui.main import EXIT_NO_DATABASE, run_gui
from mimdesk.gui.startup import Choice, DatabaseErrorDialog, recover
from mimdesk.store import sqlite as store_sqlite
from mimdesk.usecases import directory

GARBAGE = b"this is a spreadsheet, not a database\n" * 100


def when_modal(cls, act):
    """Run ``act(dialog)`` once a modal ``cls`` is showing (exec() blocks the test)."""
    seen = []

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, cls) and widget.isVisible():
            seen.append(widget)
            act(widget)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def test_a_file_that_is_no_database_shows_the_dialog_and_stays_untouched(qtbot, home, tmp_path):
    bad = tmp_path / "notes.sqlite3"
    bad.write_bytes(GARBAGE)
    offered = []

    def read_and_quit(dialog: DatabaseErrorDialog) -> None:
        offered.extend(
            b.text().replace("&", "")
            for b in (dialog.ui.openButton, dialog.ui.createButton, dialog.ui.quitButton)
            if b.isVisible()
        )
        dialog.ui.quitButton.click()

    shown = when_modal(DatabaseErrorDialog, read_and_quit)
    assert run_gui(db=str(bad)) == EXIT_NO_DATABASE
    dialog = shown[0]
    assert "not a MIM Desk database" in dialog.ui.messageLabel.text()
    assert dialog.ui.hintLabel.text()
    assert offered == ["Open another database…", "Create a new database…", "Quit"]
    assert bad.read_bytes() == GARBAGE
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes")) == [
        "notes.sqlite3"
    ]


def test_a_damaged_database_shows_the_dialog(qtbot, home, tmp_path):
    path = tmp_path / "damaged.sqlite3"
    app = open_app(db=path)
    app.close()
    data = bytearray(path.read_bytes())
    data[120:4000] = b"\xff" * (4000 - 120)  # trample the schema page
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    shown = when_modal(DatabaseErrorDialog, lambda d: d.ui.quitButton.click())
    assert run_gui(db=str(path)) == EXIT_NO_DATABASE
    assert shown, "the dialog was shown"
    assert path.read_bytes() == before


def test_a_locked_database_shows_the_dialog(qtbot, home, tmp_path, monkeypatch):
    monkeypatch.setattr(store_sqlite, "CHECK_TIMEOUT_S", 0.2)
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")  # another program holds it, as a crashed tool might
    try:
        errors = []
        choice = recover(path, lambda p: open_app(db=p), choose=lambda e: errors.append(e) or 0)
        assert choice is None
        assert isinstance(errors[0], DatabaseLocked)
        shown = when_modal(DatabaseErrorDialog, lambda d: d.ui.quitButton.click())
        assert run_gui(db=str(path)) == EXIT_NO_DATABASE
        assert "locked" in shown[0].ui.messageLabel.text()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_open_another_database_from_the_dialog(qtbot, home, tmp_path, monkeypatch):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(GARBAGE)
    good = tmp_path / "good.sqlite3"
    monkeypatch.setattr(startup, "ask_open_path", lambda parent, start: good)
    when_modal(DatabaseErrorDialog, lambda d: d.ui.openButton.click())
    app = recover(bad, lambda p: open_app(db=p))
    try:
        assert app is not None
        assert app.database == good
    finally:
        app.close()
    assert bad.read_bytes() == GARBAGE


def test_create_a_new_database_from_the_dialog(qtbot, home, tmp_path, monkeypatch):
    errors = [NotADatabase(tmp_path / "x", "x is not a database.", "Open another.")]
    made = tmp_path / "new" / "fresh"
    made.parent.mkdir()
    monkeypatch.setattr(startup, "ask_new_path", lambda parent, start: made.with_suffix(".sqlite3"))
    calls = []

    def opener(target):
        calls.append(target)
        if errors:
            raise errors.pop()
        return open_app(db=target)

    app = recover(None, opener, choose=lambda e: Choice.CREATE)
    try:
        assert app.database == made.with_suffix(".sqlite3")
        assert app.database.exists()
    finally:
        app.close()


def test_crash_dialog_shows_the_traceback(qtbot, monkeypatch):
    hook = ExceptHook()
    monkeypatch.setattr(sys, "excepthook", hook)
    shown = when_modal(CrashDialog, lambda d: d.ui.continueButton.click())
    try:
        raise RuntimeError("widget exploded")
    except RuntimeError:
        hook(*sys.exc_info())
    dialog = shown[0]
    details = dialog.ui.detailsEdit.toPlainText()
    assert "RuntimeError: widget exploded" in details
    assert "MIM Desk" in details
    assert not dialog.quit_requested


def test_first_run_asks_the_name_prefilled_with_the_login(qtbot):
    dialog = FirstRunDialog("sjones", demo_available=True)
    assert dialog.ui.nameEdit.text() == "sjones"
    assert dialog.ok_button.isEnabled()
    dialog.ui.nameEdit.setText("  Sam   Jones ")
    assert dialog.name == "Sam Jones"
    dialog.ui.nameEdit.clear()
    assert not dialog.ok_button.isEnabled()
    dialog.ui.demoCheck.setChecked(True)
    assert dialog.wants_demo
    no_demo = FirstRunDialog("sjones", demo_available=False)
    no_demo.ui.demoCheck.setChecked(True)
    assert not no_demo.wants_demo


def test_first_run_saves_the_name(qtbot, home, tmp_path, monkeypatch):
    app = open_app(db=tmp_path / "first.sqlite3")
    try:
        assert firstrun.needs_first_run(app)

        def fill(dialog: FirstRunDialog) -> None:
            dialog.ui.nameEdit.setText("Sam Jones")
            dialog.ui.demoCheck.setChecked(True)
            dialog.ok_button.click()

        when_modal(FirstRunDialog, fill)
        assert firstrun.ask_name(app) is True
        assert app.ctx.author.name == "Sam Jones"
        assert not firstrun.needs_first_run(app)
        # This account is Sam Jones in the directory now (issue 14, point 2).
        sam = directory.directory(app.ctx).person_of_account(app.ctx.author.login)
        assert sam is not None and sam.name == "Sam Jones"
    finally:
        app.close()
    again = open_app(db=tmp_path / "first.sqlite3")
    assert again.settings.display_name == "Sam Jones"
    again.close()


def test_demo_incidents_load_in_the_background(qtbot, workspace):
    window = workspace.window
    assert firstrun.demo_loader() is not None
    loaded = []
    progress = firstrun.load_demo(
        workspace.app, workspace.runner, workspace.hub, window, done=loaded.append
    )
    assert progress is not None and progress.isVisible()
    qtbot.waitUntil(lambda: bool(loaded), timeout=20_000)
    assert progress.maximum() > 0, "the loader reported its progress"
    assert not progress.isVisible()
    window.incident_list.set_filter("all")
    references = {
        window.incident_list.proxy.index(r, 0).data()
        for r in range(window.incident_list.proxy.rowCount())
    }
    assert set(loaded[0]) <= references


def test_without_demo_data_the_option_is_off(monkeypatch, workspace):
    def missing(name: str):
        raise ImportError(name)

    monkeypatch.setattr(firstrun.importlib, "import_module", missing)
    assert firstrun.demo_loader() is None
    assert firstrun.load_demo(workspace.app, workspace.runner, workspace.hub) is None


def test_the_cli_gui_command_runs_it(monkeypatch):
    from mimdesk import cli
    from mimdesk.gui import main

    called = []
    monkeypatch.setattr(main, "run_gui", lambda db=None: called.append(db) or 0)
    assert cli.main(["--db", "x.sqlite3", "gui"]) == 0
    assert called == ["x.sqlite3"]


def test_run_gui_first_start_to_quit(qtbot, home, tmp_path):
    from mimdesk.gui.mainwindow import MainWindow

    path = tmp_path / "fresh.sqlite3"

    def fill(dialog: FirstRunDialog) -> None:
        dialog.ui.nameEdit.setText("Robin Park")
        dialog.ok_button.click()

    when_modal(FirstRunDialog, fill)
    windows = []
    before = set(QApplication.topLevelWidgets())

    def close_when_shown() -> None:
        found = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible() and w not in before
        ]
        if found:
            windows.append(found[0].windowTitle())
            found[0].close()
        else:
            QTimer.singleShot(20, close_when_shown)

    QTimer.singleShot(0, close_when_shown)
    assert run_gui(db=str(path)) == 0
    assert windows == ["MIM Desk"]
    assert QApplication.applicationName() == "MIM Desk"
    assert QApplication.organizationName() == "MIMDesk"
    assert path.exists()
    again = open_app(db=path)
    assert again.settings.display_name == "Robin Park"
    again.close()


def test_a_first_run_on_someone_elses_account_is_told(qtbot, home, tmp_path):
    """The directory gives this account to Ben; a first run naming Ana keeps it Ben's and
    says so before the window opens."""
    from PySide6.QtWidgets import QMessageBox

    app = open_app(db=tmp_path / "first.sqlite3")
    try:
        directory.save_person(app.ctx, name="Ben Okafor", accounts=[app.ctx.author.login])

        def fill(dialog: FirstRunDialog) -> None:
            dialog.ui.nameEdit.setText("Ana Costa")
            dialog.ok_button.click()

        when_modal(FirstRunDialog, fill)
        told = when_modal(QMessageBox, lambda box: box.accept())
        firstrun.ask_name(app)
        assert told and "gives the account" in told[0].text() and "Ben Okafor" in told[0].text()
        owner = directory.directory(app.ctx).person_of_account(app.ctx.author.login)
        assert owner is not None and owner.name == "Ben Okafor"
    finally:
        app.close()
