"""The crash dialog: an unexpected error is shown to the person, never swallowed."""

from __future__ import annotations

import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from mimdesk import __version__, exitcodes, logs
from mimdesk.gui.forms.ui_crash_dialog import Ui_CrashDialog

EXIT_CRASH = exitcodes.CRASHED

MESSAGE = (
    "<b>Something went wrong inside MIM Desk.</b><br>"
    "Everything already in the timeline is saved. You can continue working, or quit and "
    "start MIM Desk again. Please send the details below to whoever supports MIM Desk."
)


class CrashDialog(QDialog):
    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_CrashDialog()
        self.ui.setupUi(self)
        self.ui.messageLabel.setTextFormat(Qt.TextFormat.RichText)  # our words, in bold
        self.ui.messageLabel.setText(MESSAGE)
        self.ui.detailsEdit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.ui.detailsEdit.setPlainText(details)
        self.quit_requested = False
        self.ui.copyButton.clicked.connect(self.copy)
        self.ui.continueButton.clicked.connect(self.accept)
        self.ui.quitButton.clicked.connect(self._quit)
        self.ui.continueButton.setDefault(True)

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.ui.detailsEdit.toPlainText())

    @Slot()
    def _quit(self) -> None:
        self.quit_requested = True
        self.reject()


def crash_details(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    lines = traceback.format_exception(exc_type, exc, tb)
    return f"MIM Desk {__version__}, Python {sys.version.split()[0]}\n\n" + "".join(lines)


class ExceptHook:
    """Replaces ``sys.excepthook``: log and print the traceback, then show the crash dialog.

    PySide6 hands an exception raised in a slot to ``sys.excepthook``, so this is where slots'
    errors reach the log file (:mod:`mimdesk.logs`): the windowed .exe has no stderr.
    """

    def __init__(self) -> None:
        self.previous = sys.excepthook
        self._showing = False

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        logs.log_exception(exc_type, exc, tb, threading.current_thread().name)
        traceback.print_exception(exc_type, exc, tb)
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.exit(exitcodes.INTERRUPTED)
            return
        app = QApplication.instance()
        # A dialog from another thread, or a second one while the first is open, would
        # crash Qt or stack up; the traceback is printed either way.
        off_main = threading.current_thread() is not threading.main_thread()
        if app is None or self._showing or off_main:
            return
        self._showing = True
        try:
            dialog = CrashDialog(crash_details(exc_type, exc, tb), QApplication.activeWindow())
            dialog.exec()
            if dialog.quit_requested:
                QApplication.exit(EXIT_CRASH)
        finally:
            self._showing = False


def install_excepthook() -> ExceptHook:
    hook = ExceptHook()
    sys.excepthook = hook
    return hook
