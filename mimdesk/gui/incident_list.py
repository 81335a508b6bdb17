"""The incident list: a table model over summaries, a sort proxy, filters and search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mimdesk.config import Settings
from mimdesk.domain.clock import format_local
from mimdesk.domain.summary import IncidentSummary
from mimdesk.errors import MimDeskError
from mimdesk.gui import theme
from mimdesk.gui.changes import ChangeHub
from mimdesk.gui.signals import emit
from mimdesk.gui.tablemodel import RowsModel
from mimdesk.gui.widgets import ErrorLabel, muted, plain_labels, plain_tip
from mimdesk.usecases import incidents
from mimdesk.usecases.context import Changes, Context

Index = QModelIndex | QPersistentModelIndex

REFERENCE, STATUS, SEVERITY, TITLE, MIM, UPDATED = range(6)
HEADERS = ("Ref", "Status", "Sev", "Title", "MIM", "Updated")
HEADER_TIPS = (
    "Incident reference",
    "Status",
    "Severity",
    "Title",
    "Major Incident Manager",
    "Last change",
)

SortRole = Qt.ItemDataRole.UserRole + 1
SummaryRole = Qt.ItemDataRole.UserRole + 2
StreamIdRole = Qt.ItemDataRole.UserRole + 3

# What an empty list says under each filter (the database holds incidents, none shown).
EMPTY_FILTER_TEXT = {
    "active": "No active incidents.",
    "candidates": "No candidates waiting for a decision.",
    "recent": "Nothing changed in the last 14 days.",
}

FILTERS = (
    ("active", "Active", "Declared and not yet resolved"),
    ("candidates", "Candidates", "Reported, not yet declared or rejected"),
    ("recent", "Recent", "Changed in the last 14 days"),
    ("all", "All", "Every incident in this database"),
)
# A desk opens the window to run what is going on now.
DEFAULT_FILTER = "active"
EMPTY_DATABASE_TEXT = "No incidents yet — press Ctrl+N to report one"
SEARCH_DELAY_MS = 200


class IncidentListModel(RowsModel[IncidentSummary]):
    """Plain :class:`IncidentSummary` rows; the model never reads the database itself."""

    headers = HEADERS
    header_tips = HEADER_TIPS

    def __init__(
        self,
        settings: Settings,
        now: Callable[[], datetime],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._now = now

    def set_rows(self, rows: Sequence[IncidentSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_of(self, stream_id: str) -> int:
        for row, summary in enumerate(self._rows):
            if summary.stream_id == stream_id:
                return row
        return -1

    def summary(self, row: int) -> IncidentSummary:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        s = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(s, column)
        if role == SortRole:
            return self._sort_key(s, column)
        if role == SummaryRole:
            return s
        if role == StreamIdRole:
            return s.stream_id
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == SEVERITY and s.severity:
                return self._settings.severity_label(s.severity)
            if column == MIM and s.is_active and not s.mim:
                return "No Major Incident Manager assigned"
            if column == UPDATED:
                return format_local(s.updated_at)
            return plain_tip(f"{s.reference}  {s.title}")
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS:
            return theme.status_colour(s.status)
        if role == Qt.ItemDataRole.ForegroundRole and column == MIM and s.is_active and not s.mim:
            return QColor("#c2410c")
        return None

    def _display(self, s: IncidentSummary, column: int) -> str:
        if column == REFERENCE:
            return s.reference
        if column == STATUS:
            return s.status.label
        if column == SEVERITY:
            return s.severity or "—"
        if column == TITLE:
            return s.title
        if column == MIM:
            return s.mim or ("none" if s.is_active else "—")
        if column == UPDATED:
            if s.updated_at is None:
                return "—"
            today = self._now().astimezone().date() == s.updated_at.astimezone().date()
            return format_local(s.updated_at, date=not today)
        return ""

    def _sort_key(self, s: IncidentSummary, column: int) -> Any:
        if column == STATUS:
            return list(type(s.status)).index(s.status)
        if column == SEVERITY:
            ids = [sev.id for sev in self._settings.severities]
            return ids.index(s.severity) if s.severity in ids else len(ids)
        if column == UPDATED:
            return s.updated_at.timestamp() if s.updated_at else 0.0
        return self._display(s, column).casefold()


class IncidentSortProxy(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)


class IncidentListView(QWidget):
    """Filters, search and the table. Selecting a row asks for that incident to be opened.

    Signals:
        incident_selected(str): the stream id of the incident picked in the list.
    """

    incident_selected = Signal(str)

    def __init__(
        self,
        ctx: Context,
        hub: ChangeHub,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._filter = DEFAULT_FILTER
        self._current: str | None = None
        # Set while the list restores its own selection, which is not the user picking.
        self._quiet = False
        self.model = IncidentListModel(settings, ctx.now, self)
        self.proxy = IncidentSortProxy(self)
        self.proxy.setSourceModel(self.model)

        self.filter_buttons = QButtonGroup(self)
        self.filter_buttons.setExclusive(True)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for key, label, tip in FILTERS:
            button = QToolButton()
            button.setText(label)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setObjectName(f"filter_{key}")
            button.setChecked(key == self._filter)
            button.setAutoRaise(False)
            button.clicked.connect(lambda _checked=False, k=key: self.set_filter(k))
            self.filter_buttons.addButton(button)
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.search = QLineEdit()
        self.search.setObjectName("searchEdit")
        self.search.setPlaceholderText("Search reference, title, service, person (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.refresh)

        self.table = QTableView()
        self.table.setObjectName("incidentTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(UPDATED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        # Tab leaves the list for the workspace; the arrow keys move between incidents.
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.viewport().installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        muted(self.empty_label)
        self.error_label = ErrorLabel()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.search)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        plain_labels(self)  # the empty list repeats the search typed

        hub.changed.connect(self._on_changed)

    # Dropped first, in this order, when the list is too narrow to show every column.
    OPTIONAL_COLUMNS = (UPDATED, MIM, SEVERITY)
    MIN_TITLE_CHARS = 18

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The table's viewport, not this widget: its width is only final once it has resized.
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    def fit_columns(self) -> None:
        """Hide the least needed columns rather than squeeze the title to nothing."""
        table = self.table
        for column in self.OPTIONAL_COLUMNS:
            table.setColumnHidden(column, False)
        room = table.viewport().width()
        title = self.fontMetrics().averageCharWidth() * self.MIN_TITLE_CHARS
        widths = {
            c: max(table.sizeHintForColumn(c), table.horizontalHeader().sectionSizeHint(c))
            for c in range(self.model.columnCount())
            if c != TITLE
        }
        used = sum(widths.values()) + title
        for column in self.OPTIONAL_COLUMNS:
            if used <= room:
                break
            table.setColumnHidden(column, True)
            used -= widths[column]

    @property
    def filter(self) -> str:
        return self._filter

    def set_filter(self, key: str) -> None:
        self._filter = key
        for button in self.filter_buttons.buttons():
            button.setChecked(button.objectName() == f"filter_{key}")
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self._search_timer.stop()
        try:
            rows = incidents.list_incidents(self._ctx, self._filter, self.search.text())
        except MimDeskError as exc:
            self.error_label.show_error(exc)
            return
        self.error_label.clear_error()
        self.model.set_rows(rows)
        self.fit_columns()
        self._show_empty(not rows)
        if self._current is not None:
            self.select(self._current, emit=False)

    def _show_empty(self, empty: bool) -> None:
        if not empty:
            self.empty_label.hide()
            return
        if self.search.text().strip():
            text = "No incident matches the search."
        elif self._filter == "all" or not self._any_incident():
            text = EMPTY_DATABASE_TEXT
        else:
            text = f"{EMPTY_FILTER_TEXT.get(self._filter, 'Nothing here.')} Try All."
        self.empty_label.setText(text)
        self.empty_label.show()

    def _any_incident(self) -> bool:
        try:
            return bool(incidents.list_incidents(self._ctx, "all"))
        except MimDeskError:
            return True  # the error label already says what is wrong

    def select(self, stream_id: str | None, *, emit: bool = True) -> bool:
        """Select the row of an incident; False when the filter hides it."""
        self._current = stream_id
        row = self.model.row_of(stream_id) if stream_id else -1
        self._quiet = not emit
        try:
            if row < 0:
                self.table.selectionModel().clearSelection()
                return False
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.table.selectRow(index.row())
            self.table.scrollTo(index)
            return True
        finally:
            self._quiet = False

    def first_stream_id(self) -> str | None:
        if self.proxy.rowCount() == 0:
            return None
        return str(self.proxy.index(0, 0).data(StreamIdRole))

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes or self._quiet:
            return
        stream_id = str(indexes[0].data(StreamIdRole))
        self._current = stream_id
        emit(self.incident_selected, stream_id)

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        if changes.incidents_list:
            self.refresh()
            if self._current in changes.streams:
                self._follow(self._current)

    def _follow(self, stream_id: str) -> None:
        """The open incident left the filter in force through a change made here (a candidate
        declared): show the filter that holds it now rather than an empty list."""
        if self._filter == "all" or self.search.text().strip() or self.model.row_of(stream_id) >= 0:
            return
        for key in ("active", "candidates", "all"):
            self.set_filter(key)
            if self.model.row_of(stream_id) >= 0:
                self.select(stream_id, emit=False)
                return
