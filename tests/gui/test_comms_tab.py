"""The Communications tab, driven as a person would: pick, edit, check, send through a real
SMTP server and a real webhook receiver, approve, copy, open in the mail client, record."""

# Fixtures imported from the comms tests come back as test parameters: pytest, not a bug.
# ruff: noqa: F811

from __future__ import annotations

import email
import socket
from dataclasses import replace
from email import policy
from email.header import decode_header, make_header
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QTextCursor

from mimdesk import secrets
from mimdesk.domain.events import Author, EventType
from mimdesk.usecases import incidents, timers

from .comms_support import (  # noqa: F401  (fixtures)
    certs,
    comms_site,
    comms_tab,
    comms_ws,
    configure_site,
    incident,
    memory_keyring,
    smtp_server,
    smtp_site,
    webhooks,
)
from .conftest import wait_written


def state(app, tab):
    return incidents.get(app.ctx, tab._view.reference).state


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_sent(qtbot, ws, tab) -> None:
    qtbot.waitUntil(lambda: tab.last_result is not None and not tab.busy, timeout=15_000)
    wait_written(qtbot, ws)


def test_pick_kind_and_audience_edit_and_the_checklist_follows_the_text(qtbot, comms_ws, app):
    tab = comms_tab(comms_ws)
    tab.set_kind("update")
    tab.set_audience("executives")
    assert "Email down for all staff" in tab.subject_edit.text()
    # Recipients come from the audience's distribution list, and can be edited.
    assert tab.recipients_edit.text().startswith("leadership@example.org")
    assert "Distribution list for Executives" in tab.recipients_note.text()
    tab.refresh_check()
    assert tab.missing == []
    assert "✘" not in tab.checklist_label.text()
    assert "Email down" in tab.preview.toHtml()

    # The template writes the next update's time; take it out and the checklist says so.
    body = tab.body_edit.toPlainText()
    kept = [line for line in body.splitlines() if "next update" not in line.casefold()]
    assert len(kept) < len(body.splitlines())
    tab.body_edit.setPlainText("\n".join(kept))
    tab.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(tab.body_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(tab.body_edit, "We are restoring mail <now>.")
    qtbot.waitUntil(lambda: "✘ <b>When the next update comes" in tab.checklist_label.text())
    assert [m.id for m in tab.missing] == ["next_update"]
    assert "✘ <b>When the next update comes" in tab.checklist_label.text()
    # The preview shows the edited text, escaped, as the e-mail carries it.
    assert "restoring mail &lt;now&gt;" in tab.preview.toHtml()
    assert tab.dirty and "New draft" in tab.state_label.text()


def test_send_by_smtp_logs_the_exact_text_and_resets_the_audience_timer(
    qtbot, comms_ws, app, comms_site, clock
):
    tab = comms_tab(comms_ws)
    tab.set_kind("update")
    tab.set_audience("executives")
    tab.set_channel("smtp")
    # The distribution list is a starting point: the person edits it.
    tab.recipients_edit.setText("leadership@example.org, Ελένη Παπαδοπούλου <eleni@example.org>")
    tab.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    # Typed through the widget: QTest can only type ASCII keys.
    tab.body_edit.insertPlainText("\nΗ υπηρεσία επανέρχεται.")
    subject, body = tab.subject_edit.text(), tab.body_edit.toPlainText()
    click(qtbot, tab.send_button)
    wait_sent(qtbot, comms_ws, tab)

    assert tab.last_result.outcome == "sent", tab.last_result.reason
    (received,) = comms_site.messages
    mail = email.message_from_bytes(received.content, policy=policy.default)
    assert mail["Subject"] == subject
    # decode_header joins adjacent encoded words as RFC 2047 says (the policy parser of
    # Python 3.11 leaves a space where the header was folded between them).
    raw_to = email.message_from_bytes(received.content, policy=policy.compat32)["To"]
    assert str(make_header(decode_header(raw_to))) == (
        "leadership@example.org, Ελένη Παπαδοπούλου <eleni@example.org>"
    )
    assert "Η υπηρεσία επανέρχεται." in mail.get_body(("plain",)).get_content()
    assert received.rcpt_tos == ["leadership@example.org", "eleni@example.org"]

    view = incidents.get(app.ctx, tab._view.reference)
    (message,) = view.state.messages
    assert (message.subject, message.body, message.channel, message.audience) == (
        subject,
        body,
        "smtp",
        "executives",
    )
    (execs,) = [
        t for t in timers.timers(view, app.settings, clock.now) if t.audience == "executives"
    ]
    assert execs.last_sent == clock.now
    # What the user sees: the log row, its exact text, and a fresh draft ready.
    qtbot.waitUntil(lambda: tab.log_table.rowCount() == 1)
    assert tab.log_table.item(0, 1).text() == "Executives"
    assert tab.log_table.item(0, 2).text() == "smtp"
    assert "eleni@example.org" in tab.log_table.item(0, 5).text()
    assert tab.log_text.toPlainText() == f"{subject}\n\n{body}"
    assert "Sent via" in tab.result_label.text()
    assert tab.draft_id is None and not tab.dirty
    assert "in 00:30:00" in tab.timer_label.text()


def test_send_to_a_webhook_through_a_real_http_server(qtbot, comms_ws, app, webhooks):
    secrets.set_secret("webhook:slack", webhooks.url("/slack"))
    tab = comms_tab(comms_ws)
    tab.set_audience("it_staff")
    tab.set_channel("slack")
    assert "Email down" in tab.preview.toPlainText()  # plain text: what Slack shows
    click(qtbot, tab.send_button)
    wait_sent(qtbot, comms_ws, tab)
    assert tab.last_result.outcome == "sent", tab.last_result.reason
    (request,) = webhooks.requests
    assert request.path == "/slack"
    assert "Email down for all staff" in str(request.json)
    qtbot.waitUntil(lambda: tab.log_table.rowCount() == 1)
    assert tab.log_table.item(0, 2).text() == "slack"


def test_a_slow_channel_shows_that_the_send_is_under_way(qtbot, comms_ws, app):
    """A webhook server that takes the connection and never answers: the tab says it is
    sending, with a busy bar, until the channel's timeout ends it."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)  # the kernel completes the handshake; nobody ever answers
    try:
        port = silent.getsockname()[1]
        secrets.set_secret("webhook:generic", f"http://127.0.0.1:{port}/hook")
        app.settings.comms = replace(app.settings.comms, http_timeout_seconds=2.0)
        tab = comms_tab(comms_ws)
        tab.set_audience("it_staff")
        tab.set_channel("webhook")
        click(qtbot, tab.send_button)
        qtbot.waitUntil(lambda: tab.sending_bar.isVisible(), timeout=5_000)
        assert tab.result_label.text().startswith("Sending via")
        assert not tab.send_button.isEnabled()
        wait_sent(qtbot, comms_ws, tab)
        assert not tab.sending_bar.isVisible()
        assert tab.last_result.outcome in ("queued", "failed")
        assert "time" in tab.last_result.reason, tab.last_result.reason
    finally:
        silent.close()


def test_a_refused_send_keeps_the_draft_and_says_why(qtbot, comms_ws, app):
    tab = comms_tab(comms_ws)
    tab.set_channel("teams")  # no webhook address in the keyring
    subject = tab.subject_edit.text()
    click(qtbot, tab.send_button)
    wait_sent(qtbot, comms_ws, tab)
    assert tab.last_result.outcome == "failed"
    assert "not set up" in tab.error.text() and "The draft is kept" in tab.error.text()
    assert tab.draft_id is not None and tab.subject_edit.text() == subject
    assert state(app, tab).drafts[tab.draft_id].state == "failed"
    qtbot.waitUntil(lambda: tab.outbox_table.rowCount() == 1)
    assert tab.outbox_table.item(0, 3).text() == "Not sent"
    assert tab.log_table.item(0, 3).text().startswith("Failed: ")


def test_approval_comms_lead_drafts_the_mim_approves_then_it_goes_out(
    qtbot, app, tmp_path, certs, comms_site, incident, workspace
):
    configure_site(app, tmp_path, smtp_site(comms_site.port, certs, approval=True))
    secrets.set_secret("smtp:127.0.0.1", "pw-Zq8!s3cret-smtp")
    tab = comms_tab(workspace)
    tab.show_incident(tab._view)  # the settings changed after the tab was built
    tab.set_channel("smtp")
    assert tab.approve_button.isVisible() and not tab.send_button.isEnabled()
    assert "Needs approval by Ana Costa" in tab.state_label.text()

    app.ctx.author = Author("Ben Okafor", "ben")  # the communications lead
    click(qtbot, tab.save_button)
    wait_written(qtbot, workspace)
    draft_id = tab.draft_id
    assert state(app, tab).drafts[draft_id].drafted_by.name == "Ben Okafor"
    click(qtbot, tab.approve_button)
    qtbot.waitUntil(lambda: "Only the Major Incident Manager" in tab.error.text())
    assert not tab.send_button.isEnabled()

    app.ctx.author = Author("Ana Costa", "ana")
    click(qtbot, tab.approve_button)
    qtbot.waitUntil(lambda: tab.send_button.isEnabled())
    assert "Approved by Ana Costa" in tab.state_label.text()
    click(qtbot, tab.send_button)
    wait_sent(qtbot, workspace, tab)
    assert tab.last_result.outcome == "sent", tab.last_result.reason
    types = [e.type for e in incidents.get(app.ctx, incident.reference).events]
    assert types[-3:] == [EventType.DRAFTED, EventType.APPROVED, EventType.MESSAGE_SENT]
    assert len(comms_site.messages) == 1


def test_copy_puts_plain_text_and_html_on_the_clipboard(qtbot, comms_ws, app):
    tab = comms_tab(comms_ws)
    tab.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(tab.body_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(tab.body_edit, "Callers: <tell them> to wait.")
    click(qtbot, tab.copy_button)
    wait_written(qtbot, comms_ws)
    qtbot.waitUntil(lambda: "Copied" in tab.result_label.text())
    data = QGuiApplication.clipboard().mimeData()
    assert data.text().endswith("Callers: <tell them> to wait.\n") or (
        "Callers: <tell them> to wait." in data.text()
    )
    assert data.hasHtml() and "Callers: &lt;tell them&gt; to wait." in data.html()
    # Copying saved the draft (an event), not a message: nothing is recorded as sent.
    assert tab.draft_id in state(app, tab).drafts and state(app, tab).messages == []


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_open_in_mail_client_opens_an_unsent_eml(qtbot, comms_ws, app):
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        tab = comms_tab(comms_ws)
        click(qtbot, tab.mail_button)
        qtbot.waitUntil(lambda: bool(catcher.urls), timeout=10_000)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    path = catcher.urls[0].toLocalFile()
    mail = email.message_from_bytes(Path(path).read_bytes(), policy=policy.default)
    assert mail["X-Unsent"] == "1"
    assert mail["Subject"] == tab.subject_edit.text()
    assert state(app, tab).messages == []


def test_mark_sent_by_other_means_records_it_in_the_log(qtbot, comms_ws, app, clock):
    tab = comms_tab(comms_ws)
    tab.set_audience("service_desk")
    click(qtbot, tab.mark_button)
    qtbot.waitUntil(lambda: tab.mark_dialog is not None and tab.mark_dialog.isVisible())
    dialog = tab.mark_dialog
    dialog.ui.channelCombo.setCurrentIndex(dialog.ui.channelCombo.findData("bridge"))
    dialog.ui.recipientsEdit.setText("Everyone on the bridge")
    click(qtbot, dialog.ui.buttonBox.button(dialog.ui.buttonBox.StandardButton.Ok))
    qtbot.waitUntil(lambda: "Recorded as sent by bridge" in tab.result_label.text())
    (message,) = state(app, tab).messages
    assert (message.channel, message.audience, message.recipients) == (
        "bridge",
        "service_desk",
        ("Everyone on the bridge",),
    )
    assert tab.log_table.item(0, 2).text() == "bridge"


def test_a_change_made_while_the_tab_is_hidden_shows_when_it_is_shown(qtbot, comms_ws, app):
    window = comms_ws.window
    tab = comms_tab(comms_ws)
    assert tab.log_table.rowCount() == 0
    window.tabs.setCurrentIndex(0)  # the Overview: the Communications tab is hidden now
    assert not tab.isVisible()
    reference = window.current.reference
    changes = timers.record_update(
        app.ctx,
        reference=reference,
        settings=app.settings,
        audience="executives",
        channel="phone",
        text="Told the CIO on the phone",
    )
    comms_ws.hub.publish(changes)
    qtbot.waitUntil(lambda: len(window.current.view.state.messages) == 1)
    window.tabs.setCurrentWidget(tab)
    assert tab.log_table.rowCount() == 1
    assert tab.log_table.item(0, 2).text() == "phone"
