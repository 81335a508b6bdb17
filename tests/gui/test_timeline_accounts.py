"""The timeline flags an entry signed with a name its OS account is not, as the postmortem
does, and reads the directory for it only when the directory changes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from mimdesk.domain.events import Author
from mimdesk.gui.timeline import AUTHOR, TEXT
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
