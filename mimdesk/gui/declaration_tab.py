"""The Declaration tab: the agreed checklist, the live recommendation, and the decision.

The questions are built from the configured criteria (so this tab is code, not a Designer
form). Answers start from the last assessment, else from what the service catalogue and the
incident say; every change re-evaluates the recommendation at once, from the incident already
in memory. The decision stays a person's, made in :mod:`mimdesk.gui.decision_dialog`.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QIntValidator, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mimdesk.config import Settings
from mimdesk.domain.clock import format_local
from mimdesk.domain.declaration import Criterion, Outcome, Recommendation
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.roles import MIM
from mimdesk.errors import MimDeskError
from mimdesk.gui.candidates import CandidatesPanel
from mimdesk.gui.catalogue_dialog import CatalogueOpener
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.decision_dialog import DECLARE, REJECT, SEVERITY, Assessment, DecisionDialog
from mimdesk.gui.operations import Operations
from mimdesk.gui.signals import emit
from mimdesk.gui.uiclock import UiClock
from mimdesk.gui.widgets import Chip, ErrorLabel, muted, plain_labels, plain_tip, rich_label
from mimdesk.usecases import declaration, directory
from mimdesk.usecases.incidents import IncidentView

if TYPE_CHECKING:
    from mimdesk.gui.mainwindow import MainWindow

DECLARE_COLOUR, NORMAL_COLOUR = "#b42318", "#5f6b7a"
SOURCES = {"service": "the service catalogue", "incident": "the incident's details"}
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

        answer = QHBoxLayout()
        answer.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QRadioButton] = {}
        self.group: QButtonGroup | None = None
        self.number: QLineEdit | None = None
        self.choice: QComboBox | None = None
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
            self.choice.addItem("Not known", None)
            for c in criterion.choices:
                self.choice.addItem(c.label, c.value)
            self.choice.currentIndexChanged.connect(lambda _i: emit(self.changed))
            answer.addWidget(self.choice)
        answer.addSpacing(12)
        answer.addWidget(self.source_label)
        answer.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 8)
        layout.setSpacing(2)
        layout.addWidget(question)
        if criterion.help:
            layout.addWidget(help_text)
        layout.addLayout(answer)

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


class DeclarationTab(QWidget):
    """Candidates at the top; below, the questions (left) and the recommendation, the
    decision buttons and the record of what was decided (right)."""

    def __init__(
        self,
        current: CurrentIncident,
        ops: Operations,
        settings: Settings,
        clock: UiClock,
        open_incident: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("declarationTab")
        self._current = current
        self._ops = ops
        self._settings = settings
        self._checklist = settings.checklist
        self._view: IncidentView | None = None
        self._loaded_for: str | None = None
        self._dirty = False  # the user changed answers since they were loaded
        self._answers_stale = False  # the incident changed while the tab was hidden
        self.recommendation: Recommendation | None = None
        self.dialog: DecisionDialog | None = None
        self.catalogue: CatalogueOpener | None = None

        self.candidates = CandidatesPanel(ops.ctx, clock)
        self.candidates.incident_chosen.connect(open_incident)
        ops.hub.changed.connect(self.candidates.on_changed)

        self.heading = rich_label(QLabel())  # bold reference; title and services escaped
        self.heading.setObjectName("declarationHeading")
        self.heading.setWordWrap(True)
        self.start_label = rich_label(QLabel())  # the assessor's name escaped
        self.start_label.setObjectName("answersSource")
        self.start_label.setWordWrap(True)
        muted(self.start_label)
        self.questions: dict[str, Question] = {}
        questions_widget = QWidget()
        questions_layout = QVBoxLayout(questions_widget)
        questions_layout.addWidget(self.heading)
        questions_layout.addWidget(self.start_label)
        for criterion in self._checklist.criteria:
            question = Question(criterion)
            question.changed.connect(self._on_answer)
            self.questions[criterion.id] = question
            questions_layout.addWidget(question)
        questions_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("questionsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(questions_widget)
        self.questions_scroll = scroll

        self.recommendation_box = RecommendationBox(settings)
        self.declare_button = QPushButton("&Declare major incident…")
        self.declare_button.setObjectName("declareButton")
        self.declare_button.setToolTip("Choose the severity and the Major Incident Manager")
        self.declare_button.clicked.connect(self.open_declare)
        self.reject_button = QPushButton("&Handle as normal incident…")
        self.reject_button.setObjectName("rejectButton")
        self.reject_button.clicked.connect(self.open_reject)
        self.reassess_button = QPushButton("Record &reassessment")
        self.reassess_button.setObjectName("reassessButton")
        self.reassess_button.setToolTip("Keep the changed answers as a new assessment")
        self.reassess_button.clicked.connect(self.record_reassessment)
        self.severity_button = QPushButton("Change se&verity…")
        self.severity_button.setObjectName("changeSeverityButton")
        self.severity_button.clicked.connect(self.open_change_severity)
        self.error = ErrorLabel()
        self.record_label = rich_label(QLabel())  # bold parts; names and rationale escaped
        self.record_label.setObjectName("decisionRecord")
        self.record_label.setWordWrap(True)
        self.record_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        record_box = QGroupBox("Assessment and decision")
        record_layout = QVBoxLayout(record_box)
        record_layout.addWidget(self.record_label)
        self.severities = SeverityLevels(settings)

        buttons = QVBoxLayout()
        first = QHBoxLayout()
        first.addWidget(self.declare_button)
        first.addWidget(self.reject_button)
        second = QHBoxLayout()
        second.addWidget(self.reassess_button)
        second.addWidget(self.severity_button)
        buttons.addLayout(first)
        buttons.addLayout(second)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.recommendation_box)
        side_layout.addLayout(buttons)
        side_layout.addWidget(self.error)
        side_layout.addWidget(record_box)
        side_layout.addWidget(self.severities)
        side_layout.addStretch(1)
        side_scroll = QScrollArea()
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setWidget(side)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(scroll)
        lower.addWidget(side_scroll)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        lower.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.candidates)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setSizes([160, 640])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        plain_labels(self)

        current.loaded.connect(self.show_incident)
        self.show_incident(current.view)

    @classmethod
    def for_window(cls, window: MainWindow) -> DeclarationTab:
        """The tab for the main window, wired to its Refresh and its catalogue entry."""
        tab = cls(
            window.current, window.ops, window.app.settings, window.clock, window.open_incident
        )
        tab.catalogue = window.catalogue  # the window's Tools entry, there before the tab
        # F5 reads everything again; the queue's ages are from stored times anyway.
        window.refresh_action.triggered.connect(tab.candidates.refresh)
        return tab

    # ---- showing an incident ---------------------------------------------------------------

    @Slot(object)
    def show_incident(self, view: IncidentView | None) -> None:
        self._view = view
        stream_id = view.state.stream_id if view else None
        self.candidates.queue.select(stream_id)
        for question in self.questions.values():
            question.setEnabled(view is not None)
        if view is None:
            self._loaded_for = None
            self.heading.setText("No incident open: pick a candidate above or on the left.")
            self.start_label.clear()
            self.record_label.setText("—")
            self._evaluate()
            return
        state = view.state
        services = ", ".join(state.services) or "none named yet (add them on the Overview)"
        self.heading.setText(
            f"<b>{escape(view.reference)}</b> {escape(state.title)}<br>"
            f"Status: {state.status.label} · Affected services: {escape(services)}"
        )
        # A change from another desk must not throw away answers being given.
        if stream_id != self._loaded_for or not self._dirty:
            if stream_id == self._loaded_for and not self.isVisible():
                # Suggesting answers reads the whole incident again: not for every note added
                # while another tab is in front, but once this one is shown.
                self._answers_stale = True
            else:
                self.load_answers()
        self._show_record()
        self._evaluate()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._answers_stale:
            self._answers_stale = False
            self.show_incident(self._view)

    def load_answers(self) -> None:
        view = self._view
        if view is None:
            return
        try:
            answers = declaration.suggested_answers(
                self._ops.ctx, reference=view.reference, checklist=self._checklist
            )
        except MimDeskError as exc:
            self.error.show_error(exc)
            answers = {}
        last = view.state.assessment
        for criterion in self._checklist.criteria:
            value = answers.get(criterion.id)
            source = ""
            if last is None and value is not None and criterion.prefill:
                origin = criterion.prefill.split(".", 1)[0]
                # The catalogue's users stand in when the incident gives no estimate.
                if origin == "incident" and view.state.users_affected is None:
                    origin = "service"
                source = f"prefilled from {SOURCES[origin]}" if origin in SOURCES else ""
            self.questions[criterion.id].set_value(value, source)
        if last is not None:
            self.start_label.setText(
                f"Answers as last assessed by {escape(last.by.name)}, "
                f"{format_local(last.at)}. Change any that no longer hold."
            )
        elif any(q.source_label.text() for q in self.questions.values()):
            self.start_label.setText(
                "Some answers are prefilled from the service catalogue and the incident: "
                "check them."
            )
        else:
            self.start_label.setText("Answer what you know; the recommendation follows.")
        self._loaded_for = view.state.stream_id
        self._dirty = False
        self._answers_stale = False

    def answers(self) -> dict[str, Any]:
        return {cid: q.value() for cid, q in self.questions.items() if q.value() is not None}

    @Slot()
    def _on_answer(self) -> None:
        self._dirty = True
        sender = self.sender()
        if isinstance(sender, Question):
            sender.source_label.clear()  # now it is the person's answer
        self._evaluate()

    def _evaluate(self) -> None:
        rec: Recommendation | None = None
        if self._view is not None:
            try:
                rec = declaration.recommend_for(self._view, self._checklist, self.answers())
            except MimDeskError as exc:
                self.error.show_error(exc)
        self.recommendation = rec
        self.recommendation_box.show_recommendation(rec)
        self.severities.mark(rec.severity if rec else "")
        self._update_buttons()

    def _answers_are_new(self) -> bool:
        last = self._view.state.assessment if self._view else None
        return last is None or dict(last.answers) != self.answers()

    def _update_buttons(self) -> None:
        state = self._view.state if self._view else None
        status = state.status if state else None
        self.declare_button.setEnabled(status in (Status.CANDIDATE, Status.REJECTED))
        self.reject_button.setEnabled(status is Status.CANDIDATE)
        self.reassess_button.setEnabled(
            state is not None and status is not Status.CANDIDATE and self._answers_are_new()
        )
        self.severity_button.setEnabled(state is not None and state.is_major)

    def _show_record(self) -> None:
        state = self._view.state if self._view else None
        if state is None:
            return
        lines = []
        last = state.assessment
        if last is None:
            lines.append("Not assessed yet.")
        else:
            outcome = last.recommendation.outcome
            advice = "declare" if outcome == "declare" else "handle as a normal incident"
            count = len(state.assessments)
            nth = f" (assessment {count})" if count > 1 else ""
            lines.append(
                f"Assessed by <b>{escape(last.by.name)}</b>, {format_local(last.at)}{nth}: "
                f"recommends {advice}."
            )
        decision = state.decision
        if decision is None:
            lines.append("No decision yet.")
        else:
            if decision.decision == "declare":
                what = f"Declared a major incident as <b>{escape(decision.severity)}</b>"
            else:
                what = "Handled as a <b>normal incident</b>"
            lines.append(
                f"{what} by <b>{escape(decision.by.name)}</b>, {format_local(decision.at)}."
            )
            if decision.overrides_recommendation:
                lines.append("<i>Against the checklist's recommendation.</i>")
            if decision.rationale:
                lines.append(f"Rationale: {escape(decision.rationale)}")
        mim = state.holder("mim")
        if mim:
            lines.append(f"Major Incident Manager: <b>{escape(mim)}</b>")
        self.record_label.setText("<br>".join(lines))

    # ---- deciding ----------------------------------------------------------------------------

    def _assessment(self) -> Assessment | None:
        if self.recommendation is None:
            return None
        return Assessment(self.answers(), self.recommendation, self._answers_are_new())

    def _open(self, mode: str) -> DecisionDialog | None:
        view = self._view
        if view is None:
            return None
        suggested = ""
        people: list[str] = []
        if mode == DECLARE:
            try:
                suggested = declaration.suggested_mim(self._ops.ctx)
                people = [p.name for p in directory.people(self._ops.ctx, MIM)]
            except MimDeskError:
                suggested = suggested or self._ops.ctx.author.name
        dialog = DecisionDialog(
            self._ops,
            self._settings,
            mode=mode,
            reference=view.reference,
            assessment=self._assessment(),
            current_severity=view.state.severity,
            is_major=view.state.is_major,
            suggested_mim=suggested,
            people=people,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.decided.connect(self._on_decided)
        dialog.destroyed.connect(self._forget_dialog)
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _forget_dialog(self) -> None:
        self.dialog = None

    @Slot()
    def open_declare(self) -> DecisionDialog | None:
        return self._open(DECLARE)

    @Slot()
    def open_reject(self) -> DecisionDialog | None:
        return self._open(REJECT)

    @Slot()
    def open_change_severity(self) -> DecisionDialog | None:
        return self._open(SEVERITY)

    @Slot(object)
    def _on_decided(self, _changes: object) -> None:
        # What was decided on is now the record: later answers start from it.
        self._dirty = False
        self.load_answers()
        self._evaluate()

    @Slot()
    def record_reassessment(self) -> None:
        view = self._view
        if view is None:
            return
        reference, answers, checklist = view.reference, self.answers(), self._checklist
        self.error.clear_error()
        self.reassess_button.setEnabled(False)

        def done(_result: object) -> None:
            self._dirty = False
            self._update_buttons()

        def failed(error: MimDeskError) -> None:
            self.error.show_error(error)
            self._update_buttons()

        self._ops.mutate(
            lambda ctx: declaration.assess(
                ctx, reference=reference, checklist=checklist, answers=answers
            ),
            done=done,
            failed=failed,
        )
