"""The People and rota dialog's page of distribution lists: who each audience's updates go to.

A list kept here (an event in the shared directory, so every desk has it) is used over the
site file's ``[comms.recipients]``; clearing it goes back to the site file's.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from mimdesk.config import Settings
from mimdesk.errors import MimDeskError
from mimdesk.gui.operations import Operations
from mimdesk.gui.widgets import ErrorLabel, join_addresses, muted, plain_labels, split_addresses
from mimdesk.usecases import directory as directory_uc
from mimdesk.usecases.context import Changes, Context


class DistributionPage(QWidget):
    def __init__(self, ops: Operations, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("distributionPage")
        self._ops = ops
        self._settings = settings
        self._kept: dict[str, tuple[str, ...]] = {}
        self.edits: dict[str, QLineEdit] = {}
        intro = QLabel(
            "Where each audience's updates go by default. A list here is shared with every "
            "desk and used over the site file's; leave a line empty to use the site file's."
        )
        intro.setWordWrap(True)
        muted(intro)
        form = QFormLayout()
        for audience in settings.timers.audiences:
            edit = QLineEdit()
            edit.setObjectName(f"distribution_{audience.id}")
            site = settings.comms.recipients.get(audience.id, ())
            edit.setPlaceholderText(
                f"Site file: {', '.join(site)}" if site else "name@example.org, …"
            )
            edit.textChanged.connect(self._update_button)
            self.edits[audience.id] = edit
            form.addRow(f"{audience.label}:", edit)
        self.error = ErrorLabel()
        self.error.setObjectName("distributionError")
        self.save_button = QPushButton("Save &lists")
        self.save_button.setObjectName("saveDistributionButton")
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QFormLayout(self)
        layout.addRow(intro)
        layout.addRow(form)
        layout.addRow(self.error)
        layout.addRow(buttons)
        plain_labels(self)  # the site's audience names
        self.reload()

    def changed(self) -> dict[str, list[str]]:
        """The audiences whose typed list differs from the one kept."""
        out = {}
        for audience, edit in self.edits.items():
            typed = split_addresses(edit.text())
            if tuple(typed) != self._kept.get(audience, ()):
                out[audience] = typed
        return out

    def reload(self) -> None:
        """Show the lists kept now; a line being edited keeps what was typed."""
        try:
            self._kept = dict(directory_uc.directory(self._ops.ctx).distribution)
        except MimDeskError as exc:
            self.error.show_error(exc)
            return
        for audience, edit in self.edits.items():
            if not edit.isModified():
                edit.setText(join_addresses(self._kept.get(audience, ())))
        self._update_button()

    @Slot()
    def _update_button(self) -> None:
        self.save_button.setEnabled(bool(self.changed()))

    @Slot()
    def save(self) -> None:
        wanted = self.changed()
        if not wanted:
            return
        self.error.clear_error()
        self.save_button.setEnabled(False)

        def write(ctx: Context) -> Changes:
            # Every list checked before any is written: one bad address saves nothing.
            for addresses in wanted.values():
                directory_uc.clean_addresses(addresses)
            found = Changes()
            for audience, addresses in wanted.items():
                found = found | directory_uc.set_distribution(
                    ctx, audience=audience, addresses=addresses
                )
            return found

        def done(_changes: Changes) -> None:
            for edit in self.edits.values():
                edit.setModified(False)
            self.reload()

        def failed(error: MimDeskError) -> None:
            self.error.show_error(error)
            self._update_button()

        self._ops.mutate(write, done=done, failed=failed)
