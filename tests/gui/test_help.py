"""The quick guide in the box: F1 and Help > Quick guide, a section per tab, offline."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mimdesk.gui.help import HelpDialog, guide_html, section_for_tab
from mimdesk.gui.incident_list import EMPTY_DATABASE_TEXT
from tests.gui.conftest import wait_written

SECTIONS = {
    "run": "Running a major incident",
    "roles": "What each role does",
    "tabs": "What each tab is for",
    "setup": "First-day setup checklist",
    "offline": "Working offline and the connection chip",
    "files": "Where MIM Desk keeps its files",
}


def anchors(html: str) -> set[str]:
    return set(re.findall(r'<a name="([^"]+)"', html))


def test_the_guide_has_the_sections_a_desk_needs_and_works_offline() -> None:
    html = guide_html()
    for anchor, heading in SECTIONS.items():
        assert f'<a name="{anchor}"></a>{heading}' in html
    # The first-day checklist names each thing to set up.
    setup = html.split('name="setup"')[1].split("<h2>")[0]
    for thing in ("Service catalogue", "People and rota", "Distribution lists", "Mail server"):
        assert thing in setup
    assert "Shared database" in setup
    # Nothing to fetch: no remote link, image or style.
    assert not re.search(r"(src|href)=\"(https?:|//)", html)
    # Every internal link lands on an anchor.
    assert set(re.findall(r'href="#([^"]+)"', html)) <= anchors(html)


def test_every_tab_has_its_section(window) -> None:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert len(titles) == 7
    missing = [t for t in titles if section_for_tab(t) not in anchors(guide_html())]
    assert missing == []


def test_f1_opens_the_guide_at_the_tab_in_front(qtbot, opened) -> None:
    window = opened.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.tabs.setCurrentIndex(4)  # Communications, far down the guide
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_F1)
    dialog = window.help_dialog
    assert isinstance(dialog, HelpDialog) and dialog.isVisible()
    scroll = dialog.browser.verticalScrollBar()
    assert scroll.value() > 0
    # The top of the view is the tab's own heading.
    top = dialog.browser.cursorForPosition(dialog.browser.viewport().rect().topLeft())
    top.select(top.SelectionType.BlockUnderCursor)
    assert "Communications (Ctrl+5)" in top.selectedText()
    at_comms = scroll.value()

    # Help > Quick guide is the same action, listed with its key.
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    guide = next(a for a in help_menu.actions() if a.text() == "&Quick guide")
    assert guide.shortcut().toString() == "F1"
    window.tabs.setCurrentIndex(0)
    guide.trigger()
    assert window.help_dialog is dialog  # one guide window, brought back
    assert 0 < scroll.value() < at_comms
    dialog.close()
    wait_written(qtbot, opened)


def test_an_empty_database_says_how_to_begin(window) -> None:
    view = window.incident_list
    assert view.filter == "active"
    assert view.empty_label.isVisibleTo(window)
    assert view.empty_label.text() == EMPTY_DATABASE_TEXT
    assert EMPTY_DATABASE_TEXT == "No incidents yet — press Ctrl+N to report one"
