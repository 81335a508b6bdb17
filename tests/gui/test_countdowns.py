"""The header's clocks and countdowns: amber, red, snooze, cadence and "update sent", all
driven by the fake clock through the one UI clock."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog

from mimdesk.domain.cadence import Level
from mimdesk.domain.events import EventType
from mimdesk.gui.signals import emit
from mimdesk.usecases import declaration, incidents
from tests.gui.conftest import wait_written
from tests.support.recorded import as_json


@pytest.fixture
def declared(app, clock):
    """A SEV1 declared at 09:00: service desk every 15 minutes, executives every 30."""
    summary, _ = incidents.report(app.ctx, title="E-mail down for all staff", severity="SEV1")
    declaration.declare(
        app.ctx,
        reference=summary.reference,
        settings=app.settings,
        severity="SEV1",
        mim="Ana Costa",
        rationale="All mail is down",
    )
    return summary


@pytest.fixture
def ws(declared, workspace):
    assert workspace.window.current.reference == declared.reference
    return workspace


def countdown(ws, audience):
    return ws.window.countdowns.countdowns[audience]


def test_countdown_per_audience_in_the_header(ws):
    row = ws.window.countdowns
    assert row.isVisibleTo(ws.window)
    assert list(row.countdowns) == [
        "executives",
        "business",
        "it_staff",
        "service_desk",
        "customers",
        "all_staff",
    ]
    desk = countdown(ws, "service_desk")
    assert desk.text() == "Service desk: 00:15:00"
    assert desk.level is Level.OK
    assert "every 15 min" in desk.toolTip()


def test_amber_at_five_minutes(ws, clock):
    desk = countdown(ws, "service_desk")
    clock.advance(minutes=10)
    # 5 minutes left: amber, and nobody is disturbed yet. (The test emits the one UI clock's
    # tick rather than wait a real second for it.)
    emit(ws.clock.tick, clock.now)
    assert desk.text() == "Service desk: 00:05:00"
    assert desk.level is Level.AMBER
    assert "#f5b83d" in desk.styleSheet()
    assert not ws.window.alerts.banner.isVisible()


def test_due_update_turns_red_and_raises_a_notification(qtbot, ws, clock):
    desk = countdown(ws, "service_desk")
    alerts = ws.window.alerts
    clock.advance(minutes=15, seconds=30)
    with qtbot.waitSignal(alerts.alerted, timeout=3000) as raised:
        pass  # the next real tick of the UI clock reads the advanced fake clock
    assert [a.kind for a in raised.args[0]] == ["service_desk"]
    assert desk.level is Level.RED
    assert desk.text() == "Service desk: overdue 00:00:30"
    assert "#b42318" in desk.styleSheet()
    # No tray offscreen, so the reminder is the in-window banner.
    assert alerts.tray is None
    assert alerts.banner.isVisible()
    assert "update to Service desk is due" in alerts.banner.label.text()


def test_snooze_is_an_event_and_moves_the_countdown(qtbot, app, ws, clock, declared):
    desk = countdown(ws, "service_desk")
    clock.advance(minutes=16)
    emit(ws.clock.tick, clock.now)
    assert desk.level is Level.RED
    desk.snooze_actions[10].trigger()
    wait_written(qtbot, ws)
    view = incidents.view(app.ctx, declared.stream_id)
    snoozes = [e for e in view.events if e.type == EventType.SNOOZED]
    assert [as_json(e.payload)["audience"] for e in snoozes] == ["service_desk"]
    qtbot.waitUntil(lambda: desk.text() == "Service desk: 00:10:00", timeout=3000)
    assert desk.level is Level.OK
    assert "Snoozed until" in desk.toolTip()


def test_update_sent_by_hand_restarts_the_countdown(qtbot, app, ws, clock, declared):
    desk = countdown(ws, "service_desk")
    clock.advance(minutes=20)
    emit(ws.clock.tick, clock.now)
    assert desk.level is Level.RED
    desk.sent_action.trigger()
    dialog = ws.window.findChild(QInputDialog, "updateSentDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("phone")
    dialog.accept()
    wait_written(qtbot, ws)
    sent = incidents.view(app.ctx, declared.stream_id).state.messages
    assert [(m.audience, m.channel) for m in sent] == [("service_desk", "phone")]
    qtbot.waitUntil(lambda: desk.text() == "Service desk: 00:15:00", timeout=3000)
    assert desk.level is Level.OK


def test_cadence_change_is_an_event_and_an_audience_can_be_switched_off(qtbot, app, ws, declared):
    execs = countdown(ws, "executives")
    execs.cadence_action.trigger()
    dialog = ws.window.findChild(QInputDialog, "cadenceDialog")
    assert dialog.intValue() == 30
    dialog.setIntValue(45)
    dialog.accept()
    wait_written(qtbot, ws)
    assert incidents.view(app.ctx, declared.stream_id).state.cadence == {"executives": 45}
    qtbot.waitUntil(lambda: execs.text() == "Executives: 00:45:00", timeout=3000)

    countdown(ws, "customers").cadence_action.trigger()
    dialog = ws.window.findChild(QInputDialog, "cadenceDialog")
    dialog.setIntValue(0)
    dialog.accept()
    wait_written(qtbot, ws)
    qtbot.waitUntil(lambda: "customers" not in ws.window.countdowns.countdowns, timeout=3000)


def test_clocks_against_the_severity_targets(ws, clock):
    gauges = ws.window.countdowns.gauges
    declared = gauges["declared"]
    assert declared.level is Level.OK
    assert "· restore within 4 h" in declared.value.text()
    clock.advance(hours=3, minutes=30)  # past 80 % of the 4-hour restore target
    emit(ws.clock.tick, clock.now)
    assert declared.level is Level.AMBER
    assert declared.bar.value() == 875
    clock.advance(minutes=31)
    emit(ws.clock.tick, clock.now)
    assert declared.level is Level.RED
    assert declared.bar.value() == 1000
    assert gauges["mitigated"].value.text().startswith("--:--:--")


def test_timers_wait_for_the_declaration(qtbot, app, clock):
    from mimdesk.gui.main import Workspace, application

    incidents.report(app.ctx, title="Printer queue slow", severity="SEV3")
    application()
    ws = Workspace(app)
    try:
        ws.window.show()
        qtbot.waitExposed(ws.window)
        row = ws.window.countdowns
        assert row.countdowns == {}
        assert row.paused_label.isVisible()
        assert "declared" in row.paused_label.text()
    finally:
        ws.window.close()
        ws.clock.stop()
        ws.runner.wait()
        ws.window.deleteLater()
