"""The Communications tab's log: every message sent, failed or queued, newest first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mimdesk.domain.clock import format_local
from mimdesk.domain.payloads import Queued, SendFailed
from mimdesk.gui import theme
from mimdesk.gui.widgets import plain_tip
from mimdesk.usecases.incidents import IncidentView


class CommsLogPanel(QWidget):
    """The table of messages and, below it, the exact text of the one picked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log_table = QTableWidget(0, 6)
        self.log_table.setObjectName("commsLog")
        self.log_table.setHorizontalHeaderLabels(
            ["Time", "Audience", "Channel", "Outcome", "Subject", "Recipients"]
        )
        table_defaults(self.log_table)
        self.log_text = QPlainTextEdit()
        self.log_text.setObjectName("commsLogText")
        self.log_text.setReadOnly(True)
        self.log_text.setPlaceholderText("Pick a message to read its exact text")
        self._log_texts: list[str] = []
        log_split = QSplitter(Qt.Orientation.Vertical)
        log_split.addWidget(self.log_table)
        log_split.addWidget(self.log_text)
        QVBoxLayout(self).addWidget(log_split)
        self.log_table.itemSelectionChanged.connect(self._show_log_text)

    def fill(self, view: IncidentView | None, label: Callable[[str], str]) -> None:
        """Show the log of `view`; `label` names an audience."""
        table = self.log_table
        table.setRowCount(0)
        self._log_texts = []
        if view is None:
            return
        rows = _rows(view, label)
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


def _rows(view: IncidentView, label: Callable[[str], str]) -> list[tuple[datetime, list[str], str]]:
    """(when, cells, exact text) of each message sent, failed or queued, newest first."""
    state = view.state
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
    for e in view.events:
        p = e.payload
        if not isinstance(p, SendFailed | Queued):
            continue
        d = state.drafts.get(p.draft_id)
        outcome = "Failed: " if isinstance(p, SendFailed) else "Queued: "
        # A failure records no recipients: who it was for is the draft's business.
        recipients = p.recipients if isinstance(p, Queued) else ()
        cells = [
            format_local(e.occurred_at),
            label(d.audience) if d else "",
            p.channel,
            outcome + p.reason,
            d.subject if d else "",
            ", ".join(recipients),
        ]
        rows.append((e.occurred_at, cells, f"{cells[4]}\n\n{d.body if d else ''}"))
    rows.sort(key=lambda r: r[0], reverse=True)
    return rows


def table_defaults(table: QTableWidget) -> None:
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
