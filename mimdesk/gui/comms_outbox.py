"""The Communications tab's outbox: the open incident's messages not sent, queued or failed.

What is listed is :func:`mimdesk.usecases.outbox.not_sent_in`'s, the rule ``mimdesk outbox``
goes by too, so the window and the command line always show the same messages.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mimdesk.domain.clock import format_local
from mimdesk.domain.incident import Draft
from mimdesk.gui.comms_log import table_defaults
from mimdesk.gui.signals import emit
from mimdesk.gui.widgets import muted, plain_tip
from mimdesk.usecases import outbox
from mimdesk.usecases.context import Context
from mimdesk.usecases.incidents import IncidentView

STATE_LABELS = {
    "drafted": "Draft",
    "approved": "Approved",
    "handed": "Handed to mail client, not sent",
    "queued": "Waiting in the outbox",
    "failed": "Not sent",
    "sent": "Sent",
}


class OutboxPanel(QWidget):
    """The waiting messages, and what can be done with the one picked.

    Signals:
        edit_requested(object): the Draft picked, to open in the composer.
        mark_requested(str): the id of the draft picked, to record as sent by other means.
    """

    edit_requested = Signal(object)
    mark_requested = Signal(str)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx  # for this desk's id and the time; the panel reads nothing itself
        self._view: IncidentView | None = None
        self.outbox_table = QTableWidget(0, 5)
        self.outbox_table.setObjectName("outboxTable")
        self.outbox_table.setHorizontalHeaderLabels(
            ["Since", "Audience", "Channel", "State", "Subject and reason"]
        )
        table_defaults(self.outbox_table)
        self.retry_button = QPushButton("Try &again now")
        self.outbox_edit_button = QPushButton("&Edit")
        self.outbox_mark_button = QPushButton("Mark sent…")
        self.outbox_mark_button.setToolTip("It went out by other means: record it as sent")
        self.outbox_note = QLabel(
            "Messages whose channel could not be reached wait here and go out on their own "
            "when it answers again. Try again now also sends the ones refused, once you have "
            "put the cause right. Another desk's message is tried again by that desk."
        )
        self.outbox_note.setWordWrap(True)
        muted(self.outbox_note)
        row = QHBoxLayout()
        row.addWidget(self.retry_button)
        row.addWidget(self.outbox_edit_button)
        row.addWidget(self.outbox_mark_button)
        row.addStretch(1)
        outbox_layout = QVBoxLayout(self)
        outbox_layout.addWidget(self.outbox_note)
        outbox_layout.addWidget(self.outbox_table, 1)
        outbox_layout.addLayout(row)
        self.outbox_edit_button.clicked.connect(self._edit_outbox_item)
        self.outbox_mark_button.clicked.connect(self._mark_outbox_item)

    def fill(self, view: IncidentView | None, label: Callable[[str], str]) -> int:
        """Show the messages of `view` not sent; returns how many."""
        self._view = view
        table = self.outbox_table
        waiting = outbox.not_sent_in(self._ctx, view) if view is not None else []
        table.setRowCount(len(waiting))
        for n, m in enumerate(waiting):
            state = STATE_LABELS[m.state] + ("" if m.retried_here else " (another desk's)")
            cells = [
                format_local(m.since, date=False),
                label(m.audience),
                m.channel,
                state,
                f"{m.subject} — {m.reason}" if m.reason else m.subject,
            ]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(plain_tip(value))
                item.setData(Qt.ItemDataRole.UserRole, m.draft_id)
                table.setItem(n, column, item)
        count = len(waiting)
        for button in (self.outbox_edit_button, self.outbox_mark_button):
            button.setEnabled(bool(count))
        if count:
            table.selectRow(0)
        return count

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
            emit(self.edit_requested, draft)

    @Slot()
    def _mark_outbox_item(self) -> None:
        draft = self._selected_outbox_draft()
        if draft is not None:
            emit(self.mark_requested, draft.draft_id)
