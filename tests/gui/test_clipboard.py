"""The clipboard keeps plain text and HTML while the app runs, and quitting after a copy
exits cleanly (without the hand-over, PySide6 6.11 dies with SIGSEGV at exit)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from PySide6.QtGui import QGuiApplication

from mimdesk.gui import clipboard

QUIT_AFTER_COPY = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from mimdesk.gui import clipboard

    app = QApplication([])
    if sys.argv[1] == "put":
        clipboard.put("Mail is back.", "<p>Mail is <b>back</b>.</p>")
    else:  # what put() guards against, for the test to show it fails
        from PySide6.QtCore import QMimeData
        data = QMimeData(); data.setText("x"); data.setHtml("<b>x</b>")
        app.clipboard().setMimeData(data)
    QTimer.singleShot(0, app.quit)
    sys.exit(app.exec())
    """
)


def run(mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", QUIT_AFTER_COPY, mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_quitting_after_a_copy_exits_cleanly():
    assert run("put").returncode == 0
    # The bare Qt way crashes at exit: this is what the module is for.
    assert run("bare").returncode != 0


def test_the_copy_holds_both_forms_until_it_is_handed_over(qtbot):
    clipboard.put("Mail is back.", "<p>Mail is <b>back</b>.</p>")
    data = QGuiApplication.clipboard().mimeData()
    assert data.text() == "Mail is back." and "<b>back</b>" in data.html()
    clipboard.settle()
    data = QGuiApplication.clipboard().mimeData()
    assert data.text() == "Mail is back." and not data.hasHtml()
    # Settled once; a later settle (at exit) leaves whatever is there alone.
    QGuiApplication.clipboard().setText("copied elsewhere")
    clipboard.settle()
    assert QGuiApplication.clipboard().text() == "copied elsewhere"
