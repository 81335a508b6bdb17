"""Plain text and HTML on the clipboard, without a crash when the app quits.

A ``QMimeData`` made in Python and given to the clipboard is deleted by Qt's own exit code,
after Python has stopped: PySide6 then calls into a finished interpreter and the process dies
with a segmentation fault (seen with PySide6 6.11 on every quit after a copy). So before
Python stops (on ``aboutToQuit`` and at exit), content that is still ours is handed over to a
clipboard entry Qt makes itself: the plain text, which every program can paste. While the app
runs, the clipboard holds both forms.
"""

from __future__ import annotations

import atexit

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

_ours: str | None = None  # the plain text we last put there, while it may still be there
_hooked = False


def put(plain: str, html: str) -> None:
    """Put a message on the clipboard as plain text and as HTML."""
    global _ours, _hooked
    data = QMimeData()
    data.setText(plain)
    data.setHtml(html)
    QGuiApplication.clipboard().setMimeData(data)
    _ours = plain
    if not _hooked:
        app = QGuiApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(settle)
        atexit.register(settle)
        _hooked = True


def settle() -> None:
    """Replace our content by the same text in an entry Qt owns (see the module's note)."""
    global _ours
    plain, _ours = _ours, None
    if plain is None or QGuiApplication.instance() is None:
        return
    clipboard = QGuiApplication.clipboard()
    data = clipboard.mimeData()
    # Still ours, not something copied since in another program.
    if data is not None and data.hasHtml() and data.text() == plain:
        clipboard.setText(plain)
