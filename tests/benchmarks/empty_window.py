"""The floor of the startup benchmark: an empty PySide6 window, probed exactly like the app."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QWidget

from mimdesk.gui import startup_probe


def main() -> int:
    app = QApplication(sys.argv)
    window = QWidget()
    window.setWindowTitle("MIM Desk startup floor")
    window.resize(1280, 800)
    startup_probe.install(window)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
