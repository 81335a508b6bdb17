"""The red banner under the header while the shared record is in doubt: an entry whose
signature does not verify, a shared copy that differs from this desk's, a desk presenting a
changed key. It stays until the findings are looked into; Details lists each one with both
versions (what ``mimdesk doctor`` prints)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mimdesk.gui import theme
from mimdesk.gui.widgets import plain_label
from mimdesk.sync.service import Status
from mimdesk.usecases import record
from mimdesk.usecases.context import Context


def banner_text(count: int) -> str:
    what = "finding" if count == 1 else "findings"
    return (
        f"Shared record altered: {count} {what}. An entry does not match what its desk "
        "signed, or a desk's key changed. This desk keeps its own copies."
    )


class RecordAlarmBanner(QFrame):
    def __init__(self, ctx: Context, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordAlarmBanner")
        self.setStyleSheet(
            f"QFrame#recordAlarmBanner {{ background: {theme.ALARM_BACKGROUND};"
            " border-radius: 0.3em; }"
            f" QFrame#recordAlarmBanner QLabel {{ color: {theme.ALARM_TEXT};"
            " font-weight: bold; }"
        )
        self._ctx = ctx
        self.label = plain_label()
        self.label.setObjectName("recordAlarmText")
        self.label.setWordWrap(True)
        self.details_button = QPushButton("Details…")
        self.details_button.setObjectName("recordAlarmDetails")
        self.details_button.clicked.connect(self.show_details)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.details_button)
        self.set_count(count)

    def set_count(self, count: int) -> None:
        self.label.setText(banner_text(count))
        self.setAccessibleName(banner_text(count) if count else "")
        self.setVisible(count > 0)

    @Slot(object)
    def show_status(self, status: Status) -> None:
        self.set_count(status.record_alarms)

    @Slot()
    def show_details(self) -> QDialog:
        # A click, not a refresh: the findings are few and the query is small.
        text = "\n\n".join("\n".join(f.lines()) for f in record.findings(self._ctx))
        dialog = QDialog(self.window())
        dialog.setWindowTitle("Shared record altered")
        view = QPlainTextEdit(text or "No findings.")
        view.setObjectName("recordAlarmList")
        view.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        intro = plain_label(
            "Each finding names the entry and both versions. This desk never replaces its "
            "own copy; ask the shared database's administrator who changed it."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(view, 1)
        layout.addWidget(buttons)
        dialog.resize(760, 420)
        dialog.open()
        return dialog
