"""Declaring from the dialog reads and folds the incident at most once, and never on the UI
thread (issue 13, point 3).

The work is counted from outside the code under test: every SQL statement through sqlite3's
trace callback, with the thread that ran it, and every fold through a wrapper around the
domain's fold.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import event

from mimdesk.domain import folding
from mimdesk.domain.lifecycle import Status
from mimdesk.usecases import directory, incidents
from tests.gui.conftest import wait_written
from tests.gui.test_declaration_tab import tab_of
from tests.support.statements import FULL_READ


@pytest.fixture
def payments(app):
    """An incident naming a business-critical service, reported before the window opens."""
    directory.save_service(app.ctx, name="Payments", tier=1, revenue=True, users=1200)
    summary, _ = incidents.report(app.ctx, title="Card payments failing", services=["Payments"])
    return summary


def test_declare_from_the_dialog_reads_and_folds_once_off_the_ui_thread(
    qtbot, app, payments, workspace, monkeypatch
) -> None:
    summary = payments
    window = workspace.window
    qtbot.waitUntil(lambda: window.current.stream_id == summary.stream_id, timeout=5000)
    tab = tab_of(window)
    qtbot.mouseClick(tab.declare_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None

    ui_thread = threading.current_thread()
    reads: list[tuple[str, bool]] = []  # (stream id, on the UI thread)
    folds: list[tuple[str, bool]] = []

    def trace(statement: str) -> None:
        found = FULL_READ.search(statement)
        if found:
            reads.append((found.group(2), threading.current_thread() is ui_thread))

    @event.listens_for(app.log.engine, "connect")
    def _trace(dbapi_conn, _record):
        dbapi_conn.set_trace_callback(trace)

    app.log.engine.dispose()  # the pool's next connections are traced

    real_fold = folding.fold

    def counting_fold(events):
        events = list(events)
        folds.append((events[0].stream_id, threading.current_thread() is ui_thread))
        return real_fold(events)

    monkeypatch.setattr(folding, "fold", counting_fold)

    ok = dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)
    qtbot.waitUntil(lambda: tab.dialog is None, timeout=5000)
    qtbot.waitUntil(lambda: window.current.view.state.status is Status.DECLARED, timeout=5000)
    qtbot.wait(200)  # let every view that refreshes on the change do so

    mine = summary.stream_id
    assert len([r for r in reads if r[0] == mine]) <= 1, reads
    assert len([f for f in folds if f[0] == mine]) <= 1, folds
    assert not [r for r in reads if r[1]], "a stream was read on the UI thread"
    assert not [f for f in folds if f[1]], "an incident was folded on the UI thread"
