"""The window's automatic backups: one soon after it opens, then one a day while it runs.

The copies are taken on the thread pool (a large file takes a second or two), never on the
UI thread; a backup that fails says so in the status bar, and the next hour tries again.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from mimdesk.errors import MimDeskError
from mimdesk.usecases import backups

if TYPE_CHECKING:
    from mimdesk.app import App
    from mimdesk.gui.mainwindow import MainWindow
    from mimdesk.gui.tasks import TaskRunner
    from mimdesk.gui.uiclock import UiClock

# After the first paint and the first views: a start is about the window, not the copy.
START_DELAY_S = 3.0
# How often the window asks whether the day's backup is due.
CHECK_EVERY_S = 60 * 60.0


class AutomaticBackups(QObject):
    """Driven by the window's one clock (gui.uiclock), as every display is; measured on the
    monotonic clock, so that a clock moved by hand (or by a test) changes nothing."""

    def __init__(self, app: App, runner: TaskRunner, window: MainWindow, clock: UiClock) -> None:
        super().__init__(window)
        self._app = app
        self._runner = runner
        self._window = window
        self._clock = clock
        self._opened = self._checked = time.monotonic()
        self._started = False
        clock.tick.connect(self._on_tick)

    @Slot(object)
    def _on_tick(self, _now: object) -> None:
        moment = time.monotonic()
        if not self._started:
            if moment - self._opened >= START_DELAY_S:
                self._started, self._checked = True, moment
                self.take_on_start()
        elif moment - self._checked >= CHECK_EVERY_S:
            self._checked = moment
            self.take_daily()

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
        self._clock.tick.disconnect(self._on_tick)

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, MimDeskError):
            raise error  # a bug: to the crash dialog, not the status bar
        self._window.statusBar().showMessage(
            f"The automatic backup failed: {error.message}", 30_000
        )
