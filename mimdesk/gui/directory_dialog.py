"""People and rota: the directory the role pickers read, and who is duty MIM each week."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QListWidgetItem,
    QMessageBox,
    QTableWidgetItem,
    QWidget,
)

from mimdesk.config import Settings
from mimdesk.domain.directory import Directory, Person, iso_week
from mimdesk.domain.events import DIRECTORY_STREAM
from mimdesk.domain.roles import MIM, role_label
from mimdesk.errors import MimDeskError, NotInDirectory
from mimdesk.gui.distribution_page import DistributionPage
from mimdesk.gui.forms.ui_directory_dialog import Ui_DirectoryDialog
from mimdesk.gui.operations import Operations
from mimdesk.gui.widgets import ErrorLabel, muted, plain_labels, plain_message
from mimdesk.usecases import directory as directory_uc
from mimdesk.usecases.context import Changes

if TYPE_CHECKING:
    from mimdesk.gui.mainwindow import MainWindow

ROTA_WEEKS = 8  # this week and the seven after: far enough ahead to plan a rota
PERSON_ID = Qt.ItemDataRole.UserRole


def rota_weeks(now: datetime, count: int = ROTA_WEEKS) -> list[tuple[str, str]]:
    """(ISO week, "24 Nov – 30 Nov") from the desk's current local week on."""
    today = now.astimezone().date()
    monday = today - timedelta(days=today.weekday())
    weeks = []
    for i in range(count):
        start = monday + timedelta(weeks=i)
        weeks.append((iso_week(datetime.combine(start, datetime.min.time())), _span(start)))
    return weeks


def _span(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    return f"{monday:%d %b} – {sunday:%d %b %Y}"


class DirectoryDialog(QDialog):
    def __init__(self, ops: Operations, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_DirectoryDialog()
        self.ui.setupUi(self)
        self._ops = ops
        self._settings = settings
        self._person_id: str | None = None
        self._directory = Directory()
        # The question open over the dialog (someone typed for the rota is not a person).
        self.confirm_box: QMessageBox | None = None
        self.error = ErrorLabel(self)
        self.error.setObjectName("directoryError")
        self.ui.mainLayout.replaceWidget(self.ui.errorLabel, self.error)
        self.ui.errorLabel.hide()
        plain_labels(self)
        muted(self.ui.rotaHint)
        table = self.ui.peopleTable
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        self.ui.rotaTable.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.ui.rotaTable.horizontalHeader().setStretchLastSection(True)
        for role in settings.roles:
            item = QListWidgetItem(role.label)
            item.setData(PERSON_ID, role.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.ui.rolesList.addItem(item)
        self.ui.dutyCombo.setEditable(True)
        duty_line = self.ui.dutyCombo.lineEdit()  # an editable combo always has one
        if duty_line is not None:
            duty_line.setPlaceholderText("Nobody")
        for week, span in rota_weeks(ops.ctx.now()):
            self.ui.weekCombo.addItem(f"{week}  ({span})", week)

        table.itemSelectionChanged.connect(self._selected)
        self.ui.newButton.clicked.connect(self.new_person)
        self.ui.saveButton.clicked.connect(self.save_person)
        self.ui.retireButton.clicked.connect(self.retire_person)
        self.ui.nameEdit.textChanged.connect(self._update_buttons)
        self.ui.nameEdit.returnPressed.connect(self.save_person)
        self.ui.setDutyButton.clicked.connect(self.set_duty)
        self.ui.rotaTable.itemSelectionChanged.connect(self._rota_selected)
        self.ui.weekCombo.currentIndexChanged.connect(self._week_chosen)
        self.ui.buttonBox.rejected.connect(self.reject)
        ops.hub.changed.connect(self._on_changed)
        self.distribution = DistributionPage(ops, settings)
        self.ui.tabs.addTab(self.distribution, "&Distribution lists")
        self.ui.peopleLayout.setStretch(0, 3)
        self.ui.peopleLayout.setStretch(1, 2)
        self.reload()
        self._week_chosen()
        self.new_person()
        width = self.fontMetrics().averageCharWidth() * 165
        self.resize(max(width, self.sizeHint().width()), self.sizeHint().height())

    # ---- showing ----------------------------------------------------------------------------

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        if DIRECTORY_STREAM in changes.streams:
            self.reload()
            self.distribution.reload()

    def reload(self) -> None:
        self._directory = directory_uc.directory(self._ops.ctx)
        people = self._directory.active_people()
        table = self.ui.peopleTable
        table.blockSignals(True)
        table.setRowCount(len(people))
        for row, person in enumerate(people):
            roles = ", ".join(role_label(r, self._settings.roles) for r in person.roles)
            cells = (person.name, person.team, person.email, person.phone, roles or "Any role")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(PERSON_ID, person.id)
                table.setItem(row, column, item)
        table.blockSignals(False)
        self.select_person(self._person_id)
        mims = [p.name for p in self._directory.active_people(MIM)]
        typed = self.ui.dutyCombo.currentText()
        self.ui.dutyCombo.clear()
        self.ui.dutyCombo.addItems(mims)
        self.ui.dutyCombo.setEditText(typed)
        weeks = rota_weeks(self._ops.ctx.now())
        self.ui.rotaTable.setRowCount(len(weeks))
        for row, (week, span) in enumerate(weeks):
            duty = self._directory.on_duty(MIM, week)
            for column, text in enumerate((week, span, duty or "Nobody")):
                item = QTableWidgetItem(text)
                if not duty and column == 2:
                    item.setForeground(self.palette().placeholderText())
                self.ui.rotaTable.setItem(row, column, item)
        self.ui.rotaTable.resizeRowsToContents()

    def select_person(self, person_id: str | None) -> None:
        table = self.ui.peopleTable
        for row in range(table.rowCount()):
            cell = table.item(row, 0)
            if cell is not None and cell.data(PERSON_ID) == person_id:
                table.selectRow(row)
                return
        table.clearSelection()

    def person(self) -> Person | None:
        return self._directory.people.get(self._person_id) if self._person_id else None

    def _selected(self) -> None:
        rows = self.ui.peopleTable.selectionModel().selectedRows()
        if not rows:
            return
        cell = self.ui.peopleTable.item(rows[0].row(), 0)
        if cell is None:
            return
        person_id = cell.data(PERSON_ID)
        person = self._directory.people.get(person_id)
        if person is None:
            return
        self._person_id = person.id
        self.ui.personBox.setTitle(f"Person: {person.name}")
        self.ui.nameEdit.setText(person.name)
        self.ui.teamEdit.setText(person.team)
        self.ui.emailEdit.setText(person.email)
        self.ui.phoneEdit.setText(person.phone)
        for i in range(self.ui.rolesList.count()):
            item = self.ui.rolesList.item(i)
            ticked = item.data(PERSON_ID) in person.roles
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.error.clear_error()
        self._update_buttons()

    def _rota_selected(self) -> None:
        rows = self.ui.rotaTable.selectionModel().selectedRows()
        if not rows:
            return
        row = rows[0].row()
        self.ui.weekCombo.setCurrentIndex(row)
        self._week_chosen()

    def _week_chosen(self, *_args: object) -> None:
        duty = self._directory.on_duty(MIM, str(self.ui.weekCombo.currentData()))
        self.ui.dutyCombo.setEditText(duty)

    def _update_buttons(self) -> None:
        self.ui.saveButton.setEnabled(bool(self.ui.nameEdit.text().strip()))
        self.ui.retireButton.setEnabled(self._person_id is not None)

    # ---- acting -----------------------------------------------------------------------------

    @Slot()
    def new_person(self) -> None:
        self._person_id = None
        self.ui.peopleTable.clearSelection()
        self.ui.personBox.setTitle("New person")
        for edit in (self.ui.nameEdit, self.ui.teamEdit, self.ui.emailEdit, self.ui.phoneEdit):
            edit.clear()
        for i in range(self.ui.rolesList.count()):
            self.ui.rolesList.item(i).setCheckState(Qt.CheckState.Unchecked)
        self.error.clear_error()
        self._update_buttons()
        self.ui.nameEdit.setFocus()

    def _ticked_roles(self) -> list[str]:
        items = (self.ui.rolesList.item(i) for i in range(self.ui.rolesList.count()))
        return [
            str(item.data(PERSON_ID))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    @Slot()
    def save_person(self) -> None:
        ui = self.ui
        if not ui.nameEdit.text().strip():
            return
        fields: dict[str, Any] = {
            "name": ui.nameEdit.text(),
            "person_id": self._person_id,
            "team": ui.teamEdit.text(),
            "email": ui.emailEdit.text().strip(),
            "phone": ui.phoneEdit.text(),
            "roles": self._ticked_roles(),
        }
        self.error.clear_error()
        ui.saveButton.setEnabled(False)

        def done(result: tuple[Person, Changes]) -> None:
            self._person_id = result[0].id
            self.reload()
            self._update_buttons()

        self._ops.mutate(
            lambda ctx: directory_uc.save_person(ctx, **fields), done=done, failed=self._failed
        )

    @Slot()
    def retire_person(self) -> None:
        person_id = self._person_id
        if person_id is None:
            return
        self.error.clear_error()
        self._ops.mutate(
            lambda ctx: directory_uc.retire_person(ctx, person_id=person_id),
            done=lambda _changes: self.new_person(),
            failed=self._failed,
        )

    @Slot()
    def set_duty(self) -> None:
        self._set_duty(add_person=False)

    def _set_duty(self, *, add_person: bool) -> None:
        week = str(self.ui.weekCombo.currentData())
        person = self.ui.dutyCombo.currentText()
        self.error.clear_error()
        self._ops.mutate(
            lambda ctx: directory_uc.set_rota(
                ctx, week=week, role=MIM, person=person, add_person=add_person
            ),
            failed=self._duty_failed,
        )

    def _duty_failed(self, error: MimDeskError) -> None:
        if isinstance(error, NotInDirectory):
            self.ask_add_person(error.person)
            return
        self._failed(error)

    def ask_add_person(self, name: str) -> QMessageBox:
        """The rota names people of the directory: offer to add one who is not in it."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Not in the directory",
            f"{name} is not in the directory. Add them and put them on the rota?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(
            "They are added with their name and the MIM role; add their phone and e-mail "
            "under People."
        )
        plain_message(box)  # the name is as typed
        box.button(QMessageBox.StandardButton.Yes).setText("&Add and set")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setObjectName("addPersonBox")
        box.finished.connect(
            lambda result: (
                self._set_duty(add_person=True)
                if result == QMessageBox.StandardButton.Yes
                else self._update_buttons()
            )
        )
        self.confirm_box = box
        box.open()
        return box

    def _failed(self, error: MimDeskError) -> None:
        self._update_buttons()
        self.error.show_error(error)


def install_menu(window: MainWindow) -> QAction:
    """Tools > People and rota…"""
    action = QAction("&People and rota…", window)
    action.setObjectName("directoryAction")

    def open_dialog() -> None:
        dialog = DirectoryDialog(window.ops, window.app.settings, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    action.triggered.connect(open_dialog)
    window.tools_menu.addAction(action)
    return action
