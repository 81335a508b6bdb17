"""Reminders across every active incident: updates falling due, and a missing MIM."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from mimdesk.gui.alerts import MIM_KEY
from mimdesk.gui.roles_tab import RolesTab
from mimdesk.gui.signals import emit
from mimdesk.usecases import declaration, incidents, roles, timers
from tests.gui.conftest import wait_written


def declare(app, title, severity="SEV1", mim="Ana Costa"):
    summary, _ = incidents.report(app.ctx, title=title, severity=severity)
    declaration.declare(
        app.ctx,
        reference=summary.reference,
        settings=app.settings,
        severity=severity,
        mim=mim,
        rationale="Many users down",
    )
    return summary


@pytest.fixture
def two(app):
    return declare(app, "E-mail down"), declare(app, "VPN down", severity="SEV2")


def test_reminders_cover_incidents_that_are_not_open(qtbot, app, two, workspace, clock):
    mail, vpn = two
    alerts = workspace.window.alerts
    assert sorted(alerts.watched) == sorted([mail.stream_id, vpn.stream_id])
    # SEV1 service desk every 15 min, SEV2 it_staff and service desk every 30.
    clock.advance(minutes=31)
    with qtbot.waitSignal(alerts.alerted, timeout=3000) as raised:
        emit(workspace.clock.tick, clock.now)
    due = {(a.reference, a.kind) for a in raised.args[0]}
    assert (mail.reference, "service_desk") in due
    assert (vpn.reference, "service_desk") in due
    text = alerts.banner.label.text()
    assert mail.reference in text and vpn.reference in text


def test_reminder_repeats_while_overdue_and_stops_once_sent(qtbot, app, two, workspace, clock):
    mail, _vpn = two
    alerts = workspace.window.alerts
    every = app.settings.timers.remind_every_minutes
    clock.advance(minutes=16)
    first = alerts.check(clock.now)
    assert (mail.reference, "service_desk") in {(a.reference, a.kind) for a in first}
    clock.advance(minutes=1)
    assert alerts.check(clock.now) == []  # not every second
    clock.advance(minutes=every)
    again = alerts.check(clock.now)
    assert (mail.reference, "service_desk") in {(a.reference, a.kind) for a in again}

    # Sent: this audience's reminders stop (the change reaches the watcher via the hub).
    workspace.window.countdowns.countdowns["service_desk"].sent_action.trigger()
    dialog = workspace.window.findChild(QInputDialog, "updateSentDialog")
    dialog.accept()
    wait_written(qtbot, workspace)
    clock.advance(minutes=every)
    later = {(a.reference, a.kind) for a in alerts.check(clock.now)}
    assert (mail.reference, "service_desk") not in later


def test_banner_opens_the_incident_it_is_about(qtbot, app, two, workspace, clock):
    mail, vpn = two
    window = workspace.window
    other = vpn if window.current.stream_id == mail.stream_id else mail
    roles.assign(app.ctx, reference=other.reference, role="comms_lead", person="Kim")
    clock.advance(minutes=40)
    alerts = window.alerts
    alerts.banner.show_alerts(
        [a for a in alerts.check(clock.now) if a.stream_id == other.stream_id]
    )
    qtbot.mouseClick(alerts.banner.open_button, Qt.MouseButton.LeftButton)
    assert window.current.stream_id == other.stream_id
    assert not alerts.banner.isVisible()


@pytest.fixture
def mimless(app):
    summary = declare(app, "Payroll down")
    roles.release(app.ctx, reference=summary.reference, role="mim")
    return summary


def test_declared_without_mim_reminds_until_one_is_named(qtbot, app, mimless, workspace, clock):
    summary = mimless
    alerts = workspace.window.alerts
    assert workspace.window.header.mim_warning
    # Reminded on the first tick, as the window opened.
    assert alerts.banner.isVisible()
    assert f"{summary.reference} has no Major Incident Manager" in alerts.banner.label.text()
    clock.advance(minutes=1)
    assert alerts.check(clock.now) == []
    clock.advance(minutes=app.settings.timers.mim_reminder_minutes)
    again = alerts.check(clock.now)
    assert [(a.reference, a.kind) for a in again] == [(summary.reference, MIM_KEY)]

    workspace.window.open_incident(summary.stream_id)
    tab = workspace.window.findChild(RolesTab)
    tab.select_role("mim")
    dialog = tab.assign_selected()
    dialog.ui.personEdit.setText("Ben Okafor")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)
    clock.advance(minutes=10)
    assert MIM_KEY not in {a.kind for a in alerts.check(clock.now)}


def test_the_banner_clears_as_soon_as_the_update_is_recorded(qtbot, app, two, workspace, clock):
    mail, _vpn = two
    window = workspace.window
    alerts = window.alerts
    clock.advance(minutes=16)  # SEV1: the service desk's update is overdue; SEV2's is not
    raised = [a for a in alerts.check(clock.now) if a.stream_id == mail.stream_id]
    assert {a.kind for a in raised} == {"service_desk"}
    alerts.banner.show_alerts(raised)
    assert alerts.banner.isVisible()
    # Recorded for the open incident, by whatever path: the banner goes on the broadcast,
    # not at the next reminder.
    window.open_incident(mail.stream_id)
    qtbot.waitUntil(lambda: window.current.stream_id == mail.stream_id)
    changes = timers.record_update(
        app.ctx, reference=mail.reference, settings=app.settings, audience="service_desk",
        channel="phone", text="Told the desk",
    )  # fmt: skip
    workspace.hub.publish(changes)
    qtbot.waitUntil(lambda: not alerts.banner.isVisible(), timeout=3000)
    assert alerts.banner.alerts == []


def test_the_banner_keeps_the_reminders_not_yet_answered(qtbot, app, two, workspace, clock):
    mail, vpn = two
    alerts = workspace.window.alerts
    clock.advance(minutes=31)
    raised = alerts.check(clock.now)
    alerts.banner.show_alerts(raised)
    changes = timers.record_update(
        app.ctx, reference=vpn.reference, settings=app.settings, audience="service_desk",
        channel="phone",
    )  # fmt: skip
    workspace.hub.publish(changes)
    qtbot.waitUntil(
        lambda: (
            (vpn.reference, "service_desk")
            not in {(a.reference, a.kind) for a in alerts.banner.alerts}
        ),
        timeout=3000,
    )
    assert alerts.banner.isVisible()
    assert (mail.reference, "service_desk") in {(a.reference, a.kind) for a in alerts.banner.alerts}
    assert vpn.reference + ": update to Service desk" not in alerts.banner.label.text()
