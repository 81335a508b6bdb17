"""The UI clock: one timer for every ticking display.

Clocks on screen are computed from stored timestamps and ``now`` (DESIGN.md, "Time is an
argument"); this object supplies ``now`` once a second. Tests give it their fake clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from mimdesk.gui.signals import emit

# A few milliseconds past the second, so a display never shows the previous second twice.
_MARGIN_MS = 5


class UiClock(QObject):
    """Signals:
    tick(datetime): the current time, just after each second starts.
    """

    tick = Signal(object)

    def __init__(self, now: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timeout)

    def now(self) -> datetime:
        return self._now()

    def start(self) -> None:
        self._on_timeout()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @Slot()
    def _on_timeout(self) -> None:
        now = self._now()
        emit(self.tick, now)
        # Re-armed each time so that the ticks stay aligned with the wall-clock second.
        self._timer.start(1000 - now.microsecond // 1000 + _MARGIN_MS)
