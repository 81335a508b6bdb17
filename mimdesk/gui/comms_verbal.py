"""Recording an approval given by voice: which named approver approved, under the name of
the person at the desk who heard it (``[comms] approval = "verbal"``)."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mimdesk.gui.signals import emit
from mimdesk.gui.widgets import plain_label


class VerbalApprovalDialog(QDialog):
    """Who approved by voice, and how (on the phone, on the bridge).

    Signals:
        chosen(str, str): the approver and the note, once the user confirms.
    """

    chosen = Signal(str, str)

    def __init__(
        self, subject: str, approvers: list[str], recorder: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record a verbal approval")
        self.approver_combo = QComboBox()
        self.approver_combo.setObjectName("approverCombo")
        for name in approvers:
            self.approver_combo.addItem(name, name)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("approvalNoteEdit")
        self.note_edit.setPlaceholderText("e.g. by phone at 10:42, on the bridge")
        message = plain_label(
            f"Record that an approver approved “{subject}” by voice. The log names them "
            f"and you ({recorder}) as the person who recorded it."
        )
        message.setWordWrap(True)
        form = QFormLayout()
        approver_label = QLabel("&Approved by:")
        approver_label.setBuddy(self.approver_combo)
        note_label = QLabel("&How:")
        note_label.setBuddy(self.note_edit)
        form.addRow(approver_label, self.approver_combo)
        form.addRow(note_label, self.note_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Record approval")
        ok.setEnabled(bool(approvers))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    @Slot()
    def _accept(self) -> None:
        emit(self.chosen, str(self.approver_combo.currentData()), self.note_edit.text())
        self.accept()
