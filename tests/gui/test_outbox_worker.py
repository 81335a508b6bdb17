"""Queued messages go out on their own when the channel answers again, off the UI thread,
with the real send time recorded."""

# Fixtures imported from the comms tests come back as test parameters: pytest, not a bug.
# ruff: noqa: F811

from __future__ import annotations

from PySide6.QtCore import Qt

from mimdesk import secrets
from mimdesk.usecases import incidents, outbox, timers

from .comms_support import (  # noqa: F401  (fixtures)
    certs,
    comms_site,
    comms_tab,
    comms_ws,
    incident,
    memory_keyring,
    smtp_server,
    started_worker,
    webhooks_down,
)
from .conftest import wait_written


def test_a_send_while_the_server_is_down_queues_and_the_worker_delivers_later(
    qtbot, comms_ws, app, webhooks_down, clock
):
    secrets.set_secret("webhook:generic", webhooks_down.url("/generic"))
    tab = comms_tab(comms_ws)
    tab.set_audience("executives")
    tab.set_channel("webhook")
    subject = tab.subject_edit.text()
    queued_at = clock.now
    qtbot.mouseClick(tab.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.last_result is not None and not tab.busy, timeout=15_000)
    wait_written(qtbot, comms_ws)

    # Failure shown with its reason; the draft is kept and waits in the outbox.
    assert tab.last_result.outcome == "queued"
    assert "Not sent yet" in tab.error.text() and "could not connect" in tab.error.text()
    draft_id = tab.draft_id
    assert draft_id is not None and tab.subject_edit.text() == subject
    qtbot.waitUntil(lambda: tab.outbox_table.rowCount() == 1)
    assert tab.outbox_table.item(0, 3).text() == "Waiting in the outbox"
    assert tab.side.tabText(2) == "Outbox (1)"

    # A worker on the UI clock, trying each second here (the tab's tries every 30 s; it is
    # stopped so that only this one delivers).
    tab.outbox.stop()
    worker, reports = started_worker(comms_ws)
    try:
        qtbot.waitUntil(lambda: len(reports) >= 1, timeout=10_000)
        assert reports[0].run.sent == [] and webhooks_down.requests == []

        webhooks_down.start()
        clock.advance(minutes=2)  # past the back-off after the failed try
        sent_at = clock.now
        qtbot.waitUntil(lambda: any(r.run.sent for r in reports), timeout=10_000)
    finally:
        worker.stop()
    wait_written(qtbot, comms_ws)
    assert len(webhooks_down.requests) == 1
    assert webhooks_down.requests[0].json["sent_at"] == sent_at.isoformat()

    view = incidents.get(app.ctx, tab._view.reference)
    (message,) = view.state.messages
    assert message.at == sent_at != queued_at  # the real send time
    assert view.state.drafts[draft_id].state == "sent"
    assert outbox.not_sent(app.ctx) == []
    (execs,) = [
        t for t in timers.timers(view, app.settings, clock.now) if t.audience == "executives"
    ]
    assert execs.last_sent == sent_at
    # The tab follows the change broadcast: the log has it, the outbox is empty.
    qtbot.waitUntil(lambda: tab.outbox_table.rowCount() == 0)
    assert tab.side.tabText(2) == "Outbox"
    assert any(
        tab.log_table.item(row, 3).text().startswith("Sent")
        for row in range(tab.log_table.rowCount())
    )


def test_one_run_at_a_time_and_nothing_to_do_changes_nothing(qtbot, comms_ws, app):
    tab = comms_tab(comms_ws)
    # No runs from the UI clock's ticks meanwhile (the first tick starts one at once).
    tab.outbox.stop()
    qtbot.waitUntil(lambda: not tab.outbox.running)
    events_before = len(incidents.get(app.ctx, tab._view.reference).events)
    with qtbot.waitSignal(tab.outbox.delivered, timeout=10_000) as blocker:
        assert tab.outbox.run_now()
        assert tab.outbox.running and not tab.outbox.run_now()
    assert blocker.args[0].run.sent == [] and not blocker.args[0].changed
    assert not tab.outbox.running
    assert len(incidents.get(app.ctx, tab._view.reference).events) == events_before
