"""The candidate queue and the over-escalation signal at the top of the Declaration tab."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from mimdesk.domain.lifecycle import Status
from mimdesk.usecases import declaration, incidents
from tests.gui.conftest import wait_written


def panel_of(window):
    tab = window.tabs.widget(2)
    window.tabs.setCurrentWidget(tab)
    return tab.candidates


def report(app, title):
    summary, _ = incidents.report(app.ctx, title=title)
    return summary


def decide(app, clock, title, decision, *, after_minutes):
    """An incident reported now and decided ``after_minutes`` later."""
    summary = report(app, title)
    clock.advance(minutes=after_minutes)
    if decision == "declare":
        declaration.declare(
            app.ctx,
            reference=summary.reference,
            settings=app.settings,
            severity="SEV2",
            mim="Jo",
            rationale="test",
        )
    else:
        declaration.reject(app.ctx, reference=summary.reference, rationale="test")
    return summary


def test_queue_is_oldest_first_with_ticking_ages(qtbot, app, clock, workspace):
    window = workspace.window
    older = report(app, "VPN drops every hour")
    clock.advance(minutes=10)
    newer = report(app, "Intranet slow")
    clock.advance(minutes=5)
    window.refresh_action.trigger()
    panel = panel_of(window)
    queue = panel.queue
    assert queue.stream_ids() == [older.stream_id, newer.stream_id]
    assert queue.ages() == ["00:15:00", "00:05:00"]
    assert panel.title() == "Waiting for a decision (2)"
    clock.advance(seconds=30)
    qtbot.waitUntil(lambda: queue.ages() == ["00:15:30", "00:05:30"], timeout=3000)

    # Double-click opens the incident on the Declaration tab.
    item = queue.topLevelItem(1)
    rect = queue.visualItemRect(item)
    # As a mouse does it: the press of the first click, then the double-click.
    qtbot.mouseClick(queue.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(queue.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current.stream_id == newer.stream_id
    assert window.tabs.currentIndex() == 2

    # Deciding takes it off the queue.
    window.ops.mutate(
        lambda ctx: declaration.reject(ctx, reference=newer.reference, rationale="Known issue")
    )
    wait_written(qtbot, workspace)
    assert incidents.get(app.ctx, newer.reference).state.status is Status.REJECTED
    qtbot.waitUntil(lambda: queue.stream_ids() == [older.stream_id])
    assert panel.title() == "Waiting for a decision (1)"


def test_an_empty_queue_says_so(app, window):
    panel = panel_of(window)
    assert panel.queue.isHidden()
    assert panel.empty_label.isVisible()
    assert panel.stats_label.text() == "no candidate was decided in this period"


def test_escalation_figures_for_the_chosen_period(qtbot, app, clock, workspace):
    # Ten days ago: one declared, seen only over a period longer than a week.
    clock.advance(days=-10)
    decide(app, clock, "Old outage", "declare", after_minutes=40)
    clock.advance(days=10)
    decide(app, clock, "Payments down", "declare", after_minutes=10)
    decide(app, clock, "Mail slow", "reject", after_minutes=20)
    decide(app, clock, "Website down", "declare", after_minutes=30)
    report(app, "Still waiting")
    workspace.window.refresh_action.trigger()
    panel = panel_of(workspace.window)
    assert (panel.stats.declared, panel.stats.rejected, panel.stats.undecided) == (2, 1, 1)
    assert panel.stats.median_to_decision == timedelta(minutes=20)
    text = panel.stats_label.text()
    assert "<b>2</b> declared, <b>1</b> rejected (67% declared)" in text
    assert "median report to decision <b>20 min</b>" in text
    assert panel.loose_label.isHidden()

    panel.period.setCurrentIndex(panel.period.findData(30))
    assert "<b>3</b> declared, <b>1</b> rejected (75% declared)" in panel.stats_label.text()
    assert "<b>25 min</b>" in panel.stats_label.text()


def test_nearly_everything_declared_warns_that_the_criteria_are_loose(qtbot, app, clock, workspace):
    for n in range(5):
        decide(app, clock, f"Outage {n}", "declare", after_minutes=5)
    workspace.window.refresh_action.trigger()
    panel = panel_of(workspace.window)
    assert "<b>5</b> declared, <b>0</b> rejected (100% declared)" in panel.stats_label.text()
    assert panel.loose_label.isVisible()
    assert "criteria may be too loose" in panel.loose_label.text()
