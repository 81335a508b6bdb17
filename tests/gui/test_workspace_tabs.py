"""The workspace tabs behind the first are built when first shown (Communications soon after
the first paint, for its outbox), and whoever asks for a tab gets it, built."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget

from mimdesk.gui.declaration_tab import DeclarationTab
from mimdesk.gui.followups_tab import FollowupsTab
from mimdesk.gui.main import Workspace
from mimdesk.gui.postmortem_tab import PostmortemTab
from mimdesk.gui.roles_tab import RolesTab
from mimdesk.gui.timeline import TimelineTab

LATER = (DeclarationTab, FollowupsTab, PostmortemTab)


def index_of(window, title: str) -> int:
    tabs = window.tabs
    return next(i for i in range(tabs.count()) if tabs.tabText(i) == title)


def test_hidden_tabs_wait_until_shown(qtbot, opened: Workspace):
    window = opened.window
    for kind in LATER:
        assert window.findChild(kind) is None, f"{kind.__name__} was built before it was shown"
    assert window.findChild(TimelineTab) is window.timeline
    assert isinstance(window.findChild(RolesTab), RolesTab)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == [
        "Overview",
        "Timeline",
        "Declaration",
        "Roles",
        "Communications",
        "Follow-ups",
        "Postmortem",
    ]
    # Nothing typed in a tab never built: asking does not build it.
    assert window.unsaved_work() == []
    for kind in LATER:
        assert window.findChild(kind) is None

    declaration = index_of(window, "Declaration")
    window.tabs.setCurrentIndex(declaration)
    tab = window.findChild(DeclarationTab)
    assert tab is not None and tab.isVisible()
    assert window.tabs.widget(declaration) is tab
    assert window.tabs.currentWidget() is tab
    assert window.tabs.indexOf(tab) == declaration
    # It shows the incident open in the window.
    assert window.current.reference in tab.heading.text()
    assert window.findChild(FollowupsTab) is None


def test_a_tab_asked_for_is_built_and_its_shortcut_shows_it(qtbot, opened: Workspace):
    window = opened.window
    postmortem = index_of(window, "Postmortem")
    page = window.tabs.widget(postmortem)
    assert isinstance(page, PostmortemTab)
    assert window.tabs.currentIndex() == 0, "asking for a tab does not show it"
    window.tabs.setCurrentWidget(page)
    assert window.tabs.currentIndex() == postmortem

    followups = index_of(window, "Follow-ups")
    action = next(
        a
        for a in window.view_menu.actions()
        if a.shortcut() == QKeySequence(f"Ctrl+{followups + 1}")
    )
    action.trigger()
    assert window.tabs.currentIndex() == followups
    assert isinstance(window.tabs.currentWidget(), FollowupsTab)


def test_communications_is_built_after_the_first_paint(qtbot, opened: Workspace):
    window = opened.window
    comms = index_of(window, "Communications")
    window.repaint()
    qtbot.waitUntil(lambda: window.tabs.is_built(comms))
    tab: QWidget = window.tabs.widget(comms)
    assert tab.objectName() == "commsTab"
    assert window.tabs.currentIndex() == 0, "built, not shown"
    # Its outbox worker delivers whether or not the tab is ever shown.
    assert tab.outbox._active


def test_tools_keep_their_order_and_open_before_any_tab_is_built(qtbot, opened: Workspace):
    window = opened.window
    tools = [a.text() for a in window.tools_menu.actions() if not a.isSeparator()]
    assert tools[:3] == ["Service &catalogue…", "&People and rota…", "&Settings…"]
    assert window.findChild(DeclarationTab) is None
    window.catalogue.action.trigger()
    assert window.catalogue.dialog is not None and window.catalogue.dialog.isVisible()
    window.catalogue.dialog.close()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.settings_dialog is not None)
    assert window.settings_dialog.isVisible()
    window.settings_dialog.close()
