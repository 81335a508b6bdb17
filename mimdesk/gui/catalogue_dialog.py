"""The service catalogue dialog: the services the desk supports, added, changed and retired.

The declaration checklist prefills its answers from here (a business-critical service picked,
the users it serves), so the catalogue is kept where the desk works, under Tools.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableWidgetItem,
    QWidget,
)

from mimdesk.domain.directory import Service
from mimdesk.domain.events import DIRECTORY_STREAM
from mimdesk.errors import InvalidInput, MimDeskError
from mimdesk.gui.forms.ui_service_catalogue_dialog import Ui_ServiceCatalogueDialog
from mimdesk.gui.operations import Operations
from mimdesk.gui.widgets import ErrorLabel, muted, plain_labels, plain_message
from mimdesk.usecases import directory
from mimdesk.usecases.context import Changes

TIER_LABELS = {
    1: "1 — most critical",
    2: "2 — important",
    3: "3 — standard",
}
COLUMNS = ("Service", "Tier", "Critical", "External", "Users", "Owner")
MAX_SERVICE_USERS = 2_000_000_000


def parse_service_users(text: str) -> int | None:
    """The users a service serves, from what was typed ("1,200" is fine); None if empty."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    if not cleaned.isdigit() or int(cleaned) > MAX_SERVICE_USERS:
        raise InvalidInput(
            f"Users served must be a whole number, not {text.strip()!r}.",
            "Give an estimate such as 1200, or leave it empty if nobody knows.",
        )
    return int(cleaned)


def critical_words(service: Service) -> str:
    words = []
    if service.critical:
        words.append("business-critical")
    if service.revenue:
        words.append("revenue")
    if not words and service.tier == 1:
        words.append("tier 1")
    return ", ".join(words)


class ServiceCatalogueDialog(QDialog):
    """A list of the services on the left, the selected one's form on the right.

    Saving and retiring go through the write lane; the list refreshes from the change hub, so
    a service another desk adds appears here too.
    """

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_ServiceCatalogueDialog()
        self.ui.setupUi(self)
        self._ops = ops
        self._services: list[Service] = []
        self._editing: str | None = None  # the id of the service in the form; None: a new one
        self.confirm_box: QMessageBox | None = None
        muted(self.ui.introLabel)
        self.error = ErrorLabel(self)
        self.error.setObjectName("catalogueError")
        self.ui.serviceLayout.replaceWidget(self.ui.errorLabel, self.error)
        self.ui.errorLabel.hide()
        plain_labels(self)

        for tier, label in TIER_LABELS.items():
            self.ui.tierCombo.addItem(label, tier)
        self.ui.tierCombo.setToolTip(
            "Tier 1 services count as business-critical in the declaration checklist."
        )
        self.ui.criticalCheck.setToolTip("The organisation cannot run without it for long.")
        self.ui.revenueCheck.setToolTip("Money is lost while it is down (sales, payments).")
        self.ui.externalCheck.setToolTip("Customers, partners or the public use it.")

        table = self.ui.serviceTable
        table.setColumnCount(len(COLUMNS))
        table.setHorizontalHeaderLabels(list(COLUMNS))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        table.itemSelectionChanged.connect(self._on_selection)

        self.ui.newButton.clicked.connect(self.new_service)
        self.ui.saveButton.clicked.connect(self.save)
        self.ui.saveButton.setDefault(True)
        self.ui.retireButton.clicked.connect(self.ask_retire)
        self.ui.nameEdit.textChanged.connect(self._update_buttons)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        ops.hub.changed.connect(self._on_changed)

        width = self.fontMetrics().averageCharWidth() * 130
        self.resize(max(width, self.sizeHint().width()), self.sizeHint().height() + 120)
        self.refresh()
        self.new_service()

    # ---- reading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            self._services = directory.services(self._ops.ctx)
        except MimDeskError as exc:
            self.error.show_error(exc)
            return
        table = self.ui.serviceTable
        table.blockSignals(True)
        table.setRowCount(len(self._services))
        for row, service in enumerate(self._services):
            users = f"{service.users:,}" if service.users is not None else ""
            cells = (
                service.name,
                str(service.tier),
                critical_words(service),
                "yes" if service.external else "",
                users,
                service.owner,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, service.id)
                if column in (1, 4):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row, column, item)
        table.blockSignals(False)
        self._select(self._editing)

    def service_names(self) -> list[str]:
        return [s.name for s in self._services]

    def _select(self, service_id: str | None) -> None:
        table = self.ui.serviceTable
        table.blockSignals(True)
        table.clearSelection()
        for row, service in enumerate(self._services):
            if service.id == service_id:
                table.selectRow(row)
                break
        table.blockSignals(False)

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        if DIRECTORY_STREAM in changes.streams:
            self.refresh()

    @Slot()
    def _on_selection(self) -> None:
        rows = self.ui.serviceTable.selectionModel().selectedRows()
        if not rows:
            return
        self.edit_service(self._services[rows[0].row()])

    # ---- the form ----------------------------------------------------------------------------

    def edit_service(self, service: Service) -> None:
        ui = self.ui
        self._editing = service.id
        ui.serviceBox.setTitle(f"Service: {service.name}")
        ui.nameEdit.setText(service.name)
        ui.tierCombo.setCurrentIndex(max(0, ui.tierCombo.findData(service.tier)))
        ui.ownerEdit.setText(service.owner)
        ui.usersEdit.setText("" if service.users is None else f"{service.users:,}")
        ui.criticalCheck.setChecked(service.critical)
        ui.revenueCheck.setChecked(service.revenue)
        ui.externalCheck.setChecked(service.external)
        self.error.clear_error()
        self._update_buttons()

    @Slot()
    def new_service(self) -> None:
        ui = self.ui
        self._editing = None
        self._select(None)
        ui.serviceBox.setTitle("New service")
        for edit in (ui.nameEdit, ui.ownerEdit, ui.usersEdit):
            edit.clear()
        ui.tierCombo.setCurrentIndex(ui.tierCombo.findData(3))
        for check in (ui.criticalCheck, ui.revenueCheck, ui.externalCheck):
            check.setChecked(False)
        self.error.clear_error()
        self._update_buttons()
        ui.nameEdit.setFocus()

    @Slot()
    def _update_buttons(self) -> None:
        self.ui.saveButton.setEnabled(bool(self.ui.nameEdit.text().strip()))
        self.ui.saveButton.setText("&Add service" if self._editing is None else "&Save")
        self.ui.retireButton.setEnabled(self._editing is not None)

    @Slot()
    def save(self) -> None:
        ui = self.ui
        try:
            users = parse_service_users(ui.usersEdit.text())
        except MimDeskError as exc:
            self.error.show_error(exc)
            ui.usersEdit.setFocus()
            return
        fields: dict[str, Any] = {
            "name": ui.nameEdit.text(),
            "service_id": self._editing,
            "tier": int(ui.tierCombo.currentData()),
            "owner": ui.ownerEdit.text(),
            "critical": ui.criticalCheck.isChecked(),
            "revenue": ui.revenueCheck.isChecked(),
            "external": ui.externalCheck.isChecked(),
            "users": users,
        }
        self.error.clear_error()
        ui.saveButton.setEnabled(False)
        self._ops.mutate(
            lambda ctx: directory.save_service(ctx, **fields),
            done=self._saved,
            failed=self._failed,
        )

    def _saved(self, result: tuple[Service, Changes]) -> None:
        service = result[0]
        # The hub refreshed the list already; keep the saved service selected and in the form.
        self._select(service.id)
        self.edit_service(service)

    def _failed(self, error: MimDeskError) -> None:
        self._update_buttons()
        self.error.show_error(error)

    @Slot()
    def ask_retire(self) -> QMessageBox | None:
        service = next((s for s in self._services if s.id == self._editing), None)
        if service is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Retire service",
            f"Retire {service.name} from the catalogue?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(
            "Incidents that name it keep it; the checklist no longer prefills from it."
        )
        plain_message(box)  # the service's name is as typed
        box.button(QMessageBox.StandardButton.Yes).setText("&Retire")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setObjectName("retireServiceBox")
        box.finished.connect(
            lambda result: (
                self._retire(service.id) if result == QMessageBox.StandardButton.Yes else None
            )
        )
        self.confirm_box = box
        box.open()
        return box

    def _retire(self, service_id: str) -> None:
        self._ops.mutate(
            lambda ctx: directory.retire_service(ctx, service_id=service_id),
            done=lambda _changes: self.new_service(),
            failed=self._failed,
        )


class CatalogueOpener(QObject):
    """The Tools entry that opens the catalogue, one dialog at a time."""

    def __init__(self, window: QMainWindow, menu: QMenu, ops: Operations) -> None:
        super().__init__(window)
        self._window = window
        self._ops = ops
        self.dialog: ServiceCatalogueDialog | None = None
        self.action = QAction("Service &catalogue…", window)
        self.action.setObjectName("serviceCatalogueAction")
        self.action.setStatusTip("The services the desk supports, used to prefill the checklist")
        self.action.triggered.connect(self.show)
        menu.addAction(self.action)

    @Slot()
    def show(self) -> ServiceCatalogueDialog:
        if self.dialog is None:
            dialog = ServiceCatalogueDialog(self._ops, self._window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(self._forget)
            self.dialog = dialog
        if self.dialog.isVisible():
            # Already open, perhaps behind the window: bring it forward instead of a second.
            self.dialog.raise_()
        self.dialog.show()
        self.dialog.activateWindow()
        return self.dialog

    @Slot()
    def _forget(self) -> None:
        self.dialog = None
