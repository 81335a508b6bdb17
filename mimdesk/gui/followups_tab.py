"""The Follow-ups tab: the actions the review decided on, with owner, due date and status.

Every add and edit is an event written by :mod:`mimdesk.usecases.followups`; the table is
redrawn from the incident's state when the change comes back through the hub.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mimdesk.domain.incident import FollowUp
from mimdesk.domain.vocabulary import (
    FOLLOWUP_CLOSED,
    FOLLOWUP_KINDS,
    FOLLOWUP_PRIORITIES,
    FOLLOWUP_STATUSES,
)
from mimdesk.errors import MimDeskError
from mimdesk.gui import theme
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.dialogs import fill_choices
from mimdesk.gui.forms.ui_followup_dialog import Ui_FollowupDialog
from mimdesk.gui.operations import Operations
from mimdesk.gui.signals import emit
from mimdesk.gui.tablemodel import RowsModel
from mimdesk.gui.widgets import ErrorLabel, muted, plain_labels, plain_tip, rich_label
from mimdesk.usecases import followups
from mimdesk.usecases.context import Changes, Context
from mimdesk.usecases.incidents import IncidentView

Index = QModelIndex | QPersistentModelIndex

NUMBER, TITLE, OWNER, DUE, PRIORITY, KIND, STATUS, TICKET = range(8)
HEADERS = ("#", "Action", "Owner", "Due", "Priority", "Kind", "Status", "Ticket")
FollowupRole = Qt.ItemDataRole.UserRole + 1
# New actions fall due in two weeks unless the person says otherwise: the usual review rhythm.
DEFAULT_DUE_DAYS = 14


class FollowupsModel(RowsModel[FollowUp]):
    """Follow-ups as rows, numbered F1, F2, … in the order they were added."""

    headers = HEADERS

    def __init__(self, today: Callable[[], date], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self._overdue_day = today()

    def set_followups(self, items: Mapping[str, FollowUp]) -> None:
        self.beginResetModel()
        self._rows = followups.ordered(items)
        self._overdue_day = self._today()
        self.endResetModel()

    def followup(self, row: int) -> FollowUp:
        return self._rows[row]

    def row_of(self, followup_id: str) -> int:
        for row, item in enumerate(self._rows):
            if item.id == followup_id:
                return row
        return -1

    def overdue_count(self) -> int:
        today = self._today()
        return sum(1 for f in self._rows if followups.is_overdue(f, today))

    def open_count(self) -> int:
        return sum(1 for f in self._rows if f.status not in FOLLOWUP_CLOSED)

    def recheck_overdue(self) -> None:
        """Repaint when the date has moved on since the rows were shown (past midnight)."""
        if self._rows and self._today() != self._overdue_day:
            self._overdue_day = self._today()
            emit(
                self.dataChanged,
                self.index(0, 0),
                self.index(len(self._rows) - 1, len(HEADERS) - 1),
            )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.in_range(index):
            return None
        item = self._rows[index.row()]
        column = index.column()
        overdue = followups.is_overdue(item, self._today())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), item, column, overdue)
        if role == FollowupRole:
            return item
        if role == Qt.ItemDataRole.ForegroundRole:
            if overdue and column in (NUMBER, TITLE, DUE):
                return theme.error_colour(QGuiApplication.palette())
            if item.status in FOLLOWUP_CLOSED:
                return theme.muted_colour(QGuiApplication.palette())
            return None
        if role == Qt.ItemDataRole.FontRole:
            if overdue and column == DUE:
                font = QFont(QGuiApplication.font())
                font.setBold(True)
                return font
            if item.status == "cancelled" and column == TITLE:
                font = QFont(QGuiApplication.font())
                font.setStrikeOut(True)
                return font
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [item.title]
            if overdue:
                lines.append(f"Overdue: it was due {item.due} and is still {item.status}.")
            if item.ticket:
                lines.append(f"Tracked in {item.ticket}")
            return plain_tip("\n".join(lines))
        return None

    @staticmethod
    def _text(row: int, item: FollowUp, column: int, overdue: bool) -> str:
        match column:
            case 0:
                return f"F{row + 1}"
            case 1:
                return item.title
            case 2:
                return item.owner or "—"
            case 3:
                if not item.due:
                    return "—"
                return f"{item.due}  overdue" if overdue else item.due
            case 4:
                return FOLLOWUP_PRIORITIES.label(item.priority)
            case 5:
                return FOLLOWUP_KINDS.label(item.kind)
            case 6:
                return FOLLOWUP_STATUSES.label(item.status)
            case 7:
                return item.ticket
        return ""


class FollowupDialog(QDialog):
    """Add a follow-up action, or change one. Closes once the event is written; on a refusal
    the form stays filled and says what is wrong.

    Signals:
        saved(str): the follow-up's id, once written.
    """

    saved = Signal(str)

    def __init__(
        self,
        ops: Operations,
        reference: str,
        today: date,
        existing: FollowUp | None = None,
        number: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_FollowupDialog()
        self.ui.setupUi(self)
        rich_label(self.ui.introLabel)  # a bold number; no typed text
        plain_labels(self)
        self._ops = ops
        self._reference = reference
        self._existing = existing
        self.error = ErrorLabel(self)
        self.error.setObjectName("followupError")
        self.ui.mainLayout.replaceWidget(self.ui.errorLabel, self.error)
        self.ui.errorLabel.hide()
        current = existing or FollowUp(id="", title="")
        fill_choices(self.ui.priorityCombo, FOLLOWUP_PRIORITIES, current.priority)
        fill_choices(self.ui.kindCombo, FOLLOWUP_KINDS, current.kind)
        fill_choices(self.ui.statusCombo, FOLLOWUP_STATUSES, current.status)
        self.ui.kindCombo.setToolTip(
            "Prevent: stop it happening again. Mitigate: make it hurt less next time. "
            "Detect: notice it sooner. Process: how we work."
        )
        self.ui.titleEdit.setText(current.title)
        self.ui.ownerEdit.setText(current.owner)
        self.ui.ticketEdit.setText(current.ticket)
        self.ui.dueCheck.toggled.connect(self.ui.dueEdit.setEnabled)
        due = _parse_date(current.due)
        self.ui.dueCheck.setChecked(existing is None or due is not None)
        shown = due or today + timedelta(days=DEFAULT_DUE_DAYS)
        self.ui.dueEdit.setDate(QDate(shown.year, shown.month, shown.day))
        self.ok_button = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        if existing is None:
            self.setWindowTitle(f"New follow-up on {reference}")
            self.ui.introLabel.setText(
                "An action the review decided on, so that this does not happen again "
                "(or hurts less, or is noticed sooner)."
            )
            self.ok_button.setText("&Add follow-up")
        else:
            self.setWindowTitle(f"F{number} on {reference}")
            self.ui.introLabel.setText(f"Change follow-up <b>F{number}</b>.")
            self.ok_button.setText("&Save")
        self.ok_button.setEnabled(bool(current.title.strip()))
        self.ui.titleEdit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip()))
        )
        self.ui.buttonBox.accepted.connect(self.submit)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.titleEdit.setFocus()
        width = self.fontMetrics().averageCharWidth() * 80
        self.resize(max(width, self.sizeHint().width()), self.sizeHint().height())

    def fields(self) -> dict[str, Any]:
        ui = self.ui
        due = ui.dueEdit.date().toPython() if ui.dueCheck.isChecked() else ""
        return {
            "title": ui.titleEdit.text(),
            "owner": ui.ownerEdit.text(),
            "due": due,
            "priority": str(ui.priorityCombo.currentData()),
            "kind": str(ui.kindCombo.currentData()),
            "status": str(ui.statusCombo.currentData()),
            "ticket": ui.ticketEdit.text(),
        }

    @Slot()
    def submit(self) -> None:
        fields = self.fields()
        reference = self._reference
        existing = self._existing
        self.error.clear_error()
        self.ui.buttonBox.setEnabled(False)
        if existing is None:

            def action(ctx: Context) -> tuple[str, Changes]:
                return followups.add(ctx, reference=reference, **fields)
        else:
            followup_id = existing.id

            def action(ctx: Context) -> tuple[str, Changes]:
                changes = followups.update(ctx, reference=reference, followup=followup_id, **fields)
                return followup_id, changes

        self._ops.mutate(action, done=self._done, failed=self._failed)

    def _done(self, result: tuple[str, Changes]) -> None:
        emit(self.saved, result[0])
        self.accept()

    def _failed(self, error: MimDeskError) -> None:
        self.ui.buttonBox.setEnabled(True)
        self.error.show_error(error)


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class FollowupsTab(QWidget):
    def __init__(
        self,
        current: CurrentIncident,
        ops: Operations,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._current = current
        self._ops = ops
        self._now = now
        self._view: IncidentView | None = None
        self.model = FollowupsModel(self.today, self)

        self.summary = QLabel()
        self.summary.setObjectName("followupsSummary")
        self.summary.setWordWrap(True)
        self.add_button = QPushButton("&Add follow-up…")
        self.add_button.setObjectName("addFollowupButton")
        self.add_button.setToolTip("Add an action the review decided on")
        self.edit_button = QPushButton("Ed&it…")
        self.edit_button.setObjectName("editFollowupButton")
        self.edit_button.setToolTip("Change the selected follow-up (or double-click it)")
        self.done_button = QPushButton("Mark &done")
        self.done_button.setObjectName("doneFollowupButton")
        self.done_button.setToolTip("Record that the selected follow-up is done")
        self.error = ErrorLabel()

        self.table = QTableView()
        self.table.setObjectName("followupsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.placeholder = QLabel("Open an incident from the list to see its follow-ups.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        muted(self.placeholder)

        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.placeholder, 1)
        plain_labels(self)  # the summary names follow-ups

        self.add_button.clicked.connect(self.add_followup)
        self.edit_button.clicked.connect(self.edit_selected)
        self.done_button.clicked.connect(self.mark_done)
        # Double-click or Enter; connecting doubleClicked too would open two dialogs.
        self.table.activated.connect(lambda index: self.edit_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        current.loaded.connect(self.show_incident)
        self.show_incident(current.view)

    def today(self) -> date:
        return self._now().astimezone().date()

    # ---- showing --------------------------------------------------------------------------

    @Slot(object)
    def show_incident(self, view: IncidentView | None) -> None:
        same = (
            view is not None
            and self._view is not None
            and view.state.stream_id == self._view.state.stream_id
        )
        kept = self.selected() if same else None
        self._view = view
        self.table.setVisible(view is not None)
        self.placeholder.setVisible(view is None)
        self.add_button.setEnabled(view is not None)
        self.model.set_followups(view.state.followups if view else {})
        if not same:
            self.error.clear_error()
        if kept is not None:
            self.select(kept.id)
        self._show_summary()
        self._update_buttons()

    def _show_summary(self) -> None:
        total = self.model.rowCount()
        if self._view is None:
            self.summary.clear()
            return
        if total == 0:
            self.summary.setText(
                "No follow-up actions yet. Add what the review decides, so that root cause "
                "work moves on to problem management."
            )
            return
        overdue = self.model.overdue_count()
        text = f"{total} {'action' if total == 1 else 'actions'}, {self.model.open_count()} open"
        if overdue:
            colour = theme.error_colour(self.palette()).name()
            text += f", <b style='color:{colour}'>{overdue} overdue</b>"
        self.summary.setText(text)

    def showEvent(self, event: QShowEvent) -> None:
        # Overdue is a matter of the date: one shown yesterday may be overdue today.
        self.model.recheck_overdue()
        self._show_summary()
        super().showEvent(event)

    def selected(self) -> FollowUp | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.followup(rows[0].row()) if rows else None

    def select(self, followup_id: str) -> None:
        row = self.model.row_of(followup_id)
        if row >= 0:
            self.table.selectRow(row)

    @Slot()
    def _update_buttons(self) -> None:
        item = self.selected()
        self.edit_button.setEnabled(item is not None)
        self.done_button.setEnabled(item is not None and item.status != "done")

    # ---- changing -------------------------------------------------------------------------

    @Slot()
    def add_followup(self) -> FollowupDialog | None:
        reference = self._current.reference
        if reference is None:
            return None
        return self._open_dialog(FollowupDialog(self._ops, reference, self.today(), parent=self))

    @Slot()
    def edit_selected(self) -> FollowupDialog | None:
        rows = self.table.selectionModel().selectedRows()
        return self.edit_row(rows[0].row()) if rows else None

    def edit_row(self, row: int) -> FollowupDialog | None:
        reference = self._current.reference
        if reference is None or not 0 <= row < self.model.rowCount():
            return None
        item = self.model.followup(row)
        dialog = FollowupDialog(self._ops, reference, self.today(), item, row + 1, self)
        return self._open_dialog(dialog)

    def _open_dialog(self, dialog: FollowupDialog) -> FollowupDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.select)
        dialog.open()
        return dialog

    @Slot()
    def mark_done(self) -> None:
        reference = self._current.reference
        item = self.selected()
        if reference is None or item is None:
            return
        self.error.clear_error()
        followup_id = item.id
        self._ops.mutate(
            lambda ctx: followups.update(
                ctx, reference=reference, followup=followup_id, status="done"
            ),
            failed=self.error.show_error,
        )
