"""A concurrent change in the Timeline tab: both values, the winner, and one button to use
the other value (which records a new field change)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from mimdesk.domain import schema
from mimdesk.domain.events import Author, EventType
from mimdesk.gui.main import Workspace
from mimdesk.gui.timeline import TEXT
from mimdesk.usecases import incidents
from mimdesk.usecases.context import Changes
from tests.gui.conftest import wait_written
from tests.support.recorded import as_json


def concurrent_title_change(ws: Workspace, stream_id: str) -> str:
    """Ana sets the title here; Ben, on a desk that had not seen it, sets another later."""
    ctx = ws.app.ctx
    reference = ws.window.current.reference
    assert reference is not None
    incidents.change_field(ctx, reference=reference, field="title", value="Mail down in EMEA")
    ben = ctx.event(
        stream_id,
        schema.decode(
            EventType.FIELD_CHANGED, 1, {"field": "title", "value": "Mail slow", "prev": ""}
        ),
    )
    ben = replace(ben, author=Author("Ben", "ben"), desk_id="desk-ben")
    ctx.log.append([ben])
    # As the sync bridge does when it pulls another desk's events.
    ws.hub.publish(Changes(frozenset({stream_id}), incidents_list=True))
    return ben.event_id


def test_use_other_value_sets_the_value_that_lost(qtbot, opened: Workspace, reported) -> None:
    ws = opened
    tab = ws.window.timeline
    ws.window.timeline_action.trigger()  # Ctrl+2, as a user would
    ben_id = concurrent_title_change(ws, reported.stream_id)
    qtbot.waitUntil(lambda: tab.model.row_of(ben_id) >= 0)
    row = tab.model.row_of(ben_id)
    shown = tab.model.index(row, TEXT).data()
    assert "Concurrent change" in shown
    assert "“Mail down in EMEA”" in shown and "“Mail slow” won" in shown
    assert tab.model.index(row, TEXT).data(Qt.ItemDataRole.DecorationRole) is not None
    assert ws.window.header.title_label.text() == "Mail slow"

    assert tab.use_other_button.isHidden()
    tab.table.selectRow(row)
    assert tab.use_other_button.isVisible()
    assert tab.use_other_button.text() == "Use “Mail down in EMEA”"
    entries_before = tab.model.rowCount()
    qtbot.mouseClick(tab.use_other_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, ws)

    state = incidents.view(ws.app.ctx, reported.stream_id).state
    assert state.title == "Mail down in EMEA"
    last = [e for e in ws.app.log.stream(reported.stream_id) if e.type == EventType.FIELD_CHANGED]
    assert as_json(last[-1].payload) == {
        "field": "title",
        "value": "Mail down in EMEA",
        "prev": ben_id,
    }
    qtbot.waitUntil(lambda: tab.model.rowCount() == entries_before + 1)
    assert ws.window.header.title_label.text() == "Mail down in EMEA"
    assert len(state.concurrent) == 1  # using the other value is not a new conflict
