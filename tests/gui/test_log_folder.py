"""Help › Open log folder, and a Qt slot's error reaching the log as well as the crash dialog."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from mimdesk.gui import log_folder
from mimdesk.gui.crash import CrashDialog, ExceptHook
from mimdesk.gui.mainwindow import MainWindow
from tests.gui.test_startup import when_modal


def _help_action(window: MainWindow, text: str):
    (help_menu,) = [
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Help"
    ]
    found = [a for a in help_menu.actions() if a.text().replace("&", "") == text]
    assert found, [a.text() for a in help_menu.actions()]
    return found[0]


def test_help_opens_the_log_folder(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(log_folder, "open_folder", lambda folder: opened.append(folder) or True)
    _help_action(window, "Open log folder").trigger()
    assert opened == [window.app.paths.logs]
    assert opened[0].is_dir()  # made, if nothing was logged yet


def test_a_folder_no_file_manager_opens_is_named_to_the_person(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log_folder, "open_folder", lambda folder: False)
    _help_action(window, "Open log folder").trigger()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorBox") is not None)
    box = window.findChild(QMessageBox, "errorBox")
    assert box.text() == f"No file manager opened the log folder {window.app.paths.logs}."
    box.close()


def test_an_error_in_a_slot_is_logged_with_its_traceback_and_shown(
    qtbot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "excepthook", ExceptHook())
    shown = when_modal(CrashDialog, lambda d: d.ui.continueButton.click())

    def slot_that_fails() -> None:
        raise RuntimeError("the timeline model exploded")

    with caplog.at_level(logging.ERROR, logger="mimdesk"):
        # A timer's slot, called by Qt's event loop: PySide6 hands its error to sys.excepthook.
        QTimer.singleShot(0, slot_that_fails)
        qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    (record,) = [r for r in caplog.records if r.name == "mimdesk"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "Traceback (most recent call last):" in caplog.text
    assert "in slot_that_fails" in caplog.text
    assert "RuntimeError: the timeline model exploded" in caplog.text
    details = shown[0].ui.detailsEdit.toPlainText()
    assert "RuntimeError: the timeline model exploded" in details
