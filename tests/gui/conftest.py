"""GUI fixtures: a main window over the test database, with the fake clock as its UI clock.

Tests run offscreen (tests/conftest.py sets QT_QPA_PLATFORM before Qt loads) and wait with
``qtbot.waitUntil``/``waitSignal``: writes run on the task runner's write lane, so a test
waits for what the user would see rather than sleeping.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from mimdesk.app import App
from mimdesk.gui.main import Workspace, application
from mimdesk.gui.mainwindow import MainWindow
from mimdesk.usecases import incidents

GUI_DIR = Path(__file__).parent

# The offscreen platform cannot resize native windows to hints; harmless, and not ours.
OFFSCREEN_NOISE = "propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if GUI_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.gui)
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture
def workspace(qtbot, app: App) -> Iterator[Workspace]:
    application()  # names, Fusion and the palette, as run_gui sets them
    ws = Workspace(app)
    # Not qtbot.addWidget: pytest-qt would close the window before the note is cleared below.
    ws.window.show()
    qtbot.waitExposed(ws.window)
    yield ws
    # A test may leave typed text behind (that is what some check); closing would ask.
    ws.window.timeline.quick_note.edit.clear()
    ws.window.unsaved_work = list  # type: ignore[method-assign]
    ws.window.close()
    ws.clock.stop()
    ws.runner.wait()
    # Dialogs the test left open go with their window, not into the next test.
    ws.window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(workspace: Workspace) -> MainWindow:
    return workspace.window


@pytest.fixture
def reported(app: App):
    """One incident, reported before the window opens (so the window opens on it)."""
    summary, _changes = incidents.report(
        app.ctx, title="E-mail down for all staff", impact="Nobody can send mail", severity="SEV1"
    )
    return summary


def clock_text(window: MainWindow, name: str) -> str:
    """The elapsed time an incident clock in the header shows ("reported", "declared",
    "mitigated"), without its "(stopped)" or target."""
    text = window.countdowns.gauges[name].value.text()
    return re.split(r" \(| ·", text)[0]


def wait_written(qtbot, ws: Workspace) -> None:
    """Wait until the write lane has delivered every result."""
    qtbot.waitUntil(lambda: not ws.runner.busy, timeout=10_000)


@pytest.fixture
def opened(reported, workspace: Workspace) -> Workspace:
    """The window, opened on the incident of ``reported``."""
    assert workspace.window.current.reference == reported.reference
    return workspace
