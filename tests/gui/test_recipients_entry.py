"""Recipients typed in the window go through the one strict parser (issue 11, point 4).

The composer's field and the distribution-list editor cut a typed list into entries without
cutting a quoted name at its comma or semicolon, then keep what the parser made of each:
what a real SMTP server (aiosmtpd) received is what the Communications log shows."""

# Fixtures imported from the comms tests come back as test parameters: pytest, not a bug.
# ruff: noqa: F811

from __future__ import annotations

import email
from email import policy
from email.header import decode_header, make_header
from email.utils import getaddresses

from PySide6.QtCore import Qt

from mimdesk.domain.events import EventType
from mimdesk.gui.directory_dialog import DirectoryDialog
from mimdesk.usecases import directory, incidents

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

LEFT = Qt.MouseButton.LeftButton


def to_header(content: bytes) -> list[tuple[str, str]]:
    raw = email.message_from_bytes(content, policy=policy.compat32)["To"]
    return [(str(make_header(decode_header(name))), addr) for name, addr in getaddresses([raw])]


def test_quoted_names_with_separators_are_sent_and_logged_as_parsed(
    qtbot, comms_ws, app, comms_site
):
    tab = comms_tab(comms_ws)
    tab.set_kind("update")
    tab.set_audience("executives")
    tab.set_channel("smtp")
    # Pasted as Outlook copies a list, with a quoted name holding both separators.
    tab.recipients_edit.setText(
        '"Doe; Jane, CFO" <jane@example.org>; Дмитрий Иванов <dmitry@example.org>; '
        "Papadopoulou, Eleni <eleni@EXAMPLE.org>"
    )
    qtbot.mouseClick(tab.send_button, LEFT)
    qtbot.waitUntil(lambda: tab.last_result is not None and not tab.busy, timeout=15_000)
    wait_written(qtbot, comms_ws)
    assert tab.last_result.outcome == "sent", tab.last_result.reason

    (received,) = comms_site.messages
    assert received.rcpt_tos == ["jane@example.org", "dmitry@example.org", "eleni@example.org"]
    (message,) = incidents.get(app.ctx, tab._view.reference).state.messages
    assert message.recipients == (
        '"Doe; Jane, CFO" <jane@example.org>',
        "Дмитрий Иванов <dmitry@example.org>",
        '"Papadopoulou, Eleni" <eleni@example.org>',
    )
    assert [addr for entry in message.recipients for _, addr in getaddresses([entry])] == (
        received.rcpt_tos
    )
    assert to_header(received.content) == [
        (name, addr) for entry in message.recipients for name, addr in getaddresses([entry])
    ]
    # What the person sees in the log is what was recorded.
    qtbot.waitUntil(lambda: tab.log_table.rowCount() == 1)
    assert tab.log_table.item(0, 5).text() == ", ".join(message.recipients)


def test_group_syntax_in_the_composer_is_refused_and_nothing_is_sent(
    qtbot, comms_ws, app, comms_site
):
    tab = comms_tab(comms_ws)
    tab.set_channel("smtp")
    tab.recipients_edit.setText("CFO: attacker@evil.example <cfo@example.org>")
    qtbot.mouseClick(tab.send_button, LEFT)
    qtbot.waitUntil(lambda: tab.error.isVisible(), timeout=15_000)
    wait_written(qtbot, comms_ws)
    assert "'CFO: attacker@evil.example <cfo@example.org>'" in tab.error.text()
    assert "group syntax" in tab.error.text()
    assert comms_site.messages == []
    kinds = {e.type for e in app.log.all_events()}
    assert not kinds & {EventType.DRAFTED, EventType.MESSAGE_SENT, EventType.QUEUED}
    assert tab.recipients_edit.text() == "CFO: attacker@evil.example <cfo@example.org>"  # kept


def test_the_distribution_list_editor_keeps_parsed_addresses(qtbot, app, workspace):
    workspace.window.directory_action.trigger()
    dialog = workspace.window.findChild(DirectoryDialog)
    qtbot.waitExposed(dialog)
    page = dialog.distribution
    executives = page.edits["executives"]
    executives.insert("CFO: attacker@evil.example <cfo@example.org>")
    qtbot.mouseClick(page.save_button, LEFT)
    wait_written(qtbot, workspace)
    assert "group syntax" in page.error.text()
    assert directory.directory(app.ctx).distribution == {}

    executives.clear()
    executives.insert('Doe, Jane <jane@EXAMPLE.org>; "Smith; Bob" <bob@Bücher.example>')
    qtbot.mouseClick(page.save_button, LEFT)
    wait_written(qtbot, workspace)
    kept = directory.directory(app.ctx).distribution["executives"]
    assert kept == ('"Doe, Jane" <jane@example.org>', '"Smith; Bob" <bob@xn--bcher-kva.example>')
    # The editor shows what was kept, and reads it back as the same two entries.
    qtbot.waitUntil(lambda: not page.save_button.isEnabled())
    assert page.changed() == {}
