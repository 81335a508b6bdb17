"""File menu: export the open incident's postmortem PDF or JSON, import an incident from JSON.

An incident file is JSON named ``REF.mimdesk``, MIM Desk's own file type; a ``.json`` file is
read the same. A file given to the app (``mimdesk FILE.mimdesk``, or by the system when it is
double-clicked) comes to :meth:`ExportActions.offer_import`, which asks before importing.

The work runs on the task runner (exports on the pool lane; an import writes, so it goes on
the write lane behind this desk's other writes) with a progress dialog, and the window keeps
ticking. A finished file is opened with the system's viewer. The file dialogs and the opening
are module-level functions so that tests can put their own in place of the native ones.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from mimdesk.domain.wording import counted
from mimdesk.errors import MimDeskError
from mimdesk.usecases import exchange, postmortem

if TYPE_CHECKING:
    from mimdesk.gui.mainwindow import MainWindow

PDF_FILTER = "PDF documents (*.pdf)"
INCIDENT_SUFFIX = ".mimdesk"
JSON_FILTER = "MIM Desk incident files (*.mimdesk);;JSON (*.json);;All files (*)"
# Opening shows both kinds at once: an export from an older desk is a .json file.
IMPORT_FILTER = "Incident files (*.mimdesk *.json);;" + JSON_FILTER
# Problems listed in the message itself; the rest are under "Show Details…".
SHOWN_PROBLEMS = 12


def ask_save_path(parent: QWidget | None, title: str, start: Path, filter_: str) -> Path | None:
    """The file to write, or None. Whoever answers has agreed to replace it if it exists: the
    dialog asks for the name typed, and this asks again when the suffix added makes another."""
    name, chosen = QFileDialog.getSaveFileName(parent, title, str(start), filter_)
    if not name:
        return None
    path = Path(name)
    if path.suffix:
        return path
    path = path.with_suffix(_suffix_of(chosen) or start.suffix)
    if os.path.lexists(path) and not confirm_replace(parent, path):
        return None
    return path


def _suffix_of(filter_: str) -> str:
    """The suffix a file type filter names when it names one ("JSON (*.json)" -> ".json")."""
    found = re.fullmatch(r"[^;]*\(\*(\.[A-Za-z0-9]+)\)", filter_.strip())
    return found.group(1) if found else ""


def confirm_replace(parent: QWidget | None, path: Path) -> bool:
    answer = QMessageBox.question(
        parent,
        "Replace the file?",
        f"{path.name} already exists in {path.parent}. Replace it?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_open_path(parent: QWidget | None, title: str, start: Path, filter_: str) -> Path | None:
    name, _filter = QFileDialog.getOpenFileName(parent, title, str(start), filter_)
    return Path(name) if name else None


def open_file(path: Path) -> bool:
    """Show a written file in the system's viewer; False when the system cannot."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))


def documents_folder(files: Path | None = None) -> Path:
    """Where save dialogs open: the MIM Desk files folder (``[files] folder``, by default
    "MIM Desk" under Documents), made when first needed; else Documents, else home."""
    if files is not None:
        try:
            files.mkdir(parents=True, exist_ok=True)
            return files
        except OSError:
            pass  # a folder IT named that this desk cannot reach: the dialog opens nearby
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_ " else "-" for c in text).strip() or "incident"


class ExportActions:
    """The three File menu entries and what they do, for one main window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.folder: Path | None = None  # the last folder used, offered next time
        self.progress: QProgressDialog | None = None
        self.import_question: QMessageBox | None = None  # the last offer_import asked
        self.pdf_action = self._action("Export postmortem &PDF…", "Ctrl+P", self.export_pdf)
        self.brief_action = self._action(
            "Export b&rief (one page)…", "Ctrl+Shift+P", lambda: self.export_pdf(brief=True)
        )
        self.json_action = self._action(
            "&Export incident as JSON…", "Ctrl+Shift+E", self.export_json
        )
        self.import_action = self._action(
            "&Import incident from JSON…", "Ctrl+Shift+I", self.import_json
        )
        self.pdf_action.setObjectName("exportPdfAction")
        self.brief_action.setObjectName("exportBriefAction")
        self.json_action.setObjectName("exportJsonAction")
        self.import_action.setObjectName("importJsonAction")
        menu = window.file_menu
        # Beside "New incident", above the database entries: these act on incidents.
        before = next((a for a in menu.actions() if a.isSeparator()), None)
        separator = menu.insertSeparator(before) if before else menu.addSeparator()
        for action in (self.pdf_action, self.brief_action, self.json_action, self.import_action):
            menu.insertAction(separator, action)
        window.current.loaded.connect(lambda _view: self._update())
        self._update()

    def _action(self, text: str, shortcut: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    def _update(self) -> None:
        has_incident = self.window.current.reference is not None
        self.pdf_action.setEnabled(has_incident)
        self.brief_action.setEnabled(has_incident)
        self.json_action.setEnabled(has_incident)

    def _start(self, name: str) -> Path:
        return (self.folder or documents_folder(self.window.app.settings.files.path)) / name

    # ---- the three commands --------------------------------------------------------------------

    def export_pdf(self, *, brief: bool = False) -> None:
        """The postmortem PDF, or with ``brief`` the one-page brief for an executive."""
        window = self.window
        reference = window.current.reference
        if reference is None:
            return
        what = "brief" if brief else "postmortem"
        out = ask_save_path(
            window,
            f"Export the {what} of {reference}",
            self._start(f"{_safe_name(reference)} {what}.pdf"),
            PDF_FILTER,
        )
        if out is None:
            return
        ctx, settings = window.app.ctx, window.app.settings
        self._run(
            f"Writing the {what} of {reference}…",
            # force: the save dialog asked before replacing a file; the open database, a folder
            # or a device is still refused, in a message box.
            lambda report: postmortem.export_pdf(
                ctx,
                reference=reference,
                settings=settings,
                out=out,
                progress=report,
                force=True,
                brief=brief,
            ),
            done=lambda result: self._written(
                result.path, f"Wrote {result.path.name} ({counted(result.pages, 'page')})"
            ),
            title=f"Cannot export the {what}",
        )

    def export_json(self) -> None:
        window = self.window
        reference = window.current.reference
        if reference is None:
            return
        out = ask_save_path(
            window,
            f"Export {reference} as JSON",
            self._start(f"{_safe_name(reference)}{INCIDENT_SUFFIX}"),
            JSON_FILTER,
        )
        if out is None:
            return
        ctx = window.app.ctx
        self._run(
            f"Exporting {reference}…",
            lambda _report: exchange.export_json(ctx, reference=reference, out=out, force=True),
            done=lambda path: self._written(path, f"Exported {reference} to {path.name}"),
            title="Cannot export the incident",
        )

    def import_json(self) -> None:
        path = ask_open_path(self.window, "Import an incident", self._start(""), IMPORT_FILTER)
        if path is None:
            return
        self.import_path(path)

    def offer_import(self, path: Path) -> QMessageBox | None:
        """Import ``path`` after a Yes: a file handed to the app, which nobody chose from the
        File menu. The question is not modal to the program, so the window keeps ticking; a
        file that is not there goes straight to the import, which says so."""
        path = Path(path)
        if not path.is_file():
            self.import_path(path)
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Import an incident",
            f"Import the incident in {path.name} into this database?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.window,
        )
        box.setObjectName("importQuestion")
        box.setInformativeText(
            f"The file is in {path.parent}. The database is {self.window.app.database}. "
            "Entries it already holds are not added twice."
        )
        box.button(QMessageBox.StandardButton.Yes).setText("&Import")
        box.button(QMessageBox.StandardButton.No).setText("&Cancel")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)

        def answered(_result: int) -> None:
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
                self.import_path(path)

        box.finished.connect(answered)
        if self.import_question is not None:
            self.import_question.deleteLater()
        self.import_question = box
        box.open()
        return box

    def import_path(self, path: Path) -> None:
        """Import the incident file ``path`` (.mimdesk or .json), as the File menu does once
        a file is chosen: progress, then the incident opened, or the reason nothing was."""
        window = self.window
        path = Path(path)
        self.folder = path.parent
        ctx = window.app.ctx
        self._run(
            f"Importing {path.name}…",
            lambda report: exchange.import_file(ctx, path=path, progress=report),
            done=self._imported,
            title="Cannot import the incident",
            lane="write",
        )

    # ---- running and reporting -------------------------------------------------------------

    def _run(
        self,
        label: str,
        work: Callable[[Callable[[int, int], None]], Any],
        *,
        done: Callable[[Any], None],
        title: str,
        lane: str = "pool",
    ) -> None:
        if self.progress is not None:
            self.progress.deleteLater()
        progress = QProgressDialog(label, "", 0, 0, self.window)
        progress.setObjectName("exportProgress")
        progress.setWindowTitle("MIM Desk")
        # The work cannot be stopped half-way without leaving half a file: no Cancel.
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        self.progress = progress

        def step(n: int, total: int) -> None:
            progress.setMaximum(total)
            progress.setValue(n)

        # hide(), not close(): closing a progress dialog cancels it, which resets its bar.
        def finished(result: Any) -> None:
            progress.hide()
            done(result)

        def failed(error: BaseException) -> None:
            progress.hide()
            if isinstance(error, exchange.ImportRefused):
                self.error_box = import_error_box(self.window, error)
            elif isinstance(error, MimDeskError):
                self.error_box = error_box(self.window, title, error)
            else:
                sys.excepthook(type(error), error, error.__traceback__)

        self.window.runner.run(
            work,
            done=finished,
            failed=failed,
            progress=step,
            lane="write" if lane == "write" else "pool",
        )

    def _written(self, path: Path, message: str) -> None:
        self.folder = path.parent
        if open_file(path):
            self.window.statusBar().showMessage(message, 8000)
        else:
            self.window.statusBar().showMessage(f"{message}; open it from {path.parent}", 15000)

    def _imported(self, result: exchange.ImportResult) -> None:
        window = self.window
        window.hub.publish(result.changes)
        if window.incident_list.model.row_of(result.stream_id) < 0:
            # The filter in force may hide an old, closed incident: show it rather than lose it.
            window.incident_list.search.clear()
            window.incident_list.set_filter("all")
        window.open_incident(result.stream_id)
        window.statusBar().showMessage(result.sentence(), 15000)


def error_box(parent: QWidget, title: str, error: MimDeskError) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, error.message, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("exportErrorBox")
    if error.hint:
        box.setInformativeText(error.hint)
    box.open()
    return box


def import_error_box(parent: QWidget, error: exchange.ImportRefused) -> QMessageBox:
    """Each bad field by its path in the file, and that nothing was imported."""
    problems = error.problems
    shown = "\n".join(f"• {p}" for p in problems[:SHOWN_PROBLEMS])
    if len(problems) > SHOWN_PROBLEMS:
        shown += f"\n… and {len(problems) - SHOWN_PROBLEMS} more (Show Details…)"
    count = len(problems)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Nothing was imported",
        f"The file was not imported: {count} {'problem' if count == 1 else 'problems'} "
        "found. Nothing was imported.",
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("importErrorBox")
    box.setInformativeText(f"{shown}\n\nCorrect the file and import it again.")
    box.setDetailedText("\n".join(problems))
    box.open()
    return box


def install_export_actions(window: MainWindow) -> ExportActions:
    """Add the export and import entries to the window's File menu."""
    actions = ExportActions(window)
    window.export_actions = actions
    return actions
