"""Handing a written .eml draft to the person's mail client, and showing the file in the
file manager when no mail client answers.

These are module-level functions so that tests can put their own in place of the system's:
no mail client runs on a test machine, and whether one really opened the file cannot be
seen from here (``QDesktopServices.openUrl`` only says the system accepted the request).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices


def open_with_mail_client(path: Path) -> bool:
    """Ask the system to open the .eml with the program it is linked to (the mail client:
    Outlook and Apple Mail open an ``X-Unsent`` file as a draft to edit and send)."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))


def reveal_in_file_manager(path: Path, platform: str = sys.platform) -> bool:
    """Show the file in Explorer or Finder (selected), else its folder; False when nothing
    could be opened."""
    try:
        if platform == "win32":
            # Popen, not run: Explorer stays open and the window must not wait for it.
            subprocess.Popen(["explorer", f"/select,{path}"])
            return True
        if platform == "darwin":
            subprocess.Popen(["open", "-R", str(path)])
            return True
    except OSError:
        pass
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))))
