"""What the Declaration tab's checklist recommends, shown beside the questions.

The recommendation box (declare or not, and why) and the list of severity levels with the
suggested one marked: both only display a :class:`Recommendation` the tab worked out.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mimdesk.config import Settings
from mimdesk.domain.declaration import Outcome, Recommendation
from mimdesk.gui.widgets import Chip, muted, plain_tip, rich_label

DECLARE_COLOUR, NORMAL_COLOUR = "#b42318", "#5f6b7a"


class RecommendationBox(QGroupBox):
    """What the checklist recommends for the answers on screen, with its reasons."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Recommendation", parent)
        self.setObjectName("recommendationBox")
        self._settings = settings
        self.outcome_chip = Chip()
        self.outcome_chip.setObjectName("outcomeChip")
        self.reasons_label = rich_label(QLabel())  # a list; each reason escaped
        self.reasons_label.setObjectName("reasonsLabel")
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label = QLabel()
        self.detail_label.setObjectName("recommendationDetail")
        self.detail_label.setWordWrap(True)
        muted(self.detail_label)
        chip_row = QHBoxLayout()
        chip_row.addWidget(self.outcome_chip)
        chip_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(chip_row)
        layout.addWidget(self.reasons_label)
        layout.addWidget(self.detail_label)
        self.sentence = ""

    def show_recommendation(self, rec: Recommendation | None) -> None:
        if rec is None:
            self.outcome_chip.set_chip("", NORMAL_COLOUR)
            self.reasons_label.setText("")
            self.detail_label.setText("")
            self.sentence = ""
            return
        if not rec.findings and len(rec.unanswered) >= len(self._settings.checklist.criteria):
            # Nothing answered: no verdict yet, rather than a grey "normal incident" that
            # reads as one before anyone has looked.
            self.sentence = ""
            self.setToolTip("")
            self.outcome_chip.set_chip("", NORMAL_COLOUR)
            self.reasons_label.setText("No answers yet: the recommendation follows them.")
            count = len(rec.unanswered)
            self.detail_label.setText(f"{count} question{'s' if count != 1 else ''} to answer.")
            return
        self.sentence = rec.sentence()
        self.setToolTip(plain_tip(self.sentence))
        if rec.outcome is Outcome.DECLARE:
            self.outcome_chip.set_chip("Declare a major incident", DECLARE_COLOUR)
        else:
            self.outcome_chip.set_chip("Handle as a normal incident", NORMAL_COLOUR)
        if rec.reasons:
            items = "".join(f"<li>{escape(r)}</li>" for r in rec.reasons)
            self.reasons_label.setText(f"Because:<ul style='margin-left: -20px'>{items}</ul>")
        else:
            self.reasons_label.setText("No criterion is met by the answers so far.")
        details = []
        if any(f.decisive for f in rec.findings):
            details.append("A decisive criterion is met.")
        else:
            details.append(f"Score {rec.score}; {rec.threshold} or more declares.")
        if rec.severity:
            details.append(f"Suggested severity: {self._settings.severity_label(rec.severity)}.")
        if rec.unanswered:
            count = len(rec.unanswered)
            details.append(f"{count} question{'s' if count != 1 else ''} not answered yet.")
        self.detail_label.setText(" ".join(details))


class SeverityLevels(QGroupBox):
    """The configured severity levels, the suggested one marked."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Severity levels", parent)
        self.setObjectName("severityLevels")
        self._settings = settings
        self.labels: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        for s in settings.severities:
            label = rich_label(QLabel())  # bold name; the site's words escaped
            label.setWordWrap(True)
            label.setObjectName(f"severity_{s.id}")
            layout.addWidget(label)
            self.labels[s.id] = label
        self.mark("")

    def mark(self, suggested: str) -> None:
        for s in self._settings.severities:
            kind = "major incident" if s.major else "normal incident"
            arrow = " ◀ suggested" if s.id == suggested else ""
            text = (
                f"<b>{escape(s.id)} {escape(s.label)}</b> <i>({kind})</i>{arrow}<br>"
                f"{escape(s.description)}"
            )
            self.labels[s.id].setText(text)
