"""Run by tests/gui/test_screen_fit.py in a child process, on an offscreen screen of a given
size and scale (which one process cannot change once Qt is up): opens the window over a fresh
database and prints, as JSON, the screen's work area, the window's frame and its size on
each tab. Usage: python -m tests.gui.screen_fit_probe HOME [SCREENSHOT_PREFIX]"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(home: Path, shots: str = "") -> None:
    os.environ["MIMDESK_HOME"] = str(home)
    os.environ["MIMDESK_SITE_CONFIG"] = str(home / "no-site.toml")
    from PySide6.QtWidgets import QApplication

    from mimdesk.app import open_app
    from mimdesk.gui.main import Workspace, application
    from mimdesk.usecases import incidents
    from tests.support.decided import declare

    qapp = application()
    app = open_app(db=home / "desk.sqlite3", env=os.environ)
    app.set_display_name("Test Desk")
    summary, _ = incidents.report(
        app.ctx, title="E-mail down for all staff at every site", severity="SEV1"
    )
    # Declared, so that every audience's countdown runs: the widest the header gets.
    declare(app.ctx, summary.reference, severity="SEV1", mim="Nadia Hassan")
    ws = Workspace(app)
    window = ws.window
    window.show()
    qapp.processEvents()
    room = window.screen().availableGeometry()
    frame = window.frameGeometry()
    sizes = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        for _ in range(5):
            qapp.processEvents()
        size = window.frameGeometry()
        sizes[window.tabs.tabText(index)] = [size.width(), size.height()]
        if shots:
            window.grab().save(f"{shots}_{index}.png")
    print(
        json.dumps(
            {
                "room": [room.x(), room.y(), room.width(), room.height()],
                "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                "tabs": sizes,
            }
        )
    )
    window.unsaved_work = list  # type: ignore[method-assign]
    window.close()
    ws.close()
    QApplication.processEvents()


if __name__ == "__main__":
    main(Path(sys.argv[1]), *sys.argv[2:])
