"""The decision dialogs of the Declaration tab: declare, handle as normal, change severity.

Each is one step. Declaring records the answers (when they are new), the decision and the
Major Incident Manager in one write, so the major-incident clock starts at OK. A rationale is
asked for where the decision goes against the checklist, and before it is sent: the use case
would refuse anyway, but only after the assessment had been written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QCompleter, QDialog, QDialogButtonBox, QWidget

from mimdesk.config import Settings
from mimdesk.domain.declaration import Outcome, Recommendation
from mimdesk.errors import MimDeskError
from mimdesk.gui.forms.ui_decision_dialog import Ui_DecisionDialog
from mimdesk.gui.operations import Operations
from mimdesk.gui.signals import emit
from mimdesk.gui.widgets import ErrorLabel, muted, plain_labels, rich_label
from mimdesk.usecases import declaration
from mimdesk.usecases.context import Changes, Context

DECLARE, REJECT, SEVERITY = "declare", "reject", "severity"


@dataclass(frozen=True, slots=True)
class Assessment:
    """The answers on the tab when the dialog opened, and what they recommend."""

    answers: Mapping[str, Any]
    recommendation: Recommendation
    # False when the answers are those of the last recorded assessment: no duplicate then.
    is_new: bool


class DecisionDialog(QDialog):
    """Signals:
    decided(Changes): the decision was written.
    """

    decided = Signal(object)

    def __init__(
        self,
        ops: Operations,
        settings: Settings,
        *,
        mode: str,
        reference: str,
        assessment: Assessment | None,
        current_severity: str = "",
        is_major: bool = False,
        suggested_mim: str = "",
        people: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_DecisionDialog()
        self.ui.setupUi(self)
        self._ops = ops
        self._settings = settings
        self._mode = mode
        self._reference = reference
        self._assessment = assessment
        self._current_severity = current_severity
        self._is_major = is_major
        self._adapt_form()

        ui = self.ui
        recommendation = assessment.recommendation if assessment else None
        if recommendation is None:
            ui.recommendationLabel.hide()
        else:
            ui.recommendationLabel.setText(f"The checklist says: {recommendation.sentence()}")
        if mode == DECLARE:
            self._set_up_declare(recommendation, suggested_mim, people)
        elif mode == REJECT:
            self._set_up_reject()
        else:
            self._set_up_change_severity()
        ui.severityCombo.currentIndexChanged.connect(self._on_severity)
        ui.rationaleEdit.textChanged.connect(self._update_ok)
        ui.buttonBox.accepted.connect(self.submit)
        ui.buttonBox.rejected.connect(self.reject)
        self._on_severity()
        width = self.fontMetrics().averageCharWidth() * 80
        self.resize(max(width, self.sizeHint().width()), self.sizeHint().height())
        (ui.mimEdit if mode == DECLARE else ui.rationaleEdit).setFocus()

    def _adapt_form(self) -> None:
        """What the Designer form cannot say: the shared error label, muted hints, which
        labels are rich text, and a rationale box four lines high."""
        self.error = ErrorLabel(self)
        self.error.setObjectName("decisionError")
        self.ui.mainLayout.replaceWidget(self.ui.errorLabel, self.error)
        self.ui.errorLabel.hide()
        muted(self.ui.severityDescription)
        muted(self.ui.rationaleHint)
        rich_label(self.ui.introLabel)  # bold reference, escaped
        plain_labels(self)
        lines = self.ui.rationaleEdit.fontMetrics().lineSpacing()
        self.ui.rationaleEdit.setFixedHeight(lines * 4 + 14)
        self.ok_button = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    def _set_up_declare(
        self, recommendation: Recommendation | None, suggested_mim: str, people: Sequence[str]
    ) -> None:
        """A major severity (the suggested one first) and the Major Incident Manager."""
        ui, reference = self.ui, self._reference
        self.setWindowTitle(f"Declare {reference} a major incident")
        ui.introLabel.setText(
            f"Declaring <b>{escape(reference)}</b> starts the major-incident clocks now and "
            "puts the Major Incident Manager in charge."
        )
        self._fill_severities(
            major_only=True, preferred=recommendation.severity if recommendation else ""
        )
        ui.mimEdit.setText(suggested_mim)
        ui.mimEdit.selectAll()
        if people:
            # The directory's managers first to hand; any other name can still be typed.
            completer = QCompleter(list(people), self)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            ui.mimEdit.setCompleter(completer)
        ui.mimEdit.textChanged.connect(self._update_ok)
        self.ok_button.setText("&Declare")

    def _set_up_reject(self) -> None:
        """No severity and no manager: only the rationale."""
        reference = self._reference
        self.setWindowTitle(f"Handle {reference} as a normal incident")
        self.ui.introLabel.setText(
            f"<b>{escape(reference)}</b> will be handled as a normal high-priority incident, "
            "not a major one. It can still be declared later if the picture changes."
        )
        self._hide_rows(severity=True, mim=True)
        self.ok_button.setText("&Handle as normal")

    def _set_up_change_severity(self) -> None:
        """Any severity, the current one first; no manager."""
        reference, current_severity = self._reference, self._current_severity
        self.setWindowTitle(f"Change the severity of {reference}")
        self.ui.introLabel.setText(
            f"<b>{escape(reference)}</b> is {escape(current_severity or 'without a severity')} now."
        )
        self._fill_severities(major_only=False, preferred=current_severity)
        self._hide_rows(severity=False, mim=True)
        self.ok_button.setText("&Change severity")

    def _fill_severities(self, *, major_only: bool, preferred: str) -> None:
        combo = self.ui.severityCombo
        combo.clear()
        for s in self._settings.severities:
            if major_only and not s.major:
                continue
            combo.addItem(f"{s.id}  {s.label}", s.id)
        if preferred and combo.findData(preferred) < 0 and major_only:
            preferred = self._settings.checklist.rule.default_severity
        combo.setCurrentIndex(max(0, combo.findData(preferred)))

    def _hide_rows(self, *, severity: bool, mim: bool) -> None:
        ui = self.ui
        if severity:
            for widget in (ui.severityLabel, ui.severityCombo, ui.severityDescription):
                widget.hide()
        if mim:
            ui.mimLabel.hide()
            ui.mimEdit.hide()

    # ---- what the form asks --------------------------------------------------------------

    @property
    def severity(self) -> str:
        return str(self.ui.severityCombo.currentData() or "")

    @property
    def rationale(self) -> str:
        return self.ui.rationaleEdit.toPlainText().strip()

    def rationale_needed(self) -> str:
        """Why a rationale is required for the decision as the form stands, or ''."""
        if self._mode == SEVERITY:
            downgrade = self._settings.severity_rank(self.severity) > self._settings.severity_rank(
                self._current_severity
            )
            if self._is_major and downgrade:
                return "Required: downgrading a major incident needs a reason."
            return ""
        recommendation = self._assessment.recommendation if self._assessment else None
        if recommendation is None:
            return "Required: no checklist was answered."
        if recommendation.outcome.value != self._mode:
            if recommendation.outcome is Outcome.DECLARE:
                return "Required: the checklist recommends declaring."
            return "Required: the checklist recommends handling it as a normal incident."
        return ""

    @Slot()
    def _on_severity(self) -> None:
        chosen = next((s for s in self._settings.severities if s.id == self.severity), None)
        self.ui.severityDescription.setText(chosen.description if chosen else "")
        self._update_ok()

    @Slot()
    def _update_ok(self) -> None:
        needed = self.rationale_needed()
        self.ui.rationaleHint.setText(needed or "Optional: a sentence for the postmortem on why.")
        ok = True
        if self._mode == DECLARE:
            ok = bool(self.ui.mimEdit.text().strip())
        if self._mode == SEVERITY:
            ok = bool(self.severity) and self.severity != self._current_severity
        self.ok_button.setEnabled(ok)

    # ---- writing -------------------------------------------------------------------------

    @Slot()
    def submit(self) -> None:
        needed = self.rationale_needed()
        if needed and not self.rationale:
            self.error.show_error(f"{needed.removeprefix('Required: ')} Say why, in a sentence.")
            self.ui.rationaleEdit.setFocus()
            return
        self.error.clear_error()
        self.ui.buttonBox.setEnabled(False)
        self._ops.mutate(self._action(), done=self._done, failed=self._failed)

    def _action(self) -> Any:
        reference, rationale, settings = self._reference, self.rationale, self._settings
        severity, mim = self.severity, self.ui.mimEdit.text()
        assessment = self._assessment
        if self._mode == SEVERITY:
            return lambda ctx: declaration.change_severity(
                ctx, reference=reference, settings=settings, severity=severity, rationale=rationale
            )

        def record(ctx: Context) -> Changes:
            if assessment is None or not assessment.is_new:
                return Changes()
            _recommendation, changes = declaration.assess(
                ctx, reference=reference, checklist=settings.checklist, answers=assessment.answers
            )
            return changes

        if self._mode == DECLARE:
            return lambda ctx: (
                record(ctx)
                | declaration.declare(
                    ctx,
                    reference=reference,
                    settings=settings,
                    severity=severity,
                    mim=mim,
                    rationale=rationale,
                )
            )
        return lambda ctx: (
            record(ctx) | declaration.reject(ctx, reference=reference, rationale=rationale)
        )

    def _done(self, changes: Changes) -> None:
        emit(self.decided, changes)
        self.accept()

    def _failed(self, error: MimDeskError) -> None:
        self.ui.buttonBox.setEnabled(True)
        self.error.show_error(error)
