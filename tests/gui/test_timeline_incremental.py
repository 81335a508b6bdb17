"""A change to the open incident reaches the timeline as the rows it adds or changes: a note is
inserted, a correction updates the row it corrects, and none of it reads or folds the incident
on the UI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont

from mimdesk.domain import folding, incident
from mimdesk.gui.main import Workspace
from mimdesk.gui.timeline import TEXT, TimelineModel
from mimdesk.gui.timeline_model import reuse_unchanged
from mimdesk.gui.widgets import set_edit_time
from mimdesk.usecases import incidents, timeline

from .conftest import wait_written


@dataclass
class ModelLog:
    """What a model told its views, in order."""

    resets: int = 0
    inserted: list[tuple[int, int]] = field(default_factory=list)
    changed: list[tuple[int, int]] = field(default_factory=list)

    def watch(self, model: TimelineModel) -> ModelLog:
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(self._inserted)
        model.dataChanged.connect(self._changed)
        return self

    def _reset(self) -> None:
        self.resets += 1

    def _inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self.inserted.append((first, last))

    def _changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        self.changed.append((top_left.row(), bottom_right.row()))


def texts(model: TimelineModel) -> list[str]:
    return [model.index(row, TEXT).data() for row in range(model.rowCount())]


@pytest.fixture
def ui_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every read (a stream read with its fold) and every fold of an incident made on the UI
    thread while the test runs."""
    main = threading.main_thread()
    seen: list[str] = []
    view, fold = incidents.view, folding.fold

    def counted_view(*args: object, **kwargs: object) -> incidents.IncidentView:
        if threading.current_thread() is main:
            seen.append("read")
        return view(*args, **kwargs)  # type: ignore[arg-type]

    def counted_fold(*args: object, **kwargs: object) -> incident.IncidentState:
        if threading.current_thread() is main:
            seen.append("fold")
        return fold(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(incidents, "view", counted_view)
    monkeypatch.setattr(folding, "fold", counted_fold)
    yield seen


def add_by_quick_note(qtbot, ws: Workspace, text: str) -> None:
    window = ws.window
    window.tabs.setCurrentWidget(window.timeline)
    note = window.timeline.quick_note
    note.edit.setPlainText(text)
    note.submit()
    qtbot.waitUntil(lambda: text in texts(window.timeline.model))
    wait_written(qtbot, ws)


def test_a_note_is_inserted_not_the_model_reset(qtbot, opened: Workspace, app, ui_reads):
    window = opened.window
    for text in ("Bridge opened", "Mail relay restarted"):
        timeline.add_note(app.ctx, reference=window.current.reference, text=text)
    window.refresh()
    model = window.timeline.model
    before = model.rowCount()
    log = ModelLog().watch(model)
    ui_reads.clear()

    add_by_quick_note(qtbot, opened, "Queues draining on MX2")

    assert log.resets == 0
    assert log.inserted == [(before, before)]
    assert texts(model)[-1] == "Queues draining on MX2"
    assert model.rowCount() == before + 1
    assert window.timeline.count_label.text() == f"{before + 1} entries"
    assert ui_reads == [], "the incident was read again on the UI thread"
    # The views all show the new state, and the window says so before the write's callback.
    assert len(window.current.view.state.notes) == 3
    assert window.timeline.quick_note.edit.toPlainText() == ""


def test_a_back_dated_note_is_inserted_at_its_time(qtbot, opened: Workspace, app, clock):
    window = opened.window
    ref = window.current.reference
    timeline.add_note(app.ctx, reference=ref, text="Bridge opened")
    clock.advance(minutes=30)
    timeline.add_note(app.ctx, reference=ref, text="Failover done")
    window.refresh()
    model = window.timeline.model
    log = ModelLog().watch(model)

    note = window.timeline.quick_note
    note.backdate.setChecked(True)
    set_edit_time(note.when, clock.now - timedelta(minutes=10))
    add_by_quick_note(qtbot, opened, "Users first complained")

    rows = texts(model)
    at = rows.index("Users first complained")
    assert rows.index("Bridge opened") < at < rows.index("Failover done")
    assert (log.resets, log.inserted) == (0, [(at, at)])


def test_a_correction_updates_the_row_it_corrects(qtbot, opened: Workspace, app, ui_reads):
    window = opened.window
    ref = window.current.reference
    timeline.add_note(app.ctx, reference=ref, text="Restarted MX1")
    timeline.add_note(app.ctx, reference=ref, text="Wrong incident, sorry")
    window.refresh()
    model = window.timeline.model
    log = ModelLog().watch(model)
    ui_reads.clear()
    reworded = texts(model).index("Restarted MX1")

    window.timeline.table.selectRow(reworded)
    dialog = window.timeline.correct_selected()
    assert dialog is not None
    dialog.ui.textEdit.setPlainText("Restarted MX2")
    dialog.submit()
    qtbot.waitUntil(lambda: "Restarted MX2  (corrected; was: Restarted MX1)" in texts(model))
    wait_written(qtbot, opened)

    assert log.resets == 0
    assert texts(model).index("Restarted MX2  (corrected; was: Restarted MX1)") == reworded
    assert any(first <= reworded <= last for first, last in log.changed)
    assert texts(model)[-1] == "Corrected to: Restarted MX2"  # the correction is a row too
    assert log.inserted == [(model.rowCount() - 1, model.rowCount() - 1)]
    assert ui_reads == []

    withdrawn = texts(model).index("Wrong incident, sorry")
    window.timeline.table.selectRow(withdrawn)
    dialog = window.timeline.correct_selected()
    assert dialog is not None
    dialog.ui.withdrawCheck.setChecked(True)
    dialog.submit()
    qtbot.waitUntil(lambda: "Wrong incident, sorry  (withdrawn)" in texts(model))
    wait_written(qtbot, opened)

    assert log.resets == 0
    assert texts(model).index("Wrong incident, sorry  (withdrawn)") == withdrawn
    assert any(first <= withdrawn <= last for first, last in log.changed)
    font: QFont = model.index(withdrawn, TEXT).data(Qt.ItemDataRole.FontRole)
    assert font.strikeOut()


def test_a_change_published_without_reading_ahead_is_still_shown(qtbot, opened: Workspace, app):
    """As another desk's event arrives: broadcast by the sync, read on the UI thread."""
    window = opened.window
    model = window.timeline.model
    log = ModelLog().watch(model)
    _event_id, changes = timeline.add_note(
        app.ctx, reference=window.current.reference, text="From the other desk"
    )
    opened.hub.publish(changes)
    assert texts(model)[-1] == "From the other desk"
    assert log.resets == 0 and len(log.inserted) == 1


def test_the_model_resets_when_rows_change_order_or_go(qtbot, opened: Workspace, app):
    window = opened.window
    ref = window.current.reference
    for text in ("First", "Second"):
        timeline.add_note(app.ctx, reference=ref, text=text)
    view = incidents.get(app.ctx, ref)
    model = TimelineModel(app.ctx.now)
    model.set_entries(view.timeline)
    log = ModelLog().watch(model)

    model.set_entries(list(reversed(view.timeline)))
    assert log.resets == 1
    model.set_entries(view.timeline[1:])
    assert log.resets == 2
    assert texts(model) == [e.text for e in view.timeline[1:]]


def test_unchanged_entries_are_the_shown_objects(opened: Workspace, app):
    ref = opened.window.current.reference
    shown = incidents.get(app.ctx, ref).timeline
    timeline.add_note(app.ctx, reference=ref, text="New one")
    fresh = incidents.get(app.ctx, ref).timeline
    kept = reuse_unchanged(shown, fresh)
    assert kept == fresh
    assert all(k is s for k, s in zip(kept, shown, strict=False))
    assert kept[-1] is fresh[-1]


def test_tabs_drawn_before_read_nothing_while_hidden(qtbot, opened: Workspace, app, ui_reads):
    """Once every tab has been shown, a note added on the Timeline still reads nothing on the
    UI thread: a hidden tab that would read brings itself up to date when shown again."""
    window = opened.window
    tabs = window.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
    qtbot.waitUntil(lambda: all(tabs.is_built(i) for i in range(tabs.count())))
    wait_written(qtbot, opened)
    ui_reads.clear()

    add_by_quick_note(qtbot, opened, "Vendor engaged")
    assert ui_reads == []

    # Changed while the Declaration tab is hidden: its suggested answers follow when shown.
    ref = window.current.reference
    window.ops.mutate(
        lambda ctx: incidents.change_field(ctx, reference=ref, field="users_affected", value=750)
    )
    wait_written(qtbot, opened)
    declaration = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Declaration")
    tabs.setCurrentIndex(declaration)
    tab = tabs.currentWidget()
    assert tab.questions["users_affected"].number.text() == "750"
