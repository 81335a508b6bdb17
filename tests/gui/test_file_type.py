"""Issue 17, point 8: MIM Desk's own file type. An export is ``REF.mimdesk`` (JSON inside);
``mimdesk FILE.mimdesk`` (how the system opens a double-clicked one) opens the window and
offers to import it; a ``.json`` file is read the same; a bad or missing file is refused in
the import's words.

The native file dialogs and the viewer are replaced through export.py's seams; the window,
the task runner, the databases and the command line are real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from mimdesk import cli
from mimdesk.app import open_app
from mimdesk.gui import export
from mimdesk.gui.main import Session
from mimdesk.gui.mainwindow import MainWindow
from mimdesk.usecases import exchange, incidents


def exported(tmp_path: Path, clock, name: str) -> tuple[str, Path]:
    """An incident from another desk, exported to ``name``."""
    source = open_app(db=tmp_path / "source.sqlite3", env=os.environ, now=clock)
    try:
        summary, _ = incidents.report(
            source.ctx, title="VPN down for remote staff", impact="No remote work", severity="SEV2"
        )
        out = exchange.export_json(source.ctx, reference=summary.reference, out=tmp_path / name)
    finally:
        source.close()
    return summary.reference, out


def references(app) -> list[str]:
    return [s.reference for s in incidents.list_incidents(app.ctx)]


def question(qtbot, window: MainWindow) -> QMessageBox:
    qtbot.waitUntil(lambda: window.export_actions.import_question is not None)
    box = window.export_actions.import_question
    assert box is not None and box.isVisible()
    return box


# ---- export ----------------------------------------------------------------------------------


def test_export_proposes_ref_mimdesk_and_writes_json_the_import_reads(
    qtbot, opened, app, tmp_path, monkeypatch, clock
):
    window = opened.window
    reference = window.current.reference
    asked: list[tuple[str, str]] = []

    def ask_save(_parent, _title, start: Path, filter_: str) -> Path:
        asked.append((start.name, filter_))
        return tmp_path / start.name

    written: list[Path] = []
    monkeypatch.setattr(export, "ask_save_path", ask_save)
    monkeypatch.setattr(export, "open_file", lambda path: written.append(path) or True)
    window.export_actions.json_action.trigger()
    qtbot.waitUntil(lambda: bool(written), timeout=20_000)
    assert asked == [
        (
            f"{reference}.mimdesk",
            "MIM Desk incident files (*.mimdesk);;JSON (*.json);;All files (*)",
        )
    ]
    out = written[0]
    assert out == tmp_path / f"{reference}.mimdesk"
    assert json.loads(out.read_text("utf-8"))["incident"]["reference"] == reference

    other = open_app(db=tmp_path / "other.sqlite3", env=os.environ, now=clock)
    try:
        result = exchange.import_file(other.ctx, path=out)
        assert result.reference == reference and result.imported > 0
    finally:
        other.close()


@pytest.mark.parametrize(
    ("chosen", "name"),
    [
        (export.JSON_FILTER, "review.mimdesk"),
        ("MIM Desk incident files (*.mimdesk)", "review.mimdesk"),
        ("JSON (*.json)", "review.json"),
        ("All files (*)", "review.mimdesk"),
    ],
)
def test_a_name_typed_without_suffix_gets_the_chosen_type(
    qtbot, monkeypatch, tmp_path, chosen, name
):
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a: (str(tmp_path / "review"), chosen))
    )
    path = export.ask_save_path(None, "Export", tmp_path / "MI-1.mimdesk", export.JSON_FILTER)
    assert path == tmp_path / name


def test_the_import_dialog_shows_both_kinds_of_file(qtbot, window, monkeypatch):
    filters: list[str] = []

    def ask(_parent, _title, _start, filter_):
        filters.append(filter_)
        return ("", "")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(ask))
    window.export_actions.import_action.trigger()
    assert filters, "the open dialog was asked"
    first = filters[0].split(";;")[0]
    assert "*.mimdesk" in first and "*.json" in first
    assert "All files (*)" in filters[0].split(";;")


# ---- offering an import ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["vpn.mimdesk", "vpn.json"])
def test_a_file_handed_over_is_imported_after_yes(qtbot, window, app, tmp_path, clock, name):
    reference, path = exported(tmp_path, clock, name)
    window.export_actions.offer_import(path)
    box = question(qtbot, window)
    assert path.name in box.text() and str(app.database) in box.informativeText()
    assert references(app) == [], "nothing before the answer"
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: window.current.reference == reference, timeout=10_000)
    assert references(app) == [reference]
    assert f"Imported {reference}" in window.statusBar().currentMessage()


def test_cancel_imports_nothing(qtbot, window, app, tmp_path, clock):
    _reference, path = exported(tmp_path, clock, "vpn.mimdesk")
    window.export_actions.offer_import(path)
    box = question(qtbot, window)
    box.button(QMessageBox.StandardButton.No).click()
    # An import would have been handed to the runner in that click, with its progress.
    assert not box.isVisible()
    assert not window.runner.busy and window.export_actions.progress is None
    assert references(app) == []


def test_a_file_that_is_not_json_is_refused_in_one_line(qtbot, window, app, tmp_path):
    path = tmp_path / "notes.mimdesk"
    path.write_text("Bridge opened at 09:12, vendor called\n", encoding="utf-8")
    window.export_actions.offer_import(path)
    question(qtbot, window).button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: getattr(window.export_actions, "error_box", None) is not None)
    box = window.export_actions.error_box
    assert box.objectName() == "importErrorBox"
    assert box.text() == "The file was not imported: 1 problem found. Nothing was imported."
    assert "(file): not JSON" in box.informativeText()
    assert references(app) == []
    box.close()


def test_a_missing_file_is_refused_without_a_question(qtbot, window, app, tmp_path):
    path = tmp_path / "gone.mimdesk"
    window.export_actions.offer_import(path)
    qtbot.waitUntil(lambda: getattr(window.export_actions, "error_box", None) is not None)
    assert window.export_actions.import_question is None
    box = window.export_actions.error_box
    assert box.objectName() == "exportErrorBox"
    assert box.text().startswith(f"Cannot read {path}")
    assert "\n" not in box.text()
    assert references(app) == []
    box.close()


# ---- from the command line and the system ----------------------------------------------------


VPN = "C:\\Users\\ana\\VPN.MIMDESK"
EXPORT = ["export", "MI-1", "--json", "out.mimdesk"]


@pytest.mark.parametrize(
    ("argv", "rest", "file"),
    [
        (["MI-7KQ4F.mimdesk"], [], "MI-7KQ4F.mimdesk"),
        (["--db", "x.sqlite3", VPN], ["--db", "x.sqlite3"], VPN),
        (["old export.json", "--shared=pg://h/db"], ["--shared=pg://h/db"], "old export.json"),
        # Anything else is the command line it was, for the parser to run or refuse.
        ([], [], None),
        (["list"], ["list"], None),
        (EXPORT, EXPORT, None),
        (["notes.txt"], ["notes.txt"], None),
        (["a.mimdesk", "list"], ["a.mimdesk", "list"], None),
        (["--frobnicate", "a.mimdesk"], ["--frobnicate", "a.mimdesk"], None),
    ],
)
def test_only_an_incident_file_where_a_command_would_be_is_opened(argv, rest, file):
    assert cli.incident_file_named(argv) == (rest, file)


def test_a_command_line_with_a_file_and_a_command_is_still_refused(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["a.mimdesk", "list"])
    assert stopped.value.code == 2
    assert "invalid choice: 'a.mimdesk'" in capsys.readouterr().err


def test_mimdesk_file_opens_the_window_and_imports_after_the_question(qtbot, home, tmp_path, clock):
    """``mimdesk --db DESK FILE.mimdesk``, run as the system runs it on a double click."""
    reference, path = exported(tmp_path, clock, "MI-export.mimdesk")
    desk = tmp_path / "desk.sqlite3"
    made = open_app(db=desk, env=os.environ)
    made.set_display_name("Ana Costa")  # no first-run question in the way
    made.close()
    seen: dict[str, object] = {}

    def window() -> MainWindow | None:
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)

    def step(act: Callable[[], bool]) -> None:
        def poll() -> None:
            if not seen.get("over") and not act():
                QTimer.singleShot(20, poll)

        QTimer.singleShot(0, poll)

    def answer() -> bool:
        main = window()
        box = main.export_actions.import_question if main is not None else None
        if box is None or not box.isVisible():
            return False
        seen["question"] = box.text()
        box.button(QMessageBox.StandardButton.Yes).click()
        step(close_when_imported)
        return True

    def close_when_imported() -> bool:
        main = window()
        if main is None or main.current.reference != reference:
            return False
        seen["status"] = main.statusBar().currentMessage()
        main.close()
        return True

    step(answer)
    # Never a hung test: a window that does not get there is closed with another code.
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QCoreApplication.exit(3))
    guard.start(30_000)
    try:
        code = cli.main(["--db", str(desk), str(path)])
    finally:
        guard.stop()
        seen["over"] = True
    assert code == 0
    assert seen["question"] == f"Import the incident in {path.name} into this database?"
    assert f"Imported {reference}" in str(seen["status"])
    again = open_app(db=desk, env=os.environ)
    try:
        assert references(again) == [reference]
    finally:
        again.close()


def test_a_file_handed_over_before_the_window_opens_waits_for_it(qtbot, tmp_path):
    session = Session(QApplication.instance())  # type: ignore[arg-type]
    session.offer_file(str(tmp_path / "early.mimdesk"))
    assert session.pending == [tmp_path / "early.mimdesk"]


def test_the_system_s_file_open_event_reaches_the_session(tmp_path):
    """macOS hands a double-clicked file to the running app as an event: the app's own
    QApplication turns it into a signal (a new process: one QApplication a process)."""
    code = f"""
import sys
from pathlib import Path
from PySide6.QtCore import QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication
from mimdesk.gui.main import DeskApplication, Session, application

qapp = application()
assert isinstance(qapp, DeskApplication), type(qapp)
session = Session(qapp)
QApplication.sendEvent(qapp, QFileOpenEvent(QUrl.fromLocalFile({str(tmp_path / "a.mimdesk")!r})))
print(session.pending)
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr([tmp_path / "a.mimdesk"])
