"""The quick guide shipped with MIM Desk (``resources/guide/guide.html``), shown offline.

F1 opens it at the section of the tab in front; Help > Quick guide at its start. The guide
is plain HTML that QTextBrowser renders itself: no browser engine, no network.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from mimdesk.resources import resource_path

GUIDE_FILE = ("guide", "guide.html")


def guide_html() -> str:
    return resource_path(*GUIDE_FILE).read_text(encoding="utf-8")


def section_for_tab(title: str) -> str:
    """The guide's anchor for a workspace tab: "Follow-ups" -> "tab-followups"."""
    return "tab-" + "".join(ch for ch in title.casefold() if ch.isalnum())


class HelpDialog(QDialog):
    """The guide in a window of its own, left open beside the work (not modal)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle("MIM Desk quick guide")
        self.browser = QTextBrowser()
        self.browser.setObjectName("guideBrowser")
        # Links inside the guide move within it; none leads out of the box.
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(guide_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        chars, lines = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        width, height = chars * 90, lines * 36
        screen = (parent.screen() if parent is not None else None) or self.screen()
        if screen is not None:  # a laptop, or 200 %: within the work area, not past it
            room = screen.availableGeometry()
            width, height = min(width, room.width() * 9 // 10), min(height, room.height() * 8 // 10)
        self.resize(width, height)
        self.setWindowModality(Qt.WindowModality.NonModal)

    def show_section(self, anchor: str = "") -> None:
        if anchor:
            self.browser.scrollToAnchor(anchor)
        else:
            self.browser.verticalScrollBar().setValue(0)
        self.show()
        self.activateWindow()  # when it was open behind the main window
        self.browser.setFocus(Qt.FocusReason.OtherFocusReason)
