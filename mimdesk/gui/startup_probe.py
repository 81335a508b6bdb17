"""The startup benchmark's hook: report the main window's first paint, then quit.

``tests/benchmarks`` starts the app with ``MIMDESK_STARTUP_PROBE=1`` and times it from spawn to
the line this prints; the figures printed here (seconds since the process started, from the
child's side, and the CPU time the process used until then) are cross-checks. Without the
variable, :func:`install` does nothing.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ENV = "MIMDESK_STARTUP_PROBE"


def _seconds_since_process_start() -> float:
    """Best effort, from the child's side; NaN where it cannot be told."""
    if sys.platform.startswith("linux"):
        # psutil's create_time() adds the boot time in whole seconds, so it is off by up to
        # a second here; both numbers below count from boot, in 10 ms ticks.
        try:
            with open("/proc/self/stat", encoding="ascii") as f:
                stat = f.read()
            with open("/proc/uptime", encoding="ascii") as f:
                uptime = float(f.read().split()[0])
            # Field 22 is the start time; the name (field 2) may hold spaces, so count from ")".
            ticks = int(stat.rsplit(")", 1)[1].split()[19])
            return uptime - ticks / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return float("nan")
    try:
        import psutil  # a dev dependency: absent from an installed or frozen app
    except ImportError:
        return float("nan")
    return time.time() - psutil.Process().create_time()


class _FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # The CPU time beside it: unlike the wall time, other busy processes barely move it.
            cpu = time.process_time()
            print(f"first-paint {_seconds_since_process_start():.3f} cpu {cpu:.3f}", flush=True)
            app = QApplication.instance()
            if app is not None:
                # Let this paint finish first: quitting inside the event filter would cut it.
                QTimer.singleShot(0, app.quit)
        return False


def install(window: QWidget) -> None:
    """Call once with the main window, before it is shown."""
    if not os.environ.get(ENV):
        return
    probe = _FirstPaint(window)  # parented to the window, so it lives as long as the window
    window.installEventFilter(probe)
    if not window.isVisible():
        return
    # Shown already: its first paint may be past, so ask for one.
    window.update()
    print("startup probe: installed after show(); install it before", file=sys.stderr)
