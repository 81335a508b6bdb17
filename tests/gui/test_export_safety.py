"""The save dialogs never destroy input: File > Export and the Roles tab's role cards.

The file dialog is replaced through the module's seam (``ask_save_path``), or at the native
dialog itself (``QFileDialog.getSaveFileName``) where what follows it is under test; the
"Replace it?" question is the real message box, answered by clicking its button. The
database, the task runner and the files are real.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from mimdesk.gui import export
from mimdesk.gui.roles_tab import RolesTab, cards_path
from mimdesk.usecases import incidents

SQLITE = b"SQLite format 3\x00"


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict:
    seen: dict = {"save": tmp_path / "out.json", "opened": []}
    monkeypatch.setattr(export, "ask_save_path", lambda *_args: seen["save"])
    monkeypatch.setattr(export, "open_file", lambda path: seen["opened"].append(path) or True)
    return seen


def error_text(qtbot, window) -> tuple[str, str]:
    actions = window.export_actions
    qtbot.waitUntil(lambda: getattr(actions, "error_box", None) is not None, timeout=20_000)
    box: QMessageBox = actions.error_box
    text = (box.text(), box.informativeText())
    box.close()
    actions.error_box = None
    return text


def test_exports_onto_the_open_database_are_refused(qtbot, opened, app, files, tmp_path):
    """Before: the dialog's answer went straight to the writer, and the JSON export replaced
    the open database."""
    window = opened.window
    link = tmp_path / "incident.pdf"
    link.symlink_to(app.database)
    for action, target in (
        (window.export_actions.json_action, app.database),
        (window.export_actions.pdf_action, link),
        (window.export_actions.json_action, Path(f"{app.database}-wal")),
    ):
        files["save"] = target
        action.trigger()
        text, hint = error_text(qtbot, window)
        assert "the open database" in text and hint == "Choose another file name."
    assert files["opened"] == []
    assert app.database.read_bytes().startswith(SQLITE)
    assert [s.reference for s in incidents.list_incidents(app.ctx)] == [window.current.reference]


def test_a_pipe_or_a_folder_is_refused(qtbot, opened, files, tmp_path):
    window = opened.window
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    files["save"] = fifo
    window.export_actions.json_action.trigger()
    assert "not a regular file" in error_text(qtbot, window)[0]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    files["save"] = tmp_path
    window.export_actions.pdf_action.trigger()
    assert "is a folder" in error_text(qtbot, window)[0]
    assert files["opened"] == []


def test_a_file_the_dialog_agreed_to_replace_is_replaced(qtbot, opened, files, tmp_path):
    window = opened.window
    out = tmp_path / "incident.json"
    out.write_text("an earlier export\n", encoding="utf-8")
    files["save"] = out
    window.export_actions.json_action.trigger()
    qtbot.waitUntil(lambda: bool(files["opened"]), timeout=20_000)
    assert json.loads(out.read_text("utf-8"))["incident"]["reference"] == window.current.reference
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def answer_replace(qtbot, button: QMessageBox.StandardButton, asked: list[str]) -> None:
    """Click ``button`` in the "Replace the file?" box once it is up (it runs its own loop)."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        asked.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, click)


def test_the_suffix_added_to_a_name_asks_before_replacing(qtbot, opened, monkeypatch, tmp_path):
    """The dialog asked about "review", not about "review.json", which the suffix made: the
    app asks itself, and a No writes nothing."""
    window = opened.window
    opened_files: list[Path] = []
    monkeypatch.setattr(export, "open_file", lambda path: opened_files.append(path) or True)
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        # The person chose the JSON type: its suffix is the one added.
        staticmethod(lambda *_args: (str(tmp_path / "review"), "JSON (*.json)")),
    )
    out = tmp_path / "review.json"
    out.write_text("keep me\n", encoding="utf-8")
    asked: list[str] = []
    answer_replace(qtbot, QMessageBox.StandardButton.No, asked)
    window.export_actions.json_action.trigger()
    qtbot.waitUntil(lambda: bool(asked))
    assert asked == [f"review.json already exists in {tmp_path}. Replace it?"]
    qtbot.wait(200)
    assert out.read_text("utf-8") == "keep me\n"
    assert window.export_actions.progress is None

    answer_replace(qtbot, QMessageBox.StandardButton.Yes, asked)
    window.export_actions.json_action.trigger()
    qtbot.waitUntil(lambda: opened_files == [out], timeout=20_000)
    assert json.loads(out.read_text("utf-8"))["incident"]["reference"] == window.current.reference


def test_role_cards_never_follow_a_planted_link_onto_the_database(
    qtbot, app, reported, opened, tmp_path, monkeypatch
):
    """The cards go to a fixed name in the MIM Desk files folder. Before: a symbolic link
    planted at that name made reportlab write the PDF through it, over the database."""
    planted = cards_path(reported.reference)
    planted.parent.mkdir()
    planted.symlink_to(app.database)
    tab = opened.window.findChild(RolesTab)
    opened.window.tabs.setCurrentWidget(tab)

    class Opener(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[QUrl] = []

        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            self.urls.append(url)

    opener = Opener()
    QDesktopServices.setUrlHandler("file", opener, "open")
    try:
        qtbot.mouseClick(tab.print_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.findChild(QMessageBox, "errorBox") is not None, timeout=20_000)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    box = tab.findChild(QMessageBox, "errorBox")
    assert box.windowTitle() == "Role cards not printed"
    assert "the open database" in box.text()
    box.close()
    assert opener.urls == []
    assert app.database.read_bytes().startswith(SQLITE)
    assert [s.reference for s in incidents.list_incidents(app.ctx)] == [reported.reference]
    assert tab.print_button.isEnabled()
