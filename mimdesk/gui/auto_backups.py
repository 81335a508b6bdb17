"""The window's automatic backups: one soon after it opens, then one a day while it runs.

The copies are taken on the thread pool (a large file takes a second or two), never on the
UI thread; a backup that fails says so in the status bar, and the next hour tries again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from mimdesk.errors import MimDeskError
from mimdesk.usecases import backups

if TYPE_CHECKING:
    from mimdesk.app import App
    from mimdesk.gui.mainwindow import MainWindow
    from mimdesk.gui.tasks import TaskRunner

# After the first paint and the first views: a start is about the window, not the copy.
START_DELAY_MS = 3_000
# How often the window asks whether the day's backup is due.
CHECK_EVERY_MS = 60 * 60 * 1000


class AutomaticBackups(QObject):
    def __init__(self, app: App, runner: TaskRunner, window: MainWindow) -> None:
        super().__init__(window)
        self._app = app
        self._runner = runner
        self._window = window
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.take_daily)
        QTimer.singleShot(START_DELAY_MS, self, self.take_on_start)
        self._timer.start()

    @Slot()
    def take_on_start(self) -> None:
        app = self._app
        self._runner.run(
            lambda: backups.automatic(app.database, app.paths, app.settings, why="start"),
            failed=self._failed,
        )

    @Slot()
    def take_daily(self) -> None:
        app = self._app
        self._runner.run(
            lambda: backups.daily_if_due(app.database, app.paths, app.settings),
            failed=self._failed,
        )

    def stop(self) -> None:
        self._timer.stop()

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, MimDeskError | OSError):
            raise error  # a bug: to the crash dialog, not the status bar
        reason = error.message if isinstance(error, MimDeskError) else (error.strerror or error)
        self._window.statusBar().showMessage(f"The automatic backup failed: {reason}", 30_000)
