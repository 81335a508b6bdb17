"""The header: which incident is open, how bad, who runs it, and for how long."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mimdesk.config import Settings
from mimdesk.domain import lifecycle
from mimdesk.domain.roles import MIM
from mimdesk.gui import theme
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.widgets import Chip, ElidedLabel, muted, plain_labels, plain_tip
from mimdesk.usecases.incidents import IncidentView

NO_INCIDENT = "No incident open: pick one on the left, or report one with Ctrl+N."


class IncidentHeader(QFrame):
    def __init__(
        self,
        current: CurrentIncident,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentHeader")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self._settings = settings
        self._view: IncidentView | None = None

        self.reference_label = QLabel()
        self.reference_label.setObjectName("referenceLabel")
        self.reference_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_label = ElidedLabel(NO_INCIDENT)
        self.title_label.setObjectName("titleLabel")
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.35)
        big.setBold(True)
        self.reference_label.setFont(big)
        self.title_label.setFont(big)
        self.severity_chip = Chip()
        self.severity_chip.setObjectName("severityChip")
        self.status_chip = Chip()
        self.status_chip.setObjectName("statusChip")
        self.connectivity_label = QLabel("Local only")
        self.connectivity_label.setObjectName("connectivityLabel")
        self.connectivity_label.setToolTip(
            "This desk works on its own database; sharing with other desks is not set up."
        )
        muted(self.connectivity_label)

        top = QHBoxLayout()
        top.addWidget(self.reference_label)
        top.addWidget(self.title_label, 1)
        top.addWidget(self.severity_chip)
        top.addWidget(self.status_chip)

        self.mim_caption = QLabel("Major Incident Manager:")
        muted(self.mim_caption)
        self.mim_label = QLabel()
        self.mim_label.setObjectName("mimLabel")

        # The clocks and update countdowns are the row under this one (mimdesk.gui.countdowns).
        bottom = QHBoxLayout()
        bottom.addWidget(self.mim_caption)
        bottom.addWidget(self.mim_label)
        bottom.addStretch(1)
        bottom.addWidget(self.connectivity_label)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self._layout = layout
        self._bottom = bottom
        self._details = [self.mim_caption, self.mim_label]
        plain_labels(self)  # the title and the MIM's name are as typed

        current.loaded.connect(self.show_incident)
        self.show_incident(current.view)

    def add_row(self, widget: QWidget) -> None:
        """A further row under the clocks (the update countdowns, a warning banner)."""
        self._layout.addWidget(widget)

    def set_connectivity_widget(self, widget: QWidget) -> None:
        """Replace the "Local only" label at the right of the clocks row (the sync state)."""
        self._bottom.replaceWidget(self.connectivity_label, widget)
        self.connectivity_label.hide()
        self.connectivity_label.setParent(None)
        self.connectivity_label = widget  # type: ignore[assignment]

    @Slot(object)
    def show_incident(self, view: IncidentView | None) -> None:
        self._view = view
        for widget in self._details:
            widget.setVisible(view is not None)
        if view is None:
            self.reference_label.clear()
            self.reference_label.hide()
            self.title_label.setText(NO_INCIDENT)
            self.title_label.setToolTip("")
            self.severity_chip.set_chip("", "#000000")
            self.status_chip.set_chip("", "#000000")
            return
        state = view.state
        self.reference_label.show()
        self.reference_label.setText(view.reference)
        self.title_label.setText(state.title)
        self.title_label.setToolTip(plain_tip(state.title))
        if state.severity:
            major = any(s.id == state.severity and s.major for s in self._settings.severities)
            colour = "#b42318" if major else "#5f6b7a"
            self.severity_chip.set_chip(state.severity, colour)
            self.severity_chip.setToolTip(self._settings.severity_label(state.severity))
        else:
            self.severity_chip.set_chip("No severity", "#5f6b7a")
            self.severity_chip.setToolTip("Set the severity on the Overview tab.")
        self.status_chip.set_chip(state.status.label, theme.status_colour(state.status))
        mim = state.holder(MIM)
        needs_mim = state.status in lifecycle.ACTIVE
        if mim:
            self.mim_label.setText(mim)
            self.mim_label.setStyleSheet("")
            self.mim_label.setToolTip("")
        elif needs_mim:
            self.mim_label.setText("Nobody assigned")
            self.mim_label.setStyleSheet(
                f"QLabel {{ background: {theme.WARNING_BACKGROUND}; color: {theme.WARNING_TEXT};"
                " font-weight: bold; padding: 0.1em 0.5em; border-radius: 0.3em; }"
            )
            self.mim_label.setToolTip(
                "A declared incident needs a Major Incident Manager: assign one on the Roles tab."
            )
        else:
            self.mim_label.setText("—")
            self.mim_label.setStyleSheet("")
            self.mim_label.setToolTip("")

    @property
    def mim_warning(self) -> bool:
        return "background" in self.mim_label.styleSheet()
