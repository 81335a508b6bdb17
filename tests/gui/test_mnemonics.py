"""Mnemonics (Alt+letter) are unique within each window and dialog.

The walk opens every workspace tab, every dialog a menu entry opens and every dialog a
"…" button on a tab opens, and reads the access keys a person could press there: the
menu bar's titles, the visible buttons and group boxes, and labels with a buddy. Two
widgets on one key make Alt+letter cycle between them instead of acting, and a menu
title sharing a key with a button makes one of them unreachable.
"""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QGroupBox,
    QLabel,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QWidget,
)
from shiboken6 import isValid

from mimdesk.gui.mainwindow import MainWindow
from tests.gui.conftest import wait_written

# These open a file chooser, another program or replace the database: nothing of ours to read.
NOT_WALKED = (
    "Open another database",
    "Create a new database",
    "Quit",
    "Export",
    "Print role cards",
    "Mail client",
    "Refresh",
    "Rebuild",
    "Quick note",
    "Find incident",
    "Save changes",
    "Add note",
    # Hands the folder to the file manager: no dialog of ours (tests/gui/test_log_folder.py).
    "Open log folder",
)


def access_key(text: str) -> str | None:
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].casefold() if 0 <= at < len(plain) - 1 else None


def access_keys(window: QWidget) -> dict[str, list[str]]:
    """Each access key a person can press in ``window`` now, with what it belongs to."""
    keys: dict[str, list[str]] = defaultdict(list)
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            if key := access_key(action.text()):
                keys[key].append(f"menu {action.text()}")
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.window() is not window:
            continue
        if isinstance(widget, QAbstractButton):
            text = QAbstractButton.text(widget)
        elif isinstance(widget, QGroupBox):
            text = QGroupBox.title(widget)
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            text = QLabel.text(widget)
        else:
            continue
        if key := access_key(text):
            keys[key].append(f"{type(widget).__name__} {text!r}")
    return keys


def clashes(window: QWidget) -> dict[str, list[str]]:
    return {key: owners for key, owners in access_keys(window).items() if len(owners) > 1}


def clashes_on_every_page(dialog: QWidget) -> dict[str, list[str]]:
    """A dialog's clashes with each page of its tab widgets in front in turn."""
    found = dict(clashes(dialog))
    for tabs in dialog.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            found |= {f"{tabs.tabText(index)}: {k}": v for k, v in clashes(dialog).items()}
    return found


def menu_clashes(window: QMainWindow) -> dict[str, list[str]]:
    """Within each menu, as Alt+letter works inside an open menu."""
    found = {}
    for title in window.menuBar().actions():
        menu = title.menu()
        if menu is None:
            continue
        keys: dict[str, list[str]] = defaultdict(list)
        for action in menu.actions():
            if action.isVisible() and (key := access_key(action.text())):
                keys[key].append(action.text())
        for key, owners in keys.items():
            if len(owners) > 1:
                found[f"{title.text()} {key}"] = owners
    return found


def walked(text: str) -> bool:
    return not any(skip.casefold() in text.replace("&", "").casefold() for skip in NOT_WALKED)


def open_and_read(qtbot, trigger) -> tuple[str, dict[str, list[str]]] | None:
    """Run ``trigger``, then read and close the dialog it opened, modal or not."""
    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    seen: list[tuple[str, dict[str, list[str]]]] = []
    done: list[bool] = []

    def read() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible() and id(widget) not in before:
                if not isinstance(widget, QFileDialog):
                    seen.append((widget.windowTitle(), clashes_on_every_page(widget)))
                widget.reject()
        done.append(True)

    QTimer.singleShot(150, read)
    trigger()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    return seen[0] if seen else None


def test_each_tab_of_the_window_has_unique_access_keys(qtbot, opened) -> None:
    window: MainWindow = opened.window
    # With the banners up: they float over every tab.
    for banner in window.banners.banners():
        banner.show()
    found = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        if clash := clashes(window):
            found[window.tabs.tabText(index)] = clash
    wait_written(qtbot, opened)  # the tabs' figures, read in the background
    assert found == {}
    assert menu_clashes(window) == {}


def test_each_dialog_has_unique_access_keys(opened, qtbot) -> None:
    window: MainWindow = opened.window
    found = {}
    dialogs = 0
    for title in window.menuBar().actions():
        for action in title.menu().actions():
            if action.isSeparator() or not action.isEnabled() or not walked(action.text()):
                continue
            if action.text().startswith("&") and action.text()[1:] in [
                window.tabs.tabText(i) for i in range(window.tabs.count())
            ]:
                continue
            result = open_and_read(qtbot, action.trigger)
            if result is not None:
                dialogs += 1
                if result[1]:
                    found[result[0] or action.text()] = result[1]
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.currentWidget()
        for button in page.findChildren(QPushButton):
            if not isValid(button):
                continue  # a dialog's outcome rebuilt part of the tab
            text = button.text()
            if not text.endswith("…") or not button.isVisibleTo(window) or not walked(text):
                continue
            if not button.isEnabled():
                continue
            result = open_and_read(qtbot, button.click)
            if result is not None:
                dialogs += 1
                if result[1]:
                    found[result[0] or text] = result[1]
    assert found == {}
    assert dialogs >= 8  # the walk reached the dialogs, rather than passing by finding none
