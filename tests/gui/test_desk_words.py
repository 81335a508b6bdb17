"""Words a desk uses (issue 15, point 9), as the window shows them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit

from mimdesk.gui.dialogs import AssignRoleDialog
from mimdesk.usecases import incidents
from tests.gui.conftest import wait_written
from tests.support.decided import declare


def test_the_handover_button_says_hand_over_and_the_note_takes_lines(qtbot, opened, app):
    window = opened.window
    reference = window.current.reference
    declare(app.ctx, reference, severity="SEV1", mim="Ana Costa")
    window.refresh()
    dialog = window.overview.assign_role("mim")
    assert isinstance(dialog, AssignRoleDialog)
    assert dialog.ok_button.text() == "Hand &over"
    assert isinstance(dialog.ui.noteEdit, QPlainTextEdit)
    assert dialog.ui.noteEdit.height() >= dialog.ui.noteEdit.fontMetrics().lineSpacing() * 3
    dialog.ui.personEdit.setText("Ben Okafor")
    note = "Bridge open on Teams.\nVendor call at 18:00.\nCustomers told at 17:30."
    dialog.ui.noteEdit.setPlainText(note)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)
    state = incidents.get(app.ctx, reference).state
    assert state.holder("mim") == "Ben Okafor"
    assert state.role_history[-1].note == note


def test_assigning_an_empty_role_says_assign(qtbot, opened):
    dialog = opened.window.overview.assign_role("scribe")
    assert dialog.ok_button.text() == "&Assign"
    dialog.reject()
    QApplication.processEvents()


def test_the_clocks_say_what_their_target_is_for(opened, app):
    window = opened.window
    declare(app.ctx, window.current.reference, severity="SEV2")
    window.refresh()
    gauges = window.countdowns.gauges
    assert gauges["declared"].value.text().endswith(" · restore within 8 h")
    assert gauges["reported"].value.text().endswith(" · resolve within 24 h")
    assert gauges["declared"].toolTip().startswith("Restore within 8 h, counted from the report")


def test_the_checklist_asks_plainly_and_its_answers_do_not_overlap(opened):
    window = opened.window
    tab = window.tabs.widget(window.decisions._index)  # built when first asked for
    texts = [label.text() for label in tab.questions["workaround"].findChildren(QLabel)]
    assert "<b>Is there a workaround?</b>" in texts
    assert not [t for t in texts if "no workaround" in t.lower()]
    duration = tab.questions["expected_duration"].choice
    items = [duration.itemText(i) for i in range(duration.count())]
    assert items == [
        "Not answered",
        "Under an hour",
        "One to four hours",
        "More than four hours",
        "Not known yet",
    ]
    # No verdict before any answer.
    assert tab.recommendation_box.outcome_chip.isHidden()
