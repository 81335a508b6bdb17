"""Help › Open log folder: the folder of ``mimdesk.log`` and ``crash.log`` (:mod:`mimdesk.logs`),
opened in the file manager, for the person to send its files to IT."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMenu, QWidget

from mimdesk.gui.widgets import show_error


def _open_in_file_manager(folder: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


# What opens the folder (tests put a recorder here): True when it opened.
open_folder: Callable[[Path], bool] = _open_in_file_manager


def show_log_folder(folder: Path, parent: QWidget | None = None) -> bool:
    """Open ``folder``, made first if nothing was logged yet; say so when it cannot be."""
    from mimdesk.errors import MimDeskError

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        show_error(
            parent,
            "Cannot open the log folder",
            MimDeskError(f"The log folder {folder} cannot be made: {exc.strerror or exc}.", ""),
        )
        return False
    if open_folder(folder):
        return True
    show_error(
        parent,
        "Cannot open the log folder",
        MimDeskError(
            f"No file manager opened the log folder {folder}.",
            "Open it yourself: the path can be copied from this message.",
        ),
    )
    return False


def install(menu: QMenu, folder: Path, parent: QWidget) -> QAction:
    """Add "Open log folder" to ``menu`` (the Help menu)."""
    action = QAction("Open &log folder", parent)
    action.setToolTip(f"The folder of MIM Desk's log files, for IT: {folder}")
    action.setStatusTip(str(folder))
    action.triggered.connect(lambda: show_log_folder(folder, parent))
    menu.addAction(action)
    return action
