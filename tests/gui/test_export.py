"""File menu: postmortem PDF, JSON export, and import into a fresh database, from the GUI.

The native file dialogs and the system viewer are replaced through the seams the module has
for this (``ask_save_path``, ``ask_open_path``, ``open_file``); everything else is real: the
task runner, the progress dialog, the PDF (read back with pypdf) and both databases.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from mimdesk.app import open_app
from mimdesk.gui import export
from mimdesk.gui.main import Workspace
from mimdesk.usecases import exchange, followups, incidents, postmortem

from .conftest import wait_written


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict:
    """What the file dialogs answer, and which files the viewer was asked to open."""
    seen: dict = {"save": tmp_path / "out.pdf", "open": None, "opened": [], "asked": []}

    def ask_save(_parent, title, start, _filter):
        seen["asked"].append((title, start.name))
        return seen["save"]

    monkeypatch.setattr(export, "ask_save_path", ask_save)
    monkeypatch.setattr(export, "ask_open_path", lambda *_args: seen["open"])
    monkeypatch.setattr(export, "open_file", lambda path: seen["opened"].append(path) or True)
    return seen


def menu_texts(window) -> list[str]:
    return [a.text() for a in window.file_menu.actions()]


def test_the_file_menu_holds_the_three_entries(opened):
    texts = menu_texts(opened.window)
    for entry in (
        "Export postmortem &PDF…",
        "&Export incident as JSON…",
        "&Import incident from JSON…",
    ):
        assert entry in texts
    actions = opened.window.export_actions
    assert actions.pdf_action.shortcut().toString() == "Ctrl+P"
    assert actions.pdf_action.isEnabled()


def test_export_the_postmortem_pdf(qtbot, opened, app, files, tmp_path):
    window = opened.window
    reference = window.current.reference
    postmortem.set_fields(
        app.ctx,
        reference=reference,
        summary="Mail was down for two hours for every member of staff.",
        root_cause="An expired certificate on the outbound relay.",
        authors="Alex Morgan; Ελένη Παπαδοπούλου",
    )
    followups.add(app.ctx, reference=reference, title="Alert before certificates expire")
    files["save"] = tmp_path / "review.pdf"

    window.export_actions.pdf_action.trigger()
    qtbot.waitUntil(lambda: bool(files["opened"]), timeout=30_000)
    assert files["opened"] == [tmp_path / "review.pdf"]
    assert files["asked"][0][1] == f"{reference} postmortem.pdf"
    progress = window.export_actions.progress
    assert progress is not None and progress.maximum() == 100 and progress.value() == 100
    assert not progress.isVisible()

    reader = PdfReader(tmp_path / "review.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert reference in text
    assert "Mail was down for two hours" in text
    assert "An expired certificate on the outbound relay." in text
    assert "Ελένη Παπαδοπούλου" in text
    assert "Alert before certificates expire" in text
    assert f"Wrote review.pdf ({len(reader.pages)} pages)" in window.statusBar().currentMessage()


def test_an_unwritable_pdf_says_why(qtbot, opened, files, tmp_path):
    window = opened.window
    files["save"] = tmp_path / "no such folder" / "out.pdf"
    window.export_actions.pdf_action.trigger()
    qtbot.waitUntil(lambda: getattr(window.export_actions, "error_box", None) is not None)
    box = window.export_actions.error_box
    assert box.objectName() == "exportErrorBox"
    assert "Cannot write" in box.text()
    assert "Choose a folder you can write to." in box.informativeText()
    assert files["opened"] == []
    box.close()


def test_json_export_then_import_into_a_fresh_database(qtbot, opened, app, files, tmp_path):
    window = opened.window
    reference = window.current.reference
    postmortem.set_fields(app.ctx, reference=reference, summary="Mail down", lessons="Alert.")
    followups.add(app.ctx, reference=reference, title="Owner for every certificate")
    files["save"] = tmp_path / "incident.json"
    window.export_actions.json_action.trigger()
    qtbot.waitUntil(lambda: bool(files["opened"]), timeout=20_000)
    exported = json.loads((tmp_path / "incident.json").read_text(encoding="utf-8"))
    assert exported["incident"]["reference"] == reference

    fresh_app = open_app(db=tmp_path / "fresh.sqlite3", env=os.environ, now=app.ctx.now)
    fresh_app.set_display_name("Other Desk")
    fresh = Workspace(fresh_app)
    try:
        fresh.window.show()
        assert fresh.window.current.reference is None
        files["open"] = tmp_path / "incident.json"
        fresh.window.export_actions.import_action.trigger()
        wait_written(qtbot, fresh)
        qtbot.waitUntil(lambda: fresh.window.current.reference == reference)
        # The list shows it (the import was broadcast), and the file round-trips unchanged.
        assert fresh.window.incident_list.first_stream_id() == fresh.window.current.stream_id
        again = exchange.export_document(fresh_app.ctx, reference=reference)
        assert again == exchange.export_document(app.ctx, reference=reference)
        assert incidents.get(fresh_app.ctx, reference).state.postmortem["lessons"] == "Alert."
        assert f"Imported {reference}" in fresh.window.statusBar().currentMessage()
    finally:
        fresh.window.close()
        fresh.close()
        fresh.window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_a_malformed_import_names_the_bad_fields_and_imports_nothing(
    qtbot, opened, app, files, tmp_path
):
    window = opened.window
    before = app.ctx.log.count_events()
    bad = {
        "format": "mimdesk.incident",
        "version": 1,
        "incident": {"reference": "MI-BADF1"},
        "events": [
            {
                "type": "incident.reported",
                "occurred_at": "on the 20th",
                "payload": {"title": "Printers down"},
            },
            # A newer desk's type (no.such_event) would be kept; this is no type's name.
            {"type": "no such event", "occurred_at": "yesterday", "payload": {}},
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    files["open"] = path
    window.export_actions.import_action.trigger()
    wait_written(qtbot, opened)
    qtbot.waitUntil(lambda: getattr(window.export_actions, "error_box", None) is not None)
    box: QMessageBox = window.export_actions.error_box
    assert box.objectName() == "importErrorBox"
    assert box.windowTitle() == "Nothing was imported"
    assert "events[1].type" in box.informativeText()
    assert "events[0].occurred_at" in box.informativeText()
    assert "Nothing was imported" in box.text()
    assert app.ctx.log.count_events() == before
    assert [s.reference for s in incidents.list_incidents(app.ctx)] == [window.current.reference]
    box.close()


def test_file_export_brief_writes_one_page(qtbot, opened, app, files, tmp_path):
    """Issue 16, point 7: File › Export brief writes the one-page brief and says so."""
    window = opened.window
    reference = window.current.reference
    postmortem.set_fields(
        app.ctx, reference=reference, root_cause="An expired certificate on the outbound relay."
    )
    followups.add(app.ctx, reference=reference, title="Alert before certificates expire")
    files["save"] = tmp_path / "brief.pdf"
    actions = window.export_actions
    assert actions.brief_action.text() in menu_texts(window)
    assert actions.brief_action.shortcut().toString() == "Ctrl+Shift+P"
    actions.brief_action.trigger()
    qtbot.waitUntil(lambda: bool(files["opened"]), timeout=30_000)
    assert files["asked"][0] == (f"Export the brief of {reference}", f"{reference} brief.pdf")
    reader = PdfReader(tmp_path / "brief.pdf")
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Incident brief" in text and reference in text
    assert "An expired certificate on the outbound relay." in text
    assert "Alert before certificates expire" in text
    assert "Wrote brief.pdf (1 page)" in window.statusBar().currentMessage()
