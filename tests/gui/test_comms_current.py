"""Nothing stale in the composer: it follows the incident's status, and its "next update by"
names the minute the header's countdown shows once the message has gone out, never a past
one."""

# Fixtures imported from the comms tests come back as test parameters: pytest, not a bug.
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import UTC, datetime

from mimdesk.comms.context import next_updates
from mimdesk.domain.clock import format_local, minute_up
from mimdesk.usecases import incidents, timers

from .comms_support import (  # noqa: F401  (fixtures)
    certs,
    comms_site,
    comms_tab,
    comms_ws,
    incident,
    memory_keyring,
    smtp_server,
)
from .conftest import wait_written


def test_minute_up_never_goes_back():
    assert minute_up(datetime(2026, 12, 7, 10, 4, 0, tzinfo=UTC)) == datetime(
        2026, 12, 7, 10, 4, tzinfo=UTC
    )
    assert minute_up(datetime(2026, 12, 7, 10, 4, 0, 1, tzinfo=UTC)) == datetime(
        2026, 12, 7, 10, 5, tzinfo=UTC
    )


def test_the_promise_is_rounded_up_to_the_minute(app, incident, clock):
    clock.advance(seconds=42)
    view = incidents.get(app.ctx, incident.reference)
    promises = next_updates(view.state, app.settings.timers, clock.now)
    for audience, due in promises.items():
        assert due is not None and due.second == 0 and due.microsecond == 0, audience
        assert due >= clock.now, audience  # never in the past


def test_the_status_moving_on_redrafts_an_untouched_text_and_flags_an_edited_one(
    qtbot, comms_ws, app
):
    tab = comms_tab(comms_ws)
    tab.set_kind("update")
    tab.set_audience("business")
    assert "Status:" in tab.body_edit.toPlainText()
    reference = tab._view.reference
    changes = incidents.change_status(app.ctx, reference=reference, to="mitigated")
    comms_ws.hub.publish(changes)
    qtbot.waitUntil(lambda: tab.kind == "mitigated", timeout=5000)
    assert "Workaround in place" in tab.subject_edit.text()
    assert not tab.dirty

    # Edited by the person: kept, and flagged as written before the status moved.
    tab.body_edit.appendPlainText("Our own words.")
    changes = incidents.change_status(app.ctx, reference=reference, to="resolved")
    comms_ws.hub.publish(changes)
    qtbot.waitUntil(lambda: "The incident is Resolved now" in tab.state_label.text())
    assert "Our own words." in tab.body_edit.toPlainText() and tab.kind == "mitigated"


def test_the_sent_update_promises_the_minute_the_countdown_then_shows(qtbot, comms_ws, app, clock):
    tab = comms_tab(comms_ws)
    tab.set_kind("update")
    tab.set_audience("executives")
    clock.advance(minutes=7, seconds=23)  # the text on screen was made earlier
    tab.set_channel("smtp")
    tab.send_button.click()
    qtbot.waitUntil(lambda: tab.last_result is not None and not tab.busy, timeout=15_000)
    wait_written(qtbot, comms_ws)
    assert tab.last_result.outcome == "sent", tab.last_result.reason
    view = incidents.get(app.ctx, tab._view.reference)
    body = view.state.messages[-1].body
    promised = re.search(r"Next update: by (\d\d:\d\d)", body).group(1)
    (timer,) = [
        t for t in timers.timers(view, app.settings, clock.now) if t.audience == "executives"
    ]
    shown = format_local(minute_up(timer.due_at), date=False)
    assert shown.startswith(promised), (promised, shown)
    # The composer's own line says the same minute.
    tab.set_audience("executives")
    tab.composer.show_timer(clock.now)
    assert f"due by {shown}" in tab.timer_label.text()
