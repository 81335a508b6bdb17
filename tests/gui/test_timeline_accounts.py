"""The timeline flags an entry signed with a name its OS account is not, as the postmortem
does, and reads the directory for it only when the directory changes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from mimdesk.domain.events import Author
from mimdesk.gui.timeline import AUTHOR, TEXT
from mimdesk.store.event_rows import to_row
from mimdesk.usecases import directory, timeline

from .conftest import wait_written

FLAG = "Written by account CORP\\ben, which is Ben Okafor's in the directory"


@pytest.fixture
def signed(app, reported):
    """Ben's account wrote one note as Ben and one as Ana, before the window opens."""
    ctx = app.ctx
    directory.save_person(ctx, name="Ben Okafor", accounts=["CORP\\ben"])
    for author, text in (
        (Author("Ben Okafor", "CORP\\ben"), "Queues draining on MX2"),
        (Author("Ana Costa", "CORP\\ben"), "Restarted the relay"),
    ):
        timeline.add_note(replace(ctx, author=author), reference=reported.reference, text=text)
    return reported


def row_of(model, text: str) -> int:
    return next(r for r in range(model.rowCount()) if model.index(r, TEXT).data() == text)


def flagged(model, row: int) -> bool:
    return model.index(row, AUTHOR).data(Qt.ItemDataRole.DecorationRole) is not None


def test_an_entry_signed_by_another_persons_account_is_flagged(qtbot, signed, workspace):
    window = workspace.window
    window.tabs.setCurrentWidget(window.timeline)
    model, table = window.timeline.model, window.timeline.table
    honest, other = row_of(model, "Queues draining on MX2"), row_of(model, "Restarted the relay")

    author = model.index(other, AUTHOR)
    assert author.data() == "Ana Costa"
    assert flagged(model, other)
    assert FLAG in author.data(Qt.ItemDataRole.ToolTipRole)
    assert FLAG.replace(" in the directory", "") in author.data(Qt.ItemDataRole.AccessibleTextRole)
    assert FLAG in model.index(other, TEXT).data(Qt.ItemDataRole.ToolTipRole)
    # The sign beside the name fits in the column.
    header = table.horizontalHeader()
    assert header.sectionSize(AUTHOR) >= table.sizeHintForIndex(author).width()

    assert not flagged(model, honest)
    assert "Written by account" not in model.index(honest, AUTHOR).data(Qt.ItemDataRole.ToolTipRole)
    assert not flagged(model, row_of(model, model.index(0, TEXT).data()))  # the report

    # A new note refreshes the timeline; the directory is not read again for it.
    links = model.accounts
    window.timeline.quick_note.edit.setPlainText("Vendor on the bridge")
    window.timeline.quick_note.submit()
    qtbot.waitUntil(lambda: model.rowCount() == 4)
    assert model.accounts is links

    # The directory changes in the window: the flag goes.
    ben = directory.directory(workspace.app.ctx).person("Ben Okafor")
    window.ops.mutate(
        lambda ctx: directory.save_person(ctx, name="Ben Okafor", person_id=ben.id, accounts=[])
    )
    wait_written(qtbot, workspace)
    qtbot.waitUntil(lambda: not flagged(model, other))
    assert "Written by account" not in model.index(other, AUTHOR).data(Qt.ItemDataRole.ToolTipRole)


def test_an_entry_written_through_another_persons_login_is_flagged(app, reported, request):
    """Where each person has a database login (db init --per-person), the login the server
    stamped on an entry that is not its author's is flagged too."""
    ctx = app.ctx
    directory.save_person(ctx, name="Ana Costa", accounts=["CORP\\ana"])
    directory.save_person(ctx, name="Ben Okafor", accounts=["ben@CORP.EXAMPLE"])
    pulled = []
    for author, text, login in (
        (Author("Ana Costa", "CORP\\ana"), "Failover started", "ana"),
        (Author("Ben Okafor", "CORP\\ben"), "Ben never wrote this", "ana"),
    ):
        event = ctx.event(reported.stream_id, timeline_payload(text))
        row = to_row(replace(event, author=author, db_login=login))
        pulled.append({**row, "server_seq": len(pulled) + 1})
    app.log.apply_pulled(pulled, state={"login_mode": "per-person"})
    window = request.getfixturevalue("workspace").window
    window.tabs.setCurrentWidget(window.timeline)
    model = window.timeline.model
    ben = row_of(model, "Ben never wrote this")
    assert flagged(model, ben)
    assert not flagged(model, row_of(model, "Failover started"))
    said = model.index(ben, AUTHOR).data(Qt.ItemDataRole.AccessibleTextRole)
    assert said == "Ben Okafor. Written through the database login ana, which is not Ben Okafor's."
    # With logins shared by desks, the login says nothing of who wrote it: no flag.
    app.log.set_sync_state({"login_mode": "shared"})
    window.timeline.reload_accounts()
    assert not flagged(model, ben)


def timeline_payload(text: str):
    from mimdesk.domain import schema
    from mimdesk.domain.events import EventType

    return schema.decode(EventType.NOTE_ADDED, 1, {"text": text, "kind": "observation"})
