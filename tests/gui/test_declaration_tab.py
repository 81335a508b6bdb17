"""The Declaration tab driven as the desk would: answer, read the recommendation, decide."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from mimdesk.domain.directory import iso_week
from mimdesk.domain.lifecycle import Status
from mimdesk.domain.roles import MIM
from mimdesk.gui.declaration_tab import DeclarationTab
from mimdesk.gui.timeline import entry_text
from mimdesk.usecases import declaration, directory, incidents
from tests.gui.conftest import clock_text, wait_written


def tab_of(window) -> DeclarationTab:
    """The Declaration tab, brought to the front as the user would (Ctrl+3)."""
    tab = window.tabs.widget(2)
    assert isinstance(tab, DeclarationTab)
    window.tabs.setCurrentWidget(tab)
    return tab


def ok(dialog):
    return dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)


@pytest.fixture
def payments(app):
    """A business-critical service in the catalogue, and an incident naming it."""
    directory.save_service(app.ctx, name="Payments", tier=1, revenue=True, users=1200)
    summary, _ = incidents.report(
        app.ctx, title="Card payments failing", services=["Payments"], impact="No sales"
    )
    return summary


@pytest.fixture
def printers(app):
    """An incident with nothing in the catalogue to go on."""
    summary, _ = incidents.report(app.ctx, title="Printing slow on floor 3")
    return summary


def test_declaration_is_the_first_feature_tab_on_ctrl_3(qtbot, payments, window):
    assert window.tabs.tabText(2) == "Declaration"
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is tab_of(window)


def test_answers_are_prefilled_from_the_catalogue_and_recommend_declaring(payments, window):
    tab = tab_of(window)
    critical = tab.questions["critical_service"]
    assert critical.buttons["yes"].isChecked()
    assert critical.source_label.text() == "prefilled from the service catalogue"
    users = tab.questions["users_affected"]
    assert users.number.text() == "1200"
    assert users.source_label.text() == "prefilled from the service catalogue"
    assert tab.questions["site_down"].buttons["unknown"].isChecked()
    assert tab.recommendation_box.outcome_chip.text() == "Declare a major incident"
    reasons = tab.recommendation_box.reasons_label.text()
    assert "business-critical service Payments is down or badly degraded" in reasons
    assert "about 1,200 users affected" in reasons
    assert "Suggested severity: SEV1 Critical" in tab.recommendation_box.detail_label.text()
    assert "◀ suggested" in tab.severities.labels["SEV1"].text()
    assert "Not assessed yet." in tab.record_label.text()


def test_recommendation_follows_each_answer_live(qtbot, printers, window):
    tab = tab_of(window)
    box = tab.recommendation_box
    # Nothing answered: no verdict yet (issue 15), not a grey "normal incident".
    assert box.outcome_chip.isHidden()
    assert box.reasons_label.text() == "No answers yet: the recommendation follows them."
    assert box.detail_label.text() == "8 questions to answer."
    qtbot.mouseClick(tab.questions["site_down"].buttons["yes"], Qt.MouseButton.LeftButton)
    assert box.outcome_chip.text() == "Declare a major incident"
    assert "a whole site or department cannot work" in box.reasons_label.text()
    qtbot.mouseClick(tab.questions["site_down"].buttons["no"], Qt.MouseButton.LeftButton)
    assert box.outcome_chip.text() == "Handle as a normal incident"
    qtbot.keyClicks(tab.questions["users_affected"].number, "600")
    assert "about 600 users affected" in box.reasons_label.text()
    assert "Score 2; 3 or more declares." in box.detail_label.text()
    assert box.outcome_chip.text() == "Handle as a normal incident"
    tab.questions["expected_duration"].choice.setCurrentIndex(3)  # more than four hours
    assert box.outcome_chip.text() == "Declare a major incident"
    assert "Score 4; 3 or more declares." in box.detail_label.text()
    assert "expected duration: More than four hours" in box.sentence


def test_report_assess_declare_assigns_the_mim_and_starts_the_clocks(
    qtbot, app, clock, payments, workspace
):
    window = workspace.window
    tab = tab_of(window)
    assert clock_text(window, "declared") == "--:--:--"
    qtbot.mouseClick(tab.declare_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.ui.mimEdit.text() == "Test Desk"  # no rota: the current user
    assert dialog.severity == "SEV1"  # as recommended
    assert dialog.ui.rationaleHint.text().startswith("Optional")
    dialog.ui.mimEdit.clear()
    assert not ok(dialog).isEnabled()  # a major incident needs its manager
    qtbot.keyClicks(dialog.ui.mimEdit, "Alex Morgan")
    qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)
    qtbot.waitUntil(lambda: tab.dialog is None)

    state = incidents.get(app.ctx, payments.reference).state
    assert state.status is Status.DECLARED
    assert state.severity == "SEV1"
    assert state.holder(MIM) == "Alex Morgan"
    assert len(state.assessments) == 1
    assert state.assessment.answers == {
        "critical_service": True,
        "users_affected": 1200,
        "external_customers": False,
    }
    assert state.decision.by.name == "Test Desk"
    assert state.key_times["declared_at"] == clock.now

    assert window.header.mim_label.text() == "Alex Morgan"
    record = tab.record_label.text()
    assert "Declared a major incident as <b>SEV1</b> by <b>Test Desk</b>" in record
    assert "recommends declaring" in record
    assert not tab.declare_button.isEnabled() and not tab.reject_button.isEnabled()
    assert tab.severity_button.isEnabled()
    # The clock runs from the decision, on the UI clock's tick.
    assert clock_text(window, "declared") == "00:00:00"
    clock.advance(minutes=1, seconds=30)
    qtbot.waitUntil(lambda: clock_text(window, "declared") == "00:01:30", timeout=3000)


def test_declaring_against_the_checklist_needs_a_rationale(qtbot, app, printers, workspace):
    tab = tab_of(workspace.window)
    qtbot.mouseClick(tab.questions["site_down"].buttons["no"], Qt.MouseButton.LeftButton)
    dialog = tab.open_declare()
    assert dialog.ui.rationaleHint.text() == (
        "Required: the checklist recommends handling it as a normal incident."
    )
    qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    assert "Say why" in dialog.error.text()
    wait_written(qtbot, workspace)
    state = incidents.get(app.ctx, printers.reference).state
    assert state.status is Status.CANDIDATE and not state.assessments  # nothing half-written
    qtbot.keyClicks(dialog.ui.rationaleEdit, "Payroll run due at noon")
    qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)
    state = incidents.get(app.ctx, printers.reference).state
    assert state.status is Status.DECLARED
    assert state.decision.overrides_recommendation
    assert state.decision.rationale == "Payroll run due at noon"
    qtbot.waitUntil(lambda: "Against the checklist" in tab.record_label.text())


def test_report_assess_reject_with_rationale(qtbot, app, printers, workspace):
    tab = tab_of(workspace.window)
    qtbot.mouseClick(
        tab.questions["safety_legal_security"].buttons["yes"], Qt.MouseButton.LeftButton
    )
    assert tab.recommendation_box.outcome_chip.text() == "Declare a major incident"
    qtbot.mouseClick(tab.reject_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert not dialog.ui.mimEdit.isVisible() and not dialog.ui.severityCombo.isVisible()
    assert dialog.ui.rationaleHint.text() == "Required: the checklist recommends declaring."
    qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    assert "the checklist recommends declaring" in dialog.error.text()
    qtbot.keyClicks(dialog.ui.rationaleEdit, "Security team confirmed a false alarm")
    qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)

    state = incidents.get(app.ctx, printers.reference).state
    assert state.status is Status.REJECTED
    assert state.decision.decision == "reject"
    assert state.decision.rationale == "Security team confirmed a false alarm"
    assert state.assessment.answers == {"safety_legal_security": True}
    qtbot.waitUntil(lambda: "normal incident" in tab.record_label.text())
    assert "Rationale: Security team confirmed a false alarm" in tab.record_label.text()
    # A rejected candidate can still be declared when the picture changes.
    assert tab.declare_button.isEnabled() and not tab.reject_button.isEnabled()
    # The timeline shows the assessment and the decision with its rationale.
    model = workspace.window.timeline.model
    texts = [entry_text(model.entry(row)) for row in range(model.rowCount())]
    assert any(t.startswith("Assessed: recommends declaring") for t in texts)
    assert any("Not declared" in t and "Security team confirmed" in t for t in texts)


def test_reassessment_adds_an_assessment_and_downgrade_needs_a_rationale(
    qtbot, app, payments, workspace
):
    ctx, ref, checklist = app.ctx, payments.reference, app.settings.checklist
    answers = declaration.suggested_answers(ctx, reference=ref, checklist=checklist)
    declaration.assess(ctx, reference=ref, checklist=checklist, answers=answers)
    declaration.declare(ctx, reference=ref, settings=app.settings, severity="SEV1", mim="Jo")
    workspace.window.current.reload()
    tab = tab_of(workspace.window)
    assert not tab.reassess_button.isEnabled()  # nothing changed since the assessment
    qtbot.mouseClick(tab.questions["critical_service"].buttons["no"], Qt.MouseButton.LeftButton)
    assert tab.reassess_button.isEnabled()
    qtbot.mouseClick(tab.reassess_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)
    state = incidents.get(ctx, ref).state
    assert len(state.assessments) == 2
    assert state.assessment.answers["critical_service"] is False
    qtbot.waitUntil(lambda: "(assessment 2)" in tab.record_label.text())

    dialog = tab.open_change_severity()
    dialog.ui.severityCombo.setCurrentIndex(dialog.ui.severityCombo.findData("SEV3"))
    assert (
        dialog.ui.rationaleHint.text() == "Required: downgrading a major incident needs a reason."
    )
    qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    wait_written(qtbot, workspace)
    assert incidents.get(ctx, ref).state.severity == "SEV1"
    qtbot.keyClicks(dialog.ui.rationaleEdit, "Only the test shop is affected")
    qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    wait_written(qtbot, workspace)
    assert incidents.get(ctx, ref).state.severity == "SEV3"


def test_answers_being_given_survive_a_change_from_elsewhere(qtbot, app, printers, workspace):
    tab = tab_of(workspace.window)
    qtbot.mouseClick(tab.questions["key_people"].buttons["yes"], Qt.MouseButton.LeftButton)
    workspace.window.ops.mutate(
        lambda ctx: incidents.change_field(
            ctx, reference=printers.reference, field="impact", value="Floor 3 cannot print"
        )
    )
    wait_written(qtbot, workspace)
    assert incidents.get(app.ctx, printers.reference).state.impact == "Floor 3 cannot print"
    assert tab.questions["key_people"].buttons["yes"].isChecked()


def test_declaring_prefills_the_duty_mim_and_offers_the_directorys_managers(
    qtbot, app, payments, workspace
):
    ctx = app.ctx
    directory.save_person(ctx, name="Priya Raman", roles=["mim"])
    directory.save_person(ctx, name="Chris Doyle", roles=["mim", "tech_lead"])
    directory.save_person(ctx, name="Lena Fischer", roles=["scribe"])
    directory.set_rota(ctx, week=iso_week(ctx.now().astimezone()), role="mim", person="Priya Raman")
    tab = tab_of(workspace.window)
    qtbot.mouseClick(tab.declare_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog.ui.mimEdit.text() == "Priya Raman"  # this week's duty MIM
    completer = dialog.ui.mimEdit.completer()
    assert completer is not None
    offered = completer.model().stringList()
    assert sorted(offered) == ["Chris Doyle", "Priya Raman"]  # not the scribe
    dialog.reject()
