"""Opening the database at start, and what to do when it cannot be opened.

A database that cannot be used (damaged, not a database, locked, in a folder that cannot be
written, written by a newer MIM Desk) is never a traceback: the person reads what is wrong
and what to do, and picks another file, a new one, or quits. The file itself is left as it
was: the store checks before it writes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QDialog, QFileDialog, QStyle, QWidget

from mimdesk.errors import DatabaseError
from mimdesk.gui.forms.ui_database_error_dialog import Ui_DatabaseErrorDialog

FILE_FILTER = "MIM Desk databases (*.sqlite3 *.sqlite *.db);;All files (*)"
SUFFIX = ".sqlite3"

T = TypeVar("T")


class Choice(IntEnum):
    QUIT = 0  # QDialog.Rejected, so closing the window means Quit
    OPEN = 2
    CREATE = 3


class DatabaseErrorDialog(QDialog):
    def __init__(self, error: DatabaseError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_DatabaseErrorDialog()
        self.ui.setupUi(self)
        self.error = error
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        self.ui.iconLabel.setPixmap(icon.pixmap(size, size))
        # Bold on purpose, the message escaped; the hint may name a path: plain.
        self.ui.messageLabel.setTextFormat(Qt.TextFormat.RichText)
        self.ui.hintLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.ui.messageLabel.setText(f"<b>{_escape(error.message)}</b>")
        self.ui.hintLabel.setText(error.hint)
        self.ui.hintLabel.setVisible(bool(error.hint))
        self.ui.openButton.clicked.connect(lambda: self.done(Choice.OPEN))
        self.ui.createButton.clicked.connect(lambda: self.done(Choice.CREATE))
        self.ui.quitButton.clicked.connect(self.reject)
        self.ui.openButton.setDefault(True)

    @Slot()
    def choose(self) -> Choice:
        return Choice(self.exec())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ask_open_path(parent: QWidget | None, start: Path) -> Path | None:
    name, _filter = QFileDialog.getOpenFileName(
        parent, "Open a MIM Desk database", str(start), FILE_FILTER
    )
    return Path(name) if name else None


def ask_new_path(parent: QWidget | None, start: Path) -> Path | None:
    name, _filter = QFileDialog.getSaveFileName(
        parent, "Create a new MIM Desk database", str(start), FILE_FILTER
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix else path.with_suffix(SUFFIX)


def start_folder(path: Path) -> Path:
    folder = path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def recover(
    first: Path | str | None,
    open_database: Callable[[Path | str | None], T],
    *,
    parent: QWidget | None = None,
    choose: Callable[[DatabaseError], Choice] | None = None,
) -> T | None:
    """Open ``first``; on a :class:`DatabaseError` ask what to do until something opens.

    Returns None when the person quits.
    """
    target: Path | str | None = first
    while True:
        try:
            return open_database(target)
        except DatabaseError as error:
            choice = choose(error) if choose else DatabaseErrorDialog(error, parent).choose()
            if choice == Choice.QUIT:
                return None
            folder = start_folder(error.path)
            if choice == Choice.OPEN:
                picked = ask_open_path(parent, folder)
            else:
                picked = ask_new_path(parent, folder / f"mimdesk{SUFFIX}")
            if picked is not None:
                target = picked
