"""One question of the Declaration tab's checklist: the criterion, its help, and an answer.

A criterion is answered yes/no, with a number, or by a choice, and any of them may be "not
known"; this widget hides which, so the tab reads and sets every answer the same way
(:meth:`Question.value`, :meth:`Question.set_value`).
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mimdesk.domain.declaration import Criterion
from mimdesk.gui.signals import emit
from mimdesk.gui.widgets import muted, rich_label

MAX_ANSWER = 2_000_000_000


class Question(QFrame):
    """One criterion: the question, its help text, and an answer that may be 'not known'.

    Signals:
        changed(): the answer changed (by the user or by a prefill).
    """

    changed = Signal()

    def __init__(self, criterion: Criterion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.criterion = criterion
        self.setObjectName(f"question_{criterion.id}")
        self.setFrameShape(QFrame.Shape.NoFrame)
        question = rich_label(QLabel(f"<b>{escape(criterion.question)}</b>"))
        question.setWordWrap(True)
        help_text = QLabel(criterion.help)
        help_text.setWordWrap(True)
        muted(help_text)
        self.source_label = QLabel()
        self.source_label.setObjectName(f"source_{criterion.id}")
        muted(self.source_label)
        italic = self.source_label.font()
        italic.setItalic(True)
        self.source_label.setFont(italic)

        # One of these holds the answer, as the criterion's kind says.
        self.buttons: dict[str, QRadioButton] = {}
        self.group: QButtonGroup | None = None
        self.number: QLineEdit | None = None
        self.choice: QComboBox | None = None
        answer = self._build_answer(criterion)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 8)
        layout.setSpacing(2)
        layout.addWidget(question)
        if criterion.help:
            layout.addWidget(help_text)
        layout.addLayout(answer)

    def _build_answer(self, criterion: Criterion) -> QHBoxLayout:
        """The answer in the form the criterion asks for, then where a prefill came from."""
        answer = QHBoxLayout()
        answer.setContentsMargins(0, 0, 0, 0)
        if criterion.kind == "yesno":
            self.group = QButtonGroup(self)
            for key, text in (("yes", "Yes"), ("no", "No"), ("unknown", "Not known")):
                button = QRadioButton(text)
                button.setObjectName(f"answer_{criterion.id}_{key}")
                self.group.addButton(button)
                self.buttons[key] = button
                answer.addWidget(button)
            self.buttons["unknown"].setChecked(True)
            self.group.buttonToggled.connect(self._on_toggled)
        elif criterion.kind == "number":
            self.number = QLineEdit()
            self.number.setObjectName(f"answer_{criterion.id}")
            self.number.setValidator(QIntValidator(0, MAX_ANSWER, self))
            self.number.setPlaceholderText("not known")
            self.number.setMaximumWidth(self.fontMetrics().averageCharWidth() * 16)
            self.number.textChanged.connect(lambda _text: emit(self.changed))
            answer.addWidget(self.number)
            if criterion.threshold is not None:
                counts = QLabel(f"{criterion.threshold:,.0f} or more counts")
                muted(counts)
                answer.addWidget(counts)
        else:
            self.choice = QComboBox()
            self.choice.setObjectName(f"answer_{criterion.id}")
            # Unanswered, which is not an answer of its own: a checklist may offer "Not known
            # yet" as one (the expected duration does, weighing as the longest).
            self.choice.addItem("Not answered", None)
            for c in criterion.choices:
                self.choice.addItem(c.label, c.value)
            self.choice.currentIndexChanged.connect(lambda _i: emit(self.changed))
            answer.addWidget(self.choice)
        answer.addSpacing(12)
        answer.addWidget(self.source_label)
        answer.addStretch(1)
        return answer

    @Slot(object, bool)
    def _on_toggled(self, _button: object, checked: bool) -> None:
        if checked:
            emit(self.changed)

    def value(self) -> Any:
        if self.group is not None:
            if self.buttons["yes"].isChecked():
                return True
            return False if self.buttons["no"].isChecked() else None
        if self.number is not None:
            text = self.number.text().strip()
            return int(text) if text.isdigit() else None
        assert self.choice is not None
        return self.choice.currentData()

    def set_value(self, value: Any, source: str = "") -> None:
        """Show an answer without announcing it: the tab re-evaluates once, after all."""
        self.blockSignals(True)
        if self.group is not None:
            key = {True: "yes", False: "no"}.get(value, "unknown")
            self.buttons[key].setChecked(True)
        elif self.number is not None:
            self.number.setText("" if value is None else str(int(value)))
        elif self.choice is not None:
            self.choice.setCurrentIndex(max(0, self.choice.findData(value)))
        self.blockSignals(False)
        self.source_label.setText(source)

    def answer_widget(self) -> QWidget:
        if self.group is not None:
            return self.buttons["yes"]
        return self.number or self.choice  # type: ignore[return-value]
