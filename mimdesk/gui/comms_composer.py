"""The Communications tab's composer: the message being drafted, its checklist and preview.

The panel holds the text and the draft it belongs to; what is done with it (save, approve,
send, copy, mark sent) is the tab's (mimdesk.gui.comms_tab), which reads the panel.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mimdesk.app import App
from mimdesk.comms import CHANNELS, KINDS
from mimdesk.comms.checklist import Missing
from mimdesk.domain.clock import format_duration, format_local, minute_up
from mimdesk.domain.incident import Draft
from mimdesk.domain.lifecycle import Status
from mimdesk.errors import MimDeskError
from mimdesk.gui import theme
from mimdesk.gui.comms_outbox import STATE_LABELS
from mimdesk.gui.uiclock import UiClock
from mimdesk.gui.widgets import ErrorLabel, describe, join_addresses, muted, plain_tip
from mimdesk.usecases import comms, timers
from mimdesk.usecases.incidents import IncidentView

# The four things every update needs (mimdesk.comms.checklist), always listed.
CHECKLIST = {
    "what_happened": "What happened",
    "impact": "The impact",
    "actions": "What is being done",
    "next_update": "When the next update comes",
}
# The kind of message a status calls for; a composer holding an ongoing kind follows it.
STATUS_KINDS = {
    Status.MITIGATED: "mitigated",
    Status.RESOLVED: "resolved",
    Status.CLOSED: "resolved",
}
ONGOING_KINDS = frozenset({"initial", "scoping", "update", "long_running", "mitigated"})
# Channels that carry the HTML rendering; the others post plain text.
HTML_CHANNELS = frozenset({"eml", "smtp", "statuspage"})
CHECK_DELAY_MS = 250


class ComposerPanel(QWidget):
    """Kind, audience, recipients, subject and body of one message, checked as it is typed."""

    def __init__(self, app: App, clock: UiClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._clock = clock
        self.view: IncidentView | None = None
        # Each audience's distribution list (the directory's, else the site file's), read when
        # the incident or the directory changes, not at every keystroke.
        self.lists: dict[str, list[str]] = {}
        self.draft_id: str | None = None
        # The text as last rendered or saved: edits beyond it make the draft "dirty".
        self.baseline: tuple[str, str, str] = ("", "", "")
        self.loading = False
        self.busy = False
        # Said under the state while the text predates the incident's status.
        self.stale_note = ""
        self.missing: list[Missing] = []
        # The preview is shown beside the log and outbox, but it is this text's.
        self.preview = QTextBrowser()
        self.preview.setObjectName("commsPreview")
        self.preview.setOpenLinks(False)

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_pick())
        layout.addWidget(self.state_label)
        layout.addWidget(self.timer_label)
        layout.addLayout(self._build_form())
        layout.addWidget(self.body_edit, 1)
        layout.addWidget(self._build_checklist())
        send_row, other_row = self._build_buttons()
        layout.addLayout(send_row)
        layout.addLayout(other_row)
        self._build_feedback()
        layout.addWidget(self.sending_bar)
        layout.addWidget(self.result_label)
        layout.addWidget(self.error)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.refresh_check)

        self.template_button.clicked.connect(self.new_from_template)
        self.kind_combo.currentIndexChanged.connect(self._picked)
        self.audience_combo.currentIndexChanged.connect(self._picked)
        self.drafts_combo.activated.connect(self._open_picked_draft)
        self.subject_edit.textChanged.connect(self._edited)
        self.body_edit.textChanged.connect(self._edited)
        self.recipients_edit.textChanged.connect(self._edited)
        self.channel_combo.currentIndexChanged.connect(self._edited)

    # ---- building --------------------------------------------------------------------------

    def _build_pick(self) -> QHBoxLayout:
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        for kind, label in KINDS.items():
            self.kind_combo.addItem(label, kind)
        self.audience_combo = QComboBox()
        self.audience_combo.setObjectName("audienceCombo")
        for audience in self._app.settings.timers.audiences:
            self.audience_combo.addItem(audience.label, audience.id)
        self.template_button = QPushButton("Ne&w draft from template")
        self.template_button.setToolTip("Fill subject and body from the templates (Ctrl+Shift+T)")
        pick = QHBoxLayout()
        pick.addWidget(_buddy_label("&Kind:", self.kind_combo))
        pick.addWidget(self.kind_combo, 1)
        pick.addWidget(_buddy_label("&Audience:", self.audience_combo))
        pick.addWidget(self.audience_combo, 1)
        pick.addWidget(self.template_button)

        self.state_label = QLabel()
        self.state_label.setObjectName("draftStateLabel")
        self.state_label.setWordWrap(True)
        self.timer_label = QLabel()
        self.timer_label.setObjectName("audienceTimerLabel")
        self.timer_label.setWordWrap(True)
        muted(self.timer_label)
        return pick

    def _build_form(self) -> QFormLayout:
        self.drafts_combo = QComboBox()
        self.drafts_combo.setObjectName("draftsCombo")
        self.drafts_combo.setToolTip("Open a saved draft that has not gone out yet")
        self.recipients_edit = QLineEdit()
        self.recipients_edit.setObjectName("recipientsEdit")
        self.recipients_edit.setPlaceholderText("Addresses, separated by commas")
        self.recipients_note = QLabel()
        self.recipients_note.setWordWrap(True)
        muted(self.recipients_note)
        self.subject_edit = QLineEdit()
        self.subject_edit.setObjectName("subjectEdit")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("bodyEdit")
        self.body_edit.setTabChangesFocus(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Open draft:", self.drafts_combo)
        form.addRow("&Recipients:", self.recipients_edit)
        form.addRow("", self.recipients_note)
        form.addRow("Su&bject:", self.subject_edit)
        return form

    def _build_checklist(self) -> QGroupBox:
        self.checklist_label = QLabel()
        self.checklist_label.setObjectName("checklistLabel")
        self.checklist_label.setWordWrap(True)
        self.checklist_label.setTextFormat(Qt.TextFormat.RichText)
        checklist_box = QGroupBox("Every update says")
        QVBoxLayout(checklist_box).addWidget(self.checklist_label)
        return checklist_box

    def _build_buttons(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("channelCombo")
        self.fill_channels()
        # Combos as wide as their longest entry would push the incident list off the window.
        for combo in (self.kind_combo, self.audience_combo, self.channel_combo, self.drafts_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
        self.save_button = QPushButton("Save &draft")
        self.approve_button = QPushButton("A&pprove")
        self.approve_button.setToolTip("The Major Incident Manager approves this draft")
        self.send_button = QPushButton("&Send")
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(True)
        self.send_button.setToolTip("Send through the chosen channel (Ctrl+Shift+Return)")
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setToolTip("Plain text and HTML to the clipboard (Ctrl+Shift+C)")
        self.mail_button = QPushButton("Ma&il client…")
        self.mail_button.setToolTip(
            "Open as an unsent message in your mail program (Outlook, Apple Mail…) to edit and send"
        )
        self.mark_button = QPushButton("&Mark sent…")
        self.mark_button.setToolTip(
            "It went out by other means (phone, SMS, on the bridge): record it as sent"
        )
        self.verbal_button = QPushButton("Verbal approva&l…")
        self.verbal_button.setObjectName("verbalApprovalButton")
        self.verbal_button.setToolTip(
            "An approver approved this draft by voice (phone, bridge): record who, under your name"
        )
        # Each button's own tooltip, given back when approval no longer holds it back.
        self._tips = {
            b: b.toolTip() for b in (self.send_button, self.copy_button, self.mail_button)
        }
        self._tips[self.mark_button] = self.mark_button.toolTip()
        send_row = QHBoxLayout()
        send_row.addWidget(_buddy_label("Cha&nnel:", self.channel_combo))
        send_row.addWidget(self.channel_combo, 1)
        send_row.addWidget(self.save_button)
        send_row.addWidget(self.approve_button)
        send_row.addWidget(self.send_button)
        other_row = QHBoxLayout()
        other_row.addWidget(self.copy_button)
        other_row.addWidget(self.mail_button)
        other_row.addWidget(self.mark_button)
        other_row.addWidget(self.verbal_button)
        other_row.addStretch(1)
        return send_row, other_row

    def _build_feedback(self) -> None:
        # A send can take up to the channel's timeout: say so while it runs.
        self.sending_bar = QProgressBar()
        self.sending_bar.setObjectName("sendingBar")
        self.sending_bar.setRange(0, 0)
        self.sending_bar.setTextVisible(False)
        self.sending_bar.setMaximumHeight(self.fontMetrics().height() // 2)
        self.sending_bar.hide()
        self.result_label = QLabel()
        self.result_label.setObjectName("sendResultLabel")
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        self.error = ErrorLabel()
        self.error.setObjectName("commsError")

    def fill_channels(self) -> None:
        comms_settings = self._app.settings.comms
        self.channel_combo.clear()
        for channel, label in CHANNELS.items():
            missing = (channel == "smtp" and not comms_settings.smtp.host) or (
                channel == "statuspage" and not comms_settings.status_page_dir
            )
            self.channel_combo.addItem(f"{label} (not set up)" if missing else label, channel)
        preferred = "smtp" if comms_settings.smtp.host else "eml"
        self.channel_combo.setCurrentIndex(self.channel_combo.findData(preferred))

    def refresh_channels(self) -> None:
        """List the channels again, keeping the one chosen: Settings may have set one up."""
        chosen = self.channel
        self.loading = True
        try:
            self.fill_channels()
            if self.channel_combo.findData(chosen) >= 0:
                self.set_channel(chosen)
        finally:
            self.loading = False

    # ---- what the user picked --------------------------------------------------------------

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    @property
    def audience(self) -> str:
        return str(self.audience_combo.currentData())

    @property
    def channel(self) -> str:
        return str(self.channel_combo.currentData())

    def text(self) -> tuple[str, str, str]:
        return (
            self.subject_edit.text(),
            self.body_edit.toPlainText(),
            self.recipients_edit.text(),
        )

    @property
    def dirty(self) -> bool:
        return self.text() != self.baseline

    def draft(self) -> Draft | None:
        if self.view is None or self.draft_id is None:
            return None
        return self.view.state.drafts.get(self.draft_id)

    def set_kind(self, kind: str) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def set_audience(self, audience: str) -> None:
        self.audience_combo.setCurrentIndex(self.audience_combo.findData(audience))

    def set_channel(self, channel: str) -> None:
        self.channel_combo.setCurrentIndex(self.channel_combo.findData(channel))

    # ---- showing the incident --------------------------------------------------------------

    def show_view(self, view: IncidentView | None) -> None:
        """Show `view`; a different incident starts a new draft from the templates."""
        self.read_lists()
        previous = self.view
        self.view = view
        same = previous is not None and view is not None
        same = same and previous.state.stream_id == view.state.stream_id  # type: ignore[union-attr]
        if not same:
            self.draft_id = None
            self.clear_result()
            if view is not None:
                self.new_from_template()
            else:
                self.set_text("", "", "")
        elif (
            previous is not None and view is not None and previous.state.status != view.state.status
        ):
            self._status_moved(view.state.status)
        self.fill_drafts()

    def _status_moved(self, status: Status) -> None:
        """The incident moved on (mitigated, resolved…): an untouched text from the template
        is made again for the new status, in the kind that status calls for; a text the
        person edited or saved is kept, and flagged as written before."""
        untouched = self.draft_id is None and (
            not self.dirty or not self.body_edit.toPlainText().strip()
        )
        if not untouched:
            self.stale_note = (
                f"The incident is {status.label} now, and this text was written before: "
                "check it, or make a new draft from the template."
            )
            self.update_state()
            return
        follows = STATUS_KINDS.get(status)
        if follows and self.kind in ONGOING_KINDS and follows != self.kind:
            self.loading = True
            try:
                self.set_kind(follows)
            finally:
                self.loading = False
        self.new_from_template()

    def read_lists(self) -> None:
        ctx, settings = self._app.ctx, self._app.settings
        try:
            self.lists = {
                a.id: comms.distribution_list(ctx, settings, a.id)
                for a in settings.timers.audiences
            }
        except MimDeskError as exc:
            self.error.show_error(exc)

    def fill_drafts(self) -> None:
        self.drafts_combo.clear()
        self.drafts_combo.addItem("New, not saved yet", None)
        if self.view is None:
            return
        for d in comms.drafts(self._app.ctx, self.view.reference):
            if d.state == "sent":
                continue
            label = (
                f"{STATE_LABELS.get(d.state, d.state)} · {KINDS.get(d.kind, d.kind)} · "
                f"{self._app.settings.timers.audience_label(d.audience)} — {d.subject}"
            )
            self.drafts_combo.addItem(label, d.draft_id)
        self.drafts_combo.setCurrentIndex(max(0, self.drafts_combo.findData(self.draft_id)))

    @Slot(object)
    def show_timer(self, now: datetime) -> None:
        if self.view is None:
            self.timer_label.clear()
            return
        found = next(
            (
                t
                for t in timers.timers(self.view, self._app.settings, now)
                if t.audience == self.audience
            ),
            None,
        )
        label = self.audience_combo.currentText()
        if found is None or found.due_at is None or found.remaining is None:
            self.timer_label.setText(f"No update timer runs for {label}.")
            return
        # Rounded up, as the messages promise it and the header shows it: the same minute.
        due = format_local(minute_up(found.due_at), date=False)
        if found.remaining.total_seconds() < 0:
            late = format_duration(-found.remaining)
            self.timer_label.setText(f"Update to {label} overdue since {due} ({late} late).")
        else:
            left = format_duration(found.remaining)
            # "This" update: the message's own "next update by" promises the one after it,
            # counted from when it goes out, so the two times differ on purpose.
            self.timer_label.setText(
                f"This update to {label} is due by {due} (in {left}); the message promises "
                "the next one from when it goes out."
            )

    def update_state(self) -> None:
        settings = self._app.settings
        draft = self.draft()
        mode = settings.comms.approval
        needs_approval = mode != "none"
        self.approve_button.setVisible(needs_approval)
        self.verbal_button.setVisible(mode == "verbal")
        if draft is None:
            text = "New draft, not saved yet."
        else:
            text = f"{STATE_LABELS.get(draft.state, draft.state)}, saved by {draft.drafted_by.name}"
            text += " (edited since)." if self.dirty else "."
            if draft.state == "failed" and draft.last_error:
                text += f" Last attempt: {draft.last_error}."
            if draft.state == "handed":
                text += " Send it from your mail client, then press Mark sent…."
        approved = draft is not None and bool(draft.approved_by) and not self.dirty
        # What is missing, in words: the buttons it holds back say it in their tooltips.
        gap = ""
        if self.view is not None and needs_approval and not approved:
            gap = comms.approval_gap(self.view, settings, None)
        former = ""
        if self.view is not None and draft is not None and not self.dirty:
            former = comms.former_signer(self.view, draft)
        if approved and draft is not None:
            by = draft.approved_by
            if draft.approval_recorded_by:
                by += f" (by voice, recorded by {draft.approval_recorded_by})"
            text += f" Approved by {by}."
        elif gap:
            text += f" {gap}"
        if former:
            text += (
                f" Signed by {former}, the former Major Incident Manager: refresh it from the "
                "template before approving or sending."
            )
        elif self.view is not None and draft is not None and not self.dirty:
            past = comms.past_promise(self.view, settings, draft, self._clock.now())
            if past:
                text += (
                    f" It promises the next update by {past}, which has passed: refresh it "
                    "from the template before sending."
                )
        if self.stale_note:
            text += f" {self.stale_note}"
        self.state_label.setText(text)
        idle = not self.busy and self.view is not None
        for button in (self.send_button, self.copy_button, self.mail_button):
            button.setEnabled(idle and not gap)
            button.setToolTip(
                plain_tip(f"{gap} Mark sent… records a message that went out anyway.")
                if gap
                else self._tips[button]
            )
        self.approve_button.setEnabled(idle and not approved)
        if self.view is not None:
            who = " or ".join(comms.approvers(self.view, settings)) or "The Major Incident Manager"
            self.approve_button.setToolTip(
                plain_tip(f"{who}, signed in at this desk, approves this draft")
            )
        self.verbal_button.setEnabled(idle and not approved)
        self.save_button.setEnabled(idle)
        self.mark_button.setEnabled(idle)
        self.mark_button.setToolTip(
            self._tips[self.mark_button]
            + (" Without approval, it is recorded as sent without approval." if gap else "")
        )
        recipients = self.lists.get(self.audience, ())
        self.recipients_note.setText(
            f"Distribution list for {self.audience_combo.currentText()}: {', '.join(recipients)}"
            if recipients
            else f"No distribution list for {self.audience_combo.currentText()}: set one in "
            "Tools > People and rota."
        )

    # ---- editing ---------------------------------------------------------------------------

    def set_text(self, subject: str, body: str, recipients: str) -> None:
        self.stale_note = ""
        self.loading = True
        try:
            self.subject_edit.setText(subject)
            self.subject_edit.setCursorPosition(0)
            self.body_edit.setPlainText(body)
            self.recipients_edit.setText(recipients)
        finally:
            self.loading = False
        self.baseline = self.text()
        self.refresh_check()

    @Slot()
    def _picked(self) -> None:
        if self.loading:
            return
        # A fresh pick re-drafts, unless the person has edited the text: never lose typing.
        if not self.dirty or not self.body_edit.toPlainText().strip():
            self.new_from_template()
        else:
            self.update_state()
            self._schedule_check()
        self.show_timer(self._clock.now())

    @Slot()
    def new_from_template(self) -> None:
        if self.view is None:
            return
        try:
            rendered = comms.draft(
                self._app.ctx,
                reference=self.view.reference,
                settings=self._app.settings,
                kind=self.kind,
                audience=self.audience,
            )
        except MimDeskError as exc:
            self.error.show_error(exc)
            return
        self.error.clear_error()
        self.draft_id = None
        recipients = join_addresses(self.lists.get(self.audience, ()))
        self.set_text(rendered.subject, rendered.body, recipients)
        self.drafts_combo.setCurrentIndex(0)
        self.update_state()

    def refresh_from_template(self) -> None:
        """Render the draft's kind and audience again (the current MIM, status and times),
        keeping the draft: saving makes a new version of it, which needs approving again."""
        draft_id = self.draft_id
        self.new_from_template()
        if draft_id is not None and self.view is not None and draft_id in self.view.state.drafts:
            self.draft_id = draft_id
            self.baseline = ("", "", "")  # edited: the next action saves it first
            self.drafts_combo.setCurrentIndex(max(0, self.drafts_combo.findData(draft_id)))
            self.update_state()

    @Slot(object)
    def load_draft(self, draft: Draft) -> None:
        self.loading = True
        try:
            self.set_kind(draft.kind)
            self.set_audience(draft.audience)
            if draft.channel:
                self.set_channel(draft.channel)
        finally:
            self.loading = False
        self.draft_id = draft.draft_id
        self.set_text(draft.subject, draft.body, join_addresses(draft.recipients))
        self.drafts_combo.setCurrentIndex(max(0, self.drafts_combo.findData(draft.draft_id)))
        self.update_state()
        self.show_timer(self._clock.now())

    @Slot(int)
    def _open_picked_draft(self, index: int) -> None:
        draft_id = self.drafts_combo.itemData(index)
        if draft_id is None:
            self.new_from_template()
        elif self.view is not None and draft_id in self.view.state.drafts:
            self.load_draft(self.view.state.drafts[draft_id])

    @Slot()
    def _edited(self) -> None:
        if self.loading:
            return
        self.update_state()
        self._schedule_check()

    def _schedule_check(self) -> None:
        self._check_timer.start()

    @Slot()
    def refresh_check(self) -> None:
        """The checklist and the preview for the text as it is now."""
        self._check_timer.stop()
        if self.view is None:
            self.checklist_label.clear()
            self.preview.clear()
            return
        subject, body, _ = self.text()
        try:
            missing = comms.check(
                self._app.ctx,
                reference=self.view.reference,
                settings=self._app.settings,
                kind=self.kind,
                audience=self.audience,
                subject=subject,
                body=body,
            )
        except MimDeskError as exc:
            self.checklist_label.setText(escape(describe(exc)))
            return
        self.missing = missing
        self.checklist_label.setText(self._checklist_html(missing))
        self._show_preview(subject, body)

    def _checklist_html(self, missing: list[Missing]) -> str:
        gaps = {m.id: m for m in missing}
        bad = theme.error_colour(self.palette()).name()
        lines = []
        for item, label in CHECKLIST.items():
            if item in gaps:
                lines.append(
                    f"<span style='color:{bad}'>✘ <b>{escape(label)}</b></span>: "
                    f"{escape(gaps[item].hint)}"
                )
            else:
                lines.append(f"✔ {escape(label)}")
        for m in missing:
            if m.id not in CHECKLIST:
                lines.append(
                    f"<span style='color:{bad}'>✘ <b>{escape(m.label)}</b></span>: {escape(m.hint)}"
                )
        return "<br>".join(lines)

    def _show_preview(self, subject: str, body: str) -> None:
        assert self.view is not None
        if self.channel in HTML_CHANNELS:
            try:
                html = comms.preview_html(
                    self._app.settings, reference=self.view.reference, subject=subject, body=body
                )
            except MimDeskError as exc:
                self.preview.setPlainText(describe(exc))
                return
            self.preview.setHtml(html)
        else:
            self.preview.setPlainText(f"{subject}\n\n{body}")

    # ---- feedback --------------------------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.update_state()

    def clear_result(self) -> None:
        self.result_label.hide()
        self.error.clear_error()

    def show_result(self, text: str) -> None:
        self.error.clear_error()
        self.result_label.setText(text)
        self.result_label.show()

    def failed(self, error: MimDeskError) -> None:
        self.set_busy(False)
        self.result_label.hide()
        self.error.show_error(error)


def _buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A label whose access key (the letter after &) moves the focus to ``buddy``."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label
