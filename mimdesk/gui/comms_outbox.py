"""The Communications tab's outbox: messages queued or failed, waiting to go out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

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
from mimdesk.domain.payloads import Queued, SendFailed
from mimdesk.gui.comms_log import table_defaults
from mimdesk.gui.signals import emit
from mimdesk.gui.widgets import muted, plain_tip
from mimdesk.usecases.incidents import IncidentView

STATE_LABELS = {
    "drafted": "Draft",
    "approved": "Approved",
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
            "when it answers again."
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
        """Show the messages of `view` still waiting; returns how many."""
        self._view = view
        table = self.outbox_table
        waiting = _waiting(view)
        reasons: dict[str, tuple[datetime, str]] = {}
        for e in view.events if view else []:
            if isinstance(e.payload, Queued | SendFailed):
                reasons[e.payload.draft_id] = (e.occurred_at, e.payload.reason)
        table.setRowCount(len(waiting))
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


def _waiting(view: IncidentView | None) -> list[Draft]:
    if view is None:
        return []
    found = [d for d in view.state.drafts.values() if d.state in ("queued", "failed")]
    return sorted(found, key=lambda d: d.drafted_at)
