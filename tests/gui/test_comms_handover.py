"""The Communications tab: a mail-client draft is handed over, never "sent"; approval holds
Send, Copy and Mail client back, with the reason; verbal approvals; a draft signed by a
former MIM asks for a refresh.

No mail client runs here: the hand-over is tested through Qt's URL handler (what
QDesktopServices.openUrl would open) and through mimdesk.gui.comms_handover's seam."""

# Fixtures imported from the comms tests come back as test parameters: pytest, not a bug.
# ruff: noqa: F811

from __future__ import annotations

import email
from email import policy
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from mimdesk.domain.events import Author, EventType
from mimdesk.gui import comms_handover
from mimdesk.usecases import incidents, roles, timers

from .comms_support import (  # noqa: F401  (fixtures)
    certs,
    comms_site,
    comms_tab,
    comms_ws,
    configure_site,
    incident,
    memory_keyring,
    smtp_server,
)
from .conftest import wait_written


class UrlCatcher(QObject):
    """Stands where the desktop's handler of file: URLs (the mail client, the file manager)
    would be."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def state(app, tab):
    return incidents.get(app.ctx, tab._view.reference).state


def due(app, tab, audience: str):
    view = incidents.get(app.ctx, tab._view.reference)
    found = [t for t in timers.timers(view, app.settings, app.ctx.now()) if t.audience == audience]
    return found[0].due_at


def test_send_as_a_mail_client_draft_hands_it_over_and_is_not_sent(qtbot, comms_ws, app, home):
    tab = comms_tab(comms_ws)
    tab.set_audience("executives")
    tab.set_channel("eml")
    before = due(app, tab, "executives")
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        click(qtbot, tab.send_button)
        qtbot.waitUntil(lambda: bool(catcher.urls), timeout=10_000)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    wait_written(qtbot, comms_ws)
    path = Path(catcher.urls[0].toLocalFile())
    # In the documented folder: "MIM Desk" under Documents (here the test home).
    assert path.parent == app.settings.files.path == home / "MIM Desk"
    mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["X-Unsent"] == "1" and mail["Subject"] == tab.subject_edit.text()
    assert tab.last_result is not None and tab.last_result.outcome == "handed"
    text = tab.result_label.text()
    assert text.startswith("Handed to your mail client") and "Sent" not in text
    assert "not recorded as sent" in text
    # Recorded as handed over, not sent: no message, the timer did not move.
    s = state(app, tab)
    assert s.messages == [] and s.drafts[tab.draft_id].state == "handed"
    assert incidents.get(app.ctx, tab._view.reference).events[-1].type == (
        EventType.HANDED_TO_MAIL_CLIENT
    )
    assert due(app, tab, "executives") == before
    assert "Handed to mail client, not sent" in tab.state_label.text()

    # Sent from the mail client, the person records it: by e-mail, offered first.
    click(qtbot, tab.mark_button)
    qtbot.waitUntil(lambda: tab.mark_dialog is not None and tab.mark_dialog.isVisible())
    dialog = tab.mark_dialog
    assert dialog.ui.channelCombo.currentData() == "email"
    click(qtbot, dialog.ui.buttonBox.button(dialog.ui.buttonBox.StandardButton.Ok))
    qtbot.waitUntil(lambda: len(state(app, tab).messages) == 1)
    assert state(app, tab).messages[0].channel == "email"
    assert due(app, tab, "executives") > before


def test_where_no_mail_client_answers_the_file_is_shown_in_the_file_manager(
    qtbot, comms_ws, app, monkeypatch
):
    tab = comms_tab(comms_ws)
    monkeypatch.setattr(comms_handover, "open_with_mail_client", lambda _path: False)
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        click(qtbot, tab.mail_button)
        qtbot.waitUntil(lambda: bool(catcher.urls), timeout=10_000)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    # On Linux the folder opens (Explorer and Finder select the file itself).
    assert Path(catcher.urls[0].toLocalFile()) == app.settings.files.path
    qtbot.waitUntil(lambda: "No mail client opened it" in tab.result_label.text())
    assert ".eml" in tab.result_label.text()
    assert state(app, tab).messages == []


def test_approval_holds_send_copy_and_mail_client_back_and_says_why(qtbot, comms_ws, app, tmp_path):
    configure_site(app, tmp_path, '[comms]\napproval = "mim"\n')
    tab = comms_tab(comms_ws)
    tab.show_incident(tab._view)  # the settings changed after the tab was built
    app.ctx.author = Author("Ben Okafor", "ben")
    for button in (tab.send_button, tab.copy_button, tab.mail_button):
        assert not button.isEnabled(), button.text()
        assert button.toolTip().startswith("Needs approval by Ana Costa first."), button.text()
    # Shortcuts do not get round it either.
    tab.send()
    tab.copy()
    tab.open_in_mail_client()
    assert tab.draft_id is None and state(app, tab).drafts == {}
    assert tab.mark_button.isEnabled()
    assert "recorded as sent without approval" in tab.mark_button.toolTip()

    click(qtbot, tab.mark_button)
    qtbot.waitUntil(lambda: tab.mark_dialog is not None and tab.mark_dialog.isVisible())
    dialog = tab.mark_dialog
    assert "recorded as sent without approval" in dialog.ui.messageLabel.text()
    dialog.ui.channelCombo.setCurrentIndex(dialog.ui.channelCombo.findData("phone"))
    click(qtbot, dialog.ui.buttonBox.button(dialog.ui.buttonBox.StandardButton.Ok))
    qtbot.waitUntil(lambda: len(state(app, tab).messages) == 1)
    entry = incidents.get(app.ctx, tab._view.reference).timeline[-1]
    assert entry.text.endswith("(sent without approval)")


def test_verbal_approval_is_recorded_with_both_names_and_frees_send(qtbot, comms_ws, app, tmp_path):
    configure_site(app, tmp_path, '[comms]\napproval = "verbal"\napprovers = ["Chris Lee"]\n')
    tab = comms_tab(comms_ws)
    tab.show_incident(tab._view)
    tab.set_channel("eml")
    app.ctx.author = Author("Ben Okafor", "ben")
    assert tab.composer.verbal_button.isVisible() and not tab.send_button.isEnabled()
    click(qtbot, tab.composer.verbal_button)
    qtbot.waitUntil(lambda: tab.verbal_dialog is not None and tab.verbal_dialog.isVisible())
    dialog = tab.verbal_dialog
    names = [dialog.approver_combo.itemText(i) for i in range(dialog.approver_combo.count())]
    assert names == ["Ana Costa", "Chris Lee"]
    dialog.approver_combo.setCurrentIndex(1)
    qtbot.keyClicks(dialog.note_edit, "by phone")
    click(qtbot, dialog.buttons.buttons()[0])
    qtbot.waitUntil(lambda: tab.send_button.isEnabled(), timeout=10_000)
    event = incidents.get(app.ctx, tab._view.reference).events[-1]
    assert event.type == EventType.APPROVED_VERBALLY
    assert (event.payload.approver, event.author.name) == ("Chris Lee", "Ben Okafor")
    assert "Approved by Chris Lee (by voice, recorded by Ben Okafor)" in tab.state_label.text()
    assert tab.send_button.toolTip().startswith("Send through the chosen channel")


def test_a_draft_signed_by_the_former_mim_asks_for_a_refresh_before_approval(
    qtbot, comms_ws, app, tmp_path
):
    configure_site(app, tmp_path, '[comms]\napproval = "mim"\n')
    tab = comms_tab(comms_ws)
    tab.show_incident(tab._view)
    tab.set_audience("business")
    click(qtbot, tab.save_button)
    wait_written(qtbot, comms_ws)
    draft_id = tab.draft_id
    assert "Ana Costa" in tab.body_edit.toPlainText()
    changes = roles.handover(app.ctx, reference=tab._view.reference, role="mim", to="Ben Okafor")
    comms_ws.hub.publish(changes)
    qtbot.waitUntil(lambda: comms_ws.window.current.view.state.holder("mim") == "Ben Okafor")
    qtbot.waitUntil(lambda: "Signed by Ana Costa, the former" in tab.state_label.text())

    app.ctx.author = Author("Ben Okafor", "ben")
    click(qtbot, tab.approve_button)
    qtbot.waitUntil(lambda: tab.refresh_box is not None and tab.refresh_box.isVisible())
    refresh = next(b for b in tab.refresh_box.buttons() if "Refresh" in b.text())
    click(qtbot, refresh)
    assert tab.draft_id == draft_id and tab.dirty
    assert "Ben Okafor" in tab.body_edit.toPlainText()
    assert "Ana Costa" not in tab.body_edit.toPlainText()
    click(qtbot, tab.approve_button)  # saves the refreshed version, then approves it
    qtbot.waitUntil(lambda: "Approved: it can be sent now." in tab.result_label.text())
    draft = state(app, tab).drafts[draft_id]
    assert (draft.state, draft.approved_by) == ("approved", "Ben Okafor")
