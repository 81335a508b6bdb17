"""The candidate queue and the over-escalation signal, shown together above the checklist.

Both answer the desk's question before any one incident's: what is waiting for a decision, and
are we declaring too much? They sit at the top of the Declaration tab (rather than in a Tools
dialog) because that is where the decision is made: the oldest candidate is one double-click
away, and the declared-to-rejected share is in view at the moment it should temper a call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mimdesk.domain.clock import format_duration
from mimdesk.errors import MimDeskError
from mimdesk.gui import theme
from mimdesk.gui.signals import emit
from mimdesk.gui.uiclock import UiClock
from mimdesk.gui.widgets import ErrorLabel, muted, plain_labels, plain_tip, rich_label
from mimdesk.usecases import declaration
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.declaration import EscalationStats, QueuedCandidate

PERIODS = ((7, "last 7 days"), (30, "last 30 days"), (90, "last 90 days"), (365, "last year"))
# Nearly everything declared, over enough decisions to mean something: the criteria are loose.
LOOSE_SHARE, LOOSE_MINIMUM = 0.8, 5
AGE, REFERENCE, TITLE, SEVERITY = range(4)
STREAM_ROLE = Qt.ItemDataRole.UserRole


def format_minutes(span: timedelta | None) -> str:
    if span is None:
        return "—"
    minutes = round(span.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class CandidateQueue(QTreeWidget):
    """Incidents reported but not decided, oldest first, their age ticking with the UI clock.

    Signals:
        incident_chosen(str): the stream id of a candidate the user opened (double-click, Enter).
    """

    incident_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("candidateQueue")
        self.setColumnCount(4)
        self.setHeaderLabels(["Waiting", "Reference", "Title", "Severity"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setToolTip("Double-click (or Enter) to assess it")
        header = self.header()
        header.setStretchLastSection(False)
        for column in (AGE, REFERENCE, SEVERITY):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self._reported: list[datetime | None] = []
        self.itemActivated.connect(self._on_activated)

    def set_queue(self, queue: list[QueuedCandidate], now: datetime) -> None:
        current = self.current_stream_id()
        self.clear()
        self._reported = []
        for queued in queue:
            s = queued.summary
            item = QTreeWidgetItem(["", s.reference, s.title, s.severity or "—"])
            item.setData(AGE, STREAM_ROLE, s.stream_id)
            item.setToolTip(TITLE, plain_tip(s.title))
            item.setTextAlignment(AGE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.addTopLevelItem(item)
            self._reported.append(s.reported_at)
        self.tick(now)
        if current is not None:
            self.select(current)

    def _row(self, index: int) -> QTreeWidgetItem:
        item = self.topLevelItem(index)
        # Only called with an index below row_count(); None would mean a bug here.
        assert item is not None
        return item

    def stream_ids(self) -> list[str]:
        return [str(self._row(i).data(AGE, STREAM_ROLE)) for i in range(self.row_count())]

    def ages(self) -> list[str]:
        return [self._row(i).text(AGE) for i in range(self.row_count())]

    def row_count(self) -> int:
        return self.topLevelItemCount()

    def current_stream_id(self) -> str | None:
        item = self.currentItem()
        return str(item.data(AGE, STREAM_ROLE)) if item is not None else None

    def select(self, stream_id: str | None) -> None:
        self.blockSignals(True)
        self.clearSelection()
        self.setCurrentItem(None)  # type: ignore[call-overload]  # Qt takes None: no current item
        for i in range(self.row_count()):
            item = self._row(i)
            if item.data(AGE, STREAM_ROLE) == stream_id:
                self.setCurrentItem(item)
                break
        self.blockSignals(False)

    @Slot(object)
    def tick(self, now: datetime) -> None:
        for i, reported in enumerate(self._reported):
            age = now - reported if reported is not None else None
            self._row(i).setText(AGE, format_duration(age))

    @Slot(QTreeWidgetItem, int)
    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        emit(self.incident_chosen, str(item.data(AGE, STREAM_ROLE)))


class CandidatesPanel(QGroupBox):
    """The queue with, under it, the over-escalation signal for a chosen period.

    Signals:
        incident_chosen(str): the user opened a candidate from the queue.
    """

    incident_chosen = Signal(str)

    def __init__(self, ctx: Context, clock: UiClock, parent: QWidget | None = None) -> None:
        super().__init__("Waiting for a decision", parent)
        self.setObjectName("candidatesPanel")
        self._ctx = ctx
        self._clock = clock
        self.stats: EscalationStats | None = None

        self.queue = CandidateQueue()
        self.queue.incident_chosen.connect(lambda sid: emit(self.incident_chosen, sid))
        self.empty_label = QLabel("No incident is waiting for a decision.")
        self.empty_label.setObjectName("candidatesEmpty")
        muted(self.empty_label)
        self.error = ErrorLabel()

        self.period = QComboBox()
        self.period.setObjectName("statsPeriod")
        for days, label in PERIODS:
            self.period.addItem(label, days)
        self.period.setToolTip("The period the decisions were made in")
        self.period.currentIndexChanged.connect(self.refresh_stats)
        caption = QLabel("Declared against rejected, &over the")
        caption.setBuddy(self.period)
        self.stats_label = rich_label(QLabel())  # bold figures; no typed text
        self.stats_label.setObjectName("statsLabel")
        self.stats_label.setWordWrap(True)
        self.stats_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.loose_label = QLabel()
        self.loose_label.setObjectName("looseCriteriaLabel")
        self.loose_label.setWordWrap(True)
        self.loose_label.hide()
        period_row = QHBoxLayout()
        period_row.addWidget(caption)
        period_row.addWidget(self.period)
        period_row.addWidget(QLabel(":"))
        period_row.addWidget(self.stats_label, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.queue, 1)
        layout.addWidget(self.empty_label, 1, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.error)
        layout.addLayout(period_row)
        layout.addWidget(self.loose_label)
        plain_labels(self)

        clock.tick.connect(self.queue.tick)
        self.refresh()

    @Slot(object)
    def on_changed(self, changes: Changes) -> None:
        # Any incident's decision or report changes the queue and the figures.
        if changes.incidents_list or changes.streams:
            self.refresh()

    def refresh(self) -> None:
        try:
            queue = declaration.candidate_queue(self._ctx)
        except MimDeskError as exc:
            self.error.show_error(exc)
            return
        self.error.clear_error()
        self.queue.set_queue(queue, self._clock.now())
        self.setTitle(
            f"Waiting for a decision ({len(queue)})" if queue else "Waiting for a decision"
        )
        self.queue.setVisible(bool(queue))
        self.empty_label.setVisible(not queue)
        self.refresh_stats()

    @Slot()
    def refresh_stats(self) -> None:
        days = int(self.period.currentData())
        try:
            stats = declaration.escalation_stats(
                self._ctx, since=self._clock.now() - timedelta(days=days)
            )
        except MimDeskError as exc:
            self.error.show_error(exc)
            return
        self.stats = stats
        total = stats.declared + stats.rejected
        if total:
            share = f" ({stats.declared_share:.0%} declared)"
            text = (
                f"<b>{stats.declared}</b> declared, <b>{stats.rejected}</b> rejected{share}; "
                f"median report to decision <b>{format_minutes(stats.median_to_decision)}</b>"
            )
        else:
            text = "no candidate was decided in this period"
        self.stats_label.setText(text)
        self.stats_label.setToolTip(stats.sentence())
        loose = (
            total >= LOOSE_MINIMUM
            and stats.declared_share is not None
            and stats.declared_share >= LOOSE_SHARE
        )
        if loose:
            self.loose_label.setText(
                "Nearly every candidate is being declared: the criteria may be too loose, "
                "and a desk where everything is major has nothing urgent."
            )
            self.loose_label.setStyleSheet(
                f"QLabel {{ background: {theme.WARNING_BACKGROUND}; color: {theme.WARNING_TEXT};"
                " padding: 0.2em 0.5em; border-radius: 0.3em; }"
            )
        self.loose_label.setVisible(loose)
