"""The Roles tab: who holds each role and since when, handovers with a note, each role's
duties checklist, the full history of who held what, and printable role cards."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mimdesk.config import Settings
from mimdesk.domain.clock import format_local
from mimdesk.domain.roles import MIM
from mimdesk.errors import MimDeskError
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.dialogs import AssignRoleDialog, unlisted
from mimdesk.gui.operations import Operations
from mimdesk.gui.tasks import TaskRunner
from mimdesk.gui.widgets import ErrorLabel, muted, plain_labels, plain_tip, show_error
from mimdesk.paths import files_folder
from mimdesk.usecases import declaration
from mimdesk.usecases import directory as directory_uc
from mimdesk.usecases import roles as roles_uc
from mimdesk.usecases.incidents import IncidentView

ROLE_ID = Qt.ItemDataRole.UserRole


def cards_path(reference: str, folder: Path | None = None) -> Path:
    """Where role cards are written before they open: the MIM Desk files folder (``folder``,
    else the default one), where the person finds them again to print another copy."""
    return (folder or files_folder()) / f"role-cards-{reference}.pdf"


class RolesTab(QWidget):
    def __init__(
        self,
        current: CurrentIncident,
        ops: Operations,
        runner: TaskRunner,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("rolesTab")
        self._current = current
        self._ops = ops
        self._runner = runner
        self._settings = settings
        self._view: IncidentView | None = None
        self._filling = False
        self.last_cards: Path | None = None

        buttons = self._build_buttons()
        top = self._build_holders_and_duties()
        history_box = self._build_history_box()
        self.error = ErrorLabel(self)
        self.error.setObjectName("rolesError")
        self.empty_label = QLabel("No incident open.")
        muted(self.empty_label)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(history_box)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 1)
        self._body = splitter

        current.loaded.connect(self.show_incident)
        self.show_incident(current.view)

    def _build_buttons(self) -> QHBoxLayout:
        """Assign (or hand over) and release the selected role; print the role cards."""
        self.assign_button = QPushButton("&Assign or hand over…")
        self.assign_button.setObjectName("assignButton")
        self.assign_button.setToolTip(
            "Put someone in the selected role; if someone holds it, this is a handover "
            "with a note, in one step."
        )
        self.release_button = QPushButton("&Release…")
        self.release_button.setObjectName("releaseButton")
        self.print_button = QPushButton("&Print role cards…")
        self.print_button.setObjectName("printCardsButton")
        self.print_button.setToolTip(
            "A one-page card per role (duties, bridge, contacts) for desks that lose their screens."
        )
        self.assign_button.clicked.connect(lambda: self.assign_selected())
        self.release_button.clicked.connect(lambda: self.release_selected())
        self.print_button.clicked.connect(lambda: self.print_cards())
        buttons = QHBoxLayout()
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.release_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        return buttons

    def _build_holders_and_duties(self) -> QSplitter:
        """Who holds each role, beside the selected role's duties checklist."""
        self.holders = QTreeWidget()
        self.holders.setObjectName("roleHolders")
        self.holders.setHeaderLabels(["Role", "Held by", "Since"])
        self.holders.setRootIsDecorated(False)
        self.holders.setAlternatingRowColors(True)
        self.holders.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.holders.header().setStretchLastSection(True)
        self.holders.currentItemChanged.connect(lambda *_: self._show_duties())
        self.holders.itemDoubleClicked.connect(lambda *_: self.assign_selected())

        self.duties_box = QGroupBox("Duties")
        self.duties = QListWidget()
        self.duties.setObjectName("dutiesList")
        self.duties.setWordWrap(True)
        self.duties.itemChanged.connect(self._duty_changed)
        self.duties_hint = QLabel("Ticking a duty is recorded on the incident for every desk.")
        self.duties_hint.setWordWrap(True)
        muted(self.duties_hint)
        duties_layout = QVBoxLayout(self.duties_box)
        duties_layout.addWidget(self.duties)
        duties_layout.addWidget(self.duties_hint)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.holders)
        top.addWidget(self.duties_box)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setChildrenCollapsible(False)
        return top

    def _build_history_box(self) -> QGroupBox:
        """Every assignment, handover and release, newest first."""
        history_box = QGroupBox("History")
        self.history = QTreeWidget()
        self.history.setObjectName("roleHistory")
        self.history.setHeaderLabels(["When", "Role", "Change", "By", "Handover note"])
        self.history.setRootIsDecorated(False)
        self.history.setWordWrap(True)
        self.history.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.header().setStretchLastSection(True)
        QVBoxLayout(history_box).addWidget(self.history)
        return history_box

    # ---- showing ----------------------------------------------------------------------------

    def role_ids(self, view: IncidentView) -> list[str]:
        """The configured roles, then any held role the configuration no longer lists."""
        ids = [r.id for r in self._settings.roles]
        return ids + sorted(r for r in view.state.roles if r not in ids)

    def label_of(self, role_id: str) -> str:
        role = self._settings.role(role_id)
        return role.label if role is not None else unlisted(role_id)

    @Slot(object)
    def show_incident(self, view: IncidentView | None) -> None:
        selected = self.selected_role()
        self._view = view
        for widget in (self.assign_button, self.release_button, self.print_button, self._body):
            widget.setEnabled(view is not None)
        self.empty_label.setVisible(view is None)
        self._body.setVisible(view is not None)
        self.holders.clear()
        self.history.clear()
        if view is None:
            self.duties.clear()
            return
        state = view.state
        for role_id in self.role_ids(view):
            held = state.roles.get(role_id)
            item = QTreeWidgetItem(
                [
                    self.label_of(role_id),
                    held.person if held else "Nobody",
                    format_local(held.since) if held else "",
                ]
            )
            item.setData(0, ROLE_ID, role_id)
            if held and held.note:
                item.setToolTip(1, plain_tip(f"Handover note: {held.note}"))
            if not held:
                item.setForeground(1, self.palette().placeholderText())
            self.holders.addTopLevelItem(item)
        self.select_role(selected or MIM)
        for change in reversed(state.role_history):
            if change.assigned and change.handed_over_from:
                what = f"{change.handed_over_from} handed over to {change.person}"
            elif change.assigned:
                what = f"{change.person} took the role"
            else:
                what = f"{change.person} released the role"
            item = QTreeWidgetItem(
                [
                    format_local(change.at),
                    self.label_of(change.role),
                    what,
                    change.by.name,
                    change.note,
                ]
            )
            item.setToolTip(4, plain_tip(change.note))
            self.history.addTopLevelItem(item)
        self._update_buttons()

    def select_role(self, role_id: str) -> None:
        for i in range(self.holders.topLevelItemCount()):
            item = self.holders.topLevelItem(i)
            if item is not None and item.data(0, ROLE_ID) == role_id:
                self.holders.setCurrentItem(item)
                return
        first = self.holders.topLevelItem(0)
        if first is not None:
            self.holders.setCurrentItem(first)

    def selected_role(self) -> str | None:
        item = self.holders.currentItem()
        return str(item.data(0, ROLE_ID)) if item is not None else None

    def _update_buttons(self) -> None:
        role = self.selected_role()
        held = bool(self._view and role and self._view.state.holder(role))
        self.assign_button.setText("&Hand over…" if held else "&Assign…")
        self.release_button.setEnabled(held)

    def _show_duties(self) -> None:
        self._update_buttons()
        role = self.selected_role()
        self._filling = True
        try:
            self.duties.clear()
            definition = self._settings.role(role) if role else None
            if role is None or definition is None or self._view is None:
                self.duties_box.setTitle("Duties")
                return
            holder = self._view.state.holder(role) or "nobody yet"
            self.duties_box.setTitle(f"Duties of the {definition.label} ({holder})")
            done = self._view.state.duties_done.get(role, set())
            for duty in definition.duties:
                item = QListWidgetItem(duty)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if duty in done else Qt.CheckState.Unchecked
                )
                self.duties.addItem(item)
        finally:
            self._filling = False

    # ---- acting -----------------------------------------------------------------------------

    def _duty_changed(self, item: QListWidgetItem) -> None:
        if self._filling or self._view is None:
            return
        role, duty = self.selected_role(), item.text()
        if role is None:
            return
        done = item.checkState() == Qt.CheckState.Checked
        reference, settings = self._view.reference, self._settings
        self.error.clear_error()
        self._ops.mutate(
            lambda ctx: roles_uc.tick_duty(
                ctx, reference=reference, settings=settings, role=role, duty=duty, done=done
            ),
            failed=self._failed,
        )

    def _failed(self, error: MimDeskError) -> None:
        self.error.show_error(error)
        # Put the checklist back to what is stored.
        self.show_incident(self._current.view)

    def assign_selected(self) -> AssignRoleDialog | None:
        view, role = self._view, self.selected_role()
        if view is None or role is None:
            return None
        ctx = self._ops.ctx
        holder = view.state.holder(role)
        suggestion = ""
        if not holder:
            suggestion = (
                declaration.suggested_mim(ctx) if role == MIM else directory_uc.on_duty(ctx, role)
            )
        people = [p.name for p in directory_uc.people(ctx, role)]
        dialog = AssignRoleDialog(
            self._ops, view.reference, role, self.label_of(role), holder, suggestion, self, people
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def release_selected(self) -> QInputDialog | None:
        view, role = self._view, self.selected_role()
        if view is None or role is None or not view.state.holder(role):
            return None
        reference = view.reference
        dialog = QInputDialog(self)
        dialog.setObjectName("releaseDialog")
        dialog.setWindowTitle(f"Release: {self.label_of(role)}")
        dialog.setLabelText(
            f"{view.state.holder(role)} leaves the role of {self.label_of(role)} on {reference}, "
            "and nobody takes it over.\nNote (optional):"
        )
        plain_labels(dialog)  # the holder's name is as typed
        dialog.setOkButtonText("Release")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def release(note: str) -> None:
            self.error.clear_error()
            self._ops.mutate(
                lambda ctx: roles_uc.release(ctx, reference=reference, role=role, note=note),
                failed=self.error.show_error,
            )

        dialog.textValueSelected.connect(release)
        dialog.open()
        return dialog

    def print_cards(self) -> None:
        """Render the cards off the UI thread (reportlab takes a moment), then open them."""
        view = self._view
        if view is None:
            return
        ctx, settings, reference = self._ops.ctx, self._settings, view.reference
        out = cards_path(reference, settings.files.path)
        progress = QProgressDialog("Printing the role cards…", "", 0, 0, self)
        progress.setWindowTitle("Role cards")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        self.print_button.setEnabled(False)

        def work() -> Path:
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise MimDeskError(
                    f"Cannot create {out.parent}: {exc.strerror or exc}.",
                    "Check that the folder can be written (Settings, Files folder).",
                ) from None
            return roles_uc.role_cards(
                ctx,
                reference=reference,
                settings=settings,
                out=out,
                page_size=settings.report.page_size,
                # The app's own print-out file, replaced each time; it is still never a
                # database or a device, and a failed print keeps the cards printed before.
                force=True,
            )

        def done(path: Path) -> None:
            progress.close()
            self.print_button.setEnabled(True)
            self.last_cards = path
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        def failed(error: BaseException) -> None:
            progress.close()
            self.print_button.setEnabled(True)
            if isinstance(error, MimDeskError):
                show_error(self, "Role cards not printed", error)
            else:
                sys.excepthook(type(error), error, error.__traceback__)

        self._runner.run(work, done=done, failed=failed, lane="pool")
