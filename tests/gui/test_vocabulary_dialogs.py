"""Closed vocabularies in the window (issue 13, point 2): dialogs offer the terms by label and
write their ids; a value another desk or an old file recorded is shown as it is, flagged, kept
when the form around it is saved, and never crashes a dialog."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from mimdesk.app import App, open_app
from mimdesk.domain.payloads import FollowUpAdded, NoteAdded, RoleAssigned
from mimdesk.gui.changes import ChangeHub
from mimdesk.gui.countdowns import record_update_dialog
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.followups_tab import FollowupDialog
from mimdesk.gui.operations import Operations
from mimdesk.gui.overview import OverviewTab
from mimdesk.gui.tasks import TaskRunner
from mimdesk.gui.timeline import CorrectEntryDialog
from mimdesk.usecases import incidents
from tests.fixtures.release_2026_12 import cli_view


@pytest.fixture
def ops(qtbot, ctx) -> Iterator[Operations]:
    runner = TaskRunner()
    yield Operations(ctx, runner, ChangeHub())
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)


@pytest.fixture
def ref(ctx) -> str:
    summary, _ = incidents.report(ctx, title="Mail is down", severity="SEV2")
    return summary.reference


def record(ctx, ref: str, payload) -> None:
    """What another desk or an import wrote: no check of this desk saw it."""
    ctx.log.append([ctx.event(incidents.resolve(ctx, ref).stream_id, payload)])


def test_a_followup_with_a_recorded_status_keeps_it_when_edited(qtbot, ctx, ops, ref) -> None:
    record(ctx, ref, FollowUpAdded(id="f1", title="Renew", status="blocked", priority="urgent"))
    existing = incidents.get(ctx, ref).state.followups["f1"]
    dialog = FollowupDialog(ops, ref, date(2026, 11, 28), existing, 1)
    qtbot.addWidget(dialog)
    status, priority, kind = dialog.ui.statusCombo, dialog.ui.priorityCombo, dialog.ui.kindCombo
    # The terms by label, each carrying its id; the recorded value shown and flagged.
    assert [kind.itemText(i) for i in range(kind.count())] == [
        "Prevent",
        "Mitigate",
        "Detect",
        "Process",
        "Other",
    ]
    assert status.currentText() == "blocked (not in this site's list)"
    assert (status.currentData(), priority.currentData()) == ("blocked", "urgent")
    assert status.findData("in progress") == 1 and status.itemText(1) == "In progress"

    dialog.ui.titleEdit.setText("Renew the certificate")
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    saved = incidents.get(ctx, ref).state.followups["f1"]
    assert (saved.title, saved.status, saved.priority) == (
        "Renew the certificate",
        "blocked",
        "urgent",
    )


def test_an_update_sent_by_hand_offers_labels_and_records_the_id(qtbot, app, ops, ref) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    view = incidents.get(app.ctx, ref)
    dialog = record_update_dialog(ops, app.settings, view, "executives", parent)
    assert dialog is not None
    assert dialog.comboBoxItems() == [
        "Phone",
        "SMS",
        "Bridge",
        "E-mail",
        "Chat",
        "In person",
        "Other",
    ]
    dialog.setTextValue("In person")
    dialog.accept()
    qtbot.waitUntil(lambda: bool(incidents.get(app.ctx, ref).state.messages))
    [sent] = incidents.get(app.ctx, ref).state.messages
    assert (sent.audience, sent.channel) == ("executives", "in person")


def test_correcting_a_note_of_a_recorded_kind_neither_crashes_nor_changes_the_kind(
    qtbot, ctx, ops, ref
) -> None:
    record(ctx, ref, NoteAdded(text="Heard from the vendor", kind="rumour"))
    entry = next(e for e in incidents.get(ctx, ref).timeline if e.is_note)
    dialog = CorrectEntryDialog(entry, ref, ops)
    qtbot.addWidget(dialog)
    assert dialog.ui.kindCombo.currentData() == "rumour"
    dialog.ui.textEdit.setPlainText("Heard from the vendor's support desk")
    assert dialog.request() == {"text": "Heard from the vendor's support desk"}


def test_the_overview_flags_what_the_site_lists_lack(qtbot, ctx, ops, ref, app: App) -> None:
    record(ctx, ref, RoleAssigned(role="network_oncall", person="Lee Chen"))
    current = CurrentIncident(ctx, ops.hub)
    tab = OverviewTab(current, ops, app.settings, ctx.now, lambda: "Test Desk")
    qtbot.addWidget(tab)
    current.open(incidents.resolve(ctx, ref).stream_id)
    tab.show()
    flag = tab.status.unlisted
    assert flag.isVisible()
    assert flag.text() == (
        "Kept as recorded, not in this site's vocabulary: role 'network_oncall'."
    )
    assert tab.roles.holders["network_oncall"].text() == "Lee Chen"


@pytest.fixture
def release_app(home: Path, tmp_path: Path) -> Iterator[App]:
    """The database the December 2026 release wrote, on a copy: severity "P3" on one
    incident, role "network_oncall" on another."""
    copy = tmp_path / "release.db"
    shutil.copyfile(cli_view.DATABASE, copy)
    application = open_app(db=copy, env=os.environ)
    yield application
    application.close()


def test_the_release_fixture_opens_with_its_values_flagged(qtbot, release_app: App) -> None:
    ctx = release_app.ctx
    runner = TaskRunner()
    ops = Operations(ctx, runner, ChangeHub())
    current = CurrentIncident(ctx, ops.hub)
    tab = OverviewTab(current, ops, release_app.settings, ctx.now, lambda: "Test Desk")
    qtbot.addWidget(tab)
    tab.show()
    refs = {s.reference: s.stream_id for s in ctx.log.summaries("all")}
    current.open(refs["MI-DYQVW"])  # the printers: severity P3
    assert "severity 'P3'" in tab.status.unlisted.text()
    assert tab.details.severity.currentText() == "P3 (not in this site's list)"
    assert tab.details.dirty() == {}, "shown as recorded, so nothing to save"
    current.open(refs["MI-ZB0KH"])  # the mail outage: role network_oncall
    assert "role 'network_oncall'" in tab.status.unlisted.text()
    assert tab.roles.label_of("network_oncall") == "network_oncall (not in this site's list)"
    for entry in current.view.timeline if current.view else ():
        if entry.is_note:
            qtbot.addWidget(CorrectEntryDialog(entry, "MI-ZB0KH", ops))
    qtbot.waitUntil(lambda: not runner.busy)
