"""Starting the GUI: the Qt application, the database, the first run, the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

# The store (SQLAlchemy) and the sync, which the window needs before its first paint, are
# imported before Qt: once PySide6 is loaded, its import hook reads the source of every module
# imported after it (looking for ``from __feature__``), about 0.2 s of start-up for SQLAlchemy.
import mimdesk.app
import mimdesk.sync  # noqa: F401
from mimdesk import exitcodes

# isort: split
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from mimdesk.gui import theme
from mimdesk.gui.app_icon import app_icon
from mimdesk.gui.crash import EXIT_CRASH, install_excepthook

if TYPE_CHECKING:
    from mimdesk.app import App
    from mimdesk.gui.single_instance import InstanceLock

EXIT_NO_DATABASE = exitcodes.USER_ERROR
# Another window had the database open and came to the front: nothing is left to do here.
EXIT_HANDED_OVER = 0

APP_NAME = "MIM Desk"
ORG_NAME = "MIMDesk"


class DeskApplication(QApplication):
    """The QApplication, which also hears of the files the system hands over: macOS sends a
    double-clicked document as an event to the running app, not as an argument.

    Signals:
    file_open_requested(str): the path of a file the system asked the app to open.
    """

    file_open_requested = Signal(str)

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QFileOpenEvent) and event.file():
            self.file_open_requested.emit(event.file())
            return True
        return super().event(event)


def application() -> QApplication:
    """The one QApplication, created with MIM Desk's names, icon, Fusion style and palette."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        QApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = DeskApplication(sys.argv[:1])
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(ORG_NAME)
    QApplication.setApplicationDisplayName(APP_NAME)
    # Every window and dialog inherits it; without it the platform shows a generic one.
    app.setWindowIcon(app_icon())
    theme.apply_theme(app, "system")
    return app


class Workspace:
    """Everything built over one open database: the runner, the hub, the clock, the window."""

    def __init__(self, app: App) -> None:
        from mimdesk.gui import sync_status
        from mimdesk.gui.auto_backups import AutomaticBackups
        from mimdesk.gui.changes import ChangeHub
        from mimdesk.gui.mainwindow import MainWindow
        from mimdesk.gui.tasks import TaskRunner
        from mimdesk.gui.uiclock import UiClock

        self.app = app
        self.runner = TaskRunner()
        self.hub = ChangeHub()
        self.clock = UiClock(app.ctx.now)
        self.window = MainWindow(app, runner=self.runner, hub=self.hub, clock=self.clock)
        # Shares through the shared database, if one is set; never waits on the network.
        self.sync = sync_status.install(app, self.window, self.hub, self.clock)
        self.backups = AutomaticBackups(app, self.runner, self.window, self.clock)

    def close(self) -> None:
        self.sync.stop()  # before the database closes
        self.backups.stop()
        self.clock.stop()
        self.runner.wait()
        self.app.close()


class Session(QObject):
    """Runs the window over a database, and switches databases when asked."""

    def __init__(self, qapp: QApplication) -> None:
        super().__init__()
        self.qapp = qapp
        self.workspace: Workspace | None = None
        # The hold on the open database file: one window per file (see single_instance).
        self.instance: InstanceLock | None = None
        self._following_system = False
        self._switching = False
        self.running = False
        # Files handed to the app before a window was open to import them into.
        self.pending: list[Path] = []
        if isinstance(qapp, DeskApplication):
            qapp.file_open_requested.connect(self.offer_file)

    @Slot(str)
    def offer_file(self, path: str | Path) -> None:
        """Offer to import an incident file handed to the app (a command line argument, or a
        double-click the system passed on), in the open window or in the next one."""
        if self.workspace is None:
            self.pending.append(Path(path))
            return
        self.workspace.window.export_actions.offer_import(Path(path))

    def open(self, db: str | Path | None) -> bool:
        """Open the window over ``db``; False when the person quits instead.

        Raises :class:`mimdesk.gui.single_instance.HandedOver` when another window has the
        database open and came to the front.
        """
        from mimdesk.gui.startup import recover

        app = recover(db, self._open_held)
        if app is None:
            return False
        self._show(app)
        return True

    def _open_held(self, db: str | Path | None) -> App:
        """Hold the database file, then open it: never two windows (two outbox workers) on
        one file."""
        from mimdesk.app import locate_database, open_app
        from mimdesk.errors import DatabaseInUse
        from mimdesk.gui import single_instance

        paths, database = locate_database(db)
        # A file to import goes with the request to a window that already has the database.
        hand_over = self.pending[0] if self.pending else None
        try:
            lock = single_instance.claim(
                database, paths.data_dir / single_instance.LOCK_FOLDER, hand_over=hand_over
            )
        except DatabaseInUse as error:
            # Also for whoever started it from a terminal or a script.
            print(f"mimdesk: {error}", file=sys.stderr)
            raise
        try:
            app = open_app(db=database)
        except BaseException:
            lock.release()
            raise
        self._hold(lock)
        return app

    def _hold(self, lock: InstanceLock) -> None:
        if self.instance is not None:
            self.instance.release()
        self.instance = lock
        lock.raise_requested.connect(self._bring_forward)
        lock.open_requested.connect(self._handed_file)

    @Slot(str)
    def _handed_file(self, path: str) -> None:
        """Another start on this database handed over an incident file (a double-click while
        the app runs): offer to import it here."""
        print(f"mimdesk: another start handed over {path} to import", file=sys.stderr)
        self.offer_file(path)

    @Slot()
    def _bring_forward(self) -> None:
        """Another start on this database asked for the window."""
        window = self.workspace.window if self.workspace is not None else None
        for widget in (window, QApplication.activeModalWidget()):
            if widget is None:
                continue
            if widget.isMinimized():
                widget.showNormal()
            widget.raise_()
            widget.activateWindow()
        database = self.instance.database if self.instance is not None else "the database"
        print(f"mimdesk: another start on {database} brought this window forward", file=sys.stderr)

    def _show(self, app: App) -> None:
        from mimdesk.gui import firstrun, startup_probe

        theme.apply_theme(self.qapp, app.settings.theme)
        if not self._following_system:
            self._following_system = theme.follow_system(self.qapp, app.settings.theme)
        wants_demo = False
        if firstrun.needs_first_run(app):
            wants_demo = firstrun.ask_name(app)
        workspace = Workspace(app)
        window = workspace.window
        window.open_database_requested.connect(self.open_other)
        window.new_database_requested.connect(self.create_other)
        window.closed.connect(self._on_closed)
        startup_probe.install(window)
        window.show()
        self.workspace = workspace
        for warning in app.settings.warnings:
            window.statusBar().showMessage(warning, 15000)
        if app.backup:
            window.statusBar().showMessage(
                f"The database was upgraded; the copy from before is {app.backup}", 15000
            )
        if wants_demo:
            firstrun.load_demo(app, workspace.runner, workspace.hub, window, done=window.open_first)
        pending, self.pending = self.pending, []
        for path in pending:
            window.export_actions.offer_import(path)

    @Slot()
    def open_other(self) -> None:
        self._switch(create=False)

    @Slot()
    def create_other(self) -> None:
        self._switch(create=True)

    def _switch(self, *, create: bool) -> None:
        from mimdesk.app import locate_database, open_app
        from mimdesk.errors import DatabaseError, MimDeskError
        from mimdesk.gui import single_instance
        from mimdesk.gui.startup import ask_new_path, ask_open_path, start_folder
        from mimdesk.gui.widgets import show_error

        old = self.workspace
        if old is None:
            return
        window = old.window
        if old.app.swapped() is not None:
            # This process still holds the swapped file's -wal and -shm open; SQLite here
            # could mix them into whatever it opens next at that path (or at the file's new
            # place). A new process starts clean.
            show_error(
                window,
                "Restart to go on",
                MimDeskError(
                    f"{old.app.database} was replaced or moved while it was open.",
                    "Quit MIM Desk and start it again, then open the database you want.",
                ),
            )
            return
        folder = start_folder(old.app.database)
        path = (
            ask_new_path(window, folder / "mimdesk.sqlite3")
            if create
            else ask_open_path(window, folder)
        )
        if path is None:
            return
        paths, database = locate_database(path)
        if _same_file(database, old.app.database):
            show_error(
                window,
                "Already open",
                MimDeskError(f"{database} is the database open in this window.", ""),
            )
            return
        try:
            lock = single_instance.claim(database, paths.data_dir / single_instance.LOCK_FOLDER)
        except single_instance.HandedOver:
            show_error(
                window,
                "Open in another window",
                MimDeskError(
                    f"{database} is open in another MIM Desk window.",
                    "That window was brought to the front.",
                ),
            )
            return
        except DatabaseError as error:
            show_error(window, "Cannot open the database", error)
            return
        try:
            app = open_app(db=database)
        except DatabaseError as error:
            lock.release()
            # The database in use stays open; nothing is lost by a failed switch.
            show_error(window, "Cannot open the database", error)
            return
        self._switching = True
        try:
            kept_open = not window.close()
        finally:
            self._switching = False
        if kept_open:
            app.close()
            lock.release()
            return
        old.close()
        window.deleteLater()
        # Only now the old file goes: its outbox worker has stopped with its workspace.
        self._hold(lock)
        self._show(app)

    @Slot()
    def _on_closed(self) -> None:
        # Quitting is explicit: a stray top-level window (a tool dialog) must not keep the
        # process alive with its database open after the main window is gone.
        # exit(), not quit(): quit() posts an event that outlives the loop it was meant for;
        # and only while the loop runs, as exit() outside one stops the next loop at once.
        if self.running and not self._switching:
            QCoreApplication.exit(0)

    def close(self) -> None:
        if self.workspace is not None:
            window = self.workspace.window
            self.workspace.close()
            window.hide()
            window.deleteLater()
            self.workspace = None
        if self.instance is not None:
            self.instance.release()
            self.instance = None


def _same_file(a: Path, b: Path) -> bool:
    return os.path.normcase(str(a.expanduser().resolve())) == os.path.normcase(
        str(b.expanduser().resolve())
    )


def run_gui(db: str | None = None, open_file: str | Path | None = None) -> int:
    """Open the window over ``db`` (or the configured database); returns the exit code.

    With ``open_file`` (``mimdesk FILE.mimdesk``), the window then offers to import it."""
    from mimdesk.gui.single_instance import HandedOver

    qapp = application()
    install_excepthook()
    session = Session(qapp)
    if open_file is not None:
        session.offer_file(open_file)
    try:
        if not session.open(db):
            return EXIT_NO_DATABASE
    except HandedOver as handed:
        print(
            f"mimdesk: {handed.database} is open in another MIM Desk window; "
            "brought that window to the front.",
            file=sys.stderr,
        )
        if open_file is not None:
            print(f"mimdesk: {open_file} was handed to that window to import.", file=sys.stderr)
        session.close()
        return EXIT_HANDED_OVER
    except Exception:
        # Before the event loop runs the hook is not called by Qt: show the dialog here.
        exc_type, exc, tb = sys.exc_info()
        assert exc_type is not None and exc is not None
        sys.excepthook(exc_type, exc, tb)
        session.close()
        return EXIT_CRASH
    # The session quits when the main window closes; Qt's own rule would also count dialogs.
    qapp.setQuitOnLastWindowClosed(False)
    session.running = True
    try:
        return qapp.exec()
    finally:
        session.running = False
        session.close()
        # None (nullptr) drops the Quit events posted to every receiver; the stubs omit it.
        QCoreApplication.removePostedEvents(None, QEvent.Type.Quit)  # type: ignore[arg-type]
