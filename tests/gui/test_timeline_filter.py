"""A timeline a person can read: review edits kept apart, filters, search."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from mimdesk.domain.timeline import incident_entries
from mimdesk.gui.timeline_model import TEXT, TimelineFilter
from mimdesk.usecases import postmortem, timeline
from tests.gui.conftest import wait_written
from tests.support.decided import declare


def shown(tab) -> list[str]:
    return [tab.model.index(r, TEXT).data() for r in range(tab.model.rowCount())]


def test_review_edits_leave_the_timeline_for_the_review_history(qtbot, opened, app) -> None:
    window = opened.window
    ref = window.current.reference
    timeline.add_note(app.ctx, reference=ref, text="Relay restarted")
    postmortem.set_field(app.ctx, reference=ref, field="root_cause", value="Expired certificate")
    window.refresh()
    texts = shown(window.timeline)
    assert any("Relay restarted" in t for t in texts)
    assert not any("Postmortem" in t for t in texts)
    assert window.timeline.count_label.text() == "2 entries"

    window.tabs.setCurrentIndex(6)
    history = window.tabs.currentWidget().history
    # The root cause and its status ("known"), as the use case writes them.
    qtbot.waitUntil(lambda: history.list.topLevelItemCount() == 2)
    items = [history.list.topLevelItem(i) for i in range(2)]
    assert {item.text(1) for item in items} == {"Test Desk"}
    assert "Postmortem root cause edited: Expired certificate" in {i.text(2) for i in items}
    wait_written(qtbot, opened)


def test_filters_milestones_kind_and_author(qtbot, opened, app) -> None:
    window = opened.window
    tab = window.timeline
    ref = window.current.reference
    timeline.add_note(app.ctx, reference=ref, text="Bridge opened", kind="action")
    timeline.add_note(app.ctx, reference=ref, text="Users on floor 2 cannot print")
    declare(app.ctx, ref, mim="Priya Shah")
    window.refresh()
    everything = len(shown(tab))

    tab.milestones_check.setChecked(True)
    milestones = shown(tab)
    assert milestones and len(milestones) < everything
    assert all(not t.startswith(("Bridge", "Users")) for t in milestones)
    assert any(t.startswith("Declared a major incident") for t in milestones)
    assert tab.count_label.text() == f"{len(milestones)} of {everything} entries"
    tab.milestones_check.setChecked(False)

    tab.kind_filter.setCurrentIndex(tab.kind_filter.findData("action"))
    assert shown(tab) == ["Bridge opened"]
    tab.kind_filter.setCurrentIndex(0)
    assert len(shown(tab)) == everything

    # Only the authors the incident has are offered.
    authors = [tab.author_filter.itemData(i) for i in range(tab.author_filter.count())]
    assert authors == ["", "Test Desk"]
    tab.author_filter.setCurrentIndex(1)
    assert len(shown(tab)) == everything
    wait_written(qtbot, opened)


def test_search_as_you_type_narrows_what_it_found(qtbot, opened, app) -> None:
    window = opened.window
    tab = window.timeline
    ref = window.current.reference
    for i in range(300):
        timeline.add_note(app.ctx, reference=ref, text=f"Check {i} of the mail relay")
    window.refresh()
    qtbot.keyClicks(tab.search_edit, "relay 29")
    qtbot.waitUntil(lambda: len(shown(tab)) == 13)  # 29, 129, 229 and 290-299
    assert tab.count_label.text() == "13 of 301 entries"
    first = tab._last
    qtbot.keyClicks(tab.search_edit, "7")
    qtbot.waitUntil(lambda: shown(tab) == ["Check 297 of the mail relay"])
    # Found among the 13, not the 301 again: the filter narrows the earlier result.
    assert tab.filter.narrows(first[0])
    tab.search_edit.clear()
    qtbot.waitUntil(lambda: len(shown(tab)) == 301)
    QApplication.processEvents()
    wait_written(qtbot, opened)


def test_the_filter_keeps_entries_in_their_order(opened, app) -> None:
    ref = opened.window.current.reference
    for i in range(5):
        timeline.add_note(app.ctx, reference=ref, text=f"step {i}")
    opened.window.refresh()
    entries = incident_entries(opened.window.current.view.timeline)
    kept = TimelineFilter(search="STEP").apply(entries)
    assert [e.text for e in kept] == [f"step {i}" for i in range(5)]
    assert TimelineFilter().apply(entries) == entries
    assert not TimelineFilter(search="step 1").narrows(TimelineFilter(search="step 12"))
    assert TimelineFilter(search="step 12").narrows(TimelineFilter(search="step 1"))
    assert not TimelineFilter(search="x", kind="action").narrows(TimelineFilter(search=""))
