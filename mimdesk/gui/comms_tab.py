"""The Communications tab: draft an update from the templates, check it, send it, and see
every message that went out.

The tab composes three panels: the composer (mimdesk.gui.comms_composer), the log
(mimdesk.gui.comms_log) and the outbox (mimdesk.gui.comms_outbox); it carries out what
their buttons ask.

Everything here goes through :mod:`mimdesk.usecases.comms`: drafts, approvals and sends are
events written by the use cases. Saving and approving run on the write lane; sending (network)
and writing an .eml run on the pool lane, and the use case records the outcome. A failed or
queued send keeps the draft; queued ones go out on their own through the outbox worker. An
.eml for the mail client is handed over (mimdesk.gui.comms_handover), never recorded as sent:
the person sends it there and marks it sent. While the site's approval is missing, Send, Copy
and Mail client are off, each saying why; Mark sent is not, and the record says "sent without
approval".
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mimdesk.app import App
from mimdesk.comms import CHANNELS
from mimdesk.comms.checklist import Missing
from mimdesk.domain.events import DIRECTORY_STREAM
from mimdesk.domain.vocabulary import HAND_CHANNELS
from mimdesk.errors import MimDeskError
from mimdesk.gui import clipboard, comms_handover
from mimdesk.gui.comms_composer import ComposerPanel
from mimdesk.gui.comms_log import CommsLogPanel
from mimdesk.gui.comms_outbox import OutboxPanel
from mimdesk.gui.comms_verbal import VerbalApprovalDialog
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.dialogs import fill_choices
from mimdesk.gui.forms.ui_mark_sent_dialog import Ui_MarkSentDialog
from mimdesk.gui.operations import Operations, changes_in
from mimdesk.gui.outbox_worker import OutboxReport, OutboxWorker
from mimdesk.gui.signals import emit
from mimdesk.gui.tasks import TaskRunner
from mimdesk.gui.uiclock import UiClock
from mimdesk.gui.widgets import (
    join_addresses,
    plain_labels,
    split_addresses,
)
from mimdesk.usecases import comms
from mimdesk.usecases.comms import SendResult
from mimdesk.usecases.context import Changes
from mimdesk.usecases.incidents import IncidentView


class MarkSentDialog(QDialog):
    """How a message went out by hand (phone, SMS, the bridge…), and to whom.

    Signals:
        chosen(str, list): the channel by hand and the recipients, once the user confirms.
    """

    chosen = Signal(str, list)

    def __init__(
        self,
        subject: str,
        recipients: list[str],
        parent: QWidget | None = None,
        *,
        channel: str = "",
        unapproved: str = "",
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_MarkSentDialog()
        self.ui.setupUi(self)
        plain_labels(self)  # the subject is as typed
        text = (
            f"Record that “{subject}” went out without MIM Desk. It goes into the log with its "
            "exact text, and resets the audience's update timer."
        )
        if unapproved:
            # Recording what happened is always possible; the record says what was missing.
            text += (
                f"\n\nIt was not approved ({unapproved}): it is recorded as sent without approval."
            )
        self.ui.messageLabel.setText(text)
        fill_choices(self.ui.channelCombo, HAND_CHANNELS)
        if channel:
            self.ui.channelCombo.setCurrentIndex(max(0, self.ui.channelCombo.findData(channel)))
        self.ui.recipientsEdit.setText(join_addresses(recipients))
        self.ui.errorLabel.hide()
        self.ui.buttonBox.accepted.connect(self._accept)
        self.ui.buttonBox.rejected.connect(self.reject)

    @Slot()
    def _accept(self) -> None:
        emit(self.chosen, self.ui.channelCombo.currentData(), split_addresses(self.recipients))
        self.accept()

    @property
    def recipients(self) -> str:
        return self.ui.recipientsEdit.text()


class CommsTab(QWidget):
    """The Communications tab: the composer beside the preview, the log and the outbox.

    The tab carries out what the composer's buttons ask (save, approve, send, copy, open in
    the mail client, mark sent), and what the outbox panel asks of a waiting message.
    """

    def __init__(
        self,
        app: App,
        current: CurrentIncident,
        ops: Operations,
        runner: TaskRunner,
        clock: UiClock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("commsTab")
        self._app = app
        self._current = current
        self._ops = ops
        self._runner = runner
        self._clock = clock
        # While the tab is hidden an incident change is only noted, and drawn when the tab is
        # shown: drafting from the templates at every change (and at start-up) costs ~30 ms.
        self._hidden_view: IncidentView | None = None
        self._stale = False
        self.last_result: SendResult | None = None
        self.mark_dialog: MarkSentDialog | None = None
        self.verbal_dialog: VerbalApprovalDialog | None = None
        self.refresh_box: QMessageBox | None = None

        self.outbox = OutboxWorker(app.ctx, app.settings, runner, ops.hub, clock=clock, parent=self)
        self.outbox.delivered.connect(self._outbox_delivered)

        self.composer = ComposerPanel(app, clock, self)
        self.log_panel = CommsLogPanel()
        self.outbox_panel = OutboxPanel(app.ctx)
        self._expose_widgets()
        self._connect_composer()
        self.side = QTabWidget()
        self.side.setObjectName("commsSideTabs")
        self.side.addTab(self.preview, "Preview")
        self.side.addTab(self.log_panel, "Log")
        self.side.addTab(self.outbox_panel, "Outbox")
        self.retry_button.clicked.connect(self.outbox.run_now)
        self.outbox_panel.edit_requested.connect(self.composer.load_draft)
        self.outbox_panel.mark_requested.connect(self._mark_outbox_item)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.composer)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([600, 600])  # the log needs room as much as the editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        # Subjects, reasons and recipients are as typed; the checklist is rich on purpose.
        plain_labels(self)

        current.loaded.connect(self.show_incident)
        ops.hub.changed.connect(self._on_changed)
        clock.tick.connect(self.composer.show_timer)
        self.show_incident(current.view)
        self.outbox.start()

    # ---- building --------------------------------------------------------------------------

    def _expose_widgets(self) -> None:
        """The panels' widgets, reachable from the tab as they always were."""
        c, log, out = self.composer, self.log_panel, self.outbox_panel
        self.kind_combo, self.audience_combo = c.kind_combo, c.audience_combo
        self.channel_combo, self.drafts_combo = c.channel_combo, c.drafts_combo
        self.template_button, self.state_label, self.timer_label = (
            c.template_button,
            c.state_label,
            c.timer_label,
        )
        self.recipients_edit, self.recipients_note = c.recipients_edit, c.recipients_note
        self.subject_edit, self.body_edit = c.subject_edit, c.body_edit
        self.checklist_label, self.preview = c.checklist_label, c.preview
        self.save_button, self.approve_button, self.send_button = (
            c.save_button,
            c.approve_button,
            c.send_button,
        )
        self.copy_button, self.mail_button, self.mark_button = (
            c.copy_button,
            c.mail_button,
            c.mark_button,
        )
        self.sending_bar, self.result_label, self.error = c.sending_bar, c.result_label, c.error
        self.log_table, self.log_text = log.log_table, log.log_text
        self.outbox_table, self.outbox_note = out.outbox_table, out.outbox_note
        self.retry_button = out.retry_button
        self.outbox_edit_button, self.outbox_mark_button = (
            out.outbox_edit_button,
            out.outbox_mark_button,
        )

    def _connect_composer(self) -> None:
        self.save_button.clicked.connect(self.save_draft)
        self.approve_button.clicked.connect(self.approve)
        self.send_button.clicked.connect(self.send)
        self.copy_button.clicked.connect(self.copy)
        self.mail_button.clicked.connect(self.open_in_mail_client)
        self.mark_button.clicked.connect(self.mark_sent)
        self.composer.verbal_button.clicked.connect(self.record_verbal_approval)
        for shortcut, slot in (
            ("Ctrl+Shift+Return", self.send),
            ("Ctrl+Shift+C", self.copy),
            ("Ctrl+Shift+T", self.new_from_template),
        ):
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def showEvent(self, event: QShowEvent) -> None:
        # The Settings dialog may have set up a channel since the tab was last shown.
        self.composer.refresh_channels()
        super().showEvent(event)
        if self._stale:
            self.show_incident(self._hidden_view)

    # ---- what the user picked --------------------------------------------------------------

    @property
    def _view(self) -> IncidentView | None:
        return self.composer.view

    @property
    def kind(self) -> str:
        return self.composer.kind

    @property
    def audience(self) -> str:
        return self.composer.audience

    @property
    def channel(self) -> str:
        return self.composer.channel

    @property
    def draft_id(self) -> str | None:
        return self.composer.draft_id

    @property
    def dirty(self) -> bool:
        return self.composer.dirty

    @property
    def busy(self) -> bool:
        return self.composer.busy

    @property
    def missing(self) -> list[Missing]:
        return self.composer.missing

    def unsaved_work(self) -> str | None:
        """What closing the window now would lose, in words; None when nothing."""
        view = self.composer.view
        if view is None or not self.dirty or not self.body_edit.toPlainText().strip():
            return None
        return f"the message being drafted on the Communications tab ({view.reference})"

    def set_kind(self, kind: str) -> None:
        self.composer.set_kind(kind)

    def set_audience(self, audience: str) -> None:
        self.composer.set_audience(audience)

    def set_channel(self, channel: str) -> None:
        self.composer.set_channel(channel)

    @Slot()
    def new_from_template(self) -> None:
        self.composer.new_from_template()

    @Slot()
    def refresh_check(self) -> None:
        self.composer.refresh_check()

    # ---- showing the incident --------------------------------------------------------------

    @Slot(object)
    def show_incident(self, view: IncidentView | None) -> None:
        if view is not None and not self.isVisible():
            self._hidden_view, self._stale = view, True
            return
        self._hidden_view, self._stale = None, False
        self.setEnabled(view is not None)
        self.composer.show_view(view)
        label = self._app.settings.timers.audience_label
        self.log_panel.fill(view, label)
        count = self.outbox_panel.fill(view, label)
        self.side.setTabText(2, f"Outbox ({count})" if count else "Outbox")
        self.composer.update_state()
        self.composer.show_timer(self._clock.now())

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        if DIRECTORY_STREAM in changes.streams:
            self.composer.read_lists()
            self.composer.update_state()

    # ---- doing -----------------------------------------------------------------------------

    def _with_saved_draft(self, then: Callable[[str], None]) -> None:
        """Save the text first when it is new or edited, then go on with the saved draft."""
        if self.composer.view is None or self.busy:
            return
        self.composer.clear_result()
        if self.composer.draft_id is not None and not self.dirty:
            then(self.composer.draft_id)
            return
        if self.composer.draft_id is None and not self.dirty:
            # The text is the template's, untouched: made again now, its "next update by"
            # is counted from this moment, the one the audience's timer restarts from.
            self.composer.new_from_template()
        draft = self.composer.draft()
        if draft is not None and draft.state == "sent":
            self.composer.draft_id = (
                None  # a sent message is never edited: this becomes a new draft
            )
        reference, settings = self.composer.view.reference, self._app.settings
        kind, audience, channel = self.kind, self.audience, self.channel
        subject, body, recipients = self.composer.text()
        draft_id = self.composer.draft_id
        self.composer.set_busy(True)

        def done(result: tuple[str, object]) -> None:
            self.composer.draft_id = result[0]
            self.composer.baseline = (subject, body, recipients)
            self.composer.set_busy(False)
            then(result[0])

        self._ops.mutate(
            lambda ctx: comms.save_draft(
                ctx,
                reference=reference,
                settings=settings,
                kind=kind,
                audience=audience,
                subject=subject,
                body=body,
                recipients=split_addresses(recipients),
                channel=channel,
                draft_id=draft_id,
            ),
            done=done,
            failed=self.composer.failed,
        )

    @Slot()
    def save_draft(self) -> None:
        self._with_saved_draft(lambda _id: self.composer.show_result("Draft saved."))

    def _refresh_first(self) -> bool:
        """True when the draft is signed by a former Major Incident Manager, or promises a
        next update at a time already past: the person is asked to refresh it from the
        template before approving or sending it."""
        view, draft = self.composer.view, self.composer.draft()
        if view is None or draft is None or self.dirty:
            return False
        former = comms.former_signer(view, draft)
        past = comms.past_promise(view, self._app.settings, draft, self._clock.now())
        if former:
            why = (
                f"This draft was saved while {former} was Major Incident Manager and is signed "
                "by them."
            )
        elif past:
            why = f"This draft promises the next update by {past}, which has passed."
        else:
            return False
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Refresh the draft first",
            f"{why} Refresh it from the template, with the current Major Incident Manager, "
            "status and times, then check it and approve or send it.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        refresh = box.addButton("&Refresh from template", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(refresh)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: object) -> None:
            if button is refresh:
                self.composer.refresh_from_template()
                self.composer.show_result(
                    "Refreshed from the template: check it, then approve or send it."
                )

        box.buttonClicked.connect(answered)
        self.refresh_box = box
        box.open()
        return True

    @Slot()
    def approve(self) -> None:
        if self._refresh_first():
            return

        def go(draft_id: str) -> None:
            assert self.composer.view is not None
            reference, settings = self.composer.view.reference, self._app.settings
            self.composer.set_busy(True)

            def done(_changes: object) -> None:
                self.composer.set_busy(False)
                self.composer.show_result("Approved: it can be sent now.")

            self._ops.mutate(
                lambda ctx: comms.approve(
                    ctx, reference=reference, draft_id=draft_id, settings=settings
                ),
                done=done,
                failed=self.composer.failed,
            )

        self._with_saved_draft(go)

    @Slot()
    def record_verbal_approval(self) -> None:
        if self._refresh_first():
            return

        def go(draft_id: str) -> None:
            view = self.composer.view
            assert view is not None
            reference, settings = view.reference, self._app.settings
            draft = view.state.drafts.get(draft_id)
            subject = draft.subject if draft else self.subject_edit.text()
            dialog = VerbalApprovalDialog(
                subject, comms.approvers(view, settings), self._app.ctx.author.name, self
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

            def chosen(approver: str, note: str) -> None:
                self.composer.set_busy(True)

                def done(_changes: object) -> None:
                    self.composer.set_busy(False)
                    self.composer.show_result(
                        f"Recorded: {approver} approved it by voice. It can be sent now."
                    )

                self._ops.mutate(
                    lambda ctx: comms.record_verbal_approval(
                        ctx,
                        reference=reference,
                        settings=settings,
                        draft_id=draft_id,
                        approver=approver,
                        note=note,
                    ),
                    done=done,
                    failed=self.composer.failed,
                )

            dialog.chosen.connect(chosen)
            self.verbal_dialog = dialog
            dialog.open()

        self._with_saved_draft(go)

    @Slot()
    def send(self) -> None:
        if not self.send_button.isEnabled() or self._refresh_first():
            return

        def go(draft_id: str) -> None:
            assert self.composer.view is not None
            ctx, settings, reference = (
                self._app.ctx,
                self._app.settings,
                self.composer.view.reference,
            )
            channel = self.channel
            recipients = split_addresses(self.recipients_edit.text())
            self.composer.set_busy(True)
            self.composer.show_result(
                "Writing the draft for your mail client…"
                if channel == "eml"
                else f"Sending via {CHANNELS.get(channel, channel)}…"
            )
            self.sending_bar.show()
            # Network: the pool lane. The use case writes what happened (sent/queued/failed).
            self._runner.run(
                lambda: comms.send(
                    ctx,
                    reference=reference,
                    settings=settings,
                    draft_id=draft_id,
                    channel=channel,
                    recipients=recipients,
                ),
                done=self._sent,
                failed=self._send_raised,
                lane="pool",
            )

        self._with_saved_draft(go)

    def _sent(self, result: tuple[SendResult, object]) -> None:
        outcome = result[0]
        self.last_result = outcome
        self.sending_bar.hide()
        self.result_label.hide()
        self.composer.set_busy(False)
        self._ops.hub.publish(changes_in(result))
        channel = CHANNELS.get(outcome.channel, outcome.channel)
        if outcome.handed:
            self._show_handed(outcome)
            return
        if outcome.sent:
            to = ", ".join(outcome.recipients)
            where = f" ({outcome.detail})" if outcome.detail else ""
            self.new_from_template()
            self.composer.show_result(f"Sent via {channel}{' to ' + to if to else ''}{where}.")
        elif outcome.outcome == "queued":
            self.error.show_error(
                f"Not sent yet: {outcome.reason}. It waits in the outbox and goes out on its own "
                "when the channel answers; or mark it sent by other means."
            )
        else:
            self.error.show_error(
                f"Not sent via {channel}: {outcome.reason}. The draft is kept: fix the "
                "problem and send again, or use another channel."
            )

    def _send_raised(self, error: BaseException) -> None:
        self.sending_bar.hide()
        self.result_label.hide()
        if isinstance(error, MimDeskError):
            self.composer.failed(error)
            return
        self.composer.set_busy(False)
        sys.excepthook(type(error), error, error.__traceback__)

    @Slot()
    def copy(self) -> None:
        if not self.copy_button.isEnabled() or self._refresh_first():
            return

        def go(draft_id: str) -> None:
            assert self.composer.view is not None
            try:
                plain, html = comms.clipboard_texts(
                    self._app.ctx,
                    reference=self.composer.view.reference,
                    settings=self._app.settings,
                    draft_id=draft_id,
                )
            except MimDeskError as exc:
                self.error.show_error(exc)
                return
            clipboard.put(plain, html)
            self.composer.show_result(
                "Copied as plain text and HTML: paste it anywhere, then mark it sent by "
                "other means."
            )

        self._with_saved_draft(go)

    @Slot()
    def open_in_mail_client(self) -> None:
        """Write the draft as an .eml, record it as handed to the mail client (not sent) and
        open it there; the person sends it and then marks it sent."""
        if not self.mail_button.isEnabled() or self._refresh_first():
            return

        def go(draft_id: str) -> None:
            assert self.composer.view is not None
            ctx, settings, reference = (
                self._app.ctx,
                self._app.settings,
                self.composer.view.reference,
            )
            recipients = split_addresses(self.recipients_edit.text())
            self.composer.set_busy(True)
            self._runner.run(
                lambda: comms.hand_to_mail_client(
                    ctx,
                    reference=reference,
                    settings=settings,
                    draft_id=draft_id,
                    recipients=recipients,
                ),
                done=self._sent,
                failed=self._send_raised,
                lane="pool",
            )

        self._with_saved_draft(go)

    def _show_handed(self, outcome: SendResult) -> None:
        """Open the written draft in the mail client; where none answers, show the file."""
        path = Path(outcome.detail)
        audience = self.audience_combo.currentText()
        after = (
            "then press Mark sent…. Until then it is not recorded as sent, and the timer "
            f"for {audience} keeps running."
        )
        if comms_handover.open_with_mail_client(path):
            self.composer.show_result(
                f"Handed to your mail client as a draft ({path}). Send it there, {after}"
            )
        elif comms_handover.reveal_in_file_manager(path):
            self.composer.show_result(
                f"No mail client opened it, so its folder is shown: open {path.name} with "
                f"your mail program, send it, {after}"
            )
        else:
            self.error.show_error(
                f"Neither a mail client nor the file manager could be opened. The draft is "
                f"{path}: open it with your mail program, send it, {after}"
            )

    @Slot()
    def mark_sent(self) -> None:
        self._with_saved_draft(self._ask_how_sent)

    def _ask_how_sent(self, draft_id: str) -> None:
        if self.composer.view is None:
            return
        draft = self.composer.view.state.drafts.get(draft_id)
        subject = draft.subject if draft else self.subject_edit.text()
        recipients = list(draft.recipients) if draft else []
        gap = comms.approval_gap(self.composer.view, self._app.settings, draft)
        dialog = MarkSentDialog(
            subject,
            recipients,
            self,
            # Handed to the mail client: it went out by e-mail.
            channel="email" if draft is not None and draft.state == "handed" else "",
            unapproved=gap.rstrip("."),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        reference, settings = self.composer.view.reference, self._app.settings

        def chosen(channel: str, to: list[str]) -> None:
            self.composer.set_busy(True)

            def done(_changes: object) -> None:
                self.composer.set_busy(False)
                if draft_id == self.composer.draft_id:
                    self.new_from_template()
                self.composer.show_result(f"Recorded as sent by {channel}.")

            self._ops.mutate(
                lambda ctx: comms.mark_sent_by_other_means(
                    ctx,
                    reference=reference,
                    settings=settings,
                    draft_id=draft_id,
                    channel=channel,
                    recipients=to,
                ),
                done=done,
                failed=self.composer.failed,
            )

        dialog.chosen.connect(chosen)
        self.mark_dialog = dialog
        dialog.open()

    @Slot(str)
    def _mark_outbox_item(self, draft_id: str) -> None:
        if not self.busy:
            self._ask_how_sent(draft_id)

    @Slot(object)
    def _outbox_delivered(self, report: OutboxReport) -> None:
        sent = len(report.run.sent)
        if sent:
            noun = "message" if sent == 1 else "messages"
            self.composer.show_result(f"The outbox sent {sent} waiting {noun}.")
