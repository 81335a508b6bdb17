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
    clipboard.put("Mail is back.", "<p>Mail is <b>back</b>.</p>")
    QTimer.singleShot(0, app.quit)
    sys.exit(app.exec())
    """
)


def run() -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", QUIT_AFTER_COPY],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_quitting_after_a_copy_exits_cleanly():
    # Without the hand-over this exits with -11 (SIGSEGV) on PySide6 6.11; not asserted
    # here for the bare Qt way, which a later PySide6 may fix.
    done = run()
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])


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
