"""Adding a note to an open incident of 5,000 entries: the longest time the UI thread is blocked.

The real main window runs in a child process (offscreen where there is no display), opened on
a long incident with the Timeline tab in front. A note goes in as the quick-note box sends it
(text in the field, then its submit), and a heartbeat timer on the UI thread records the longest
gap between its beats from that moment until the new row has been painted, and a short while
after (so that work the add leaves queued behind it counts too). The floor is the same heartbeat
while one row is appended to a bare ``QStandardItemModel`` holding the same entries' texts,
shown in a plain ``QTableView`` of the same columns: what the event loop, a row insert and a
repaint of as much text cost with no app around them.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .common import Figure, Workspace
from .startup import qt_platform
from .store import build_long_incident

TARGET_MS = 50.0
HEARTBEAT_MS = 1
# After the row is painted, how long stragglers (deferred refreshes, queued signals) still count.
TAIL_MS = 300
TIMEOUT_S = 120.0
ROOT = Path(__file__).resolve().parents[2]


def seed(ws: Workspace, name: str, events: int) -> Path:
    app = ws.open(name)
    try:
        build_long_incident(app.ctx, events)
        return app.database
    finally:
        app.close()


# ---- in the child ---------------------------------------------------------------------------


def child(db: str, notes: int) -> int:
    """Print ``floor-stall MS``, then ``note-stall MS LATENCY_MS`` once per note."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QHeaderView, QTableView

    from mimdesk.app import open_app
    from mimdesk.gui.main import Workspace as GuiWorkspace
    from mimdesk.gui.main import application
    from mimdesk.usecases import incidents

    qapp = application()

    class Heartbeat(QObject):
        """A timer on the UI thread; the longest gap between two beats is the longest stall."""

        def __init__(self) -> None:
            super().__init__()
            self.timer = QTimer(self)
            self.timer.setTimerType(Qt.TimerType.PreciseTimer)
            self.timer.setInterval(HEARTBEAT_MS)
            self.timer.timeout.connect(self.beat)
            self.last = time.perf_counter()
            self.longest = 0.0
            self.timer.start()

        def beat(self) -> None:
            now = time.perf_counter()
            self.longest = max(self.longest, now - self.last)
            self.last = now

        def restart(self) -> None:
            self.last = time.perf_counter()
            self.longest = 0.0

    class Painted(QObject):
        """Notes the time of the first paint of a viewport after :meth:`arm`."""

        def __init__(self, viewport: QObject) -> None:
            super().__init__()
            self.at: float | None = None
            self.armed = False
            viewport.installEventFilter(self)

        def arm(self) -> None:
            self.armed, self.at = True, None

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if self.armed and self.at is None and event.type() == QEvent.Type.Paint:
                self.at = time.perf_counter()
            return False

    def run_until(done: Callable[[], bool], timeout_s: float = TIMEOUT_S) -> bool:
        """Run the event loop until ``done()``, checked every few ms."""
        loop = QEventLoop()
        deadline = time.perf_counter() + timeout_s
        check = QTimer()
        check.setInterval(2)

        def poll() -> None:
            if done() or time.perf_counter() > deadline:
                loop.quit()

        check.timeout.connect(poll)
        check.start()
        loop.exec()
        check.stop()
        return done()

    def settle(ms: int) -> None:
        end = time.perf_counter() + ms / 1000
        run_until(lambda: time.perf_counter() >= end)

    heart = Heartbeat()

    # The floor: the same entries' texts in a bare model and table, one row appended.
    rows = open_app(db=db, env=os.environ)
    try:
        shown = incidents.view(rows.ctx, incidents.list_incidents(rows.ctx)[0].stream_id)
    finally:
        rows.close()
    bare = QStandardItemModel(0, 4)
    for entry in shown.timeline:
        cells = (entry.occurred_at.strftime("%H:%M"), entry.author.name, entry.kind, entry.text)
        bare.appendRow([QStandardItem(text) for text in cells])
    view = QTableView()
    view.setWordWrap(True)
    view.setModel(bare)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
    view.resize(1000, 600)
    view.show()
    painted = Painted(view.viewport())
    settle(500)
    floors = []
    for i in range(notes):
        settle(100)
        painted.arm()
        heart.restart()
        cells = ("12:00", "Benchmark", "observation", f"Benchmark note {i}: a new entry")
        bare.appendRow([QStandardItem(text) for text in cells])
        view.scrollToBottom()
        run_until(lambda: painted.at is not None)
        settle(TAIL_MS)
        floors.append(heart.longest)
    view.close()
    print(f"floor-stall {statistics.median(floors) * 1000:.3f}", flush=True)

    # The app: the real window on the long incident, the Timeline in front.
    gui = GuiWorkspace(open_app(db=db, env=os.environ))
    window = gui.window
    window.show()
    window.tabs.setCurrentWidget(window.timeline)
    timeline = window.timeline
    painted = Painted(timeline.table.viewport())
    # The paint that counts is the first one after the row is in the model.
    timeline.model.rowsInserted.connect(lambda *_: painted.arm())
    if not run_until(lambda: timeline.model.rowCount() > 0 and not gui.runner.busy):
        print("failed the incident did not open", flush=True)
        return 1
    settle(1000)
    for i in range(notes):
        settle(200)
        before = timeline.model.rowCount()
        note = timeline.quick_note
        note.edit.setPlainText(f"Benchmark note {i}: restarted the queue workers on MX{i}")
        painted.arm()
        heart.restart()
        started = time.perf_counter()
        note.submit()
        shown = run_until(
            lambda before=before: timeline.model.rowCount() > before and painted.at is not None
        )
        if not shown or painted.at is None:
            print("failed the note was not shown", flush=True)
            return 1
        latency = painted.at - started
        settle(TAIL_MS)
        run_until(lambda: not gui.runner.busy)
        print(f"note-stall {heart.longest * 1000:.3f} {latency * 1000:.3f}", flush=True)
    window.timeline.quick_note.edit.clear()
    window.close()
    gui.close()
    qapp.quit()
    return 0


# ---- in the harness ---------------------------------------------------------------------------


def bench_note(ws: Workspace, events: int = 5_000, notes: int = 5) -> list[Figure]:
    name = f"add a note, {events:,} entries: UI stall"
    db = seed(ws, "note.sqlite3", events)
    env = dict(ws.env)
    platform = qt_platform()
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    command = [sys.executable, "-m", "tests.benchmarks.bench_gui_note", str(db), str(notes)]
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S * 3
        )
    except subprocess.TimeoutExpired:
        return [Figure(name, "ms", None, target=TARGET_MS, note="the window did not finish")]
    floor: float | None = None
    stalls: list[float] = []
    latencies: list[float] = []
    for line in done.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["floor-stall"]:
            floor = float(parts[1])
        elif parts[:1] == ["note-stall"]:
            stalls.append(float(parts[1]))
            latencies.append(float(parts[2]))
    if not stalls:
        tail = (done.stderr.strip().splitlines() or done.stdout.splitlines() or ["no output"])[-1]
        why = f"not available: the child failed (exit {done.returncode}): {tail}"
        return [Figure(name, "ms", None, floor, TARGET_MS, why)]
    note = (
        f"longest gap of a {HEARTBEAT_MS} ms UI-thread heartbeat from the quick note's submit "
        f"until the row is painted and {TAIL_MS} ms after, median of {len(stalls)} notes "
        f"(each: {', '.join(f'{s:.0f}' for s in stalls)} ms); submit to the row painted "
        f"{statistics.median(latencies):.0f} ms; Qt platform {platform or 'native'}; floor: one "
        "row appended to a bare QStandardItemModel of the same texts in a QTableView"
    )
    return [Figure(name, "ms", statistics.median(stalls), floor, TARGET_MS, note)]


if __name__ == "__main__":
    sys.exit(child(sys.argv[1], int(sys.argv[2])))
