"""The window's outbox and ``mimdesk outbox`` list the same messages in the same states, and
the window's "Try again now" retries what ``outbox --deliver`` retries."""

# Fixtures imported from the comms tests come back as test parameters: pytest, not a bug.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mimdesk import cli
from mimdesk.usecases import incidents
from tests.comms.test_outbox_not_sent import (
    OTHER_SUBJECT,
    QUEUED_SUBJECT,
    SUBJECTS,
    TEAMS_SUBJECT,
    not_sent_three_ways,
)

from .comms_support import (  # noqa: F401  (fixtures)
    certs,
    comms_tab,
    incident,
    memory_keyring,
    started_worker,
    webhooks,
    webhooks_down,
)
from .conftest import wait_written

WINDOW_STATES = {"Waiting in the outbox": "queued", "Not sent": "failed"}


@pytest.fixture
def three_not_sent(app, incident, webhooks, webhooks_down) -> dict[str, str]:
    """Made before the window opens, so that it opens on them."""
    return not_sent_three_ways(app, incident.reference, webhooks, webhooks_down)


def window_rows(tab) -> dict[str, tuple[str, str, bool, str]]:
    """(channel, state, another desk's, reason) of each row, by subject."""
    rows = {}
    table = tab.outbox_table
    for row in range(table.rowCount()):
        state_text = table.item(row, 3).text()
        label, _, rest = state_text.partition(" (")
        subject, _, reason = table.item(row, 4).text().partition(" — ")
        channel = table.item(row, 2).text()
        rows[subject] = (channel, WINDOW_STATES[label], "another desk" in rest, reason)
    return rows


def cli_rows(app, capsys) -> dict[str, tuple[str, str, bool, str]]:
    assert cli.main(["--db", str(app.database), "outbox"]) == 0
    rows = {}
    for line in capsys.readouterr().out.splitlines():
        subject = next((s for s in SUBJECTS if s in line), None)
        if subject is None:
            continue
        _ref, _audience, channel, state, *_ = line.split()
        reason = line.rsplit("[", 1)[1].removesuffix("]")
        rows[subject] = (channel, state, "(another desk's)" in line, reason)
    return rows


def test_the_window_and_the_cli_list_the_same_messages_in_the_same_states(
    qtbot, three_not_sent, workspace, app, capsys
):
    tab = comms_tab(workspace)
    qtbot.waitUntil(lambda: tab.outbox_table.rowCount() == 3)
    shown = window_rows(tab)
    assert cli_rows(app, capsys) == shown
    assert {s: v[:3] for s, v in shown.items()} == {
        TEAMS_SUBJECT: ("teams", "failed", False),
        QUEUED_SUBJECT: ("webhook", "queued", False),
        OTHER_SUBJECT: ("webhook", "queued", True),
    }
    assert shown[TEAMS_SUBJECT][3] == "Teams refused the message (HTTP 403)"


def test_try_again_now_retries_the_failed_teams_message(
    qtbot, three_not_sent, workspace, app, webhooks
):
    tab = comms_tab(workspace)
    qtbot.waitUntil(lambda: tab.outbox_table.rowCount() == 3)
    # The worker's own runs (every 30 s of the UI clock) do not retry a refused message.
    tab.outbox.stop()
    qtbot.waitUntil(lambda: not tab.outbox.running)
    webhooks.status = 200
    with qtbot.waitSignal(tab.outbox.delivered, timeout=10_000):
        qtbot.mouseClick(tab.retry_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)
    qtbot.waitUntil(lambda: tab.outbox_table.rowCount() == 2)
    assert TEAMS_SUBJECT not in window_rows(tab)
    state = incidents.get(app.ctx, tab._view.reference).state
    assert state.drafts[three_not_sent[TEAMS_SUBJECT]].state == "sent"
    assert [r.path for r in webhooks.requests] == ["/teams", "/teams"]


def test_the_worker_on_its_own_does_not_retry_a_refused_message(
    qtbot, three_not_sent, workspace, app, webhooks, clock
):
    """Only a person's request retries a refusal (a wrong password tried every 30 s would
    lock the account); the worker's runs retry what waits for a channel to come back."""
    tab = comms_tab(workspace)
    qtbot.waitUntil(lambda: tab.outbox_table.rowCount() == 3)
    tab.outbox.stop()
    qtbot.waitUntil(lambda: not tab.outbox.running)
    webhooks.status = 200
    worker, reports = started_worker(workspace)
    try:
        qtbot.waitUntil(lambda: len(reports) >= 1, timeout=10_000)
        clock.advance(minutes=1)  # past the back-off: a second run
        qtbot.waitUntil(lambda: len(reports) >= 2, timeout=10_000)
    finally:
        worker.stop()
    assert all(r.run.sent == [] for r in reports)
    assert len(webhooks.requests) == 1  # the first send only
    qtbot.waitUntil(lambda: not worker.running)
