"""The Communications tab: draft an update from the templates, check it, send it, and see
every message that went out.

Everything here goes through :mod:`mimdesk.usecases.comms`: drafts, approvals and sends are
events written by the use cases. Saving and approving run on the write lane; sending (network)
and writing an .eml run on the pool lane, and the use case records the outcome. A failed or
queued send keeps the draft; queued ones go out on their own through the outbox worker.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from html import escape

from PySide6.QtCore import Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mimdesk.app import App
from mimdesk.comms import CHANNELS, KINDS
from mimdesk.comms.channels.base import DeliveryError
from mimdesk.comms.checklist import Missing
from mimdesk.domain.clock import format_duration, format_local
from mimdesk.domain.events import DIRECTORY_STREAM, EventType
from mimdesk.domain.incident import Draft
from mimdesk.domain.roles import MIM
from mimdesk.errors import MimDeskError
from mimdesk.gui import clipboard, theme
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.forms.ui_mark_sent_dialog import Ui_MarkSentDialog
from mimdesk.gui.operations import Operations, changes_in
from mimdesk.gui.outbox_worker import OutboxReport, OutboxWorker
from mimdesk.gui.signals import emit
from mimdesk.gui.tasks import TaskRunner
from mimdesk.gui.uiclock import UiClock
from mimdesk.gui.widgets import (
    ErrorLabel,
    describe,
    join_addresses,
    muted,
    plain_labels,
    plain_tip,
    split_addresses,
)
from mimdesk.usecases import comms, timers
from mimdesk.usecases.comms import SendResult
from mimdesk.usecases.context import Changes
from mimdesk.usecases.incidents import IncidentView
from mimdesk.usecases.timers import CHANNELS_BY_HAND

# The four things every update needs (mimdesk.comms.checklist), always listed.
CHECKLIST = {
    "what_happened": "What happened",
    "impact": "The impact",
    "actions": "What is being done",
    "next_update": "When the next update comes",
}
# Channels that carry the HTML rendering; the others post plain text.
HTML_CHANNELS = frozenset({"eml", "smtp", "statuspage"})
CHECK_DELAY_MS = 250
STATE_LABELS = {
    "drafted": "Draft",
    "approved": "Approved",
    "queued": "Waiting in the outbox",
    "failed": "Not sent",
    "sent": "Sent",
}


class MarkSentDialog(QDialog):
    """How a message went out by hand (phone, SMS, the bridge…), and to whom.

    Signals:
        chosen(str, list): the channel by hand and the recipients, once the user confirms.
    """

    chosen = Signal(str, list)

    def __init__(self, subject: str, recipients: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_MarkSentDialog()
        self.ui.setupUi(self)
        plain_labels(self)  # the subject is as typed
        self.ui.messageLabel.setText(
            f"Record that “{subject}” went out without MIM Desk. It goes into the log with its "
            "exact text, and resets the audience's update timer."
        )
        for channel in CHANNELS_BY_HAND:
            self.ui.channelCombo.addItem(channel.capitalize(), channel)
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
        self._view: IncidentView | None = None
        # While the tab is hidden an incident change is only noted, and drawn when the tab is
        # shown: drafting from the templates at every change (and at start-up) costs ~30 ms.
        self._hidden_view: IncidentView | None = None
        self._stale = False
        # Each audience's distribution list (the directory's, else the site file's), read when
        # the incident or the directory changes, not at every keystroke.
        self._lists: dict[str, list[str]] = {}
        self._draft_id: str | None = None
        # The text as last rendered or saved: edits beyond it make the draft "dirty".
        self._baseline: tuple[str, str, str] = ("", "", "")
        self._loading = False
        self.busy = False
        self.last_result: SendResult | None = None
        self.mark_dialog: MarkSentDialog | None = None
        self.missing: list[Missing] = []

        self.outbox = OutboxWorker(app.ctx, app.settings, runner, ops.hub, clock=clock, parent=self)
        self.outbox.delivered.connect(self._outbox_delivered)

        self._build_composer()
        self._build_side()
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

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.refresh_check)

        # Subjects, reasons and recipients are as typed; the checklist is rich on purpose.
        plain_labels(self)

        current.loaded.connect(self.show_incident)
        ops.hub.changed.connect(self._on_changed)
        clock.tick.connect(self._show_timer)
        self.show_incident(current.view)
        self.outbox.start()

    # ---- building --------------------------------------------------------------------------

    def _build_composer(self) -> None:
        settings = self._app.settings
        self.composer = QWidget()
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        for kind, label in KINDS.items():
            self.kind_combo.addItem(label, kind)
        self.audience_combo = QComboBox()
        self.audience_combo.setObjectName("audienceCombo")
        for audience in settings.timers.audiences:
            self.audience_combo.addItem(audience.label, audience.id)
        self.template_button = QPushButton("New draft from &template")
        self.template_button.setToolTip("Fill subject and body from the templates (Ctrl+Shift+T)")
        self.drafts_combo = QComboBox()
        self.drafts_combo.setObjectName("draftsCombo")
        self.drafts_combo.setToolTip("Open a saved draft that has not gone out yet")
        pick = QHBoxLayout()
        pick.addWidget(QLabel("&Kind:", buddy=self.kind_combo))
        pick.addWidget(self.kind_combo, 1)
        pick.addWidget(QLabel("&Audience:", buddy=self.audience_combo))
        pick.addWidget(self.audience_combo, 1)
        pick.addWidget(self.template_button)

        self.state_label = QLabel()
        self.state_label.setObjectName("draftStateLabel")
        self.state_label.setWordWrap(True)
        self.timer_label = QLabel()
        self.timer_label.setObjectName("audienceTimerLabel")
        self.timer_label.setWordWrap(True)
        muted(self.timer_label)

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
        form.addRow("&Subject:", self.subject_edit)

        self.checklist_label = QLabel()
        self.checklist_label.setObjectName("checklistLabel")
        self.checklist_label.setWordWrap(True)
        self.checklist_label.setTextFormat(Qt.TextFormat.RichText)
        checklist_box = QGroupBox("Every update says")
        QVBoxLayout(checklist_box).addWidget(self.checklist_label)

        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("channelCombo")
        self._fill_channels()
        # Combos as wide as their longest entry would push the incident list off the window.
        for combo in (self.kind_combo, self.audience_combo, self.channel_combo, self.drafts_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
        self.save_button = QPushButton("Sa&ve draft")
        self.approve_button = QPushButton("A&pprove")
        self.approve_button.setToolTip("The Major Incident Manager approves this draft")
        self.send_button = QPushButton("&Send")
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(True)
        self.send_button.setToolTip("Send through the chosen channel (Ctrl+Shift+Return)")
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setToolTip("Plain text and HTML to the clipboard (Ctrl+Shift+C)")
        self.mail_button = QPushButton("&Mail client…")
        self.mail_button.setToolTip(
            "Open as an unsent message in your mail program (Outlook, Apple Mail…) to edit and send"
        )
        self.mark_button = QPushButton("&Mark sent…")
        self.mark_button.setToolTip(
            "It went out by other means (phone, SMS, on the bridge): record it as sent"
        )
        send_row = QHBoxLayout()
        send_row.addWidget(QLabel("C&hannel:", buddy=self.channel_combo))
        send_row.addWidget(self.channel_combo, 1)
        send_row.addWidget(self.save_button)
        send_row.addWidget(self.approve_button)
        send_row.addWidget(self.send_button)
        other_row = QHBoxLayout()
        other_row.addWidget(self.copy_button)
        other_row.addWidget(self.mail_button)
        other_row.addWidget(self.mark_button)
        other_row.addStretch(1)
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

        layout = QVBoxLayout(self.composer)
        layout.addLayout(pick)
        layout.addWidget(self.state_label)
        layout.addWidget(self.timer_label)
        layout.addLayout(form)
        layout.addWidget(self.body_edit, 1)
        layout.addWidget(checklist_box)
        layout.addLayout(send_row)
        layout.addLayout(other_row)
        layout.addWidget(self.sending_bar)
        layout.addWidget(self.result_label)
        layout.addWidget(self.error)

        self.template_button.clicked.connect(self.new_from_template)
        self.kind_combo.currentIndexChanged.connect(self._picked)
        self.audience_combo.currentIndexChanged.connect(self._picked)
        self.drafts_combo.activated.connect(self._open_picked_draft)
        self.subject_edit.textChanged.connect(self._edited)
        self.body_edit.textChanged.connect(self._edited)
        self.recipients_edit.textChanged.connect(self._edited)
        self.channel_combo.currentIndexChanged.connect(self._edited)
        self.save_button.clicked.connect(self.save_draft)
        self.approve_button.clicked.connect(self.approve)
        self.send_button.clicked.connect(self.send)
        self.copy_button.clicked.connect(self.copy)
        self.mail_button.clicked.connect(self.open_in_mail_client)
        self.mark_button.clicked.connect(self.mark_sent)
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

    def _fill_channels(self) -> None:
        comms_settings = self._app.settings.comms
        self.channel_combo.clear()
        for channel, label in CHANNELS.items():
            missing = (channel == "smtp" and not comms_settings.smtp.host) or (
                channel == "statuspage" and not comms_settings.status_page_dir
            )
            self.channel_combo.addItem(f"{label} (not set up)" if missing else label, channel)
        preferred = "smtp" if comms_settings.smtp.host else "eml"
        self.channel_combo.setCurrentIndex(self.channel_combo.findData(preferred))

    def _build_side(self) -> None:
        self.side = QTabWidget()
        self.side.setObjectName("commsSideTabs")
        self.preview = QTextBrowser()
        self.preview.setObjectName("commsPreview")
        self.preview.setOpenLinks(False)
        self.side.addTab(self.preview, "Preview")

        log_page = QWidget()
        self.log_table = QTableWidget(0, 6)
        self.log_table.setObjectName("commsLog")
        self.log_table.setHorizontalHeaderLabels(
            ["Time", "Audience", "Channel", "Outcome", "Subject", "Recipients"]
        )
        _table_defaults(self.log_table)
        self.log_text = QPlainTextEdit()
        self.log_text.setObjectName("commsLogText")
        self.log_text.setReadOnly(True)
        self.log_text.setPlaceholderText("Pick a message to read its exact text")
        log_split = QSplitter(Qt.Orientation.Vertical)
        log_split.addWidget(self.log_table)
        log_split.addWidget(self.log_text)
        QVBoxLayout(log_page).addWidget(log_split)
        self.side.addTab(log_page, "Log")
        self.log_table.itemSelectionChanged.connect(self._show_log_text)

        outbox_page = QWidget()
        self.outbox_table = QTableWidget(0, 5)
        self.outbox_table.setObjectName("outboxTable")
        self.outbox_table.setHorizontalHeaderLabels(
            ["Since", "Audience", "Channel", "State", "Subject and reason"]
        )
        _table_defaults(self.outbox_table)
        self.retry_button = QPushButton("Try &again now")
        self.outbox_edit_button = QPushButton("&Edit")
        self.outbox_mark_button = QPushButton("Mark sent…")
        self.outbox_mark_button.setToolTip("It went out by other means: record it as sent")
        self.outbox_note = QLabel(
            "Messages whose channel could not be reached wait here and go out on their own "
            "when it answers again."
        )
        self.outbox_note.setWordWrap(True)
        muted(self.outbox_note)
        row = QHBoxLayout()
        row.addWidget(self.retry_button)
        row.addWidget(self.outbox_edit_button)
        row.addWidget(self.outbox_mark_button)
        row.addStretch(1)
        outbox_layout = QVBoxLayout(outbox_page)
        outbox_layout.addWidget(self.outbox_note)
        outbox_layout.addWidget(self.outbox_table, 1)
        outbox_layout.addLayout(row)
        self.side.addTab(outbox_page, "Outbox")
        self.retry_button.clicked.connect(self.outbox.run_now)
        self.outbox_edit_button.clicked.connect(self._edit_outbox_item)
        self.outbox_mark_button.clicked.connect(self._mark_outbox_item)

    def showEvent(self, event: QShowEvent) -> None:
        # The Settings dialog may have set up a channel since the tab was last shown.
        chosen = self.channel
        self._loading = True
        try:
            self._fill_channels()
            if self.channel_combo.findData(chosen) >= 0:
                self.set_channel(chosen)
        finally:
            self._loading = False
        super().showEvent(event)
        if self._stale:
            self.show_incident(self._hidden_view)

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

    @property
    def draft_id(self) -> str | None:
        return self._draft_id

    def _text(self) -> tuple[str, str, str]:
        return (
            self.subject_edit.text(),
            self.body_edit.toPlainText(),
            self.recipients_edit.text(),
        )

    @property
    def dirty(self) -> bool:
        return self._text() != self._baseline

    def unsaved_work(self) -> str | None:
        """What closing the window now would lose, in words; None when nothing."""
        if self._view is None or not self.dirty or not self.body_edit.toPlainText().strip():
            return None
        return f"the message being drafted on the Communications tab ({self._view.reference})"

    def _draft(self) -> Draft | None:
        if self._view is None or self._draft_id is None:
            return None
        return self._view.state.drafts.get(self._draft_id)

    def set_kind(self, kind: str) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def set_audience(self, audience: str) -> None:
        self.audience_combo.setCurrentIndex(self.audience_combo.findData(audience))

    def set_channel(self, channel: str) -> None:
        self.channel_combo.setCurrentIndex(self.channel_combo.findData(channel))

    # ---- showing the incident --------------------------------------------------------------

    @Slot(object)
    def show_incident(self, view: IncidentView | None) -> None:
        if view is not None and not self.isVisible():
            self._hidden_view, self._stale = view, True
            return
        self._hidden_view, self._stale = None, False
        self._read_lists()
        previous = self._view
        self._view = view
        same = previous is not None and view is not None
        same = same and previous.state.stream_id == view.state.stream_id  # type: ignore[union-attr]
        self.setEnabled(view is not None)
        if not same:
            self._draft_id = None
            self._clear_result()
            if view is not None:
                self.new_from_template()
            else:
                self._set_text("", "", "")
        self._fill_drafts()
        self._fill_log()
        self._fill_outbox()
        self._update_state()
        self._show_timer(self._clock.now())

    def _read_lists(self) -> None:
        ctx, settings = self._app.ctx, self._app.settings
        try:
            self._lists = {
                a.id: comms.distribution_list(ctx, settings, a.id)
                for a in settings.timers.audiences
            }
        except MimDeskError as exc:
            self.error.show_error(exc)

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        if DIRECTORY_STREAM in changes.streams:
            self._read_lists()
            self._update_state()

    def _fill_drafts(self) -> None:
        self.drafts_combo.clear()
        self.drafts_combo.addItem("New, not saved yet", None)
        if self._view is None:
            return
        for d in comms.drafts(self._app.ctx, self._view.reference):
            if d.state == "sent":
                continue
            label = (
                f"{STATE_LABELS.get(d.state, d.state)} · {KINDS.get(d.kind, d.kind)} · "
                f"{self._app.settings.timers.audience_label(d.audience)} — {d.subject}"
            )
            self.drafts_combo.addItem(label, d.draft_id)
        self.drafts_combo.setCurrentIndex(max(0, self.drafts_combo.findData(self._draft_id)))

    def _fill_log(self) -> None:
        table = self.log_table
        table.setRowCount(0)
        self._log_texts: list[str] = []
        if self._view is None:
            return
        state = self._view.state
        label = self._app.settings.timers.audience_label
        rows: list[tuple[datetime, list[str], str]] = []
        for m in state.messages:
            cells = [
                format_local(m.at),
                label(m.audience),
                m.channel,
                f"Sent by {m.by.name}",
                m.subject,
                ", ".join(m.recipients),
            ]
            rows.append((m.at, cells, f"{m.subject}\n\n{m.body}"))
        for e in self._view.events:
            if e.type not in (EventType.SEND_FAILED, EventType.QUEUED):
                continue
            d = state.drafts.get(str(e.payload.get("draft_id", "")))
            reason = str(e.payload.get("reason", ""))
            outcome = "Failed: " if e.type == EventType.SEND_FAILED else "Queued: "
            cells = [
                format_local(e.occurred_at),
                label(d.audience) if d else "",
                str(e.payload.get("channel", "")),
                outcome + reason,
                d.subject if d else "",
                ", ".join(str(r) for r in e.payload.get("recipients", [])),
            ]
            rows.append((e.occurred_at, cells, f"{cells[4]}\n\n{d.body if d else ''}"))
        rows.sort(key=lambda r: r[0], reverse=True)
        table.setRowCount(len(rows))
        error = theme.error_colour(self.palette())
        for n, (at, cells, text) in enumerate(rows):
            for column, value in enumerate(cells):
                item = QTableWidgetItem(format_local(at, date=False) if column == 0 else value)
                item.setToolTip(plain_tip(value))
                if column == 3 and not value.startswith("Sent"):
                    item.setForeground(error)
                table.setItem(n, column, item)
            self._log_texts.append(text)
        if rows:
            table.selectRow(0)
        else:
            self.log_text.clear()

    @Slot()
    def _show_log_text(self) -> None:
        rows = self.log_table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self._log_texts):
            self.log_text.setPlainText(self._log_texts[rows[0].row()])

    def _waiting(self) -> list[Draft]:
        if self._view is None:
            return []
        found = [d for d in self._view.state.drafts.values() if d.state in ("queued", "failed")]
        return sorted(found, key=lambda d: d.drafted_at)

    def _fill_outbox(self) -> None:
        table = self.outbox_table
        waiting = self._waiting()
        reasons: dict[str, tuple[datetime, str]] = {}
        for e in self._view.events if self._view else []:
            if e.type in (EventType.QUEUED, EventType.SEND_FAILED):
                reasons[str(e.payload.get("draft_id", ""))] = (
                    e.occurred_at,
                    str(e.payload.get("reason", "")),
                )
        table.setRowCount(len(waiting))
        label = self._app.settings.timers.audience_label
        for n, d in enumerate(waiting):
            since, reason = reasons.get(d.draft_id, (d.drafted_at, d.last_error))
            cells = [
                format_local(since, date=False),
                label(d.audience),
                d.channel,
                STATE_LABELS[d.state],
                f"{d.subject} — {reason}" if reason else d.subject,
            ]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(plain_tip(value))
                item.setData(Qt.ItemDataRole.UserRole, d.draft_id)
                table.setItem(n, column, item)
        count = len(waiting)
        self.side.setTabText(2, f"Outbox ({count})" if count else "Outbox")
        for button in (self.outbox_edit_button, self.outbox_mark_button):
            button.setEnabled(bool(count))
        if count:
            table.selectRow(0)

    @Slot(object)
    def _show_timer(self, now: datetime) -> None:
        if self._view is None:
            self.timer_label.clear()
            return
        found = next(
            (
                t
                for t in timers.timers(self._view, self._app.settings, now)
                if t.audience == self.audience
            ),
            None,
        )
        label = self.audience_combo.currentText()
        if found is None or found.due_at is None or found.remaining is None:
            self.timer_label.setText(f"No update timer runs for {label}.")
            return
        due = format_local(found.due_at, date=False)
        if found.remaining.total_seconds() < 0:
            late = format_duration(-found.remaining)
            self.timer_label.setText(f"Update to {label} overdue since {due} ({late} late).")
        else:
            left = format_duration(found.remaining)
            self.timer_label.setText(f"Next update to {label} due at {due} (in {left}).")

    def _update_state(self) -> None:
        settings = self._app.settings
        draft = self._draft()
        needs_approval = settings.comms.require_approval
        mim = self._view.state.holder(MIM) if self._view else ""
        self.approve_button.setVisible(needs_approval)
        if draft is None:
            text = "New draft, not saved yet."
        else:
            text = f"{STATE_LABELS.get(draft.state, draft.state)}, saved by {draft.drafted_by.name}"
            text += " (edited since)." if self.dirty else "."
            if draft.state == "failed" and draft.last_error:
                text += f" Last attempt: {draft.last_error}."
        approved = draft is not None and bool(draft.approved_by) and not self.dirty
        if needs_approval:
            if approved and draft is not None:
                text += f" Approved by {draft.approved_by}."
            else:
                text += f" Needs approval by {mim or 'the Major Incident Manager'} before sending."
        self.state_label.setText(text)
        idle = not self.busy and self._view is not None
        self.send_button.setEnabled(idle and (approved or not needs_approval))
        self.approve_button.setEnabled(idle and not approved)
        for button in (self.save_button, self.copy_button, self.mail_button, self.mark_button):
            button.setEnabled(idle)
        recipients = self._lists.get(self.audience, ())
        self.recipients_note.setText(
            f"Distribution list for {self.audience_combo.currentText()}: {', '.join(recipients)}"
            if recipients
            else f"No distribution list for {self.audience_combo.currentText()}: set one in "
            "Tools > People and rota."
        )

    # ---- editing ---------------------------------------------------------------------------

    def _set_text(self, subject: str, body: str, recipients: str) -> None:
        self._loading = True
        try:
            self.subject_edit.setText(subject)
            self.subject_edit.setCursorPosition(0)
            self.body_edit.setPlainText(body)
            self.recipients_edit.setText(recipients)
        finally:
            self._loading = False
        self._baseline = self._text()
        self.refresh_check()

    @Slot()
    def _picked(self) -> None:
        if self._loading:
            return
        # A fresh pick re-drafts, unless the person has edited the text: never lose typing.
        if not self.dirty or not self.body_edit.toPlainText().strip():
            self.new_from_template()
        else:
            self._update_state()
            self._schedule_check()
        self._show_timer(self._clock.now())

    @Slot()
    def new_from_template(self) -> None:
        if self._view is None:
            return
        try:
            rendered = comms.draft(
                self._app.ctx,
                reference=self._view.reference,
                settings=self._app.settings,
                kind=self.kind,
                audience=self.audience,
            )
        except MimDeskError as exc:
            self.error.show_error(exc)
            return
        self.error.clear_error()
        self._draft_id = None
        recipients = join_addresses(self._lists.get(self.audience, ()))
        self._set_text(rendered.subject, rendered.body, recipients)
        self.drafts_combo.setCurrentIndex(0)
        self._update_state()

    def _load_draft(self, draft: Draft) -> None:
        self._loading = True
        try:
            self.set_kind(draft.kind)
            self.set_audience(draft.audience)
            if draft.channel:
                self.set_channel(draft.channel)
        finally:
            self._loading = False
        self._draft_id = draft.draft_id
        self._set_text(draft.subject, draft.body, join_addresses(draft.recipients))
        self.drafts_combo.setCurrentIndex(max(0, self.drafts_combo.findData(draft.draft_id)))
        self._update_state()
        self._show_timer(self._clock.now())

    @Slot(int)
    def _open_picked_draft(self, index: int) -> None:
        draft_id = self.drafts_combo.itemData(index)
        if draft_id is None:
            self.new_from_template()
        elif self._view is not None and draft_id in self._view.state.drafts:
            self._load_draft(self._view.state.drafts[draft_id])

    @Slot()
    def _edited(self) -> None:
        if self._loading:
            return
        self._update_state()
        self._schedule_check()

    def _schedule_check(self) -> None:
        self._check_timer.start()

    @Slot()
    def refresh_check(self) -> None:
        """The checklist and the preview for the text as it is now."""
        self._check_timer.stop()
        if self._view is None:
            self.checklist_label.clear()
            self.preview.clear()
            return
        subject, body, _ = self._text()
        try:
            missing = comms.check(
                self._app.ctx,
                reference=self._view.reference,
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
        self.checklist_label.setText("<br>".join(lines))
        self._show_preview(subject, body)

    def _show_preview(self, subject: str, body: str) -> None:
        assert self._view is not None
        if self.channel in HTML_CHANNELS:
            try:
                html = comms.preview_html(
                    self._app.settings, reference=self._view.reference, subject=subject, body=body
                )
            except MimDeskError as exc:
                self.preview.setPlainText(describe(exc))
                return
            self.preview.setHtml(html)
        else:
            self.preview.setPlainText(f"{subject}\n\n{body}")

    # ---- doing -----------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_state()

    def _clear_result(self) -> None:
        self.result_label.hide()
        self.error.clear_error()

    def _show_result(self, text: str) -> None:
        self.error.clear_error()
        self.result_label.setText(text)
        self.result_label.show()

    def _failed(self, error: MimDeskError) -> None:
        self._set_busy(False)
        self.result_label.hide()
        self.error.show_error(error)

    def _with_saved_draft(self, then: Callable[[str], None]) -> None:
        """Save the text first when it is new or edited, then go on with the saved draft."""
        if self._view is None or self.busy:
            return
        self._clear_result()
        if self._draft_id is not None and not self.dirty:
            then(self._draft_id)
            return
        draft = self._draft()
        if draft is not None and draft.state == "sent":
            self._draft_id = None  # a sent message is never edited: this becomes a new draft
        reference, settings = self._view.reference, self._app.settings
        kind, audience, channel = self.kind, self.audience, self.channel
        subject, body, recipients = self._text()
        draft_id = self._draft_id
        self._set_busy(True)

        def done(result: tuple[str, object]) -> None:
            self._draft_id = result[0]
            self._baseline = (subject, body, recipients)
            self._set_busy(False)
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
            failed=self._failed,
        )

    @Slot()
    def save_draft(self) -> None:
        self._with_saved_draft(lambda _id: self._show_result("Draft saved."))

    @Slot()
    def approve(self) -> None:
        def go(draft_id: str) -> None:
            assert self._view is not None
            reference = self._view.reference
            self._set_busy(True)

            def done(_changes: object) -> None:
                self._set_busy(False)
                self._show_result("Approved: it can be sent now.")

            self._ops.mutate(
                lambda ctx: comms.approve(ctx, reference=reference, draft_id=draft_id),
                done=done,
                failed=self._failed,
            )

        self._with_saved_draft(go)

    @Slot()
    def send(self) -> None:
        if not self.send_button.isEnabled():
            return

        def go(draft_id: str) -> None:
            assert self._view is not None
            ctx, settings, reference = self._app.ctx, self._app.settings, self._view.reference
            channel = self.channel
            recipients = split_addresses(self.recipients_edit.text())
            self._set_busy(True)
            self._show_result(f"Sending via {CHANNELS.get(channel, channel)}…")
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
        self._set_busy(False)
        self._ops.hub.publish(changes_in(result))
        channel = CHANNELS.get(outcome.channel, outcome.channel)
        if outcome.sent:
            to = ", ".join(outcome.recipients)
            where = f" ({outcome.detail})" if outcome.detail else ""
            self.new_from_template()
            self._show_result(f"Sent via {channel}{' to ' + to if to else ''}{where}.")
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
            self._failed(error)
            return
        self._set_busy(False)
        sys.excepthook(type(error), error, error.__traceback__)

    @Slot()
    def copy(self) -> None:
        def go(draft_id: str) -> None:
            assert self._view is not None
            try:
                plain, html = comms.clipboard_texts(
                    self._app.ctx,
                    reference=self._view.reference,
                    settings=self._app.settings,
                    draft_id=draft_id,
                )
            except MimDeskError as exc:
                self.error.show_error(exc)
                return
            clipboard.put(plain, html)
            self._show_result(
                "Copied as plain text and HTML: paste it anywhere, then mark it sent by "
                "other means."
            )

        self._with_saved_draft(go)

    @Slot()
    def open_in_mail_client(self) -> None:
        def go(draft_id: str) -> None:
            assert self._view is not None
            ctx, settings, reference = self._app.ctx, self._app.settings, self._view.reference
            recipients = split_addresses(self.recipients_edit.text())
            self._set_busy(True)

            def done(path: object) -> None:
                self._set_busy(False)
                if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
                    self._show_result(
                        f"Opened {path} in your mail client as a draft. Send it there, then "
                        "mark it sent by other means (e-mail)."
                    )
                else:
                    self._open_mailto(draft_id, recipients)

            def failed(error: BaseException) -> None:
                self._set_busy(False)
                if isinstance(error, MimDeskError | DeliveryError):
                    self._open_mailto(draft_id, recipients)
                else:
                    sys.excepthook(type(error), error, error.__traceback__)

            self._runner.run(
                lambda: comms.export_eml(
                    ctx,
                    reference=reference,
                    settings=settings,
                    draft_id=draft_id,
                    recipients=recipients,
                ),
                done=done,
                failed=failed,
                lane="pool",
            )

        self._with_saved_draft(go)

    def _open_mailto(self, draft_id: str, recipients: list[str]) -> None:
        """The fallback when no .eml can be opened: a mailto: link."""
        assert self._view is not None
        try:
            link = comms.mailto(
                self._app.ctx,
                reference=self._view.reference,
                settings=self._app.settings,
                draft_id=draft_id,
                recipients=recipients,
            )
        except MimDeskError as exc:
            self.error.show_error(exc)
            return
        if link.truncated:
            QGuiApplication.clipboard().setText(self.body_edit.toPlainText())
        if QDesktopServices.openUrl(QUrl(link.url)):
            note = " The body was too long for the link: paste the full text." * link.truncated
            self._show_result(f"Opened a new message in your mail client.{note}")
        else:
            self.error.show_error(
                "No mail client could be opened. Use Copy and paste the text into any "
                "program, then mark it sent by other means."
            )

    @Slot()
    def mark_sent(self) -> None:
        self._with_saved_draft(self._ask_how_sent)

    def _ask_how_sent(self, draft_id: str) -> None:
        if self._view is None:
            return
        draft = self._view.state.drafts.get(draft_id)
        subject = draft.subject if draft else self.subject_edit.text()
        recipients = list(draft.recipients) if draft else []
        dialog = MarkSentDialog(subject, recipients, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        reference, settings = self._view.reference, self._app.settings

        def chosen(channel: str, to: list[str]) -> None:
            self._set_busy(True)

            def done(_changes: object) -> None:
                self._set_busy(False)
                if draft_id == self._draft_id:
                    self.new_from_template()
                self._show_result(f"Recorded as sent by {channel}.")

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
                failed=self._failed,
            )

        dialog.chosen.connect(chosen)
        self.mark_dialog = dialog
        dialog.open()

    def _selected_outbox_draft(self) -> Draft | None:
        rows = self.outbox_table.selectionModel().selectedRows()
        if not rows or self._view is None:
            return None
        item = self.outbox_table.item(rows[0].row(), 0)
        draft_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        return self._view.state.drafts.get(str(draft_id))

    @Slot()
    def _edit_outbox_item(self) -> None:
        draft = self._selected_outbox_draft()
        if draft is not None:
            self._load_draft(draft)

    @Slot()
    def _mark_outbox_item(self) -> None:
        draft = self._selected_outbox_draft()
        if draft is not None and not self.busy:
            self._ask_how_sent(draft.draft_id)

    @Slot(object)
    def _outbox_delivered(self, report: OutboxReport) -> None:
        sent = len(report.run.sent)
        if sent:
            noun = "message" if sent == 1 else "messages"
            self._show_result(f"The outbox sent {sent} waiting {noun}.")


def _table_defaults(table: QTableWidget) -> None:
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
