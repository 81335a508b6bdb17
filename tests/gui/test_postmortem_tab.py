"""The Postmortem tab: typing the review, saving only what changed, final status, figures."""

from __future__ import annotations

from PySide6.QtCore import Qt

from mimdesk.domain.events import EventType
from mimdesk.gui.postmortem_tab import PostmortemTab
from mimdesk.usecases import incidents, postmortem
from tests.support.decided import declare
from tests.support.recorded import as_json

from .conftest import wait_written


def open_tab(window) -> PostmortemTab:
    for i in range(window.tabs.count()):
        tab = window.tabs.widget(i)
        if isinstance(tab, PostmortemTab):
            window.tabs.setCurrentIndex(i)
            return tab
    raise AssertionError("no Postmortem tab")


def pm_events(app, reference: str) -> list[dict]:
    stream = incidents.resolve(app.ctx, reference).stream_id
    return [
        as_json(e.payload)
        for e in app.ctx.log.stream(stream)
        if e.type == EventType.POSTMORTEM_CHANGED
    ]


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_typing_and_saving_writes_one_event_per_changed_field(qtbot, opened, app):
    window = opened.window
    tab = open_tab(window)
    reference = window.current.reference
    assert tab.state_label.text() == "All changes saved"
    assert not tab.save_button.isEnabled()

    type_into(qtbot, tab.texts["summary"], "Mail was down for 2 hours.")
    type_into(qtbot, tab.texts["root_cause"], "An expired certificate on the relay.")
    type_into(qtbot, tab.texts["went_well"], "The bridge opened fast.")
    assert tab.save_button.isEnabled()
    assert tab.state_label.text().startswith("Unsaved changes: Summary, Root cause")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)
    qtbot.waitUntil(lambda: tab.state_label.text() == "All changes saved")

    written = {p["field"]: p["value"] for p in pm_events(app, reference)}
    assert written == {
        "summary": "Mail was down for 2 hours.",
        "root_cause": "An expired certificate on the relay.",
        "root_cause_status": "known",
        "went_well": "The bridge opened fast.",
    }
    assert not tab.save_button.isEnabled()

    # A second save writes only the field touched since.
    type_into(qtbot, tab.texts["lessons"], "Alert before certificates expire.")
    type_into(qtbot, tab.authors, "Alex Morgan")
    # QTest types Latin-1 only; a Greek name arrives as an input method delivers it.
    tab.authors.insert("; Ελένη Παπαδοπούλου")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)
    qtbot.waitUntil(lambda: tab.state_label.text() == "All changes saved")
    events = pm_events(app, reference)
    assert [p["field"] for p in events[4:]] == ["lessons", "authors"]
    fields = incidents.get(app.ctx, reference).state.postmortem
    assert postmortem.authors_of(fields) == ["Alex Morgan", "Ελένη Παπαδοπούλου"]
    assert tab.authors.text() == "Alex Morgan; Ελένη Παπαδοπούλου"


def test_final_is_refused_until_the_review_is_complete(qtbot, opened, app):
    window = opened.window
    tab = open_tab(window)
    reference = window.current.reference
    tab.status.setCurrentIndex(tab.status.findData("final"))
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)
    qtbot.waitUntil(tab.error.isVisible)
    assert "cannot be final" in tab.error.text()
    assert "no summary" in tab.error.text()
    assert "nobody is recorded as approving it" in tab.error.text()
    assert pm_events(app, reference) == [], "a refused save writes nothing"
    assert tab.state_label.text().startswith("Unsaved changes: Status")

    type_into(qtbot, tab.texts["summary"], "Mail down for all staff.")
    type_into(qtbot, tab.lines["approver"], "Dana Whitfield")
    type_into(qtbot, tab.lines["approved_on"], "2026-12-03")
    tab.root_cause_status.setCurrentIndex(tab.root_cause_status.findData("under investigation"))
    assert tab.problem_ref.isEnabled()
    type_into(qtbot, tab.problem_ref, "PRB0001234")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)
    qtbot.waitUntil(lambda: tab.state_label.text() == "All changes saved")
    assert not tab.error.isVisible()
    fields = incidents.get(app.ctx, reference).state.postmortem
    assert fields["status"] == "final"
    assert fields["root_cause_status"] == "under investigation"
    assert fields["problem_ref"] == "PRB0001234"
    assert (fields["approver"], fields["approved_on"]) == ("Dana Whitfield", "2026-12-03")


def test_a_change_from_elsewhere_never_overwrites_typing(qtbot, opened, app):
    window = opened.window
    tab = open_tab(window)
    reference = window.current.reference
    type_into(qtbot, tab.texts["summary"], "My own words")

    # Another desk (here: the same database, written behind the window's back) saves two fields.
    changes = postmortem.set_fields(
        app.ctx, reference=reference, summary="Their summary", lessons="Their lessons"
    )
    opened.hub.publish(changes)
    qtbot.waitUntil(lambda: tab.texts["lessons"].toPlainText() == "Their lessons")
    assert tab.texts["summary"].toPlainText() == "My own words"
    assert "Someone else changed Summary" in tab.state_label.text()

    qtbot.mouseClick(tab.revert_button, Qt.MouseButton.LeftButton)
    assert tab.texts["summary"].toPlainText() == "Their summary"
    assert tab.state_label.text() == "All changes saved"


def test_key_figures_show_the_times(qtbot, opened, app, clock):
    window = opened.window
    reference = window.current.reference
    clock.advance(minutes=12)
    # Changed while the tab is hidden: the figures are worked out when it is shown.
    opened.hub.publish(declare(app.ctx, reference))
    tab = open_tab(window)
    wait_written(qtbot, opened)
    qtbot.waitUntil(lambda: tab.figures.values["declare"].text() == "00:12:00")
    assert tab.figures.values["mitigate"].text() == "not yet"
    # Each figure says what it measures beside it.
    verdicts = [
        tab.figures.grid.itemAtPosition(row, 2).widget().text()
        for row in range(tab.figures.grid.rowCount())
        if tab.figures.grid.itemAtPosition(row, 2) is not None
    ]
    assert any(v.startswith("reported → declared") for v in verdicts), verdicts
    figures = postmortem.key_figures(app.ctx, reference=reference, settings=app.settings)
    assert figures.span("declare").value.total_seconds() == 12 * 60
    # Twelve minutes in, no update has fallen due yet; no audience line says "0 sent".
    assert (
        tab.figures.updates.text() == "<b>No update fell due in the 6 audiences with a cadence.</b>"
    )


def test_ctrl_s_saves_the_postmortem_when_it_is_in_front(qtbot, app, opened):
    window = opened.window
    tab = next(
        window.tabs.widget(i) for i in range(window.tabs.count())
        if window.tabs.tabText(i) == "Postmortem"
    )  # fmt: skip
    window.tabs.setCurrentWidget(tab)
    type_into(qtbot, tab.texts["lessons"], "Certificates need an owner.")
    qtbot.keyClick(tab.texts["lessons"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_written(qtbot, opened)
    state = incidents.get(app.ctx, window.current.reference).state
    assert state.postmortem.get("lessons") == "Certificates need an owner."
    assert tab.unsaved_work() is None


def test_the_impact_in_numbers_and_the_story_are_saved_and_checked(qtbot, opened, app):
    """Issue 16, point 6: the new sections are edited here, and a measure needs a number."""
    window = opened.window
    tab = open_tab(window)
    reference = window.current.reference
    type_into(qtbot, tab.lines["impact_users"], "lots")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)
    qtbot.waitUntil(tab.error.isVisible)
    assert "Users affected 'lots' holds no number" in tab.error.text()
    assert pm_events(app, reference) == []
    tab.lines["impact_users"].clear()
    type_into(qtbot, tab.lines["impact_users"], "about 3,000")
    type_into(qtbot, tab.texts["trigger"], "A certificate expired at midnight.")
    type_into(qtbot, tab.texts["links"], "https://status.example.org/incidents/42")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_written(qtbot, opened)
    qtbot.waitUntil(lambda: tab.state_label.text() == "All changes saved")
    fields = incidents.get(app.ctx, reference).state.postmortem
    assert fields["impact_users"] == "about 3,000"
    assert fields["trigger"] == "A certificate expired at midnight."
    assert fields["links"] == "https://status.example.org/incidents/42"


def test_the_updates_card_says_what_it_counts_and_adds_up(app, clock):
    """Issue 16, point 2, in the window: the PDF's sentence, then each audience's numbers."""
    import re

    from mimdesk.gui.postmortem_tab import updates_text
    from mimdesk.reports import pm_figures
    from tests.reports.test_postmortem_pdf import build_incident

    reference = build_incident(app, clock)
    figures = postmortem.key_figures(app.ctx, reference=reference, settings=app.settings)
    text = updates_text(figures)
    lines = text.split("<br>")
    assert lines[0] == f"<b>{pm_figures.updates_summary(figures)}</b>"
    assert "updates due on time" in lines[0]
    shown = [u for u in figures.updates if u.sent or u.due]
    for u, line in zip(shown, lines[1:], strict=True):
        sent = int(re.search(r": (\d+) updates? sent", line).group(1))
        assert sent == u.sent
        untracked = u.no_cadence + u.before_declaration + u.time_unknown
        # Every update sent is on time, late or not tracked; a missed one was never sent.
        assert u.on_time + u.late + untracked == u.sent, line
        if u.due:
            assert f"{u.on_time} of {u.due} due on time" in line
