"""The window shows a red banner while the shared record is in doubt (issue 14, point 5),
from the start (the findings are in the file) and as the sync raises them; Details names
each entry and both versions."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QPlainTextEdit

from mimdesk.store import record_trust
from mimdesk.sync.service import State, Status


def _alarm(app, event_id: str) -> None:
    with app.log.file.write() as conn:
        record_trust.raise_alarm(
            conn,
            record_trust.AlarmKind.ALTERED,
            event_id=event_id,
            desk_id="desk-a",
            here={"payload": '{"text": "Restarted the VPN at 10:05"}'},
            shown={"payload": '{"text": "Nothing was done"}'},
            found_at=datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
        )


def test_no_banner_while_the_record_holds(workspace):
    banner = workspace.sync.record_banner
    assert banner is not None and banner.isHidden()


def test_the_banner_shows_the_findings_and_their_versions(app, request):
    _alarm(app, "0190-event-1")
    ws = request.getfixturevalue("workspace")  # opened over the file holding the finding
    banner = ws.sync.record_banner
    assert banner is not None and banner.isVisible()
    assert banner.label.text().startswith("Shared record altered: 1 finding.")
    dialog = banner.show_details()
    text = dialog.findChild(QPlainTextEdit, "recordAlarmList").toPlainText()
    assert "event 0190-event-1: the shared database's copy differs" in text
    assert """payload, this desk's copy: '{"text": "Restarted the VPN at 10:05"}'""" in text
    assert """payload, the shared copy: '{"text": "Nothing was done"}'""" in text
    dialog.close()
    # The sync's status carries the count: a second finding, then none.
    banner.show_status(Status(State.ONLINE, record_alarms=2))
    assert banner.label.text().startswith("Shared record altered: 2 findings.")
    banner.show_status(Status(State.ONLINE, record_alarms=0))
    assert banner.isHidden()
