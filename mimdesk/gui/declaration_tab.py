"""The Declaration tab: the agreed checklist, the live recommendation, and the decision.

The questions are built from the configured criteria (so this tab is code, not a Designer
form). Answers start from the last assessment, else from what the service catalogue and the
incident say; every change re-evaluates the recommendation at once, from the incident already
in memory. The decision stays a person's, made in :mod:`mimdesk.gui.decision_dialog`.
One question is a :class:`~mimdesk.gui.declaration_question.Question`; the recommendation
and the severity levels beside them are in :mod:`mimdesk.gui.declaration_recommendation`.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mimdesk.config import Settings
from mimdesk.domain.clock import format_local
from mimdesk.domain.declaration import Recommendation
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.roles import MIM
from mimdesk.errors import MimDeskError
from mimdesk.gui.candidates import CandidatesPanel
from mimdesk.gui.catalogue_dialog import CatalogueOpener
from mimdesk.gui.current import CurrentIncident
from mimdesk.gui.decision_dialog import DECLARE, REJECT, SEVERITY, Assessment, DecisionDialog
from mimdesk.gui.declaration_question import Question
from mimdesk.gui.declaration_recommendation import RecommendationBox, SeverityLevels
from mimdesk.gui.operations import Operations
from mimdesk.gui.uiclock import UiClock
from mimdesk.gui.widgets import ErrorLabel, muted, plain_labels, rich_label
from mimdesk.usecases import declaration, directory
from mimdesk.usecases.incidents import IncidentView

if TYPE_CHECKING:
    from mimdesk.gui.mainwindow import MainWindow

SOURCES = {"service": "the service catalogue", "incident": "the incident's details"}


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
        questions = self._build_questions()
        side = self._build_side(settings)
        self._arrange(questions, side)
        plain_labels(self)

        current.loaded.connect(self.show_incident)
        self.show_incident(current.view)

    def _build_questions(self) -> QScrollArea:
        """The incident's heading, where the answers came from, and one question per
        criterion, scrolling."""
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
        return scroll

    def _build_side(self, settings: Settings) -> QScrollArea:
        """The recommendation, the decision buttons, the record and the severity levels,
        scrolling."""
        self.recommendation_box = RecommendationBox(settings)
        buttons = self._build_decision_buttons()
        self.error = ErrorLabel()
        record_box = self._build_record_box()
        self.severities = SeverityLevels(settings)
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
        return side_scroll

    def _build_decision_buttons(self) -> QVBoxLayout:
        """Declare and reject above; reassess and change severity below."""
        self.declare_button = QPushButton("&Declare major incident…")
        self.declare_button.setObjectName("declareButton")
        self.declare_button.setToolTip("Choose the severity and the Major Incident Manager")
        self.declare_button.clicked.connect(self.open_declare)
        self.reject_button = QPushButton("Handle as &normal incident…")
        self.reject_button.setObjectName("rejectButton")
        self.reject_button.clicked.connect(self.open_reject)
        self.reassess_button = QPushButton("Record &reassessment")
        self.reassess_button.setObjectName("reassessButton")
        self.reassess_button.setToolTip("Keep the changed answers as a new assessment")
        self.reassess_button.clicked.connect(self.record_reassessment)
        self.severity_button = QPushButton("Change severit&y…")
        self.severity_button.setObjectName("changeSeverityButton")
        self.severity_button.clicked.connect(self.open_change_severity)
        buttons = QVBoxLayout()
        first = QHBoxLayout()
        first.addWidget(self.declare_button)
        first.addWidget(self.reject_button)
        second = QHBoxLayout()
        second.addWidget(self.reassess_button)
        second.addWidget(self.severity_button)
        buttons.addLayout(first)
        buttons.addLayout(second)
        return buttons

    def _build_record_box(self) -> QGroupBox:
        """What was assessed and decided so far (see :meth:`_show_record`)."""
        self.record_label = rich_label(QLabel())  # bold parts; names and rationale escaped
        self.record_label.setObjectName("decisionRecord")
        self.record_label.setWordWrap(True)
        self.record_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        record_box = QGroupBox("Assessment and decision")
        record_layout = QVBoxLayout(record_box)
        record_layout.addWidget(self.record_label)
        return record_box

    def _arrange(self, questions: QScrollArea, side: QScrollArea) -> None:
        """Candidates above; the questions beside the side column below."""
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(questions)
        lower.addWidget(side)
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
            advice = "declaring" if outcome == "declare" else "handling it as a normal incident"
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
